// SPDX-License-Identifier: GPL-2.0
/*
 * The same state after a restart, as /proc shows it.
 *
 * Each container runs until it is idle; the test reads what /proc
 * shows of every one of its tasks, checkpoints it with CHECKPOINT_KILL,
 * restarts it, lets it settle, and reads the same again.  Every line
 * that differs fails the test, unless the list of expected differences
 * below names it, with the reason it differs.  Tasks are matched by
 * their pid inside the container.
 *
 * What is read, per task (thread):
 *   status       every line but counters and pids of the test's own
 *                namespace (the NS* lines give the container's)
 *   stat         the fields that persist (state, flags, nice, policy,
 *                layout, exit signal...)
 *   limits, sched (policy, prio), timerslack_ns, oom_score_adj,
 *   personality, coredump_filter, comm, cmdline, ksm_stat's merge_any
 *   timers       the process's POSIX timers, one line each
 *   smaps        each mapping's line and VmFlags
 *   fd, fdinfo   every fd: what it leads to and its fdinfo
 * and /proc/locks, for the locks the container's tasks hold.
 *
 * Containers: "settings", one process with what this series saves set
 * away from its default (issue 11's list of what is common: scheduling,
 * affinity, the per-task knobs, itimers, POSIX timers, advice and mlock
 * on mappings, MLOCK_ONFAULT, mlockall(MCL_FUTURE | MCL_ONFAULT), the mm
 * prctls, the three kinds of file lock, a seccomp filter); "tree",
 * processes and threads with a zombie of other ids than its parent's;
 * "shell", busybox sh waiting for its sleep.  A container is this
 * program again (re-executed through a constructor), or busybox.
 *
 * What /proc does not show of the settings container (its timers' time
 * left, intervals and overruns, whether what it maps now is locked) it
 * checks itself after the restart, once /proc has been compared.
 *
 * This test keeps the state inventory honest (Documentation/checkpoint.rst
 * and the kind pages under Documentation/checkpoint/): new state that is
 * not saved shows up here as a difference.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <linux/filter.h>
#include <linux/ioprio.h>
#include <linux/seccomp.h>
#include <pthread.h>
#include <sched.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/time.h>

#include "checkpoint_util.h"
#include "../kselftest_harness.h"

#define CTL_READY	0
#define CTL_GO		64
#define CTL_CHECK	128	/* the test asks the container to check itself */
#define CTL_RESULT	192	/* its answer: "ok", or the check that failed */

static char ctl_path[64];
static char *ctl;
/* The settings container's check of what /proc does not show, or NULL. */
static int (*self_check)(void);

/* ---- the containers ---- */

static char *map_ctl(void)
{
	int fd = open(ctl_path, O_RDWR);
	char *p;

	if (fd < 0)
		return NULL;
	p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	close(fd);
	return p == MAP_FAILED ? NULL : p;
}

static void idle_until_go(void)
{
	while (strcmp(ctl + CTL_GO, "go"))
		usleep(20000);
}

static void *thread_idle(void *arg)
{
	idle_until_go();
	return NULL;
}

#ifndef PR_SET_MEMORY_MERGE
#define PR_SET_MEMORY_MERGE	67
#endif
#ifndef PR_SET_MDWE
#define PR_SET_MDWE		65
#define PR_MDWE_REFUSE_EXEC_GAIN	(1UL << 0)
#endif

/*
 * What issue 11 lists as common, beyond the basics: scheduling and the
 * per-task knobs, interval timers, the mm prctls, advice on mappings,
 * file locks of the three kinds, and a seccomp filter (last: after it,
 * only what the filter allows).  Speculation control is set where the
 * CPU has it.
 */
static int settings_common(char *m, long page)
{
	struct sock_filter allow = BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
	struct sock_fprog prog = { .len = 1, .filter = &allow };
	struct itimerval itv = { { 300, 0 }, { 600, 0 } };
	struct flock pl = { .l_type = F_WRLCK, .l_start = 10, .l_len = 20 };
	struct flock ol = { .l_type = F_RDLCK, .l_start = 100, .l_len = 0 };
	struct sched_param sp = { 0 };
	cpu_set_t cpus;
	int fd, lf;

	CPU_ZERO(&cpus);
	CPU_SET(0, &cpus);
	if (sched_setscheduler(0, SCHED_BATCH, &sp) ||
	    sched_setaffinity(0, sizeof(cpus), &cpus) ||
	    prctl(PR_SET_CHILD_SUBREAPER, 1) || prctl(PR_SET_TIMERSLACK, 12345) ||
	    syscall(__NR_ioprio_set, IOPRIO_WHO_PROCESS, 0,
		    IOPRIO_PRIO_VALUE(IOPRIO_CLASS_BE, 3)) ||
	    prctl(PR_MCE_KILL, PR_MCE_KILL_SET, PR_MCE_KILL_EARLY, 0, 0) ||
	    prctl(PR_SET_IO_FLUSHER, 1, 0, 0, 0))
		return 30;
	fd = open("/proc/self/oom_score_adj", O_WRONLY);
	if (fd < 0 || write(fd, "123", 3) != 3)
		return 31;
	close(fd);
	prctl(PR_SET_SPECULATION_CTRL, PR_SPEC_STORE_BYPASS, PR_SPEC_DISABLE, 0, 0);
	if (setitimer(ITIMER_REAL, &itv, NULL) || setitimer(ITIMER_VIRTUAL, &itv, NULL) ||
	    setitimer(ITIMER_PROF, &itv, NULL))
		return 32;
	if (madvise(m, page, MADV_WIPEONFORK) || madvise(m + page, page, MADV_MERGEABLE) ||
	    madvise(m + 2 * page, 2 * page, MADV_HUGEPAGE) ||
	    madvise(m + 4 * page, page, MADV_RANDOM))
		return 33;
	if (prctl(PR_SET_THP_DISABLE, 1, 0, 0, 0) || prctl(PR_SET_MEMORY_MERGE, 1, 0, 0, 0) ||
	    prctl(PR_SET_MDWE, PR_MDWE_REFUSE_EXEC_GAIN, 0, 0, 0))
		return 34;
	/* flock, a POSIX lock and an OFD lock, on files of its own. */
	lf = open("/tmp/samestate-locks", O_RDWR | O_CREAT | O_TRUNC, 0600);
	if (lf < 0 || ftruncate(lf, 4096) || flock(lf, LOCK_EX) ||
	    fcntl(lf, F_SETLK, &pl))
		return 35;
	fd = open("/tmp/samestate-locks", O_RDWR);
	if (fd < 0 || fcntl(fd, F_OFD_SETLK, &ol))
		return 36;
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) ||
	    syscall(__NR_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog))
		return 37;
	return 0;
}

