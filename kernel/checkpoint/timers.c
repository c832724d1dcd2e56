// SPDX-License-Identifier: GPL-2.0-only
/*
 * Timers of a process (its signal_struct, shared by its threads): the
 * three interval timers of setitimer(2), ITIMER_REAL also being alarm(2)'s,
 * and the POSIX timers of timer_create(2).  One CKPT_REC_TIMERS record per
 * process, after its leader's signal queues, then one CKPT_REC_POSIX_TIMER
 * per POSIX timer.
 *
 * Times are saved relative: a timer has as long left after restart as it
 * had at checkpoint, counted on the restored process's clocks.  The one
 * exception is a CLOCK_REALTIME POSIX timer armed with TIMER_ABSTIME: it
 * was set for a time of day, which it keeps, so that a clock_settime(2)
 * after the restart still moves it, and one whose time passed while the
 * container was down fires at once, its interval counting the overruns.
 * (An alarm clock does not tell an absolute timer from a relative one:
 * those come back relative.)
 *
 * Every timer is armed at release, by the leader, or by the first of its
 * threads when the leader has exited: armed earlier, one about to fire
 * would send a signal whose default action kills the process in the
 * middle of the restart, and a signal that came early would make
 * creating its threads and children fail.
 *
 * POSIX timers keep their ids (posixtimer_ckpt_create()).  Each one is
 * created, disarmed, by the last created of the tasks it needs: the
 * leader, the thread it signals (SIGEV_THREAD_ID), the thread whose CPU
 * clock it runs on.  A timer whose signal is queued has its preallocated
 * sigqueue in the queue of the thread it signals, or in the process's:
 * signal.c saves that entry in place, marked as the timer's, and restart
 * queues the timer's own sigqueue there (posixtimer_ckpt_queue()), so
 * that taking it reloads a periodic timer and counts its overruns as it
 * did before.
 *
 * The process is stopped, its clocks are not: timers fire during a
 * checkpoint.  POSIX timers are read once, at collection, before any
 * queue is copied.  One that fires after that is saved as it was read,
 * due, and fires again after the restart; its signal, queued after the
 * read, is left out of the queue copy, so that it is delivered once.
 * ITIMER_REAL is read in the same siglock hold as the shared queue its
 * SIGALRM goes to (ckpt_snap_real_itimer()), while its callback is not
 * running: a tick is in the queue or still to come from the timer.  CPU
 * clocks do not advance while every task is stopped.
 *
 * A queued SI_TIMER signal that is no live timer's own -- one of a
 * deleted timer, whose sigqueue the kernel keeps as a plain signal, or
 * one sent with rt_sigqueueinfo(2) -- is saved and requeued as a plain
 * signal.
 */
#include <linux/bsearch.h>
#include <linux/capability.h>
#include <linux/checkpoint.h>
#include <linux/hrtimer.h>
#include <linux/posix-timers.h>
#include <linux/sched/cputime.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/time.h>

#include "internal.h"

/**
 * struct ckpt_ptimer - one POSIX timer of a process being saved or rebuilt
 * @st:		its state; @st.pid and @st.clock_pid are only set (not
 *		referenced: the tasks are the restart's) while it is created.
 * @flags:	CKPT_PTIMER_*.
 * @thread:	SIGEV_THREAD_ID: the thread it signals, a pid in the container.
 * @clock_pid:	CPU clocks: the task whose clock it runs on.
 * @creator:	restart: the task that creates it.
 * @linked:	restart: its queued signal was found in its queue.
 */
struct ckpt_ptimer {
	struct posixtimer_ckpt st;
	u32 flags;
	pid_t thread;
	pid_t clock_pid;
	struct ckpt_task *creator;
	bool linked;
};

/* Its sigqueue, to find a timer from a queue entry at checkpoint. */
struct ckpt_ptimer_sigq {
	const struct sigqueue *q;
	struct ckpt_ptimer *p;
};

/**
 * struct ckpt_ptimers - the POSIX timers of a process, in its leader's entry
 * @nr:		timers in @t.
 * @next_id:	the id timer_create(2) tries first next.
 * @by_sigq:	checkpoint: the timers by their sigqueue's address.
 * @t:		the timers, in increasing order of id.
 */
