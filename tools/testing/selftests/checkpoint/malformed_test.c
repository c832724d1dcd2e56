// SPDX-License-Identifier: GPL-2.0
/*
 * From one valid image, thousands of broken ones: truncated at every
 * record boundary and inside records, with bad lengths, bad types and
 * bad objrefs (the trailer's checksum recomputed, so that only the
 * kernel's validation stands between them and a restart), and with
 * seeded random byte flips (checksum left alone).  Every one must be
 * refused, leave no task behind, and leave no splat in the kernel log.
 *
 * Then, from the image of a tree of tasks (sleeper_prog hold-tree), task
 * trees that cannot be: cycles, duplicate pids, threads without their
 * leader, groups and sessions that name nobody, bad detached pid lists,
 * and objrefs of the wrong kind.  Each must be refused for its reason,
 * as restart's log says: one refused for any other would prove nothing.
 *
 * Last, from the image of a small family of tasks (sleeper_prog
 * hold-family), images that are well framed and checksummed but mean
 * what no checkpoint writes: registers for a zombie, objects nested
 * where they do not belong, a thread with an mm of its own, a group
 * named after a thread, and a path whose bytes the log must escape.
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

/* A valid image of a container, and restart(2) fed variants of it. */
struct image {
	pid_t init;		/* the container it was taken of */
	unsigned char *img;	/* the valid image */
	size_t size;
	unsigned char *buf;	/* a variant */
	struct rec_pos recs[4096];
	int nr_recs;
	int fd;			/* memfd the variants go through */
	int log;		/* restart's logfd, for variants with a reason */
	int tried, refused;
	bool kill;		/* checkpoint kills the container */
	int err;		/* the errno of a refusal with a reason; 0: EINVAL */
};

static char shared_path[64];

/* Container init: sleeper_prog in the mode @arg names. */
static int exec_sleeper(void *arg)
{
	return exec_sibling("sleeper_prog", shared_path, arg);
}

/* A record and its padding. */
static size_t rec_span(uint32_t len)
{
	return ((size_t)len + CKPT_ALIGN - 1) & ~(size_t)(CKPT_ALIGN - 1);
}

/* Index the records of the valid image; it must parse cleanly. */
static int index_records(struct image *im)
{
	size_t off = 0;

	im->nr_recs = 0;
	while (off + sizeof(struct ckpt_rec) <= im->size) {
		struct ckpt_rec *r = (struct ckpt_rec *)(im->img + off);

		if (r->len < sizeof(*r) || off + r->len > im->size ||
		    im->nr_recs == 4096)
			return -1;
		im->recs[im->nr_recs++] = (struct rec_pos){ off, r->type, r->len };
		off += rec_span(r->len);
	}
	return off == im->size ? 0 : -1;
}

/* Make the trailer agree with a modified stream of whatever size. */
static void fix_trailer(unsigned char *buf, size_t size)
{
	struct ckpt_rec_trailer *t;

	if (size < sizeof(*t))
		return;
	t = (struct ckpt_rec_trailer *)(buf + size - sizeof(*t));
	if (t->rec.type != CKPT_REC_TRAILER)
		return;
	t->crc = crc32(0, buf, size - sizeof(*t));
}

/*
 * Feed one variant to restart(2); count it, and whether it was refused.
 * With a @reason, the refusal must be EINVAL and restart's log must say
 * so in those words.
 */
static void restart_variant(struct __test_metadata *_metadata,
			    struct image *im, const unsigned char *buf,
			    size_t size, const char *what, long arg,
			    const char *reason)
{
	char log[4096];
	int status, err;
	long ret;

	ASSERT_EQ(0, ftruncate(im->fd, 0));
	ASSERT_EQ((ssize_t)size, pwrite(im->fd, buf, size, 0));
	ASSERT_EQ(0, lseek(im->fd, 0, SEEK_SET));
	if (reason) {
		/* The kernel writes at the file position, not at the end. */
		ASSERT_EQ(0, ftruncate(im->log, 0));
		ASSERT_EQ(0, lseek(im->log, 0, SEEK_SET));
	}
	ret = rstrt(im->fd, reason ? im->log : -1, 0);
	err = errno;
	im->tried++;
	if (ret < 0) {
		im->refused++;
		if (reason) {
			read_log(im->log, log, sizeof(log));
			EXPECT_EQ(im->err ?: EINVAL, err)
				TH_LOG("%s %ld: errno %d; log: %s", what, arg, err, log);
			EXPECT_NE(NULL, strstr(log, reason))
				TH_LOG("%s %ld: refused, but not for \"%s\"; log: %s",
				       what, arg, reason, log);
		}
	} else {
		TH_LOG("%s %ld: accepted, pid %ld", what, arg, ret);
		kill(ret, SIGKILL);
		waitpid(ret, &status, __WALL);
	}
	/*
	 * A refused restart leaves no child of ours behind (none at all
	 * once the container itself is gone).
	 */
	ret = waitpid(-1, &status, WNOHANG | __WALL);
	EXPECT_TRUE(ret == 0 || (ret == -1 && errno == ECHILD))
		TH_LOG("%s %ld: a child was left behind", what, arg);
}

static void try_variant(struct __test_metadata *_metadata, struct image *im,
			const unsigned char *buf, size_t size, const char *what,
			long arg)
{
	restart_variant(_metadata, im, buf, size, what, arg, NULL);
}

/*
 * Start a container running sleeper_prog @mode, with the shared page
 * that program wants; returns the page.
 */
static struct shared_page *start_sleeper(struct __test_metadata *_metadata,
					 struct image *im, const char *mode)
{
	struct shared_page *sp;

	snprintf(shared_path, sizeof(shared_path), "/tmp/malformed-%d", getpid());
	sp = shared_page_create(shared_path);
	ASSERT_NE(MAP_FAILED, sp);
	im->init = container_start(exec_sleeper, (void *)mode);
	ASSERT_GT(im->init, 0);
	return sp;
}

/*
 * Checkpoint the container into im->img, index its records, and check
 * that restart(2) takes the image as it is, or the variants prove
 * nothing.
 */
static void image_load(struct __test_metadata *_metadata, struct image *im)
{
	struct stat sb;
	int img, i;

	img = scratch_file(O_RDWR);
	ASSERT_GE(img, 0);
	for (i = 0; i < 50 &&
	     ckpt(im->init, img, -1, im->kill ? CHECKPOINT_KILL : 0); i++)
		usleep(100000);
	if (im->kill) {
		ASSERT_EQ(im->init, waitpid(im->init, NULL, 0));
		im->init = 0;
	}
	ASSERT_EQ(0, fstat(img, &sb));
	ASSERT_GT(sb.st_size, 0) TH_LOG("no image to break: %m");
	im->size = sb.st_size;
	im->img = malloc(im->size);
	/* Room for variants that grow. */
	im->buf = malloc(im->size + 8192);
	ASSERT_NE(NULL, im->img);
	ASSERT_NE(NULL, im->buf);
	ASSERT_EQ((ssize_t)im->size, pread(img, im->img, im->size, 0));
	close(img);
	ASSERT_EQ(0, index_records(im)) TH_LOG("the valid image does not parse");

	im->fd = memfd_create("variant", 0);
	ASSERT_GE(im->fd, 0);
	im->log = scratch_file(O_RDWR);
	ASSERT_GE(im->log, 0);

	ASSERT_EQ((ssize_t)im->size, pwrite(im->fd, im->img, im->size, 0));
	i = rstrt(im->fd, im->log, 0);
	ASSERT_GT(i, 0) {
		char log[4096];

		read_log(im->log, log, sizeof(log));
		TH_LOG("the valid image itself was refused: %m; log: %s", log);
	}
	kill(i, SIGKILL);
	ASSERT_EQ(i, waitpid(i, NULL, __WALL));
	TH_LOG("image of %zu bytes in %d records", im->size, im->nr_recs);
}

static void image_unload(struct __test_metadata *_metadata, struct image *im)
{
	TH_LOG("%d variants, %d refused", im->tried, im->refused);
	if (im->init > 0)
		container_stop(im->init);
	unlink(shared_path);
	free(im->img);
	free(im->buf);
}

static void assert_all_refused(struct __test_metadata *_metadata,
			       struct image *im)
{
	ASSERT_EQ(im->tried, im->refused);
	ASSERT_EQ(0, kill(im->init, 0)) TH_LOG("the original container died");
}

FIXTURE(image) {
	struct image im;
};

FIXTURE_SETUP(image)
{
	start_sleeper(_metadata, &self->im, "pause");
	usleep(300000);
	image_load(_metadata, &self->im);
}

FIXTURE_TEARDOWN(image)
{
	image_unload(_metadata, &self->im);
}

TEST_F_TIMEOUT(image, truncated, 600)
{
	struct image *im = &self->im;
	int i;

	for (i = 0; i < im->nr_recs; i++) {
		size_t off = im->recs[i].off;

		/* At the boundary, and half-way into the record. */
		try_variant(_metadata, im, im->img, off, "cut at", off);
		try_variant(_metadata, im, im->img,
			    off + im->recs[i].len / 2, "cut at", off);
	}
	try_variant(_metadata, im, im->img, im->size - 1, "cut at",
		    im->size - 1);
	assert_all_refused(_metadata, im);
}

TEST_F_TIMEOUT(image, bad_lengths, 600)
{
	struct image *im = &self->im;
	int i, j;

	for (i = 0; i < im->nr_recs; i++) {
		uint32_t len = im->recs[i].len;
		uint32_t bad[] = {
			0, 4, 0xffffffff, len - 1, len - 4, len - 8, len + 8,
			len + 4096,
		};
		struct ckpt_rec *r;

		for (j = 0; j < (int)ARRAY_SIZE(bad); j++) {
			if (bad[j] == len)
				continue;
			memcpy(im->buf, im->img, im->size);
			r = (struct ckpt_rec *)(im->buf + im->recs[i].off);
			r->len = bad[j];
			fix_trailer(im->buf, im->size);
			try_variant(_metadata, im, im->buf, im->size,
				    "bad length at", im->recs[i].off);
		}
	}
	assert_all_refused(_metadata, im);
}

/*
 * The length of a record's fixed part as written: shorter than its type's
 * or past the record, and one that takes bytes of the variable part into
 * the fixed one (zero or not), or leaves fixed bytes to the variable part.
 */
TEST_F_TIMEOUT(image, bad_fixed_lengths, 600)
{
	struct image *im = &self->im;
	int i, j;

	for (i = 0; i < im->nr_recs; i++) {
		const struct ckpt_rec *orig = (const void *)(im->img + im->recs[i].off);
		uint16_t hdr = orig->hdr_len;
		uint16_t bad[] = {
			0, 4, 8, hdr - 8, hdr - 1, hdr + 1, hdr + 8, 0xffff,
		};
		struct ckpt_rec *r;

		for (j = 0; j < (int)ARRAY_SIZE(bad); j++) {
			if (bad[j] == hdr)
				continue;
			memcpy(im->buf, im->img, im->size);
			r = (struct ckpt_rec *)(im->buf + im->recs[i].off);
			r->hdr_len = bad[j];
			fix_trailer(im->buf, im->size);
			try_variant(_metadata, im, im->buf, im->size,
				    "bad fixed length at", im->recs[i].off);
		}
	}
	assert_all_refused(_metadata, im);
}

TEST_F_TIMEOUT(image, bad_types, 600)
{
	struct image *im = &self->im;
	int i;
	uint32_t t;

	for (i = 0; i < im->nr_recs; i++) {
		for (t = 0; t <= CKPT_REC_MAX + 1; t++) {
			struct ckpt_rec *r;

			if (t == im->recs[i].type)
				continue;
			memcpy(im->buf, im->img, im->size);
			r = (struct ckpt_rec *)(im->buf + im->recs[i].off);
			r->type = t;
			fix_trailer(im->buf, im->size);
			try_variant(_metadata, im, im->buf, im->size,
				    "bad type at", im->recs[i].off);
		}
	}
	assert_all_refused(_metadata, im);
}