#define MS	1000000LL
#define SEC	1000000000LL

/*
 * The settings container's POSIX timers, each signalling SIGRTMIN +
 * PT_SIG + its index: a periodic monotonic one with a handler, a
 * realtime one nobody is told of, one aimed at the thread itself, one
 * on the process's CPU clock, and one whose blocked signal is queued
 * while it overruns.
 */
enum { PT_MONO, PT_NONE, PT_TID, PT_CPU, PT_OVERRUN, PT_NR };
#define PT_SIG	4
static timer_t ptimer[PT_NR];
static int overrun_before;	/* PT_OVERRUN's timer_getoverrun() at set-up */

static void on_timer(int sig)
{
}

static int ptimer_make(int i, clockid_t clock, int notify)
{
	struct sigevent sev = {
		.sigev_notify = notify,
		.sigev_signo = SIGRTMIN + PT_SIG + i,
		.sigev_value.sival_int = 100 + i,
	};

	sev._sigev_un._tid = syscall(__NR_gettid);
	return timer_create(clock, &sev, &ptimer[i]);
}

static int ptimer_arm(int i, long long value, long long interval)
{
	struct itimerspec its = {
		{ interval / SEC, interval % SEC }, { value / SEC, value % SEC },
	};

	return timer_settime(ptimer[i], 0, &its, NULL);
}

/* Whether timer @i has between @lo and @hi ns left, and @interval. */
static bool ptimer_is(int i, long long lo, long long hi, long long interval)
{
	struct itimerspec its;
	long long v;

	if (timer_gettime(ptimer[i], &its))
		return false;
	v = its.it_value.tv_sec * SEC + its.it_value.tv_nsec;
	return v >= lo && v <= hi &&
	       its.it_interval.tv_sec * SEC + its.it_interval.tv_nsec == interval;
}

/* Whether smaps gives the mapping at @addr the VmFlags flag @flag. */
static bool vmflag(const void *addr, const char *flag)
{
	unsigned long lo, hi, a = (unsigned long)addr;
	char line[512], want[8];
	bool in = false, ret = false;
	FILE *f = fopen("/proc/self/smaps", "r");

	snprintf(want, sizeof(want), " %s", flag);
	while (f && fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		if (sscanf(line, "%lx-%lx ", &lo, &hi) == 2) {
			in = a >= lo && a < hi;
			continue;
		}
		if (in && !strncmp(line, "VmFlags:", 8)) {
			char *p = strstr(line, want);

			ret = p && (!p[3] || p[3] == ' ');
			break;
		}
	}
	if (f)
		fclose(f);
	return ret;
}

/*
 * What /proc does not show, checked by the restored settings container
 * itself once the test has compared /proc: its timers' time left and
 * intervals (the guest is slow: tens of seconds of slack), the overrun
 * count its queued timer signal carries, and mlockall(MCL_FUTURE |
 * MCL_ONFAULT) still in force for what it maps now.
 */
