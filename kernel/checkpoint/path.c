// SPDX-License-Identifier: GPL-2.0-only
/*
 * Saved paths: how a file is named in an image, and how restart finds it
 * again without being fooled.
 *
 * A path in an image is only a name.  Between checkpoint and restart,
 * whoever owns a directory on the way can put something else under it:
 * a symlink to /etc/shadow or to /proc/1/mem, a hard link to another
 * file.  So restart looks every path up beneath the restored task's
 * root, following no symlink and no magic link (a path d_path() made
 * never holds one), and refuses what it finds unless it is the very
 * inode the checkpoint saw: same device, inode number and generation.
 * It looks up and opens a file with the credentials that opened it (its
 * f_cred, a cred object of the image), the restarter's never: open(2)'s
 * checks come out as they did for the task, and a task that opened a
 * file before dropping privileges gets it back.
 *
 * Files of kernel-interface filesystems (procfs, sysfs, debugfs, ...)
 * are the kernel's state under a name, not data of the container: what
 * the same name gives after a restart (another pid namespace, another
 * machine) is something else.  Both sides refuse them, but for a few
 * read-only files that mean the same to every reader.
 *
 * Nor may an image name a file its checkpointer could not open as it
 * is open: ckpt_file_may_open(), for open and mapped files alike.
 */
#include <linux/checkpoint.h>
#include <linux/cred.h>
#include <linux/dcache.h>
#include <linux/fs.h>
#include <linux/fs_struct.h>
#include <linux/kdev_t.h>
#include <linux/magic.h>
#include <linux/mount.h>
#include <linux/namei.h>
#include <linux/path.h>
#include <linux/slab.h>

#include "internal.h"

static const unsigned long ckpt_kernel_fs[] = {
	PROC_SUPER_MAGIC, SYSFS_MAGIC, DEBUGFS_MAGIC, TRACEFS_MAGIC,
	SECURITYFS_MAGIC, SELINUX_MAGIC, SMACK_MAGIC, BPF_FS_MAGIC,
	EFIVARFS_MAGIC, PSTOREFS_MAGIC, BINFMTFS_MAGIC,
};

/* Those without a magic number in <uapi/linux/magic.h>, by type name. */
static const char *const ckpt_kernel_fs_names[] = {
	"configfs", "fusectl", "mqueue",
};

/* cgroup files: state of the cgroup tree, not of the container; not yet. */
static bool ckpt_cgroup_fs(unsigned long magic)
{
	return magic == CGROUP_SUPER_MAGIC || magic == CGROUP2_SUPER_MAGIC;
}

/* Whether @sb is the kernel's state under a name rather than data. */
static bool ckpt_kernel_sb(const struct super_block *sb)
{
	unsigned int i;

	if (ckpt_cgroup_fs(sb->s_magic))
		return true;
	for (i = 0; i < ARRAY_SIZE(ckpt_kernel_fs); i++)
		if (sb->s_magic == ckpt_kernel_fs[i])
			return true;
	for (i = 0; i < ARRAY_SIZE(ckpt_kernel_fs_names); i++)
		if (!strcmp(sb->s_type->name, ckpt_kernel_fs_names[i]))
			return true;
	return false;
}

/*
 * The allow-list: files of those filesystems that a container may hold
 * open for reading, by their path from the filesystem's root.  Each is
 * the same for any reader in any namespace (time namespaces, which
 * /proc/uptime would see, are refused at checkpoint anyway).
 */
static const struct {
	unsigned long magic;
	const char *name;
} ckpt_kernel_fs_allowed[] = {
	{ PROC_SUPER_MAGIC, "/cpuinfo" },
	{ PROC_SUPER_MAGIC, "/loadavg" },
	{ PROC_SUPER_MAGIC, "/meminfo" },
	{ PROC_SUPER_MAGIC, "/stat" },
	{ PROC_SUPER_MAGIC, "/uptime" },
};

