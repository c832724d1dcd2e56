// SPDX-License-Identifier: GPL-2.0-only
/*
 * A task's attributes that are plain values in its task record:
 * scheduling policy and parameters, CPU affinity, timer slack, OOM score
 * adjustment, I/O priority, child subreaper, machine-check kill policy,
 * IO flusher and speculation controls.
 *
 * A restored task starts as a clone of the restarter (or of its restored
 * creator) and ckpt_task_fresh_sched() (spawn.c) takes back what it got
 * that way; what the image holds is set here, each as the matching
 * syscall would set it for the restarter: with the restarter's
 * credentials, so that raising a priority, lowering an OOM score or
 * taking the real-time I/O class needs the capability the syscall asks
 * for.  Most of it is set while the task reads its own part of the
 * image; the scheduling policy, which decides whether the task may fork
 * (a SCHED_DEADLINE task may not) and its timer slack, only once its
 * children have been created.
 */
#include <linux/cgroup.h>
#include <linux/checkpoint.h>
#include <linux/cpumask.h>
#include <linux/iocontext.h>
#include <linux/ioprio.h>
#include <linux/nospec.h>
#include <linux/oom.h>
#include <linux/prctl.h>
#include <linux/sched.h>
#include <linux/sched/cputime.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <uapi/linux/sched/types.h>

#include "internal.h"

/* The flags of struct ckpt_rec_task this file owns. */
#define CKPT_TASK_ATTR_FLAGS	(CKPT_TASK_SUBREAPER | CKPT_TASK_HAS_SUBREAPER | \
				 CKPT_TASK_MCE_KILL | CKPT_TASK_MCE_EARLY | \
				 CKPT_TASK_IO_FLUSHER | CKPT_TASK_ALL_CPUS | \
				 CKPT_TASK_FORKNOEXEC | CKPT_TASK_SUPERPRIV)

/* prctl(PR_SET_IO_FLUSHER) sets both (kernel/sys.c PR_IO_FLUSHER). */
#define CKPT_PF_IO_FLUSHER	(PF_MEMALLOC_NOIO | PF_LOCAL_THROTTLE)

/* sched_setattr(2) flags that are state; KEEP_* and SUGOV are not. */
#define CKPT_SCHED_FLAGS	(SCHED_FLAG_RESET_ON_FORK | SCHED_FLAG_RECLAIM | \
				 SCHED_FLAG_DL_OVERRUN | SCHED_FLAG_UTIL_CLAMP)

#define CKPT_SPEC_STATE		(PR_SPEC_ENABLE | PR_SPEC_DISABLE | \
				 PR_SPEC_FORCE_DISABLE | PR_SPEC_DISABLE_NOEXEC)

/* PR_SET_SPECULATION_CTRL controls, by their index in @spec_ctrl. */
static const struct {
	unsigned long which;
	const char *name;
} ckpt_spec_ctrls[] = {
	{ PR_SPEC_STORE_BYPASS, "speculative store bypass" },
	{ PR_SPEC_INDIRECT_BRANCH, "indirect branch speculation" },
	{ PR_SPEC_L1D_FLUSH, "L1D flush" },
};

/* The mask the task asked for, or the one it has if it asked for none. */
static void ckpt_task_cpus(struct task_struct *t, struct cpumask *mask)
{
	unsigned long flags;

	raw_spin_lock_irqsave(&t->pi_lock, flags);
	cpumask_copy(mask, t->user_cpus_ptr ?: &t->cpus_mask);
	raw_spin_unlock_irqrestore(&t->pi_lock, flags);
}

/*
 * Restart puts the whole container in the restarter's cgroups (and
 * resctrl group): where a container goes is its manager's choice, as
 * for a new one.  Tasks the container had spread over cgroups of their
 * own would lose that, so every task must be in the init's cgroups, on
 * every hierarchy (a css_set is the one set of cgroups its tasks are
 * in), and in its resctrl group.
 */