static int settings_check(void)
{
	int sig = SIGRTMIN + PT_SIG + PT_OVERRUN;
	struct timespec zero = { 0, 0 };
	long page = sysconf(_SC_PAGESIZE);
	siginfo_t si;
	sigset_t set;
	char *m;

	if (!ptimer_is(PT_MONO, 40 * SEC, 100 * SEC, 50 * SEC))
		return 60;
	if (!ptimer_is(PT_NONE, 140 * SEC, 200 * SEC, 0))
		return 61;
	if (!ptimer_is(PT_TID, 240 * SEC, 300 * SEC, 0))
		return 62;
	/* It idles: its CPU clock has hardly moved. */
	if (!ptimer_is(PT_CPU, 90 * SEC, 100 * SEC, 10 * SEC))
		return 63;
	/* What the signal taken before the checkpoint counted. */
	if (timer_getoverrun(ptimer[PT_OVERRUN]) != overrun_before)
		return 64;
	/* Queued again 10 ms later, it has missed half a second's worth since. */
	sigemptyset(&set);
	sigaddset(&set, sig);
	if (sigtimedwait(&set, &si, &zero) != sig ||
	    si.si_timerid != (int)(long)ptimer[PT_OVERRUN] ||
	    si.si_value.sival_int != 100 + PT_OVERRUN)
		return 65;
	if (si.si_overrun < 10 || timer_getoverrun(ptimer[PT_OVERRUN]) != si.si_overrun)
		return 66;
	m = mmap(NULL, page, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (m == MAP_FAILED)
		return 67;
	if (!vmflag(m, "lo") || !vmflag(m, "lf"))
		return 68;
	return 0;
}

/*
 * POSIX timers, a region locked as it faults in, and mlockall() for
 * what is mapped later (on fault too: the container's later mappings
 * stay as small as they are, and nothing of the test's is locked).
 */
static int settings_timers_and_locks(long page)
{
	int sig = SIGRTMIN + PT_SIG + PT_OVERRUN, i;
	struct sigaction sa = { .sa_handler = on_timer };
	struct timespec second = { 1, 0 };
	siginfo_t si;
	sigset_t set;
	char *o;

	/* Blocked: all but PT_MONO's, which has a handler. */
	sigemptyset(&set);
	for (i = PT_TID; i < PT_NR; i++)
		sigaddset(&set, SIGRTMIN + PT_SIG + i);
	if (sigaction(SIGRTMIN + PT_SIG + PT_MONO, &sa, NULL) ||
	    sigprocmask(SIG_BLOCK, &set, NULL))
		return 40;
	if (ptimer_make(PT_MONO, CLOCK_MONOTONIC, SIGEV_SIGNAL) ||
	    ptimer_make(PT_NONE, CLOCK_REALTIME, SIGEV_NONE) ||
	    ptimer_make(PT_TID, CLOCK_MONOTONIC, SIGEV_THREAD_ID) ||
	    ptimer_make(PT_CPU, CLOCK_PROCESS_CPUTIME_ID, SIGEV_SIGNAL) ||
	    ptimer_make(PT_OVERRUN, CLOCK_MONOTONIC, SIGEV_SIGNAL))
		return 41;
	if (ptimer_arm(PT_MONO, 100 * SEC, 50 * SEC) ||
	    ptimer_arm(PT_NONE, 200 * SEC, 0) ||
	    ptimer_arm(PT_TID, 300 * SEC, 0) ||
	    ptimer_arm(PT_CPU, 100 * SEC, 10 * SEC) ||
	    ptimer_arm(PT_OVERRUN, 10 * MS, 10 * MS))
		return 42;
	/* PT_OVERRUN overruns, is taken once, and is queued again. */
	usleep(300000);
	sigemptyset(&set);
	sigaddset(&set, sig);
	if (sigtimedwait(&set, &si, &second) != sig)
		return 43;
	overrun_before = timer_getoverrun(ptimer[PT_OVERRUN]);
	if (overrun_before != si.si_overrun || overrun_before < 5)
		return 44;
	o = mmap(NULL, 4 * page, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (o == MAP_FAILED || mlock2(o, 4 * page, MLOCK_ONFAULT))
		return 45;
	o[0] = 1;
	/* Read-only, so that it cannot merge with @o. */
	if (mlockall(MCL_FUTURE | MCL_ONFAULT) ||
	    mmap(NULL, 2 * page, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0) ==
	    MAP_FAILED)
		return 46;
	self_check = settings_check;
	return 0;
}

/* One process, with what the series saves set away from its default. */
static int settings(void)
{
	static char altstack[65536];
	stack_t ss = { .ss_sp = altstack, .ss_size = sizeof(altstack) };
	struct rlimit nofile = { 200, 1000 };
	long page = sysconf(_SC_PAGESIZE);
	sigset_t set;
	int fd, p[2];
	char *m, *a;

	if (nice(5) == -1 && errno)
		return 10;
	if (setrlimit(RLIMIT_NOFILE, &nofile) || sigaltstack(&ss, NULL))
		return 11;
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigaddset(&set, SIGRTMIN + 3);
	if (sigprocmask(SIG_BLOCK, &set, NULL) || raise(SIGUSR1) ||
	    signal(SIGUSR2, SIG_IGN) == SIG_ERR)
		return 12;
	umask(027);
	if (prctl(PR_SET_PDEATHSIG, SIGHUP) || prctl(PR_SET_NAME, "settings"))
		return 13;
	/* Mappings with advice, locked, and a file mapped privately. */
	m = mmap(NULL, 8 * page, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	a = mmap(NULL, 8 * page, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (a == MAP_FAILED)
		return 14;
	if (m == MAP_FAILED || madvise(m, 2 * page, MADV_DONTFORK) ||
	    madvise(m + 2 * page, 2 * page, MADV_DONTDUMP) ||
	    madvise(m + 4 * page, 2 * page, MADV_NOHUGEPAGE) ||
	    mlock(m + 6 * page, 2 * page))
		return 14;
	fd = open(ctl_path, O_RDONLY);
	if (fd < 0 || mmap(NULL, page, PROT_READ, MAP_PRIVATE, fd, 0) == MAP_FAILED)
		return 15;
	/* Files: one at an offset, one appending, a pipe with bytes in it. */
	if (lseek(fd, 100, SEEK_SET) != 100 || open(ctl_path, O_WRONLY | O_APPEND) < 0 ||
	    pipe(p) || write(p[1], "left", 4) != 4)
		return 16;
	if (chdir("/tmp"))
		return 17;
	{
		int cf = open("/proc/self/coredump_filter", O_WRONLY);

		if (cf < 0 || write(cf, "0x3b", 4) != 4)
			return 18;
		close(cf);
	}
	return settings_timers_and_locks(page) ?: settings_common(a, page);
}

/* Processes and threads: init, A with two threads, A's child B, a zombie Z. */
static int tree(void)
{
	pthread_t t[2];
	pid_t a, z;

	/* A zombie with ids of its own, as a setuid program leaves. */
	z = fork();
	if (z == 0)
		_exit(setresgid(1000, 1000, 1000) || setresuid(1000, 1000, 1000) ? 1 : 7);
	a = fork();
	if (a < 0 || z < 0)
		return 20;
	if (a == 0) {
		if (fork() == 0) {
			idle_until_go();
			_exit(0);
		}
		if (pthread_create(&t[0], NULL, thread_idle, NULL) ||
		    pthread_create(&t[1], NULL, thread_idle, NULL))
			_exit(21);
		idle_until_go();
		_exit(0);
	}
	/* The zombie stays one until the end. */
	{
		siginfo_t si;

		if (waitid(P_PID, z, &si, WEXITED | WNOWAIT))
			return 22;
	}
	return 0;
}

enum mode { M_SETTINGS, M_TREE };

static int container_main(enum mode mode)
{
	int ret;

	ctl = map_ctl();
	if (!ctl)
		return 2;
	ret = mode == M_SETTINGS ? settings() : tree();
	if (ret)
		return ret;
	/* Let the others settle: ready once every task is in its wait. */
	usleep(200000);
	put_str(ctl + CTL_READY, "ready");
	while (strcmp(ctl + CTL_GO, "go")) {
		/* Asked once, after the restart. */
		if (!strcmp(ctl + CTL_CHECK, "check") && !ctl[CTL_RESULT]) {
			ret = self_check ? self_check() : 0;
			if (ret)
				snprintf(ctl + CTL_RESULT, 64, "check %d failed", ret);
			else
				snprintf(ctl + CTL_RESULT, 64, "ok");
		}
		usleep(20000);
	}
	return 0;
}

static void __attribute__((constructor)) maybe_container(void)
{
	const char *m = getenv("SAMESTATE_MODE"), *c = getenv("SAMESTATE_CTL");

	if (!m || !c)
		return;
	snprintf(ctl_path, sizeof(ctl_path), "%s", c);
	unsetenv("SAMESTATE_MODE");
	unsetenv("SAMESTATE_CTL");
	exit(container_main(atoi(m)));
}

static const char *start_mode;

static int container_exec(void *arg)
{
	syscall(__NR_close_range, 0, ~0U, 0);
	if (!strcmp(start_mode, "shell")) {
		int fd = open("/dev/null", O_RDWR);

		dup2(fd, 0);
		dup2(fd, 1);
		dup2(fd, 2);
		if (fd > 2)
			close(fd);
		execl("/bin/busybox", "sh", "-c", "while :; do sleep 1000; done", NULL);
		return 127;
	}
	setenv("SAMESTATE_MODE", !strcmp(start_mode, "settings") ? "0" : "1", 1);
	setenv("SAMESTATE_CTL", ctl_path, 1);
	execl("/proc/self/exe", "samestate", NULL);
	return 127;
}

/* ---- reading /proc ---- */

#define MAX_LINES	20000

struct snap {
	char *line[MAX_LINES];
	int n;
	/* Outer pid -> pid in the container, for /proc/locks. */
	pid_t outer[256], inner[256];
	int nr_tasks;
	/* Pipe and anon inode numbers, by order of first sight. */
	unsigned long ino[256];
	int nr_ino;
};

static void add(struct snap *s, pid_t tid, const char *what, const char *line)
{
	char buf[1024];
	int len;

	if (s->n == MAX_LINES)
		return;
	snprintf(buf, sizeof(buf), "%d %s: %s", tid, what, line);
	len = strlen(buf);
	while (len && buf[len - 1] == '\n')
		buf[--len] = '\0';
	s->line[s->n++] = strdup(buf);
}

static int read_file(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY);
	ssize_t n;

	buf[0] = '\0';
	if (fd < 0)
		return -1;
	n = read(fd, buf, len - 1);
	close(fd);
	buf[n > 0 ? n : 0] = '\0';
	return n < 0 ? -1 : 0;
}

/* The last field of an NS* line: the pid inside the container. */
static pid_t last_pid(const char *status, const char *key)
{
	const char *p = strstr(status, key), *e;

	if (!p)
		return -1;
	e = strchr(p, '\n');
	while (e && e > p && e[-1] != '\t' && e[-1] != ' ')
		e--;
	return e ? atoi(e) : -1;
}

/* status lines that are counters, or pids of the test's namespace. */
static const char *const status_skip[] = {
	"Pid:", "PPid:", "Tgid:", "TracerPid:", "Ngid:", "VmPeak:", "VmHWM:",
	"VmRSS:", "RssAnon:", "RssFile:", "RssShmem:", "VmPTE:", "VmSwap:",
	"HugetlbPages:", "voluntary_ctxt_switches:",
	"nonvoluntary_ctxt_switches:", "CoreDumping:",
};

static void take_status(struct snap *s, const char *dir, pid_t tid)
{
	char path[300], buf[8192], *line, *save;
	unsigned int i;

	snprintf(path, sizeof(path), "%s/status", dir);
	read_file(path, buf, sizeof(buf));
	for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		bool skip = false;

		for (i = 0; i < ARRAY_SIZE(status_skip); i++)
			skip |= !strncmp(line, status_skip[i], strlen(status_skip[i]));
		if (skip)
			continue;
		if (!strncmp(line, "NS", 2)) {
			char key[32];

			snprintf(key, sizeof(key), "%.*s", (int)strcspn(line, "\t"), line);
			snprintf(path, sizeof(path), "%s %d", key, last_pid(line, key));
			add(s, tid, "status", path);
			continue;
		}
		/* Running or sleeping is a matter of the moment. */
		if (!strncmp(line, "State:", 6) && (strchr(line, 'R') || strchr(line, 'S')))
			line = "State:\tR or S";
		add(s, tid, "status", line);
	}
}

/* stat fields (1-based, as proc(5) numbers them) that persist. */
static const int stat_keep[] = {
	3, 7, 9, 18, 19, 20, 23, 25, 26, 27, 28, 31, 32, 33, 34, 38, 40, 41,
	45, 46, 47, 48, 49, 50, 51, 52,
};

static void take_stat(struct snap *s, const char *dir, pid_t tid)
{
	char path[300], buf[2048], *f[64], *p, *save;
	unsigned int i, n = 2;

	snprintf(path, sizeof(path), "%s/stat", dir);
	read_file(path, buf, sizeof(buf));
	p = strrchr(buf, ')');
	if (!p)
		return;
	for (p = strtok_r(p + 1, "\n ", &save); p && n < 63; p = strtok_r(NULL, "\n ", &save))
		f[++n] = p;
	for (i = 0; i < ARRAY_SIZE(stat_keep); i++) {
		int k = stat_keep[i];
		char v[64];

		if (k > (int)n)
			continue;
		snprintf(v, sizeof(v), "field %d = %s", k,
			 k == 3 && (*f[k] == 'R' || *f[k] == 'S') ? "R or S" : f[k]);
		add(s, tid, "stat", v);
	}
}

/* Whole small files, line by line. */
static void take_lines(struct snap *s, const char *dir, pid_t tid, const char *name,
		       const char *only)
{
	char path[300], buf[16384], *line, *save;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (read_file(path, buf, sizeof(buf))) {
		add(s, tid, name, "(cannot read)");
		return;
	}
	for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
		if (!only || !strncmp(line, only, strlen(only)))
			add(s, tid, name, line);
}

/*
 * /proc/PID/timers: one line per timer ("ID: 3 | signal: ... | notify:
 * signal/pid.N | ClockID: 1"), so that what one timer has stays
 * together.  N is the pid as the test's /proc numbers it: take() makes
 * it the container's once it knows every task.
 */
static void take_timers(struct snap *s, const char *dir, pid_t tid)
{
	char path[300], buf[16384], timer[512] = "", *line, *save;

	snprintf(path, sizeof(path), "%s/timers", dir);
	if (read_file(path, buf, sizeof(buf))) {
		add(s, tid, "timers", "(cannot read)");
		return;
	}
	for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		size_t len = strlen(timer);

		if (!strncmp(line, "ID:", 3) && timer[0]) {
			add(s, tid, "timers", timer);
			len = 0;
		}
		snprintf(timer + len, sizeof(timer) - len, "%s%s", len ? " | " : "", line);
	}
	if (timer[0])
		add(s, tid, "timers", timer);
}

/* The timers' notify pids, made the container's. */
static void timers_inner_pids(struct snap *s)
{
	char out[1024], *p;
	int i, j, pid, in;

	for (i = 0; i < s->n; i++) {
		if (!strstr(s->line[i], " timers: "))
			continue;
		p = strstr(s->line[i], "/pid.") ?: strstr(s->line[i], "/tid.");
		if (!p || sscanf(p + 5, "%d", &pid) != 1)
			continue;
		for (j = 0, in = -1; j < s->nr_tasks; j++)
			if (s->outer[j] == pid)
				in = s->inner[j];
		snprintf(out, sizeof(out), "%.*s%d%s", (int)(p + 5 - s->line[i]),
			 s->line[i], in, p + 5 + strspn(p + 5, "-0123456789"));
		free(s->line[i]);
		s->line[i] = strdup(out);
	}
}

static void take_cmdline(struct snap *s, const char *dir, pid_t tid)
{
	char path[300], buf[1024];
	int fd, n, i;

	snprintf(path, sizeof(path), "%s/cmdline", dir);
	fd = open(path, O_RDONLY);
	n = fd < 0 ? 0 : read(fd, buf, sizeof(buf) - 1);
	if (fd >= 0)
		close(fd);
	for (i = 0; i < n; i++)
		if (!buf[i])
			buf[i] = ' ';
	buf[n > 0 ? n : 0] = '\0';
	add(s, tid, "cmdline", buf);
}

static int ino_index(struct snap *s, unsigned long ino);

/*
 * smaps: each mapping with its VmFlags, nothing that counts pages.
 * Expected differences, left out of the comparison:
 * - shared anonymous memory is a new shmem object after a restart: its
 *   inode number is given by order of first sight, and its commit
 *   charge is the object's (shmem_kernel_file_setup() takes it), not
 *   the mapping's VM_ACCOUNT ("ac");
 * - every restored mapping is new to the soft-dirty tracker ("sd"):
 *   all of it reads as written since the last clear_refs, the answer a
 *   tracker can act on safely.
 */
static void take_smaps(struct snap *s, const char *dir, pid_t tid)
{
	char path[300], line[512], head[512] = "", *p;
	unsigned long ino;
	bool anon_shared = false;
	FILE *f;

	snprintf(path, sizeof(path), "%s/smaps", dir);
	f = fopen(path, "r");
	while (f && fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		unsigned long lo, hi;

		if (sscanf(line, "%lx-%lx ", &lo, &hi) == 2) {
			/* start-end perms offset dev inode path */
			char range[64], perms[8], off[16], dev[16], name[300] = "";

			if (sscanf(line, "%63s %7s %15s %15s %lu %299[^\n]", range, perms,
				   off, dev, &ino, name) < 5)
				continue;
			anon_shared = strstr(name, "/dev/zero (deleted)") != NULL;
			if (anon_shared)
				snprintf(head, sizeof(head), "%s %s %s %s #%d %s", range, perms,
					 off, dev, ino_index(s, ino), name);
			else
				snprintf(head, sizeof(head), "%s %s %s %s %lu %s", range, perms,
					 off, dev, ino, name);
		} else if (!strncmp(line, "VmFlags:", 8)) {
			p = anon_shared ? strstr(line, " ac") : NULL;
			if (p && (!p[3] || p[3] == ' '))
				memmove(p, p + 3, strlen(p + 3) + 1);
			p = strstr(line, " sd");
			if (p && (!p[3] || p[3] == ' '))
				memmove(p, p + 3, strlen(p + 3) + 1);
			snprintf(path, sizeof(path), "%.200s |%.90s", head, line + 8);
			add(s, tid, "smaps", path);
		}
	}
	if (f)
		fclose(f);
}

/* A pipe's or an anonymous inode's number, by order of first sight. */
static int ino_index(struct snap *s, unsigned long ino)
{
	int i;

	for (i = 0; i < s->nr_ino; i++)
		if (s->ino[i] == ino)
			return i;
	if (s->nr_ino < 256)
		s->ino[s->nr_ino++] = ino;
	return s->nr_ino - 1;
}

/*
 * A lock line as /proc/locks and fdinfo print it ("1: FLOCK ADVISORY
 * WRITE pid dev:ino start end"), its taker's pid made the container's:
 * /proc here is the test's, which numbers it with its outer pid.
 */
static void add_lock(struct snap *s, pid_t tid, const char *what, const char *line)
{
	char kind[64], type[64], rw[64], rest[512], out[1024];
	int i, id, pid, in = -1;

	if (sscanf(line, " %d: %63s %63s %63s %d %511[^\n]", &id, kind, type, rw,
		   &pid, rest) != 6) {
		add(s, tid, what, line);
		return;
	}
	for (i = 0; i < s->nr_tasks; i++)
		if (s->outer[i] == pid)
			in = s->inner[i];
	snprintf(out, sizeof(out), "lock: %s %s %s %d %s", kind, type, rw, in, rest);
	add(s, tid, what, out);
}

static void take_fds(struct snap *s, const char *dir, pid_t tid)
{
	char path[600], target[300], buf[4096], what[300], *line, *save, *lb;
	struct dirent *d;
	unsigned long ino;
	DIR *fds;
	ssize_t n;

	snprintf(path, sizeof(path), "%s/fd", dir);
	fds = opendir(path);
	while (fds && (d = readdir(fds))) {
		if (d->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/fd/%s", dir, d->d_name);
		n = readlink(path, target, sizeof(target) - 1);
		target[n > 0 ? n : 0] = '\0';
		lb = strchr(target, '[');
		if (lb && sscanf(lb + 1, "%lu", &ino) == 1)
			snprintf(lb, sizeof(target) - (lb - target), "#%d", ino_index(s, ino));
		snprintf(what, sizeof(what), "fd %s", d->d_name);
		add(s, tid, what, target);
		snprintf(path, sizeof(path), "%s/fdinfo/%s", dir, d->d_name);
		read_file(path, buf, sizeof(buf));
		snprintf(what, sizeof(what), "fdinfo %s", d->d_name);
		for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
			if (!strncmp(line, "ino:", 4) && sscanf(line + 4, "%lu", &ino) == 1 &&
			    (strstr(target, "pipe:") || strstr(target, "anon_inode:")))
				snprintf(line, strlen(line) + 1, "ino:\t#%d", ino_index(s, ino));
			if (!strncmp(line, "lock:", 5)) {
				add_lock(s, tid, what, line + 5);
				continue;
			}
			add(s, tid, what, line);
		}
	}
	if (fds)
		closedir(fds);
}

static void take_task(struct snap *s, pid_t pid, pid_t tid, bool leader)
{
	char dir[64], status[8192];
	pid_t in;

	snprintf(dir, sizeof(dir), "/proc/%d/task/%d", pid, tid);
	{
		char path[80];

		snprintf(path, sizeof(path), "%s/status", dir);
		read_file(path, status, sizeof(status));
	}
	in = last_pid(status, "NSpid:");
	if (s->nr_tasks < 256) {
		s->outer[s->nr_tasks] = tid;
		s->inner[s->nr_tasks++] = in;
	}
	take_status(s, dir, in);
	take_stat(s, dir, in);
	take_lines(s, dir, in, "sched", "policy");
	take_lines(s, dir, in, "sched", "prio");
	take_lines(s, dir, in, "comm", NULL);
	take_lines(s, dir, in, "timerslack_ns", NULL);
	if (!leader)
		return;
	/* What a process has, read once, through its leader. */
	snprintf(dir, sizeof(dir), "/proc/%d", pid);
	take_lines(s, dir, in, "limits", NULL);
	take_lines(s, dir, in, "oom_score_adj", NULL);
	take_lines(s, dir, in, "personality", NULL);
	take_lines(s, dir, in, "coredump_filter", NULL);
	take_timers(s, dir, in);
	take_lines(s, dir, in, "ksm_stat", "ksm_merge_any");
	take_cmdline(s, dir, in);
	take_smaps(s, dir, in);
	take_fds(s, dir, in);
}

/* @pid and every task below it: threads, then children of each. */
static void take_tree(struct snap *s, pid_t pid)
{
	char path[64], buf[4096], *p, *save;
	struct dirent *d;
	DIR *tasks;

	snprintf(path, sizeof(path), "/proc/%d/task", pid);
	tasks = opendir(path);
	while (tasks && (d = readdir(tasks))) {
		pid_t tid = atoi(d->d_name);

		if (tid <= 0)
			continue;
		take_task(s, pid, tid, tid == pid);
		snprintf(path, sizeof(path), "/proc/%d/task/%d/children", pid, tid);
		read_file(path, buf, sizeof(buf));
		for (p = strtok_r(buf, "\n ", &save); p; p = strtok_r(NULL, "\n ", &save))
			take_tree(s, atoi(p));
	}
	if (tasks)
		closedir(tasks);
}

/* The container's lines of /proc/locks, their pids made the container's. */
static void take_locks(struct snap *s)
{
	char line[512], rest[512];
	int i, id, pid;
	FILE *f = fopen("/proc/locks", "r");

	while (f && fgets(line, sizeof(line), f)) {
		char kind[64], type[64], rw[64];

		if (sscanf(line, "%d: %63s %63s %63s %d %511[^\n]", &id, kind, type, rw,
			   &pid, rest) != 6)
			continue;
		for (i = 0; i < s->nr_tasks; i++) {
			char out[1024];

			if (s->outer[i] == pid) {
				snprintf(out, sizeof(out), "%s %s %s %d %s", kind, type,
					 rw, s->inner[i], rest);
				add(s, 0, "locks", out);
			}
		}
	}
	if (f)
		fclose(f);
}

static int cmp_lines(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void take(struct snap *s, pid_t init)
{
	memset(s, 0, sizeof(*s));
	take_tree(s, init);
	timers_inner_pids(s);
	take_locks(s);
	qsort(s->line, s->n, sizeof(s->line[0]), cmp_lines);
}

static void snap_free(struct snap *s)
{
	while (s->n)
		free(s->line[--s->n]);
}

/*
 * Differences that are expected, each with its reason.  A line that
 * differs and contains @what (in the part after the task) is not a
 * failure.
 */
static const struct {
	const char *what;
	const char *why;
} expected[] = {
	{
		": mnt_id:",
		"restart gives the container a copy of the restarter's mount namespace, whose mounts have ids of their own",
	},
};

static const char *expected_why(const char *line)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(expected); i++)
		if (strstr(line, expected[i].what))
			return expected[i].why;
	return NULL;
}

