// SPDX-License-Identifier: GPL-2.0
/*
 * The long tail of task state (issue 11, R1..R46): what is saved comes
 * back, and what is not is refused by name with the container left
 * running.
 *
 * Saved, checked by the restored container's init itself:
 * - the access ceiling of file mappings (VM_MAY*): a PROT_READ
 *   MAP_SHARED mapping of a file opened O_RDWR may still be made
 *   writable, one of a file opened O_RDONLY may not and stays shared,
 *   and a PROT_READ private one may be made writable (copy on write);
 * - the signal mask around sigsuspend(2): a task parked in it gets its
 *   own mask back after the handler, not the call's temporary one;
 * - a zombie's name and ids, as /proc and its parent's waitid() show
 *   them, with its parent's ids and with ids of its own (a setuid
 *   program's zombie), and the CPU time it and the children it waited
 *   for used, which its parent's wait collects (R33);
 * - job control (R32): which signal stopped each stopped child, and what
 *   its parent's wait(2) had yet to report -- a stop, a continue, or
 *   nothing -- reported once after the restart, with no SIGCHLD anew;
 * - Yama's ptracer exceptions (R23), one naming a task created after
 *   the tracee and one for any tracer, tried by a tracer without
 *   CAP_SYS_PTRACE under ptrace_scope 1;
 * - autogroups (R30): which processes share one and its nice value, a
 *   zombie's, and the restarter's for the init's, which is not the
 *   container's; with autogroups on and off; a negative nice value the
 *   process could not set is refused.
 *
 * Refused at checkpoint: POSIX message queues, a time namespace pending
 * for children, F_SETOWN, F_SETSIG, a lease, io_uring, PR_SET_TSC,
 * syscall user dispatch, a Landlock domain.
 * (TLS entries: set_thread_area(2) is ia32-only, and ia32 is not built.)
 *
 * The container's init is this program again (see maybe_container()),
 * meeting the test through a shared control file.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <zlib.h>
#include <linux/io_uring.h>
#include <linux/landlock.h>
#include <mqueue.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/resource.h>
#include <time.h>

#include "checkpoint_util.h"
#include "../kselftest_harness.h"
#include "checkpoint_box.h"

#ifndef PR_SET_SYSCALL_USER_DISPATCH
#define PR_SET_SYSCALL_USER_DISPATCH	59
#define PR_SYS_DISPATCH_ON		1
#endif
#ifndef SYSCALL_DISPATCH_FILTER_ALLOW
#define SYSCALL_DISPATCH_FILTER_ALLOW	0
#endif
#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME			0x00000080
#endif

#define ZOMBIE_NAME	"tail-zombie"
#define ZOMBIE_CODE	7
#define ZOMBIE_UID	1000

enum mode {
	M_MAPS,
	M_SIGSUSPEND,
	M_ZOMBIE,
	M_MQUEUE,
	M_TIMENS,
	M_SETOWN,
	M_SETSIG,
	M_LEASE,
	M_IO_URING,
	M_TSC,
	M_SUD,
	M_ZOMBIE_CRED,
	M_LANDLOCK,
	M_STOPS,
	M_PTRACER,
	M_AUTOGROUP,
};

static enum mode mode;
static char *ctl;
static long page;

/* A file of one page of @c next to the control file. */
static int data_file(const char *tag, char c, int flags)
{
	char path[96], buf[4096];
	int fd;

	snprintf(path, sizeof(path), "%s-%s", box_ctl_path, tag);
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	if (fd < 0)
		return -1;
	memset(buf, c, sizeof(buf));
	if (write(fd, buf, sizeof(buf)) != sizeof(buf)) {
		close(fd);
		return -1;
	}
	close(fd);
	return open(path, flags);
}

/* The VmFlags line of the mapping that starts at @addr, or "". */
static void vmflags(void *addr, char *out, size_t len)
{
	char line[512], want[32];
	bool in = false;
	FILE *f = fopen("/proc/self/smaps", "r");

	out[0] = '\0';
	snprintf(want, sizeof(want), "%lx-", (unsigned long)addr);
	while (f && fgets(line, sizeof(line), f)) {
		if (!strncmp(line, want, strlen(want)))
			in = true;
		else if (in && !strncmp(line, "VmFlags:", 8)) {
			snprintf(out, len, "%s", line + 8);
			break;
		}
	}
	if (f)
		fclose(f);
}

static bool has_flag(const char *flags, const char *flag)
{
	char word[5];

	snprintf(word, sizeof(word), " %s", flag);
	return strstr(flags, word) != NULL;
}

/* R4: shared of O_RDWR, shared of O_RDONLY, private of O_RDONLY. */
static char *maps[3];

static int set_up_maps(void)
{
	static const struct {
		const char *tag;
		int flags, map;
	} m[3] = {
		{ "rw", O_RDWR, MAP_SHARED },
		{ "ro", O_RDONLY, MAP_SHARED },
		{ "priv", O_RDONLY, MAP_PRIVATE },
	};
	int i, fd;

	for (i = 0; i < 3; i++) {
		fd = data_file(m[i].tag, 'a' + i, m[i].flags);
		if (fd < 0)
			return 10 + i;
		maps[i] = mmap(NULL, page, PROT_READ, m[i].map, fd, 0);
		close(fd);
		if (maps[i] == MAP_FAILED)
			return 13 + i;
	}
	/* The ceiling as mmap(2) set it, checked before it is saved. */
	if (mprotect(maps[1], page, PROT_READ | PROT_WRITE) != -1 || errno != EACCES)
		return 16;
	return 0;
}

