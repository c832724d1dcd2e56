// SPDX-License-Identifier: GPL-2.0-only
/*
 * One task's record: the objects it uses (written first, by objref) and
 * its own small state, both ways.  On restart it is read inside the
 * restored task (spawn.c has the rest of that task's life).
 */
#include <linux/audit.h>
#include <linux/checkpoint.h>
#include <linux/cred.h>
#include <linux/fdtable.h>
#include <linux/file.h>
#include <linux/fs_struct.h>
#include <linux/futex.h>
#include <linux/iocontext.h>
#include <linux/ioprio.h>
#include <linux/kcov.h>
#include <linux/mempolicy.h>
#include <linux/personality.h>
#include <linux/posix-timers.h>
#include <linux/resource.h>
#include <linux/rseq.h>
#include <linux/seccomp.h>
#include <linux/security.h>
#include <linux/sched/mm.h>
#include <linux/sched/signal.h>
#include <linux/sched/task.h>
#include <linux/string.h>
#include <linux/tty.h>
#include <linux/utsname.h>
#include <uapi/linux/keyctl.h>
#include <uapi/linux/sched/types.h>

#include "internal.h"
#ifdef CONFIG_SECURITY_LANDLOCK
/* Whether a task is confined: Landlock has no interface for it outside. */
#include "../../security/landlock/cred.h"
#endif

/*
 * Collect one of the task's objects, which the caller has pinned.
 * Restart recreates sharing through the clone flags a task is created
 * with, so an object may be shared with the parent, but not first seen
 * in some other task: nothing could hand it over.
 */
static int ckpt_task_obj(struct ckpt_ctx *ctx, struct ckpt_task *ct, void *ptr,
			 void *parents, enum ckpt_obj_type type, u32 flag,
			 bool borrowed)
{
	const char *name = ckpt_obj_ops(type)->name;

	if (!ptr)
		return ckpt_err(ctx, -ESRCH, "task %d (%s) has no %s; it is exiting",
				ct->entry.pid, ct->task->comm, name);
	if (ptr == parents)
		ct->entry.flags |= flag;
	else if (ckpt_obj_known(ctx, ptr, type))
		return ckpt_err(ctx, -EOPNOTSUPP,
				"task %d (%s) shares its %s with a task other than its parent; not supported yet",
				ct->entry.pid, ct->task->comm, name);
	if (borrowed)
		return ckpt_obj_collect_borrowed(ctx, ptr, type);
	return ckpt_obj_collect(ctx, ptr, type);
}

/*
 * Take a reference on each object @t uses, under the locks its exit
 * takes to let go of them: a parked task can still be killed.
 */
static void ckpt_pin_task_objs(struct ckpt_task *ct, struct task_struct *src)
{
	unsigned long flags;

	task_lock(src);
	ct->objs.mm = src->mm;
	if (ct->objs.mm)
		ckpt_obj_ops(CKPT_OBJ_MM)->grab(ct->objs.mm);
	ct->objs.files = src->files;
	if (ct->objs.files)
		ckpt_obj_ops(CKPT_OBJ_FILES)->grab(ct->objs.files);
	ct->objs.fs = src->fs;
	if (ct->objs.fs)
		ckpt_obj_ops(CKPT_OBJ_FS)->grab(ct->objs.fs);
	task_unlock(src);
	if (lock_task_sighand(ct->task, &flags)) {
		ct->objs.sighand = ct->task->sighand;
		ckpt_obj_ops(CKPT_OBJ_SIGHAND)->grab(ct->objs.sighand);
		unlock_task_sighand(ct->task, &flags);
	}
	ct->objs.cred = get_task_cred(ct->task);
}

/*
 * Restart opens a task's files with its credentials, so it must know
 * them before it reads its files: they are its creator's, or an object
 * the task opens itself.  Credentials are values: a task that shares
 * them with another than its creator gets a copy of its own.
 */
