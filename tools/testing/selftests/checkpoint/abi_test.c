// SPDX-License-Identifier: GPL-2.0
/*
 * The image format can grow ("How the format grows" in
 * include/uapi/linux/checkpoint.h).  From a real image of counter_prog,
 * rewritten as a newer writer would write it:
 *
 *  - header, task, mm, vma and CPU records whose fixed parts end in 8
 *    bytes this kernel does not know, all zero (their variable parts and
 *    every later record moved): restart takes it, and the restored
 *    program finds everything it set up as it was;
 *  - one of those bytes non-zero, in a task, an mm or a vma record:
 *    refused, the log naming the record and where it is;
 *  - a feature bit this kernel lacks: refused, the log naming the bit;
 *  - a fixed part shorter than its type's first size, or not a multiple
 *    of CKPT_ALIGN (a files or a task record): refused, naming it;
 *  - a header of format 6 (a u32 type, no hdr_len): refused as of
 *    version 6, not for its framing;
 *  - the header in the other byte order: refused as big-endian.
 *
 * Every rewritten image has a trailer that agrees with it, so that only
 * the kernel's reading of the framing stands between it and a restart.
 */
#define _GNU_SOURCE
#include <byteswap.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <zlib.h>

#include "checkpoint_util.h"
#include "counter_prog.h"
#include "../kselftest_harness.h"

static char shared_path[64];

static int exec_counter(void *arg)
{
	return exec_sibling("counter_prog", shared_path, "full");
}

/* A record and its padding. */
static size_t rec_span(uint32_t len)
{
	return ((size_t)len + CKPT_ALIGN - 1) & ~(size_t)(CKPT_ALIGN - 1);
}

FIXTURE(grown) {
	struct shared_page *sp;
	pid_t init;
	unsigned char *img;	/* the image as this kernel wrote it */
	size_t size;
	unsigned char *buf;	/* a rewritten one */
	size_t len;
	int fd;			/* memfd restart(2) reads it from */
	int log;
};

/*
 * Start counter_prog with a delivered signal (SIGUSR1) and a blocked,
 * pending one (SIGUSR2), which it checks when told to finish, then
 * checkpoint it, killing it: the image is all that is left of it.
 */
FIXTURE_SETUP(grown)
{
	struct stat sb;
	uint64_t c;
	int img, status;

	snprintf(shared_path, sizeof(shared_path), "/tmp/abi-%d", getpid());
	self->sp = shared_page_create(shared_path);
	ASSERT_NE(MAP_FAILED, self->sp);
	self->init = container_start(exec_counter, NULL);
	ASSERT_GT(self->init, 0);
	c = wait_counter(self->sp, 10);
	ASSERT_GE(c, 10ULL) TH_LOG("counter_prog did not start (verdict %lu)",
				   (unsigned long)SHARED_GET(self->sp->verdict));
	ASSERT_EQ(0, kill(self->init, SIGUSR1));
	ASSERT_EQ(0, kill(self->init, SIGUSR2));
	wait_counter(self->sp, c + 70);

	img = scratch_file(O_RDWR);
	self->log = scratch_file(O_RDWR);
	ASSERT_GE(img, 0);
	ASSERT_GE(self->log, 0);
	ASSERT_EQ(0, ckpt(self->init, img, self->log, CHECKPOINT_KILL))
		TH_LOG("checkpoint failed: %m");
	ASSERT_EQ(self->init, waitpid(self->init, &status, 0));
	self->init = 0;
	ASSERT_EQ(0ULL, SHARED_GET(self->sp->verdict));

	ASSERT_EQ(0, fstat(img, &sb));
	self->size = sb.st_size;
	self->img = malloc(self->size);
	self->buf = malloc(self->size + 65536);
	ASSERT_NE(NULL, self->img);
	ASSERT_NE(NULL, self->buf);
	ASSERT_EQ((ssize_t)self->size, pread(img, self->img, self->size, 0));
	close(img);
	self->fd = memfd_create("abi-image", 0);
	ASSERT_GE(self->fd, 0);
}