struct ckpt_ptimers {
	unsigned int nr;
	int next_id;
	struct ckpt_ptimer_sigq *by_sigq;
	struct ckpt_ptimer t[] __counted_by(nr);
};

static bool ckpt_ptimer_clock_ok(clockid_t clock)
{
	switch (clock) {
	case CLOCK_REALTIME:
	case CLOCK_MONOTONIC:
	case CLOCK_BOOTTIME:
	case CLOCK_TAI:
	case CLOCK_REALTIME_ALARM:
	case CLOCK_BOOTTIME_ALARM:
		return true;
	}
	/* The CPU clocks; other negative ids are dynamic (PTP) clocks. */
	return clock < 0 && (clock & CLOCKFD_MASK) != CLOCKFD &&
	       CPUCLOCK_WHICH(clock) < CPUCLOCK_MAX;
}

static bool ckpt_ptimer_cpu_clock(clockid_t clock)
{
	return clock < 0;
}

static int ckpt_ptimer_cmp_id(const void *a, const void *b)
{
	const struct ckpt_ptimer *x = a, *y = b;

	return x->st.id < y->st.id ? -1 : x->st.id > y->st.id;
}

static int ckpt_ptimer_cmp_sigq(const void *a, const void *b)
{
	const struct ckpt_ptimer_sigq *x = a, *y = b;

	return x->q < y->q ? -1 : x->q > y->q;
}

static struct ckpt_ptimer *ckpt_find_ptimer(struct ckpt_ptimers *pt, int id)
{
	struct ckpt_ptimer key = { .st.id = id };

	return pt ? bsearch(&key, pt->t, pt->nr, sizeof(pt->t[0]),
			    ckpt_ptimer_cmp_id) : NULL;
}

/* The leader's entry of @ct's process. */
static struct ckpt_task *ckpt_leader_of(struct ckpt_ctx *ctx,
					struct ckpt_task *ct)
{
	return ckpt_is_thread(ct) ? ckpt_find_task(ctx, ct->entry.tgid) : ct;
}

/*
 * The live thread of @leader's process that @pid is, as checkpoint(2)
 * found it; NULL for a task that has exited or is of another process.
 */
static struct ckpt_task *ckpt_ptimer_thread(struct ckpt_ctx *ctx,
					    struct ckpt_task *leader,
					    struct pid *pid)
{
	struct ckpt_task *ct = NULL;
	struct task_struct *t;
	pid_t nr = 0;

	rcu_read_lock();
	t = pid_task(pid, PIDTYPE_PID);
	if (t && !t->exit_state)
		nr = task_pid_nr_ns(t, ctx->root_ns);
	if (nr)
		ct = ckpt_find_task(ctx, nr);
	if (ct && (ct->task != t || ct->entry.tgid != leader->entry.pid ||
		   ct->entry.flags & CKPT_TREE_ZOMBIE))
		ct = NULL;
	rcu_read_unlock();
	return ct;
}

/* Read one timer of @ct's process and refuse what cannot come back. */
static int ckpt_collect_ptimer(struct ckpt_ctx *ctx, struct ckpt_task *ct,
			       struct task_struct *t, struct ckpt_ptimer *p)
{
	struct posixtimer_ckpt *st = &p->st;
	struct ckpt_task *nct = NULL, *cct = NULL;
	const char *why = NULL;
	int id = st->id, ret;

