// SPDX-License-Identifier: GPL-2.0-only
/*
 * restart(2): the restored tasks' lives until their release.  The
 * coordinator creates the container's init; each task cleans the state
 * it got from its creator, reads its own part of the image in its own
 * context (task.c has its task record, each kind its objects), creates
 * its children in image order and waits.  The coordinator waits for the
 * late work, kills them all on failure and waits for their exit.
 */
#include <linux/audit.h>
#include <linux/checkpoint.h>
#include <linux/cred.h>
#include <linux/errno.h>
#include <linux/fdtable.h>
#include <linux/file.h>
#include <linux/fs_struct.h>
#include <linux/futex.h>
#include <linux/iocontext.h>
#include <linux/ioprio.h>
#include <linux/kcov.h>
#include <linux/mempolicy.h>
#include <linux/personality.h>
#include <linux/pid_namespace.h>
#include <linux/posix-timers.h>
#include <linux/resource.h>
#include <linux/rseq.h>
#include <linux/sched/mm.h>
#include <linux/sched/signal.h>
#include <linux/sched/task.h>
#include <linux/sched/task_stack.h>
#include <linux/seccomp.h>
#include <linux/security.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/tty.h>
#include <linux/utsname.h>
#include <linux/wait.h>
#include <uapi/linux/keyctl.h>
#include <uapi/linux/sched/types.h>
#include <uapi/linux/wait.h>

#include "internal.h"
#ifdef CONFIG_SECURITY_LANDLOCK
/* Whether a task is confined: Landlock has no interface for it outside. */
#include "../../security/landlock/cred.h"
#endif

/*
 * The restarter's confinement, which restored tasks inherit through
 * kernel_clone() and which no record can take back: a task must not come
 * out of restart less confined than its restarter.  Seccomp filters can
 * only be added to, never taken away: the restarter's would sit under
 * each restored task's own chain, where the image has none, so a
 * restarter under seccomp restarts nothing; one with no_new_privs only
 * tasks that had it too (checked against the task record).
 */
static int ckpt_task_confinement(struct ckpt_task *ct)
{
	if (seccomp_mode(&current->seccomp) != SECCOMP_MODE_DISABLED)
		return ckpt_err(ct->ctx, -EPERM,
				"task %d: the restarter runs under seccomp, which the restored tasks would escape",
				ct->entry.pid);
#ifdef CONFIG_SCHED_CORE
	/*
	 * A cookie says whose tasks may share a core with whose; a restored
	 * task must neither keep the restarter's (checkpoint refuses a task
	 * with one of its own) nor be the way to drop it.
	 */
	if (current->core_cookie)
		return ckpt_err(ct->ctx, -EPERM,
				"task %d: the restarter has a core scheduling cookie, which the restored tasks would share",
				ct->entry.pid);
#endif
#ifdef CONFIG_SECURITY_LANDLOCK
	/* Its domain is in the creds each restored task's are made from. */
	if (landlock_initialized && landlocked(current))
		return ckpt_err(ct->ctx, -EPERM,
				"task %d: the restarter is confined by Landlock, which the restored tasks would be too",
				ct->entry.pid);
#endif
	return 0;
}

/*
 * What kernel_clone() copied from the restarter (or the restored
 * creator) into current and no record of the image sets yet goes back to
 * what a fresh task has, so that the restarter lends the restored tasks
 * none of it: its scheduling policy and priority (an RT restarter would
 * make RT tasks), CPU affinity (all the CPUs its cpuset allows instead),
 * OOM score adjustment (a negative one protects), I/O priority, timer
 * slack, utilization clamps, NUMA policy (checkpoint refuses a task with
 * one) and personality (which changes how the mm is built).  The task
 * record sets the nice value, clamps and personality the task had.
 */