/**
 * ckpt_path_refused - whether an image may not name a path
 * @path:	an open file's, a mapped file's or a directory's path.
 * @write:	it is open for writing.
 *
 * Return: true for a path on a kernel-interface filesystem (procfs,
 * sysfs, ...) that the allow-list does not name for reading.
 */
bool ckpt_path_refused(const struct path *path, bool write)
{
	unsigned long magic = path->dentry->d_sb->s_magic;
	char buf[32], *name;
	unsigned int i;

	if (!ckpt_kernel_sb(path->dentry->d_sb))
		return false;
	if (write)
		return true;
	name = dentry_path_raw(path->dentry, buf, sizeof(buf));
	if (IS_ERR(name))
		return true;
	for (i = 0; i < ARRAY_SIZE(ckpt_kernel_fs_allowed); i++)
		if (magic == ckpt_kernel_fs_allowed[i].magic &&
		    !strcmp(name, ckpt_kernel_fs_allowed[i].name))
			return false;
	return true;
}

/**
 * ckpt_path_refused_why - why ckpt_path_refused() refuses a path
 * @path:	a path it refuses.
 *
 * Return: the reason, for a log line that names the path.
 */
const char *ckpt_path_refused_why(const struct path *path)
{
	if (ckpt_cgroup_fs(path->dentry->d_sb->s_magic))
		return "files of cgroupfs are not supported yet";
	return "files of procfs, sysfs and other kernel interfaces are not supported";
}

/**
 * ckpt_file_may_open - whether the caller could open a file as it is open
 * @file:	an open or mapped file of the container.
 *
 * The image hands whoever restarts it a file by name and mode: the
 * caller must be able to open it so itself, or checkpoint would turn its
 * right to ptrace the container into a right to files it cannot open.
 *
 * Return: 0, or the errno inode_permission() gives the caller.
 */
int ckpt_file_may_open(struct file *file)
{
	/* A mapped overlayfs file: the overlay's file is what is reopened. */
	const struct path *user = file_user_path(file);
	int mask = (file->f_mode & FMODE_READ ? MAY_READ : 0) |
		   (file->f_mode & FMODE_WRITE ? MAY_WRITE : 0);

	if (!mask || (file->f_mode & FMODE_PATH))
		return 0;
	return inode_permission(mnt_idmap(user->mnt), d_inode(user->dentry),
				mask);
}

/**
 * ckpt_file_id_fill - record which inode a saved path names
 * @id:		the record's field.
 * @inode:	the inode.
 */
void ckpt_file_id_fill(struct ckpt_file_id *id, const struct inode *inode)
{
	id->ino = inode->i_ino;
	id->dev = new_encode_dev(inode->i_sb->s_dev);
	id->generation = inode->i_generation;
}

/**
 * ckpt_file_id_valid - check an identity field read from an image
 * @id:		the field.
 * @named:	whether its record names a path.
 *
 * Return: true if @id names an inode (a nonzero number) exactly when the
 * record has a path, and is all zero otherwise.
 */
bool ckpt_file_id_valid(const struct ckpt_file_id *id, bool named)
{
	if (named)
		return id->ino;
	return !id->ino && !id->dev && !id->generation;
}

/*
 * @name, as the checkpointer named it, relative to a root the
 * checkpointer named @root_name; NULL if it does not lie beneath.
 */
static const char *ckpt_name_beneath(const char *name, const char *root_name)
{
	size_t n = strlen(root_name);

	if (!strcmp(root_name, "/"))
		return name;
	if (strncmp(name, root_name, n) || (name[n] && name[n] != '/'))
		return NULL;
	return name[n] ? name + n : "/";
}

static const char *ckpt_type_name(umode_t type)
{
	switch (type) {
	case S_IFREG:
		return "a regular file";
	case S_IFDIR:
		return "a directory";
	case S_IFIFO:
		return "a FIFO";
	case S_IFCHR:
		return "a character device";
	default:
		return "a regular file or a directory";
	}
}