/* Overwrite one objref field at @field_off of record @i with @val. */
static void try_objref(struct __test_metadata *_metadata, struct image *im,
		       int i, size_t field_off, uint32_t val)
{
	memcpy(im->buf, im->img, im->size);
	if (*(uint32_t *)(im->buf + im->recs[i].off + field_off) == val)
		return;
	*(uint32_t *)(im->buf + im->recs[i].off + field_off) = val;
	fix_trailer(im->buf, im->size);
	try_variant(_metadata, im, im->buf, im->size, "objref", val);
}

TEST_F_TIMEOUT(image, bad_objrefs, 600)
{
	struct image *im = &self->im;
	static const size_t task_refs[] = {
		offsetof(struct ckpt_rec_task, mm_ref),
		offsetof(struct ckpt_rec_task, files_ref),
		offsetof(struct ckpt_rec_task, fs_ref),
		offsetof(struct ckpt_rec_task, sighand_ref),
		offsetof(struct ckpt_rec_task, cred_ref),
	};
	uint32_t max_ref = 0, v;
	int i, k, nr_tasks = 0;

	for (i = 0; i < im->nr_recs; i++) {
		struct ckpt_rec_obj *o = (void *)(im->img + im->recs[i].off);

		if (im->recs[i].type == CKPT_REC_OBJ && o->objref > max_ref)
			max_ref = o->objref;
	}
	ASSERT_GT(max_ref, 0U);

	for (i = 0; i < im->nr_recs; i++) {
		switch (im->recs[i].type) {
		case CKPT_REC_OBJ:
			/* Zero, reused, far out, and another kind. */
			for (v = 0; v <= max_ref + 1; v++)
				try_objref(_metadata, im, i,
					   offsetof(struct ckpt_rec_obj, objref), v);
			try_objref(_metadata, im, i,
				   offsetof(struct ckpt_rec_obj, objref), ~0U);
			for (v = 0; v <= CKPT_OBJ_MAX + 1; v++)
				try_objref(_metadata, im, i,
					   offsetof(struct ckpt_rec_obj, obj_type), v);
			break;
		case CKPT_REC_TASK:
			nr_tasks++;
			/* Every field, pointed at every objref and beyond. */
			for (k = 0; k < 5; k++)
				for (v = 0; v <= max_ref + 2; v++)
					try_objref(_metadata, im, i, task_refs[k], v);
			break;
		}
	}
	ASSERT_GT(nr_tasks, 0);
	assert_all_refused(_metadata, im);
}

TEST_F_TIMEOUT(image, byte_flips, 900)
{
	struct image *im = &self->im;
	int i, j;

	srandom(20261129);
	for (i = 0; i < 1000; i++) {
		int n = 1 + random() % 4;

		memcpy(im->buf, im->img, im->size);
		for (j = 0; j < n; j++)
			im->buf[random() % im->size] ^= 1 + random() % 255;
		/* Two flips of one byte can cancel out. */
		if (!memcmp(im->buf, im->img, im->size))
			continue;
		try_variant(_metadata, im, im->buf, im->size, "flip round", i);
	}
	assert_all_refused(_metadata, im);
}

/*
 * The tree of sleeper_prog hold-tree, and variants of its image that
 * restart must refuse, each for a reason of its own.  The image's tree
 * entries are, in depth-first preorder: the init, its child A (leading
 * its own group), then A's children B (in A's group) and C (leading its
 * own session) in whichever order checkpoint found them.
 */
#define UNUSED_PID 999		/* a pid number no task has */

FIXTURE(tree_image) {
	struct image im;
	int container;		/* index of the CKPT_REC_CONTAINER record */
	size_t tree_off;	/* where its tree entries start */
	int a, b, c;		/* A's, B's and C's indexes in the tree */
};

FIXTURE_SETUP(tree_image)
{
	const struct ckpt_rec_container *rec;
	const struct ckpt_tree_entry *e;
	struct shared_page *sp;
	struct image *im = &self->im;
	int i;

	sp = start_sleeper(_metadata, im, "hold-tree");
	for (i = 0; i < 10000 && SHARED_GET(sp->verdict) != 400; i++)
		usleep(1000);
	ASSERT_EQ(400ULL, SHARED_GET(sp->verdict)) {
		/* No teardown follows a failed setup. */
		container_stop(im->init);
		TH_LOG("the container did not set up its tree");
	}
	image_load(_metadata, im);

	for (i = 0; i < im->nr_recs && im->recs[i].type != CKPT_REC_CONTAINER; i++)
		;
	ASSERT_LT(i, im->nr_recs);
	self->container = i;
	rec = (const void *)(im->img + im->recs[i].off);
	self->tree_off = im->recs[i].off + sizeof(*rec);
	e = (const void *)(im->img + self->tree_off);

	/* The variants below rely on the tree being what hold-tree built. */
	ASSERT_EQ(4U, rec->nr_tasks);
	ASSERT_EQ(0U, rec->nr_pids);
	self->a = 1;
	self->c = e[2].sid == e[2].pid ? 2 : 3;
	self->b = 5 - self->c;
	ASSERT_EQ(1, e[0].pid);
	ASSERT_EQ(1, e[self->a].ppid);
	ASSERT_EQ(e[self->a].pid, e[self->a].pgid);
	ASSERT_NE(e[self->a].pid, e[self->a].sid);
	ASSERT_EQ(e[self->a].pid, e[self->b].ppid);
	ASSERT_EQ(e[self->a].pid, e[self->b].pgid);
	ASSERT_EQ(e[self->a].sid, e[self->b].sid);
	ASSERT_EQ(e[self->a].pid, e[self->c].ppid);
	ASSERT_EQ(e[self->c].pid, e[self->c].pgid);
	ASSERT_EQ(e[self->c].pid, e[self->c].sid);
}

FIXTURE_TEARDOWN(tree_image)
{
	image_unload(_metadata, &self->im);
}

/* A fresh copy of the valid image in im.buf; its tree entries there. */
static struct ckpt_tree_entry *tree_copy(FIXTURE_DATA(tree_image) *self)
{
	memcpy(self->im.buf, self->im.img, self->im.size);
	return (struct ckpt_tree_entry *)(self->im.buf + self->tree_off);
}

/*
 * A fresh copy of the valid image in im.buf with @n more pids in the
 * container record's list of detached pids.  The list ends the record,
 * so they go at its end; its length, its padding and every record after
 * it move to match.  Returns the variant's size.
 */
static size_t tree_add_pids(FIXTURE_DATA(tree_image) *self,
			    const __s32 *pids, int n)
{
	const struct rec_pos *r = &self->im.recs[self->container];
	size_t end = r->off + r->len, add = n * sizeof(*pids);
	size_t next = r->off + rec_span(r->len);
	size_t moved = r->off + rec_span(r->len + add);
	struct ckpt_rec_container *rec;

	memcpy(self->im.buf, self->im.img, end);
	memcpy(self->im.buf + end, pids, add);
	memset(self->im.buf + end + add, 0, moved - end - add);
	memcpy(self->im.buf + moved, self->im.img + next, self->im.size - next);
	rec = (struct ckpt_rec_container *)(self->im.buf + r->off);
	rec->rec.len += add;
	rec->nr_pids += n;
	return self->im.size - next + moved;
}

/* Restart the variant in im.buf; it must be refused, for @reason. */
static void try_tree(struct __test_metadata *_metadata,
		     FIXTURE_DATA(tree_image) *self, size_t size,
		     const char *what, long arg, const char *reason)
{
	fix_trailer(self->im.buf, size);
	restart_variant(_metadata, &self->im, self->im.buf, size, what, arg,
			reason);
}

TEST_F_TIMEOUT(tree_image, tree_order, 120)
{
	const size_t size = self->im.size;
	struct ckpt_tree_entry *e;
	int a = self->a, b = self->b;

	/* A's parent is its own child: a cycle, the parent coming later. */
	e = tree_copy(self);
	e[a].ppid = e[b].pid;
	try_tree(_metadata, self, size, "A's parent is B, pid", e[b].pid,
		 "does not come before it in tree order");

	/* B and C name each other as parent. */
	e = tree_copy(self);
	e[2].ppid = e[3].pid;
	e[3].ppid = e[2].pid;
	try_tree(_metadata, self, size, "B and C parents of each other, pid",
		 e[2].pid, "does not come before it in tree order");

	e = tree_copy(self);
	e[b].ppid = UNUSED_PID;
	try_tree(_metadata, self, size, "B's parent is no task, pid",
		 e[b].ppid, "does not come before it in tree order");

	/* A second task without a parent. */
	e = tree_copy(self);
	e[b].ppid = 0;
	try_tree(_metadata, self, size, "B's parent is 0, pid", e[b].pid,
		 "does not come before it in tree order");

	/* The first entry must be the init, and only the first. */
	e = tree_copy(self);
	e[0].pid = UNUSED_PID;
	try_tree(_metadata, self, size, "init's pid is", e[0].pid,
		 "the first task of the tree is not an init");
	e = tree_copy(self);
	e[0].ppid = e[a].pid;
	try_tree(_metadata, self, size, "init's parent is A, pid", e[a].pid,
		 "the first task of the tree is not an init");
	e = tree_copy(self);
	e[0].flags = CKPT_TREE_CLONE_FILES;
	try_tree(_metadata, self, size, "init shares its parent's files, flags",
		 e[0].flags, "the first task of the tree is not an init");
	assert_all_refused(_metadata, &self->im);
}

TEST_F_TIMEOUT(tree_image, duplicate_pids, 120)
{
	const size_t size = self->im.size;
	struct ckpt_tree_entry *e;
	int a = self->a, b = self->b, c = self->c;

	/* tgid moves along, or the entry would fail for that first. */
	e = tree_copy(self);
	e[c].pid = e[b].pid;
	e[c].tgid = e[b].pid;
	try_tree(_metadata, self, size, "C takes B's pid", e[b].pid,
		 "appears twice");
	e = tree_copy(self);
	e[b].pid = e[a].pid;
	e[b].tgid = e[a].pid;
	try_tree(_metadata, self, size, "B takes A's pid", e[a].pid,
		 "appears twice");
	assert_all_refused(_metadata, &self->im);
}

TEST_F_TIMEOUT(tree_image, malformed_entries, 120)
{
	const uint32_t unknown = ~CKPT_TREE_FLAGS & (CKPT_TREE_FLAGS + 1);
	const size_t size = self->im.size;
	struct ckpt_tree_entry *e;
	int a = self->a, b = self->b, c = self->c;

	/* A second init, as far as pid numbers go. */
	e = tree_copy(self);
	e[b].pid = 1;
	e[b].tgid = 1;
	try_tree(_metadata, self, size, "B's pid is", 1, "malformed tree entry");

	/*
	 * A thread must come from its own leader: one whose leader is no
	 * task, or a task that did not create it, has no place to go.
	 */
	e = tree_copy(self);
	e[b].tgid = UNUSED_PID;
	try_tree(_metadata, self, size, "B's leader is no task, tgid",
		 e[b].tgid, "does not follow its leader");
	e = tree_copy(self);
	e[c].tgid = e[b].pid;
	try_tree(_metadata, self, size, "C is a thread of B, tgid", e[c].tgid,
		 "does not follow its leader");
	e = tree_copy(self);
	e[b].tgid = e[a].pid;
	try_tree(_metadata, self, size, "B is a thread of A, tgid", e[b].tgid,
		 "does not follow its leader");

	e = tree_copy(self);
	e[b].flags |= unknown;
	try_tree(_metadata, self, size, "B's flags", e[b].flags,
		 "malformed tree entry");
	e = tree_copy(self);
	e[b].flags |= 1U << 31;
	try_tree(_metadata, self, size, "B's flags", e[b].flags,
		 "malformed tree entry");
	/* A name is a zombie's only; the others' are in their records. */
	e = tree_copy(self);
	e[b].comm[0] = 'x';
	try_tree(_metadata, self, size, "B's name in its tree entry", 'x',
		 "bad name in its tree entry");
	assert_all_refused(_metadata, &self->im);
}

/*
 * R32: a stop is a process's, by a stop signal; its flags go together
 * (reported or not only when stopped, never stopped and continued).
 */
