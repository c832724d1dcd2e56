// SPDX-License-Identifier: GPL-2.0
/*
 * cr's image walker on synthetic images: sound ones walk cleanly, and
 * each kind of damage is reported at the record and byte offset where
 * it is, since that is what someone holding a broken image needs.
 */
#include <fcntl.h>
#include <json-c/json.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "kselftest_harness.h"
#include "../image.h"
#include "../records.h"
#include "../cr.h"
#include "synth.h"

static void vexpect_damage(struct __test_metadata *_metadata, struct synth *s,
			   size_t size, unsigned int index, size_t off,
			   const char *fmt, va_list ap)
{
	struct cr_image img = { .data = s->buf, .size = size };
	char what[200], want[256];

	vsnprintf(what, sizeof(what), fmt, ap);
	snprintf(want, sizeof(want), "record %u at offset %zu: %s", index, off, what);
	ASSERT_EQ(-1, cr_image_walk(&img, NULL, NULL));
	ASSERT_STREQ(want, img.error);
	/* Everything before the damage was sound. */
	ASSERT_EQ(index, img.nr_records);
}

/* Walks @s's first @size bytes; the error must be @fmt at @index, @off. */
static void expect_damage(struct __test_metadata *_metadata, struct synth *s,
			  size_t size, unsigned int index, size_t off,
			  const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vexpect_damage(_metadata, s, size, index, off, fmt, ap);
	va_end(ap);
}

/* The same for the whole of @s, damaged at its record @index. */
static void damage_at(struct __test_metadata *_metadata, struct synth *s,
		      unsigned int index, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vexpect_damage(_metadata, s, s->len, index, s->off[index], fmt, ap);
	va_end(ap);
}

#define DAMAGE_AT(...) damage_at(_metadata, __VA_ARGS__)

struct seen {
	unsigned int nr;
	size_t off[SYNTH_MAX_RECS];
	uint32_t type[SYNTH_MAX_RECS];
	unsigned int stop_at;
};

static int note_record(struct cr_image *img, unsigned int index, size_t off,
		       const struct ckpt_rec *rec, void *arg)
{
	struct seen *seen = arg;

	if (index != seen->nr || index >= SYNTH_MAX_RECS)
		return -2;
	seen->off[index] = off;
	seen->type[index] = rec->type;
	seen->nr++;
	return seen->nr == seen->stop_at ? 7 : 0;
}

TEST(sound_images_walk_cleanly)
{
	void (*const build[])(struct synth *) = {
		synth_single, synth_pipe_tree, synth_threads, synth_pidns_fifo,
	};
	unsigned int i, j;

	for (i = 0; i < ARRAY_SIZE(build); i++) {
		struct seen seen = { };
		struct synth s;
		struct cr_image img;

		synth_init(&s);
		build[i](&s);
		img = (struct cr_image){ .data = s.buf, .size = s.len };
		ASSERT_EQ(0, cr_image_walk(&img, note_record, &seen)) {
			TH_LOG("image %u: %s", i, img.error);
		}
		ASSERT_STREQ("", img.error);
		ASSERT_EQ(s.nr, img.nr_records);
		ASSERT_EQ(s.nr, seen.nr);
		ASSERT_EQ((const void *)s.buf, (const void *)img.header);
		for (j = 0; j < s.nr; j++) {
			ASSERT_EQ(s.off[j], seen.off[j]);
			ASSERT_EQ(s.type[j], seen.type[j]);
		}
		synth_free(&s);
	}
}

TEST(callback_stops_the_walk)
{
	struct seen seen = { .stop_at = 3 };
	struct cr_image img;
	struct synth s;

	synth_init(&s);
	synth_single(&s);
	img = (struct cr_image){ .data = s.buf, .size = s.len };
	ASSERT_EQ(7, cr_image_walk(&img, note_record, &seen));
	ASSERT_EQ(3U, seen.nr);
	ASSERT_EQ(2U, img.nr_records);
	synth_free(&s);
}