static const char *ckpt_task_cgroups_differ(struct ckpt_ctx *ctx,
					    struct task_struct *t)
{
	struct task_struct *init = ctx->tasks[0].task;
	bool differ = false;

#ifdef CONFIG_CGROUPS
	rcu_read_lock();
	differ = task_css_set(t) != task_css_set(init);
	rcu_read_unlock();
#endif
	if (differ)
		return "is not in the cgroups of the container's init; not supported";
#ifdef CONFIG_X86_CPU_RESCTRL
	if (READ_ONCE(t->closid) != READ_ONCE(init->closid) ||
	    READ_ONCE(t->rmid) != READ_ONCE(init->rmid))
		return "is not in the resctrl group of the container's init; not supported";
#endif
	return NULL;
}

/*
 * A session the container leads may have a controlling terminal: a
 * terminal device, which no image holds (and /dev/tty reopens nothing
 * of it).  Restart would bring the session back without it, and its job
 * control with it, so refuse.  A session led from outside (entry.sid
 * 0, as for a container started from a shell) is not the container's:
 * its terminal stays with it, and restart never lends the restarter's.
 */
static bool ckpt_task_has_ctty(struct ckpt_task *ct)
{
	unsigned long flags;
	bool ctty;

	if (!ct->entry.sid || !lock_task_sighand(ct->task, &flags))
		return false;
	ctty = ct->task->signal->tty;
	unlock_task_sighand(ct->task, &flags);
	return ctty;
}

/**
 * ckpt_collect_task_attr - refuse what the task record cannot hold
 * @ctx:	checkpoint context, before anything is written.
 * @ct:		a frozen task, its tree entry filled in.
 *
 * An I/O context shared through CLONE_IO: restart gives each task its
 * own.  An affinity naming a CPU beyond the record's mask, unless the
 * task may run on every CPU there is.  Cgroups other than the init's,
 * and a controlling terminal of a session of the container's own.
 *
 * Return: 0 or a negative errno (logged).
 */
int ckpt_collect_task_attr(struct ckpt_ctx *ctx, struct ckpt_task *ct)
{
	struct task_struct *t = ct->task;
	const char *why = ckpt_task_cgroups_differ(ctx, t);
	cpumask_var_t mask;
	bool shared = false;
	unsigned int last;

	if (why)
		return ckpt_err(ctx, -EOPNOTSUPP, "task %d (%s) %s",
				ct->entry.pid, t->comm, why);
	if (ckpt_task_has_ctty(ct))
		return ckpt_err(ctx, -EOPNOTSUPP,
				"task %d (%s) has a controlling terminal; not supported yet",
				ct->entry.pid, t->comm);
	task_lock(t);
	if (t->io_context)
		shared = atomic_read(&t->io_context->active_ref) > 1;
	task_unlock(t);
	if (shared)
		return ckpt_err(ctx, -EOPNOTSUPP,
				"task %d (%s) shares its I/O context (CLONE_IO); not supported yet",
				ct->entry.pid, t->comm);
	if (!alloc_cpumask_var(&mask, GFP_KERNEL))
		return -ENOMEM;
	ckpt_task_cpus(t, mask);
	last = cpumask_last(mask);
	if (!cpumask_subset(cpu_possible_mask, mask) &&
	    last >= CKPT_TASK_CPU_WORDS * 64) {
		free_cpumask_var(mask);
		return ckpt_err(ctx, -EOPNOTSUPP,
				"task %d (%s): its CPU affinity names CPU %u; an image holds CPUs 0-%u",
				ct->entry.pid, t->comm, last,
				CKPT_TASK_CPU_WORDS * 64 - 1);
	}
	free_cpumask_var(mask);
	return 0;
}

static void ckpt_save_sched(struct task_struct *t, struct ckpt_rec_task *rec)
{
	rec->sched_policy = t->policy;
	if (t->sched_reset_on_fork)
		rec->sched_flags |= SCHED_FLAG_RESET_ON_FORK;
	if (t->policy == SCHED_DEADLINE) {
		rec->sched_runtime = t->dl.dl_runtime;
		rec->sched_deadline = t->dl.dl_deadline;
		rec->sched_period = t->dl.dl_period;
		rec->sched_flags |= t->dl.flags &
				    (SCHED_FLAG_RECLAIM | SCHED_FLAG_DL_OVERRUN);
	} else if (t->policy == SCHED_FIFO || t->policy == SCHED_RR) {
		rec->sched_priority = t->rt_priority;
	} else if (t->se.custom_slice) {
		rec->sched_runtime = t->se.slice;
	}
#ifdef CONFIG_UCLAMP_TASK
	if (t->uclamp_req[UCLAMP_MIN].user_defined) {
		rec->sched_flags |= SCHED_FLAG_UTIL_CLAMP_MIN;
		rec->sched_util_min = t->uclamp_req[UCLAMP_MIN].value;
	}
	if (t->uclamp_req[UCLAMP_MAX].user_defined) {
		rec->sched_flags |= SCHED_FLAG_UTIL_CLAMP_MAX;
		rec->sched_util_max = t->uclamp_req[UCLAMP_MAX].value;
	}
#endif
}

