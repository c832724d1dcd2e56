// SPDX-License-Identifier: GPL-2.0-only
/*
 * Scheduler autogroups (CONFIG_SCHED_AUTOGROUP).  setsid(2) puts its
 * caller's process in a new autogroup, which the processes it forks from
 * then on share (signal_struct->autogroup), with a nice value of its own
 * (/proc/PID/autogroup).  The grouping is there whether or not the
 * scheduler uses it (kernel.sched_autogroup_enabled), and is saved
 * either way.
 *
 * An autogroup only the container's processes use is a
 * CKPT_OBJ_AUTOGROUP: restart makes a new one as its first process is
 * rebuilt, moves each of its processes into it, and gives it its nice
 * value as that first process, once its credentials are its own.  Its
 * number is new: it counts the autogroups made since boot, like an
 * inode number.  One shared with a task outside the container -- the
 * autogroup the init was born in, whoever started it -- or the kernel's
 * default one is not the container's: its processes come back in the
 * restarter's, as in a container the restarter starts.
 */
#include <linux/checkpoint.h>
#include <linux/pid.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>

#include "internal.h"

/**
 * struct ckpt_autogroup - the restart state of a rebuilt autogroup
 * @ag:		the autogroup, which the objhash holds.
 * @nice:	its nice value from the image, set by its first process.
 * @claimed:	a process has taken on setting @nice.
 */
struct ckpt_autogroup {
	struct autogroup *ag;
	int nice;
	bool claimed;
};

static void ckpt_autogroup_grab(void *ptr)
{
	sched_autogroup_hold(ptr);
}

static void ckpt_autogroup_drop(struct ckpt_ctx *ctx, void *ptr)
{
	sched_autogroup_put(ptr);
}

static void ckpt_autogroup_release(struct ckpt_ctx *ctx, void *state)
{
	kfree(state);
}

static int ckpt_autogroup_checkpoint(struct ckpt_ctx *ctx, void *ptr)
{
	struct ckpt_rec_autogroup rec = { };

	/* Collection left out the default autogroup, which has none. */
	sched_autogroup_nice(ptr, &rec.nice);
	return ckpt_write_rec(ctx, &rec, CKPT_REC_AUTOGROUP, sizeof(rec));
}

/* A new autogroup, empty until its first process moves in. */
static void *ckpt_autogroup_restore(struct ckpt_ctx *ctx, void **state)
{
	struct ckpt_rec_autogroup rec;
	struct ckpt_autogroup *cag;
	struct autogroup *ag;
	int ret;

	ret = ckpt_read_rec(ctx, &rec, CKPT_REC_AUTOGROUP, sizeof(rec));
	if (ret)
		return ERR_PTR(ret);
	if (rec.nice < MIN_NICE || rec.nice > MAX_NICE || rec.__pad)
		return ERR_PTR(ckpt_err(ctx, -EINVAL, "malformed autogroup record"));
	cag = kzalloc(sizeof(*cag), GFP_KERNEL_ACCOUNT);
	if (!cag)
		return ERR_PTR(-ENOMEM);
	ag = sched_autogroup_create();
	if (IS_ERR(ag)) {
		kfree(cag);
		return ERR_CAST(ag);
	}
	cag->ag = ag;
	cag->nice = rec.nice;
	*state = cag;
	return ag;
}

const struct ckpt_obj_ops ckpt_autogroup_ops = {
	.name = "autogroup",
	.grab = ckpt_autogroup_grab,
	.drop = ckpt_autogroup_drop,
	.checkpoint = ckpt_autogroup_checkpoint,
	.restore = ckpt_autogroup_restore,
	.release = ckpt_autogroup_release,
};

/*
 * Leave out of the image every autogroup a process outside the
 * container uses too.  One pass over the processes of the system, each
 * autogroup looked up in the objhash by address: the autogroups are
 * only compared, and the processes seen under RCU.
 */
static int ckpt_autogroups_outside(struct ckpt_ctx *ctx, struct xarray *outside)
{
	struct task_struct *p;
	void *ag;
	int ret = 0;

	rcu_read_lock();
	for_each_process(p) {
		/* Being reaped, it holds an autogroup no longer in use. */
		if (!pid_alive(p) || ckpt_in_container(p, ctx->root_ns))
			continue;
		ag = READ_ONCE(p->signal->autogroup);
		if (!ckpt_obj_known(ctx, ag, CKPT_OBJ_AUTOGROUP) ||
		    xa_load(outside, (unsigned long)ag))
			continue;
		ret = xa_err(xa_store(outside, (unsigned long)ag, xa_mk_value(1),
				      GFP_NOWAIT));
		if (ret)
			break;
	}
	rcu_read_unlock();
	return ret;
}

/**
 * ckpt_collect_autogroups - find the autogroups that are the container's
 * @ctx:	checkpoint context, every task frozen and collected.
 *
 * Sets ct->autogroup of each process: its autogroup, held by the
 * objhash, or NULL when that is not the container's.  Nothing is
 * refused: an autogroup of the container can always be made again.
 *
 * Return: 0 or -ENOMEM.
 */
