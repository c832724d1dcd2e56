// SPDX-License-Identifier: GPL-2.0-only
/*
 * restart(2): the coordinator.
 *
 * The calling task reads the header and the task tree, then creates the
 * container's init with kernel_clone() in a new pid namespace.  The new
 * task reads its own part of the image in its own context (its mm must
 * be current to be rebuilt) and hands the stream back.  The coordinator
 * then reads every task's registers and writes them into the waiting
 * tasks, checks the trailer's checksum, and only then releases them.
 * Until that moment nothing of the container has run in user mode, so a
 * failure anywhere is undone by making every task exit.
 */
#include <linux/checkpoint.h>
#include <linux/errno.h>
#include <linux/fs_struct.h>
#include <linux/kcov.h>
#include <linux/pid_namespace.h>
#include <linux/sched/signal.h>
#include <linux/sched/task.h>
#include <linux/sched/task_stack.h>
#include <linux/slab.h>
#include <linux/tty.h>
#include <linux/wait.h>
#include <uapi/linux/wait.h>

#include "internal.h"

/* A zombie's name, a string; nothing where the task record has it. */
static int ckpt_check_tree_comm(struct ckpt_ctx *ctx, struct ckpt_task *ct)
{
	const char *comm = ct->entry.comm;
	bool ok;

	if (ct->entry.flags & CKPT_TREE_ZOMBIE)
		ok = memchr(comm, 0, sizeof(ct->entry.comm));
	else
		ok = !memchr_inv(comm, 0, sizeof(ct->entry.comm));
	if (!ok)
		return ckpt_err(ctx, -EINVAL, "task %d: bad name in its tree entry",
				ct->entry.pid);
	return 0;
}

/*
 * What a process's entry says of its stops: stopped by a stop signal,
 * its parent told or not; or continued; or nothing.  A thread's entry
 * says nothing: the state is its leader's.
 */
static int ckpt_check_tree_stop(struct ckpt_ctx *ctx, struct ckpt_task *ct)
{
	const struct ckpt_tree_entry *e = &ct->entry;
	u32 stop = e->flags & CKPT_TREE_STOP_FLAGS;
	bool ok;

	if (stop & CKPT_TREE_STOPPED)
		ok = !(stop & CKPT_TREE_CONTINUED) &&
		     sig_kernel_stop(e->stop_signal);
	else
		ok = !(stop & CKPT_TREE_STOP_WAITED) && !e->stop_signal;
	if (!ok || e->__pad || (stop && ckpt_is_thread(ct)))
		return ckpt_err(ctx, -EINVAL, "task %d: bad stop state in its tree entry",
				e->pid);
	return 0;
}

/* Where @ct hangs in the tree, checking the image's tree order. */
static int ckpt_link_task(struct ckpt_ctx *ctx, struct ckpt_task *ct)
{
	const struct ckpt_tree_entry *e = &ct->entry;
	struct ckpt_task *up;

	if (ct == ctx->tasks) {
		/* It may have exited, if its threads run on. */
		if (e->pid != 1 || e->ppid || e->tgid != 1 ||
		    e->flags & ~(CKPT_TREE_STOP_FLAGS | CKPT_TREE_ZOMBIE) ||
		    (e->flags & CKPT_TREE_ZOMBIE ?
		     e->exit_code & ~0xffff : e->exit_code) ||
		    !valid_signal(e->exit_signal) || e->exit_signal < 0)
			return ckpt_err(ctx, -EINVAL,
					"the first task of the tree is not an init");
		return 0;
	}
	if (e->pid <= 1 || e->flags & ~CKPT_TREE_FLAGS ||
	    !valid_signal(e->exit_signal) || e->exit_signal < 0 ||
	    (e->flags & CKPT_TREE_ZOMBIE ?
			 (e->flags & ~CKPT_TREE_STOP_FLAGS) != CKPT_TREE_ZOMBIE ||
			 e->exit_code & ~0xffff :
			 e->exit_code))
		return ckpt_err(ctx, -EINVAL, "task %d: malformed tree entry",
				e->pid);
	/*
	 * In depth-first preorder the parent is the previous task or one
	 * of its ancestors.  Anything else -- a parent later in the
	 * image, a cycle, a parent that does not exist -- is refused.
	 */
	for (up = ct - 1; up && up->entry.pid != e->ppid; up = up->parent)
		;
	if (!up)
		return ckpt_err(ctx, -EINVAL,
				"task %d: parent %d does not come before it in tree order",
				e->pid, e->ppid);
	if (ckpt_is_thread(ct)) {
		/*
		 * A thread is created by its leader and shares its signal
		 * handlers, process group and session; it signals nobody.
		 */
		if (e->tgid != e->ppid || ckpt_is_thread(up) ||
		    e->flags & CKPT_TREE_ZOMBIE ||
		    !(e->flags & CKPT_TREE_CLONE_SIGHAND) || e->exit_signal ||
		    e->pgid != up->entry.pgid || e->sid != up->entry.sid)
			return ckpt_err(ctx, -EINVAL,
					"thread %d does not follow its leader %d",
					e->pid, e->tgid);
	} else if (up->entry.flags & CKPT_TREE_ZOMBIE) {
		/* Exiting hands a task's children to the init. */
		return ckpt_err(ctx, -EINVAL, "zombie %d has a child %d",
				up->entry.pid, e->pid);
	}
	ct->parent = up;
	ct->depth = up->depth + 1;
	return 0;
}