TEST(truncated)
{
	struct synth s;
	int pages, trailer;

	synth_init(&s);
	synth_single(&s);
	pages = synth_find(&s, CKPT_REC_PAGES, 0);
	trailer = synth_find(&s, CKPT_REC_TRAILER, 0);
	ASSERT_LT(0, pages);

	expect_damage(_metadata, &s, 0, 0, 0,
		      "the image ends without a trailer (an interrupted checkpoint?)");
	expect_damage(_metadata, &s, s.off[pages] + 4, pages, s.off[pages],
		      "truncated record header");
	expect_damage(_metadata, &s, s.off[pages] + 100, pages, s.off[pages],
		      "pages record of 4120 bytes runs past the end (%zu bytes)",
		      s.off[pages] + 100);
	/* Cut between records: what a checkpoint that failed leaves. */
	expect_damage(_metadata, &s, s.off[trailer], trailer, s.off[trailer],
		      "the image ends without a trailer (an interrupted checkpoint?)");
	/* The trailer's own padding is part of the image. */
	expect_damage(_metadata, &s, s.len - 1, trailer, s.off[trailer],
		      "trailer record of 24 bytes runs past the end (%zu bytes)",
		      s.len - 1);
	synth_free(&s);
}

TEST(bad_record_length)
{
	struct ckpt_rec *r;
	struct synth s;
	int i;

	synth_init(&s);
	synth_single(&s);
	i = synth_find(&s, CKPT_REC_SIGHAND, 0);
	r = synth_at(&s, i);

	r->len = 4;
	DAMAGE_AT(&s, i, "bad length 4");
	r->len = CKPT_REC_MAX_LEN + 1;
	DAMAGE_AT(&s, i, "bad length %u", CKPT_REC_MAX_LEN + 1);
	r->len = sizeof(struct ckpt_rec_sighand) - 8;
	DAMAGE_AT(&s, i, "sighand record has a fixed part of %zu bytes in a length of %zu",
		  sizeof(struct ckpt_rec_sighand), sizeof(struct ckpt_rec_sighand) - 8);
	r->len = sizeof(struct ckpt_rec_sighand) + 8;
	DAMAGE_AT(&s, i, "sighand record has 8 bytes after its fixed part, expected none");

	i = synth_find(&s, CKPT_REC_FILE, 0);
	r = synth_at(&s, i);
	r->len = sizeof(*r);
	DAMAGE_AT(&s, i, "file record has a fixed part of %zu bytes in a length of 8",
		  sizeof(struct ckpt_rec_file));
	synth_free(&s);
}

/*
 * The format's rule for growing (uapi header): a fixed part longer than
 * this tool's struct is read if what it does not know is zero, and the
 * variable part is found after it, however long.
 */
TEST(grown_records_walk_as_the_originals)
{
	struct seen seen = { }, grown_seen = { };
	struct synth s, g;
	struct cr_image img;
	unsigned int j;

	synth_init(&s);
	synth_single(&s);
	synth_init(&g);
	synth_grown(&g);
	ASSERT_EQ(s.nr, g.nr);
	ASSERT_EQ(s.len + 5 * 8, g.len);
	img = (struct cr_image){ .data = s.buf, .size = s.len };
	ASSERT_EQ(0, cr_image_walk(&img, note_record, &seen)) TH_LOG("%s", img.error);
	img = (struct cr_image){ .data = g.buf, .size = g.len };
	ASSERT_EQ(0, cr_image_walk(&img, note_record, &grown_seen))
		TH_LOG("%s", img.error);
	for (j = 0; j < s.nr; j++)
		ASSERT_EQ(seen.type[j], grown_seen.type[j]);
	synth_free(&s);
	synth_free(&g);
}

TEST(grown_records_with_unknown_fields)
{
	static const struct {
		uint32_t type;
		const char *name;
		size_t size;
	} rec[] = {
		{ CKPT_REC_TASK, "task", sizeof(struct ckpt_rec_task) },
		{ CKPT_REC_MM, "mm", sizeof(struct ckpt_rec_mm) },
		{ CKPT_REC_VMA, "vma", sizeof(struct ckpt_rec_vma) },
		{ CKPT_REC_HEADER, "header", sizeof(struct ckpt_rec_header) },
	};
	struct ckpt_rec *r;
	struct synth s;
	unsigned int j;
	int i;

	for (j = 0; j < ARRAY_SIZE(rec); j++) {
		synth_init(&s);
		synth_single(&s);
		i = synth_find(&s, rec[j].type, 0);
		synth_grow(&s, i, 8, 0x01);
		DAMAGE_AT(&s, i,
			  "%s record has unknown non-zero fields (byte %zu of its fixed part, this tool knows %zu)",
			  rec[j].name, rec[j].size + 7, rec[j].size);
		synth_free(&s);
	}

	/*
	 * A fixed part shorter than its type's first size, the uapi's
	 * literal (none has grown past it yet).
	 */
	synth_init(&s);
	synth_single(&s);
	i = synth_find(&s, CKPT_REC_MM, 0);
	r = synth_at(&s, i);
	r->hdr_len -= 8;
	DAMAGE_AT(&s, i, "mm record has a fixed part of %u bytes, shorter than the %u of its type",
		  CKPT_REC_MM_SIZE_VER0 - 8, CKPT_REC_MM_SIZE_VER0);
	r->hdr_len = 0;
	DAMAGE_AT(&s, i, "mm record has a fixed part of 0 bytes, shorter than the %u of its type",
		  CKPT_REC_MM_SIZE_VER0);
	r->hdr_len = sizeof(struct ckpt_rec_mm);
	/* A record without a variable part has nothing after its fixed part. */
	i = synth_find(&s, CKPT_REC_SIGHAND, 0);
	r = synth_at(&s, i);
	r->hdr_len -= 8;
	DAMAGE_AT(&s, i,
		  "sighand record has a fixed part of %u bytes, shorter than the %u of its type",
		  CKPT_REC_SIGHAND_SIZE_VER0 - 8, CKPT_REC_SIGHAND_SIZE_VER0);
	synth_free(&s);
}

