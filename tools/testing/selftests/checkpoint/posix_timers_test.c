// SPDX-License-Identifier: GPL-2.0
/*
 * POSIX timers (timer_create(2)) come back after a restart with their
 * ids, clocks, notifications, time left, intervals and overruns, and a
 * timer signal that was queued is delivered once, reloading its timer.
 *
 * The container's init (a clone of this test) creates its timers, starts
 * a worker thread and a child process, and says it is ready through a
 * shared file mapping.  It is checkpointed and killed, restarted, told
 * to go on, and then checks itself; it exits with the number of the
 * first check that failed.
 *
 * Malformed images: a timer that signals a thread of another process, a
 * repeated id, an unknown clock, each refused for what it is.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <signal.h>
#include <stddef.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <zlib.h>

#include "checkpoint_util.h"
#include "../kselftest_harness.h"
#include "checkpoint_box.h"

#define CHILD_OFF	128	/* the child process's pid, for malformed images */
#define WORKER_OFF	192	/* the worker thread's tid */

#define MS		1000000LL
#define SEC		1000000000LL

/* The timers, by their index in tid[]. */
enum {
	T_REAL,		/* CLOCK_REALTIME, one-shot 100 s, SIGEV_SIGNAL */
	T_NONE,		/* CLOCK_MONOTONIC, SIGEV_NONE, 50 s then every 7 s */
	T_TICK,		/* CLOCK_BOOTTIME, every 200 ms, SIGEV_SIGNAL */
	T_THREAD,	/* CLOCK_TAI, every 300 ms, SIGEV_THREAD_ID: the worker */
	T_PENDING,	/* CLOCK_MONOTONIC, every 100 ms, signal blocked: pending */
	T_ONESHOT,	/* CLOCK_REALTIME, 1 ms one-shot, signal blocked: pending */
	T_DISARMED,	/* CLOCK_MONOTONIC, armed then disarmed */
	T_CPU,		/* CLOCK_PROCESS_CPUTIME_ID, every 20 ms of CPU time */
	T_TCPU,		/* the worker's CPU clock, SIGEV_NONE, 30 s */
	T_ABS,		/* CLOCK_REALTIME, TIMER_ABSTIME now + 100 s, SIGEV_NONE */
	T_TPEND,	/* CLOCK_MONOTONIC, 1 ms one-shot to the worker, blocked */
	T_OVERRUN,	/* CLOCK_MONOTONIC, every 10 ms, overran once, pending */
	T_NR
};

/* Each timer's signal, SIGRTMIN + this; -1 for SIGEV_NONE. */
static const int sig_of[T_NR] = {
	[T_REAL] = 0, [T_NONE] = -1, [T_TICK] = 1, [T_THREAD] = 2,
	[T_PENDING] = 3, [T_ONESHOT] = 4, [T_DISARMED] = 5, [T_CPU] = 6,
	[T_TCPU] = -1, [T_ABS] = -1, [T_TPEND] = 7, [T_OVERRUN] = 8,
};

static char *ctl;
static timer_t tid[T_NR];
static int first_id;		/* the id of a timer deleted before the others */
static int overrun_before;	/* T_OVERRUN's timer_getoverrun() at checkpoint */
static pid_t worker_tid;
static _Atomic int go;

/* Deliveries by timer, as the handler saw them. */
static _Atomic sig_atomic_t count[T_NR];
static _Atomic sig_atomic_t bad_info;		/* wrong si_code/value/timerid */
static _Atomic sig_atomic_t wrong_thread;	/* T_THREAD not in the worker */

/* What the worker found of its pending signal. */
static _Atomic int tpend_got, tpend_ok;

static int timer_of_sig(int sig)
{
	int i;

	for (i = 0; i < T_NR; i++)
		if (sig_of[i] >= 0 && SIGRTMIN + sig_of[i] == sig)
			return i;
	return -1;
}