static int ckpt_task_fresh_sched(struct ckpt_task *ct)
{
	struct sched_attr attr = {
		.size = sizeof(attr),
		.sched_policy = SCHED_NORMAL,
	};
	int ret;

#ifdef CONFIG_UCLAMP_TASK
	/*
	 * -1: back to the default, no longer user-defined.  Only clamps
	 * the restarter set: asking turns the scheduler's clamp
	 * accounting on for good, machine-wide (sched_uclamp_used).
	 */
	if (current->uclamp_req[UCLAMP_MIN].user_defined ||
	    current->uclamp_req[UCLAMP_MAX].user_defined) {
		attr.sched_flags = SCHED_FLAG_UTIL_CLAMP;
		attr.sched_util_min = -1;
		attr.sched_util_max = -1;
	}
#endif
	ret = sched_setattr_nocheck(current, &attr);
	if (ret)
		return ckpt_err(ct->ctx, ret, "task %d: cannot reset its scheduling policy",
				ct->entry.pid);
	ret = sched_setaffinity(0, cpu_possible_mask);
	if (ret)
		return ckpt_err(ct->ctx, ret, "task %d: cannot reset its CPU affinity",
				ct->entry.pid);
	task_lock(current);
	current->timer_slack_ns = init_task.timer_slack_ns;
	current->default_timer_slack_ns = init_task.timer_slack_ns;
	if (current->io_context)
		current->io_context->ioprio = IOPRIO_DEFAULT;
	task_unlock(current);
	if (!ckpt_is_thread(ct)) {
		/* Its own signal_struct: it is the only task in it so far. */
		WRITE_ONCE(current->signal->oom_score_adj, 0);
		WRITE_ONCE(current->signal->oom_score_adj_min, 0);
	}
	numa_default_policy();
#ifdef CONFIG_NUMA
	/* It says nothing when it cannot allocate; the policy stays then. */
	if (current->mempolicy)
		return ckpt_err(ct->ctx, -ENOMEM, "task %d: cannot reset its NUMA policy",
				ct->entry.pid);
#endif
	set_personality(PER_LINUX);
	ckpt_arch_clean_slate();
	return 0;
}

/*
 * A restored task starts as a clone of its restored parent, or for the
 * init, of the coordinator.  Nothing it does not share with its parent
 * may carry over: no fds, no handlers, no signal mask, none of the
 * restarter's scheduling or process attributes, and never the
 * restarter's controlling terminal (through which /dev/tty would reopen
 * as the restarter's terminal).  The fd limit is opened wide until the
 * task record sets the real one, so that any saved fd number can be
 * installed.
 */
static int ckpt_task_clean_slate(struct ckpt_task *ct)
{
	struct rlimit *nofile = &current->signal->rlim[RLIMIT_NOFILE];
	sigset_t none;
	int ret;

	ret = ckpt_task_confinement(ct) ?: ckpt_task_fresh_sched(ct);
	if (ret)
		return ret;
	if (!ckpt_is_thread(ct))
		proc_clear_tty(current);
	sigemptyset(&none);
	set_current_blocked(&none);
	if (!(ct->entry.flags & CKPT_TREE_CLONE_SIGHAND))
		flush_signal_handlers(current, 1);
	task_lock(current->group_leader);
	ct->nofile_max = nofile->rlim_max;
	nofile->rlim_cur = sysctl_nr_open;
	nofile->rlim_max = sysctl_nr_open;
	task_unlock(current->group_leader);
	if (ct->entry.flags & CKPT_TREE_CLONE_FILES)
		return 0;
	return __close_range(0, ~0U, 0);
}

/* The init was created in a new uts namespace; give it its names. */
static void ckpt_restore_uts(struct ckpt_ctx *ctx)
{
	struct ckpt_rst_ctx *rst = ckpt_rst(ctx);
	struct new_utsname *uts;

	down_write(&uts_sem);
	uts = utsname();
	strscpy_pad(uts->nodename, rst->nodename, sizeof(uts->nodename));
	strscpy_pad(uts->domainname, rst->domainname, sizeof(uts->domainname));
	up_write(&uts_sem);
	uts_proc_notify(UTS_PROC_HOSTNAME);
	uts_proc_notify(UTS_PROC_DOMAINNAME);
}

