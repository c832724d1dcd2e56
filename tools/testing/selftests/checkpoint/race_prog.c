// SPDX-License-Identifier: GPL-2.0
/*
 * The containers that race_test, faultinject_test and unpriv_test
 * checkpoint while things happen to them.  race_prog.h has the slots of
 * each mode and the page it shares with the tests.
 *
 * Every task fills private memory with a pattern of its own and checks
 * it when told to, so a container restored from an image checks its own
 * state.  Tasks keep forking, exiting and exec'ing in mode mix, so that
 * a checkpoint always meets some of them half-way.
 *
 * usage: race_prog SHARED-FILE MODE
 * MODE: mix, suid, fi, idle, hold:FD (idle, keeping FD open), inside,
 * beat:SLOT (one process), suidhold (idle, and a child that runs the
 * setuid copy), fifo (SHARED-FILE is a FIFO to make and fill), fifos
 * (big FIFOs beside it), late (a child with a ptracer exception); and as
 * exec targets: exit, suid-exit, suid-sleep.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdbool.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <time.h>

#include "checkpoint_util.h"
#include "race_prog.h"

#define GET(f)		__atomic_load_n(&(f), __ATOMIC_SEQ_CST)
#define SET(f, v)	__atomic_store_n(&(f), (v), __ATOMIC_SEQ_CST)
#define OR(f, v)	__atomic_fetch_or(&(f), (v), __ATOMIC_SEQ_CST)
#define ADD(f, v)	__atomic_fetch_add(&(f), (v), __ATOMIC_SEQ_CST)

#define PRIV_SIZE	(4 * 4096)
#define SHM_SIZE	(4 * 4096)
#define PIPE_BYTES	"in the pipe"
/*
 * Between two forks, execs or threads of a churning task: enough for a
 * freeze to find the tree still now and then, little enough that most
 * checkpoints meet a task being created or exiting.
 */
#define CHURN_PAUSE_MS	5

static struct race_page *pg;
static const char *shared_path;
static char self_exe[256];
static unsigned char priv[PRIV_SIZE];	/* each process's own pattern */
static unsigned char *shm;		/* mode fi: shared with the child */
static int fi_pipe[2];			/* mode fi: bytes buffered in it */

