// SPDX-License-Identifier: GPL-2.0
/*
 * A container init with pid namespaces nested in its own, two deep, as
 * pidns_prog.h draws them.  Once the tasks hold still each records its
 * ids and bumps pidns_page.ready; when the test sets cmd = 1 (after a
 * checkpoint and restart, or not) each checks its ids, publishes its
 * /proc/self/ns/pid link, runs its own checks, ORs what failed into the
 * page and bumps checked.
 *
 * usage: pidns_prog SHARED-FILE
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "pidns_prog.h"

#define GET(f)		__atomic_load_n(&(f), __ATOMIC_SEQ_CST)
#define ADD(f, v)	__atomic_fetch_add(&(f), (v), __ATOMIC_SEQ_CST)
#define OR(f, v)	__atomic_fetch_or(&(f), (v), __ATOMIC_SEQ_CST)

static struct pidns_page *sp;

/* What this task saw before the checkpoint; private to it. */
static struct {
	enum pidns_task idx;
	pid_t pid, ppid;
	pid_t zombie;	/* N: K */
} me;

static void pause_ms(int ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

static void record(enum pidns_task idx)
{
	me.idx = idx;
	me.pid = getpid();
	me.ppid = getppid();
}

static void idle(void)
{
	for (;;)
		pause();
}

/* Mark this task set up, wait for the go, check ids, publish the link. */
static uint64_t ready_then_check(void)
{
	uint64_t bad = 0;
	ssize_t n;

	ADD(sp->ready, 1);
	while (GET(sp->cmd) != 1)
		pause_ms(1);
	if (getpid() != me.pid)
		bad |= 1 << PCHECK_PID;
	if (getppid() != me.ppid)
		bad |= 1 << PCHECK_PPID;
	n = readlink("/proc/self/ns/pid", sp->link[me.idx], PIDNS_LINK_LEN - 1);
	if (n <= 0)
		bad |= 1 << PCHECK_NS;
	OR(sp->published, 1ULL << me.idx);
	return bad;
}

static void report(uint64_t bad)
{
	if (bad) {
		OR(sp->failed, bad);
		OR(sp->who, 1ULL << me.idx);
	}
	ADD(sp->checked, 1);
}

/*
 * A child created now must land in the namespace of @owner: it is that
 * namespace's new task, whose parent is outside it.
 */
static uint64_t check_new_child(enum pidns_task owner)
{
	int i, status;
	pid_t pid;

	for (i = 0; i < 10000 && !(GET(sp->published) & (1ULL << owner)); i++)
		pause_ms(1);
	if (!(GET(sp->published) & (1ULL << owner)))
		return 1 << PCHECK_TIMEOUT;
	pid = fork();
	if (pid == 0) {
		char link[PIDNS_LINK_LEN] = "";

		readlink("/proc/self/ns/pid", link, sizeof(link) - 1);
		_exit(getppid() != 0 || getpid() == 1 ||
		      strcmp(link, sp->link[owner]));
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid || status)
		return 1 << PCHECK_CHILD_NS;
	return 0;
}

/* An orphan of the namespace goes to N, pid 1 there, not to the init. */
static uint64_t check_reaper(void)
{
	pid_t pid = fork(), got;
	int i, status;

	if (pid == 0) {
		if (fork() == 0) {
			for (i = 0; i < 10000 && getppid() != 1; i++)
				pause_ms(1);
			_exit(getppid() != 1);
		}
		_exit(0);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid)
		return 1 << PCHECK_REAPER;
	for (i = 0; i < 10000; i++) {
		got = waitpid(-1, &status, WNOHANG);
		if (got > 0)
			return status ? 1 << PCHECK_REAPER : 0;
		pause_ms(1);
	}
	return 1 << PCHECK_TIMEOUT;
}

static void run_w(void)
{
	record(P_W);
	report(ready_then_check());
	idle();
}

static void run_n2(void)
{
	if (fork() == 0)
		run_w();
	record(P_N2);
	report(ready_then_check());
	idle();
}

static void run_m(void)
{
	pid_t pid;

	if (unshare(CLONE_NEWPID))
		exit(21);
	pid = fork();
	if (pid == 0)
		run_n2();
	if (pid < 0)
		exit(22);
	record(P_M);
	report(ready_then_check() | check_new_child(P_N2));
	idle();
}

static void run_o(void)
{
	int i;

	for (i = 0; i < 10000 && getppid() != 1; i++)
		pause_ms(1);
	record(P_O);
	report(ready_then_check());
	idle();
}

static void run_n(void)
{
	siginfo_t info;
	uint64_t bad;
	pid_t p;
	int status;

	if (fork() == 0)
		run_m();
	p = fork();
	if (p == 0) {
		if (fork() == 0)
			run_o();
		_exit(0);
	}
	waitpid(p, &status, 0);
	me.zombie = fork();
	if (me.zombie == 0)
		_exit(7);
	/* Exited, and left unreaped. */
	waitid(P_PID, me.zombie, &info, WEXITED | WNOWAIT);
	record(P_N);
	bad = ready_then_check();
	if (waitpid(me.zombie, &status, WNOHANG) != me.zombie ||
	    !WIFEXITED(status) || WEXITSTATUS(status) != 7)
		bad |= 1 << PCHECK_ZOMBIE;
	report(bad | check_reaper());
	idle();
}

static void run_u(void)
{
	pid_t pid;

	if (unshare(CLONE_NEWPID))
		exit(11);
	pid = fork();
	if (pid == 0)
		run_n();
	if (pid < 0)
		exit(12);
	record(P_U);
	report(ready_then_check() | check_new_child(P_N));
	idle();
}

int main(int argc, char **argv)
{
	int fd;

	if (argc < 2)
		return 2;
	fd = open(argv[1], O_RDWR);
	if (fd < 0)
		return 3;
	sp = mmap(NULL, sizeof(*sp), PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	close(fd);
	if (sp == MAP_FAILED)
		return 4;
	/* Nothing of the test's: its stdio is a terminal. */
	syscall(__NR_close_range, 0, ~0U, 0);
	if (fork() == 0)
		run_u();
	record(P_INIT);
	report(ready_then_check());
	/* Reap what comes to the container's init, as an init does. */
	for (;;)
		if (wait(NULL) < 0)
			pause();
}
