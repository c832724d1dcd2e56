// SPDX-License-Identifier: GPL-2.0-only
/*
 * fs_struct (CKPT_OBJ_FS): root, working directory and umask, saved as
 * paths and looked up again on restart.
 */
#include <linux/checkpoint.h>
#include <linux/fs_struct.h>
#include <linux/namei.h>
#include <linux/slab.h>

#include "internal.h"

/*
 * The root and working directory of @fs, referenced in @root and @pwd,
 * and their names in a buffer allocated into @bufp; or a negative errno
 * (logged) for a directory the image could not name.  The caller puts
 * the paths and frees the buffer, whatever this returns.
 */
static int ckpt_fs_paths(struct ckpt_ctx *ctx, struct fs_struct *fs,
			 char **bufp, struct path *root, struct path *pwd,
			 char **rp, char **pp)
{
	char *buf;

	get_fs_root(fs, root);
	get_fs_pwd(fs, pwd);
	buf = kmalloc(2 * PATH_MAX, GFP_KERNEL);
	*bufp = buf;
	if (!buf)
		return -ENOMEM;
	*rp = d_path(root, buf, PATH_MAX);
	*pp = d_path(pwd, buf + PATH_MAX, PATH_MAX);
	if (IS_ERR(*rp) || IS_ERR(*pp))
		return ckpt_err(ctx, -ENAMETOOLONG, "cannot name a root or working directory");
	if (d_unlinked(root->dentry) || d_unlinked(pwd->dentry))
		return ckpt_err(ctx, -EOPNOTSUPP,
				"a deleted root or working directory is not supported");
	if (ckpt_path_refused(root, false) || ckpt_path_refused(pwd, false))
		return ckpt_err(ctx, -EOPNOTSUPP,
				"root %s or working directory %s: procfs, sysfs and other kernel interfaces are not supported",
				*rp, *pp);
	return 0;
}

static int ckpt_fs_collect(struct ckpt_ctx *ctx, void *ptr)
{
	struct path root, pwd;
	char *buf, *rp, *pp;
	int ret;

	ret = ckpt_fs_paths(ctx, ptr, &buf, &root, &pwd, &rp, &pp);
	path_put(&root);
	path_put(&pwd);
	kfree(buf);
	return ret;
}

static int ckpt_fs_checkpoint(struct ckpt_ctx *ctx, void *ptr)
{
	struct fs_struct *fs = ptr;
	struct ckpt_rec_fs rec = { };
	struct path root, pwd;
	char *buf, *rp, *pp;
	int ret;

	spin_lock(&fs->lock);
	rec.umask = fs->umask;
	spin_unlock(&fs->lock);
	ret = ckpt_fs_paths(ctx, fs, &buf, &root, &pwd, &rp, &pp);
	if (ret)
		goto out;
	rec.root_len = strlen(rp);
	rec.pwd_len = strlen(pp);
	ckpt_file_id_fill(&rec.root_id, d_inode(root.dentry));
	ckpt_file_id_fill(&rec.pwd_id, d_inode(pwd.dentry));
	ret = ckpt_write_begin(ctx, &rec, CKPT_REC_FS, sizeof(rec),
			       rec.root_len + rec.pwd_len);
	if (!ret)
		ret = ckpt_write_data(ctx, rp, rec.root_len);
	if (!ret)
		ret = ckpt_write_data(ctx, pp, rec.pwd_len);
	if (!ret)
		ret = ckpt_write_end(ctx);
out:
	path_put(&root);
	path_put(&pwd);
	kfree(buf);
	return ret;
}

/*
 * Find the root and the working directory again: the root where the
 * restarter's root is, with the restarter's rights (the directories
 * above a container's root are the host's, as for a runtime that
 * chroots into it), the working directory beneath the root as the task.
 * Neither through a symlink, and each the very directory it was.
 */