static int ckpt_task_cred(struct ckpt_ctx *ctx, struct ckpt_task *ct)
{
	struct ckpt_task *pt = ct->parent;
	struct cred *copy;

	if ((!pt || ct->objs.cred != pt->objs.cred) &&
	    ckpt_obj_known(ctx, (void *)ct->objs.cred, CKPT_OBJ_CRED)) {
		copy = prepare_kernel_cred(ct->task);
		if (!copy)
			return -ENOMEM;
		put_cred(ct->objs.cred);
		ct->objs.cred = copy;
	}
	return ckpt_obj_collect(ctx, (void *)ct->objs.cred, CKPT_OBJ_CRED);
}

/* Drop what ckpt_pin_task_objs() took; the objhash holds its own. */
static void ckpt_unpin_task_objs(struct ckpt_ctx *ctx, struct ckpt_task *ct)
{
	if (ct->objs.mm)
		ckpt_obj_ops(CKPT_OBJ_MM)->drop(ctx, ct->objs.mm);
	if (ct->objs.files)
		ckpt_obj_ops(CKPT_OBJ_FILES)->drop(ctx, ct->objs.files);
	if (ct->objs.fs)
		ckpt_obj_ops(CKPT_OBJ_FS)->drop(ctx, ct->objs.fs);
	if (ct->objs.sighand)
		ckpt_obj_ops(CKPT_OBJ_SIGHAND)->drop(ctx, ct->objs.sighand);
	put_cred(ct->objs.cred);
}

/*
 * What a task has set that no record holds, and a restored task would
 * silently lose: it starts from a clean slate, or from what its
 * restarter has.  Why @t cannot be saved, or NULL.
 */
static const char *ckpt_task_refused(struct task_struct *t)
{
	const char *why = NULL;
	u32 mine, theirs;

	if (test_task_syscall_work(t, SYSCALL_USER_DISPATCH))
		return "uses syscall user dispatch (PR_SET_SYSCALL_USER_DISPATCH); not supported";
#ifdef CONFIG_NUMA
	if (READ_ONCE(t->mempolicy))
		return "has a NUMA policy from set_mempolicy(2); not supported";
#endif
#ifdef CONFIG_SCHED_CORE
	if (t->core_cookie)
		return "has a core scheduling cookie (PR_SCHED_CORE); not supported";
#endif
#ifdef CONFIG_IO_URING
	/* Set up by io_uring_setup(2), and kept after the ring is closed. */
	if (READ_ONCE(t->io_uring))
		return "has used io_uring; not supported";
#endif
#ifdef CONFIG_USER_EVENTS
	if (READ_ONCE(t->user_event_mm))
		return "has user_events registered; not supported";
#endif
#ifdef CONFIG_AUDIT
	/* A restored task inherits both from its restarter. */
	if (!uid_eq(audit_get_loginuid(t), audit_get_loginuid(current)) ||
	    audit_get_sessionid(t) != audit_get_sessionid(current))
		return "has a loginuid or audit session not the checkpointer's; not supported";
	if (READ_ONCE(t->signal->audit_tty))
		return "has TTY auditing on (AUDIT_TTY_SET); not supported";
#endif
#ifdef CONFIG_SECURITY_LANDLOCK
	/* Restored tasks run in the restarter's domain, not their own. */
	if (landlock_initialized && landlocked(t))
		return "is confined by Landlock (landlock_restrict_self(2)); not supported";
#endif
	/* Restored tasks carry the restarter's label, keyrings likewise. */
	security_current_getsecid_subj(&mine);
	security_task_getsecid_obj(t, &theirs);
	if (mine != theirs)
		return "has an LSM label other than the checkpointer's; not supported";
#ifdef CONFIG_KEYS
	{
		const struct cred *cred;

		rcu_read_lock();
		cred = __task_cred(t);
		if (cred->thread_keyring || cred->process_keyring ||
		    cred->session_keyring != current_cred()->session_keyring ||
		    cred->jit_keyring != KEY_REQKEY_DEFL_DEFAULT)
			why = "has keyrings or a request-key default of its own; not supported";
		rcu_read_unlock();
	}
#endif
	if (!why && !t->exit_state)
		why = ckpt_arch_task_refused(t);
	return why;
}

