// SPDX-License-Identifier: GPL-2.0-only
/*
 * Timers of a process (its signal_struct, shared by its threads): the
 * three interval timers of setitimer(2), ITIMER_REAL also being alarm(2)'s.
 * One CKPT_REC_TIMERS record per process, after its leader's signal
 * queues.
 *
 * Times are saved relative: a timer has as long left after restart as it
 * had at checkpoint, counted on the restored process's clocks (its CPU
 * time starts again from nothing).  The timers are armed last, once the
 * process's tasks exist and its signals are queued: a signal that came
 * earlier would make creating its threads and children fail.
 *
 * POSIX timers (timer_create(2)) are not saved yet: a process that has
 * any is refused, so that none is lost.  A queued SI_TIMER signal is then
 * one of a deleted timer, which the kernel itself keeps as a plain
 * signal (its sigqueue no longer preallocated, it never rearms a
 * timer): signal.c saves and requeues it as such, exactly.
 */
#include <linux/checkpoint.h>
#include <linux/hrtimer.h>
#include <linux/posix-timers.h>
#include <linux/sched/cputime.h>
#include <linux/sched/signal.h>
#include <linux/time.h>

#include "checkpoint.h"

/**
 * ckpt_collect_timers - refuse the timers a process cannot keep
 * @ctx:	checkpoint context, before anything is written.
 * @ct:		a frozen thread group leader.
 *
 * Return: 0 or a negative errno (logged).
 */
int ckpt_collect_timers(struct ckpt_ctx *ctx, struct ckpt_task *ct)
{
	struct task_struct *t = ckpt_obj_source(ctx, ct);
	unsigned long flags;
	bool posix;

	if (!lock_task_sighand(t, &flags))
		return ckpt_err(ctx, -ESRCH, "task %d exited during checkpoint",
				ct->entry.pid);
	posix = !hlist_empty(&t->signal->posix_timers);
	unlock_task_sighand(t, &flags);
	if (posix)
		return ckpt_err(ctx, -EOPNOTSUPP,
				"task %d (%s) has POSIX timers (timer_create); not supported yet",
				ct->entry.pid, ct->task->comm);
	return 0;
}

/* What getitimer(2) would tell, read from another process. */
static void ckpt_get_itimers(struct task_struct *t, struct ckpt_rec_timers *rec)
{
	struct signal_struct *sig = t->signal;
	struct hrtimer *real = &sig->real_timer;
	u64 samples[CPUCLOCK_MAX];
	bool sampled = false;
	unsigned int i;

	rec->itimer[ITIMER_REAL].interval_ns = ktime_to_ns(sig->it_real_incr);
	if (hrtimer_active(real))
		/* Due now, it fires as soon as it is restored. */
		rec->itimer[ITIMER_REAL].value_ns =
			max_t(s64, ktime_to_ns(hrtimer_get_remaining(real)), 1);
	for (i = CPUCLOCK_PROF; i <= CPUCLOCK_VIRT; i++) {
		struct ckpt_itimer *it = &rec->itimer[i == CPUCLOCK_PROF ?
						      ITIMER_PROF : ITIMER_VIRTUAL];
		u64 expires = sig->it[i].expires;

		it->interval_ns = min_t(u64, sig->it[i].incr, KTIME_MAX);
		if (!expires)
			continue;
		/* An armed one keeps the process's CPU time sampled. */
		if (!sampled)
			thread_group_sample_cputime(t, samples);
		sampled = true;
		it->value_ns = expires > samples[i] ?
			       min_t(u64, expires - samples[i], KTIME_MAX) : 1;
	}
}

/**
 * ckpt_checkpoint_timers - write a process's timers
 * @ctx:	checkpoint context.
 * @ct:		a frozen thread group leader, collected.
 *
 * Return: 0 or a negative errno.
 */
