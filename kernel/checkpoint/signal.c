// SPDX-License-Identifier: GPL-2.0-only
/*
 * Signals: handlers (CKPT_OBJ_SIGHAND, shared by CLONE_SIGHAND) and each
 * task's queued signals.  The blocked mask and sigaltstack travel in the
 * task record.
 *
 * Queued signals are restored by the task sending them to itself, after
 * its handlers and mask are back, so that they are neither dropped as
 * ignored nor delivered early; siginfo is kept as it was.  The signal of
 * a POSIX timer is its timer's own sigqueue, saved in place and marked,
 * and queued again by timers.c.
 *
 * A process's job-control state -- stopped, by which signal, and what
 * its parent's wait(2) has yet to report -- travels in its tree entry.
 */
#include <linux/checkpoint.h>
#include <linux/delay.h>
#include <linux/sched/jobctl.h>
#include <linux/sched/signal.h>
#include <linux/signal.h>
#include <linux/slab.h>

#include "internal.h"

static int ckpt_sighand_checkpoint(struct ckpt_ctx *ctx, void *ptr)
{
	struct sighand_struct *sighand = ptr;
	struct ckpt_rec_sighand *rec;
	int sig, ret;

	BUILD_BUG_ON(_NSIG != CKPT_NSIG);
	rec = kzalloc(sizeof(*rec), GFP_KERNEL);
	if (!rec)
		return -ENOMEM;
	spin_lock_irq(&sighand->siglock);
	for (sig = 1; sig <= CKPT_NSIG; sig++) {
		struct k_sigaction *ka = &sighand->action[sig - 1];

		rec->action[sig - 1] = (struct ckpt_sigaction) {
			.handler = (unsigned long)ka->sa.sa_handler,
			.flags = ka->sa.sa_flags,
			.restorer = (unsigned long)ka->sa.sa_restorer,
			.mask = ka->sa.sa_mask.sig[0],
		};
	}
	spin_unlock_irq(&sighand->siglock);
	ret = ckpt_write_rec(ctx, rec, CKPT_REC_SIGHAND, sizeof(*rec));
	kfree(rec);
	return ret;
}

/* Set current's handlers; the restored task owns its sighand alone. */
static void *ckpt_sighand_restore(struct ckpt_ctx *ctx, void **state)
{
	struct sighand_struct *sighand = current->sighand;
	struct ckpt_rec_sighand *rec;
	int sig, ret;

	rec = kmalloc(sizeof(*rec), GFP_KERNEL);
	if (!rec)
		return ERR_PTR(-ENOMEM);
	ret = ckpt_read_rec(ctx, rec, CKPT_REC_SIGHAND, sizeof(*rec));
	for (sig = 1; sig <= CKPT_NSIG && !ret; sig++) {
		struct ckpt_sigaction *a = &rec->action[sig - 1];
		struct k_sigaction ka = { };

		if (a->handler >= TASK_SIZE && a->handler != (unsigned long)SIG_IGN) {
			ret = ckpt_err(ctx, -EINVAL, "signal %d: bad handler", sig);
			break;
		}
		if (sig_kernel_only(sig)) {
			if (a->handler != (unsigned long)SIG_DFL)
				ret = ckpt_err(ctx, -EINVAL,
					       "signal %d cannot have a handler", sig);
			continue;
		}
		ka.sa.sa_handler = (__sighandler_t)(unsigned long)a->handler;
		ka.sa.sa_flags = a->flags;
		ka.sa.sa_restorer = (__sigrestore_t)(unsigned long)a->restorer;
		ka.sa.sa_mask.sig[0] = a->mask;
		ret = do_sigaction(sig, &ka, NULL);
		if (ret)
			ret = ckpt_err(ctx, ret, "signal %d: action refused", sig);
	}
	kfree(rec);
	if (ret)
		return ERR_PTR(ret);
	refcount_inc(&sighand->count);
	return sighand;
}

