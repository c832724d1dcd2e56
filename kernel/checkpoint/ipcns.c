// SPDX-License-Identifier: GPL-2.0-only
/*
 * The container's ipc namespace: its sysctls.
 *
 * System V objects and POSIX message queues in it are refused at
 * collection (checkpoint.c); what is left is the limits its sysctls set
 * and the ids its next objects get (kernel.*_next_id).  Restart always
 * gives the container an ipc namespace of its own, whose sysctls start
 * at their defaults, and sets in it what the container saw -- whichever
 * namespace that was, as with the uts names: one the container shares
 * with the checkpointer is still what its tasks read and were sized by.
 *
 * An image is read as an attacker would write it: each value must be
 * one its sysctl takes (ipc/ipc_sysctl.c, ipc/mq_sysctl.c), and a value
 * other than the new namespace's own is set only for a restarter who
 * could write that sysctl there itself.
 */
#include <linux/capability.h>
#include <linux/cred.h>
#include <linux/ipc.h>
#include <linux/ipc_namespace.h>
#include <linux/checkpoint.h>
#include <linux/msg.h>
#include <linux/nsproxy.h>
#include <linux/sched.h>
#include <linux/uidgid.h>
#include <linux/user_namespace.h>

#include "internal.h"
/*
 * ipc_mni, the bound of the three *mni sysctls (IPCMNI, or IPCMNI_EXTEND
 * with ipcmni_extend on the command line), and IPC_SEM_IDS and its kin
 * are declared there only.
 */
#include "../../ipc/util.h"

static s32 ckpt_ipc_next_id(const struct ipc_namespace *ns, int ids)
{
#ifdef CONFIG_CHECKPOINT_RESTORE
	return READ_ONCE(ns->ids[ids].next_id);
#else
	/* No sysctl to set it: every id is chosen by the kernel. */
	return -1;
#endif
}

/*
 * Read @ns's sysctls into @s.  The namespace may be in use outside the
 * frozen container (the checkpointer's own): each value is read once.
 */
static void ckpt_ipc_read(const struct ipc_namespace *ns,
			  struct ckpt_ipc_sysctls *s)
{
	memset(s, 0, sizeof(*s));
	if (IS_ENABLED(CONFIG_SYSVIPC)) {
		s->flags |= CKPT_IPC_SYSV;
		s->shmmax = READ_ONCE(ns->shm_ctlmax);
		s->shmall = READ_ONCE(ns->shm_ctlall);
		s->shmmni = READ_ONCE(ns->shm_ctlmni);
		s->shm_rmid_forced = READ_ONCE(ns->shm_rmid_forced);
		s->msgmax = READ_ONCE(ns->msg_ctlmax);
		s->msgmnb = READ_ONCE(ns->msg_ctlmnb);
		s->msgmni = READ_ONCE(ns->msg_ctlmni);
		s->sem[0] = READ_ONCE(ns->sem_ctls[0]);
		s->sem[1] = READ_ONCE(ns->sem_ctls[1]);
		s->sem[2] = READ_ONCE(ns->sem_ctls[2]);
		s->sem[3] = READ_ONCE(ns->sem_ctls[3]);
		s->sem_next_id = ckpt_ipc_next_id(ns, IPC_SEM_IDS);
		s->msg_next_id = ckpt_ipc_next_id(ns, IPC_MSG_IDS);
		s->shm_next_id = ckpt_ipc_next_id(ns, IPC_SHM_IDS);
	}
	if (IS_ENABLED(CONFIG_POSIX_MQUEUE)) {
		s->flags |= CKPT_IPC_MQUEUE;
		s->mq_queues_max = READ_ONCE(ns->mq_queues_max);
		s->mq_msg_max = READ_ONCE(ns->mq_msg_max);
		s->mq_msgsize_max = READ_ONCE(ns->mq_msgsize_max);
		s->mq_msg_default = READ_ONCE(ns->mq_msg_default);
		s->mq_msgsize_default = READ_ONCE(ns->mq_msgsize_default);
	}
}

/**
 * ckpt_ipc_fill_container - save the ipc sysctls in the container record
 * @ctx:	checkpoint context; the init's namespaces are pinned.
 * @rec:	the record being filled.
 */
