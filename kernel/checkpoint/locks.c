// SPDX-License-Identifier: GPL-2.0-only
/*
 * File locks: flock(2), POSIX (F_SETLK) and OFD (F_OFD_SETLK) locks.
 *
 * A lock belongs to its owner: a flock or OFD lock to the open file
 * description it was taken through, a POSIX lock to an fd table and the
 * process that took it.  Checkpoint saves the locks whose owner is the
 * container's, found on the inodes of its open files while they are
 * collected; a lock somebody outside holds on the same file is theirs.
 *
 * Restart takes each lock again as its owner before any task runs, and
 * a lock taken since by somebody else fails it.  It needs the lock's
 * file (and, for a POSIX lock, fd table) rebuilt and its taker created,
 * whose pid the lock shows: so the record of a lock goes at the end of
 * the part of the image of the first task by which both are done.
 *
 * A lock request that was waiting (F_SETLKW, flock() without LOCK_NB)
 * is no state of its own: the waiter left the wait to park for the
 * checkpoint, and re-issues the call on restart, as after a signal.
 * Leases are refused.
 */
#include <linux/checkpoint.h>
#include <linux/fdtable.h>
#include <linux/file.h>
#include <linux/filelock.h>
#include <linux/fs.h>
#include <linux/pid_namespace.h>
#include <linux/sched/task.h>
#include <linux/security.h>
#include <linux/slab.h>

#include "internal.h"

/* One lock of the container's, as collection found it. */
struct ckpt_lock_ent {
	struct list_head node;
	const void *fl;			/* which lock: compared, never used */
	struct file *file;		/* pinned by the objhash */
	struct files_struct *files;	/* POSIX: the owner, pinned likewise */
	struct ckpt_task *taker;	/* once resolved; NULL for none */
	pid_t pid;			/* taker in the container, or 0 */
	u32 kind;
	u32 type;
	loff_t start;
	loff_t end;
	bool written;
};

struct ckpt_locks {
	struct list_head list;
	unsigned int nr;
	bool resolved;
};

/*
 * Locks of one container: beyond this, refused before anything is
 * written.  It keeps every CKPT_REC_LOCKS within CKPT_REC_MAX_LEN and
 * the walks of the inodes' lock lists short.
 */
#define CKPT_LOCKS_MAX	4096

/* What a lock holds, copied out from under flc_lock. */
struct ckpt_lock_copy {
	const void *fl;
	u32 kind;
	u32 type;
	loff_t start;
	loff_t end;
	pid_t pid;
};

typedef bool (*ckpt_lock_match_t)(struct file_lock_core *flc, void *owner);

static bool ckpt_match_flock(struct file_lock_core *flc, void *file)
{
	return flc->flc_file == file;
}

static bool ckpt_match_ofd(struct file_lock_core *flc, void *file)
{
	return (flc->flc_flags & FL_OFDLCK) && flc->flc_file == file;
}

static bool ckpt_match_posix(struct file_lock_core *flc, void *files)
{
	return !(flc->flc_flags & FL_OFDLCK) && flc->flc_owner == files;
}

/*
 * Copy the @n-th lock of @head that @match takes into @c.  The locks
 * the container owns hold still while it is frozen; others' come and
 * go around them, so the list is walked afresh each time.
 */
static bool ckpt_nth_lock(struct file_lock_context *flctx,
			  struct list_head *head, ckpt_lock_match_t match,
			  void *owner, unsigned int n, struct ckpt_lock_copy *c)
{
	struct file_lock *fl;
	bool found = false;

	spin_lock(&flctx->flc_lock);
	for_each_file_lock(fl, head) {
		if (!match(&fl->c, owner) || n--)
			continue;
		c->fl = fl;
		c->type = fl->c.flc_type == F_RDLCK ? CKPT_LOCK_READ :
						      CKPT_LOCK_WRITE;
		c->start = fl->fl_start;
		c->end = fl->fl_end;
		c->pid = fl->c.flc_pid;
		found = true;
		break;
	}
	spin_unlock(&flctx->flc_lock);
	return found;
}

