// SPDX-License-Identifier: GPL-2.0-only
/*
 * Pid namespaces nested in the container's.
 *
 * A task in a nested namespace has a pid at every level from the
 * container's down to its own.  The image keeps the tree keyed by the
 * container-level pid, a table of the nested namespaces (each with its
 * parent and its init), and for each task in one of them the numbers it
 * has below the container's level.
 *
 * Restart creates a namespace when it creates its init: the init's
 * parent clones it with CLONE_NEWPID, from the namespace the new one
 * hangs below.  Every other task is created straight into its namespace
 * with a set_tid array as deep as its nesting, its creator's children's
 * pid namespace pointed there first.  Last, each task gets back the pid
 * namespace its own children go to, which differs from its own after
 * unshare(CLONE_NEWPID) or setns(2).
 *
 * Each namespace also keeps the two sysctls it has of its own: the pid
 * its next fork goes on from (ns_last_pid: the pids restart chooses
 * with set_tid leave it where a new namespace has it, and the next fork
 * would take the lowest free pid), and vm.memfd_noexec.
 */
#include <linux/checkpoint.h>
#include <linux/idr.h>
#include <linux/nsproxy.h>
#include <linux/pid_namespace.h>
#include <linux/sched/task.h>
#include <linux/slab.h>
#include <linux/threads.h>

#include "internal.h"

/**
 * struct ckpt_pidns - one pid namespace of the container
 * @ns:		the namespace; on restart NULL until its init exists, and
 *		then a reference is held.
 * @entry:	its parent and its init, as in the image.
 * @depth:	levels below the container's namespace (0 for that one).
 */
struct ckpt_pidns {
	struct pid_namespace *ns;
	struct ckpt_pidns_entry entry;
	unsigned int depth;
};

static int ckpt_pidns_alloc(struct ckpt_ctx *ctx, unsigned int nr_pidns,
			    unsigned int nr_nested)
{
	/* Sized by the tree (on restart, by the image): charged to the caller. */
	ctx->pidns = kvcalloc(nr_pidns + 1, sizeof(*ctx->pidns),
			      GFP_KERNEL_ACCOUNT | __GFP_NOWARN);
	ctx->nested = kvcalloc(nr_nested, sizeof(*ctx->nested),
			       GFP_KERNEL_ACCOUNT | __GFP_NOWARN);
	if (!ctx->pidns || (!ctx->nested && nr_nested))
		return -ENOMEM;
	ctx->pidns[0].entry.init_pid = 1;
	return 0;
}

/**
 * ckpt_pidns_free - forget the namespaces of a checkpoint or restart
 * @ctx:	the operation.
 */
void ckpt_pidns_free(struct ckpt_ctx *ctx)
{
	unsigned int i;

	for (i = 0; ctx->restart && ctx->pidns && i <= ctx->nr_pidns; i++)
		if (ctx->pidns[i].ns)
			put_pid_ns(ctx->pidns[i].ns);
	kvfree(ctx->pidns);
	kvfree(ctx->nested);
	ctx->pidns = NULL;
	ctx->nested = NULL;
}

/* Is namespace @idx @above, or below it? */
static bool ckpt_pidns_within(struct ckpt_ctx *ctx, u32 idx, u32 above)
{
	while (idx != above && idx)
		idx = ctx->pidns[idx].entry.parent;
	return idx == above;
}

static bool ckpt_pidns_init_of(struct ckpt_ctx *ctx, struct ckpt_task *ct)
{
	return ct->entry.pidns &&
	       ctx->pidns[ct->entry.pidns].entry.init_pid == ct->entry.pid;
}

/* ---- checkpoint ---- */

static int ckpt_pidns_index(struct ckpt_ctx *ctx, struct pid_namespace *ns)
{
	unsigned int i;

	for (i = 0; i <= ctx->nr_pidns; i++)
		if (ctx->pidns[i].ns == ns)
			return i;
	return -ENOENT;
}

/*
 * @ct is the first task of the tree seen in a nested namespace: it must
 * be the namespace's init, created from the namespace's parent, as
 * restart will create it.
 */
static int ckpt_pidns_add(struct ckpt_ctx *ctx, struct ckpt_task *ct,
			  struct pid *pid)
{
	struct pid_namespace *ns = ns_of_pid(pid), *root = ctx->root_ns;
	struct ckpt_pidns *new;
	const char *why = NULL;

