// SPDX-License-Identifier: GPL-2.0-only
/*
 * Open files: fd tables (CKPT_OBJ_FILES) and the open file descriptions
 * they point to (CKPT_OBJ_FILE).
 *
 * A file description is saved once however many fds and tasks share it,
 * so a dup()ed or inherited file comes back as one struct file with one
 * offset.  Each kind of file is a struct ckpt_file_kind_ops (pipes and
 * FIFOs are in pipe.c); what no kind claims is refused by name.
 */
#include <linux/checkpoint.h>
#include <linux/fdtable.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/init.h>
#include <linux/kdev_t.h>
#include <linux/major.h>
#include <linux/mount.h>
#include <linux/namei.h>
#include <linux/slab.h>

#include "internal.h"

/* f_flags that mean the same after reopening. */
#define CKPT_FILE_FLAGS	(O_ACCMODE | O_APPEND | O_NONBLOCK | O_DSYNC |	\
			 __O_SYNC | O_DIRECT | O_LARGEFILE | O_DIRECTORY | \
			 O_NOFOLLOW | O_NOATIME | O_PATH)

/*
 * Character devices whose state is nothing but their identity: reopening
 * the node gives the same behaviour.  Not /dev/tty (5, 0): it is the
 * opener's controlling terminal, which a restored task never has.
 */
static const dev_t ckpt_chrdevs[] = {
	MKDEV(1, 3),	/* null */
	MKDEV(1, 5),	/* zero */
	MKDEV(1, 7),	/* full */
	MKDEV(1, 8),	/* random */
	MKDEV(1, 9),	/* urandom */
	MKDEV(5, 1),	/* console */
};

static bool ckpt_chrdev_allowed(dev_t dev)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(ckpt_chrdevs); i++)
		if (ckpt_chrdevs[i] == dev)
			return true;
	return false;
}

/* ---- files reopened by path: regular files, directories, devices ---- */

static bool ckpt_path_claims(struct file *file)
{
	umode_t mode = file_inode(file)->i_mode;

	return (S_ISREG(mode) || S_ISDIR(mode)) &&
	       !(file->f_path.mnt->mnt_flags & MNT_INTERNAL) &&
	       !ckpt_path_refused(&file->f_path, file->f_mode & FMODE_WRITE);
}

static bool ckpt_chrdev_claims(struct file *file)
{
	return S_ISCHR(file_inode(file)->i_mode) &&
	       ckpt_chrdev_allowed(file_inode(file)->i_rdev) &&
	       !(file->f_path.mnt->mnt_flags & MNT_INTERNAL);
}

static int ckpt_path_collect(struct ckpt_ctx *ctx, struct file *file)
{
	return d_unlinked(file->f_path.dentry) ? -ENOENT : 0;
}

static int ckpt_path_checkpoint(struct ckpt_ctx *ctx, struct file *file,
				struct ckpt_rec_file *rec)
{
	rec->pos = file->f_pos;
	if (S_ISCHR(file_inode(file)->i_mode))
		rec->rdev = new_encode_dev(file_inode(file)->i_rdev);
	return 0;
}

static struct file *ckpt_path_restore(struct ckpt_ctx *ctx,
				      const struct ckpt_rec_file *rec,
				      const char *path)
{
	struct ckpt_want want = { };
	const struct cred *cred;
	struct file *file;
	int ret;

	if (rec->kind == CKPT_FILE_PATH && rec->rdev)
		return ERR_PTR(ckpt_err(ctx, -EINVAL, "%s: a device number on a plain file",
					path));
	/* Checked before the lookup opens anything: a device's open acts. */
	if (rec->kind == CKPT_FILE_CHRDEV) {
		want.type = S_IFCHR;
		want.rdev = new_decode_dev(rec->rdev);
		if (!ckpt_chrdev_allowed(want.rdev))
			return ERR_PTR(ckpt_err(ctx, -EOPNOTSUPP,
						"%s: character device %u:%u is not supported",
						path, MAJOR(want.rdev),
						MINOR(want.rdev)));
	}
	cred = ckpt_obj_fetch(ctx, rec->cred_ref, CKPT_OBJ_CRED);
	if (IS_ERR(cred))
		return ERR_CAST(cred);
	file = ckpt_reopen(ctx, path, &rec->id, &want, rec->f_flags | O_NOCTTY,
			   cred);
	if (IS_ERR(file))
		return file;
	/* The name must still lead to the same kind of thing. */
	if (rec->kind == CKPT_FILE_CHRDEV ?
	    !ckpt_chrdev_claims(file) ||
	    file_inode(file)->i_rdev != new_decode_dev(rec->rdev) :
	    !ckpt_path_claims(file)) {
		ret = ckpt_err(ctx, -EINVAL, "%s is no longer the file it was", path);
		goto fail;
	}
	if (rec->pos && (file->f_mode & FMODE_LSEEK)) {
		loff_t pos = vfs_llseek(file, rec->pos, SEEK_SET);

		if (pos != rec->pos) {
			ret = ckpt_err(ctx, pos < 0 ? pos : -EINVAL,
				       "cannot seek %s to %llu", path, rec->pos);
			goto fail;
		}
	}
	return file;
fail:
	fput(file);
	return ERR_PTR(ret);
}