/**
 * ckpt_collect_task - check one task and collect what it uses
 * @ctx:	checkpoint context, before anything is written.
 * @ct:		the task, frozen, and not a zombie unless it leads threads.
 *
 * Pins the task's mm, fd table, fs and handlers and its credentials in
 * the objhash (ct->objs), and sets the clone flags of its tree entry
 * from what it shares with its parent, collected just before it.
 *
 * Return: 0 or a negative errno (logged).
 */
int ckpt_collect_task(struct ckpt_ctx *ctx, struct ckpt_task *ct)
{
	struct task_struct *src = ckpt_obj_source(ctx, ct);
	/* An exited leader holds none of its own; its thread counts them. */
	bool borrowed = src != ct->task;
	struct ckpt_task *pt = ct->parent;
	const char *why;
	int ret;

	why = ckpt_task_refused(ct->task);
	if (why)
		return ckpt_err(ctx, -EOPNOTSUPP, "task %d (%s) %s",
				ct->entry.pid, ct->task->comm, why);
	ckpt_pin_task_objs(ct, src);
	/* In the order they are written: credentials first. */
	ret = ckpt_task_cred(ctx, ct) ?:
	      ckpt_task_obj(ctx, ct, ct->objs.mm, pt ? pt->objs.mm : NULL,
			    CKPT_OBJ_MM, 0, borrowed) ?:
	      (pt && ct->objs.mm == pt->objs.mm ? 0 :
	       ckpt_collect_mm_locks(ctx, ct)) ?:
	      ckpt_task_obj(ctx, ct, ct->objs.files, pt ? pt->objs.files : NULL,
			    CKPT_OBJ_FILES, CKPT_TREE_CLONE_FILES, borrowed) ?:
	      ckpt_task_obj(ctx, ct, ct->objs.fs, pt ? pt->objs.fs : NULL,
			    CKPT_OBJ_FS, CKPT_TREE_CLONE_FS, borrowed) ?:
	      ckpt_task_obj(ctx, ct, ct->objs.sighand,
			    pt ? pt->objs.sighand : NULL,
			    CKPT_OBJ_SIGHAND, CKPT_TREE_CLONE_SIGHAND, false) ?:
	      ckpt_collect_sigpending(ctx, ct) ?:
	      ckpt_collect_task_attr(ctx, ct) ?:
	      ckpt_collect_seccomp(ctx, ct) ?:
	      (ckpt_is_thread(ct) ? 0 : ckpt_collect_timers(ctx, ct) ?:
					ckpt_collect_ptracer(ctx, ct));
	ckpt_unpin_task_objs(ctx, ct);
	if (ret)
		memset(&ct->objs, 0, sizeof(ct->objs));
	return ret;
}

static int ckpt_save_sigstate(struct ckpt_ctx *ctx, struct ckpt_task *ct,
			      struct ckpt_rec_task *rec)
{
	struct task_struct *t = ct->task;
	unsigned long flags;
	unsigned int i;

	rec->clear_child_tid = (unsigned long)t->clear_child_tid;
#ifdef CONFIG_FUTEX
	rec->robust_list = (unsigned long)t->robust_list;
#endif
#ifdef CONFIG_RSEQ
	rec->rseq = (unsigned long)t->rseq;
	rec->rseq_len = t->rseq_len;
	rec->rseq_sig = t->rseq_sig;
#endif

	if (!lock_task_sighand(t, &flags))
		return ckpt_err(ctx, -ESRCH, "task %d exited during checkpoint",
				ct->entry.pid);
	/*
	 * Parked in sigsuspend(), ppoll(), pselect6() or epoll_pwait(),
	 * it blocks the call's temporary mask; the mask it goes back to is
	 * saved_sigmask.  The image re-issues the call (or returns its
	 * -EINTR), which sets the temporary one again: save the mask it
	 * had around the call, which user mode sees after it.
	 */
	rec->blocked = test_tsk_restore_sigmask(t) ? t->saved_sigmask.sig[0] :
						     t->blocked.sig[0];
	rec->altstack_sp = t->sas_ss_sp;
	rec->altstack_size = t->sas_ss_size;
	rec->altstack_flags = t->sas_ss_flags;
	unlock_task_sighand(t, &flags);