	ret = posixtimer_ckpt_get(t, id, st);
	if (ret)
		return ckpt_err(ctx, -ESRCH,
				"task %d: POSIX timer %d went away during checkpoint",
				ct->entry.pid, id);
	if (!ckpt_ptimer_clock_ok(st->clock)) {
		why = "is on a dynamic clock";
	} else if (st->notify & SIGEV_THREAD_ID) {
		nct = ckpt_ptimer_thread(ctx, ct, st->pid);
		if (!nct)
			why = "signals a thread that has exited";
		else
			p->thread = nct->entry.pid;
	}
	if (!why && st->clock_pid) {
		if (!CPUCLOCK_PERTHREAD(st->clock)) {
			/* A process clock is named by its leader's tgid. */
			if (st->clock_pid != task_tgid(t))
				why = "runs on the CPU clock of another process";
			p->clock_pid = ct->entry.pid;
		} else {
			cct = ckpt_ptimer_thread(ctx, ct, st->clock_pid);
			if (!cct)
				why = "runs on the CPU clock of a thread that has exited";
			else
				p->clock_pid = cct->entry.pid;
			/*
			 * Created with the later of the two, it would not
			 * exist when the earlier one queues its signal.
			 */
			if (cct && nct && st->queued && cct > nct)
				why = "has a signal queued for an earlier thread than its clock's";
		}
	}
	put_pid(st->pid);
	put_pid(st->clock_pid);
	st->pid = NULL;
	st->clock_pid = NULL;
	if (!why && (st->overrun > CKPT_TIMER_OVERRUN_MAX ||
		     st->overrun_last > CKPT_TIMER_OVERRUN_MAX))
		why = "has overrun too often";
	if (why)
		return ckpt_err(ctx, -EOPNOTSUPP,
				"task %d (%s): POSIX timer %d (clock %d) %s; not supported",
				ct->entry.pid, ct->task->comm, id, st->clock, why);
	p->flags = (st->abs ? CKPT_PTIMER_ABSTIME : 0) |
		   (st->queued ? CKPT_PTIMER_QUEUED : 0) |
		   (st->requeue ? CKPT_PTIMER_REQUEUE : 0);
	return 0;
}

/**
 * ckpt_collect_timers - read a process's POSIX timers, refuse what cannot
 *	come back
 * @ctx:	checkpoint context, before anything is written.
 * @ct:		a frozen thread group leader.
 *
 * The timers are read here, before any signal queue is copied, and kept
 * in @ct until ckpt_timers_free().
 *
 * Return: 0 or a negative errno (logged).
 */
int ckpt_collect_timers(struct ckpt_ctx *ctx, struct ckpt_task *ct)
{
	struct task_struct *t = ckpt_obj_source(ctx, ct);
	struct ckpt_ptimers *pt;
	struct k_itimer *timr;
	unsigned int n = 0, i = 0;
	unsigned long flags;
	int ret;

	/* Only the process's own tasks, all stopped, add or delete timers. */
	if (!lock_task_sighand(t, &flags))
		return ckpt_err(ctx, -ESRCH, "task %d exited during checkpoint",
				ct->entry.pid);
	hlist_for_each_entry(timr, &t->signal->posix_timers, list)
		n++;
	unlock_task_sighand(t, &flags);
	if (!n)
		return 0;
	if (n > CKPT_POSIX_TIMERS_MAX)
		return ckpt_err(ctx, -EOPNOTSUPP,
				"task %d (%s) has %u POSIX timers, more than %u; not supported",
				ct->entry.pid, ct->task->comm, n,
				CKPT_POSIX_TIMERS_MAX);
	pt = kvzalloc(struct_size(pt, t, n), GFP_KERNEL);
	if (!pt)
		return -ENOMEM;
	pt->nr = n;
	ct->ptimers = pt;
	pt->by_sigq = kvcalloc(n, sizeof(*pt->by_sigq), GFP_KERNEL);
	if (!pt->by_sigq)
		return -ENOMEM;
	if (!lock_task_sighand(t, &flags))
		return ckpt_err(ctx, -ESRCH, "task %d exited during checkpoint",
				ct->entry.pid);
	hlist_for_each_entry(timr, &t->signal->posix_timers, list) {
		if (i < n)
			pt->t[i].st.id = timr->it_id;
		i++;
	}
	pt->next_id = t->signal->next_posix_timer_id;
	unlock_task_sighand(t, &flags);
	if (i != n)
		return ckpt_err(ctx, -EAGAIN,
				"task %d: its POSIX timers changed during checkpoint",
				ct->entry.pid);
	sort(pt->t, n, sizeof(pt->t[0]), ckpt_ptimer_cmp_id, NULL);
	for (i = 0; i < n; i++) {
		ret = ckpt_collect_ptimer(ctx, ct, t, &pt->t[i]);
		if (ret)
			return ret;
		pt->by_sigq[i].q = pt->t[i].st.sigq;
		pt->by_sigq[i].p = &pt->t[i];
	}
	sort(pt->by_sigq, n, sizeof(pt->by_sigq[0]), ckpt_ptimer_cmp_sigq, NULL);
	return 0;
}

