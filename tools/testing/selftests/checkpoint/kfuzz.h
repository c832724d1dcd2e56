/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The engine of the structure-aware restart(2) fuzzer: the record
 * grammar, the mutations, the base images, KCOV, and the loop that
 * feeds restart(2).  kfuzz_prog.c explains the design; it and
 * kfuzz_test.c drive the engine through kf_run().
 */
#ifndef KFUZZ_H
#define KFUZZ_H

#define _GNU_SOURCE
#include <ctype.h>
#include <dirent.h>
#include <limits.h>
#include <pthread.h>
#include <regex.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <time.h>
#include <zlib.h>
#include <linux/kcov.h>

#include "checkpoint_util.h"
#include "counter_prog.h"
#include "pidns_prog.h"
/* thread_prog.h and tree_prog.h both name checks CHECK_PID, _TIMEOUT, _NR. */
#define CHECK_PID THREAD_CHECK_PID
#define CHECK_TIMEOUT THREAD_CHECK_TIMEOUT
#define CHECK_NR THREAD_CHECK_NR
#include "thread_prog.h"
#undef CHECK_PID
#undef CHECK_TIMEOUT
#undef CHECK_NR
#include "tree_prog.h"

#define KF_LINE_MAX	2048	/* one input: a base name and its mutations */
#define KF_MAX_OPS	12	/* mutations in one input */
#define KF_EXEC_TIMEOUT	30	/* seconds one restart and its reaping may take */
#define KF_COVER_WORDS	(1U << 20)	/* PCs each coverage buffer holds */
#define KF_REMOTE_WORDS	(1U << 18)	/* PCs one restored task may record */

/* ---- The record grammar, from the uapi header ---- */

/* What a field holds, which decides the values a mutation tries. */
enum kf_kind {
	K_NUM,		/* a number */
	K_PID,		/* a pid in the container's namespace */
	K_REF,		/* an objref */
	K_OTYPE,	/* enum ckpt_obj_type */
	K_ENUM,		/* a small enum: a file or VMA kind */
	K_FLAGS,	/* a bit mask */
	K_COUNT,	/* how many of something follow */
	K_ADDR,		/* a user address */
	K_SIG,		/* a signal number */
	K_ID,		/* a uid or gid */
	K_CAP,		/* a capability set */
	K_SIZE,		/* a size in bytes */
	K_NSIDX,	/* an index into the pid namespace table */
	K_SEG,		/* a segment selector */
	K_EFLAGS,	/* the flags register */
	K_PAD,		/* must be zero */
	K_BYTES,	/* a string or opaque bytes */
};

struct kf_field {
	const char *name;
	unsigned int off;
	unsigned int size;
	enum kf_kind kind;
};

/*
 * An array in a record: either of fixed length inside the fixed part
 * (count_off < 0), or after the fixed part with its length in a count
 * field.  Variable arrays follow each other in the order listed.
 */
struct kf_seg {
	const char *name;
	unsigned int elem;
	int count_off;
	unsigned int at, nr;		/* fixed arrays: offset and length */
	enum kf_kind kind;		/* of a scalar element */
	const struct kf_field *fields;	/* of a struct element, or NULL */
	unsigned int nr_fields;
};

struct kf_rtype {
	unsigned int type;
	const char *name;
	unsigned int fixed;		/* sizeof the record's struct */
	const struct kf_field *fields;
	unsigned int nr_fields;
	const struct kf_seg *segs;
	unsigned int nr_segs;
};

#define KF_F(st, f, k) { #f, offsetof(struct st, f), sizeof(((struct st *)0)->f), k }
#define KF_N(a) (sizeof(a) / sizeof((a)[0]))
#define KF_VAR(n, st, cnt, el, k, flds) \
	{ n, el, offsetof(struct st, cnt), 0, 0, k, flds, KF_N(flds) }
#define KF_VARS(n, st, cnt, el, k) \
	{ n, el, offsetof(struct st, cnt), 0, 0, k, NULL, 0 }
#define KF_FIX(n, st, arr, k, flds) \
	{ n, sizeof(((struct st *)0)->arr[0]), -1, offsetof(struct st, arr), \
	  KF_N(((struct st *)0)->arr), k, flds, KF_N(flds) }
#define KF_FIXS(n, st, arr, k) \
	{ n, sizeof(((struct st *)0)->arr[0]), -1, offsetof(struct st, arr), \
	  KF_N(((struct st *)0)->arr), k, NULL, 0 }
#define KF_RT(t, n, st, flds, segs) \
	{ t, n, sizeof(struct st), flds, KF_N(flds), segs, KF_N(segs) }
#define KF_RT0(t, n, st, flds) \
	{ t, n, sizeof(struct st), flds, KF_N(flds), NULL, 0 }
#define KF_RTS(t, n, st, segs) \
	{ t, n, sizeof(struct st), NULL, 0, segs, KF_N(segs) }

static const struct kf_field kf_header_f[] = {
	KF_F(ckpt_rec_header, magic, K_NUM),
	KF_F(ckpt_rec_header, version, K_NUM),
	KF_F(ckpt_rec_header, arch, K_NUM),
	KF_F(ckpt_rec_header, page_size, K_SIZE),
	KF_F(ckpt_rec_header, xstate_size, K_SIZE),
	KF_F(ckpt_rec_header, xfeatures, K_FLAGS),
	KF_F(ckpt_rec_header, vdso_size, K_SIZE),
	KF_F(ckpt_rec_header, vdso_crc, K_NUM),
};

static const struct kf_field kf_tree_f[] = {
	KF_F(ckpt_tree_entry, pid, K_PID),
	KF_F(ckpt_tree_entry, ppid, K_PID),
	KF_F(ckpt_tree_entry, tgid, K_PID),
	KF_F(ckpt_tree_entry, flags, K_FLAGS),
	KF_F(ckpt_tree_entry, pgid, K_PID),
	KF_F(ckpt_tree_entry, sid, K_PID),
	KF_F(ckpt_tree_entry, exit_code, K_NUM),
	KF_F(ckpt_tree_entry, exit_signal, K_SIG),
	KF_F(ckpt_tree_entry, pidns, K_NSIDX),
	KF_F(ckpt_tree_entry, child_pidns, K_NSIDX),
	/* The first 8 bytes: kf_put() writes at most a u64. */
	{ "comm", offsetof(struct ckpt_tree_entry, comm), 8, K_NUM },
	KF_F(ckpt_tree_entry, stop_signal, K_SIG),
	KF_F(ckpt_tree_entry, __pad, K_PAD),
};

static const struct kf_field kf_container_f[] = {
	KF_F(ckpt_rec_container, nr_tasks, K_COUNT),
	KF_F(ckpt_rec_container, nr_pids, K_COUNT),
	KF_F(ckpt_rec_container, nr_pidns, K_COUNT),
	KF_F(ckpt_rec_container, last_pid, K_PID),
	KF_F(ckpt_rec_container, memfd_noexec, K_NUM),
	KF_F(ckpt_rec_container, ipc.shmmax, K_NUM),
	KF_F(ckpt_rec_container, ipc.shmall, K_NUM),
	KF_F(ckpt_rec_container, ipc.flags, K_FLAGS),
	KF_F(ckpt_rec_container, ipc.shmmni, K_NUM),
	KF_F(ckpt_rec_container, ipc.shm_rmid_forced, K_NUM),
	KF_F(ckpt_rec_container, ipc.msgmax, K_NUM),
	KF_F(ckpt_rec_container, ipc.msgmnb, K_NUM),
	KF_F(ckpt_rec_container, ipc.msgmni, K_NUM),
	KF_F(ckpt_rec_container, ipc.sem[0], K_NUM),
	KF_F(ckpt_rec_container, ipc.sem[1], K_NUM),
	KF_F(ckpt_rec_container, ipc.sem[2], K_NUM),
	KF_F(ckpt_rec_container, ipc.sem[3], K_NUM),
	KF_F(ckpt_rec_container, ipc.sem_next_id, K_NUM),
	KF_F(ckpt_rec_container, ipc.msg_next_id, K_NUM),
	KF_F(ckpt_rec_container, ipc.shm_next_id, K_NUM),
	KF_F(ckpt_rec_container, ipc.mq_queues_max, K_NUM),
	KF_F(ckpt_rec_container, ipc.mq_msg_max, K_NUM),
	KF_F(ckpt_rec_container, ipc.mq_msgsize_max, K_NUM),
	KF_F(ckpt_rec_container, ipc.mq_msg_default, K_NUM),
	KF_F(ckpt_rec_container, ipc.mq_msgsize_default, K_NUM),
};

static const struct kf_seg kf_container_s[] = {
	KF_VAR("e", ckpt_rec_container, nr_tasks, sizeof(struct ckpt_tree_entry),
	       K_NUM, kf_tree_f),
	KF_VARS("dpid", ckpt_rec_container, nr_pids, sizeof(__s32), K_PID),
};

static const struct kf_field kf_pidns_entry_f[] = {
	KF_F(ckpt_pidns_entry, parent, K_NSIDX),
	KF_F(ckpt_pidns_entry, init_pid, K_PID),
	KF_F(ckpt_pidns_entry, last_pid, K_PID),
	KF_F(ckpt_pidns_entry, memfd_noexec, K_NUM),
};

static const struct kf_field kf_pidns_f[] = {
	KF_F(ckpt_rec_pidns, nr_pidns, K_COUNT),
	KF_F(ckpt_rec_pidns, nr_nested, K_COUNT),
};

static const struct kf_seg kf_pidns_s[] = {
	KF_VAR("ns", ckpt_rec_pidns, nr_pidns, sizeof(struct ckpt_pidns_entry),
	       K_NUM, kf_pidns_entry_f),
	KF_VARS("npid", ckpt_rec_pidns, nr_nested, sizeof(__s32), K_PID),
};

static const struct kf_field kf_obj_f[] = {
	KF_F(ckpt_rec_obj, objref, K_REF),
	KF_F(ckpt_rec_obj, obj_type, K_OTYPE),
};

static const struct kf_field kf_task_f[] = {
	KF_F(ckpt_rec_task, pid, K_PID),
	KF_F(ckpt_rec_task, mm_ref, K_REF),
	KF_F(ckpt_rec_task, files_ref, K_REF),
	KF_F(ckpt_rec_task, fs_ref, K_REF),
	KF_F(ckpt_rec_task, sighand_ref, K_REF),
	KF_F(ckpt_rec_task, cred_ref, K_REF),
	KF_F(ckpt_rec_task, personality, K_FLAGS),
	KF_F(ckpt_rec_task, pdeath_signal, K_SIG),
	KF_F(ckpt_rec_task, nice, K_NUM),
	KF_F(ckpt_rec_task, flags, K_FLAGS),
	KF_F(ckpt_rec_task, blocked, K_FLAGS),
	KF_F(ckpt_rec_task, altstack_sp, K_ADDR),
	KF_F(ckpt_rec_task, altstack_size, K_SIZE),
	KF_F(ckpt_rec_task, altstack_flags, K_FLAGS),
	KF_F(ckpt_rec_task, nr_rlimits, K_COUNT),
	KF_F(ckpt_rec_task, clear_child_tid, K_ADDR),
	KF_F(ckpt_rec_task, robust_list, K_ADDR),
	KF_F(ckpt_rec_task, rseq, K_ADDR),
	KF_F(ckpt_rec_task, rseq_len, K_SIZE),
	KF_F(ckpt_rec_task, rseq_sig, K_NUM),
	KF_F(ckpt_rec_task, sched_policy, K_NUM),
	KF_F(ckpt_rec_task, sched_priority, K_NUM),
	KF_F(ckpt_rec_task, sched_flags, K_FLAGS),
	KF_F(ckpt_rec_task, sched_runtime, K_NUM),
	KF_F(ckpt_rec_task, sched_deadline, K_NUM),
	KF_F(ckpt_rec_task, sched_period, K_NUM),
	KF_F(ckpt_rec_task, sched_util_min, K_NUM),
	KF_F(ckpt_rec_task, sched_util_max, K_NUM),
	KF_F(ckpt_rec_task, timer_slack_ns, K_NUM),
	KF_F(ckpt_rec_task, default_timer_slack_ns, K_NUM),
	KF_F(ckpt_rec_task, oom_score_adj, K_NUM),
	KF_F(ckpt_rec_task, oom_score_adj_min, K_NUM),
	KF_F(ckpt_rec_task, ioprio, K_NUM),
	KF_F(ckpt_rec_task, spec_ctrl[0], K_FLAGS),
	KF_F(ckpt_rec_task, spec_ctrl[1], K_FLAGS),
	KF_F(ckpt_rec_task, spec_ctrl[2], K_FLAGS),
	KF_F(ckpt_rec_task, nr_cpus, K_COUNT),
	KF_F(ckpt_rec_task, __pad, K_NUM),
	KF_F(ckpt_rec_task, utime, K_NUM),
	KF_F(ckpt_rec_task, stime, K_NUM),
	KF_F(ckpt_rec_task, runtime, K_NUM),
	KF_F(ckpt_rec_task, dead_utime, K_NUM),
	KF_F(ckpt_rec_task, dead_stime, K_NUM),
	KF_F(ckpt_rec_task, dead_runtime, K_NUM),
	KF_F(ckpt_rec_task, children_utime, K_NUM),
	KF_F(ckpt_rec_task, children_stime, K_NUM),
	KF_F(ckpt_rec_task, ptracer, K_PID),
	KF_F(ckpt_rec_task, autogroup_ref, K_REF),
};

static const struct kf_field kf_rlim_f[] = {
	KF_F(ckpt_rlimit, cur, K_NUM),
	KF_F(ckpt_rlimit, max, K_NUM),
};

static const struct kf_seg kf_task_s[] = {
	KF_FIX("rlim", ckpt_rec_task, rlim, K_NUM, kf_rlim_f),
	KF_FIXS("comm", ckpt_rec_task, comm, K_BYTES),
	KF_FIXS("cpus", ckpt_rec_task, cpus, K_FLAGS),
};

/* The XSAVE area follows the record; its header words are fields too. */
#define KF_XSAVE(n, o, s, k) { n, sizeof(struct ckpt_rec_cpu) + (o), s, k }
static const struct kf_field kf_cpu_f[] = {
	KF_F(ckpt_rec_cpu, pid, K_PID),
	KF_F(ckpt_rec_cpu, flags, K_FLAGS),
	KF_F(ckpt_rec_cpu, regs.r15, K_NUM),
	KF_F(ckpt_rec_cpu, regs.bp, K_ADDR),
	KF_F(ckpt_rec_cpu, regs.bx, K_NUM),
	KF_F(ckpt_rec_cpu, regs.r11, K_EFLAGS),
	KF_F(ckpt_rec_cpu, regs.ax, K_NUM),
	KF_F(ckpt_rec_cpu, regs.cx, K_ADDR),
	KF_F(ckpt_rec_cpu, regs.dx, K_NUM),
	KF_F(ckpt_rec_cpu, regs.si, K_NUM),
	KF_F(ckpt_rec_cpu, regs.di, K_NUM),
	KF_F(ckpt_rec_cpu, regs.orig_ax, K_NUM),
	KF_F(ckpt_rec_cpu, regs.ip, K_ADDR),
	KF_F(ckpt_rec_cpu, regs.cs, K_SEG),
	KF_F(ckpt_rec_cpu, regs.flags, K_EFLAGS),
	KF_F(ckpt_rec_cpu, regs.sp, K_ADDR),
	KF_F(ckpt_rec_cpu, regs.ss, K_SEG),
	KF_F(ckpt_rec_cpu, regs.fs_base, K_ADDR),
	KF_F(ckpt_rec_cpu, regs.gs_base, K_ADDR),
	KF_F(ckpt_rec_cpu, regs.ds, K_SEG),
	KF_F(ckpt_rec_cpu, regs.es, K_SEG),
	KF_F(ckpt_rec_cpu, regs.fs, K_SEG),
	KF_F(ckpt_rec_cpu, regs.gs, K_SEG),
	KF_F(ckpt_rec_cpu, sleep_left_ns, K_NUM),
	KF_F(ckpt_rec_cpu, sleep_rmtp, K_ADDR),
	KF_F(ckpt_rec_cpu, sleep_clockid, K_NUM),
	KF_F(ckpt_rec_cpu, __pad, K_PAD),
	KF_XSAVE("xsave.mxcsr", 24, 4, K_FLAGS),
	KF_XSAVE("xsave.mxcsr_mask", 28, 4, K_FLAGS),
	KF_XSAVE("xsave.xfeatures", 512, 8, K_FLAGS),
	KF_XSAVE("xsave.xcomp_bv", 520, 8, K_FLAGS),
};

