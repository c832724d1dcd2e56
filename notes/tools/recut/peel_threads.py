import sys, os; sys.path.insert(0, os.path.dirname(os.path.abspath(__file__))); from inc import add_include, edit
# Peel "threads": processes with more than one thread, and processes
# whose leader has exited while its threads run.  Applied last (on top
# of the other peels): its patch is the first kind after the core.
d = 'kernel/checkpoint/'
os.remove('Documentation/checkpoint/threads.rst')
h = d + 'internal.h'


def edit_any(p, alts):
    """Apply the first (old, new) of @alts whose old occurs once in @p.

    For text another peel (attr, pidns, ipcns) may have changed first.
    """
    s = open(p).read()
    for old, new in alts:
        if s.count(old) == 1:
            open(p, 'w').write(s.replace(old, new))
            return
    assert False, (p, alts[0][0])

# ---- tree.c: the lookups only threads need go --------------------------
edit(d+'tree.c', ''' * The container's task tree, as both sides see it once ctx->tasks is
 * filled in: tasks in tree order (a leader's threads right after it),
 * indexed by pid.  The lookups here stand under every kind of object,
 * which find the task a pid of an image names, or the thread that holds
 * a process's objects; they call nothing else of checkpoint.
''', ''' * The container's task tree, as both sides see it once ctx->tasks is
 * filled in: tasks in tree order, indexed by pid.  The lookups here
 * stand under every kind of object, which find the task a pid of an
 * image names; they call nothing else of checkpoint.
''')
s = open(d+'tree.c').read()
a = s.index('/**\n * ckpt_leads_threads - ')
s = s[:a].rstrip('\n') + '\n'
open(d+'tree.c', 'w').write(s)

edit(h, '''bool ckpt_leads_threads(struct ckpt_ctx *ctx, struct ckpt_task *ct);

static inline bool ckpt_is_thread(const struct ckpt_task *ct)
{
	return ct->entry.tgid != ct->entry.pid;
}

struct task_struct *ckpt_obj_source(struct ckpt_ctx *ctx, struct ckpt_task *ct);
''', '''
/*
 * Threads are not saved yet.  The freeze refuses a process with more
 * than one thread, or whose leader has exited while its other threads
 * run: it meets every task but a leader, exiting or a zombie, until
 * it is reaped (and then it is gone for good).  Called under
 * tasklist_lock; returns the leader, which the refusal names, or NULL.
 */
static inline struct task_struct *ckpt_thread_refused(struct task_struct *t)
{
	return thread_group_leader(t) ? NULL : t->group_leader;
}

/* Restart: a tree entry of a thread (its tgid is not its pid). */
static inline int ckpt_refuse_thread_entry(struct ckpt_ctx *ctx,
					   const struct ckpt_tree_entry *e)
{
	return e->tgid != e->pid ?
	       ckpt_err(ctx, -EOPNOTSUPP, "task %d: the image has threads, which this kernel does not restore yet",
			e->pid) : 0;
}
''')
edit(h, ''' * @cputime:	restart, a leader's: its process's user, system and run
 *		time, and what its children's user and system times may add
''', ''' * @cputime:	restart: its process's user, system and run
 *		time, and what its children's user and system times may add
''')
edit(h, ''' * @ptracer:	a leader: its process's Yama ptracer exception, as
''', ''' * @ptracer:	its process's Yama ptracer exception, as
''')
# Other kinds' refusals, peeled before, stood on the lookups.
edit(h, '''	struct task_struct *t = ckpt_obj_source(ctx, ct);
	struct signal_struct *sig = t->signal;
''', '''	struct task_struct *t = ct->task;
	struct signal_struct *sig = t->signal;
''')
edit(h, '''		struct ckpt_task *ct = &ctx->tasks[i];

		if (ckpt_is_thread(ct))
			continue;
		ag = sched_autogroup_get(ct->task);
''', '''		struct ckpt_task *ct = &ctx->tasks[i];

		ag = sched_autogroup_get(ct->task);
''')
add_include(h, 'linux/sched/signal.h')

