/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Reading checkpoint images in userspace, without the kernel's help: a
 * walker over the records that checks framing, types, sizes, objrefs and
 * the trailer's checksum, and calls back for each record.
 */
#ifndef CR_IMAGE_H
#define CR_IMAGE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <linux/checkpoint.h>

struct cr_image {
	const unsigned char *data;
	size_t size;
	/* Filled in by cr_image_walk() */
	unsigned int nr_records;
	const struct ckpt_rec_header *header;
	char error[256];		/* what is wrong, with record and offset */
};

/* Called for every record; return nonzero to stop the walk. */
typedef int (*cr_record_fn)(struct cr_image *img, unsigned int index,
			    size_t offset, const struct ckpt_rec *rec,
			    void *arg);

const char *cr_rec_name(uint32_t type);
const char *cr_obj_name(uint32_t type);
uint32_t cr_rec_fixed_size(uint32_t type);
int cr_image_walk(struct cr_image *img, cr_record_fn fn, void *arg);
void cr_print_string(FILE *f, const char *s, size_t len);

#endif /* CR_IMAGE_H */