static int ckpt_save_cpus(struct task_struct *t, struct ckpt_rec_task *rec)
{
	cpumask_var_t mask;
	unsigned int cpu;

	if (!alloc_cpumask_var(&mask, GFP_KERNEL))
		return -ENOMEM;
	ckpt_task_cpus(t, mask);
	if (cpumask_subset(cpu_possible_mask, mask)) {
		rec->flags |= CKPT_TASK_ALL_CPUS;
	} else {
		rec->nr_cpus = CKPT_TASK_CPU_WORDS * 64;
		/* ckpt_collect_task_attr() refused a CPU beyond the mask. */
		for_each_cpu(cpu, mask)
			if (cpu < rec->nr_cpus)
				rec->cpus[cpu / 64] |= 1ULL << (cpu % 64);
	}
	free_cpumask_var(mask);
	return 0;
}

/**
 * ckpt_save_task_attr - fill in the task record's attributes
 * @ctx:	checkpoint context.
 * @ct:		the task, frozen and collected.
 * @rec:	its task record, zeroed where these go.
 *
 * Return: 0 or a negative errno.
 */
int ckpt_save_task_attr(struct ckpt_ctx *ctx, struct ckpt_task *ct,
			struct ckpt_rec_task *rec)
{
	struct task_struct *t = ct->task;
	unsigned long flags;
	u64 utime, stime;
	unsigned int i;
	int val;

	ckpt_save_sched(t, rec);
	task_lock(t);
	rec->timer_slack_ns = t->timer_slack_ns;
	rec->default_timer_slack_ns = t->default_timer_slack_ns;
	rec->ioprio = t->io_context ? t->io_context->ioprio : IOPRIO_DEFAULT;
	task_unlock(t);

	if (!lock_task_sighand(t, &flags))
		return ckpt_err(ctx, -ESRCH, "task %d exited during checkpoint",
				ct->entry.pid);
	rec->oom_score_adj = t->signal->oom_score_adj;
	rec->oom_score_adj_min = t->signal->oom_score_adj_min;
	if (t->signal->is_child_subreaper)
		rec->flags |= CKPT_TASK_SUBREAPER;
	if (t->signal->has_child_subreaper)
		rec->flags |= CKPT_TASK_HAS_SUBREAPER;
	/* Written under siglock, as __exit_signal() and wait do. */
	if (thread_group_leader(t)) {
		rec->dead_utime = t->signal->utime;
		rec->dead_stime = t->signal->stime;
		rec->dead_runtime = t->signal->sum_sched_runtime;
		rec->children_utime = t->signal->cutime;
		rec->children_stime = t->signal->cstime;
	}
	unlock_task_sighand(t, &flags);
	task_cputime(t, &utime, &stime);
	rec->utime = utime;
	rec->stime = stime;
	rec->runtime = task_sched_runtime(t);

	if (t->flags & PF_MCE_PROCESS)
		rec->flags |= CKPT_TASK_MCE_KILL;
	if (t->flags & PF_MCE_EARLY)
		rec->flags |= CKPT_TASK_MCE_EARLY;
	if ((t->flags & CKPT_PF_IO_FLUSHER) == CKPT_PF_IO_FLUSHER)
		rec->flags |= CKPT_TASK_IO_FLUSHER;
	/* What ps(1) and process accounting show of its past. */
	if (t->flags & PF_FORKNOEXEC)
		rec->flags |= CKPT_TASK_FORKNOEXEC;
	if (t->flags & PF_SUPERPRIV)
		rec->flags |= CKPT_TASK_SUPERPRIV;

