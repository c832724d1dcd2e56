/* SPDX-License-Identifier: GPL-2.0 */
/* The page tree_prog shares with tree_test. */
#ifndef TREE_PROG_H
#define TREE_PROG_H

#include <stdint.h>

/*
 * The tasks of the tree, by index:
 *
 *   init ─┬─ A (own group) ─┬─ B (A's group)
 *         │                 ├─ C (shares A's fd table and fs)
 *         │                 └─ D (exited) ── E (orphan, now init's child)
 *         ├─ F (exited session leader) ── G (in F's session and group)
 *         │    A reads a pipe init writes, with bytes left in it, and
 *         │    shares an anonymous MAP_SHARED page with init
 *         ├─ V (shares init's mm)
 *         ├─ H (exit signal SIGUSR2)
 *         ├─ S (stopped by SIGSTOP)
 *         └─ Z (a zombie, exit status 9; not counted below)
 */
enum tree_task { T_INIT, T_A, T_B, T_C, T_E, T_G, T_V, T_H, T_S, T_NR };

/* Checks, by bit of tree_page.failed. */
enum tree_check {
	CHECK_PID,		/* getpid() */
	CHECK_PPID,		/* getppid() */
	CHECK_PGID,		/* getpgid(0) */
	CHECK_SID,		/* getsid(0) */
	CHECK_MEMORY,		/* a private value set after fork */
	CHECK_FILE_OFFSET,	/* A sees the offset init set on their shared file */
	CHECK_EXIT_SIGNAL,	/* init gets SIGUSR2 when H exits, and reaps it */
	CHECK_FD_TABLE,		/* A sees the fd C installed in their table */
	CHECK_WAIT,		/* A reaps B with B's exit status */
	CHECK_SHARED_MM,	/* init sees what V wrote in their mm */
	CHECK_FS,		/* A's cwd is where C moved their fs */
	CHECK_PIPE,		/* A reads what init left in their pipe, then more */
	CHECK_ZOMBIE,		/* init reaps Z with its exit status */
	CHECK_STOPPED,		/* init finds S stopped, and SIGCONT resumes it */
	CHECK_SHARED_ANON,	/* A sees init's writes to their MAP_SHARED|MAP_ANONYMOUS page */
	CHECK_TIMEOUT,		/* a step of another task never came */
	CHECK_NR
};

struct tree_page {
	uint64_t ready;		/* tasks set up and waiting */
	uint64_t cmd;		/* 1: check */
	uint64_t checked;	/* tasks done checking */
	uint64_t failed;	/* OR of 1 << enum tree_check */
	uint64_t who;		/* OR of 1 << enum tree_task that failed */
	uint64_t step[4];	/* hand-offs between tasks while checking */
};

#define TREE_CHECKS "bits 0 pid, 1 ppid, 2 pgid, 3 sid, 4 memory, 5 file offset, " \
	"6 exit signal, 7 fd table, 8 wait, 9 shared mm, 10 fs, 11 pipe, " \
	"12 zombie, 13 stopped, 14 shared anonymous page, 15 timeout; " \
	"tasks 0 init, 1 A, 2 B, 3 C, 4 E, 5 G, 6 V, 7 H, 8 S"

#endif /* TREE_PROG_H */
