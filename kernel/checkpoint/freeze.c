// SPDX-License-Identifier: GPL-2.0-only
/*
 * Freezing a container for checkpoint.
 *
 * Every task is parked in get_signal() through JOBCTL_TRAP_CHECKPOINT:
 * at the user-mode boundary, with complete user registers, and with
 * nothing the application or its parent can see.  The tasks are found
 * and trapped under one hold of tasklist_lock, so a fork racing with us
 * either shows up in the walk or fails with -ERESTARTNOINTR and is
 * retried after the thaw.
 */
#include <linux/checkpoint.h>
#include <linux/delay.h>
#include <linux/nsproxy.h>
#include <linux/pid_namespace.h>
#include <linux/ptrace.h>
#include <linux/sched/jobctl.h>
#include <linux/sched/signal.h>
#include <linux/sched/task.h>
#include <linux/slab.h>
#include <linux/wait_bit.h>

#include "internal.h"

/*
 * Restart creates every task from the one that made it: a thread from
 * its group leader, a process from the thread that forked it (its real
 * parent).
 */
static struct task_struct *ckpt_creator(struct task_struct *t)
{
	return thread_group_leader(t) ? rcu_dereference(t->real_parent) :
					t->group_leader;
}

/* Being reaped: no longer part of anything. */
static bool ckpt_reaped(struct task_struct *t)
{
	return READ_ONCE(t->exit_state) & EXIT_DEAD;
}

/* Why @t cannot be saved, or NULL.  Called under tasklist_lock. */
static const char *ckpt_task_refusal(struct task_struct *t,
				     struct task_struct *root)
{
	if (t->flags & (PF_IO_WORKER | PF_USER_WORKER | PF_KTHREAD))
		return "kernel worker threads are not supported";
	if (t->ptrace)
		return "the task is being ptraced";
	if (t->vfork_done)
		return "the task is in vfork()";
	if (t != root &&
	    !ckpt_in_container(ckpt_creator(t), task_active_pid_ns(root)))
		return "its parent is outside the container";
	return NULL;
}

/*
 * The image lists tasks in depth-first preorder of the creation tree, a
 * leader's threads before its children.
 */
/* The first thread of @leader's group after @t (NULL: from the start). */
static struct task_struct *ckpt_thread_after(struct task_struct *leader,
					     struct task_struct *t)
{
	struct task_struct *n;

	n = t ? __next_thread(t) :
		list_first_entry(&leader->signal->thread_head,
				 struct task_struct, thread_node);
	while (n == leader)
		n = __next_thread(n);
	return n;
}

static struct task_struct *ckpt_first_child(struct task_struct *t)
{
	return list_first_entry_or_null(&t->children, struct task_struct,
					sibling);
}

static struct task_struct *ckpt_first_created(struct task_struct *t)
{
	struct task_struct *n = NULL;

	if (thread_group_leader(t))
		n = ckpt_thread_after(t, NULL);
	return n ?: ckpt_first_child(t);
}

/* What @creator creates after @t. */
static struct task_struct *ckpt_next_created(struct task_struct *t,
					     struct task_struct *creator)
{
	struct task_struct *n;

	if (!thread_group_leader(t)) {
		n = ckpt_thread_after(creator, t);
		return n ?: ckpt_first_child(creator);
	}
	if (list_is_last(&t->sibling, &creator->children))
		return NULL;
	return list_next_entry(t, sibling);
}

/* The task after @t in creation preorder below @root, or NULL. */
static struct task_struct *ckpt_next_preorder(struct task_struct *t,
					      struct task_struct *root)
{
	struct task_struct *n = ckpt_first_created(t), *creator;

	for (; !n && t != root; t = creator) {
		creator = ckpt_creator(t);
		n = ckpt_next_created(t, creator);
	}
	return n;
}

/*
 * Check every task of the container, then fill ctx->tasks with them in
 * tree order and set the trap on each.  Returns -EAGAIN when @cap slots
 * were not enough.
 */
