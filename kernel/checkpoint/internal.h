/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Private to kernel/checkpoint/: what its files share with one another and
 * nothing outside that directory may include.  <linux/checkpoint.h> holds
 * only what the architecture and other subsystems need.
 */
#ifndef _KERNEL_CHECKPOINT_INTERNAL_H
#define _KERNEL_CHECKPOINT_INTERNAL_H

#include <linux/checkpoint.h>

/* The record stream, image.c: the parts the architecture does not use */
int ckpt_write_rec(struct ckpt_ctx *ctx, void *rec, u32 type, u32 len);
int ckpt_write_pages(struct ckpt_ctx *ctx, struct page **pages, unsigned int nr);
int ckpt_write_page_run(struct ckpt_ctx *ctx, u64 addr, struct page **run,
			unsigned int nr);
int ckpt_read_rec(struct ckpt_ctx *ctx, void *rec, u32 type, u32 len);
int ckpt_read_page_runs(struct ckpt_ctx *ctx, u64 start, u64 end,
			int (*put)(struct ckpt_ctx *ctx, void *arg, u64 addr,
				   void *page),
			void *arg);
int ckpt_peek_type(struct ckpt_ctx *ctx);
char *ckpt_read_path(struct ckpt_ctx *ctx, u32 len);

int ckpt_write_header(struct ckpt_ctx *ctx);
int ckpt_read_header(struct ckpt_ctx *ctx);
int ckpt_write_trailer(struct ckpt_ctx *ctx);
int ckpt_read_trailer(struct ckpt_ctx *ctx);

/**
 * struct ckpt_obj_ops - how one kind of shared object is saved and rebuilt
 * @name:	for log lines.
 * @grab:	take a reference, held while the object is in the objhash.
 * @drop:	release that reference, or on restart the one @restore
 *		returned.
 * @collect:	checkpoint, before anything is written: refuse the object
 *		(logged) if it cannot be saved, and collect the objects it
 *		stands on with ckpt_obj_collect() and the references it holds
 *		with ckpt_obj_note().  NULL for a kind with nothing to check.
 * @checkpoint:	write the object's records (after the core's CKPT_REC_OBJ).
 *		Every refusal was @collect's; this only fails on I/O.
 * @restore:	read them back and return a new object holding one
 *		reference, or an ERR_PTR.  Runs in the context of the
 *		restored task that first uses the object.
 * @users:	the object's reference count, compared at the end of a
 *		checkpoint with the references found in the container;
 *		NULL for value-like objects that may be shared freely.
 */
struct ckpt_obj_ops {
	const char *name;
	void (*grab)(void *ptr);
	void (*drop)(struct ckpt_ctx *ctx, void *ptr);
	unsigned long (*users)(void *ptr);
	int (*collect)(struct ckpt_ctx *ctx, void *ptr);
	int (*checkpoint)(struct ckpt_ctx *ctx, void *ptr);
	void *(*restore)(struct ckpt_ctx *ctx);
};

/* Shared objects, kernel/checkpoint/objhash.c */
int ckpt_obj_collect(struct ckpt_ctx *ctx, void *ptr, enum ckpt_obj_type type);
int ckpt_obj_collect_borrowed(struct ckpt_ctx *ctx, void *ptr,
			      enum ckpt_obj_type type);
int ckpt_obj_checkpoint(struct ckpt_ctx *ctx, void *ptr,
			enum ckpt_obj_type type);
int ckpt_obj_note(struct ckpt_ctx *ctx, void *ptr);
int ckpt_obj_require(struct ckpt_ctx *ctx, void *ptr, enum ckpt_obj_type type,
		     char *why);
bool ckpt_obj_known(struct ckpt_ctx *ctx, void *ptr, enum ckpt_obj_type type);
u32 ckpt_obj_written(struct ckpt_ctx *ctx, void *ptr, enum ckpt_obj_type type);
/* A set of object kinds, as ckpt_obj_restore_here() takes it. */
#define CKPT_OBJ_KIND(type)	(1U << (type))
int ckpt_obj_restore_here(struct ckpt_ctx *ctx, u32 kinds, const char *site,
			  u32 *refs);
void *ckpt_obj_fetch(struct ckpt_ctx *ctx, u32 objref,
		     enum ckpt_obj_type type);

/* task.c */
struct ckpt_task *ckpt_find_task(struct ckpt_ctx *ctx, pid_t pid);

/* cpu.c */
int ckpt_checkpoint_cpu(struct ckpt_ctx *ctx, struct ckpt_task *ct);
int ckpt_restore_cpu(struct ckpt_ctx *ctx);