/**
 * ckpt_timer_signal - what a queued signal is to the checkpoint
 * @ctx:	checkpoint context.
 * @ct:		the task whose queue holds @q (or whose process's does).
 * @q:		the queue entry, under its siglock.
 *
 * Return: 1 for the signal of a POSIX timer that was read with it queued,
 * to be saved linked to its timer; 0 for any other signal; -1 for the
 * signal of a timer that has fired since it was read: saved due, the
 * timer sends it again after the restart, so it is left out.
 */
int ckpt_timer_signal(struct ckpt_ctx *ctx, struct ckpt_task *ct,
		      const struct sigqueue *q)
{
	struct ckpt_task *leader = ckpt_leader_of(ctx, ct);
	struct ckpt_ptimer_sigq key = { .q = q }, *found;
	struct ckpt_ptimers *pt = leader ? leader->ptimers : NULL;

	/* Only a live timer's sigqueue is preallocated. */
	if (!(q->flags & SIGQUEUE_PREALLOC) || !pt)
		return 0;
	found = bsearch(&key, pt->by_sigq, pt->nr, sizeof(key),
			ckpt_ptimer_cmp_sigq);
	if (!found)
		return 0;
	return found->p->flags & CKPT_PTIMER_QUEUED ? 1 : -1;
}

/**
 * ckpt_snap_real_itimer - read ITIMER_REAL along with the shared queue
 * @ct:		a thread group leader, possibly exited.
 * @t:		@ct's task, its siglock held.
 *
 * Keeps it in @ct->itimer for ckpt_checkpoint_timers().
 *
 * Return: false while the timer's callback runs: it may be about to
 * queue SIGALRM, waiting for the siglock; drop it and try again.
 */
bool ckpt_snap_real_itimer(struct ckpt_task *ct, struct task_struct *t)
{
	struct signal_struct *sig = t->signal;
	struct hrtimer *real = &sig->real_timer;
	struct ckpt_itimer *it = &ct->itimer[ITIMER_REAL];

	if (hrtimer_callback_running(real))
		return false;
	it->interval_ns = ktime_to_ns(sig->it_real_incr);
	it->value_ns = 0;
	if (hrtimer_active(real))
		/* Due now, it fires as soon as it is restored. */
		it->value_ns = max_t(s64, ktime_to_ns(hrtimer_get_remaining(real)), 1);
	return true;
}

