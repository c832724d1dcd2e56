import sys, os; sys.path.insert(0, os.path.dirname(os.path.abspath(__file__))); from inc import add_include, edit
# Peel "ipcns": the sysctls of the container's ipc namespace.  Restart
# gives the container a new ipc namespace either way; until the kind is
# saved, a container whose namespace's sysctls differ from a new one's
# is refused, and a container record that holds any is refused.
d = 'kernel/checkpoint/'
os.remove(d + 'ipcns.c')
os.remove('Documentation/checkpoint/ipcns.rst')
edit(d + 'Makefile', 'obj-y += ipcns.o\n', '')
h = d + 'internal.h'
edit(h, ' * @ipc:	the sysctls of its ipc namespace (ipcns.c).\n', '')
edit(h, '\tstruct ckpt_ipc_sysctls ipc;\n', '')
edit(h, '''/* ipcns.c */
void ckpt_ipc_fill_container(struct ckpt_ctx *ctx,
			     struct ckpt_rec_container *rec);
int ckpt_ipc_read_container(struct ckpt_ctx *ctx,
			    const struct ckpt_rec_container *rec);
int ckpt_ipc_restore(struct ckpt_ctx *ctx);
''', '''/*
 * The sysctls of the container's ipc namespace are not saved yet:
 * restart gives the container a new ipc namespace, whose sysctls are a
 * new namespace's (shm_init_ns(), msg_init_ns(), sem_init_ns(),
 * mq_init_ns()).  A container that saw other values, in a namespace of
 * its own or in the checkpointer's, is refused.  Its record's ipc part
 * stays zero, of no kind: a kernel that restores them leaves a new
 * namespace's too.
 */
static inline bool ckpt_ipc_sysctls_set(struct ipc_namespace *ns)
{
	bool set = false;

	if (IS_ENABLED(CONFIG_SYSVIPC))
		set = READ_ONCE(ns->shm_ctlmax) != SHMMAX ||
		      READ_ONCE(ns->shm_ctlall) != SHMALL ||
		      READ_ONCE(ns->shm_ctlmni) != SHMMNI ||
		      READ_ONCE(ns->shm_rmid_forced) ||
		      READ_ONCE(ns->msg_ctlmax) != MSGMAX ||
		      READ_ONCE(ns->msg_ctlmnb) != MSGMNB ||
		      READ_ONCE(ns->msg_ctlmni) != MSGMNI ||
		      READ_ONCE(ns->sem_ctls[0]) != SEMMSL ||
		      READ_ONCE(ns->sem_ctls[1]) != SEMMNS ||
		      READ_ONCE(ns->sem_ctls[2]) != SEMOPM ||
		      READ_ONCE(ns->sem_ctls[3]) != SEMMNI;
#if defined(CONFIG_SYSVIPC) && defined(CONFIG_CHECKPOINT_RESTORE)
	/* kernel.*_next_id: -1 until written, and again once used. */
	for (unsigned int i = 0; i < ARRAY_SIZE(ns->ids); i++)
		set |= READ_ONCE(ns->ids[i].next_id) != -1;
#endif
#ifdef CONFIG_POSIX_MQUEUE
	set |= READ_ONCE(ns->mq_queues_max) != DFLT_QUEUESMAX ||
	       READ_ONCE(ns->mq_msg_max) != DFLT_MSGMAX ||
	       READ_ONCE(ns->mq_msgsize_max) != DFLT_MSGSIZEMAX ||
	       READ_ONCE(ns->mq_msg_default) != DFLT_MSG ||
	       READ_ONCE(ns->mq_msgsize_default) != DFLT_MSGSIZE;
#endif
	return set;
}

static inline void ckpt_ipc_fill_container(struct ckpt_ctx *ctx,
					   struct ckpt_rec_container *rec)
{
}

static inline int ckpt_ipc_read_container(struct ckpt_ctx *ctx,
					  const struct ckpt_rec_container *rec)
{
	if (memchr_inv(&rec->ipc, 0, sizeof(rec->ipc)))
		return ckpt_err(ctx, -EOPNOTSUPP,
				"the image has ipc namespace sysctls, which this kernel does not restore yet");
	return 0;
}

static inline int ckpt_ipc_restore(struct ckpt_ctx *ctx)
{
	return 0;
}
''')
for hdr in ('linux/ipc_namespace.h', 'linux/msg.h', 'linux/sem.h',
            'linux/string.h', 'uapi/linux/shm.h'):
    add_include(h, hdr)

c = d + 'checkpoint.c'
edit(c, ''' * init's: refuse anything else rather than restore it wrong.  Of an ipc
 * namespace only the sysctls are saved (ipcns.c), so it must hold no
 * System V objects or message queues.  The new mount namespace is a
 * copy of the restarter's, and no mount is saved: the init's must be
 * the checkpointer's, or a copy of it with nothing mounted, unmounted
 * or remounted since.''', ''' * init's: refuse anything else rather than restore it wrong.  Nothing of
 * an ipc namespace is saved yet, so it must hold no System V objects or
 * message queues, and its sysctls must be a new namespace's.  The new
 * mount namespace is a copy of the restarter's, and no mount is saved:
 * the init's must be the checkpointer's, or a copy of it with nothing
 * mounted, unmounted or remounted since.''')
edit(c, '''#ifdef CONFIG_POSIX_MQUEUE
	else if (READ_ONCE(ref->ipc_ns->mq_queues_count))
		why = "has POSIX message queues; not supported yet";
#endif
''', '''#ifdef CONFIG_POSIX_MQUEUE
	else if (READ_ONCE(ref->ipc_ns->mq_queues_count))
		why = "has POSIX message queues; not supported yet";
#endif
	else if (ckpt_ipc_sysctls_set(ref->ipc_ns))
		why = "has ipc namespace sysctls other than a new namespace's; not supported yet";
''')