/*
 * Process groups and sessions: each names a process of the image (not
 * a thread: setpgid() and setsid() name groups after processes) or one
 * of the listed pids whose leader has exited.  A group lies within one
 * session, and a session's leader, when it is still there, leads it.
 * A listed pid no task uses would pin the namespace forever.
 */
static int ckpt_check_groups(struct ckpt_ctx *ctx, struct xarray *listed,
			     struct xarray *session_of)
{
	unsigned int i;
	void *old;
	int ret;

	for (i = 0; i < ctx->nr_pids; i++) {
		pid_t nr = ctx->pids[i];

		if (nr <= 1 || ckpt_find_task(ctx, nr))
			return ckpt_err(ctx, -EINVAL, "bad group or session pid %d", nr);
		ret = xa_insert(listed, nr, xa_mk_value(0), GFP_KERNEL);
		if (ret == -EBUSY)
			return ckpt_err(ctx, -EINVAL, "pid %d listed twice", nr);
		if (ret)
			return ret;
	}
	for (i = 0; i < ctx->nr_tasks; i++) {
		const struct ckpt_tree_entry *e = &ctx->tasks[i].entry;
		struct ckpt_task *group = ckpt_find_task(ctx, e->pgid);
		struct ckpt_task *leader = ckpt_find_task(ctx, e->sid);

		if ((e->pgid && !group && !xa_load(listed, e->pgid)) ||
		    (e->sid && !leader && !xa_load(listed, e->sid)))
			return ckpt_err(ctx, -EINVAL,
					"task %d: group %d or session %d names no task",
					e->pid, e->pgid, e->sid);
		if ((group && ckpt_is_thread(group)) ||
		    (leader && ckpt_is_thread(leader)))
			return ckpt_err(ctx, -EINVAL,
					"task %d: group %d or session %d is a thread",
					e->pid, e->pgid, e->sid);
		if ((e->sid && !e->pgid) || (leader && leader->entry.sid != e->sid))
			return ckpt_err(ctx, -EINVAL, "task %d: session %d is inconsistent",
					e->pid, e->sid);
		if (!e->pgid)
			continue;
		if (xa_load(listed, e->pgid))
			xa_store(listed, e->pgid, xa_mk_value(1), GFP_KERNEL);
		if (xa_load(listed, e->sid))
			xa_store(listed, e->sid, xa_mk_value(1), GFP_KERNEL);
		old = xa_store(session_of, e->pgid, xa_mk_value(e->sid), GFP_KERNEL);
		if (xa_is_err(old))
			return xa_err(old);
		if (old && xa_to_value(old) != e->sid)
			return ckpt_err(ctx, -EINVAL,
					"process group %d spans sessions %lu and %d",
					e->pgid, xa_to_value(old), e->sid);
	}
	for (i = 0; i < ctx->nr_pids; i++)
		if (xa_load(listed, ctx->pids[i]) != xa_mk_value(1))
			return ckpt_err(ctx, -EINVAL, "pid %d is listed but unused",
					ctx->pids[i]);
	return 0;
}