# ---- freeze.c: refuse threads as the tasks are found; no thread in ---
# ---- the creation preorder ---------------------------------------------
f = d + 'freeze.c'
edit(f, '''/*
 * Restart creates every task from the one that made it: a thread from
 * its group leader, a process from the thread that forked it (its real
 * parent).
 */
static struct task_struct *ckpt_creator(struct task_struct *t)
{
	return thread_group_leader(t) ? rcu_dereference(t->real_parent) :
					t->group_leader;
}
''', '''/* Restart creates every task from the one that forked it. */
static struct task_struct *ckpt_creator(struct task_struct *t)
{
	return rcu_dereference(t->real_parent);
}
''')
edit(f, '''		return "kernel worker threads are not supported";
	if (t->ptrace)
''', '''		return "kernel worker threads are not supported";
	if (ckpt_thread_refused(t))
		return "has threads; not supported yet";
	if (t->ptrace)
''')
edit(f, '''/*
 * The image lists tasks in depth-first preorder of the creation tree, a
 * leader's threads before its children.
 */
/* The first thread of @leader's group after @t (NULL: from the start). */
static struct task_struct *ckpt_thread_after(struct task_struct *leader,
					     struct task_struct *t)
{
	struct task_struct *n;

	n = t ? __next_thread(t) :
		list_first_entry(&leader->signal->thread_head,
				 struct task_struct, thread_node);
	while (n == leader)
		n = __next_thread(n);
	return n;
}

static struct task_struct *ckpt_first_child(struct task_struct *t)
{
	return list_first_entry_or_null(&t->children, struct task_struct,
					sibling);
}

static struct task_struct *ckpt_first_created(struct task_struct *t)
{
	struct task_struct *n = NULL;

	if (thread_group_leader(t))
		n = ckpt_thread_after(t, NULL);
	return n ?: ckpt_first_child(t);
}

/* What @creator creates after @t. */
static struct task_struct *ckpt_next_created(struct task_struct *t,
					     struct task_struct *creator)
{
	struct task_struct *n;

	if (!thread_group_leader(t)) {
		n = ckpt_thread_after(creator, t);
		return n ?: ckpt_first_child(creator);
	}
	if (list_is_last(&t->sibling, &creator->children))
''', '''/* The image lists tasks in depth-first preorder of the creation tree. */
static struct task_struct *ckpt_first_created(struct task_struct *t)
{
	return list_first_entry_or_null(&t->children, struct task_struct,
					sibling);
}

/* What @creator creates after @t. */
static struct task_struct *ckpt_next_created(struct task_struct *t,
					     struct task_struct *creator)
{
	if (list_is_last(&t->sibling, &creator->children))
''')
edit(f, '''		if (why) {
			bad_pid = task_pid_nr_ns(t, ns);
			get_task_comm(comm, t);
			goto out;
		}
''', '''		if (why) {
			/* A thread's refusal names its process. */
			t = ckpt_thread_refused(t) ?: t;
			bad_pid = task_pid_nr_ns(t, ns);
			get_task_comm(comm, t);
			goto out;
		}
''')

# ---- checkpoint.c ------------------------------------------------------
c = d + 'checkpoint.c'
edit(c, '''		/*
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
''', '''		/* A stop, or a continue, even a zombie's. */
		ret = ckpt_collect_stop(ctx, ct);
		if (ret)
			return ret;
		if (ct->entry.flags & CKPT_TREE_ZOMBIE) {
			if (!ct->parent)
				return ckpt_err(ctx, -ESRCH, "the container's init has exited");
			ct->entry.exit_code = t->exit_code;
			get_task_comm(ct->entry.comm, t);
		}
	}
''')
edit(c, '''		struct task_struct *t = ckpt_obj_source(ctx, ct);

		/* A zombie has none, unless its threads stand in for it. */
		if (ct->entry.flags & CKPT_TREE_ZOMBIE && t == ct->task)
			continue;
''', '''		struct task_struct *t = ct->task;

		/* A zombie has none. */
		if (ct->entry.flags & CKPT_TREE_ZOMBIE)
			continue;
''')
edit(c, '''	/* A zombie has its credentials only, unless it leads threads. */
	for (i = 0; i < ctx->nr_tasks && !ret; i++)
		if (!(ctx->tasks[i].entry.flags & CKPT_TREE_ZOMBIE) ||
		    ckpt_leads_threads(ctx, &ctx->tasks[i]))
			ret = ckpt_collect_task(ctx, &ctx->tasks[i]);
''', '''	/* A zombie has its credentials only. */
	for (i = 0; i < ctx->nr_tasks && !ret; i++)
		if (!(ctx->tasks[i].entry.flags & CKPT_TREE_ZOMBIE))
			ret = ckpt_collect_task(ctx, &ctx->tasks[i]);
''')
edit(c, '''	/* Pinned; an init that has exited has its first thread's. */
''', '''	/* Pinned: the init is no zombie. */
''')
edit(c, '''	for (i = 0; i < ctx->nr_tasks && !ret; i++)
		if (!(ctx->tasks[i].entry.flags & CKPT_TREE_ZOMBIE) ||
		    ckpt_leads_threads(ctx, &ctx->tasks[i]))
			ret = ckpt_checkpoint_task(ctx, &ctx->tasks[i]);
''', '''	for (i = 0; i < ctx->nr_tasks && !ret; i++)
		if (!(ctx->tasks[i].entry.flags & CKPT_TREE_ZOMBIE))
			ret = ckpt_checkpoint_task(ctx, &ctx->tasks[i]);
''')

