// SPDX-License-Identifier: GPL-2.0
/*
 * The summary of a streamed image: cr checkpoint -o - counts the records
 * as they pass through its pipe, in pieces cut wherever read(2) cut
 * them.  Whatever the cuts, the totals and the task list must be those
 * cr_summarize() finds in the same image written to a file.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "../cr.h"
#include "../image.h"
#include "synth.h"

/* The image in a file, summed up as cr does after a checkpoint to one. */
static void summarize_file(struct __test_metadata *_metadata,
			   const struct synth *s, struct cr_summary *sum,
			   char **tasks)
{
	char path[] = "/tmp/cr-summary-test-XXXXXX";
	size_t len;
	FILE *f;
	int fd;

	fd = mkstemp(path);
	ASSERT_LE(0, fd);
	ASSERT_EQ((ssize_t)s->len, write(fd, s->buf, s->len));
	close(fd);
	f = open_memstream(tasks, &len);
	ASSERT_NE(NULL, f);
	ASSERT_EQ(0, cr_summarize(path, sum, f));
	fclose(f);
	unlink(path);
}

/* The next piece: @step bytes, or random ones when @step is 0. */
static size_t next_cut(size_t step, unsigned int *seed)
{
	if (step)
		return step;
	*seed = *seed * 1103515245 + 12345;
	/* Mostly short pieces, some longer than most records. */
	return *seed >> 16 & 1 ? (*seed >> 17) % 13 + 1 : (*seed >> 17) % 6000 + 1;
}

static void feed_in_pieces(struct __test_metadata *_metadata,
			   const struct synth *s, size_t step,
			   struct cr_summary *sum, char **tasks)
{
	unsigned int seed = 42 + step;
	struct cr_tally *t = malloc(sizeof(*t));
	size_t off, n, len;
	FILE *f;

	ASSERT_NE(NULL, t);
	f = open_memstream(tasks, &len);
	ASSERT_NE(NULL, f);
	cr_tally_init(t, f);
	for (off = 0; off < s->len; off += n) {
		n = next_cut(step, &seed);
		if (n > s->len - off)
			n = s->len - off;
		ASSERT_EQ(0, cr_tally_feed(t, s->buf + off, n)) {
			TH_LOG("piece of %zu bytes at offset %zu", n, off);
		}
		/* Whole only once the last byte is in. */
		if (off + n < s->len)
			ASSERT_EQ(-1, cr_tally_end(t));
	}
	ASSERT_EQ(0, cr_tally_end(t));
	fclose(f);
	*sum = t->sum;
	free(t);
}

TEST(stream_and_file_totals_agree)
{
	static const size_t steps[] = { 1, 7, 0, 4096, 1 << 20 };
	const struct synth_image *im;
	unsigned int i;

	for (im = synth_images; im->name; im++) {
		struct cr_summary want, got;
		char *want_tasks, *got_tasks;
		struct synth s;

		if (!strcmp(im->name, "damaged"))
			continue;
		synth_init(&s);
		im->build(&s);
		summarize_file(_metadata, &s, &want, &want_tasks);
		ASSERT_LT(0U, want.tasks);
		ASSERT_NE(0U, strlen(want_tasks));
		for (i = 0; i < ARRAY_SIZE(steps); i++) {
			feed_in_pieces(_metadata, &s, steps[i], &got, &got_tasks);
			ASSERT_TRUE(want.tasks == got.tasks &&
				    want.memory == got.memory &&
				    want.files == got.files &&
				    want.bytes == got.bytes &&
				    got.bytes == s.len &&
				    !strcmp(want_tasks, got_tasks)) {
				TH_LOG("%s in pieces of %zu (0: random): %s",
				       im->name, steps[i],
				       "tasks, memory, files, bytes, list:");
				TH_LOG("%u/%u %llu/%llu %u/%u %llu/%llu\n%s--\n%s",
				       want.tasks, got.tasks,
				       (unsigned long long)want.memory,
				       (unsigned long long)got.memory,
				       want.files, got.files,
				       (unsigned long long)want.bytes,
				       (unsigned long long)got.bytes,
				       want_tasks, got_tasks);
			}
			free(got_tasks);
		}
		free(want_tasks);
		synth_free(&s);
	}
}

