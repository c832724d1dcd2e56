// SPDX-License-Identifier: GPL-2.0-only
/*
 * One task: the objects it uses (written first, by objref) and its own
 * small state.  On restart this runs inside the restored task, which
 * reads its own part of the image, then waits for the coordinator to
 * write its registers and release it.
 */
#include <linux/checkpoint.h>
#include <linux/cred.h>
#include <linux/fdtable.h>
#include <linux/file.h>
#include <linux/fs_struct.h>
#include <linux/personality.h>
#include <linux/sched/mm.h>
#include <linux/sched/signal.h>
#include <linux/sched/task.h>
#include <linux/string.h>

#include "checkpoint.h"

/*
 * State this version cannot save yet.  Refusing it beats restoring a
 * task that silently lost part of itself.
 */
static const char *ckpt_task_unsupported(struct task_struct *t)
{
	const struct cred *cred;
	const char *why = NULL;
	struct path root, pwd;
	struct file *file;
	unsigned int fd = 0;
	int sig;

	rcu_read_lock();
	cred = __task_cred(t);
	if (!uid_eq(cred->uid, GLOBAL_ROOT_UID) ||
	    !uid_eq(cred->euid, GLOBAL_ROOT_UID) ||
	    !uid_eq(cred->suid, GLOBAL_ROOT_UID) ||
	    !uid_eq(cred->fsuid, GLOBAL_ROOT_UID) ||
	    !gid_eq(cred->gid, GLOBAL_ROOT_GID) ||
	    !gid_eq(cred->egid, GLOBAL_ROOT_GID) ||
	    !gid_eq(cred->sgid, GLOBAL_ROOT_GID) ||
	    !gid_eq(cred->fsgid, GLOBAL_ROOT_GID) ||
	    cred->group_info->ngroups ||
	    !cap_isidentical(cred->cap_effective, CAP_FULL_SET) ||
	    !cap_isidentical(cred->cap_permitted, CAP_FULL_SET) ||
	    !cap_isidentical(cred->cap_bset, CAP_FULL_SET))
		why = "credentials other than full root are not supported yet";
	rcu_read_unlock();
	if (why)
		return why;

	spin_lock_irq(&t->sighand->siglock);
	for (sig = 1; sig <= _NSIG && !why; sig++) {
		void __user *h = t->sighand->action[sig - 1].sa.sa_handler;

		if (h != SIG_DFL && h != SIG_IGN)
			why = "signal handlers are not supported yet";
	}
	if (!sigisemptyset(&t->pending.signal) ||
	    !sigisemptyset(&t->signal->shared_pending.signal))
		why = "pending signals are not supported yet";
	if (!sigisemptyset(&t->blocked))
		why = "blocked signals are not supported yet";
	if (t->sas_ss_size)
		why = "sigaltstack is not supported yet";
	spin_unlock_irq(&t->sighand->siglock);
	if (why)
		return why;

	rcu_read_lock();
	file = task_lookup_next_fdget_rcu(t, &fd);
	rcu_read_unlock();
	if (file) {
		fput(file);
		return "open files are not supported yet";
	}

	task_lock(t);
	if (!t->fs) {
		task_unlock(t);
		return NULL;
	}
	get_fs_root(t->fs, &root);
	get_fs_pwd(t->fs, &pwd);
	task_unlock(t);
	if (!path_equal(&root, &pwd) || !path_equal(&root, &current->fs->root))
		why = "a root or working directory other than the restarter's is not supported yet";
	path_put(&root);
	path_put(&pwd);
	return why;
}

/**
 * ckpt_checkpoint_task - write one task's objects and its task record
 * @ctx:	checkpoint context.
 * @ct:		the task, frozen.
 *
 * Return: 0 or a negative errno (logged).
 */
int ckpt_checkpoint_task(struct ckpt_ctx *ctx, struct ckpt_task *ct)
{
	struct task_struct *t = ct->task;
	struct ckpt_rec_task rec = {
		.pid = ct->entry.pid,
		.personality = t->personality,
		.pdeath_signal = t->pdeath_signal,
		.exit_signal = t->exit_signal,
		.nice = task_nice(t),
	};
	struct mm_struct *mm;
	const char *why;
	int ref;

	why = ckpt_task_unsupported(t);
	if (why)
		return ckpt_err(ctx, -EOPNOTSUPP, "task %d (%s): %s",
				ct->entry.pid, t->comm, why);

	mm = get_task_mm(t);
	if (!mm)
		return ckpt_err(ctx, -EOPNOTSUPP, "task %d (%s) has no mm",
				ct->entry.pid, t->comm);
	ref = ckpt_obj_checkpoint(ctx, mm, CKPT_OBJ_MM);
	mmput(mm);
	if (ref < 0)
		return ref;
	rec.mm_ref = ref;

	get_task_comm(rec.comm, t);
	return ckpt_write_rec(ctx, &rec, CKPT_REC_TASK, sizeof(rec));
}