# ---- objhash.c: no use through another task's reference ---------------
o = d + 'objhash.c'
edit(o, '''/**
 * ckpt_obj_collect_borrowed - collect an object used through another's reference
 * @ctx:	checkpoint context, before anything is written.
 * @ptr:	the object.
 * @type:	its kind.
 *
 * As ckpt_obj_collect(), but the use holds no reference of its own (a
 * leader that has exited stands on its threads' mm): it must not count
 * against the object's reference count in ckpt_objhash_verify().
 *
 * Return: 0, or a negative errno (logged by the kind).
 */
int ckpt_obj_collect_borrowed(struct ckpt_ctx *ctx, void *ptr,
			      enum ckpt_obj_type type)
{
	return __ckpt_obj_collect(ctx, ptr, type, 0);
}

''', '')
edit(h, '''int ckpt_obj_collect_borrowed(struct ckpt_ctx *ctx, void *ptr,
			      enum ckpt_obj_type type);
''', '')

# ---- task.c ------------------------------------------------------------
t = d + 'task.c'
edit(t, '''			 void *parents, enum ckpt_obj_type type, u32 flag,
			 bool borrowed)
''', '''			 void *parents, enum ckpt_obj_type type, u32 flag)
''')
edit(t, '''	if (borrowed)
		return ckpt_obj_collect_borrowed(ctx, ptr, type);
	return ckpt_obj_collect(ctx, ptr, type);
''', '''	return ckpt_obj_collect(ctx, ptr, type);
''')
edit(t, ''' * @ct:		the task, frozen, and not a zombie unless it leads threads.
''', ''' * @ct:		the task, frozen, and not a zombie.
''')
edit(t, '''	struct task_struct *src = ckpt_obj_source(ctx, ct);
	/* An exited leader holds none of its own; its thread counts them. */
	bool borrowed = src != ct->task;
	struct ckpt_task *pt = ct->parent;
''', '''	struct ckpt_task *pt = ct->parent;
''')
edit(t, '''	ckpt_pin_task_objs(ct, src);
''', '''	ckpt_pin_task_objs(ct, ct->task);
''')
edit(t, '''			    CKPT_OBJ_MM, 0, borrowed) ?:''', '''			    CKPT_OBJ_MM, 0) ?:''')
edit(t, '''			    CKPT_OBJ_FILES, CKPT_TREE_CLONE_FILES, borrowed) ?:''',
     '''			    CKPT_OBJ_FILES, CKPT_TREE_CLONE_FILES) ?:''')
edit(t, '''			    CKPT_OBJ_FS, CKPT_TREE_CLONE_FS, borrowed) ?:''',
     '''			    CKPT_OBJ_FS, CKPT_TREE_CLONE_FS) ?:''')
edit(t, '''			    CKPT_OBJ_SIGHAND, CKPT_TREE_CLONE_SIGHAND, false) ?:''',
     '''			    CKPT_OBJ_SIGHAND, CKPT_TREE_CLONE_SIGHAND) ?:''')