static void ckpt_sighand_grab(void *ptr)
{
	struct sighand_struct *sighand = ptr;

	refcount_inc(&sighand->count);
}

static void ckpt_sighand_drop(struct ckpt_ctx *ctx, void *ptr)
{
	__cleanup_sighand(ptr);
}

static unsigned long ckpt_sighand_users(void *ptr)
{
	return refcount_read(&((struct sighand_struct *)ptr)->count);
}

const struct ckpt_obj_ops ckpt_sighand_ops = {
	.name		= "sighand",
	.grab		= ckpt_sighand_grab,
	.drop		= ckpt_sighand_drop,
	.users		= ckpt_sighand_users,
	.checkpoint	= ckpt_sighand_checkpoint,
	.restore	= ckpt_sighand_restore,
};

/*
 * Copy one queue, and in @links the indices of the entries that are POSIX
 * timers' own signals.  Bits set without a queue entry (a signal queued
 * when no siginfo could be allocated) come back as kernel-sent signals.
 */
static unsigned int ckpt_snap_queue(struct ckpt_ctx *ctx, struct ckpt_task *ct,
				    struct sigpending *p, siginfo_t *out,
				    u32 *links, unsigned int max,
				    unsigned int *nr_links)
{
	struct sigqueue *q;
	sigset_t seen;
	unsigned int n = 0, l = 0;
	int sig, timer;

	sigemptyset(&seen);
	list_for_each_entry(q, &p->list, list) {
		sigaddset(&seen, q->info.si_signo);
		timer = ckpt_timer_signal(ctx, ct, q);
		/* Fired since its timer was read, which sends it again. */
		if (timer < 0)
			continue;
		if (n < max) {
			copy_siginfo_to_external(&out[n], &q->info);
			if (timer) {
				/* The timer's reload state is in its record. */
				out[n].si_sys_private = 0;
				links[l] = n;
			}
		}
		l += timer;
		n++;
	}
	for (sig = 1; sig <= CKPT_NSIG; sig++) {
		if (!sigismember(&p->signal, sig) || sigismember(&seen, sig))
			continue;
		if (n < max) {
			memset(&out[n], 0, sizeof(out[n]));
			out[n].si_signo = sig;
			out[n].si_code = SI_KERNEL;
		}
		n++;
	}
	*nr_links = l;
	return n;
}

/*
 * Copy up to @max entries of one of @ct's queues into @infos (which may
 * be NULL when @max is 0) and the indices of timers' signals into @links,
 * and return how long it is; -ESRCH once the task has exited.  The
 * process-wide queue goes with the leader only, and ITIMER_REAL, whose
 * SIGALRM goes to that queue, is read with it.
 */
static int ckpt_read_task_queue(struct ckpt_ctx *ctx, struct ckpt_task *ct,
				bool shared, siginfo_t *infos, u32 *links,
				unsigned int max, unsigned int *nr_links)
{
	struct task_struct *t = ct->task;
	unsigned long flags;
	int n;

	*nr_links = 0;
	for (;;) {
		if (!lock_task_sighand(t, &flags))
			return ckpt_err(ctx, -ESRCH,
					"task %d exited during checkpoint",
					ct->entry.pid);
		if (!shared || !thread_group_leader(t) ||
		    ckpt_snap_real_itimer(ct, t))
			break;
		unlock_task_sighand(t, &flags);
		/*
		 * Not a bare cpu_relax(): on PREEMPT_RT the callback runs in
		 * a softirq thread, which a spinning checkpointer of higher
		 * priority on its CPU would keep from ever finishing.  This
		 * waits on the expiry lock there, as hrtimer_cancel() does.
		 */
		hrtimer_cancel_wait_running(&t->signal->real_timer);
	}
	n = shared && !thread_group_leader(t) ? 0 :
	    ckpt_snap_queue(ctx, ct,
			    shared ? &t->signal->shared_pending : &t->pending,
			    infos, links, max, nr_links);
	unlock_task_sighand(t, &flags);
	if (n > CKPT_SIGPENDING_MAX)
		return ckpt_err(ctx, -E2BIG, "task %d: more than %u queued signals",
				ct->entry.pid, CKPT_SIGPENDING_MAX);
	return n;
}