static const struct ckpt_file_kind_ops ckpt_path_file = {
	.has_path	= true,
	.claims		= ckpt_path_claims,
	.collect	= ckpt_path_collect,
	.checkpoint	= ckpt_path_checkpoint,
	.restore	= ckpt_path_restore,
};

static const struct ckpt_file_kind_ops ckpt_chrdev_file = {
	.has_path	= true,
	.claims		= ckpt_chrdev_claims,
	.collect	= ckpt_path_collect,
	.checkpoint	= ckpt_path_checkpoint,
	.restore	= ckpt_path_restore,
};

/* ---- open file descriptions, whatever their kind ---- */

static const struct ckpt_file_kind_ops *const ckpt_file_kinds[] = {
	[CKPT_FILE_PATH]	= &ckpt_path_file,
	[CKPT_FILE_CHRDEV]	= &ckpt_chrdev_file,
	[CKPT_FILE_PIPE]	= &ckpt_pipe_file,
	[CKPT_FILE_FIFO]	= &ckpt_fifo_file,
};

/* Every kind can tell its files, save them and reopen them. */
static int __init ckpt_file_kinds_check(void)
{
	const struct ckpt_file_kind_ops *kind;
	unsigned int i;

	/* Row 0 is no kind: an image's 0 is refused. */
	for (i = 1; i < ARRAY_SIZE(ckpt_file_kinds); i++) {
		kind = ckpt_file_kinds[i];
		if (!kind || !kind->claims || !kind->checkpoint ||
		    !kind->restore)
			ckpt_kind_table_broken("ckpt_file_kinds[]", i);
	}
	return 0;
}
late_initcall(ckpt_file_kinds_check);

/* Why no kind claims @file. */
static const char *ckpt_file_unclaimed(struct file *file)
{
	umode_t mode = file_inode(file)->i_mode;

	if (S_ISSOCK(mode))
		return "sockets are not supported";
	if (file->f_path.mnt->mnt_flags & MNT_INTERNAL)
		return "files without a path (eventfd, epoll, memfd, ...) are not supported";
	if (ckpt_path_refused(&file->f_path, file->f_mode & FMODE_WRITE))
		return ckpt_path_refused_why(&file->f_path);
	if (S_ISCHR(mode) && file_inode(file)->i_rdev == MKDEV(TTYAUX_MAJOR, 0))
		return "/dev/tty is the opener's controlling terminal, never restored";
	if (S_ISCHR(mode))
		return "this character device is not supported";
	return "this file type is not supported";
}

/* The kind that claims @file, or 0. */
static u32 ckpt_file_kind(struct file *file)
{
	u32 kind;

	for (kind = 1; kind < ARRAY_SIZE(ckpt_file_kinds); kind++)
		if (ckpt_file_kinds[kind]->claims(file))
			return kind;
	return 0;
}

/*
 * The name of @file, in a buffer allocated into @bufp, which the caller
 * frees whatever this returns; or an ERR_PTR (logged).
 */
static char *ckpt_file_name(struct ckpt_ctx *ctx, struct file *file,
			    char **bufp)
{
	char *path;

	*bufp = kmalloc(PATH_MAX, GFP_KERNEL);
	if (!*bufp)
		return ERR_PTR(-ENOMEM);
	path = d_path(&file->f_path, *bufp, PATH_MAX);
	if (IS_ERR(path))
		ckpt_err(ctx, PTR_ERR(path), "cannot name an open file");
	return path;
}

/*
 * What fcntl(2) sets on an open file that the file record does not
 * hold: an owner for SIGIO and SIGURG (F_SETOWN, also set by F_NOTIFY's
 * dnotify), the signal sent (F_SETSIG).  A lease, which sets an owner
 * too, is refused by name before this, with the file's locks.  Why @file
 * cannot be saved, or NULL.
 */
