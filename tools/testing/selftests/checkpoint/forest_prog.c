// SPDX-License-Identifier: GPL-2.0
/*
 * A container of many processes, for scale_test: the init forks N - 1
 * children, each of which records its pid, says it is ready and sleeps
 * in a futex wait on the shared page's cmd.  When the test sets cmd = 1
 * and wakes them, each checks that its pid and parent are what they
 * were and checks in; a wrong one also bumps failed.
 *
 * usage: forest_prog SHARED-FILE N
 */
#define _GNU_SOURCE
#include <linux/futex.h>
#include <sys/mman.h>

#include "checkpoint_util.h"
#include "counter_prog.h"

/* counter counts the tasks ready, verdict those checked in. */
static void wait_and_check(struct shared_page *sp)
{
	pid_t pid = getpid(), ppid = getppid();

	__atomic_fetch_add(&sp->counter, 1, __ATOMIC_SEQ_CST);
	while (SHARED_GET(sp->cmd) != 1)
		syscall(__NR_futex, &sp->cmd, FUTEX_WAIT, 0, NULL, NULL, 0);
	if (getpid() != pid || getppid() != ppid)
		__atomic_fetch_add(&sp->failed, 1, __ATOMIC_SEQ_CST);
	__atomic_fetch_add(&sp->verdict, 1, __ATOMIC_SEQ_CST);
}

int main(int argc, char **argv)
{
	struct shared_page *sp;
	int fd, i, n;

	if (argc != 3)
		return 100;
	n = atoi(argv[2]);
	fd = open(argv[1], O_RDWR);
	if (fd < 0 || n < 1)
		return 101;
	sp = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (sp == MAP_FAILED)
		return 102;
	syscall(__NR_close_range, 0, ~0U, 0);

	for (i = 1; i < n; i++) {
		pid_t pid = fork();

		if (pid < 0)
			return 103;
		if (pid == 0) {
			wait_and_check(sp);
			for (;;)
				pause();
		}
	}
	wait_and_check(sp);
	for (;;)
		pause();
	return 0;
}
