// SPDX-License-Identifier: GPL-2.0
/*
 * A container init made of threads (CLONE_THREAD, through pthreads), for
 * thread_test.  Once every thread has set up what is its own (tid, TLS,
 * stack, signal mask, pending signals, rseq, a held robust mutex, a
 * condvar wait) it bumps thread_page.ready; when the test sets cmd = 1
 * (after a checkpoint and restart, or not) every thread checks that state,
 * ORs what failed into the page and bumps checked.  thread_prog.h lists
 * the threads and the checks.
 *
 * usage: thread_prog SHARED-FILE threads|leader-exited|many
 */
#define _GNU_SOURCE
#include <linux/futex.h>
#include <pthread.h>
#include <sys/mman.h>
#include <sys/rseq.h>
#include <time.h>

#include "checkpoint_util.h"
#include "thread_prog.h"

#define STEP_SIGNALS	0	/* threads that looked at their pending set */

/*
 * Signals: every thread blocks SIGUSR2 and all the SIG_OWN()s, so each
 * can see in sigpending() whatever is pending for it; worker i also
 * blocks SIG_MASK(i), which makes each worker's mask its own.
 */
#define SIG_OWN(i)	(SIGRTMIN + (i))		/* sent to worker i alone */
#define SIG_MASK(i)	(SIGRTMIN + TH_WORKERS + 1 + (i))
#define SIGBIT(sig)	(1ULL << ((sig) - 1))
#define BIT(check)	(1ULL << (check))

static struct thread_page *sp;
static int nworkers;		/* workers 1..nworkers have their own signal */
static int nlooking;		/* threads that check their signals */
static int usr2_taker;		/* the thread that takes the process-wide signal */
static int leader_exits;	/* mode leader-exited */
static pid_t tgid;
static pthread_attr_t attr;

/* What each thread saw before the checkpoint, kept off its TLS. */
static struct {
	pid_t tid;
	pthread_t self;
	uint64_t sigmask;
} rec[MANY_THREADS + 1];

static __thread uint64_t tls_token;
static pid_t handled_by[65];	/* by signal: the thread that handled it */
static uint64_t setup, sent, woken;	/* hand-offs inside the process */
static pthread_mutex_t robust;
static pthread_mutex_t cv_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static int go;

#define GET(f)		__atomic_load_n(&(f), __ATOMIC_SEQ_CST)
#define SET(f, v)	__atomic_store_n(&(f), (v), __ATOMIC_SEQ_CST)
#define ADD(f, v)	__atomic_fetch_add(&(f), (v), __ATOMIC_SEQ_CST)
#define OR(f, v)	__atomic_fetch_or(&(f), (v), __ATOMIC_SEQ_CST)

static void on_signal(int sig)
{
	SET(handled_by[sig], (pid_t)gettid());
}

static void pause_ms(int ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

/* Wait up to 10 s for @word to reach @n. */
static uint64_t wait_count(uint64_t *word, uint64_t n)
{
	int i;

	for (i = 0; i < 10000 && GET(*word) < n; i++)
		pause_ms(1);
	return GET(*word) >= n ? 0 : BIT(CHECK_TIMEOUT);
}

static struct timespec in_5s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	ts.tv_sec += 5;
	return ts;
}

/* A value of thread @idx's own, different for each @what. */
static uint64_t token(int idx, int what)
{
	return (idx + 1) * 0x9e3779b97f4a7c15ULL + what;
}

static uint64_t sigbits(const sigset_t *set)
{
	uint64_t bits = 0;
	int sig;

	for (sig = 1; sig <= 64; sig++)
		if (sigismember(set, sig) == 1)
			bits |= SIGBIT(sig);
	return bits;
}

static uint64_t blocked_now(void)
{
	sigset_t set;

	pthread_sigmask(SIG_BLOCK, NULL, &set);
	return sigbits(&set);
}

static void sigmask_one(int how, int sig)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, sig);
	pthread_sigmask(how, &set, NULL);
}

static void record(int idx)
{
	rec[idx].tid = gettid();
	rec[idx].self = pthread_self();
	rec[idx].sigmask = blocked_now();
	tls_token = token(idx, 3);
}

