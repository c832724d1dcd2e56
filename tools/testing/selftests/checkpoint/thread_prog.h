/* SPDX-License-Identifier: GPL-2.0 */
/* The page thread_prog shares with thread_test. */
#ifndef THREAD_PROG_H
#define THREAD_PROG_H

#include <stdint.h>

/*
 * The threads of mode "threads", by index; each is also its bit in
 * thread_page.who:
 *
 *   main ─┬─ workers 1..8: tid, TLS, registers, signals, rseq
 *         ├─ JOINED: returns once told to check; main joins it
 *         ├─ OWNER: dies holding a robust mutex main then locks
 *         └─ WAITER1, WAITER2: sleep on a condvar main broadcasts
 *
 * Mode "leader-exited": main starts workers 1..3 and calls pthread_exit.
 * Mode "many": main and MANY_THREADS threads check their tid and TLS;
 * a thread past 63 sets bit 63 of who.
 */
#define TH_WORKERS	8
enum thread_idx {
	TH_MAIN,
	TH_JOINED = TH_WORKERS + 1,
	TH_OWNER,
	TH_WAITER1,
	TH_WAITER2,
	TH_NR
};

#define LE_WORKERS	3
#define MANY_THREADS	200

/* Checks, by bit of thread_page.failed. */
enum thread_check {
	CHECK_TID,		/* gettid() */
	CHECK_PID,		/* getpid() is still the thread group's id */
	CHECK_TLS,		/* a __thread value and pthread_self(): fs base */
	CHECK_REGS,		/* values in a callee-saved register and on the stack */
	CHECK_SIGMASK,		/* the thread's own blocked mask */
	CHECK_SIG_OWN,		/* its own signal: pending, then handled here */
	CHECK_SIG_OTHERS,	/* no other thread's own signal is pending here */
	CHECK_SIG_SHARED,	/* SIGUSR2: pending in all, then taken by one */
	CHECK_RSEQ,		/* the kernel rewrites rseq cpu_id we scribbled on */
	CHECK_JOIN,		/* pthread_join of an exited thread: clear_child_tid */
	CHECK_ROBUST,		/* EOWNERDEAD from a mutex its owner died holding */
	CHECK_FUTEX_WAKE,	/* both condvar waiters wake on a broadcast */
	CHECK_LEADER,		/* the leader that called pthread_exit stays dead */
	CHECK_TIMEOUT,		/* a step of another thread never came */
	CHECK_NR
};

struct thread_page {
	uint64_t ready;		/* threads set up and waiting */
	uint64_t cmd;		/* 1: check; the threads futex-wait on it */
	uint64_t checked;	/* threads done checking */
	uint64_t failed;	/* OR of 1 << enum thread_check */
	uint64_t who;		/* OR of 1 << enum thread_idx that failed */
	uint64_t skipped;	/* OR of 1 << enum thread_check not checkable */
	uint64_t step[1];	/* hand-offs between threads while checking */
};

#define THREAD_CHECKS "bits 0 tid, 1 pid, 2 TLS, 3 registers/stack, " \
	"4 sigmask, 5 own signal, 6 other threads' signals, " \
	"7 process-wide signal, 8 rseq, 9 join (clear_child_tid), " \
	"10 robust mutex, 11 condvar wake, 12 exited leader, 13 timeout; " \
	"threads 0 main, 1-8 workers, 9 joined, 10 robust owner, " \
	"11-12 condvar waiters (many: N, 63 for N >= 63)"

#endif /* THREAD_PROG_H */