/* The two drivers behind the syscalls. */
int ckpt_checkpoint(struct ckpt_ctx *ctx, pid_t pid);
int ckpt_restart(struct ckpt_ctx *ctx);
void ckpt_kill_all(struct ckpt_ctx *ctx);

/* freeze.c */
int ckpt_freeze(struct ckpt_ctx *ctx, struct task_struct *root);
void ckpt_thaw(struct ckpt_ctx *ctx, bool kill);
int ckpt_check_alive(struct ckpt_ctx *ctx);
bool ckpt_in_container(struct task_struct *t, struct pid_namespace *ns);

/* objhash.c, objtypes.c */
int ckpt_objhash_alloc(struct ckpt_ctx *ctx);
void ckpt_objhash_free(struct ckpt_ctx *ctx);
int ckpt_objhash_verify(struct ckpt_ctx *ctx);
const struct ckpt_obj_ops *ckpt_obj_ops(u32 type);

/* pidns.c */
struct kernel_clone_args;
int ckpt_pidns_collect(struct ckpt_ctx *ctx);
int ckpt_pidns_write(struct ckpt_ctx *ctx);
int ckpt_pidns_read(struct ckpt_ctx *ctx, const struct ckpt_rec_container *rec);
void ckpt_pidns_fill_container(struct ckpt_ctx *ctx,
			       struct ckpt_rec_container *rec);
void ckpt_pidns_enter(struct ckpt_ctx *ctx, struct ckpt_task *ct);
int ckpt_pidns_clone_args(struct ckpt_ctx *ctx, struct ckpt_task *child,
			  struct kernel_clone_args *args, pid_t *set_tid);
int ckpt_pidns_restore_children(struct ckpt_ctx *ctx, struct ckpt_task *ct);
void ckpt_pidns_free(struct ckpt_ctx *ctx);

/* ipcns.c */
void ckpt_ipc_fill_container(struct ckpt_ctx *ctx,
			     struct ckpt_rec_container *rec);
int ckpt_ipc_read_container(struct ckpt_ctx *ctx,
			    const struct ckpt_rec_container *rec);
int ckpt_ipc_restore(struct ckpt_ctx *ctx);

/* task.c */
int ckpt_collect_task(struct ckpt_ctx *ctx, struct ckpt_task *ct);
int ckpt_checkpoint_task(struct ckpt_ctx *ctx, struct ckpt_task *ct);
int ckpt_collect_zombie(struct ckpt_ctx *ctx, struct ckpt_task *ct);
int ckpt_checkpoint_zombie(struct ckpt_ctx *ctx, struct ckpt_task *ct);
int ckpt_restore_task_fn(void *arg);
bool ckpt_leads_threads(struct ckpt_ctx *ctx, struct ckpt_task *ct);

static inline bool ckpt_is_thread(const struct ckpt_task *ct)
{
	return ct->entry.tgid != ct->entry.pid;
}

struct task_struct *ckpt_obj_source(struct ckpt_ctx *ctx, struct ckpt_task *ct);

/* attr.c */
int ckpt_collect_task_attr(struct ckpt_ctx *ctx, struct ckpt_task *ct);
int ckpt_save_task_attr(struct ckpt_ctx *ctx, struct ckpt_task *ct,
			struct ckpt_rec_task *rec);
int ckpt_check_task_attr(struct ckpt_ctx *ctx, const struct ckpt_rec_task *r);
int ckpt_restore_task_attr(struct ckpt_task *ct, const struct ckpt_rec_task *r);
int ckpt_restore_task_sched(struct ckpt_task *ct);
int ckpt_save_zombie_cputime(struct ckpt_ctx *ctx, struct ckpt_task *ct,
			     struct ckpt_rec_zombie *rec);
int ckpt_restore_zombie_cputime(struct ckpt_task *ct,
				const struct ckpt_rec_zombie *r);

/* signal.c */
int ckpt_collect_sigpending(struct ckpt_ctx *ctx, struct ckpt_task *ct);
int ckpt_checkpoint_sigpending(struct ckpt_ctx *ctx, struct ckpt_task *ct);
int ckpt_read_sigpending(struct ckpt_ctx *ctx, struct ckpt_task *ct);
int ckpt_send_sigpending(struct ckpt_ctx *ctx, struct ckpt_task *ct);
void ckpt_free_sigpending(struct ckpt_task *ct);
int ckpt_collect_stop(struct ckpt_ctx *ctx, struct ckpt_task *ct);
int ckpt_verify_stops(struct ckpt_ctx *ctx);
void ckpt_restore_stop(struct ckpt_task *ct);

