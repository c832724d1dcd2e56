// SPDX-License-Identifier: GPL-2.0
/*
 * A userspace walker over checkpoint images.  It checks what can be
 * checked without the kernel -- framing, record types and sizes, objrefs
 * defined before use and of the kind they are used as, the trailer's
 * checksum -- and says exactly which record is wrong, where, and how.
 * What each record type must hold is checked by its entry in records.c.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <byteswap.h>
#include <zlib.h>

#include "image.h"
#include "records.h"

/* objrefs name objects in a dense range; more than this is corruption. */
#define CR_MAX_OBJREF	0x400000U

/**
 * cr_walk_fail - say which record is wrong, and how
 * @w:		the walk.
 * @fmt:	printf format of how.
 *
 * Return: -1, for a check to return.
 */
int cr_walk_fail(struct cr_walk *w, const char *fmt, ...)
{
	char what[200];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	snprintf(w->img->error, sizeof(w->img->error),
		 "record %u at offset %zu: %s", w->index, w->off, what);
	return -1;
}

/**
 * cr_walk_define - an object record defines an objref
 * @w:		the walk.
 * @ref:	the objref.
 * @kind:	CKPT_OBJ_* of the object, known to be in range.
 *
 * Return: 0, or -1 if @ref is zero, out of range or already defined
 * (or memory ran out); the caller says which record.
 */
int cr_walk_define(struct cr_walk *w, uint32_t ref, uint32_t kind)
{
	if (!ref || ref >= CR_MAX_OBJREF)
		return -1;
	if (ref >= w->nr_kinds) {
		uint32_t n = ref * 2 < CR_MAX_OBJREF ? ref * 2 : CR_MAX_OBJREF;
		uint8_t *k = realloc(w->kinds, n);

		if (!k)
			return -1;
		memset(k + w->nr_kinds, 0, n - w->nr_kinds);
		w->kinds = k;
		w->nr_kinds = n;
	}
	if (w->kinds[ref])
		return -1;
	w->kinds[ref] = kind;
	return 0;
}

/**
 * cr_walk_ref - check an objref a record uses
 * @w:		the walk.
 * @ref:	the objref.
 * @kind:	CKPT_OBJ_* the record uses it as.
 * @field:	what the record calls it, for the error message.
 *
 * Return: 0 if an earlier record defined @ref as a @kind, else the
 * result of cr_walk_fail().
 */
int cr_walk_ref(struct cr_walk *w, uint32_t ref, uint32_t kind,
		const char *field)
{
	if (ref >= w->nr_kinds || !w->kinds[ref])
		return cr_walk_fail(w, "%s objref %u is used before it is defined",
				    field, ref);
	if (w->kinds[ref] != kind)
		return cr_walk_fail(w, "%s objref %u is a %s, used as a %s",
				    field, ref, cr_obj_name(w->kinds[ref]),
				    cr_obj_name(kind));
	return 0;
}

/**
 * cr_print_string - print a string from an image where a person reads it
 * @f:		where to print it.
 * @s:		the string; it need not end in a NUL.
 * @len:	its length: a NUL before it is escaped too, as a path with
 *		one in it is not the path it reads as; pass strnlen() of a
 *		NUL-padded field.
 *
 * Paths and names in an image are whatever the checkpointed tasks made
 * them, escape sequences included: printed raw, they could rewrite the
 * terminal of whoever inspects the image.  Every byte but printable ASCII
 * comes out as \xNN, and so does a backslash, so that the text cannot
 * be mistaken for what it escapes.
 */
void cr_print_string(FILE *f, const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		unsigned char c = s[i];

		if (c < 0x20 || c > 0x7e || c == '\\')
			fprintf(f, "\\x%02x", c);
		else
			fputc(c, f);
	}
}

/*
 * The first thing checked of an image: the magic and the version, from
 * the bytes where every format version had them, so that an image of
 * another version is named as one before its framing is held to this
 * version's rules (format 6 had a u32 type and no hdr_len).
 */