/*
 * The kinds of object a task may open in its own part of the image:
 * those it does not share with its creator.  Each kind's restore works
 * on current (an mm replaces current's, an fd table or signal handlers
 * are filled in place), so one opened by a task that shares it would
 * rebuild its creator's under it -- a thread's mm most of all, which
 * must stay its leader's.
 */
static u32 ckpt_task_kinds(const struct ckpt_task *ct)
{
	u32 kinds = CKPT_OBJ_KIND(CKPT_OBJ_CRED);

	/* A thread shares its mm and its process's autogroup. */
	if (!ckpt_is_thread(ct))
		kinds |= CKPT_OBJ_KIND(CKPT_OBJ_MM) |
			 CKPT_OBJ_KIND(CKPT_OBJ_AUTOGROUP);
	if (!(ct->entry.flags & CKPT_TREE_CLONE_FILES))
		kinds |= CKPT_OBJ_KIND(CKPT_OBJ_FILES);
	if (!(ct->entry.flags & CKPT_TREE_CLONE_FS))
		kinds |= CKPT_OBJ_KIND(CKPT_OBJ_FS);
	if (!(ct->entry.flags & CKPT_TREE_CLONE_SIGHAND))
		kinds |= CKPT_OBJ_KIND(CKPT_OBJ_SIGHAND);
	return kinds;
}

/*
 * Read this task's part of the image: the objects it is first to use,
 * then its task record and signal queues.
 */
static int ckpt_restore_task(struct ckpt_ctx *ctx, struct ckpt_task *ct,
			     struct cred **credp)
{
	struct ckpt_rst_ctx *rst = ckpt_rst(ctx);
	u32 refs[CKPT_OBJ_MAX] = { };
	char site[32];
	int ret;

	ret = ckpt_task_clean_slate(ct);
	if (ret)
		return ret;
	if (!ct->parent) {
		ckpt_restore_uts(ctx);
		ret = ckpt_ipc_restore(ctx);
		if (ret)
			return ret;
		/*
		 * Paths are found beneath the restarter's root as the init's
		 * new mount namespace has it: from the restarter's own, the
		 * container would stand on the host's mounts.
		 */
		path_put(&rst->root);
		get_fs_root(current->fs, &rst->root);
	}
	/*
	 * Files are opened as the task, with its creator's credentials
	 * until a cred object of its own opens here (before any file).
	 */
	rst->reader = ct;
	ct->cred = ct->parent ? ct->parent->cred : NULL;
	snprintf(site, sizeof(site), "%s %d",
		 ckpt_is_thread(ct) ? "thread" : "task", ct->entry.pid);
	ret = ckpt_obj_restore_here(ctx, ckpt_task_kinds(ct), site, refs);
	if (ret)
		return ret;
	return ckpt_restore_task_rec(ctx, ct, refs, credp) ?:
	       ckpt_restore_mm_locks(ctx, ct, *credp) ?:
	       ckpt_read_sigpending(ctx, ct) ?:
	       ckpt_read_timers(ctx, ct) ?:
	       ckpt_read_seccomp(ctx, ct) ?:
	       ckpt_restore_locks(ctx, ct);
}

/*
 * A zombie's part of the image: its credentials, if they are not its
 * parent's, its autogroup if it is the first to use it, and its record,
 * with the CPU times its parent's wait4() collects.  Nothing else of it
 * is left to rebuild.
 */
static int ckpt_restore_zombie(struct ckpt_ctx *ctx, struct ckpt_task *ct,
			       struct cred **credp)
{
	u32 refs[CKPT_OBJ_MAX] = { };
	struct ckpt_rec_zombie rec;
	struct cred *cred;
	char site[32];
	int ret;

