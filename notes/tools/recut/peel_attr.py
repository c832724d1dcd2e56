import sys, os; sys.path.insert(0, os.path.dirname(os.path.abspath(__file__))); from inc import add_include, edit
# Peel "attr": scheduling and process attributes (policy, nice, clamps,
# slice, CPU affinity, timer slack, oom_score_adj, I/O priority, child
# subreaper, PR_MCE_KILL, PR_SET_IO_FLUSHER, speculation controls).
# attr.c stays: what every task has (its CPU times, a zombie's, the
# accounting flags) and the core's refusals (cgroups, controlling
# terminal, CLONE_IO) live there too.  The peel deletes the attributes'
# save and restore and refuses any value a fresh restored task would
# not have (ckpt_task_fresh_sched()), at checkpoint and in a record.
d = 'kernel/checkpoint/'
a = d + 'attr.c'
os.remove('Documentation/checkpoint/attr.rst')


def cut(p, start, end, new):
    """Replace from @start (included) to @end (excluded), each unique."""
    s = open(p).read()
    assert s.count(start) == 1, (p, start, s.count(start))
    assert s.count(end) == 1, (p, end, s.count(end))
    i = s.index(start)
    j = s.index(end)
    assert i < j, (p, start, end)
    open(p, 'w').write(s[:i] + new + s[j:])


edit(a, '''/*
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
''', '''/*
 * A task's CPU times, which every task's record holds, and what the
 * record cannot hold: cgroups other than the init's, a controlling
 * terminal, an I/O context shared through CLONE_IO.
 *
 * Scheduling and process attributes (policy and parameters, nice value,
 * CPU affinity, timer slack, OOM score adjustment, I/O priority, child
 * subreaper, machine-check kill policy, IO flusher, speculation
 * controls) are not saved yet.  A restored task starts as a clone of the
 * restarter (or of its restored creator), and ckpt_task_fresh_sched()
 * (spawn.c) takes back what it got that way: a task whose attributes
 * differ from what that leaves it is refused at checkpoint, and a task
 * record that holds any other is refused at restart.
 */
''')
add_include(a, 'linux/sched/task.h')
edit(a, '''/* sched_setattr(2) flags that are state; KEEP_* and SUGOV are not. */
#define CKPT_SCHED_FLAGS	(SCHED_FLAG_RESET_ON_FORK | SCHED_FLAG_RECLAIM | \\
				 SCHED_FLAG_DL_OVERRUN | SCHED_FLAG_UTIL_CLAMP)

''', '')