/*
 * Whether @found is what the record said, checked before it is opened:
 * its type (and device number), and for what is to run or be mapped
 * executable what execve() or mmap(PROT_EXEC) would demand.
 */
static int ckpt_check_want(struct ckpt_ctx *ctx, const struct path *found,
			   const char *name, const struct ckpt_want *want)
{
	struct inode *inode = d_inode(found->dentry);
	umode_t type = inode->i_mode & S_IFMT;
	int ret;

	if (want->type ? type != want->type :
			 type != S_IFREG && type != S_IFDIR)
		return ckpt_err(ctx, -ESTALE, "%s is not the file it was at checkpoint: not %s",
				name, ckpt_type_name(want->type));
	if (type == S_IFCHR && inode->i_rdev != want->rdev)
		return ckpt_err(ctx, -ESTALE, "%s is not the device it was at checkpoint",
				name);
	if ((want->mapx || want->run) && path_noexec(found))
		return ckpt_err(ctx, -EACCES, "%s lies on a noexec mount", name);
	if (want->run) {
		ret = inode_permission(mnt_idmap(found->mnt), inode, MAY_EXEC);
		if (ret)
			return ckpt_err(ctx, ret, "%s may not be executed", name);
	}
	return 0;
}

/**
 * ckpt_lookup_beneath - find a path of the image again
 * @ctx:	restart context.
 * @root:	where the lookup starts, and which it cannot leave.
 * @root_name:	the name the checkpointer had for @root.
 * @name:	the path, absolute, as the checkpointer named it.
 * @id:		the identity it had then.
 * @want:	what it must be.
 * @cred:	the credentials to look it up with; NULL for the restarter's.
 * @found:	the path found, referenced.
 *
 * Follows no symlink and no magic link, and refuses what it finds unless
 * it is the inode @id names, on a filesystem the image may name, and
 * what @want says; all of it before anything opens the file.
 *
 * Return: 0, or a negative errno (logged).
 */
int ckpt_lookup_beneath(struct ckpt_ctx *ctx, const struct path *root,
			const char *root_name, const char *name,
			const struct ckpt_file_id *id,
			const struct ckpt_want *want, const struct cred *cred,
			struct path *found)
{
	const struct cred *old = NULL;
	const char *rel = ckpt_name_beneath(name, root_name);
	struct inode *inode;
	int ret;

	if (!rel)
		return ckpt_err(ctx, -EXDEV, "%s lies outside the root %s",
				name, root_name);
	if (cred)
		old = override_creds(cred);
	ret = vfs_path_lookup(root->dentry, root->mnt, rel,
			      LOOKUP_FOLLOW | LOOKUP_NO_SYMLINKS |
			      LOOKUP_NO_MAGICLINKS | LOOKUP_IN_ROOT |
			      (want->type == S_IFDIR ? LOOKUP_DIRECTORY : 0),
			      found);
	if (ret) {
		if (cred)
			revert_creds(old);
		return ckpt_err(ctx, ret, "cannot find %s again", name);
	}

	inode = d_inode(found->dentry);
	if (inode->i_ino != id->ino || inode->i_generation != id->generation ||
	    new_encode_dev(inode->i_sb->s_dev) != id->dev)
		ret = ckpt_err(ctx, -ESTALE, "%s is not the file it was at checkpoint",
			       name);
	else if (ckpt_path_refused(found, want->write))
		ret = ckpt_err(ctx, -EOPNOTSUPP, "%s: %s", name,
			       ckpt_path_refused_why(found));
	else
		ret = ckpt_check_want(ctx, found, name, want);
	if (cred)
		revert_creds(old);
	if (ret)
		path_put(found);
	return ret;
}

/*
 * The reading task's root, and its name as the checkpointer had it:
 * where the restarter's root is, it was (restart keeps the mount
 * namespace's layout).
 */