	ckpt_rst(ctx)->reader = ct;
	ct->cred = ct->parent->cred;
	snprintf(site, sizeof(site), "zombie %d", ct->entry.pid);
	ret = ckpt_obj_restore_here(ctx, CKPT_OBJ_KIND(CKPT_OBJ_CRED) |
				    CKPT_OBJ_KIND(CKPT_OBJ_AUTOGROUP), site, refs) ?:
	      ckpt_read_rec(ctx, &rec, CKPT_REC_ZOMBIE, sizeof(rec));
	if (ret)
		return ret;
	if (rec.pid != ct->entry.pid || rec.__pad)
		return ckpt_err(ctx, -EINVAL,
				"the record of zombie %d says pid %d",
				ct->entry.pid, rec.pid);
	cred = ckpt_obj_fetch(ctx, rec.cred_ref, CKPT_OBJ_CRED);
	if (IS_ERR(cred))
		return PTR_ERR(cred);
	if (cred != ct->cred)
		return ckpt_err(ctx, -EINVAL,
				"zombie %d: its cred (objref %u) is neither its own nor its parent's",
				rec.pid, rec.cred_ref);
	ret = ckpt_restore_autogroup(ctx, ct, rec.autogroup_ref);
	if (ret)
		return ret;
	*credp = cred;
	/* Late: what fails after this kills it, as any failure does. */
	return ckpt_restore_zombie_cputime(ct, &rec);
}

static int ckpt_restore_task_fn(void *arg);

static int ckpt_create_child(struct ckpt_ctx *ctx, struct ckpt_task *child)
{
	/*
	 * A zombie that leads no threads exits at once: with its creator's
	 * fd table and fs shared, not copied, so that its exit closes
	 * nothing (a FUSE or NFS flush could block the restart).
	 */
	u32 flags = child->entry.flags |
		    (child->entry.flags & CKPT_TREE_ZOMBIE &&
		     !ckpt_leads_threads(ctx, child) ?
		     CKPT_TREE_CLONE_FILES | CKPT_TREE_CLONE_FS : 0);
	struct kernel_clone_args args = {
		/*
		 * CLONE_VM so that nothing is copied: a child that does
		 * not share its parent's mm builds its own from the image.
		 */
		.flags = CLONE_VM | CLONE_UNTRACED |
			 (ckpt_is_thread(child) ? CLONE_THREAD : 0) |
			 (flags & CKPT_TREE_CLONE_FILES ? CLONE_FILES : 0) |
			 (flags & CKPT_TREE_CLONE_FS ? CLONE_FS : 0) |
			 (flags & CKPT_TREE_CLONE_SIGHAND ? CLONE_SIGHAND : 0),
		/* Set on release; a failed restart signals nobody. */
		.exit_signal = 0,
		.fn = ckpt_restore_task_fn,
		.fn_arg = child,
	};
	pid_t set_tid[CKPT_MAX_PIDNS_DEPTH + 1];
	pid_t pid;
	int ret;

	ret = ckpt_pidns_clone_args(ctx, child, &args, set_tid);
	if (ret)
		return ret;
	pid = kernel_clone(&args);
	if (pid < 0)
		return ckpt_err(ctx, pid, "cannot create task %d", child->entry.pid);
	/*
	 * The child reads its part of the image and creates its own tasks,
	 * for as long as a big image or a slow stream takes: a killable
	 * sleep, not a hung task.  Killed, this task takes the restart down
	 * (it would fail without this task anyway); the child, killed too,
	 * stops at its next step, and must be done with ctx before this
	 * task is.
	 */
	if (wait_for_completion_killable(&child->done)) {
		ckpt_kill_all(ctx);
		wait_for_completion_state(&child->done, TASK_IDLE);
		return -EINTR;
	}
	return child->err;
}

/*
 * Create @ct's children in image order.  Each reads its own part of the
 * image and creates its own children before the next one is created,
 * which is exactly the depth-first order the image was written in.
 */
static int ckpt_create_children(struct ckpt_ctx *ctx, struct ckpt_task *ct)
{
	struct ckpt_task *child;
	int ret;

	for (child = ct + 1; child < ctx->tasks + ctx->nr_tasks &&
	     child->depth > ct->depth; child++) {
		if (child->parent != ct)
			continue;
		ret = ckpt_create_child(ctx, child);
		if (ret)
			return ret;
	}
	return 0;
}

/*
 * Last, so that everything before ran with the restarter's rights (a
 * child's pid is chosen under CAP_CHECKPOINT_RESTORE).  A change of ids
 * resets dumpable and the pdeath signal; the image has the values the
 * task had with these very credentials.  no_new_privs comes with them,
 * once the children have been created.
 */