	BUILD_BUG_ON(ARRAY_SIZE(ckpt_spec_ctrls) != ARRAY_SIZE(rec->spec_ctrl));
	for (i = 0; i < ARRAY_SIZE(ckpt_spec_ctrls); i++) {
		val = arch_prctl_spec_ctrl_get(t, ckpt_spec_ctrls[i].which);
		if (val > 0 && val & PR_SPEC_PRCTL)
			rec->spec_ctrl[i] = val & CKPT_SPEC_STATE;
	}
	return ckpt_save_cpus(t, rec);
}

/*
 * CPU times are counters only ever added to, by the scheduler and at
 * exit; none is bounded by the others (getrusage(2) scales the tick-based
 * @utime and @stime to @runtime).  Keep each far from overflowing when
 * added to.  The process-wide sums are in the leader's record only.
 */
static int ckpt_check_cputime(struct ckpt_ctx *ctx, const struct ckpt_rec_task *r)
{
	const u64 times[] = {
		r->utime, r->stime, r->runtime, r->dead_utime, r->dead_stime,
		r->dead_runtime, r->children_utime, r->children_stime,
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(times); i++)
		if (times[i] > CKPT_CPUTIME_MAX)
			return ckpt_err(ctx, -EINVAL, "task %d: bad CPU time %llu ns",
					r->pid, times[i]);
	return 0;
}

/**
 * ckpt_check_task_attr - check the attributes of a task record
 * @ctx:	restart context.
 * @r:		the record, read from the image.
 *
 * What the image may hold at all; whether the restarter may set it is
 * the syscalls' check, made as they are set.
 *
 * Return: 0 or a negative errno (logged).
 */
int ckpt_check_task_attr(struct ckpt_ctx *ctx, const struct ckpt_rec_task *r)
{
	unsigned int i;

	if (r->flags & ~(CKPT_TASK_NO_NEW_PRIVS | CKPT_TASK_ATTR_FLAGS) ||
	    (r->flags & CKPT_TASK_MCE_EARLY && !(r->flags & CKPT_TASK_MCE_KILL)))
		return ckpt_err(ctx, -EINVAL, "task %d: bad task flags %#x",
				r->pid, r->flags);
	if (r->sched_policy > SCHED_EXT || r->sched_policy == 4 ||
	    r->sched_flags & ~CKPT_SCHED_FLAGS ||
	    (!(r->sched_flags & SCHED_FLAG_UTIL_CLAMP_MIN) && r->sched_util_min) ||
	    (!(r->sched_flags & SCHED_FLAG_UTIL_CLAMP_MAX) && r->sched_util_max))
		return ckpt_err(ctx, -EINVAL, "task %d: bad scheduling policy %u (flags %#llx)",
				r->pid, r->sched_policy, r->sched_flags);
	if (r->oom_score_adj < OOM_SCORE_ADJ_MIN ||
	    r->oom_score_adj > OOM_SCORE_ADJ_MAX ||
	    r->oom_score_adj_min < OOM_SCORE_ADJ_MIN ||
	    r->oom_score_adj_min > OOM_SCORE_ADJ_MAX)
		return ckpt_err(ctx, -EINVAL, "task %d: bad oom_score_adj %d (min %d)",
				r->pid, r->oom_score_adj, r->oom_score_adj_min);
	if (r->ioprio > U16_MAX ||
	    (r->ioprio != IOPRIO_DEFAULT && ioprio_check_cap(r->ioprio) == -EINVAL))
		return ckpt_err(ctx, -EINVAL, "task %d: bad I/O priority %#x",
				r->pid, r->ioprio);
	for (i = 0; i < ARRAY_SIZE(r->spec_ctrl); i++)
		if (r->spec_ctrl[i] & ~CKPT_SPEC_STATE ||
		    hweight32(r->spec_ctrl[i]) > 1)
			return ckpt_err(ctx, -EINVAL, "task %d: bad %s control %#x",
					r->pid, ckpt_spec_ctrls[i].name,
					r->spec_ctrl[i]);
	if (r->__pad || r->nr_cpus > CKPT_TASK_CPU_WORDS * 64 ||
	    !!(r->flags & CKPT_TASK_ALL_CPUS) == !!r->nr_cpus ||
	    (r->nr_cpus && !memchr_inv(r->cpus, 0, sizeof(r->cpus))))
		return ckpt_err(ctx, -EINVAL, "task %d: bad CPU affinity", r->pid);
	for (i = r->nr_cpus; i < CKPT_TASK_CPU_WORDS * 64; i++)
		if (r->cpus[i / 64] & (1ULL << (i % 64)))
			return ckpt_err(ctx, -EINVAL, "task %d: bad CPU affinity",
					r->pid);
	return ckpt_check_cputime(ctx, r);
}