TEST_F_TIMEOUT(tree_image, stop_state, 120)
{
	static const int not_stop[] = { 0, SIGCONT, SIGKILL, SIGCHLD, 64, -1 };
	const size_t size = self->im.size;
	struct ckpt_tree_entry *e;
	int a = self->a, b = self->b, c = self->c;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(not_stop); i++) {
		e = tree_copy(self);
		e[b].flags |= CKPT_TREE_STOPPED;
		e[b].stop_signal = not_stop[i];
		try_tree(_metadata, self, size, "B stopped by signal",
			 not_stop[i], "bad stop state");
	}
	e = tree_copy(self);
	e[b].stop_signal = SIGTSTP;
	try_tree(_metadata, self, size, "B not stopped, stop signal",
		 SIGTSTP, "bad stop state");
	e = tree_copy(self);
	e[b].flags |= CKPT_TREE_STOP_WAITED;
	try_tree(_metadata, self, size, "B not stopped, its stop waited for, flags",
		 e[b].flags, "bad stop state");
	e = tree_copy(self);
	e[b].flags |= CKPT_TREE_STOPPED | CKPT_TREE_CONTINUED;
	e[b].stop_signal = SIGSTOP;
	try_tree(_metadata, self, size, "B stopped and continued, flags",
		 e[b].flags, "bad stop state");
	e = tree_copy(self);
	e[a].__pad = 1;
	try_tree(_metadata, self, size, "A's tree entry padding", 1,
		 "bad stop state");
	/* The init's entry is checked as much. */
	e = tree_copy(self);
	e[0].flags |= CKPT_TREE_CONTINUED;
	e[0].stop_signal = SIGTTOU;
	try_tree(_metadata, self, size, "init continued, stop signal", SIGTTOU,
		 "bad stop state");
	/* A thread's stop is its leader's: B as A's thread. */
	e = tree_copy(self);
	e[b].tgid = e[a].pid;
	e[b].flags |= CKPT_TREE_CLONE_SIGHAND | CKPT_TREE_STOPPED;
	e[b].exit_signal = 0;
	e[b].stop_signal = SIGSTOP;
	try_tree(_metadata, self, size, "thread B stopped, flags", e[b].flags,
		 "bad stop state");
	/* A zombie with no thread left cannot be stopped. */
	e = tree_copy(self);
	e[c].flags = CKPT_TREE_ZOMBIE | CKPT_TREE_STOPPED;
	e[c].stop_signal = SIGSTOP;
	try_tree(_metadata, self, size, "zombie C stopped, flags", e[c].flags,
		 "is stopped, with no thread left");
	assert_all_refused(_metadata, &self->im);
}

TEST_F_TIMEOUT(tree_image, groups_and_sessions, 120)
{
	const size_t size = self->im.size;
	struct ckpt_tree_entry *e;
	int a = self->a, b = self->b, c = self->c;

	e = tree_copy(self);
	e[c].sid = UNUSED_PID;
	try_tree(_metadata, self, size, "C's session is no task, sid",
		 e[c].sid, "names no task");
	e = tree_copy(self);
	e[b].pgid = UNUSED_PID;
	try_tree(_metadata, self, size, "B's group is no task, pgid",
		 e[b].pgid, "names no task");
	e = tree_copy(self);
	e[a].pgid = UNUSED_PID;
	e[a].sid = UNUSED_PID;
	try_tree(_metadata, self, size, "A's group and session are no task, id",
		 e[a].sid, "names no task");

	/* A session, but no group in it. */
	e = tree_copy(self);
	e[0].pgid = 0;
	e[0].sid = e[c].pid;
	try_tree(_metadata, self, size, "init in C's session, no group, sid",
		 e[0].sid, "is inconsistent");
	/* A session named after a task that does not lead it. */
	e = tree_copy(self);
	e[b].sid = e[a].pid;
	try_tree(_metadata, self, size, "B's session is A, sid", e[b].sid,
		 "is inconsistent");
	/* B leaves A's session, but not A's group. */
	e = tree_copy(self);
	e[b].sid = e[c].pid;
	try_tree(_metadata, self, size, "B's session is C, sid", e[b].sid,
		 "spans sessions");
	assert_all_refused(_metadata, &self->im);
}

TEST_F_TIMEOUT(tree_image, detached_pids, 120)
{
	const struct ckpt_tree_entry *e = (const void *)(self->im.img + self->tree_off);
	/* No pid number, the init's, and a task's are not detached. */
	__s32 pids[2], bad[] = { -1, 0, 1, e[self->a].pid };
	struct ckpt_rec_container *rec;
	size_t size;
	int i;

	/* Nobody's group or session: it would pin the pid for nothing. */
	pids[0] = UNUSED_PID;
	size = tree_add_pids(self, pids, 1);
	try_tree(_metadata, self, size, "unused detached pid", pids[0],
		 "is listed but unused");

	pids[0] = UNUSED_PID;
	pids[1] = UNUSED_PID;
	size = tree_add_pids(self, pids, 2);
	try_tree(_metadata, self, size, "detached pid listed twice", pids[0],
		 "listed twice");

	for (i = 0; i < (int)ARRAY_SIZE(bad); i++) {
		size = tree_add_pids(self, &bad[i], 1);
		try_tree(_metadata, self, size, "detached pid", bad[i],
			 "bad group or session pid");
	}

	/* Counts that disagree with the record's length. */
	rec = (void *)(self->im.buf + self->im.recs[self->container].off);
	tree_copy(self);
	rec->nr_pids = 1;
	try_tree(_metadata, self, self->im.size, "nr_pids", rec->nr_pids,
		 "malformed task tree record");
	tree_copy(self);
	rec->nr_tasks = 3;
	try_tree(_metadata, self, self->im.size, "nr_tasks", rec->nr_tasks,
		 "malformed task tree record");
	tree_copy(self);
	rec->nr_tasks = 0;
	try_tree(_metadata, self, self->im.size, "nr_tasks", rec->nr_tasks,
		 "malformed task tree record");
	assert_all_refused(_metadata, &self->im);
}

/*
 * R34: the ipc sysctls, each out of the range its sysctl takes, and
 * values of a kind the record says it has not.
 */
TEST_F_TIMEOUT(tree_image, ipc_sysctls, 120)
{
#define IPC_OFF(f) offsetof(struct ckpt_ipc_sysctls, f)
	static const struct {
		size_t off;
		__s32 value;
		const char *reason;
	} bad[] = {
		{ IPC_OFF(shmmni), -1, "bad kernel.shmmni -1" },
		/* Above IPCMNI, with or without ipcmni_extend. */
		{ IPC_OFF(shmmni), (1 << 24) + 1, "bad kernel.shmmni" },
		{ IPC_OFF(shm_rmid_forced), 2, "bad kernel.shm_rmid_forced 2" },
		{ IPC_OFF(msgmax), -1, "bad kernel.msgmax -1" },
		{ IPC_OFF(msgmnb), INT_MIN, "bad kernel.msgmnb" },
		{ IPC_OFF(msgmni), (1 << 24) + 1, "bad kernel.msgmni" },
		{ IPC_OFF(sem[3]), -1, "bad kernel.sem semmni -1" },
		{ IPC_OFF(sem_next_id), -2, "bad kernel.sem_next_id -2" },
		{ IPC_OFF(msg_next_id), INT_MIN, "bad kernel.msg_next_id" },
		{ IPC_OFF(shm_next_id), -2, "bad kernel.shm_next_id -2" },
		{ IPC_OFF(mq_msg_max), 0, "bad fs.mqueue.msg_max 0" },
		{ IPC_OFF(mq_msg_max), 65537, "bad fs.mqueue.msg_max 65537" },
		{ IPC_OFF(mq_msgsize_max), 127, "bad fs.mqueue.msgsize_max 127" },
		{ IPC_OFF(mq_msgsize_max), (1 << 24) + 1, "bad fs.mqueue.msgsize_max" },
		{ IPC_OFF(mq_msg_default), -1, "bad fs.mqueue.msg_default -1" },
		{ IPC_OFF(mq_msgsize_default), 1 << 30, "bad fs.mqueue.msgsize_default" },
	};
#undef IPC_OFF
	struct ckpt_rec_container *rec;
	unsigned int i;

	rec = (void *)(self->im.buf + self->im.recs[self->container].off);
	tree_copy(self);
	ASSERT_EQ(CKPT_IPC_SYSV | CKPT_IPC_MQUEUE, rec->ipc.flags)
		TH_LOG("the test kernel has System V IPC and POSIX message queues");
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		tree_copy(self);
		memcpy((char *)&rec->ipc + bad[i].off, &bad[i].value, sizeof(__s32));
		try_tree(_metadata, self, self->im.size, "ipc sysctl at", bad[i].off,
			 bad[i].reason);
	}

	tree_copy(self);
	rec->ipc.flags |= 1U << 2;
	try_tree(_metadata, self, self->im.size, "ipc flags", rec->ipc.flags,
		 "malformed ipc sysctls");
	/* No message queue sysctls, but their values are there. */
	tree_copy(self);
	rec->ipc.flags = CKPT_IPC_SYSV;
	try_tree(_metadata, self, self->im.size, "ipc flags", rec->ipc.flags,
		 "flags 0x1, and values of a kind they leave out");
	assert_all_refused(_metadata, &self->im);
}

TEST_F_TIMEOUT(tree_image, objref_of_another_kind, 120)
{
	struct image *im = &self->im;
	const struct ckpt_tree_entry *e;
	struct ckpt_rec_task *t;
	int i, n = 0;

	/* A's task record: the first after the init's. */
	for (i = 0; i < im->nr_recs; i++)
		if (im->recs[i].type == CKPT_REC_TASK && n++ == 1)
			break;
	ASSERT_LT(i, im->nr_recs);
	t = (struct ckpt_rec_task *)(im->buf + im->recs[i].off);
	e = tree_copy(self);
	ASSERT_EQ(e[self->a].pid, t->pid);

	t->files_ref = t->mm_ref;
	try_tree(_metadata, self, im->size, "A's files_ref is its mm_ref",
		 t->mm_ref, "is a mm, used as a files");
	tree_copy(self);
	t->fs_ref = t->cred_ref;
	try_tree(_metadata, self, im->size, "A's fs_ref is its cred_ref",
		 t->cred_ref, "is a cred, used as a fs");
	assert_all_refused(_metadata, im);
}

/*
 * A fresh copy of the valid image in im.buf with a CKPT_REC_PIDNS record
 * after the container record: @nr_pidns table entries, then @nr_nested
 * pid numbers, and the container record's count set to @nr_pidns.  The
 * trailer counts one record more.  Returns the variant's size.
 */
static size_t tree_add_pidns(FIXTURE_DATA(tree_image) *self,
			     const struct ckpt_pidns_entry *table,
			     uint32_t nr_pidns, const __s32 *nested,
			     uint32_t nr_nested)
{
	const struct rec_pos *r = &self->im.recs[self->container];
	size_t next = r->off + rec_span(r->len), pos = next;
	struct ckpt_rec_pidns rec = {
		.rec = { .type = CKPT_REC_PIDNS, .hdr_len = sizeof(rec),
			 .len = sizeof(rec) + nr_pidns * sizeof(*table) +
				nr_nested * sizeof(*nested) },
		.nr_pidns = nr_pidns,
		.nr_nested = nr_nested,
	};
	struct ckpt_rec_container *cont;
	struct ckpt_rec_trailer *t;
	size_t size;

	memcpy(self->im.buf, self->im.img, next);
	memcpy(self->im.buf + pos, &rec, sizeof(rec));
	pos += sizeof(rec);
	memcpy(self->im.buf + pos, table, nr_pidns * sizeof(*table));
	pos += nr_pidns * sizeof(*table);
	memcpy(self->im.buf + pos, nested, nr_nested * sizeof(*nested));
	pos += nr_nested * sizeof(*nested);
	memset(self->im.buf + pos, 0, next + rec_span(rec.rec.len) - pos);
	pos = next + rec_span(rec.rec.len);
	memcpy(self->im.buf + pos, self->im.img + next, self->im.size - next);
	size = pos + self->im.size - next;

	cont = (struct ckpt_rec_container *)(self->im.buf + r->off);
	cont->nr_pidns = nr_pidns;
	t = (struct ckpt_rec_trailer *)(self->im.buf + size - sizeof(*t));
	t->nr_records++;
	return size;
}

