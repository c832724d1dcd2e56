import sys, os; sys.path.insert(0, os.path.dirname(os.path.abspath(__file__))); from inc import add_include, edit
import os
d='kernel/checkpoint/'
os.remove(d+'ptracer.c')
os.remove('Documentation/checkpoint/yama.rst')
edit(d+'Makefile','obj-y += ptracer.o\n','')
edit(d+'internal.h','''/* ptracer.c */
int ckpt_collect_ptracer(struct ckpt_ctx *ctx, struct ckpt_task *ct);
int ckpt_read_ptracer(struct ckpt_ctx *ctx, struct ckpt_task *ct, s32 ptracer);
int ckpt_restore_ptracer(struct ckpt_ctx *ctx, struct ckpt_task *ct);
''','''/* Yama ptrace exceptions are not saved yet: a process with one is refused. */
static inline int ckpt_collect_ptracer(struct ckpt_ctx *ctx,
				       struct ckpt_task *ct)
{
	bool any;

	if (yama_ptracer_of(ct->task, &any) || any)
		return ckpt_err(ctx, -EOPNOTSUPP,
				"task %d (%s) has a Yama ptrace exception (PR_SET_PTRACER); not supported yet",
				ct->entry.pid, ct->task->comm);
	return 0;
}

static inline int ckpt_read_ptracer(struct ckpt_ctx *ctx, struct ckpt_task *ct,
				    s32 ptracer)
{
	return ptracer ? ckpt_err(ctx, -EINVAL, "task %d: bad ptracer %d",
				  ct->entry.pid, ptracer) : 0;
}

static inline int ckpt_restore_ptracer(struct ckpt_ctx *ctx,
				       struct ckpt_task *ct)
{
	return 0;
}
''')

add_include('kernel/checkpoint/internal.h','linux/sched.h')