static int ckpt_write_queue(struct ckpt_ctx *ctx, struct ckpt_task *ct,
			    bool shared)
{
	struct ckpt_rec_sigpending rec = { .shared = shared };
	/* Room for a short queue; a long one is measured, then copied. */
	unsigned int cap = 16, nr_links;
	siginfo_t *infos;
	u32 *links;
	int n, ret;

	for (;;) {
		infos = kvmalloc_array(cap, sizeof(*infos), GFP_KERNEL);
		links = kvmalloc_array(cap, sizeof(*links), GFP_KERNEL);
		if (!infos || !links) {
			ret = -ENOMEM;
			goto out;
		}
		n = ckpt_read_task_queue(ctx, ct, shared, infos, links, cap,
					 &nr_links);
		/* Signals from outside may still arrive: measure again. */
		if (n <= (int)cap)
			break;
		kvfree(infos);
		kvfree(links);
		cap = n;
	}
	if (n < 0) {
		ret = n;
		goto out;
	}
	rec.nr = n;
	rec.nr_timers = nr_links;
	ret = ckpt_write_begin(ctx, &rec, CKPT_REC_SIGPENDING, sizeof(rec),
			       n * CKPT_SIGINFO_SIZE + nr_links * sizeof(u32));
	if (!ret)
		ret = ckpt_write_data(ctx, infos, n * CKPT_SIGINFO_SIZE);
	if (!ret)
		ret = ckpt_write_data(ctx, links, nr_links * sizeof(u32));
	if (!ret)
		ret = ckpt_write_end(ctx);
out:
	kvfree(infos);
	kvfree(links);
	return ret;
}

/**
 * ckpt_collect_sigpending - refuse signal queues too long to save
 * @ctx:	checkpoint context, before anything is written.
 * @ct:		a frozen task.
 *
 * Return: 0 or a negative errno (logged).
 */
int ckpt_collect_sigpending(struct ckpt_ctx *ctx, struct ckpt_task *ct)
{
	unsigned int nr_links;
	int ret;

	ret = ckpt_read_task_queue(ctx, ct, false, NULL, NULL, 0, &nr_links);
	if (ret >= 0)
		ret = ckpt_read_task_queue(ctx, ct, true, NULL, NULL, 0,
					   &nr_links);
	return ret < 0 ? ret : 0;
}

/**
 * ckpt_checkpoint_sigpending - write a task's own and shared signal queues
 * @ctx:	checkpoint context.
 * @ct:		a frozen task.
 *
 * Return: 0 or a negative errno.
 */
int ckpt_checkpoint_sigpending(struct ckpt_ctx *ctx, struct ckpt_task *ct)
{
	BUILD_BUG_ON(sizeof(siginfo_t) != CKPT_SIGINFO_SIZE);
	return ckpt_write_queue(ctx, ct, false) ?:
	       ckpt_write_queue(ctx, ct, true);
}

/*
 * A restored task's queued signals, held until it has created its
 * children: fork refuses to run with a signal pending.
 */
struct ckpt_sigqueue {
	u32 nr[2];
	kernel_siginfo_t *info[2];
	u32 nr_timers[2];
	u32 *timer[2];
};