# Checkpoint: refuse attributes of the task's own.
edit(a, '''/**
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
''', '''/*
 * What each speculation control is in a task that never set it, by its
 * index in ckpt_spec_ctrls[]: speculation enabled, no L1D flush.
 */
static const int ckpt_spec_unset[] = {
	PR_SPEC_ENABLE, PR_SPEC_ENABLE, PR_SPEC_DISABLE,
};

/*
 * Scheduling and process attributes are not saved yet.  A restored task
 * has what ckpt_task_fresh_sched() leaves it: SCHED_NORMAL at nice 0
 * with no clamps or slice of its own, every CPU, the default timer
 * slack, no I/O priority of its own, and for a process an OOM score
 * adjustment and floor of 0 and no subreaper bit; restart clears the
 * machine-check and IO flusher flags (ckpt_restore_task_attr()).  Its
 * speculation controls stay the restarter's, as they do for a record
 * that holds none: each must be what a task that never set it has,
 * and a restarter's own can only be stricter.  Name the first
 * attribute that is none of these.
 *
 * has_child_subreaper is not one: with no subreaper in the container,
 * it only makes an exit look in vain for one among its ancestors in
 * its own pid namespace (find_new_reaper()).
 */
static const char *ckpt_task_attr_set(struct task_struct *t,
				      const struct cpumask *cpus)
{
	struct signal_struct *sig = t->signal;
	bool slack, ioprio;
	unsigned int i;
	int val;

	if (t->policy != SCHED_NORMAL || t->sched_reset_on_fork ||
	    t->se.custom_slice)
		return "a scheduling policy";
#ifdef CONFIG_UCLAMP_TASK
	if (t->uclamp_req[UCLAMP_MIN].user_defined ||
	    t->uclamp_req[UCLAMP_MAX].user_defined)
		return "utilization clamps";
#endif
	if (task_nice(t))
		return "a nice value";
	if (!cpumask_subset(cpu_possible_mask, cpus))
		return "a CPU affinity";
	task_lock(t);
	slack = t->timer_slack_ns != init_task.timer_slack_ns ||
		t->default_timer_slack_ns != init_task.timer_slack_ns;
	ioprio = t->io_context && t->io_context->ioprio != IOPRIO_DEFAULT;
	task_unlock(t);
	if (slack)
		return "a timer slack";
	if (ioprio)
		return "an I/O priority";
	if (READ_ONCE(sig->oom_score_adj) || READ_ONCE(sig->oom_score_adj_min))
		return "an oom_score_adj";
	if (sig->is_child_subreaper)
		return "the child subreaper bit";
	if (t->flags & (PF_MCE_PROCESS | PF_MCE_EARLY))
		return "a machine-check kill policy";
	if ((t->flags & CKPT_PF_IO_FLUSHER) == CKPT_PF_IO_FLUSHER)
		return "the IO flusher bit";
	BUILD_BUG_ON(ARRAY_SIZE(ckpt_spec_unset) != ARRAY_SIZE(ckpt_spec_ctrls));
	for (i = 0; i < ARRAY_SIZE(ckpt_spec_ctrls); i++) {
		val = arch_prctl_spec_ctrl_get(t, ckpt_spec_ctrls[i].which);
		if (val > 0 && val & PR_SPEC_PRCTL &&
		    (val & CKPT_SPEC_STATE) != ckpt_spec_unset[i])
			return "a speculation control";
	}
	return NULL;
}

/**
 * ckpt_collect_task_attr - refuse what the task record cannot hold
 * @ctx:	checkpoint context, before anything is written.
 * @ct:		a frozen task, its tree entry filled in.
 *
 * An I/O context shared through CLONE_IO: restart gives each task its
 * own.  Cgroups other than the init's, a controlling terminal of a
 * session of the container's own, and scheduling or process attributes
 * other than a fresh restored task's.
 *
 * Return: 0 or a negative errno (logged).
 */
''')
edit(a, '''	const char *why = ckpt_task_cgroups_differ(ctx, t);
	cpumask_var_t mask;
	bool shared = false;
	unsigned int last;
''', '''	const char *why = ckpt_task_cgroups_differ(ctx, t);
	cpumask_var_t mask;
	bool shared = false;
''')
edit(a, '''	ckpt_task_cpus(t, mask);
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
''', '''	ckpt_task_cpus(t, mask);
	why = ckpt_task_attr_set(t, mask);
	free_cpumask_var(mask);
	if (why)
		return ckpt_err(ctx, -EOPNOTSUPP,
				"task %d (%s) has %s set; scheduling and process attributes are not supported yet",
				ct->entry.pid, t->comm, why);
	return 0;
}
''')

# Checkpoint: the record holds a fresh task's attributes.
cut(a, 'static void ckpt_save_sched(struct task_struct *t, struct ckpt_rec_task *rec)\n',
    '/**\n * ckpt_save_task_attr - fill in the task record\'s attributes\n', '')
edit(a, ''' * @rec:	its task record, zeroed where these go.
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
	/* Written under siglock''', ''' * @rec:	its task record, zeroed where these go.
 *
 * Its CPU times and accounting flags.  Its scheduling and process
 * attributes are those ckpt_collect_task_attr() let through, a fresh
 * restored task's, as the task had them then.
 *
 * Return: 0 or a negative errno.
 */
int ckpt_save_task_attr(struct ckpt_ctx *ctx, struct ckpt_task *ct,
			struct ckpt_rec_task *rec)
{
	struct task_struct *t = ct->task;
	unsigned long flags;
	u64 utime, stime;

	rec->flags |= CKPT_TASK_ALL_CPUS;
	rec->timer_slack_ns = init_task.timer_slack_ns;
	rec->default_timer_slack_ns = init_task.timer_slack_ns;
	rec->ioprio = IOPRIO_DEFAULT;

	if (!lock_task_sighand(t, &flags))
		return ckpt_err(ctx, -ESRCH, "task %d exited during checkpoint",
				ct->entry.pid);
	/* Written under siglock''')
