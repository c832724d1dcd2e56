/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * In-kernel checkpoint/restart of whole containers: the syscall
 * arguments and the image format.
 *
 * An image is a stream of records.  Every record starts with a
 * struct ckpt_rec, is padded with zeroes to a multiple of 8 bytes, and is
 * read strictly in order; the stream never seeks.  The first record is
 * CKPT_REC_HEADER and the last is CKPT_REC_TRAILER, whose checksum covers
 * every byte before it.  Shared kernel objects are written once, before
 * their first use, and referred to by objref from then on.
 *
 * Every field is little-endian, whatever the machine; the kernel writes
 * and reads images only where that is its own byte order.
 *
 * How the format grows, so that an image outlives the kernel that wrote
 * it (the rule of copy_struct_from_user()):
 *
 *  - A record's fixed part (its struct ckpt_rec_*) only ever grows, by
 *    fields appended at its end, and a field that is zero means what the
 *    image meant before the field existed.  Each record says how long its
 *    fixed part is as written (struct ckpt_rec @hdr_len), a multiple of
 *    CKPT_ALIGN so that its variable part, if the type has one, follows
 *    it aligned; a reader refuses any other length, naming the record.
 *  - A reader takes a fixed part longer than the one it knows when every
 *    byte it does not know is zero, and refuses it otherwise, naming the
 *    record: a field it cannot honour must not be dropped unseen.
 *  - A reader takes a fixed part shorter than the one it knows, down to
 *    the size the type had when it was first defined
 *    (CKPT_REC_<TYPE>_SIZE_VER0, a constant that never changes), and
 *    reads the missing fields as zero.
 *  - A change that zero cannot express (a field whose zero does not mean
 *    "as before", a new record an older reader would stop at) gets a bit
 *    in the header's @features, set only by a writer whose image uses it.
 *    A reader refuses an image with a bit it does not know, naming it.
 *  - So does a new field whose zero would grant more than the image
 *    granted before it existed: a uid or gid (0 is root), a limit (0 as
 *    "none"), a pid, a namespace or anything else where zero means "the
 *    restarter's own" or "outside the container".  An image from an
 *    older writer reads it as zero; the feature bit is what lets a
 *    reader tell "zero as written" from "not written at all".
 *  - New flag bits in an existing field are refused as unknown by the
 *    readers that lack them (a reader checks a flags field against the
 *    mask of the bits it knows), never ignored: a flag a reader cannot
 *    honour must not be dropped unseen.
 *  - A reader checks the header's @magic and @version first, from the
 *    bytes where every format version had them (offsets 8 and 16), so
 *    that an image of another version is refused as one, whatever its
 *    framing.
 *  - CKPT_IMAGE_VERSION changes only when the framing itself does.
 *
 * Arrays inside a record's variable part (tree entries, pidns entries,
 * fd entries, lock entries) have fixed entry sizes for now: growing one
 * needs an entry size in its record's fixed part first, added under the
 * rule above.
 */
#ifndef _UAPI_LINUX_CHECKPOINT_H
#define _UAPI_LINUX_CHECKPOINT_H

#include <linux/types.h>

/* checkpoint(2) flags */
#define CHECKPOINT_KILL		(1ULL << 0)	/* kill the container once saved */
#define CHECKPOINT_FLAGS_ALL	(CHECKPOINT_KILL)

/**
 * struct checkpoint_args - arguments of checkpoint(2)
 * @flags:	CHECKPOINT_* flags.
 * @pid:	the container's init, as the caller sees it.
 * @fd:		where the image is written; a file, pipe or socket.
 * @logfd:	-1, or an fd that receives one line per problem found.
 * @__reserved:	must be zero.
 */
struct checkpoint_args {
	__aligned_u64 flags;
	__s32 pid;
	__s32 fd;
	__s32 logfd;
	__u32 __reserved;
};

#define CHECKPOINT_ARGS_SIZE_VER0	24

/* restart(2) flags */
#define RESTART_FROZEN		(1ULL << 0)	/* leave it stopped until SIGCONT */
#define RESTART_FLAGS_ALL	(RESTART_FROZEN)

/**
 * struct restart_args - arguments of restart(2)
 * @flags:	RESTART_* flags.
 * @fd:		the image, read sequentially.
 * @logfd:	-1, or an fd that receives one line per problem found.
 * @__reserved:	must be zero.
 */
struct restart_args {
	__aligned_u64 flags;
	__s32 fd;
	__s32 logfd;
	__u32 __reserved[2];
};

#define RESTART_ARGS_SIZE_VER0		24

/* ---- Image format ---- */

#define CKPT_IMAGE_MAGIC	0x52435f58554e494cULL	/* "LINUX_CR" */
#define CKPT_IMAGE_VERSION	7
#define CKPT_ALIGN		8
#define CKPT_REC_MAX_LEN	(1U << 20)	/* largest single record */

enum ckpt_arch {
	CKPT_ARCH_X86_64 = 1,
};

/* Record types. */
enum ckpt_rec_type {
	CKPT_REC_HEADER = 1,	/* struct ckpt_rec_header */
	CKPT_REC_TRAILER,	/* struct ckpt_rec_trailer */
	CKPT_REC_CONTAINER,	/* struct ckpt_rec_container + tree entries */
	CKPT_REC_OBJ,		/* struct ckpt_rec_obj, then the object's records */
	CKPT_REC_TASK,		/* struct ckpt_rec_task */
	CKPT_REC_CPU,		/* struct ckpt_rec_cpu + XSAVE area */
	CKPT_REC_MM,		/* struct ckpt_rec_mm */
	CKPT_REC_VMA,		/* struct ckpt_rec_vma + path if file-backed */
	CKPT_REC_PAGES,		/* struct ckpt_rec_pages + page contents */
	CKPT_REC_FILES,		/* struct ckpt_rec_files + fd entries */
	CKPT_REC_FILE,		/* struct ckpt_rec_file + path */
	CKPT_REC_FS,		/* struct ckpt_rec_fs + root and cwd paths */
	CKPT_REC_SIGHAND,	/* struct ckpt_rec_sighand */
	CKPT_REC_CRED,		/* struct ckpt_rec_cred + groups */
	CKPT_REC_SIGPENDING,	/* struct ckpt_rec_sigpending + siginfos */
	CKPT_REC_PIPE,		/* struct ckpt_rec_pipe + buffered bytes */
	CKPT_REC_SHMEM,		/* struct ckpt_rec_shmem, then its pages */
	CKPT_REC_PIDNS,		/* struct ckpt_rec_pidns + namespaces + pids */
	CKPT_REC_TIMERS,	/* struct ckpt_rec_timers, per process */
	CKPT_REC_SECCOMP,	/* struct ckpt_rec_seccomp, per task */
	CKPT_REC_SECCOMP_FILTER, /* struct ckpt_rec_seccomp_filter + insns */
	CKPT_REC_LOCKS,		/* struct ckpt_rec_locks + struct ckpt_lock entries */
	CKPT_REC_ZOMBIE,	/* struct ckpt_rec_zombie */
	CKPT_REC_POSIX_TIMER,	/* struct ckpt_rec_posix_timer, per POSIX timer */
	CKPT_REC_AUTOGROUP,	/* struct ckpt_rec_autogroup */
	CKPT_REC_MAX
};