static const char *ckpt_file_fcntl_refused(struct file *file)
{
	struct fown_struct *owner = file_f_owner(file);
	bool set = false;

	if (owner) {
		read_lock_irq(&owner->lock);
		set = owner->pid || owner->signum;
		read_unlock_irq(&owner->lock);
	}
	if (set)
		return "fcntl(F_SETOWN, F_SETSIG or F_NOTIFY) owners are not supported";
	return NULL;
}

/* Everything that can refuse an open file, before anything is written. */
static int ckpt_file_collect(struct ckpt_ctx *ctx, void *ptr)
{
	struct file *file = ptr;
	const struct ckpt_file_kind_ops *kind;
	const char *why;
	char *buf, *path;
	u32 k;
	int ret;

	path = ckpt_file_name(ctx, file, &buf);
	if (IS_ERR(path)) {
		ret = PTR_ERR(path);
		goto out;
	}
	k = ckpt_file_kind(file);
	if (!k) {
		ret = ckpt_err(ctx, -EOPNOTSUPP, "open file %s: %s", path,
			       ckpt_file_unclaimed(file));
		goto out;
	}
	kind = ckpt_file_kinds[k];
	/*
	 * Its flock and OFD locks; a lease refused by name before the
	 * FASYNC it sets on the file is.
	 */
	ret = ckpt_collect_file_locks(ctx, file, path);
	if (ret)
		goto out;
	why = ckpt_file_fcntl_refused(file);
	if (why) {
		ret = ckpt_err(ctx, -EOPNOTSUPP, "open file %s: %s", path, why);
		goto out;
	}
	if (file->f_flags & FASYNC) {
		ret = ckpt_err(ctx, -EOPNOTSUPP, "open file %s: O_ASYNC files are not supported",
			       path);
		goto out;
	}
	ret = kind->collect ? kind->collect(ctx, file) : 0;
	if (ret == -ENOENT)
		ret = ckpt_err(ctx, -EOPNOTSUPP, "open file %s: deleted files are not supported",
			       path);
	if (ret)
		goto out;
	if (kind->has_path) {
		ret = ckpt_file_may_open(file);
		if (ret)
			ret = ckpt_err(ctx, ret, "open file %s: the caller may not open it itself",
				       path);
	}
	/* Restart reopens it with the credentials that opened it. */
	if (!ret && kind->has_path)
		ret = ckpt_obj_collect(ctx, (void *)file->f_cred, CKPT_OBJ_CRED);
out:
	kfree(buf);
	return ret;
}

static int ckpt_file_checkpoint(struct ckpt_ctx *ctx, void *ptr)
{
	struct file *file = ptr;
	struct ckpt_rec_file rec = {
		.f_flags = file->f_flags & CKPT_FILE_FLAGS,
		.kind = ckpt_file_kind(file),
	};
	const struct ckpt_file_kind_ops *kind = ckpt_file_kinds[rec.kind];
	char *buf, *path;
	int ret;

	path = ckpt_file_name(ctx, file, &buf);
	if (IS_ERR(path)) {
		ret = PTR_ERR(path);
		goto out;
	}
	/* Unlinked since collection: its name now leads elsewhere. */
	if (kind->has_path && d_unlinked(file->f_path.dentry)) {
		ret = ckpt_err(ctx, -EBUSY, "open file %s was deleted during checkpoint",
			       path);
		goto out;
	}
	ret = kind->checkpoint(ctx, file, &rec);
	if (ret)
		goto out;

	rec.path_len = kind->has_path ? strlen(path) : 0;
	if (kind->has_path) {
		ckpt_file_id_fill(&rec.id, file_inode(file));
		ret = ckpt_obj_checkpoint(ctx, (void *)file->f_cred,
					  CKPT_OBJ_CRED);
		if (ret < 0)
			goto out;
		rec.cred_ref = ret;
	}
	ret = ckpt_write_begin(ctx, &rec, CKPT_REC_FILE, sizeof(rec),
			       rec.path_len);
	if (!ret)
		ret = ckpt_write_data(ctx, path, rec.path_len);
	if (!ret)
		ret = ckpt_write_end(ctx);
out:
	kfree(buf);
	return ret;
}

