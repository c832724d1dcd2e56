// SPDX-License-Identifier: GPL-2.0
/*
 * From one valid image, thousands of broken ones: truncated at every
 * record boundary and inside records, with bad lengths, bad types and
 * bad objrefs (the trailer's checksum recomputed, so that only the
 * kernel's validation stands between them and a restart), and with
 * seeded random byte flips (checksum left alone).  Every one must be
 * refused, leave no task behind, and leave no splat in the kernel log.
 */
#define _GNU_SOURCE
#include <limits.h>
#include <stddef.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <zlib.h>

#include "checkpoint_util.h"
#include "counter_prog.h"
#include "../kselftest_harness.h"

struct rec_pos {
	size_t off;
	uint32_t type;
	uint32_t len;
};

static char shared_path[64];

static int exec_sleeper(void *arg)
{
	return exec_sibling("sleeper_prog", shared_path, "pause");
}

FIXTURE(image) {
	pid_t init;
	unsigned char *img;	/* the valid image */
	size_t size;
	unsigned char *buf;	/* a variant */
	struct rec_pos recs[4096];
	int nr_recs;
	int fd;			/* memfd the variants go through */
	int tried, refused;
};

/* Index the records of the valid image; it must parse cleanly. */
static int index_records(FIXTURE_DATA(image) *self)
{
	size_t off = 0;

	self->nr_recs = 0;
	while (off + sizeof(struct ckpt_rec) <= self->size) {
		struct ckpt_rec *r = (struct ckpt_rec *)(self->img + off);

		if (r->len < sizeof(*r) || off + r->len > self->size ||
		    self->nr_recs == 4096)
			return -1;
		self->recs[self->nr_recs++] = (struct rec_pos){ off, r->type, r->len };
		off += (r->len + CKPT_ALIGN - 1) & ~(CKPT_ALIGN - 1);
	}
	return off == self->size ? 0 : -1;
}

/* Make the trailer agree with a modified stream of the same framing. */
static void fix_trailer(FIXTURE_DATA(image) *self, unsigned char *buf, size_t size)
{
	struct ckpt_rec_trailer *t;

	if (size < sizeof(*t))
		return;
	t = (struct ckpt_rec_trailer *)(buf + size - sizeof(*t));
	if (t->rec.type != CKPT_REC_TRAILER)
		return;
	t->crc = crc32(0, buf, size - sizeof(*t));
}

/* Feed one variant to restart(2); count it, and whether it was refused. */
static void try_variant(struct __test_metadata *_metadata,
			FIXTURE_DATA(image) *self, const unsigned char *buf,
			size_t size, const char *what, long arg)
{
	int status;
	long ret;

	ASSERT_EQ(0, ftruncate(self->fd, 0));
	ASSERT_EQ((ssize_t)size, pwrite(self->fd, buf, size, 0));
	ASSERT_EQ(0, lseek(self->fd, 0, SEEK_SET));
	ret = rstrt(self->fd, -1, 0);
	self->tried++;
	if (ret < 0) {
		self->refused++;
	} else {
		TH_LOG("%s %ld: accepted, pid %ld", what, arg, ret);
		kill(ret, SIGKILL);
		waitpid(ret, &status, __WALL);
	}
	/* A refused restart leaves no child of ours behind. */
	ret = waitpid(-1, &status, WNOHANG | __WALL);
	EXPECT_EQ(0, ret) TH_LOG("%s %ld: a child was left behind", what, arg);
}

