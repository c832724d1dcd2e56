/* SPDX-License-Identifier: GPL-2.0 */
/* What cr's parts share. */
#ifndef CR_H
#define CR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

/* Exit status, as cr(8) documents it. */
#define CR_EXIT_OK	0
#define CR_EXIT_FAIL	1
#define CR_EXIT_USAGE	2

enum cr_cmd {
	CR_CMD_HELP = 1,
	CR_CMD_RUN,
	CR_CMD_CHECKPOINT,
	CR_CMD_RESTART,
	CR_CMD_INSPECT,
	CR_CMD_CHECK,
	CR_CMD_FORMATS,
};

/**
 * struct cr_args - a command line, parsed
 * @cmd:	the subcommand.
 * @hostname:	run: --hostname, or NULL.
 * @command:	run: the container's command and arguments, NULL-terminated.
 * @pid:	checkpoint: the container's init.
 * @file:	checkpoint: -o; restart: the image ("-" by default);
 *		inspect: the image.
 * @flags:	checkpoint: CHECKPOINT_*; restart: RESTART_*.
 * @wait:	restart: --wait.
 * @json:	inspect: --json.
 * @verbose:	checkpoint, restart: -v.
 * @error:	why the command line is wrong, when parsing fails.
 */
struct cr_args {
	enum cr_cmd cmd;
	const char *hostname;
	char **command;
	pid_t pid;
	const char *file;
	uint64_t flags;
	bool wait;
	bool json;
	bool verbose;
	char error[160];
};

/**
 * struct cr_summary - what an image holds
 * @tasks:	tasks and threads.
 * @memory:	bytes of saved pages and of data buffered in pipes.
 * @files:	open file descriptions.
 * @bytes:	size of the image.
 */
struct cr_summary {
	unsigned int tasks;
	uint64_t memory;
	unsigned int files;
	uint64_t bytes;
};

/* The largest fixed part of a record that a tally can hold. */
#define CR_TALLY_HEAD	4096

/**
 * struct cr_tally - an image's records counted as they go by
 * @sum:	the totals so far; @sum.bytes counts every byte fed.
 * @verbose:	where each task is listed as it is counted, or NULL.
 *
 * The rest is the tally's own state: what the current task has used so
 * far, and for cr_tally_feed() the record being put together from the
 * pieces it was given.
 */
struct cr_tally {
	struct cr_summary sum;
	FILE *verbose;
	uint32_t page_size;
	unsigned int vmas, fds;
	uint64_t pages;
	unsigned int nr_records;
	size_t have, want, skip;
	bool done, bad;
	union {
		uint64_t align;
		unsigned char bytes[CR_TALLY_HEAD];
	} head;
};

void cr_tally_init(struct cr_tally *t, FILE *verbose);
int cr_tally_feed(struct cr_tally *t, const void *buf, size_t len);
int cr_tally_end(const struct cr_tally *t);
int cr_summarize_image(const void *data, size_t size, struct cr_summary *sum,
		       FILE *verbose);
int cr_summarize(const char *path, struct cr_summary *sum, FILE *verbose);

struct json_object;

extern const char *cr_prog;
void cr_print_usage(FILE *f);
int cr_bad_usage(const char *why);
int cr_parse_args(struct cr_args *a, int argc, char **argv);
struct json_object *cr_inspect_image(const char *name, const void *data,
				     size_t size);
void cr_inspect_print(FILE *f, struct json_object *top);
int cmd_inspect(const char *path, bool json);

#endif /* CR_H */
