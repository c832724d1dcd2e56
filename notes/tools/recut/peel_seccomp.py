import sys, os; sys.path.insert(0, os.path.dirname(os.path.abspath(__file__))); from inc import add_include, edit
import os
d='kernel/checkpoint/'
os.remove(d+'seccomp.c')
os.remove('Documentation/checkpoint/seccomp.rst')
edit(d+'Makefile','obj-y += seccomp.o\n','')
edit(d+'objtypes.c','''	[CKPT_OBJ_SECCOMP]	= IS_ENABLED(CONFIG_SECCOMP_FILTER) ?
				  &ckpt_seccomp_ops : NULL,
''','')
h=d+'internal.h'
edit(h,''' * @seccomp_mode: restart: its seccomp mode, entered once its children
 *		exist (seccomp.c).
 * @seccomp_filter: restart: the top of its filter chain, held by the
 *		objhash; NULL unless @seccomp_mode is SECCOMP_MODE_FILTER.
''','')
edit(h,'''	int seccomp_mode;
	struct seccomp_filter *seccomp_filter;
''','')
edit(h,'struct seccomp_filter;\n','')
edit(h,'''/* Defined only with CONFIG_SECCOMP_FILTER, CONFIG_SCHED_AUTOGROUP. */
extern const struct ckpt_obj_ops ckpt_seccomp_ops;
''','''/* Defined only with CONFIG_SCHED_AUTOGROUP. */
''')
edit(h,'''/* seccomp.c */
int ckpt_collect_seccomp(struct ckpt_ctx *ctx, struct ckpt_task *ct);
int ckpt_checkpoint_seccomp(struct ckpt_ctx *ctx, struct ckpt_task *ct);
int ckpt_read_seccomp(struct ckpt_ctx *ctx, struct ckpt_task *ct);
int ckpt_restore_seccomp(struct ckpt_ctx *ctx, struct ckpt_task *ct);
''','''/* Seccomp is not saved yet: a task under it is refused. */
static inline int ckpt_collect_seccomp(struct ckpt_ctx *ctx,
				       struct ckpt_task *ct)
{
	if (seccomp_mode(&ct->task->seccomp) != SECCOMP_MODE_DISABLED)
		return ckpt_err(ctx, -EOPNOTSUPP,
				"task %d (%s) runs under seccomp; not supported yet",
				ct->entry.pid, ct->task->comm);
	return 0;
}

static inline int ckpt_checkpoint_seccomp(struct ckpt_ctx *ctx,
					  struct ckpt_task *ct)
{
	return 0;
}

static inline int ckpt_read_seccomp(struct ckpt_ctx *ctx, struct ckpt_task *ct)
{
	return ckpt_refuse_rec(ctx, ct, CKPT_REC_SECCOMP, "a seccomp state");
}

static inline int ckpt_restore_seccomp(struct ckpt_ctx *ctx,
				       struct ckpt_task *ct)
{
	return 0;
}
''')
s=open(h).read()
open(h,'w').write(s)

add_include('kernel/checkpoint/internal.h', 'linux/sched.h')
add_include('kernel/checkpoint/internal.h', 'linux/seccomp.h')
