// SPDX-License-Identifier: GPL-2.0-only
/*
 * Pipes: the pipe itself (CKPT_OBJ_PIPE: its capacity and the bytes
 * buffered in it) and the open files of its two ends (CKPT_FILE_PIPE),
 * which name it by objref.  However many tasks and fds hold the ends,
 * restart makes one pipe, fills it, and hands its ends to the files.
 *
 * The bytes are copied without being consumed, so the checkpointed
 * container reads them too if it carries on.  Packet-mode pipes and
 * notification pipes are refused; so is a pipe with an end open outside
 * the container (the objhash's use count sees it).
 */
#include <linux/checkpoint.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/highmem.h>
#include <linux/mount.h>
#include <linux/pipe_fs_i.h>
#include <linux/sizes.h>
#include <linux/slab.h>

#include "checkpoint.h"

/* Upper bound on a pipe's capacity in an image, before pipe_fcntl()'s. */
#define CKPT_PIPE_MAX_SIZE	SZ_1G
/* What one record can carry of the bytes buffered in a pipe. */
#define CKPT_PIPE_MAX_DATA	(CKPT_REC_MAX_LEN - sizeof(struct ckpt_rec_pipe))

/* A restored pipe until its files take its ends. */
struct ckpt_pipe {
	struct file *end[2];	/* read, write */
};

static int ckpt_pipe_checkpoint(struct ckpt_ctx *ctx, void *ptr)
{
	struct pipe_inode_info *pipe = ptr;
	struct ckpt_rec_pipe rec = { };
	unsigned int tail, cap;
	char *data;
	int ret = 0;

	/* Frozen tasks do not resize their pipes: this holds still. */
	cap = READ_ONCE(pipe->max_usage) << PAGE_SHIFT;
	data = kvmalloc(cap, GFP_KERNEL);
	if (!data)
		return -ENOMEM;

	pipe_lock(pipe);
	rec.size = pipe->max_usage << PAGE_SHIFT;
	for (tail = pipe->tail; tail != pipe->head && !ret; tail++) {
		struct pipe_buffer *buf = pipe_buf(pipe, tail);

		if (buf->flags & PIPE_BUF_FLAG_PACKET ||
		    rec.data_len + buf->len > cap) {
			ret = -EOPNOTSUPP;
			break;
		}
		ret = pipe_buf_confirm(pipe, buf);
		if (ret)
			break;
		memcpy_from_page(data + rec.data_len, buf->page, buf->offset,
				 buf->len);
		rec.data_len += buf->len;
	}
	pipe_unlock(pipe);
	if (!ret && rec.data_len > CKPT_PIPE_MAX_DATA)
		ret = -E2BIG;
	if (ret) {
		ret = ckpt_err(ctx, ret, "cannot save the %u bytes a pipe holds",
			       rec.data_len);
		goto out;
	}

	ret = ckpt_write_begin(ctx, &rec, CKPT_REC_PIPE, sizeof(rec),
			       rec.data_len);
	if (!ret)
		ret = ckpt_write_data(ctx, data, rec.data_len);
	if (!ret)
		ret = ckpt_write_end(ctx);
out:
	kvfree(data);
	return ret;
}

