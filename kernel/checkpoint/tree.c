// SPDX-License-Identifier: GPL-2.0-only
/*
 * The container's task tree, as both sides see it once ctx->tasks is
 * filled in: tasks in tree order (a leader's threads right after it),
 * indexed by pid.  The lookups here stand under every kind of object,
 * which find the task a pid of an image names, or the thread that holds
 * a process's objects; they call nothing else of checkpoint.
 */
#include <linux/checkpoint.h>
#include <linux/pid_namespace.h>
#include <linux/sched/signal.h>
#include <linux/xarray.h>

#include "internal.h"

/**
 * ckpt_find_task - the task of the container with a given pid
 * @ctx:	checkpoint or restart context.
 * @pid:	pid in the container's pid namespace, possibly from an image.
 *
 * Return: the task's entry, or NULL.
 */
struct ckpt_task *ckpt_find_task(struct ckpt_ctx *ctx, pid_t pid)
{
	return pid > 0 ? xa_load(&ctx->by_pid, pid) : NULL;
}

/**
 * ckpt_in_container - whether a task is in a container
 * @t:		the task, held or seen under RCU.
 * @ns:		the container's pid namespace.
 *
 * Return: true if @t is in @ns or a pid namespace below it.
 */
bool ckpt_in_container(struct task_struct *t, struct pid_namespace *ns)
{
	struct pid_namespace *tns = task_active_pid_ns(t);

	while (tns && tns->level > ns->level)
		tns = tns->parent;
	return tns == ns;
}

/**
 * ckpt_leads_threads - whether a task is followed by threads of its own
 * @ctx:	checkpoint or restart context, tree entries filled in.
 * @ct:		the task.
 *
 * Threads come right after their leader in the image.
 *
 * Return: true if @ct is a thread group leader with other threads.
 */
bool ckpt_leads_threads(struct ckpt_ctx *ctx, struct ckpt_task *ct)
{
	return ct + 1 < ctx->tasks + ctx->nr_tasks &&
	       ct[1].entry.tgid == ct->entry.pid &&
	       ct[1].entry.pid != ct->entry.pid;
}

/**
 * ckpt_obj_source - the task whose mm, fd table and fs stand for @ct's
 * @ctx:	checkpoint context.
 * @ct:		a frozen task.
 *
 * A leader that has exited while its threads run has none of its own
 * any more; its first thread's are the process's.
 *
 * Return: @ct's task, or that thread.
 */
struct task_struct *ckpt_obj_source(struct ckpt_ctx *ctx, struct ckpt_task *ct)
{
	if (ct->task->exit_state && ckpt_leads_threads(ctx, ct))
		return ct[1].task;
	return ct->task;
}