static uint64_t check_ids(int idx)
{
	uint64_t bad = 0;

	if (gettid() != rec[idx].tid)
		bad |= BIT(CHECK_TID);
	if (getpid() != tgid)
		bad |= BIT(CHECK_PID);
	/* Both are read through %fs: another thread's fs base shows. */
	if (tls_token != token(idx, 3) ||
	    !pthread_equal(pthread_self(), rec[idx].self))
		bad |= BIT(CHECK_TLS);
	return bad;
}

static void report(int idx, uint64_t bad)
{
	if (bad) {
		OR(sp->failed, bad);
		OR(sp->who, 1ULL << (idx < 63 ? idx : 63));
	}
	ADD(sp->checked, 1);
}

/*
 * Mark this thread set up and sleep on cmd until the test's go.  Across
 * the wait one value lives in a register (callee-saved, or spilled to
 * this frame) and one on this thread's stack; both come back only if
 * this thread got its own registers and stack back.
 */
static uint64_t ready_then_wait(int idx)
{
	_Atomic uint64_t on_stack = token(idx, 2);
	uint64_t in_reg = token(idx, 1);

	asm volatile("" : "+r" (in_reg));
	ADD(sp->ready, 1);
	while (GET(sp->cmd) != 1)
		syscall(__NR_futex, &sp->cmd, FUTEX_WAIT, 0, NULL, NULL, 0);
	asm volatile("" : "+r" (in_reg));
	return in_reg == token(idx, 1) && on_stack == token(idx, 2) ?
	       0 : BIT(CHECK_REGS);
}

static void idle(void)
{
	for (;;)
		pause();
}

/*
 * Scribble on this thread's rseq cpu_id and sleep: the kernel writes
 * the real CPU back when the thread returns to user mode after being
 * switched out, but only while it has the thread's rseq area registered.
 */
static uint64_t rseq_rewritten(int ms)
{
	struct rseq *rs;

	if (!__rseq_size) {
		OR(sp->skipped, BIT(CHECK_RSEQ));
		return 0;
	}
	rs = (void *)((char *)__builtin_thread_pointer() + __rseq_offset);
	__atomic_store_n(&rs->cpu_id, 12345, __ATOMIC_RELAXED);
	pause_ms(ms);
	return __atomic_load_n(&rs->cpu_id, __ATOMIC_RELAXED) < 4096 ?
	       0 : BIT(CHECK_RSEQ);
}

/*
 * Of the signals sent before the checkpoint, thread @idx must find its
 * own (workers only) and the process-wide SIGUSR2 pending, and no other
 * thread's own: that one would show if it had become process-wide.
 */
static uint64_t check_pending(int idx)
{
	uint64_t own = idx ? SIGBIT(SIG_OWN(idx)) : 0, all_own = 0, pend;
	uint64_t bad = 0;
	sigset_t set;
	int i;

	for (i = 1; i <= nworkers; i++)
		all_own |= SIGBIT(SIG_OWN(i));
	sigpending(&set);
	pend = sigbits(&set);
	if ((pend & own) != own)
		bad |= BIT(CHECK_SIG_OWN);
	if (pend & all_own & ~own)
		bad |= BIT(CHECK_SIG_OTHERS);
	if (!(pend & SIGBIT(SIGUSR2)))
		bad |= BIT(CHECK_SIG_SHARED);
	return bad;
}

static uint64_t check_signals(int idx)
{
	uint64_t bad = 0;

	if (blocked_now() != rec[idx].sigmask)
		bad |= BIT(CHECK_SIGMASK);
	bad |= check_pending(idx);

	/* Nobody takes a signal before every thread has looked. */
	ADD(sp->step[STEP_SIGNALS], 1);
	bad |= wait_count(&sp->step[STEP_SIGNALS], nlooking);

	/* Unblocked, a pending signal is handled before sigprocmask returns. */
	if (idx) {
		sigmask_one(SIG_UNBLOCK, SIG_OWN(idx));
		if (GET(handled_by[SIG_OWN(idx)]) != gettid())
			bad |= BIT(CHECK_SIG_OWN);
	}
	if (idx == usr2_taker) {
		sigmask_one(SIG_UNBLOCK, SIGUSR2);
		if (GET(handled_by[SIGUSR2]) != gettid())
			bad |= BIT(CHECK_SIG_SHARED);
	}
	return bad;
}

