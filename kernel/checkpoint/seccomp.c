// SPDX-License-Identifier: GPL-2.0-only
/*
 * Seccomp: a task's mode (CKPT_REC_SECCOMP) and its filters, each a
 * CKPT_OBJ_SECCOMP.  A task's filters form a chain from the last one
 * attached back to the first; fork() and threads share the chain they
 * inherit, and each filter attached later sits on top of it, so the
 * filters of a container form a tree.  Each filter is saved once, its
 * classic BPF program as seccomp(2) was given it, with the objref of
 * the filter below it, written before it; a task names the top of its
 * chain.  Restart rebuilds every filter from its program as seccomp(2)
 * would, on top of the rebuilt filter below it, so that tasks share
 * what they shared and nothing else.
 *
 * A restored task enters its mode last, once its children exist: they
 * are created from it with kernel_clone() and must not inherit its
 * filters, only their own.  The restarter itself runs under no filter
 * (task.c refuses one that does), so nothing else is inherited.
 */
#include <linux/capability.h>
#include <linux/checkpoint.h>
#include <linux/cred.h>
#include <linux/filter.h>
#include <linux/mm.h>
#include <linux/sched/signal.h>
#include <linux/seccomp.h>
#include <linux/slab.h>

#include "internal.h"

#ifdef CONFIG_SECCOMP_FILTER

static void ckpt_seccomp_grab(void *ptr)
{
	seccomp_filter_get(ptr);
}

static void ckpt_seccomp_drop(struct ckpt_ctx *ctx, void *ptr)
{
	seccomp_filter_put(ptr);
}

/*
 * A listener's fd is a supervisor's hold on the tasks that meet the
 * filter, often held outside the container; restart has no way to
 * hand a new one over.  Once the listener is closed, the filter acts
 * as it would without one, and is saved as such.
 */
static int ckpt_seccomp_collect(struct ckpt_ctx *ctx, void *ptr)
{
	const struct sock_fprog_kern *prog;
	unsigned int flags;

	prog = seccomp_filter_prog(ptr, &flags);
	if (flags & SECCOMP_FILTER_FLAG_NEW_LISTENER)
		return ckpt_err(ctx, -EOPNOTSUPP,
				"a seccomp filter has a user-notification listener (SECCOMP_FILTER_FLAG_NEW_LISTENER); not supported");
	if (!prog)
		return ckpt_err(ctx, -EOPNOTSUPP,
				"the kernel kept no copy of a seccomp filter's program; not supported");
	return 0;
}

static int ckpt_seccomp_checkpoint(struct ckpt_ctx *ctx, void *ptr)
{
	struct seccomp_filter *prev = seccomp_filter_prev(ptr);
	struct ckpt_rec_seccomp_filter rec = { };
	const struct sock_fprog_kern *prog;
	unsigned int flags;
	u32 size;
	int ret;

	BUILD_BUG_ON(sizeof(struct ckpt_sock_filter) != sizeof(struct sock_filter));
	prog = seccomp_filter_prog(ptr, &flags);
	if (WARN_ON_ONCE(!prog))
		return -EINVAL;
	if (prev) {
		/* Written before this one (ckpt_checkpoint_seccomp()). */
		ret = ckpt_obj_checkpoint(ctx, prev, CKPT_OBJ_SECCOMP);
		if (ret < 0)
			return ret;
		rec.prev_ref = ret;
	}
	rec.flags = flags & SECCOMP_FILTER_FLAG_LOG;
	rec.len = prog->len;
	size = prog->len * sizeof(struct sock_filter);
	ret = ckpt_write_begin(ctx, &rec, CKPT_REC_SECCOMP_FILTER, sizeof(rec),
			       size) ?:
	      ckpt_write_data(ctx, prog->filter, size);
	return ret ?: ckpt_write_end(ctx);
}

/*
 * Every check is seccomp(2)'s: seccomp_filter_create() runs the
 * program through seccomp_check_filter() and bounds the chain.  What it
 * asks of the task that attaches the filter is checked for each task in
 * ckpt_read_seccomp().
 */
static void *ckpt_seccomp_restore(struct ckpt_ctx *ctx, void **state)
{
	struct ckpt_rec_seccomp_filter rec;
	struct seccomp_filter *prev = NULL, *filter;
	struct sock_fprog_kern fprog;
	struct sock_filter *insns;
	int ret;

	ret = ckpt_read_begin(ctx, &rec, CKPT_REC_SECCOMP_FILTER, sizeof(rec),
			      BPF_MAXINSNS * sizeof(*insns));
	if (ret < 0)
		return ERR_PTR(ret);
	if (rec.flags & ~SECCOMP_FILTER_FLAG_LOG || rec.__pad ||
	    !rec.len || rec.len > BPF_MAXINSNS || ret != rec.len * sizeof(*insns))
		return ERR_PTR(ckpt_err(ctx, -EINVAL, "malformed seccomp filter record"));
	if (rec.prev_ref) {
		prev = ckpt_obj_fetch(ctx, rec.prev_ref, CKPT_OBJ_SECCOMP);
		if (IS_ERR(prev))
			return prev;
	}
	insns = kvmalloc_array(rec.len, sizeof(*insns), GFP_KERNEL_ACCOUNT);
	if (!insns)
		return ERR_PTR(-ENOMEM);
	ret = ckpt_read_data(ctx, insns, rec.len * sizeof(*insns)) ?:
	      ckpt_read_end(ctx);
	if (ret) {
		kvfree(insns);
		return ERR_PTR(ret);
	}
	fprog.len = rec.len;
	fprog.filter = insns;
	filter = seccomp_filter_create(&fprog, rec.flags, prev);
	kvfree(insns);
	if (IS_ERR(filter))
		return ERR_PTR(ckpt_err(ctx, PTR_ERR(filter),
					"seccomp filter refused as seccomp(2) would refuse it"));
	return filter;
}