edit(a, '''	if (t->flags & PF_MCE_PROCESS)
		rec->flags |= CKPT_TASK_MCE_KILL;
	if (t->flags & PF_MCE_EARLY)
		rec->flags |= CKPT_TASK_MCE_EARLY;
	if ((t->flags & CKPT_PF_IO_FLUSHER) == CKPT_PF_IO_FLUSHER)
		rec->flags |= CKPT_TASK_IO_FLUSHER;
	/* What ps(1)''', '''	/* What ps(1)''')
edit(a, '''	if (t->flags & PF_SUPERPRIV)
		rec->flags |= CKPT_TASK_SUPERPRIV;

	BUILD_BUG_ON(ARRAY_SIZE(ckpt_spec_ctrls) != ARRAY_SIZE(rec->spec_ctrl));
	for (i = 0; i < ARRAY_SIZE(ckpt_spec_ctrls); i++) {
		val = arch_prctl_spec_ctrl_get(t, ckpt_spec_ctrls[i].which);
		if (val > 0 && val & PR_SPEC_PRCTL)
			rec->spec_ctrl[i] = val & CKPT_SPEC_STATE;
	}
	return ckpt_save_cpus(t, rec);
}
''', '''	if (t->flags & PF_SUPERPRIV)
		rec->flags |= CKPT_TASK_SUPERPRIV;
	return 0;
}
''')

# Restart: a record with any other attributes is refused by name.
cut(a, '''/**
 * ckpt_check_task_attr - check the attributes of a task record
''', '''/*
 * A task's CPU clocks go on from where they were''', '''/*
 * What ckpt_save_task_attr() writes for a fresh task's attributes, or
 * the first attribute that is other: the record of a kernel that saves
 * them, or a crafted one.
 */
static const char *ckpt_rec_attr_set(const struct ckpt_rec_task *r)
{
	if (r->sched_policy != SCHED_NORMAL || r->sched_priority ||
	    r->sched_flags || r->sched_runtime || r->sched_deadline ||
	    r->sched_period || r->sched_util_min || r->sched_util_max)
		return "a scheduling policy";
	if (r->nice)
		return "a nice value";
	if (!(r->flags & CKPT_TASK_ALL_CPUS) || r->nr_cpus ||
	    memchr_inv(r->cpus, 0, sizeof(r->cpus)))
		return "a CPU affinity";
	if (r->timer_slack_ns != init_task.timer_slack_ns ||
	    r->default_timer_slack_ns != init_task.timer_slack_ns)
		return "a timer slack";
	if (r->ioprio != IOPRIO_DEFAULT)
		return "an I/O priority";
	if (r->oom_score_adj || r->oom_score_adj_min)
		return "an oom_score_adj";
	if (r->flags & (CKPT_TASK_SUBREAPER | CKPT_TASK_HAS_SUBREAPER))
		return "the child subreaper bits";
	if (r->flags & (CKPT_TASK_MCE_KILL | CKPT_TASK_MCE_EARLY))
		return "a machine-check kill policy";
	if (r->flags & CKPT_TASK_IO_FLUSHER)
		return "the IO flusher bit";
	if (memchr_inv(r->spec_ctrl, 0, sizeof(r->spec_ctrl)))
		return "a speculation control";
	return NULL;
}

/**
 * ckpt_check_task_attr - check the attributes of a task record
 * @ctx:	restart context.
 * @r:		the record, read from the image.
 *
 * Its flags and CPU times; scheduling and process attributes are not
 * restored yet, and a record with any but a fresh task's is refused.
 *
 * Return: 0 or a negative errno (logged).
 */
int ckpt_check_task_attr(struct ckpt_ctx *ctx, const struct ckpt_rec_task *r)
{
	const char *what;

	if (r->flags & ~(CKPT_TASK_NO_NEW_PRIVS | CKPT_TASK_ATTR_FLAGS))
		return ckpt_err(ctx, -EINVAL, "task %d: bad task flags %#x",
				r->pid, r->flags);
	if (r->__pad)
		return ckpt_err(ctx, -EINVAL, "task %d: bad CPU affinity", r->pid);
	what = ckpt_rec_attr_set(r);
	if (what)
		return ckpt_err(ctx, -EOPNOTSUPP,
				"task %d: the image has scheduling attributes (%s), which this kernel does not restore yet",
				r->pid, what);
	return ckpt_check_cputime(ctx, r);
}

''')
# Restart: CPU times only; take back the flags kernel_clone() copied.
cut(a, '''/**
 * ckpt_restore_task_attr - set the attributes a task record holds
''', '''	if (ckpt_is_thread(ct) &&
	    (r->dead_utime''', '''/**
 * ckpt_restore_task_attr - give the task its CPU times
 * @ct:		the task being restored (current), with the restarter's
 *		credentials still.
 * @r:		its task record, checked.
 *
 * Its scheduling and process attributes are a fresh task's, which
 * ckpt_task_fresh_sched() gave it, but for what kernel_clone() copied
 * from the restarter into its flags: a machine-check kill policy and
 * the IO flusher bits, taken back here.
 *
 * Return: 0 or a negative errno (logged).
 */
int ckpt_restore_task_attr(struct ckpt_task *ct, const struct ckpt_rec_task *r)
{
	int ret;

''')
edit(a, '''	if (!ckpt_is_thread(ct)) {
		ret = ckpt_restore_process_attr(ct, r);
		if (ret)
			return ret;
		ckpt_restore_process_cputime(r);
	}
''', '''	if (!ckpt_is_thread(ct))
		ckpt_restore_process_cputime(r);
''')
s = open(a).read()
i = s.index('''	account_group_exec_runtime(current, r->runtime);
	if (r->ioprio != IOPRIO_DEFAULT) {''')