edit(t, '''	      (ckpt_is_thread(ct) ? 0 : ckpt_collect_timers(ctx, ct) ?:
					ckpt_collect_ptracer(ctx, ct));
''', '''	      ckpt_collect_timers(ctx, ct) ?:
	      ckpt_collect_ptracer(ctx, ct);
''')
edit(t, '''	      ckpt_save_task_attr(ctx, ct, &rec) ?:
	      (ckpt_is_thread(ct) ? 0 :
	       ckpt_autogroup_ref(ctx, ct, &rec.autogroup_ref));
''', '''	      ckpt_save_task_attr(ctx, ct, &rec) ?:
	      ckpt_autogroup_ref(ctx, ct, &rec.autogroup_ref);
''')
edit(t, '''	/* The process's own state goes with its leader. */
	return ret ?: (ckpt_is_thread(ct) ? 0 : ckpt_checkpoint_timers(ctx, ct)) ?:
''', '''	return ret ?: ckpt_checkpoint_timers(ctx, ct) ?:
''')

# ---- signal.c: every queue is a leader's -------------------------------
g = d + 'signal.c'
edit(g, ''' * and return how long it is; -ESRCH once the task has exited.  The
 * process-wide queue goes with the leader only, and ITIMER_REAL, whose
 * SIGALRM goes to that queue, is read with it.
''', ''' * and return how long it is; -ESRCH once the task has exited.
 * ITIMER_REAL, whose SIGALRM goes to the process-wide queue, is read
 * with it.
''')
edit(g, '''		if (!shared || !thread_group_leader(t) ||
		    ckpt_snap_real_itimer(ct, t))
''', '''		if (!shared || ckpt_snap_real_itimer(ct, t))
''')
edit(g, '''	n = shared && !thread_group_leader(t) ? 0 :
	    ckpt_snap_queue(ctx, ct,
			    shared ? &t->signal->shared_pending : &t->pending,
			    infos, links, max, nr_links);
''', '''	n = ckpt_snap_queue(ctx, ct,
			    shared ? &t->signal->shared_pending : &t->pending,
			    infos, links, max, nr_links);
''')
edit(g, '''	    ret != rec.nr * CKPT_SIGINFO_SIZE + rec.nr_timers * sizeof(u32) ||
	    (shared && rec.nr && ct->entry.tgid != ct->entry.pid))
''', '''	    ret != rec.nr * CKPT_SIGINFO_SIZE + rec.nr_timers * sizeof(u32))
''')
edit(g, '''/*
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
''', '''/*
 * Read the job-control state of @ct's process (@ct, maybe a zombie) as
 * tree entry flags and a stop signal.  group_exit_code is the stop
 * wait(2) has yet to report (0 once it has); the signal a tracer
 * attaching later is told is in the stopped task's jobctl.
 *
 * Between a SIGCONT and the moment the task it woke tells the parent
 * (SIGNAL_CLD_*), and while a group stop is under way, the state is in
 * motion: -EAGAIN.  Parked tasks start neither; only a signal from
 * outside the container does, and the task settles it at once.
 */
static int ckpt_read_stop(struct ckpt_task *ct, u32 *flags, s32 *signr)
{
	struct task_struct *leader = ct->task;
''')
edit(g, '''		for_each_thread(leader, t) {
			if (!*signr && t->jobctl & JOBCTL_STOPPED)
				*signr = t->jobctl & JOBCTL_STOP_SIGMASK;
		}
''', '''		if (!*signr && leader->jobctl & JOBCTL_STOPPED)
			*signr = leader->jobctl & JOBCTL_STOP_SIGMASK;
''')
edit(g, ''' * @ct:		the process's leader (a zombie, perhaps, leading threads).
''', ''' * @ct:		the process (a zombie, perhaps).
''')
edit(g, '''		if (ct->entry.flags & CKPT_TREE_ZOMBIE && !ckpt_leads_threads(ctx, ct))
''', '''		if (ct->entry.flags & CKPT_TREE_ZOMBIE)
''')
edit(g, '''		struct ckpt_task *ct = &ctx->tasks[i];

		if (ckpt_is_thread(ct))
			continue;
		if (ckpt_read_stop(ct, &flags, &signr) ||
''', '''		struct ckpt_task *ct = &ctx->tasks[i];

		if (ckpt_read_stop(ct, &flags, &signr) ||
''')
edit(g, ''' * @ct:		the process's leader, as the image has it; every task of
 *		the container created and linked, none released yet.
 *
 * The stop is put back in effect (SIGNAL_STOP_STOPPED) with the status
 * wait(2) has yet to report, and each live thread is made to join it as
 * a thread does that is created during a stop (task_join_group_stop()):
 * without JOBCTL_STOP_CONSUME, so that do_signal_stop() counts no new
 * stop and notifies nobody -- the parent has had, or has queued, its
 * SIGCHLD already.  The threads stop on their way out of the kernel.
''', ''' * @ct:		the process, as the image has it; every task of the
 *		container created and linked, none released yet.
 *
 * The stop is put back in effect (SIGNAL_STOP_STOPPED) with the status
 * wait(2) has yet to report, and the task is made to join it as a
 * thread does that is created during a stop (task_join_group_stop()):
 * without JOBCTL_STOP_CONSUME, so that do_signal_stop() counts no new
 * stop and notifies nobody -- the parent has had, or has queued, its
 * SIGCHLD already.  It stops on its way out of the kernel.
''')
edit(g, '''	struct task_struct *leader = ct->task, *t;
	struct signal_struct *sig = leader->signal;
''', '''	struct task_struct *leader = ct->task;
	struct signal_struct *sig = leader->signal;
''')
edit(g, '''		for_each_thread(leader, t) {
			if (task_set_jobctl_pending(t, JOBCTL_STOP_PENDING |
						    e->stop_signal))
				signal_wake_up(t, 0);
		}
''', '''		if (task_set_jobctl_pending(leader, JOBCTL_STOP_PENDING |
					    e->stop_signal))
			signal_wake_up(leader, 0);
''')