/* cr's table has the uapi's first sizes, and cr formats prints them. */
TEST(first_sizes)
{
	uint32_t type;

	for (type = 0; type < CKPT_REC_MAX; type++) {
		const struct cr_rec_def *d = cr_rec_def(type);

		if (!d)
			continue;
		ASSERT_EQ(0U, d->min % CKPT_ALIGN) TH_LOG("%s", d->name);
		ASSERT_LE(d->min, d->size) TH_LOG("%s", d->name);
	}
	ASSERT_EQ((uint32_t)CKPT_REC_HEADER_SIZE_VER0, cr_rec_def(CKPT_REC_HEADER)->min);
	ASSERT_EQ((uint32_t)CKPT_REC_TASK_SIZE_VER0, cr_rec_def(CKPT_REC_TASK)->min);
	ASSERT_EQ((uint32_t)CKPT_REC_AUTOGROUP_SIZE_VER0,
		  cr_rec_def(CKPT_REC_AUTOGROUP)->min);
}

/*
 * A fixed part whose length is not a multiple of CKPT_ALIGN would leave
 * the variable part after it misaligned, and cr reads that in place as
 * its types: refused before any hook reads it (UBSan, in these tests,
 * would stop at the misaligned read otherwise).
 */
TEST(misaligned_fixed_part)
{
	unsigned char buf[24] = { 0 };
	struct ckpt_rec_files *f = (void *)buf;
	struct ckpt_fd_entry e = { .fd = 0 };
	struct json_object *top, *valid;
	struct ckpt_rec *r;
	struct synth s;
	unsigned int i;

	synth_init(&s);
	synth_header(&s);
	e.file_ref = synth_file(&s, CKPT_FILE_PATH, 0, "/dev/null");
	f->nr_fds = 1;
	synth_obj(&s, CKPT_OBJ_FILES);
	i = synth_rec(&s, CKPT_REC_FILES, buf, 17, &e, sizeof(e));
	synth_trailer(&s);
	DAMAGE_AT(&s, i, "files record has a fixed part of 17 bytes, not a multiple of %u",
		  CKPT_ALIGN);
	top = cr_inspect_image("misaligned", s.buf, s.len);
	ASSERT_TRUE(json_object_object_get_ex(top, "valid", &valid));
	ASSERT_FALSE(json_object_get_boolean(valid));
	json_object_put(top);
	synth_free(&s);

	/* On a record without a variable part too: a task's. */
	synth_init(&s);
	synth_single(&s);
	i = synth_find(&s, CKPT_REC_TASK, 0);
	r = synth_at(&s, i);
	r->hdr_len = sizeof(struct ckpt_rec_task) + 4;
	r->len = r->hdr_len;
	DAMAGE_AT(&s, i, "task record has a fixed part of %zu bytes, not a multiple of %u",
		  sizeof(struct ckpt_rec_task) + 4, CKPT_ALIGN);
	synth_free(&s);
}

TEST(unknown_record_type)
{
	struct ckpt_rec *r;
	struct synth s;
	int i;

	synth_init(&s);
	synth_pipe_tree(&s);
	i = synth_find(&s, CKPT_REC_PIPE, 0);
	r = synth_at(&s, i);
	r->type = 0;
	DAMAGE_AT(&s, i, "unknown record type 0");
	r->type = CKPT_REC_MAX;
	DAMAGE_AT(&s, i, "unknown record type %u", CKPT_REC_MAX);
	r->type = 0xffff;
	DAMAGE_AT(&s, i, "unknown record type 65535");
	synth_free(&s);
}