static int ckpt_read_container(struct ckpt_ctx *ctx)
{
	struct ckpt_rst_ctx *rst = ckpt_rst(ctx);
	struct xarray listed, session_of;
	struct ckpt_rec_container rec;
	unsigned int i;
	int ret;

	ret = ckpt_read_begin(ctx, &rec, CKPT_REC_CONTAINER, sizeof(rec),
			      CKPT_MAX_TASKS * (sizeof(struct ckpt_tree_entry) +
						2 * sizeof(pid_t)));
	if (ret < 0)
		return ret;
	if (!rec.nr_tasks || rec.nr_tasks > CKPT_MAX_TASKS ||
	    rec.nr_pids > 2 * rec.nr_tasks ||
	    ret != rec.nr_tasks * sizeof(struct ckpt_tree_entry) +
		   rec.nr_pids * sizeof(pid_t) ||
	    !memchr(rec.nodename, 0, sizeof(rec.nodename)) ||
	    !memchr(rec.domainname, 0, sizeof(rec.domainname)) ||
	    memchr_inv(rec.__pad2, 0, sizeof(rec.__pad2)))
		return ckpt_err(ctx, -EINVAL, "malformed task tree record");
	ret = ckpt_ipc_read_container(ctx, &rec);
	if (ret)
		return ret;
	memcpy(rst->nodename, rec.nodename, sizeof(rst->nodename));
	memcpy(rst->domainname, rec.domainname, sizeof(rst->domainname));

	/* Sized by the image, bounded by CKPT_MAX_TASKS, charged to the caller. */
	ctx->tasks = kvcalloc(rec.nr_tasks, sizeof(*ctx->tasks),
			      GFP_KERNEL_ACCOUNT | __GFP_NOWARN);
	ctx->pids = kvcalloc(rec.nr_pids, sizeof(*ctx->pids),
			     GFP_KERNEL_ACCOUNT | __GFP_NOWARN);
	if (!ctx->tasks || !ctx->pids)
		return -ENOMEM;
	for (i = 0; i < rec.nr_tasks; i++) {
		struct ckpt_task *ct = &ctx->tasks[i];

		ret = ckpt_read_data(ctx, &ct->entry, sizeof(ct->entry));
		if (ret)
			return ret;
		ct->ctx = ctx;
		init_completion(&ct->done);
		init_completion(&ct->gone);
		init_completion(&ct->timers_armed);
		init_completion(&ct->late_go);
		init_completion(&ct->late_done);
		ctx->nr_tasks = i + 1;
		ret = ckpt_link_task(ctx, ct) ?: ckpt_check_tree_comm(ctx, ct) ?:
		      ckpt_check_tree_stop(ctx, ct);
		if (ret)
			return ret;
		ret = xa_insert(&ctx->by_pid, ct->entry.pid, ct,
				GFP_KERNEL_ACCOUNT);
		if (ret == -EBUSY)
			return ckpt_err(ctx, -EINVAL, "pid %d appears twice",
					ct->entry.pid);
		if (ret)
			return ret;
	}
	ret = ckpt_read_data(ctx, ctx->pids, rec.nr_pids * sizeof(*ctx->pids));
	if (ret)
		return ret;
	ctx->nr_pids = rec.nr_pids;
	ret = ckpt_read_end(ctx) ?: ckpt_pidns_read(ctx, &rec);
	if (ret)
		return ret;

	if (ctx->tasks[0].entry.flags & CKPT_TREE_ZOMBIE &&
	    !ckpt_leads_threads(ctx, ctx->tasks))
		return ckpt_err(ctx, -EINVAL, "the init is a zombie");
	/* A process with no thread left has none to stop. */
	for (i = 0; i < ctx->nr_tasks; i++) {
		struct ckpt_task *ct = &ctx->tasks[i];

		if ((ct->entry.flags & (CKPT_TREE_ZOMBIE | CKPT_TREE_STOPPED)) ==
		    (CKPT_TREE_ZOMBIE | CKPT_TREE_STOPPED) &&
		    !ckpt_leads_threads(ctx, ct))
			return ckpt_err(ctx, -EINVAL,
					"zombie %d is stopped, with no thread left",
					ct->entry.pid);
	}

	xa_init(&listed);
	xa_init(&session_of);
	ret = ckpt_check_groups(ctx, &listed, &session_of);
	xa_destroy(&session_of);
	xa_destroy(&listed);
	return ret;
}