FIXTURE_TEARDOWN(grown)
{
	if (self->init > 0)
		container_stop(self->init);
	unlink(shared_path);
	free(self->img);
	free(self->buf);
}

/* Make the trailer agree with the rewritten image. */
static void fix_trailer(unsigned char *buf, size_t len)
{
	struct ckpt_rec_trailer *t = (void *)(buf + len - sizeof(*t));

	t->crc = crc32(0, buf, len - sizeof(*t));
}

/*
 * Copy the image into self->buf, the fixed part of the records whose
 * type bit is in @types grown by 8 bytes: zero, but for the last of
 * them, @last, in the @nth such record only (-1: none).  Sets self->len
 * and returns the offset of the @nth grown record.
 */
static size_t grow(FIXTURE_DATA(grown) *self, uint32_t types, int nth,
		   unsigned char last)
{
	size_t off = 0, out = 0, at = 0;
	int n = 0;

	while (off < self->size) {
		const struct ckpt_rec *r = (const void *)(self->img + off);
		struct ckpt_rec *w = (void *)(self->buf + out);
		size_t span = rec_span(r->len);

		if (r->len < sizeof(*r) || r->hdr_len > r->len ||
		    off + span > self->size)
			abort();
		if (!(types & (1U << r->type))) {
			memcpy(w, r, span);
			off += span;
			out += span;
			continue;
		}
		memcpy(w, r, r->hdr_len);
		memset((unsigned char *)w + r->hdr_len, 0, 8);
		if (n == nth) {
			((unsigned char *)w)[r->hdr_len + 7] = last;
			at = out;
		}
		n++;
		memcpy((unsigned char *)w + r->hdr_len + 8,
		       (const unsigned char *)r + r->hdr_len, span - r->hdr_len);
		w->hdr_len += 8;
		w->len += 8;
		off += span;
		out += span + 8;
	}
	self->len = out;
	fix_trailer(self->buf, self->len);
	return at;
}

/* restart(2) of self->buf; the log in @log. */
static long restart_buf(FIXTURE_DATA(grown) *self, char *log, size_t len)
{
	long ret;

	if (ftruncate(self->fd, 0) ||
	    pwrite(self->fd, self->buf, self->len, 0) != (ssize_t)self->len ||
	    lseek(self->fd, 0, SEEK_SET) ||
	    ftruncate(self->log, 0) || lseek(self->log, 0, SEEK_SET))
		return -2;
	ret = rstrt(self->fd, self->log, 0);
	read_log(self->log, log, len);
	return ret;
}

/* Refused with EINVAL, for @reason, and nothing of it left running. */
static void expect_refused(struct __test_metadata *_metadata,
			   FIXTURE_DATA(grown) *self, const char *what,
			   const char *reason)
{
	char log[4096];
	int status;
	long ret;

	ret = restart_buf(self, log, sizeof(log));
	EXPECT_EQ(-1, ret) {
		TH_LOG("%s: accepted (pid %ld)", what, ret);
		if (ret > 0) {
			kill(ret, SIGKILL);
			waitpid(ret, NULL, __WALL);
		}
	}
	EXPECT_EQ(EINVAL, errno) TH_LOG("%s: errno %d", what, errno);
	EXPECT_NE(NULL, strstr(log, reason))
		TH_LOG("%s: refused, but not for \"%s\"; log: %s", what, reason, log);
	ret = waitpid(-1, &status, WNOHANG | __WALL);
	EXPECT_TRUE(ret == 0 || (ret == -1 && errno == ECHILD))
		TH_LOG("%s: a child was left behind", what);
}

#define BIT(t)	(1U << CKPT_REC_##t)