/* The tree entries of the variant tree_add_pidns() made. */
static struct ckpt_tree_entry *tree_entries(FIXTURE_DATA(tree_image) *self)
{
	return (struct ckpt_tree_entry *)(self->im.buf + self->tree_off);
}

/*
 * Nested pid namespaces: the namespaces a tree entry names, the table of
 * CKPT_REC_PIDNS and the pids tasks have in them must all add up, and
 * each task must be one its parent can create.  A is made the init of a
 * namespace [1] below the container's, wrongly in each variant.
 */
/* Put task @i and its children to come in namespace [1]. */
static void move_to_ns1(struct ckpt_tree_entry *e, int i)
{
	e[i].pidns = 1;
	e[i].child_pidns = 1;
}

TEST_F_TIMEOUT(tree_image, pid_namespaces, 120)
{
	struct ckpt_pidns_entry ns_a = { 0, 0 }, bad_parent = { 1, 0 };
	struct ckpt_pidns_entry no_init = { 0, UNUSED_PID };
	/* A's, then the next two tasks' pids in [1], then one too many. */
	__s32 in_ns[] = { 1, 2, 3, 4 }, zero = 0, two = 2, big = 1 << 30;
	struct ckpt_rec_container *rec;
	struct ckpt_tree_entry *e;
	int a = self->a, b = self->b;
	size_t size;

	ns_a.init_pid = tree_copy(self)[a].pid;
	bad_parent.init_pid = ns_a.init_pid;

	/* Namespaces that the image does not have. */
	e = tree_copy(self);
	e[b].pidns = 1;
	try_tree(_metadata, self, self->im.size, "B in namespace", 1,
		 "no pid namespace");
	e = tree_copy(self);
	e[b].child_pidns = ~0U;
	try_tree(_metadata, self, self->im.size, "B's children in namespace",
		 -1, "no pid namespace");

	/* A count with no record, or one too many. */
	rec = (void *)(self->im.buf + self->im.recs[self->container].off);
	tree_copy(self);
	rec->nr_pidns = 1;
	try_tree(_metadata, self, self->im.size, "nr_pidns without a record", 1,
		 "expected");
	tree_copy(self);
	rec->nr_pidns = 4;
	try_tree(_metadata, self, self->im.size, "nr_pidns", 4,
		 "more pid namespaces than tasks");

	/* The record disagrees with itself or with the tree. */
	size = tree_add_pidns(self, &ns_a, 1, in_ns, 1);
	rec = (void *)(self->im.buf + self->im.recs[self->container].off);
	rec->nr_pidns = 2;
	try_tree(_metadata, self, size, "nr_pidns 2, record has", 1,
		 "malformed pid namespace record");
	size = tree_add_pidns(self, &bad_parent, 1, in_ns, 1);
	move_to_ns1(tree_entries(self), a);
	try_tree(_metadata, self, size, "namespace 1's parent is", 1,
		 "bad parent");
	size = tree_add_pidns(self, &ns_a, 1, NULL, 0);
	move_to_ns1(tree_entries(self), a);
	try_tree(_metadata, self, size, "A in [1] with pids below", 0,
		 "pids in nested namespaces are missing");
	size = tree_add_pidns(self, &ns_a, 1, &zero, 1);
	move_to_ns1(tree_entries(self), a);
	try_tree(_metadata, self, size, "A's pid in [1] is", 0, "bad pid");
	size = tree_add_pidns(self, &ns_a, 1, &big, 1);
	move_to_ns1(tree_entries(self), a);
	try_tree(_metadata, self, size, "A's pid in [1] is", big, "bad pid");
	size = tree_add_pidns(self, &ns_a, 1, &two, 1);
	move_to_ns1(tree_entries(self), a);
	try_tree(_metadata, self, size, "A, init of [1], has pid there", two,
		 "cannot be the init of pid namespace");
	size = tree_add_pidns(self, &no_init, 1, NULL, 0);
	try_tree(_metadata, self, size, "[1]'s init is pid", UNUSED_PID,
		 "has no init among the tasks");

	/* A's children stay in the container's namespace, above A's. */
	size = tree_add_pidns(self, &ns_a, 1, in_ns, 1);
	move_to_ns1(tree_entries(self), a);
	try_tree(_metadata, self, size, "B and C in [0] under A in", 1,
		 "its parent cannot create it");

	/* All three in [1]: one pid too many, or B's children above it. */
	size = tree_add_pidns(self, &ns_a, 1, in_ns, 4);
	e = tree_entries(self);
	move_to_ns1(e, 1);
	move_to_ns1(e, 2);
	move_to_ns1(e, 3);
	try_tree(_metadata, self, size, "A, B and C in [1] with pids", 4,
		 "belong to no task");
	size = tree_add_pidns(self, &ns_a, 1, in_ns, 3);
	e = tree_entries(self);
	move_to_ns1(e, 1);
	move_to_ns1(e, 2);
	move_to_ns1(e, 3);
	e[b].child_pidns = 0;
	try_tree(_metadata, self, size, "B in [1] makes children in", 0,
		 "is not within its own");
	assert_all_refused(_metadata, &self->im);
}

/*
 * A container with a FIFO (sleeper_prog hold-fifo).  Its image is taken
 * with CHECKPOINT_KILL: restart refuses a FIFO that someone outside the
 * container has open, and the original would be that someone.
 */
FIXTURE(fifo_image) {
	struct image im;
	struct ckpt_rec_file *file;	/* the FIFO's read end, in im.buf */
	uint32_t other_ref;		/* objref of an object of another kind */
};

FIXTURE_SETUP(fifo_image)
{
	struct shared_page *sp;
	struct image *im = &self->im;
	int i;

	sp = start_sleeper(_metadata, im, "hold-fifo");
	for (i = 0; i < 10000 && SHARED_GET(sp->verdict) != 400; i++)
		usleep(1000);
	ASSERT_EQ(400ULL, SHARED_GET(sp->verdict)) {
		container_stop(im->init);
		TH_LOG("the container did not set up its FIFO");
	}
	im->kill = true;
	image_load(_metadata, im);

	for (i = 0; i < im->nr_recs; i++) {
		const struct ckpt_rec_file *f = (const void *)(im->img + im->recs[i].off);

		/* The first object: restored by then, and not a FIFO. */
		if (im->recs[i].type == CKPT_REC_OBJ && !self->other_ref)
			self->other_ref = ((const struct ckpt_rec_obj *)f)->objref;
		if (im->recs[i].type == CKPT_REC_FILE && f->kind == CKPT_FILE_FIFO)
			break;
	}
	ASSERT_LT(i, im->nr_recs) TH_LOG("no FIFO file in the image");
	self->file = (struct ckpt_rec_file *)(im->buf + im->recs[i].off);
}

FIXTURE_TEARDOWN(fifo_image)
{
	char path[80];

	snprintf(path, sizeof(path), "%s.fifo", shared_path);
	image_unload(_metadata, &self->im);
	unlink(path);
}

/* The FIFO's file record, each bad field refused for its own reason. */
TEST_F_TIMEOUT(fifo_image, file_fields, 120)
{
	struct image *im = &self->im;
	struct ckpt_rec_file *f = self->file;

	memcpy(im->buf, im->img, im->size);
	f->pos = 1;
	fix_trailer(im->buf, im->size);
	restart_variant(_metadata, im, im->buf, im->size, "FIFO file pos", 1,
			"malformed FIFO file record");
	memcpy(im->buf, im->img, im->size);
	f->rdev = 1;
	fix_trailer(im->buf, im->size);
	restart_variant(_metadata, im, im->buf, im->size, "FIFO file rdev", 1,
			"malformed FIFO file record");
	memcpy(im->buf, im->img, im->size);
	f->f_flags |= O_APPEND;
	fix_trailer(im->buf, im->size);
	restart_variant(_metadata, im, im->buf, im->size, "FIFO file flags",
			f->f_flags, "malformed FIFO file record");
	memcpy(im->buf, im->img, im->size);
	f->obj_ref = self->other_ref;
	fix_trailer(im->buf, im->size);
	restart_variant(_metadata, im, im->buf, im->size, "FIFO file objref",
			self->other_ref, "used as a fifo");
	EXPECT_EQ(im->tried, im->refused);
}

/* Its identity and opener: missing, of another kind, another inode. */
TEST_F_TIMEOUT(fifo_image, file_identity, 120)
{
	struct image *im = &self->im;
	struct ckpt_rec_file *f = self->file;
	uint32_t fs_ref = 0;
	int i;

	for (i = 0; i < im->nr_recs; i++) {
		const struct ckpt_rec_obj *o = (const void *)(im->img + im->recs[i].off);

		if (im->recs[i].type == CKPT_REC_OBJ && o->obj_type == CKPT_OBJ_FS)
			fs_ref = o->objref;
	}
	ASSERT_NE(0U, fs_ref);
	memcpy(im->buf, im->img, im->size);
	ASSERT_NE(0U, f->cred_ref);

	memcpy(im->buf, im->img, im->size);
	f->id.ino = 0;
	fix_trailer(im->buf, im->size);
	restart_variant(_metadata, im, im->buf, im->size, "FIFO without an inode",
			0, "malformed file record");
	memcpy(im->buf, im->img, im->size);
	f->cred_ref = 0;
	fix_trailer(im->buf, im->size);
	restart_variant(_metadata, im, im->buf, im->size, "FIFO without an opener",
			0, "malformed file record");
	memcpy(im->buf, im->img, im->size);
	f->cred_ref = fs_ref;
	fix_trailer(im->buf, im->size);
	restart_variant(_metadata, im, im->buf, im->size, "FIFO opened by objref",
			fs_ref, "is a fs, used as a cred");
	memcpy(im->buf, im->img, im->size);
	f->id.generation ^= 1;
	fix_trailer(im->buf, im->size);
	im->err = ESTALE;
	restart_variant(_metadata, im, im->buf, im->size, "FIFO of another generation",
			0, "is not the file it was");
	im->err = 0;
	EXPECT_EQ(im->tried, im->refused);
}

/* The im.buf address of the @nth (from 0) record of @type. */
static void *nth_record(struct image *im, uint32_t type, int nth)
{
	int i;

	for (i = 0; i < im->nr_recs; i++)
		if (im->recs[i].type == type && nth-- == 0)
			return im->buf + im->recs[i].off;
	return NULL;
}

/*
 * R23, R30: a process's ptracer is nobody or a task of the image; its
 * autogroup an autogroup object, whose nice value is one a process can
 * have.  C leads a session: setsid(2) gave it an autogroup of its own.
 */
TEST_F_TIMEOUT(tree_image, ptracer_and_autogroup, 120)
{
	struct image *im = &self->im;
	struct ckpt_rec_autogroup *ag;
	struct ckpt_rec_task *t;

	/* A's task record: the first after the init's. */
	t = nth_record(im, CKPT_REC_TASK, 1);
	ASSERT_NE(NULL, t);
	tree_copy(self);
	t->ptracer = UNUSED_PID;
	try_tree(_metadata, self, im->size, "A's ptracer", t->ptracer,
		 "bad ptracer");
	tree_copy(self);
	t->ptracer = -2;
	try_tree(_metadata, self, im->size, "A's ptracer", t->ptracer,
		 "bad ptracer");
	tree_copy(self);
	t->autogroup_ref = t->mm_ref;
	try_tree(_metadata, self, im->size, "A's autogroup_ref is its mm_ref",
		 t->mm_ref, access("/proc/self/autogroup", F_OK) ?
		 "which this kernel has none of" : "is a mm, used as a autogroup");

	ag = nth_record(im, CKPT_REC_AUTOGROUP, 0);
	if (!ag) {
		/* Without CONFIG_SCHED_AUTOGROUP there is none to spoil. */
		ASSERT_NE(0, access("/proc/self/autogroup", F_OK));
		assert_all_refused(_metadata, im);
		return;
	}
	tree_copy(self);
	ag->nice = 20;
	try_tree(_metadata, self, im->size, "autogroup nice", ag->nice,
		 "malformed autogroup record");
	tree_copy(self);
	ag->nice = -21;
	try_tree(_metadata, self, im->size, "autogroup nice", ag->nice,
		 "malformed autogroup record");
	tree_copy(self);
	ag->__pad = 1;
	try_tree(_metadata, self, im->size, "autogroup padding", ag->__pad,
		 "malformed autogroup record");
	assert_all_refused(_metadata, im);
}