/*
 * The CPU records, one per live task in whichever order: each names a
 * different live task, so there are no more of them than live tasks,
 * and every live task must have had its own before any is released.
 */
static int ckpt_restore_cpus(struct ckpt_ctx *ctx)
{
	unsigned int i;
	int ret;

	while ((ret = ckpt_peek_type(ctx)) == CKPT_REC_CPU) {
		ret = ckpt_restore_cpu(ctx);
		if (ret)
			return ret;
	}
	if (ret < 0)
		return ret;
	for (i = 0; i < ctx->nr_tasks; i++) {
		const struct ckpt_task *ct = &ctx->tasks[i];

		if (!(ct->entry.flags & CKPT_TREE_ZOMBIE) && !ct->cpu_restored)
			return ckpt_err(ctx, -EINVAL, "task %d has no cpu record",
					ct->entry.pid);
	}
	return 0;
}

/* The struct pid a group or session id of the image stands for. */
static struct pid *ckpt_group_pid(struct ckpt_ctx *ctx, pid_t nr)
{
	struct ckpt_task *ct = ckpt_find_task(ctx, nr);
	unsigned int i;

	if (ct)
		return task_pid(ct->task);
	for (i = 0; i < ctx->nr_pids; i++)
		if (ctx->pids[i] == nr)
			return ckpt_rst(ctx)->detached[i];
	return NULL;
}

/*
 * A group or session whose leader has exited still owns its pid number;
 * allocate those numbers in the new namespace, unattached for now.
 */
static int ckpt_alloc_detached(struct ckpt_ctx *ctx)
{
	struct ckpt_rst_ctx *rst = ckpt_rst(ctx);
	/* Its pid holds the namespace, even should the init be reaped. */
	struct pid *init_pid = get_task_pid(ctx->tasks[0].task, PIDTYPE_PID);
	unsigned int i;
	int ret = 0;

	if (!init_pid)
		return ckpt_err(ctx, -ESRCH, "the container's init has exited");
	rst->detached = kvcalloc(ctx->nr_pids, sizeof(*rst->detached),
				 GFP_KERNEL_ACCOUNT | __GFP_NOWARN);
	if (!rst->detached && ctx->nr_pids)
		ret = -ENOMEM;
	for (i = 0; i < ctx->nr_pids && !ret; i++) {
		struct pid *pid = alloc_pid(ns_of_pid(init_pid), &ctx->pids[i], 1);

		if (IS_ERR(pid))
			ret = ckpt_err(ctx, PTR_ERR(pid), "cannot allocate pid %d",
				       ctx->pids[i]);
		else
			rst->detached[i] = pid;
	}
	put_pid(init_pid);
	return ret;
}

static void ckpt_free_detached(struct ckpt_ctx *ctx)
{
	struct ckpt_rst_ctx *rst = ckpt_rst(ctx);
	unsigned int i;

	for (i = 0; i < ctx->nr_pids && rst->detached; i++)
		if (rst->detached[i])
			free_pid(rst->detached[i]);
	kvfree(rst->detached);
	rst->detached = NULL;
}

/*
 * The links that only the coordinator can set, all at once under
 * tasklist_lock: exit signals, process groups and sessions.  Tasks whose
 * group or session was outside the container keep the restarter's, as
 * they inherited them.  After this the detached pids belong to the
 * groups that use them.
 */