static int check_maps(void)
{
	char flags[512], path[96], c;
	int i, fd;

	for (i = 0; i < 3; i++)
		if (maps[i][0] != 'a' + i)
			return 20 + i;
	/* Shared, writable file: may be made writable, and writes through. */
	vmflags(maps[0], flags, sizeof(flags));
	if (!has_flag(flags, "sh") || !has_flag(flags, "mw"))
		return 23;
	if (mprotect(maps[0], page, PROT_READ | PROT_WRITE))
		return 24;
	maps[0][0] = 'A';
	snprintf(path, sizeof(path), "%s-rw", box_ctl_path);
	fd = open(path, O_RDONLY);
	if (fd < 0 || read(fd, &c, 1) != 1 || c != 'A')
		return 25;
	close(fd);
	/* Shared, read-only file: still shared, never writable. */
	vmflags(maps[1], flags, sizeof(flags));
	if (!has_flag(flags, "ms") || has_flag(flags, "mw") || has_flag(flags, "sh"))
		return 26;
	if (mprotect(maps[1], page, PROT_READ | PROT_WRITE) != -1 || errno != EACCES)
		return 27;
	/* Private: copy on write, the file untouched. */
	vmflags(maps[2], flags, sizeof(flags));
	if (!has_flag(flags, "mw") || has_flag(flags, "ms"))
		return 28;
	if (mprotect(maps[2], page, PROT_READ | PROT_WRITE))
		return 29;
	maps[2][0] = 'C';
	snprintf(path, sizeof(path), "%s-priv", box_ctl_path);
	fd = open(path, O_RDONLY);
	if (fd < 0 || read(fd, &c, 1) != 1 || c != 'c')
		return 30;
	close(fd);
	return 0;
}

/* R1: parked in sigsuspend() with SIGUSR2 blocked around it. */
static _Atomic sig_atomic_t got_usr1;

static void on_usr1(int sig)
{
	got_usr1 = 1;
}

static int run_sigsuspend(void)
{
	struct sigaction sa = { .sa_handler = on_usr1 };
	sigset_t mask, none, now;

	sigemptyset(&mask);
	sigaddset(&mask, SIGUSR2);
	sigemptyset(&none);
	if (sigaction(SIGUSR1, &sa, NULL) || sigprocmask(SIG_SETMASK, &mask, NULL))
		return 40;
	box_ready(ctl);
	/* The test checkpoints it once /proc shows the empty mask. */
	while (!got_usr1)
		sigsuspend(&none);
	if (sigprocmask(SIG_SETMASK, NULL, &now))
		return 41;
	if (!sigismember(&now, SIGUSR2))
		return 42;
	if (sigismember(&now, SIGUSR1))
		return 43;
	return 0;
}

/*
 * R46: a child that exited under its own name and ids, not yet reaped;
 * its parent takes the same ids (M_ZOMBIE) or keeps root's
 * (M_ZOMBIE_CRED).
 */
static pid_t zombie;
/* What waitid(WNOWAIT) said the zombie and its children had used. */
static struct rusage zombie_ru;
#define ZOMBIE_BURN_US	150000

static int become(uid_t id)
{
	return setresgid(id, id, id) || setresuid(id, id, id);
}

static long long tv_us(const struct timeval *tv)
{
	return tv->tv_sec * 1000000LL + tv->tv_usec;
}

/* Use up @us of user CPU time. */
static void burn(long long us)
{
	struct timespec ts;
	unsigned long n = 0;

	do {
		/* The empty asm keeps the compiler from folding the loop. */
		for (int i = 0; i < 100000; i++)
			__asm__("" : "+r" (n));
		clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	} while (ts.tv_sec * 1000000LL + ts.tv_nsec / 1000 < us);
}

/* glibc's waitid() has no rusage argument. */
static int waitid_ru(pid_t pid, siginfo_t *si, int options, struct rusage *ru)
{
	return syscall(SYS_waitid, P_PID, pid, si, options, ru);
}

static int set_up_zombie(void)
{
	siginfo_t si;
	pid_t child;

	zombie = fork();
	if (zombie < 0)
		return 50;
	if (zombie == 0) {
		prctl(PR_SET_NAME, ZOMBIE_NAME, 0, 0, 0);
		/* Its own CPU time, and a waited-for child's. */
		child = fork();
		if (child == 0) {
			burn(ZOMBIE_BURN_US);
			_exit(0);
		}
		if (child < 0 || waitpid(child, NULL, 0) != child)
			_exit(1);
		burn(ZOMBIE_BURN_US);
		_exit(become(ZOMBIE_UID) ? 1 : ZOMBIE_CODE);
	}
	if (waitid_ru(zombie, &si, WEXITED | WNOWAIT, &zombie_ru))
		return 51;
	/* Both burns, less the tick's rounding. */
	if (tv_us(&zombie_ru.ru_utime) + tv_us(&zombie_ru.ru_stime) <
	    ZOMBIE_BURN_US * 3 / 2)
		return 56;
	if (mode == M_ZOMBIE && become(ZOMBIE_UID))
		return 55;
	return 0;
}

/*
 * Its name is checked from outside: /proc is not the container's.  Its
 * CPU times (R33) as its parent's wait sees them, then as the parent's
 * own children's times once it is reaped: at least what they were, and
 * not more than restart's own work on it.
 */