TEST(objref_used_before_definition)
{
	struct ckpt_fd_entry fd = { .fd = 0, .file_ref = 2 };
	struct ckpt_rec_files *files;
	struct ckpt_rec_task *t;
	struct synth s;
	int i;

	synth_init(&s);
	synth_single(&s);
	i = synth_find(&s, CKPT_REC_TASK, 0);
	t = synth_at(&s, i);
	t->mm_ref = 99;
	DAMAGE_AT(&s, i, "mm objref 99 is used before it is defined");
	t->mm_ref = 0;
	DAMAGE_AT(&s, i, "mm objref 0 is used before it is defined");

	i = synth_find(&s, CKPT_REC_FILES, 0);
	files = synth_at(&s, i);
	((struct ckpt_fd_entry *)(files + 1))[2].file_ref = 42;
	DAMAGE_AT(&s, i, "fd objref 42 is used before it is defined");
	synth_free(&s);

	/* An fd table written before the file it holds. */
	synth_init(&s);
	synth_header(&s);
	synth_files(&s, &fd, 1);
	synth_file(&s, CKPT_FILE_PATH, 0, "/");
	synth_trailer(&s);
	DAMAGE_AT(&s, 2, "fd objref 2 is used before it is defined");
	synth_free(&s);
}

TEST(objref_of_the_wrong_kind)
{
	struct ckpt_rec_file *f;
	struct synth s;
	int i;

	synth_init(&s);
	synth_damaged(&s);
	i = synth_find(&s, CKPT_REC_TASK, 0);
	DAMAGE_AT(&s, i, "files objref 2 is a fs, used as a files");
	synth_free(&s);

	synth_init(&s);
	synth_pipe_tree(&s);
	i = synth_find(&s, CKPT_REC_FILE, 1);
	f = synth_at(&s, i);
	ASSERT_EQ((uint32_t)CKPT_FILE_PIPE, f->kind);
	f->obj_ref = 4;
	DAMAGE_AT(&s, i, "pipe objref 4 is a file, used as a pipe");
	synth_free(&s);

	/* The credentials a file was opened with: a fs is none. */
	synth_init(&s);
	synth_single(&s);
	i = synth_find(&s, CKPT_REC_FILE, 1);
	f = synth_at(&s, i);
	ASSERT_EQ(1U, f->cred_ref);
	f->cred_ref = 2;
	DAMAGE_AT(&s, i, "file's opener objref 2 is a fs, used as a cred");
	synth_free(&s);
}

TEST(objref_defined_twice_or_of_no_kind)
{
	struct ckpt_rec_obj *o;
	struct synth s;
	int i;

	synth_init(&s);
	synth_pipe_tree(&s);
	i = synth_find(&s, CKPT_REC_OBJ, 3);
	o = synth_at(&s, i);
	o->objref = 1;
	DAMAGE_AT(&s, i, "objref 1 is zero, too large or reused");
	o->objref = 0;
	DAMAGE_AT(&s, i, "objref 0 is zero, too large or reused");
	o->objref = 0x7fffffff;
	DAMAGE_AT(&s, i, "objref 2147483647 is zero, too large or reused");
	o->objref = 4;
	o->obj_type = CKPT_OBJ_MAX;
	DAMAGE_AT(&s, i, "unknown object kind %u", CKPT_OBJ_MAX);
	o->obj_type = 0;
	DAMAGE_AT(&s, i, "unknown object kind 0");
	synth_free(&s);
}

TEST(bad_checksum)
{
	struct ckpt_rec_trailer *t;
	struct synth s;
	uint32_t crc;
	int i, trailer;

	synth_init(&s);
	synth_single(&s);
	trailer = synth_find(&s, CKPT_REC_TRAILER, 0);
	t = synth_at(&s, trailer);
	crc = t->crc;
	/* A flipped bit in page contents: nothing but the checksum sees it. */
	i = synth_find(&s, CKPT_REC_PAGES, 0);
	s.buf[s.off[i] + 1000] ^= 0x10;
	DAMAGE_AT(&s, trailer, "checksum %08x, the image's is %08x", crc,
		  (uint32_t)crc32(0, s.buf, s.off[trailer]));
	synth_free(&s);
}