/*
 * The size of each record type's fixed part when the type was first
 * defined: the least @hdr_len a record of it may have, whatever its
 * struct has grown to since.  Literals, never sizeof(), so that a field
 * appended to a struct leaves them be; each is a multiple of CKPT_ALIGN.
 */
#define CKPT_REC_HEADER_SIZE_VER0		128
#define CKPT_REC_TRAILER_SIZE_VER0		24
#define CKPT_REC_CONTAINER_SIZE_VER0		248
#define CKPT_REC_OBJ_SIZE_VER0			16
#define CKPT_REC_TASK_SIZE_VER0			680
#define CKPT_REC_CPU_SIZE_VER0			256
#define CKPT_REC_MM_SIZE_VER0			664
#define CKPT_REC_VMA_SIZE_VER0			80
#define CKPT_REC_PAGES_SIZE_VER0		24
#define CKPT_REC_FILES_SIZE_VER0		16
#define CKPT_REC_FILE_SIZE_VER0			56
#define CKPT_REC_FS_SIZE_VER0			56
#define CKPT_REC_SIGHAND_SIZE_VER0		2056
#define CKPT_REC_CRED_SIZE_VER0			88
#define CKPT_REC_SIGPENDING_SIZE_VER0		24
#define CKPT_REC_PIPE_SIZE_VER0			16
#define CKPT_REC_SHMEM_SIZE_VER0		16
#define CKPT_REC_PIDNS_SIZE_VER0		16
#define CKPT_REC_TIMERS_SIZE_VER0		64
#define CKPT_REC_SECCOMP_SIZE_VER0		16
#define CKPT_REC_SECCOMP_FILTER_SIZE_VER0	24
#define CKPT_REC_LOCKS_SIZE_VER0		16
#define CKPT_REC_ZOMBIE_SIZE_VER0		64
#define CKPT_REC_POSIX_TIMER_SIZE_VER0		80
#define CKPT_REC_AUTOGROUP_SIZE_VER0		16

/* Kinds of shared object, named by objref once written. */
enum ckpt_obj_type {
	CKPT_OBJ_MM = 1,
	CKPT_OBJ_FILES,		/* an fd table */
	CKPT_OBJ_FILE,		/* an open file description */
	CKPT_OBJ_FS,		/* root, cwd and umask */
	CKPT_OBJ_SIGHAND,	/* signal handlers */
	CKPT_OBJ_CRED,		/* credentials */
	CKPT_OBJ_PIPE,		/* a pipe, both its ends and its contents */
	CKPT_OBJ_SHMEM,		/* shared anonymous memory and its contents */
	CKPT_OBJ_FIFO,		/* a named pipe's contents; its files have its path */
	CKPT_OBJ_SECCOMP,	/* a seccomp filter, on top of the one before it */
	CKPT_OBJ_AUTOGROUP,	/* a scheduler autogroup, and its nice value */
	CKPT_OBJ_MAX
};

/*
 * Feature bits of struct ckpt_rec_header @features: none yet.  A bit is
 * added here, with its name in the kernel's and cr's tables, by the
 * change that needs it; see "How the format grows" above.
 */
#define CKPT_FEATURES		0ULL

/**
 * struct ckpt_rec - header that starts every record
 * @type:	enum ckpt_rec_type.
 * @hdr_len:	bytes in the record's fixed part as written, this header
 *		included: a multiple of CKPT_ALIGN, at least its type's
 *		CKPT_REC_<TYPE>_SIZE_VER0, at most @len.  The variable part
 *		starts here.
 * @len:	bytes in the record including this header, excluding padding.
 */
struct ckpt_rec {
	__u16 type;
	__u16 hdr_len;
	__u32 len;
};

/**
 * struct ckpt_file_id - which inode a saved path named at checkpoint
 * @ino:	its inode number.
 * @dev:	its filesystem's device number, new_encode_dev() form.
 * @generation:	its i_generation, which tells apart the inodes that
 *		reuse one number.
 *
 * Restart looks the path up again and refuses whatever it finds there
 * that is not this inode.  All zero where a record names no path.
 */
struct ckpt_file_id {
	__aligned_u64 ino;
	__u32 dev;
	__u32 generation;
};

#define CKPT_RELEASE_LEN	65

/**
 * struct ckpt_rec_header - the first record of an image
 * @rec:	CKPT_REC_HEADER.
 * @magic:	CKPT_IMAGE_MAGIC.
 * @version:	CKPT_IMAGE_VERSION.
 * @arch:	enum ckpt_arch.
 * @page_size:	PAGE_SIZE of the checkpointed kernel.
 * @xstate_size: bytes of one task's FPU state in XSAVE UABI format.
 * @xfeatures:	the XSAVE features that state may hold.
 * @vdso_size:	size of the vdso image the tasks had mapped.
 * @vdso_crc:	crc32 of that vdso image; restart needs the same one.
 * @release:	utsname()->release of the checkpointed kernel, NUL-padded.
 * @__pad2:	zero.
 * @features:	CKPT_FEATURES bits the image uses.
 */
struct ckpt_rec_header {
	struct ckpt_rec rec;
	__aligned_u64 magic;
	__u32 version;
	__u32 arch;
	__u32 page_size;
	__u32 xstate_size;
	__aligned_u64 xfeatures;
	__u32 vdso_size;
	__u32 vdso_crc;
	char release[CKPT_RELEASE_LEN];
	__u8 __pad2[7];
	__aligned_u64 features;
};

/**
 * struct ckpt_rec_trailer - the last record of an image
 * @rec:	CKPT_REC_TRAILER.
 * @magic:	CKPT_IMAGE_MAGIC.
 * @nr_records:	records before this one, the header included.
 * @crc:	crc32 (as zlib computes it) of every byte before this record.
 */
struct ckpt_rec_trailer {
	struct ckpt_rec rec;
	__aligned_u64 magic;
	__u32 nr_records;
	__u32 crc;
};

/*
 * What a task shares with its parent.  Restart creates the task with the
 * matching clone flags; whatever it does not share it gets its own copy
 * of, named by a new objref in its task record.
 */
#define CKPT_TREE_CLONE_FILES	(1U << 0)
#define CKPT_TREE_CLONE_FS	(1U << 1)
#define CKPT_TREE_CLONE_SIGHAND	(1U << 2)
#define CKPT_TREE_CLONE_FLAGS	(CKPT_TREE_CLONE_FILES | CKPT_TREE_CLONE_FS | \
				 CKPT_TREE_CLONE_SIGHAND)
/*
 * The process is stopped (SIGNAL_STOP_STOPPED) by @stop_signal; restart
 * stops it again without telling its parent anything.
 */
#define CKPT_TREE_STOPPED	(1U << 3)
/*
 * Exited and not yet reaped: no records of its own, only @exit_code --
 * unless it leads threads that still run, when it has the records that
 * give them the process's objects.
 */
#define CKPT_TREE_ZOMBIE	(1U << 4)
/*
 * With CKPT_TREE_STOPPED: its parent's wait(2) has reported the stop
 * already, and WUNTRACED does not report it again.
 */
#define CKPT_TREE_STOP_WAITED	(1U << 5)
/*
 * Continued by SIGCONT since its parent last waited for that: a wait
 * with WCONTINUED reports it once (SIGNAL_STOP_CONTINUED).  Never with
 * CKPT_TREE_STOPPED.
 */