/* The container's number of the process a lock shows, or 0. */
static pid_t ckpt_lock_pid_nr(struct ckpt_ctx *ctx, pid_t pid)
{
	pid_t nr;

	if (pid <= 0)
		return 0;
	rcu_read_lock();
	nr = pid_nr_ns(find_pid_ns(pid, &init_pid_ns), ctx->root_ns);
	rcu_read_unlock();
	return nr;
}

/* A log line about a lock on @file, which it starts with the file's name. */
__printf(4, 5)
static int ckpt_lock_err(struct ckpt_ctx *ctx, int err, struct file *file,
			 const char *fmt, ...)
{
	char *buf = kmalloc(PATH_MAX, GFP_KERNEL), *path = NULL, *msg;
	va_list args;

	if (buf)
		path = d_path(&file->f_path, buf, PATH_MAX);
	va_start(args, fmt);
	msg = kvasprintf(GFP_KERNEL, fmt, args);
	va_end(args);
	ckpt_err(ctx, err, "%s: %s", IS_ERR_OR_NULL(path) ? "(unnamed file)" : path,
		 msg ?: "");
	kfree(msg);
	kfree(buf);
	return err;
}

/* Whether @file may carry a lock of @type, as flock(2) and fcntl(2) ask. */
static bool ckpt_lock_mode_ok(struct file *file, u32 kind, u32 type)
{
	if (file->f_mode & FMODE_PATH)
		return false;
	if (kind == CKPT_LOCK_FLOCK)
		return file->f_mode & (FMODE_READ | FMODE_WRITE);
	return file->f_mode & (type == CKPT_LOCK_READ ? FMODE_READ : FMODE_WRITE);
}

static struct ckpt_lock_ent *ckpt_lock_find(struct ckpt_locks *locks,
					    const void *fl)
{
	struct ckpt_lock_ent *e;

	list_for_each_entry(e, &locks->list, node)
		if (e->fl == fl)
			return e;
	return NULL;
}

/*
 * Note every lock of @head that @match takes, found through @file (in
 * the objhash).  A POSIX lock seen again through another file of its
 * fd table keeps the first file that may carry it.
 */
static int ckpt_note_locks(struct ckpt_ctx *ctx, struct file *file,
			   struct list_head *head, ckpt_lock_match_t match,
			   void *owner, u32 kind, struct files_struct *files)
{
	struct ckpt_save_ctx *save = ckpt_save(ctx);
	struct file_lock_context *flctx = locks_inode_context(file_inode(file));
	struct ckpt_lock_ent *e;
	struct ckpt_lock_copy c;
	unsigned int n;

	if (!save->locks) {
		save->locks = kzalloc(sizeof(*save->locks), GFP_KERNEL);
		if (!save->locks)
			return -ENOMEM;
		INIT_LIST_HEAD(&save->locks->list);
	}
	for (n = 0; ckpt_nth_lock(flctx, head, match, owner, n, &c); n++) {
		e = ckpt_lock_find(save->locks, c.fl);
		if (e) {
			if (!ckpt_lock_mode_ok(e->file, kind, e->type))
				e->file = file;
			continue;
		}
		BUILD_BUG_ON(sizeof(struct ckpt_rec_locks) +
			     CKPT_LOCKS_MAX * sizeof(struct ckpt_lock) > CKPT_REC_MAX_LEN);
		if (save->locks->nr == CKPT_LOCKS_MAX)
			return ckpt_err(ctx, -EOPNOTSUPP,
					"more than %u file locks; not supported",
					CKPT_LOCKS_MAX);
		cond_resched();
		e = kzalloc(sizeof(*e), GFP_KERNEL_ACCOUNT);
		if (!e)
			return -ENOMEM;
		save->locks->nr++;
		e->fl = c.fl;
		e->file = file;
		e->files = files;
		/* An OFD lock shows no pid (-1). */
		e->pid = kind == CKPT_LOCK_OFD ? 0 : ckpt_lock_pid_nr(ctx, c.pid);
		e->kind = kind;
		e->type = c.type;
		e->start = c.start;
		e->end = c.end;
		list_add_tail(&e->node, &save->locks->list);
	}
	return 0;
}

