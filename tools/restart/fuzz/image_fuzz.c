// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for cr's image walker and the JSON view of "cr
 * inspect" built on it.  Both are pointed at files of unknown origin --
 * inspecting an image is how one finds out whether to trust it -- so no
 * input may make them read out of bounds, leak, or trip UBSan.
 */
#include <json-c/json.h>
#include <stddef.h>
#include <stdint.h>

#include "../cr.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	json_object *top = cr_inspect_image("fuzz", data, size);

	/* Rendering reads every string and number the decoding produced. */
	json_object_to_json_string_ext(top, JSON_C_TO_STRING_PLAIN);
	json_object_put(top);
	return 0;
}