static int ckpt_collect_and_trap(struct ckpt_ctx *ctx, struct task_struct *root,
				 unsigned int cap)
{
	struct pid_namespace *ns = ctx->root_ns;
	struct task_struct *g, *t;
	unsigned int n = 0, i;
	const char *why = NULL;
	char comm[TASK_COMM_LEN];
	pid_t bad_pid = 0;
	int ret = 0;

	read_lock(&tasklist_lock);
	rcu_read_lock();
	for_each_process_thread(g, t) {
		if (!ckpt_in_container(t, ns) || ckpt_reaped(t))
			continue;
		if (++n > cap) {
			ret = -EAGAIN;
			goto out;
		}
		why = ckpt_task_refusal(t, root);
		ret = -EOPNOTSUPP;
		if (!why && !ptrace_may_access(t, PTRACE_MODE_ATTACH_REALCREDS)) {
			why = "the caller may not ptrace it";
			ret = -EPERM;
		}
		if (why) {
			bad_pid = task_pid_nr_ns(t, ns);
			get_task_comm(comm, t);
			goto out;
		}
	}

	/*
	 * Every task but the init has its creator inside, so the walk from
	 * the init finds all n of them.
	 */
	ret = 0;
	for (t = root, i = 0; t && i < n; t = ckpt_next_preorder(t, root)) {
		struct ckpt_task *ct = &ctx->tasks[i];

		if (ckpt_reaped(t))
			continue;
		i++;
		ct->task = get_task_struct(t);
		ct->pid = get_pid(task_pid(t));
		ct->entry.pid = task_pid_nr_ns(t, ns);
		ct->entry.tgid = task_tgid_nr_ns(t, ns);
		ct->entry.ppid = t == root ? 0 :
			task_pid_nr_ns(ckpt_creator(t), ns);
	}
	n = i;

	for (i = 0; i < n; i++) {
		t = ctx->tasks[i].task;
		spin_lock_irq(&t->sighand->siglock);
		t->jobctl |= JOBCTL_TRAP_CHECKPOINT;
		signal_wake_up(t, 0);
		spin_unlock_irq(&t->sighand->siglock);
	}
out:
	rcu_read_unlock();
	read_unlock(&tasklist_lock);
	if (ret)
		n = 0;
	ctx->nr_tasks = n;
	if (why)
		ckpt_err(ctx, ret, "task %d (%s): %s", bad_pid, comm, why);
	return ret;
}

/*
 * Index the tasks by pid and link each to its parent's entry, which
 * comes before it.
 */
static int ckpt_index_tasks(struct ckpt_ctx *ctx)
{
	unsigned int i;
	int ret;

	for (i = 0; i < ctx->nr_tasks; i++) {
		struct ckpt_task *ct = &ctx->tasks[i];

		ret = xa_insert(&ctx->by_pid, ct->entry.pid, ct, GFP_KERNEL);
		if (ret)
			return ret;
		if (i)
			ct->parent = ckpt_find_task(ctx, ct->entry.ppid);
	}
	return 0;
}

/*
 * Parked in the trap; or, as good, stopped by a stop signal in
 * get_signal() (a SIGCONT sends it on into the trap), a zombie, or on
 * its way to become one.
 */
static bool ckpt_parked(struct task_struct *t)
{
	return (READ_ONCE(t->jobctl) & (JOBCTL_CHECKPOINT_PARKED | JOBCTL_STOPPED)) ||
	       READ_ONCE(t->exit_state) || (t->flags & PF_EXITING);
}

/* How many live tasks and zombies the container has now. */
static unsigned int ckpt_count_tasks(struct ckpt_ctx *ctx)
{
	struct task_struct *g, *t;
	unsigned int n = 0;

	read_lock(&tasklist_lock);
	for_each_process_thread(g, t)
		if (ckpt_in_container(t, ctx->root_ns) && !ckpt_reaped(t))
			n++;
	read_unlock(&tasklist_lock);
	return n;
}

