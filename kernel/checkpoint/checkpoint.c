// SPDX-License-Identifier: GPL-2.0-only
/*
 * checkpoint(2): find the container, check the caller may save it, and
 * write its image.
 */
#include <linux/capability.h>
#include <linux/checkpoint.h>
#include <linux/pid_namespace.h>
#include <linux/sched.h>
#include <linux/nsproxy.h>
#include <linux/sched/task.h>
#include <linux/utsname.h>

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

static int ckpt_write_container(struct ckpt_ctx *ctx)
{
	struct ckpt_rec_container rec = { .nr_tasks = ctx->nr_tasks };
	struct task_struct *init = ctx->tasks[0].task;
	struct uts_namespace *uts;
	unsigned int i;
	int ret;

	task_lock(init);
	uts = init->nsproxy->uts_ns;
	get_uts_ns(uts);
	task_unlock(init);
	down_read(&uts_sem);
	strscpy_pad(rec.nodename, uts->name.nodename, sizeof(rec.nodename));
	strscpy_pad(rec.domainname, uts->name.domainname, sizeof(rec.domainname));
	up_read(&uts_sem);
	put_uts_ns(uts);

	ret = ckpt_write_begin(ctx, &rec, CKPT_REC_CONTAINER, sizeof(rec),
			       ctx->nr_tasks * sizeof(struct ckpt_tree_entry));
	for (i = 0; i < ctx->nr_tasks && !ret; i++)
		ret = ckpt_write_data(ctx, &ctx->tasks[i].entry,
				      sizeof(ctx->tasks[i].entry));
	return ret ?: ckpt_write_end(ctx);
}

/*
 * The image, in order: header; the task tree; each task's objects and
 * own state; every task's registers; trailer.  Registers come last so
 * that restart can write them once every task exists.
 */
static int ckpt_write_image(struct ckpt_ctx *ctx)
{
	unsigned int i;
	int ret;

	ret = ckpt_write_header(ctx);
	if (!ret)
		ret = ckpt_write_container(ctx);
	for (i = 0; i < ctx->nr_tasks && !ret; i++)
		ret = ckpt_checkpoint_task(ctx, &ctx->tasks[i]);
	for (i = 0; i < ctx->nr_tasks && !ret; i++)
		ret = ckpt_arch_checkpoint_cpu(ctx, &ctx->tasks[i]);
	if (!ret)
		ret = ckpt_objhash_verify(ctx);
	return ret ?: ckpt_write_trailer(ctx);
}

/**
 * ckpt_checkpoint - save the container whose init is @pid
 * @ctx:	checkpoint context with the image file open.
 * @pid:	the container's init, in the caller's pid namespace.
 *
 * The container is frozen for the duration and then resumes, or is
 * killed if the caller asked for it and the image is complete.  When
 * anything fails the image has no trailer, which restart refuses.
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
	ctx->root_ns = task_active_pid_ns(root);

	ret = ckpt_objhash_alloc(ctx);
	if (ret)
		goto out;
	ret = ckpt_freeze(ctx, root);
	if (ret)
		goto out;
	if (ctx->nr_tasks > 1)
		ret = ckpt_err(ctx, -EOPNOTSUPP,
			       "container has %u tasks; only single-task containers are supported yet",
			       ctx->nr_tasks);
	else
		ret = ckpt_write_image(ctx);
	ckpt_thaw(ctx, !ret && (ctx->flags & CHECKPOINT_KILL));
out:
	ckpt_objhash_free(ctx);
	put_task_struct(root);
	return ret;
}