static const struct kf_field kf_mm_f[] = {
	KF_F(ckpt_rec_mm, nr_vmas, K_COUNT),
	KF_F(ckpt_rec_mm, exe_len, K_COUNT),
	KF_F(ckpt_rec_mm, start_code, K_ADDR),
	KF_F(ckpt_rec_mm, end_code, K_ADDR),
	KF_F(ckpt_rec_mm, start_data, K_ADDR),
	KF_F(ckpt_rec_mm, end_data, K_ADDR),
	KF_F(ckpt_rec_mm, start_brk, K_ADDR),
	KF_F(ckpt_rec_mm, brk, K_ADDR),
	KF_F(ckpt_rec_mm, start_stack, K_ADDR),
	KF_F(ckpt_rec_mm, arg_start, K_ADDR),
	KF_F(ckpt_rec_mm, arg_end, K_ADDR),
	KF_F(ckpt_rec_mm, env_start, K_ADDR),
	KF_F(ckpt_rec_mm, env_end, K_ADDR),
	KF_F(ckpt_rec_mm, mmap_base, K_ADDR),
	KF_F(ckpt_rec_mm, auxv_len, K_COUNT),
	KF_F(ckpt_rec_mm, dumpable, K_NUM),
	KF_F(ckpt_rec_mm, exe_id.ino, K_NUM),
	KF_F(ckpt_rec_mm, exe_id.dev, K_NUM),
	KF_F(ckpt_rec_mm, exe_id.generation, K_NUM),
	KF_F(ckpt_rec_mm, exe_cred_ref, K_REF),
	KF_F(ckpt_rec_mm, coredump_filter, K_FLAGS),
	KF_F(ckpt_rec_mm, prctl_flags, K_FLAGS),
	KF_F(ckpt_rec_mm, __pad, K_NUM),
};

static const struct kf_seg kf_mm_s[] = {
	KF_FIXS("auxv", ckpt_rec_mm, auxv, K_NUM),
	KF_VARS("exe", ckpt_rec_mm, exe_len, 1, K_BYTES),
};

static const struct kf_field kf_vma_f[] = {
	KF_F(ckpt_rec_vma, start, K_ADDR),
	KF_F(ckpt_rec_vma, end, K_ADDR),
	KF_F(ckpt_rec_vma, pgoff, K_NUM),
	KF_F(ckpt_rec_vma, prot, K_FLAGS),
	KF_F(ckpt_rec_vma, flags, K_FLAGS),
	KF_F(ckpt_rec_vma, kind, K_ENUM),
	KF_F(ckpt_rec_vma, path_len, K_COUNT),
	KF_F(ckpt_rec_vma, obj_ref, K_REF),
	KF_F(ckpt_rec_vma, cred_ref, K_REF),
	KF_F(ckpt_rec_vma, advice, K_FLAGS),
	KF_F(ckpt_rec_vma, maxprot, K_FLAGS),
	KF_F(ckpt_rec_vma, id.ino, K_NUM),
	KF_F(ckpt_rec_vma, id.dev, K_NUM),
	KF_F(ckpt_rec_vma, id.generation, K_NUM),
};

static const struct kf_seg kf_vma_s[] = {
	KF_VARS("path", ckpt_rec_vma, path_len, 1, K_BYTES),
};

static const struct kf_field kf_pages_f[] = {
	KF_F(ckpt_rec_pages, addr, K_ADDR),
	KF_F(ckpt_rec_pages, nr, K_COUNT),
	KF_F(ckpt_rec_pages, __pad, K_PAD),
};

static const struct kf_seg kf_pages_s[] = {
	KF_VARS("pg", ckpt_rec_pages, nr, 4096, K_BYTES),
};

static const struct kf_field kf_fd_f[] = {
	KF_F(ckpt_fd_entry, fd, K_NUM),
	KF_F(ckpt_fd_entry, file_ref, K_REF),
	KF_F(ckpt_fd_entry, flags, K_FLAGS),
	KF_F(ckpt_fd_entry, __pad, K_PAD),
};

static const struct kf_field kf_files_f[] = {
	KF_F(ckpt_rec_files, nr_fds, K_COUNT),
	KF_F(ckpt_rec_files, __pad, K_PAD),
};

static const struct kf_seg kf_files_s[] = {
	KF_VAR("fd", ckpt_rec_files, nr_fds, sizeof(struct ckpt_fd_entry), K_NUM,
	       kf_fd_f),
};

static const struct kf_field kf_file_f[] = {
	KF_F(ckpt_rec_file, kind, K_ENUM),
	KF_F(ckpt_rec_file, f_flags, K_FLAGS),
	KF_F(ckpt_rec_file, pos, K_NUM),
	KF_F(ckpt_rec_file, rdev, K_NUM),
	KF_F(ckpt_rec_file, path_len, K_COUNT),
	KF_F(ckpt_rec_file, obj_ref, K_REF),
	KF_F(ckpt_rec_file, cred_ref, K_REF),
	KF_F(ckpt_rec_file, id.ino, K_NUM),
	KF_F(ckpt_rec_file, id.dev, K_NUM),
	KF_F(ckpt_rec_file, id.generation, K_NUM),
};

static const struct kf_seg kf_file_s[] = {
	KF_VARS("path", ckpt_rec_file, path_len, 1, K_BYTES),
};

static const struct kf_field kf_fs_f[] = {
	KF_F(ckpt_rec_fs, umask, K_FLAGS),
	KF_F(ckpt_rec_fs, root_len, K_COUNT),
	KF_F(ckpt_rec_fs, pwd_len, K_COUNT),
	KF_F(ckpt_rec_fs, __pad, K_PAD),
};

static const struct kf_seg kf_fs_s[] = {
	KF_VARS("root", ckpt_rec_fs, root_len, 1, K_BYTES),
	KF_VARS("pwd", ckpt_rec_fs, pwd_len, 1, K_BYTES),
};

static const struct kf_field kf_sigaction_f[] = {
	KF_F(ckpt_sigaction, handler, K_ADDR),
	KF_F(ckpt_sigaction, flags, K_FLAGS),
	KF_F(ckpt_sigaction, restorer, K_ADDR),
	KF_F(ckpt_sigaction, mask, K_FLAGS),
};

static const struct kf_seg kf_sighand_s[] = {
	KF_FIX("act", ckpt_rec_sighand, action, K_NUM, kf_sigaction_f),
};

static const struct kf_field kf_cred_f[] = {
	KF_F(ckpt_rec_cred, uid, K_ID),
	KF_F(ckpt_rec_cred, euid, K_ID),
	KF_F(ckpt_rec_cred, suid, K_ID),
	KF_F(ckpt_rec_cred, fsuid, K_ID),
	KF_F(ckpt_rec_cred, gid, K_ID),
	KF_F(ckpt_rec_cred, egid, K_ID),
	KF_F(ckpt_rec_cred, sgid, K_ID),
	KF_F(ckpt_rec_cred, fsgid, K_ID),
	KF_F(ckpt_rec_cred, securebits, K_FLAGS),
	KF_F(ckpt_rec_cred, ngroups, K_COUNT),
	KF_F(ckpt_rec_cred, cap_inheritable, K_CAP),
	KF_F(ckpt_rec_cred, cap_permitted, K_CAP),
	KF_F(ckpt_rec_cred, cap_effective, K_CAP),
	KF_F(ckpt_rec_cred, cap_bset, K_CAP),
	KF_F(ckpt_rec_cred, cap_ambient, K_CAP),
};

static const struct kf_seg kf_cred_s[] = {
	KF_VARS("grp", ckpt_rec_cred, ngroups, sizeof(__u32), K_ID),
};

/* The siginfo_t fields every signal has, by their offsets there. */
static const struct kf_field kf_siginfo_f[] = {
	{ "signo", 0, 4, K_SIG },
	{ "errno", 4, 4, K_NUM },
	{ "code", 8, 4, K_NUM },
	{ "pid", 16, 4, K_PID },
	{ "uid", 20, 4, K_ID },
	{ "ptr", 24, 8, K_ADDR },
};

static const struct kf_field kf_sigpending_f[] = {
	KF_F(ckpt_rec_sigpending, shared, K_NUM),
	KF_F(ckpt_rec_sigpending, nr, K_COUNT),
	KF_F(ckpt_rec_sigpending, nr_timers, K_COUNT),
	KF_F(ckpt_rec_sigpending, __pad, K_PAD),
};

static const struct kf_seg kf_sigpending_s[] = {
	KF_VAR("si", ckpt_rec_sigpending, nr, CKPT_SIGINFO_SIZE, K_NUM,
	       kf_siginfo_f),
	KF_VARS("timer", ckpt_rec_sigpending, nr_timers, sizeof(__u32), K_NUM),
};

static const struct kf_field kf_pipe_f[] = {
	KF_F(ckpt_rec_pipe, size, K_SIZE),
	KF_F(ckpt_rec_pipe, data_len, K_COUNT),
};

static const struct kf_seg kf_pipe_s[] = {
	KF_VARS("data", ckpt_rec_pipe, data_len, 1, K_BYTES),
};

static const struct kf_field kf_shmem_f[] = {
	KF_F(ckpt_rec_shmem, size, K_SIZE),
};

/* Named plainly: a mutation names its field as SEL.name=value. */
#define KF_ITIMER(n, i, f) \
	{ n, offsetof(struct ckpt_rec_timers, itimer) + \
	  (i) * sizeof(struct ckpt_itimer) + offsetof(struct ckpt_itimer, f), 8, K_NUM }
static const struct kf_field kf_timers_f[] = {
	KF_ITIMER("real_value", 0, value_ns),
	KF_ITIMER("real_interval", 0, interval_ns),
	KF_ITIMER("virtual_value", 1, value_ns),
	KF_ITIMER("virtual_interval", 1, interval_ns),
	KF_ITIMER("prof_value", 2, value_ns),
	KF_ITIMER("prof_interval", 2, interval_ns),
	KF_F(ckpt_rec_timers, nr_posix_timers, K_NUM),
	KF_F(ckpt_rec_timers, next_posix_timer_id, K_NUM),
};

static const struct kf_field kf_posix_timer_f[] = {
	KF_F(ckpt_rec_posix_timer, id, K_NUM),
	KF_F(ckpt_rec_posix_timer, clock, K_NUM),
	KF_F(ckpt_rec_posix_timer, notify, K_ENUM),
	KF_F(ckpt_rec_posix_timer, signo, K_SIG),
	KF_F(ckpt_rec_posix_timer, thread, K_PID),
	KF_F(ckpt_rec_posix_timer, clock_pid, K_PID),
	KF_F(ckpt_rec_posix_timer, flags, K_FLAGS),
	KF_F(ckpt_rec_posix_timer, __pad, K_PAD),
	KF_F(ckpt_rec_posix_timer, value, K_NUM),
	KF_F(ckpt_rec_posix_timer, value_ns, K_NUM),
	KF_F(ckpt_rec_posix_timer, interval_ns, K_NUM),
	KF_F(ckpt_rec_posix_timer, overrun, K_NUM),
	KF_F(ckpt_rec_posix_timer, overrun_last, K_NUM),
};

static const struct kf_field kf_seccomp_f[] = {
	KF_F(ckpt_rec_seccomp, mode, K_ENUM),
	KF_F(ckpt_rec_seccomp, filter_ref, K_REF),
};

static const struct kf_field kf_zombie_f[] = {
	KF_F(ckpt_rec_zombie, pid, K_PID),
	KF_F(ckpt_rec_zombie, cred_ref, K_REF),
	KF_F(ckpt_rec_zombie, utime, K_NUM),
	KF_F(ckpt_rec_zombie, stime, K_NUM),
	KF_F(ckpt_rec_zombie, runtime, K_NUM),
	KF_F(ckpt_rec_zombie, children_utime, K_NUM),
	KF_F(ckpt_rec_zombie, children_stime, K_NUM),
	KF_F(ckpt_rec_zombie, autogroup_ref, K_REF),
	KF_F(ckpt_rec_zombie, __pad, K_PAD),
};

static const struct kf_field kf_autogroup_f[] = {
	KF_F(ckpt_rec_autogroup, nice, K_NUM),
	KF_F(ckpt_rec_autogroup, __pad, K_PAD),
};

static const struct kf_field kf_seccomp_filter_f[] = {
	KF_F(ckpt_rec_seccomp_filter, prev_ref, K_REF),
	KF_F(ckpt_rec_seccomp_filter, flags, K_FLAGS),
	KF_F(ckpt_rec_seccomp_filter, len, K_COUNT),
	KF_F(ckpt_rec_seccomp_filter, __pad, K_PAD),
};

static const struct kf_field kf_sock_filter_f[] = {
	KF_F(ckpt_sock_filter, code, K_NUM),
	KF_F(ckpt_sock_filter, jt, K_NUM),
	KF_F(ckpt_sock_filter, jf, K_NUM),
	KF_F(ckpt_sock_filter, k, K_NUM),
};

static const struct kf_seg kf_seccomp_filter_s[] = {
	KF_VAR("insn", ckpt_rec_seccomp_filter, len,
	       sizeof(struct ckpt_sock_filter), K_NUM, kf_sock_filter_f),
};

static const struct kf_field kf_lock_f[] = {
	KF_F(ckpt_lock, kind, K_ENUM),
	KF_F(ckpt_lock, type, K_ENUM),
	KF_F(ckpt_lock, file_ref, K_REF),
	KF_F(ckpt_lock, files_ref, K_REF),
	KF_F(ckpt_lock, pid, K_PID),
	KF_F(ckpt_lock, __pad, K_PAD),
	KF_F(ckpt_lock, start, K_NUM),
	KF_F(ckpt_lock, end, K_NUM),
};

static const struct kf_field kf_locks_f[] = {
	KF_F(ckpt_rec_locks, nr, K_COUNT),
	KF_F(ckpt_rec_locks, __pad, K_PAD),
};

static const struct kf_seg kf_locks_s[] = {
	KF_VAR("lock", ckpt_rec_locks, nr, sizeof(struct ckpt_lock), K_NUM,
	       kf_lock_f),
};