/* Filters never change once attached: a copy is as good as the original. */
const struct ckpt_obj_ops ckpt_seccomp_ops = {
	.name		= "seccomp filter",
	.grab		= ckpt_seccomp_grab,
	.drop		= ckpt_seccomp_drop,
	.collect	= ckpt_seccomp_collect,
	.checkpoint	= ckpt_seccomp_checkpoint,
	.restore	= ckpt_seccomp_restore,
};

/*
 * @t's mode and the top of its chain, with a reference: it stays
 * attached to @t only until @t is reaped, which a parent outside the
 * container may do even now.
 */
static struct seccomp_filter *ckpt_seccomp_of(struct task_struct *t, int *mode)
{
	struct seccomp_filter *filter = NULL;
	unsigned long flags;

	*mode = SECCOMP_MODE_DISABLED;
	if (!lock_task_sighand(t, &flags))
		return ERR_PTR(-ESRCH);
	*mode = seccomp_mode(&t->seccomp);
	filter = t->seccomp.filter;
	if (filter)
		seccomp_filter_get(filter);
	unlock_task_sighand(t, &flags);
	return filter;
}

/**
 * ckpt_collect_seccomp - collect the filters a task runs under
 * @ctx:	checkpoint context, before anything is written.
 * @ct:		the task, frozen.
 *
 * Return: 0, or a negative errno (logged).
 */
int ckpt_collect_seccomp(struct ckpt_ctx *ctx, struct ckpt_task *ct)
{
	struct seccomp_filter *top, *filter;
	int mode, ret = 0;

	top = ckpt_seccomp_of(ct->task, &mode);
	if (IS_ERR(top))
		return ckpt_err(ctx, -ESRCH, "task %d exited during checkpoint",
				ct->entry.pid);
	/* A filter known already was collected with those below it. */
	for (filter = top; filter && !ret &&
	     !ckpt_obj_known(ctx, filter, CKPT_OBJ_SECCOMP);
	     filter = seccomp_filter_prev(filter))
		ret = ckpt_obj_collect(ctx, filter, CKPT_OBJ_SECCOMP);
	if (top)
		seccomp_filter_put(top);
	if (ret)
		ckpt_err(ctx, ret, "task %d (%s) runs under that seccomp filter",
			 ct->entry.pid, ct->task->comm);
	return ret;
}

/*
 * Write the filters of @top's chain that are not in the image yet,
 * first attached first, so that each names the one below it by an
 * objref already defined and no object nests in another: a chain may
 * be thousands of filters long.
 *
 * Return: @top's objref, or a negative errno.
 */
static int ckpt_seccomp_write_chain(struct ckpt_ctx *ctx,
				    struct seccomp_filter *top)
{
	struct seccomp_filter *filter, **chain;
	unsigned int n = 0, i;
	int ret = 0;

	for (filter = top; filter; filter = seccomp_filter_prev(filter))
		n++;
	chain = kvmalloc_array(n, sizeof(*chain), GFP_KERNEL);
	if (!chain)
		return -ENOMEM;
	for (i = 0, filter = top; filter; filter = seccomp_filter_prev(filter))
		chain[i++] = filter;
	for (i = n; i-- > 0 && ret >= 0;)
		ret = ckpt_obj_checkpoint(ctx, chain[i], CKPT_OBJ_SECCOMP);
	kvfree(chain);
	return ret;
}

/**
 * ckpt_checkpoint_seccomp - write a task's filters and its seccomp record
 * @ctx:	checkpoint context.
 * @ct:		the task, collected.
 *
 * Return: 0 or a negative errno (logged).
 */
int ckpt_checkpoint_seccomp(struct ckpt_ctx *ctx, struct ckpt_task *ct)
{
	struct ckpt_rec_seccomp rec = { };
	struct seccomp_filter *top;
	int mode, ret = 0;

	top = ckpt_seccomp_of(ct->task, &mode);
	if (IS_ERR(top))
		return ckpt_err(ctx, -ESRCH, "task %d exited during checkpoint",
				ct->entry.pid);
	rec.mode = mode;
	if (top) {
		ret = ckpt_seccomp_write_chain(ctx, top);
		seccomp_filter_put(top);
		if (ret < 0)
			return ret;
		rec.filter_ref = ret;
	}
	return ckpt_write_rec(ctx, &rec, CKPT_REC_SECCOMP, sizeof(rec));
}