static int ckpt_fs_lookup(struct ckpt_ctx *ctx, const struct ckpt_rec_fs *rec,
			  const char *rp, const char *pp, struct path *root,
			  struct path *pwd)
{
	const struct cred *cred = ckpt_reader_cred(ctx, pp);
	static const struct ckpt_want dir = { .type = S_IFDIR };
	int ret;

	if (!cred)
		return -EINVAL;
	ret = ckpt_lookup_beneath(ctx, &ckpt_rst(ctx)->root, "/", rp, &rec->root_id,
				  &dir, NULL, root);
	if (ret)
		return ret;
	ret = ckpt_lookup_beneath(ctx, root, rp, pp, &rec->pwd_id, &dir,
				  cred, pwd);
	if (ret)
		path_put(root);
	return ret;
}

/*
 * A new fs_struct, which current, the task whose own it is, takes at
 * once: the files it opens next are looked up beneath its root.
 */
static void *ckpt_fs_restore(struct ckpt_ctx *ctx, void **state)
{
	struct ckpt_rec_fs rec;
	struct path root, pwd;
	struct fs_struct *fs = NULL;
	char *rp, *pp = NULL;
	int ret;

	ret = ckpt_read_begin(ctx, &rec, CKPT_REC_FS, sizeof(rec), 2 * PATH_MAX);
	if (ret < 0)
		return ERR_PTR(ret);
	if (rec.__pad || rec.umask & ~0777 ||
	    ret != (u64)rec.root_len + rec.pwd_len ||
	    !ckpt_file_id_valid(&rec.root_id, true) ||
	    !ckpt_file_id_valid(&rec.pwd_id, true))
		return ERR_PTR(ckpt_err(ctx, -EINVAL, "malformed fs record"));
	rp = ckpt_read_path(ctx, rec.root_len);
	if (IS_ERR(rp))
		return rp;
	pp = ckpt_read_path(ctx, rec.pwd_len);
	ret = PTR_ERR_OR_ZERO(pp) ?: ckpt_read_end(ctx);
	if (ret)
		goto out;
	ret = ckpt_fs_lookup(ctx, &rec, rp, pp, &root, &pwd);
	if (ret)
		goto out;

	fs = copy_fs_struct(current->fs);
	if (fs) {
		set_fs_root(fs, &root);
		set_fs_pwd(fs, &pwd);
		fs->umask = rec.umask;
		ckpt_install_fs(fs);
	} else {
		ret = -ENOMEM;
	}
	path_put(&pwd);
	path_put(&root);
out:
	if (!IS_ERR(pp))
		kfree(pp);
	kfree(rp);
	return ret ? ERR_PTR(ret) : fs;
}

static void ckpt_fs_grab(void *ptr)
{
	struct fs_struct *fs = ptr;

	spin_lock(&fs->lock);
	fs->users++;
	spin_unlock(&fs->lock);
}

static void ckpt_fs_drop(struct ckpt_ctx *ctx, void *ptr)
{
	struct fs_struct *fs = ptr;
	bool last;

	spin_lock(&fs->lock);
	last = !--fs->users;
	spin_unlock(&fs->lock);
	if (last)
		free_fs_struct(fs);
}

/**
 * ckpt_install_fs - make current use @fs, as CLONE_FS would have
 * @fs:	a restored fs_struct.
 */
void ckpt_install_fs(struct fs_struct *fs)
{
	struct fs_struct *old;

	ckpt_fs_grab(fs);
	task_lock(current);
	old = current->fs;
	current->fs = fs;
	task_unlock(current);
	ckpt_fs_drop(NULL, old);
}

static unsigned long ckpt_fs_users(void *ptr)
{
	return ((struct fs_struct *)ptr)->users;
}

const struct ckpt_obj_ops ckpt_fs_ops = {
	.name		= "fs",
	.grab		= ckpt_fs_grab,
	.drop		= ckpt_fs_drop,
	.users		= ckpt_fs_users,
	.collect	= ckpt_fs_collect,
	.checkpoint	= ckpt_fs_checkpoint,
	.restore	= ckpt_fs_restore,
};