	/* prlimit(2) from outside writes these under the leader's lock. */
	task_lock(t->group_leader);
	for (i = 0; i < RLIM_NLIMITS; i++) {
		rec->rlim[i].cur = t->signal->rlim[i].rlim_cur;
		rec->rlim[i].max = t->signal->rlim[i].rlim_max;
	}
	task_unlock(t->group_leader);
	rec->nr_rlimits = RLIM_NLIMITS;
	return 0;
}

/* Write one of a task's objects if it is new, and name it in *@ref. */
static int ckpt_task_ref(struct ckpt_ctx *ctx, void *ptr,
			 enum ckpt_obj_type type, u32 *ref)
{
	int ret = ckpt_obj_checkpoint(ctx, ptr, type);

	if (ret < 0)
		return ret;
	*ref = ret;
	return 0;
}

/**
 * ckpt_checkpoint_task - write one task's objects and its task record
 * @ctx:	checkpoint context.
 * @ct:		the task, frozen and collected.
 *
 * Return: 0 or a negative errno (logged).
 */
int ckpt_checkpoint_task(struct ckpt_ctx *ctx, struct ckpt_task *ct)
{
	struct task_struct *t = ct->task;
	struct ckpt_rec_task rec = {
		.pid = ct->entry.pid,
		.personality = t->personality,
		.pdeath_signal = t->pdeath_signal,
		.nice = task_nice(t),
		.flags = task_no_new_privs(t) ? CKPT_TASK_NO_NEW_PRIVS : 0,
	};
	int ret;

	BUILD_BUG_ON(ARRAY_SIZE(rec.rlim) < RLIM_NLIMITS);
	/*
	 * Credentials and root first: restart opens the files of the mm
	 * and the fd table as the task, beneath its root.
	 */
	ret = ckpt_task_ref(ctx, (void *)ct->objs.cred, CKPT_OBJ_CRED, &rec.cred_ref) ?:
	      ckpt_task_ref(ctx, ct->objs.fs, CKPT_OBJ_FS, &rec.fs_ref) ?:
	      ckpt_task_ref(ctx, ct->objs.mm, CKPT_OBJ_MM, &rec.mm_ref) ?:
	      ckpt_task_ref(ctx, ct->objs.files, CKPT_OBJ_FILES, &rec.files_ref) ?:
	      ckpt_task_ref(ctx, ct->objs.sighand, CKPT_OBJ_SIGHAND,
			    &rec.sighand_ref) ?:
	      ckpt_save_sigstate(ctx, ct, &rec) ?:
	      ckpt_save_task_attr(ctx, ct, &rec) ?:
	      (ckpt_is_thread(ct) ? 0 :
	       ckpt_autogroup_ref(ctx, ct, &rec.autogroup_ref));
	if (ret)
		return ret;
	rec.ptracer = ct->ptracer;
	get_task_comm(rec.comm, t);
	ret = ckpt_write_rec(ctx, &rec, CKPT_REC_TASK, sizeof(rec)) ?:
	      ckpt_checkpoint_sigpending(ctx, ct);
	/* The process's own state goes with its leader. */
	return ret ?: (ckpt_is_thread(ct) ? 0 : ckpt_checkpoint_timers(ctx, ct)) ?:
	       ckpt_checkpoint_seccomp(ctx, ct) ?:
	       ckpt_checkpoint_locks(ctx, ct);
}

/**
 * ckpt_collect_zombie - collect the credentials a zombie exited with
 * @ctx:	checkpoint context, before anything is written.
 * @ct:		the zombie, which leads no threads; its parent is collected.
 *
 * A zombie's pid, name and exit status are in its tree entry; its ids
 * show in /proc and in the si_uid its parent's wait returns, and a
 * setuid program's zombie has other ids than its parent.  Ids equal to
 * the parent's are the parent's object, as most zombies have them.
 *
 * Return: 0 or a negative errno.
 */