/**
 * ckpt_read_seccomp - read a task's filters and its seccomp record
 * @ctx:	restart context, after the task's record.
 * @ct:		the task; its mode and filter are kept there until
 *		ckpt_restore_seccomp().
 *
 * A filter is attached as seccomp(2) would attach it for the task: with
 * no_new_privs (the task's record says it has it, and it gets it), or
 * by a restarter with CAP_SYS_ADMIN in its user namespace.  Otherwise a
 * filter could make a setuid program that the task runs misbehave.
 *
 * Return: 0 or a negative errno (logged).
 */
int ckpt_read_seccomp(struct ckpt_ctx *ctx, struct ckpt_task *ct)
{
	struct seccomp_filter *filter = NULL;
	struct ckpt_rec_seccomp rec;
	char site[48];
	int ret;

	snprintf(site, sizeof(site), "the seccomp filters of task %d",
		 ct->entry.pid);
	ret = ckpt_obj_restore_here(ctx, CKPT_OBJ_KIND(CKPT_OBJ_SECCOMP), site,
				    NULL) ?:
	      ckpt_read_rec(ctx, &rec, CKPT_REC_SECCOMP, sizeof(rec));
	if (ret)
		return ret;
	switch (rec.mode) {
	case SECCOMP_MODE_DISABLED:
	case SECCOMP_MODE_STRICT:
		if (rec.filter_ref)
			return ckpt_err(ctx, -EINVAL,
					"task %d: a seccomp filter without seccomp filter mode",
					ct->entry.pid);
		break;
	case SECCOMP_MODE_FILTER:
		filter = ckpt_obj_fetch(ctx, rec.filter_ref, CKPT_OBJ_SECCOMP);
		if (IS_ERR(filter))
			return PTR_ERR(filter);
		if (!ct->no_new_privs &&
		    !ns_capable_noaudit(current_user_ns(), CAP_SYS_ADMIN))
			return ckpt_err(ctx, -EPERM,
					"task %d: its seccomp filters need no_new_privs or CAP_SYS_ADMIN",
					ct->entry.pid);
		break;
	default:
		return ckpt_err(ctx, -EINVAL, "task %d: bad seccomp mode %u",
				ct->entry.pid, rec.mode);
	}
	ct->seccomp_mode = rec.mode;
	ct->seccomp_filter = filter;
	return 0;
}

/**
 * ckpt_restore_seccomp - put current in the seccomp mode its image gave
 * @ctx:	restart context.
 * @ct:		current's entry, read by ckpt_read_seccomp(), its
 *		children created.
 *
 * Return: 0 or a negative errno (logged).
 */
int ckpt_restore_seccomp(struct ckpt_ctx *ctx, struct ckpt_task *ct)
{
	int ret;

	if (ct->seccomp_mode == SECCOMP_MODE_DISABLED)
		return 0;
	ret = seccomp_restore_current(ct->seccomp_mode, ct->seccomp_filter);
	if (ret)
		return ckpt_err(ctx, ret, "task %d: cannot enter its seccomp mode",
				ct->entry.pid);
	return 0;
}

#else /* !CONFIG_SECCOMP_FILTER */

/*
 * Without filters there is no strict mode to restore either (it is
 * restored with the filter code); a kernel built so refuses both.
 */
int ckpt_collect_seccomp(struct ckpt_ctx *ctx, struct ckpt_task *ct)
{
	if (seccomp_mode(&ct->task->seccomp) != SECCOMP_MODE_DISABLED)
		return ckpt_err(ctx, -EOPNOTSUPP,
				"task %d (%s) runs under seccomp, which needs CONFIG_SECCOMP_FILTER; not supported",
				ct->entry.pid, ct->task->comm);
	return 0;
}

int ckpt_checkpoint_seccomp(struct ckpt_ctx *ctx, struct ckpt_task *ct)
{
	struct ckpt_rec_seccomp rec = { };

	return ckpt_write_rec(ctx, &rec, CKPT_REC_SECCOMP, sizeof(rec));
}

int ckpt_read_seccomp(struct ckpt_ctx *ctx, struct ckpt_task *ct)
{
	struct ckpt_rec_seccomp rec;
	int ret;

	ret = ckpt_read_rec(ctx, &rec, CKPT_REC_SECCOMP, sizeof(rec));
	if (ret)
		return ret;
	if (rec.mode != SECCOMP_MODE_DISABLED || rec.filter_ref)
		return ckpt_err(ctx, -EOPNOTSUPP,
				"task %d: seccomp needs CONFIG_SECCOMP_FILTER; not supported",
				ct->entry.pid);
	return 0;
}

int ckpt_restore_seccomp(struct ckpt_ctx *ctx, struct ckpt_task *ct)
{
	return 0;
}

#endif /* CONFIG_SECCOMP_FILTER */