#define CKPT_TREE_CONTINUED	(1U << 6)
/* What a process's entry says of its stops, and only a process's. */
#define CKPT_TREE_STOP_FLAGS	(CKPT_TREE_STOPPED | CKPT_TREE_STOP_WAITED | \
				 CKPT_TREE_CONTINUED)
#define CKPT_TREE_FLAGS		(CKPT_TREE_CLONE_FLAGS | CKPT_TREE_ZOMBIE | \
				 CKPT_TREE_STOP_FLAGS)

#define CKPT_TASK_COMM_LEN	16

/**
 * struct ckpt_tree_entry - one task of the container, in creation order
 * @pid:	pid in the container's pid namespace.
 * @ppid:	pid of the task that creates it on restart: for a thread,
 *		its group leader; for a process, the thread that forked it
 *		(its real parent); 0 for the container's init.
 * @tgid:	thread group id there.
 * @flags:	CKPT_TREE_* flags.
 * @pgid:	process group there; 0 when the group is outside the
 *		container (it was inherited from whoever started it).
 * @sid:	session there, 0 likewise.
 * @exit_code:	CKPT_TREE_ZOMBIE: the status wait() reports for it.
 * @exit_signal: what its parent is sent when it exits (0 for none).
 * @pidns:	the pid namespace it is in: 0 for the container's, else
 *		an index into the CKPT_REC_PIDNS table.
 * @child_pidns: the pid namespace its children are created in, likewise
 *		(it differs from @pidns after unshare(CLONE_NEWPID)).
 * @comm:	CKPT_TREE_ZOMBIE: its name, NUL-padded, as ps(1) shows it;
 *		all zero for other tasks, whose task record has it.
 * @stop_signal: CKPT_TREE_STOPPED: the signal that stopped the process,
 *		SIGSTOP, SIGTSTP, SIGTTIN or SIGTTOU -- what its parent's
 *		wait and a tracer attaching later are told; else 0.
 * @__pad:	zero.
 *
 * The entries are in depth-first preorder from the init: a task's parent
 * comes before it, and its descendants follow it without a break.
 */
struct ckpt_tree_entry {
	__s32 pid;
	__s32 ppid;
	__s32 tgid;
	__u32 flags;
	__s32 pgid;
	__s32 sid;
	__s32 exit_code;
	__s32 exit_signal;
	__u32 pidns;
	__u32 child_pidns;
	char comm[CKPT_TASK_COMM_LEN];
	__s32 stop_signal;
	__u32 __pad;
};

#define CKPT_UTS_LEN		65

/**
 * struct ckpt_ipc_sysctls - the sysctls of the init's ipc namespace
 * @shmmax:	kernel.shmmax.
 * @shmall:	kernel.shmall.
 * @flags:	CKPT_IPC_SYSV: the System V fields are set (the kernel had
 *		System V IPC); CKPT_IPC_MQUEUE: the fs.mqueue ones.  The
 *		fields of a kind not set are zero.
 * @shmmni:	kernel.shmmni, 0 to IPCMNI (32768; 16M with ipcmni_extend).
 * @shm_rmid_forced: kernel.shm_rmid_forced, 0 or 1.
 * @msgmax:	kernel.msgmax, 0 to INT_MAX.
 * @msgmnb:	kernel.msgmnb, 0 to INT_MAX.
 * @msgmni:	kernel.msgmni, as @shmmni.
 * @sem:	kernel.sem: semmsl, semmns, semopm, and semmni (as @shmmni).
 * @sem_next_id: kernel.sem_next_id, the id the next semaphore set gets;
 *		-1: none chosen.
 * @msg_next_id: kernel.msg_next_id, for the next message queue.
 * @shm_next_id: kernel.shm_next_id, for the next shared memory segment.
 * @mq_queues_max: fs.mqueue.queues_max.
 * @mq_msg_max:	fs.mqueue.msg_max, 1 to 65536.
 * @mq_msgsize_max: fs.mqueue.msgsize_max, 128 to 16M.
 * @mq_msg_default: fs.mqueue.msg_default, as @mq_msg_max.
 * @mq_msgsize_default: fs.mqueue.msgsize_default, as @mq_msgsize_max.
 */
struct ckpt_ipc_sysctls {
	__aligned_u64 shmmax;
	__aligned_u64 shmall;
	__u32 flags;
	__s32 shmmni;
	__s32 shm_rmid_forced;
	__s32 msgmax;
	__s32 msgmnb;
	__s32 msgmni;
	__s32 sem[4];
	__s32 sem_next_id;
	__s32 msg_next_id;
	__s32 shm_next_id;
	__s32 mq_queues_max;
	__s32 mq_msg_max;
	__s32 mq_msgsize_max;
	__s32 mq_msg_default;
	__s32 mq_msgsize_default;
};

/* struct ckpt_ipc_sysctls flags */
#define CKPT_IPC_SYSV		(1U << 0)
#define CKPT_IPC_MQUEUE		(1U << 1)
#define CKPT_IPC_FLAGS		(CKPT_IPC_SYSV | CKPT_IPC_MQUEUE)

/**
 * struct ckpt_rec_container - the task tree, before any task's state
 * @rec:	CKPT_REC_CONTAINER; @nr_tasks struct ckpt_tree_entry follow,
 *		then @nr_pids __s32 pid numbers, then padding to 8 bytes.
 * @nr_tasks:	tasks in the container, the init first.
 * @nr_pids:	pids no task holds any more but which still name a
 *		process group or session (their leader has exited).
 * @nr_pidns:	pid namespaces nested in the container's; when nonzero a
 *		CKPT_REC_PIDNS record follows this one.
 * @nodename:	the init's uts namespace: hostname, NUL-terminated.
 * @domainname:	and NIS domain name.
 * @__pad2:	zero.
 * @last_pid:	the container's pid namespace: its ns_last_pid sysctl, the
 *		pid its next fork goes on from (-1: none allocated yet).
 * @memfd_noexec: its vm.memfd_noexec sysctl, MEMFD_NOEXEC_SCOPE_*.
 * @ipc:	the init's ipc namespace's sysctls, which restart sets in
 *		the container's new ipc namespace.
 */
struct ckpt_rec_container {
	struct ckpt_rec rec;
	__u32 nr_tasks;
	__u32 nr_pids;
	__u32 nr_pidns;
	char nodename[CKPT_UTS_LEN];
	char domainname[CKPT_UTS_LEN];
	__u8 __pad2[2];
	__s32 last_pid;
	__u32 memfd_noexec;
	struct ckpt_ipc_sysctls ipc;
};

#define CKPT_MAX_TASKS		16384

/* How far below the container's a nested pid namespace may be. */
#define CKPT_MAX_PIDNS_DEPTH	8

/**
 * struct ckpt_pidns_entry - a pid namespace nested in the container's
 * @parent:	the namespace it was created in: 0 for the container's,
 *		else the index of an earlier entry (entries count from 1).
 * @init_pid:	its init, by pid in the container's namespace; restart
 *		creates the namespace when it creates that task.
 * @last_pid:	its ns_last_pid, as in struct ckpt_rec_container.
 * @memfd_noexec: its vm.memfd_noexec, never below its parent's.
 */