int ckpt_collect_zombie(struct ckpt_ctx *ctx, struct ckpt_task *ct)
{
	const struct cred *pcred = ct->parent->objs.cred;
	const struct cred *cred = get_task_cred(ct->task);
	int ret;

	if (ckpt_cred_same(cred, pcred)) {
		put_cred(cred);
		cred = get_cred(pcred);
	}
	ct->objs.cred = cred;
	ret = ckpt_task_cred(ctx, ct);
	/* The objhash holds its own reference. */
	put_cred(ct->objs.cred);
	if (ret)
		ct->objs.cred = NULL;
	return ret;
}

/**
 * ckpt_checkpoint_zombie - write a zombie's credentials, autogroup and record
 * @ctx:	checkpoint context.
 * @ct:		the zombie, collected by ckpt_collect_zombie().
 *
 * Return: 0 or a negative errno (logged).
 */
int ckpt_checkpoint_zombie(struct ckpt_ctx *ctx, struct ckpt_task *ct)
{
	struct ckpt_rec_zombie rec = { .pid = ct->entry.pid };

	return ckpt_task_ref(ctx, (void *)ct->objs.cred, CKPT_OBJ_CRED,
			     &rec.cred_ref) ?:
	       ckpt_save_zombie_cputime(ctx, ct, &rec) ?:
	       ckpt_autogroup_ref(ctx, ct, &rec.autogroup_ref) ?:
	       ckpt_write_rec(ctx, &rec, CKPT_REC_ZOMBIE, sizeof(rec));
}

/* ---- restart ---- */

/* Registered rseq areas are at least the original 32-byte struct rseq. */
#define CKPT_RSEQ_MIN_LEN	32

/* Zero, or a user range that access_ok() would pass. */
static bool ckpt_user_ptr_ok(u64 ptr, u64 len)
{
	return !ptr || (ptr + len > ptr && ptr + len <= TASK_SIZE_MAX);
}

static int ckpt_check_task_rec(struct ckpt_ctx *ctx, struct ckpt_task *ct,
			       const struct ckpt_rec_task *r)
{
	unsigned int i;

	if (r->pid != ct->entry.pid)
		return ckpt_err(ctx, -EINVAL, "task record for pid %d where pid %d was expected",
				r->pid, ct->entry.pid);
	if (!valid_signal(r->pdeath_signal) || r->pdeath_signal < 0)
		return ckpt_err(ctx, -EINVAL, "task %d: bad pdeath signal", r->pid);
	if (r->nice < MIN_NICE || r->nice > MAX_NICE ||
	    r->nr_rlimits != RLIM_NLIMITS || !memchr(r->comm, 0, sizeof(r->comm)))
		return ckpt_err(ctx, -EINVAL, "task %d: malformed task record", r->pid);
	/* What sigaltstack(2) itself would accept, or the reset state. */
	if (r->altstack_flags & ~(SS_DISABLE | SS_AUTODISARM) ||
	    (r->altstack_size &&
	     (r->altstack_size < MINSIGSTKSZ || r->altstack_flags & SS_DISABLE ||
	      r->altstack_sp + r->altstack_size < r->altstack_sp)))
		return ckpt_err(ctx, -EINVAL, "task %d: bad sigaltstack", r->pid);
	for (i = 0; i < RLIM_NLIMITS; i++)
		if (r->rlim[i].cur > r->rlim[i].max ||
		    (i == RLIMIT_NOFILE && r->rlim[i].max > sysctl_nr_open))
			return ckpt_err(ctx, -EINVAL, "task %d: bad limit %u",
					r->pid, i);
	if (!ckpt_user_ptr_ok(r->clear_child_tid, sizeof(int)) ||
	    !ckpt_user_ptr_ok(r->robust_list, sizeof(struct robust_list_head)))
		return ckpt_err(ctx, -EINVAL, "task %d: bad thread pointers", r->pid);
	/* What rseq(2) itself would accept, or no registration at all. */
	if (!r->rseq && (r->rseq_len || r->rseq_sig))
		return ckpt_err(ctx, -EINVAL, "task %d: bad rseq registration", r->pid);
	if (r->rseq && (r->rseq_len < CKPT_RSEQ_MIN_LEN || r->rseq_len > PAGE_SIZE ||
			!IS_ALIGNED(r->rseq, CKPT_RSEQ_MIN_LEN) ||
			!ckpt_user_ptr_ok(r->rseq, r->rseq_len)))
		return ckpt_err(ctx, -EINVAL, "task %d: bad rseq registration", r->pid);
	/* Its flags, scheduling and process attributes. */
	return ckpt_check_task_attr(ctx, r);
}