/*
 * Tree entry fields beyond the tree's shape, per-thread pointers in the
 * task record, and an interrupted sleep in the CPU record: each bad
 * value refused for its own reason.
 */
TEST_F_TIMEOUT(tree_image, per_task_fields, 120)
{
	struct image *im = &self->im;
	struct ckpt_tree_entry *e;
	struct ckpt_rec_task *t;
	struct ckpt_rec_cpu *c;

	e = tree_copy(self);
	e[self->b].exit_code = 9;
	try_tree(_metadata, self, im->size, "B has an exit status, alive", 9,
		 "malformed tree entry");
	e = tree_copy(self);
	e[self->b].exit_signal = 65;
	try_tree(_metadata, self, im->size, "B's exit signal", 65,
		 "malformed tree entry");
	e = tree_copy(self);
	e[self->b].flags = CKPT_TREE_ZOMBIE | CKPT_TREE_CLONE_FS;
	try_tree(_metadata, self, im->size, "B a zombie sharing its fs, flags",
		 e[self->b].flags, "malformed tree entry");
	e = tree_copy(self);
	e[0].flags = CKPT_TREE_ZOMBIE;
	try_tree(_metadata, self, im->size, "the init a zombie with children",
		 0, "zombie 1 has a child");

	tree_copy(self);
	t = nth_record(im, CKPT_REC_TASK, 1);
	ASSERT_NE(NULL, t);
	t->rseq = 0x1008;
	t->rseq_len = 32;
	try_tree(_metadata, self, im->size, "A's rseq area misaligned at",
		 (long)t->rseq, "bad rseq registration");
	tree_copy(self);
	t->rseq = 0;
	t->rseq_len = 32;
	try_tree(_metadata, self, im->size, "A's rseq length with no area",
		 32, "bad rseq registration");
	tree_copy(self);
	t->robust_list = 0xffff888000000000ULL;
	try_tree(_metadata, self, im->size, "A's robust list in kernel space",
		 (long)t->robust_list, "bad thread pointers");

	tree_copy(self);
	c = nth_record(im, CKPT_REC_CPU, 0);
	ASSERT_NE(NULL, c);
	c->flags = 2;
	try_tree(_metadata, self, im->size, "cpu record flags", 2,
		 "malformed cpu record");
	tree_copy(self);
	c->sleep_left_ns = 1000;
	try_tree(_metadata, self, im->size, "sleep time left with no sleep",
		 1000, "malformed cpu record");
	tree_copy(self);
	c->flags = CKPT_CPU_NANOSLEEP;
	c->sleep_clockid = 99;
	try_tree(_metadata, self, im->size, "sleep on clock", 99,
		 "bad interrupted sleep");
	assert_all_refused(_metadata, im);
}

/*
 * The identity of what each path named, and the credentials that opened
 * each file: missing where a path is, present where none is, or naming
 * another inode than the one at the path (-ESTALE).  And a mapping below
 * mmap_min_addr, which the restarter could make but the image may not
 * (-EPERM).
 */

/* Restart the variant in im.buf: refused with @err, for @reason. */
static void try_refused(struct __test_metadata *_metadata, struct image *im,
			const char *what, int err, const char *reason)
{
	fix_trailer(im->buf, im->size);
	im->err = err;
	restart_variant(_metadata, im, im->buf, im->size, what, 0, reason);
	im->err = 0;
}

/* A fresh copy of the valid image in im.buf; its first record of @type. */
static void *fresh(struct image *im, uint32_t type)
{
	memcpy(im->buf, im->img, im->size);
	return nth_record(im, type, 0);
}

/* A fresh copy of the valid image; its first VMA record of @kind. */
static struct ckpt_rec_vma *fresh_vma(struct image *im, uint32_t kind)
{
	struct ckpt_rec_vma *v;
	int i;

	memcpy(im->buf, im->img, im->size);
	for (i = 0; (v = nth_record(im, CKPT_REC_VMA, i)); i++)
		if (v->kind == kind)
			return v;
	return NULL;
}

TEST_F_TIMEOUT(image, file_identities, 120)
{
	struct image *im = &self->im;
	struct ckpt_rec_vma *v;
	struct ckpt_rec_mm *mm;
	struct ckpt_rec_fs *fs;
	uint32_t cred;

	ASSERT_NE(NULL, fresh(im, CKPT_REC_FS));
	((struct ckpt_rec_fs *)fresh(im, CKPT_REC_FS))->root_id.ino = 0;
	try_refused(_metadata, im, "root without an inode", EINVAL, "malformed fs record");
	((struct ckpt_rec_fs *)fresh(im, CKPT_REC_FS))->pwd_id.ino = 0;
	try_refused(_metadata, im, "cwd without an inode", EINVAL, "malformed fs record");
	fs = fresh(im, CKPT_REC_FS);
	fs->root_id.generation ^= 1;
	try_refused(_metadata, im, "root of another generation", ESTALE,
		    "is not the file it was");
	fs = fresh(im, CKPT_REC_FS);
	fs->pwd_id.ino += 1 << 20;	/* the root's is 1: not to 0 */
	try_refused(_metadata, im, "cwd of another inode", ESTALE,
		    "is not the file it was");

	mm = fresh(im, CKPT_REC_MM);
	ASSERT_NE(NULL, mm);
	ASSERT_NE(0U, mm->exe_len);
	cred = mm->exe_cred_ref;
	mm->exe_id.ino = 0;
	try_refused(_metadata, im, "exe without an inode", EINVAL, "malformed mm record");
	mm = fresh(im, CKPT_REC_MM);
	mm->exe_cred_ref = 0;
	try_refused(_metadata, im, "exe without an opener", EINVAL, "malformed mm record");
	mm = fresh(im, CKPT_REC_MM);
	mm->coredump_filter = ~0U;
	try_refused(_metadata, im, "coredump filter bits past the mask", EINVAL,
		    "malformed mm record");
	mm = fresh(im, CKPT_REC_MM);
	mm->prctl_flags = CKPT_MM_LOCK_ONFAULT;
	try_refused(_metadata, im, "MCL_ONFAULT without MCL_FUTURE", EINVAL,
		    "malformed mm record");
	mm = fresh(im, CKPT_REC_MM);
	mm->exe_id.dev ^= 1;
	try_refused(_metadata, im, "exe on another device", ESTALE,
		    "is not the file it was");

	v = fresh_vma(im, CKPT_VMA_FILE_SHARED);
	ASSERT_NE(NULL, v) TH_LOG("no shared file mapping in the image");
	v->advice = 1U << 31;
	try_refused(_metadata, im, "mapping with unknown advice", EINVAL,
		    "malformed mapping record");
	v = fresh_vma(im, CKPT_VMA_FILE_SHARED);
	v->advice = CKPT_VMA_CHARGED;
	try_refused(_metadata, im, "a kept commit charge on a shared mapping", EINVAL,
		    "malformed mapping record");
	v = fresh_vma(im, CKPT_VMA_FILE_SHARED);
	v->advice = CKPT_VMA_WIPEONFORK;
	try_refused(_metadata, im, "WIPEONFORK on a shared file mapping", EINVAL,
		    "madvise");
	v = fresh_vma(im, CKPT_VMA_FILE_SHARED);
	v->id.ino = 0;
	try_refused(_metadata, im, "mapped file without an inode", EINVAL,
		    "malformed mapping record");
	v = fresh_vma(im, CKPT_VMA_FILE_SHARED);
	v->cred_ref = 0;
	try_refused(_metadata, im, "mapped file without an opener", EINVAL,
		    "malformed mapping record");
	v = fresh_vma(im, CKPT_VMA_FILE_SHARED);
	v->id.ino += 1 << 20;
	try_refused(_metadata, im, "mapped file of another inode", ESTALE,
		    "is not the file it was");
	v = fresh_vma(im, CKPT_VMA_ANON);
	ASSERT_NE(NULL, v);
	v->advice = CKPT_VMA_LOCKONFAULT;
	try_refused(_metadata, im, "MLOCK_ONFAULT without a lock", EINVAL,
		    "malformed mapping record");
	v = fresh_vma(im, CKPT_VMA_ANON);
	v->id.dev = 1;
	try_refused(_metadata, im, "anonymous mapping with a device", EINVAL,
		    "malformed mapping record");
	v = fresh_vma(im, CKPT_VMA_ANON);
	v->cred_ref = cred;
	try_refused(_metadata, im, "anonymous mapping with an opener", EINVAL,
		    "malformed mapping record");
	v = fresh_vma(im, CKPT_VMA_ANON);
	v->start = 0;
	v->end = 4096;
	try_refused(_metadata, im, "mapping at 0", EPERM, "lies below mmap_min_addr");
	v = fresh_vma(im, CKPT_VMA_ANON);
	v->maxprot |= 1U << 3;
	try_refused(_metadata, im, "mapping ceiling with unknown bits", EINVAL,
		    "malformed mapping record");
	v = fresh_vma(im, CKPT_VMA_ANON);
	ASSERT_NE(0U, v->prot);
	v->maxprot = 0;
	try_refused(_metadata, im, "mapping beyond its ceiling", EINVAL,
		    "malformed mapping record");
	v = fresh_vma(im, CKPT_VMA_FILE_SHARED);
	ASSERT_EQ(0U, v->prot & PROT_EXEC);
	/* Whether its mount is noexec or not, the other answer. */
	v->maxprot ^= PROT_EXEC;
	try_refused(_metadata, im, "mapping ceiling mmap(2) would not give", EACCES,
		    "mprotect(2) could grant");
	/* The kind says how the file is opened; the flags how it is mapped. */
	v = fresh_vma(im, CKPT_VMA_FILE_SHARED);
	v->flags = (v->flags & ~MAP_TYPE) | MAP_PRIVATE;
	try_refused(_metadata, im, "shared file kind, private mapping", EINVAL,
		    "has bad kind");
	v = fresh_vma(im, CKPT_VMA_FILE_PRIVATE);
	ASSERT_NE(NULL, v) TH_LOG("no private file mapping in the image");
	v->flags = (v->flags & ~MAP_TYPE) | MAP_SHARED;
	try_refused(_metadata, im, "private file kind, shared mapping", EINVAL,
		    "has bad kind");
	assert_all_refused(_metadata, im);
}

/*
 * A run of pages whose end wraps around the top of the address space
 * lies "below" the end of its mapping by the arithmetic: it must be
 * refused for not fitting, before a page is stored anywhere.
 */
TEST_F_TIMEOUT(image, page_run_wraps, 120)
{
	struct image *im = &self->im;
	struct ckpt_rec_pages *p;

	p = fresh(im, CKPT_REC_PAGES);
	ASSERT_NE(NULL, p) TH_LOG("no pages in the image");
	p->addr = -4096ULL;
	try_refused(_metadata, im, "pages at the last page of u64", EINVAL,
		    "does not fit");
	p = fresh(im, CKPT_REC_PAGES);
	p->addr = -(uint64_t)p->nr * 4096;
	try_refused(_metadata, im, "pages ending at 2^64", EINVAL, "does not fit");
	p = fresh(im, CKPT_REC_PAGES);
	p->addr = 1ULL << 63;
	try_refused(_metadata, im, "pages beyond the task size", EINVAL,
		    "does not fit");
	assert_all_refused(_metadata, im);
}

/*
 * Images that are well framed and checksummed, but mean something no
 * checkpoint could have written: registers for a zombie, objects nested
 * where they have no place, a thread with an address space of its own,
 * a process group named after a thread.  From the image of sleeper_prog
 * hold-family: the init (fds: the shared file, a pipe), its thread T,
 * its zombie child Z and its child A, leader of its own group.
 */
FIXTURE(family_image) {
	struct image im;
	size_t tree_off;	/* where the tree entries start */
	pid_t t, z, a;		/* T's, Z's and A's pids in the container */
	int it, ia;		/* T's and A's indexes in the tree */
	uint32_t next_ref;	/* an objref the image does not use */
};