static int check_zombie(void)
{
	long long before = tv_us(&zombie_ru.ru_utime) +
			   tv_us(&zombie_ru.ru_stime);
	struct rusage ru = { }, mine = { };
	siginfo_t si = { };
	long long after;
	int status;

	/* What its parent's wait says of it: the zombie's own uid. */
	if (waitid_ru(zombie, &si, WEXITED | WNOWAIT, &ru) ||
	    si.si_pid != zombie || si.si_uid != ZOMBIE_UID)
		return 53;
	/*
	 * The sum: getrusage() splits it in proportion to tick samples,
	 * which restart's own work on the zombie may add one to.
	 */
	after = tv_us(&ru.ru_utime) + tv_us(&ru.ru_stime);
	if (after < before || after > before + 1000000)
		return 57;
	if (waitpid(zombie, &status, 0) != zombie || !WIFEXITED(status) ||
	    WEXITSTATUS(status) != ZOMBIE_CODE)
		return 54;
	if (getrusage(RUSAGE_CHILDREN, &mine) ||
	    tv_us(&mine.ru_utime) + tv_us(&mine.ru_stime) < before)
		return 58;
	return 0;
}

/*
 * R32: three children, each leading a process group of its own (a stop
 * signal other than SIGSTOP is discarded in an orphaned group): A
 * stopped by SIGTSTP and waited for, B stopped by SIGTTIN and not
 * waited for, C stopped, waited for, continued and not waited for.
 * SIGCHLD is blocked and each one taken as it comes, so that none is
 * left queued when the container is saved.
 */
static pid_t stops[3];

/* The next SIGCHLD must be @pid's, for @code. */
static int next_chld(pid_t pid, int code)
{
	struct timespec ts = { .tv_sec = 5 };
	sigset_t chld;
	siginfo_t si;

	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	if (sigtimedwait(&chld, &si, &ts) != SIGCHLD)
		return -1;
	return si.si_pid == pid && si.si_code == code ? 0 : -1;
}

static int set_up_stops(void)
{
	sigset_t chld;
	int i, status;

	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	if (sigprocmask(SIG_BLOCK, &chld, NULL))
		return 70;
	for (i = 0; i < 3; i++) {
		stops[i] = fork();
		if (stops[i] < 0)
			return 71;
		if (stops[i] == 0) {
			setpgid(0, 0);
			for (;;)
				pause();
		}
		/* Both sides: the signal below must find it in its group. */
		setpgid(stops[i], stops[i]);
	}
	if (kill(stops[0], SIGTSTP) || next_chld(stops[0], CLD_STOPPED) ||
	    waitpid(stops[0], &status, WUNTRACED) != stops[0] ||
	    !WIFSTOPPED(status) || WSTOPSIG(status) != SIGTSTP)
		return 72;
	if (kill(stops[1], SIGTTIN) || next_chld(stops[1], CLD_STOPPED))
		return 73;
	if (kill(stops[2], SIGSTOP) || next_chld(stops[2], CLD_STOPPED) ||
	    waitpid(stops[2], &status, WUNTRACED) != stops[2] ||
	    kill(stops[2], SIGCONT) || next_chld(stops[2], CLD_CONTINUED))
		return 74;
	return 0;
}

/* What wait(2) reports of @pid now, without waiting: its pid or 0. */
static pid_t wait_now(pid_t pid, int *status)
{
	return waitpid(pid, status, WUNTRACED | WCONTINUED | WNOHANG);
}

static int check_stops(void)
{
	int i, status, ret = 0;
	sigset_t pending;

	/* A: nothing new, its stop was reported before. */
	if (wait_now(stops[0], &status) != 0)
		ret = 80;
	/* B: its stop, by SIGTTIN, once. */
	else if (wait_now(stops[1], &status) != stops[1] ||
		 !WIFSTOPPED(status) || WSTOPSIG(status) != SIGTTIN)
		ret = 81;
	else if (wait_now(stops[1], &status) != 0)
		ret = 82;
	/* C: its continue, once. */
	else if (wait_now(stops[2], &status) != stops[2] ||
		 !WIFCONTINUED(status))
		ret = 83;
	else if (wait_now(stops[2], &status) != 0)
		ret = 84;
	/* And no SIGCHLD: the restart stopped nobody anew. */
	else if (sigpending(&pending) || sigismember(&pending, SIGCHLD))
		ret = 85;
	/* A is stopped still, by SIGTSTP, as a tracer attaching is told. */
	else if (ptrace(PTRACE_SEIZE, stops[0], 0, 0) ||
		 waitpid(stops[0], &status, 0) != stops[0] ||
		 !WIFSTOPPED(status) ||
		 status >> 8 != (SIGTSTP | PTRACE_EVENT_STOP << 8))
		ret = 86;
	for (i = 0; i < 3; i++) {
		kill(stops[i], SIGKILL);
		waitpid(stops[i], &status, 0);
	}
	return ret;
}

/*
 * R23: children U, W and V of the init and, created last, T.  U makes T
 * its ptracer, W any tracer, V none.  All four drop CAP_SYS_PTRACE, so
 * that under Yama's ptrace_scope 1 (set by the test) T may attach to
 * its siblings only through their exceptions.  T tries when the init
 * asks, before the checkpoint and after the restart.
 */
#define PT_OFF		512	/* ints in the control page, from here: */
enum { PT_TRACER, PT_READY, PT_ROUND = PT_READY + 3, PT_DONE, PT_RESULT };

static pid_t pt_kids[4];	/* U, W, V, T */

static _Atomic int *pt_ints(void)
{
	return (_Atomic int *)(ctl + PT_OFF);
}

static int drop_ptrace(void)
{
	static const cap_value_t ptrace_cap[] = { CAP_SYS_PTRACE };

	return drop_caps(ptrace_cap, 1);
}

