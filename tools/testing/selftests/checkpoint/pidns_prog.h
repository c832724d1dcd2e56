/* SPDX-License-Identifier: GPL-2.0 */
/* The page pidns_prog shares with pidns_test. */
#ifndef PIDNS_PROG_H
#define PIDNS_PROG_H

#include <stdint.h>

/*
 * The tasks, by index; indentation is parentage, [n] a pid namespace
 * nested n deep in the container's:
 *
 *   init
 *    └─ U        unshare(CLONE_NEWPID), then fork: its children go to [1]
 *        └─ N    [1] init, pid 1
 *            ├─ M    [1] unshare(CLONE_NEWPID), then fork
 *            │   └─ N2   [2] init, pid 1
 *            │       └─ W    [2]
 *            ├─ O    [1] orphan of an exited P, now N's child
 *            └─ K    [1] a zombie, exit status 7; not counted below
 */
enum pidns_task { P_INIT, P_U, P_N, P_M, P_N2, P_W, P_O, P_NR };

/* Checks, by bit of pidns_page.failed. */
enum pidns_check {
	PCHECK_PID,		/* getpid() in its own namespace */
	PCHECK_PPID,		/* getppid(), 0 for a namespace init */
	PCHECK_NS,		/* it shares /proc/self/ns/pid with whom it did */
	PCHECK_CHILD_NS,	/* U's and M's new children land in N's and N2's namespaces */
	PCHECK_ZOMBIE,		/* N reaps K with its pid and exit status */
	PCHECK_REAPER,		/* an orphan in [1] goes to N, not to init */
	PCHECK_TIMEOUT,		/* a step of another task never came */
	PCHECK_NR
};

#define PIDNS_LINK_LEN	64

struct pidns_page {
	uint64_t ready;		/* tasks set up and waiting */
	uint64_t cmd;		/* 1: check */
	uint64_t checked;	/* tasks done checking */
	uint64_t failed;	/* OR of 1 << enum pidns_check */
	uint64_t who;		/* OR of 1 << enum pidns_task that failed */
	uint64_t published;	/* OR of 1 << task that wrote its link below */
	char link[P_NR][PIDNS_LINK_LEN];	/* /proc/self/ns/pid after the go */
};

#define PIDNS_CHECKS "bits 0 pid, 1 ppid, 2 namespace, 3 children's namespace, " \
	"4 zombie, 5 reaper, 6 timeout; " \
	"tasks 0 init, 1 U, 2 N, 3 M, 4 N2, 5 W, 6 O"

#endif /* PIDNS_PROG_H */