/* Per-thread registrations: set_tid_address, robust futexes, rseq. */
static void ckpt_restore_thread_ptrs(const struct ckpt_rec_task *r)
{
	current->clear_child_tid = u64_to_user_ptr(r->clear_child_tid);
#ifdef CONFIG_FUTEX
	current->robust_list = u64_to_user_ptr(r->robust_list);
#endif
#ifdef CONFIG_RSEQ
	current->rseq = u64_to_user_ptr(r->rseq);
	current->rseq_len = r->rseq_len;
	current->rseq_sig = r->rseq_sig;
	/* The cpu fields are rewritten on the way to user mode. */
	if (current->rseq)
		rseq_set_notify_resume(current);
#endif
}

/*
 * The objects a task uses were restored into current as they were read
 * (mm, fds, handlers), or came from its parent through the clone flags;
 * the image must agree with that.
 */
static int ckpt_check_own(struct ckpt_ctx *ctx, const struct ckpt_rec_task *r,
			  u32 ref, enum ckpt_obj_type type, void *mine)
{
	void *obj = ckpt_obj_fetch(ctx, ref, type);

	if (IS_ERR(obj))
		return PTR_ERR(obj);
	if (obj != mine)
		return ckpt_err(ctx, -EINVAL,
				"task %d: its %s (objref %u) is neither its own nor its parent's",
				r->pid, ckpt_obj_ops(type)->name, ref);
	return 0;
}

/*
 * The limits are set as setrlimit(2) would let the task's creator set
 * them (the restarter, for the init): a hard limit above the creator's
 * takes CAP_SYS_RESOURCE, and the LSM has its say.  Run with the
 * restarter's credentials, before any limit is written.
 */
static int ckpt_check_rlimits(struct ckpt_ctx *ctx, struct ckpt_task *ct,
			      const struct ckpt_rec_task *r)
{
	unsigned int i;
	int ret;

	for (i = 0; i < RLIM_NLIMITS; i++) {
		struct rlimit new = { r->rlim[i].cur, r->rlim[i].max };
		unsigned long max = i == RLIMIT_NOFILE ? ct->nofile_max :
				    READ_ONCE(current->signal->rlim[i].rlim_max);

		if (new.rlim_max > max && !capable(CAP_SYS_RESOURCE))
			return ckpt_err(ctx, -EPERM,
					"task %d: limit %u above its creator's needs CAP_SYS_RESOURCE",
					r->pid, i);
		ret = security_task_setrlimit(current, i, &new);
		if (ret)
			return ckpt_err(ctx, ret, "task %d: limit %u refused", r->pid, i);
	}
	return 0;
}

static void ckpt_restore_sigstate(const struct ckpt_rec_task *r)
{
	struct rlimit *rlim = current->signal->rlim;
	sigset_t blocked = { .sig = { r->blocked } };
	unsigned int i;

	set_current_blocked(&blocked);
	current->sas_ss_sp = r->altstack_sp;
	current->sas_ss_size = r->altstack_size;
	current->sas_ss_flags = r->altstack_flags;

	task_lock(current->group_leader);
	for (i = 0; i < RLIM_NLIMITS; i++) {
		rlim[i].rlim_cur = r->rlim[i].cur;
		rlim[i].rlim_max = r->rlim[i].max;
	}
	task_unlock(current->group_leader);
	if (r->rlim[RLIMIT_CPU].cur != RLIM_INFINITY)
		update_rlimit_cpu(current, r->rlim[RLIMIT_CPU].cur);
}