void ckpt_ipc_fill_container(struct ckpt_ctx *ctx,
			     struct ckpt_rec_container *rec)
{
	ckpt_ipc_read(ctx->tasks[0].nsproxy->ipc_ns, &rec->ipc);
}

/* ---- restart ---- */

/* A bound that stands for ipc_mni, known at boot only. */
#define CKPT_IPC_MNI	(-2LL)

/*
 * Each sysctl: its name, its place in the record, the kind it belongs
 * to, the range its handler enforces, and whether it is one of the
 * next_id sysctls, which their own rule guards.
 */
struct ckpt_ipc_field {
	const char *name;
	size_t off;
	bool wide;		/* a __u64: any value */
	bool next_id;
	u32 kind;
	s64 min, max;
};

#define CKPT_IPC_F(n, f, k, lo, hi) {				\
	.name = n, .off = offsetof(struct ckpt_ipc_sysctls, f),	\
	.kind = k, .min = lo, .max = hi,			\
}

/* proc_doulongvec_minmax() with no bounds: any value. */
#define CKPT_IPC_U64(n, f) {					\
	.name = n, .off = offsetof(struct ckpt_ipc_sysctls, f),	\
	.wide = true, .kind = CKPT_IPC_SYSV,			\
}

#define CKPT_IPC_ID(n, f) {					\
	.name = n, .off = offsetof(struct ckpt_ipc_sysctls, f),	\
	.next_id = true, .kind = CKPT_IPC_SYSV, .min = -1,	\
	.max = INT_MAX,						\
}

static const struct ckpt_ipc_field ckpt_ipc_fields[] = {
	CKPT_IPC_U64("kernel.shmmax", shmmax),
	CKPT_IPC_U64("kernel.shmall", shmall),
	CKPT_IPC_F("kernel.shmmni", shmmni, CKPT_IPC_SYSV, 0, CKPT_IPC_MNI),
	CKPT_IPC_F("kernel.shm_rmid_forced", shm_rmid_forced, CKPT_IPC_SYSV, 0, 1),
	CKPT_IPC_F("kernel.msgmax", msgmax, CKPT_IPC_SYSV, 0, INT_MAX),
	CKPT_IPC_F("kernel.msgmnb", msgmnb, CKPT_IPC_SYSV, 0, INT_MAX),
	CKPT_IPC_F("kernel.msgmni", msgmni, CKPT_IPC_SYSV, 0, CKPT_IPC_MNI),
	/* proc_dointvec: any int, except semmni. */
	CKPT_IPC_F("kernel.sem semmsl", sem[0], CKPT_IPC_SYSV, INT_MIN, INT_MAX),
	CKPT_IPC_F("kernel.sem semmns", sem[1], CKPT_IPC_SYSV, INT_MIN, INT_MAX),
	CKPT_IPC_F("kernel.sem semopm", sem[2], CKPT_IPC_SYSV, INT_MIN, INT_MAX),
	CKPT_IPC_F("kernel.sem semmni", sem[3], CKPT_IPC_SYSV, 0, CKPT_IPC_MNI),
	/* -1 is what a namespace has until one is written. */
	CKPT_IPC_ID("kernel.sem_next_id", sem_next_id),
	CKPT_IPC_ID("kernel.msg_next_id", msg_next_id),
	CKPT_IPC_ID("kernel.shm_next_id", shm_next_id),
#ifdef CONFIG_POSIX_MQUEUE
	CKPT_IPC_F("fs.mqueue.queues_max", mq_queues_max, CKPT_IPC_MQUEUE,
		   INT_MIN, INT_MAX),
	CKPT_IPC_F("fs.mqueue.msg_max", mq_msg_max, CKPT_IPC_MQUEUE,
		   MIN_MSGMAX, HARD_MSGMAX),
	CKPT_IPC_F("fs.mqueue.msgsize_max", mq_msgsize_max, CKPT_IPC_MQUEUE,
		   MIN_MSGSIZEMAX, HARD_MSGSIZEMAX),
	CKPT_IPC_F("fs.mqueue.msg_default", mq_msg_default, CKPT_IPC_MQUEUE,
		   MIN_MSGMAX, HARD_MSGMAX),
	CKPT_IPC_F("fs.mqueue.msgsize_default", mq_msgsize_default,
		   CKPT_IPC_MQUEUE, MIN_MSGSIZEMAX, HARD_MSGSIZEMAX),
#endif
};