/* Lines of @a not in @b (both sorted); how many are unexpected. */
static int diff(struct __test_metadata *_metadata, const struct snap *a,
		const struct snap *b, const char *sign)
{
	int i = 0, j = 0, bad = 0, c;

	while (i < a->n) {
		c = j < b->n ? strcmp(a->line[i], b->line[j]) : -1;
		if (c == 0) {
			i++;
			j++;
		} else if (c > 0) {
			j++;
		} else {
			if (!expected_why(a->line[i])) {
				bad++;
				TH_LOG("%s %s", sign, a->line[i]);
			}
			i++;
		}
	}
	return bad;
}

/* How many of @s's lines hold @what. */
static int count_lines(const struct snap *s, const char *what)
{
	int i, n = 0;

	for (i = 0; i < s->n; i++)
		n += !!strstr(s->line[i], what);
	return n;
}

/* How many smaps lines have VmFlags @flag, and not @without if given. */
static int count_vmflag(const struct snap *s, const char *flag, const char *without)
{
	char want[8], unwanted[8];
	int i, n = 0;

	snprintf(want, sizeof(want), " %s ", flag);
	snprintf(unwanted, sizeof(unwanted), " %s ", without ?: "--");
	for (i = 0; i < s->n; i++) {
		const char *f = strstr(s->line[i], " smaps: ") ? strrchr(s->line[i], '|') : NULL;
		char flags[128];

		if (!f)
			continue;
		/* A space on each side of every flag. */
		snprintf(flags, sizeof(flags), " %s ", f + 1);
		n += strstr(flags, want) && !strstr(flags, unwanted);
	}
	return n;
}

