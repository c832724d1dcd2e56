// SPDX-License-Identifier: GPL-2.0-only
/*
 * checkpoint(2): find the container, check the caller may save it, and
 * write its image.
 */
#include <linux/capability.h>
#include <linux/cred.h>
#include <linux/ipc_namespace.h>
#include <linux/checkpoint.h>
#include <linux/mnt_namespace.h>
#include <linux/mutex.h>
#include <linux/pid_namespace.h>
#include <linux/ptrace.h>
#include <linux/sched.h>
#include <linux/nsproxy.h>
#include <linux/sched/signal.h>
#include <linux/sched/task.h>
#include <linux/utsname.h>

#include "internal.h"

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
	/* The namespace outlives the init, which may be reaped any time. */
	ctx->root_ns = get_pid_ns(ns);
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
 * group and session, its exit signal, its process's stop state.  Which
 * tasks are zombies was settled by the freeze; the clone flags come
 * with the objects (ckpt_collect_task()).  A group or session whose
 * leader is gone is kept as a bare pid number.
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
		struct task_struct *t = ct->task;

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
		/*
		 * A stop, or a continue, is the whole process's, and its
		 * leader's entry has it, even a zombie's.
		 */
		if (thread_group_leader(t)) {
			ret = ckpt_collect_stop(ctx, ct);
			if (ret)
				return ret;
		}
		if (ct->entry.flags & CKPT_TREE_ZOMBIE) {
			if (!ct->parent && !ckpt_leads_threads(ctx, ct))
				return ckpt_err(ctx, -ESRCH, "the container's init has exited");
			ct->entry.exit_code = t->exit_code;
			get_task_comm(ct->entry.comm, t);
			continue;
		}
		/* A thread's exit signal is -1: it signals nobody. */
		if (!thread_group_leader(t))
			ct->entry.exit_signal = 0;
	}
	return 0;
}

/*
 * The caller was allowed to ptrace every task when they were found.  A
 * task may have exec()ed a setuid program before it parked; parked, it
 * execs no more.  Ask again, under the lock exec takes to change
 * credentials, so that no such task is saved.
 */
static int ckpt_check_access(struct ckpt_ctx *ctx)
{
	unsigned int i;
	bool ok;
	int ret;

	for (i = 0; i < ctx->nr_tasks; i++) {
		struct ckpt_task *ct = &ctx->tasks[i];
		struct task_struct *t = ct->task;

		ret = down_read_killable(&t->signal->exec_update_lock);
		if (ret)
			return ret;
		ok = ptrace_may_access(t, PTRACE_MODE_ATTACH_REALCREDS);
		up_read(&t->signal->exec_update_lock);
		if (!ok)
			return ckpt_err(ctx, -EPERM, "task %d (%s): the caller may not ptrace it",
					ct->entry.pid, t->comm);
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

/* Take a reference on the namespaces of every task that is not a zombie. */
static int ckpt_pin_namespaces(struct ckpt_ctx *ctx)
{
	unsigned int i;

	for (i = 0; i < ctx->nr_tasks; i++) {
		struct ckpt_task *ct = &ctx->tasks[i];
		struct task_struct *t = ckpt_obj_source(ctx, ct);

		/* A zombie has none, unless its threads stand in for it. */
		if (ct->entry.flags & CKPT_TREE_ZOMBIE && t == ct->task)
			continue;
		task_lock(t);
		ct->nsproxy = t->nsproxy;
		if (ct->nsproxy)
			get_nsproxy(ct->nsproxy);
		task_unlock(t);
		if (!ct->nsproxy)
			return ckpt_err(ctx, -ESRCH, "task %d (%s) was killed during checkpoint",
					ct->entry.pid, t->comm);
	}
	return 0;
}

#ifdef CONFIG_SYSVIPC
/*
 * Whether @ns has handed out a System V id by itself (the sysctl
 * kernel.*_next_id aside).  Its allocator's place -- the sequence number
 * and the last index, which make a new object's id differ from a removed
 * one's -- is not saved: the new namespace of restart starts over, and
 * its next object would take an id that named an older one, the reuse
 * the sequence number is there to prevent.
 */
static bool ckpt_ipc_ids_used(struct ipc_namespace *ns)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(ns->ids); i++)
		if (READ_ONCE(ns->ids[i].seq) ||
		    READ_ONCE(ns->ids[i].last_idx) != -1)
			return true;
	return false;
}
#endif