static void *ckpt_file_restore(struct ckpt_ctx *ctx, void **state)
{
	const struct ckpt_file_kind_ops *kind = NULL;
	struct ckpt_rec_file rec;
	struct file *file;
	char *path = NULL;
	int ret;

	/*
	 * Objects the file stands on come first: its pipe or FIFO, the
	 * credentials that opened it.
	 */
	ret = ckpt_obj_restore_here(ctx, CKPT_OBJ_KIND(CKPT_OBJ_PIPE) |
				    CKPT_OBJ_KIND(CKPT_OBJ_FIFO) |
				    CKPT_OBJ_KIND(CKPT_OBJ_CRED), "a file", NULL);
	if (ret)
		return ERR_PTR(ret);

	ret = ckpt_read_begin(ctx, &rec, CKPT_REC_FILE, sizeof(rec), PATH_MAX);
	if (ret < 0)
		return ERR_PTR(ret);
	if (rec.kind && rec.kind < ARRAY_SIZE(ckpt_file_kinds))
		kind = ckpt_file_kinds[rec.kind];
	if (!kind || ret != rec.path_len || !rec.path_len == kind->has_path ||
	    rec.f_flags & ~CKPT_FILE_FLAGS || (s64)rec.pos < 0 ||
	    !rec.cred_ref == kind->has_path || !rec.obj_ref == kind->has_obj ||
	    !ckpt_file_id_valid(&rec.id, kind->has_path))
		return ERR_PTR(ckpt_err(ctx, -EINVAL,
					"malformed file record at offset %llu",
					ctx->rec_start));
	if (rec.path_len) {
		path = ckpt_read_path(ctx, rec.path_len);
		if (IS_ERR(path))
			return path;
	}
	ret = ckpt_read_end(ctx);
	file = ret ? ERR_PTR(ret) : kind->restore(ctx, &rec, path);
	kfree(path);
	return file;
}

static void ckpt_file_grab(void *ptr)
{
	get_file(ptr);
}

static void ckpt_file_drop(struct ckpt_ctx *ctx, void *ptr)
{
	fput(ptr);
}

static unsigned long ckpt_file_users(void *ptr)
{
	return file_count((struct file *)ptr);
}

const struct ckpt_obj_ops ckpt_file_ops = {
	.name		= "file",
	.grab		= ckpt_file_grab,
	.drop		= ckpt_file_drop,
	.users		= ckpt_file_users,
	.collect	= ckpt_file_collect,
	.checkpoint	= ckpt_file_checkpoint,
	.restore	= ckpt_file_restore,
};

/* ---- fd tables ---- */

struct ckpt_fd_snap {
	struct file *file;
	unsigned int fd;
	bool cloexec;
	u32 ref;
};

/*
 * Take a reference on every open file of @files.  The container is
 * frozen, so the table holds still; @max bounds the array.
 */
static int ckpt_snap_fds(struct files_struct *files, struct ckpt_fd_snap *snap,
			 unsigned int max)
{
	struct fdtable *fdt;
	unsigned int fd, n = 0;

	spin_lock(&files->file_lock);
	fdt = files_fdtable(files);
	for (fd = 0; fd < fdt->max_fds; fd++) {
		struct file *file = rcu_dereference_protected(fdt->fd[fd],
					lockdep_is_held(&files->file_lock));

		if (!file)
			continue;
		if (n == max) {
			n = max + 1;
			break;
		}
		snap[n].file = get_file(file);
		snap[n].fd = fd;
		snap[n].cloexec = close_on_exec(fd, files);
		n++;
	}
	spin_unlock(&files->file_lock);
	return n;
}

/* A snapshot of @files in *@snapp, returning its length. */
static int ckpt_files_snap(struct ckpt_ctx *ctx, struct files_struct *files,
			   struct ckpt_fd_snap **snapp)
{
	struct ckpt_fd_snap *snap;
	unsigned int max, n;

	rcu_read_lock();
	max = files_fdtable(files)->max_fds;
	rcu_read_unlock();
	snap = kvcalloc(max, sizeof(*snap), GFP_KERNEL);
	if (!snap)
		return -ENOMEM;
	n = ckpt_snap_fds(files, snap, max);
	if (n > max) {
		/* The table grew: somebody outside the container shares it. */
		while (max--)
			fput(snap[max].file);
		kvfree(snap);
		return ckpt_err(ctx, -EBUSY, "an fd table changed during checkpoint");
	}
	*snapp = snap;
	return n;
}

static void ckpt_files_unsnap(struct ckpt_fd_snap *snap, unsigned int n)
{
	while (n--)
		fput(snap[n].file);
	kvfree(snap);
}

