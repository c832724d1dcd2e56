// SPDX-License-Identifier: GPL-2.0
/*
 * What an image holds, in a line: tasks, memory, files.  cr checkpoint
 * ends with it and, with -v, lists the tasks one per line.  An image in a
 * file is walked once it is written; a stream cannot be read back, so it
 * is counted as it passes, in whatever pieces it comes, by the same
 * count of each record.
 */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cr.h"
#include "image.h"
#include "records.h"

/*
 * Only the record's fixed part may be read: that is all a stream's tally
 * holds of it.  What each record type adds is records.c's.
 */
static void tally_record(struct cr_tally *t, const struct ckpt_rec *r)
{
	const struct cr_rec_def *d = cr_rec_def(r->type);

	if (d && d->tally)
		d->tally(t, r);
}

static int walk_record(struct cr_image *img, unsigned int index, size_t off,
		       const struct ckpt_rec *r, void *arg)
{
	tally_record(arg, r);
	return 0;
}

/**
 * cr_tally_init - start counting an image
 * @t:		the tally.
 * @verbose:	where to list the tasks, or NULL.
 */
void cr_tally_init(struct cr_tally *t, FILE *verbose)
{
	memset(t, 0, sizeof(*t));
	t->verbose = verbose;
	t->want = sizeof(struct ckpt_rec);
}

/*
 * The head of a record is in: its frame, then its fixed part.  A stream
 * comes from a checkpoint(2) that is writing it, so this checks only
 * what reading the fixed parts safely and knowing the image is whole
 * take; objrefs and the checksum are for cr inspect to check.
 */
static int take_head(struct cr_tally *t)
{
	const struct ckpt_rec *r = (const void *)t->head.bytes;
	const struct ckpt_rec_header *h = (const void *)r;
	const struct ckpt_rec_trailer *tr = (const void *)r;
	bool first = !t->nr_records, header = r->type == CKPT_REC_HEADER;
	uint32_t fixed;

	if (t->want == sizeof(*r)) {
		fixed = cr_rec_fixed_size(r->type);
		/*
		 * Its fixed part may be longer, never shorter, and keeps
		 * what follows aligned: see cr_rec_fits().
		 */
		if (fixed < sizeof(*r) || fixed > sizeof(t->head) ||
		    r->hdr_len < fixed || r->hdr_len % CKPT_ALIGN ||
		    r->len < r->hdr_len ||
		    r->len > CKPT_REC_MAX_LEN || first != header)
			return -1;
		t->want = fixed;
		if (t->have < t->want)
			return 0;
	}
	if (r->type == CKPT_REC_HEADER &&
	    (h->magic != CKPT_IMAGE_MAGIC || h->version != CKPT_IMAGE_VERSION))
		return -1;
	if (r->type == CKPT_REC_TRAILER) {
		if (tr->magic != CKPT_IMAGE_MAGIC ||
		    tr->nr_records != t->nr_records)
			return -1;
		t->done = true;
	}
	tally_record(t, r);
	t->nr_records++;
	t->skip = ((r->len + CKPT_ALIGN - 1) & ~(CKPT_ALIGN - 1)) - t->have;
	t->have = 0;
	t->want = sizeof(*r);
	return 0;
}

/**
 * cr_tally_feed - count the next piece of a streamed image
 * @t:		from cr_tally_init().
 * @buf:	the bytes that follow those fed so far.
 * @len:	how many; records may be split anywhere between pieces.
 *
 * Once the stream has turned out not to be an image, the rest is only
 * added to @t->sum.bytes.
 *
 * Return: 0, or -1 if the bytes fed so far do not start a sound image.
 */
int cr_tally_feed(struct cr_tally *t, const void *buf, size_t len)
{
	const unsigned char *p = buf;
	size_t n;

	t->sum.bytes += len;
	while (len && !t->bad) {
		if (t->done && !t->skip) {
			t->bad = true;		/* data after the trailer */
			break;
		}
		if (t->skip) {
			n = t->skip < len ? t->skip : len;
			t->skip -= n;
		} else {
			n = t->want - t->have < len ? t->want - t->have : len;
			memcpy(t->head.bytes + t->have, p, n);
			t->have += n;
			if (t->have == t->want && take_head(t))
				t->bad = true;
		}
		p += n;
		len -= n;
	}
	return t->bad ? -1 : 0;
}

/**
 * cr_tally_end - say whether the stream fed to @t was a whole image
 * @t:		the tally.
 *
 * Return: 0 if it ended with its trailer, -1 if it was cut short or
 * was not an image.
 */
int cr_tally_end(const struct cr_tally *t)
{
	return t->done && !t->bad ? 0 : -1;
}

/**
 * cr_summarize_image - count what an image in memory holds
 * @data:	the image.
 * @size:	its size.
 * @sum:	filled in.
 * @verbose:	where to list the tasks, or NULL.
 *
 * Return: 0, or -1 if it is not a sound image.
 */
int cr_summarize_image(const void *data, size_t size, struct cr_summary *sum,
		       FILE *verbose)
{
	struct cr_image img = { .data = data, .size = size };
	struct cr_tally t;
	int ret;

	cr_tally_init(&t, verbose);
	ret = cr_image_walk(&img, walk_record, &t);
	t.sum.bytes = size;
	*sum = t.sum;
	return ret ? -1 : 0;
}

/**
 * cr_summarize - count what the image in @path holds
 * @path:	an image file.
 * @sum:	filled in.
 * @verbose:	where to list the tasks, or NULL.
 *
 * Memory counts saved pages and bytes buffered in pipes; shared objects
 * are counted with the first task that uses them.
 *
 * Return: 0, or -1 if the file cannot be read or is not a sound image.
 */
int cr_summarize(const char *path, struct cr_summary *sum, FILE *verbose)
{
	struct stat sb;
	void *data;
	int fd, ret;

	memset(sum, 0, sizeof(*sum));
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	if (fstat(fd, &sb) || !sb.st_size) {
		close(fd);
		return -1;
	}
	data = mmap(NULL, sb.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (data == MAP_FAILED)
		return -1;
	ret = cr_summarize_image(data, sb.st_size, sum, verbose);
	munmap(data, sb.st_size);
	return ret;
}
