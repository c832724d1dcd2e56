import sys, os; sys.path.insert(0, os.path.dirname(os.path.abspath(__file__))); from inc import add_include, edit
import os
d='kernel/checkpoint/'
os.remove(d+'timers.c')
os.remove('Documentation/checkpoint/timers.rst')
edit(d+'Makefile','obj-y += timers.o\n','')
edit(d+'restart.c','\t\tinit_completion(&ct->timers_armed);\n','')
h=d+'internal.h'
edit(h,''' * @itimer:	a thread group leader: its process's interval timers; at
 *		checkpoint ITIMER_REAL only, read with the shared queue.
 * @ptimers:	a thread group leader: its process's POSIX timers, read at
 *		collection or from the image (timers.c); NULL if none.
''','')
edit(h,''' * @timers_armed: restart, a leader's (possibly exited): its process's
 *		timers are armed; its threads wait for it before they
 *		return to user mode (timers.c).
''','')
edit(h,'''	struct ckpt_itimer itimer[CKPT_NR_ITIMERS];
	struct ckpt_ptimers *ptimers;
''','')
edit(h,'\tstruct completion timers_armed;\n','')
edit(h,'struct ckpt_ptimers;\n','')
s=open(h).read()
a=s.index('/* timers.c */\n'); b=s.index('/* Seccomp is not saved yet') if '/* Seccomp is not saved yet' in s else s.index('/* seccomp.c */\n')
new='''/*
 * Timers are not saved yet: a process with an interval timer armed or
 * a POSIX timer is refused, and its queue then holds no signal of a
 * timer to link to one.
 */
struct kernel_siginfo;
struct sigqueue;
static inline int ckpt_collect_timers(struct ckpt_ctx *ctx,
				      struct ckpt_task *ct)
{
	struct task_struct *t = ckpt_obj_source(ctx, ct);
	struct signal_struct *sig = t->signal;
	unsigned long flags;
	bool any;

	if (!lock_task_sighand(t, &flags))
		return ckpt_err(ctx, -ESRCH, "task %d exited during checkpoint",
				ct->entry.pid);
	/* A deleted POSIX timer leaves the id the next one gets. */
	any = !hlist_empty(&sig->posix_timers) || sig->next_posix_timer_id ||
	      hrtimer_active(&sig->real_timer) || sig->it_real_incr ||
	      sig->it[CPUCLOCK_PROF].expires || sig->it[CPUCLOCK_PROF].incr ||
	      sig->it[CPUCLOCK_VIRT].expires || sig->it[CPUCLOCK_VIRT].incr;
	unlock_task_sighand(t, &flags);
	if (any)
		return ckpt_err(ctx, -EOPNOTSUPP,
				"task %d (%s) has interval or POSIX timers; not supported yet",
				ct->entry.pid, ct->task->comm);
	return 0;
}

static inline int ckpt_checkpoint_timers(struct ckpt_ctx *ctx,
					 struct ckpt_task *ct)
{
	return 0;
}

static inline int ckpt_read_timers(struct ckpt_ctx *ctx, struct ckpt_task *ct)
{
	return ckpt_refuse_rec(ctx, ct, CKPT_REC_TIMERS, "timers");
}

static inline void ckpt_restore_timers(struct ckpt_ctx *ctx,
				       struct ckpt_task *ct, bool go)
{
}

static inline void ckpt_timers_free(struct ckpt_ctx *ctx)
{
}

static inline int ckpt_timer_signal(struct ckpt_ctx *ctx, struct ckpt_task *ct,
				    const struct sigqueue *q)
{
	return 0;
}

static inline bool ckpt_snap_real_itimer(struct ckpt_task *ct,
					 struct task_struct *t)
{
	return true;
}

static inline int ckpt_queue_timer_signal(struct ckpt_ctx *ctx,
					  struct ckpt_task *ct,
					  const struct kernel_siginfo *info,
					  bool shared)
{
	return ckpt_err(ctx, -EINVAL, "task %d: the signal of a timer, and no timers",
			ct->entry.pid);
}

static inline int ckpt_timers_queued(struct ckpt_ctx *ctx,
				     struct ckpt_task *ct)
{
	return 0;
}

'''
s=s[:a]+new+s[b:]
open(h,'w').write(s)

add_include('kernel/checkpoint/internal.h', 'linux/posix-timers.h')
add_include('kernel/checkpoint/internal.h', 'linux/sched/signal.h')