struct ckpt_pidns_entry {
	__u32 parent;
	__s32 init_pid;
	__s32 last_pid;
	__u32 memfd_noexec;
};

/**
 * struct ckpt_rec_pidns - nested pid namespaces, and the pids tasks
 *	have in them
 * @rec:	CKPT_REC_PIDNS, right after CKPT_REC_CONTAINER; @nr_pidns
 *		struct ckpt_pidns_entry follow, then @nr_nested __s32 pid
 *		numbers, then padding to 8 bytes.  The numbers go task by
 *		task in tree order, for each task in a nested namespace
 *		one per level below the container's, outermost first: its
 *		own namespace's number comes last.
 * @nr_pidns:	the container record's @nr_pidns.
 * @nr_nested:	pid numbers that follow the table.
 */
struct ckpt_rec_pidns {
	struct ckpt_rec rec;
	__u32 nr_pidns;
	__u32 nr_nested;
};

/**
 * struct ckpt_rec_obj - opens a shared object the first time it is used
 * @rec:	CKPT_REC_OBJ; the object's own records follow.
 * @objref:	the number later records use for it; unique, nonzero.
 * @obj_type:	enum ckpt_obj_type.
 */
struct ckpt_rec_obj {
	struct ckpt_rec rec;
	__u32 objref;
	__u32 obj_type;
};

#define CKPT_TASK_CPU_WORDS	16	/* CPUs 0-1023 in an affinity mask */

/**
 * struct ckpt_rec_task - one task's own state and the objects it uses
 * @rec:	CKPT_REC_TASK.
 * @pid:	pid in the container's pid namespace.
 * @mm_ref:	objref of its mm.
 * @files_ref:	objref of its fd table.
 * @fs_ref:	objref of its root/cwd/umask.
 * @sighand_ref: objref of its signal handlers.
 * @cred_ref:	objref of its credentials.
 * @personality: personality(2) value.
 * @pdeath_signal: prctl(PR_SET_PDEATHSIG) value.
 * @nice:	nice value, -20..19.
 * @flags:	CKPT_TASK_*.
 * @blocked:	blocked signal mask, bit n-1 for signal n.
 * @altstack_sp: sigaltstack base.
 * @altstack_size: sigaltstack size; 0 for none.
 * @altstack_flags: SS_AUTODISARM, if set.
 * @nr_rlimits:	entries of @rlim in use (RLIM_NLIMITS).
 * @rlim:	resource limits, indexed by RLIMIT_*.
 * @comm:	task name, NUL-padded.
 * @clear_child_tid: set_tid_address(2): cleared and futex-woken at exit.
 * @robust_list: set_robust_list(2) head; 0 for none.
 * @rseq:	rseq(2) area; 0 when not registered.
 * @rseq_len:	its registered length.
 * @rseq_sig:	its abort signature.
 * @sched_policy: SCHED_* policy, as sched_getattr(2) reports it.
 * @sched_priority: real-time priority (SCHED_FIFO, SCHED_RR); else 0.
 * @sched_flags: SCHED_FLAG_RESET_ON_FORK, _RECLAIM, _DL_OVERRUN, and
 *		_UTIL_CLAMP_MIN/_MAX for a clamp the task asked for.
 * @sched_runtime: SCHED_DEADLINE runtime, or the slice a SCHED_OTHER or
 *		SCHED_BATCH task asked for (0: the default); ns.
 * @sched_deadline: SCHED_DEADLINE relative deadline, ns; else 0.
 * @sched_period: SCHED_DEADLINE period, ns; else 0.
 * @sched_util_min: uclamp minimum asked for (with SCHED_FLAG_UTIL_CLAMP_MIN).
 * @sched_util_max: uclamp maximum asked for (with SCHED_FLAG_UTIL_CLAMP_MAX).
 * @timer_slack_ns: prctl(PR_SET_TIMERSLACK) value in use.
 * @default_timer_slack_ns: what PR_SET_TIMERSLACK 0 goes back to.
 * @oom_score_adj: the process's /proc/PID/oom_score_adj.
 * @oom_score_adj_min: the floor below which only CAP_SYS_RESOURCE may go.
 * @ioprio:	ioprio_set(2) value; IOPRIO_CLASS_NONE: follows the nice value.
 * @spec_ctrl:	PR_GET_SPECULATION_CTRL state (PR_SPEC_ENABLE, _DISABLE,
 *		_FORCE_DISABLE, _DISABLE_NOEXEC) of PR_SPEC_STORE_BYPASS,
 *		PR_SPEC_INDIRECT_BRANCH and PR_SPEC_L1D_FLUSH, in that
 *		order; 0 where the task could not set it (not PR_SPEC_PRCTL).
 * @nr_cpus:	bits of @cpus in use; 0 with CKPT_TASK_ALL_CPUS.
 * @__pad:	zero.
 * @cpus:	CPU affinity, bit n for CPU n, as sched_setaffinity(2) takes it.
 * @utime:	user CPU time the task had used, ns (its CLOCK_THREAD_CPUTIME_ID
 *		is @runtime; getrusage(2) splits it as @utime and @stime).
 * @stime:	system CPU time, ns.
 * @runtime:	CPU time the scheduler counted for it, ns.
 * @dead_utime: .. @dead_runtime: the same, summed over the exited threads
 *		of the process; 0 in a thread's record.  With the live
 *		threads' they make CLOCK_PROCESS_CPUTIME_ID.
 * @children_utime: CPU time of the children the process waited for
 *		(times(2) tms_cutime), ns; 0 in a thread's record.
 * @children_stime: their system time (tms_cstime), ns.
 * @ptracer:	prctl(PR_SET_PTRACER) of the process (Yama's exception),
 *		in a leader's record: 0 for none, -1 for PR_SET_PTRACER_ANY,
 *		else the pid of the task of the container it names; 0 in a
 *		thread's record.
 * @autogroup_ref: the CKPT_OBJ_AUTOGROUP of the process, in a leader's
 *		record; 0 for one that is not the container's (shared with
 *		tasks outside it, or the kernel's default one): the
 *		restored process goes in the restarter's.  0 in a thread's
 *		record.
 */
struct ckpt_rec_task {
	struct ckpt_rec rec;
	__s32 pid;
	__u32 mm_ref;
	__u32 files_ref;
	__u32 fs_ref;
	__u32 sighand_ref;
	__u32 cred_ref;
	__u32 personality;
	__s32 pdeath_signal;
	__s32 nice;
	__u32 flags;
	__aligned_u64 blocked;
	__aligned_u64 altstack_sp;
	__aligned_u64 altstack_size;
	__u32 altstack_flags;
	__u32 nr_rlimits;
	struct ckpt_rlimit {
		__aligned_u64 cur;
		__aligned_u64 max;
	} rlim[16];
	char comm[CKPT_TASK_COMM_LEN];
	__aligned_u64 clear_child_tid;
	__aligned_u64 robust_list;
	__aligned_u64 rseq;
	__u32 rseq_len;
	__u32 rseq_sig;
	__u32 sched_policy;
	__u32 sched_priority;
	__aligned_u64 sched_flags;
	__aligned_u64 sched_runtime;
	__aligned_u64 sched_deadline;
	__aligned_u64 sched_period;
	__u32 sched_util_min;
	__u32 sched_util_max;
	__aligned_u64 timer_slack_ns;
	__aligned_u64 default_timer_slack_ns;
	__s32 oom_score_adj;
	__s32 oom_score_adj_min;
	__u32 ioprio;
	__u32 spec_ctrl[3];
	__u32 nr_cpus;
	__u32 __pad;
	__aligned_u64 cpus[CKPT_TASK_CPU_WORDS];
	__aligned_u64 utime;
	__aligned_u64 stime;
	__aligned_u64 runtime;
	__aligned_u64 dead_utime;
	__aligned_u64 dead_stime;
	__aligned_u64 dead_runtime;
	__aligned_u64 children_utime;
	__aligned_u64 children_stime;
	__s32 ptracer;
	__u32 autogroup_ref;
};