int ckpt_checkpoint_timers(struct ckpt_ctx *ctx, struct ckpt_task *ct)
{
	struct task_struct *t = ckpt_obj_source(ctx, ct);
	struct ckpt_rec_timers rec = { };
	unsigned long flags;

	BUILD_BUG_ON(ARRAY_SIZE(rec.itimer) <= ITIMER_REAL ||
		     ARRAY_SIZE(rec.itimer) <= ITIMER_VIRTUAL ||
		     ARRAY_SIZE(rec.itimer) <= ITIMER_PROF);
	/* setitimer(2) and the timers themselves change them under siglock. */
	if (!lock_task_sighand(t, &flags))
		return ckpt_err(ctx, -ESRCH, "task %d exited during checkpoint",
				ct->entry.pid);
	ckpt_get_itimers(t, &rec);
	unlock_task_sighand(t, &flags);
	return ckpt_write_rec(ctx, &rec, CKPT_REC_TIMERS, sizeof(rec));
}

/**
 * ckpt_read_timers - read a process's timers, to be armed later
 * @ctx:	restart context, after the leader's signal queues.
 * @ct:		the leader; the timers are kept in @ct until
 *		ckpt_restore_timers().
 *
 * Accepts what setitimer(2) accepts, within the range of ktime_t, which
 * is all a checkpoint writes.
 *
 * Return: 0 or a negative errno (logged).
 */
int ckpt_read_timers(struct ckpt_ctx *ctx, struct ckpt_task *ct)
{
	struct ckpt_rec_timers rec;
	unsigned int i;
	int ret;

	ret = ckpt_read_rec(ctx, &rec, CKPT_REC_TIMERS, sizeof(rec));
	if (ret)
		return ret;
	for (i = 0; i < CKPT_NR_ITIMERS; i++) {
		if (rec.itimer[i].value_ns > KTIME_MAX ||
		    rec.itimer[i].interval_ns > KTIME_MAX)
			return ckpt_err(ctx, -EINVAL,
					"task %d: interval timer %u out of range",
					ct->entry.pid, i);
		ct->itimer[i] = rec.itimer[i];
	}
	return 0;
}

/* As setitimer(2) sets a CPU-time timer, @it->value_ns from now. */
static void ckpt_arm_cpu_itimer(unsigned int clock, const struct ckpt_itimer *it)
{
	struct cpu_itimer *cit = &current->signal->it[clock];
	u64 value = it->value_ns, old;

	spin_lock_irq(&current->sighand->siglock);
	old = cit->expires;
	if (old || value)
		set_process_cpu_timer(current, clock, &value, &old);
	cit->expires = value;
	cit->incr = it->interval_ns;
	spin_unlock_irq(&current->sighand->siglock);
}

/**
 * ckpt_restore_timers - arm current's process's timers
 * @ctx:	restart context.
 * @ct:		current, a thread group leader, its timers read by
 *		ckpt_read_timers(), its threads and children created and its
 *		signals queued.
 *
 * Return: 0.
 */
int ckpt_restore_timers(struct ckpt_ctx *ctx, struct ckpt_task *ct)
{
	const struct ckpt_itimer *real = &ct->itimer[ITIMER_REAL];
	struct signal_struct *sig = current->signal;

	/*
	 * A fired ITIMER_REAL keeps its interval for the queued SIGALRM to
	 * reload it with, which setitimer(2) cannot set: set it directly.
	 * The process is new; its real timer was never started.
	 */
	spin_lock_irq(&current->sighand->siglock);
	sig->it_real_incr = ns_to_ktime(real->interval_ns);
	if (real->value_ns)
		hrtimer_start(&sig->real_timer, ns_to_ktime(real->value_ns),
			      HRTIMER_MODE_REL);
	spin_unlock_irq(&current->sighand->siglock);
	ckpt_arm_cpu_itimer(CPUCLOCK_VIRT, &ct->itimer[ITIMER_VIRTUAL]);
	ckpt_arm_cpu_itimer(CPUCLOCK_PROF, &ct->itimer[ITIMER_PROF]);
	return 0;
}