	if (ns->level - root->level > CKPT_MAX_PIDNS_DEPTH)
		why = "is in a pid namespace nested too deeply";
	else if (ns->user_ns != root->user_ns)
		why = "is in a pid namespace of another user namespace; not supported yet";
	else if (pid->numbers[ns->level].nr != 1)
		why = "comes before the init of its pid namespace in the tree; not supported";
	else if (ns_of_pid(ct->parent->pid) != ns->parent)
		why = "inits a pid namespace but its parent is not in the one above; not supported";
	if (why)
		return ckpt_err(ctx, -EOPNOTSUPP, "task %d %s", ct->entry.pid, why);

	new = &ctx->pidns[++ctx->nr_pidns];
	new->ns = ns;
	new->entry.parent = ckpt_pidns_index(ctx, ns->parent);
	new->entry.init_pid = ct->entry.pid;
	new->depth = ns->level - root->level;
	return ctx->nr_pidns;
}

/* Whether restart has created namespace @idx by the time @ct is done. */
static bool ckpt_pidns_ready_for(struct ckpt_ctx *ctx, u32 idx,
				 struct ckpt_task *ct)
{
	struct ckpt_task *init = ckpt_find_task(ctx, ctx->pidns[idx].entry.init_pid);
	struct ckpt_task *up;

	if (init <= ct)
		return true;
	for (up = init->parent; up && up != ct; up = up->parent)
		;
	return up == ct;
}

/* Which namespace @ct's children go to. */
static int ckpt_pidns_of_children(struct ckpt_ctx *ctx, struct ckpt_task *ct)
{
	struct task_struct *t = ct->task;
	struct pid_namespace *ns = NULL;
	int idx;

	task_lock(t);
	if (t->nsproxy)
		ns = t->nsproxy->pid_ns_for_children;
	task_unlock(t);
	if (!ns)
		return ct->entry.pidns;
	idx = ckpt_pidns_index(ctx, ns);
	if (idx < 0)
		return ckpt_err(ctx, -EOPNOTSUPP,
				"task %d creates its children in a pid namespace with no task in it; not supported",
				ct->entry.pid);
	if (!ckpt_pidns_ready_for(ctx, idx, ct))
		return ckpt_err(ctx, -EOPNOTSUPP,
				"task %d creates its children in a pid namespace whose init comes after it; not supported",
				ct->entry.pid);
	return idx;
}

/**
 * ckpt_pidns_collect - find the container's nested pid namespaces
 * @ctx:	checkpoint context with the frozen tasks in tree order.
 *
 * Fills in each tree entry's namespaces and the pid numbers each task
 * has below the container's level.
 *
 * Return: 0, or a negative errno (logged) for what restart could not
 * recreate.
 */
int ckpt_pidns_collect(struct ckpt_ctx *ctx)
{
	int root_level = ctx->root_ns->level;
	unsigned int i, n = 0;
	int ret;

	ret = ckpt_pidns_alloc(ctx, ctx->nr_tasks,
			       ctx->nr_tasks * CKPT_MAX_PIDNS_DEPTH);
	if (ret)
		return ret;
	ctx->pidns[0].ns = ctx->root_ns;

	for (i = 0; i < ctx->nr_tasks; i++) {
		struct ckpt_task *ct = &ctx->tasks[i];
		/* Pinned by the freeze, even if the task is reaped. */
		struct pid *pid = ct->pid;
		int idx = ckpt_pidns_index(ctx, ns_of_pid(pid)), level;

		if (idx < 0)
			idx = ckpt_pidns_add(ctx, ct, pid);
		if (idx < 0)
			return idx;
		ct->entry.pidns = idx;
		ct->nested = &ctx->nested[n];
		for (level = root_level + 1; level <= pid->level; level++)
			ctx->nested[n++] = pid->numbers[level].nr;
	}
	ctx->nr_nested = n;

	for (i = 0; i < ctx->nr_tasks; i++) {
		ret = ckpt_pidns_of_children(ctx, &ctx->tasks[i]);
		if (ret < 0)
			return ret;
		ctx->tasks[i].entry.child_pidns = ret;
	}

	/* The tasks are frozen: nothing forks in these namespaces now. */
	for (i = 0; i <= ctx->nr_pidns; i++) {
		struct pid_namespace *ns = ctx->pidns[i].ns;

		ctx->pidns[i].entry.last_pid = (int)idr_get_cursor(&ns->idr) - 1;
		ctx->pidns[i].entry.memfd_noexec = pidns_memfd_noexec_scope(ns);
	}
	return 0;
}

