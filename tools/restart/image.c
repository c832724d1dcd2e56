// SPDX-License-Identifier: GPL-2.0
/*
 * A userspace walker over checkpoint images.  It checks what can be
 * checked without the kernel -- framing, record types and sizes, objrefs
 * defined before use and of the kind they are used as, the trailer's
 * checksum -- and says exactly which record is wrong, where, and how.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "image.h"

static const char *const rec_names[CKPT_REC_MAX] = {
	[CKPT_REC_HEADER]	= "header",
	[CKPT_REC_TRAILER]	= "trailer",
	[CKPT_REC_CONTAINER]	= "container",
	[CKPT_REC_OBJ]		= "obj",
	[CKPT_REC_TASK]		= "task",
	[CKPT_REC_CPU]		= "cpu",
	[CKPT_REC_MM]		= "mm",
	[CKPT_REC_VMA]		= "vma",
	[CKPT_REC_PAGES]	= "pages",
	[CKPT_REC_FILES]	= "files",
	[CKPT_REC_FILE]		= "file",
	[CKPT_REC_FS]		= "fs",
	[CKPT_REC_SIGHAND]	= "sighand",
	[CKPT_REC_CRED]		= "cred",
	[CKPT_REC_SIGPENDING]	= "sigpending",
	[CKPT_REC_PIPE]		= "pipe",
	[CKPT_REC_SHMEM]	= "shmem",
	[CKPT_REC_PIDNS]	= "pidns",
	[CKPT_REC_TIMERS]	= "timers",
	[CKPT_REC_SECCOMP]	= "seccomp",
	[CKPT_REC_SECCOMP_FILTER] = "seccomp_filter",
	[CKPT_REC_LOCKS]	= "locks",
	[CKPT_REC_POSIX_TIMER]	= "posix_timer",
	[CKPT_REC_ZOMBIE]	= "zombie",
	[CKPT_REC_AUTOGROUP]	= "autogroup",
};

/* Size of each record's fixed part; variable records may be longer. */
static const struct {
	uint32_t fixed;
	int variable;
} rec_sizes[CKPT_REC_MAX] = {
	[CKPT_REC_HEADER]	= { sizeof(struct ckpt_rec_header), 0 },
	[CKPT_REC_TRAILER]	= { sizeof(struct ckpt_rec_trailer), 0 },
	[CKPT_REC_CONTAINER]	= { sizeof(struct ckpt_rec_container), 1 },
	[CKPT_REC_OBJ]		= { sizeof(struct ckpt_rec_obj), 0 },
	[CKPT_REC_TASK]		= { sizeof(struct ckpt_rec_task), 0 },
	[CKPT_REC_CPU]		= { sizeof(struct ckpt_rec_cpu), 1 },
	[CKPT_REC_MM]		= { sizeof(struct ckpt_rec_mm), 1 },
	[CKPT_REC_VMA]		= { sizeof(struct ckpt_rec_vma), 1 },
	[CKPT_REC_PAGES]	= { sizeof(struct ckpt_rec_pages), 1 },
	[CKPT_REC_FILES]	= { sizeof(struct ckpt_rec_files), 1 },
	[CKPT_REC_FILE]		= { sizeof(struct ckpt_rec_file), 1 },
	[CKPT_REC_FS]		= { sizeof(struct ckpt_rec_fs), 1 },
	[CKPT_REC_SIGHAND]	= { sizeof(struct ckpt_rec_sighand), 0 },
	[CKPT_REC_CRED]		= { sizeof(struct ckpt_rec_cred), 1 },
	[CKPT_REC_SIGPENDING]	= { sizeof(struct ckpt_rec_sigpending), 1 },
	[CKPT_REC_PIPE]		= { sizeof(struct ckpt_rec_pipe), 1 },
	[CKPT_REC_SHMEM]	= { sizeof(struct ckpt_rec_shmem), 0 },
	[CKPT_REC_PIDNS]	= { sizeof(struct ckpt_rec_pidns), 1 },
	[CKPT_REC_TIMERS]	= { sizeof(struct ckpt_rec_timers), 0 },
	[CKPT_REC_SECCOMP]	= { sizeof(struct ckpt_rec_seccomp), 0 },
	[CKPT_REC_SECCOMP_FILTER] = { sizeof(struct ckpt_rec_seccomp_filter), 1 },
	[CKPT_REC_LOCKS]	= { sizeof(struct ckpt_rec_locks), 1 },
	[CKPT_REC_POSIX_TIMER]	= { sizeof(struct ckpt_rec_posix_timer), 0 },
	[CKPT_REC_ZOMBIE]	= { sizeof(struct ckpt_rec_zombie), 0 },
	[CKPT_REC_AUTOGROUP]	= { sizeof(struct ckpt_rec_autogroup), 0 },
};

