// SPDX-License-Identifier: GPL-2.0
/*
 * A container init that builds the task tree drawn in tree_prog.h, for
 * tree_test.  Once the tree holds still every task records its ids and
 * bumps tree_page.ready; when the test sets cmd = 1 (after a checkpoint
 * and restart, or not) every task checks its ids, memory and what it
 * shares with others, ORs what failed into the page and bumps checked.
 *
 * usage: tree_prog SHARED-FILE
 */
#define _GNU_SOURCE
#include <limits.h>
#include <poll.h>
#include <sys/mman.h>
#include <time.h>

#include "checkpoint_util.h"
#include "tree_prog.h"

#define SHARED_FD	5	/* init's file, shared with A after fork */
#define TABLE_FD	20	/* installed by C in the table it shares with A */
#define PIPE_RD		6	/* A's end of the pipe from init */
#define PIPE_WR		7	/* init's end */
#define STEP_FILE	0
#define STEP_MM		1
#define STEP_TABLE	2
#define STEP_STABLE	3

static struct tree_page *sp;
static _Atomic uint64_t *shm;	/* MAP_SHARED|MAP_ANONYMOUS, init and A */

/* What each process saw before the checkpoint; private to each. */
static struct {
	enum tree_task idx;
	pid_t pid, ppid, pgid, sid;
	uint64_t secret;
	pid_t b, h, z, s;	/* children A and init check on */
} me;

static _Atomic int vm_token;	/* written by V, read by init */
static _Atomic sig_atomic_t usr2_seen;

static void on_usr2(int sig)
{
	usr2_seen = 1;
}

#define GET(f)		__atomic_load_n(&(f), __ATOMIC_SEQ_CST)
#define SET(f, v)	__atomic_store_n(&(f), (v), __ATOMIC_SEQ_CST)
#define ADD(f, v)	__atomic_fetch_add(&(f), (v), __ATOMIC_SEQ_CST)
#define OR(f, v)	__atomic_fetch_or(&(f), (v), __ATOMIC_SEQ_CST)