TEST(bad_magic_or_version)
{
	struct ckpt_rec_header *h;
	struct synth s;

	synth_init(&s);
	synth_single(&s);
	h = synth_at(&s, 0);
	h->magic ^= 1;
	DAMAGE_AT(&s, 0, "bad magic: not a checkpoint image");
	h->magic ^= 1;
	h->version = CKPT_IMAGE_VERSION + 1;
	DAMAGE_AT(&s, 0, "format version %u, this tool reads %u",
		  CKPT_IMAGE_VERSION + 1, CKPT_IMAGE_VERSION);
	h->version = CKPT_IMAGE_VERSION;
	h->features = 1ULL << 5;
	DAMAGE_AT(&s, 0, "image uses feature bit 5, which this tool lacks (unknown bits 0x20)");
	h->features = 0;
	memset(h->release, 'x', sizeof(h->release));
	DAMAGE_AT(&s, 0, "kernel release is not terminated");
	synth_free(&s);
}

/*
 * An image of format 6, whose records start with a u32 type and have no
 * hdr_len: named by its version, not by the framing this version reads
 * into its first bytes (a header with a fixed part of 0 bytes).
 */
TEST(format_6_header)
{
	struct {
		uint32_t type;
		uint32_t len;
		uint64_t magic;
		uint32_t version;
		unsigned char rest[100];
	} v6 = {
		.magic = CKPT_IMAGE_MAGIC,
		.version = 6,
	};
	/* Format 6's frame: a u32 type, then the length. */
	const uint32_t frame[2] = { CKPT_REC_HEADER, sizeof(v6) };
	struct synth s;

	synth_init(&s);
	/* synth_rec() frames it as this version; format 6's goes back. */
	synth_rec(&s, CKPT_REC_HEADER, &v6, sizeof(v6), NULL, 0);
	memcpy(synth_at(&s, 0), frame, sizeof(frame));
	DAMAGE_AT(&s, 0, "format version 6, this tool reads %u",
		  CKPT_IMAGE_VERSION);
	synth_free(&s);
}

/* The format is little-endian: a big-endian image is told apart. */
TEST(big_endian)
{
	struct ckpt_rec_header *h;
	struct synth s;

	synth_init(&s);
	synth_single(&s);
	h = synth_at(&s, 0);
	h->magic = __builtin_bswap64(h->magic);
	DAMAGE_AT(&s, 0, "image is big-endian");
	h->rec.type = __builtin_bswap16(h->rec.type);
	h->rec.hdr_len = __builtin_bswap16(h->rec.hdr_len);
	h->rec.len = __builtin_bswap32(h->rec.len);
	DAMAGE_AT(&s, 0, "image is big-endian");
	synth_free(&s);
}

TEST(bad_framing)
{
	struct ckpt_rec_trailer *t;
	unsigned char *more;
	struct cr_image img;
	char want[256];
	struct synth s;
	int i, trailer;

	synth_init(&s);
	synth_single(&s);
	trailer = synth_find(&s, CKPT_REC_TRAILER, 0);

	/* A file record is padded after its path. */
	i = synth_find(&s, CKPT_REC_FILE, 0);
	s.buf[s.off[i + 1] - 1] = 1;
	DAMAGE_AT(&s, i, "nonzero padding");
	s.buf[s.off[i + 1] - 1] = 0;

	t = synth_at(&s, trailer);
	t->nr_records++;
	DAMAGE_AT(&s, trailer, "trailer says %u records, the image has %d",
		  trailer + 1, trailer);
	t->nr_records--;
	t->magic = 0;
	DAMAGE_AT(&s, trailer, "trailer says %u records, the image has %d",
		  trailer, trailer);
	t->magic = CKPT_IMAGE_MAGIC;

	/* Starting anywhere else than the header. */
	img = (struct cr_image){ .data = s.buf + s.off[1], .size = s.len - s.off[1] };
	ASSERT_EQ(-1, cr_image_walk(&img, NULL, NULL));
	ASSERT_STREQ("record 0 at offset 0: the image does not start with a header",
		     img.error);

	/* A trailer must end the image. */
	more = calloc(1, s.len + 8);
	ASSERT_NE(NULL, more);
	memcpy(more, s.buf, s.len);
	img = (struct cr_image){ .data = more, .size = s.len + 8 };
	ASSERT_EQ(-1, cr_image_walk(&img, NULL, NULL));
	snprintf(want, sizeof(want), "record %d at offset %zu: data after the trailer",
		 trailer, s.off[trailer]);
	ASSERT_STREQ(want, img.error);
	free(more);
	synth_free(&s);

	synth_init(&s);
	synth_header(&s);
	synth_header(&s);
	synth_trailer(&s);
	DAMAGE_AT(&s, 1, "a second header");
	synth_free(&s);
}

