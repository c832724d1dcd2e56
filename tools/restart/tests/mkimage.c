// SPDX-License-Identifier: GPL-2.0
/*
 * mkimage DIR: write the synthetic images of synth.c to DIR/NAME.img, for
 * the golden tests of "cr inspect" and as the fuzzer's seed corpus.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "synth.h"

static int write_image(const char *dir, const struct synth_image *im)
{
	struct synth s;
	char path[4096];
	FILE *f;
	int ret = 0;

	snprintf(path, sizeof(path), "%s/%s.img", dir, im->name);
	synth_init(&s);
	im->build(&s);
	f = fopen(path, "w");
	if (!f || fwrite(s.buf, 1, s.len, f) != s.len || fclose(f)) {
		fprintf(stderr, "mkimage: cannot write %s: %s\n", path, strerror(errno));
		ret = 1;
	}
	synth_free(&s);
	return ret;
}

int main(int argc, char **argv)
{
	const struct synth_image *im;
	int ret = 0;

	if (argc != 2) {
		fprintf(stderr, "usage: mkimage DIR\n");
		return 2;
	}
	for (im = synth_images; im->name; im++)
		ret |= write_image(argv[1], im);
	return ret;
}