/* Whether somebody holds a lease on @file's inode through @file. */
static bool ckpt_file_leased(struct file_lock_context *flctx,
			     struct file *file)
{
	struct file_lock_core *flc;
	bool leased = false;

	spin_lock(&flctx->flc_lock);
	list_for_each_entry(flc, &flctx->flc_lease, flc_list)
		if (flc->flc_file == file)
			leased = true;
	spin_unlock(&flctx->flc_lock);
	return leased;
}

/**
 * ckpt_collect_file_locks - note the locks an open file owns
 * @ctx:	checkpoint context, before anything is written.
 * @file:	an open file of the container, in the objhash.
 * @path:	its name, for the log.
 *
 * flock and OFD locks belong to the file they were taken through;
 * leases on it are refused.
 *
 * Return: 0, or a negative errno (logged).
 */
int ckpt_collect_file_locks(struct ckpt_ctx *ctx, struct file *file,
			    const char *path)
{
	struct file_lock_context *flctx = locks_inode_context(file_inode(file));

	if (!flctx)
		return 0;
	if (ckpt_file_leased(flctx, file))
		return ckpt_err(ctx, -EOPNOTSUPP,
				"open file %s: leases (F_SETLEASE) are not supported",
				path);
	return ckpt_note_locks(ctx, file, &flctx->flc_flock, ckpt_match_flock,
			       file, CKPT_LOCK_FLOCK, NULL) ?:
	       ckpt_note_locks(ctx, file, &flctx->flc_posix, ckpt_match_ofd,
			       file, CKPT_LOCK_OFD, NULL);
}

/**
 * ckpt_file_owns_locks - does a file own flock or OFD locks
 * @file:	a file of the container, mapped by one of its VMAs.
 *
 * Such locks are saved with the file as an open file of the image; a
 * file only a mapping holds is not one (restart maps it by its path).
 *
 * Return: true if @file is the owner of a flock or OFD lock.
 */
bool ckpt_file_owns_locks(struct file *file)
{
	struct file_lock_context *flctx = locks_inode_context(file_inode(file));
	struct file_lock *fl;
	bool owns = false;

	if (!flctx)
		return false;
	spin_lock(&flctx->flc_lock);
	for_each_file_lock(fl, &flctx->flc_flock)
		owns |= ckpt_match_flock(&fl->c, file);
	for_each_file_lock(fl, &flctx->flc_posix)
		owns |= ckpt_match_ofd(&fl->c, file);
	spin_unlock(&flctx->flc_lock);
	return owns;
}

/* The file at @fd of a frozen fd table, referenced; NULL for none. */
static struct file *ckpt_fd_file(struct files_struct *files, unsigned int fd,
				 bool *end)
{
	struct file *file = NULL;

	spin_lock(&files->file_lock);
	*end = fd >= files_fdtable(files)->max_fds;
	if (!*end) {
		file = files_lookup_fd_locked(files, fd);
		if (file)
			get_file(file);
	}
	spin_unlock(&files->file_lock);
	return file;
}

/**
 * ckpt_collect_posix_locks - note the POSIX locks an fd table owns
 * @ctx:	checkpoint context, before anything is written.
 * @files:	an fd table of the container whose files are collected.
 *
 * A POSIX lock goes when its owner closes any fd of its inode, so the
 * table still holds a file of every inode it has locks on; restart
 * takes each lock through one that may carry it.
 *
 * Return: 0, or a negative errno (logged).
 */
