/* SPDX-License-Identifier: GPL-2.0 */
/*
 * In-kernel checkpoint/restart: the interface between the core in
 * kernel/checkpoint/ and the code that saves and restores each kind of
 * object, including the architecture part in arch/x86/checkpoint/.
 */
#ifndef _LINUX_CHECKPOINT_H
#define _LINUX_CHECKPOINT_H

#include <linux/types.h>
#include <uapi/linux/checkpoint.h>

struct file;

/**
 * struct ckpt_ctx - one checkpoint(2) or restart(2) in progress
 * @file:	the image stream.
 * @logfile:	where problem reports go, or NULL.
 * @flags:	the caller's CHECKPOINT_* or RESTART_* flags.
 * @restart:	true for restart(2), false for checkpoint(2).
 * @pos:	bytes of image written or read so far.
 * @fpos:	file position used for seekable image files.
 * @crc:	running crc32 of the image so far, in crc32_le() form.
 * @nr_records:	records written or read so far.
 * @errors:	problems reported through ckpt_err() so far.
 */
struct ckpt_ctx {
	struct file *file;
	struct file *logfile;
	u64 flags;
	bool restart;
	u64 pos;
	loff_t fpos;
	u32 crc;
	u32 nr_records;
	unsigned int errors;
};

__printf(3, 4)
int ckpt_err(struct ckpt_ctx *ctx, int err, const char *fmt, ...);

int ckpt_write_rec(struct ckpt_ctx *ctx, void *rec, u32 type, u32 len);
int ckpt_read_rec(struct ckpt_ctx *ctx, void *rec, u32 type, u32 len);

int ckpt_write_header(struct ckpt_ctx *ctx);
int ckpt_read_header(struct ckpt_ctx *ctx);
int ckpt_write_trailer(struct ckpt_ctx *ctx);
int ckpt_read_trailer(struct ckpt_ctx *ctx);

/* Architecture hooks, arch/x86/checkpoint/ */
void ckpt_arch_fill_header(struct ckpt_rec_header *h);
int ckpt_arch_check_header(struct ckpt_ctx *ctx,
			   const struct ckpt_rec_header *h);

#endif /* _LINUX_CHECKPOINT_H */