TEST_F_TIMEOUT(grown, zero_tail_restores, 120)
{
	uint64_t at_checkpoint = SHARED_GET(self->sp->counter), later;
	char log[4096];
	int status;
	long pid;

	grow(self, BIT(HEADER) | BIT(TASK) | BIT(MM) | BIT(VMA) | BIT(CPU),
	     -1, 0);
	ASSERT_GT(self->len, self->size);
	pid = restart_buf(self, log, sizeof(log));
	ASSERT_GT(pid, 0) TH_LOG("the grown image was refused: %m; log: %s", log);
	self->init = pid;

	later = wait_counter(self->sp, at_checkpoint + 100);
	ASSERT_GE(later, at_checkpoint + 100)
		TH_LOG("restored program stuck at %lu (checkpoint at %lu), verdict %lu",
		       (unsigned long)later, (unsigned long)at_checkpoint,
		       (unsigned long)SHARED_GET(self->sp->verdict));

	/* It checks everything it set up, and exits 0 if all was as it was. */
	SHARED_SET(self->sp->cmd, 1);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	self->init = 0;
	ASSERT_TRUE(WIFEXITED(status)) TH_LOG("status %#x", status);
	ASSERT_EQ(0, WEXITSTATUS(status))
		TH_LOG("exit %d, failed mask %#llx (%s)", WEXITSTATUS(status),
		       (unsigned long long)SHARED_GET(self->sp->failed),
		       COUNTER_CHECKS);
}

TEST_F_TIMEOUT(grown, nonzero_tail_refused, 120)
{
	static const struct {
		uint32_t type;
		const char *name;
		size_t size;
	} recs[] = {
		{ CKPT_REC_TASK, "task", sizeof(struct ckpt_rec_task) },
		{ CKPT_REC_MM, "mm", sizeof(struct ckpt_rec_mm) },
		{ CKPT_REC_VMA, "vma", sizeof(struct ckpt_rec_vma) },
		{ CKPT_REC_HEADER, "header", sizeof(struct ckpt_rec_header) },
	};
	char reason[200];
	unsigned int i;
	size_t at;

	for (i = 0; i < ARRAY_SIZE(recs); i++) {
		/* The first such record, and (vma) one further in. */
		at = grow(self, 1U << recs[i].type, 0, 0x01);
		snprintf(reason, sizeof(reason),
			 "record %s at offset %zu has unknown non-zero fields (bytes %zu-%zu of its fixed part, this kernel knows %zu)",
			 recs[i].name, at, recs[i].size, recs[i].size + 7,
			 recs[i].size);
		expect_refused(_metadata, self, recs[i].name, reason);
		if (recs[i].type != CKPT_REC_VMA)
			continue;
		at = grow(self, 1U << recs[i].type, 3, 0x80);
		snprintf(reason, sizeof(reason),
			 "record vma at offset %zu has unknown non-zero fields",
			 at);
		expect_refused(_metadata, self, "fourth vma", reason);
	}
}

static void *first_rec(FIXTURE_DATA(grown) *self, uint32_t type)
{
	size_t off = 0;

	while (off < self->len) {
		struct ckpt_rec *r = (void *)(self->buf + off);

		if (r->type == type)
			return r;
		off += rec_span(r->len);
	}
	return NULL;
}

TEST_F_TIMEOUT(grown, unknown_feature_refused, 120)
{
	struct ckpt_rec_header *h = (void *)self->buf;

	memcpy(self->buf, self->img, self->size);
	self->len = self->size;
	h->features = 1ULL << 5;
	fix_trailer(self->buf, self->len);
	expect_refused(_metadata, self, "feature bit 5",
		"image uses feature bit 5, which this kernel lacks (unknown bits 0x20)");
	h->features = 1ULL << 63;
	fix_trailer(self->buf, self->len);
	expect_refused(_metadata, self, "feature bit 63",
		"image uses feature bit 63, which this kernel lacks");
}