/*
 * The settings container's timers and locked memory are among what was
 * compared, or the comparison says nothing of them: five timers, the
 * thread-directed one naming the container's init (pid 1), the CPU-clock
 * one on the calling process's CPU clock (-6: glibc passes the kernel
 * CLOCK_PROCESS_CPUTIME_ID as MAKE_PROCESS_CPUCLOCK(0, CPUCLOCK_SCHED));
 * locked mappings with and without
 * "lf" (the mlock()ed one, then the MLOCK_ONFAULT one and the one mapped
 * under mlockall()).
 */
static void settings_compared(struct __test_metadata *_metadata,
			      const struct snap *s, const char *when)
{
	EXPECT_EQ(PT_NR, count_lines(s, " timers: ID: ")) TH_LOG("%s", when);
	EXPECT_EQ(1, count_lines(s, " notify: signal/tid.1 | ")) TH_LOG("%s", when);
	EXPECT_EQ(1, count_lines(s, " notify: none/pid.1 | ")) TH_LOG("%s", when);
	EXPECT_EQ(1, count_lines(s, " | ClockID: -6")) TH_LOG("%s", when);
	EXPECT_LE(1, count_vmflag(s, "lo", "lf")) TH_LOG("%s", when);
	EXPECT_LE(2, count_vmflag(s, "lf", NULL)) TH_LOG("%s", when);
	/* Locked on fault is locked too. */
	EXPECT_EQ(0, count_vmflag(s, "lf", "lo")) TH_LOG("%s", when);
}

