/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Private to kernel/checkpoint/: what its files share with one another and
 * nothing outside that directory may include.  <linux/checkpoint.h> holds
 * only what the architecture and other subsystems need.
 */
#ifndef _KERNEL_CHECKPOINT_INTERNAL_H
#define _KERNEL_CHECKPOINT_INTERNAL_H

#include <linux/bug.h>
#include <linux/checkpoint.h>
#include <linux/completion.h>
#include <linux/container_of.h>
#include <linux/list.h>
#include <linux/path.h>
#include <linux/spinlock.h>
#include <linux/xarray.h>

struct files_struct;
struct fs_struct;
struct nsproxy;
struct page;
struct pid;
struct sighand_struct;
struct pid_namespace;
struct ckpt_objhash;
struct ckpt_pidns;
struct ckpt_sigqueue;
struct ckpt_ptimers;
struct seccomp_filter;
struct ckpt_locks;
struct ckpt_mm_locks;
struct ckpt_autogroup;
struct autogroup;

/**
 * struct ckpt_task - one task of the container being saved or rebuilt
 * @task:	the task; a reference is held.
 * @entry:	its place in the tree, pids in the container's namespace.
 * @parent:	its parent's entry; NULL for the init.
 * @pid:	checkpoint: its struct pid, referenced: a task reaped during
 *		the checkpoint lets go of its own.
 * @nsproxy:	checkpoint: its namespaces, referenced; NULL for a zombie.
 * @objs:	checkpoint: the objects it uses, pinned by the objhash from
 *		collection on, so that a task killed meanwhile cannot free
 *		them under the writer; NULL where it has none (a zombie).
 * @nested:	its pids below the container's level, outermost first,
 *		when it is in a nested pid namespace (entry.pidns).
 * @depth:	restart: how far below the init it is.
 * @ctx:	restart: the operation it belongs to.
 * @err:	restart: how restoring it and its descendants went.
 * @sigpending:	restart: its queued signals, sent once its children exist.
 * @itimer:	a thread group leader: its process's interval timers; at
 *		checkpoint ITIMER_REAL only, read with the shared queue.
 * @ptimers:	a thread group leader: its process's POSIX timers, read at
 *		collection or from the image (timers.c); NULL if none.
 * @cpu_restored: restart: its registers have been written.
 * @cred:	restart: the credentials it will have, once known: its own
 *		cred object, or its creator's.  It looks its working
 *		directory up with them (its files, with their openers').
 * @opened:	restart: it has looked a path up with @cred, which may no
 *		longer change.
 * @no_new_privs: restart: its record says it had no_new_privs, set
 *		with its credentials.
 * @nofile_max:	restart: its RLIMIT_NOFILE hard limit as created, before
 *		the clean slate opened it wide.
 * @pf_acct:	restart: PF_FORKNOEXEC and PF_SUPERPRIV as its record has
 *		them, set last: restoring it forks and uses privilege.
 * @attr:	restart: its task record, kept for what is set once its
 *		children exist (attr.c: its scheduling policy).
 * @seccomp_mode: restart: its seccomp mode, entered once its children
 *		exist (seccomp.c).
 * @seccomp_filter: restart: the top of its filter chain, held by the
 *		objhash; NULL unless @seccomp_mode is SECCOMP_MODE_FILTER.
 * @mm_locks:	restart: what the mm it rebuilt had locked, locked once
 *		its limits are restored (mm.c); NULL otherwise.
 * @cputime:	restart, a leader's: its process's user, system and run
 *		time, and what its children's user and system times may add
 *		up to once it reaps its zombies, added up over the records
 *		read so far (attr.c).
 * @ptracer:	a leader: its process's Yama ptracer exception, as
 *		struct ckpt_rec_task has it (checkpoint: found at
 *		collection; restart: read from its record).
 * @autogroup:	checkpoint, a leader: its process's autogroup, referenced,
 *		or NULL when it is not the container's (autogroup.c).
 * @ag_nice:	restart: the autogroup whose nice value it sets once its
 *		credentials are its own, as its first user; else NULL.
 * @late:	restart: it has work for the late phase, when every task
 *		of the container exists (ckpt_restore_late()).
 * @late_go:	restart: its turn in the late phase has come, or the
 *		restart is over.
 * @late_done:	restart: it has done that work, or will not.
 * @late_err:	restart: how it went.
 * @done:	restart: it and its descendants have read their state.
 * @gone:	restart: it no longer touches @ctx.
 * @timers_armed: restart, a leader's (possibly exited): its process's
 *		timers are armed; its threads wait for it before they
 *		return to user mode (timers.c).
 */