static const char *const obj_names[CKPT_OBJ_MAX] = {
	[CKPT_OBJ_MM]		= "mm",
	[CKPT_OBJ_FILES]	= "files",
	[CKPT_OBJ_FILE]		= "file",
	[CKPT_OBJ_FS]		= "fs",
	[CKPT_OBJ_SIGHAND]	= "sighand",
	[CKPT_OBJ_CRED]		= "cred",
	[CKPT_OBJ_PIPE]		= "pipe",
	[CKPT_OBJ_SHMEM]	= "shmem",
	[CKPT_OBJ_FIFO]		= "fifo",
	[CKPT_OBJ_SECCOMP]	= "seccomp",
	[CKPT_OBJ_AUTOGROUP]	= "autogroup",
};

/* objrefs name objects in a dense range; more than this is corruption. */
#define CR_MAX_OBJREF	0x400000U

const char *cr_rec_name(uint32_t type)
{
	return type < CKPT_REC_MAX && rec_names[type] ? rec_names[type] : "unknown";
}

const char *cr_obj_name(uint32_t type)
{
	return type < CKPT_OBJ_MAX && obj_names[type] ? obj_names[type] : "unknown";
}

/**
 * cr_rec_fixed_size - the size of a record type's fixed part
 * @type:	CKPT_REC_*.
 *
 * Every sound record of @type is at least this long.
 *
 * Return: that size, or 0 for a type this tool does not know.
 */
uint32_t cr_rec_fixed_size(uint32_t type)
{
	return type < CKPT_REC_MAX ? rec_sizes[type].fixed : 0;
}

struct walk {
	struct cr_image *img;
	uint8_t *kinds;		/* kind of each defined objref, 0 if none */
	uint32_t nr_kinds;
};

static int fail(struct cr_image *img, unsigned int index, size_t off,
		const char *fmt, ...)
{
	char what[200];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	snprintf(img->error, sizeof(img->error),
		 "record %u at offset %zu: %s", index, off, what);
	return -1;
}

static int define_ref(struct walk *w, uint32_t ref, uint32_t kind)
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

static int check_ref(struct walk *w, unsigned int i, size_t off,
		     uint32_t ref, uint32_t kind, const char *field)
{
	if (ref >= w->nr_kinds || !w->kinds[ref])
		return fail(w->img, i, off, "%s objref %u is used before it is defined",
			    field, ref);
	if (w->kinds[ref] != kind)
		return fail(w->img, i, off, "%s objref %u is a %s, used as a %s",
			    field, ref, cr_obj_name(w->kinds[ref]),
			    cr_obj_name(kind));
	return 0;
}