/* 0 if T could attach to @pid (and let it go again), else an errno. */
static int try_attach(pid_t pid)
{
	int status;

	if (ptrace(PTRACE_SEIZE, pid, 0, 0))
		return errno;
	if (ptrace(PTRACE_INTERRUPT, pid, 0, 0) ||
	    waitpid(pid, &status, __WALL) != pid ||
	    ptrace(PTRACE_DETACH, pid, 0, 0))
		return 1000;
	return 0;
}

static void tracer_loop(void)
{
	_Atomic int *pt = pt_ints();
	int round = 0, i;

	for (;;) {
		while (pt[PT_ROUND] == round)
			usleep(10000);
		round = pt[PT_ROUND];
		for (i = 0; i < 3; i++)
			pt[PT_RESULT + i] = try_attach(pt_kids[i]);
		pt[PT_DONE] = round;
	}
}

static void tracee_loop(int i)
{
	_Atomic int *pt = pt_ints();
	int ret = 0;

	while (i == 0 && !pt[PT_TRACER])
		usleep(10000);
	if (i == 0)
		ret = prctl(PR_SET_PTRACER, pt[PT_TRACER], 0, 0, 0);
	else if (i == 1)
		ret = prctl(PR_SET_PTRACER, PR_SET_PTRACER_ANY, 0, 0, 0);
	pt[PT_READY + i] = ret ? errno : -1;
	for (;;)
		pause();
}

/* Ask T to try its siblings: U and W must let it, V not. */
static int probe_ptracers(int round, int base)
{
	_Atomic int *pt = pt_ints();
	int i;

	pt[PT_ROUND] = round;
	for (i = 0; i < 500 && pt[PT_DONE] != round; i++)
		usleep(10000);
	if (pt[PT_DONE] != round)
		return base;
	if (pt[PT_RESULT])
		return base + 1;
	if (pt[PT_RESULT + 1])
		return base + 2;
	if (pt[PT_RESULT + 2] != EPERM)
		return base + 3;
	return 0;
}

static int set_up_ptracers(void)
{
	_Atomic int *pt = pt_ints();
	int i, j;

	memset((void *)pt, 0, (PT_RESULT + 3) * sizeof(int));
	for (i = 0; i < 4; i++) {
		pt_kids[i] = fork();
		if (pt_kids[i] < 0)
			return 90;
		if (pt_kids[i] == 0) {
			if (drop_ptrace())
				_exit(1);
			if (i == 3)
				tracer_loop();
			tracee_loop(i);
		}
	}
	pt[PT_TRACER] = pt_kids[3];
	for (i = 0; i < 3; i++) {
		for (j = 0; j < 500 && !pt[PT_READY + i]; j++)
			usleep(10000);
		if (pt[PT_READY + i] != -1)
			return 91 + i;
	}
	/* The exceptions work before they are saved. */
	return probe_ptracers(1, 94);
}

static int check_ptracers(void)
{
	int ret = probe_ptracers(2, 100), i;

	for (i = 0; i < 4; i++) {
		kill(pt_kids[i], SIGKILL);
		waitpid(pt_kids[i], NULL, 0);
	}
	return ret;
}

/*
 * R30: P1 makes an autogroup of nice 5 (setsid(2), /proc/self/autogroup)
 * and forks P2 into it; P3 makes one of nice -3; Q, as uid 1000, one of
 * nice 4; Z one of nice 7, and exits.  The init stays in the autogroup
 * it was born in, the test's.  Each live one says what its
 * /proc/self/autogroup shows when the init asks.
 */
#define AG_OFF		1024	/* ints in the control page, from here: */
enum {
	AG_ROUND, AG_READY, AG_DONE = AG_READY + 4, AG_ID = AG_DONE + 4,
	AG_NICE = AG_ID + 4
};
#define AG_UID		1000

static pid_t ag_kids[5];	/* P1, P2, P3, Q, Z */

static _Atomic int *ag_ints(void)
{
	return (_Atomic int *)(ctl + AG_OFF);
}

/* What /proc/@pid/autogroup shows: 0, or -1 if it shows nothing. */
static int read_autogroup(const char *pid, long *id, int *nice)
{
	char path[64];
	FILE *f;
	int n;

	snprintf(path, sizeof(path), "/proc/%s/autogroup", pid);
	f = fopen(path, "r");
	if (!f)
		return -1;
	n = fscanf(f, "/autogroup-%ld nice %d", id, nice);
	fclose(f);
	return n == 2 ? 0 : -1;
}

/* setsid(2) and a nice value, retried past the write rate limit. */
static int own_autogroup(int nice)
{
	char buf[16];
	int fd, i, n;

	if (setsid() < 0)
		return -1;
	n = snprintf(buf, sizeof(buf), "%d", nice);
	for (i = 0; i < 100; i++) {
		fd = open("/proc/self/autogroup", O_WRONLY);
		if (fd < 0)
			return -1;
		if (write(fd, buf, n) == n) {
			close(fd);
			return 0;
		}
		close(fd);
		if (errno != EAGAIN)
			return -1;
		usleep(20000);
	}
	return -1;
}

static void autogroup_loop(int i)
{
	_Atomic int *ag = ag_ints();
	int round = 0, nice;
	long id;

	for (;;) {
		while (ag[AG_ROUND] == round)
			usleep(10000);
		round = ag[AG_ROUND];
		if (read_autogroup("self", &id, &nice))
			id = -1;
		ag[AG_ID + i] = id;
		ag[AG_NICE + i] = nice;
		ag[AG_DONE + i] = round;
	}
}

