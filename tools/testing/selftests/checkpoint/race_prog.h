/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The page race_prog shares with race_test, faultinject_test and
 * unpriv_test, through a MAP_SHARED mapping of a tmpfs file.
 *
 * Every task of the container has a slot: it sets its bit in @ready once
 * it is set up, bumps its @beat while it runs, and when @cmd is
 * RACE_CMD_CHECK checks its own state (private memory, and whatever its
 * mode gave it: shared memory, pipe contents, a thread's stack), sets its
 * bit in @checked, and in @failed if a check failed, and exits.  A
 * parent exits after its children.
 */
#ifndef RACE_PROG_H
#define RACE_PROG_H

#include <stdint.h>

#define RACE_SLOTS	16
#define RACE_CMD_CHECK	1
#define RACE_CMD_DRAIN	2	/* mode inside: let the stalled checkpoint go */

struct race_page {
	uint64_t cmd;
	uint64_t ready;
	uint64_t checked;
	uint64_t failed;
	uint64_t beat[RACE_SLOTS];
	int64_t result[8];	/* mode inside: what each step returned */
	int32_t tid[RACE_SLOTS];	/* each task's tid in its namespace */
	int32_t nested_pid;	/* mode mix: MIX_NESTED, as the init sees it */
};

/*
 * Slots of mode mix, a root container whose tasks fork, exit and exec
 * all the time:
 */
#define MIX_INIT	0	/* reaps, beats */
#define MIX_IDLE	1	/* a process that only beats */
#define MIX_FORKER	2	/* forks children that exit at once */
#define MIX_THREADS	3	/* creates and joins short threads ... */
#define MIX_THREAD	4	/* ... and has this long-lived one */
#define MIX_EXEC	5	/* forks children that exec and exit */
#define MIX_PING	6	/* a pipe ping-pong between this ... */
#define MIX_PONG	7	/* ... and its child */
#define MIX_NESTED	8	/* the init of a nested pid namespace ... */
#define MIX_NESTED_KID	9	/* ... and a process in it */
#define MIX_ALL		0x3ffULL

/*
 * Mode suid, the container runs as uid 1000: an idle process, one
 * that forks children that exec the setuid-root copy of race_prog at
 * RACE_SUID_PATH (which sleeps 2 ms and exits), one that forks children
 * that exec race_prog itself.
 */
#define SUID_INIT	0
#define SUID_IDLE	1
#define SUID_EXEC	2
#define SUID_PLAIN	3
#define SUID_ALL	0xfULL

/*
 * Mode fi, the fault-injection container: the init with a shared
 * anonymous mapping, a pipe with bytes in it and a thread; a child that
 * shares both.
 */
#define FI_INIT		0
#define FI_THREAD	1
#define FI_CHILD	2
#define FI_ALL		0x7ULL

/*
 * Mode fifo, the init alone: SHARED-FILE is a FIFO it makes, holding
 * RACE_FIFO_BYTES; it creates SHARED-FILE.ready once they are in.
 */
#define RACE_FIFO_BYTES	(960 << 10)

/*
 * Mode fifos, the init alone: RACE_FIFOS FIFOs SHARED-FILE.0, .1, ...,
 * each of RACE_FIFOS_CAP bytes' capacity and holding RACE_FIFOS_BYTES;
 * it creates SHARED-FILE.ready once they are in.
 */
#define RACE_FIFOS		8
#define RACE_FIFOS_CAP		(16 << 20)
#define RACE_FIFOS_BYTES	100

/*
 * Mode late: the init and two children, the first of which lets any
 * task ptrace it (prctl(PR_SET_PTRACER_ANY): restart makes that again
 * late); it creates SHARED-FILE.ready once both are up.
 */

/* Mode idle: the init and one child; mode hold: the init holds an fd. */
#define IDLE_INIT	0
#define IDLE_CHILD	1
#define IDLE_ALL	0x3ULL

/* Mode inside: results of the steps the init takes itself. */
#define INSIDE_CKPT_SELF	0	/* checkpoint(1): its own container */
#define INSIDE_CKPT_NESTED	1	/* checkpoint of a nested container */
#define INSIDE_RESTART		2	/* restart of that image inside */
#define INSIDE_RESTORED_OK	3	/* the restored nested init beat */
#define INSIDE_STALLED		4	/* the stalled checkpoint, once it ended */
#define INSIDE_DRAINED		5	/* 1 once its pipe was drained */
#define INSIDE_STEPS_DONE	7	/* 1 when every step above ran */
#define INSIDE_NESTED_SLOT	1	/* the nested container's init */
#define INSIDE_ALL		0x3ULL

#define RACE_SUID_PATH	"/tmp/race-suid"

#endif /* RACE_PROG_H */