static const struct kf_rtype kf_rtypes[] = {
	KF_RT0(CKPT_REC_HEADER, "HEADER", ckpt_rec_header, kf_header_f),
	KF_RT(CKPT_REC_CONTAINER, "CONTAINER", ckpt_rec_container,
	      kf_container_f, kf_container_s),
	KF_RT(CKPT_REC_PIDNS, "PIDNS", ckpt_rec_pidns, kf_pidns_f, kf_pidns_s),
	KF_RT0(CKPT_REC_OBJ, "OBJ", ckpt_rec_obj, kf_obj_f),
	KF_RT(CKPT_REC_TASK, "TASK", ckpt_rec_task, kf_task_f, kf_task_s),
	KF_RT0(CKPT_REC_CPU, "CPU", ckpt_rec_cpu, kf_cpu_f),
	KF_RT(CKPT_REC_MM, "MM", ckpt_rec_mm, kf_mm_f, kf_mm_s),
	KF_RT(CKPT_REC_VMA, "VMA", ckpt_rec_vma, kf_vma_f, kf_vma_s),
	KF_RT(CKPT_REC_PAGES, "PAGES", ckpt_rec_pages, kf_pages_f, kf_pages_s),
	KF_RT(CKPT_REC_FILES, "FILES", ckpt_rec_files, kf_files_f, kf_files_s),
	KF_RT(CKPT_REC_FILE, "FILE", ckpt_rec_file, kf_file_f, kf_file_s),
	KF_RT(CKPT_REC_FS, "FS", ckpt_rec_fs, kf_fs_f, kf_fs_s),
	KF_RTS(CKPT_REC_SIGHAND, "SIGHAND", ckpt_rec_sighand, kf_sighand_s),
	KF_RT(CKPT_REC_CRED, "CRED", ckpt_rec_cred, kf_cred_f, kf_cred_s),
	KF_RT(CKPT_REC_SIGPENDING, "SIGPENDING", ckpt_rec_sigpending,
	      kf_sigpending_f, kf_sigpending_s),
	KF_RT(CKPT_REC_PIPE, "PIPE", ckpt_rec_pipe, kf_pipe_f, kf_pipe_s),
	KF_RT0(CKPT_REC_SHMEM, "SHMEM", ckpt_rec_shmem, kf_shmem_f),
	KF_RT0(CKPT_REC_TIMERS, "TIMERS", ckpt_rec_timers, kf_timers_f),
	KF_RT0(CKPT_REC_POSIX_TIMER, "POSIX_TIMER", ckpt_rec_posix_timer,
	       kf_posix_timer_f),
	KF_RT0(CKPT_REC_SECCOMP, "SECCOMP", ckpt_rec_seccomp, kf_seccomp_f),
	KF_RT(CKPT_REC_SECCOMP_FILTER, "SECCOMP_FILTER", ckpt_rec_seccomp_filter,
	      kf_seccomp_filter_f, kf_seccomp_filter_s),
	KF_RT(CKPT_REC_LOCKS, "LOCKS", ckpt_rec_locks, kf_locks_f, kf_locks_s),
	KF_RT0(CKPT_REC_ZOMBIE, "ZOMBIE", ckpt_rec_zombie, kf_zombie_f),
	KF_RT0(CKPT_REC_AUTOGROUP, "AUTOGROUP", ckpt_rec_autogroup, kf_autogroup_f),
};

/* Object kinds by name, and the record each opens with after its nested objects. */
static const struct {
	const char *name;
	unsigned int type;
	unsigned int rec;
} kf_okinds[] = {
	{ "MM", CKPT_OBJ_MM, CKPT_REC_MM },
	{ "FILES", CKPT_OBJ_FILES, CKPT_REC_FILES },
	{ "FILE", CKPT_OBJ_FILE, CKPT_REC_FILE },
	{ "FS", CKPT_OBJ_FS, CKPT_REC_FS },
	{ "SIGHAND", CKPT_OBJ_SIGHAND, CKPT_REC_SIGHAND },
	{ "CRED", CKPT_OBJ_CRED, CKPT_REC_CRED },
	{ "PIPE", CKPT_OBJ_PIPE, CKPT_REC_PIPE },
	{ "SHMEM", CKPT_OBJ_SHMEM, CKPT_REC_SHMEM },
	{ "FIFO", CKPT_OBJ_FIFO, CKPT_REC_PIPE },
	{ "SECCOMP", CKPT_OBJ_SECCOMP, CKPT_REC_SECCOMP_FILTER },
	{ "AUTOGROUP", CKPT_OBJ_AUTOGROUP, CKPT_REC_AUTOGROUP },
};

/* Paths a path mutation puts in a record: odd, or naming other things. */
static const char *const kf_paths[] = {
	"", "/", ".", "..", "/tmp", "/tmp/", "//tmp", "/tmp/../tmp",
	"/nonexistent", "relative", "/dev/null", "/dev/zero", "/dev/tty",
	"/dev/console", "/dev/urandom", "/proc/self/mem", "/proc/self/exe",
	"/proc/self/fd/0", "/proc/self/root", "/proc/self/cwd", "/sys/kernel",
	"/proc", "/tmp/\n", "/tmp/\033[1m",
};

static const struct kf_rtype *kf_rtype(unsigned int type)
{
	unsigned int i;

	for (i = 0; i < KF_N(kf_rtypes); i++)
		if (kf_rtypes[i].type == type)
			return &kf_rtypes[i];
	return NULL;
}

/* ---- Images: records, copied on write from a base image ---- */

struct kf_rec {
	unsigned char *p;	/* starts with its struct ckpt_rec */
	uint32_t len;
	bool own;		/* p is ours to free and change */
	bool crc_ok;		/* crc is that of p and its padding */
	uint32_t crc;
};

struct kf_img {
	struct kf_rec *r;	/* header first; the trailer is made on writing */
	int nr, cap;
};

static uint32_t kf_type(const struct kf_img *img, int i)
{
	return ((const struct ckpt_rec *)img->r[i].p)->type;
}

static void kf_img_reserve(struct kf_img *img, int n)
{
	if (img->nr + n <= img->cap)
		return;
	img->cap = (img->nr + n) * 2;
	img->r = realloc(img->r, img->cap * sizeof(*img->r));
	if (!img->r)
		abort();
}

static void kf_img_free(struct kf_img *img)
{
	int i;

	for (i = 0; i < img->nr; i++)
		if (img->r[i].own)
			free(img->r[i].p);
	free(img->r);
	memset(img, 0, sizeof(*img));
}

/* A copy of @src whose records still point into it until changed. */
static void kf_img_copy(struct kf_img *dst, const struct kf_img *src)
{
	int i;

	memset(dst, 0, sizeof(*dst));
	kf_img_reserve(dst, src->nr + 8);
	for (i = 0; i < src->nr; i++)
		dst->r[i] = (struct kf_rec){ src->r[i].p, src->r[i].len, false,
					     src->r[i].crc_ok, src->r[i].crc };
	dst->nr = src->nr;
}

/* A copy of one record that does not share a buffer another may change. */
static struct kf_rec kf_rec_dup(const struct kf_rec *r)
{
	struct kf_rec d = *r;

	if (r->own) {
		d.p = malloc(r->len);
		if (!d.p)
			abort();
		memcpy(d.p, r->p, r->len);
	}
	return d;
}

static unsigned char *kf_own(struct kf_rec *r)
{
	r->crc_ok = false;	/* the caller is about to change it */
	if (!r->own) {
		unsigned char *p = malloc(r->len);

		if (!p)
			abort();
		memcpy(p, r->p, r->len);
		r->p = p;
		r->own = true;
	}
	return r->p;
}

/* Replace @del bytes at @off with @ins_len bytes of @ins (NULL: copies of what was there). */
static bool kf_splice(struct kf_rec *r, uint32_t off, uint32_t del,
		      const void *ins, uint32_t ins_len)
{
	uint64_t nlen = (uint64_t)r->len - del + ins_len;
	unsigned char *p;

	if (off > r->len || del > r->len - off || nlen > CKPT_REC_MAX_LEN ||
	    nlen < sizeof(struct ckpt_rec))
		return false;
	p = kf_own(r);
	if (ins_len < del)	/* shrinking: move the tail while it is there */
		memmove(p + off + ins_len, p + off + del, r->len - off - del);
	p = realloc(p, nlen);
	if (!p)
		abort();
	if (ins_len > del)
		memmove(p + off + ins_len, p + off + del, r->len - off - del);
	if (ins)
		memcpy(p + off, ins, ins_len);
	r->p = p;
	r->len = nlen;
	((struct ckpt_rec *)p)->len = nlen;
	return true;
}

static void kf_img_insert(struct kf_img *img, int at, struct kf_rec r)
{
	kf_img_reserve(img, 1);
	memmove(&img->r[at + 1], &img->r[at], (img->nr - at) * sizeof(r));
	img->r[at] = r;
	img->nr++;
}

static void kf_img_remove(struct kf_img *img, int at)
{
	if (img->r[at].own)
		free(img->r[at].p);
	memmove(&img->r[at], &img->r[at + 1], (img->nr - at - 1) * sizeof(img->r[0]));
	img->nr--;
}

/* Split a whole image into records; the trailer is checked and dropped. */
static int kf_img_parse(struct kf_img *img, unsigned char *buf, size_t size)
{
	size_t off = 0;

	memset(img, 0, sizeof(*img));
	while (off + sizeof(struct ckpt_rec) <= size) {
		struct ckpt_rec *h = (struct ckpt_rec *)(buf + off);

		if (h->len < sizeof(*h) || h->len > size - off)
			return -1;
		if (h->type == CKPT_REC_TRAILER)
			return off + ((h->len + 7) & ~7UL) == size && img->nr ? 0 : -1;
		kf_img_reserve(img, 1);
		img->r[img->nr++] = (struct kf_rec){
			buf + off, h->len, false, true,
			crc32(0, buf + off, (h->len + 7) & ~7UL) };
		off += (h->len + 7) & ~7UL;
	}
	return -1;
}

/* ---- Reading and writing fields ---- */

static uint64_t kf_get(const struct kf_rec *r, unsigned int off, unsigned int size)
{
	uint64_t v = 0;

	if (off + size <= r->len)
		memcpy(&v, r->p + off, size);
	return v;
}

static void kf_put(struct kf_rec *r, unsigned int off, unsigned int size, uint64_t v)
{
	if (off + size <= r->len)
		memcpy(kf_own(r) + off, &v, size);
}

/*
 * Where array @s of a record lies and how many elements it has, as far
 * as the record holds them (perhaps none); false if it does not start
 * inside the record.
 */
static bool kf_seg_span(const struct kf_rec *r, const struct kf_rtype *rt,
			const struct kf_seg *s, uint32_t *off, uint32_t *nr)
{
	uint64_t at = rt->fixed, count;
	unsigned int i;

	if (s->count_off < 0) {
		*off = s->at;
		*nr = s->nr;
		return s->at + (uint64_t)s->elem * s->nr <= r->len;
	}
	for (i = 0; &rt->segs[i] != s; i++)
		if (rt->segs[i].count_off >= 0)
			at += kf_get(r, rt->segs[i].count_off, 4) * rt->segs[i].elem;
	count = kf_get(r, s->count_off, 4);
	if (at > r->len)
		return false;
	if (at + count * s->elem > r->len)
		count = (r->len - at) / s->elem;
	*off = at;
	*nr = count;
	return true;
}

static const struct kf_seg *kf_seg_find(const struct kf_rtype *rt, const char *name,
					size_t len)
{
	unsigned int i;

	for (i = 0; rt && i < rt->nr_segs; i++)
		if (strlen(rt->segs[i].name) == len && !strncmp(rt->segs[i].name, name, len))
			return &rt->segs[i];
	return NULL;
}

static const struct kf_field *kf_field_find(const struct kf_field *f, unsigned int n,
					    const char *name, size_t len)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (strlen(f[i].name) == len && !strncmp(f[i].name, name, len))
			return &f[i];
	return NULL;
}

/* ---- What an image holds: its tasks and objects ---- */

/* The tree entries of the image's first container record. */
static int kf_tree(const struct kf_img *img, const struct ckpt_tree_entry **e)
{
	const struct kf_rtype *rt = kf_rtype(CKPT_REC_CONTAINER);
	uint32_t off, nr;
	int i;

	for (i = 0; i < img->nr; i++) {
		if (kf_type(img, i) != CKPT_REC_CONTAINER)
			continue;
		if (!kf_seg_span(&img->r[i], rt, &rt->segs[0], &off, &nr))
			return 0;
		if (nr > CKPT_MAX_TASKS)
			nr = CKPT_MAX_TASKS;
		*e = (const struct ckpt_tree_entry *)(img->r[i].p + off);
		return nr;
	}
	return 0;
}

/* The pid of the @k-th task (mod their number) that @what says; any task else. */
static int32_t kf_pick_pid(const struct kf_img *img, char what, uint64_t k)
{
	const struct ckpt_tree_entry *e;
	int n = kf_tree(img, &e), i, m = 0;
	int32_t pids[CKPT_MAX_TASKS];

	if (!n)
		return 1;
	for (i = 0; i < n; i++) {
		bool zombie = e[i].flags & CKPT_TREE_ZOMBIE;
		bool thread = e[i].tgid != e[i].pid;

		if (((what == 'z' && zombie) || (what == 't' && thread) ||
		     (what == 'l' && !zombie && !thread)) && m < CKPT_MAX_TASKS)
			pids[m++] = e[i].pid;
	}
	if (!m)
		return e[k % n].pid;
	return pids[k % m];
}

static uint32_t kf_objref(const struct kf_rec *r)
{
	return kf_get(r, offsetof(struct ckpt_rec_obj, objref), 4);
}

static uint32_t kf_objtype(const struct kf_rec *r)
{
	return kf_get(r, offsetof(struct ckpt_rec_obj, obj_type), 4);
}

static int kf_okind(const char *name, size_t len)
{
	unsigned int i;

	for (i = 0; i < KF_N(kf_okinds); i++)
		if (strlen(kf_okinds[i].name) == len && !strncmp(kf_okinds[i].name, name, len))
			return i;
	return -1;
}

/* The objref of the @k-th object (mod their number), of kind @kind unless -1. */
static uint32_t kf_pick_ref(const struct kf_img *img, int kind, uint64_t k)
{
	uint32_t refs[4096];
	int i, m = 0;

	for (i = 0; i < img->nr && m < 4096; i++)
		if (kf_type(img, i) == CKPT_REC_OBJ &&
		    (kind < 0 || kf_objtype(&img->r[i]) == kf_okinds[kind].type))
			refs[m++] = kf_objref(&img->r[i]);
	return m ? refs[k % m] : 0;
}

static uint32_t kf_max_ref(const struct kf_img *img)
{
	uint32_t max = 0;
	int i;

	for (i = 0; i < img->nr; i++)
		if (kf_type(img, i) == CKPT_REC_OBJ && kf_objref(&img->r[i]) > max)
			max = kf_objref(&img->r[i]);
	return max;
}

/*
 * The records an object opened at @i spans: the objects opened inside
 * it, its own record, and for an mm its VMAs (each with what opens
 * before it and its pages), for shared memory its pages.
 */