int ckpt_collect_posix_locks(struct ckpt_ctx *ctx, struct files_struct *files)
{
	struct ckpt_save_ctx *save = ckpt_save(ctx);
	struct file_lock_context *flctx;
	struct ckpt_lock_ent *e;
	struct file *file;
	unsigned int fd;
	bool end;
	int ret = 0;

	for (fd = 0; !ret; fd++) {
		file = ckpt_fd_file(files, fd, &end);
		if (end)
			break;
		if (!file)
			continue;
		/*
		 * Only files the objhash holds: a table shared with a task
		 * outside (refused later) may have gained one since, which
		 * the entry would point to once this fput() let it go.
		 */
		if (!ckpt_obj_known(ctx, file, CKPT_OBJ_FILE)) {
			fput(file);
			continue;
		}
		flctx = locks_inode_context(file_inode(file));
		if (flctx)
			ret = ckpt_note_locks(ctx, file, &flctx->flc_posix,
					      ckpt_match_posix, files,
					      CKPT_LOCK_POSIX, files);
		fput(file);
	}
	if (ret || !save->locks)
		return ret;
	list_for_each_entry(e, &save->locks->list, node) {
		if (e->files != files ||
		    ckpt_lock_mode_ok(e->file, e->kind, e->type))
			continue;
		return ckpt_lock_err(ctx, -EOPNOTSUPP, e->file,
				     "a POSIX lock on it has no fd open for %s in the fd table that owns it",
				     e->type == CKPT_LOCK_READ ? "reading" : "writing");
	}
	return 0;
}

/* Whether @ct has a part of the image of its own. */
static bool ckpt_lock_has_part(struct ckpt_ctx *ctx, struct ckpt_task *ct)
{
	return !(ct->entry.flags & CKPT_TREE_ZOMBIE) || ckpt_leads_threads(ctx, ct);
}

/*
 * The task that a lock's pid names, if restart can show it: a process
 * with a part of the image and, for a POSIX lock, still using the fd
 * table that owns it.  Else the lock shows no pid (0), as it showed in
 * the container once that process was gone.
 */
static struct ckpt_task *ckpt_lock_taker(struct ckpt_ctx *ctx,
					 struct ckpt_lock_ent *e)
{
	struct ckpt_task *pt = ckpt_find_task(ctx, e->pid), *u;

	if (!pt || pt->entry.pid != pt->entry.tgid ||
	    !ckpt_lock_has_part(ctx, pt))
		return NULL;
	if (!e->files)
		return pt;
	for (u = ctx->tasks; u < ctx->tasks + ctx->nr_tasks; u++)
		if (u->entry.tgid == pt->entry.pid && u->objs.files == e->files)
			return pt;
	return NULL;
}

/* Whether @e can be written in @ct's part: fill @l if so. */
static bool ckpt_lock_ready(struct ckpt_ctx *ctx, struct ckpt_task *ct,
			    struct ckpt_lock_ent *e, struct ckpt_lock *l)
{
	if (e->written || (e->taker && e->taker > ct))
		return false;
	*l = (struct ckpt_lock) {
		.kind = e->kind,
		.type = e->type,
		.file_ref = ckpt_obj_written(ctx, e->file, CKPT_OBJ_FILE),
		.files_ref = e->files ?
			     ckpt_obj_written(ctx, e->files, CKPT_OBJ_FILES) : 0,
		.pid = e->taker ? e->pid : 0,
		.start = e->start,
		.end = e->end,
	};
	return l->file_ref && (!e->files || l->files_ref);
}

/**
 * ckpt_checkpoint_locks - write the locks whose objects and taker are done
 * @ctx:	checkpoint context.
 * @ct:		a task whose part of the image has just been written.
 *
 * Every lock is written once, in the part of the first task after which
 * restart has its file, its fd table and its taker: the last of these
 * has a part of its own (a taker without one is none), so none is left.
 *
 * Return: 0 or a negative errno.
 */
int ckpt_checkpoint_locks(struct ckpt_ctx *ctx, struct ckpt_task *ct)
{
	struct ckpt_save_ctx *save = ckpt_save(ctx);
	struct ckpt_rec_locks rec = { };
	struct ckpt_lock_ent *e;
	struct ckpt_lock l;
	int ret;

	if (!save->locks)
		return 0;
	if (!save->locks->resolved) {
		list_for_each_entry(e, &save->locks->list, node)
			e->taker = ckpt_lock_taker(ctx, e);
		save->locks->resolved = true;
	}
	list_for_each_entry(e, &save->locks->list, node)
		rec.nr += ckpt_lock_ready(ctx, ct, e, &l);
	if (!rec.nr)
		return 0;
	ret = ckpt_write_begin(ctx, &rec, CKPT_REC_LOCKS, sizeof(rec),
			       rec.nr * sizeof(l));
	list_for_each_entry(e, &save->locks->list, node) {
		if (ret)
			break;
		if (!ckpt_lock_ready(ctx, ct, e, &l))
			continue;
		e->written = true;
		ret = ckpt_write_data(ctx, &l, sizeof(l));
	}
	return ret ?: ckpt_write_end(ctx);
}