/* More CPU time than any task has used: 2^62 ns is 146 years. */
#define CKPT_CPUTIME_MAX	(1ULL << 62)

/* struct ckpt_rec_task flags */
#define CKPT_TASK_NO_NEW_PRIVS	(1U << 0)
#define CKPT_TASK_SUBREAPER	(1U << 1)	/* PR_SET_CHILD_SUBREAPER */
#define CKPT_TASK_HAS_SUBREAPER	(1U << 2)	/* an ancestor was one */
#define CKPT_TASK_MCE_KILL	(1U << 3)	/* PR_MCE_KILL_SET: own policy */
#define CKPT_TASK_MCE_EARLY	(1U << 4)	/* ... PR_MCE_KILL_EARLY */
#define CKPT_TASK_IO_FLUSHER	(1U << 5)	/* PR_SET_IO_FLUSHER */
#define CKPT_TASK_ALL_CPUS	(1U << 6)	/* affinity: every CPU there is */
#define CKPT_TASK_FORKNOEXEC	(1U << 7)	/* forked, not exec'd since */
#define CKPT_TASK_SUPERPRIV	(1U << 8)	/* used superuser privileges */

/**
 * struct ckpt_x86_regs - x86_64 user registers, as in struct user_regs_struct
 */
struct ckpt_x86_regs {
	__u64 r15, r14, r13, r12, bp, bx, r11, r10, r9, r8;
	__u64 ax, cx, dx, si, di, orig_ax, ip, cs, flags, sp, ss;
	__u64 fs_base, gs_base, ds, es, fs, gs;
};

/**
 * struct ckpt_rec_cpu - registers of one task, written by the coordinator
 * @rec:	CKPT_REC_CPU; followed by the header's xstate_size bytes of
 *		XSAVE area in UABI (ptrace NT_X86_XSTATE) format.
 * @pid:	the task, in the container's pid namespace.
 * @flags:	CKPT_CPU_*.
 * @regs:	general registers, with any syscall restart already applied.
 * @sleep_left_ns: CKPT_CPU_NANOSLEEP: what the interrupted sleep had left.
 * @sleep_rmtp:	where it reports the time left if interrupted; 0 for none.
 * @sleep_clockid: the clock it sleeps on.
 * @__pad:	zero.
 */
struct ckpt_rec_cpu {
	struct ckpt_rec rec;
	__s32 pid;
	__u32 flags;
	struct ckpt_x86_regs regs;
	__aligned_u64 sleep_left_ns;
	__aligned_u64 sleep_rmtp;
	__s32 sleep_clockid;
	__u32 __pad;
};

/*
 * The task was inside a relative nanosleep: its registers return it to
 * restart_syscall(), which sleeps for what was left.
 */
#define CKPT_CPU_NANOSLEEP	(1U << 0)

/**
 * struct ckpt_rec_mm - an address space; @nr_vmas CKPT_REC_VMA follow
 * @rec:	CKPT_REC_MM.
 * @nr_vmas:	number of VMAs.
 * @exe_len:	bytes of the executable's path at the end of the record.
 * @start_code: .. @env_end: the mm's layout, as prctl(PR_SET_MM_MAP).
 * @mmap_base:	where mmap() placement starts: top-down, or bottom-up
 *		with CKPT_MM_LEGACY_LAYOUT.
 * @auxv_len:	bytes of @auxv in use.
 * @dumpable:	SUID_DUMP_* value of the mm.
 * @auxv:	the ELF auxiliary vector.
 * @exe_id:	the executable's identity; zero without one.
 * @exe_cred_ref: objref of the credentials the executable was opened
 *		with (exec(2)'s caller's); zero without one.
 * @coredump_filter: the bits /proc/PID/coredump_filter shows.
 * @prctl_flags: CKPT_MM_*: what prctl(2), mlockall(2) and membarrier(2)
 *		set for the whole mm, and how exec(2) laid it out.
 * @__pad:	zero.
 */
struct ckpt_rec_mm {
	struct ckpt_rec rec;
	__u32 nr_vmas;
	__u32 exe_len;
	__aligned_u64 start_code, end_code, start_data, end_data;
	__aligned_u64 start_brk, brk, start_stack;
	__aligned_u64 arg_start, arg_end, env_start, env_end;
	__aligned_u64 mmap_base;
	__u32 auxv_len;
	__u32 dumpable;
	__aligned_u64 auxv[64];
	struct ckpt_file_id exe_id;
	__u32 exe_cred_ref;
	__u32 coredump_filter;
	__u32 prctl_flags;
	__u32 __pad;
};

/* struct ckpt_rec_mm @prctl_flags */
#define CKPT_MM_THP_DISABLE	(1U << 0)	/* PR_SET_THP_DISABLE */
#define CKPT_MM_MERGE_ANY	(1U << 1)	/* PR_SET_MEMORY_MERGE */
#define CKPT_MM_MDWE		(1U << 2)	/* PR_MDWE_REFUSE_EXEC_GAIN */
#define CKPT_MM_MDWE_NO_INHERIT	(1U << 3)	/* PR_MDWE_NO_INHERIT */
#define CKPT_MM_LOCK_FUTURE	(1U << 4)	/* mlockall(MCL_FUTURE) */
#define CKPT_MM_LOCK_ONFAULT	(1U << 5)	/* with MCL_ONFAULT */
/*
 * Bottom-up mmap() placement from @mmap_base, as exec(2) chose it under
 * personality(ADDR_COMPAT_LAYOUT) or vm.legacy_va_layout.
 */
#define CKPT_MM_LEGACY_LAYOUT	(1U << 6)
/* membarrier(2) registrations: MEMBARRIER_CMD_REGISTER_... */
#define CKPT_MM_MEMBARRIER_GLOBAL	(1U << 7)	/* _GLOBAL_EXPEDITED */
#define CKPT_MM_MEMBARRIER_PRIVATE	(1U << 8)	/* _PRIVATE_EXPEDITED */
#define CKPT_MM_MEMBARRIER_SYNC_CORE	(1U << 9)	/* ..._SYNC_CORE */
#define CKPT_MM_MEMBARRIER_RSEQ		(1U << 10)	/* ..._RSEQ */