static int ckpt_files_collect(struct ckpt_ctx *ctx, void *ptr)
{
	struct ckpt_fd_snap *snap;
	int n, i, ret = 0;

	n = ckpt_files_snap(ctx, ptr, &snap);
	if (n < 0)
		return n;
	for (i = 0; i < n && !ret; i++) {
		ret = ckpt_obj_collect(ctx, snap[i].file, CKPT_OBJ_FILE);
		if (ret)
			ckpt_err(ctx, ret, "fd %u cannot be saved", snap[i].fd);
	}
	ckpt_files_unsnap(snap, n);
	/* The POSIX locks the table owns, once its files are known. */
	return ret ?: ckpt_collect_posix_locks(ctx, ptr);
}

static int ckpt_files_checkpoint(struct ckpt_ctx *ctx, void *ptr)
{
	struct ckpt_rec_files rec = { };
	struct ckpt_fd_snap *snap;
	struct ckpt_fd_entry e;
	int n, i, ret = 0;

	n = ckpt_files_snap(ctx, ptr, &snap);
	if (n < 0)
		return n;
	/* The files first, so that the table can name them. */
	for (i = 0; i < n && !ret; i++) {
		int ref = ckpt_obj_checkpoint(ctx, snap[i].file, CKPT_OBJ_FILE);

		if (ref < 0)
			ret = ref;
		snap[i].ref = ref;
	}
	if (ret)
		goto out;

	rec.nr_fds = n;
	ret = ckpt_write_begin(ctx, &rec, CKPT_REC_FILES, sizeof(rec),
			       n * sizeof(e));
	for (i = 0; i < n && !ret; i++) {
		e = (struct ckpt_fd_entry) {
			.fd = snap[i].fd,
			.file_ref = snap[i].ref,
			.flags = snap[i].cloexec ? CKPT_FD_CLOEXEC : 0,
		};
		ret = ckpt_write_data(ctx, &e, sizeof(e));
	}
	if (!ret)
		ret = ckpt_write_end(ctx);
out:
	ckpt_files_unsnap(snap, n);
	return ret;
}

/*
 * Rebuild the table in current->files, which the restored task owns
 * alone and which starts empty.
 */
static void *ckpt_files_restore(struct ckpt_ctx *ctx, void **state)
{
	struct files_struct *files = current->files;
	struct ckpt_rec_files rec;
	struct ckpt_fd_entry e;
	int ret;
	s64 last = -1;
	u32 i;

	ret = ckpt_obj_restore_here(ctx, CKPT_OBJ_KIND(CKPT_OBJ_FILE),
				    "an fd table", NULL);
	if (ret)
		return ERR_PTR(ret);

	ret = ckpt_read_begin(ctx, &rec, CKPT_REC_FILES, sizeof(rec),
			      CKPT_REC_MAX_LEN);
	if (ret < 0)
		return ERR_PTR(ret);
	if (rec.__pad || ret != (u64)rec.nr_fds * sizeof(e))
		return ERR_PTR(ckpt_err(ctx, -EINVAL, "malformed fd table record"));

	for (i = 0; i < rec.nr_fds; i++) {
		struct file *file;

		ret = ckpt_read_data(ctx, &e, sizeof(e));
		if (ret)
			return ERR_PTR(ret);
		if (e.fd <= last || e.fd >= sysctl_nr_open ||
		    e.flags & ~CKPT_FD_CLOEXEC || e.__pad)
			return ERR_PTR(ckpt_err(ctx, -EINVAL, "malformed fd entry for fd %d",
						e.fd));
		last = e.fd;
		file = ckpt_obj_fetch(ctx, e.file_ref, CKPT_OBJ_FILE);
		if (IS_ERR(file))
			return file;
		ret = replace_fd(e.fd, file,
				 e.flags & CKPT_FD_CLOEXEC ? O_CLOEXEC : 0);
		if (ret < 0)
			return ERR_PTR(ckpt_err(ctx, ret, "cannot install fd %d", e.fd));
	}
	ret = ckpt_read_end(ctx);
	if (ret)
		return ERR_PTR(ret);
	atomic_inc(&files->count);
	return files;
}

static void ckpt_files_grab(void *ptr)
{
	struct files_struct *files = ptr;

	atomic_inc(&files->count);
}

static void ckpt_files_drop(struct ckpt_ctx *ctx, void *ptr)
{
	put_files_struct(ptr);
}

static unsigned long ckpt_files_users(void *ptr)
{
	return atomic_read(&((struct files_struct *)ptr)->count);
}

const struct ckpt_obj_ops ckpt_files_ops = {
	.name		= "files",
	.grab		= ckpt_files_grab,
	.drop		= ckpt_files_drop,
	.users		= ckpt_files_users,
	.collect	= ckpt_files_collect,
	.checkpoint	= ckpt_files_checkpoint,
	.restore	= ckpt_files_restore,
};
