// SPDX-License-Identifier: GPL-2.0
/*
 * The program restart_test runs as a container's init: it counts, and
 * checks that its private state is what it set up.  It is exec'd, so its
 * address space holds nothing of the test harness.
 *
 * It shares one page with the test through a MAP_SHARED mapping of a
 * tmpfs file (itself restored as a shared file mapping): the counter, a
 * command word and a verdict.  Everything else it checks is private and
 * must come back from the image: a private mirror of the counter,
 * anonymous memory with a pattern, a read-only page, a heap buffer, data
 * in .data, a page never touched, and an SSE register.
 *
 * usage: counter_prog SHARED-FILE clean|keep-fd
 * Exit status 0 when every check held; keep-fd leaves an fd open.
 */
#include <stdbool.h>
#include <sys/mman.h>
#include <time.h>

#include "checkpoint_util.h"
#include "counter_prog.h"

#define ANON_PAGES	96

/* Everything the program keeps privately; restored from the image. */
static struct {
	struct shared_page *shared;
	uint64_t mirror;
	unsigned char *anon;
	unsigned char *ro;
	unsigned char *untouched;
	unsigned char *heap;
} st;

static uint64_t data_words[512] = { 1, 2, 3 };	/* in .data, COWed */

static inline long raw_syscall2(long nr, long a, long b)
{
	long ret;

	asm volatile ("syscall" : "=a"(ret) : "a"(nr), "D"(a), "S"(b)
		      : "rcx", "r11", "memory");
	return ret;
}

/*
 * The loop uses no SSE itself, so that xmm8 holds the pattern the whole
 * time unless the FPU state is lost.
 */
__attribute__((target("general-regs-only")))
static uint64_t check_state(void)
{
	uint64_t lo, hi;
	int i;

	asm volatile ("movq %%xmm8, %0; pextrq $1, %%xmm8, %1"
		      : "=r"(lo), "=r"(hi));
	if (lo != 0x1122334455667788ULL || hi != 0x99aabbccddeeff00ULL)
		return 2;
	if (st.mirror != SHARED_GET(st.shared->counter))
		return 3;
	for (i = 0; i < ANON_PAGES * PAGE; i += 61)
		if (st.anon[i] != (unsigned char)(i * 7 + 3))
			return 4;
	for (i = 0; i < PAGE; i++)
		if (st.ro[i] != (unsigned char)(255 - i))
			return 5;
	for (i = 0; i < PAGE; i++)
		if (st.untouched[i])
			return 6;
	for (i = 0; i < 100000; i += 97)
		if (st.heap[i] != (unsigned char)(i ^ 0x5a))
			return 7;
	for (i = 3; i < 512; i++)
		if (data_words[i] != (uint64_t)i * 0x100000001ULL)
			return 8;
	return 0;
}

__attribute__((target("general-regs-only")))
static int counter_loop(void)
{
	struct timespec ms = { 0, 1000000 };
	uint64_t v;

	asm volatile ("movq %0, %%xmm8; pinsrq $1, %1, %%xmm8"
		      :: "r"(0x1122334455667788ULL), "r"(0x99aabbccddeeff00ULL));
	for (;;) {
		st.mirror++;
		SHARED_SET(st.shared->counter, st.mirror);
		if ((st.mirror & 63) == 0 || SHARED_GET(st.shared->cmd)) {
			v = check_state();
			if (v || SHARED_GET(st.shared->cmd)) {
				SHARED_SET(st.shared->verdict, v ?: 1);
				return v;
			}
		}
		raw_syscall2(__NR_nanosleep, (long)&ms, 0);
	}
}

/* The container's program, run by exec so it starts with a clean mm. */
static int counter_main(const char *path, bool keep_fd)
{
	sigset_t none;
	int fd, i;

	/* What this version restores: no fds, no handlers, no mask. */
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	for (i = 1; i < 65; i++)
		signal(i, SIG_DFL);
	if (chdir("/"))
		return 20;

	fd = open(path, O_RDWR);
	if (fd < 0)
		return 21;
	st.shared = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	st.anon = mmap(NULL, ANON_PAGES * PAGE, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	st.ro = mmap(NULL, PAGE, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	st.untouched = mmap(NULL, 16 * PAGE, PROT_READ | PROT_WRITE,
			    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	st.heap = malloc(100000);
	if (st.shared == MAP_FAILED || st.anon == MAP_FAILED ||
	    st.ro == MAP_FAILED || st.untouched == MAP_FAILED || !st.heap)
		return 22;
	for (i = 0; i < ANON_PAGES * PAGE; i++)
		st.anon[i] = i * 7 + 3;
	for (i = 0; i < PAGE; i++)
		st.ro[i] = 255 - i;
	if (mprotect(st.ro, PAGE, PROT_READ))
		return 23;
	for (i = 0; i < 100000; i++)
		st.heap[i] = i ^ 0x5a;
	for (i = 3; i < 512; i++)
		data_words[i] = (uint64_t)i * 0x100000001ULL;
	st.mirror = SHARED_GET(st.shared->counter);
	/* Nothing of the test's may stay open in the container. */
	syscall(__NR_close_range, 0, keep_fd ? (unsigned int)fd - 1 : ~0U, 0);
	return counter_loop();
}

int main(int argc, char **argv)
{
	if (argc != 3)
		return 100;
	return counter_main(argv[1], !strcmp(argv[2], "keep-fd"));
}
