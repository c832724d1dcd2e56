// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for cr's image walker, the JSON and text views of "cr
 * inspect" built on it, and the tally that sums up a streamed image.
 * The first are pointed at files of unknown origin -- inspecting an
 * image is how one finds out whether to trust it -- so no input may make
 * them read out of bounds, leak, or trip UBSan.  The tally must also
 * agree with the whole-image count on every image the walker accepts,
 * however the stream is cut.
 */
#include <json-c/json.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "../cr.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/*
 * Fed in pieces of 1 to 512 bytes, cut by a generator seeded from the
 * input so that a crash replays; the bytes themselves would make most
 * pieces one byte long, images being mostly zeroes.
 */
static void check_tally(const uint8_t *data, size_t size)
{
	static struct cr_tally t;
	struct cr_summary whole;
	uint32_t seed = size;
	size_t off, n;

	if (size)
		seed ^= data[size / 2] << 8 | data[size - 1];
	cr_tally_init(&t, NULL);
	for (off = 0; off < size; off += n) {
		seed = seed * 1103515245 + 12345;
		n = (seed >> 16) % 512 + 1;
		if (n > size - off)
			n = size - off;
		cr_tally_feed(&t, data + off, n);
	}
	if (t.sum.bytes != size)
		abort();
	if (cr_summarize_image(data, size, &whole, NULL))
		return;
	if (cr_tally_end(&t) || t.sum.tasks != whole.tasks ||
	    t.sum.memory != whole.memory || t.sum.files != whole.files ||
	    t.sum.bytes != whole.bytes)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static FILE *devnull;
	json_object *top = cr_inspect_image("fuzz", data, size);

	if (!devnull)
		devnull = fopen("/dev/null", "w");
	/* Rendering reads every string and number the decoding produced. */
	json_object_to_json_string_ext(top, JSON_C_TO_STRING_PLAIN);
	if (devnull)
		cr_inspect_print(devnull, top);
	json_object_put(top);
	check_tally(data, size);
	return 0;
}