i = s.index('\tif (r->ioprio', i)
assert s.endswith('''	kfree(ct->attr);
	ct->attr = NULL;
	return 0;
}
''')
open(a, 'w').write(s[:i] + '''	current->flags &= ~(PF_MCE_PROCESS | PF_MCE_EARLY | CKPT_PF_IO_FLUSHER);
	return 0;
}
''')

h = d + 'internal.h'
edit(h, ''' * @attr:	restart: its task record, kept for what is set once its
 *		children exist (attr.c: its scheduling policy).
''', '')
edit(h, '\tstruct ckpt_rec_task *attr;\n', '')
edit(h, '''int ckpt_restore_task_sched(struct ckpt_task *ct);
int ckpt_save_zombie_cputime(struct ckpt_ctx *ctx, struct ckpt_task *ct,
			     struct ckpt_rec_zombie *rec);
int ckpt_restore_zombie_cputime(struct ckpt_task *ct,
				const struct ckpt_rec_zombie *r);
''', '''int ckpt_save_zombie_cputime(struct ckpt_ctx *ctx, struct ckpt_task *ct,
			     struct ckpt_rec_zombie *rec);
int ckpt_restore_zombie_cputime(struct ckpt_task *ct,
				const struct ckpt_rec_zombie *r);

/*
 * Scheduling and process attributes are not saved yet: checkpoint
 * refuses a task with any but what ckpt_task_fresh_sched() gives a
 * restored task, which it keeps.
 */
static inline int ckpt_restore_task_sched(struct ckpt_task *ct)
{
	return 0;
}
''')
edit(d + 'restart.c', '\t\tkfree(ctx->tasks[i].attr);\n', '')
edit(d + 'spawn.c', ''' * one) and personality (which changes how the mm is built).  The task
 * record sets the nice value, clamps and personality the task had.
 */''', ''' * one) and personality (which changes how the mm is built).  The task
 * record sets the personality the task had; checkpoint refuses a task
 * with other scheduling or process attributes than these (attr.c).
 */''')
edit(d + 'task.c', '''	/* With the restarter's credentials; nice goes with the policy. */
	ret = ckpt_restore_task_attr(ct, &rec);''', '''	/* Its CPU times go on from the record's. */
	ret = ckpt_restore_task_attr(ct, &rec);''')