static int kf_group_end(const struct kf_img *img, int i, int depth)
{
	uint32_t own = 0, t = kf_objtype(&img->r[i]);
	int j = i + 1;
	unsigned int k;
	uint64_t nr_vmas;

	if (depth > 8)
		return j;
	while (j < img->nr && kf_type(img, j) == CKPT_REC_OBJ)
		j = kf_group_end(img, j, depth + 1);
	for (k = 0; k < KF_N(kf_okinds); k++)
		if (kf_okinds[k].type == t)
			own = kf_okinds[k].rec;
	if (j >= img->nr || kf_type(img, j) != own)
		return j;
	nr_vmas = own == CKPT_REC_MM ?
		  kf_get(&img->r[j], offsetof(struct ckpt_rec_mm, nr_vmas), 4) : 0;
	j++;
	while (nr_vmas-- > 0 && j < img->nr) {
		while (j < img->nr && kf_type(img, j) == CKPT_REC_OBJ)
			j = kf_group_end(img, j, depth + 1);
		if (j >= img->nr || kf_type(img, j) != CKPT_REC_VMA)
			break;
		j++;
		while (j < img->nr && kf_type(img, j) == CKPT_REC_PAGES)
			j++;
	}
	if (own == CKPT_REC_SHMEM)
		while (j < img->nr && kf_type(img, j) == CKPT_REC_PAGES)
			j++;
	return j;
}

/* ---- Base images: what containers they are taken of ---- */

struct kf_base_spec {
	const char *name;	/* what corpus lines call it */
	const char *prog;	/* the container's init */
	const char *mode;
	size_t word;		/* in the shared page: set up once it reaches... */
	uint64_t ready;
	bool signals;		/* counter_prog: a handled and a pending signal */
};

static const struct kf_base_spec kf_base_specs[] = {
	{ "counter", "counter_prog", "full",
	  offsetof(struct shared_page, counter), 10, true },
	{ "tree", "tree_prog", NULL, offsetof(struct tree_page, ready), T_NR, false },
	{ "threads", "thread_prog", "threads",
	  offsetof(struct thread_page, ready), TH_NR, false },
	{ "leader", "thread_prog", "leader-exited",
	  offsetof(struct thread_page, ready), LE_WORKERS, false },
	{ "pidns", "pidns_prog", NULL, offsetof(struct pidns_page, ready), P_NR, false },
	{ "nanosleep", "sleeper_prog", "nanosleep",
	  offsetof(struct shared_page, counter), 1, false },
	{ "fifo", "sleeper_prog", "hold-fifo",
	  offsetof(struct shared_page, verdict), 400, false },
	{ "holdtree", "sleeper_prog", "hold-tree",
	  offsetof(struct shared_page, verdict), 400, false },
};

#define KF_NR_BASES KF_N(kf_base_specs)

static int kf_base_index(const char *line)
{
	size_t len = strcspn(line, " :");
	unsigned int i;

	for (i = 0; i < KF_NR_BASES; i++)
		if (strlen(kf_base_specs[i].name) == len &&
		    !strncmp(kf_base_specs[i].name, line, len))
			return i;
	return -1;
}

/* ---- Mutations, as text ---- */

/*
 * A selector names a record: TYPEn is the n-th record of that type
 * (mod their number), OKINDn the n-th CKPT_REC_OBJ of that object kind,
 * #n the n-th record.  -1 when there is none.
 */
static int kf_sel(const struct kf_img *img, const char **sp)
{
	const char *s = *sp, *name = s;
	unsigned long long n;
	char *end;
	int i, m = 0, kind = -1;
	unsigned int type = 0, k;
	size_t len;

	if (*s == '#') {
		n = strtoull(s + 1, &end, 10);
		*sp = end;
		return img->nr > 1 ? (int)(1 + n % (img->nr - 1)) : -1;
	}
	while (isupper((unsigned char)*s))
		s++;
	len = s - name;
	n = strtoull(s, &end, 10);
	if (end == s)
		return -1;
	*sp = end;
	if (len > 1 && name[0] == 'O' && strncmp(name, "OBJ", len)) {
		kind = kf_okind(name + 1, len - 1);
		if (kind < 0)
			return -1;
		type = CKPT_REC_OBJ;
	} else {
		for (k = 0; k < KF_N(kf_rtypes); k++)
			if (strlen(kf_rtypes[k].name) == len &&
			    !strncmp(kf_rtypes[k].name, name, len))
				type = kf_rtypes[k].type;
		if (!type)
			return -1;
	}
	for (i = 0; i < img->nr; i++)
		if (kf_type(img, i) == type &&
		    (kind < 0 || kf_objtype(&img->r[i]) == kf_okinds[kind].type))
			m++;
	if (!m)
		return -1;
	n %= m;
	for (i = 0; i < img->nr; i++)
		if (kf_type(img, i) == type &&
		    (kind < 0 || kf_objtype(&img->r[i]) == kf_okinds[kind].type) &&
		    n-- == 0)
			return i;
	return -1;
}

/* A position between records: @n, @SEL (before it) or @SEL+ (after it). */
static int kf_pos(const struct kf_img *img, const char **sp)
{
	const char *s = *sp;
	int i;

	if (*s++ != '@')
		return -1;
	if (isdigit((unsigned char)*s)) {
		unsigned long long n = strtoull(s, (char **)sp, 10);

		return 1 + n % img->nr;
	}
	i = kf_sel(img, &s);
	if (i >= 0 && *s == '+') {
		s++;
		i++;
	}
	*sp = s;
	return i;
}

/*
 * A value for a field that holds @old: a number, or m1 (all ones),
 * smax/smin (signed bounds), o+N o-N o^N o<<N o>>N (from the old value),
 * pidN zpidN tpidN lpidN (a task's, a zombie's, a thread's, a live
 * process's pid), refN refKINDN (an object's objref), nref (a fresh one).
 */
static uint64_t kf_value(const struct kf_img *img, const char *v, uint64_t old,
			 unsigned int size)
{
	uint64_t ones = size >= 8 ? ~0ULL : (1ULL << (size * 8)) - 1;
	unsigned long long n;
	const char *p;
	int kind;

	if (!strcmp(v, "m1"))
		return ones;
	if (!strcmp(v, "smax"))
		return ones >> 1;
	if (!strcmp(v, "smin"))
		return (ones >> 1) + 1;
	if (!strcmp(v, "nref"))
		return kf_max_ref(img) + 1;
	if (v[0] == 'o' && v[1]) {
		n = strtoull(v + 2 + (v[1] == '<' || v[1] == '>'), NULL, 0);
		switch (v[1]) {
		case '+':
			return old + n;
		case '-':
			return old - n;
		case '^':
			return old ^ n;
		case '<':
			return n < 64 ? old << n : 0;
		case '>':
			return n < 64 ? old >> n : 0;
		}
		return old;
	}
	if (!strncmp(v, "pid", 3) || (v[0] && !strncmp(v + 1, "pid", 3)))
		return (uint32_t)kf_pick_pid(img, v[0] == 'p' ? 'a' : v[0],
					     strtoull(v + (v[0] == 'p' ? 3 : 4), NULL, 10));
	if (!strncmp(v, "ref", 3)) {
		for (p = v + 3; isupper((unsigned char)*p); p++)
			;
		kind = p > v + 3 ? kf_okind(v + 3, p - v - 3) : -1;
		return kf_pick_ref(img, kind, strtoull(p, NULL, 10));
	}
	if (v[0] == '-')
		return (uint64_t)strtoll(v, NULL, 0);
	return strtoull(v, NULL, 0);
}

struct kf_field_loc {
	unsigned int off, size;
	enum kf_kind kind;
};

/* FIELD or ARRAY[i] or ARRAY[i].FIELD of record @r, where it lies. */
static bool kf_locate(const struct kf_rec *r, const char **sp, struct kf_field_loc *loc)
{
	const struct kf_rtype *rt = kf_rtype(((const struct ckpt_rec *)r->p)->type);
	const char *s = *sp, *name = s;
	const struct kf_field *f;
	const struct kf_seg *seg;
	uint32_t off, nr;
	unsigned long long idx;
	char *end;

	if (!rt)
		return false;
	while (*s && *s != '=' && *s != '[' && *s != ':')
		s++;
	if (*s != '[') {
		f = kf_field_find(rt->fields, rt->nr_fields, name, s - name);
		*sp = s;
		if (!f || f->off + f->size > r->len)
			return false;
		*loc = (struct kf_field_loc){ f->off, f->size, f->kind };
		return true;
	}
	seg = kf_seg_find(rt, name, s - name);
	idx = strtoull(s + 1, &end, 10);
	if (*end != ']')
		return false;
	s = end + 1;
	*sp = s;
	if (!seg || !kf_seg_span(r, rt, seg, &off, &nr) || !nr)
		return false;
	off += (idx % nr) * seg->elem;
	if (*s != '.') {
		if (seg->kind == K_BYTES || seg->elem > 8)
			return false;
		*loc = (struct kf_field_loc){ off, seg->elem, seg->kind };
		return true;
	}
	name = ++s;
	while (*s && *s != '=')
		s++;
	*sp = s;
	f = seg->fields ? kf_field_find(seg->fields, seg->nr_fields, name, s - name) : NULL;
	if (!f)
		return false;
	*loc = (struct kf_field_loc){ off + f->off, f->size, f->kind };
	return true;
}

/* Call @fn on every 4-byte field of kind @kind in @r, in arrays too unless @top_only. */
static void kf_each(struct kf_rec *r, enum kf_kind kind, bool arrays_only,
		    void (*fn)(struct kf_rec *r, unsigned int off, void *arg), void *arg)
{
	const struct kf_rtype *rt = kf_rtype(((struct ckpt_rec *)r->p)->type);
	unsigned int i, j, k;
	uint32_t off, nr;

	if (!rt)
		return;
	for (i = 0; i < rt->nr_fields && !arrays_only; i++)
		if (rt->fields[i].kind == kind && rt->fields[i].size == 4)
			fn(r, rt->fields[i].off, arg);
	for (i = 0; i < rt->nr_segs; i++) {
		const struct kf_seg *s = &rt->segs[i];

		if (!kf_seg_span(r, rt, s, &off, &nr))
			continue;
		for (j = 0; j < nr; j++) {
			if (!s->fields) {
				if (s->kind == kind && s->elem == 4)
					fn(r, off + j * s->elem, arg);
				continue;
			}
			for (k = 0; k < s->nr_fields; k++)
				if (s->fields[k].kind == kind && s->fields[k].size == 4)
					fn(r, off + j * s->elem + s->fields[k].off, arg);
		}
	}
}

/* Swap two values wherever they appear: arg points at both. */
static void kf_swap_one(struct kf_rec *r, unsigned int off, void *arg)
{
	const uint32_t *ab = arg;
	uint32_t v = kf_get(r, off, 4);

	if (v == ab[0] || v == ab[1])
		kf_put(r, off, 4, v == ab[0] ? ab[1] : ab[0]);
}

/* Rename objrefs by a table of @arg: its count, then pairs old, new. */
static void kf_rename_one(struct kf_rec *r, unsigned int off, void *arg)
{
	const uint32_t *map = arg;
	uint32_t v = kf_get(r, off, 4), i;

	for (i = 0; i < map[0]; i++)
		if (v == map[1 + 2 * i])
			kf_put(r, off, 4, map[2 + 2 * i]);
}

struct kf_apply {
	struct kf_img *img;
	const struct kf_img *const *bases;	/* by kf_base_index(), or NULL */
	bool run;		/* let the restored tasks run: no RESTART_FROZEN */
};

/*
 * Copy the object group at @i of @src (or move it, when @src is @img)
 * to @pos of @img; a copy gets fresh objrefs, and what it names inside
 * itself follows them, unless @keep.
 */
static void kf_copy_group(struct kf_img *img, const struct kf_img *src, int i, int pos,
			  bool move, bool keep)
{
	int end = kf_group_end(src, i, 0), n = end - i, k;
	uint32_t map[1 + 2 * 64] = { 0 }, fresh;
	struct kf_rec *tmp;

	/* A copy may land inside the original; a move cannot. */
	if (n <= 0 || n > 4096 || (move && pos > i && pos < end))
		return;
	tmp = malloc(n * sizeof(*tmp));
	if (!tmp)
		abort();
	for (k = 0; k < n; k++)
		tmp[k] = move ? img->r[i + k] : kf_rec_dup(&src->r[i + k]);
	if (move) {
		memmove(&img->r[i], &img->r[end], (img->nr - end) * sizeof(*tmp));
		img->nr -= n;
		if (pos >= end)
			pos -= n;
	}
	if (!move && !keep) {
		fresh = kf_max_ref(img) + 1;
		for (k = 0; k < n; k++)
			if (((struct ckpt_rec *)tmp[k].p)->type == CKPT_REC_OBJ &&
			    map[0] < 64) {
				map[1 + 2 * map[0]] = kf_objref(&tmp[k]);
				map[2 + 2 * map[0]] = fresh++;
				map[0]++;
			}
		for (k = 0; k < n; k++)
			kf_each(&tmp[k], K_REF, false, kf_rename_one, map);
	}
	kf_img_reserve(img, n);
	memmove(&img->r[pos + n], &img->r[pos], (img->nr - pos) * sizeof(*tmp));
	memcpy(&img->r[pos], tmp, n * sizeof(*tmp));
	img->nr += n;
	free(tmp);
}