/* timers.c */
int ckpt_collect_timers(struct ckpt_ctx *ctx, struct ckpt_task *ct);
int ckpt_checkpoint_timers(struct ckpt_ctx *ctx, struct ckpt_task *ct);
int ckpt_read_timers(struct ckpt_ctx *ctx, struct ckpt_task *ct);
void ckpt_restore_timers(struct ckpt_ctx *ctx, struct ckpt_task *ct, bool go);
void ckpt_timers_free(struct ckpt_ctx *ctx);
struct kernel_siginfo;
struct sigqueue;
int ckpt_timer_signal(struct ckpt_ctx *ctx, struct ckpt_task *ct,
		      const struct sigqueue *q);
bool ckpt_snap_real_itimer(struct ckpt_task *ct, struct task_struct *t);
int ckpt_queue_timer_signal(struct ckpt_ctx *ctx, struct ckpt_task *ct,
			    const struct kernel_siginfo *info, bool shared);
int ckpt_timers_queued(struct ckpt_ctx *ctx, struct ckpt_task *ct);

/* seccomp.c */
int ckpt_collect_seccomp(struct ckpt_ctx *ctx, struct ckpt_task *ct);
int ckpt_checkpoint_seccomp(struct ckpt_ctx *ctx, struct ckpt_task *ct);
int ckpt_read_seccomp(struct ckpt_ctx *ctx, struct ckpt_task *ct);
int ckpt_restore_seccomp(struct ckpt_ctx *ctx, struct ckpt_task *ct);

/* ptracer.c */
int ckpt_collect_ptracer(struct ckpt_ctx *ctx, struct ckpt_task *ct);
int ckpt_read_ptracer(struct ckpt_ctx *ctx, struct ckpt_task *ct, s32 ptracer);
int ckpt_restore_ptracer(struct ckpt_ctx *ctx, struct ckpt_task *ct);

/* autogroup.c */
#ifdef CONFIG_SCHED_AUTOGROUP
int ckpt_collect_autogroups(struct ckpt_ctx *ctx);
int ckpt_autogroup_ref(struct ckpt_ctx *ctx, struct ckpt_task *ct, u32 *ref);
int ckpt_restore_autogroup(struct ckpt_ctx *ctx, struct ckpt_task *ct, u32 ref);
int ckpt_restore_autogroup_nice(struct ckpt_task *ct);
void ckpt_autogroup_restart_begin(struct ckpt_ctx *ctx);
void ckpt_autogroup_restart_end(struct ckpt_ctx *ctx);
extern const struct ckpt_obj_ops ckpt_autogroup_ops;
#else
/* Without autogroups every process is in the one root task group. */
static inline int ckpt_collect_autogroups(struct ckpt_ctx *ctx)
{
	return 0;
}

static inline int ckpt_autogroup_ref(struct ckpt_ctx *ctx,
				     struct ckpt_task *ct, u32 *ref)
{
	*ref = 0;
	return 0;
}

static inline int ckpt_restore_autogroup(struct ckpt_ctx *ctx,
					 struct ckpt_task *ct, u32 ref)
{
	return ref ? ckpt_err(ctx, -EINVAL, "task %d: an autogroup, which this kernel has none of",
			      ct->entry.pid) : 0;
}

static inline int ckpt_restore_autogroup_nice(struct ckpt_task *ct)
{
	return 0;
}

static inline void ckpt_autogroup_restart_begin(struct ckpt_ctx *ctx)
{
}

static inline void ckpt_autogroup_restart_end(struct ckpt_ctx *ctx)
{
}
#endif

/* locks.c */
struct files_struct;
#ifdef CONFIG_FILE_LOCKING
int ckpt_collect_file_locks(struct ckpt_ctx *ctx, struct file *file,
			    const char *path);
int ckpt_collect_posix_locks(struct ckpt_ctx *ctx, struct files_struct *files);
bool ckpt_file_owns_locks(struct file *file);
int ckpt_checkpoint_locks(struct ckpt_ctx *ctx, struct ckpt_task *ct);
int ckpt_restore_locks(struct ckpt_ctx *ctx, struct ckpt_task *ct);
void ckpt_locks_free(struct ckpt_ctx *ctx);
#else
/* Without file locking there are none to save, and none to take. */
static inline int ckpt_collect_file_locks(struct ckpt_ctx *ctx,
					  struct file *file, const char *path)
{
	return 0;
}

static inline int ckpt_collect_posix_locks(struct ckpt_ctx *ctx,
					   struct files_struct *files)
{
	return 0;
}

static inline bool ckpt_file_owns_locks(struct file *file)
{
	return false;
}

static inline int ckpt_checkpoint_locks(struct ckpt_ctx *ctx,
					struct ckpt_task *ct)
{
	return 0;
}

