/* SPDX-License-Identifier: GPL-2.0 */
/* The page counter_prog shares with restart_test. */
#ifndef COUNTER_PROG_H
#define COUNTER_PROG_H

#include <fcntl.h>
#include <stdint.h>
#include <sys/mman.h>
#include <unistd.h>

#define PAGE		4096

struct shared_page {
	uint64_t counter;
	uint64_t cmd;		/* 1: check everything and exit */
	uint64_t verdict;	/* nonzero: which check failed */
	uint64_t failed;	/* at exit: bit N set when check N failed */
};

/* Create @path as one zeroed page and map it shared; MAP_FAILED on error. */
static inline struct shared_page *shared_page_create(const char *path)
{
	struct shared_page *sp;
	int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);

	if (fd < 0)
		return MAP_FAILED;
	sp = ftruncate(fd, PAGE) ? MAP_FAILED :
	     mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	close(fd);
	return sp;
}

/* The page is written by one process and read by another. */
#define SHARED_GET(field)	__atomic_load_n(&(field), __ATOMIC_SEQ_CST)
#define SHARED_SET(field, v)	__atomic_store_n(&(field), (v), __ATOMIC_SEQ_CST)

/*
 * Wait up to 30 s for the counter to reach @min, or for a verdict (a
 * check that failed); returns the counter.
 */
static inline uint64_t wait_counter(struct shared_page *sp, uint64_t min)
{
	int i;

	for (i = 0; i < 30000; i++) {
		if (SHARED_GET(sp->counter) >= min || SHARED_GET(sp->verdict))
			break;
		usleep(1000);
	}
	return SHARED_GET(sp->counter);
}

/*
 * counter_prog exits 60 with these bits in the failed mask when checks
 * fail, or with 2x/3x when setting up failed.
 */
#define COUNTER_CHECKS "bits 2 xmm8, 3 counter mirror, 4 anon, 5 read-only page, " \
	"6 untouched page, 7 heap, 8 .data, 9 hostname, " \
	"40-43 signals, 44-47 files, 48 cwd, 49 umask, 50-51 creds, " \
	"52 rlimit, 54 comm, 55 pdeath, 56 personality, " \
	"57 /dev/zero, 58 /dev/urandom, 59 /dev/console, 60 pipe, 61 FIFO"

#endif /* COUNTER_PROG_H */