struct ckpt_task {
	struct task_struct *task;
	struct ckpt_tree_entry entry;
	struct ckpt_task *parent;
	struct pid *pid;
	struct nsproxy *nsproxy;
	struct {
		struct mm_struct *mm;
		struct files_struct *files;
		struct fs_struct *fs;
		struct sighand_struct *sighand;
		const struct cred *cred;
	} objs;
	pid_t *nested;
	unsigned int depth;
	struct ckpt_ctx *ctx;
	int err;
	struct ckpt_sigqueue *sigpending;
	struct ckpt_itimer itimer[CKPT_NR_ITIMERS];
	struct ckpt_ptimers *ptimers;
	bool cpu_restored;
	struct cred *cred;
	bool opened;
	bool no_new_privs;
	unsigned long nofile_max;
	unsigned int pf_acct;
	int seccomp_mode;
	struct seccomp_filter *seccomp_filter;
	struct ckpt_rec_task *attr;
	u64 cputime[5];
	struct ckpt_mm_locks *mm_locks;
	pid_t ptracer;
	struct autogroup *autogroup;
	struct ckpt_autogroup *ag_nice;
	bool late;
	struct completion late_go;
	struct completion late_done;
	int late_err;
	struct completion done;
	struct completion gone;
	struct completion timers_armed;
};

/**
 * struct ckpt_ctx - one checkpoint(2) or restart(2) in progress: what
 *		     both have; each embeds it in its own part, struct
 *		     ckpt_save_ctx or struct ckpt_rst_ctx
 * @file:	the image stream.
 * @logfile:	where problem reports go, or NULL.
 * @flags:	the caller's CHECKPOINT_* or RESTART_* flags.
 * @restart:	true for restart(2), false for checkpoint(2): which part
 *		embeds it.
 * @pos:	bytes of image written or read so far.
 * @fpos:	file position used for seekable image files.
 * @crc:	running crc32 of the image so far, in crc32_le() form.
 * @nr_records:	records written or read so far.
 * @errors:	problems reported through ckpt_err() so far.
 * @rec_len:	length of the record being written or read.
 * @rec_left:	payload bytes of it still to come.
 * @rec_start:	offset where it began, for error reports.
 * @peek:	header of the next record when @peeked.
 * @peeked:	ckpt_peek_type() has read @peek already.
 * @peek_crc:	@crc before @peek was read.
 * @objhash:	shared objects seen so far, by pointer and by objref.
 * @root_ns:	the container's pid namespace.
 * @tasks:	every task of the container, in tree order (init first).
 * @nr_tasks:	entries in @tasks.
 * @by_pid:	the same tasks, indexed by pid in the container.
 * @pids:	pid numbers that name only a group or session.
 * @nr_pids:	entries in @pids.
 * @pidns:	the container's pid namespace and those nested in it,
 *		indexed as in the image (pidns.c).
 * @nr_pidns:	nested ones, the entries of @pidns after the first.
 * @nested:	the tasks' pids below the container's level.
 * @nr_nested:	entries in @nested.
 * @xstate_size: bytes of XSAVE area per task in this image.
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

	u32 rec_len;
	u32 rec_left;
	u64 rec_start;
	struct ckpt_rec peek;
	bool peeked;
	u32 peek_crc;

	struct ckpt_objhash *objhash;
	struct pid_namespace *root_ns;
	struct ckpt_task *tasks;
	unsigned int nr_tasks;
	struct xarray by_pid;
	pid_t *pids;
	unsigned int nr_pids;
	struct ckpt_pidns *pidns;
	unsigned int nr_pidns;
	pid_t *nested;
	unsigned int nr_nested;
	u32 xstate_size;
};

/**
 * struct ckpt_save_ctx - a checkpoint(2) in progress
 * @ctx:	what it shares with restart(2); @ctx.restart is false.
 * @busy:	entry in the list of containers being saved, which keeps
 *		two checkpoints off the same tasks.
 * @locks:	the file locks the container holds, found while its files
 *		are collected (locks.c).
 */
