import sys, os; sys.path.insert(0, os.path.dirname(os.path.abspath(__file__))); from inc import add_include, edit
# Peel "pidns": nested pid namespaces.  pidns.c is split, not deleted:
# the container's own namespace (its ns_last_pid and vm.memfd_noexec,
# which every container has, and the set_tid every restored task is
# created with) stays in the core; the nested namespaces (their table,
# CKPT_REC_PIDNS, the pids below the container's level, CLONE_NEWPID
# for a nested init, the children's namespace via hook 0005) go.
d = 'kernel/checkpoint/'
os.remove('Documentation/checkpoint/pidns.rst')
p = d + 'pidns.c'


def cut(path, start, end, new=''):
    """Replace the text from @start up to (not including) @end."""
    s = open(path).read()
    assert s.count(start) == 1, (path, start, s.count(start))
    a = s.index(start)
    b = s.index(end, a)
    open(path, 'w').write(s[:a] + new + s[b:])


# ---- pidns.c ----
edit(p, '''/*
 * Pid namespaces nested in the container's.
 *
 * A task in a nested namespace has a pid at every level from the
 * container's down to its own.  The image keeps the tree keyed by the
 * container-level pid, a table of the nested namespaces (each with its
 * parent and its init), and for each task in one of them the numbers it
 * has below the container's level.
 *
 * Restart creates a namespace when it creates its init: the init's
 * parent clones it with CLONE_NEWPID, from the namespace the new one
 * hangs below.  Every other task is created straight into its namespace
 * with a set_tid array as deep as its nesting, its creator's children's
 * pid namespace pointed there first.  Last, each task gets back the pid
 * namespace its own children go to, which differs from its own after
 * unshare(CLONE_NEWPID) or setns(2).
 *
 * Each namespace also keeps the two sysctls it has of its own: the pid
 * its next fork goes on from (ns_last_pid: the pids restart chooses
 * with set_tid leave it where a new namespace has it, and the next fork
 * would take the lowest free pid), and vm.memfd_noexec.
 */
''', '''/*
 * The container's pid namespace.
 *
 * Restart creates it with the container's init, and every other task
 * straight into it with its pid there as set_tid.  It keeps the two
 * sysctls it has of its own: the pid its next fork goes on from
 * (ns_last_pid: the pids restart chooses with set_tid leave it where a
 * new namespace has it, and the next fork would take the lowest free
 * pid), and vm.memfd_noexec.
 *
 * Pid namespaces nested in the container's are not saved yet: a task in
 * one, or one whose children go to another pid namespace than the
 * container's (after unshare(CLONE_NEWPID) or setns(2)), is refused at
 * checkpoint, since restart would put it or them in the container's.  A
 * restart refuses an image that has any, or a tree entry naming one.
 */
''')
edit(p, ''' * @entry:	its parent and its init, as in the image.
 * @depth:	levels below the container's namespace (0 for that one).
 */
struct ckpt_pidns {
	struct pid_namespace *ns;
	struct ckpt_pidns_entry entry;
	unsigned int depth;
};
''', ''' * @entry:	its sysctls, as in the image.
 */
struct ckpt_pidns {
	struct pid_namespace *ns;
	struct ckpt_pidns_entry entry;
};
''')
edit(p, ''' * struct ckpt_pidns - one pid namespace of the container
 * @ns:		the namespace; on restart NULL until its init exists, and
''', ''' * struct ckpt_pidns - the container's pid namespace
 * @ns:		the namespace; on restart NULL until its init exists, and
''')
edit(p, '''static int ckpt_pidns_alloc(struct ckpt_ctx *ctx, unsigned int nr_pidns,
			    unsigned int nr_nested)
{
	/* Sized by the tree (on restart, by the image): charged to the caller. */
	ctx->pidns = kvcalloc(nr_pidns + 1, sizeof(*ctx->pidns),
			      GFP_KERNEL_ACCOUNT | __GFP_NOWARN);
	ctx->nested = kvcalloc(nr_nested, sizeof(*ctx->nested),
			       GFP_KERNEL_ACCOUNT | __GFP_NOWARN);
	if (!ctx->pidns || (!ctx->nested && nr_nested))
		return -ENOMEM;
	ctx->pidns[0].entry.init_pid = 1;
	return 0;
}
''', '''static int ckpt_pidns_alloc(struct ckpt_ctx *ctx)
{
	ctx->pidns = kzalloc(sizeof(*ctx->pidns), GFP_KERNEL_ACCOUNT);
	return ctx->pidns ? 0 : -ENOMEM;
}
''')
edit(p, '''void ckpt_pidns_free(struct ckpt_ctx *ctx)
{
	unsigned int i;

	for (i = 0; ctx->restart && ctx->pidns && i <= ctx->nr_pidns; i++)
		if (ctx->pidns[i].ns)
			put_pid_ns(ctx->pidns[i].ns);
	kvfree(ctx->pidns);
	kvfree(ctx->nested);
	ctx->pidns = NULL;
	ctx->nested = NULL;
}
''', '''void ckpt_pidns_free(struct ckpt_ctx *ctx)
{
	if (ctx->restart && ctx->pidns && ctx->pidns->ns)
		put_pid_ns(ctx->pidns->ns);
	kfree(ctx->pidns);
	ctx->pidns = NULL;
}
''')
# The nested namespaces' lookups and checks at checkpoint go; one
# predicate refuses what they would have saved.
cut(p, '/* Is namespace @idx @above, or below it? */\n', '/**\n * ckpt_pidns_collect', '''/* ---- checkpoint ---- */

/*
 * Nested pid namespaces are not saved yet: restart would create @ct, or
 * its children, in the container's namespace.
 */
static int ckpt_pidns_refuse_nested(struct ckpt_ctx *ctx,
				    struct ckpt_task *ct)
{
	struct task_struct *t = ct->task;
	struct pid_namespace *ns = NULL;

	/* Pinned by the freeze, even if the task is reaped. */
	if (ns_of_pid(ct->pid) != ctx->root_ns)
		return ckpt_err(ctx, -EOPNOTSUPP,
				"task %d (%s) is in a nested pid namespace; not supported yet",
				ct->entry.pid, t->comm);
	task_lock(t);
	if (t->nsproxy)
		ns = t->nsproxy->pid_ns_for_children;
	task_unlock(t);
	if (ns && ns != ctx->root_ns)
		return ckpt_err(ctx, -EOPNOTSUPP,
				"task %d (%s) creates its children in another pid namespace; not supported yet",
				ct->entry.pid, t->comm);
	return 0;
}

''')
cut(p, '''/**
 * ckpt_pidns_collect - find the container's nested pid namespaces
''', '''/**
 * ckpt_pidns_fill_container''', '''/**
 * ckpt_pidns_collect - check that the container has one pid namespace
 * @ctx:	checkpoint context with the frozen tasks in tree order.
 *
 * Every task must be in the container's pid namespace and create its
 * children there; the namespace's sysctls are read.
 *
 * Return: 0, or a negative errno (logged) for what restart could not
 * recreate.
 */
int ckpt_pidns_collect(struct ckpt_ctx *ctx)
{
	struct pid_namespace *ns = ctx->root_ns;
	unsigned int i;
	int ret;

	ret = ckpt_pidns_alloc(ctx);
	if (ret)
		return ret;
	ctx->pidns->ns = ns;
	for (i = 0; i < ctx->nr_tasks; i++) {
		ret = ckpt_pidns_refuse_nested(ctx, &ctx->tasks[i]);
		if (ret)
			return ret;
	}

	/* The tasks are frozen: nothing forks in the namespace now. */
	ctx->pidns->entry.last_pid = (int)idr_get_cursor(&ns->idr) - 1;
	ctx->pidns->entry.memfd_noexec = pidns_memfd_noexec_scope(ns);
	return 0;
}

''')
edit(p, '''	rec->last_pid = ctx->pidns[0].entry.last_pid;
	rec->memfd_noexec = ctx->pidns[0].entry.memfd_noexec;
}
''', '''	rec->last_pid = ctx->pidns->entry.last_pid;
	rec->memfd_noexec = ctx->pidns->entry.memfd_noexec;
}
''')
# CKPT_REC_PIDNS is not written (internal.h: a static inline).
cut(p, '''/**
 * ckpt_pidns_write - write the CKPT_REC_PIDNS record, if it has one
''', '/* ---- restart ---- */\n')
# The sysctls of the container's namespace only; its parent is the
# restarter's.
cut(p, '''/*
 * ns_last_pid as its sysctl takes it; vm.memfd_noexec never below the
''', '''/**
 * ckpt_pidns_read - read and check''', '''/*
 * ns_last_pid as its sysctl takes it.  The container's namespace is
 * created below the restarter's, whose vm.memfd_noexec it gets and
 * cannot go below: a container that had less is not restarted under
 * more, nor anywhere without the sysctl.
 */
static int ckpt_pidns_check_root(struct ckpt_ctx *ctx,
				 const struct ckpt_rec_container *rec)
{
	u32 here = pidns_memfd_noexec_scope(task_active_pid_ns(current));
	bool settable = IS_ENABLED(CONFIG_SYSCTL) && IS_ENABLED(CONFIG_MEMFD_CREATE);
	struct ckpt_pidns_entry *e = &ctx->pidns->entry;

	e->last_pid = rec->last_pid;
	e->memfd_noexec = rec->memfd_noexec;
	if (e->last_pid < -1 || e->last_pid > READ_ONCE(pid_max))
		return ckpt_err(ctx, -EINVAL, "pid namespace 0: bad ns_last_pid %d",
				e->last_pid);
	if (e->memfd_noexec > MEMFD_NOEXEC_SCOPE_NOEXEC_ENFORCED)
		return ckpt_err(ctx, -EINVAL, "pid namespace 0: bad vm.memfd_noexec %u",
				e->memfd_noexec);
	if (e->memfd_noexec < here || (e->memfd_noexec > here && !settable))
		return ckpt_err(ctx, -EPERM,
				"the container had vm.memfd_noexec %u, which cannot be set here",
				e->memfd_noexec);
	return 0;
}

''')
cut(p, '''/**
 * ckpt_pidns_read - read and check the container's pid namespaces
''', '''/**
 * ckpt_pidns_enter''', '''/**
 * ckpt_pidns_read - check the container's pid namespace
 * @ctx:	restart context with the task tree read and linked.
 * @rec:	the container record: how many namespaces are nested in
 *		the container's, which must be none, and that one's sysctls.
 *
 * An image with nested pid namespaces is refused whole: a task of one
 * created in the container's namespace would have other pids, another
 * init, and see tasks it did not.
 *
 * Return: 0, or a negative errno, logged: -EOPNOTSUPP for nested pid
 * namespaces, -EINVAL for a malformed image.
 */
int ckpt_pidns_read(struct ckpt_ctx *ctx, const struct ckpt_rec_container *rec)
{
	unsigned int i;
	int next;

	next = rec->nr_pidns ? CKPT_REC_PIDNS : ckpt_peek_type(ctx);
	if (next < 0)
		return next;
	if (next == CKPT_REC_PIDNS)
		return ckpt_err(ctx, -EOPNOTSUPP,
				"the image has nested pid namespaces, which this kernel does not restore yet");
	for (i = 0; i < ctx->nr_tasks; i++) {
		const struct ckpt_tree_entry *e = &ctx->tasks[i].entry;

		if (e->pidns || e->child_pidns)
			return ckpt_err(ctx, -EINVAL,
					"task %d: no pid namespace %u or %u",
					e->pid, e->pidns, e->child_pidns);
	}
	return ckpt_pidns_alloc(ctx) ?: ckpt_pidns_check_root(ctx, rec);
}

''')
edit(p, ''' * The container's init and the init of each nested namespace bring
 * their namespace into being; later tasks are created into it.
 */
void ckpt_pidns_enter(struct ckpt_ctx *ctx, struct ckpt_task *ct)
{
	struct ckpt_pidns *p = &ctx->pidns[ct->entry.pidns];

	if (ct->parent && !ckpt_pidns_init_of(ctx, ct))
		return;
''', ''' * The container's init brings the namespace into being; later tasks
 * are created into it.
 */
void ckpt_pidns_enter(struct ckpt_ctx *ctx, struct ckpt_task *ct)
{
	struct ckpt_pidns *p = ctx->pidns;

	if (ct->parent)
		return;
''')
# ckpt_pidns_clone_args sets one pid; ckpt_pidns_restore_children (hook
# 0005's user) goes, a static inline in internal.h.  They end the file.
s = open(p).read()
a = s.index('/**\n * ckpt_pidns_clone_args - set up the creation of @child')
assert s[a:].count('\n/**\n') == 1 and \
	s[a:].count('int ckpt_pidns_restore_children(') == 1, 'pidns.c tail'