static int set_up_autogroups(void)
{
	static const int nice[5] = { 5, 0, -3, 4, 7 };
	_Atomic int *ag = ag_ints();
	siginfo_t si = { };
	int i, j;

	memset((void *)ag, 0, (AG_NICE + 4) * sizeof(int));
	for (i = 0; i < 5; i++) {
		/* P2 is P1's child, forked after P1's setsid(). */
		if (i == 1)
			continue;
		ag_kids[i] = fork();
		if (ag_kids[i] < 0)
			return 110;
		if (ag_kids[i])
			continue;
		/* Dumpable again, to own its /proc/self/autogroup. */
		if (i == 3 && (become(AG_UID) ||
			       prctl(PR_SET_DUMPABLE, 1, 0, 0, 0)))
			_exit(1);
		if (own_autogroup(nice[i]))
			_exit(2);
		if (i == 4)
			_exit(0);
		if (i == 0 && fork() == 0)
			autogroup_loop(1);
		ag[AG_READY + (i == 0 ? 0 : i - 1)] = 1;
		autogroup_loop(i);
	}
	for (i = 0; i < 3; i++) {
		for (j = 0; j < 500 && !ag[AG_READY + i]; j++)
			usleep(10000);
		if (!ag[AG_READY + i])
			return 111 + i;
	}
	/* Z is a zombie, kept as one: the init never waits for it. */
	if (waitid(P_PID, ag_kids[4], &si, WEXITED | WNOWAIT) ||
	    si.si_status != 0)
		return 114;
	return 0;
}

/* Ask P1, P2, P3 and Q what they are in; check the grouping (120-). */
static int check_autogroups(void)
{
	static const int nice[4] = { 5, 5, -3, 4 };
	_Atomic int *ag = ag_ints();
	int i, j, ret = 0;

	ag[AG_ROUND] = 2;
	for (i = 0; i < 4 && !ret; i++) {
		for (j = 0; j < 500 && ag[AG_DONE + i] != 2; j++)
			usleep(10000);
		if (ag[AG_DONE + i] != 2 || ag[AG_ID + i] < 0)
			ret = 120 + i;
		else if (ag[AG_NICE + i] != nice[i])
			ret = 124 + i;
	}
	if (!ret && (ag[AG_ID] != ag[AG_ID + 1] || ag[AG_ID] == ag[AG_ID + 2] ||
		     ag[AG_ID] == ag[AG_ID + 3] || ag[AG_ID + 2] == ag[AG_ID + 3]))
		ret = 128;
	return ret;
}

/* Set up what a refusal mode is about; 0 or a setup failure. */
static int set_up_refused(void)
{
	static unsigned char selector = SYSCALL_DISPATCH_FILTER_ALLOW;
	struct landlock_ruleset_attr ruleset = {
		.handled_access_fs = LANDLOCK_ACCESS_FS_MAKE_FIFO,
	};
	struct io_uring_params params = { };
	mqd_t q;
	int fd;

	switch (mode) {
	case M_MQUEUE:
		/* In an ipc namespace of its own, gone with it. */
		if (unshare(CLONE_NEWIPC))
			return 60;
		q = mq_open("/tail", O_CREAT | O_RDWR, 0600, NULL);
		return q == (mqd_t)-1 ? 61 : 0;
	case M_TIMENS:
		return unshare(CLONE_NEWTIME) ? 60 : 0;
	case M_SETOWN:
		fd = data_file("own", 'o', O_RDONLY);
		return fd < 0 || fcntl(fd, F_SETOWN, getpid()) ? 60 : 0;
	case M_SETSIG:
		fd = data_file("sig", 's', O_RDONLY);
		return fd < 0 || fcntl(fd, F_SETSIG, SIGUSR1) ? 60 : 0;
	case M_LEASE:
		fd = data_file("lease", 'l', O_RDONLY);
		return fd < 0 || fcntl(fd, F_SETLEASE, F_RDLCK) ? 60 : 0;
	case M_IO_URING:
		fd = syscall(__NR_io_uring_setup, 4, &params);
		if (fd < 0)
			return 60;
		/* The ring is gone; the task's io_uring context is not. */
		close(fd);
		return 0;
	case M_TSC:
		return prctl(PR_SET_TSC, PR_TSC_SIGSEGV, 0, 0, 0) ? 60 : 0;
	case M_SUD:
		return prctl(PR_SET_SYSCALL_USER_DISPATCH, PR_SYS_DISPATCH_ON,
			     0, 0, &selector) ? 60 : 0;
	case M_LANDLOCK:
		/* A domain that forbids only making FIFOs. */
		fd = syscall(SYS_landlock_create_ruleset, &ruleset,
			     sizeof(ruleset), 0);
		return fd < 0 || syscall(SYS_landlock_restrict_self, fd, 0) ?
		       60 : 0;
	default:
		return 0;
	}
}

static int container_main(int m)
{
	int ret;

	mode = m;
	page = sysconf(_SC_PAGESIZE);
	ctl = box_map_ctl();
	if (!ctl)
		return 2;
	switch (mode) {
	case M_MAPS:
		ret = set_up_maps();
		break;
	case M_SIGSUSPEND:
		return run_sigsuspend();
	case M_ZOMBIE:
	case M_ZOMBIE_CRED:
		ret = set_up_zombie();
		break;
	case M_STOPS:
		ret = set_up_stops();
		break;
	case M_PTRACER:
		ret = set_up_ptracers();
		break;
	case M_AUTOGROUP:
		ret = set_up_autogroups();
		break;
	default:
		ret = set_up_refused();
		break;
	}
	if (ret)
		return ret;
	box_ready(ctl);
	/* usleep(): no syscall here that the modes above forbid. */
	while (strcmp(ctl + BOX_GO_OFF, "go"))
		usleep(10000);
	if (mode == M_MAPS)
		return check_maps();
	if (mode == M_ZOMBIE || mode == M_ZOMBIE_CRED)
		return check_zombie();
	if (mode == M_STOPS)
		return check_stops();
	if (mode == M_PTRACER)
		return check_ptracers();
	if (mode == M_AUTOGROUP)
		return check_autogroups();
	return 0;
}