static int ckpt_task_root(struct ckpt_ctx *ctx, struct path *root, char *buf,
			  char **root_name)
{
	struct ckpt_rst_ctx *rst = ckpt_rst(ctx);

	get_fs_root(current->fs, root);
	*root_name = __d_path(root, &rst->root, buf, PATH_MAX);
	if (IS_ERR_OR_NULL(*root_name)) {
		path_put(root);
		return ckpt_err(ctx, -EXDEV,
				"the root of task %d lies outside the restarter's",
				rst->reader->entry.pid);
	}
	return 0;
}

/**
 * ckpt_reader_cred - the credentials the reading task opens files with
 * @ctx:	restart context.
 * @name:	what it is about to open, for the log.
 *
 * They may no longer change once it has opened anything with them.
 *
 * Return: the credentials, or NULL (logged) if the image has not given
 * the task any yet.
 */
const struct cred *ckpt_reader_cred(struct ckpt_ctx *ctx, const char *name)
{
	struct ckpt_task *ct = ckpt_rst(ctx)->reader;

	if (!ct->cred) {
		ckpt_err(ctx, -EINVAL, "task %d opens %s before its credentials are known",
			 ct->entry.pid, name);
		return NULL;
	}
	ct->opened = true;
	return ct->cred;
}

/**
 * ckpt_lookup_path - find a path of the image again, for the restored task
 * @ctx:	restart context; its reader is the task being rebuilt.
 * @name:	the path, absolute, as the checkpointer named it.
 * @id:		the identity it had then.
 * @want:	what it must be.
 * @cred:	the credentials that opened it.
 * @found:	the path found, referenced.
 *
 * ckpt_lookup_beneath() from the task's restored root.
 *
 * Return: 0, or a negative errno (logged).
 */
int ckpt_lookup_path(struct ckpt_ctx *ctx, const char *name,
		     const struct ckpt_file_id *id,
		     const struct ckpt_want *want, const struct cred *cred,
		     struct path *found)
{
	char *buf, *root_name;
	struct path root;
	int ret;

	buf = kmalloc(PATH_MAX, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	ret = ckpt_task_root(ctx, &root, buf, &root_name);
	if (!ret) {
		ret = ckpt_lookup_beneath(ctx, &root, root_name, name, id,
					  want, cred, found);
		path_put(&root);
	}
	kfree(buf);
	return ret;
}

/**
 * ckpt_reopen - open a file of the image again, for the restored task
 * @ctx:	restart context; its reader is the task being rebuilt.
 * @name:	the path, absolute, as the checkpointer named it.
 * @id:		the identity it had then.
 * @want:	what it must be; its @write is taken from @flags.
 * @flags:	open flags; never O_CREAT or O_TRUNC.
 * @cred:	the credentials that opened it.
 *
 * Finds @name with ckpt_lookup_path() and opens what it found, with
 * the permission checks of open(2) made against @cred.
 *
 * Return: the file, or an ERR_PTR (logged).
 */
struct file *ckpt_reopen(struct ckpt_ctx *ctx, const char *name,
			 const struct ckpt_file_id *id,
			 const struct ckpt_want *want, int flags,
			 const struct cred *cred)
{
	struct ckpt_want w = *want;
	const struct cred *old;
	struct file *file;
	struct path path;
	int ret;

	w.write = (flags & O_ACCMODE) != O_RDONLY;
	if (flags & O_DIRECTORY && !w.type)
		w.type = S_IFDIR;
	ret = ckpt_lookup_path(ctx, name, id, &w, cred, &path);
	if (ret)
		return ERR_PTR(ret);
	/* The empty name opens @path itself, as open_by_handle_at() does. */
	old = override_creds(cred);
	file = file_open_root(&path, "", flags, 0);
	revert_creds(old);
	path_put(&path);
	if (IS_ERR(file))
		ckpt_err(ctx, PTR_ERR(file), "cannot open %s again", name);
	return file;
}