/* Apply one mutation; false if it names nothing in this image. */
static bool kf_apply_op(struct kf_apply *a, const char *op)
{
	struct kf_img *img = a->img;
	const struct kf_rtype *rt;
	const struct kf_seg *seg;
	struct kf_field_loc loc;
	const char *s = strchr(op, ':');
	char what = op[0], how = op[1];
	uint32_t off, nr;
	int i, j, pos;

	if (!strcmp(op, "run")) {
		a->run = true;
		return true;
	}
	if (!s)
		return false;
	s++;
	if (what == 'P') {
		/* Pa,b: swap two tasks' pids; scope A all, E tree, T task, C cpu records. */
		const struct ckpt_tree_entry *e;
		int n = kf_tree(img, &e);
		unsigned long long x, y;
		uint32_t ab[2];
		char *end;

		x = strtoull(s, &end, 10);
		if (*end != ',' || !n)
			return false;
		y = strtoull(end + 1, NULL, 10);
		ab[0] = e[x % n].pid;
		ab[1] = e[y % n].pid;
		if (ab[0] == ab[1])
			return false;
		for (i = 0; i < img->nr; i++) {
			uint32_t t = kf_type(img, i);

			if (how == 'A' || (how == 'E' && t == CKPT_REC_CONTAINER) ||
			    (how == 'T' && t == CKPT_REC_TASK) ||
			    (how == 'C' && t == CKPT_REC_CPU))
				kf_each(&img->r[i], K_PID, how == 'E', kf_swap_one, ab);
		}
		return true;
	}
	if (what == 'I') {
		/* I:BASE:SEL@POS copies a record of another base image, IG: its object. */
		const struct kf_img *src;
		int b = kf_base_index(s);

		src = b >= 0 && a->bases ? a->bases[b] : NULL;
		s += strcspn(s, ":");
		if (!src || *s++ != ':')
			return false;
		i = kf_sel(src, &s);
		pos = kf_pos(img, &s);
		if (i < 0 || pos <= 0 || (how == 'G' && kf_type(src, i) != CKPT_REC_OBJ))
			return false;
		if (how == 'G')
			kf_copy_group(img, src, i, pos, false, false);
		else
			kf_img_insert(img, pos, kf_rec_dup(&src->r[i]));
		return true;
	}
	i = kf_sel(img, &s);
	if (i < 0)
		return false;
	rt = kf_rtype(kf_type(img, i));
	switch (what) {
	case 'S':
		if (*s++ != '.' || !kf_locate(&img->r[i], &s, &loc) || *s++ != '=')
			return false;
		kf_put(&img->r[i], loc.off, loc.size,
		       kf_value(img, s, kf_get(&img->r[i], loc.off, loc.size), loc.size));
		return true;
	case 'D':
		if (i == 0)
			return false;
		kf_img_insert(img, i + 1, kf_rec_dup(&img->r[i]));
		return true;
	case 'X':
		if (i == 0)
			return false;
		kf_img_remove(img, i);
		return true;
	case 'M': {
		struct kf_rec r = img->r[i];

		pos = kf_pos(img, &s);
		if (i == 0 || pos <= 0)
			return false;
		memmove(&img->r[i], &img->r[i + 1], (img->nr - i - 1) * sizeof(r));
		img->nr--;
		if (pos > i)
			pos--;
		memmove(&img->r[pos + 1], &img->r[pos], (img->nr - pos) * sizeof(r));
		img->r[pos] = r;
		img->nr++;
		return true;
	}
	case 'G':
		if (kf_type(img, i) != CKPT_REC_OBJ)
			return false;
		pos = kf_pos(img, &s);
		if (pos <= 0)
			return false;
		kf_copy_group(img, img, i, pos, how == 'M', *s == '!');
		return true;
	case 'A':
		/* A+:SEL.ARRAY:i copies element i after itself, A- drops it. */
		if (*s++ != '.')
			return false;
		op = s;
		while (*s && *s != ':')
			s++;
		seg = kf_seg_find(rt, op, s - op);
		if (!seg || seg->count_off < 0 || *s++ != ':' ||
		    !kf_seg_span(&img->r[i], rt, seg, &off, &nr) || !nr)
			return false;
		j = strtoull(s, NULL, 10) % nr;
		off += j * seg->elem;
		if (how == '+') {
			if (!kf_splice(&img->r[i], off, 0, NULL, seg->elem))
				return false;
			memcpy(img->r[i].p + off, img->r[i].p + off + seg->elem, seg->elem);
			kf_put(&img->r[i], seg->count_off, 4,
			       kf_get(&img->r[i], seg->count_off, 4) + 1);
		} else {
			if (!kf_splice(&img->r[i], off, seg->elem, "", 0))
				return false;
			kf_put(&img->r[i], seg->count_off, 4,
			       kf_get(&img->r[i], seg->count_off, 4) - 1);
		}
		return true;
	case 'L': {
		/* L:SEL.ARRAY=n puts kf_paths[n] there, =@SEL.ARRAY another record's. */
		unsigned char *copy;
		uint32_t len, src_off;
		bool ok;

		if (*s++ != '.')
			return false;
		op = s;
		while (*s && *s != '=')
			s++;
		seg = kf_seg_find(rt, op, s - op);
		if (!seg || seg->kind != K_BYTES || seg->elem != 1 || seg->count_off < 0 ||
		    *s++ != '=')
			return false;
		if (*s == '@') {
			const struct kf_rtype *rt2;
			const struct kf_seg *seg2;
			int i2;

			s++;
			i2 = kf_sel(img, &s);
			if (i2 < 0 || *s++ != '.')
				return false;
			rt2 = kf_rtype(kf_type(img, i2));
			seg2 = kf_seg_find(rt2, s, strlen(s));
			if (!seg2 || seg2->kind != K_BYTES || seg2->count_off < 0 ||
			    !kf_seg_span(&img->r[i2], rt2, seg2, &src_off, &len))
				return false;
			copy = malloc(len + 1);
			if (!copy)
				abort();
			memcpy(copy, img->r[i2].p + src_off, len);
		} else {
			const char *path = kf_paths[strtoull(s, NULL, 10) % KF_N(kf_paths)];

			len = strlen(path);
			copy = (unsigned char *)strdup(path);
			if (!copy)
				abort();
		}
		ok = kf_seg_span(&img->r[i], rt, seg, &off, &nr) &&
		     kf_splice(&img->r[i], off, nr, copy, len);
		free(copy);
		if (ok)
			kf_put(&img->r[i], seg->count_off, 4, len);
		return ok;
	}
	case 'H': {
		/*
		 * H:SEL grows the record's fixed part by 8 zero bytes, as a
		 * newer writer would (its variable part moves up); H:SEL^x
		 * makes the last of them x, a field this kernel cannot know.
		 */
		static const unsigned char zero[8];
		uint32_t hdr_len = ((struct ckpt_rec *)img->r[i].p)->hdr_len;

		if (hdr_len > img->r[i].len || hdr_len + 8 > 0xffff ||
		    !kf_splice(&img->r[i], hdr_len, 0, zero, 8))
			return false;
		((struct ckpt_rec *)img->r[i].p)->hdr_len = hdr_len + 8;
		if (*s == '^')
			img->r[i].p[hdr_len + 7] = strtoull(s + 1, NULL, 0);
		return true;
	}
	case 'F': {
		/* F:SEL+off^x flips bits of one byte past the record header. */
		unsigned long long at, x;
		char *end;

		if (*s++ != '+' || img->r[i].len <= sizeof(struct ckpt_rec))
			return false;
		at = strtoull(s, &end, 10);
		x = *end == '^' ? strtoull(end + 1, NULL, 0) : 1;
		at = sizeof(struct ckpt_rec) + at % (img->r[i].len - sizeof(struct ckpt_rec));
		kf_own(&img->r[i])[at] ^= x ? x : 1;
		return true;
	}
	}
	return false;
}

/* ---- Generating mutations ---- */

static uint64_t kf_rng_state = 88172645463325252ULL;

static uint64_t kf_rnd(uint64_t n)
{
	kf_rng_state ^= kf_rng_state << 13;
	kf_rng_state ^= kf_rng_state >> 7;
	kf_rng_state ^= kf_rng_state << 17;
	return n ? kf_rng_state % n : 0;
}

#define KF_PICK(a) ((a)[kf_rnd(KF_N(a))])

/* A value to try in a field of kind @k, as text for kf_value(). */
static void kf_gen_value(enum kf_kind k, char *out, size_t n)
{
	static const char *const common[] = {
		"0", "1", "m1", "smax", "smin", "o+1", "o-1", "o<<1", "o>>1",
	};
	static const char *const addr[] = {
		"0", "0x1000", "o+0x1000", "o-0x1000", "o+1", "o-1", "o+8",
		"0x7ffffffff000", "0x7ffffffffff8", "0x800000000000",
		"0xffff888000000000", "0xffffffffff600000", "m1", "o^0x1000",
		"o^0x800000000000", "o+0x100000", "o<<1", "0x10000",
	};
	static const char *const count[] = {
		"0", "1", "o+1", "o-1", "o+8", "o-8", "o<<1", "o>>1", "m1",
		"smax", "0x100000", "0x10000", "65", "4097",
	};
	static const char *const seg[] = {
		"0x33", "0x2b", "0x23", "0x10", "0x18", "0", "3", "0xffff",
		"o^3", "o^4", "m1",
	};
	static const char *const eflags[] = {
		"o^0x100", "o^0x200", "o^0x400", "o^0x3000", "o^0x4000",
		"o^0x10000", "o^0x20000", "o^0x40000", "o^0x80000", "o^0x200000",
		"m1", "0", "2", "o^0x8000",
	};
	static const char *const ids[] = {
		"0", "1000", "65534", "m1", "o+1", "0xfffffffe",
	};
	static const char *const sizes[] = {
		"0", "4096", "o+4096", "o-4096", "o+1", "o-1", "o<<1", "m1",
		"0x100000000", "2048", "1", "0x10000",
	};
	static const char *const kinds[] = { "pid", "zpid", "tpid", "lpid" };
	unsigned int r = kf_rnd(100);

	if (r < 12 && k != K_BYTES) {
		snprintf(out, n, "%s", KF_PICK(common));
		return;
	}
	switch (k) {
	case K_PID:
		if (r < 75)
			snprintf(out, n, "%s%u", KF_PICK(kinds), (unsigned int)kf_rnd(16));
		else
			snprintf(out, n, "%s", r < 85 ? "999" : r < 92 ? "4194304" : "0");
		return;
	case K_REF:
		if (r < 50)
			snprintf(out, n, "ref%u", (unsigned int)kf_rnd(64));
		else if (r < 85)
			snprintf(out, n, "ref%s%u", KF_PICK(kf_okinds).name,
				 (unsigned int)kf_rnd(8));
		else
			snprintf(out, n, "%s", r < 92 ? "nref" : "0");
		return;
	case K_OTYPE:
		snprintf(out, n, "%u", (unsigned int)kf_rnd(CKPT_OBJ_MAX + 1));
		return;
	case K_ENUM:
		snprintf(out, n, "%u", (unsigned int)kf_rnd(9));
		return;
	case K_ADDR:
		snprintf(out, n, "%s", KF_PICK(addr));
		return;
	case K_COUNT:
		snprintf(out, n, "%s", KF_PICK(count));
		return;
	case K_SIG:
		snprintf(out, n, "%u", (unsigned int)kf_rnd(66));
		return;
	case K_ID:
		snprintf(out, n, "%s", KF_PICK(ids));
		return;
	case K_CAP:
	case K_FLAGS:
		if (r < 80)
			snprintf(out, n, "o^%#llx", 1ULL << kf_rnd(k == K_CAP ? 44 : 32));
		else
			snprintf(out, n, "%s", r < 90 ? "m1" : "0");
		return;
	case K_SIZE:
		snprintf(out, n, "%s", KF_PICK(sizes));
		return;
	case K_NSIDX:
		snprintf(out, n, "%u", (unsigned int)kf_rnd(10));
		return;
	case K_SEG:
		snprintf(out, n, "%s", KF_PICK(seg));
		return;
	case K_EFLAGS:
		snprintf(out, n, "%s", KF_PICK(eflags));
		return;
	case K_PAD:
		snprintf(out, n, "%s", r < 50 ? "1" : "m1");
		return;
	case K_NUM:
	case K_BYTES:
		break;
	}
	if (r < 60)
		snprintf(out, n, "%s", KF_PICK(common));
	else if (r < 80)
		snprintf(out, n, "%#x", (unsigned int)kf_rnd(1ULL << 32));
	else
		snprintf(out, n, "o^%#llx", 1ULL << kf_rnd(64));
}

/* How a selector names record @i of @img. */
static void kf_sel_name(const struct kf_img *img, int i, char *out, size_t n)
{
	uint32_t type = kf_type(img, i), ot = 0;
	const struct kf_rtype *rt = kf_rtype(type);
	int j, k = 0, kind = -1;
	unsigned int m;

	if (type == CKPT_REC_OBJ) {
		ot = kf_objtype(&img->r[i]);
		for (m = 0; m < KF_N(kf_okinds); m++)
			if (kf_okinds[m].type == ot)
				kind = m;
	}
	for (j = 0; j < i; j++)
		if (kf_type(img, j) == type &&
		    (kind < 0 || kf_objtype(&img->r[j]) == ot))
			k++;
	if (kind >= 0)
		snprintf(out, n, "O%s%d", kf_okinds[kind].name, k);
	else if (rt)
		snprintf(out, n, "%s%d", rt->name, k);
	else
		snprintf(out, n, "#%d", i - 1);
}

/* A record to mutate: a type first, so that page runs do not crowd out the rest. */
static int kf_pick_rec(const struct kf_img *img, bool header_too)
{
	uint32_t types[64];
	int i, nt = 0, t, k, m = 0;

	for (i = header_too ? 0 : 1; i < img->nr; i++) {
		for (t = 0; t < nt && types[t] != kf_type(img, i); t++)
			;
		if (t == nt && nt < 64)
			types[nt++] = kf_type(img, i);
	}
	if (!nt)
		return -1;
	t = kf_rnd(nt);
	for (i = 0; i < img->nr; i++)
		m += kf_type(img, i) == types[t];
	k = kf_rnd(m);
	for (i = 0; i < img->nr; i++)
		if (kf_type(img, i) == types[t] && k-- == 0)
			return i;
	return -1;
}

static int kf_pick_of(const struct kf_img *img, uint32_t type)
{
	int i, m = 0, k;

	for (i = 0; i < img->nr; i++)
		m += kf_type(img, i) == type;
	if (!m)
		return -1;
	k = kf_rnd(m);
	for (i = 0; i < img->nr; i++)
		if (kf_type(img, i) == type && k-- == 0)
			return i;
	return -1;
}

static void kf_gen_pos(const struct kf_img *img, char *out, size_t n)
{
	char sel[32];
	int i = kf_pick_rec(img, false);

	if (i < 0 || kf_rnd(4) == 0) {
		snprintf(out, n, "@%u", (unsigned int)kf_rnd(img->nr));
		return;
	}
	kf_sel_name(img, i, sel, sizeof(sel));
	snprintf(out, n, "@%s%s", sel, kf_rnd(2) ? "+" : "");
}

/* A field mutation of record @i: a field of its own or of an array element. */
static bool kf_gen_set(const struct kf_img *img, int i, const char *sel, char *out,
		       size_t n)
{
	const struct kf_rtype *rt = kf_rtype(kf_type(img, i));
	unsigned int slots = 0, pick, s, f;
	uint32_t off, nr;
	char val[48];

	if (!rt)
		return false;
	for (s = 0; s < rt->nr_segs; s++)
		if (rt->segs[s].kind != K_BYTES &&
		    kf_seg_span(&img->r[i], rt, &rt->segs[s], &off, &nr) && nr)
			slots++;
	pick = kf_rnd(rt->nr_fields + slots * 3);
	if (pick < rt->nr_fields) {
		kf_gen_value(rt->fields[pick].kind, val, sizeof(val));
		snprintf(out, n, "S:%s.%s=%s", sel, rt->fields[pick].name, val);
		return true;
	}
	pick = (pick - rt->nr_fields) / 3;
	for (s = 0; s < rt->nr_segs; s++) {
		const struct kf_seg *sg = &rt->segs[s];

		if (sg->kind == K_BYTES || !kf_seg_span(&img->r[i], rt, sg, &off, &nr) ||
		    !nr || pick--)
			continue;
		if (!sg->fields) {
			kf_gen_value(sg->kind, val, sizeof(val));
			snprintf(out, n, "S:%s.%s[%u]=%s", sel, sg->name,
				 (unsigned int)kf_rnd(nr), val);
			return true;
		}
		f = kf_rnd(sg->nr_fields);
		kf_gen_value(sg->fields[f].kind, val, sizeof(val));
		snprintf(out, n, "S:%s.%s[%u].%s=%s", sel, sg->name,
			 (unsigned int)kf_rnd(nr), sg->fields[f].name, val);
		return true;
	}
	return false;
}