BOX_INIT_MAIN("TAIL", container_main)

/* Sysctls a test changed, given back by the teardown: -1 if none. */
#define YAMA_SCOPE	"/proc/sys/kernel/yama/ptrace_scope"
#define AG_ENABLED	"/proc/sys/kernel/sched_autogroup_enabled"
static int old_scope = -1, old_ag_enabled = -1;

static int read_int(const char *path)
{
	FILE *f = fopen(path, "r");
	int v = -1;

	if (f) {
		if (fscanf(f, "%d", &v) != 1)
			v = -1;
		fclose(f);
	}
	return v;
}

static int write_int(const char *path, int v)
{
	FILE *f = fopen(path, "w");
	int ret;

	if (!f)
		return -1;
	ret = fprintf(f, "%d", v) < 0;
	return fclose(f) || ret ? -1 : 0;
}

static void tail_set_up(struct __test_metadata *_metadata, struct ckpt_box *self)
{
	page = sysconf(_SC_PAGESIZE);
	box_open(_metadata, self);
}

static void tail_tear_down(struct ckpt_box *self)
{
	static const char *const tags[] = { "rw", "ro", "priv", "own", "sig", "lease" };
	char path[96];
	unsigned int i;

	if (self->init > 0)
		container_stop(self->init);
	self->init = 0;
	if (old_scope >= 0)
		write_int(YAMA_SCOPE, old_scope);
	if (old_ag_enabled >= 0)
		write_int(AG_ENABLED, old_ag_enabled);
	old_scope = old_ag_enabled = -1;
	for (i = 0; i < ARRAY_SIZE(tags); i++) {
		snprintf(path, sizeof(path), "%s-%s", box_ctl_path, tags[i]);
		unlink(path);
	}
	box_close(self);
}

/* The SigBlk line of /proc/PID/status, or ~0. */
static unsigned long long sigblk(pid_t pid)
{
	unsigned long long v = ~0ULL;
	char path[64], line[256];
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", pid);
	f = fopen(path, "r");
	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "SigBlk: %llx", &v) == 1)
			break;
	if (f)
		fclose(f);
	return v;
}

FIXTURE(saved) {
	struct ckpt_box b;
};

FIXTURE_SETUP(saved)
{
	tail_set_up(_metadata, &self->b);
}

FIXTURE_TEARDOWN(saved)
{
	tail_tear_down(&self->b);
}

/* R4: 20-30, see check_maps(). */
TEST_F_TIMEOUT(saved, mapping_ceiling, 60)
{
	char log[4096];

	box_start(_metadata, &self->b, M_MAPS);
	ASSERT_EQ(0, box_checkpoint(&self->b, CHECKPOINT_KILL, log, sizeof(log)))
		TH_LOG("checkpoint: %s", log);
	EXPECT_EQ(0, box_restore_and_wait(_metadata, &self->b, 0, NULL));
}

/* R1: 40-43, see run_sigsuspend(). */
TEST_F_TIMEOUT(saved, sigsuspend_mask, 60)
{
	struct ckpt_box *b = &self->b;
	char log[4096];
	int i;

	box_start(_metadata, b, M_SIGSUSPEND);
	/* Inside sigsuspend() /proc shows its temporary, empty mask. */
	for (i = 0; i < 500 && sigblk(b->init) != 0; i++)
		usleep(10000);
	ASSERT_LT(i, 500) TH_LOG("the container did not enter sigsuspend()");
	ASSERT_EQ(0, box_checkpoint(b, CHECKPOINT_KILL, log, sizeof(log)))
		TH_LOG("checkpoint: %s", log);
	EXPECT_EQ(0, box_restore_and_wait(_metadata, b, SIGUSR1, NULL));
}

/* The Uid (all four the same) and CapEff /proc/@pid/status shows, or -1. */
static long status_uid(const char *pid, unsigned long long *capeff)
{
	char path[300], line[256];
	long uid = -1, r, s, f4;
	long id = -1;
	FILE *f;

	*capeff = ~0ULL;
	snprintf(path, sizeof(path), "/proc/%s/status", pid);
	f = fopen(path, "r");
	while (f && fgets(line, sizeof(line), f)) {
		if (sscanf(line, "Uid: %ld %ld %ld %ld", &id, &r, &s, &f4) == 4)
			uid = id == r && r == s && s == f4 ? id : -2;
		else if (sscanf(line, "CapEff: %llx", capeff) != 1)
			continue;
	}
	if (f)
		fclose(f);
	return uid;
}