FIXTURE_SETUP(family_image)
{
	const struct ckpt_rec_container *rec;
	const struct ckpt_tree_entry *e;
	struct image *im = &self->im;
	struct shared_page *sp;
	int i;

	sp = start_sleeper(_metadata, im, "hold-family");
	for (i = 0; i < 10000 && SHARED_GET(sp->verdict) != 400; i++)
		usleep(1000);
	ASSERT_EQ(400ULL, SHARED_GET(sp->verdict)) {
		container_stop(im->init);
		TH_LOG("the container did not set up its family");
	}
	image_load(_metadata, im);

	for (i = 0; i < im->nr_recs; i++) {
		const struct ckpt_rec_obj *o = (const void *)(im->img + im->recs[i].off);

		if (im->recs[i].type == CKPT_REC_CONTAINER)
			self->tree_off = im->recs[i].off + sizeof(*rec);
		if (im->recs[i].type == CKPT_REC_OBJ && o->objref >= self->next_ref)
			self->next_ref = o->objref + 1;
	}
	ASSERT_NE(0U, self->tree_off);
	rec = (const void *)(im->img + self->tree_off - sizeof(*rec));
	e = (const void *)(im->img + self->tree_off);
	ASSERT_EQ(4U, rec->nr_tasks);
	for (i = 1; i < 4; i++) {
		if (e[i].tgid == 1) {
			self->t = e[i].pid;
			self->it = i;
		} else if (e[i].flags & CKPT_TREE_ZOMBIE) {
			self->z = e[i].pid;
		} else {
			self->a = e[i].pid;
			self->ia = i;
		}
	}
	ASSERT_NE(0, self->t);
	ASSERT_NE(0, self->z);
	ASSERT_NE(0, self->a);
	ASSERT_EQ(self->a, e[self->ia].pgid);
}

FIXTURE_TEARDOWN(family_image)
{
	image_unload(_metadata, &self->im);
}

/* The index of the @nth (from 0) record of the valid image matching. */
static int find_rec(const struct image *im, uint32_t type, uint32_t obj_type,
		    int nth)
{
	int i;

	for (i = 0; i < im->nr_recs; i++) {
		const struct ckpt_rec_obj *o = (const void *)(im->img + im->recs[i].off);

		if (im->recs[i].type != type ||
		    (obj_type && o->obj_type != obj_type))
			continue;
		if (nth-- == 0)
			return i;
	}
	return -1;
}

/* The index of the task or CPU record of the valid image for @pid. */
static int find_pid_rec(const struct image *im, uint32_t type, pid_t pid)
{
	int i;

	for (i = 0; i < im->nr_recs; i++) {
		const struct ckpt_rec_task *t = (const void *)(im->img + im->recs[i].off);

		/* Both records start with the pid. */
		if (im->recs[i].type == type && t->pid == pid)
			return i;
	}
	return -1;
}

/*
 * The valid image in im.buf with the @del records from record @at on
 * replaced by the @nr records at @ins (@len bytes, each padded), the
 * trailer's count of records adjusted.  Returns the variant's size.
 */
static size_t splice_records(struct image *im, int at, int del,
			     const void *ins, size_t len, int nr)
{
	size_t off = im->recs[at].off, end = im->recs[at + del].off;
	struct ckpt_rec_trailer *t;
	size_t size = im->size - (end - off) + len;

	memcpy(im->buf, im->img, off);
	memcpy(im->buf + off, ins, len);
	memcpy(im->buf + off + len, im->img + end, im->size - end);
	t = (struct ckpt_rec_trailer *)(im->buf + size - sizeof(*t));
	t->nr_records += nr - del;
	return size;
}

/*
 * Records @from to @to (excluded) of the valid image copied to @out, the
 * first an object whose objref becomes @objref.  Returns their length.
 */
static size_t copy_object(const struct image *im, int from, int to,
			  uint32_t objref, unsigned char *out)
{
	size_t len = im->recs[to].off - im->recs[from].off;

	memcpy(out, im->img + im->recs[from].off, len);
	((struct ckpt_rec_obj *)out)->objref = objref;
	return len;
}

/* An mm object with no mappings, copied from the first mm's record. */
static size_t empty_mm(const struct image *im, uint32_t objref,
		       unsigned char *out)
{
	int i = find_rec(im, CKPT_REC_OBJ, CKPT_OBJ_MM, 0);
	struct ckpt_rec_obj *o = (void *)out;
	struct ckpt_rec_mm *mm = (void *)(out + sizeof(*o));

	if (i < 0)
		return 0;
	*o = (struct ckpt_rec_obj){
		.rec = { .type = CKPT_REC_OBJ, .hdr_len = sizeof(*o),
			 .len = sizeof(*o) },
		.objref = objref,
		.obj_type = CKPT_OBJ_MM,
	};
	memcpy(mm, im->img + im->recs[i + 1].off, sizeof(*mm));
	mm->rec.len = sizeof(*mm);
	mm->nr_vmas = 0;
	mm->exe_len = 0;
	return sizeof(*o) + sizeof(*mm);
}

/* Restart the variant in im.buf; it must be refused, for @reason. */
static void try_family(struct __test_metadata *_metadata,
		       FIXTURE_DATA(family_image) *self, size_t size,
		       const char *what, long arg, const char *reason)
{
	fix_trailer(self->im.buf, size);
	restart_variant(_metadata, &self->im, self->im.buf, size, what, arg,
			reason);
}

/*
 * Issue 10, defect 3: a CPU record naming a zombie made the coordinator
 * write registers on the zombie's freed kernel stack, and left a live
 * task to return to user mode with registers it never had.
 */
TEST_F_TIMEOUT(family_image, cpu_record_of_a_zombie, 120)
{
	struct image *im = &self->im;
	int i = find_pid_rec(im, CKPT_REC_CPU, self->a);
	struct ckpt_rec_cpu *c;

	ASSERT_GE(i, 0);
	memcpy(im->buf, im->img, im->size);
	c = (struct ckpt_rec_cpu *)(im->buf + im->recs[i].off);
	c->pid = self->z;
	try_family(_metadata, self, im->size, "A's cpu record names zombie",
		   self->z, "which is a zombie");
	assert_all_refused(_metadata, im);
}

/* Each live task has exactly one CPU record: not two, not none. */
TEST_F_TIMEOUT(family_image, cpu_records, 120)
{
	struct image *im = &self->im;
	int i = find_pid_rec(im, CKPT_REC_CPU, 1);
	int it = find_pid_rec(im, CKPT_REC_CPU, self->t);
	struct ckpt_rec_cpu *c;
	size_t size;

	ASSERT_GE(i, 0);
	ASSERT_GE(it, 0);
	memcpy(im->buf, im->img, im->size);
	c = (struct ckpt_rec_cpu *)(im->buf + im->recs[i].off);
	c->pid = self->t;
	try_family(_metadata, self, im->size, "the init's cpu record names T",
		   self->t, "given twice");
	memcpy(im->buf, im->img, im->size);
	c->pid = 999;
	try_family(_metadata, self, im->size, "the init's cpu record names pid",
		   999, "no task of the image");

	size = splice_records(im, it, 1, "", 0, 0);
	try_family(_metadata, self, size, "T's cpu record dropped, pid", self->t,
		   "has no cpu record");
	assert_all_refused(_metadata, im);
}

/*
 * Issue 10, defect 4: an mm object opened inside one of the init's
 * mappings replaced the mm being restored, which was freed under the
 * restore of its next page.  The first mapping with saved pages is where
 * it would do that.
 */
TEST_F_TIMEOUT(family_image, mm_in_a_mapping, 120)
{
	struct image *im = &self->im;
	unsigned char ins[sizeof(struct ckpt_rec_obj) + sizeof(struct ckpt_rec_mm)];
	size_t len = empty_mm(im, self->next_ref, ins), size;
	int i;

	ASSERT_NE(0U, len);
	for (i = find_rec(im, CKPT_REC_OBJ, CKPT_OBJ_MM, 0); i >= 0 &&
	     i + 1 < im->nr_recs; i++)
		if (im->recs[i].type == CKPT_REC_VMA &&
		    im->recs[i + 1].type == CKPT_REC_PAGES)
			break;
	ASSERT_GE(i, 0);
	ASSERT_LT(i + 1, im->nr_recs);
	size = splice_records(im, i, 0, ins, len, 2);
	try_family(_metadata, self, size, "an mm in a mapping, objref",
		   self->next_ref, "a mm cannot open in a mapping");
	assert_all_refused(_metadata, im);
}

/* Objects nested where they have no place. */
TEST_F_TIMEOUT(family_image, nested_kinds, 120)
{
	struct image *im = &self->im;
	unsigned char ins[4096];
	int files = find_rec(im, CKPT_REC_OBJ, CKPT_OBJ_FILES, 0);
	int cred = find_rec(im, CKPT_REC_OBJ, CKPT_OBJ_CRED, 0);
	int file, n;
	size_t len, size;
	struct {
		struct ckpt_rec_obj o;
		struct ckpt_rec_files f;
	} empty_files = {
		.o = { .rec = { .type = CKPT_REC_OBJ,
				.hdr_len = sizeof(struct ckpt_rec_obj),
				.len = sizeof(struct ckpt_rec_obj) },
		       .objref = self->next_ref, .obj_type = CKPT_OBJ_FILES },
		.f = { .rec = { .type = CKPT_REC_FILES,
				.hdr_len = sizeof(struct ckpt_rec_files),
				.len = sizeof(struct ckpt_rec_files) } },
	};

	ASSERT_GE(files, 0);
	ASSERT_GE(cred, 0);
	/* The shared file's object: the one with its file record right after. */
	for (n = 0; (file = find_rec(im, CKPT_REC_OBJ, CKPT_OBJ_FILE, n)) >= 0; n++)
		if (im->recs[file + 1].type == CKPT_REC_FILE &&
		    ((struct ckpt_rec_file *)(im->img + im->recs[file + 1].off))->kind ==
		    CKPT_FILE_PATH)
			break;
	ASSERT_GE(file, 0);

	len = copy_object(im, file, file + 2, self->next_ref, ins);
	size = splice_records(im, file + 1, 0, ins, len, 2);
	try_family(_metadata, self, size, "a file in a file, objref",
		   self->next_ref, "a file cannot open in a file");

	size = splice_records(im, file + 1, 0, &empty_files, sizeof(empty_files), 2);
	try_family(_metadata, self, size, "an fd table in a file, objref",
		   self->next_ref, "a files cannot open in a file");

	len = copy_object(im, cred, cred + 2, self->next_ref, ins);
	size = splice_records(im, files + 1, 0, ins, len, 2);
	try_family(_metadata, self, size, "credentials in an fd table, objref",
		   self->next_ref, "a cred cannot open in an fd table");
	assert_all_refused(_metadata, im);
}

/*
 * A thread runs on its leader's mm: it may neither build one of its own
 * nor name another.  And a process group is named after a process.
 */
TEST_F_TIMEOUT(family_image, threads_and_groups, 120)
{
	struct image *im = &self->im;
	unsigned char ins[sizeof(struct ckpt_rec_obj) + sizeof(struct ckpt_rec_mm)];
	size_t len = empty_mm(im, self->next_ref, ins), size;
	int it = find_pid_rec(im, CKPT_REC_TASK, self->t);
	struct ckpt_tree_entry *e;
	struct ckpt_rec_task *t;
	char reason[64];

	ASSERT_NE(0U, len);
	ASSERT_GE(it, 0);
	size = splice_records(im, it, 0, ins, len, 2);
	t = (struct ckpt_rec_task *)(im->buf + im->recs[it].off + len);
	t->mm_ref = self->next_ref;
	snprintf(reason, sizeof(reason), "a mm cannot open in thread %d", self->t);
	try_family(_metadata, self, size, "T builds an mm, objref",
		   self->next_ref, reason);

	memcpy(im->buf, im->img, im->size);
	e = (struct ckpt_tree_entry *)(im->buf + self->tree_off);
	e[self->ia].pgid = self->t;
	try_family(_metadata, self, im->size, "A's group is thread", self->t,
		   "is a thread");
	assert_all_refused(_metadata, im);
}

