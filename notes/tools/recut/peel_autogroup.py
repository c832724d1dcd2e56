import sys, os; sys.path.insert(0, os.path.dirname(os.path.abspath(__file__))); from inc import add_include, edit
import os
d='kernel/checkpoint/'
os.remove(d+'autogroup.c')
os.remove('Documentation/checkpoint/autogroups.rst')
edit(d+'Makefile','obj-$(CONFIG_SCHED_AUTOGROUP) += autogroup.o\n','')
edit(d+'objtypes.c','''	[CKPT_OBJ_AUTOGROUP]	= IS_ENABLED(CONFIG_SCHED_AUTOGROUP) ?
				  &ckpt_autogroup_ops : NULL,
''','''	[CKPT_OBJ_AUTOGROUP]	= NULL,
''')
h=d+'internal.h'
edit(h,'''/* Defined only with CONFIG_SCHED_AUTOGROUP. */
extern const struct ckpt_obj_ops ckpt_autogroup_ops;
''','')
edit(h,''' * @autogroup:	checkpoint, a leader: its process's autogroup, referenced,
 *		or NULL when it is not the container's (autogroup.c).
 * @ag_nice:	restart: the autogroup whose nice value it sets once its
 *		credentials are its own, as its first user; else NULL.
''','')
edit(h,'''	struct autogroup *autogroup;
	struct ckpt_autogroup *ag_nice;
''','')
edit(h,''' * @restarter_ag: the restarter's autogroup, where processes go whose
 *		autogroup was not the container's; NULL without
 *		CONFIG_SCHED_AUTOGROUP.
''','')
edit(h,'	struct autogroup *restarter_ag;\n','')
edit(h,'struct ckpt_autogroup;\nstruct autogroup;\n','')
s=open(h).read()
a=s.index('/* autogroup.c */\n#ifdef CONFIG_SCHED_AUTOGROUP\n')
b=s.index('#endif\n',a)+len('#endif\n')
new='''/*
 * Autogroups are not saved yet: restored processes share their
 * restarter's, which is right for an autogroup a process outside the
 * container uses too (or the default one); a process in an autogroup
 * of the container's own (setsid(2) made it one) is refused.
 */
#ifdef CONFIG_SCHED_AUTOGROUP
static inline bool ckpt_autogroup_outside(struct ckpt_ctx *ctx,
					  struct autogroup *ag)
{
	struct task_struct *p;
	bool out = false;

	rcu_read_lock();
	for_each_process(p) {
		/* Being reaped, it holds an autogroup no longer in use. */
		if (!pid_alive(p) || ckpt_in_container(p, ctx->root_ns))
			continue;
		out = READ_ONCE(p->signal->autogroup) == ag;
		if (out)
			break;
	}
	rcu_read_unlock();
	return out;
}
#endif

static inline int ckpt_collect_autogroups(struct ckpt_ctx *ctx)
{
#ifdef CONFIG_SCHED_AUTOGROUP
	struct autogroup *ag;
	unsigned int i;
	int nice, ret = 0;

	for (i = 0; i < ctx->nr_tasks && !ret; i++) {
		struct ckpt_task *ct = &ctx->tasks[i];

		if (ckpt_is_thread(ct))
			continue;
		ag = sched_autogroup_get(ct->task);
		if (sched_autogroup_nice(ag, &nice) &&
		    !ckpt_autogroup_outside(ctx, ag))
			ret = ckpt_err(ctx, -EOPNOTSUPP,
				       "task %d (%s) is in an autogroup of the container's own; not supported yet",
				       ct->entry.pid, ct->task->comm);
		sched_autogroup_put(ag);
	}
	return ret;
#else
	return 0;
#endif
}

static inline int ckpt_autogroup_ref(struct ckpt_ctx *ctx,
				     struct ckpt_task *ct, u32 *ref)
{
	*ref = 0;
	return 0;
}

static inline int ckpt_restore_autogroup(struct ckpt_ctx *ctx,
					 struct ckpt_task *ct, u32 ref)
{
	return ref ? ckpt_err(ctx, -EINVAL, "task %d: autogroups are not restored yet",
			      ct->entry.pid) : 0;
}

static inline int ckpt_restore_autogroup_nice(struct ckpt_task *ct)
{
	return 0;
}

static inline void ckpt_autogroup_restart_begin(struct ckpt_ctx *ctx)
{
}

static inline void ckpt_autogroup_restart_end(struct ckpt_ctx *ctx)
{
}
'''
s=s[:a]+new+s[b:]
open(h,'w').write(s)
