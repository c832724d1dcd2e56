/* SPDX-License-Identifier: GPL-2.0 */
/*
 * In-kernel checkpoint/restart: what code outside kernel/checkpoint/
 * needs of it -- the hooks the architecture part in arch/x86/checkpoint/
 * implements, and the helpers other subsystems keep for it.  What only
 * kernel/checkpoint/ uses is in its own internal.h.  The context, the
 * task entry and the record stream are here while the architecture's
 * CPU record still uses them.
 */
#ifndef _LINUX_CHECKPOINT_H
#define _LINUX_CHECKPOINT_H

#include <linux/completion.h>
#include <linux/list.h>
#include <linux/path.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/xarray.h>
#include <uapi/linux/checkpoint.h>

struct cred;
struct file;
struct files_struct;
struct fs_struct;
struct mm_struct;
struct nsproxy;
struct page;
struct pid;
struct sighand_struct;
struct pid_namespace;
struct task_struct;
struct vm_area_struct;
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
 * @rec_len:	length of the record being written or read.
 * @rec_left:	payload bytes of it still to come.
 * @rec_start:	offset where it began, for error reports.
 * @peek:	header of the next record when @peeked.
 * @peeked:	ckpt_peek_type() has read @peek already.
 * @peek_crc:	@crc before @peek was read.
 * @objhash:	shared objects seen so far, by pointer and by objref.
 * @obj_depth:	restart: objects being restored inside one another.
 * @root_ns:	the container's pid namespace.
 * @busy:	checkpoint: entry in the list of containers being saved,
 *		which keeps two checkpoints off the same tasks.
 * @tasks:	every task of the container, in tree order (init first).
 * @nr_tasks:	entries in @tasks.
 * @by_pid:	the same tasks, indexed by pid in the container.
 * @pids:	restart: pid numbers that name only a group or session.
 * @nr_pids:	entries in @pids.
 * @detached:	restart: the struct pids allocated for @pids.
 * @pidns:	the container's pid namespace and those nested in it,
 *		indexed as in the image (pidns.c).
 * @nr_pidns:	nested ones, the entries of @pidns after the first.
 * @nested:	the tasks' pids below the container's level.
 * @nr_nested:	entries in @nested.
 * @xstate_size: bytes of XSAVE area per task in this image.
 * @nodename:	restart: the container's hostname.
 * @domainname:	restart: and domain name.
 * @ipc:	restart: the sysctls of its ipc namespace (ipcns.c).
 * @lock:	restart: orders @killed against tasks setting their @task.
 * @killed:	restart: the caller was killed; so is every new task.
 * @release:	restart: set when restored tasks may return to user mode.
 * @abort:	restart: restored tasks must exit instead.
 * @root:	restart: the restarter's root, where the checkpointer's was.
 * @reader:	restart: the task reading its part of the image now.
 * @kcov_handle: restart: the caller's KCOV common handle; each restored
 *		task collects coverage for it while it reads the image.
 * @locks:	checkpoint: the file locks the container holds, found
 *		while its files are collected (locks.c).
 * @restarter_ag: restart: the restarter's autogroup, where processes go
 *		whose autogroup was not the container's; NULL without
 *		CONFIG_SCHED_AUTOGROUP.
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
	unsigned int obj_depth;
	struct pid_namespace *root_ns;
	struct list_head busy;
	struct ckpt_task *tasks;
	unsigned int nr_tasks;
	struct xarray by_pid;
	pid_t *pids;
	unsigned int nr_pids;
	struct pid **detached;
	struct ckpt_pidns *pidns;
	unsigned int nr_pidns;
	pid_t *nested;
	unsigned int nr_nested;
	u32 xstate_size;
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
	struct ckpt_locks *locks;
	struct autogroup *restarter_ag;
};

__printf(3, 4)
int ckpt_err(struct ckpt_ctx *ctx, int err, const char *fmt, ...);

/* The record stream, kernel/checkpoint/image.c */
int ckpt_write_begin(struct ckpt_ctx *ctx, void *rec, u32 type, u32 fixed,
		     u32 extra);
int ckpt_write_data(struct ckpt_ctx *ctx, const void *buf, u32 len);
int ckpt_write_end(struct ckpt_ctx *ctx);
int ckpt_read_begin(struct ckpt_ctx *ctx, void *rec, u32 type, u32 fixed,
		    u32 max_extra);
int ckpt_read_data(struct ckpt_ctx *ctx, void *buf, u32 len);
int ckpt_read_end(struct ckpt_ctx *ctx);

/*
 * Architecture hooks, arch/x86/checkpoint/.  They are handed what they
 * work on and return an errno; the core logs.
 */
void ckpt_arch_fill_header(struct ckpt_rec_header *h);
int ckpt_arch_save_regs(struct task_struct *t, struct mm_struct *mm,
			struct ckpt_rec_cpu *rec, void *xstate, u32 xsize);
int ckpt_arch_restore_regs(struct task_struct *t,
			   const struct ckpt_rec_cpu *rec, const void *xstate,
			   u32 xsize, const char **refused);
u32 ckpt_arch_vma_kind(struct vm_area_struct *vma);
/* Which check of ckpt_arch_restore_vma() failed, for the core's log. */
enum ckpt_arch_vma_fail {
	CKPT_ARCH_VMA_SIZE,	/* the vvar record's size is not this vvar's */
	CKPT_ARCH_VMA_MAP,	/* the vdso could not be mapped there */
	CKPT_ARCH_VMA_PLACE,	/* the vdso record is not where it landed */
};

int ckpt_arch_restore_vma(const struct ckpt_rec_vma *rec,
			  enum ckpt_arch_vma_fail *fail);
void ckpt_arch_clean_slate(void);
const char *ckpt_arch_task_refused(struct task_struct *t);
const char *ckpt_arch_mm_refused(struct mm_struct *mm);

/*
 * Helpers that other subsystems keep for checkpoint and restart, where
 * their state is private to them.
 */
#ifdef CONFIG_SECURITY_YAMA
const struct task_struct *yama_ptracer_of(struct task_struct *tracee,
					  bool *any);
#else
static inline const struct task_struct *
yama_ptracer_of(struct task_struct *tracee, bool *any)
{
	*any = false;
	return NULL;
}
#endif

#ifdef CONFIG_SCHED_AUTOGROUP
struct autogroup *sched_autogroup_get(struct task_struct *p);
struct autogroup *sched_autogroup_hold(struct autogroup *ag);
void sched_autogroup_put(struct autogroup *ag);
bool sched_autogroup_nice(struct autogroup *ag, int *nice);
struct autogroup *sched_autogroup_create(void);
void sched_autogroup_attach(struct task_struct *p, struct autogroup *ag);
int sched_autogroup_set_nice(struct autogroup *ag, int nice);
#endif

#endif /* _LINUX_CHECKPOINT_H */
