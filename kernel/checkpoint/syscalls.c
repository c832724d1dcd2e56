// SPDX-License-Identifier: GPL-2.0-only
/*
 * checkpoint(2) and restart(2): argument copying, permission checks and
 * the setup of a ckpt_ctx.  The work itself is in checkpoint.c and
 * restart.c.
 */
#include <linux/capability.h>
#include <linux/checkpoint.h>
#include <linux/compat.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/pid_namespace.h>
#include <linux/sched/task.h>
#include <linux/syscalls.h>
#include <linux/uaccess.h>

#include "internal.h"

/*
 * Extensible-struct convention of clone3() and openat2(): a caller built
 * against an older header passes a shorter struct, a newer one a longer
 * struct whose unknown tail must be zero (-E2BIG otherwise).
 */
static int ckpt_copy_args(void *dst, size_t ksize, const void __user *src,
			  size_t usize, size_t ver0)
{
	if (unlikely(usize > PAGE_SIZE))
		return -E2BIG;
	if (unlikely(usize < ver0))
		return -EINVAL;
	return copy_struct_from_user(dst, ksize, src, usize);
}

/*
 * The image fd must be open in the direction we move data; logfd is -1 or
 * writable.  Both are looked up once: the caller can close them while we
 * work without affecting us.
 */
static int ckpt_ctx_open(struct ckpt_ctx *ctx, int fd, int logfd,
			 fmode_t mode)
{
	ctx->file = fget(fd);
	if (!ctx->file)
		return -EBADF;
	if (!(ctx->file->f_mode & mode))
		return -EBADF;
	ctx->fpos = ctx->file->f_pos;
	ctx->crc = ~0U;

	if (logfd == -1)
		return 0;
	ctx->logfile = fget(logfd);
	if (!ctx->logfile || !(ctx->logfile->f_mode & FMODE_WRITE))
		return -EBADF;
	return 0;
}

/*
 * Both syscalls are for 64-bit callers only.  An x86_64 kernel with
 * IA32_EMULATION or X86_X32_ABI reaches them from i386 and x32 tasks as
 * well, since the numbers are wired in every table.  An image holds
 * 64-bit tasks only, restart clones the container's init from the
 * caller, and neither path has been written or tested for a compat
 * caller: refuse one rather than leave what works to chance.  The
 * argument structs have the same layout for every ABI, so they were
 * checked as for any caller; the refusal comes before any other work,
 * once the logfd that reports it is open.
 */
static int ckpt_refuse_compat(struct ckpt_ctx *ctx)
{
	if (!in_compat_syscall())
		return 0;
	return ckpt_err(ctx, -EOPNOTSUPP,
			"a 32-bit or x32 caller is not supported");
}

static void ckpt_ctx_close(struct ckpt_ctx *ctx)
{
	if (ctx->file) {
		/* Seekable images leave the fd positioned after the image. */
		if (!(ctx->file->f_mode & FMODE_STREAM))
			vfs_setpos(ctx->file, ctx->fpos, MAX_LFS_FILESIZE);
		fput(ctx->file);
	}
	if (ctx->logfile)
		fput(ctx->logfile);
}

SYSCALL_DEFINE2(checkpoint, struct checkpoint_args __user *, uargs,
		size_t, usize)
{
	struct checkpoint_args args;
	struct ckpt_save_ctx save = { };
	struct ckpt_ctx *ctx = &save.ctx;
	int ret;

	BUILD_BUG_ON(sizeof(args) != CHECKPOINT_ARGS_SIZE_VER0);
	ret = ckpt_copy_args(&args, sizeof(args), uargs, usize,
			     CHECKPOINT_ARGS_SIZE_VER0);
	if (ret)
		return ret;
	if (args.flags & ~CHECKPOINT_FLAGS_ALL || args.__reserved)
		return -EINVAL;
	if (args.pid <= 0)
		return -EINVAL;

	ctx->flags = args.flags;
	ret = ckpt_ctx_open(ctx, args.fd, args.logfd, FMODE_WRITE);
	if (!ret)
		ret = ckpt_refuse_compat(ctx);
	if (!ret)
		ret = ckpt_checkpoint(ctx, args.pid);
	ckpt_ctx_close(ctx);
	return ret;
}

SYSCALL_DEFINE2(restart, struct restart_args __user *, uargs, size_t, usize)
{
	struct restart_args args;
	struct ckpt_rst_ctx rst = { .ctx.restart = true };
	struct ckpt_ctx *ctx = &rst.ctx;
	int ret;

	BUILD_BUG_ON(sizeof(args) != RESTART_ARGS_SIZE_VER0);
	ret = ckpt_copy_args(&args, sizeof(args), uargs, usize,
			     RESTART_ARGS_SIZE_VER0);
	if (ret)
		return ret;
	if (args.flags & ~RESTART_FLAGS_ALL ||
	    args.__reserved[0] || args.__reserved[1])
		return -EINVAL;

	/*
	 * An image describes kernel objects in full -- credentials, memory,
	 * open files -- and is trusted the way a module is.
	 */
	if (!capable(CAP_SYS_ADMIN))
		return -EPERM;

	ctx->flags = args.flags;
	ret = ckpt_ctx_open(ctx, args.fd, args.logfd, FMODE_READ);
	if (!ret)
		ret = ckpt_refuse_compat(ctx);
	if (!ret)
		ret = ckpt_restart(ctx);
	ckpt_ctx_close(ctx);
	return ret;
}