/*
 * Restart recreates the container in new uts, ipc and mount namespaces
 * and leaves it in the restarter's others, with every task sharing the
 * init's: refuse anything else rather than restore it wrong.  Of an ipc
 * namespace only the sysctls are saved (ipcns.c), so it must hold no
 * System V objects or message queues.  The new mount namespace is a
 * copy of the restarter's, and no mount is saved: the init's must be
 * the checkpointer's, or a copy of it with nothing mounted, unmounted
 * or remounted since.  Pid namespaces nested in the container's are
 * pidns.c's.
 */
static int ckpt_check_namespaces(struct ckpt_ctx *ctx)
{
	const struct nsproxy *ref = ctx->tasks[0].nsproxy;
	const char *why = NULL;
	unsigned int i;
	pid_t pid = 1;

	if (ref->net_ns != current->nsproxy->net_ns ||
	    ref->cgroup_ns != current->nsproxy->cgroup_ns ||
	    ref->time_ns != current->nsproxy->time_ns)
		why = "is in network, cgroup or time namespaces of its own; not supported yet";
#ifdef CONFIG_SYSVIPC
	else if (ref->ipc_ns->ids[0].in_use || ref->ipc_ns->ids[1].in_use ||
		 ref->ipc_ns->ids[2].in_use)
		why = "has System V IPC objects; not supported yet";
	else if (ckpt_ipc_ids_used(ref->ipc_ns))
		why = "has had System V IPC objects; not supported yet";
#endif
#ifdef CONFIG_POSIX_MQUEUE
	else if (READ_ONCE(ref->ipc_ns->mq_queues_count))
		why = "has POSIX message queues; not supported yet";
#endif
	/* unshare(CLONE_NEWTIME) done, its children not yet created. */
	else if (ref->time_ns_for_children != ref->time_ns)
		why = "has a time namespace pending for its children; not supported yet";
	else if (!mnt_ns_same_tree(ref->mnt_ns, current->nsproxy->mnt_ns))
		why = "has mounts of its own (not a copy of the checkpointer's); not supported yet";
	for (i = 1; i < ctx->nr_tasks && !why; i++) {
		if (!ctx->tasks[i].nsproxy)
			continue;
		why = ckpt_ns_differ(ctx->tasks[i].nsproxy, ref);
		pid = ctx->tasks[i].entry.pid;
	}
	if (why)
		return ckpt_err(ctx, -EOPNOTSUPP, "task %d %s", pid, why);
	return 0;
}

/*
 * Everything that can refuse the checkpoint, before its first byte: the
 * caller's right to each task, every task and every object it uses (the
 * objhash pins them), sharing with the outside, and that no task died
 * meanwhile.  The caller never receives data of a container it was
 * refused.
 */
static int ckpt_collect(struct ckpt_ctx *ctx)
{
	unsigned int i;
	int ret;

	ret = ckpt_check_access(ctx) ?: ckpt_pidns_collect(ctx) ?:
	      ckpt_fill_tree(ctx) ?: ckpt_pin_namespaces(ctx) ?:
	      ckpt_check_namespaces(ctx);
	/* A zombie has its credentials only, unless it leads threads. */
	for (i = 0; i < ctx->nr_tasks && !ret; i++)
		if (!(ctx->tasks[i].entry.flags & CKPT_TREE_ZOMBIE) ||
		    ckpt_leads_threads(ctx, &ctx->tasks[i]))
			ret = ckpt_collect_task(ctx, &ctx->tasks[i]);
		else
			ret = ckpt_collect_zombie(ctx, &ctx->tasks[i]);
	return ret ?: ckpt_collect_autogroups(ctx) ?: ckpt_objhash_verify(ctx) ?:
	       ckpt_check_alive(ctx);
}