struct ckpt_save_ctx {
	struct ckpt_ctx ctx;
	struct list_head busy;
	struct ckpt_locks *locks;
};

/**
 * struct ckpt_rst_ctx - a restart(2) in progress
 * @ctx:	what it shares with checkpoint(2); @ctx.restart is true.
 * @obj_depth:	objects being restored inside one another.
 * @detached:	the struct pids allocated for @ctx.pids.
 * @nodename:	the container's hostname.
 * @domainname:	and domain name.
 * @ipc:	the sysctls of its ipc namespace (ipcns.c).
 * @lock:	orders @killed against tasks setting their @task.
 * @killed:	the caller was killed; so is every new task.
 * @release:	set when restored tasks may return to user mode.
 * @abort:	restored tasks must exit instead.
 * @root:	the restarter's root, where the checkpointer's was.
 * @reader:	the task reading its part of the image now.
 * @kcov_handle: the caller's KCOV common handle; each restored task
 *		collects coverage for it while it reads the image.
 * @restarter_ag: the restarter's autogroup, where processes go whose
 *		autogroup was not the container's; NULL without
 *		CONFIG_SCHED_AUTOGROUP.
 */
struct ckpt_rst_ctx {
	struct ckpt_ctx ctx;
	unsigned int obj_depth;
	struct pid **detached;
	char nodename[CKPT_UTS_LEN];
	char domainname[CKPT_UTS_LEN];
	struct ckpt_ipc_sysctls ipc;

	spinlock_t lock;	/* @killed, and tasks setting their ->task */
	bool killed;
	struct completion release;
	bool abort;
	struct path root;
	struct ckpt_task *reader;
	u64 kcov_handle;
	struct autogroup *restarter_ag;
};

/*
 * The part of a checkpoint's or a restart's context only it has.  Code
 * of one side that asks for the other's has a bug: it is warned about,
 * once.
 */
static inline struct ckpt_save_ctx *ckpt_save(struct ckpt_ctx *ctx)
{
	WARN_ON_ONCE(ctx->restart);
	return container_of(ctx, struct ckpt_save_ctx, ctx);
}

static inline struct ckpt_rst_ctx *ckpt_rst(struct ckpt_ctx *ctx)
{
	WARN_ON_ONCE(!ctx->restart);
	return container_of(ctx, struct ckpt_rst_ctx, ctx);
}

__printf(3, 4)
int ckpt_err(struct ckpt_ctx *ctx, int err, const char *fmt, ...);

/* The record stream, image.c */
int ckpt_write_begin(struct ckpt_ctx *ctx, void *rec, u32 type, u32 fixed,
		     u32 extra);
int ckpt_write_data(struct ckpt_ctx *ctx, const void *buf, u32 len);
int ckpt_write_end(struct ckpt_ctx *ctx);
int ckpt_read_begin(struct ckpt_ctx *ctx, void *rec, u32 type, u32 fixed,
		    u32 max_extra);