/**
 * ckpt_locks_free - forget the locks a checkpoint found
 * @ctx:	checkpoint context.
 */
void ckpt_locks_free(struct ckpt_ctx *ctx)
{
	struct ckpt_save_ctx *save = ckpt_save(ctx);
	struct ckpt_lock_ent *e, *tmp;

	if (!save->locks)
		return;
	list_for_each_entry_safe(e, tmp, &save->locks->list, node)
		kfree(e);
	kfree(save->locks);
	save->locks = NULL;
}

/* ---- restart ---- */

/* Whether @file is open in @files, as the owner of a POSIX lock has it. */
static bool ckpt_files_hold(struct files_struct *files, struct file *file)
{
	struct fdtable *fdt;
	unsigned int fd;
	bool held = false;

	spin_lock(&files->file_lock);
	fdt = files_fdtable(files);
	for (fd = 0; fd < fdt->max_fds && !held; fd++)
		held = files_lookup_fd_locked(files, fd) == file;
	spin_unlock(&files->file_lock);
	return held;
}

/*
 * The pid a lock of the image shows, in the restarter's terms: that of
 * a process restored no later than @ct, which for a POSIX lock uses
 * the fd table @files that owns it, as the process that took it did.
 */
static pid_t ckpt_lock_restored_pid(struct ckpt_ctx *ctx, struct ckpt_task *ct,
				    pid_t nr, struct files_struct *files)
{
	struct ckpt_task *pt = ckpt_find_task(ctx, nr), *u;
	bool uses = !files;

	if (!pt || pt > ct || pt->entry.pid != pt->entry.tgid ||
	    !ckpt_lock_has_part(ctx, pt) || !pt->task)
		return ckpt_err(ctx, -EINVAL,
				"a lock names pid %d, not a process restored before task %d",
				nr, ct->entry.pid);
	for (u = pt; u <= ct && !uses; u++) {
		if (u->entry.tgid != nr || !u->task)
			continue;
		task_lock(u->task);
		uses = u->task->files == files;
		task_unlock(u->task);
	}
	if (!uses)
		return ckpt_err(ctx, -EINVAL,
				"process %d does not use the fd table that owns its POSIX lock",
				nr);
	return task_tgid_nr(pt->task);
}

/* Take @l again on @file, as flock(2) or fcntl(F_SETLK) would. */
static int ckpt_take_lock(struct file *file, const struct ckpt_lock *l,
			  fl_owner_t owner, pid_t pid)
{
	struct file_lock *fl = locks_alloc_lock();
	int ret;

	if (!fl)
		return -ENOMEM;
	fl->c.flc_file = file;
	fl->c.flc_owner = owner;
	fl->c.flc_pid = pid;
	fl->c.flc_type = l->type == CKPT_LOCK_READ ? F_RDLCK : F_WRLCK;
	fl->fl_start = l->start;
	fl->fl_end = l->end;
	ret = security_file_lock(file, fl->c.flc_type);
	if (ret)
		goto out;
	switch (l->kind) {
	case CKPT_LOCK_FLOCK:
		fl->c.flc_flags = FL_FLOCK;
		if (file->f_op->flock)
			ret = file->f_op->flock(file, F_SETLK, fl);
		else
			ret = locks_lock_file_wait(file, fl);
		break;
	case CKPT_LOCK_OFD:
		fl->c.flc_flags = FL_POSIX | FL_OFDLCK;
		ret = vfs_lock_file(file, F_SETLK, fl, NULL);
		break;
	default:
		fl->c.flc_flags = FL_POSIX;
		ret = vfs_lock_file(file, F_SETLK, fl, NULL);
		break;
	}
out:
	locks_free_lock(fl);
	return ret;
}