static int ckpt_read_queue(struct ckpt_ctx *ctx, struct ckpt_task *ct,
			   bool shared)
{
	struct ckpt_sigqueue *q = ct->sigpending;
	struct ckpt_rec_sigpending rec;
	siginfo_t info;
	u32 i;
	int ret;

	ret = ckpt_read_begin(ctx, &rec, CKPT_REC_SIGPENDING, sizeof(rec),
			      CKPT_SIGPENDING_MAX * (CKPT_SIGINFO_SIZE + sizeof(u32)));
	if (ret < 0)
		return ret;
	if (rec.shared != shared || rec.nr > CKPT_SIGPENDING_MAX ||
	    rec.nr_timers > rec.nr || rec.__pad ||
	    ret != rec.nr * CKPT_SIGINFO_SIZE + rec.nr_timers * sizeof(u32) ||
	    (shared && rec.nr && ct->entry.tgid != ct->entry.pid))
		return ckpt_err(ctx, -EINVAL, "malformed signal queue record");
	if (rec.nr) {
		q->info[shared] = kvcalloc(rec.nr, sizeof(kernel_siginfo_t),
					   GFP_KERNEL_ACCOUNT | __GFP_NOWARN);
		if (!q->info[shared])
			return -ENOMEM;
	}
	if (rec.nr_timers) {
		q->timer[shared] = kvcalloc(rec.nr_timers, sizeof(u32),
					    GFP_KERNEL_ACCOUNT | __GFP_NOWARN);
		if (!q->timer[shared])
			return -ENOMEM;
	}
	for (i = 0; i < rec.nr; i++) {
		ret = ckpt_read_data(ctx, &info, sizeof(info));
		if (ret)
			return ret;
		if (!valid_signal(info.si_signo) || info.si_signo <= 0)
			return ckpt_err(ctx, -EINVAL, "queued signal %d is invalid",
					info.si_signo);
		memcpy(&q->info[shared][i], &info, sizeof(kernel_siginfo_t));
		q->nr[shared]++;
	}
	for (i = 0; i < rec.nr_timers; i++) {
		ret = ckpt_read_data(ctx, &q->timer[shared][i], sizeof(u32));
		if (ret)
			return ret;
		/* Increasing: each entry is at most one timer's signal. */
		if (q->timer[shared][i] >= rec.nr ||
		    (i && q->timer[shared][i] <= q->timer[shared][i - 1]))
			return ckpt_err(ctx, -EINVAL,
					"malformed signal queue record: timer signal index");
		q->nr_timers[shared]++;
	}
	return ckpt_read_end(ctx);
}

/**
 * ckpt_read_sigpending - read a task's own and shared signal queues
 * @ctx:	restart context, at the task's signal queue records.
 * @ct:		the task; they are kept in @ct until ckpt_send_sigpending().
 *
 * Return: 0 or a negative errno (logged).
 */
int ckpt_read_sigpending(struct ckpt_ctx *ctx, struct ckpt_task *ct)
{
	ct->sigpending = kzalloc(sizeof(*ct->sigpending), GFP_KERNEL_ACCOUNT);
	if (!ct->sigpending)
		return -ENOMEM;
	return ckpt_read_queue(ctx, ct, false) ?:
	       ckpt_read_queue(ctx, ct, true);
}

/**
 * ckpt_send_sigpending - requeue current's signals
 * @ctx:	restart context.
 * @ct:		current's entry, its queues read by ckpt_read_sigpending().
 *
 * Return: 0 or a negative errno (logged).
 */
int ckpt_send_sigpending(struct ckpt_ctx *ctx, struct ckpt_task *ct)
{
	struct ckpt_sigqueue *q = ct->sigpending;
	int shared, ret = 0;
	u32 i, l;

	for (shared = 0; shared < 2 && !ret; shared++) {
		for (i = 0, l = 0; i < q->nr[shared] && !ret; i++) {
			kernel_siginfo_t *info = &q->info[shared][i];

			if (l < q->nr_timers[shared] && q->timer[shared][l] == i) {
				l++;
				ret = ckpt_queue_timer_signal(ctx, ct, info, shared);
				continue;
			}
			spin_lock_irq(&current->sighand->siglock);
			ret = send_signal_locked(info->si_signo, info, current,
						 shared ? PIDTYPE_TGID : PIDTYPE_PID);
			spin_unlock_irq(&current->sighand->siglock);
			if (ret)
				ret = ckpt_err(ctx, ret, "task %d: cannot requeue signal %d",
					       ct->entry.pid, info->si_signo);
		}
	}
	ckpt_free_sigpending(ct);
	return ret;
}