/* What getitimer(2) would tell of the CPU-time timers. */
static void ckpt_get_cpu_itimers(struct task_struct *t,
				 struct ckpt_rec_timers *rec)
{
	struct signal_struct *sig = t->signal;
	u64 samples[CPUCLOCK_MAX];
	bool sampled = false;
	unsigned int i;

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

static int ckpt_write_ptimer(struct ckpt_ctx *ctx, const struct ckpt_ptimer *p)
{
	const struct posixtimer_ckpt *st = &p->st;
	struct ckpt_rec_posix_timer rec = {
		.id = st->id,
		.clock = st->clock,
		.notify = st->notify,
		.signo = st->signo,
		.thread = p->thread,
		.clock_pid = p->clock_pid,
		.flags = p->flags,
		.value = (unsigned long)st->value.sival_ptr,
		.value_ns = st->value_ns,
		.interval_ns = st->interval_ns,
		.overrun = st->overrun,
		.overrun_last = st->overrun_last,
	};

	return ckpt_write_rec(ctx, &rec, CKPT_REC_POSIX_TIMER, sizeof(rec));
}

/**
 * ckpt_checkpoint_timers - write a process's timers
 * @ctx:	checkpoint context.
 * @ct:		a frozen thread group leader, collected, its shared signal
 *		queue written.
 *
 * Return: 0 or a negative errno.
 */
int ckpt_checkpoint_timers(struct ckpt_ctx *ctx, struct ckpt_task *ct)
{
	struct task_struct *t = ckpt_obj_source(ctx, ct);
	struct ckpt_ptimers *pt = ct->ptimers;
	struct ckpt_rec_timers rec = { };
	unsigned long flags;
	unsigned int i;
	int ret;

	BUILD_BUG_ON(ARRAY_SIZE(rec.itimer) <= ITIMER_REAL ||
		     ARRAY_SIZE(rec.itimer) <= ITIMER_VIRTUAL ||
		     ARRAY_SIZE(rec.itimer) <= ITIMER_PROF);
	/* setitimer(2) and the timers themselves change them under siglock. */
	if (!lock_task_sighand(t, &flags))
		return ckpt_err(ctx, -ESRCH, "task %d exited during checkpoint",
				ct->entry.pid);
	ckpt_get_cpu_itimers(t, &rec);
	rec.next_posix_timer_id = pt ? pt->next_id :
				  READ_ONCE(t->signal->next_posix_timer_id);
	unlock_task_sighand(t, &flags);
	rec.itimer[ITIMER_REAL] = ct->itimer[ITIMER_REAL];
	rec.nr_posix_timers = pt ? pt->nr : 0;
	ret = ckpt_write_rec(ctx, &rec, CKPT_REC_TIMERS, sizeof(rec));
	for (i = 0; !ret && pt && i < pt->nr; i++)
		ret = ckpt_write_ptimer(ctx, &pt->t[i]);
	return ret;
}

/**
 * ckpt_timers_free - forget the POSIX timers read or created
 * @ctx:	checkpoint or restart context, its tasks still listed.
 */
void ckpt_timers_free(struct ckpt_ctx *ctx)
{
	unsigned int i;

	for (i = 0; ctx->tasks && i < ctx->nr_tasks; i++) {
		struct ckpt_ptimers *pt = ctx->tasks[i].ptimers;

		if (!pt)
			continue;
		kvfree(pt->by_sigq);
		kvfree(pt);
		ctx->tasks[i].ptimers = NULL;
	}
}

/* ---- restart ---- */

/*
 * The live thread of @leader's process a record names, which must come
 * no earlier than @leader in the tree; NULL if there is none.
 */
static struct ckpt_task *ckpt_ptimer_task(struct ckpt_ctx *ctx,
					  struct ckpt_task *leader, pid_t pid)
{
	struct ckpt_task *ct = ckpt_find_task(ctx, pid);

	if (!ct || ct->entry.tgid != leader->entry.pid ||
	    ct->entry.flags & CKPT_TREE_ZOMBIE)
		return NULL;
	return ct;
}

/* Check one timer record of @leader's process; @prev: the id before. */
static int ckpt_read_ptimer(struct ckpt_ctx *ctx, struct ckpt_task *leader,
			    struct ckpt_ptimer *p, int prev)
{
	struct ckpt_rec_posix_timer rec;
	struct ckpt_task *nct = NULL, *cct = NULL;
	const u32 known = CKPT_PTIMER_ABSTIME | CKPT_PTIMER_QUEUED |
			  CKPT_PTIMER_REQUEUE;
	s64 overrun, overrun_last;
	const char *why = NULL;
	int ret;

	ret = ckpt_read_rec(ctx, &rec, CKPT_REC_POSIX_TIMER, sizeof(rec));
	if (ret)
		return ret;
	overrun = (s64)rec.overrun;
	overrun_last = (s64)rec.overrun_last;
	if (rec.id < 0 || rec.id <= prev)
		why = "id out of order or repeated";
	else if (!ckpt_ptimer_clock_ok(rec.clock))
		why = "unknown clock";
	else if (rec.flags & ~known || rec.__pad)
		why = "unknown flags";
	else if (rec.value_ns > KTIME_MAX || rec.interval_ns > KTIME_MAX)
		why = "time out of range";
	else if (overrun < -1 || overrun > CKPT_TIMER_OVERRUN_MAX ||
		 overrun_last < 0 || overrun_last > CKPT_TIMER_OVERRUN_MAX)
		why = "overrun out of range";
	else if (rec.flags & CKPT_PTIMER_ABSTIME &&
		 (rec.clock != CLOCK_REALTIME || !rec.value_ns))
		why = "absolute time on another clock than CLOCK_REALTIME";
	else if (rec.flags & CKPT_PTIMER_REQUEUE &&
		 (!(rec.flags & CKPT_PTIMER_QUEUED) || !rec.interval_ns ||
		  !rec.value_ns))
		why = "reloaded by a signal it has not queued";
	if (why)
		goto bad;