/*
 * A path from the image with control and non-ASCII bytes in it: the log
 * line that names it must carry them escaped, so that the image cannot
 * write lines of its own into the log.
 */
TEST_F_TIMEOUT(family_image, escaped_log, 120)
{
	static const char bad[] = "\n\001\033\377";
	struct image *im = &self->im;
	struct ckpt_rec_file *f;
	char log[4096], *p;
	int i, n, lines = 0;
	long ret;

	for (n = 0; (i = find_rec(im, CKPT_REC_FILE, 0, n)) >= 0; n++)
		if (((struct ckpt_rec_file *)(im->img + im->recs[i].off))->kind ==
		    CKPT_FILE_PATH)
			break;
	ASSERT_GE(i, 0);
	memcpy(im->buf, im->img, im->size);
	f = (struct ckpt_rec_file *)(im->buf + im->recs[i].off);
	ASSERT_GT(f->path_len, sizeof(bad));
	/* After the leading '/', so that it stays an absolute path. */
	memcpy((char *)(f + 1) + 1, bad, sizeof(bad) - 1);
	fix_trailer(im->buf, im->size);

	ASSERT_EQ(0, ftruncate(im->fd, 0));
	ASSERT_EQ((ssize_t)im->size, pwrite(im->fd, im->buf, im->size, 0));
	ASSERT_EQ(0, lseek(im->fd, 0, SEEK_SET));
	ASSERT_EQ(0, ftruncate(im->log, 0));
	ASSERT_EQ(0, lseek(im->log, 0, SEEK_SET));
	ret = rstrt(im->fd, im->log, 0);
	ASSERT_EQ(-1, ret) {
		kill(ret, SIGKILL);
		waitpid(ret, NULL, __WALL);
	}
	read_log(im->log, log, sizeof(log));
	EXPECT_NE(NULL, strstr(log, "\\n\\001\\e\\377")) TH_LOG("log: %s", log);
	for (p = log; *p; p++) {
		unsigned char c = *p;

		EXPECT_TRUE(c == '\n' || (c >= ' ' && c < 0x7f))
			TH_LOG("byte %#x at %zd in the log", c, p - log);
		lines += c == '\n';
	}
	/* One newline per line, each line the kernel's own. */
	for (n = 0, p = log; (p = strstr(p, "restart: ")); p++)
		n++;
	EXPECT_EQ(n, lines) TH_LOG("log: %s", log);
	EXPECT_EQ(0, waitpid(-1, NULL, WNOHANG | __WALL) > 0);
}

/* A file reopened by path stands on no object: an objref is refused. */
TEST_F_TIMEOUT(family_image, path_file_with_objref, 120)
{
	struct image *im = &self->im;
	struct ckpt_rec_file *f;
	int n;

	memcpy(im->buf, im->img, im->size);
	for (n = 0; (f = nth_record(im, CKPT_REC_FILE, n)); n++)
		if (f->kind == CKPT_FILE_PATH)
			break;
	ASSERT_NE(NULL, f);
	ASSERT_EQ(0U, f->obj_ref);
	f->obj_ref = 1;
	try_refused(_metadata, im, "file by path naming an object", EINVAL,
		    "malformed file record");
	assert_all_refused(_metadata, im);
}

/*
 * Zombie records (CKPT_REC_ZOMBIE), from the image of sleeper_prog
 * hold-zombies: the init's children are, in tree order, a zombie Y with
 * ids of its own (its part of the image: its cred object, then its
 * record), a zombie Z with the init's ids (its record only, naming the
 * init's cred), and a live child A.  Checkpoint kills the container, so
 * that after each variant no child at all may be left.
 *
 * Restart reads a zombie's record in that zombie's part, as the tree
 * entry marked it: a record naming any other pid (a live task, another
 * zombie, no task) is refused, which also catches a record repeated or
 * out of tree order; where a task record is due, a zombie record is of
 * the wrong type, and the other way round.  Its cred_ref must name the
 * cred object its own part opened, or else its parent's: a sibling's,
 * another kind's, an undefined or later objref are refused; so are
 * objects of other kinds, and a second cred, in its part.  A zombie
 * that opens a cred of its own with the ids of its parent, or of any
 * other task, is accepted: that cred object was checked against the
 * restarter's rights as every other is, and the zombie can do nothing
 * with it but show it -- a valid image of a zombie that had those ids
 * is the same bytes.
 */
FIXTURE(zombie_image) {
	struct image im;
	pid_t y, z, a;
	int iy, iz;		/* Y's and Z's zombie records */
	int ia;			/* A's task record */
	int init_cred_obj;	/* the init's cred object (its CKPT_REC_OBJ) */
	int fs_obj;		/* an fs object, the init's */
	uint32_t init_cred, y_cred, init_mm, a_mm, next_ref;
};

FIXTURE_SETUP(zombie_image)
{
	const struct ckpt_rec_container *rec;
	const struct ckpt_tree_entry *e;
	const struct ckpt_rec_zombie *zr;
	const struct ckpt_rec_task *t;
	struct image *im = &self->im;
	struct shared_page *sp;
	int i;

	sp = start_sleeper(_metadata, im, "hold-zombies");
	for (i = 0; i < 10000 && SHARED_GET(sp->verdict) != 400; i++)
		usleep(1000);
	ASSERT_EQ(400ULL, SHARED_GET(sp->verdict)) {
		container_stop(im->init);
		TH_LOG("the container did not set up its zombies");
	}
	im->kill = true;
	image_load(_metadata, im);

	i = find_rec(im, CKPT_REC_CONTAINER, 0, 0);
	ASSERT_GE(i, 0);
	rec = (const void *)(im->img + im->recs[i].off);
	e = (const void *)(rec + 1);
	ASSERT_EQ(4U, rec->nr_tasks);
	/* Children in the order they were created. */
	ASSERT_NE(0U, e[1].flags & CKPT_TREE_ZOMBIE);
	ASSERT_NE(0U, e[2].flags & CKPT_TREE_ZOMBIE);
	ASSERT_EQ(0U, e[3].flags & CKPT_TREE_ZOMBIE);
	ASSERT_EQ(5, e[1].exit_code >> 8);
	self->y = e[1].pid;
	self->z = e[2].pid;
	self->a = e[3].pid;

	for (i = 0; i < im->nr_recs; i++) {
		const struct ckpt_rec_obj *o = (const void *)(im->img + im->recs[i].off);

		if (im->recs[i].type == CKPT_REC_OBJ && o->objref >= self->next_ref)
			self->next_ref = o->objref + 1;
	}
	t = (const void *)(im->img + im->recs[find_pid_rec(im, CKPT_REC_TASK, 1)].off);
	self->init_cred = t->cred_ref;
	self->init_mm = t->mm_ref;
	self->ia = find_pid_rec(im, CKPT_REC_TASK, self->a);
	ASSERT_GE(self->ia, 0);
	t = (const void *)(im->img + im->recs[self->ia].off);
	self->a_mm = t->mm_ref;
	ASSERT_NE(self->a_mm, self->init_mm);

	/* Y: its cred object, then its record; then Z's record; then A's part. */
	self->iy = find_pid_rec(im, CKPT_REC_ZOMBIE, self->y);
	self->iz = find_pid_rec(im, CKPT_REC_ZOMBIE, self->z);
	ASSERT_GE(self->iy, 2);
	ASSERT_EQ(self->iy + 1, self->iz);
	ASSERT_EQ((uint32_t)CKPT_REC_OBJ, im->recs[self->iy - 2].type);
	ASSERT_EQ((uint32_t)CKPT_REC_CRED, im->recs[self->iy - 1].type);
	ASSERT_EQ((uint32_t)CKPT_REC_OBJ, im->recs[self->iz + 1].type);
	ASSERT_LT(self->iz + 1, self->ia);
	self->y_cred = ((const struct ckpt_rec_obj *)(im->img +
			im->recs[self->iy - 2].off))->objref;
	zr = (const void *)(im->img + im->recs[self->iy].off);
	ASSERT_EQ(self->y_cred, zr->cred_ref);
	ASSERT_NE(self->init_cred, self->y_cred);
	zr = (const void *)(im->img + im->recs[self->iz].off);
	ASSERT_EQ(self->init_cred, zr->cred_ref);

	for (i = 0; i < im->nr_recs; i++)
		if (im->recs[i].type == CKPT_REC_OBJ &&
		    ((const struct ckpt_rec_obj *)(im->img + im->recs[i].off))->objref ==
		    self->init_cred)
			break;
	ASSERT_LT(i + 1, im->nr_recs);
	ASSERT_EQ((uint32_t)CKPT_REC_CRED, im->recs[i + 1].type);
	self->init_cred_obj = i;
	self->fs_obj = find_rec(im, CKPT_REC_OBJ, CKPT_OBJ_FS, 0);
	ASSERT_GE(self->fs_obj, 0);
	ASSERT_EQ((uint32_t)CKPT_REC_FS, im->recs[self->fs_obj + 1].type);
}

FIXTURE_TEARDOWN(zombie_image)
{
	image_unload(_metadata, &self->im);
}

/*
 * Restart the variant in im.buf: refused for @reason (accepted if NULL,
 * and then killed).  The container is gone: no child of ours may be
 * left, not even a live one.
 */
static void try_zombie(struct __test_metadata *_metadata,
		       FIXTURE_DATA(zombie_image) *self, size_t size,
		       const char *what, long arg, const char *reason)
{
	fix_trailer(self->im.buf, size);
	restart_variant(_metadata, &self->im, self->im.buf, size, what, arg,
			reason);
	EXPECT_EQ(-1, waitpid(-1, NULL, WNOHANG | __WALL))
		TH_LOG("%s %ld: a child was left behind", what, arg);
}

/* A fresh copy of the valid image in im.buf; record @i there. */
static void *zombie_copy(struct image *im, int i)
{
	memcpy(im->buf, im->img, im->size);
	return im->buf + im->recs[i].off;
}