/* Fill a new pipe from the image, through its write end. */
static int ckpt_pipe_fill(struct ckpt_ctx *ctx, struct file *wr, u32 len)
{
	char *buf;
	int ret = 0;

	buf = kmalloc(PAGE_SIZE, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	while (len && !ret) {
		u32 n = min_t(u32, len, PAGE_SIZE);
		loff_t pos = 0;
		ssize_t done;

		ret = ckpt_read_data(ctx, buf, n);
		if (ret)
			break;
		done = kernel_write(wr, buf, n, &pos);
		if (done != n)
			ret = ckpt_err(ctx, done < 0 ? done : -EIO,
				       "cannot refill a pipe");
		len -= n;
	}
	kfree(buf);
	return ret;
}

static void *ckpt_pipe_restore(struct ckpt_ctx *ctx)
{
	struct ckpt_rec_pipe rec;
	struct ckpt_pipe *p;
	long size;
	int ret;

	ret = ckpt_read_begin(ctx, &rec, CKPT_REC_PIPE, sizeof(rec),
			      CKPT_PIPE_MAX_DATA);
	if (ret < 0)
		return ERR_PTR(ret);
	if (ret != rec.data_len || rec.data_len > rec.size ||
	    rec.size < PAGE_SIZE || rec.size > CKPT_PIPE_MAX_SIZE ||
	    round_pipe_size(rec.size) != rec.size)
		return ERR_PTR(ckpt_err(ctx, -EINVAL, "malformed pipe record"));

	p = kzalloc(sizeof(*p), GFP_KERNEL);
	if (!p)
		return ERR_PTR(-ENOMEM);
	ret = create_pipe_files(p->end, 0);
	if (ret)
		goto fail;
	size = pipe_fcntl(p->end[1], F_GETPIPE_SZ, 0);
	if (size != rec.size)
		size = pipe_fcntl(p->end[1], F_SETPIPE_SZ, rec.size);
	if (size != rec.size) {
		ret = ckpt_err(ctx, size < 0 ? size : -EINVAL,
			       "cannot give a pipe %u bytes", rec.size);
		goto fail;
	}
	ret = ckpt_pipe_fill(ctx, p->end[1], rec.data_len) ?:
	      ckpt_read_end(ctx);
	if (ret)
		goto fail;
	return p;
fail:
	ckpt_pipe_ops.drop(ctx, p);
	return ERR_PTR(ret);
}

static void ckpt_pipe_grab(void *ptr)
{
	/* The files in the objhash that lead here keep the pipe alive. */
}

static void ckpt_pipe_drop(struct ckpt_ctx *ctx, void *ptr)
{
	struct ckpt_pipe *p = ptr;

	if (!ctx->restart)
		return;
	if (p->end[0])
		fput(p->end[0]);
	if (p->end[1])
		fput(p->end[1]);
	kfree(p);
}

/*
 * Files open on the pipe, plus one standing for the objhash's reference
 * that ckpt_objhash_verify() assumes: every file must be in the image.
 */
static unsigned long ckpt_pipe_users(void *ptr)
{
	return READ_ONCE(((struct pipe_inode_info *)ptr)->files) + 1;
}

const struct ckpt_obj_ops ckpt_pipe_ops = {
	.name		= "pipe",
	.grab		= ckpt_pipe_grab,
	.drop		= ckpt_pipe_drop,
	.users		= ckpt_pipe_users,
	.checkpoint	= ckpt_pipe_checkpoint,
	.restore	= ckpt_pipe_restore,
};

/* ---- the files of its ends ---- */

#define CKPT_PIPE_FILE_FLAGS	(O_ACCMODE | O_NONBLOCK | O_LARGEFILE)

static bool ckpt_pipe_file_claims(struct file *file)
{
	/* A FIFO is the same pipe behind a name; those are not claimed. */
	return get_pipe_info(file, false) &&
	       (file->f_path.mnt->mnt_flags & MNT_INTERNAL);
}

static int ckpt_pipe_file_checkpoint(struct ckpt_ctx *ctx, struct file *file,
				     struct ckpt_rec_file *rec)
{
	struct pipe_inode_info *pipe = get_pipe_info(file, false);
	int ref;

	if (pipe_has_watch_queue(pipe) || file->f_flags & O_DIRECT)
		return ckpt_err(ctx, -EOPNOTSUPP,
				"notification and packet-mode (O_DIRECT) pipes are not supported");
	ref = ckpt_obj_checkpoint(ctx, pipe, CKPT_OBJ_PIPE);
	if (ref < 0)
		return ref;
	rec->obj_ref = ref;
	rec->f_flags &= CKPT_PIPE_FILE_FLAGS;
	return 0;
}

static struct file *ckpt_pipe_file_restore(struct ckpt_ctx *ctx,
					   const struct ckpt_rec_file *rec,
					   const char *path)
{
	unsigned int acc = rec->f_flags & O_ACCMODE;
	struct ckpt_pipe *p;
	struct file *file;
	int end;

	if (rec->f_flags & ~CKPT_PIPE_FILE_FLAGS || rec->pos || rec->rdev ||
	    (acc != O_RDONLY && acc != O_WRONLY))
		return ERR_PTR(ckpt_err(ctx, -EINVAL, "malformed pipe file record"));
	p = ckpt_obj_fetch(ctx, rec->obj_ref, CKPT_OBJ_PIPE);
	if (IS_ERR(p))
		return ERR_PTR(PTR_ERR(p));
	end = acc == O_WRONLY;
	if (!p->end[end])
		return ERR_PTR(ckpt_err(ctx, -EOPNOTSUPP,
					"pipe %u: its %s end is open twice; not supported",
					rec->obj_ref, end ? "write" : "read"));
	file = p->end[end];
	p->end[end] = NULL;
	spin_lock(&file->f_lock);
	file->f_flags = (file->f_flags & ~O_NONBLOCK) |
			(rec->f_flags & O_NONBLOCK);
	spin_unlock(&file->f_lock);
	return file;
}

const struct ckpt_file_kind_ops ckpt_pipe_file = {
	.has_path	= false,
	.claims		= ckpt_pipe_file_claims,
	.checkpoint	= ckpt_pipe_file_checkpoint,
	.restore	= ckpt_pipe_file_restore,
};