/**
 * ckpt_free_sigpending - forget queues read but not sent
 * @ct:		a restored task's entry.
 */
void ckpt_free_sigpending(struct ckpt_task *ct)
{
	struct ckpt_sigqueue *q = ct->sigpending;

	if (!q)
		return;
	kvfree(q->info[0]);
	kvfree(q->info[1]);
	kvfree(q->timer[0]);
	kvfree(q->timer[1]);
	kfree(q);
	ct->sigpending = NULL;
}

/*
 * Read the job-control state of @ct's process (@ct is its leader, maybe
 * a zombie) as tree entry flags and a stop signal.  group_exit_code is
 * the stop wait(2) has yet to report (0 once it has); the signal a
 * tracer attaching later is told is in each stopped thread's jobctl.
 *
 * Between a SIGCONT and the moment the first thread it woke tells the
 * parent (SIGNAL_CLD_*), and while a group stop is under way, the state
 * is in motion: -EAGAIN.  Parked tasks start neither; only a signal
 * from outside the container does, and the threads settle it at once.
 */
static int ckpt_read_stop(struct ckpt_task *ct, u32 *flags, s32 *signr)
{
	struct task_struct *leader = ct->task, *t;
	struct signal_struct *sig;
	unsigned long irqflags;
	int ret = 0;

	*flags = 0;
	*signr = 0;
	if (!lock_task_sighand(leader, &irqflags))
		return -ESRCH;
	sig = leader->signal;
	if (sig->flags & SIGNAL_CLD_MASK || sig->group_stop_count) {
		ret = -EAGAIN;
	} else if (sig->flags & SIGNAL_STOP_STOPPED) {
		*flags = CKPT_TREE_STOPPED;
		*signr = sig->group_exit_code;
		if (!*signr)
			*flags |= CKPT_TREE_STOP_WAITED;
		for_each_thread(leader, t) {
			if (!*signr && t->jobctl & JOBCTL_STOPPED)
				*signr = t->jobctl & JOBCTL_STOP_SIGMASK;
		}
	} else if (sig->flags & SIGNAL_STOP_CONTINUED) {
		*flags = CKPT_TREE_CONTINUED;
	}
	unlock_task_sighand(leader, &irqflags);
	return ret;
}

/**
 * ckpt_collect_stop - fill in a process's job-control state
 * @ctx:	checkpoint context, the container frozen.
 * @ct:		the process's leader (a zombie, perhaps, leading threads).
 *
 * Sets the CKPT_TREE_STOP_FLAGS and stop_signal of @ct's tree entry.  A
 * stop or continue sent from outside while the container froze is
 * waited out for a moment.
 *
 * Return: 0, or a negative errno (logged).
 */
int ckpt_collect_stop(struct ckpt_ctx *ctx, struct ckpt_task *ct)
{
	unsigned int tries;
	u32 flags;
	s32 signr;
	int ret;

	for (tries = 0; ; tries++) {
		ret = ckpt_read_stop(ct, &flags, &signr);
		if (ret != -EAGAIN || tries == 100)
			break;
		usleep_range(1000, 2000);
	}
	if (ret == -ESRCH)
		return ckpt_err(ctx, ret, "task %d (%s) was reaped during checkpoint",
				ct->entry.pid, ct->task->comm);
	if (ret)
		return ckpt_err(ctx, ret,
				"task %d (%s) is being stopped or continued from outside",
				ct->entry.pid, ct->task->comm);
	if (flags & CKPT_TREE_STOPPED) {
		/* Only ptrace(2) could have left anything else. */
		if (!sig_kernel_stop(signr))
			return ckpt_err(ctx, -EOPNOTSUPP,
					"task %d (%s): stopped, but not by a stop signal (%d); not supported",
					ct->entry.pid, ct->task->comm, signr);
		if (ct->entry.flags & CKPT_TREE_ZOMBIE && !ckpt_leads_threads(ctx, ct))
			return ckpt_err(ctx, -EOPNOTSUPP,
					"task %d (%s): a zombie whose process is stopped; not supported",
					ct->entry.pid, ct->task->comm);
	}
	ct->entry.flags |= flags;
	ct->entry.stop_signal = signr;
	return 0;
}