/* The figures themselves, for the images whose contents are known. */
TEST(stream_totals_are_right)
{
	struct cr_tally t;
	struct synth s;

	synth_init(&s);
	synth_pipe_tree(&s);
	cr_tally_init(&t, NULL);
	ASSERT_EQ(0, cr_tally_feed(&t, s.buf, s.len));
	ASSERT_EQ(0, cr_tally_end(&t));
	ASSERT_EQ(2U, t.sum.tasks);
	ASSERT_EQ(6U, t.sum.memory);		/* "hello\n" in the pipe */
	ASSERT_EQ(2U, t.sum.files);
	synth_free(&s);

	synth_init(&s);
	synth_single(&s);
	cr_tally_init(&t, NULL);
	ASSERT_EQ(0, cr_tally_feed(&t, s.buf, s.len));
	ASSERT_EQ(0, cr_tally_end(&t));
	ASSERT_EQ(1U, t.sum.tasks);
	ASSERT_EQ(4096U, t.sum.memory);		/* one saved page */
	ASSERT_EQ(2U, t.sum.files);
	synth_free(&s);

	synth_init(&s);
	synth_threads(&s);
	cr_tally_init(&t, NULL);
	ASSERT_EQ(0, cr_tally_feed(&t, s.buf, s.len));
	ASSERT_EQ(0, cr_tally_end(&t));
	ASSERT_EQ(2U, t.sum.tasks);
	ASSERT_EQ(4096U, t.sum.memory);		/* a page of shared memory */
	ASSERT_EQ(1U, t.sum.files);
	synth_free(&s);
}

/* What a failed checkpoint leaves in the pipe: no trailer. */
TEST(a_cut_stream_is_not_whole)
{
	struct cr_tally t;
	struct synth s;
	int trailer;

	synth_init(&s);
	synth_single(&s);
	trailer = synth_find(&s, CKPT_REC_TRAILER, 0);
	cr_tally_init(&t, NULL);
	ASSERT_EQ(0, cr_tally_feed(&t, s.buf, s.off[trailer]));
	ASSERT_EQ(-1, cr_tally_end(&t));
	ASSERT_EQ((uint64_t)s.off[trailer], t.sum.bytes);

	cr_tally_init(&t, NULL);
	ASSERT_EQ(0, cr_tally_feed(&t, s.buf, s.len - 1));
	ASSERT_EQ(-1, cr_tally_end(&t));

	cr_tally_init(&t, NULL);
	ASSERT_EQ(-1, cr_tally_end(&t));
	synth_free(&s);
}

TEST(a_stream_that_is_not_an_image)
{
	unsigned char junk[3000];
	struct ckpt_rec_trailer *tr;
	struct ckpt_rec *r;
	struct cr_tally t;
	struct synth s;
	unsigned int i;
	int trailer;

	for (i = 0; i < sizeof(junk); i++)
		junk[i] = i * 7 + 3;
	cr_tally_init(&t, NULL);
	ASSERT_EQ(-1, cr_tally_feed(&t, junk, sizeof(junk)));
	ASSERT_EQ(-1, cr_tally_feed(&t, junk, 10));
	ASSERT_EQ(-1, cr_tally_end(&t));
	ASSERT_EQ(sizeof(junk) + 10, t.sum.bytes);

	synth_init(&s);
	synth_single(&s);
	/* Anything after the trailer. */
	cr_tally_init(&t, NULL);
	ASSERT_EQ(0, cr_tally_feed(&t, s.buf, s.len));
	ASSERT_EQ(-1, cr_tally_feed(&t, junk, 1));
	ASSERT_EQ(-1, cr_tally_end(&t));

	/* A record too short for what the tally reads of it. */
	i = synth_find(&s, CKPT_REC_TASK, 0);
	r = synth_at(&s, i);
	r->len = sizeof(*r);
	cr_tally_init(&t, NULL);
	ASSERT_EQ(-1, cr_tally_feed(&t, s.buf, s.len));
	r->len = sizeof(struct ckpt_rec_task);

	/* A trailer that counts differently. */
	trailer = synth_find(&s, CKPT_REC_TRAILER, 0);
	tr = synth_at(&s, trailer);
	tr->nr_records++;
	cr_tally_init(&t, NULL);
	ASSERT_EQ(-1, cr_tally_feed(&t, s.buf, s.len));
	tr->nr_records--;

	/* Not starting with a header. */
	cr_tally_init(&t, NULL);
	ASSERT_EQ(-1, cr_tally_feed(&t, s.buf + s.off[1], s.len - s.off[1]));
	synth_free(&s);
}

/* The tally holds each record's fixed part whole. */
TEST(every_fixed_part_fits)
{
	uint32_t type;

	for (type = 1; type < CKPT_REC_MAX; type++) {
		ASSERT_LE(sizeof(struct ckpt_rec), cr_rec_fixed_size(type));
		ASSERT_GE((uint32_t)CR_TALLY_HEAD, cr_rec_fixed_size(type));
	}
	ASSERT_EQ(0U, cr_rec_fixed_size(0));
	ASSERT_EQ(0U, cr_rec_fixed_size(CKPT_REC_MAX));
}

TEST_HARNESS_MAIN