/* ---- restart ---- */

/*
 * A restored task starts as a clone of the coordinator.  Nothing of the
 * coordinator's may reach the container: no fds, no handlers pointing
 * into its address space, no signal mask.
 */
static int ckpt_task_clean_slate(void)
{
	sigset_t none;

	sigemptyset(&none);
	set_current_blocked(&none);
	flush_signal_handlers(current, 1);
	return __close_range(0, ~0U, 0);
}

static int ckpt_restore_task_rec(struct ckpt_ctx *ctx, struct ckpt_task *ct)
{
	struct ckpt_rec_task rec;
	struct mm_struct *mm;
	int ret;

	ret = ckpt_read_rec(ctx, &rec, CKPT_REC_TASK, sizeof(rec));
	if (ret)
		return ret;
	if (rec.pid != ct->entry.pid)
		return ckpt_err(ctx, -EINVAL, "task record for pid %d where pid %d was expected",
				rec.pid, ct->entry.pid);
	if (!valid_signal(rec.pdeath_signal) || rec.pdeath_signal < 0 ||
	    !valid_signal(rec.exit_signal) || rec.exit_signal < 0 ||
	    rec.nice < MIN_NICE || rec.nice > MAX_NICE ||
	    !memchr(rec.comm, 0, sizeof(rec.comm)))
		return ckpt_err(ctx, -EINVAL, "task %d: malformed task record",
				rec.pid);

	mm = ckpt_obj_fetch(ctx, rec.mm_ref, CKPT_OBJ_MM);
	if (IS_ERR(mm))
		return PTR_ERR(mm);
	if (mm != current->mm)
		return ckpt_err(ctx, -EOPNOTSUPP, "task %d: shared mm is not supported yet",
				rec.pid);

	current->personality = rec.personality;
	current->pdeath_signal = rec.pdeath_signal;
	ct->exit_signal = rec.exit_signal;
	set_user_nice(current, rec.nice);
	set_task_comm(current, rec.comm);
	return 0;
}

/*
 * Read this task's part of the image: the objects it is first to use,
 * then its task record.
 */
static int ckpt_restore_task(struct ckpt_ctx *ctx, struct ckpt_task *ct)
{
	int type, ret;

	ret = ckpt_task_clean_slate();
	if (ret)
		return ret;
	while ((type = ckpt_peek_type(ctx)) == CKPT_REC_OBJ) {
		ret = ckpt_obj_restore(ctx);
		if (ret)
			return ret;
	}
	if (type < 0)
		return type;
	return ckpt_restore_task_rec(ctx, ct);
}

/**
 * ckpt_restore_task_fn - body of a task created by restart(2)
 * @arg:	its struct ckpt_task.
 *
 * Rebuilds the task from its part of the image, hands the stream back to
 * the coordinator, and sleeps until released.  Released, it returns to
 * user mode with the registers the coordinator wrote; aborted, it exits.
 *
 * Return: RET_FROM_FORK_KEEP_REGS.
 */
int ckpt_restore_task_fn(void *arg)
{
	struct ckpt_task *ct = arg;
	struct ckpt_ctx *ctx = ct->ctx;
	bool go;

	ct->task = get_task_struct(current);
	ct->err = ckpt_restore_task(ctx, ct);
	complete(&ctx->baton);

	if (wait_for_completion_killable(&ctx->release))
		go = false;
	else
		go = !READ_ONCE(ctx->abort);
	/* The coordinator may free ctx as soon as it sees this. */
	complete(&ct->gone);
	if (!go)
		do_exit(SIGKILL);
	return RET_FROM_FORK_KEEP_REGS;
}

/**
 * ckpt_find_task - the task of the container with a given pid
 * @ctx:	checkpoint or restart context.
 * @pid:	pid in the container's pid namespace, possibly from an image.
 *
 * Return: the task's entry, or NULL.
 */
struct ckpt_task *ckpt_find_task(struct ckpt_ctx *ctx, pid_t pid)
{
	unsigned int i;

	for (i = 0; i < ctx->nr_tasks; i++)
		if (ctx->tasks[i].entry.pid == pid)
			return &ctx->tasks[i];
	return NULL;
}
