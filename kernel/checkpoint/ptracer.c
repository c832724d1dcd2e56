// SPDX-License-Identifier: GPL-2.0-only
/*
 * Yama's ptracer exception: prctl(PR_SET_PTRACER) lets one named task
 * (or any, PR_SET_PTRACER_ANY) ptrace a process that Yama's relational
 * scope would otherwise protect from it.  Yama keeps it by the process's
 * thread group leader, not in any structure of the process.
 *
 * Checkpoint saves it in the leader's task record when the tracer is a
 * task of the container (or any); a tracer outside cannot be named in
 * the restored container, and is refused.  Restart makes it again late,
 * once every task exists (the tracer may come after the tracee in tree
 * order), by the restored process itself through the LSM's prctl hook:
 * whatever Yama, or another LSM, would refuse the process is refused
 * to the image.
 */
#include <linux/checkpoint.h>
#include <linux/pid.h>
#include <linux/prctl.h>
#include <linux/sched.h>
#include <linux/security.h>

#include "internal.h"

/**
 * ckpt_collect_ptracer - find a process's ptracer exception
 * @ctx:	checkpoint context, every task frozen.
 * @ct:		a thread group leader (a zombie, perhaps, leading threads).
 *
 * Yama holds no reference on the tracer it names, so the tracer is only
 * compared with the container's tasks, which ctx holds.
 *
 * Return: 0, or -EOPNOTSUPP (logged) for a tracer outside the container.
 */
int ckpt_collect_ptracer(struct ckpt_ctx *ctx, struct ckpt_task *ct)
{
	const struct task_struct *tracer;
	unsigned int i;
	bool any;

	tracer = yama_ptracer_of(ct->task, &any);
	if (any) {
		ct->ptracer = -1;
		return 0;
	}
	if (!tracer)
		return 0;
	for (i = 0; i < ctx->nr_tasks; i++) {
		if (ctx->tasks[i].task == tracer) {
			ct->ptracer = ctx->tasks[i].entry.pid;
			return 0;
		}
	}
	return ckpt_err(ctx, -EOPNOTSUPP,
			"task %d (%s): its Yama ptracer (PR_SET_PTRACER) is not a task of the container; not supported",
			ct->entry.pid, ct->task->comm);
}

/**
 * ckpt_read_ptracer - take a ptracer exception from a task record
 * @ctx:	restart context, the task tree read.
 * @ct:		the task whose record it is (current).
 * @ptracer:	the record's @ptracer.
 *
 * The process makes the exception again in the late phase: its leader,
 * or the first of its threads when the leader has exited.
 *
 * Return: 0, or -EINVAL (logged) for a value prctl(2) could not have set
 * or a task the image does not have.
 */
int ckpt_read_ptracer(struct ckpt_ctx *ctx, struct ckpt_task *ct, s32 ptracer)
{
	if (!ptracer)
		return 0;
	if (ckpt_is_thread(ct) || (ptracer != -1 && !ckpt_find_task(ctx, ptracer)))
		return ckpt_err(ctx, -EINVAL, "task %d: bad ptracer %d",
				ct->entry.pid, ptracer);
	ct->ptracer = ptracer;
	/* A leader with a task record that has exited leads threads. */
	if (ct->entry.flags & CKPT_TREE_ZOMBIE)
		ct[1].late = true;
	else
		ct->late = true;
	return 0;
}

/**
 * ckpt_restore_ptracer - make a process's ptracer exception again
 * @ctx:	restart context, every task of the container created.
 * @ct:		current, which ckpt_read_ptracer() picked for its process.
 *
 * Through prctl(PR_SET_PTRACER)'s own path: the LSM hook, as the
 * restored process, with the tracer's pid as the process sees it.
 *
 * Return: 0 or a negative errno (logged).
 */
int ckpt_restore_ptracer(struct ckpt_ctx *ctx, struct ckpt_task *ct)
{
	struct ckpt_task *leader = ckpt_is_thread(ct) ?
				   ckpt_find_task(ctx, ct->entry.tgid) : ct;
	unsigned long arg = PR_SET_PTRACER_ANY;
	struct ckpt_task *tracer;
	pid_t nr;
	int ret;

	if (!leader || !leader->ptracer)
		return 0;
	if (leader->ptracer != -1) {
		tracer = ckpt_find_task(ctx, leader->ptracer);
		/* A pid the process could not name: in another namespace. */
		nr = tracer ? task_pid_vnr(tracer->task) : 0;
		if (!nr)
			return ckpt_err(ctx, -EINVAL,
					"task %d: its ptracer %d is not in its pid namespace",
					leader->entry.pid, leader->ptracer);
		arg = nr;
	}
	ret = security_task_prctl(PR_SET_PTRACER, arg, 0, 0, 0);
	if (!ret)
		return 0;
	/*
	 * Short of memory, Yama says so.  Anything else: no LSM here takes
	 * PR_SET_PTRACER (no Yama, and prctl(2) itself would fail), or one
	 * refuses it; either way the image asks for what this kernel does
	 * not do.  The line says which.
	 */
	return ckpt_err(ctx, ret == -ENOMEM ? ret : -EOPNOTSUPP,
			"task %d: cannot make %d its ptracer (PR_SET_PTRACER, Yama): error %d",
			leader->entry.pid, leader->ptracer, ret);
}