/**
 * ckpt_pidns_fill_container - the container namespace's part of its record
 * @ctx:	checkpoint context after ckpt_pidns_collect().
 * @rec:	the container record.
 */
void ckpt_pidns_fill_container(struct ckpt_ctx *ctx,
			       struct ckpt_rec_container *rec)
{
	rec->last_pid = ctx->pidns[0].entry.last_pid;
	rec->memfd_noexec = ctx->pidns[0].entry.memfd_noexec;
}

/**
 * ckpt_pidns_write - write the CKPT_REC_PIDNS record, if it has one
 * @ctx:	checkpoint context after ckpt_pidns_collect().
 *
 * Return: 0 or a negative errno.
 */
int ckpt_pidns_write(struct ckpt_ctx *ctx)
{
	struct ckpt_rec_pidns rec = {
		.nr_pidns = ctx->nr_pidns,
		.nr_nested = ctx->nr_nested,
	};
	unsigned int i;
	int ret;

	if (!ctx->nr_pidns)
		return 0;
	ret = ckpt_write_begin(ctx, &rec, CKPT_REC_PIDNS, sizeof(rec),
			       ctx->nr_pidns * sizeof(struct ckpt_pidns_entry) +
			       ctx->nr_nested * sizeof(*ctx->nested));
	for (i = 1; i <= ctx->nr_pidns && !ret; i++)
		ret = ckpt_write_data(ctx, &ctx->pidns[i].entry,
				      sizeof(ctx->pidns[i].entry));
	if (!ret)
		ret = ckpt_write_data(ctx, ctx->nested,
				      ctx->nr_nested * sizeof(*ctx->nested));
	return ret ?: ckpt_write_end(ctx);
}

/* ---- restart ---- */

/*
 * ns_last_pid as its sysctl takes it; vm.memfd_noexec never below the
 * parent namespace's, which the sysctl does not allow either.
 */
static int ckpt_pidns_check_sysctls(struct ckpt_ctx *ctx, unsigned int i)
{
	const struct ckpt_pidns_entry *e = &ctx->pidns[i].entry;
	u32 above = i ? ctx->pidns[e->parent].entry.memfd_noexec : 0;

	if (e->last_pid < -1 || e->last_pid > READ_ONCE(pid_max))
		return ckpt_err(ctx, -EINVAL, "pid namespace %u: bad ns_last_pid %d",
				i, e->last_pid);
	if (e->memfd_noexec > MEMFD_NOEXEC_SCOPE_NOEXEC_ENFORCED ||
	    e->memfd_noexec < above)
		return ckpt_err(ctx, -EINVAL, "pid namespace %u: bad vm.memfd_noexec %u",
				i, e->memfd_noexec);
	return 0;
}

/*
 * The container's namespace is created below the restarter's, whose
 * vm.memfd_noexec it gets and cannot go below: a container that had
 * less is not restarted under more, nor anywhere without the sysctl.
 */
static int ckpt_pidns_check_root(struct ckpt_ctx *ctx,
				 const struct ckpt_rec_container *rec)
{
	u32 here = pidns_memfd_noexec_scope(task_active_pid_ns(current));
	bool settable = IS_ENABLED(CONFIG_SYSCTL) && IS_ENABLED(CONFIG_MEMFD_CREATE);
	unsigned int i;
	int ret;

	ctx->pidns[0].entry.last_pid = rec->last_pid;
	ctx->pidns[0].entry.memfd_noexec = rec->memfd_noexec;
	for (i = 0; i <= ctx->nr_pidns; i++) {
		u32 want = ctx->pidns[i].entry.memfd_noexec;

		ret = ckpt_pidns_check_sysctls(ctx, i);
		if (ret)
			return ret;
		/* Nested ones never below the container's (just checked). */
		if (want < here || (want > here && !settable))
			return ckpt_err(ctx, -EPERM,
					"the container had vm.memfd_noexec %u, which cannot be set here",
					want);
	}
	return 0;
}