int ckpt_read_data(struct ckpt_ctx *ctx, void *buf, u32 len);
int ckpt_read_end(struct ckpt_ctx *ctx);

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
 *		returned: the same type of object either way.
 * @collect:	checkpoint, before anything is written: refuse the object
 *		(logged) if it cannot be saved, and collect the objects it
 *		stands on with ckpt_obj_collect() and the references it holds
 *		with ckpt_obj_note().  NULL for a kind with nothing to check.
 * @checkpoint:	write the object's records (after the core's CKPT_REC_OBJ).
 *		Every refusal was @collect's; this only fails on I/O.
 * @restore:	read them back and return a new object, of the type @grab
 *		takes, holding one reference, or an ERR_PTR.  Runs in the
 *		context of the restored task that first uses the object.
 *		What its users need besides, until the end of the restart
 *		(a pipe's ends not yet handed out), it may leave in
 *		*@state, for ckpt_obj_fetch_state().
 * @release:	restart: free what @restore left in *@state, after @drop.
 *		NULL for a kind that leaves nothing there.
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
	void *(*restore)(struct ckpt_ctx *ctx, void **state);
	void (*release)(struct ckpt_ctx *ctx, void *state);
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
void *ckpt_obj_fetch_state(struct ckpt_ctx *ctx, u32 objref,
			   enum ckpt_obj_type type, void **state);

/* tree.c */
struct ckpt_task *ckpt_find_task(struct ckpt_ctx *ctx, pid_t pid);
bool ckpt_in_container(struct task_struct *t, struct pid_namespace *ns);
bool ckpt_leads_threads(struct ckpt_ctx *ctx, struct ckpt_task *ct);

static inline bool ckpt_is_thread(const struct ckpt_task *ct)
{
	return ct->entry.tgid != ct->entry.pid;
}

struct task_struct *ckpt_obj_source(struct ckpt_ctx *ctx, struct ckpt_task *ct);

/* cpu.c */
int ckpt_checkpoint_cpu(struct ckpt_ctx *ctx, struct ckpt_task *ct);
int ckpt_restore_cpu(struct ckpt_ctx *ctx);

/* The two drivers behind the syscalls. */
int ckpt_checkpoint(struct ckpt_ctx *ctx, pid_t pid);
int ckpt_restart(struct ckpt_ctx *ctx);

/* freeze.c */
int ckpt_freeze(struct ckpt_ctx *ctx, struct task_struct *root);
void ckpt_thaw(struct ckpt_ctx *ctx, bool kill);
int ckpt_check_alive(struct ckpt_ctx *ctx);

/* objhash.c, objtypes.c */
int ckpt_objhash_alloc(struct ckpt_ctx *ctx);
void ckpt_objhash_free(struct ckpt_ctx *ctx);
int ckpt_objhash_verify(struct ckpt_ctx *ctx);
const struct ckpt_obj_ops *ckpt_obj_ops(u32 type);
void __init ckpt_kind_table_broken(const char *table, unsigned int row);
bool ckpt_kinds_ok(void);

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
int ckpt_restore_task_rec(struct ckpt_ctx *ctx, struct ckpt_task *ct,
			  const u32 *refs, struct cred **credp);

/* spawn.c */
pid_t ckpt_create_init(struct ckpt_ctx *ctx);
int ckpt_restore_late(struct ckpt_ctx *ctx);
void ckpt_kill_all(struct ckpt_ctx *ctx);
void ckpt_wait_exited(struct task_struct *t, bool whole_group);

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
int ckpt_file_may_open(struct file *file);
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
 * @has_obj:	its CKPT_REC_FILE names an object (@obj_ref); for the
 *		other kinds the field must be 0.
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
	bool has_obj;
	bool (*claims)(struct file *file);
	int (*collect)(struct ckpt_ctx *ctx, struct file *file);
	int (*checkpoint)(struct ckpt_ctx *ctx, struct file *file,
			  struct ckpt_rec_file *rec);
	struct file *(*restore)(struct ckpt_ctx *ctx,
				const struct ckpt_rec_file *rec,
				const char *path);
};

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
/* Defined only with CONFIG_SECCOMP_FILTER, CONFIG_SCHED_AUTOGROUP. */
extern const struct ckpt_obj_ops ckpt_seccomp_ops;
extern const struct ckpt_obj_ops ckpt_autogroup_ops;

#endif /* _KERNEL_CHECKPOINT_INTERNAL_H */
