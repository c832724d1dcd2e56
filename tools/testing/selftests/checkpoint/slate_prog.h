/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The page slate_prog shares with restorer_test: what the restored
 * program finds of its own process attributes.
 */
#ifndef SLATE_PROG_H
#define SLATE_PROG_H

#include <stdint.h>

#define SLATE_NICE	3	/* what the program sets its nice to */

struct slate_page {
	uint32_t ready;		/* it is running, ids and nice in place */
	uint32_t beats;		/* goes up while it runs */
	uint32_t req;		/* the test asks for a report... */
	uint32_t ack;		/* ...which is in once ack == req */
	int32_t policy;		/* sched_getscheduler() */
	int32_t nice;		/* getpriority() */
	int32_t ncpus;		/* CPUs in its affinity mask */
	int32_t oom_score_adj;	/* /proc/self/oom_score_adj */
	int32_t ioprio;		/* ioprio_get() */
	int32_t tsc;		/* PR_GET_TSC */
	int32_t nnp;		/* PR_GET_NO_NEW_PRIVS */
	int32_t port_ok;	/* it has I/O port access (iopl, ioperm) */
	int64_t timerslack;	/* PR_GET_TIMERSLACK */
	uint32_t personality;	/* personality(0xffffffff) */
	uint32_t uid, euid;	/* getresuid() */
	uint32_t child_ack;	/* "nnp-late": its child's report is in */
	int32_t child_nnp;	/* and the child's PR_GET_NO_NEW_PRIVS */
	int32_t mempolicy;	/* get_mempolicy()'s mode, -1 without NUMA */
};

#endif /* SLATE_PROG_H */