static s64 ckpt_ipc_value(const struct ckpt_ipc_sysctls *s,
			  const struct ckpt_ipc_field *f)
{
	const void *p = (const void *)s + f->off;

	return f->wide ? (s64)*(const u64 *)p : *(const s32 *)p;
}

/* The kinds of sysctl this kernel has; an image's may not be more. */
static u32 ckpt_ipc_kinds(void)
{
	return (IS_ENABLED(CONFIG_SYSVIPC) ? CKPT_IPC_SYSV : 0) |
	       (IS_ENABLED(CONFIG_POSIX_MQUEUE) ? CKPT_IPC_MQUEUE : 0);
}

/**
 * ckpt_ipc_read_container - check the ipc sysctls of a container record
 * @ctx:	restart context.
 * @rec:	the record, as read.
 *
 * Every value must be one its sysctl takes, and the fields of a kind the
 * record does not have zero.  Whether this restarter may set them is
 * decided once the namespace exists (ckpt_ipc_restore()).
 *
 * Return: 0, or a negative errno (logged).
 */
int ckpt_ipc_read_container(struct ckpt_ctx *ctx,
			    const struct ckpt_rec_container *rec)
{
	const struct ckpt_ipc_sysctls *s = &rec->ipc;
	struct ckpt_ipc_sysctls known = { .flags = s->flags };
	unsigned int i;

	if (s->flags & ~CKPT_IPC_FLAGS)
		return ckpt_err(ctx, -EINVAL, "malformed ipc sysctls: flags %#x",
				s->flags);
	if (s->flags & ~ckpt_ipc_kinds())
		return ckpt_err(ctx, -EOPNOTSUPP,
				"the container had %s, which this kernel has not",
				s->flags & ~ckpt_ipc_kinds() & CKPT_IPC_SYSV ?
				"System V IPC" : "POSIX message queues");
	for (i = 0; i < ARRAY_SIZE(ckpt_ipc_fields); i++) {
		const struct ckpt_ipc_field *f = &ckpt_ipc_fields[i];
		s64 v = ckpt_ipc_value(s, f);
		s64 max = f->max == CKPT_IPC_MNI ? ipc_mni : f->max;

		if (!(s->flags & f->kind))
			continue;
		if (!f->wide && (v < f->min || v > max))
			return ckpt_err(ctx, -EINVAL, "bad %s %lld", f->name, v);
		memcpy((void *)&known + f->off, (const void *)s + f->off,
		       f->wide ? sizeof(u64) : sizeof(s32));
	}
	/* Anything left is a value of a kind the flags leave out. */
	if (memcmp(&known, s, sizeof(known)))
		return ckpt_err(ctx, -EINVAL,
				"malformed ipc sysctls: flags %#x, and values of a kind they leave out",
				s->flags);
	ckpt_rst(ctx)->ipc = *s;
	return 0;
}

/*
 * Could current write the sysctl @f in @ns through /proc/sys?  The rule
 * of ipc_permissions() and mq_permissions(): the owner of the files is
 * root of the namespace's user namespace, and only the owner may write
 * (mode 0644); the next_id ones are for CAP_CHECKPOINT_RESTORE over it.
 */
static bool ckpt_ipc_may_write(struct ipc_namespace *ns,
			       const struct ckpt_ipc_field *f)
{
	kuid_t root = make_kuid(ns->user_ns, 0);

	if (f->next_id)
		return checkpoint_restore_ns_capable(ns->user_ns);
	if (!uid_valid(root))
		root = GLOBAL_ROOT_UID;
	return uid_eq(current_euid(), root);
}

/* Whether this kernel has the sysctl @f at all. */
static bool ckpt_ipc_settable(const struct ckpt_ipc_field *f)
{
	if (f->kind == CKPT_IPC_MQUEUE)
		return IS_ENABLED(CONFIG_POSIX_MQUEUE_SYSCTL);
	return IS_ENABLED(CONFIG_SYSVIPC_SYSCTL) &&
	       (!f->next_id || IS_ENABLED(CONFIG_CHECKPOINT_RESTORE));
}

