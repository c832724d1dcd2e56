// SPDX-License-Identifier: GPL-2.0-only
/*
 * Pipes: the pipe itself (CKPT_OBJ_PIPE: its capacity and the bytes
 * buffered in it) and the open files of its two ends (CKPT_FILE_PIPE),
 * which name it by objref.  However many tasks and fds hold the ends,
 * restart makes one pipe, fills it, and hands its ends to the files.
 *
 * A FIFO is the same pipe reached through a name: CKPT_OBJ_FIFO has the
 * same record, and its files (CKPT_FILE_FIFO) carry the path.  Until
 * one of them is restored, its bytes wait in a pipe of their own, made
 * and filled like any pipe's.  The first file opens the FIFO read-write,
 * which never waits for a partner, to hold it open, and moves the bytes
 * over; every file then opens the path without waiting, since its
 * partner is there.
 *
 * Either way the object is the struct pipe_inode_info, on restart as on
 * checkpoint (for a FIFO, until its first file, the pipe its bytes wait
 * in); what its files take from it is its restart state, a struct
 * ckpt_pipe.
 *
 * What an image makes the kernel hold is what a pipe holds: pipe buffers,
 * charged to the restarter's memory cgroup, and as many as pipe(2) and
 * F_SETPIPE_SZ let the restarter have (pipe-max-size, pipe-user-pages-*).
 * A FIFO costs that once, not twice: the pipe its bytes wait in has room
 * for its bytes only, not the FIFO's capacity, and is cut to one slot
 * once they have moved.
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
#include <linux/path.h>
#include <linux/pipe_fs_i.h>
#include <linux/sizes.h>
#include <linux/slab.h>

#include "internal.h"

/* Upper bound on a pipe's capacity in an image, before pipe_fcntl()'s. */
#define CKPT_PIPE_MAX_SIZE	SZ_1G
/* What one record can carry of the bytes buffered in a pipe. */
#define CKPT_PIPE_MAX_DATA	(CKPT_REC_MAX_LEN - sizeof(struct ckpt_rec_pipe))

/**
 * struct ckpt_pipe - the restart state of a restored pipe or FIFO
 * @end:	a pipe's read and write ends, until its files take them; for
 *		a FIFO, the pipe its bytes wait in, emptied by its first
 *		file and cut to one slot.  Until the end of the restart, an
 *		end not taken keeps the pipe the objhash names alive.
 * @fifo:	a FIFO, held open read-write once its first file opened it.
 * @size:	its capacity.
 * @data_len:	bytes buffered in it.
 */
struct ckpt_pipe {
	struct file *end[2];
	struct file *fifo;
	u32 size;
	u32 data_len;
};

/* Refuse what a pipe holds if the image has no place for it. */
static int ckpt_pipe_collect(struct ckpt_ctx *ctx, void *ptr)
{
	struct pipe_inode_info *pipe = ptr;
	unsigned int tail;
	bool packet = false;
	u64 len = 0;

	pipe_lock(pipe);
	for (tail = pipe->tail; tail != pipe->head; tail++) {
		struct pipe_buffer *buf = pipe_buf(pipe, tail);

		packet |= buf->flags & PIPE_BUF_FLAG_PACKET;
		len += buf->len;
	}
	pipe_unlock(pipe);
	if (packet)
		return ckpt_err(ctx, -EOPNOTSUPP,
				"a pipe holds packet-mode (O_DIRECT) writes; not supported");
	if (len > CKPT_PIPE_MAX_DATA)
		return ckpt_err(ctx, -E2BIG, "cannot save the %llu bytes a pipe holds",
				len);
	return 0;
}

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