static int ckpt_pidns_read_table(struct ckpt_ctx *ctx, u32 nr_pidns)
{
	struct ckpt_rec_pidns rec;
	unsigned int i;
	int ret;

	ret = ckpt_read_begin(ctx, &rec, CKPT_REC_PIDNS, sizeof(rec),
			      CKPT_MAX_TASKS * (sizeof(struct ckpt_pidns_entry) +
						CKPT_MAX_PIDNS_DEPTH * sizeof(pid_t)));
	if (ret < 0)
		return ret;
	if (rec.nr_pidns != nr_pidns ||
	    rec.nr_nested > ctx->nr_tasks * CKPT_MAX_PIDNS_DEPTH ||
	    ret != rec.nr_pidns * sizeof(struct ckpt_pidns_entry) +
		   rec.nr_nested * sizeof(pid_t))
		return ckpt_err(ctx, -EINVAL, "malformed pid namespace record");
	ret = ckpt_pidns_alloc(ctx, nr_pidns, rec.nr_nested);
	if (ret)
		return ret;
	ctx->nr_pidns = nr_pidns;
	ctx->nr_nested = rec.nr_nested;
	for (i = 1; i <= nr_pidns; i++) {
		struct ckpt_pidns *p = &ctx->pidns[i];

		ret = ckpt_read_data(ctx, &p->entry, sizeof(p->entry));
		if (ret)
			return ret;
		if (p->entry.parent >= i ||
		    ctx->pidns[p->entry.parent].depth >= CKPT_MAX_PIDNS_DEPTH)
			return ckpt_err(ctx, -EINVAL,
					"pid namespace %u: bad parent %u", i,
					p->entry.parent);
		p->depth = ctx->pidns[p->entry.parent].depth + 1;
	}
	ret = ckpt_read_data(ctx, ctx->nested,
			     rec.nr_nested * sizeof(*ctx->nested));
	return ret ?: ckpt_read_end(ctx);
}

/*
 * Where @ct may be created from, given the tasks before it: a thread in
 * its leader's namespace; a namespace's init from the namespace's
 * parent; any other task in a namespace that exists by then, at or
 * below its creator's.
 */
static int ckpt_pidns_check_task(struct ckpt_ctx *ctx, struct ckpt_task *ct,
				 unsigned long *created)
{
	const struct ckpt_tree_entry *e = &ct->entry;
	const struct ckpt_pidns *p = &ctx->pidns[e->pidns];
	u32 from = ct->parent ? ct->parent->entry.pidns : 0;
	pid_t own = p->depth ? ct->nested[p->depth - 1] : e->pid;
	unsigned int i;

	for (i = 0; i < p->depth; i++)
		if (ct->nested[i] < 1 || ct->nested[i] >= PID_MAX_LIMIT)
			return ckpt_err(ctx, -EINVAL, "task %d: bad pid %d", e->pid,
					ct->nested[i]);
	if (!ckpt_pidns_within(ctx, e->child_pidns, e->pidns))
		return ckpt_err(ctx, -EINVAL,
				"task %d: its children's pid namespace %u is not within its own",
				e->pid, e->child_pidns);
	if (!ct->parent)
		return e->pidns ? ckpt_err(ctx, -EINVAL,
					   "the init is in a nested pid namespace") : 0;
	if (ckpt_is_thread(ct)) {
		if (e->pidns != from)
			return ckpt_err(ctx, -EINVAL,
					"thread %d is in another pid namespace than its leader",
					e->pid);
		return 0;
	}
	if (ckpt_pidns_init_of(ctx, ct)) {
		if (p->entry.parent != from || own != 1)
			return ckpt_err(ctx, -EINVAL,
					"task %d cannot be the init of pid namespace %u",
					e->pid, e->pidns);
		__set_bit(e->pidns, created);
		return 0;
	}
	if (!test_bit(e->pidns, created) || !ckpt_pidns_within(ctx, e->pidns, from))
		return ckpt_err(ctx, -EINVAL,
				"task %d: its parent cannot create it in pid namespace %u",
				e->pid, e->pidns);
	return 0;
}

/**
 * ckpt_pidns_read - read and check the container's pid namespaces
 * @ctx:	restart context with the task tree read and linked.
 * @rec:	the container record: how many namespaces are nested in
 *		the container's, and that one's sysctls.
 *
 * Return: 0, or a negative errno, logged for a malformed image.
 */