	switch (rec.notify) {
	case SIGEV_SIGNAL | SIGEV_THREAD_ID:
		nct = ckpt_ptimer_task(ctx, leader, rec.thread);
		if (!nct) {
			why = "signals no live thread of its process";
			goto bad;
		}
		fallthrough;
	case SIGEV_SIGNAL:
	case SIGEV_THREAD:
		if (rec.signo <= 0 || !valid_signal(rec.signo))
			why = "bad signal";
		break;
	case SIGEV_NONE:
		if (rec.flags & CKPT_PTIMER_QUEUED)
			why = "queued a signal without sending any";
		break;
	default:
		why = "unknown notification";
	}
	if (!why && !(rec.notify & SIGEV_THREAD_ID) && rec.thread)
		why = "names a thread it does not signal";
	if (!why && ckpt_ptimer_cpu_clock(rec.clock)) {
		/* A process clock is the process's even once its leader exits. */
		if (CPUCLOCK_PERTHREAD(rec.clock))
			cct = ckpt_ptimer_task(ctx, leader, rec.clock_pid);
		else if (rec.clock_pid == leader->entry.pid)
			cct = leader;
		if (!cct)
			why = "CPU clock of no live task of its process";
		else if (nct && cct > nct && rec.flags & CKPT_PTIMER_QUEUED)
			why = "signal queued before its clock's thread exists";
	} else if (!why && rec.clock_pid) {
		why = "names a task whose clock it does not run on";
	}
	if (why)
		goto bad;
	if ((rec.clock == CLOCK_REALTIME_ALARM ||
	     rec.clock == CLOCK_BOOTTIME_ALARM) && !capable(CAP_WAKE_ALARM))
		return ckpt_err(ctx, -EPERM,
				"task %d: POSIX timer %d is on an alarm clock, which needs CAP_WAKE_ALARM",
				leader->entry.pid, rec.id);