/* One new mutation of @img, as text; @bases are the other base images. */
static bool kf_gen_op(const struct kf_img *img, const struct kf_img *const *bases,
		      char *out, size_t n)
{
	unsigned int r = kf_rnd(100);
	const struct kf_rtype *rt;
	char sel[32], pos[48];
	int i, t = 0, nt;
	unsigned int s;
	uint32_t off, nr;
	const struct ckpt_tree_entry *e;

	if (r < 2) {
		snprintf(out, n, "run");
		return true;
	}
	if (r >= 78 && r < 84) {
		static const char scopes[] = "AETC";

		nt = kf_tree(img, &e);
		if (nt < 2)
			return false;
		t = kf_rnd(nt);
		snprintf(out, n, "P%c:%u,%u", scopes[kf_rnd(4)], t,
			 (unsigned int)((t + 1 + kf_rnd(nt - 1)) % nt));
		return true;
	}
	i = (r >= 62 && r < 75) ? kf_pick_of(img, CKPT_REC_OBJ) :
	    kf_pick_rec(img, kf_rnd(40) == 0);
	if (i < 0)
		return false;
	kf_sel_name(img, i, sel, sizeof(sel));
	rt = kf_rtype(kf_type(img, i));
	if (r < 48)
		return kf_gen_set(img, i, sel, out, n);
	if (r < 52) {
		snprintf(out, n, "D:%s", sel);
		return true;
	}
	if (r < 57) {
		snprintf(out, n, "X:%s", sel);
		return true;
	}
	if (r < 62) {
		kf_gen_pos(img, pos, sizeof(pos));
		snprintf(out, n, "M:%s%s", sel, pos);
		return true;
	}
	if (r < 75) {
		kf_gen_pos(img, pos, sizeof(pos));
		snprintf(out, n, "%s:%s%s%s", r < 71 ? "G" : "GM", sel, pos,
			 r == 70 ? "!" : "");
		return true;
	}
	if (r < 78 || (r >= 84 && r < 94)) {
		/* Array elements and strings. */
		if (!rt)
			return false;
		for (s = 0; s < rt->nr_segs; s++)
			if (rt->segs[s].count_off >= 0)
				t++;
		if (!t)
			return kf_gen_set(img, i, sel, out, n);
		t = kf_rnd(t);
		for (s = 0; s < rt->nr_segs; s++)
			if (rt->segs[s].count_off >= 0 && t-- == 0)
				break;
		if (rt->segs[s].kind == K_BYTES && rt->segs[s].elem == 1 && kf_rnd(2)) {
			int i2 = kf_pick_rec(img, false);
			char sel2[32];
			const struct kf_rtype *rt2 = i2 >= 0 ? kf_rtype(kf_type(img, i2)) : NULL;
			unsigned int s2;

			for (s2 = 0; rt2 && s2 < rt2->nr_segs; s2++)
				if (rt2->segs[s2].kind == K_BYTES && rt2->segs[s2].elem == 1 &&
				    rt2->segs[s2].count_off >= 0 && kf_rnd(2) == 0)
					break;
			if (rt2 && s2 < rt2->nr_segs) {
				kf_sel_name(img, i2, sel2, sizeof(sel2));
				snprintf(out, n, "L:%s.%s=@%s.%s", sel, rt->segs[s].name,
					 sel2, rt2->segs[s2].name);
			} else {
				snprintf(out, n, "L:%s.%s=%u", sel, rt->segs[s].name,
					 (unsigned int)kf_rnd(KF_N(kf_paths)));
			}
			return true;
		}
		if (!kf_seg_span(&img->r[i], rt, &rt->segs[s], &off, &nr) || !nr)
			nr = 1;
		snprintf(out, n, "A%c:%s.%s:%u", kf_rnd(2) ? '+' : '-', sel,
			 rt->segs[s].name, (unsigned int)kf_rnd(nr));
		return true;
	}
	if (r < 97) {
		/* A record or object of another base image. */
		unsigned int b = kf_rnd(KF_NR_BASES);
		const struct kf_img *src = bases ? bases[b] : NULL;
		int j = src ? kf_pick_rec(src, false) : -1;
		char sel2[32];

		if (j < 0)
			return false;
		kf_sel_name(src, j, sel2, sizeof(sel2));
		kf_gen_pos(img, pos, sizeof(pos));
		snprintf(out, n, "I%s:%s:%s%s", kf_type(src, j) == CKPT_REC_OBJ ? "G" : "",
			 kf_base_specs[b].name, sel2, pos);
		return true;
	}
	if (r == 99) {
		/* A fixed part grown, mostly with zeroes as the format allows. */
		if (kf_rnd(4))
			snprintf(out, n, "H:%s", sel);
		else
			snprintf(out, n, "H:%s^%#x", sel, (unsigned int)(1 + kf_rnd(255)));
		return true;
	}
	snprintf(out, n, "F:%s+%u^%#x", sel, (unsigned int)kf_rnd(1 << 16),
		 (unsigned int)(1 + kf_rnd(255)));
	return true;
}

/* ---- Base images: real containers, checkpointed here ---- */

struct kf_base {
	const struct kf_base_spec *spec;
	char path[64];		/* its shared page; restored images use it too */
	unsigned char *buf;
	size_t size;
	struct kf_img img;
	bool ok;
};

static const struct kf_base_spec *kf_spec_now;
static const char *kf_path_now;

static int kf_exec_base(void *arg)
{
	return exec_sibling(kf_spec_now->prog, kf_path_now, kf_spec_now->mode);
}

static double kf_now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec + t.tv_nsec / 1e9;
}

static bool kf_wait_word(uint64_t *w, uint64_t want, int ms)
{
	while (ms-- > 0 && SHARED_GET(*w) < want)
		usleep(1000);
	return SHARED_GET(*w) >= want;
}

/*
 * Start the container, let it set up, and checkpoint it with
 * CHECKPOINT_KILL: nobody outside holds what it had (a FIFO's restart
 * refuses that), and it does not run on beside its copies.
 */
static int kf_base_build(struct kf_base *b, const struct kf_base_spec *spec, FILE *out)
{
	unsigned char *page;
	struct stat sb;
	pid_t init;
	int fd, i, ret = -1;
	uint64_t c;

	b->spec = spec;
	snprintf(b->path, sizeof(b->path), "/tmp/kfuzz-%s-%d", spec->name, getpid());
	page = (unsigned char *)shared_page_create(b->path);
	if (page == MAP_FAILED)
		return -1;
	kf_spec_now = spec;
	kf_path_now = b->path;
	init = container_start(kf_exec_base, NULL);
	if (init <= 0)
		goto out;
	if (!kf_wait_word((uint64_t *)(page + spec->word), spec->ready, 30000)) {
		fprintf(out, "# kfuzz: base %s did not set up\n", spec->name);
		container_stop(init);
		goto out;
	}
	if (spec->signals) {
		c = SHARED_GET(((struct shared_page *)page)->counter);
		kill(init, SIGUSR1);
		kill(init, SIGUSR2);
		kf_wait_word(&((struct shared_page *)page)->counter, c + 70, 30000);
	} else {
		usleep(200000);	/* into the syscall it sleeps in */
	}
	fd = memfd_create("kfuzz-base", 0);
	for (i = 0; fd >= 0 && i < 50; i++) {
		if (!ckpt(init, fd, -1, CHECKPOINT_KILL))
			break;
		usleep(100000);
	}
	if (fd < 0 || i == 50) {
		fprintf(out, "# kfuzz: base %s: checkpoint failed: %m\n", spec->name);
		container_stop(init);
		goto out;
	}
	waitpid(init, NULL, 0);
	if (fstat(fd, &sb) || !sb.st_size)
		goto out_fd;
	b->size = sb.st_size;
	b->buf = malloc(b->size);
	if (!b->buf || pread(fd, b->buf, b->size, 0) != (ssize_t)b->size ||
	    kf_img_parse(&b->img, b->buf, b->size)) {
		fprintf(out, "# kfuzz: base %s: the image does not parse\n", spec->name);
		goto out_fd;
	}

	b->ok = true;
	ret = 0;
out_fd:
	close(fd);
out:
	munmap(page, PAGE);
	return ret;
}

/* ---- Coverage ---- */

/* A set of 64-bit keys, open addressing; 0 is never a key. */
struct kf_set {
	uint64_t *v;
	size_t cap, nr;
};

static bool kf_set_add(struct kf_set *s, uint64_t key)
{
	size_t i;

	if (!key)
		key = 1;
	if (2 * (s->nr + 1) > s->cap) {
		struct kf_set n = { calloc(s->cap ? 2 * s->cap : 4096, 8),
				    s->cap ? 2 * s->cap : 4096, 0 };

		if (!n.v)
			abort();
		for (i = 0; i < s->cap; i++)
			if (s->v[i])
				kf_set_add(&n, s->v[i]);
		free(s->v);
		*s = n;
	}
	for (i = (key * 0x9e3779b97f4a7c15ULL) >> 20; ; i++) {
		i &= s->cap - 1;
		if (s->v[i] == key)
			return false;
		if (!s->v[i]) {
			s->v[i] = key;
			s->nr++;
			return true;
		}
	}
}

/* ---- The fuzzing loop ---- */

struct kf_opts {
	const char *seeds;	/* corpus file: one input a line */
	const char *corpus_out;	/* new inputs are appended here, or NULL */
	double seconds;		/* of mutation after the seeds; 0: seeds only */
	uint64_t max_execs;	/* stop after this many restarts; 0: no limit */
	uint64_t seed;		/* of the random generator */
	bool keep_going;	/* after a crash or hang, start a new worker */
	int jobs;		/* workers restarting at once, 1..KF_MAX_JOBS */
	bool print_new;		/* print each new input, "# KFUZZ-NEW line" */
	bool verbose;		/* print every restart's input and outcome */
	bool print_pcs;		/* print the PCs covered, "# KFUZZ-PC pc" */
	FILE *out;
};

struct kf_stats {
	uint64_t execs, accepted, refused, seeds, seeds_run, corpus;
	uint64_t pcs, edges, seed_pcs, seed_edges, base_remote_pcs;
	uint64_t crashes, hangs, leftovers, bad_errno, splats, broken_bases;
	uint64_t bad_seeds, workers;
	double setup_s, fuzz_s, accepted_ms, refused_ms;
	double prep_ms, reap_ms, cover_ms;	/* the fuzzer's own time */
};

#define KF_SKIP_MAX	32
#define KF_MAX_JOBS	8

/* One worker's, shared with the supervisor. */
struct kf_slot {
	struct kf_stats st;
	char current[KF_LINE_MAX];	/* the input being run */
	int in_exec;
};

/* Shared between the supervisor and its workers. */
struct kf_shared {
	struct kf_stats st;		/* the supervisor's own */
	struct kf_slot slot[KF_MAX_JOBS];
	int nr_skip;
	char skip[KF_SKIP_MAX][KF_LINE_MAX];	/* inputs that killed a worker */
};

struct kf_ctx {
	const struct kf_opts *o;
	struct kf_shared *sh;
	struct kf_slot *me;	/* the worker's slot */
	int jobs;		/* slots in use */
	struct kf_base bases[KF_NR_BASES];
	const struct kf_img *base_imgs[KF_NR_BASES];	/* of those taken */
	double t0;		/* when fuzzing started */
	/* the worker's */
	int memfd, logfd, kmsg;
	unsigned char *buf;
	const unsigned char **last;	/* base records memfd holds, in order */
	uint32_t *last_crc;		/* the checksum up to the end of each */
	int last_nr;
	unsigned long *cov_self, *cov_remote;
	int kcov_self, kcov_remote;
	struct kf_set pcs, edges;
	char **corpus;
	int nr_corpus, cap_corpus;
	regex_t splat;
	int worker_ret;
};

/* The patterns of vm/check.sh: the kernel complained. */
#define KF_SPLAT "BUG:|WARNING:|Oops|KASAN:|UBSAN:|INFO: task .* blocked|INFO: rcu|" \
	"unreferenced object|Kernel panic|general protection fault|" \
	"kernel BUG|possible recursive locking|circular locking|" \
	"suspicious RCU usage|Call Trace:"

static void kf_say(struct kf_ctx *k, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfprintf(k->o->out, fmt, ap);
	va_end(ap);
	fflush(k->o->out);
}

/* Build the image an input line describes; false if its base is unknown. */
static bool kf_build(struct kf_ctx *k, const char *line, struct kf_img *img, bool *run,
		     int *bad_ops)
{
	int b = kf_base_index(line);
	struct kf_apply a = { .img = img, .bases = k->base_imgs };
	char tok[KF_LINE_MAX];
	const char *p;
	size_t len;

	if (b < 0 || !k->bases[b].ok)
		return false;
	kf_img_copy(img, &k->bases[b].img);
	for (p = line + strcspn(line, " "); *p; p += len) {
		p += strspn(p, " ");
		len = strcspn(p, " ");
		if (!len || len >= sizeof(tok))
			break;
		memcpy(tok, p, len);
		tok[len] = '\0';
		if (!kf_apply_op(&a, tok) && bad_ops)
			(*bad_ops)++;
	}
	*run = a.run;
	return true;
}

/*
 * The one thing the fuzzer keeps from the image's power over its caller:
 * the init's exit signal reaches the restarter, and SIGKILL or SIGSTOP
 * there would stop the fuzzer itself (every other signal it blocks).
 */
static void kf_protect(struct kf_img *img)
{
	const struct ckpt_tree_entry *e;
	int i;

	if (!kf_tree(img, &e))
		return;
	if (e[0].exit_signal != SIGKILL && e[0].exit_signal != SIGSTOP)
		return;
	for (i = 0; kf_type(img, i) != CKPT_REC_CONTAINER; i++)
		;
	kf_put(&img->r[i], (const unsigned char *)&e[0].exit_signal - img->r[i].p, 4,
	       SIGCHLD);
}

/*
 * Write the image and a trailer that agrees with it, straight from the
 * records; the checksum of a record the mutations left alone is known,
 * and so is where the image last written starts to differ.
 */
static int kf_write(struct kf_ctx *k, const struct kf_img *img)
{
	static const unsigned char zero[CKPT_ALIGN];
	struct ckpt_rec_trailer t = {
		.rec = { .type = CKPT_REC_TRAILER, .hdr_len = sizeof(t),
			 .len = sizeof(t) },
		.magic = CKPT_IMAGE_MAGIC,
		.nr_records = img->nr,
	};
	struct iovec iov[1024];
	uint32_t crc = crc32(0, NULL, 0);
	size_t size = 0, batch = 0;
	bool same = true;
	int i, n = 0;

	k->last = realloc(k->last, (img->nr + 1) * sizeof(*k->last));
	k->last_crc = realloc(k->last_crc, (img->nr + 1) * sizeof(*k->last_crc));
	if (!k->last || !k->last_crc)
		abort();
	for (i = 0; i <= img->nr; i++) {
		const struct kf_rec *r = &img->r[i];
		uint32_t span;

		if (i < img->nr) {
			/* A base record's bytes never change: its pointer names them. */
			same = same && !r->own && i < k->last_nr && k->last[i] == r->p;
			k->last[i] = r->own ? NULL : r->p;
			if (same) {
				crc = k->last_crc[i];
				size += (r->len + 7) & ~7U;
				continue;
			}
		} else if (same && k->last_nr == img->nr) {
			size += sizeof(t);	/* the very image written last time */
			break;
		}
		if (i == img->nr) {
			t.crc = crc;
			iov[n++] = (struct iovec){ &t, sizeof(t) };
			batch += sizeof(t);
		} else {
			span = (r->len + 7) & ~7U;
			/* Combining costs about what a page of crc32 does. */
			if (r->crc_ok && span >= 4096) {
				crc = crc32_combine(crc, r->crc, span);
			} else {
				crc = crc32(crc, r->p, r->len);
				crc = crc32(crc, zero, span - r->len);
			}
			k->last_crc[i] = crc;
			iov[n++] = (struct iovec){ r->p, r->len };
			if (span > r->len)
				iov[n++] = (struct iovec){ (void *)zero, span - r->len };
			batch += span;
		}
		if (n >= 1022 || i == img->nr) {
			if (pwritev(k->memfd, iov, n, size) != (ssize_t)batch)
				return -1;
			size += batch;
			batch = 0;
			n = 0;
		}
	}
	k->last_nr = img->nr;
	if (ftruncate(k->memfd, size) || lseek(k->memfd, 0, SEEK_SET))
		return -1;
	return 0;
}

