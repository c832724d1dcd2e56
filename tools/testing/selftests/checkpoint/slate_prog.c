// SPDX-License-Identifier: GPL-2.0
/*
 * A container init for restorer_test that reports its own process
 * attributes when asked: restarted, it must find what the image says or
 * what a fresh task has, never its restarter's.
 *
 * usage: slate_prog SHARED-FILE UID [nnp|nnp-late]
 * Maps SHARED-FILE (struct slate_page), sets its nice to SLATE_NICE,
 * becomes UID (all ids, no groups, no capabilities), sets no_new_privs
 * with "nnp", then sets ready and counts beats.  Each time the test
 * raises req it fills in the report and sets ack = req.  With
 * "nnp-late" it first forks a child, which only reports its own
 * no_new_privs (child_nnp, child_ack), and then sets no_new_privs.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <sched.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/io.h>
#include <sys/mman.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "slate_prog.h"

#define GET(f)		__atomic_load_n(&(f), __ATOMIC_SEQ_CST)
#define SET(f, v)	__atomic_store_n(&(f), (v), __ATOMIC_SEQ_CST)

#define IOPRIO_WHO_PROCESS	1

static sigjmp_buf port_jmp;

static void on_segv(int sig)
{
	siglongjmp(port_jmp, 1);
}

/*
 * Whether this task has I/O port access: an inb that does not fault, or
 * an iopl(3) that works without CAP_SYS_RAWIO because its level is
 * already 3 (and then it is undone).
 */
static int port_access(void)
{
	unsigned char v;

	if (!iopl(3)) {
		iopl(0);
		return 1;
	}
	if (sigsetjmp(port_jmp, 1))
		return 0;
	asm volatile("inb %%dx, %%al" : "=a"(v) : "d"((unsigned short)0x80));
	return 1;
}

static int own_oom_score_adj(void)
{
	char buf[32] = "";
	int fd = open("/proc/self/oom_score_adj", O_RDONLY);
	ssize_t n;

	if (fd < 0)
		return -10000;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	return n > 0 ? atoi(buf) : -10000;
}

static void report(struct slate_page *pg)
{
	cpu_set_t cpus;
	uid_t r, e, s;
	int tsc = -1, mode = -1;

	pg->policy = sched_getscheduler(0);
	errno = 0;
	pg->nice = getpriority(PRIO_PROCESS, 0);
	pg->ncpus = sched_getaffinity(0, sizeof(cpus), &cpus) ? -1 :
		    CPU_COUNT(&cpus);
	pg->oom_score_adj = own_oom_score_adj();
	pg->ioprio = syscall(SYS_ioprio_get, IOPRIO_WHO_PROCESS, 0);
	pg->tsc = prctl(PR_GET_TSC, &tsc, 0, 0, 0) ? -1 : tsc;
	pg->mempolicy = syscall(SYS_get_mempolicy, &mode, NULL, 0, NULL, 0) ?
			-1 : mode;
	pg->nnp = prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0);
	pg->port_ok = port_access();
	pg->timerslack = prctl(PR_GET_TIMERSLACK, 0, 0, 0, 0);
	pg->personality = personality(0xffffffff);
	getresuid(&r, &e, &s);
	pg->uid = r;
	pg->euid = e;
}

int main(int argc, char **argv)
{
	struct timespec ms = { 0, 2000000 };
	struct slate_page *pg;
	uid_t uid;
	int fd;

	if (argc < 3)
		return 2;
	fd = open(argv[1], O_RDWR);
	if (fd < 0)
		return 3;
	pg = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	close(fd);
	if (pg == MAP_FAILED)
		return 4;
	signal(SIGSEGV, on_segv);
	if (setpriority(PRIO_PROCESS, 0, SLATE_NICE))
		return 5;
	uid = atoi(argv[2]);
	if (uid && (setgroups(0, NULL) || setresgid(uid, uid, uid) ||
		    setresuid(uid, uid, uid)))
		return 6;
	if (argc > 3 && !strcmp(argv[3], "nnp-late")) {
		pid_t child = fork();

		if (child < 0)
			return 8;
		if (child == 0) {
			for (;;) {
				uint32_t req = GET(pg->req);

				if (req != GET(pg->child_ack)) {
					pg->child_nnp = prctl(PR_GET_NO_NEW_PRIVS,
							      0, 0, 0, 0);
					SET(pg->child_ack, req);
				}
				nanosleep(&ms, NULL);
			}
		}
	}
	if (argc > 3 && !strncmp(argv[3], "nnp", 3) &&
	    prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
		return 7;
	SET(pg->ready, 1);
	for (;;) {
		uint32_t req = GET(pg->req);

		if (req != GET(pg->ack)) {
			report(pg);
			SET(pg->ack, req);
		}
		__atomic_add_fetch(&pg->beats, 1, __ATOMIC_SEQ_CST);
		nanosleep(&ms, NULL);
	}
}