int ckpt_pidns_read(struct ckpt_ctx *ctx, const struct ckpt_rec_container *rec)
{
	u32 nr_pidns = rec->nr_pidns;
	unsigned long *created;
	unsigned int i, n = 0;
	int ret;

	if (nr_pidns >= ctx->nr_tasks)
		return ckpt_err(ctx, -EINVAL, "more pid namespaces than tasks");
	ret = nr_pidns ? ckpt_pidns_read_table(ctx, nr_pidns) :
			 ckpt_pidns_alloc(ctx, 0, 0);
	if (!ret)
		ret = ckpt_pidns_check_root(ctx, rec);
	if (ret)
		return ret;
	created = bitmap_zalloc(nr_pidns + 1, GFP_KERNEL);
	if (!created)
		return -ENOMEM;
	__set_bit(0, created);

	for (i = 0; i < ctx->nr_tasks && !ret; i++) {
		struct ckpt_task *ct = &ctx->tasks[i];
		u32 idx = ct->entry.pidns;

		if (idx > nr_pidns || ct->entry.child_pidns > nr_pidns) {
			ret = ckpt_err(ctx, -EINVAL,
				       "task %d: no pid namespace %u or %u",
				       ct->entry.pid, idx, ct->entry.child_pidns);
			break;
		}
		if (ctx->pidns[idx].depth > ctx->nr_nested - n) {
			ret = ckpt_err(ctx, -EINVAL,
				       "task %d: its pids in nested namespaces are missing",
				       ct->entry.pid);
			break;
		}
		ct->nested = &ctx->nested[n];
		n += ctx->pidns[idx].depth;
		ret = ckpt_pidns_check_task(ctx, ct, created);
	}
	if (!ret && n != ctx->nr_nested)
		ret = ckpt_err(ctx, -EINVAL, "%u pids in nested namespaces belong to no task",
			       ctx->nr_nested - n);
	if (!ret && !bitmap_full(created, nr_pidns + 1))
		ret = ckpt_err(ctx, -EINVAL,
			       "pid namespace %lu has no init among the tasks",
			       find_first_zero_bit(created, nr_pidns + 1));
	bitmap_free(created);
	return ret;
}

/**
 * ckpt_pidns_enter - note the namespace a new task of restart creates
 * @ctx:	restart context.
 * @ct:	the task, which is current.
 *
 * The container's init and the init of each nested namespace bring
 * their namespace into being; later tasks are created into it.
 */
void ckpt_pidns_enter(struct ckpt_ctx *ctx, struct ckpt_task *ct)
{
	struct ckpt_pidns *p = &ctx->pidns[ct->entry.pidns];

	if (ct->parent && !ckpt_pidns_init_of(ctx, ct))
		return;
	p->ns = get_pid_ns(task_active_pid_ns(current));
	/*
	 * As the sysctls would set them; set_tid, which every restored
	 * task is created with, moves no cursor.
	 */
	idr_set_cursor(&p->ns->idr, p->entry.last_pid + 1);
#if defined(CONFIG_SYSCTL) && defined(CONFIG_MEMFD_CREATE)
	WRITE_ONCE(p->ns->memfd_noexec_scope, p->entry.memfd_noexec);
#endif
}

/**
 * ckpt_pidns_clone_args - set up the creation of @child from current
 * @ctx:	restart context.
 * @child:	the task to create, which current creates.
 * @args:	its clone arguments; CLONE_NEWPID may be added.
 * @set_tid:	room for CKPT_MAX_PIDNS_DEPTH + 1 pids, which @args points
 *		to: the child's pid at each level, its own namespace's first.
 *
 * Return: 0, or a negative errno.
 */
int ckpt_pidns_clone_args(struct ckpt_ctx *ctx, struct ckpt_task *child,
			  struct kernel_clone_args *args, pid_t *set_tid)
{
	const struct ckpt_pidns *p = &ctx->pidns[child->entry.pidns];
	struct pid_namespace *ns = p->ns;
	unsigned int i;

	for (i = 0; i < p->depth; i++)
		set_tid[i] = child->nested[p->depth - 1 - i];
	set_tid[p->depth] = child->entry.pid;
	args->set_tid = set_tid;
	args->set_tid_size = p->depth + 1;
	if (ckpt_pidns_init_of(ctx, child)) {
		args->flags |= CLONE_NEWPID;
		ns = task_active_pid_ns(current);
	}
	return set_pid_ns_for_children(ns);
}

/**
 * ckpt_pidns_restore_children - point current's children where @ct's went
 * @ctx:	restart context.
 * @ct:	current's entry, done creating its children.
 *
 * Return: 0, or a negative errno.
 */
int ckpt_pidns_restore_children(struct ckpt_ctx *ctx, struct ckpt_task *ct)
{
	struct pid_namespace *ns = ctx->pidns[ct->entry.child_pidns].ns;

	if (!ns)
		return ckpt_err(ctx, -EINVAL,
				"task %d: its children's pid namespace is created after it",
				ct->entry.pid);
	return set_pid_ns_for_children(ns);
}