/*
 * A task in an uninterruptible sleep (a hung NFS server, say) never
 * reaches its trap; give up on it rather than hang the caller.
 */
#define CKPT_FREEZE_TIMEOUT_SECS	30

static int ckpt_wait_parked(struct ckpt_ctx *ctx, struct ckpt_task *ct)
{
	struct task_struct *t = ct->task;
	unsigned int waited;

	for (waited = 0; !ckpt_parked(t); waited++) {
		if (fatal_signal_pending(current))
			return -EINTR;
		if (waited == CKPT_FREEZE_TIMEOUT_SECS)
			return ckpt_err(ctx, -EBUSY,
					"task %d (%s) did not stop within %d s; it may be in an uninterruptible sleep",
					ct->entry.pid, t->comm, CKPT_FREEZE_TIMEOUT_SECS);
		wait_var_event_timeout(&t->jobctl, ckpt_parked(t), HZ);
	}
	/* An exiting task is a zombie a moment later. */
	for (waited = 0; !READ_ONCE(t->exit_state) && (t->flags & PF_EXITING);
	     waited++) {
		if (waited == 1000)
			return ckpt_err(ctx, -EBUSY, "task %d (%s) is stuck exiting",
					ct->entry.pid, t->comm);
		usleep_range(1000, 2000);
	}
	return 0;
}

static int ckpt_freeze_once(struct ckpt_ctx *ctx, struct task_struct *root)
{
	unsigned int cap = 16, i;
	int ret;

	for (;;) {
		ctx->tasks = kvcalloc(cap, sizeof(*ctx->tasks), GFP_KERNEL);
		if (!ctx->tasks)
			return -ENOMEM;
		ret = ckpt_collect_and_trap(ctx, root, cap);
		if (ret != -EAGAIN)
			break;
		ckpt_thaw(ctx, false);
		if (cap >= CKPT_MAX_TASKS)
			return ckpt_err(ctx, -E2BIG, "more than %u tasks",
					CKPT_MAX_TASKS);
		cap *= 4;
	}
	for (i = 0; i < ctx->nr_tasks && !ret; i++)
		ret = ckpt_wait_parked(ctx, &ctx->tasks[i]);
	/*
	 * Parked must mean off the CPU for good, not just about to sleep.
	 * Only now: a task that has just parked is still on its CPU, and
	 * waiting for it to leave takes a tick, so asking as each one parks
	 * would cost a tick per task.
	 */
	for (i = 0; i < ctx->nr_tasks && !ret; i++)
		if (!READ_ONCE(ctx->tasks[i].task->exit_state))
			wait_task_inactive(ctx->tasks[i].task, 0);
	/*
	 * A task that ran until it parked may have finished a fork begun
	 * before the walk (past its signal check, fork only stops for a
	 * fatal signal), or reaped a zombie it had: then the tree is
	 * stale, and the caller tries again.  Parked tasks fork no more.
	 */
	for (i = 0; i < ctx->nr_tasks && !ret; i++)
		if (ckpt_reaped(ctx->tasks[i].task))
			ret = -EAGAIN;
	if (!ret && ckpt_count_tasks(ctx) != ctx->nr_tasks)
		ret = -EAGAIN;
	/* An init reaped since it was found leaves nothing to save. */
	if (!ret && (!ctx->nr_tasks || ctx->tasks[0].task != root ||
		     ckpt_reaped(root)))
		ret = ckpt_err(ctx, -ESRCH, "the container's init has exited");
	/*
	 * Which tasks are zombies is settled now: parked tasks can still
	 * die (a SIGKILL, their pid namespace zapped), and one that does
	 * from here on fails the checkpoint (ckpt_check_alive()).
	 */
	for (i = 0; i < ctx->nr_tasks && !ret; i++)
		if (READ_ONCE(ctx->tasks[i].task->exit_state))
			ctx->tasks[i].entry.flags = CKPT_TREE_ZOMBIE;
	if (!ret)
		ret = ckpt_index_tasks(ctx);
	if (ret)
		ckpt_thaw(ctx, false);
	return ret;
}