# ---- attr.c: a process's times are its only task's ---------------------
at = d + 'attr.c'
edit(at, '''	/* Written under siglock, as __exit_signal() and wait do. */
	if (thread_group_leader(t)) {
		rec->dead_utime = t->signal->utime;
		rec->dead_stime = t->signal->stime;
		rec->dead_runtime = t->signal->sum_sched_runtime;
		rec->children_utime = t->signal->cutime;
		rec->children_stime = t->signal->cstime;
	}
''', '''	/* Written under siglock, as __exit_signal() and wait do. */
	rec->dead_utime = t->signal->utime;
	rec->dead_stime = t->signal->stime;
	rec->dead_runtime = t->signal->sum_sched_runtime;
	rec->children_utime = t->signal->cutime;
	rec->children_stime = t->signal->cstime;
''')
edit(at, ''' * added to.  The process-wide sums are in the leader's record only.
''', ''' * added to.
''')
edit(at, '''/*
 * The scheduler adds a process's CPU times up over its threads and its
 * exited ones (thread_group_cputime()) and divides by utime + stime
 * (cputime_adjust()): bound the process's totals, not each record's
 * fields alone, or threads that each hold a large value wrap the sum
 * and the division traps.  Threads are read one after the other,
 * after their leader.  Its children's user and system times likewise,
 * which its wait adds its zombies' to.
 */
''', '''/*
 * The scheduler adds a process's CPU times up (thread_group_cputime())
 * and divides by utime + stime (cputime_adjust()): bound the process's
 * totals, or a sum wraps and the division traps.  Its children's user
 * and system times likewise, which its wait adds its zombies' to.
 */
''')
edit(at, '''	struct ckpt_task *lt = ckpt_find_task(ct->ctx, ct->entry.tgid) ?: ct;
	/* Each field is at most CKPT_CPUTIME_MAX: no pair wraps. */
	const u64 add[ARRAY_SIZE(lt->cputime)] = {
''', '''	/* Each field is at most CKPT_CPUTIME_MAX: no pair wraps. */
	const u64 add[ARRAY_SIZE(ct->cputime)] = {
''')
edit(at, '''		r->children_stime,
	};

	return ckpt_add_up_cputime(lt, add);
}
''', '''		r->children_stime,
	};

	return ckpt_add_up_cputime(ct, add);
}
''')
edit(at, '''	struct ckpt_task *pt = ct->parent;
	struct ckpt_task *lt = ckpt_find_task(ct->ctx, pt->entry.tgid) ?: pt;
	const u64 add[ARRAY_SIZE(lt->cputime)] = {
		[3] = r->runtime + r->children_utime,
		[4] = r->runtime + r->children_stime,
	};

	return ckpt_add_up_cputime(lt, add);
''', '''	struct ckpt_task *pt = ct->parent;
	const u64 add[ARRAY_SIZE(pt->cputime)] = {
		[3] = r->runtime + r->children_utime,
		[4] = r->runtime + r->children_stime,
	};

	return ckpt_add_up_cputime(pt, add);
''')
edit(at, ''' * @ct:		the zombie, which leads no threads.
''', ''' * @ct:		the zombie.
''')
thread_rec = '''	if (ckpt_is_thread(ct) &&
	    (r->dead_utime || r->dead_stime || r->dead_runtime ||
	     r->children_utime || r->children_stime))
		return ckpt_err(ct->ctx, -EINVAL,
				"task %d: a thread's record holds its process's CPU times",
				r->pid);
	ret = ckpt_sum_cputime(ct, r);
	if (ret)
		return ret;
'''
# With the attributes peeled (peel_attr.py) or not.
edit_any(at, [(thread_rec + '''	if (!ckpt_is_thread(ct)) {
		ret = ckpt_restore_process_attr(ct, r);
		if (ret)
			return ret;
		ckpt_restore_process_cputime(r);
	}
''', '''	ret = ckpt_sum_cputime(ct, r) ?: ckpt_restore_process_attr(ct, r);
	if (ret)
		return ret;
	ckpt_restore_process_cputime(r);
'''), (thread_rec + '''	if (!ckpt_is_thread(ct))
		ckpt_restore_process_cputime(r);
''', '''	ret = ckpt_sum_cputime(ct, r);
	if (ret)
		return ret;
	ckpt_restore_process_cputime(r);
''')])