/* New kernel log lines; a splat among them is a finding, reported with @line. */
static int kf_check_kmsg(struct kf_ctx *k, const char *line)
{
	char rec[8192];
	int found = 0, shown = 0;
	ssize_t n;

	if (k->kmsg < 0)
		return 0;
	for (;;) {
		char *msg;

		n = read(k->kmsg, rec, sizeof(rec) - 1);
		if (n < 0 && errno == EPIPE)
			continue;	/* overwritten before we read it */
		if (n <= 0)
			break;
		rec[n] = '\0';
		msg = strchr(rec, ';');
		msg = msg ? msg + 1 : rec;
		msg[strcspn(msg, "\n")] = '\0';
		if (!found && !regexec(&k->splat, msg, 0, NULL, 0)) {
			int i;

			found = 1;
			kf_say(k, "# KFUZZ-FINDING splat: %s\n", line);
			/* Workers share the log: the others' inputs are suspects too. */
			for (i = 0; i < k->jobs; i++)
				if (&k->sh->slot[i] != k->me && k->jobs > 1)
					kf_say(k, "#   worker %d was running: %s\n", i,
					       k->sh->slot[i].current);
		}
		if (found && shown++ < 80)
			kf_say(k, "#   kmsg: %s\n", msg);
	}
	return found;
}

static void kf_kcov_reset(struct kf_ctx *k)
{
	if (k->cov_self)
		__atomic_store_n(&k->cov_self[0], 0, __ATOMIC_RELAXED);
	if (k->cov_remote)
		__atomic_store_n(&k->cov_remote[0], 0, __ATOMIC_RELAXED);
}

/* Fold a trace into the sets; how many PCs and PC pairs were new. */
static uint64_t kf_cover(struct kf_ctx *k, const unsigned long *area, uint64_t *pcs)
{
	uint64_t n, i, fresh = 0;
	uint32_t prev = 0;

	if (!area)
		return 0;
	n = __atomic_load_n(&area[0], __ATOMIC_RELAXED);
	if (n > KF_COVER_WORDS - 1)
		n = KF_COVER_WORDS - 1;
	for (i = 1; i <= n; i++) {
		uint32_t pc = area[i];

		if (kf_set_add(&k->pcs, pc)) {
			fresh++;
			if (pcs)
				(*pcs)++;
		}
		fresh += kf_set_add(&k->edges, (uint64_t)prev << 32 | pc);
		prev = pc;
	}
	return fresh;
}

/* Find and reap children nobody should have left: true if there were any. */
static bool kf_leftovers(struct kf_ctx *k, const char *line)
{
	int status;
	pid_t p = waitpid(-1, &status, WNOHANG | __WALL);

	if (p == -1 && errno == ECHILD)
		return false;
	kf_say(k, "# KFUZZ-FINDING left behind (pid %d): %s\n", p, line);
	/* Our only children are restored inits: kill whatever is left. */
	if (p > 0 || p == 0) {
		char path[64], buf[4096], *s;
		int fd;

		snprintf(path, sizeof(path), "/proc/self/task/%ld/children",
			 (long)syscall(SYS_gettid));
		fd = open(path, O_RDONLY);
		if (fd >= 0) {
			read_log(fd, buf, sizeof(buf));
			close(fd);
			for (s = strtok(buf, "\n "); s; s = strtok(NULL, "\n ")) {
				kill(atoi(s), SIGKILL);
				waitpid(atoi(s), &status, __WALL);
			}
		}
	}
	return true;
}

/*
 * Tasks in a pid namespace other than ours: restored containers.  Once
 * every one was killed and reaped there must be none; returns how many
 * there are, naming them.
 */
static int kf_foreign_tasks(struct kf_ctx *k)
{
	char mine[64] = "", link[64], path[300], comm[32];
	struct dirent *d;
	int n = 0, fd;
	ssize_t len;
	DIR *proc;

	if (readlink("/proc/self/ns/pid", mine, sizeof(mine) - 1) < 0)
		return 0;
	proc = opendir("/proc");
	while (proc && (d = readdir(proc))) {
		if (!isdigit((unsigned char)d->d_name[0]))
			continue;
		snprintf(path, sizeof(path), "/proc/%s/ns/pid", d->d_name);
		len = readlink(path, link, sizeof(link) - 1);
		if (len < 0)
			continue;	/* gone, or a kernel thread's */
		link[len] = '\0';
		if (!strcmp(link, mine))
			continue;
		snprintf(path, sizeof(path), "/proc/%s/comm", d->d_name);
		fd = open(path, O_RDONLY);
		comm[0] = '\0';
		if (fd >= 0) {
			read_log(fd, comm, sizeof(comm));
			close(fd);
		}
		comm[strcspn(comm, "\n")] = '\0';
		kf_say(k, "# KFUZZ-FINDING task %s (%s) of a restored container is still there\n",
		       d->d_name, comm);
		n++;
	}
	if (proc)
		closedir(proc);
	return n;
}

/*
 * Run one input (its image, if @built, which this frees): restart(2)
 * it, kill and reap what it restored, check that nothing was left
 * behind and that a refusal was a plain errno.  Returns how much new
 * coverage it reached.
 */
static uint64_t kf_exec(struct kf_ctx *k, const char *line,
			struct kf_img *built, bool *accepted)
{
	struct kf_stats *st = &k->me->st;
	struct kf_img img;
	bool run = false;
	double t, t0;
	long ret;
	int err, status;
	uint64_t fresh;

	*accepted = false;
	t = kf_now();
	if (!built && !kf_build(k, line, &img, &run, NULL))
		return 0;
	if (built) {
		const char *p;

		img = *built;
		for (p = line; (p = strstr(p, " run")); p += 4)
			run |= p[4] == ' ' || !p[4];
	}
	kf_protect(&img);
	if (kf_write(k, &img)) {
		kf_img_free(&img);
		return 0;
	}
	kf_img_free(&img);
	snprintf(k->me->current, sizeof(k->me->current), "%s", line);
	__atomic_store_n(&k->me->in_exec, 1, __ATOMIC_SEQ_CST);

	kf_kcov_reset(k);
	if (ftruncate(k->logfd, 0) || lseek(k->logfd, 0, SEEK_SET))
		return 0;
	alarm(KF_EXEC_TIMEOUT);
	st->prep_ms += (kf_now() - t) * 1e3;
	t = kf_now();
	ret = rstrt(k->memfd, k->logfd, run ? 0 : RESTART_FROZEN);
	err = errno;
	t = kf_now() - t;
	t0 = kf_now();
	if (ret > 0) {
		kill(ret, SIGKILL);
		if (waitpid(ret, &status, __WALL) != ret) {
			st->leftovers++;
			kf_say(k, "# KFUZZ-FINDING restored init %ld is not our child: %s\n",
			       ret, line);
		}
	}
	alarm(0);
	__atomic_store_n(&k->me->in_exec, 0, __ATOMIC_SEQ_CST);

	st->execs++;
	if (ret > 0) {
		*accepted = true;
		st->accepted++;
		st->accepted_ms += t * 1e3;
	} else {
		st->refused++;
		st->refused_ms += t * 1e3;
		if (ret != -1 || err <= 0 || err >= 512) {
			st->bad_errno++;
			kf_say(k, "# KFUZZ-FINDING restart returned %ld errno %d: %s\n",
			       ret, err, line);
		}
	}
	if (k->o->verbose) {
		char log[256];

		read_log(k->logfd, log, sizeof(log));
		log[strcspn(log, "\n")] = '\0';
		kf_say(k, "# %s: %d in %.1f ms %s\n", line, ret > 0 ? 0 : -err, t * 1e3, log);
	}
	if (kf_leftovers(k, line))
		st->leftovers++;
	if (kf_check_kmsg(k, line))
		st->splats++;
	st->reap_ms += (kf_now() - t0) * 1e3;
	t0 = kf_now();
	fresh = kf_cover(k, k->cov_self, NULL) + kf_cover(k, k->cov_remote, NULL);
	st->cover_ms += (kf_now() - t0) * 1e3;
	st->pcs = k->pcs.nr;
	st->edges = k->edges.nr;
	return fresh;
}

static void kf_corpus_add(struct kf_ctx *k, const char *line)
{
	if (k->nr_corpus == k->cap_corpus) {
		k->cap_corpus = k->cap_corpus ? 2 * k->cap_corpus : 256;
		k->corpus = realloc(k->corpus, k->cap_corpus * sizeof(*k->corpus));
		if (!k->corpus)
			abort();
	}
	k->corpus[k->nr_corpus++] = strdup(line);
	k->me->st.corpus = k->nr_corpus;
}

static bool kf_skipped(struct kf_ctx *k, const char *line)
{
	int i;

	for (i = 0; i < k->sh->nr_skip; i++)
		if (!strcmp(k->sh->skip[i], line))
			return true;
	return false;
}

/* Run every line of a corpus file once; each becomes a parent. */
static void kf_run_file(struct kf_ctx *k, const char *path, bool count_seeds)
{
	char line[KF_LINE_MAX];
	bool accepted;
	FILE *f;

	f = path ? fopen(path, "r") : NULL;
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		int bad = 0;
		struct kf_img img;
		bool run;

		line[strcspn(line, "\r\n")] = '\0';
		if (!line[0] || line[0] == '#')
			continue;
		if (count_seeds)
			k->me->st.seeds++;
		if (!kf_build(k, line, &img, &run, &bad)) {
			k->me->st.bad_seeds++;
			kf_say(k, "# kfuzz: no base for: %s\n", line);
			continue;
		}
		kf_img_free(&img);
		if (bad)
			kf_say(k, "# kfuzz: %d mutations name nothing in: %s\n", bad, line);
		if (kf_skipped(k, line))
			continue;
		kf_exec(k, line, NULL, &accepted);
		if (count_seeds)
			k->me->st.seeds_run++;
		kf_corpus_add(k, line);
	}
	fclose(f);
}

/*
 * A child of a corpus input: some of its mutations, and one to three
 * new ones; its image in @img, false if there is none.
 */
static bool kf_mutate(struct kf_ctx *k, char *out, size_t n, struct kf_img *img)
{
	const char *parent = k->corpus[kf_rnd(k->nr_corpus)];
	char ops[KF_MAX_OPS + 4][256], op[256];
	int nr = 0, i, add, drop = -1;
	const char *p = parent + strcspn(parent, " ");
	struct kf_apply a;
	size_t len, used;
	bool run;

	while (*p && nr < KF_MAX_OPS) {
		p += strspn(p, " ");
		len = strcspn(p, " ");
		if (!len)
			break;
		if (len < sizeof(ops[0])) {
			memcpy(ops[nr], p, len);
			ops[nr++][len] = '\0';
		}
		p += len;
	}
	if (nr && kf_rnd(5) == 0)
		drop = kf_rnd(nr);
	/* Splice: an op of another input of the same base. */
	if (nr < KF_MAX_OPS && kf_rnd(10) == 0) {
		const char *o = k->corpus[kf_rnd(k->nr_corpus)];

		if (kf_base_index(o) == kf_base_index(parent) && strchr(o, ' ')) {
			const char *q = o + strcspn(o, " ");
			int m = 0, want;

			for (; *q; m++)
				q += strspn(q, " "), q += strcspn(q, " "), q += strspn(q, " ");
			want = kf_rnd(m ? m : 1);
			for (q = o + strcspn(o, " "); *q && want >= 0; want--) {
				q += strspn(q, " ");
				len = strcspn(q, " ");
				if (want == 0 && len && len < sizeof(ops[0])) {
					memcpy(ops[nr], q, len);
					ops[nr++][len] = '\0';
				}
				q += len;
			}
		}
	}
	used = snprintf(out, n, "%.*s", (int)strcspn(parent, " "), parent);
	for (i = 0; i < nr; i++)
		if (i != drop && used + strlen(ops[i]) + 2 < n)
			used += snprintf(out + used, n - used, " %s", ops[i]);

	/* New mutations, each chosen on the image the ones before made. */
	if (!kf_build(k, out, img, &run, NULL))
		return false;
	memset(&a, 0, sizeof(a));
	a.img = img;
	a.bases = k->base_imgs;
	for (add = 1 + kf_rnd(3); add > 0 && nr < KF_MAX_OPS; add--) {
		if (!kf_gen_op(img, k->base_imgs, op, sizeof(op)))
			continue;
		if (used + strlen(op) + 2 >= n)
			break;
		kf_apply_op(&a, op);
		used += snprintf(out + used, n - used, " %s", op);
		nr++;
	}
	return true;
}

/* The figures of all workers together, and the supervisor's own. */
static void kf_total(const struct kf_shared *sh, int jobs, struct kf_stats *t)
{
	int i;

	*t = sh->st;
	for (i = 0; i < jobs; i++) {
		const struct kf_stats *w = &sh->slot[i].st;

		t->execs += w->execs;
		t->accepted += w->accepted;
		t->refused += w->refused;
		t->crashes += w->crashes;
		t->hangs += w->hangs;
		t->leftovers += w->leftovers;
		t->bad_errno += w->bad_errno;
		t->splats += w->splats;
		t->broken_bases += w->broken_bases;
		t->accepted_ms += w->accepted_ms;
		t->refused_ms += w->refused_ms;
		t->prep_ms += w->prep_ms;
		t->reap_ms += w->reap_ms;
		t->cover_ms += w->cover_ms;
		/* Each worker has its own corpus and coverage: the best. */
#define KF_MAX(f) (t->f = t->f > w->f ? t->f : w->f)
		KF_MAX(seeds);
		KF_MAX(seeds_run);
		KF_MAX(bad_seeds);
		KF_MAX(corpus);
		KF_MAX(pcs);
		KF_MAX(edges);
		KF_MAX(seed_pcs);
		KF_MAX(seed_edges);
		KF_MAX(base_remote_pcs);
#undef KF_MAX
	}
}

static uint64_t kf_total_execs(const struct kf_shared *sh, int jobs)
{
	uint64_t n = 0;
	int i;

	for (i = 0; i < jobs; i++)
		n += __atomic_load_n(&sh->slot[i].st.execs, __ATOMIC_RELAXED);
	return n;
}

static void kf_progress(struct kf_ctx *k, const char *what)
{
	struct kf_stats *st = &k->me->st;
	double s = kf_now() - k->t0;

	kf_say(k, "# kfuzz %s %d: %.0f s, %llu restarts (%.1f/s), %llu accepted, ",
	       what, (int)(k->me - k->sh->slot), s, (unsigned long long)st->execs,
	       s > 0 ? st->execs / s : 0, (unsigned long long)st->accepted);
	kf_say(k, "corpus %llu, %llu PCs, %llu edges\n", (unsigned long long)st->corpus,
	       (unsigned long long)st->pcs, (unsigned long long)st->edges);
}