/* What prctl(PR_SET_SPECULATION_CTRL) would set, where it differs. */
static int ckpt_restore_spec_ctrl(struct ckpt_task *ct,
				  const struct ckpt_rec_task *r)
{
	unsigned int i;
	int cur, ret;

	for (i = 0; i < ARRAY_SIZE(ckpt_spec_ctrls); i++) {
		/* Not the task's to set: it has this machine's. */
		if (!r->spec_ctrl[i])
			continue;
		cur = arch_prctl_spec_ctrl_get(current, ckpt_spec_ctrls[i].which);
		if (cur > 0 && cur & PR_SPEC_PRCTL &&
		    (cur & CKPT_SPEC_STATE) == r->spec_ctrl[i])
			continue;
		ret = arch_prctl_spec_ctrl_set(current, ckpt_spec_ctrls[i].which,
					       r->spec_ctrl[i]);
		if (ret)
			return ckpt_err(ct->ctx, ret,
					"task %d: cannot set its %s control to %#x here",
					r->pid, ckpt_spec_ctrls[i].name,
					r->spec_ctrl[i]);
	}
	return 0;
}

/*
 * Process-wide: the OOM score adjustment, as __set_oom_adj() allows it
 * (below the floor, which a fresh task has at 0, takes CAP_SYS_RESOURCE;
 * so does a floor below 0), and the subreaper bits, before the children
 * are created so that they inherit has_child_subreaper as they did.
 */
static int ckpt_restore_process_attr(struct ckpt_task *ct,
				     const struct ckpt_rec_task *r)
{
	struct signal_struct *sig = current->signal;

	if (min(r->oom_score_adj, r->oom_score_adj_min) < sig->oom_score_adj_min &&
	    !capable(CAP_SYS_RESOURCE))
		return ckpt_err(ct->ctx, -EACCES,
				"task %d: its oom_score_adj %d (min %d) needs CAP_SYS_RESOURCE",
				r->pid, r->oom_score_adj, r->oom_score_adj_min);
	WRITE_ONCE(sig->oom_score_adj, r->oom_score_adj);
	WRITE_ONCE(sig->oom_score_adj_min, r->oom_score_adj_min);
	/* The only task of its signal_struct so far. */
	sig->is_child_subreaper = !!(r->flags & CKPT_TASK_SUBREAPER);
	sig->has_child_subreaper = !!(r->flags & CKPT_TASK_HAS_SUBREAPER);
	return 0;
}

/*
 * A task's CPU clocks go on from where they were: the time it had used
 * is added to what it has used since restart created it, with its rq
 * locked and interrupts off, so that neither update_curr() nor the tick
 * adds to the same counters meanwhile.  prev_sum_exec_runtime follows,
 * so that the scheduler does not take the jump for time this slice ran.
 * A live task's process CPU timers (an RLIMIT_CPU limit inherited from
 * the creator) count it too: its caller adds it as account_group_*()
 * would.
 */
struct ckpt_cputime {
	u64 utime, stime, runtime;
};

static int ckpt_add_cputime(struct task_struct *p, void *arg)
{
	const struct ckpt_cputime *r = arg;

	p->utime += r->utime;
	p->stime += r->stime;
	p->se.sum_exec_runtime += r->runtime;
	p->se.prev_sum_exec_runtime += r->runtime;
#ifdef CONFIG_NUMA_BALANCING
	/* NUMA scanning paces itself on runtime since its last scan. */
	p->node_stamp += r->runtime;
#endif
	return 0;
}

/*
 * What the process's exited threads and waited-for children used, added
 * under the locks __exit_signal() and wait_task_zombie() take to add to
 * them.  The process is the restored task alone so far.
 */