static void ckpt_commit_creds(struct ckpt_task *ct, struct cred *cred)
{
	int dumpable = get_dumpable(current->mm);
	int pdeath = current->pdeath_signal;

	if (ct->no_new_privs)
		task_set_no_new_privs(current);
	commit_creds(get_new_cred(cred));
	set_dumpable(current->mm, dumpable);
	current->pdeath_signal = pdeath;
}

/* Last of all: restoring the task forked it and used privilege. */
static void ckpt_restore_acct_flags(struct ckpt_task *ct)
{
	current->flags &= ~(PF_FORKNOEXEC | PF_SUPERPRIV);
	current->flags |= ct->pf_acct;
}

/**
 * ckpt_restore_task_fn - body of a task created by restart(2)
 * @arg:	its struct ckpt_task.
 *
 * Rebuilds the task from its part of the image, creates its children,
 * and sleeps until released.  Released, it returns to user mode with
 * the registers the coordinator wrote; aborted, it exits.
 *
 * Return: RET_FROM_FORK_KEEP_REGS.
 */
static int ckpt_restore_task_fn(void *arg)
{
	struct ckpt_task *ct = arg;
	struct ckpt_ctx *ctx = ct->ctx;
	struct ckpt_rst_ctx *rst = ckpt_rst(ctx);
	bool zombie = ct->entry.flags & CKPT_TREE_ZOMBIE;
	int code = ct->entry.exit_code;
	struct cred *cred = NULL;
	bool go;
	int ret;

	spin_lock(&rst->lock);
	ct->task = get_task_struct(current);
	if (rst->killed)
		send_sig(SIGKILL, current, 1);
	spin_unlock(&rst->lock);
	ckpt_pidns_enter(ctx, ct);

	if (zombie && !ckpt_leads_threads(ctx, ct)) {
		/* What ps(1) and its parent's wait see: its name and ids. */
		set_task_comm(current, ct->entry.comm);
		kcov_remote_start_common(rst->kcov_handle);
		ret = ckpt_restore_zombie(ctx, ct, &cred);
		kcov_remote_stop();
		if (!ret) {
			ckpt_commit_creds(ct, cred);
			ret = ckpt_restore_autogroup_nice(ct);
		}
		/* Exit signal 0 for now: see ckpt_link_groups(). */
		ct->err = ret;
		complete(&ct->done);
		complete(&ct->gone);
		do_exit(ret ? SIGKILL : code);
	}

	/*
	 * Coverage of the image's parsing goes to the restarter's KCOV
	 * (a fuzzer's), and must stop before this task exits or returns
	 * to user mode: every path out passes here.
	 */
	kcov_remote_start_common(rst->kcov_handle);
	ret = ckpt_restore_task(ctx, ct, &cred) ?:
	      ckpt_create_children(ctx, ct) ?:
	      ckpt_pidns_restore_children(ctx, ct) ?:
	      ckpt_send_sigpending(ctx, ct) ?:
	      (ckpt_is_thread(ct) ? 0 : ckpt_timers_queued(ctx, ct)) ?:
	      ckpt_restore_task_sched(ct) ?:
	      ckpt_restore_seccomp(ctx, ct);
	kcov_remote_stop();
	if (!ret) {
		ckpt_commit_creds(ct, cred);
		ret = ckpt_restore_autogroup_nice(ct);
		ckpt_restore_acct_flags(ct);
	}
	ct->err = ret;
	complete(&ct->done);
	if (zombie && !ret) {
		/* A leader that had exited: its threads go on without it. */
		complete(&ct->gone);
		do_exit(code);
	}
	/* What needs every task of the container, as this task. */
	if (ct->late) {
		/* Killed before its turn: its late state was never restored. */
		if (wait_for_completion_killable(&ct->late_go))
			ct->late_err = -EINTR;
		else if (!READ_ONCE(rst->abort))
			ct->late_err = ckpt_restore_ptracer(ctx, ct);
		complete(&ct->late_done);
	}

	if (wait_for_completion_killable(&rst->release))
		go = false;
	else
		go = !READ_ONCE(rst->abort);
	/*
	 * Its process's timers run from release on: armed before, one
	 * about to fire would send a signal whose default action kills the
	 * process in the middle of the restart.
	 */
	ckpt_restore_timers(ctx, ct, go);
	/* The coordinator may free ctx as soon as it sees this. */
	complete(&ct->gone);
	if (!go)
		do_exit(SIGKILL);
	return RET_FROM_FORK_KEEP_REGS;
}

