// SPDX-License-Identifier: GPL-2.0
/*
 * What an image holds, in a line: tasks, memory, files.  cr checkpoint
 * ends with it and, with -v, lists the tasks one per line.
 */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cr.h"
#include "image.h"

struct tally {
	struct cr_summary *sum;
	FILE *verbose;
	uint32_t page_size;
	/* Since the last task record: what that task was first to use. */
	unsigned int vmas, fds;
	uint64_t pages;
};

static int count_record(struct cr_image *img, unsigned int index, size_t off,
			const struct ckpt_rec *r, void *arg)
{
	struct tally *t = arg;
	const struct ckpt_rec_task *task;

	switch (r->type) {
	case CKPT_REC_HEADER:
		t->page_size = ((const struct ckpt_rec_header *)r)->page_size;
		break;
	case CKPT_REC_CONTAINER:
		t->sum->tasks = ((const struct ckpt_rec_container *)r)->nr_tasks;
		break;
	case CKPT_REC_VMA:
		t->vmas++;
		break;
	case CKPT_REC_PAGES:
		t->pages += ((const struct ckpt_rec_pages *)r)->nr;
		break;
	case CKPT_REC_PIPE:
		t->sum->memory += ((const struct ckpt_rec_pipe *)r)->data_len;
		break;
	case CKPT_REC_FILE:
		t->sum->files++;
		break;
	case CKPT_REC_FILES:
		t->fds += ((const struct ckpt_rec_files *)r)->nr_fds;
		break;
	case CKPT_REC_TASK:
		task = (const void *)r;
		if (t->verbose)
			fprintf(t->verbose,
				"  task %d (%.*s): %u mappings, %llu KiB of pages, %u fds\n",
				task->pid, (int)sizeof(task->comm), task->comm,
				t->vmas, (unsigned long long)t->pages * t->page_size / 1024,
				t->fds);
		t->sum->memory += t->pages * t->page_size;
		t->vmas = 0;
		t->fds = 0;
		t->pages = 0;
		break;
	}
	return 0;
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
	struct tally t = { .sum = sum, .verbose = verbose };
	struct cr_image img = { };
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
	img.data = data;
	img.size = sb.st_size;
	sum->bytes = sb.st_size;
	ret = cr_image_walk(&img, count_record, &t);
	munmap(data, sb.st_size);
	return ret ? -1 : 0;
}