static void ckpt_restore_process_cputime(const struct ckpt_rec_task *r)
{
	struct signal_struct *sig = current->signal;

	spin_lock_irq(&current->sighand->siglock);
	write_seqlock(&sig->stats_lock);
	sig->utime += r->dead_utime;
	sig->stime += r->dead_stime;
	sig->sum_sched_runtime += r->dead_runtime;
	sig->cutime += r->children_utime;
	sig->cstime += r->children_stime;
	write_sequnlock(&sig->stats_lock);
	spin_unlock_irq(&current->sighand->siglock);
	account_group_user_time(current, r->dead_utime);
	account_group_system_time(current, r->dead_stime);
	account_group_exec_runtime(current, r->dead_runtime);
}

/*
 * The scheduler adds a process's CPU times up over its threads and its
 * exited ones (thread_group_cputime()) and divides by utime + stime
 * (cputime_adjust()): bound the process's totals, not each record's
 * fields alone, or threads that each hold a large value wrap the sum
 * and the division traps.  Threads are read one after the other,
 * after their leader.  Its children's user and system times likewise,
 * which its wait adds its zombies' to.
 */
static int ckpt_add_up_cputime(struct ckpt_task *lt, const u64 *add)
{
	u64 sum[ARRAY_SIZE(lt->cputime)];
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(sum); i++)
		if (check_add_overflow(lt->cputime[i], add[i], &sum[i]) ||
		    sum[i] > CKPT_CPUTIME_MAX)
			return ckpt_err(lt->ctx, -EINVAL,
					"process %d: its CPU times add up to more than %llu ns",
					lt->entry.pid, CKPT_CPUTIME_MAX);
	memcpy(lt->cputime, sum, sizeof(sum));
	return 0;
}

static int ckpt_sum_cputime(struct ckpt_task *ct, const struct ckpt_rec_task *r)
{
	struct ckpt_task *lt = ckpt_find_task(ct->ctx, ct->entry.tgid) ?: ct;
	/* Each field is at most CKPT_CPUTIME_MAX: no pair wraps. */
	const u64 add[ARRAY_SIZE(lt->cputime)] = {
		r->utime + r->dead_utime, r->stime + r->dead_stime,
		r->runtime + r->dead_runtime, r->children_utime,
		r->children_stime,
	};

	return ckpt_add_up_cputime(lt, add);
}

/*
 * Reaping a zombie adds its times, as cputime_adjust() splits its
 * runtime (so at most that much each), and its own children's to its
 * parent's children's times: bound what the parent's may come to.
 */
static int ckpt_sum_zombie_cputime(struct ckpt_task *ct,
				   const struct ckpt_rec_zombie *r)
{
	struct ckpt_task *pt = ct->parent;
	struct ckpt_task *lt = ckpt_find_task(ct->ctx, pt->entry.tgid) ?: pt;
	const u64 add[ARRAY_SIZE(lt->cputime)] = {
		[3] = r->runtime + r->children_utime,
		[4] = r->runtime + r->children_stime,
	};

	return ckpt_add_up_cputime(lt, add);
}

/**
 * ckpt_save_zombie_cputime - what a zombie's CPU clocks say
 * @ctx:	checkpoint context.
 * @ct:		the zombie, which leads no threads.
 * @rec:	its record, to fill.
 *
 * The process's totals, its exited threads' included: once a process is
 * a zombie, /proc and its parent's wait4() see only them.  Nothing adds
 * to them any more, and its parent, parked, cannot reap it meanwhile;
 * lock_task_sighand() only notices a release all the same.
 *
 * Return: 0, or -ESRCH (logged) if it was released.
 */
int ckpt_save_zombie_cputime(struct ckpt_ctx *ctx, struct ckpt_task *ct,
			     struct ckpt_rec_zombie *rec)
{
	struct task_struct *t = ct->task;
	struct task_cputime times;
	unsigned long flags;

	if (!lock_task_sighand(t, &flags))
		return ckpt_err(ctx, -ESRCH, "zombie %d was reaped during checkpoint",
				ct->entry.pid);
	thread_group_cputime(t, &times);
	rec->utime = times.utime;
	rec->stime = times.stime;
	rec->runtime = times.sum_exec_runtime;
	rec->children_utime = t->signal->cutime;
	rec->children_stime = t->signal->cstime;
	unlock_task_sighand(t, &flags);
	return 0;
}

