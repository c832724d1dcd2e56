/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What cr knows of each record type, in one table: the walker (image.c),
 * the summary (summary.c) and cr inspect (inspect.c) keep their frames
 * and look a record's type up here for everything that depends on it.
 * A new record type is one entry in cr_rec_defs[] and its functions in
 * records.c.
 */
#ifndef CR_RECORDS_H
#define CR_RECORDS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <linux/checkpoint.h>

struct cr_image;
struct cr_tally;
struct cr_view;
struct json_object;

/**
 * struct cr_walk - the walk in progress, as a record's check sees it
 * @img:	the image being walked.
 * @kinds:	the kind of each objref defined so far, 0 if none.
 * @nr_kinds:	room in @kinds.
 * @index:	the record being checked,
 * @off:	and its offset, for the error message.
 */
struct cr_walk {
	struct cr_image *img;
	uint8_t *kinds;
	uint32_t nr_kinds;
	unsigned int index;
	size_t off;
};

int cr_walk_fail(struct cr_walk *w, const char *fmt, ...);
int cr_walk_define(struct cr_walk *w, uint32_t ref, uint32_t kind);
int cr_walk_ref(struct cr_walk *w, uint32_t ref, uint32_t kind,
		const char *field);

/**
 * struct cr_rec_def - one record type
 * @name:	as cr inspect and cr formats print it.
 * @size:	the fixed part as this tool's uapi header has it: every
 *		hook below may read that much of a record, in place.  Past
 *		it a longer fixed part holds only zeroes; see cr_rec_fits().
 * @min:	the least a record's fixed part may be written with, the
 *		size its type was first defined with
 *		(CKPT_REC_<TYPE>_SIZE_VER0), as the kernel has it.  Equal to
 *		@size for now, which the table checks at build time.
 * @tail:	a variable part follows the fixed one, at cr_payload().
 * @obj_kind:	the CKPT_OBJ_* whose contents the record holds, or 0.
 * @check:	the checks that need the contents (objrefs, counts that
 *		must fit the length); 0 or the result of cr_walk_fail().
 * @json:	add the record's identifying fields to its entry in cr
 *		inspect's list of records.
 * @obj_json:	add what the object holds to its entry in cr inspect's
 *		list of objects, given what the view counted for it: the
 *		mappings of an mm, the pages saved of shared memory.
 * @tally:	count the record into a summary; only the fixed part may be
 *		read, that being all a stream's tally keeps of it.
 * @view:	file the record in cr inspect's view of objects and tasks.
 *
 * Every hook may be NULL: the record type has nothing of that kind.
 */
struct cr_rec_def {
	const char *name;
	uint32_t size;
	uint32_t min;
	bool tail;
	uint32_t obj_kind;
	int (*check)(struct cr_walk *w, const struct ckpt_rec *r);
	void (*json)(struct json_object *o, const struct ckpt_rec *r);
	void (*obj_json)(struct json_object *o, const struct ckpt_rec *r,
			 uint64_t maps, uint64_t pages);
	void (*tally)(struct cr_tally *t, const struct ckpt_rec *r);
	void (*view)(struct cr_view *v, unsigned int index, size_t off,
		     const struct ckpt_rec *r);
};

extern const struct cr_rec_def cr_rec_defs[CKPT_REC_MAX];

const struct cr_rec_def *cr_rec_def(uint32_t type);
bool cr_rec_fits(const struct cr_rec_def *d, const struct ckpt_rec *r,
		 char *why, size_t len);
void cr_print_formats(FILE *f);
int cmd_formats(void);

/* The parts of cr inspect's view that records file themselves in. */
void cr_view_obj(struct cr_view *v, unsigned int index, size_t off,
		 const struct ckpt_rec *r);
void cr_view_vma(struct cr_view *v, unsigned int index, size_t off,
		 const struct ckpt_rec *r);
void cr_view_pages(struct cr_view *v, unsigned int index, size_t off,
		   const struct ckpt_rec *r);
void cr_view_shmem(struct cr_view *v, unsigned int index, size_t off,
		   const struct ckpt_rec *r);
void cr_view_task(struct cr_view *v, unsigned int index, size_t off,
		  const struct ckpt_rec *r);
void cr_view_seccomp(struct cr_view *v, unsigned int index, size_t off,
		     const struct ckpt_rec *r);
void cr_view_locks(struct cr_view *v, unsigned int index, size_t off,
		   const struct ckpt_rec *r);

/* JSON that records.c and inspect.c's view both build. */
#define jint(v)		json_object_new_int64((int64_t)(v))
/* Addresses and sizes: as int64, those from 2^63 on would go negative. */
#define juint(v)	json_object_new_uint64((uint64_t)(v))
#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#endif

/*
 * A record's variable part starts after its fixed part as written
 * (@hdr_len), which may be longer than this tool's struct.
 */
static inline const void *cr_payload(const void *rec)
{
	return (const unsigned char *)rec + ((const struct ckpt_rec *)rec)->hdr_len;
}

static inline uint32_t cr_payload_len(const void *rec)
{
	const struct ckpt_rec *r = rec;

	return r->len - r->hdr_len;
}

struct json_object *cr_json_str(const char *s, size_t max);
struct json_object *cr_json_bits(uint32_t flags, const char *const *names,
				 unsigned int n);
struct json_object *cr_json_locks(const struct ckpt_rec_locks *r);
void cr_json_file(struct json_object *o, const struct ckpt_rec_file *f);

#endif /* CR_RECORDS_H */