# ---- pidns.c -------------------------------------------------------------
p = d + 'pidns.c'
# Nothing of threads left there once nested pid namespaces are peeled.
if 'ckpt_is_thread' in open(p).read():
    edit(p, ''' * Where @ct may be created from, given the tasks before it: a thread in
 * its leader's namespace; a namespace's init from the namespace's
 * parent; any other task in a namespace that exists by then, at or
 * below its creator's.
''', ''' * Where @ct may be created from, given the tasks before it: a
 * namespace's init from the namespace's parent; any other task in a
 * namespace that exists by then, at or below its creator's.
''')
    edit(p, '''	if (ckpt_is_thread(ct)) {
		if (e->pidns != from)
			return ckpt_err(ctx, -EINVAL,
					"thread %d is in another pid namespace than its leader",
					e->pid);
		return 0;
	}
''', '')

# ---- cpu.c ---------------------------------------------------------------
edit(d+'cpu.c', ''' * for a live task of the image that has none yet: a zombie, or a leader
 * that has exited, has no registers, and its kernel stack, where they
 * would go, is gone.  The stack''', ''' * for a live task of the image that has none yet: a zombie has no
 * registers, and its kernel stack, where they would go, is gone.
 * The stack''')

# ---- restart.c -------------------------------------------------------------
r = d + 'restart.c'
edit(r, '''/*
 * What a process's entry says of its stops: stopped by a stop signal,
 * its parent told or not; or continued; or nothing.  A thread's entry
 * says nothing: the state is its leader's.
 */
''', '''/*
 * What a process's entry says of its stops: stopped by a stop signal,
 * its parent told or not; or continued; or nothing.
 */
''')
edit(r, '''	if (!ok || e->__pad || (stop && ckpt_is_thread(ct)))
''', '''	if (!ok || e->__pad)
''')
edit(r, '''	if (ct == ctx->tasks) {
		/* It may have exited, if its threads run on. */
		if (e->pid != 1''', '''	if (ct == ctx->tasks) {
		if (e->pid != 1''')