TEST_F_TIMEOUT(zombie_image, zombie_records, 120)
{
	static const pid_t no_task[] = { 999, 0, -1 };
	struct image *im = &self->im;
	const struct rec_pos *ry = &im->recs[self->iy], *rz = &im->recs[self->iz];
	const struct rec_pos *ra = &im->recs[self->ia];
	struct ckpt_rec_zombie *zr, in_a = {
		.rec = { .type = CKPT_REC_ZOMBIE, .hdr_len = sizeof(in_a),
			 .len = sizeof(in_a) },
		.pid = self->a,
		.cred_ref = self->init_cred,
	};
	unsigned char ins[4096];
	char reason[128];
	size_t len, size;
	unsigned int k;

	/* Z's record names another pid: live, its parent, a zombie, none. */
	zr = zombie_copy(im, self->iz);
	zr->pid = self->a;
	snprintf(reason, sizeof(reason), "the record of zombie %d says pid %d",
		 self->z, self->a);
	try_zombie(_metadata, self, im->size, "Z's record names live A", self->a, reason);
	zr = zombie_copy(im, self->iz);
	zr->pid = 1;
	snprintf(reason, sizeof(reason), "the record of zombie %d says pid 1", self->z);
	try_zombie(_metadata, self, im->size, "Z's record names the init", 1, reason);
	zr = zombie_copy(im, self->iz);
	zr->pid = self->y;
	snprintf(reason, sizeof(reason), "the record of zombie %d says pid %d",
		 self->z, self->y);
	try_zombie(_metadata, self, im->size, "Z's record names zombie Y", self->y, reason);
	for (k = 0; k < ARRAY_SIZE(no_task); k++) {
		zr = zombie_copy(im, self->iz);
		zr->pid = no_task[k];
		snprintf(reason, sizeof(reason), "the record of zombie %d says pid %d",
			 self->z, no_task[k]);
		try_zombie(_metadata, self, im->size, "Z's record names no task, pid",
			   no_task[k], reason);
	}

	/* Y's record twice: the second is read as Z's. */
	size = splice_records(im, self->iz, 0, im->img + ry->off, rec_span(ry->len), 1);
	snprintf(reason, sizeof(reason), "the record of zombie %d says pid %d",
		 self->z, self->y);
	try_zombie(_metadata, self, size, "Y's record twice, pid", self->y, reason);
	/* Z's record twice: the second is read where A's task record is due. */
	size = splice_records(im, self->iz + 1, 0, im->img + rz->off, rec_span(rz->len), 1);
	snprintf(reason, sizeof(reason), "has type %d, expected %d", CKPT_REC_ZOMBIE,
		 CKPT_REC_TASK);
	try_zombie(_metadata, self, size, "Z's record twice, pid", self->z, reason);

	/* Out of tree order: Z's part (its record) before Y's (cred, record). */
	len = rec_span(rz->len);
	memcpy(ins, im->img + rz->off, len);
	memcpy(ins + len, im->img + im->recs[self->iy - 2].off, rz->off -
	       im->recs[self->iy - 2].off);
	len += rz->off - im->recs[self->iy - 2].off;
	size = splice_records(im, self->iy - 2, 4, ins, len, 4);
	snprintf(reason, sizeof(reason), "the record of zombie %d says pid %d",
		 self->y, self->z);
	try_zombie(_metadata, self, size, "Z's part before Y's, pid", self->z, reason);

	/* No record for Z: A's first object is read in Z's part. */
	size = splice_records(im, self->iz, 1, "", 0, 0);
	snprintf(reason, sizeof(reason), "cannot open in zombie %d", self->z);
	try_zombie(_metadata, self, size, "Z's record dropped, pid", self->z, reason);

	/* A zombie record where A's task record is due, and the other way. */
	size = splice_records(im, self->ia, 1, &in_a, sizeof(in_a), 1);
	snprintf(reason, sizeof(reason), "has type %d, expected %d", CKPT_REC_ZOMBIE,
		 CKPT_REC_TASK);
	try_zombie(_metadata, self, size, "a zombie record for live A", self->a, reason);
	len = rec_span(ra->len);
	ASSERT_LE(len, sizeof(ins));
	memcpy(ins, im->img + ra->off, len);
	((struct ckpt_rec_task *)ins)->pid = self->z;
	size = splice_records(im, self->iz, 1, ins, len, 1);
	snprintf(reason, sizeof(reason), "has type %d, expected %d", CKPT_REC_TASK,
		 CKPT_REC_ZOMBIE);
	try_zombie(_metadata, self, size, "a task record for zombie Z", self->z, reason);

	/* CPU times beyond what any clock counts up to (R33). */
	snprintf(reason, sizeof(reason), "zombie %d: bad CPU time", self->z);
	zr = zombie_copy(im, self->iz);
	zr->utime = CKPT_CPUTIME_MAX + 1;
	try_zombie(_metadata, self, im->size, "Z's utime past the bound, pid",
		   self->z, reason);
	zr = zombie_copy(im, self->iz);
	zr->children_stime = ~0ULL;
	try_zombie(_metadata, self, im->size, "Z's children's stime ~0, pid",
		   self->z, reason);

	/* A record longer or shorter than a zombie record is. */
	zr = zombie_copy(im, self->iz);
	zr->rec.len = sizeof(*zr) + 8;
	try_zombie(_metadata, self, im->size, "Z's record length", zr->rec.len,
		   "has bad length");
	zr = zombie_copy(im, self->iz);
	zr->rec.len = sizeof(*zr) - 4;
	try_zombie(_metadata, self, im->size, "Z's record length", zr->rec.len,
		   "has bad length");
	assert_all_refused(_metadata, im);
}

TEST_F_TIMEOUT(zombie_image, zombie_creds, 120)
{
	struct image *im = &self->im;
	unsigned char ins[4096];
	struct ckpt_rec_zombie *zr;
	char reason[128];
	size_t len, size;

	/* A sibling's credentials, defined before Z's part. */
	zr = zombie_copy(im, self->iz);
	zr->cred_ref = self->y_cred;
	snprintf(reason, sizeof(reason),
		 "zombie %d: its cred (objref %u) is neither its own nor its parent's",
		 self->z, self->y_cred);
	try_zombie(_metadata, self, im->size, "Z names Y's cred, objref",
		   self->y_cred, reason);
	/* Its parent's, when it opened credentials of its own. */
	zr = zombie_copy(im, self->iy);
	zr->cred_ref = self->init_cred;
	snprintf(reason, sizeof(reason),
		 "zombie %d: its cred (objref %u) is neither its own nor its parent's",
		 self->y, self->init_cred);
	try_zombie(_metadata, self, im->size, "Y names its parent's cred, objref",
		   self->init_cred, reason);
	/* An object of another kind. */
	zr = zombie_copy(im, self->iz);
	zr->cred_ref = self->init_mm;
	snprintf(reason, sizeof(reason), "objref %u is a mm, used as a cred", self->init_mm);
	try_zombie(_metadata, self, im->size, "Z names the init's mm, objref",
		   self->init_mm, reason);
	/* Objrefs not defined yet: A's mm (later in the image), unused, zero. */
	zr = zombie_copy(im, self->iz);
	zr->cred_ref = self->a_mm;
	snprintf(reason, sizeof(reason), "objref %u is used before it is defined", self->a_mm);
	try_zombie(_metadata, self, im->size, "Z names A's mm, objref", self->a_mm, reason);
	zr = zombie_copy(im, self->iz);
	zr->cred_ref = self->next_ref;
	snprintf(reason, sizeof(reason), "objref %u is used before it is defined",
		 self->next_ref);
	try_zombie(_metadata, self, im->size, "Z names an unknown objref",
		   self->next_ref, reason);
	zr = zombie_copy(im, self->iz);
	zr->cred_ref = 0;
	try_zombie(_metadata, self, im->size, "Z names objref", 0,
		   "objref 0 is used before it is defined");

	/* Another kind of object in a zombie's part. */
	len = copy_object(im, self->fs_obj, self->fs_obj + 2, self->next_ref, ins);
	size = splice_records(im, self->iz, 0, ins, len, 2);
	snprintf(reason, sizeof(reason), "objref %u: a fs cannot open in zombie %d",
		 self->next_ref, self->z);
	try_zombie(_metadata, self, size, "an fs in Z's part, objref", self->next_ref,
		   reason);
	/* A second cred in Y's part. */
	len = copy_object(im, self->iy - 2, self->iy, self->next_ref, ins);
	size = splice_records(im, self->iy, 0, ins, len, 2);
	snprintf(reason, sizeof(reason),
		 "objref %u: a second cred cannot open in zombie %d", self->next_ref,
		 self->y);
	try_zombie(_metadata, self, size, "a second cred in Y's part, objref",
		   self->next_ref, reason);
	assert_all_refused(_metadata, im);
}

/* The whole of a small file, NUL-terminated; nonzero if it cannot be read. */
static int read_file_str(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY);
	ssize_t n;

	buf[0] = '\0';
	if (fd < 0)
		return -1;
	n = read(fd, buf, len - 1);
	close(fd);
	buf[n > 0 ? n : 0] = '\0';
	return n < 0;
}

/*
 * A restored zombie's ids, as /proc shows them through the init's
 * children (outer pids); -1 if it is not there.
 */
static int zombie_uid_now(pid_t init, pid_t inner)
{
	char path[64], buf[4096], *p, *save;
	int uid = -1;

	snprintf(path, sizeof(path), "/proc/%d/task/%d/children", init, init);
	if (read_file_str(path, buf, sizeof(buf)))
		return -1;
	for (p = strtok_r(buf, "\n ", &save); p; p = strtok_r(NULL, "\n ", &save)) {
		char st[4096], *l;
		int ns_pid = -1, u = -1;

		snprintf(path, sizeof(path), "/proc/%s/status", p);
		if (read_file_str(path, st, sizeof(st)))
			continue;
		l = strstr(st, "\nNSpid:");
		if (l) {
			l = strchr(l + 1, '\n');
			while (l && l[-1] != '\t' && l[-1] != ' ')
				l--;
			ns_pid = l ? atoi(l) : -1;
		}
		l = strstr(st, "\nUid:");
		if (l)
			u = atoi(l + 5);
		if (ns_pid == inner && strstr(st, "State:\tZ"))
			uid = u;
	}
	return uid;
}

/* The same, given a second to be seen: /proc is read, not waited on. */
static int zombie_uid(pid_t init, pid_t inner)
{
	int i, uid = -1;

	for (i = 0; i < 100 && uid < 0; i++) {
		uid = zombie_uid_now(init, inner);
		if (uid < 0)
			usleep(10000);
	}
	return uid;
}

/*
 * What restart accepts, rightly: a zombie whose own cred object holds
 * its parent's ids, or a sibling's; and one whose own cred object is
 * gone and whose record names its parent's.  Each is what a valid image
 * of a zombie with those ids holds, and each comes back with them.
 */
TEST_F_TIMEOUT(zombie_image, zombie_creds_accepted, 120)
{
	struct image *im = &self->im;
	const struct rec_pos *ry = &im->recs[self->iy];
	struct ckpt_rec_zombie *zr;
	unsigned char ins[4096];
	const struct {
		const char *what;
		int obj;	/* the cred object Z opens a copy of */
		int uid;	/* Z's uid then */
	} own[] = {
		{ "Z opens its parent's ids", self->init_cred_obj, 0 },
		{ "Z opens Y's ids", self->iy - 2, 1000 },
	};
	size_t len, size;
	unsigned int k;
	long pid;

	/* The valid image: what zombie_uid() reads must be there. */
	ASSERT_EQ(0, ftruncate(im->fd, 0));
	ASSERT_EQ((ssize_t)im->size, pwrite(im->fd, im->img, im->size, 0));
	ASSERT_EQ(0, lseek(im->fd, 0, SEEK_SET));
	pid = rstrt(im->fd, -1, 0);
	ASSERT_GT(pid, 0);
	EXPECT_EQ(1000, zombie_uid(pid, self->y));
	EXPECT_EQ(0, zombie_uid(pid, self->z));
	kill(pid, SIGKILL);
	EXPECT_EQ(pid, waitpid(pid, NULL, __WALL));

	for (k = 0; k < ARRAY_SIZE(own); k++) {
		len = copy_object(im, own[k].obj, own[k].obj + 2, self->next_ref, ins);
		zr = (struct ckpt_rec_zombie *)(ins + len);
		memcpy(zr, im->img + im->recs[self->iz].off, sizeof(*zr));
		zr->cred_ref = self->next_ref;
		size = splice_records(im, self->iz, 1, ins, len + sizeof(*zr), 3);
		fix_trailer(im->buf, size);
		ASSERT_EQ(0, ftruncate(im->fd, 0));
		ASSERT_EQ((ssize_t)size, pwrite(im->fd, im->buf, size, 0));
		ASSERT_EQ(0, lseek(im->fd, 0, SEEK_SET));
		pid = rstrt(im->fd, -1, 0);
		ASSERT_GT(pid, 0) TH_LOG("%s: refused: %m", own[k].what);
		EXPECT_EQ(own[k].uid, zombie_uid(pid, self->z)) TH_LOG("%s", own[k].what);
		kill(pid, SIGKILL);
		EXPECT_EQ(pid, waitpid(pid, NULL, __WALL));
	}

	/* Y's cred object dropped, its record naming its parent's. */
	memcpy(ins, im->img + ry->off, sizeof(*zr));
	((struct ckpt_rec_zombie *)ins)->cred_ref = self->init_cred;
	size = splice_records(im, self->iy - 2, 3, ins, sizeof(*zr), 1);
	fix_trailer(im->buf, size);
	ASSERT_EQ(0, ftruncate(im->fd, 0));
	ASSERT_EQ((ssize_t)size, pwrite(im->fd, im->buf, size, 0));
	ASSERT_EQ(0, lseek(im->fd, 0, SEEK_SET));
	pid = rstrt(im->fd, -1, 0);
	ASSERT_GT(pid, 0) TH_LOG("Y with its parent's ids: refused: %m");
	EXPECT_EQ(0, zombie_uid(pid, self->y));
	kill(pid, SIGKILL);
	EXPECT_EQ(pid, waitpid(pid, NULL, __WALL));
	EXPECT_EQ(-1, waitpid(-1, NULL, WNOHANG | __WALL));
}

CKPT_HARNESS_MAIN