/* The checks that need the record's contents. */
static int check_record(struct walk *w, unsigned int i, size_t off,
			const struct ckpt_rec *r)
{
	const struct ckpt_rec_header *h;
	const struct ckpt_rec_obj *o;
	const struct ckpt_rec_task *t;
	const struct ckpt_rec_files *f;
	const struct ckpt_fd_entry *e;
	uint32_t n, np;

	switch (r->type) {
	case CKPT_REC_HEADER:
		h = (const void *)r;
		if (h->magic != CKPT_IMAGE_MAGIC)
			return fail(w->img, i, off, "bad magic: not a checkpoint image");
		if (h->version != CKPT_IMAGE_VERSION)
			return fail(w->img, i, off, "format version %u, this tool reads %u",
				    h->version, CKPT_IMAGE_VERSION);
		if (!memchr(h->release, 0, sizeof(h->release)))
			return fail(w->img, i, off, "kernel release is not terminated");
		w->img->header = h;
		return 0;
	case CKPT_REC_OBJ:
		o = (const void *)r;
		if (o->obj_type == 0 || o->obj_type >= CKPT_OBJ_MAX)
			return fail(w->img, i, off, "unknown object kind %u", o->obj_type);
		if (define_ref(w, o->objref, o->obj_type))
			return fail(w->img, i, off, "objref %u is zero, too large or reused",
				    o->objref);
		return 0;
	case CKPT_REC_TASK:
		t = (const void *)r;
		return check_ref(w, i, off, t->mm_ref, CKPT_OBJ_MM, "mm") ||
		       check_ref(w, i, off, t->files_ref, CKPT_OBJ_FILES, "files") ||
		       check_ref(w, i, off, t->fs_ref, CKPT_OBJ_FS, "fs") ||
		       check_ref(w, i, off, t->sighand_ref, CKPT_OBJ_SIGHAND, "sighand") ||
		       check_ref(w, i, off, t->cred_ref, CKPT_OBJ_CRED, "cred") ||
		       (t->autogroup_ref &&
			check_ref(w, i, off, t->autogroup_ref, CKPT_OBJ_AUTOGROUP,
				  "autogroup")) ? -1 : 0;
	case CKPT_REC_ZOMBIE:
		n = ((const struct ckpt_rec_zombie *)r)->cred_ref;
		np = ((const struct ckpt_rec_zombie *)r)->autogroup_ref;
		return check_ref(w, i, off, n, CKPT_OBJ_CRED, "zombie's cred") ||
		       (np && check_ref(w, i, off, np, CKPT_OBJ_AUTOGROUP,
					"zombie's autogroup")) ? -1 : 0;
	case CKPT_REC_MM:
		n = ((const struct ckpt_rec_mm *)r)->exe_cred_ref;
		return n && check_ref(w, i, off, n, CKPT_OBJ_CRED, "executable's opener") ?
		       -1 : 0;
	case CKPT_REC_VMA:
		n = ((const struct ckpt_rec_vma *)r)->cred_ref;
		if (n && check_ref(w, i, off, n, CKPT_OBJ_CRED, "mapped file's opener"))
			return -1;
		if (((const struct ckpt_rec_vma *)r)->kind != CKPT_VMA_SHMEM)
			return 0;
		return check_ref(w, i, off, ((const struct ckpt_rec_vma *)r)->obj_ref,
				 CKPT_OBJ_SHMEM, "shared memory") ? -1 : 0;
	case CKPT_REC_FILE:
		n = ((const struct ckpt_rec_file *)r)->cred_ref;
		if (n && check_ref(w, i, off, n, CKPT_OBJ_CRED, "file's opener"))
			return -1;
		switch (((const struct ckpt_rec_file *)r)->kind) {
		case CKPT_FILE_PIPE:
			return check_ref(w, i, off, ((const struct ckpt_rec_file *)r)->obj_ref,
					 CKPT_OBJ_PIPE, "pipe") ? -1 : 0;
		case CKPT_FILE_FIFO:
			return check_ref(w, i, off, ((const struct ckpt_rec_file *)r)->obj_ref,
					 CKPT_OBJ_FIFO, "FIFO") ? -1 : 0;
		}
		return 0;
	case CKPT_REC_FILES:
		f = (const void *)r;
		if ((uint64_t)f->nr_fds * sizeof(*e) != r->len - sizeof(*f))
			return fail(w->img, i, off, "%u fds do not fit a %u-byte record",
				    f->nr_fds, r->len);
		e = (const void *)(f + 1);
		for (n = 0; n < f->nr_fds; n++)
			if (check_ref(w, i, off, e[n].file_ref, CKPT_OBJ_FILE, "fd"))
				return -1;
		return 0;
	case CKPT_REC_CONTAINER:
		n = ((const struct ckpt_rec_container *)r)->nr_tasks;
		np = ((const struct ckpt_rec_container *)r)->nr_pids;
		if ((uint64_t)n * sizeof(struct ckpt_tree_entry) + np * 4ULL !=
		    r->len - sizeof(struct ckpt_rec_container))
			return fail(w->img, i, off,
				    "%u tasks and %u pids do not fit a %u-byte record",
				    n, np, r->len);
		return 0;
	case CKPT_REC_SECCOMP:
		n = ((const struct ckpt_rec_seccomp *)r)->filter_ref;
		return n && check_ref(w, i, off, n, CKPT_OBJ_SECCOMP, "seccomp filter") ?
		       -1 : 0;
	case CKPT_REC_SECCOMP_FILTER:
		n = ((const struct ckpt_rec_seccomp_filter *)r)->len;
		if ((uint64_t)n * sizeof(struct ckpt_sock_filter) !=
		    r->len - sizeof(struct ckpt_rec_seccomp_filter))
			return fail(w->img, i, off,
				    "%u instructions do not fit a %u-byte record",
				    n, r->len);
		n = ((const struct ckpt_rec_seccomp_filter *)r)->prev_ref;
		return n && check_ref(w, i, off, n, CKPT_OBJ_SECCOMP,
				      "previous seccomp filter") ? -1 : 0;
	case CKPT_REC_LOCKS:
		n = ((const struct ckpt_rec_locks *)r)->nr;
		if ((uint64_t)n * sizeof(struct ckpt_lock) !=
		    r->len - sizeof(struct ckpt_rec_locks))
			return fail(w->img, i, off, "%u locks do not fit a %u-byte record",
				    n, r->len);
		for (np = 0; np < n; np++) {
			const struct ckpt_lock *l =
				(const struct ckpt_lock *)((const struct ckpt_rec_locks *)r + 1) + np;

			if (check_ref(w, i, off, l->file_ref, CKPT_OBJ_FILE, "locked file") ||
			    (l->files_ref && check_ref(w, i, off, l->files_ref,
						       CKPT_OBJ_FILES, "lock's fd table")))
				return -1;
		}
		return 0;
	case CKPT_REC_PIDNS:
		n = ((const struct ckpt_rec_pidns *)r)->nr_pidns;
		np = ((const struct ckpt_rec_pidns *)r)->nr_nested;
		if ((uint64_t)n * sizeof(struct ckpt_pidns_entry) + np * 4ULL !=
		    r->len - sizeof(struct ckpt_rec_pidns))
			return fail(w->img, i, off,
				    "%u pid namespaces and %u pids do not fit a %u-byte record",
				    n, np, r->len);
		return 0;
	}
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
	struct walk w = { .img = img };
	size_t off = 0;
	unsigned int i;
	int ret = -1;

	img->nr_records = 0;
	img->header = NULL;
	img->error[0] = '\0';
	for (i = 0; off < img->size; i++) {
		const struct ckpt_rec *r = (const void *)(img->data + off);
		size_t padded;

		if (img->size - off < sizeof(*r)) {
			fail(img, i, off, "truncated record header");
			goto out;
		}
		if (r->len < sizeof(*r) || r->len > CKPT_REC_MAX_LEN) {
			fail(img, i, off, "bad length %u", r->len);
			goto out;
		}
		padded = (r->len + CKPT_ALIGN - 1) & ~(size_t)(CKPT_ALIGN - 1);
		if (padded > img->size - off) {
			fail(img, i, off, "%s record of %u bytes runs past the end (%zu bytes)",
			     cr_rec_name(r->type), r->len, img->size);
			goto out;
		}
		if (r->type == 0 || r->type >= CKPT_REC_MAX) {
			fail(img, i, off, "unknown record type %u", r->type);
			goto out;
		}
		if (r->len < rec_sizes[r->type].fixed ||
		    (!rec_sizes[r->type].variable && r->len != rec_sizes[r->type].fixed)) {
			fail(img, i, off, "%s record has length %u, expected %s%u",
			     cr_rec_name(r->type), r->len,
			     rec_sizes[r->type].variable ? "at least " : "",
			     rec_sizes[r->type].fixed);
			goto out;
		}
		for (size_t p = off + r->len; p < off + padded; p++) {
			if (img->data[p]) {
				fail(img, i, off, "nonzero padding");
				goto out;
			}
		}
		if (i == 0 && r->type != CKPT_REC_HEADER) {
			fail(img, i, off, "the image does not start with a header");
			goto out;
		}
		if (i > 0 && r->type == CKPT_REC_HEADER) {
			fail(img, i, off, "a second header");
			goto out;
		}
		if (r->type == CKPT_REC_TRAILER) {
			const struct ckpt_rec_trailer *t = (const void *)r;
			uint32_t crc = crc32(0, img->data, off);

			if (off + padded != img->size) {
				fail(img, i, off, "data after the trailer");
				goto out;
			}
			if (t->magic != CKPT_IMAGE_MAGIC || t->nr_records != i) {
				fail(img, i, off, "trailer says %u records, the image has %u",
				     t->nr_records, i);
				goto out;
			}
			if (t->crc != crc) {
				fail(img, i, off, "checksum %08x, the image's is %08x",
				     t->crc, crc);
				goto out;
			}
		}
		if (check_record(&w, i, off, r))
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
	fail(img, i, off, "the image ends without a trailer (an interrupted checkpoint?)");
out:
	free(w.kinds);
	return ret;
}