/*
 * Whether the thread group leader is dead: the group's state is then Z.
 * /proc/self, as /proc does not show our namespace's pids.
 */
static int leader_dead(void)
{
	char buf[256], *p;
	int fd = open("/proc/self/stat", O_RDONLY);

	if (fd < 0)
		return 0;
	read_log(fd, buf, sizeof(buf));
	close(fd);
	p = strrchr(buf, ')');
	return p && p[1] && p[2] == 'Z';
}

static void *worker(void *arg)
{
	int idx = (long)arg, i;
	uint64_t bad;

	sigmask_one(SIG_BLOCK, SIG_MASK(idx));
	record(idx);
	bad = rseq_rewritten(10);
	ADD(setup, 1);
	bad |= wait_count(&sent, 1);
	/* The checkpoint must find the leader already gone. */
	if (leader_exits) {
		for (i = 0; i < 10000 && !leader_dead(); i++)
			pause_ms(1);
		if (!leader_dead())
			bad |= BIT(CHECK_LEADER);
	}
	bad |= check_pending(idx);

	bad |= ready_then_wait(idx);
	bad |= check_ids(idx) | check_signals(idx) | rseq_rewritten(20);
	if (leader_exits && !leader_dead())
		bad |= BIT(CHECK_LEADER);
	report(idx, bad);
	idle();
	return NULL;
}

/* Returns once checked, for main to join; the kernel clears its tid. */
static void *joined(void *arg)
{
	uint64_t bad;

	record(TH_JOINED);
	bad = ready_then_wait(TH_JOINED);
	report(TH_JOINED, bad | check_ids(TH_JOINED));
	return NULL;
}

/* Dies holding the robust mutex; the kernel walks its robust list. */
static void *owner(void *arg)
{
	uint64_t bad = 0;

	record(TH_OWNER);
	if (pthread_mutex_lock(&robust))
		bad |= BIT(CHECK_ROBUST);
	bad |= ready_then_wait(TH_OWNER);
	report(TH_OWNER, bad | check_ids(TH_OWNER));
	pthread_exit(NULL);
}

/* Sleeps in pthread_cond_wait, in FUTEX_WAIT, until main's broadcast. */
static void *waiter(void *arg)
{
	int idx = (long)arg;

	record(idx);
	pthread_mutex_lock(&cv_lock);
	ADD(sp->ready, 1);
	while (!go)
		pthread_cond_wait(&cv, &cv_lock);
	pthread_mutex_unlock(&cv_lock);
	ADD(woken, 1);
	report(idx, check_ids(idx));
	idle();
	return NULL;
}

static void *many(void *arg)
{
	int idx = (long)arg;
	uint64_t bad;

	record(idx);
	bad = ready_then_wait(idx);
	report(idx, bad | check_ids(idx));
	idle();
	return NULL;
}

/* Main's checks of what the other threads left behind them. */
static uint64_t main_checks(pthread_t joinee)
{
	struct timespec until = in_5s();
	uint64_t bad = 0;
	int ret, i;

	ret = pthread_mutex_clocklock(&robust, CLOCK_MONOTONIC, &until);
	if (ret != EOWNERDEAD)
		bad |= BIT(CHECK_ROBUST);
	if (ret == EOWNERDEAD)
		pthread_mutex_consistent(&robust);
	if (ret == 0 || ret == EOWNERDEAD)
		pthread_mutex_unlock(&robust);

	until = in_5s();
	if (pthread_clockjoin_np(joinee, NULL, CLOCK_MONOTONIC, &until))
		bad |= BIT(CHECK_JOIN);

	pthread_mutex_lock(&cv_lock);
	go = 1;
	pthread_cond_broadcast(&cv);
	pthread_mutex_unlock(&cv_lock);
	for (i = 0; i < 5000 && GET(woken) < 2; i++)
		pause_ms(1);
	if (GET(woken) != 2)
		bad |= BIT(CHECK_FUTEX_WAKE);
	return bad;
}

static int start(pthread_t *th, void *(*fn)(void *), long idx)
{
	return pthread_create(th, &attr, fn, (void *)idx);
}