TEST(counts_that_do_not_fit)
{
	struct ckpt_rec_container *c;
	struct ckpt_rec_files *f;
	struct synth s;
	int i;

	synth_init(&s);
	synth_single(&s);
	i = synth_find(&s, CKPT_REC_FILES, 0);
	f = synth_at(&s, i);
	f->nr_fds = 4;
	DAMAGE_AT(&s, i, "4 fds do not fit a 64-byte record");
	f->nr_fds = 0xffffffff;
	DAMAGE_AT(&s, i, "4294967295 fds do not fit a 64-byte record");
	f->nr_fds = 3;

	/* One task in the record. */
	c = synth_at(&s, 1);
	c->nr_tasks = 2;
	DAMAGE_AT(&s, 1, "2 tasks and 0 pids do not fit a %zu-byte record",
		  sizeof(*c) + sizeof(struct ckpt_tree_entry));
	c->nr_tasks = 0;
	c->nr_pids = 7;
	DAMAGE_AT(&s, 1, "0 tasks and 7 pids do not fit a %zu-byte record",
		  sizeof(*c) + sizeof(struct ckpt_tree_entry));
	synth_free(&s);
}

/*
 * A task holding a POSIX lock through its fd table and a flock on the
 * same file: the locks end its part of the image, and each names a file
 * and (POSIX) an fd table written before.
 */
static unsigned int synth_locked(struct synth *s, uint32_t nr_locks)
{
	static const struct ckpt_tree_entry init = {
		.pid = 1, .tgid = 1, .pgid = 1, .sid = 1, .exit_signal = SIGCHLD,
	};
	struct {
		struct ckpt_rec_locks rec;
		struct ckpt_lock l[2];
	} locks = { };
	struct ckpt_fd_entry fd = { .fd = 3 };
	struct synth_refs r;
	unsigned int at;

	synth_header(s);
	synth_container(s, &init, 1, "locked");
	r.cred = synth_cred(s, 0);
	r.fs = synth_fs(s, "/", "/tmp");
	r.mm = synth_mm(s, "/bin/sh", 0);
	fd.file_ref = synth_file(s, CKPT_FILE_PATH, O_RDWR, "/tmp/lock");
	r.files = synth_files(s, &fd, 1);
	r.sighand = synth_sighand(s);
	synth_task(s, 1, "sh", &r);
	locks.rec.nr = nr_locks;
	locks.l[0] = (struct ckpt_lock){
		.kind = CKPT_LOCK_POSIX, .type = CKPT_LOCK_WRITE,
		.file_ref = fd.file_ref, .files_ref = r.files, .pid = 1,
		.start = 10, .end = 29,
	};
	locks.l[1] = (struct ckpt_lock){
		.kind = CKPT_LOCK_FLOCK, .type = CKPT_LOCK_READ,
		.file_ref = fd.file_ref, .pid = 1, .end = CKPT_LOCK_EOF,
	};
	at = synth_rec(s, CKPT_REC_LOCKS, &locks, sizeof(locks.rec), locks.l,
		       sizeof(locks.l));
	synth_cpu(s, 1);
	synth_trailer(s);
	return at;
}

TEST(lock_records)
{
	struct cr_image img = { };
	struct ckpt_rec_locks *rl;
	struct ckpt_lock *l;
	struct synth s;
	unsigned int at;

	synth_init(&s);
	at = synth_locked(&s, 2);
	img.data = s.buf;
	img.size = s.len;
	ASSERT_EQ(0, cr_image_walk(&img, NULL, NULL)) TH_LOG("%s", img.error);

	rl = synth_at(&s, at);
	l = (struct ckpt_lock *)(rl + 1);
	rl->nr = 3;
	DAMAGE_AT(&s, at, "3 locks do not fit a %zu-byte record",
		  sizeof(*rl) + 2 * sizeof(*l));
	rl->nr = 2;
	l[1].file_ref = l[0].files_ref;
	DAMAGE_AT(&s, at, "locked file objref %u is a files, used as a file",
		  l[0].files_ref);
	l[1].file_ref = 99;
	DAMAGE_AT(&s, at, "locked file objref 99 is used before it is defined");
	l[1].file_ref = l[0].file_ref;
	l[0].files_ref = l[0].file_ref;
	DAMAGE_AT(&s, at, "lock's fd table objref %u is a file, used as a files",
		  l[0].file_ref);
	synth_free(&s);
}

TEST_HARNESS_MAIN
