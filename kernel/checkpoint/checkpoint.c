// SPDX-License-Identifier: GPL-2.0-only
/*
 * checkpoint(2): find the container, check the caller may save it, and
 * write its image.
 */
#include <linux/capability.h>
#include <linux/checkpoint.h>
#include <linux/pid_namespace.h>
#include <linux/sched.h>
#include <linux/sched/task.h>

#include "checkpoint.h"

/*
 * The unit of checkpoint is a whole container: the init of a pid
 * namespace strictly below the caller's.  Anything else would drag in
 * tasks and objects whose other users are not frozen with it.
 */
static struct task_struct *ckpt_find_container(struct ckpt_ctx *ctx,
					       pid_t pid)
{
	struct pid_namespace *ns;
	struct task_struct *task;
	int err;

	rcu_read_lock();
	task = find_task_by_vpid(pid);
	if (task)
		get_task_struct(task);
	rcu_read_unlock();
	if (!task)
		return ERR_PTR(ckpt_err(ctx, -ESRCH, "no task with pid %d", pid));

	ns = task_active_pid_ns(task);
	if (!ns || !checkpoint_restore_ns_capable(ns->user_ns)) {
		err = ckpt_err(ctx, -EPERM,
			       "pid %d: need CAP_CHECKPOINT_RESTORE or CAP_SYS_ADMIN over its user namespace",
			       pid);
		goto fail;
	}
	if (READ_ONCE(ns->child_reaper) != task ||
	    ns->level <= task_active_pid_ns(current)->level) {
		err = ckpt_err(ctx, -EINVAL,
			       "pid %d is not the init of a pid namespace below the caller's",
			       pid);
		goto fail;
	}
	return task;
fail:
	put_task_struct(task);
	return ERR_PTR(err);
}

/**
 * ckpt_checkpoint - save the container whose init is @pid
 * @ctx:	checkpoint context with the image file open.
 * @pid:	the container's init, in the caller's pid namespace.
 *
 * Return: 0 when a complete image was written, else a negative errno.
 */
int ckpt_checkpoint(struct ckpt_ctx *ctx, pid_t pid)
{
	struct task_struct *root;
	int ret;

	root = ckpt_find_container(ctx, pid);
	if (IS_ERR(root))
		return PTR_ERR(root);

	ret = ckpt_write_header(ctx);
	if (!ret)
		ret = ckpt_err(ctx, -EOPNOTSUPP,
			       "task %d (%s): saving task state is not supported yet",
			       pid, root->comm);
	put_task_struct(root);
	return ret;
}