static void pause_ms(int ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

static unsigned char pattern(int i, int slot)
{
	return (unsigned char)(i * 13 + slot * 7 + 1);
}

static void fill_priv(int slot)
{
	int i;

	for (i = 0; i < PRIV_SIZE; i++)
		priv[i] = pattern(i, slot);
}

static bool priv_ok(int slot)
{
	int i;

	for (i = 0; i < PRIV_SIZE; i++)
		if (priv[i] != pattern(i, slot))
			return false;
	return true;
}

static bool told_to_check(void)
{
	return GET(pg->cmd) == RACE_CMD_CHECK;
}

static void beat(int slot)
{
	ADD(pg->beat[slot], 1);
}

static void ready(int slot)
{
	SET(pg->tid[slot], (int32_t)gettid());
	OR(pg->ready, 1ULL << slot);
}

/* Report @slot's check; a failure also lands in the init's exit status. */
static int checked(int slot, bool ok)
{
	if (!ok)
		OR(pg->failed, 1ULL << slot);
	OR(pg->checked, 1ULL << slot);
	return ok ? 0 : 1;
}

/* Reap every child; true when each exited 0. */
static bool reap_all(void)
{
	bool ok = true;
	int status;

	for (;;) {
		pid_t p = waitpid(-1, &status, __WALL);

		if (p < 0) {
			if (errno == EINTR)
				continue;
			return ok;
		}
		if (!WIFEXITED(status) || WEXITSTATUS(status))
			ok = false;
	}
}

/* A process that beats until told to check. */
static int run_idle(int slot)
{
	fill_priv(slot);
	ready(slot);
	while (!told_to_check()) {
		beat(slot);
		pause_ms(1);
	}
	return checked(slot, priv_ok(slot));
}

static int run_forker(int slot)
{
	fill_priv(slot);
	ready(slot);
	while (!told_to_check()) {
		pid_t p = fork();

		if (p == 0)
			_exit(0);
		if (p > 0)
			waitpid(p, NULL, 0);
		beat(slot);
		pause_ms(CHURN_PAUSE_MS);
	}
	return checked(slot, priv_ok(slot));
}

/* Fork children that exec @prog with @mode, one after the other. */
static int run_exec(int slot, const char *prog, const char *mode)
{
	fill_priv(slot);
	ready(slot);
	while (!told_to_check()) {
		pid_t p = fork();

		if (p == 0) {
			execl(prog, "race_prog", shared_path, mode, NULL);
			_exit(127);
		}
		if (p > 0)
			waitpid(p, NULL, 0);
		beat(slot);
		pause_ms(CHURN_PAUSE_MS);
	}
	return checked(slot, priv_ok(slot));
}

static void *short_thread(void *arg)
{
	return arg;
}

/* The long-lived thread: its pattern is on its own stack. */
static void *long_thread(void *arg)
{
	int slot = (int)(long)arg, i;
	unsigned char mine[4096];
	bool ok = true;

	for (i = 0; i < (int)sizeof(mine); i++)
		mine[i] = pattern(i, slot);
	ready(slot);
	while (!told_to_check()) {
		beat(slot);
		pause_ms(1);
	}
	for (i = 0; i < (int)sizeof(mine); i++)
		if (mine[i] != pattern(i, slot))
			ok = false;
	checked(slot, ok);
	return NULL;
}

static int run_threads(int slot, int thread_slot)
{
	pthread_t t, s;

	fill_priv(slot);
	if (pthread_create(&t, NULL, long_thread, (void *)(long)thread_slot))
		return 40;
	ready(slot);
	while (!told_to_check()) {
		if (!pthread_create(&s, NULL, short_thread, NULL))
			pthread_join(s, NULL);
		beat(slot);
		pause_ms(CHURN_PAUSE_MS);
	}
	pthread_join(t, NULL);
	return checked(slot, priv_ok(slot));
}

/*
 * A byte goes back and forth between @slot and its child @kid_slot.
 * Once told to check, @slot stops and closes its ends; the child sees
 * the end of its input and checks too.
 */
static int run_ping(int slot, int kid_slot)
{
	int to_kid[2], to_me[2];
	char c = 'x';
	pid_t kid;

	if (pipe(to_kid) || pipe(to_me))
		return 41;
	kid = fork();
	if (kid < 0)
		return 42;
	if (kid == 0) {
		close(to_kid[1]);
		close(to_me[0]);
		fill_priv(kid_slot);
		ready(kid_slot);
		while (read(to_kid[0], &c, 1) == 1) {
			beat(kid_slot);
			if (write(to_me[1], &c, 1) != 1)
				break;
		}
		_exit(checked(kid_slot, priv_ok(kid_slot)));
	}
	close(to_kid[0]);
	close(to_me[1]);
	fill_priv(slot);
	ready(slot);
	while (!told_to_check()) {
		if (write(to_kid[1], &c, 1) != 1 || read(to_me[0], &c, 1) != 1)
			break;
		beat(slot);
		pause_ms(1);
	}
	close(to_kid[1]);
	close(to_me[0]);
	return checked(slot, reap_all() && priv_ok(slot));
}

/* The init of a nested pid namespace, with a process of its own. */
static int run_nested_init(int slot, int kid_slot)
{
	pid_t kid = fork();

	if (kid < 0)
		return 43;
	if (kid == 0)
		_exit(run_idle(kid_slot));
	fill_priv(slot);
	ready(slot);
	while (!told_to_check()) {
		waitpid(-1, NULL, WNOHANG);
		beat(slot);
		pause_ms(1);
	}
	return checked(slot, reap_all() && priv_ok(slot));
}

/*
 * Start @fn(@a, @b) in a child, or with @newpid in a new pid namespace.
 * Only fork() keeps libc's idea of the thread right, which pthreads
 * need; a new namespace's init creates no threads.
 */
static pid_t spawn(int (*fn)(int, int), int a, int b, bool newpid)
{
	struct clone_args ca = {
		.flags = CLONE_NEWPID,
		.exit_signal = SIGCHLD,
	};
	pid_t p = newpid ? syscall(__NR_clone3, &ca, sizeof(ca)) : fork();

	if (p == 0)
		_exit(fn(a, b));
	return p;
}

static int idle2(int slot, int unused)
{
	return run_idle(slot);
}

static int forker2(int slot, int unused)
{
	return run_forker(slot);
}

static int exec_self2(int slot, int unused)
{
	return run_exec(slot, self_exe, "exit");
}

static int exec_suid2(int slot, int unused)
{
	return run_exec(slot, RACE_SUID_PATH, "suid-exit");
}

/* The init: reap whatever exits, beat, and check once told to. */
static int run_init(int slot)
{
	fill_priv(slot);
	ready(slot);
	while (!told_to_check()) {
		while (waitpid(-1, NULL, __WALL | WNOHANG) > 0)
			;
		beat(slot);
		pause_ms(1);
	}
	checked(slot, reap_all() && priv_ok(slot));
	return GET(pg->failed) ? 1 : 0;
}

static int mode_mix(void)
{
	pid_t nested;

	if (spawn(idle2, MIX_IDLE, 0, false) < 0 ||
	    spawn(forker2, MIX_FORKER, 0, false) < 0 ||
	    spawn(run_threads, MIX_THREADS, MIX_THREAD, false) < 0 ||
	    spawn(exec_self2, MIX_EXEC, 0, false) < 0 ||
	    spawn(run_ping, MIX_PING, MIX_PONG, false) < 0)
		return 44;
	nested = spawn(run_nested_init, MIX_NESTED, MIX_NESTED_KID, true);
	if (nested < 0)
		return 44;
	SET(pg->nested_pid, nested);
	return run_init(MIX_INIT);
}

static int mode_suid(void)
{
	if (spawn(idle2, SUID_IDLE, 0, false) < 0 ||
	    spawn(exec_suid2, SUID_EXEC, 0, false) < 0 ||
	    spawn(exec_self2, SUID_PLAIN, 0, false) < 0)
		return 45;
	return run_init(SUID_INIT);
}

/* Mode fi: what the child checks, and marks for the init to see. */
static bool fi_shared_ok(void)
{
	int i;

	for (i = 0; i < SHM_SIZE - 1; i++)
		if (shm[i] != pattern(i, 99))
			return false;
	return true;
}

static int fi_child(int slot, int unused)
{
	char buf[32] = "";
	bool ok;

	close(fi_pipe[1]);
	fill_priv(slot);
	ready(slot);
	while (!told_to_check()) {
		beat(slot);
		pause_ms(1);
	}
	ok = priv_ok(slot) && fi_shared_ok() &&
	     read(fi_pipe[0], buf, sizeof(buf)) == (ssize_t)strlen(PIPE_BYTES) &&
	     !memcmp(buf, PIPE_BYTES, strlen(PIPE_BYTES));
	/* The init looks for this: the memory is still one, shared. */
	SET(shm[SHM_SIZE - 1], 0x5a);
	return checked(slot, ok);
}

static int mode_fi(void)
{
	pthread_t t;
	bool ok;
	int i;

	shm = mmap(NULL, SHM_SIZE, PROT_READ | PROT_WRITE,
		   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (shm == MAP_FAILED || pipe(fi_pipe) ||
	    fcntl(fi_pipe[0], F_SETFL, O_NONBLOCK) ||
	    write(fi_pipe[1], PIPE_BYTES, strlen(PIPE_BYTES)) !=
	    (ssize_t)strlen(PIPE_BYTES))
		return 46;
	for (i = 0; i < SHM_SIZE - 1; i++)
		shm[i] = pattern(i, 99);
	if (spawn(fi_child, FI_CHILD, 0, false) < 0 ||
	    pthread_create(&t, NULL, long_thread, (void *)(long)FI_THREAD))
		return 47;
	fill_priv(FI_INIT);
	ready(FI_INIT);
	while (!told_to_check()) {
		beat(FI_INIT);
		pause_ms(1);
	}
	pthread_join(t, NULL);
	ok = reap_all() && priv_ok(FI_INIT) && fi_shared_ok() &&
	     GET(shm[SHM_SIZE - 1]) == 0x5a;
	checked(FI_INIT, ok);
	return GET(pg->failed) ? 1 : 0;
}

static int mode_suidhold(void)
{
	pid_t p = fork();

	if (p < 0)
		return 48;
	if (p == 0) {
		execl(RACE_SUID_PATH, "race_prog", shared_path, "suid-sleep",
		      NULL);
		_exit(127);
	}
	return run_init(IDLE_INIT);
}

/* A nested container, started from inside this one: one beating task. */
static pid_t start_nested(int slot)
{
	struct clone_args ca = {
		.flags = CLONE_NEWPID,
		.exit_signal = SIGCHLD,
	};
	char mode[16];
	pid_t p;

	snprintf(mode, sizeof(mode), "beat:%d", slot);
	p = syscall(__NR_clone3, &ca, sizeof(ca));
	if (p == 0) {
		execl(self_exe, "race_prog", shared_path, mode, NULL);
		_exit(127);
	}
	return p;
}

static bool wait_beats(int slot, uint64_t n)
{
	uint64_t from = GET(pg->beat[slot]);
	struct timespec t0, t;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	do {
		if (GET(pg->beat[slot]) >= from + n)
			return true;
		pause_ms(1);
		clock_gettime(CLOCK_MONOTONIC, &t);
	} while (t.tv_sec < t0.tv_sec + 10);
	return false;
}

static void stop_child(pid_t p)
{
	kill(p, SIGKILL);
	waitpid(p, NULL, 0);
}

/* Read what the stalled checkpoint writes, to its end. */
static void drain(int fd)
{
	char buf[4096];

	while (read(fd, buf, sizeof(buf)) > 0)
		;
	close(fd);
	SET(pg->result[INSIDE_DRAINED], 1);
}

/*
 * Mode inside: checkpoint(2) and restart(2) called from inside a
 * container.  Its own init is not below it: EINVAL.  A container nested
 * in it is, and comes back with restart(2) called there too.  Then a
 * process of it stays inside a checkpoint of a second nested container,
 * stalled on a full pipe, until the init drains it when told to (or to
 * check): whoever checkpoints this container meanwhile meets a
 * checkpoint in progress inside it.
 */
static int mode_inside(void)
{
	char img[64];
	int fd, p[2];
	pid_t nested, restored, stalled;
	long ret;

	snprintf(img, sizeof(img), "%s.inside", shared_path);
	fd = open(img, O_RDWR | O_CREAT | O_TRUNC, 0600);
	if (fd < 0)
		return 50;
	unlink(img);

	ret = ckpt(1, fd, -1, 0);
	SET(pg->result[INSIDE_CKPT_SELF], ret < 0 ? -errno : ret);

	nested = start_nested(INSIDE_NESTED_SLOT);
	if (nested < 0 || !wait_beats(INSIDE_NESTED_SLOT, 5))
		return 51;
	ret = ckpt(nested, fd, -1, CHECKPOINT_KILL);
	SET(pg->result[INSIDE_CKPT_NESTED], ret < 0 ? -errno : ret);
	waitpid(nested, NULL, 0);

	lseek(fd, 0, SEEK_SET);
	restored = rstrt(fd, -1, 0);
	SET(pg->result[INSIDE_RESTART], restored < 0 ? -errno : 0);
	if (restored > 0) {
		SET(pg->result[INSIDE_RESTORED_OK],
		    wait_beats(INSIDE_NESTED_SLOT, 5));
		/* It has namespaces of its own now, which nothing saves. */
		stop_child(restored);
	}
	close(fd);

	nested = start_nested(INSIDE_NESTED_SLOT);
	if (nested < 0 || !wait_beats(INSIDE_NESTED_SLOT, 5) || pipe(p) ||
	    fcntl(p[1], F_SETPIPE_SZ, 4096) != 4096)
		return 52;
	memset(img, 0xee, sizeof(img));
	for (ret = 0; ret < 4096; ret += sizeof(img))
		if (write(p[1], img, sizeof(img)) != sizeof(img))
			return 53;
	stalled = fork();
	if (stalled == 0) {
		close(p[0]);
		ret = ckpt(nested, p[1], -1, 0);
		SET(pg->result[INSIDE_STALLED], ret < 0 ? -errno : 1);
		_exit(0);
	}
	close(p[1]);
	SET(pg->result[INSIDE_STEPS_DONE], 1);
	fill_priv(0);
	ready(0);
	while (!told_to_check()) {
		if (GET(pg->cmd) == RACE_CMD_DRAIN && !GET(pg->result[INSIDE_DRAINED]))
			drain(p[0]);
		beat(0);
		pause_ms(1);
	}
	if (!GET(pg->result[INSIDE_DRAINED]))
		drain(p[0]);
	checked(0, reap_all() && priv_ok(0));
	return GET(pg->failed) ? 1 : 0;
}

/* A FIFO that holds RACE_FIFO_BYTES, and nothing else. */
static int mode_fifo(void)
{
	static char buf[RACE_FIFO_BYTES];
	char ready[4096];
	int fd;

	memset(buf, 'f', sizeof(buf));
	unlink(shared_path);
	if (mkfifo(shared_path, 0600))
		return 30;
	fd = open(shared_path, O_RDWR);
	if (fd < 0 || fcntl(fd, F_SETPIPE_SZ, 1 << 20) < RACE_FIFO_BYTES ||
	    write(fd, buf, sizeof(buf)) != sizeof(buf))
		return 31;
	snprintf(ready, sizeof(ready), "%s.ready", shared_path);
	close(open(ready, O_CREAT | O_WRONLY, 0600));
	for (;;)
		pause();
}

/* RACE_FIFOS FIFOs of RACE_FIFOS_CAP bytes, a few bytes in each. */
static int mode_fifos(void)
{
	char path[4096], buf[RACE_FIFOS_BYTES];
	int i, fd;

	memset(buf, 'g', sizeof(buf));
	for (i = 0; i < RACE_FIFOS; i++) {
		snprintf(path, sizeof(path), "%s.%d", shared_path, i);
		unlink(path);
		if (mkfifo(path, 0600))
			return 30;
		fd = open(path, O_RDWR);
		if (fd < 0 || fcntl(fd, F_SETPIPE_SZ, RACE_FIFOS_CAP) != RACE_FIFOS_CAP ||
		    write(fd, buf, sizeof(buf)) != sizeof(buf))
			return 31;
	}
	snprintf(path, sizeof(path), "%s.ready", shared_path);
	close(open(path, O_CREAT | O_WRONLY, 0600));
	for (;;)
		pause();
}

/* Two children, the first with a ptracer exception. */
static int mode_late(void)
{
	char ready[4096];
	int p[2], i;
	char c;

	if (pipe(p))
		return 30;
	for (i = 0; i < 2; i++) {
		pid_t pid = fork();

		if (pid < 0)
			return 31;
		if (pid == 0) {
			if (i == 0 && prctl(PR_SET_PTRACER, PR_SET_PTRACER_ANY, 0, 0, 0))
				_exit(32);
			close(p[0]);
			close(p[1]);
			for (;;)
				pause();
		}
	}
	close(p[1]);
	/* Both children have closed their copies of the write end. */
	if (read(p[0], &c, 1) != 0)
		return 33;
	close(p[0]);
	snprintf(ready, sizeof(ready), "%s.ready", shared_path);
	close(open(ready, O_CREAT | O_WRONLY, 0600));
	for (;;)
		pause();
}

int main(int argc, char **argv)
{
	const char *mode;
	ssize_t n;
	int fd, keep = -1;

	if (argc != 3)
		return 20;
	shared_path = argv[1];
	mode = argv[2];
	if (!strcmp(mode, "exit"))
		return 0;
	if (!strcmp(mode, "suid-exit")) {
		pause_ms(2);
		return 0;
	}
	if (!strcmp(mode, "suid-sleep")) {
		for (;;)
			pause();
	}
	if (!strncmp(mode, "hold:", 5))
		keep = atoi(mode + 5);

	/* Nothing of whoever started us may stay open in the container. */
	if (keep > 0)
		syscall(__NR_close_range, 0, keep - 1, 0);
	syscall(__NR_close_range, keep + 1, ~0U, 0);
	if (!strcmp(mode, "fifo"))
		return mode_fifo();
	if (!strcmp(mode, "fifos"))
		return mode_fifos();
	if (!strcmp(mode, "late"))
		return mode_late();

	n = readlink("/proc/self/exe", self_exe, sizeof(self_exe) - 1);
	if (n <= 0)
		return 21;
	self_exe[n] = '\0';
	fd = open(shared_path, O_RDWR);
	if (fd < 0)
		return 22;
	pg = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	close(fd);
	if (pg == MAP_FAILED)
		return 23;

	if (!strcmp(mode, "mix"))
		return mode_mix();
	if (!strcmp(mode, "suid"))
		return mode_suid();
	if (!strcmp(mode, "fi"))
		return mode_fi();
	if (!strcmp(mode, "suidhold"))
		return mode_suidhold();
	if (!strcmp(mode, "inside"))
		return mode_inside();
	if (!strncmp(mode, "beat:", 5))
		return run_idle(atoi(mode + 5));
	if (!strcmp(mode, "idle") || keep >= 0) {
		if (spawn(idle2, IDLE_CHILD, 0, false) < 0)
			return 24;
		return run_init(IDLE_INIT);
	}
	return 25;
}