static int ckpt_write_container(struct ckpt_ctx *ctx)
{
	struct ckpt_rec_container rec = {
		.nr_tasks = ctx->nr_tasks,
		.nr_pids = ctx->nr_pids,
		.nr_pidns = ctx->nr_pidns,
	};
	/* Pinned; an init that has exited has its first thread's. */
	struct uts_namespace *uts = ctx->tasks[0].nsproxy->uts_ns;
	unsigned int i;
	int ret;

	down_read(&uts_sem);
	strscpy_pad(rec.nodename, uts->name.nodename, sizeof(rec.nodename));
	strscpy_pad(rec.domainname, uts->name.domainname, sizeof(rec.domainname));
	up_read(&uts_sem);
	ckpt_pidns_fill_container(ctx, &rec);
	ckpt_ipc_fill_container(ctx, &rec);

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

	ret = ckpt_collect(ctx) ?: ckpt_write_header(ctx) ?:
	      ckpt_write_container(ctx) ?: ckpt_pidns_write(ctx);
	for (i = 0; i < ctx->nr_tasks && !ret; i++)
		if (!(ctx->tasks[i].entry.flags & CKPT_TREE_ZOMBIE) ||
		    ckpt_leads_threads(ctx, &ctx->tasks[i]))
			ret = ckpt_checkpoint_task(ctx, &ctx->tasks[i]);
		else
			ret = ckpt_checkpoint_zombie(ctx, &ctx->tasks[i]);
	for (i = 0; i < ctx->nr_tasks && !ret; i++)
		if (!(ctx->tasks[i].entry.flags & CKPT_TREE_ZOMBIE))
			ret = ckpt_checkpoint_cpu(ctx, &ctx->tasks[i]);
	/* Nothing may have changed that collection decided on. */
	return ret ?: ckpt_objhash_verify(ctx) ?: ckpt_check_alive(ctx) ?:
	       ckpt_verify_stops(ctx) ?: ckpt_write_trailer(ctx);
}

/*
 * Containers being saved.  Two checkpoints of the same tasks -- the same
 * container, or one nested in the other -- would thaw each other's
 * tasks while the other still reads them.
 */
static DEFINE_MUTEX(ckpt_busy_lock);
static LIST_HEAD(ckpt_busy);

/* Is @ns @anc or a namespace below it? */
static bool ckpt_ns_within(struct pid_namespace *ns, struct pid_namespace *anc)
{
	while (ns && ns->level > anc->level)
		ns = ns->parent;
	return ns == anc;
}

static int ckpt_claim_container(struct ckpt_ctx *ctx)
{
	struct ckpt_save_ctx *other;
	int ret = 0;

	mutex_lock(&ckpt_busy_lock);
	list_for_each_entry(other, &ckpt_busy, busy) {
		if (ckpt_ns_within(ctx->root_ns, other->ctx.root_ns) ||
		    ckpt_ns_within(other->ctx.root_ns, ctx->root_ns)) {
			ret = -EBUSY;
			break;
		}
	}
	if (!ret)
		list_add(&ckpt_save(ctx)->busy, &ckpt_busy);
	mutex_unlock(&ckpt_busy_lock);
	if (ret)
		ckpt_err(ctx, ret, "another checkpoint of these tasks is in progress");
	return ret;
}

static void ckpt_release_container(struct ckpt_ctx *ctx)
{
	mutex_lock(&ckpt_busy_lock);
	list_del(&ckpt_save(ctx)->busy);
	mutex_unlock(&ckpt_busy_lock);
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

	if (!ckpt_kinds_ok())
		return ckpt_err(ctx, -EOPNOTSUPP,
				"disabled: a table of kinds failed its boot check");
	root = ckpt_find_container(ctx, pid);
	if (IS_ERR(root))
		return PTR_ERR(root);
	xa_init(&ctx->by_pid);

	ret = ckpt_claim_container(ctx);
	if (ret)
		goto out_root;
	ret = ckpt_objhash_alloc(ctx);
	if (ret)
		goto out;
	ret = ckpt_freeze(ctx, root);
	if (ret)
		goto out;
	ret = ckpt_write_image(ctx);
	ckpt_timers_free(ctx);
	ckpt_thaw(ctx, !ret && (ctx->flags & CHECKPOINT_KILL));
out:
	ckpt_objhash_free(ctx);
	ckpt_locks_free(ctx);
	ckpt_pidns_free(ctx);
	kvfree(ctx->pids);
	ckpt_release_container(ctx);
out_root:
	put_pid_ns(ctx->root_ns);
	put_task_struct(root);
	return ret;
}
