/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Synthetic checkpoint images, built record by record in memory, for the
 * host tests and the fuzzer's seeds: no kernel with checkpoint(2) needed.
 */
#ifndef CR_SYNTH_H
#define CR_SYNTH_H

#include <stddef.h>
#include <stdint.h>
#include <linux/checkpoint.h>

#define SYNTH_MAX_RECS	64

/**
 * struct synth - an image being built
 * @buf:	the bytes so far.
 * @len:	bytes used.
 * @cap:	bytes allocated.
 * @nr:		records so far.
 * @next_ref:	the objref the next object gets.
 * @cred:	the last credentials written: files that come after were
 *		opened with them.
 * @off:	byte offset of each record.
 * @type:	type of each record.
 */
struct synth {
	unsigned char *buf;
	size_t len, cap;
	unsigned int nr;
	uint32_t next_ref;
	uint32_t cred;
	size_t off[SYNTH_MAX_RECS];
	uint32_t type[SYNTH_MAX_RECS];
};

/* The objects a task record names. */
struct synth_refs {
	uint32_t mm, files, fs, sighand, cred;
};

void synth_init(struct synth *s);
void synth_free(struct synth *s);
unsigned int synth_rec(struct synth *s, uint32_t type, void *rec, size_t size,
		       const void *extra, size_t extra_len);
void synth_grow(struct synth *s, unsigned int index, size_t by,
		unsigned char last);
void *synth_at(struct synth *s, unsigned int index);
int synth_find(const struct synth *s, uint32_t type, unsigned int nth);

void synth_header(struct synth *s);
void synth_container(struct synth *s, const struct ckpt_tree_entry *tasks,
		     uint32_t nr_tasks, const char *nodename);
uint32_t synth_obj(struct synth *s, uint32_t kind);
uint32_t synth_mm(struct synth *s, const char *exe, int with_page);
uint32_t synth_file(struct synth *s, uint32_t kind, uint32_t flags,
		    const char *path);
uint32_t synth_pipe_file(struct synth *s, uint32_t flags, uint32_t *pipe_ref,
			 const char *buffered);
uint32_t synth_files(struct synth *s, const struct ckpt_fd_entry *fds,
		     uint32_t nr_fds);
uint32_t synth_fs(struct synth *s, const char *root, const char *pwd);
uint32_t synth_sighand(struct synth *s);
uint32_t synth_cred(struct synth *s, uint32_t uid);
unsigned int synth_task(struct synth *s, int32_t pid, const char *comm,
			const struct synth_refs *refs);
void synth_timers(struct synth *s, uint64_t alarm_ns);
void synth_cpu(struct synth *s, int32_t pid);
unsigned int synth_trailer(struct synth *s);

void synth_single(struct synth *s);
void synth_pipe_tree(struct synth *s);
void synth_threads(struct synth *s);
void synth_pidns_fifo(struct synth *s);
void synth_damaged(struct synth *s);
void synth_grown(struct synth *s);

/* The whole images above, by the name mkimage gives their files. */
extern const struct synth_image {
	const char *name;
	void (*build)(struct synth *s);
} synth_images[];

#endif /* CR_SYNTH_H */