/**
 * ckpt_restore_task_rec - read and restore the current task's record
 * @ctx:	restart context.
 * @ct:		the current task's entry.
 * @refs:	the objects opened in the task's own part of the image.
 * @credp:	set to the credentials it is to have, committed last.
 *
 * The task's fs is its creator's (CLONE_FS) or the one opened there: the
 * copy kernel_clone() gave it is nobody's.
 *
 * Return: 0 or a negative errno (logged).
 */
int ckpt_restore_task_rec(struct ckpt_ctx *ctx, struct ckpt_task *ct,
			  const u32 *refs, struct cred **credp)
{
	struct ckpt_rec_task rec;
	struct fs_struct *fs;
	struct cred *cred;
	void *own_fs = NULL;
	int ret;

	ret = ckpt_read_rec(ctx, &rec, CKPT_REC_TASK, sizeof(rec));
	if (ret)
		return ret;
	if (ct->entry.flags & CKPT_TREE_CLONE_FS)
		own_fs = current->fs;
	else if (refs[CKPT_OBJ_FS])
		own_fs = ckpt_obj_fetch(ctx, refs[CKPT_OBJ_FS], CKPT_OBJ_FS);
	ret = ckpt_check_task_rec(ctx, ct, &rec) ?:
	      ckpt_check_own(ctx, &rec, rec.mm_ref, CKPT_OBJ_MM, current->mm) ?:
	      ckpt_check_own(ctx, &rec, rec.files_ref, CKPT_OBJ_FILES,
			     current->files) ?:
	      ckpt_check_own(ctx, &rec, rec.sighand_ref, CKPT_OBJ_SIGHAND,
			     rcu_access_pointer(current->sighand)) ?:
	      ckpt_check_own(ctx, &rec, rec.fs_ref, CKPT_OBJ_FS, own_fs);
	if (ret)
		return ret;
	fs = ckpt_obj_fetch(ctx, rec.fs_ref, CKPT_OBJ_FS);
	if (IS_ERR(fs))
		return PTR_ERR(fs);
	cred = ckpt_obj_fetch(ctx, rec.cred_ref, CKPT_OBJ_CRED);
	if (IS_ERR(cred))
		return PTR_ERR(cred);
	/* Its files were opened with ct->cred: it must be the task's. */
	if (cred != ct->cred)
		return ckpt_err(ctx, -EINVAL,
				"task %d: its cred (objref %u) is neither its own nor its creator's",
				rec.pid, rec.cred_ref);

	/* no_new_privs is the restarter's until then: it cannot be lifted. */
	if (task_no_new_privs(current) &&
	    !(rec.flags & CKPT_TASK_NO_NEW_PRIVS))
		return ckpt_err(ctx, -EPERM,
				"task %d: the restarter has no_new_privs set, which the task did not have",
				rec.pid);

	ret = ckpt_check_rlimits(ctx, ct, &rec);
	if (ret)
		return ret;
	if (fs != current->fs)
		ckpt_install_fs(fs);
	current->personality = rec.personality;
	current->pdeath_signal = rec.pdeath_signal;
	set_task_comm(current, rec.comm);
	/* With the restarter's credentials; nice goes with the policy. */
	ret = ckpt_restore_task_attr(ct, &rec);
	if (ret)
		return ret;
	/*
	 * Set with the credentials, after the children are created: they
	 * inherit it from the restarter only, never from a parent that
	 * may have set it after forking them.
	 */
	ct->no_new_privs = rec.flags & CKPT_TASK_NO_NEW_PRIVS;
	ct->pf_acct = (rec.flags & CKPT_TASK_FORKNOEXEC ? PF_FORKNOEXEC : 0) |
		      (rec.flags & CKPT_TASK_SUPERPRIV ? PF_SUPERPRIV : 0);
	ret = ckpt_read_ptracer(ctx, ct, rec.ptracer) ?:
	      ckpt_restore_autogroup(ctx, ct, rec.autogroup_ref);
	if (ret)
		return ret;
	ckpt_restore_thread_ptrs(&rec);
	ckpt_restore_sigstate(&rec);
	*credp = cred;
	return 0;
}