/**
 * ckpt_restore_zombie_cputime - give a restored zombie its CPU times
 * @ct:		the zombie (current), about to exit.
 * @r:		its record.
 *
 * Its own clocks take the process's totals, and its children's times go
 * where wait_task_zombie() finds them, so that its parent's wait4()
 * adds to the parent's what it would have added.  Not counted against
 * a process CPU timer: a zombie has none left to fire.
 *
 * Return: 0, or -EINVAL (logged) for a time out of bounds.
 */
int ckpt_restore_zombie_cputime(struct ckpt_task *ct,
				const struct ckpt_rec_zombie *r)
{
	struct signal_struct *sig = current->signal;
	const u64 times[] = {
		r->utime, r->stime, r->runtime, r->children_utime,
		r->children_stime,
	};
	unsigned int i;
	int ret;

	/* Each at most CKPT_CPUTIME_MAX: utime + stime cannot wrap. */
	for (i = 0; i < ARRAY_SIZE(times); i++)
		if (times[i] > CKPT_CPUTIME_MAX)
			return ckpt_err(ct->ctx, -EINVAL,
					"zombie %d: bad CPU time %llu ns",
					r->pid, times[i]);
	ret = ckpt_sum_zombie_cputime(ct, r);
	if (ret)
		return ret;
	task_call_func(current, ckpt_add_cputime,
		       &(struct ckpt_cputime){ r->utime, r->stime, r->runtime });
	spin_lock_irq(&current->sighand->siglock);
	write_seqlock(&sig->stats_lock);
	sig->cutime += r->children_utime;
	sig->cstime += r->children_stime;
	write_sequnlock(&sig->stats_lock);
	spin_unlock_irq(&current->sighand->siglock);
	return 0;
}

/**
 * ckpt_restore_task_attr - set the attributes a task record holds
 * @ct:		the task being restored (current), with the restarter's
 *		credentials still.
 * @r:		its task record, checked.
 *
 * Sets what may be set before the task creates its children and keeps
 * the record's scheduling part for ckpt_restore_task_sched().
 *
 * Return: 0 or a negative errno (logged).
 */
int ckpt_restore_task_attr(struct ckpt_task *ct, const struct ckpt_rec_task *r)
{
	int ret;

	if (ckpt_is_thread(ct) &&
	    (r->dead_utime || r->dead_stime || r->dead_runtime ||
	     r->children_utime || r->children_stime))
		return ckpt_err(ct->ctx, -EINVAL,
				"task %d: a thread's record holds its process's CPU times",
				r->pid);
	ret = ckpt_sum_cputime(ct, r);
	if (ret)
		return ret;
	if (!ckpt_is_thread(ct)) {
		ret = ckpt_restore_process_attr(ct, r);
		if (ret)
			return ret;
		ckpt_restore_process_cputime(r);
	}
	task_call_func(current, ckpt_add_cputime,
		       &(struct ckpt_cputime){ r->utime, r->stime, r->runtime });
	account_group_user_time(current, r->utime);
	account_group_system_time(current, r->stime);
	account_group_exec_runtime(current, r->runtime);
	if (r->ioprio != IOPRIO_DEFAULT) {
		/* ioprio_set(2)'s checks: CAP_SYS_ADMIN or _NICE for RT. */
#ifdef CONFIG_BLOCK
		ret = ioprio_check_cap(r->ioprio) ?:
		      set_task_ioprio(current, r->ioprio);
#else
		ret = -EOPNOTSUPP;
#endif
		if (ret)
			return ckpt_err(ct->ctx, ret, "task %d: cannot set its I/O priority %#x",
					r->pid, r->ioprio);
	}
	current->flags &= ~(PF_MCE_PROCESS | PF_MCE_EARLY | CKPT_PF_IO_FLUSHER);
	if (r->flags & CKPT_TASK_MCE_KILL)
		current->flags |= PF_MCE_PROCESS;
	if (r->flags & CKPT_TASK_MCE_EARLY)
		current->flags |= PF_MCE_EARLY;
	if (r->flags & CKPT_TASK_IO_FLUSHER) {
		if (!capable(CAP_SYS_RESOURCE))
			return ckpt_err(ct->ctx, -EPERM,
					"task %d: PR_SET_IO_FLUSHER needs CAP_SYS_RESOURCE",
					r->pid);
		current->flags |= CKPT_PF_IO_FLUSHER;
	}
	kfree(ct->attr);
	ct->attr = kmemdup(r, sizeof(*r), GFP_KERNEL_ACCOUNT);
	return ct->attr ? 0 : -ENOMEM;
}