	p->st = (struct posixtimer_ckpt) {
		.id = rec.id,
		.clock = rec.clock,
		.notify = rec.notify,
		.signo = rec.signo,
		.value.sival_ptr = (void __user *)(unsigned long)rec.value,
		.value_ns = rec.value_ns,
		.interval_ns = rec.interval_ns,
		.overrun = overrun,
		.overrun_last = overrun_last,
		.abs = rec.flags & CKPT_PTIMER_ABSTIME,
		.queued = rec.flags & CKPT_PTIMER_QUEUED,
		.requeue = rec.flags & CKPT_PTIMER_REQUEUE,
	};
	p->flags = rec.flags;
	p->thread = nct ? rec.thread : 0;
	p->clock_pid = cct ? rec.clock_pid : 0;
	/* Tasks are created in tree order: the last one it needs. */
	p->creator = leader;
	if (nct && nct > p->creator)
		p->creator = nct;
	if (cct && cct > p->creator)
		p->creator = cct;
	return 0;
bad:
	return ckpt_err(ctx, -EINVAL, "task %d: POSIX timer %d: %s",
			leader->entry.pid, rec.id, why);
}

/*
 * Create, disarmed, the timers of current's process that @ct, current,
 * is the last of their tasks to exist for.
 */
static int ckpt_create_ptimers(struct ckpt_ctx *ctx, struct ckpt_task *ct)
{
	struct ckpt_task *leader = ckpt_leader_of(ctx, ct);
	struct ckpt_ptimers *pt = leader ? leader->ptimers : NULL;
	unsigned int i;
	int ret;

	for (i = 0; pt && i < pt->nr; i++) {
		struct ckpt_ptimer *p = &pt->t[i];
		struct ckpt_task *cct;

		if (p->creator != ct)
			continue;
		p->st.pid = p->thread ?
			    task_pid(ckpt_find_task(ctx, p->thread)->task) : NULL;
		p->st.clock_pid = NULL;
		if (ckpt_ptimer_cpu_clock(p->st.clock)) {
			cct = ckpt_find_task(ctx, p->clock_pid);
			p->st.clock_pid = CPUCLOCK_PERTHREAD(p->st.clock) ?
					  task_pid(cct->task) : task_tgid(current);
			/*
			 * CLOCK_THREAD_CPUTIME_ID is its creator's clock; created
			 * by the thread it signals, it names its thread instead.
			 */
			if (CPUCLOCK_PERTHREAD(p->st.clock) &&
			    !CPUCLOCK_PID(p->st.clock) && cct != ct)
				p->st.clock = make_thread_cpuclock(task_pid_vnr(cct->task),
								   CPUCLOCK_WHICH(p->st.clock));
		}
		ret = posixtimer_ckpt_create(&p->st);
		p->st.pid = NULL;
		p->st.clock_pid = NULL;
		if (ret)
			return ckpt_err(ctx, ret,
					"task %d: cannot create POSIX timer %d (clock %d)",
					leader->entry.pid, p->st.id, p->st.clock);
	}
	return 0;
}

/**
 * ckpt_read_timers - read a process's timers; create its POSIX timers
 * @ctx:	restart context; for a leader, after its signal queues.
 * @ct:		current's entry; a leader keeps the timers in @ct until
 *		ckpt_restore_timers() arms them.
 *
 * A leader reads the records; it and each of its threads then create,
 * disarmed, the POSIX timers they are the last of their tasks to exist
 * for.  Accepts what setitimer(2) and timer_create(2) accept (ids kept,
 * unique), within the range of ktime_t, which is all a checkpoint writes.
 *
 * Return: 0 or a negative errno (logged).
 */
int ckpt_read_timers(struct ckpt_ctx *ctx, struct ckpt_task *ct)
{
	struct ckpt_rec_timers rec;
	struct ckpt_ptimers *pt;
	unsigned int i;
	int ret, prev = -1;

	if (ckpt_is_thread(ct))
		return ckpt_create_ptimers(ctx, ct);
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
	if (rec.nr_posix_timers > CKPT_POSIX_TIMERS_MAX ||
	    rec.next_posix_timer_id < 0)
		return ckpt_err(ctx, -EINVAL, "task %d: bad POSIX timer count or id",
				ct->entry.pid);
	/* What the process's next timer_create(2) starts from. */
	current->signal->next_posix_timer_id = rec.next_posix_timer_id;
	if (!rec.nr_posix_timers)
		return 0;
	pt = kvzalloc(struct_size(pt, t, rec.nr_posix_timers),
		      GFP_KERNEL_ACCOUNT);
	if (!pt)
		return -ENOMEM;
	pt->nr = rec.nr_posix_timers;
	ct->ptimers = pt;
	for (i = 0; i < pt->nr; i++) {
		ret = ckpt_read_ptimer(ctx, ct, &pt->t[i], prev);
		if (ret)
			return ret;
		prev = pt->t[i].st.id;
	}
	return ckpt_create_ptimers(ctx, ct);
}

/**
 * ckpt_queue_timer_signal - queue a POSIX timer's own signal again
 * @ctx:	restart context.
 * @ct:		current's entry, requeuing its queue or its process's.
 * @info:	the saved entry, marked as a timer's.
 * @shared:	it is in the process's queue.
 *
 * The entry must be the signal of a timer of the process that was
 * queued, there, and not yet found in any queue.
 *
 * Return: 0 or a negative errno (logged).
 */
int ckpt_queue_timer_signal(struct ckpt_ctx *ctx, struct ckpt_task *ct,
			    const struct kernel_siginfo *info, bool shared)
{
	struct ckpt_task *leader = ckpt_leader_of(ctx, ct);
	struct ckpt_ptimer *p = NULL;
	int ret;

	if (info->si_code == SI_TIMER && leader)
		p = ckpt_find_ptimer(leader->ptimers, info->si_tid);
	if (!p || !(p->flags & CKPT_PTIMER_QUEUED) || p->linked ||
	    shared != !(p->st.notify & SIGEV_THREAD_ID) ||
	    (!shared && p->thread != ct->entry.pid) ||
	    info->si_signo != p->st.signo ||
	    info->si_value.sival_ptr != p->st.value.sival_ptr ||
	    info->si_overrun < 0)
		return ckpt_err(ctx, -EINVAL,
				"task %d: queued signal %d is no queued signal of its POSIX timer %d",
				ct->entry.pid, info->si_signo, info->si_tid);
	p->linked = true;
	ret = posixtimer_ckpt_queue(&p->st, info->si_overrun);
	if (ret)
		return ckpt_err(ctx, ret,
				"task %d: cannot queue the signal of POSIX timer %d",
				ct->entry.pid, p->st.id);
	return 0;
}

/**
 * ckpt_timers_queued - check that every queued timer signal was queued
 * @ctx:	restart context.
 * @ct:		a leader, its threads created and every queue of its
 *		process sent.
 *
 * Return: 0 or -EINVAL (logged).
 */
int ckpt_timers_queued(struct ckpt_ctx *ctx, struct ckpt_task *ct)
{
	struct ckpt_ptimers *pt = ct->ptimers;
	unsigned int i;

	for (i = 0; pt && i < pt->nr; i++)
		if (pt->t[i].flags & CKPT_PTIMER_QUEUED && !pt->t[i].linked)
			return ckpt_err(ctx, -EINVAL,
					"task %d: POSIX timer %d has a queued signal no queue holds",
					ct->entry.pid, pt->t[i].st.id);
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

/* Is @ct the task that arms its process's timers at release? */
static bool ckpt_arms_timers(struct ckpt_ctx *ctx, struct ckpt_task *ct,
			     struct ckpt_task *leader)
{
	struct ckpt_task *first;

	if (!(leader->entry.flags & CKPT_TREE_ZOMBIE))
		return ct == leader;
	/* An exited leader's threads follow it in the tree; the first. */
	for (first = leader + 1; first < ctx->tasks + ctx->nr_tasks; first++)
		if (first->entry.tgid == leader->entry.pid)
			return ct == first;
	return false;
}

/**
 * ckpt_restore_timers - arm current's process's timers, once released
 * @ctx:	restart context.
 * @ct:		current, released or let go.
 * @go:		false if the restart failed (or current was killed):
 *		nothing is armed, and nobody waits.
 *
 * Its leader arms them, or its first thread if the leader has exited.
 * The process's other threads wait for that before they return to user
 * mode: one that called setitimer(2) or timer_settime(2) first would
 * have its setting overwritten with the image's.
 */
void ckpt_restore_timers(struct ckpt_ctx *ctx, struct ckpt_task *ct, bool go)
{
	struct ckpt_task *leader = ckpt_leader_of(ctx, ct);
	const struct ckpt_itimer *real;
	struct signal_struct *sig = current->signal;
	struct ckpt_ptimers *pt;
	unsigned int i;
	int ret;

	if (!leader)
		return;
	if (!ckpt_arms_timers(ctx, ct, leader)) {
		/* Killed meanwhile, it leaves at once: the kill is fatal. */
		if (go)
			wait_for_completion_killable(&leader->timers_armed);
		return;
	}
	if (!go)
		goto out;
	real = &leader->itimer[ITIMER_REAL];
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
	ckpt_arm_cpu_itimer(CPUCLOCK_VIRT, &leader->itimer[ITIMER_VIRTUAL]);
	ckpt_arm_cpu_itimer(CPUCLOCK_PROF, &leader->itimer[ITIMER_PROF]);

	pt = leader->ptimers;
	for (i = 0; pt && i < pt->nr; i++) {
		const struct posixtimer_ckpt *st = &pt->t[i].st;

		/* A reloading timer is armed when its queued signal is taken. */
		if (!st->value_ns || st->requeue)
			continue;
		ret = posixtimer_ckpt_arm(st);
		/* Only a CPU clock's thread killed since release fails it. */
		if (ret)
			ckpt_err(ctx, ret, "task %d: cannot arm POSIX timer %d",
				 leader->entry.pid, st->id);
	}
out:
	complete_all(&leader->timers_armed);
}