/* Send each worker its own signal, and the process SIGUSR2. */
static void send_signals(pthread_t *th)
{
	int i;

	for (i = 1; i <= nworkers; i++)
		pthread_kill(th[i], SIG_OWN(i));
	kill(getpid(), SIGUSR2);
	SET(sent, 1);
}

static int run_threads(void)
{
	pthread_mutexattr_t ma;
	pthread_t th[TH_NR];
	uint64_t bad;
	long i;

	pthread_mutexattr_init(&ma);
	pthread_mutexattr_setrobust(&ma, PTHREAD_MUTEX_ROBUST);
	pthread_mutex_init(&robust, &ma);
	nworkers = TH_WORKERS;
	nlooking = TH_WORKERS + 1;
	usr2_taker = TH_MAIN;
	for (i = 1; i <= TH_WORKERS; i++)
		if (start(&th[i], worker, i))
			return 110;
	if (start(&th[TH_JOINED], joined, TH_JOINED) ||
	    start(&th[TH_OWNER], owner, TH_OWNER) ||
	    start(&th[TH_WAITER1], waiter, TH_WAITER1) ||
	    start(&th[TH_WAITER2], waiter, TH_WAITER2))
		return 111;
	if (wait_count(&setup, TH_WORKERS))
		return 112;
	send_signals(th);
	if (wait_count(&sp->ready, TH_NR - 1))
		return 113;
	/* The waiters counted themselves holding cv_lock: now both wait. */
	pthread_mutex_lock(&cv_lock);
	pthread_mutex_unlock(&cv_lock);

	record(TH_MAIN);
	bad = rseq_rewritten(10) | check_pending(TH_MAIN);
	bad |= ready_then_wait(TH_MAIN);
	bad |= check_ids(TH_MAIN) | check_signals(TH_MAIN) | rseq_rewritten(20);
	report(TH_MAIN, bad | main_checks(th[TH_JOINED]));
	idle();
	return 0;
}

/* The workers wait for the leader to be dead before counting as ready. */
static int run_leader_exited(void)
{
	pthread_t th[LE_WORKERS + 1];
	long i;

	nworkers = LE_WORKERS;
	nlooking = LE_WORKERS;
	usr2_taker = 1;
	leader_exits = 1;
	for (i = 1; i <= LE_WORKERS; i++)
		if (start(&th[i], worker, i))
			return 120;
	if (wait_count(&setup, LE_WORKERS))
		return 121;
	send_signals(th);
	pthread_exit(NULL);
}

static int run_many(void)
{
	pthread_t th;
	uint64_t bad;
	long i;

	for (i = 1; i <= MANY_THREADS; i++)
		if (start(&th, many, i))
			return 130;
	record(TH_MAIN);
	bad = ready_then_wait(TH_MAIN);
	report(TH_MAIN, bad | check_ids(TH_MAIN));
	idle();
	return 0;
}

int main(int argc, char **argv)
{
	struct sigaction sa = { .sa_handler = on_signal, .sa_flags = SA_RESTART };
	sigset_t set;
	int fd, i;

	if (argc != 3)
		return 100;
	fd = open(argv[1], O_RDWR);
	if (fd < 0)
		return 101;
	sp = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (sp == MAP_FAILED)
		return 102;
	syscall(__NR_close_range, 0, ~0U, 0);
	tgid = getpid();
	/* Small stacks: 200 threads fit the guest and a small image. */
	if (pthread_attr_init(&attr) || pthread_attr_setstacksize(&attr, 64 * 1024))
		return 106;

	/* Blocked here, so in every thread from its first instruction. */
	sigemptyset(&set);
	sigaddset(&set, SIGUSR2);
	for (i = 1; i <= TH_WORKERS; i++)
		sigaddset(&set, SIG_OWN(i));
	if (sigprocmask(SIG_BLOCK, &set, NULL))
		return 103;
	for (i = 1; i < 65; i++)
		if (sigismember(&set, i) == 1 && sigaction(i, &sa, NULL))
			return 104;

	if (!strcmp(argv[2], "threads"))
		return run_threads();
	if (!strcmp(argv[2], "leader-exited"))
		return run_leader_exited();
	if (!strcmp(argv[2], "many"))
		return run_many();
	return 105;
}