/* Move @len bytes from the pipe behind @rd to the one behind @wr. */
static int ckpt_pipe_move(struct ckpt_ctx *ctx, struct file *rd, struct file *wr,
			  u32 len)
{
	char *buf;
	int ret = 0;

	buf = kmalloc(PAGE_SIZE, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	while (len && !ret) {
		u32 n = min_t(u32, len, PAGE_SIZE);
		loff_t rpos = 0, wpos = 0;
		ssize_t done;

		done = kernel_read(rd, buf, n, &rpos);
		if (done == n)
			done = kernel_write(wr, buf, n, &wpos);
		if (done != n)
			ret = ckpt_err(ctx, done < 0 ? done : -EIO,
				       "cannot refill a FIFO");
		len -= n;
	}
	kfree(buf);
	return ret;
}

/* Read a CKPT_REC_PIPE up to its bytes, which are left to read. */
static struct ckpt_pipe *ckpt_pipe_read(struct ckpt_ctx *ctx)
{
	struct ckpt_rec_pipe rec;
	struct ckpt_pipe *p;
	int ret;

	ret = ckpt_read_begin(ctx, &rec, CKPT_REC_PIPE, sizeof(rec),
			      CKPT_PIPE_MAX_DATA);
	if (ret < 0)
		return ERR_PTR(ret);
	if (ret != rec.data_len || rec.data_len > rec.size ||
	    rec.size < PAGE_SIZE || rec.size > CKPT_PIPE_MAX_SIZE ||
	    round_pipe_size(rec.size) != rec.size)
		return ERR_PTR(ckpt_err(ctx, -EINVAL, "malformed pipe record"));

	p = kzalloc(sizeof(*p), GFP_KERNEL_ACCOUNT);
	if (!p)
		return ERR_PTR(-ENOMEM);
	p->size = rec.size;
	p->data_len = rec.data_len;
	return p;
}

/* Give the pipe behind @file its capacity from the image. */
static int ckpt_pipe_resize(struct ckpt_ctx *ctx, struct file *file, u32 size)
{
	long got = pipe_fcntl(file, F_GETPIPE_SZ, 0);

	if (got != size)
		got = pipe_fcntl(file, F_SETPIPE_SZ, size);
	if (got != size)
		return ckpt_err(ctx, got < 0 ? got : -EINVAL,
				"cannot give a pipe %u bytes", size);
	return 0;
}

static void ckpt_pipe_release(struct ckpt_ctx *ctx, void *state)
{
	struct ckpt_pipe *p = state;

	if (p->end[0])
		fput(p->end[0]);
	if (p->end[1])
		fput(p->end[1]);
	if (p->fifo)
		fput(p->fifo);
	kfree(p);
}

/*
 * Make the pipe of a pipe object, or the one a FIFO's bytes wait in, and
 * fill it.  A FIFO's first file gives the FIFO its capacity; until then
 * its bytes need only room for themselves.
 */
static void *ckpt_pipe_make(struct ckpt_ctx *ctx, void **state, bool fifo)
{
	struct ckpt_pipe *p;
	u32 size;
	int ret;

	p = ckpt_pipe_read(ctx);
	if (IS_ERR(p))
		return p;
	size = fifo ? round_pipe_size(max_t(u32, p->data_len, PAGE_SIZE)) :
		      p->size;
	ret = create_pipe_files(p->end, 0) ?:
	      ckpt_pipe_resize(ctx, p->end[1], size) ?:
	      ckpt_pipe_fill(ctx, p->end[1], p->data_len) ?:
	      ckpt_read_end(ctx);
	if (ret) {
		ckpt_pipe_release(ctx, p);
		return ERR_PTR(ret);
	}
	*state = p;
	return get_pipe_info(p->end[0], false);
}

static void *ckpt_pipe_restore(struct ckpt_ctx *ctx, void **state)
{
	return ckpt_pipe_make(ctx, state, false);
}

static void *ckpt_fifo_restore(struct ckpt_ctx *ctx, void **state)
{
	return ckpt_pipe_make(ctx, state, true);
}

/*
 * The files that lead to the pipe hold it: on checkpoint those in the
 * objhash, on restart its ends in its state until the release.
 */
static void ckpt_pipe_grab(void *ptr)
{
}

static void ckpt_pipe_drop(struct ckpt_ctx *ctx, void *ptr)
{
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
	.collect	= ckpt_pipe_collect,
	.checkpoint	= ckpt_pipe_checkpoint,
	.restore	= ckpt_pipe_restore,
	.release	= ckpt_pipe_release,
};

const struct ckpt_obj_ops ckpt_fifo_ops = {
	.name		= "fifo",
	.grab		= ckpt_pipe_grab,
	.drop		= ckpt_pipe_drop,
	.users		= ckpt_pipe_users,
	.collect	= ckpt_pipe_collect,
	.checkpoint	= ckpt_pipe_checkpoint,
	/* Its bytes wait in a pipe for its first file to open it. */
	.restore	= ckpt_fifo_restore,
	.release	= ckpt_pipe_release,
};

/* ---- the files of its ends ---- */

#define CKPT_PIPE_FILE_FLAGS	(O_ACCMODE | O_NONBLOCK | O_LARGEFILE)

static bool ckpt_pipe_file_claims(struct file *file)
{
	return get_pipe_info(file, false) &&
	       (file->f_path.mnt->mnt_flags & MNT_INTERNAL);
}

/* The same pipe, behind a name. */
static bool ckpt_fifo_file_claims(struct file *file)
{
	return get_pipe_info(file, false) &&
	       !(file->f_path.mnt->mnt_flags & MNT_INTERNAL);
}

/* Refuse an end of a pipe we cannot recreate; collect the pipe as @type. */
static int ckpt_pipe_end_collect(struct ckpt_ctx *ctx, struct file *file,
				 u32 type)
{
	struct pipe_inode_info *pipe = get_pipe_info(file, false);

	if (pipe_has_watch_queue(pipe) || file->f_flags & O_DIRECT)
		return ckpt_err(ctx, -EOPNOTSUPP,
				"notification and packet-mode (O_DIRECT) pipes are not supported");
	return ckpt_obj_collect(ctx, pipe, type);
}

/* Save the pipe behind @file as an object of @type and name it in @rec. */
static int ckpt_pipe_end_checkpoint(struct ckpt_ctx *ctx, struct file *file,
				    struct ckpt_rec_file *rec, u32 type)
{
	int ref = ckpt_obj_checkpoint(ctx, get_pipe_info(file, false), type);

	if (ref < 0)
		return ref;
	rec->obj_ref = ref;
	rec->f_flags &= CKPT_PIPE_FILE_FLAGS;
	return 0;
}

static int ckpt_pipe_file_collect(struct ckpt_ctx *ctx, struct file *file)
{
	return ckpt_pipe_end_collect(ctx, file, CKPT_OBJ_PIPE);
}

static int ckpt_pipe_file_checkpoint(struct ckpt_ctx *ctx, struct file *file,
				     struct ckpt_rec_file *rec)
{
	return ckpt_pipe_end_checkpoint(ctx, file, rec, CKPT_OBJ_PIPE);
}

static int ckpt_fifo_file_collect(struct ckpt_ctx *ctx, struct file *file)
{
	if (d_unlinked(file->f_path.dentry))
		return -ENOENT;
	return ckpt_pipe_end_collect(ctx, file, CKPT_OBJ_FIFO);
}

static int ckpt_fifo_file_checkpoint(struct ckpt_ctx *ctx, struct file *file,
				     struct ckpt_rec_file *rec)
{
	return ckpt_pipe_end_checkpoint(ctx, file, rec, CKPT_OBJ_FIFO);
}

static void ckpt_pipe_set_nonblock(struct file *file, u32 f_flags)
{
	spin_lock(&file->f_lock);
	file->f_flags = (file->f_flags & ~O_NONBLOCK) | (f_flags & O_NONBLOCK);
	spin_unlock(&file->f_lock);
}

static struct file *ckpt_pipe_file_restore(struct ckpt_ctx *ctx,
					   const struct ckpt_rec_file *rec,
					   const char *path)
{
	unsigned int acc = rec->f_flags & O_ACCMODE;
	struct pipe_inode_info *pipe;
	struct ckpt_pipe *p;
	struct file *file;
	int end;

	if (rec->f_flags & ~CKPT_PIPE_FILE_FLAGS || rec->pos || rec->rdev ||
	    (acc != O_RDONLY && acc != O_WRONLY))
		return ERR_PTR(ckpt_err(ctx, -EINVAL, "malformed pipe file record"));
	pipe = ckpt_obj_fetch_state(ctx, rec->obj_ref, CKPT_OBJ_PIPE,
				    (void **)&p);
	if (IS_ERR(pipe))
		return ERR_CAST(pipe);
	end = acc == O_WRONLY;
	if (!p->end[end])
		return ERR_PTR(ckpt_err(ctx, -EOPNOTSUPP,
					"pipe %u: its %s end is open twice; not supported",
					rec->obj_ref, end ? "write" : "read"));
	file = p->end[end];
	p->end[end] = NULL;
	ckpt_pipe_set_nonblock(file, rec->f_flags);
	return file;
}

const struct ckpt_file_kind_ops ckpt_pipe_file = {
	.has_path	= false,
	.has_obj	= true,
	.claims		= ckpt_pipe_file_claims,
	.collect	= ckpt_pipe_file_collect,
	.checkpoint	= ckpt_pipe_file_checkpoint,
	.restore	= ckpt_pipe_file_restore,
};

/*
 * The first file of a FIFO opens it read-write, to hold it open and give
 * it back its capacity and bytes.  It must be the container's alone:
 * anyone else's ends or bytes would mix with the container's.  That file
 * never reaches the container, so the restarter opens it, with its own
 * rights, once the lookup for the task has found the very FIFO it had;
 * the task's own ends are opened with the credentials that opened them.
 */
static int ckpt_fifo_open(struct ckpt_ctx *ctx, struct ckpt_pipe *p,
			  const char *path, const struct ckpt_file_id *id,
			  const struct cred *cred)
{
	static const struct ckpt_want fifo = { .type = S_IFIFO, .write = true };
	struct pipe_inode_info *pipe;
	struct inode *inode;
	struct path found;
	struct file *f;
	bool busy;
	int ret;

	ret = ckpt_lookup_path(ctx, path, id, &fifo, cred, &found);
	if (ret)
		return ret;
	/*
	 * Opening a FIFO wakes whoever waits in open(2) for a partner: one
	 * somebody holds open is not even opened.  (One opened after this
	 * look is caught below.)
	 */
	inode = d_inode(found.dentry);
	spin_lock(&inode->i_lock);
	busy = inode->i_pipe;
	spin_unlock(&inode->i_lock);
	if (busy) {
		path_put(&found);
		return ckpt_err(ctx, -EBUSY, "FIFO %s is open outside the container",
				path);
	}
	f = file_open_root(&found, "", O_RDWR | O_NONBLOCK | O_NOCTTY, 0);
	path_put(&found);
	if (IS_ERR(f))
		return ckpt_err(ctx, PTR_ERR(f), "cannot reopen FIFO %s", path);
	if (!ckpt_fifo_file_claims(f)) {
		ret = ckpt_err(ctx, -EINVAL, "%s is no longer a FIFO", path);
		goto fail;
	}
	pipe = get_pipe_info(f, false);
	pipe_lock(pipe);
	busy = pipe->files != 1 || !pipe_empty(pipe->head, pipe->tail);
	pipe_unlock(pipe);
	if (busy) {
		ret = ckpt_err(ctx, -EBUSY, "FIFO %s is open outside the container",
			       path);
		goto fail;
	}
	/*
	 * The emptied pipe is what the objhash names: it stays until the
	 * end of the restart, but at one slot, so that an image of many
	 * big FIFOs holds what the container had, not twice that.
	 */
	ret = ckpt_pipe_resize(ctx, f, p->size) ?:
	      ckpt_pipe_move(ctx, p->end[0], f, p->data_len) ?:
	      ckpt_pipe_resize(ctx, p->end[1], PAGE_SIZE);
	if (ret)
		goto fail;
	p->fifo = f;
	return 0;
fail:
	fput(f);
	return ret;
}

static struct file *ckpt_fifo_file_restore(struct ckpt_ctx *ctx,
					   const struct ckpt_rec_file *rec,
					   const char *path)
{
	static const struct ckpt_want fifo = { .type = S_IFIFO };
	struct pipe_inode_info *pipe;
	const struct cred *cred;
	struct ckpt_pipe *p;
	struct file *file;
	int ret;

	if (rec->f_flags & ~CKPT_PIPE_FILE_FLAGS || rec->pos || rec->rdev)
		return ERR_PTR(ckpt_err(ctx, -EINVAL, "malformed FIFO file record"));
	pipe = ckpt_obj_fetch_state(ctx, rec->obj_ref, CKPT_OBJ_FIFO,
				    (void **)&p);
	if (IS_ERR(pipe))
		return ERR_CAST(pipe);
	cred = ckpt_obj_fetch(ctx, rec->cred_ref, CKPT_OBJ_CRED);
	if (IS_ERR(cred))
		return ERR_CAST(cred);
	if (!p->fifo) {
		ret = ckpt_fifo_open(ctx, p, path, &rec->id, cred);
		if (ret)
			return ERR_PTR(ret);
	}
	/* Its partner is open: O_NONBLOCK only keeps a lost race from hanging. */
	file = ckpt_reopen(ctx, path, &rec->id, &fifo,
			   rec->f_flags | O_NONBLOCK | O_NOCTTY, cred);
	if (IS_ERR(file))
		return file;
	if (file_inode(file) != file_inode(p->fifo)) {
		fput(file);
		return ERR_PTR(ckpt_err(ctx, -EINVAL,
					"%s is no longer the FIFO it was", path));
	}
	ckpt_pipe_set_nonblock(file, rec->f_flags);
	return file;
}

const struct ckpt_file_kind_ops ckpt_fifo_file = {
	.has_path	= true,
	.has_obj	= true,
	.claims		= ckpt_fifo_file_claims,
	.collect	= ckpt_fifo_file_collect,
	.checkpoint	= ckpt_fifo_file_checkpoint,
	.restore	= ckpt_fifo_file_restore,
};