/**
 * ckpt_create_init - create the container's init, which creates the rest
 * @ctx:	restart context, the tree read.
 *
 * The init gets a new pid namespace, and fresh uts/ipc/mount namespaces.
 * It starts on the coordinator's mm (CLONE_VM: nothing is copied) and
 * swaps to its own when it rebuilds it.  Its exit signal stays 0 until
 * the container is released, so a failed restart signals nobody.
 *
 * Return: its pid in the caller's namespace, or a negative errno.
 */
pid_t ckpt_create_init(struct ckpt_ctx *ctx)
{
	struct kernel_clone_args args = {
		.flags = CLONE_VM | CLONE_UNTRACED | CLONE_NEWPID |
			 CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWNS,
		.exit_signal = 0,
		.fn = ckpt_restore_task_fn,
		.fn_arg = &ctx->tasks[0],
	};

	return kernel_clone(&args);
}

/**
 * ckpt_restore_late - the work that needs every task of the container
 * @ctx:	restart context; every task exists.
 *
 * Let the tasks that have such work do it: one at a time, in tree order,
 * as they read the image.  Each did its own part already; nothing it
 * does now can block for long.
 *
 * Return: 0, or the first task's error.
 */
int ckpt_restore_late(struct ckpt_ctx *ctx)
{
	unsigned int i;
	int ret = 0;

	for (i = 0; i < ctx->nr_tasks && !ret; i++) {
		struct ckpt_task *ct = &ctx->tasks[i];

		if (!ct->late)
			continue;
		complete(&ct->late_go);
		wait_for_completion_state(&ct->late_done, TASK_IDLE);
		ret = ct->late_err;
	}
	return ret;
}

/**
 * ckpt_kill_all - undo a restart whose caller or one of whose tasks was killed
 * @ctx:	restart context.
 *
 * Kill every task created so far, and through the killed flag every task
 * still to come, so that none stays blocked on the image stream and the
 * restart fails at once, as it would later: a task killed before its
 * release could not be linked into its groups.
 */
void ckpt_kill_all(struct ckpt_ctx *ctx)
{
	struct ckpt_rst_ctx *rst = ckpt_rst(ctx);
	unsigned int i;

	spin_lock(&rst->lock);
	rst->killed = true;
	for (i = 0; i < ctx->nr_tasks; i++)
		if (ctx->tasks[i].task)
			send_sig(SIGKILL, ctx->tasks[i].task, 1);
	spin_unlock(&rst->lock);
}

/**
 * ckpt_wait_exited - wait until a restored task is a zombie
 * @t:		the task, held.
 * @whole_group: wait for its whole thread group to have exited.
 *
 * A leader whose threads still run is not
 * announced anywhere when it becomes one, and it takes a moment only:
 * poll for that.  An exit that empties the thread group wakes its pid's
 * pidfd queue, for every waiter whatever our own signal state: sleep
 * there for the whole group.  Every other task of the namespace exits
 * before its init does, which may take long for a big container: sleep
 * without counting as hung, and without a signal cutting it short.
 */
void ckpt_wait_exited(struct task_struct *t, bool whole_group)
{
	struct pid *p;

	if (!whole_group) {
		while (!READ_ONCE(t->exit_state))
			schedule_timeout_idle(1);
		return;
	}
	p = get_task_pid(t, PIDTYPE_PID);
	/* No pid: it was reaped already. */
	if (!p)
		return;
	wait_event_idle(p->wait_pidfd, READ_ONCE(t->exit_state) &&
			thread_group_empty(t));
	put_pid(p);
}