/* The name and ids /proc gives the zombie child of @init: 0 if ours. */
static int zombie_named(struct __test_metadata *_metadata, pid_t init)
{
	char path[300], line[512], *close;
	unsigned long long capeff;
	struct dirent *d;
	int found = 0, ppid;
	char state;
	DIR *dir = opendir("/proc");
	FILE *f;

	while (dir && (d = readdir(dir))) {
		if (d->d_name[0] < '1' || d->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/stat", d->d_name);
		f = fopen(path, "r");
		if (!f)
			continue;
		close = fgets(line, sizeof(line), f) ? strrchr(line, ')') : NULL;
		if (close && sscanf(close + 1, " %c %d", &state, &ppid) == 2 &&
		    ppid == init && state == 'Z') {
			found = 1;
			if (!strstr(line, "(" ZOMBIE_NAME ")"))
				TH_LOG("the zombie came back as %s", line);
			else if (status_uid(d->d_name, &capeff) != ZOMBIE_UID ||
				 capeff)
				TH_LOG("the zombie came back with uid %ld, CapEff %llx",
				       status_uid(d->d_name, &capeff), capeff);
			else
				found = 2;
		}
		fclose(f);
	}
	if (dir)
		closedir(dir);
	if (!found)
		TH_LOG("no zombie child of %d", init);
	return found == 2 ? 0 : -1;
}

/* R46: the name from outside, the status from the init (52-54). */
TEST_F_TIMEOUT(saved, zombie_name, 60)
{
	char log[4096];

	box_start(_metadata, &self->b, M_ZOMBIE);
	ASSERT_EQ(0, box_checkpoint(&self->b, CHECKPOINT_KILL, log, sizeof(log)))
		TH_LOG("checkpoint: %s", log);
	EXPECT_EQ(0, box_restore_and_wait(_metadata, &self->b, 0, zombie_named));
}

/*
 * A zombie whose ids are not its parent's, as a setuid program leaves:
 * its own cred object, and its uid in /proc and in its parent's wait.
 */
TEST_F_TIMEOUT(saved, zombie_of_other_ids, 60)
{
	char log[4096];

	box_start(_metadata, &self->b, M_ZOMBIE_CRED);
	ASSERT_EQ(0, box_checkpoint(&self->b, CHECKPOINT_KILL, log, sizeof(log)))
		TH_LOG("checkpoint: %s", log);
	EXPECT_EQ(0, box_restore_and_wait(_metadata, &self->b, 0, zombie_named));
}

/* R32: 70-74 set-up, 80-86 the checks, see check_stops(). */
TEST_F_TIMEOUT(saved, stop_signals_and_reports, 60)
{
	char log[4096];

	box_start(_metadata, &self->b, M_STOPS);
	ASSERT_EQ(0, box_checkpoint(&self->b, CHECKPOINT_KILL, log, sizeof(log)))
		TH_LOG("checkpoint: %s", log);
	EXPECT_EQ(0, box_restore_and_wait(_metadata, &self->b, 0, NULL));
}

/* R23: 90-96 set-up, 100-103 the checks, see probe_ptracers(). */
TEST_F_TIMEOUT(saved, yama_ptracer, 60)
{
	char log[4096];
	int scope = read_int(YAMA_SCOPE);

	if (scope < 0)
		SKIP(return, "no Yama in this kernel");
	ASSERT_EQ(0, write_int(YAMA_SCOPE, 1));
	old_scope = scope;
	box_start(_metadata, &self->b, M_PTRACER);
	ASSERT_EQ(0, box_checkpoint(&self->b, CHECKPOINT_KILL, log, sizeof(log)))
		TH_LOG("checkpoint: %s", log);
	EXPECT_EQ(0, box_restore_and_wait(_metadata, &self->b, 0, NULL));
}

/* The first CKPT_REC_AUTOGROUP of nice @nice in @img, or NULL. */
static struct ckpt_rec_autogroup *find_autogroup(unsigned char *img,
						 size_t size, int nice)
{
	size_t off = 0;

	while (off + sizeof(struct ckpt_rec) <= size) {
		struct ckpt_rec *r = (struct ckpt_rec *)(img + off);

		if (r->len < sizeof(*r) || r->len > size - off)
			break;
		if (r->type == CKPT_REC_AUTOGROUP &&
		    ((struct ckpt_rec_autogroup *)r)->nice == nice)
			return (struct ckpt_rec_autogroup *)r;
		off += (r->len + 7) & ~7UL;
	}
	return NULL;
}

/*
 * The image with Q's autogroup given nice -4, which Q (uid 1000, no
 * CAP_SYS_NICE, RLIMIT_NICE 0) could not set: restart refuses it.
 */
static void refuse_negative_nice(struct __test_metadata *_metadata,
				 struct ckpt_box *b)
{
	struct ckpt_rec_trailer *t;
	struct ckpt_rec_autogroup *r;
	unsigned char *img;
	char log[4096];
	off_t size;
	int fd, log_fd;
	long ret;

	size = lseek(b->image, 0, SEEK_END);
	ASSERT_GT(size, (off_t)sizeof(*t));
	img = malloc(size);
	ASSERT_NE(NULL, img);
	ASSERT_EQ(size, pread(b->image, img, size, 0));
	r = find_autogroup(img, size, 4);
	ASSERT_NE(NULL, r) TH_LOG("no autogroup of nice 4 in the image");
	r->nice = -4;
	t = (struct ckpt_rec_trailer *)(img + size - sizeof(*t));
	t->crc = crc32(0, img, size - sizeof(*t));
	fd = scratch_file(O_RDWR);
	log_fd = scratch_file(O_RDWR);
	ASSERT_GE(fd, 0);
	ASSERT_GE(log_fd, 0);
	ASSERT_EQ(size, pwrite(fd, img, size, 0));
	free(img);
	ret = rstrt(fd, log_fd, 0);
	read_log(log_fd, log, sizeof(log));
	close(fd);
	close(log_fd);
	if (ret > 0)
		container_stop(ret);
	EXPECT_EQ(-1, ret);
	EXPECT_EQ(EPERM, errno);
	EXPECT_NE(NULL, strstr(log, "cannot set its autogroup's nice value -4"))
		TH_LOG("log: %s", log);
}

/* From outside: the init in our autogroup, the zombie Z in its own. */
static int outside_autogroups(struct __test_metadata *_metadata, pid_t init)
{
	char path[300], line[512], *close, pid[16];
	long mine, id;
	int nice, ppid, found = 0;
	struct dirent *d;
	char state;
	DIR *dir;
	FILE *f;

	snprintf(pid, sizeof(pid), "%d", init);
	if (read_autogroup("self", &mine, &nice) ||
	    read_autogroup(pid, &id, &nice) || id != mine) {
		TH_LOG("the restored init is not in the restarter's autogroup");
		return -1;
	}
	dir = opendir("/proc");
	while (dir && (d = readdir(dir))) {
		if (d->d_name[0] < '1' || d->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/stat", d->d_name);
		f = fopen(path, "r");
		if (!f)
			continue;
		close = fgets(line, sizeof(line), f) ? strrchr(line, ')') : NULL;
		if (close && sscanf(close + 1, " %c %d", &state, &ppid) == 2 &&
		    ppid == init && state == 'Z') {
			if (read_autogroup(d->d_name, &id, &nice) || id == mine ||
			    nice != 7)
				TH_LOG("the zombie came back in autogroup %ld, nice %d",
				       id, nice);
			else
				found = 1;
		}
		fclose(f);
	}
	if (dir)
		closedir(dir);
	return found ? 0 : -1;
}

/* R30: 110-114 set-up, 120-128 the checks, see check_autogroups(). */
static void autogroups(struct __test_metadata *_metadata, struct ckpt_box *b,
		       int enabled)
{
	char log[4096], pid[16];
	long mine, init;
	int nice, old;

	if (access("/proc/self/autogroup", F_OK))
		SKIP(return, "no CONFIG_SCHED_AUTOGROUP in this kernel");
	old = read_int(AG_ENABLED);
	ASSERT_GE(old, 0);
	ASSERT_EQ(0, write_int(AG_ENABLED, enabled));
	old_ag_enabled = old;
	/*
	 * The init starts in the test's autogroup, shared with the test:
	 * one of its own, not the default one, which /proc does not show.
	 */
	if (read_autogroup("self", &mine, &nice))
		ASSERT_LE(0, setsid());
	ASSERT_EQ(0, read_autogroup("self", &mine, &nice));
	box_start(_metadata, b, M_AUTOGROUP);
	snprintf(pid, sizeof(pid), "%d", b->init);
	ASSERT_EQ(0, read_autogroup(pid, &init, &nice));
	ASSERT_EQ(mine, init);
	ASSERT_EQ(0, box_checkpoint(b, CHECKPOINT_KILL, log, sizeof(log)))
		TH_LOG("checkpoint: %s", log);
	refuse_negative_nice(_metadata, b);
	EXPECT_EQ(0, box_restore_and_wait(_metadata, b, 0, outside_autogroups));
}

TEST_F_TIMEOUT(saved, autogroups, 60)
{
	autogroups(_metadata, &self->b, 1);
}

/* Off, the scheduler ignores them, and the grouping is there all the same. */
TEST_F_TIMEOUT(saved, autogroups_disabled, 60)
{
	autogroups(_metadata, &self->b, 0);
}

FIXTURE(refused) {
	struct ckpt_box b;
};

FIXTURE_VARIANT(refused) {
	enum mode mode;
	const char *reason;
};

FIXTURE_VARIANT_ADD(refused, mqueue) {
	.mode = M_MQUEUE, .reason = "POSIX message queues",
};
FIXTURE_VARIANT_ADD(refused, timens_for_children) {
	.mode = M_TIMENS, .reason = "time namespace pending for its children",
};
FIXTURE_VARIANT_ADD(refused, f_setown) {
	.mode = M_SETOWN, .reason = "F_SETOWN",
};
FIXTURE_VARIANT_ADD(refused, f_setsig) {
	.mode = M_SETSIG, .reason = "F_SETSIG",
};
FIXTURE_VARIANT_ADD(refused, lease) {
	.mode = M_LEASE, .reason = "F_SETLEASE",
};
FIXTURE_VARIANT_ADD(refused, io_uring) {
	.mode = M_IO_URING, .reason = "io_uring",
};
FIXTURE_VARIANT_ADD(refused, tsc) {
	.mode = M_TSC, .reason = "PR_SET_TSC",
};
FIXTURE_VARIANT_ADD(refused, syscall_user_dispatch) {
	.mode = M_SUD, .reason = "syscall user dispatch",
};
FIXTURE_VARIANT_ADD(refused, landlock) {
	.mode = M_LANDLOCK, .reason = "confined by Landlock",
};

FIXTURE_SETUP(refused)
{
	tail_set_up(_metadata, &self->b);
}

FIXTURE_TEARDOWN(refused)
{
	tail_tear_down(&self->b);
}

TEST_F_TIMEOUT(refused, by_name_and_unharmed, 60)
{
	struct ckpt_box *b = &self->b;
	char log[4096];
	int err, status;

	box_start(_metadata, b, variant->mode);
	err = box_checkpoint(b, CHECKPOINT_KILL, log, sizeof(log));
	EXPECT_EQ(EOPNOTSUPP, err) TH_LOG("checkpoint: %s; log: %s", strerror(err), log);
	EXPECT_NE(NULL, strstr(log, variant->reason))
		TH_LOG("not refused for \"%s\"; log: %s", variant->reason, log);
	EXPECT_EQ(0, waitpid(b->init, &status, WNOHANG));
	EXPECT_EQ(0, kill(b->init, 0));
}

CKPT_HARNESS_MAIN