edit(r, '''	if (ckpt_is_thread(ct)) {
		/*
		 * A thread is created by its leader and shares its signal
		 * handlers, process group and session; it signals nobody.
		 */
		if (e->tgid != e->ppid || ckpt_is_thread(up) ||
		    e->flags & CKPT_TREE_ZOMBIE ||
		    !(e->flags & CKPT_TREE_CLONE_SIGHAND) || e->exit_signal ||
		    e->pgid != up->entry.pgid || e->sid != up->entry.sid)
			return ckpt_err(ctx, -EINVAL,
					"thread %d does not follow its leader %d",
					e->pid, e->tgid);
	} else if (up->entry.flags & CKPT_TREE_ZOMBIE) {
''', '''	if (up->entry.flags & CKPT_TREE_ZOMBIE) {
''')
edit(r, '''		ret = ckpt_link_task(ctx, ct) ?: ckpt_check_tree_comm(ctx, ct) ?:
''', '''		ret = ckpt_refuse_thread_entry(ctx, &ct->entry) ?:
		      ckpt_link_task(ctx, ct) ?: ckpt_check_tree_comm(ctx, ct) ?:
''')
edit(r, '''/*
 * Process groups and sessions: each names a process of the image (not
 * a thread: setpgid() and setsid() name groups after processes) or one
 * of the listed pids whose leader has exited.''', '''/*
 * Process groups and sessions: each names a process of the image or
 * one of the listed pids whose leader has exited.''')
edit(r, '''		if ((group && ckpt_is_thread(group)) ||
		    (leader && ckpt_is_thread(leader)))
			return ckpt_err(ctx, -EINVAL,
					"task %d: group %d or session %d is a thread",
					e->pid, e->pgid, e->sid);
''', '')
edit(r, '''	if (ctx->tasks[0].entry.flags & CKPT_TREE_ZOMBIE &&
	    !ckpt_leads_threads(ctx, ctx->tasks))
		return ckpt_err(ctx, -EINVAL, "the init is a zombie");
	/* A process with no thread left has none to stop. */
''', '''	if (ctx->tasks[0].entry.flags & CKPT_TREE_ZOMBIE)
		return ckpt_err(ctx, -EINVAL, "the init is a zombie");
	/* A process with no thread left has none to stop. */
''')
edit(r, '''		if ((ct->entry.flags & (CKPT_TREE_ZOMBIE | CKPT_TREE_STOPPED)) ==
		    (CKPT_TREE_ZOMBIE | CKPT_TREE_STOPPED) &&
		    !ckpt_leads_threads(ctx, ct))
''', '''		if ((ct->entry.flags & (CKPT_TREE_ZOMBIE | CKPT_TREE_STOPPED)) ==
		    (CKPT_TREE_ZOMBIE | CKPT_TREE_STOPPED))
''')
edit(r, '''		struct pid *pid;

		/* A thread shares all of these with its leader. */
		if (ckpt_is_thread(ct))
			continue;
		t->exit_signal = ct->entry.exit_signal;
''', '''		struct pid *pid;

		t->exit_signal = ct->entry.exit_signal;
''')
edit(r, '''/*
 * RESTART_FROZEN: SIGSTOP goes to the process's shared queue and flags
 * one thread; another, released, could run user code before the group
 * stop reached it.  Each enters get_signal() on its way out instead,
 * where it takes the SIGSTOP or joins the stop a sibling began.
 */
static void ckpt_stop_frozen(struct task_struct *p)
{
	struct task_struct *t;
	unsigned long flags;

	send_sig(SIGSTOP, p, 1);
	if (!lock_task_sighand(p, &flags))
		return;
	for_each_thread(p, t)
		signal_wake_up(t, false);
	unlock_task_sighand(p, &flags);
}

''', '')
edit(r, '''		if (ckpt_is_thread(ct))
			continue;
		ckpt_restore_stop(ct);
		if (!(ctx->flags & RESTART_FROZEN) || flags & CKPT_TREE_STOPPED)
			continue;
		/* An exited leader's threads take it for the process. */
		if (!(flags & CKPT_TREE_ZOMBIE))
			ckpt_stop_frozen(ct->task);
		else if (ckpt_leads_threads(ctx, ct))
			ckpt_stop_frozen(ct[1].task);
''', '''		ckpt_restore_stop(ct);
		if (!(ctx->flags & RESTART_FROZEN) || flags & CKPT_TREE_STOPPED)
			continue;
		if (!(flags & CKPT_TREE_ZOMBIE))
			send_sig(SIGSTOP, ct->task, 1);
''')