FIXTURE_SETUP(image)
{
	struct stat sb;
	int fd, img, i;

	snprintf(shared_path, sizeof(shared_path), "/tmp/malformed-%d", getpid());
	fd = open(shared_path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	ASSERT_GE(fd, 0);
	ASSERT_EQ(0, ftruncate(fd, PAGE));
	close(fd);

	self->init = container_start(exec_sleeper, NULL);
	ASSERT_GT(self->init, 0);
	usleep(300000);

	img = scratch_file(O_RDWR);
	ASSERT_GE(img, 0);
	for (i = 0; i < 50 && ckpt(self->init, img, -1, 0); i++)
		usleep(100000);
	ASSERT_EQ(0, fstat(img, &sb));
	ASSERT_GT(sb.st_size, 0) TH_LOG("no image to break: %m");
	self->size = sb.st_size;
	self->img = malloc(self->size);
	self->buf = malloc(self->size + 8192);
	ASSERT_NE(NULL, self->img);
	ASSERT_NE(NULL, self->buf);
	ASSERT_EQ((ssize_t)self->size, pread(img, self->img, self->size, 0));
	close(img);
	ASSERT_EQ(0, index_records(self)) TH_LOG("the valid image does not parse");

	self->fd = memfd_create("variant", 0);
	ASSERT_GE(self->fd, 0);

	/* The unmodified image must be accepted, or the test proves nothing. */
	ASSERT_EQ((ssize_t)self->size, pwrite(self->fd, self->img, self->size, 0));
	i = rstrt(self->fd, -1, 0);
	ASSERT_GT(i, 0) TH_LOG("the valid image itself was refused: %m");
	kill(i, SIGKILL);
	ASSERT_EQ(i, waitpid(i, NULL, __WALL));
	TH_LOG("image of %zu bytes in %d records", self->size, self->nr_recs);
}

FIXTURE_TEARDOWN(image)
{
	TH_LOG("%d variants, %d refused", self->tried, self->refused);
	if (self->init > 0)
		container_stop(self->init);
	unlink(shared_path);
	free(self->img);
	free(self->buf);
}

static void assert_all_refused(struct __test_metadata *_metadata,
			       FIXTURE_DATA(image) *self)
{
	ASSERT_EQ(self->tried, self->refused);
	ASSERT_EQ(0, kill(self->init, 0)) TH_LOG("the original container died");
}

TEST_F_TIMEOUT(image, truncated, 600)
{
	int i;

	for (i = 0; i < self->nr_recs; i++) {
		size_t off = self->recs[i].off;

		/* At the boundary, and half-way into the record. */
		try_variant(_metadata, self, self->img, off, "cut at", off);
		try_variant(_metadata, self, self->img,
			    off + self->recs[i].len / 2, "cut at", off);
	}
	try_variant(_metadata, self, self->img, self->size - 1, "cut at",
		    self->size - 1);
	assert_all_refused(_metadata, self);
}

TEST_F_TIMEOUT(image, bad_lengths, 600)
{
	int i, j;

	for (i = 0; i < self->nr_recs; i++) {
		uint32_t len = self->recs[i].len;
		uint32_t bad[] = {
			0, 4, 0xffffffff, len - 1, len - 4, len - 8, len + 8,
			len + 4096,
		};
		struct ckpt_rec *r;

		for (j = 0; j < (int)ARRAY_SIZE(bad); j++) {
			if (bad[j] == len)
				continue;
			memcpy(self->buf, self->img, self->size);
			r = (struct ckpt_rec *)(self->buf + self->recs[i].off);
			r->len = bad[j];
			fix_trailer(self, self->buf, self->size);
			try_variant(_metadata, self, self->buf, self->size,
				    "bad length at", self->recs[i].off);
		}
	}
	assert_all_refused(_metadata, self);
}

TEST_F_TIMEOUT(image, bad_types, 600)
{
	int i;
	uint32_t t;

	for (i = 0; i < self->nr_recs; i++) {
		for (t = 0; t <= CKPT_REC_MAX + 1; t++) {
			struct ckpt_rec *r;

			if (t == self->recs[i].type)
				continue;
			memcpy(self->buf, self->img, self->size);
			r = (struct ckpt_rec *)(self->buf + self->recs[i].off);
			r->type = t;
			fix_trailer(self, self->buf, self->size);
			try_variant(_metadata, self, self->buf, self->size,
				    "bad type at", self->recs[i].off);
		}
	}
	assert_all_refused(_metadata, self);
}

/* Overwrite one objref field at @field_off of record @i with @val. */
static void try_objref(struct __test_metadata *_metadata,
		       FIXTURE_DATA(image) *self, int i, size_t field_off,
		       uint32_t val)
{
	memcpy(self->buf, self->img, self->size);
	if (*(uint32_t *)(self->buf + self->recs[i].off + field_off) == val)
		return;
	*(uint32_t *)(self->buf + self->recs[i].off + field_off) = val;
	fix_trailer(self, self->buf, self->size);
	try_variant(_metadata, self, self->buf, self->size, "objref", val);
}

TEST_F_TIMEOUT(image, bad_objrefs, 600)
{
	static const size_t task_refs[] = {
		offsetof(struct ckpt_rec_task, mm_ref),
		offsetof(struct ckpt_rec_task, files_ref),
		offsetof(struct ckpt_rec_task, fs_ref),
		offsetof(struct ckpt_rec_task, sighand_ref),
		offsetof(struct ckpt_rec_task, cred_ref),
	};
	uint32_t max_ref = 0, v;
	int i, k, nr_tasks = 0;

	for (i = 0; i < self->nr_recs; i++) {
		struct ckpt_rec_obj *o = (void *)(self->img + self->recs[i].off);

		if (self->recs[i].type == CKPT_REC_OBJ && o->objref > max_ref)
			max_ref = o->objref;
	}
	ASSERT_GT(max_ref, 0U);

	for (i = 0; i < self->nr_recs; i++) {
		switch (self->recs[i].type) {
		case CKPT_REC_OBJ:
			/* Zero, reused, far out, and another kind. */
			for (v = 0; v <= max_ref + 1; v++)
				try_objref(_metadata, self, i,
					   offsetof(struct ckpt_rec_obj, objref), v);
			try_objref(_metadata, self, i,
				   offsetof(struct ckpt_rec_obj, objref), ~0U);
			for (v = 0; v <= CKPT_OBJ_MAX + 1; v++)
				try_objref(_metadata, self, i,
					   offsetof(struct ckpt_rec_obj, obj_type), v);
			break;
		case CKPT_REC_TASK:
			nr_tasks++;
			/* Every field, pointed at every objref and beyond. */
			for (k = 0; k < 5; k++)
				for (v = 0; v <= max_ref + 2; v++)
					try_objref(_metadata, self, i, task_refs[k], v);
			break;
		}
	}
	ASSERT_GT(nr_tasks, 0);
	assert_all_refused(_metadata, self);
}

TEST_F_TIMEOUT(image, byte_flips, 900)
{
	int i, j;

	srandom(20261129);
	for (i = 0; i < 1000; i++) {
		int n = 1 + random() % 4;

		memcpy(self->buf, self->img, self->size);
		for (j = 0; j < n; j++)
			self->buf[random() % self->size] ^= 1 + random() % 255;
		/* Two flips of one byte can cancel out. */
		if (!memcmp(self->buf, self->img, self->size))
			continue;
		try_variant(_metadata, self, self->buf, self->size, "flip round", i);
	}
	assert_all_refused(_metadata, self);
}

TEST_HARNESS_MAIN