static void pause_ms(int ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

/* Wait up to 10 s for @word to become nonzero. */
static int wait_for(uint64_t *word)
{
	int i;

	for (i = 0; i < 10000 && !GET(*word); i++)
		pause_ms(1);
	return GET(*word) ? 0 : 1 << CHECK_TIMEOUT;
}

static void record(enum tree_task idx)
{
	me.idx = idx;
	me.pid = getpid();
	me.ppid = getppid();
	me.pgid = getpgid(0);
	me.sid = getsid(0);
	me.secret = idx * 1000003ULL + me.pid;
}

static uint64_t check_ids(void)
{
	uint64_t bad = 0;

	if (getpid() != me.pid)
		bad |= 1 << CHECK_PID;
	if (getppid() != me.ppid)
		bad |= 1 << CHECK_PPID;
	if (getpgid(0) != me.pgid)
		bad |= 1 << CHECK_PGID;
	if (getsid(0) != me.sid)
		bad |= 1 << CHECK_SID;
	if (me.secret != me.idx * 1000003ULL + me.pid)
		bad |= 1 << CHECK_MEMORY;
	return bad;
}

static void report(enum tree_task idx, uint64_t bad)
{
	if (bad) {
		OR(sp->failed, bad);
		OR(sp->who, 1ULL << idx);
	}
	ADD(sp->checked, 1);
}

/* Mark this task set up, wait for the test's go, and check the ids. */
static uint64_t ready_then_check(void)
{
	ADD(sp->ready, 1);
	while (GET(sp->cmd) != 1)
		pause_ms(1);
	return check_ids();
}

static void idle(void)
{
	for (;;)
		pause();
}

/* Read @len bytes from the pipe within 10 s; nonzero unless they are @want. */
static int pipe_expect(const char *want, size_t len)
{
	struct pollfd pfd = { .fd = PIPE_RD, .events = POLLIN };
	char got[16] = "";

	if (poll(&pfd, 1, 10000) != 1 || read(PIPE_RD, got, len) != (ssize_t)len)
		return 1;
	return memcmp(got, want, len);
}

static uint64_t init_checks(void)
{
	siginfo_t info;
	uint64_t bad = 0;
	int status, i;

	if (write(PIPE_WR, "world", 5) != 5)
		bad |= 1 << CHECK_PIPE;

	if (lseek(SHARED_FD, 100, SEEK_SET) != 100)
		bad |= 1 << CHECK_FILE_OFFSET;
	shm[1] = 77;
	SET(sp->step[STEP_FILE], 1);

	bad |= wait_for(&sp->step[STEP_MM]);
	if (vm_token != 42)
		bad |= 1 << CHECK_SHARED_MM;

	if (waitpid(me.z, &status, WNOHANG) != me.z || !WIFEXITED(status) ||
	    WEXITSTATUS(status) != 9)
		bad |= 1 << CHECK_ZOMBIE;

	info.si_pid = 0;
	if (waitid(P_PID, me.s, &info, WSTOPPED | WNOHANG | WNOWAIT) ||
	    info.si_pid != me.s || info.si_code != CLD_STOPPED)
		bad |= 1 << CHECK_STOPPED;
	kill(me.s, SIGCONT);

	for (i = 0; i < 10000 && !usr2_seen; i++)
		pause_ms(1);
	if (!usr2_seen || waitpid(me.h, &status, __WCLONE) != me.h ||
	    !WIFEXITED(status) || WEXITSTATUS(status) != 7)
		bad |= 1 << CHECK_EXIT_SIGNAL;
	return bad;
}

static uint64_t a_checks(void)
{
	char cwd[PATH_MAX];
	uint64_t bad = 0;
	int status;

	bad |= wait_for(&sp->step[STEP_FILE]);
	if (lseek(SHARED_FD, 0, SEEK_CUR) != 100)
		bad |= 1 << CHECK_FILE_OFFSET;
	/* Written before the checkpoint, and by init just now. */
	if (shm[0] != 1234 || shm[1] != 77)
		bad |= 1 << CHECK_SHARED_ANON;
	bad |= wait_for(&sp->step[STEP_TABLE]);
	if (fcntl(TABLE_FD, F_GETFD) < 0)
		bad |= 1 << CHECK_FD_TABLE;
	if (!getcwd(cwd, sizeof(cwd)) || strcmp(cwd, "/tmp"))
		bad |= 1 << CHECK_FS;
	if (waitpid(me.b, &status, 0) != me.b || !WIFEXITED(status) ||
	    WEXITSTATUS(status) != 5)
		bad |= 1 << CHECK_WAIT;
	if (pipe_expect("hello", 5) || pipe_expect("world", 5))
		bad |= 1 << CHECK_PIPE;
	return bad;
}

/* V runs on init's mm and stack-free of init's globals but vm_token. */
static int v_main(void *arg)
{
	pid_t pid = getpid(), ppid = getppid(), pgid = getpgid(0), sid = getsid(0);
	uint64_t bad = 0;

	ADD(sp->ready, 1);
	while (GET(sp->cmd) != 1)
		pause_ms(1);
	if (getpid() != pid)
		bad |= 1 << CHECK_PID;
	if (getppid() != ppid)
		bad |= 1 << CHECK_PPID;
	if (getpgid(0) != pgid || getsid(0) != sid)
		bad |= 1 << CHECK_PGID;
	vm_token = 42;
	SET(sp->step[STEP_MM], 1);
	report(T_V, bad);
	idle();
	return 0;
}

static pid_t clone_flags(unsigned long flags)
{
	return syscall(__NR_clone, flags, 0, NULL, NULL, 0);
}

static void run_d(void)
{
	pid_t e = fork();

	if (e == 0) {
		/* E: orphaned when D exits, then init's child. */
		while (getppid() != 1)
			pause_ms(1);
		record(T_E);
		report(T_E, ready_then_check());
		idle();
	}
	_exit(e < 0);
}

static void run_a(void)
{
	pid_t c, d;

	close(PIPE_WR);
	setpgid(0, 0);
	me.b = fork();
	if (me.b == 0) {
		record(T_B);
		report(T_B, ready_then_check());
		_exit(5);
	}
	c = clone_flags(CLONE_FILES | CLONE_FS | SIGCHLD);
	if (c == 0) {
		uint64_t bad;

		record(T_C);
		bad = ready_then_check();
		if (dup2(SHARED_FD, TABLE_FD) != TABLE_FD || chdir("/tmp"))
			bad |= 1 << CHECK_FD_TABLE;
		SET(sp->step[STEP_TABLE], 1);
		report(T_C, bad);
		idle();
	}
	d = fork();
	if (d == 0)
		run_d();
	if (me.b < 0 || c < 0 || d < 0 || waitpid(d, NULL, 0) != d)
		_exit(2);
	record(T_A);
	report(T_A, ready_then_check() | a_checks());
	idle();
}

static void run_f(void)
{
	pid_t g;

	setsid();
	g = fork();
	if (g == 0) {
		/* G: its session and group outlive their leader F. */
		if (wait_for(&sp->step[STEP_STABLE]))
			_exit(3);
		record(T_G);
		report(T_G, ready_then_check());
		idle();
	}
	_exit(g < 0);
}

int main(int argc, char **argv)
{
	static _Alignas(16) char v_stack[64 * 1024];
	struct sigaction sa = { .sa_handler = on_usr2 };
	char data[PATH_MAX];
	pid_t a, f, v;
	int fd, p[2];

	if (argc != 2)
		return 100;
	fd = open(argv[1], O_RDWR);
	if (fd < 0)
		return 101;
	sp = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (sp == MAP_FAILED || sigaction(SIGUSR2, &sa, NULL))
		return 102;
	syscall(__NR_close_range, 0, ~0U, 0);
	snprintf(data, sizeof(data), "%s.data", argv[1]);
	fd = open(data, O_RDWR | O_CREAT | O_TRUNC, 0600);
	if (fd < 0 || dup2(fd, SHARED_FD) != SHARED_FD ||
	    write(SHARED_FD, "0123456789", 10) != 10 || chdir("/"))
		return 103;
	close(fd);
	if (pipe(p) || dup2(p[0], PIPE_RD) != PIPE_RD ||
	    dup2(p[1], PIPE_WR) != PIPE_WR)
		return 105;
	close(p[0]);
	close(p[1]);
	shm = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
		   -1, 0);
	if (shm == MAP_FAILED)
		return 108;

	a = fork();
	if (a == 0)
		run_a();
	close(PIPE_RD);
	if (write(PIPE_WR, "hello", 5) != 5)
		return 106;
	shm[0] = 1234;
	f = fork();
	if (f == 0)
		run_f();
	v = clone(v_main, v_stack + sizeof(v_stack), CLONE_VM | SIGCHLD, NULL);
	me.h = clone_flags(SIGUSR2);
	if (me.h == 0) {
		record(T_H);
		report(T_H, ready_then_check());
		_exit(7);
	}
	me.s = fork();
	if (me.s == 0) {
		uint64_t bad;

		/* Stopped after recording; checks once init sends SIGCONT. */
		record(T_S);
		ADD(sp->ready, 1);
		raise(SIGSTOP);
		while (GET(sp->cmd) != 1)
			pause_ms(1);
		bad = check_ids();
		report(T_S, bad);
		idle();
	}
	me.z = fork();
	if (me.z == 0)
		_exit(9);
	if (a < 0 || f < 0 || v < 0 || me.h < 0 || me.s < 0 || me.z < 0 ||
	    waitpid(f, NULL, 0) != f)
		return 104;
	/* Z is a zombie and S stopped before the test may go on. */
	if (waitid(P_PID, me.z, &(siginfo_t){ 0 }, WEXITED | WNOWAIT) ||
	    waitid(P_PID, me.s, &(siginfo_t){ 0 }, WSTOPPED | WNOWAIT))
		return 107;
	SET(sp->step[STEP_STABLE], 1);
	record(T_INIT);
	report(T_INIT, ready_then_check() | init_checks());
	idle();
	return 0;
}