static const char *const ckpt_lock_kinds[] = {
	[CKPT_LOCK_FLOCK]	= "flock",
	[CKPT_LOCK_POSIX]	= "POSIX",
	[CKPT_LOCK_OFD]		= "OFD",
};

/* Validate one lock of the image and take it, in @ct's part. */
static int ckpt_restore_lock(struct ckpt_ctx *ctx, struct ckpt_task *ct,
			     const struct ckpt_lock *l)
{
	bool posix = l->kind == CKPT_LOCK_POSIX;
	struct files_struct *files = NULL;
	struct file *file;
	fl_owner_t owner;
	pid_t pid = 0;
	int ret;

	if (l->__pad || !l->kind || l->kind > CKPT_LOCK_OFD ||
	    (l->type != CKPT_LOCK_READ && l->type != CKPT_LOCK_WRITE) ||
	    l->start > l->end || l->end > CKPT_LOCK_EOF || l->pid < 0 ||
	    (l->kind == CKPT_LOCK_FLOCK &&
	     (l->start || l->end != CKPT_LOCK_EOF)) ||
	    (l->kind == CKPT_LOCK_OFD && l->pid) ||
	    !l->files_ref == posix)
		return ckpt_err(ctx, -EINVAL, "malformed lock record at offset %llu",
				ctx->rec_start);
	file = ckpt_obj_fetch(ctx, l->file_ref, CKPT_OBJ_FILE);
	if (IS_ERR(file))
		return PTR_ERR(file);
	if (posix) {
		files = ckpt_obj_fetch(ctx, l->files_ref, CKPT_OBJ_FILES);
		if (IS_ERR(files))
			return PTR_ERR(files);
		if (!ckpt_files_hold(files, file))
			return ckpt_lock_err(ctx, -EINVAL, file,
					     "the fd table that owns a POSIX lock on it does not hold it");
	}
	if (!ckpt_lock_mode_ok(file, l->kind, l->type))
		return ckpt_lock_err(ctx, -EBADF, file, "not open for the %s lock on it",
				     ckpt_lock_kinds[l->kind]);
	if (l->pid) {
		pid = ckpt_lock_restored_pid(ctx, ct, l->pid, files);
		if (pid < 0)
			return pid;
	}
	owner = posix ? (fl_owner_t)files : (fl_owner_t)file;
	if (l->kind == CKPT_LOCK_OFD)
		pid = -1;
	ret = ckpt_take_lock(file, l, owner, pid);
	if (ret == -EAGAIN)
		return ckpt_lock_err(ctx, ret, file,
				     "its %s lock conflicts with a lock taken since the checkpoint",
				     ckpt_lock_kinds[l->kind]);
	if (ret)
		return ckpt_lock_err(ctx, ret, file, "cannot take its %s lock again",
				     ckpt_lock_kinds[l->kind]);
	return 0;
}

/**
 * ckpt_restore_locks - take the locks at the end of a task's part again
 * @ctx:	restart context.
 * @ct:		the task reading its part, current.
 *
 * Return: 0 (also when there is no CKPT_REC_LOCKS), or a negative errno
 * (logged).
 */
int ckpt_restore_locks(struct ckpt_ctx *ctx, struct ckpt_task *ct)
{
	struct ckpt_rec_locks rec;
	struct ckpt_lock l;
	int type, ret;
	u32 i;

	type = ckpt_peek_type(ctx);
	if (type != CKPT_REC_LOCKS)
		return type < 0 ? type : 0;
	ret = ckpt_read_begin(ctx, &rec, CKPT_REC_LOCKS, sizeof(rec),
			      CKPT_REC_MAX_LEN);
	if (ret < 0)
		return ret;
	if (rec.__pad || !rec.nr || ret != (u64)rec.nr * sizeof(l))
		return ckpt_err(ctx, -EINVAL, "malformed lock record at offset %llu",
				ctx->rec_start);
	for (i = 0; i < rec.nr; i++) {
		ret = ckpt_read_data(ctx, &l, sizeof(l)) ?:
		      ckpt_restore_lock(ctx, ct, &l);
		if (ret)
			return ret;
	}
	return ckpt_read_end(ctx);
}