/* ---- the test ---- */

FIXTURE(same) {
	pid_t init;
	int image, log;
	char *ctl;
	struct snap before, after;
};

FIXTURE_VARIANT(same) {
	const char *mode;
};

FIXTURE_VARIANT_ADD(same, settings) { .mode = "settings" };
FIXTURE_VARIANT_ADD(same, tree) { .mode = "tree" };
FIXTURE_VARIANT_ADD(same, shell) { .mode = "shell" };

FIXTURE_SETUP(same)
{
	int fd;

	snprintf(ctl_path, sizeof(ctl_path), "/tmp/samestate-%d", getpid());
	fd = open(ctl_path, O_RDWR | O_CREAT | O_TRUNC, 0644);
	ASSERT_GE(fd, 0);
	ASSERT_EQ(0, ftruncate(fd, 4096));
	close(fd);
	self->ctl = map_ctl();
	ASSERT_NE(NULL, self->ctl);
	self->image = scratch_file(O_RDWR);
	self->log = scratch_file(O_RDWR);
	ASSERT_GE(self->image, 0);
	ASSERT_GE(self->log, 0);
	self->init = 0;
}

FIXTURE_TEARDOWN(same)
{
	if (self->init > 0)
		container_stop(self->init);
	snap_free(&self->before);
	snap_free(&self->after);
	unlink(ctl_path);
}