/**
 * ckpt_freeze - find and park every task of the container
 * @ctx:	checkpoint context; ctx->root_ns is the container's pid ns.
 * @root:	the container's init.
 *
 * On success ctx->tasks holds a reference to every task, each parked at
 * its user-mode boundary (or a zombie).  On failure nothing stays frozen.
 *
 * Return: 0 or a negative errno (logged).
 */
int ckpt_freeze(struct ckpt_ctx *ctx, struct task_struct *root)
{
	int tries, ret;

	for (tries = 0; tries < 5; tries++) {
		ret = ckpt_freeze_once(ctx, root);
		if (ret != -EAGAIN)
			return ret;
	}
	return ckpt_err(ctx, -EAGAIN, "tasks kept exiting while the container was frozen");
}

/* Dying, or dead: a live task of the image that no longer is. */
static bool ckpt_task_died(struct ckpt_task *ct)
{
	struct task_struct *t = ct->task;

	return !(ct->entry.flags & CKPT_TREE_ZOMBIE) &&
	       (READ_ONCE(t->exit_state) || (READ_ONCE(t->flags) & PF_EXITING) ||
		fatal_signal_pending(t));
}

/**
 * ckpt_check_alive - fail if a task died since the container was frozen
 * @ctx:	checkpoint context, frozen.
 *
 * A parked task still dies of a SIGKILL from outside, or when its pid
 * namespace's init exits.  What it used is pinned, so nothing breaks,
 * but the image would not be the container's state any more.  Checked
 * before the first byte is written and again before the trailer.
 *
 * Return: 0, or -ESRCH (logged) naming the first task that died.
 */
int ckpt_check_alive(struct ckpt_ctx *ctx)
{
	unsigned int i;

	for (i = 0; i < ctx->nr_tasks; i++) {
		struct ckpt_task *ct = &ctx->tasks[i];

		if (ckpt_task_died(ct))
			return ckpt_err(ctx, -ESRCH,
					"task %d (%s) was killed during checkpoint",
					ct->entry.pid, ct->task->comm);
	}
	return 0;
}

/**
 * ckpt_thaw - let the container's tasks go, or kill them first
 * @ctx:	checkpoint context.
 * @kill:	kill every task of the container before thawing.
 *
 * Drops the task references ckpt_freeze() took.
 */
void ckpt_thaw(struct ckpt_ctx *ctx, bool kill)
{
	unsigned int i;

	if (!ctx->tasks)
		return;
	/*
	 * Every task gets its SIGKILL while still parked, so none runs
	 * another instruction in user mode: the image is the container's
	 * last state, and a restart of it repeats nothing.
	 */
	for (i = 0; kill && i < ctx->nr_tasks; i++)
		send_sig(SIGKILL, ctx->tasks[i].task, 1);
	for (i = 0; i < ctx->nr_tasks; i++) {
		struct task_struct *t = ctx->tasks[i].task;
		unsigned long flags;

		if (lock_task_sighand(t, &flags)) {
			t->jobctl &= ~(JOBCTL_TRAP_CHECKPOINT |
				       JOBCTL_CHECKPOINT_PARKED);
			wake_up_state(t, TASK_INTERRUPTIBLE);
			unlock_task_sighand(t, &flags);
		}
		if (ctx->tasks[i].nsproxy)
			put_nsproxy(ctx->tasks[i].nsproxy);
		put_pid(ctx->tasks[i].pid);
		put_task_struct(t);
	}
	xa_destroy(&ctx->by_pid);
	kvfree(ctx->tasks);
	ctx->tasks = NULL;
	ctx->nr_tasks = 0;
}