static void on_timer(int sig, siginfo_t *si, void *uc)
{
	int i = timer_of_sig(sig);

	if (i < 0)
		return;
	if (si->si_code != SI_TIMER || si->si_value.sival_int != 1000 + i ||
	    si->si_timerid != (int)(long)tid[i])
		bad_info = 1;
	if (i == T_THREAD && syscall(SYS_gettid) != worker_tid)
		wrong_thread = 1;
	count[i]++;
}

static int64_t ts_ns(const struct timespec *ts)
{
	return ts->tv_sec * SEC + ts->tv_nsec;
}

static struct timespec ns_ts(int64_t ns)
{
	return (struct timespec){ ns / SEC, ns % SEC };
}

/* All of it: the periodic timers' signals interrupt a sleep. */
static void sleep_ns(int64_t ns)
{
	struct timespec ts = ns_ts(ns);

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

/*
 * sigtimedwait() for up to @ns, again when a handled signal -- the
 * periodic timers' -- cuts it short.
 */
static int wait_sig(int sig, siginfo_t *si, int64_t ns)
{
	struct timespec now, ts;
	int64_t end;
	sigset_t set;
	int ret;

	sigemptyset(&set);
	sigaddset(&set, sig);
	clock_gettime(CLOCK_MONOTONIC, &now);
	end = ts_ns(&now) + ns;
	do {
		clock_gettime(CLOCK_MONOTONIC, &now);
		ts = ns_ts(end > ts_ns(&now) ? end - ts_ns(&now) : 0);
		ret = sigtimedwait(&set, si, &ts);
	} while (ret < 0 && errno == EINTR);
	return ret;
}

static int make(int i, clockid_t clock, int notify, pid_t thread)
{
	struct sigevent sev = {
		.sigev_notify = notify,
		.sigev_signo = sig_of[i] >= 0 ? SIGRTMIN + sig_of[i] : 0,
		.sigev_value.sival_int = 1000 + i,
	};

	sev._sigev_un._tid = thread;
	return timer_create(clock, &sev, &tid[i]);
}

static int arm(int i, int flags, int64_t value, int64_t interval)
{
	struct itimerspec its = { ns_ts(interval), ns_ts(value) };

	return timer_settime(tid[i], flags, &its, NULL);
}

static void *worker(void *arg)
{
	siginfo_t si;

	worker_tid = syscall(SYS_gettid);
	while (!go)
		usleep(10000);
	if (wait_sig(SIGRTMIN + sig_of[T_TPEND], &si, 10 * SEC) ==
	    SIGRTMIN + sig_of[T_TPEND]) {
		tpend_got = 1;
		tpend_ok = si.si_code == SI_TIMER &&
			   si.si_timerid == (int)(long)tid[T_TPEND] &&
			   si.si_value.sival_int == 1000 + T_TPEND;
	}
	for (;;)
		pause();
	return NULL;
}

static int set_up(void)
{
	struct sigaction sa = { .sa_sigaction = on_timer, .sa_flags = SA_SIGINFO };
	struct timespec now;
	struct itimerspec its;
	siginfo_t si;
	clockid_t wclock;
	pthread_t th;
	sigset_t block;
	timer_t first;
	pid_t child;
	int i;

	for (i = 0; i < T_NR; i++)
		if (sig_of[i] >= 0 && sigaction(SIGRTMIN + sig_of[i], &sa, NULL))
			return 10;
	/* Blocked in every thread: these stay queued. */
	sigemptyset(&block);
	sigaddset(&block, SIGRTMIN + sig_of[T_PENDING]);
	sigaddset(&block, SIGRTMIN + sig_of[T_ONESHOT]);
	sigaddset(&block, SIGRTMIN + sig_of[T_TPEND]);
	sigaddset(&block, SIGRTMIN + sig_of[T_OVERRUN]);
	if (sigprocmask(SIG_BLOCK, &block, NULL))
		return 11;
	/* Ids do not start at 0, and the next one is not the lowest free. */
	if (timer_create(CLOCK_MONOTONIC, NULL, &first) || timer_delete(first))
		return 12;
	first_id = (int)(long)first;
	if (pthread_create(&th, NULL, worker, NULL))
		return 13;
	while (!worker_tid)
		usleep(1000);
	child = fork();
	if (child < 0)
		return 14;
	if (!child)
		for (;;)
			pause();
	sprintf(ctl + CHILD_OFF, "%d", child);
	sprintf(ctl + WORKER_OFF, "%d", worker_tid);
	if (pthread_getcpuclockid(th, &wclock))
		return 15;

	if (make(T_REAL, CLOCK_REALTIME, SIGEV_SIGNAL, 0) ||
	    make(T_NONE, CLOCK_MONOTONIC, SIGEV_NONE, 0) ||
	    make(T_TICK, CLOCK_BOOTTIME, SIGEV_SIGNAL, 0) ||
	    make(T_THREAD, CLOCK_TAI, SIGEV_THREAD_ID, worker_tid) ||
	    make(T_PENDING, CLOCK_MONOTONIC, SIGEV_SIGNAL, 0) ||
	    make(T_ONESHOT, CLOCK_REALTIME, SIGEV_SIGNAL, 0) ||
	    make(T_DISARMED, CLOCK_MONOTONIC, SIGEV_SIGNAL, 0) ||
	    make(T_CPU, CLOCK_PROCESS_CPUTIME_ID, SIGEV_SIGNAL, 0) ||
	    make(T_TCPU, wclock, SIGEV_NONE, 0) ||
	    make(T_ABS, CLOCK_REALTIME, SIGEV_NONE, 0) ||
	    make(T_TPEND, CLOCK_MONOTONIC, SIGEV_THREAD_ID, worker_tid) ||
	    make(T_OVERRUN, CLOCK_MONOTONIC, SIGEV_SIGNAL, 0))
		return 16;
	clock_gettime(CLOCK_REALTIME, &now);
	if (arm(T_REAL, 0, 100 * SEC, 0) ||
	    arm(T_NONE, 0, 50 * SEC, 7 * SEC) ||
	    arm(T_TICK, 0, 200 * MS, 200 * MS) ||
	    arm(T_THREAD, 0, 300 * MS, 300 * MS) ||
	    arm(T_PENDING, 0, 100 * MS, 100 * MS) ||
	    arm(T_ONESHOT, 0, 1 * MS, 0) ||
	    arm(T_DISARMED, 0, 5 * SEC, 1 * SEC) || arm(T_DISARMED, 0, 0, 0) ||
	    arm(T_CPU, 0, 20 * MS, 20 * MS) ||
	    arm(T_TCPU, 0, 30 * SEC, 0) ||
	    arm(T_ABS, TIMER_ABSTIME, ts_ns(&now) + 100 * SEC, 0) ||
	    arm(T_TPEND, 0, 1 * MS, 0) ||
	    arm(T_OVERRUN, 0, 10 * MS, 10 * MS))
		return 17;
	/* T_OVERRUN overruns, is taken once, and is pending again. */
	sleep_ns(500 * MS);
	if (wait_sig(SIGRTMIN + sig_of[T_OVERRUN], &si, SEC) !=
	    SIGRTMIN + sig_of[T_OVERRUN])
		return 18;
	overrun_before = timer_getoverrun(tid[T_OVERRUN]);
	if (overrun_before != si.si_overrun || overrun_before < 10)
		return 19;
	/* T_PENDING: a second of missed expiries. */
	sleep_ns(600 * MS);
	if (timer_gettime(tid[T_DISARMED], &its) || its.it_value.tv_sec ||
	    its.it_value.tv_nsec)
		return 9;
	return 0;
}

/* After the restart, in order: each returns 0 or the failed check. */
static int check_ids(void)
{
	struct itimerspec its;
	timer_t t;
	int i;

	for (i = 0; i < T_NR; i++)
		if (timer_gettime(tid[i], &its))
			return 20;
	/* Ids were handed out in order after first_id. */
	for (i = 0; i < T_NR; i++)
		if ((int)(long)tid[i] != first_id + 1 + i)
			return 21;
	/* The next one continues from there, as it would have. */
	if (timer_create(CLOCK_MONOTONIC, NULL, &t))
		return 22;
	if ((int)(long)t != first_id + 1 + T_NR)
		return 23;
	timer_delete(t);
	return 0;
}

static int check_settings(void)
{
	struct itimerspec its;
	int64_t v;

	/* Wall time passes, on a slow guest; no more than that. */
	if (timer_gettime(tid[T_REAL], &its))
		return 30;
	v = ts_ns(&its.it_value);
	if (v > 100 * SEC || v < 40 * SEC || ts_ns(&its.it_interval))
		return 31;
	if (timer_gettime(tid[T_NONE], &its))
		return 32;
	v = ts_ns(&its.it_value);
	if (v > 50 * SEC || v < 10 * SEC || ts_ns(&its.it_interval) != 7 * SEC)
		return 33;
	if (timer_gettime(tid[T_ABS], &its))
		return 34;
	v = ts_ns(&its.it_value);
	if (v > 100 * SEC || v < 40 * SEC)
		return 35;
	/* The worker sleeps: its CPU clock has hardly moved. */
	if (timer_gettime(tid[T_TCPU], &its))
		return 36;
	v = ts_ns(&its.it_value);
	if (v > 30 * SEC || v < 29 * SEC)
		return 37;
	if (timer_gettime(tid[T_DISARMED], &its) || ts_ns(&its.it_value) ||
	    ts_ns(&its.it_interval))
		return 38;
	if (timer_getoverrun(tid[T_OVERRUN]) != overrun_before)
		return 39;
	return 0;
}

/* The queued signals: delivered once each, with what they carried. */
static int check_pending(void)
{
	struct itimerspec its;
	sigset_t pend;
	siginfo_t si;
	int sig = SIGRTMIN + sig_of[T_PENDING], ov;

	if (wait_sig(sig, &si, 5 * SEC) != sig)
		return 40;
	if (si.si_code != SI_TIMER || si.si_timerid != (int)(long)tid[T_PENDING] ||
	    si.si_value.sival_int != 1000 + T_PENDING)
		return 41;
	/* It missed about ten expiries before the checkpoint. */
	if (si.si_overrun < 5)
		return 42;
	if (timer_getoverrun(tid[T_PENDING]) != si.si_overrun)
		return 43;
	/* Taken, it is reloaded and not queued twice. */
	if (sigpending(&pend) || sigismember(&pend, sig))
		return 44;
	if (wait_sig(sig, &si, 5 * SEC) != sig)
		return 45;
	if (si.si_overrun > 20)
		return 51;

	sig = SIGRTMIN + sig_of[T_ONESHOT];
	if (wait_sig(sig, &si, 50 * MS) != sig ||
	    si.si_timerid != (int)(long)tid[T_ONESHOT] ||
	    si.si_value.sival_int != 1000 + T_ONESHOT || si.si_overrun)
		return 46;
	if (wait_sig(sig, &si, 200 * MS) >= 0)
		return 47;
	if (timer_gettime(tid[T_ONESHOT], &its) || ts_ns(&its.it_value))
		return 48;

	/* T_OVERRUN was queued too; its overrun count goes on. */
	sig = SIGRTMIN + sig_of[T_OVERRUN];
	if (wait_sig(sig, &si, 50 * MS) != sig ||
	    si.si_timerid != (int)(long)tid[T_OVERRUN])
		return 49;
	ov = timer_getoverrun(tid[T_OVERRUN]);
	if (ov != si.si_overrun || ov < 0)
		return 50;
	return 0;
}

/* Periodic timers tick, each signal where it belongs. */
static int check_ticks(void)
{
	int before[T_NR], i;
	time_t end = time(NULL) + 20;
	_Atomic unsigned long spin = 0;

	for (i = 0; i < T_NR; i++)
		before[i] = count[i];
	/* Spin: the CPU-time timer counts only CPU time. */
	while (time(NULL) < end &&
	       (count[T_TICK] < before[T_TICK] + 3 ||
		count[T_THREAD] < before[T_THREAD] + 2 ||
		count[T_CPU] < before[T_CPU] + 2))
		spin++;
	if (count[T_TICK] < before[T_TICK] + 3)
		return 60;
	if (count[T_THREAD] < before[T_THREAD] + 2)
		return 61;
	if (count[T_CPU] < before[T_CPU] + 2)
		return 62;
	if (wrong_thread)
		return 63;
	if (bad_info)
		return 64;
	/* Neither the long one-shot nor the disarmed one fired. */
	if (count[T_REAL] || count[T_DISARMED])
		return 65;
	return 0;
}

static int check_worker(void)
{
	time_t end = time(NULL) + 10;

	while (!tpend_got && time(NULL) < end)
		usleep(10000);
	if (!tpend_got)
		return 70;
	return tpend_ok ? 0 : 71;
}

static int container_main(int mode)
{
	int ret;

	ctl = box_map_ctl();
	if (!ctl)
		return 2;
	ret = set_up();
	if (ret)
		return ret;
	box_ready_wait_go(ctl);
	go = 1;
	return check_ids() ?: check_settings() ?: check_pending() ?:
	       check_ticks() ?: check_worker();
}

BOX_INIT_MAIN("PTIMERS", container_main)

FIXTURE(ptimers) {
	struct ckpt_box b;
};

FIXTURE_SETUP(ptimers)
{
	box_open(_metadata, &self->b);
	box_start(_metadata, &self->b, 0);
}

FIXTURE_TEARDOWN(ptimers)
{
	box_close(&self->b);
}

TEST_F_TIMEOUT(ptimers, come_back, 120)
{
	char log[4096];
	int status;

	ASSERT_EQ(0, box_checkpoint(&self->b, CHECKPOINT_KILL, log, sizeof(log)))
		TH_LOG("checkpoint: %s", log);
	box_restart_go_wait(_metadata, &self->b, &status);
	ASSERT_TRUE(WIFEXITED(status)) TH_LOG("restored init: status %#x", status);
	/*
	 * 20-23: ids; 30-39: time left, intervals, disarmed, overrun;
	 * 40-51: queued signals; 60-65: ticking, thread, siginfo;
	 * 70-71: the worker's queued signal.
	 */
	EXPECT_EQ(0, WEXITSTATUS(status))
		TH_LOG("restored init failed check %d", WEXITSTATUS(status));
}

/* Each record of an image in memory, in turn; NULL at the end. */
static struct ckpt_rec *next_rec(unsigned char *img, size_t size, size_t *off)
{
	struct ckpt_rec *r;

	if (*off + sizeof(*r) > size)
		return NULL;
	r = (struct ckpt_rec *)(img + *off);
	if (r->len < sizeof(*r) || *off + r->len > size)
		return NULL;
	*off += (r->len + CKPT_ALIGN - 1) & ~(size_t)(CKPT_ALIGN - 1);
	return r;
}

/* The image's POSIX timer records, by index; the count. */
static unsigned int find_timers(unsigned char *img, size_t size,
				struct ckpt_rec_posix_timer **t, unsigned int max)
{
	struct ckpt_rec *r;
	unsigned int n = 0;
	size_t off = 0;

	while ((r = next_rec(img, size, &off)))
		if (r->type == CKPT_REC_POSIX_TIMER && n < max)
			t[n++] = (struct ckpt_rec_posix_timer *)r;
	return n;
}

/* Well-framed images that say something false: refused, saying what. */
TEST_F_TIMEOUT(ptimers, malformed, 120)
{
	static const char *const reason[] = {
		"signals no live thread of its process",
		"id out of order or repeated",
		"unknown clock",
		"CPU clock of no live task of its process",
	};
	struct ckpt_rec_posix_timer *t[T_NR + 1];
	struct ckpt_rec_trailer *tr;
	unsigned char *img, *buf;
	pid_t child, worker;
	char log[4096];
	unsigned int i, n;
	size_t size;
	long pid;

	child = atoi(self->b.ctl + CHILD_OFF);
	worker = atoi(self->b.ctl + WORKER_OFF);
	ASSERT_GT(child, 0);
	ASSERT_GT(worker, 0);
	ASSERT_EQ(0, box_checkpoint(&self->b, CHECKPOINT_KILL, log, sizeof(log)))
		TH_LOG("checkpoint: %s", log);
	size = lseek(self->b.image, 0, SEEK_END);
	img = malloc(size);
	buf = malloc(size);
	ASSERT_NE(NULL, img);
	ASSERT_NE(NULL, buf);
	ASSERT_EQ((ssize_t)size, pread(self->b.image, img, size, 0));
	n = find_timers(img, size, t, T_NR + 1);
	ASSERT_EQ((unsigned int)T_NR, n) TH_LOG("%u POSIX timer records", n);
	/* As saved: the SIGEV_THREAD_ID ones name the worker. */
	ASSERT_EQ(SIGEV_THREAD_ID | SIGEV_SIGNAL, t[T_THREAD]->notify);
	ASSERT_EQ(worker, t[T_THREAD]->thread);
	ASSERT_EQ(worker, t[T_TCPU]->clock_pid);
	ASSERT_TRUE(!!(t[T_PENDING]->flags & CKPT_PTIMER_QUEUED));
	ASSERT_TRUE(!!(t[T_PENDING]->flags & CKPT_PTIMER_REQUEUE));
	ASSERT_TRUE(!!(t[T_ABS]->flags & CKPT_PTIMER_ABSTIME));

	for (i = 0; i < ARRAY_SIZE(reason); i++) {
		memcpy(buf, img, size);
		find_timers(buf, size, t, T_NR + 1);
		switch (i) {
		case 0:	/* a thread of another process */
			t[T_THREAD]->thread = child;
			break;
		case 1:	/* two timers with one id */
			t[T_NONE]->id = t[T_REAL]->id;
			break;
		case 2:	/* a clock that does not exist */
			t[T_NONE]->clock = 77;
			break;
		case 3:	/* the CPU clock of another process's thread */
			t[T_TCPU]->clock_pid = child;
			break;
		}
		tr = (struct ckpt_rec_trailer *)(buf + size - sizeof(*tr));
		ASSERT_EQ((uint32_t)CKPT_REC_TRAILER, tr->rec.type);
		tr->crc = crc32(0, buf, size - sizeof(*tr));
		ASSERT_EQ((ssize_t)size, pwrite(self->b.image, buf, size, 0));
		pid = box_restart(&self->b, self->b.image, log, sizeof(log));
		if (pid > 0) {
			kill(pid, SIGKILL);
			waitpid(pid, NULL, 0);
		}
		EXPECT_EQ(-EINVAL, pid) TH_LOG("variant %u: log: %s", i, log);
		EXPECT_NE(NULL, strstr(log, reason[i]))
			TH_LOG("variant %u: not refused for \"%s\"; log: %s", i,
			       reason[i], log);
	}
	/* The image itself restarts. */
	ASSERT_EQ((ssize_t)size, pwrite(self->b.image, img, size, 0));
	pid = box_restart(&self->b, self->b.image, log, sizeof(log));
	ASSERT_GT(pid, 0) TH_LOG("restart: %s; log: %s", strerror(-pid), log);
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	free(img);
	free(buf);
}

CKPT_HARNESS_MAIN