static int ckpt_link_groups(struct ckpt_ctx *ctx)
{
	struct ckpt_rst_ctx *rst = ckpt_rst(ctx);
	unsigned int i;

	/*
	 * A zombie exited with exit signal 0, signalling nobody (its parent
	 * had its SIGCHLD, if any, back with its queued signals).  It must
	 * be done exiting before its real exit signal is set.
	 */
	for (i = 0; i < ctx->nr_tasks; i++)
		if (ctx->tasks[i].entry.flags & CKPT_TREE_ZOMBIE)
			ckpt_wait_exited(ctx->tasks[i].task, false);

	write_lock_irq(&tasklist_lock);
	/*
	 * A task killed from outside since it read its part of the image,
	 * or a zombie reaped since, has left its groups for good: linking
	 * it again would put a dead task on their lists.  Fail the restart
	 * instead, before anything is changed.
	 */
	for (i = 0; i < ctx->nr_tasks; i++) {
		struct ckpt_task *ct = &ctx->tasks[i];

		if (!pid_alive(ct->task) ||
		    (!(ct->entry.flags & CKPT_TREE_ZOMBIE) &&
		     ct->task->flags & PF_EXITING)) {
			write_unlock_irq(&tasklist_lock);
			return ckpt_err(ctx, -ESRCH, "task %d exited during restart",
					ct->entry.pid);
		}
	}
	for (i = 0; i < ctx->nr_tasks; i++) {
		struct ckpt_task *ct = &ctx->tasks[i];
		struct task_struct *t = ct->task;
		struct pid *pid;

		/* A thread shares all of these with its leader. */
		if (ckpt_is_thread(ct))
			continue;
		t->exit_signal = ct->entry.exit_signal;
		if (ct->entry.sid) {
			pid = ckpt_group_pid(ctx, ct->entry.sid);
			if (task_session(t) != pid)
				change_pid(t, PIDTYPE_SID, pid);
			t->signal->leader = pid == task_pid(t);
		}
		if (ct->entry.pgid) {
			pid = ckpt_group_pid(ctx, ct->entry.pgid);
			if (task_pgrp(t) != pid)
				change_pid(t, PIDTYPE_PGID, pid);
		}
	}
	write_unlock_irq(&tasklist_lock);
	kvfree(rst->detached);
	rst->detached = NULL;

	/* A task in a session of the container has no terminal yet. */
	for (i = 0; i < ctx->nr_tasks; i++)
		if (ctx->tasks[i].entry.sid)
			proc_clear_tty(ctx->tasks[i].task);
	return 0;
}

/*
 * Let every created task go, to user mode or to its exit.  A process
 * that was stopped stops again at its first return to user mode, as it
 * was, without a word to its parent (ckpt_restore_stop()).  With
 * RESTART_FROZEN every other process gets a SIGSTOP from the kernel
 * (which even a pid namespace init cannot ignore), as after "criu
 * restore --leave-stopped", until the caller sends SIGCONT; its parent
 * hears of that stop.
 */
/*
 * RESTART_FROZEN: SIGSTOP goes to the process's shared queue and flags
 * one thread; another, released, could run user code before the group
 * stop reached it.  Each enters get_signal() on its way out instead,
 * where it takes the SIGSTOP or joins the stop a sibling began.
 */
static void ckpt_stop_frozen(struct task_struct *p)
{
	struct task_struct *t;
	unsigned long flags;

	send_sig(SIGSTOP, p, 1);
	if (!lock_task_sighand(p, &flags))
		return;
	for_each_thread(p, t)
		signal_wake_up(t, false);
	unlock_task_sighand(p, &flags);
}

static void ckpt_release(struct ckpt_ctx *ctx, bool abort)
{
	struct ckpt_rst_ctx *rst = ckpt_rst(ctx);
	unsigned int i;

	for (i = 0; i < ctx->nr_tasks && !abort; i++) {
		struct ckpt_task *ct = &ctx->tasks[i];
		u32 flags = ct->entry.flags;

		if (ckpt_is_thread(ct))
			continue;
		ckpt_restore_stop(ct);
		if (!(ctx->flags & RESTART_FROZEN) || flags & CKPT_TREE_STOPPED)
			continue;
		/* An exited leader's threads take it for the process. */
		if (!(flags & CKPT_TREE_ZOMBIE))
			ckpt_stop_frozen(ct->task);
		else if (ckpt_leads_threads(ctx, ct))
			ckpt_stop_frozen(ct[1].task);
	}
	WRITE_ONCE(rst->abort, abort);
	/* Those still waiting for their turn in the late phase go on to exit. */
	for (i = 0; i < ctx->nr_tasks; i++)
		if (ctx->tasks[i].late)
			complete(&ctx->tasks[i].late_go);
	complete_all(&rst->release);
	/*
	 * Each says it is gone as soon as it is let go.  Until then it may
	 * use ctx: no signal may cut this short.
	 */
	for (i = 0; i < ctx->nr_tasks; i++) {
		if (!ctx->tasks[i].task)
			continue;
		wait_for_completion_state(&ctx->tasks[i].gone, TASK_IDLE);
		put_task_struct(ctx->tasks[i].task);
	}
}