int ckpt_collect_autogroups(struct ckpt_ctx *ctx)
{
	struct xarray outside;
	unsigned int i;
	int nice, ret = 0;

	for (i = 0; i < ctx->nr_tasks && !ret; i++) {
		struct ckpt_task *ct = &ctx->tasks[i];
		struct autogroup *ag;

		if (ckpt_is_thread(ct))
			continue;
		ag = sched_autogroup_get(ct->task);
		if (sched_autogroup_nice(ag, &nice)) {
			ret = ckpt_obj_collect(ctx, ag, CKPT_OBJ_AUTOGROUP);
			if (!ret)
				ct->autogroup = ag;
		}
		/* The objhash holds its own reference. */
		sched_autogroup_put(ag);
	}
	xa_init(&outside);
	ret = ret ?: ckpt_autogroups_outside(ctx, &outside);
	for (i = 0; i < ctx->nr_tasks && !ret; i++) {
		struct ckpt_task *ct = &ctx->tasks[i];

		if (ct->autogroup && xa_load(&outside, (unsigned long)ct->autogroup))
			ct->autogroup = NULL;
	}
	xa_destroy(&outside);
	return ret;
}

/**
 * ckpt_autogroup_ref - write a process's autogroup if it is new
 * @ctx:	checkpoint context.
 * @ct:		the process's leader, collected.
 * @ref:	set to its objref, or 0 when it is not the container's.
 *
 * Return: 0 or a negative errno.
 */
int ckpt_autogroup_ref(struct ckpt_ctx *ctx, struct ckpt_task *ct, u32 *ref)
{
	int ret;

	*ref = 0;
	if (!ct->autogroup)
		return 0;
	ret = ckpt_obj_checkpoint(ctx, ct->autogroup, CKPT_OBJ_AUTOGROUP);
	if (ret < 0)
		return ret;
	*ref = ret;
	return 0;
}

/**
 * ckpt_restore_autogroup - move current's process into its autogroup
 * @ctx:	restart context.
 * @ct:		current.
 * @ref:	its record's autogroup_ref: an autogroup opened before it, or
 *		0 for the restarter's.
 *
 * The first process of an autogroup in tree order -- for one made by
 * setsid(2), the session leader, if it is still there -- sets its nice
 * value later, with ckpt_restore_autogroup_nice().  A thread is in its
 * leader's.
 *
 * Return: 0 or a negative errno (logged).
 */
int ckpt_restore_autogroup(struct ckpt_ctx *ctx, struct ckpt_task *ct, u32 ref)
{
	struct ckpt_autogroup *cag;
	struct autogroup *ag;

	if (ckpt_is_thread(ct) && ref)
		return ckpt_err(ctx, -EINVAL, "thread %d: an autogroup of its own",
				ct->entry.pid);
	if (ckpt_is_thread(ct))
		return 0;
	if (!ref) {
		sched_autogroup_attach(current, ckpt_rst(ctx)->restarter_ag);
		return 0;
	}
	ag = ckpt_obj_fetch_state(ctx, ref, CKPT_OBJ_AUTOGROUP, (void **)&cag);
	if (IS_ERR(ag))
		return PTR_ERR(ag);
	sched_autogroup_attach(current, ag);
	if (!cag->claimed) {
		cag->claimed = true;
		ct->ag_nice = cag;
	}
	return 0;
}

/**
 * ckpt_restore_autogroup_nice - set the nice value of an autogroup
 * @ct:		current, its credentials and limits its own; the first
 *		process of the autogroup.
 *
 * As a write to /proc/self/autogroup would: below 0 only as current's
 * RLIMIT_NICE or CAP_SYS_NICE allows, so that the image gives no
 * process a nice value it could not have set itself.
 *
 * Return: 0 or a negative errno (logged).
 */
int ckpt_restore_autogroup_nice(struct ckpt_task *ct)
{
	struct ckpt_autogroup *cag = ct->ag_nice;
	int ret;

	/* A new autogroup's nice value is 0 already. */
	if (!cag || !cag->nice)
		return 0;
	ret = sched_autogroup_set_nice(cag->ag, cag->nice);
	if (ret)
		return ckpt_err(ct->ctx, ret, "task %d: cannot set its autogroup's nice value %d",
				ct->entry.pid, cag->nice);
	return 0;
}

/**
 * ckpt_autogroup_restart_begin - note the restarter's autogroup
 * @ctx:	restart context, in the restarter.
 */
void ckpt_autogroup_restart_begin(struct ckpt_ctx *ctx)
{
	ckpt_rst(ctx)->restarter_ag = sched_autogroup_get(current);
}

/**
 * ckpt_autogroup_restart_end - let go of the restarter's autogroup
 * @ctx:	restart context.
 */
void ckpt_autogroup_restart_end(struct ckpt_ctx *ctx)
{
	struct ckpt_rst_ctx *rst = ckpt_rst(ctx);

	if (rst->restarter_ag)
		sched_autogroup_put(rst->restarter_ag);
	rst->restarter_ag = NULL;
}