/* struct ckpt_rec_vma kinds */
enum ckpt_vma_kind {
	CKPT_VMA_ANON = 1,	/* anonymous private */
	CKPT_VMA_FILE_PRIVATE,	/* private file mapping, COW pages saved */
	CKPT_VMA_FILE_SHARED,	/* shared file mapping, contents in the file */
	CKPT_VMA_VDSO,		/* the vvar and vdso pair, recreated */
	CKPT_VMA_VVAR,
	CKPT_VMA_SHMEM,		/* MAP_SHARED|MAP_ANONYMOUS, a CKPT_OBJ_SHMEM */
};

/**
 * struct ckpt_rec_vma - one VMA, followed by CKPT_REC_PAGES records for
 *	its saved pages, in address order
 * @rec:	CKPT_REC_VMA; a file-backed VMA has its path (@path_len bytes,
 *		no NUL) in the record after the fixed part.
 * @start:	first address.
 * @end:	address after the last.
 * @pgoff:	file offset in pages.
 * @prot:	PROT_* bits.
 * @flags:	MAP_SHARED (VM_MAYSHARE: mapped MAP_SHARED, even of a file
 *		opened read-only) or MAP_PRIVATE, MAP_GROWSDOWN,
 *		MAP_NORESERVE.
 * @kind:	enum ckpt_vma_kind.
 * @path_len:	bytes of path following.
 * @obj_ref:	CKPT_VMA_SHMEM: the memory, written before; @pgoff is into it.
 * @cred_ref:	a file-backed VMA: objref of the credentials its file was
 *		opened with; zero otherwise.
 * @advice:	CKPT_VMA_* bits: what madvise(2) and mlock(2) set on it.
 * @maxprot:	PROT_* bits mprotect(2) may give it (its VM_MAYREAD,
 *		VM_MAYWRITE, VM_MAYEXEC); a superset of @prot.  A MAP_SHARED
 *		file mapping without PROT_WRITE here had its file opened
 *		read-only, and comes back that way.
 * @id:		a file-backed VMA: the file's identity; zero otherwise.
 */
struct ckpt_rec_vma {
	struct ckpt_rec rec;
	__aligned_u64 start;
	__aligned_u64 end;
	__aligned_u64 pgoff;
	__u32 prot;
	__u32 flags;
	__u32 kind;
	__u32 path_len;
	__u32 obj_ref;
	__u32 cred_ref;
	__u32 advice;
	__u32 maxprot;
	struct ckpt_file_id id;
};

/* struct ckpt_rec_vma @advice: restart applies each with madvise(2) */
#define CKPT_VMA_DONTFORK	(1U << 0)	/* MADV_DONTFORK */
#define CKPT_VMA_WIPEONFORK	(1U << 1)	/* MADV_WIPEONFORK */
#define CKPT_VMA_DONTDUMP	(1U << 2)	/* MADV_DONTDUMP */
#define CKPT_VMA_HUGEPAGE	(1U << 3)	/* MADV_HUGEPAGE */
#define CKPT_VMA_NOHUGEPAGE	(1U << 4)	/* MADV_NOHUGEPAGE */
#define CKPT_VMA_MERGEABLE	(1U << 5)	/* MADV_MERGEABLE */
#define CKPT_VMA_SEQUENTIAL	(1U << 6)	/* MADV_SEQUENTIAL */
#define CKPT_VMA_RANDOM		(1U << 7)	/* MADV_RANDOM */
/*
 * mlock(2), and mlock2(MLOCK_ONFAULT) with CKPT_VMA_LOCKONFAULT: locked
 * again once the task's own limits and credentials are restored.
 */
#define CKPT_VMA_LOCKED		(1U << 8)
/*
 * A private mapping, not writable now, that keeps the commit charge
 * PROT_WRITE once took (VM_ACCOUNT): mprotect(2) leaves it so.
 */
#define CKPT_VMA_CHARGED	(1U << 9)
#define CKPT_VMA_LOCKONFAULT	(1U << 10)

#define CKPT_PAGES_MAX		64	/* pages in one CKPT_REC_PAGES */

/**
 * struct ckpt_rec_shmem - shared anonymous memory, followed by
 *	CKPT_REC_PAGES records whose @addr is an offset into it
 * @rec:	CKPT_REC_SHMEM.
 * @size:	its size in bytes, a multiple of the page size.
 */
struct ckpt_rec_shmem {
	struct ckpt_rec rec;
	__aligned_u64 size;
};

/**
 * struct ckpt_rec_pages - contents of @nr consecutive pages from @addr
 * @rec:	CKPT_REC_PAGES; @nr pages of data follow.
 * @addr:	page-aligned address of the first.
 * @nr:		1..CKPT_PAGES_MAX.
 * @__pad:	zero.
 */
struct ckpt_rec_pages {
	struct ckpt_rec rec;
	__aligned_u64 addr;
	__u32 nr;
	__u32 __pad;
};

/**
 * struct ckpt_fd_entry - one slot of an fd table
 * @fd:		the descriptor number.
 * @file_ref:	objref of the open file it refers to.
 * @flags:	CKPT_FD_CLOEXEC.
 * @__pad:	zero.
 */
struct ckpt_fd_entry {
	__s32 fd;
	__u32 file_ref;
	__u32 flags;
	__u32 __pad;
};

#define CKPT_FD_CLOEXEC		(1U << 0)

/**
 * struct ckpt_rec_files - an fd table; every file it names came before it
 * @rec:	CKPT_REC_FILES; @nr_fds struct ckpt_fd_entry follow, by fd.
 * @nr_fds:	open descriptors.
 * @__pad:	zero.
 */
struct ckpt_rec_files {
	struct ckpt_rec rec;
	__u32 nr_fds;
	__u32 __pad;
};

/* struct ckpt_rec_file kinds */
enum ckpt_file_kind {
	CKPT_FILE_PATH = 1,	/* regular file or directory, reopened by path */
	CKPT_FILE_CHRDEV,	/* a character device from the allowed list */
	CKPT_FILE_PIPE,		/* one end of a pipe */
	CKPT_FILE_FIFO,		/* a FIFO, reopened by path */
};

/**
 * struct ckpt_rec_file - an open file description
 * @rec:	CKPT_REC_FILE; @path_len bytes of path follow.
 * @kind:	enum ckpt_file_kind.
 * @f_flags:	open flags (O_ACCMODE, O_APPEND, O_NONBLOCK, ...).
 * @pos:	file position.
 * @rdev:	CKPT_FILE_CHRDEV: the device number, new_encode_dev() form.
 * @path_len:	bytes of path; zero for CKPT_FILE_PIPE.
 * @obj_ref:	CKPT_FILE_PIPE: the CKPT_OBJ_PIPE, written before;
 *		CKPT_FILE_FIFO: the CKPT_OBJ_FIFO likewise.
 * @cred_ref:	with a path: objref of the credentials it was opened with
 *		(its f_cred), which restart reopens it with; zero otherwise.
 * @id:		the identity of what @path named; zero without a path.
 */
struct ckpt_rec_file {
	struct ckpt_rec rec;
	__u32 kind;
	__u32 f_flags;
	__aligned_u64 pos;
	__u32 rdev;
	__u32 path_len;
	__u32 obj_ref;
	__u32 cred_ref;
	struct ckpt_file_id id;
};

/**
 * struct ckpt_rec_pipe - a pipe and what is buffered in it, the record of
 *	a CKPT_OBJ_PIPE or a CKPT_OBJ_FIFO
 * @rec:	CKPT_REC_PIPE; @data_len bytes follow, oldest first.
 * @size:	its capacity in bytes (F_GETPIPE_SZ).
 * @data_len:	bytes written and not yet read; at most @size.
 */