static void ckpt_ipc_write(struct ipc_namespace *ns,
			   const struct ckpt_ipc_sysctls *s)
{
	if (s->flags & CKPT_IPC_SYSV) {
		WRITE_ONCE(ns->shm_ctlmax, s->shmmax);
		WRITE_ONCE(ns->shm_ctlall, s->shmall);
		WRITE_ONCE(ns->shm_ctlmni, s->shmmni);
		/*
		 * The sysctl also destroys the orphaned segments; a new
		 * namespace has none.
		 */
		WRITE_ONCE(ns->shm_rmid_forced, s->shm_rmid_forced);
		WRITE_ONCE(ns->msg_ctlmax, s->msgmax);
		WRITE_ONCE(ns->msg_ctlmnb, s->msgmnb);
		WRITE_ONCE(ns->msg_ctlmni, s->msgmni);
		WRITE_ONCE(ns->sem_ctls[0], s->sem[0]);
		WRITE_ONCE(ns->sem_ctls[1], s->sem[1]);
		WRITE_ONCE(ns->sem_ctls[2], s->sem[2]);
		WRITE_ONCE(ns->sem_ctls[3], s->sem[3]);
#ifdef CONFIG_CHECKPOINT_RESTORE
		WRITE_ONCE(ns->ids[IPC_SEM_IDS].next_id, s->sem_next_id);
		WRITE_ONCE(ns->ids[IPC_MSG_IDS].next_id, s->msg_next_id);
		WRITE_ONCE(ns->ids[IPC_SHM_IDS].next_id, s->shm_next_id);
#endif
	}
	if (s->flags & CKPT_IPC_MQUEUE) {
		WRITE_ONCE(ns->mq_queues_max, s->mq_queues_max);
		WRITE_ONCE(ns->mq_msg_max, s->mq_msg_max);
		WRITE_ONCE(ns->mq_msgsize_max, s->mq_msgsize_max);
		WRITE_ONCE(ns->mq_msg_default, s->mq_msg_default);
		WRITE_ONCE(ns->mq_msgsize_default, s->mq_msgsize_default);
	}
}

/**
 * ckpt_ipc_restore - set the container's ipc sysctls in its new namespace
 * @ctx:	restart context; ckpt_ipc_read_container() checked the values.
 *
 * Called by the init, created in a new ipc namespace and still with the
 * restarter's credentials, before anything in the container runs.  A
 * value that differs from the new namespace's own needs a kernel with
 * the sysctl and a restarter who could write it there.  Values of a
 * kind the image does not have stay the namespace's: the checkpointing
 * kernel had no such sysctls for the container to see.
 *
 * Return: 0, or -EPERM (logged).
 */
int ckpt_ipc_restore(struct ckpt_ctx *ctx)
{
	struct ckpt_rst_ctx *rst = ckpt_rst(ctx);
	struct ipc_namespace *ns = current->nsproxy->ipc_ns;
	struct ckpt_ipc_sysctls here;
	unsigned int i;

	ckpt_ipc_read(ns, &here);
	for (i = 0; i < ARRAY_SIZE(ckpt_ipc_fields); i++) {
		const struct ckpt_ipc_field *f = &ckpt_ipc_fields[i];
		s64 v = ckpt_ipc_value(&rst->ipc, f);
		char val[24];

		if (!(rst->ipc.flags & f->kind) || v == ckpt_ipc_value(&here, f))
			continue;
		if (f->wide)
			snprintf(val, sizeof(val), "%llu", (u64)v);
		else
			snprintf(val, sizeof(val), "%lld", v);
		if (!ckpt_ipc_settable(f))
			return ckpt_err(ctx, -EPERM,
					"the container had %s %s, which cannot be set here",
					f->name, val);
		if (!ckpt_ipc_may_write(ns, f))
			return ckpt_err(ctx, -EPERM,
					"the container had %s %s, which the restarter may not set",
					f->name, val);
	}
	ckpt_ipc_write(ns, &rst->ipc);
	return 0;
}