# ---- spawn.c -------------------------------------------------------------
sp = d + 'spawn.c'
edit(sp, '''	if (!ckpt_is_thread(ct)) {
		/* Its own signal_struct: it is the only task in it so far. */
		WRITE_ONCE(current->signal->oom_score_adj, 0);
		WRITE_ONCE(current->signal->oom_score_adj_min, 0);
	}
''', '''	/* Its own signal_struct: it is the only task in it. */
	WRITE_ONCE(current->signal->oom_score_adj, 0);
	WRITE_ONCE(current->signal->oom_score_adj_min, 0);
''')
edit(sp, '''	if (!ckpt_is_thread(ct))
		proc_clear_tty(current);
''', '''	proc_clear_tty(current);
''')
edit(sp, ''' * on current (an mm replaces current's, an fd table or signal handlers
 * are filled in place), so one opened by a task that shares it would
 * rebuild its creator's under it -- a thread's mm most of all, which
 * must stay its leader's.
 */
static u32 ckpt_task_kinds(const struct ckpt_task *ct)
{
	u32 kinds = CKPT_OBJ_KIND(CKPT_OBJ_CRED);

	/* A thread shares its mm and its process's autogroup. */
	if (!ckpt_is_thread(ct))
		kinds |= CKPT_OBJ_KIND(CKPT_OBJ_MM) |
			 CKPT_OBJ_KIND(CKPT_OBJ_AUTOGROUP);
''', ''' * on current (an mm replaces current's, an fd table or signal handlers
 * are filled in place), so one opened by a task that shares it would
 * rebuild its creator's under it.
 */
static u32 ckpt_task_kinds(const struct ckpt_task *ct)
{
	u32 kinds = CKPT_OBJ_KIND(CKPT_OBJ_CRED) | CKPT_OBJ_KIND(CKPT_OBJ_MM) |
		    CKPT_OBJ_KIND(CKPT_OBJ_AUTOGROUP);

''')
edit(sp, '''	snprintf(site, sizeof(site), "%s %d",
		 ckpt_is_thread(ct) ? "thread" : "task", ct->entry.pid);
''', '''	snprintf(site, sizeof(site), "task %d", ct->entry.pid);
''')
edit(sp, '''	/*
	 * A zombie that leads no threads exits at once: with its creator's
	 * fd table and fs shared, not copied, so that its exit closes
	 * nothing (a FUSE or NFS flush could block the restart).
	 */
	u32 flags = child->entry.flags |
		    (child->entry.flags & CKPT_TREE_ZOMBIE &&
		     !ckpt_leads_threads(ctx, child) ?
		     CKPT_TREE_CLONE_FILES | CKPT_TREE_CLONE_FS : 0);
''', '''	/*
	 * A zombie exits at once: with its creator's fd table and fs
	 * shared, not copied, so that its exit closes nothing (a FUSE or
	 * NFS flush could block the restart).
	 */
	u32 flags = child->entry.flags |
		    (child->entry.flags & CKPT_TREE_ZOMBIE ?
		     CKPT_TREE_CLONE_FILES | CKPT_TREE_CLONE_FS : 0);
''')
edit(sp, '''		.flags = CLONE_VM | CLONE_UNTRACED |
			 (ckpt_is_thread(child) ? CLONE_THREAD : 0) |
			 (flags & CKPT_TREE_CLONE_FILES ? CLONE_FILES : 0) |
''', '''		.flags = CLONE_VM | CLONE_UNTRACED |
			 (flags & CKPT_TREE_CLONE_FILES ? CLONE_FILES : 0) |
''')
edit(sp, '''	if (zombie && !ckpt_leads_threads(ctx, ct)) {
''', '''	if (zombie) {
''')
edit(sp, '''	      (ckpt_is_thread(ct) ? 0 : ckpt_timers_queued(ctx, ct)) ?:
''', '''	      ckpt_timers_queued(ctx, ct) ?:
''')
edit(sp, '''	complete(&ct->done);
	if (zombie && !ret) {
		/* A leader that had exited: its threads go on without it. */
		complete(&ct->gone);
		do_exit(code);
	}
''', '''	complete(&ct->done);
''')