struct ckpt_rec_pipe {
	struct ckpt_rec rec;
	__u32 size;
	__u32 data_len;
};

/**
 * struct ckpt_rec_fs - root, working directory and umask
 * @rec:	CKPT_REC_FS; @root_len then @pwd_len bytes of path follow.
 * @umask:	file creation mask.
 * @root_len:	bytes of the root's path.
 * @pwd_len:	bytes of the working directory's path.
 * @__pad:	zero.
 * @root_id:	the root's identity.
 * @pwd_id:	the working directory's identity.
 */
struct ckpt_rec_fs {
	struct ckpt_rec rec;
	__u32 umask;
	__u32 root_len;
	__u32 pwd_len;
	__u32 __pad;
	struct ckpt_file_id root_id;
	struct ckpt_file_id pwd_id;
};

/**
 * struct ckpt_sigaction - one signal's disposition, as rt_sigaction(2)
 */
struct ckpt_sigaction {
	__aligned_u64 handler;
	__aligned_u64 flags;
	__aligned_u64 restorer;
	__aligned_u64 mask;
};

#define CKPT_NSIG		64

/**
 * struct ckpt_rec_sighand - the dispositions of signals 1..CKPT_NSIG
 * @rec:	CKPT_REC_SIGHAND.
 * @action:	indexed by signal number - 1.
 */
struct ckpt_rec_sighand {
	struct ckpt_rec rec;
	struct ckpt_sigaction action[CKPT_NSIG];
};

#define CKPT_NGROUPS_MAX	65536

/**
 * struct ckpt_rec_cred - credentials, ids as the initial user ns sees them
 * @rec:	CKPT_REC_CRED; @ngroups __u32 group ids follow.
 * @uid: .. @fsgid: the ids.
 * @securebits:	SECBIT_* flags.
 * @ngroups:	supplementary groups.
 * @cap_inheritable: .. @cap_ambient: capability sets.
 */
struct ckpt_rec_cred {
	struct ckpt_rec rec;
	__u32 uid, euid, suid, fsuid;
	__u32 gid, egid, sgid, fsgid;
	__u32 securebits;
	__u32 ngroups;
	__aligned_u64 cap_inheritable;
	__aligned_u64 cap_permitted;
	__aligned_u64 cap_effective;
	__aligned_u64 cap_bset;
	__aligned_u64 cap_ambient;
};

#define CKPT_SIGINFO_SIZE	128
#define CKPT_SIGPENDING_MAX	4096

/**
 * struct ckpt_rec_sigpending - queued signals of one task, after its
 *	task record
 * @rec:	CKPT_REC_SIGPENDING; @nr siginfos of CKPT_SIGINFO_SIZE bytes
 *		(the siginfo_t layout) follow, oldest first.
 * @shared:	1 for the process-wide queue, 0 for the task's own.
 * @nr:		queued signals.
 * @nr_timers:	of these, the signals that are POSIX timers' own (each the
 *		one preallocated signal of the timer its si_timerid names,
 *		taken as it would have been before the checkpoint, reloading
 *		the timer and counting its overruns); @nr_timers __u32
 *		indices into the queue follow the siginfos, in increasing
 *		order.  Other SI_TIMER signals are plain copies (of deleted
 *		timers, or sent with rt_sigqueueinfo(2)).
 * @__pad:	zero.
 */
struct ckpt_rec_sigpending {
	struct ckpt_rec rec;
	__u32 shared;
	__u32 nr;
	__u32 nr_timers;
	__u32 __pad;
};

/* Interval timers, in the order of ITIMER_REAL, _VIRTUAL and _PROF. */
#define CKPT_NR_ITIMERS		3

/**
 * struct ckpt_itimer - one interval timer of a process
 * @value_ns:	nanoseconds left before it fires (of wall-clock time for
 *		ITIMER_REAL, of the process's CPU time for the others);
 *		0 when it is not armed.
 * @interval_ns: what it is reloaded with when it fires; 0 for a
 *		one-shot timer.  ITIMER_REAL may keep an interval with
 *		@value_ns 0: it fired, and its SIGALRM, still queued,
 *		reloads it when taken.
 */
struct ckpt_itimer {
	__aligned_u64 value_ns;
	__aligned_u64 interval_ns;
};

/**
 * struct ckpt_rec_timers - the timers of one process, after the task
 *	record and signal queues of its thread group leader
 * @rec:	CKPT_REC_TIMERS; @nr_posix_timers CKPT_REC_POSIX_TIMER
 *		records follow, in increasing order of id.
 * @itimer:	setitimer(2) and alarm(2) timers, indexed by ITIMER_*.
 *		Times are relative: a restored timer has as long left as
 *		it had when checkpointed.
 * @nr_posix_timers: timers of timer_create(2), at most
 *		CKPT_POSIX_TIMERS_MAX.
 * @next_posix_timer_id: the id timer_create(2) tries first next time.
 */
struct ckpt_rec_timers {
	struct ckpt_rec rec;
	struct ckpt_itimer itimer[CKPT_NR_ITIMERS];
	__u32 nr_posix_timers;
	__s32 next_posix_timer_id;
};

#define CKPT_POSIX_TIMERS_MAX	4096
/* Overrun counts above this are refused: no timer gets that far behind. */
#define CKPT_TIMER_OVERRUN_MAX	(1LL << 62)

/* struct ckpt_rec_posix_timer flags */
#define CKPT_PTIMER_ABSTIME	(1U << 0)	/* @value_ns: CLOCK_REALTIME time */
#define CKPT_PTIMER_QUEUED	(1U << 1)	/* its signal is queued */
#define CKPT_PTIMER_REQUEUE	(1U << 2)	/* taking it reloads the timer */

/**
 * struct ckpt_rec_posix_timer - one timer of timer_create(2), after its
 *	process's CKPT_REC_TIMERS
 * @rec:	CKPT_REC_POSIX_TIMER.
 * @id:		its timer id, kept.
 * @clock:	its clock id: CLOCK_REALTIME, _MONOTONIC, _BOOTTIME, _TAI,
 *		_REALTIME_ALARM, _BOOTTIME_ALARM, or a CPU clock of the
 *		process or one of its threads (clock_getcpuclockid(3)'s
 *		encoding, its pid as the process sees it, or 0 for itself).
 * @notify:	sigev_notify: SIGEV_NONE, SIGEV_SIGNAL, SIGEV_THREAD (as the
 *		kernel sees it: SIGEV_SIGNAL), SIGEV_SIGNAL|SIGEV_THREAD_ID.
 * @signo:	sigev_signo.
 * @thread:	SIGEV_THREAD_ID: the thread it signals, a pid in the
 *		container of a live thread of the same process; else 0.
 * @clock_pid:	CPU clocks: the task whose clock it is, a pid in the
 *		container (the leader for a process clock); else 0.
 * @flags:	CKPT_PTIMER_*.
 * @__pad:	zero.
 * @value:	sigev_value.
 * @value_ns:	nanoseconds to its next expiry, as timer_gettime(2) told,
 *		counted from restart on (of the clock's own time for a CPU
 *		clock); with CKPT_PTIMER_ABSTIME the expiry itself, on
 *		CLOCK_REALTIME, which a clock_settime(2) still moves.  0:
 *		disarmed.
 * @interval_ns: its interval; 0 for a one-shot timer.
 * @overrun:	expiries it missed since its signal was last queued, less
 *		one (-1: none).
 * @overrun_last: what timer_getoverrun(2) returns.
 */
