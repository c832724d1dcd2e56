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
#include <linux/sched/signal.h>
#include <linux/sched/task.h>
#include <linux/slab.h>
#include <linux/wait.h>
#include <uapi/linux/wait.h>

#include "checkpoint.h"

static int ckpt_read_container(struct ckpt_ctx *ctx)
{
	struct ckpt_rec_container rec;
	struct ckpt_tree_entry *e;
	unsigned int i;
	int ret;

	ret = ckpt_read_begin(ctx, &rec, CKPT_REC_CONTAINER, sizeof(rec),
			      CKPT_MAX_TASKS * sizeof(*e));
	if (ret < 0)
		return ret;
	if (!rec.nr_tasks || rec.nr_tasks > CKPT_MAX_TASKS || rec.__pad ||
	    ret != rec.nr_tasks * sizeof(*e) ||
	    !memchr(rec.nodename, 0, sizeof(rec.nodename)) ||
	    !memchr(rec.domainname, 0, sizeof(rec.domainname)) ||
	    memchr_inv(rec.__pad2, 0, sizeof(rec.__pad2)))
		return ckpt_err(ctx, -EINVAL, "malformed task tree record");
	memcpy(ctx->nodename, rec.nodename, sizeof(ctx->nodename));
	memcpy(ctx->domainname, rec.domainname, sizeof(ctx->domainname));
	if (rec.nr_tasks > 1)
		return ckpt_err(ctx, -EOPNOTSUPP,
				"image has %u tasks; only single-task containers are supported yet",
				rec.nr_tasks);

	ctx->tasks = kvcalloc(rec.nr_tasks, sizeof(*ctx->tasks), GFP_KERNEL);
	if (!ctx->tasks)
		return -ENOMEM;
	for (i = 0; i < rec.nr_tasks; i++) {
		struct ckpt_task *ct = &ctx->tasks[i];

		ret = ckpt_read_data(ctx, &ct->entry, sizeof(ct->entry));
		if (ret)
			return ret;
		ct->ctx = ctx;
		init_completion(&ct->gone);
	}
	ctx->nr_tasks = rec.nr_tasks;

	e = &ctx->tasks[0].entry;
	if (e->pid != 1 || e->ppid != 0 || e->tgid != 1 || e->flags)
		return ckpt_err(ctx, -EINVAL, "the first task of the tree is not an init");
	return ckpt_read_end(ctx);
}

/*
 * The init gets a new pid namespace, and fresh uts/ipc/mount namespaces.
 * It starts on the coordinator's mm (CLONE_VM: nothing is copied) and
 * swaps to its own when it rebuilds it.  Its exit signal stays 0 until
 * the container is released, so a failed restart signals nobody.
 */
static pid_t ckpt_create_init(struct ckpt_ctx *ctx)
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

static int ckpt_restore_cpus(struct ckpt_ctx *ctx)
{
	unsigned int i;
	int ret = 0;

	for (i = 0; i < ctx->nr_tasks && !ret; i++)
		ret = ckpt_arch_restore_cpu(ctx);
	return ret;
}

/*
 * Let every created task go, to user mode or to its exit.  With
 * RESTART_FROZEN each one first gets a SIGSTOP from the kernel (which a
 * pid namespace init cannot ignore), so that it stops at its first
 * return to user mode, as after "criu restore --leave-stopped", until the
 * caller sends SIGCONT.
 */
static void ckpt_release(struct ckpt_ctx *ctx, bool abort)
{
	unsigned int i;

	for (i = 0; i < ctx->nr_tasks && !abort; i++)
		if (ctx->tasks[i].task && (ctx->flags & RESTART_FROZEN))
			send_sig(SIGSTOP, ctx->tasks[i].task, 1);
	WRITE_ONCE(ctx->abort, abort);
	complete_all(&ctx->release);
	for (i = 0; i < ctx->nr_tasks; i++) {
		if (!ctx->tasks[i].task)
			continue;
		wait_for_completion(&ctx->tasks[i].gone);
		put_task_struct(ctx->tasks[i].task);
	}
}

/*
 * Reap an init that exited because the restart failed.  Its exit signal
 * is 0, so nobody was told; wait on its pid's pidfd queue (woken at exit
 * for every waiter, whatever our signal state) rather than in wait4(),
 * which a pending signal would cut short and leave a zombie behind.
 */
static void ckpt_reap_init(struct ckpt_task *init, pid_t pid)
{
	struct pid *p = get_task_pid(init->task, PIDTYPE_PID);

	wait_event(p->wait_pidfd, READ_ONCE(init->task->exit_state));
	put_pid(p);
	kernel_wait4(pid, NULL, __WALL | WNOHANG, NULL);
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
	struct ckpt_task *init;
	pid_t pid = 0;
	int ret;

	init_completion(&ctx->baton);
	init_completion(&ctx->release);

	ret = ckpt_read_header(ctx);
	if (ret)
		return ret;
	ret = ckpt_objhash_alloc(ctx);
	if (ret)
		return ret;
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
	 * The init reads its part of the image; wait for the stream back.
	 * Should the caller be killed meanwhile, a SIGKILL cuts the init's
	 * reading short (it may be waiting on a pipe), and the restart is
	 * undone as for any other failure.
	 */
	if (wait_for_completion_killable(&ctx->baton)) {
		rcu_read_lock();
		kill_pid(find_vpid(pid), SIGKILL, 1);
		rcu_read_unlock();
		wait_for_completion(&ctx->baton);
		init->err = -EINTR;
	}
	ret = init->err;
	if (!ret)
		ret = ckpt_restore_cpus(ctx);
	if (!ret)
		ret = ckpt_read_trailer(ctx);
	if (!ret) {
		write_lock_irq(&tasklist_lock);
		init->task->exit_signal = init->exit_signal;
		write_unlock_irq(&tasklist_lock);
	}
	if (ret) {
		get_task_struct(init->task);
		ckpt_release(ctx, true);
		ckpt_reap_init(init, pid);
		put_task_struct(init->task);
	} else {
		ckpt_release(ctx, false);
	}
out:
	ckpt_objhash_free(ctx);
	kvfree(ctx->tasks);
	ctx->tasks = NULL;
	return ret ?: pid;
}