/*
 * Reap an init that exited because the restart failed; its exit took
 * every other task of the namespace with it.  Its exit signal is 0, so
 * nobody was told; wait for it as a zombie rather than in wait4(), which
 * a pending signal would cut short and leave a zombie behind.
 */
static void ckpt_reap_init(struct ckpt_task *init, pid_t pid)
{
	ckpt_wait_exited(init->task, true);
	kernel_wait4(pid, NULL, __WALL | WNOHANG, NULL);
}

static void ckpt_restart_cleanup(struct ckpt_ctx *ctx)
{
	unsigned int i;

	for (i = 0; i < ctx->nr_tasks; i++) {
		ckpt_free_sigpending(&ctx->tasks[i]);
		kfree(ctx->tasks[i].attr);
		kvfree(ctx->tasks[i].mm_locks);
	}
	ckpt_timers_free(ctx);
	ckpt_objhash_free(ctx);
	ckpt_autogroup_restart_end(ctx);
	ckpt_pidns_free(ctx);
	xa_destroy(&ctx->by_pid);
	kvfree(ctx->tasks);
	kvfree(ctx->pids);
	ctx->tasks = NULL;
	path_put(&ckpt_rst(ctx)->root);
}

/**
 * ckpt_restart - rebuild a container from the image in @ctx
 * @ctx:	restart context with the image file open.
 *
 * Return: the pid of the restored init in the caller's pid namespace, or
 * a negative errno with nothing of the container left behind.
 */
int ckpt_restart(struct ckpt_ctx *ctx)
{
	struct ckpt_rst_ctx *rst = ckpt_rst(ctx);
	struct ckpt_task *init;
	pid_t pid = 0;
	int ret;

	if (!ckpt_kinds_ok())
		return ckpt_err(ctx, -EOPNOTSUPP,
				"disabled: a table of kinds failed its boot check");
	spin_lock_init(&rst->lock);
	init_completion(&rst->release);
	/* Processes whose autogroup was not the container's go in this one. */
	ckpt_autogroup_restart_begin(ctx);
	xa_init(&ctx->by_pid);
	/* The tasks restart creates report coverage to the caller's KCOV. */
	rst->kcov_handle = kcov_common_handle();

	/* Paths in the image are looked up where the checkpointer's were. */
	get_fs_root(current->fs, &rst->root);
	ret = ckpt_read_header(ctx);
	if (ret)
		goto out;
	ret = ckpt_objhash_alloc(ctx);
	if (!ret)
		ret = ckpt_read_container(ctx);
	if (ret)
		goto out;
	init = &ctx->tasks[0];

	pid = ckpt_create_init(ctx);
	if (pid < 0) {
		ret = ckpt_err(ctx, pid, "cannot create the container's init");
		pid = 0;
		goto out;
	}
	/*
	 * The tasks read their parts of the image, each created by its
	 * parent.  Should the caller be killed meanwhile, they are killed
	 * too (one may be waiting on a pipe), and the restart is undone as
	 * for any other failure.
	 */
	if (wait_for_completion_killable(&init->done)) {
		ckpt_kill_all(ctx);
		/* Killed, each task stops at its next step; they use ctx. */
		wait_for_completion_state(&init->done, TASK_IDLE);
		init->err = -EINTR;
	}
	ret = init->err ?: ckpt_restore_late(ctx) ?: ckpt_restore_cpus(ctx) ?:
	      ckpt_read_trailer(ctx) ?: ckpt_alloc_detached(ctx) ?:
	      ckpt_link_groups(ctx);
	if (ret) {
		ckpt_free_detached(ctx);
		get_task_struct(init->task);
		ckpt_release(ctx, true);
		ckpt_reap_init(init, pid);
		put_task_struct(init->task);
	} else {
		ckpt_release(ctx, false);
	}
out:
	ckpt_restart_cleanup(ctx);
	/*
	 * A read cut short by a signal, the caller's or a restored task's,
	 * may say "restart the syscall": not this one, whose stream is
	 * partly consumed.
	 */
	if (ret <= -ERESTARTSYS && ret >= -ERESTART_RESTARTBLOCK)
		ret = -EINTR;
	return ret ?: pid;
}
