/* SPDX-License-Identifier: GPL-2.0 */
/* The page counter_prog shares with restart_test. */
#ifndef COUNTER_PROG_H
#define COUNTER_PROG_H

#include <stdint.h>

#define PAGE		4096

struct shared_page {
	uint64_t counter;
	uint64_t cmd;		/* 1: check everything and exit */
	uint64_t verdict;	/* nonzero: which check failed */
};

/* The page is written by one process and read by another. */
#define SHARED_GET(field)	__atomic_load_n(&(field), __ATOMIC_SEQ_CST)
#define SHARED_SET(field, v)	__atomic_store_n(&(field), (v), __ATOMIC_SEQ_CST)

/* counter_prog's exit codes when a check fails. */
#define COUNTER_CHECKS "2 xmm8, 3 counter mirror, 4 anon, 5 read-only page, " \
	"6 untouched page, 7 heap, 8 .data, 9 hostname, 2x-3x setup, " \
	"40-43 signals, 44-47 files, 48 cwd, 49 umask, 50-51 creds, " \
	"52 rlimit, 53 nice, 54 comm, 55 pdeath, 56 personality"

#endif /* COUNTER_PROG_H */