/**
 * ckpt_verify_stops - fail if a process was stopped or continued since
 *	its tree entry was filled in
 * @ctx:	checkpoint context, the image written up to its trailer.
 *
 * The tree entries went out first; a SIGCONT or a stop signal from
 * outside since then would leave the image with a parent that heard of
 * something its child's entry does not say.
 *
 * Return: 0, or -EAGAIN (logged) naming the first such process.
 */
int ckpt_verify_stops(struct ckpt_ctx *ctx)
{
	unsigned int i;
	u32 flags;
	s32 signr;

	for (i = 0; i < ctx->nr_tasks; i++) {
		struct ckpt_task *ct = &ctx->tasks[i];

		if (ckpt_is_thread(ct))
			continue;
		if (ckpt_read_stop(ct, &flags, &signr) ||
		    flags != (ct->entry.flags & CKPT_TREE_STOP_FLAGS) ||
		    signr != ct->entry.stop_signal)
			return ckpt_err(ctx, -EAGAIN,
					"task %d (%s) was stopped or continued from outside during checkpoint",
					ct->entry.pid, ct->task->comm);
	}
	return 0;
}

/**
 * ckpt_restore_stop - stop a restored process again as it was stopped
 * @ct:		the process's leader, as the image has it; every task of
 *		the container created and linked, none released yet.
 *
 * The stop is put back in effect (SIGNAL_STOP_STOPPED) with the status
 * wait(2) has yet to report, and each live thread is made to join it as
 * a thread does that is created during a stop (task_join_group_stop()):
 * without JOBCTL_STOP_CONSUME, so that do_signal_stop() counts no new
 * stop and notifies nobody -- the parent has had, or has queued, its
 * SIGCHLD already.  The threads stop on their way out of the kernel.
 * A continue not yet waited for is only its flag.  All under siglock,
 * so that a SIGCONT from outside finds what prepare_signal() expects.
 */
void ckpt_restore_stop(struct ckpt_task *ct)
{
	const struct ckpt_tree_entry *e = &ct->entry;
	struct task_struct *leader = ct->task, *t;
	struct signal_struct *sig = leader->signal;
	unsigned long irqflags;

	if (!(e->flags & (CKPT_TREE_STOPPED | CKPT_TREE_CONTINUED)))
		return;
	if (!lock_task_sighand(leader, &irqflags))
		return;
	/* Killed from outside since it was linked: it is on its way out. */
	if (sig->flags & SIGNAL_GROUP_EXIT) {
		unlock_task_sighand(leader, &irqflags);
		return;
	}
	if (e->flags & CKPT_TREE_CONTINUED) {
		signal_set_stop_flags(sig, SIGNAL_STOP_CONTINUED);
	} else {
		signal_set_stop_flags(sig, SIGNAL_STOP_STOPPED);
		sig->group_stop_count = 0;
		sig->group_exit_code = e->flags & CKPT_TREE_STOP_WAITED ?
				       0 : e->stop_signal;
		for_each_thread(leader, t) {
			if (task_set_jobctl_pending(t, JOBCTL_STOP_PENDING |
						    e->stop_signal))
				signal_wake_up(t, 0);
		}
	}
	unlock_task_sighand(leader, &irqflags);
}