struct ckpt_rec_posix_timer {
	struct ckpt_rec rec;
	__s32 id;
	__s32 clock;
	__s32 notify;
	__s32 signo;
	__s32 thread;
	__s32 clock_pid;
	__u32 flags;
	__u32 __pad;
	__aligned_u64 value;
	__aligned_u64 value_ns;
	__aligned_u64 interval_ns;
	__aligned_u64 overrun;
	__aligned_u64 overrun_last;
};

/**
 * struct ckpt_rec_seccomp - a task's seccomp state, after its task
 *	record, signal queues and timers; the filters it names come first
 * @rec:	CKPT_REC_SECCOMP.
 * @mode:	SECCOMP_MODE_DISABLED, SECCOMP_MODE_STRICT or
 *		SECCOMP_MODE_FILTER.
 * @filter_ref:	SECCOMP_MODE_FILTER: the CKPT_OBJ_SECCOMP its syscalls
 *		meet first, the last filter it attached or inherited;
 *		0 in the other modes.
 */
struct ckpt_rec_seccomp {
	struct ckpt_rec rec;
	__u32 mode;
	__u32 filter_ref;
};

/**
 * struct ckpt_sock_filter - one classic BPF instruction, as struct
 *	sock_filter has it
 */
struct ckpt_sock_filter {
	__u16 code;
	__u8 jt;
	__u8 jf;
	__u32 k;
};

/**
 * struct ckpt_rec_seccomp_filter - one seccomp filter, a CKPT_OBJ_SECCOMP;
 *	@len struct ckpt_sock_filter follow, the program as seccomp(2)
 *	was given it
 * @rec:	CKPT_REC_SECCOMP_FILTER.
 * @prev_ref:	the CKPT_OBJ_SECCOMP attached before it, written before
 *		it; 0 for the first filter of a chain.  Filters shared by
 *		tasks (fork, threads, SECCOMP_FILTER_FLAG_TSYNC) are one
 *		object.
 * @flags:	SECCOMP_FILTER_FLAG_LOG, or 0.
 * @len:	instructions, 1 to BPF_MAXINSNS.
 * @__pad:	zero.
 */
struct ckpt_rec_seccomp_filter {
	struct ckpt_rec rec;
	__u32 prev_ref;
	__u32 flags;
	__u32 len;
	__u32 __pad;
};

/* struct ckpt_lock kinds */
enum ckpt_lock_kind {
	CKPT_LOCK_FLOCK = 1,	/* flock(2): owned by the open file */
	CKPT_LOCK_POSIX,	/* F_SETLK: owned by an fd table and process */
	CKPT_LOCK_OFD,		/* F_OFD_SETLK: owned by the open file */
};

/* struct ckpt_lock types */
#define CKPT_LOCK_READ		1	/* LOCK_SH, F_RDLCK */
#define CKPT_LOCK_WRITE		2	/* LOCK_EX, F_WRLCK */

/* struct ckpt_lock @end of a lock that runs to the end of the file */
#define CKPT_LOCK_EOF		0x7fffffffffffffffULL

/**
 * struct ckpt_lock - one file lock held by the container
 * @kind:	enum ckpt_lock_kind.
 * @type:	CKPT_LOCK_READ or CKPT_LOCK_WRITE.
 * @file_ref:	objref of the open file it is taken through, written
 *		before: for flock and OFD locks, its owner; for a POSIX
 *		lock, a file of the owning fd table on the same inode.
 * @files_ref:	CKPT_LOCK_POSIX: objref of the fd table that owns it,
 *		written before; zero otherwise.
 * @pid:	flock and POSIX: the process that took it, in the
 *		container's pid namespace, created no later than the task
 *		whose part of the image holds the record; 0 when that
 *		process has exited (or, for POSIX, no longer uses the fd
 *		table).  Always 0 for OFD locks.
 * @__pad:	zero.
 * @start:	first byte locked; 0 for flock.
 * @end:	last byte locked, at least @start; CKPT_LOCK_EOF for a
 *		lock to the end of the file and for flock.
 */
struct ckpt_lock {
	__u32 kind;
	__u32 type;
	__u32 file_ref;
	__u32 files_ref;
	__s32 pid;
	__u32 __pad;
	__aligned_u64 start;
	__aligned_u64 end;
};

/**
 * struct ckpt_rec_locks - file locks, at the end of a task's part of the
 *	image, once what they stand on has been written and their taker
 *	is created; absent when there are none
 * @rec:	CKPT_REC_LOCKS; @nr struct ckpt_lock follow.
 * @nr:		at least 1.
 * @__pad:	zero.
 */
struct ckpt_rec_locks {
	struct ckpt_rec rec;
	__u32 nr;
	__u32 __pad;
};

/**
 * struct ckpt_rec_zombie - a zombie's own part of the image, after the
 *	objects it is the first to use; a zombie that leads threads has a
 *	task record instead
 * @rec:	CKPT_REC_ZOMBIE.
 * @pid:	the zombie's pid, as in its tree entry.
 * @cred_ref:	the credentials it exited with, which /proc and its
 *		parent's wait (si_uid) show: its parent's, or opened here.
 * @utime:	the user CPU time the process used, its threads' included,
 *		ns: what its /proc/PID/stat shows, and what its parent's
 *		wait4() adds to the parent's children's times.
 * @stime:	its system CPU time, ns.
 * @runtime:	its CPU time as the scheduler counted it, ns.
 * @children_utime: the user CPU time of the children it waited for, ns,
 *		which its parent's wait4() adds too.
 * @children_stime: their system CPU time, ns.
 * @autogroup_ref: its autogroup (/proc/PID/autogroup), as in struct
 *		ckpt_rec_task.
 * @__pad:	zero.
 *
 * Each time is at most CKPT_CPUTIME_MAX.
 */
struct ckpt_rec_zombie {
	struct ckpt_rec rec;
	__s32 pid;
	__u32 cred_ref;
	__aligned_u64 utime;
	__aligned_u64 stime;
	__aligned_u64 runtime;
	__aligned_u64 children_utime;
	__aligned_u64 children_stime;
	__u32 autogroup_ref;
	__u32 __pad;
};

/**
 * struct ckpt_rec_autogroup - a scheduler autogroup (CONFIG_SCHED_AUTOGROUP),
 *	the record of a CKPT_OBJ_AUTOGROUP: what setsid(2) made and the
 *	processes forked since share
 * @rec:	CKPT_REC_AUTOGROUP.
 * @nice:	its nice value, -20..19, as /proc/PID/autogroup sets it.
 * @__pad:	zero.
 *
 * Restart makes a new autogroup, with a new number: the number counts
 * the autogroups made since boot, as an inode number counts inodes.
 */
struct ckpt_rec_autogroup {
	struct ckpt_rec rec;
	__s32 nice;
	__u32 __pad;
};

#endif /* _UAPI_LINUX_CHECKPOINT_H */