static inline int ckpt_restore_locks(struct ckpt_ctx *ctx, struct ckpt_task *ct)
{
	return 0;
}

static inline void ckpt_locks_free(struct ckpt_ctx *ctx)
{
}
#endif

/* fs.c */
struct fs_struct;
void ckpt_install_fs(struct fs_struct *fs);

struct file;

/* path.c */
struct cred;
struct inode;
struct path;
/**
 * struct ckpt_want - what a path of the image must lead to
 * @type:	S_IFREG, S_IFDIR, S_IFIFO or S_IFCHR; 0 for a regular file
 *		or a directory.
 * @rdev:	S_IFCHR: the device number.
 * @write:	it is to be opened for writing.
 * @mapx:	it is to be mapped executable: not on a noexec mount.
 * @run:	it is to be the executable: what execve() demands (@mapx,
 *		and MAY_EXEC for the credentials that look it up).
 *
 * Restart checks these on the inode the lookup finds, before anything
 * opens it: opening a FIFO or a device has side effects.
 */
struct ckpt_want {
	umode_t type;
	dev_t rdev;
	bool write;
	bool mapx;
	bool run;
};

bool ckpt_path_refused(const struct path *path, bool write);
const char *ckpt_path_refused_why(const struct path *path);
void ckpt_file_id_fill(struct ckpt_file_id *id, const struct inode *inode);
bool ckpt_file_id_valid(const struct ckpt_file_id *id, bool named);
const struct cred *ckpt_reader_cred(struct ckpt_ctx *ctx, const char *name);
bool ckpt_cred_same(const struct cred *a, const struct cred *b);
int ckpt_lookup_beneath(struct ckpt_ctx *ctx, const struct path *root,
			const char *root_name, const char *name,
			const struct ckpt_file_id *id,
			const struct ckpt_want *want, const struct cred *cred,
			struct path *found);
int ckpt_lookup_path(struct ckpt_ctx *ctx, const char *name,
		     const struct ckpt_file_id *id,
		     const struct ckpt_want *want, const struct cred *cred,
		     struct path *found);
struct file *ckpt_reopen(struct ckpt_ctx *ctx, const char *name,
			 const struct ckpt_file_id *id,
			 const struct ckpt_want *want, int flags,
			 const struct cred *cred);

/**
 * struct ckpt_file_kind_ops - how one kind of open file is saved and reopened
 * @has_path:	its CKPT_REC_FILE carries the file's path.
 * @claims:	whether a file is of this kind.
 * @collect:	before anything is written: refuse the file (logged), or
 *		-ENOENT for one that is deleted; collect the objects it
 *		stands on.  NULL when there is nothing to check.
 * @checkpoint:	fill the kind's fields of @rec, writing the objects they
 *		name first.
 * @restore:	a new file from @rec (and @path when @has_path), or an
 *		ERR_PTR, logged.
 */
struct ckpt_file_kind_ops {
	bool has_path;
	bool (*claims)(struct file *file);
	int (*collect)(struct ckpt_ctx *ctx, struct file *file);
	int (*checkpoint)(struct ckpt_ctx *ctx, struct file *file,
			  struct ckpt_rec_file *rec);
	struct file *(*restore)(struct ckpt_ctx *ctx,
				const struct ckpt_rec_file *rec,
				const char *path);
};

int ckpt_file_may_open(struct file *file);

extern const struct ckpt_file_kind_ops ckpt_pipe_file;
extern const struct ckpt_file_kind_ops ckpt_fifo_file;

/* mm.c: mlock(2) and mlockall(2), bounded by the task's own limits */
int ckpt_collect_mm_locks(struct ckpt_ctx *ctx, struct ckpt_task *ct);
int ckpt_restore_mm_locks(struct ckpt_ctx *ctx, struct ckpt_task *ct,
			  const struct cred *cred);

/* One ops table per object kind, each in its own file. */
extern const struct ckpt_obj_ops ckpt_mm_ops;
extern const struct ckpt_obj_ops ckpt_files_ops;
extern const struct ckpt_obj_ops ckpt_file_ops;
extern const struct ckpt_obj_ops ckpt_fs_ops;
extern const struct ckpt_obj_ops ckpt_sighand_ops;
extern const struct ckpt_obj_ops ckpt_cred_ops;
extern const struct ckpt_obj_ops ckpt_pipe_ops;
extern const struct ckpt_obj_ops ckpt_shmem_ops;
extern const struct ckpt_obj_ops ckpt_fifo_ops;
extern const struct ckpt_obj_ops ckpt_seccomp_ops;

#endif /* _KERNEL_CHECKPOINT_INTERNAL_H */