s = s[:a] + '''/**
 * ckpt_pidns_clone_args - set up the creation of @child from current
 * @ctx:	restart context.
 * @child:	the task to create, which current creates.
 * @args:	its clone arguments.
 * @set_tid:	room for one pid, which @args points to: the child's pid
 *		in the container's namespace, where current creates it.
 *
 * Return: 0.
 */
int ckpt_pidns_clone_args(struct ckpt_ctx *ctx, struct ckpt_task *child,
			  struct kernel_clone_args *args, pid_t *set_tid)
{
	set_tid[0] = child->entry.pid;
	args->set_tid = set_tid;
	args->set_tid_size = 1;
	return 0;
}
'''
open(p, 'w').write(s)

# ---- spawn.c: one pid per task, in the container's namespace ----
edit(d + 'spawn.c', '\tpid_t set_tid[CKPT_MAX_PIDNS_DEPTH + 1];\n',
     '\tpid_t set_tid[1];\n')

# ---- checkpoint.c: no nested namespace to count ----
edit(d + 'checkpoint.c', '\t\t.nr_pidns = ctx->nr_pidns,\n', '')

# ---- internal.h ----
h = d + 'internal.h'
edit(h, ''' * @nested:	its pids below the container's level, outermost first,
 *		when it is in a nested pid namespace (entry.pidns).
''', '')
edit(h, '\tpid_t *nested;\n\tunsigned int depth;\n', '\tunsigned int depth;\n')
edit(h, ''' * @pidns:	the container's pid namespace and those nested in it,
 *		indexed as in the image (pidns.c).
 * @nr_pidns:	nested ones, the entries of @pidns after the first.
 * @nested:	the tasks' pids below the container's level.
 * @nr_nested:	entries in @nested.
''', ''' * @pidns:	the container's pid namespace and its sysctls (pidns.c).
''')
edit(h, '''	struct ckpt_pidns *pidns;
	unsigned int nr_pidns;
	pid_t *nested;
	unsigned int nr_nested;
''', '''	struct ckpt_pidns *pidns;
''')
edit(h, '''int ckpt_pidns_collect(struct ckpt_ctx *ctx);
int ckpt_pidns_write(struct ckpt_ctx *ctx);
int ckpt_pidns_read(struct ckpt_ctx *ctx, const struct ckpt_rec_container *rec);
void ckpt_pidns_fill_container(struct ckpt_ctx *ctx,
			       struct ckpt_rec_container *rec);
void ckpt_pidns_enter(struct ckpt_ctx *ctx, struct ckpt_task *ct);
int ckpt_pidns_clone_args(struct ckpt_ctx *ctx, struct ckpt_task *child,
			  struct kernel_clone_args *args, pid_t *set_tid);
int ckpt_pidns_restore_children(struct ckpt_ctx *ctx, struct ckpt_task *ct);
void ckpt_pidns_free(struct ckpt_ctx *ctx);
''', '''int ckpt_pidns_collect(struct ckpt_ctx *ctx);
int ckpt_pidns_read(struct ckpt_ctx *ctx, const struct ckpt_rec_container *rec);
void ckpt_pidns_fill_container(struct ckpt_ctx *ctx,
			       struct ckpt_rec_container *rec);
void ckpt_pidns_enter(struct ckpt_ctx *ctx, struct ckpt_task *ct);
int ckpt_pidns_clone_args(struct ckpt_ctx *ctx, struct ckpt_task *child,
			  struct kernel_clone_args *args, pid_t *set_tid);
void ckpt_pidns_free(struct ckpt_ctx *ctx);

/*
 * Nested pid namespaces are not saved yet: ckpt_pidns_collect() refuses
 * a container with any, so there is no CKPT_REC_PIDNS to write, and
 * every restored task's children go to the container's namespace, where
 * it was created.
 */
static inline int ckpt_pidns_write(struct ckpt_ctx *ctx)
{
	return 0;
}

static inline int ckpt_pidns_restore_children(struct ckpt_ctx *ctx,
					      struct ckpt_task *ct)
{
	return 0;
}
''')