static int check_magic(struct cr_walk *w, const unsigned char *p, size_t size)
{
	const size_t have = offsetof(struct ckpt_rec_header, version) +
			    sizeof(uint32_t);
	uint64_t magic;
	uint32_t version;

	if (size < have)
		return cr_walk_fail(w, "truncated image header");
	memcpy(&magic, p + offsetof(struct ckpt_rec_header, magic),
	       sizeof(magic));
	memcpy(&version, p + offsetof(struct ckpt_rec_header, version),
	       sizeof(version));
	if (magic == bswap_64(CKPT_IMAGE_MAGIC))
		return cr_walk_fail(w, "image is big-endian");
	if (magic != CKPT_IMAGE_MAGIC)
		return cr_walk_fail(w, "bad magic: not a checkpoint image");
	if (version != CKPT_IMAGE_VERSION)
		return cr_walk_fail(w, "format version %u, this tool reads %u",
				    version, CKPT_IMAGE_VERSION);
	return 0;
}

/**
 * cr_image_walk - check an image and call @fn for each record
 * @img:	data and size filled in; the rest is filled by the walk.
 * @fn:		called for each record in order, or NULL.
 * @arg:	passed to @fn.
 *
 * Return: 0 for an image that passed every check, -1 with img->error
 * set otherwise (or whatever nonzero @fn returned).
 */
int cr_image_walk(struct cr_image *img, cr_record_fn fn, void *arg)
{
	struct cr_walk w = { .img = img };
	char why[160];
	size_t off = 0;
	unsigned int i;
	int ret = -1;

	img->nr_records = 0;
	img->header = NULL;
	img->error[0] = '\0';
	for (i = 0; off < img->size; i++) {
		const struct ckpt_rec *r = (const void *)(img->data + off);
		const struct cr_rec_def *d;
		size_t padded;

		w.index = i;
		w.off = off;
		if (img->size - off < sizeof(*r)) {
			cr_walk_fail(&w, "truncated record header");
			goto out;
		}
		/* The format is little-endian; a swapped header is told apart. */
		if (i == 0 && r->type == bswap_16(CKPT_REC_HEADER)) {
			cr_walk_fail(&w, "image is big-endian");
			goto out;
		}
		if (i == 0 && r->type == CKPT_REC_HEADER &&
		    check_magic(&w, img->data, img->size))
			goto out;
		if (r->len < sizeof(*r) || r->len > CKPT_REC_MAX_LEN) {
			cr_walk_fail(&w, "bad length %u", r->len);
			goto out;
		}
		padded = (r->len + CKPT_ALIGN - 1) & ~(size_t)(CKPT_ALIGN - 1);
		if (padded > img->size - off) {
			cr_walk_fail(&w, "%s record of %u bytes runs past the end (%zu bytes)",
				     cr_rec_name(r->type), r->len, img->size);
			goto out;
		}
		d = cr_rec_def(r->type);
		if (!d) {
			cr_walk_fail(&w, "unknown record type %u", r->type);
			goto out;
		}
		if (!cr_rec_fits(d, r, why, sizeof(why))) {
			cr_walk_fail(&w, "%s", why);
			goto out;
		}
		for (size_t p = off + r->len; p < off + padded; p++) {
			if (img->data[p]) {
				cr_walk_fail(&w, "nonzero padding");
				goto out;
			}
		}
		if (i == 0 && r->type != CKPT_REC_HEADER) {
			cr_walk_fail(&w, "the image does not start with a header");
			goto out;
		}
		if (i > 0 && r->type == CKPT_REC_HEADER) {
			cr_walk_fail(&w, "a second header");
			goto out;
		}
		if (r->type == CKPT_REC_TRAILER) {
			const struct ckpt_rec_trailer *t = (const void *)r;
			uint32_t crc = crc32(0, img->data, off);

			if (off + padded != img->size) {
				cr_walk_fail(&w, "data after the trailer");
				goto out;
			}
			if (t->magic != CKPT_IMAGE_MAGIC || t->nr_records != i) {
				cr_walk_fail(&w, "trailer says %u records, the image has %u",
					     t->nr_records, i);
				goto out;
			}
			if (t->crc != crc) {
				cr_walk_fail(&w, "checksum %08x, the image's is %08x",
					     t->crc, crc);
				goto out;
			}
		}
		if (d->check && d->check(&w, r))
			goto out;
		if (fn) {
			int stop = fn(img, i, off, r, arg);

			if (stop) {
				ret = stop;
				goto out;
			}
		}
		img->nr_records = i + 1;
		off += padded;
		if (r->type == CKPT_REC_TRAILER) {
			ret = 0;
			goto out;
		}
	}
	w.index = i;
	w.off = off;
	cr_walk_fail(&w, "the image ends without a trailer (an interrupted checkpoint?)");
out:
	free(w.kinds);
	return ret;
}
