// SPDX-License-Identifier: GPL-2.0-only
/*
 * checkpoint(2): find the container, check the caller may save it, and
 * write its image.
 */
#include <linux/capability.h>
#include <linux/ipc_namespace.h>
#include <linux/checkpoint.h>
#include <linux/pid_namespace.h>
#include <linux/sched.h>
#include <linux/nsproxy.h>
#include <linux/sched/signal.h>
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
	struct task_struct *task, *reaper;
	struct pid_namespace *ns;
	bool is_init;
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
	/* The reaper is another thread once the init's leader has exited. */
	rcu_read_lock();
	reaper = READ_ONCE(ns->child_reaper);
	is_init = reaper && same_thread_group(reaper, task) &&
		  thread_group_leader(task);
	rcu_read_unlock();
	if (!is_init ||
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

/*
 * Keep the number of a group or session whose leader is gone.  Restart
 * allocates such a pid in the container's namespace only.
 */
static int ckpt_note_pid(struct ckpt_ctx *ctx, pid_t nr, bool nested)
{
	unsigned int i;

	if (!nr || ckpt_find_task(ctx, nr))
		return 0;
	if (nested)
		return ckpt_err(ctx, -EOPNOTSUPP,
				"process group or session %d lost its leader in a nested pid namespace; not supported yet",
				nr);
	for (i = 0; i < ctx->nr_pids; i++)
		if (ctx->pids[i] == nr)
			return 0;
	ctx->pids[ctx->nr_pids++] = nr;
	return 0;
}

/* Is @pid in a pid namespace below the container's? */
static bool ckpt_pid_nested(struct ckpt_ctx *ctx, struct pid *pid)
{
	return pid && pid->level > ctx->root_ns->level;
}

/*
 * Complete each tree entry now that the tasks hold still: its process
 * group and session, whether it is stopped or a zombie, and which of its
 * parent's objects it shares (which restart turns back into clone
 * flags).  A group or session whose leader is gone is kept as a bare pid
 * number.
 */
static int ckpt_fill_tree(struct ckpt_ctx *ctx)
{
	bool pgrp_nested, session_nested;
	unsigned int i;
	int ret;

	ctx->pids = kvcalloc(2 * ctx->nr_tasks, sizeof(*ctx->pids), GFP_KERNEL);
	if (!ctx->pids)
		return -ENOMEM;
	for (i = 0; i < ctx->nr_tasks; i++) {
		struct ckpt_task *ct = &ctx->tasks[i];
		struct task_struct *t = ct->task, *p;

		ct->entry.exit_signal = t->exit_signal;
		rcu_read_lock();
		ct->entry.pgid = task_pgrp_nr_ns(t, ctx->root_ns);
		ct->entry.sid = task_session_nr_ns(t, ctx->root_ns);
		pgrp_nested = ckpt_pid_nested(ctx, task_pgrp(t));
		session_nested = ckpt_pid_nested(ctx, task_session(t));
		rcu_read_unlock();
		ret = ckpt_note_pid(ctx, ct->entry.pgid, pgrp_nested) ?:
		      ckpt_note_pid(ctx, ct->entry.sid, session_nested);
		if (ret)
			return ret;
		if (t->exit_state) {
			if (!ct->parent && !ckpt_leads_threads(ctx, ct))
				return ckpt_err(ctx, -ESRCH, "the container's init has exited");
			ct->entry.flags = CKPT_TREE_ZOMBIE;
			ct->entry.exit_code = t->exit_code;
			continue;
		}
		/*
		 * A thread's exit signal is -1: it signals nobody.  A stop
		 * is the whole process's, and restart stops it through its
		 * leader.
		 */
		if (!thread_group_leader(t))
			ct->entry.exit_signal = 0;
		else if (t->signal->flags & SIGNAL_STOP_STOPPED)
			ct->entry.flags |= CKPT_TREE_STOPPED;
		if (!ct->parent)
			continue;
		t = ckpt_obj_source(ctx, ct);
		p = ckpt_obj_source(ctx, ct->parent);
		if (t->files == p->files)
			ct->entry.flags |= CKPT_TREE_CLONE_FILES;
		if (t->fs == p->fs)
			ct->entry.flags |= CKPT_TREE_CLONE_FS;
		if (rcu_access_pointer(t->sighand) == rcu_access_pointer(p->sighand))
			ct->entry.flags |= CKPT_TREE_CLONE_SIGHAND;
	}
	return 0;
}

/* Why a task's namespaces differ from @ref's, or NULL. */
static const char *ckpt_ns_differ(const struct nsproxy *nsp,
				  const struct nsproxy *ref)
{
	if (nsp->uts_ns != ref->uts_ns || nsp->ipc_ns != ref->ipc_ns ||
	    nsp->mnt_ns != ref->mnt_ns)
		return "has uts, ipc or mount namespaces of its own";
	if (nsp->net_ns != ref->net_ns || nsp->cgroup_ns != ref->cgroup_ns ||
	    nsp->time_ns != ref->time_ns ||
	    nsp->time_ns_for_children != ref->time_ns_for_children)
		return "is in network, cgroup or time namespaces of its own; not supported yet";
	return NULL;
}

/*
 * Restart recreates the container in new uts, ipc and mount namespaces
 * and leaves it in the restarter's others, with every task sharing the
 * init's: refuse anything else rather than restore it wrong.  Nothing
 * of an ipc namespace is saved, so it must hold no System V objects.
 * Pid namespaces nested in the container's are pidns.c's.
 */
static int ckpt_check_namespaces(struct ckpt_ctx *ctx)
{
	struct task_struct *init = ckpt_obj_source(ctx, &ctx->tasks[0]);
	struct nsproxy ref;
	const char *why = NULL;
	unsigned int i;
	pid_t pid = 1;

	task_lock(init);
	ref = *init->nsproxy;
	task_unlock(init);
	if (ref.net_ns != current->nsproxy->net_ns ||
	    ref.cgroup_ns != current->nsproxy->cgroup_ns ||
	    ref.time_ns != current->nsproxy->time_ns)
		why = "is in network, cgroup or time namespaces of its own; not supported yet";
#ifdef CONFIG_SYSVIPC
	else if (ref.ipc_ns->ids[0].in_use || ref.ipc_ns->ids[1].in_use ||
		 ref.ipc_ns->ids[2].in_use)
		why = "has System V IPC objects; not supported yet";
#endif
	for (i = 1; i < ctx->nr_tasks && !why; i++) {
		struct task_struct *t = ctx->tasks[i].task;

		if (t->exit_state)
			continue;
		task_lock(t);
		why = ckpt_ns_differ(t->nsproxy, &ref);
		task_unlock(t);
		pid = ctx->tasks[i].entry.pid;
	}
	if (why)
		return ckpt_err(ctx, -EOPNOTSUPP, "task %d %s", pid, why);
	return 0;
}

static int ckpt_write_container(struct ckpt_ctx *ctx)
{
	struct ckpt_rec_container rec = {
		.nr_tasks = ctx->nr_tasks,
		.nr_pids = ctx->nr_pids,
		.nr_pidns = ctx->nr_pidns,
	};
	/* An init that has exited has no namespaces; its threads do. */
	struct task_struct *init = ckpt_obj_source(ctx, &ctx->tasks[0]);
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
			       ctx->nr_tasks * sizeof(struct ckpt_tree_entry) +
			       ctx->nr_pids * sizeof(*ctx->pids));
	for (i = 0; i < ctx->nr_tasks && !ret; i++)
		ret = ckpt_write_data(ctx, &ctx->tasks[i].entry,
				      sizeof(ctx->tasks[i].entry));
	if (!ret)
		ret = ckpt_write_data(ctx, ctx->pids,
				      ctx->nr_pids * sizeof(*ctx->pids));
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

	ret = ckpt_pidns_collect(ctx) ?: ckpt_fill_tree(ctx) ?:
	      ckpt_check_namespaces(ctx) ?: ckpt_write_header(ctx);
	if (!ret)
		ret = ckpt_write_container(ctx) ?: ckpt_pidns_write(ctx);
	/* A zombie is all in its tree entry, unless it leads threads. */
	for (i = 0; i < ctx->nr_tasks && !ret; i++)
		if (!(ctx->tasks[i].entry.flags & CKPT_TREE_ZOMBIE) ||
		    ckpt_leads_threads(ctx, &ctx->tasks[i]))
			ret = ckpt_checkpoint_task(ctx, &ctx->tasks[i]);
	for (i = 0; i < ctx->nr_tasks && !ret; i++)
		if (!(ctx->tasks[i].entry.flags & CKPT_TREE_ZOMBIE))
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
	xa_init(&ctx->by_pid);

	ret = ckpt_objhash_alloc(ctx);
	if (ret)
		goto out;
	ret = ckpt_freeze(ctx, root);
	if (ret)
		goto out;
	ret = ckpt_write_image(ctx);
	ckpt_thaw(ctx, !ret && (ctx->flags & CHECKPOINT_KILL));
out:
	ckpt_objhash_free(ctx);
	ckpt_pidns_free(ctx);
	kvfree(ctx->pids);
	put_task_struct(root);
	return ret;
}