static void *kf_loop(void *arg)
{
	struct kf_ctx *k = arg;
	struct kf_stats *st = &k->me->st;
	const struct kf_opts *o = k->o;
	double last = kf_now(), end = k->t0 + o->seconds;
	char line[KF_LINE_MAX];
	bool accepted;
	unsigned int i, tries;
	FILE *cout = NULL;

	k->kcov_self = open("/sys/kernel/debug/kcov", O_RDWR);
	if (k->kcov_self >= 0 &&
	    !ioctl(k->kcov_self, KCOV_INIT_TRACE, KF_COVER_WORDS)) {
		k->cov_self = mmap(NULL, KF_COVER_WORDS * sizeof(long),
				   PROT_READ | PROT_WRITE, MAP_SHARED, k->kcov_self, 0);
		if (k->cov_self == MAP_FAILED ||
		    ioctl(k->kcov_self, KCOV_ENABLE, KCOV_TRACE_PC))
			k->cov_self = NULL;
	}

	/* Each base as it is: restart must take it, and KCOV must see the tasks. */
	for (i = 0; i < KF_NR_BASES; i++) {
		if (!k->bases[i].ok)
			continue;
		snprintf(line, sizeof(line), "%s run", kf_base_specs[i].name);
		/*
		 * Another worker's copy of a FIFO's container, open while it
		 * is killed, makes restart refuse ours (EBUSY): try again.
		 */
		for (tries = 0; tries < 5; tries++) {
			kf_exec(k, line, NULL, &accepted);
			if (accepted)
				break;
			usleep(200000);
		}
		if (accepted) {
			kf_corpus_add(k, line);
		} else {
			char log[1024];

			read_log(k->logfd, log, sizeof(log));
			st->broken_bases++;
			kf_say(k, "# KFUZZ-FINDING base %s is refused as it is: %s\n",
			       kf_base_specs[i].name, log);
		}
		/* What the restored tasks of the first one covered. */
		if (k->cov_remote && !st->base_remote_pcs && accepted)
			st->base_remote_pcs =
				__atomic_load_n(&k->cov_remote[0], __ATOMIC_RELAXED);
	}
	kf_run_file(k, o->seeds, true);
	kf_run_file(k, o->corpus_out, false);
	st->seed_pcs = k->pcs.nr;
	st->seed_edges = k->edges.nr;
	if (o->seeds)
		kf_progress(k, "seeds");

	if (o->corpus_out)
		cout = fopen(o->corpus_out, "a");
	while (k->nr_corpus && kf_now() < end &&
	       (!o->max_execs || kf_total_execs(k->sh, k->jobs) < o->max_execs)) {
		double tm = kf_now();
		struct kf_img img;

		if (!kf_mutate(k, line, sizeof(line), &img))
			continue;
		st->prep_ms += (kf_now() - tm) * 1e3;
		if (kf_exec(k, line, &img, &accepted)) {
			kf_corpus_add(k, line);
			if (o->print_new)
				kf_say(k, "# KFUZZ-NEW %s\n", line);
			if (cout) {
				fprintf(cout, "%s\n", line);
				fflush(cout);
			}
		}
		if (kf_now() - last >= 60) {
			last = kf_now();
			kf_progress(k, "progress");
		}
	}
	if (cout)
		fclose(cout);
	for (i = 0; o->print_pcs && i < k->pcs.cap; i++)
		if (k->pcs.v[i])
			kf_say(k, "# KFUZZ-PC %#llx\n",
			       (unsigned long long)(k->pcs.v[i] | 0xffffffff00000000ULL));
	k->worker_ret = 0;
	return NULL;
}

/*
 * The worker: this thread holds KCOV's remote coverage (its common
 * handle reaches the restored tasks through restart), a second thread
 * restarts images with coverage of its own syscalls, so both the
 * coordinator and every restored task are seen.
 */
static int kf_worker(struct kf_ctx *k)
{
	struct kcov_remote_arg *ra;
	pthread_t loop;
	sigset_t set;

	setsid();
	k->memfd = memfd_create("kfuzz-image", 0);
	k->last_nr = 0;
	k->logfd = memfd_create("kfuzz-log", 0);
	if (k->memfd < 0)
		return 2;
	kf_rng_state ^= k->o->seed * 0x2545f4914f6cdd1dULL + k->sh->st.workers;
	kf_rng_state ^= (uint64_t)(k->me - k->sh->slot) << 32;

	k->kcov_remote = open("/sys/kernel/debug/kcov", O_RDWR);
	ra = calloc(1, sizeof(*ra));
	if (k->kcov_remote >= 0 && ra &&
	    !ioctl(k->kcov_remote, KCOV_INIT_TRACE, KF_COVER_WORDS)) {
		k->cov_remote = mmap(NULL, KF_COVER_WORDS * sizeof(long),
				     PROT_READ | PROT_WRITE, MAP_SHARED,
				     k->kcov_remote, 0);
		ra->trace_mode = KCOV_TRACE_PC;
		ra->area_size = KF_REMOTE_WORDS;
		ra->common_handle = kcov_remote_handle(KCOV_SUBSYSTEM_COMMON, getpid());
		if (k->cov_remote == MAP_FAILED ||
		    ioctl(k->kcov_remote, KCOV_REMOTE_ENABLE, ra))
			k->cov_remote = NULL;
	}
	free(ra);
	if (!k->cov_remote)
		kf_say(k, "# kfuzz: no KCOV: mutating without coverage\n");

	/* Only a hang's alarm and our own faults may stop us. */
	sigfillset(&set);
	sigdelset(&set, SIGALRM);
	sigdelset(&set, SIGSEGV);
	sigdelset(&set, SIGBUS);
	sigdelset(&set, SIGILL);
	sigdelset(&set, SIGFPE);
	sigdelset(&set, SIGABRT);
	sigprocmask(SIG_BLOCK, &set, NULL);

	k->worker_ret = 1;
	if (pthread_create(&loop, NULL, kf_loop, k))
		return 2;
	pthread_join(loop, NULL);
	return k->worker_ret;
}

/*
 * Build the base images, then run workers until the time is up: a
 * worker that dies (a kernel oops kills it, a hang's alarm too) is a
 * finding, reported with the input it was running, and with keep_going
 * a new worker goes on without that input.
 */
static int kf_run(const struct kf_opts *o, struct kf_stats *out)
{
	int jobs = o->jobs < 1 ? 1 : o->jobs > KF_MAX_JOBS ? KF_MAX_JOBS : o->jobs;
	pid_t slot_pid[KF_MAX_JOBS];
	uint64_t slot_execs[KF_MAX_JOBS];
	double slot_beat[KF_MAX_JOBS];
	struct kf_ctx *k = calloc(1, sizeof(*k));
	bool stop = false, started = false;
	double t0 = kf_now();
	char old_trace[16] = "";
	int status, ret = 0, trace, j;
	unsigned int i;

	memset(out, 0, sizeof(*out));
	if (!k)
		return -1;
	k->o = o;
	k->jobs = jobs;
	k->sh = mmap(NULL, sizeof(*k->sh), PROT_READ | PROT_WRITE,
		     MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (k->sh == MAP_FAILED || regcomp(&k->splat, KF_SPLAT, REG_EXTENDED | REG_NOSUB))
		return -1;
	/* One reader, shared with the workers: what they leave is ours to see. */
	k->kmsg = open("/dev/kmsg", O_RDONLY | O_NONBLOCK);
	if (k->kmsg >= 0)
		lseek(k->kmsg, 0, SEEK_END);
	k->memfd = memfd_create("kfuzz-check", 0);
	for (i = 0; i < KF_NR_BASES; i++) {
		struct kf_base *b = &k->bases[i];
		size_t at;

		if (kf_base_build(b, &kf_base_specs[i], o->out)) {
			k->sh->st.broken_bases++;
			kf_say(k, "# KFUZZ-FINDING base %s could not be taken\n",
			       kf_base_specs[i].name);
			continue;
		}
		k->base_imgs[i] = &b->img;
		/* Written back unchanged, it must be the very same image. */
		k->buf = realloc(k->buf, b->size + 1);
		if (!k->buf || kf_write(k, &b->img) ||
		    pread(k->memfd, k->buf, b->size + 1, 0) != (ssize_t)b->size)
			return -1;
		for (at = 0; at < b->size && k->buf[at] == b->buf[at]; at++)
			;
		if (at < b->size) {
			kf_say(k, "# kfuzz: base %s rewritten differs at byte %zu of %zu\n",
			       kf_base_specs[i].name, at, b->size);
			return -1;
		}
	}
	close(k->memfd);
	k->sh->st.setup_s = kf_now() - t0;
	/*
	 * A restored task that faults in user mode (registers from the
	 * image) is no kernel problem, but its "traps:" line would match
	 * the splat patterns: keep those quiet while we run.
	 */
	trace = open("/proc/sys/debug/exception-trace", O_RDWR);
	if (trace >= 0 && (read(trace, old_trace, sizeof(old_trace) - 1) <= 0 ||
			   pwrite(trace, "0\n", 2, 0) != 2)) {
		close(trace);
		trace = -1;
	}
	if (kf_check_kmsg(k, "(while taking the base images)"))
		k->sh->st.splats++;
	kf_say(k, "# kfuzz: %u base images in %.1f s:", (unsigned int)KF_NR_BASES,
	       k->sh->st.setup_s);
	for (i = 0; i < KF_NR_BASES; i++)
		kf_say(k, " %s %zu KiB,", kf_base_specs[i].name, k->bases[i].size >> 10);
	kf_say(k, "\n");
	k->t0 = kf_now();

	for (j = 0; j < jobs; j++)
		slot_pid[j] = 0;
	for (;;) {
		bool more = !stop && kf_now() < k->t0 + o->seconds &&
			    (!o->max_execs || kf_total_execs(k->sh, jobs) < o->max_execs);
		struct kf_slot *sl;
		pid_t p;

		/* Start workers in the free slots while there is time. */
		for (j = 0; j < jobs && (more || !started); j++) {
			if (slot_pid[j])
				continue;
			k->sh->st.workers++;
			k->me = &k->sh->slot[j];
			fflush(NULL);
			p = fork();
			if (p < 0)
				return -1;
			if (p == 0)
				_exit(kf_worker(k));
			slot_pid[j] = p;
			slot_execs[j] = k->sh->slot[j].st.execs;
			slot_beat[j] = kf_now();
		}
		started = true;
		k->me = NULL;	/* the supervisor has no slot of its own */
		for (j = 0; j < jobs; j++)
			if (slot_pid[j])
				break;
		if (j == jobs)
			break;		/* every worker is done */

		usleep(200000);
		for (j = 0; j < jobs; j++) {
			sl = &k->sh->slot[j];
			if (!slot_pid[j])
				continue;
			if (sl->st.execs != slot_execs[j] ||
			    !__atomic_load_n(&sl->in_exec, __ATOMIC_SEQ_CST)) {
				slot_execs[j] = sl->st.execs;
				slot_beat[j] = kf_now();
			} else if (kf_now() - slot_beat[j] > KF_EXEC_TIMEOUT + 60) {
				kf_say(k, "# KFUZZ-FINDING unkillable hang: %s\n", sl->current);
				k->sh->st.hangs++;
				kill(slot_pid[j], SIGKILL);
				slot_beat[j] = kf_now() + 1e9;
			}
		}
		p = waitpid(-1, &status, WNOHANG);
		if (p <= 0)
			continue;
		for (j = 0; j < jobs && slot_pid[j] != p; j++)
			;
		if (j == jobs)
			continue;
		slot_pid[j] = 0;
		sl = &k->sh->slot[j];
		if (kf_check_kmsg(k, sl->current))
			k->sh->st.splats++;
		if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
			stop = true;	/* out of time or restarts */
			continue;
		}
		if (WIFSIGNALED(status) && WTERMSIG(status) == SIGALRM) {
			k->sh->st.hangs++;
			kf_say(k, "# KFUZZ-FINDING hang (no return within %d s): %s\n",
			       KF_EXEC_TIMEOUT, sl->current);
		} else {
			k->sh->st.crashes++;
			kf_say(k, "# KFUZZ-FINDING worker died (status %#x): %s\n",
			       status, sl->current);
		}
		if (k->sh->nr_skip < KF_SKIP_MAX)
			snprintf(k->sh->skip[k->sh->nr_skip++], KF_LINE_MAX, "%s",
				 sl->current);
		if (!o->keep_going)
			stop = true;
	}
	k->sh->st.fuzz_s = kf_now() - k->t0;
	k->sh->st.leftovers += kf_foreign_tasks(k);
	kf_total(k->sh, jobs, out);
	if (trace >= 0) {
		if (pwrite(trace, old_trace, strlen(old_trace), 0) < 0)
			ret = -1;
		close(trace);
	}
	for (i = 0; i < KF_NR_BASES; i++) {
		char path[80];

		unlink(k->bases[i].path);
		snprintf(path, sizeof(path), "%s.data", k->bases[i].path);
		unlink(path);
		snprintf(path, sizeof(path), "%s.fifo", k->bases[i].path);
		unlink(path);
		snprintf(path, sizeof(path), "%s.log", k->bases[i].path);
		unlink(path);
	}
	return ret;
}

/* The line a run ends with, for make fuzz-kernel and the notes. */
static void kf_print_stats(FILE *f, const struct kf_stats *st)
{
	double n = st->execs ? st->execs : 1;

	fprintf(f, "# KFUZZ-STATS restarts=%llu accepted=%llu refused=%llu",
		(unsigned long long)st->execs, (unsigned long long)st->accepted,
		(unsigned long long)st->refused);
	fprintf(f, " secs=%.0f per_sec=%.2f corpus=%llu seeds=%llu/%llu",
		st->fuzz_s, st->fuzz_s > 0 ? st->execs / st->fuzz_s : 0,
		(unsigned long long)st->corpus, (unsigned long long)st->seeds_run,
		(unsigned long long)st->seeds);
	fprintf(f, " pcs=%llu edges=%llu seed_pcs=%llu seed_edges=%llu base_remote_pcs=%llu",
		(unsigned long long)st->pcs, (unsigned long long)st->edges,
		(unsigned long long)st->seed_pcs, (unsigned long long)st->seed_edges,
		(unsigned long long)st->base_remote_pcs);
	fprintf(f, " ms_accepted=%.1f ms_refused=%.1f ms_prep=%.1f ms_reap=%.1f ms_cover=%.1f",
		st->accepted ? st->accepted_ms / st->accepted : 0,
		st->refused ? st->refused_ms / st->refused : 0,
		st->prep_ms / n, st->reap_ms / n, st->cover_ms / n);
	fprintf(f, " setup_s=%.0f crashes=%llu hangs=%llu leftovers=%llu bad_errno=%llu",
		st->setup_s, (unsigned long long)st->crashes,
		(unsigned long long)st->hangs, (unsigned long long)st->leftovers,
		(unsigned long long)st->bad_errno);
	fprintf(f, " splats=%llu broken_bases=%llu workers=%llu\n",
		(unsigned long long)st->splats, (unsigned long long)st->broken_bases,
		(unsigned long long)st->workers);
	fflush(f);
}

/* Whether a run found anything. */
static bool kf_findings(const struct kf_stats *st)
{
	return st->crashes || st->hangs || st->leftovers || st->bad_errno ||
	       st->splats || st->broken_bases;
}

#endif /* KFUZZ_H */