/* Until the container is set up and idle. */
static void settle(struct __test_metadata *_metadata, FIXTURE_DATA(same) *self,
		   const char *mode)
{
	int i, status;

	if (!strcmp(mode, "shell")) {
		/* sh, and the sleep it waits for. */
		char path[64], buf[64] = "";

		snprintf(path, sizeof(path), "/proc/%d/task/%d/children", self->init,
			 self->init);
		for (i = 0; i < 500 && !buf[0]; i++) {
			usleep(20000);
			read_file(path, buf, sizeof(buf));
		}
		ASSERT_NE(0, buf[0]) TH_LOG("busybox sh started no sleep");
		usleep(300000);
		return;
	}
	for (i = 0; i < 1000 && strcmp(self->ctl + CTL_READY, "ready"); i++) {
		if (waitpid(self->init, &status, WNOHANG) == self->init) {
			self->init = 0;
			ASSERT_TRUE(0) TH_LOG("the %s container exited while setting up: %#x",
					      mode, status);
		}
		usleep(10000);
	}
	ASSERT_LT(i, 1000) TH_LOG("the %s container did not set up", mode);
	/* Its other tasks reach their waits a little later. */
	usleep(300000);
}

TEST_F_TIMEOUT(same, proc_shows_the_same, 90)
{
	char log[4096];
	long pid, ret = -1;
	int i, bad;

	start_mode = variant->mode;
	self->init = container_start(container_exec, NULL);
	ASSERT_GT(self->init, 0);
	settle(_metadata, self, variant->mode);
	take(&self->before, self->init);
	ASSERT_GT(self->before.nr_tasks, 0);

	for (i = 0; i < 50; i++) {
		ftruncate(self->image, 0);
		lseek(self->image, 0, SEEK_SET);
		ftruncate(self->log, 0);
		lseek(self->log, 0, SEEK_SET);
		ret = ckpt(self->init, self->image, self->log, CHECKPOINT_KILL);
		if (!ret || (errno != EAGAIN && errno != EBUSY))
			break;
		usleep(100000);
	}
	read_log(self->log, log, sizeof(log));
	ASSERT_EQ(0, ret) TH_LOG("checkpoint: %s; log: %s", strerror(errno), log);
	ASSERT_EQ(self->init, waitpid(self->init, NULL, 0));
	self->init = 0;

	lseek(self->image, 0, SEEK_SET);
	ftruncate(self->log, 0);
	lseek(self->log, 0, SEEK_SET);
	pid = rstrt(self->image, self->log, 0);
	read_log(self->log, log, sizeof(log));
	ASSERT_GT(pid, 0) TH_LOG("restart: %s; log: %s", strerror(errno), log);
	self->init = pid;
	usleep(300000);
	take(&self->after, self->init);

	TH_LOG("%s: %d tasks, %d lines compared", variant->mode,
	       self->before.nr_tasks, self->before.n);
	bad = diff(_metadata, &self->before, &self->after, "-") +
	      diff(_metadata, &self->after, &self->before, "+");
	EXPECT_EQ(0, bad) TH_LOG("%d lines differ (-: before, +: after restart)", bad);
	if (!strcmp(variant->mode, "settings")) {
		settings_compared(_metadata, &self->before, "before");
		settings_compared(_metadata, &self->after, "after");
		/* Last: the check takes a signal and maps memory. */
		snprintf(self->ctl + CTL_CHECK, 64, "check");
		for (i = 0; i < 500 && !self->ctl[CTL_RESULT]; i++)
			usleep(20000);
		EXPECT_STREQ("ok", self->ctl + CTL_RESULT);
	}
	put_str(self->ctl + CTL_GO, "go");
}

CKPT_HARNESS_MAIN
