// SPDX-License-Identifier: GPL-2.0-only
/*
 * The CPU record (CKPT_REC_CPU), one per live task: its registers and
 * XSAVE area.  This side finds the task, moves the record through the
 * image and logs what went wrong; the architecture only reads and writes
 * the registers of a task it is handed (ckpt_arch_save_regs(),
 * ckpt_arch_restore_regs()), so that it needs nothing of the core.
 *
 * On restart only the coordinator restores CPU records, into tasks that
 * are blocked in the kernel waiting to be released.
 */
#include <linux/checkpoint.h>
#include <linux/errno.h>
#include <linux/sched/signal.h>
#include <linux/sched/task_stack.h>
#include <linux/slab.h>

#include "internal.h"

/**
 * ckpt_checkpoint_cpu - write a frozen task's CPU record
 * @ctx:	checkpoint context; the header has been written.
 * @ct:		the task, parked at its user-mode boundary.
 *
 * Return: 0 or a negative errno.
 */
int ckpt_checkpoint_cpu(struct ckpt_ctx *ctx, struct ckpt_task *ct)
{
	struct ckpt_rec_cpu rec = { .pid = ct->entry.pid };
	u32 xsize = ctx->xstate_size;
	void *xbuf;
	int ret;

	xbuf = kzalloc(xsize, GFP_KERNEL);
	if (!xbuf)
		return -ENOMEM;
	ret = ckpt_arch_save_regs(ct->task, ct->objs.mm, &rec, xbuf, xsize);
	if (ret == -EOPNOTSUPP)
		ret = ckpt_err(ctx, ret, "no register sets for task %d",
			       ct->entry.pid);
	else if (ret == -ESRCH)
		ret = ckpt_err(ctx, ret, "task %d was killed during checkpoint",
			       ct->entry.pid);
	/* No image write under the container's mmap_lock: see mm.c. */
	if (!ret)
		ret = ckpt_write_begin(ctx, &rec, CKPT_REC_CPU, sizeof(rec), xsize);
	if (!ret)
		ret = ckpt_write_data(ctx, xbuf, xsize);
	if (!ret)
		ret = ckpt_write_end(ctx);
	kfree(xbuf);
	return ret;
}

/*
 * The task a CPU record is for, held for the writes.  A CPU record is
 * for a live task of the image that has none yet: a zombie, or a leader
 * that has exited, has no registers, and its kernel stack, where they
 * would go, is gone.  The stack of the task returned is pinned, so that
 * a kill from outside cannot free it under the coordinator's writes; a
 * task that is no longer waiting to be released is refused.  Returns
 * the task's entry, to be put with ckpt_cpu_task_put(), or an ERR_PTR
 * (logged).
 */
static struct ckpt_task *ckpt_cpu_task_get(struct ckpt_ctx *ctx, pid_t pid)
{
	struct ckpt_task *ct = ckpt_find_task(ctx, pid);

	if (!ct)
		return ERR_PTR(ckpt_err(ctx, -EINVAL,
					"cpu record for pid %d, which is no task of the image",
					pid));
	if (ct->entry.flags & CKPT_TREE_ZOMBIE)
		return ERR_PTR(ckpt_err(ctx, -EINVAL,
					"cpu record for pid %d, which is a zombie",
					pid));
	if (ct->cpu_restored)
		return ERR_PTR(ckpt_err(ctx, -EINVAL,
					"cpu record for pid %d given twice", pid));
	ct->cpu_restored = true;
	if (!try_get_task_stack(ct->task))
		return ERR_PTR(ckpt_err(ctx, -ESRCH, "task %d has exited", pid));
	/*
	 * It said it was done just before going to sleep until release.
	 * Let it get off its CPU first: its next context switch would save
	 * its segment registers over the ones written here.
	 */
	while (!(READ_ONCE(ct->task->flags) & PF_EXITING) &&
	       !fatal_signal_pending(ct->task) &&
	       !wait_task_inactive(ct->task, TASK_KILLABLE))
		schedule_timeout_idle(1);
	if (READ_ONCE(ct->task->flags) & PF_EXITING ||
	    fatal_signal_pending(ct->task)) {
		put_task_stack(ct->task);
		return ERR_PTR(ckpt_err(ctx, -ESRCH, "task %d was killed", pid));
	}
	return ct;
}

/* Let go of a task ckpt_cpu_task_get() returned. */
static void ckpt_cpu_task_put(struct ckpt_task *ct)
{
	put_task_stack(ct->task);
}

/**
 * ckpt_restore_cpu - read one CPU record and load it into its task
 * @ctx:	restart context; every task of the image is waiting.
 *
 * Return: 0, or a negative errno (logged) for a record naming no task or
 * holding values the architecture refuses.
 */
int ckpt_restore_cpu(struct ckpt_ctx *ctx)
{
	const char *refused = NULL;
	struct ckpt_rec_cpu rec;
	struct ckpt_task *ct;
	void *xbuf;
	int ret;

	ret = ckpt_read_begin(ctx, &rec, CKPT_REC_CPU, sizeof(rec),
			      ctx->xstate_size);
	if (ret < 0)
		return ret;
	if (ret != ctx->xstate_size || rec.__pad ||
	    rec.flags & ~CKPT_CPU_NANOSLEEP ||
	    (!(rec.flags & CKPT_CPU_NANOSLEEP) &&
	     (rec.sleep_left_ns || rec.sleep_rmtp || rec.sleep_clockid)))
		return ckpt_err(ctx, -EINVAL, "malformed cpu record at offset %llu",
				ctx->rec_start);

	xbuf = kmalloc(ctx->xstate_size, GFP_KERNEL);
	if (!xbuf)
		return -ENOMEM;
	ret = ckpt_read_data(ctx, xbuf, ctx->xstate_size);
	if (!ret)
		ret = ckpt_read_end(ctx);
	if (ret)
		goto out;

	/* A live task, waiting, with its stack pinned until put. */
	ct = ckpt_cpu_task_get(ctx, rec.pid);
	if (IS_ERR(ct)) {
		ret = PTR_ERR(ct);
		goto out;
	}
	ret = ckpt_arch_restore_regs(ct->task, &rec, xbuf, ctx->xstate_size,
				     &refused);
	if (ret && refused)
		ret = ckpt_err(ctx, ret, "task %d: %s", rec.pid, refused);
	ckpt_cpu_task_put(ct);
out:
	kfree(xbuf);
	return ret;
}