/*
 * sched_setaffinity(2) keeps the CPUs of the mask that this machine has
 * and the task's cpuset allows (as CPU hotplug and cpuset changes do to
 * a running task), and remembers the whole mask for when more come;
 * only a mask with none of them left fails the restart.
 */
static int ckpt_restore_cpus(struct ckpt_task *ct, const struct ckpt_rec_task *r)
{
	cpumask_var_t mask;
	unsigned int cpu;
	int ret;

	if (r->flags & CKPT_TASK_ALL_CPUS)
		return 0;	/* ckpt_task_fresh_sched() gave it every CPU */
	if (!zalloc_cpumask_var(&mask, GFP_KERNEL))
		return -ENOMEM;
	for (cpu = 0; cpu < min(r->nr_cpus, nr_cpu_ids); cpu++)
		if (r->cpus[cpu / 64] & (1ULL << (cpu % 64)))
			cpumask_set_cpu(cpu, mask);
	ret = cpumask_empty(mask) ? -EINVAL : sched_setaffinity(0, mask);
	free_cpumask_var(mask);
	if (ret)
		return ckpt_err(ct->ctx, ret,
				"task %d: cannot set its CPU affinity: none of its CPUs is usable here",
				r->pid);
	return 0;
}

/**
 * ckpt_restore_task_sched - set the task's scheduling policy, affinity
 *	and speculation controls
 * @ct:		the task being restored (current), its children created,
 *		with the restarter's credentials still.
 *
 * Through sched_setattr(), which makes sched_setattr(2)'s checks: a nice
 * value below what RLIMIT_NICE allows, a real-time policy or priority
 * above what RLIMIT_RTPRIO allows and SCHED_DEADLINE need CAP_SYS_NICE.
 * The nice value is set first, as SCHED_OTHER, and kept by a policy
 * that has none of its own.  Timer slack last: a real-time policy has
 * none.
 *
 * Return: 0 or a negative errno (logged).
 */
int ckpt_restore_task_sched(struct ckpt_task *ct)
{
	const struct ckpt_rec_task *r = ct->attr;
	struct sched_attr attr = {
		.size = sizeof(attr),
		.sched_policy = r->sched_policy,
		.sched_flags = r->sched_flags,
		.sched_nice = r->nice,
		.sched_priority = r->sched_priority,
		.sched_runtime = r->sched_runtime,
		.sched_deadline = r->sched_deadline,
		.sched_period = r->sched_period,
		.sched_util_min = r->sched_util_min,
		.sched_util_max = r->sched_util_max,
	};
	struct sched_attr nice = {
		.size = sizeof(nice),
		.sched_policy = SCHED_NORMAL,
		.sched_nice = r->nice,
	};
	int ret = 0;

	if (attr.sched_policy != SCHED_NORMAL && attr.sched_policy != SCHED_BATCH)
		ret = sched_setattr(current, &nice);
	ret = ret ?: sched_setattr(current, &attr);
	if (ret)
		return ckpt_err(ct->ctx, ret,
				"task %d: cannot set its scheduling policy %u (priority %u, nice %d)",
				r->pid, r->sched_policy, r->sched_priority, r->nice);
	/*
	 * The speculation controls too: a child inherits its creator's at
	 * kernel_clone(), and one the creator force-disabled after forking
	 * the child, as it may have, could no longer be enabled in the
	 * child.  Before seccomp, which force-disables them as it did.
	 */
	ret = ckpt_restore_cpus(ct, r) ?: ckpt_restore_spec_ctrl(ct, r);
	if (ret)
		return ret;
	task_lock(current);
	current->timer_slack_ns = r->timer_slack_ns;
	current->default_timer_slack_ns = r->default_timer_slack_ns;
	task_unlock(current);
	kfree(ct->attr);
	ct->attr = NULL;
	return 0;
}