TEST_F_TIMEOUT(grown, short_fixed_part_refused, 120)
{
	struct ckpt_rec *r;
	char reason[200];

	memcpy(self->buf, self->img, self->size);
	self->len = self->size;
	r = first_rec(self, CKPT_REC_MM);
	ASSERT_NE(NULL, r);
	/* Its last 8 bytes read as payload: the exe path's length grows. */
	r->hdr_len -= 8;
	fix_trailer(self->buf, self->len);
	snprintf(reason, sizeof(reason),
		 "record mm at offset %zu has a fixed part of %d bytes, shorter than the %d of its type",
		 (size_t)((unsigned char *)r - self->buf),
		 CKPT_REC_MM_SIZE_VER0 - 8, CKPT_REC_MM_SIZE_VER0);
	expect_refused(_metadata, self, "short mm", reason);

	r->hdr_len = 0;
	fix_trailer(self->buf, self->len);
	snprintf(reason, sizeof(reason),
		 "record mm at offset %zu has a fixed part of 0 bytes",
		 (size_t)((unsigned char *)r - self->buf));
	expect_refused(_metadata, self, "mm of no fixed part", reason);

	/* Longer than the record itself (and aligned, or that is refused). */
	r->hdr_len = rec_span(r->len) + 8;
	fix_trailer(self->buf, self->len);
	expect_refused(_metadata, self, "mm fixed part past its end", "has bad length");
}

/*
 * A fixed part whose length is not a multiple of CKPT_ALIGN leaves the
 * variable part after it misaligned for every reader that takes it in
 * place: refused, naming the record, before anything of it is used.
 */
TEST_F_TIMEOUT(grown, misaligned_fixed_part_refused, 120)
{
	struct ckpt_rec *r;
	char reason[200];
	size_t at;

	/* An fd table of 17 bytes: its first fd entry starts at byte 17. */
	memcpy(self->buf, self->img, self->size);
	self->len = self->size;
	r = first_rec(self, CKPT_REC_FILES);
	ASSERT_NE(NULL, r);
	ASSERT_GT(r->len, r->hdr_len) TH_LOG("counter_prog has no fds?");
	r->hdr_len = 17;
	fix_trailer(self->buf, self->len);
	snprintf(reason, sizeof(reason),
		 "record files at offset %zu has a fixed part of 17 bytes, not a multiple of %d",
		 (size_t)((unsigned char *)r - self->buf), CKPT_ALIGN);
	expect_refused(_metadata, self, "files of 17", reason);

	/* A task's grown by 8 zero bytes, of which it claims 4. */
	at = grow(self, BIT(TASK), 0, 0);
	r = (struct ckpt_rec *)(self->buf + at);
	ASSERT_EQ(CKPT_REC_TASK, r->type);
	r->hdr_len -= 4;
	fix_trailer(self->buf, self->len);
	snprintf(reason, sizeof(reason),
		 "record task at offset %zu has a fixed part of %zu bytes, not a multiple of %d",
		 at, sizeof(struct ckpt_rec_task) + 4, CKPT_ALIGN);
	expect_refused(_metadata, self, "task of +4", reason);
}

/*
 * An image of format 6: its records start with a u32 type and no
 * hdr_len, which this format reads as a header with a fixed part of
 * 0 bytes.  The magic and version come first, where every format had
 * them, so it is refused as what it is.
 */
TEST_F_TIMEOUT(grown, format_6_refused, 120)
{
	struct ckpt_rec_header *h = (void *)self->buf;
	const uint32_t frame[2] = { CKPT_REC_HEADER, 120 };

	memcpy(self->buf, self->img, self->size);
	self->len = self->size;
	memcpy(self->buf, frame, sizeof(frame));
	h->version = 6;
	fix_trailer(self->buf, self->len);
	expect_refused(_metadata, self, "format 6",
		       "image format version 6, this kernel reads version 7");
}

TEST_F_TIMEOUT(grown, big_endian_refused, 120)
{
	struct ckpt_rec_header *h = (void *)self->buf;

	memcpy(self->buf, self->img, self->size);
	self->len = self->size;
	h->magic = bswap_64(h->magic);
	fix_trailer(self->buf, self->len);
	expect_refused(_metadata, self, "swapped magic", "image is big-endian");
	h->rec.type = bswap_16(h->rec.type);
	h->rec.hdr_len = bswap_16(h->rec.hdr_len);
	h->rec.len = bswap_32(h->rec.len);
	expect_refused(_metadata, self, "swapped header", "image is big-endian");
}

CKPT_HARNESS_MAIN
