// SPDX-License-Identifier: GPL-2.0
/*
 * Checkpoint a running single-task container, kill it, restart it, and
 * let the restored program (counter_prog) check its own state.
 */
#define _GNU_SOURCE
#include <sys/mman.h>
#include <dirent.h>
#include <limits.h>
#include <sys/stat.h>
#include <time.h>

#include "checkpoint_util.h"
#include "counter_prog.h"
#include "../kselftest_harness.h"

static char shared_path[64];
static const char *counter_mode = "full";

/* Exec counter_prog, which lives next to this test binary. */
static int exec_counter(void *arg)
{
	return exec_sibling("counter_prog", shared_path, counter_mode);
}

/*
 * Start the counting container and give it a delivered signal (SIGUSR1)
 * and a blocked, pending one (SIGUSR2) that it checks when it finishes.
 */
static pid_t start_counter(struct shared_page *sp)
{
	pid_t pid = container_start(exec_counter, NULL);
	uint64_t c;

	if (pid <= 0)
		return pid;
	c = wait_counter(sp, 10);
	if (c < 10 || kill(pid, SIGUSR1) || kill(pid, SIGUSR2))
		return -1;
	/* The handler has run once the loop went round again. */
	wait_counter(sp, c + 70);
	return pid;
}

FIXTURE(counter) {
	pid_t init;
	struct shared_page *shared;
	int image;
	int log;
};

/* The page the test shares with counter_prog, through a tmpfs file. */
static struct shared_page *make_shared(void)
{
	snprintf(shared_path, sizeof(shared_path), "/tmp/counter-%d", getpid());
	return shared_page_create(shared_path);
}

static void remove_shared(void)
{
	char log[80];

	unlink(shared_path);
	snprintf(log, sizeof(log), "%s.log", shared_path);
	unlink(log);
}

FIXTURE_SETUP(counter)
{
	self->shared = make_shared();
	ASSERT_NE(MAP_FAILED, self->shared);
	self->image = scratch_file(O_RDWR);
	self->log = scratch_file(O_RDWR);
	ASSERT_GE(self->image, 0);
	ASSERT_GE(self->log, 0);
	self->init = start_counter(self->shared);
	ASSERT_GT(self->init, 0)
		TH_LOG("the container did not start (verdict %lu)",
		       (unsigned long)SHARED_GET(self->shared->verdict));
}

FIXTURE_TEARDOWN(counter)
{
	if (self->init > 0)
		container_stop(self->init);
	remove_shared();
}

static void dump_log(struct __test_metadata *_metadata, int fd)
{
	char buf[2048];

	read_log(fd, buf, sizeof(buf));
	if (buf[0])
		TH_LOG("kernel log:\n%s", buf);
}

static void dump_maps(struct __test_metadata *_metadata, pid_t pid)
{
	char path[64], buf[4096];
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/maps", pid);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return;
	read_log(fd, buf, sizeof(buf));
	close(fd);
	TH_LOG("maps of %d:\n%s", pid, buf);
}

/* Tell the program to check everything and exit; return its status. */
static int finish(pid_t pid, struct shared_page *sp)
{
	int status;

	SHARED_SET(sp->cmd, 1);
	if (waitpid(pid, &status, 0) != pid)
		return -1;
	return status;
}

/*
 * Tell the program to check everything and exit; it must exit 0, having
 * found everything it set up as it was.
 */
static void finish_ok(struct __test_metadata *_metadata,
		      FIXTURE_DATA(counter) *self, pid_t pid, const char *when)
{
	int status = finish(pid, self->shared);

	self->init = 0;
	ASSERT_TRUE(WIFEXITED(status)) TH_LOG("%s: status %#x", when, status);
	ASSERT_EQ(0, WEXITSTATUS(status))
		TH_LOG("%s: exit %d, failed mask %#llx (%s)", when,
		       WEXITSTATUS(status),
		       (unsigned long long)SHARED_GET(self->shared->failed),
		       COUNTER_CHECKS);
}

TEST_F_TIMEOUT(counter, continues_after_restart, 120)
{
	uint64_t at_checkpoint, later;
	int status;
	long pid;

	ASSERT_GE(wait_counter(self->shared, 50), 50ULL)
		TH_LOG("the container never started counting (verdict %lu)",
		       (unsigned long)SHARED_GET(self->shared->verdict));

	if (ckpt(self->init, self->image, self->log, CHECKPOINT_KILL)) {
		dump_log(_metadata, self->log);
		ASSERT_EQ(0, errno) TH_LOG("checkpoint failed: %m");
	}
	ASSERT_EQ(self->init, waitpid(self->init, &status, 0));
	ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL)
		TH_LOG("CHECKPOINT_KILL did not kill the container");
	self->init = 0;
	at_checkpoint = SHARED_GET(self->shared->counter);
	ASSERT_EQ(0ULL, SHARED_GET(self->shared->verdict));

	lseek(self->image, 0, SEEK_SET);
	pid = rstrt(self->image, self->log, 0);
	if (pid < 0)
		dump_log(_metadata, self->log);
	ASSERT_GT(pid, 0) TH_LOG("restart failed: %m");
	self->init = pid;

	later = wait_counter(self->shared, at_checkpoint + 100);
	ASSERT_GE(later, at_checkpoint + 100)
		TH_LOG("restored program stuck at %lu (checkpoint at %lu), verdict %lu",
		       (unsigned long)later, (unsigned long)at_checkpoint,
		       (unsigned long)SHARED_GET(self->shared->verdict));

	finish_ok(_metadata, self, pid, "the restored program");
}

TEST_F_TIMEOUT(counter, original_keeps_running, 120)
{
	uint64_t before;

	ASSERT_GE(wait_counter(self->shared, 20), 20ULL);
	if (ckpt(self->init, self->image, self->log, 0)) {
		dump_log(_metadata, self->log);
		dump_maps(_metadata, self->init);
		ASSERT_EQ(0, errno) TH_LOG("checkpoint failed: %m");
	}
	before = SHARED_GET(self->shared->counter);
	ASSERT_GE(wait_counter(self->shared, before + 50), before + 50)
		TH_LOG("the container stopped counting after checkpoint");
	finish_ok(_metadata, self, self->init, "after a checkpoint");
}

TEST_F_TIMEOUT(counter, truncated_image_leaves_nothing, 120)
{
	struct stat sb;
	int fd, status;
	off_t cut;

	ASSERT_GE(wait_counter(self->shared, 20), 20ULL);
	ASSERT_EQ(0, ckpt(self->init, self->image, self->log, 0))
		TH_LOG("checkpoint failed: %m");
	ASSERT_EQ(0, fstat(self->image, &sb));

	/* Every cut short of the trailer must fail cleanly. */
	for (cut = 0; cut < sb.st_size; cut += sb.st_size / 7 + 1) {
		char buf[64 * 1024];
		off_t off = 0;

		fd = scratch_file(O_RDWR);
		ASSERT_GE(fd, 0);
		while (off < cut) {
			ssize_t n = pread(self->image, buf,
					  cut - off < (off_t)sizeof(buf) ?
					  cut - off : (off_t)sizeof(buf), off);
			ASSERT_GT(n, 0);
			ASSERT_EQ(n, write(fd, buf, n));
			off += n;
		}
		lseek(fd, 0, SEEK_SET);
		EXPECT_EQ(-1, rstrt(fd, -1, 0)) TH_LOG("cut at %ld accepted", (long)cut);
		EXPECT_EQ(EINVAL, errno);
		close(fd);
		/* A failed restart leaves no child behind. */
		EXPECT_EQ(0, waitpid(-1, &status, WNOHANG | __WALL));
	}
	finish_ok(_metadata, self, self->init, "at the end");
}

/*
 * A resource this version cannot save is refused with a log line naming
 * it, and the container carries on as if nothing had happened.
 */
TEST_F_TIMEOUT(counter, pipe_shared_with_outside_is_refused, 120)
{
	uint64_t before;
	char log[1024];
	int p[2];

	/* Replace the container with one that holds a pipe's read end. */
	container_stop(self->init);
	SHARED_SET(self->shared->counter, 0);
	ASSERT_EQ(0, pipe(p));
	ASSERT_EQ(19, dup2(p[0], 19));
	close(p[0]);
	counter_mode = "keep-inherited";
	self->init = start_counter(self->shared);
	ASSERT_GT(self->init, 0);
	close(19);

	/*
	 * We still hold the write end.  The refusal comes before the first
	 * byte: the caller never gets the pipe's contents.
	 */
	ASSERT_EQ(0, ftruncate(self->image, 0));
	ASSERT_EQ(0, lseek(self->image, 0, SEEK_SET));
	ASSERT_EQ(-1, ckpt(self->init, self->image, self->log, 0));
	ASSERT_EQ(EBUSY, errno);
	ASSERT_EQ(0, lseek(self->image, 0, SEEK_END))
		TH_LOG("a refused checkpoint wrote part of an image");
	read_log(self->log, log, sizeof(log));
	ASSERT_NE(NULL, strstr(log, "a pipe is also used"))
		TH_LOG("log said: %s", log);
	ASSERT_NE(NULL, strstr(log, "is also used outside the container"))
		TH_LOG("log said: %s", log);

	before = SHARED_GET(self->shared->counter);
	ASSERT_GE(wait_counter(self->shared, before + 50), before + 50)
		TH_LOG("the container stopped after a refused checkpoint");

	/* Once the outside end is gone, the pipe is the container's alone. */
	close(p[1]);
	ASSERT_EQ(0, ckpt(self->init, self->image, self->log, 0)) {
		read_log(self->log, log, sizeof(log));
		TH_LOG("log said: %s", log);
	}
	finish_ok(_metadata, self, self->init, "after a refused checkpoint");
}

/*
 * A file description also open outside the container cannot be saved:
 * a copy would split it in two on restart.
 */
TEST_F_TIMEOUT(counter, file_shared_with_outside_is_refused, 120)
{
	char log[1024], path[80];
	uint64_t before;
	int fd;

	container_stop(self->init);
	SHARED_SET(self->shared->counter, 0);
	snprintf(path, sizeof(path), "%s.outside", shared_path);
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	ASSERT_EQ(19, dup2(fd, 19));
	close(fd);
	counter_mode = "keep-inherited";
	self->init = start_counter(self->shared);
	ASSERT_GT(self->init, 0);

	ASSERT_EQ(-1, ckpt(self->init, self->image, self->log, 0));
	unlink(path);
	ASSERT_EQ(EBUSY, errno);
	read_log(self->log, log, sizeof(log));
	ASSERT_NE(NULL, strstr(log, "a file is also used"))
		TH_LOG("log said: %s", log);
	ASSERT_NE(NULL, strstr(log, "is also used outside the container"))
		TH_LOG("log said: %s", log);

	/* Once the outside copy is gone, it is only the file that is deleted. */
	close(19);
	ASSERT_EQ(-1, ckpt(self->init, self->image, self->log, 0));
	ASSERT_EQ(EOPNOTSUPP, errno);

	before = SHARED_GET(self->shared->counter);
	ASSERT_GE(wait_counter(self->shared, before + 50), before + 50);
	finish_ok(_metadata, self, self->init, "at the end");
}

/* The pid of a child of @parent, from /proc; 0 if none. */
static pid_t child_of(pid_t parent)
{
	char path[300], buf[512], *p;
	struct dirent *de;
	pid_t found = 0;
	int fd, ppid;
	DIR *dir;

	dir = opendir("/proc");
	if (!dir)
		return 0;
	while (!found && (de = readdir(dir))) {
		if (de->d_name[0] < '1' || de->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/stat", de->d_name);
		fd = open(path, O_RDONLY);
		if (fd < 0)
			continue;
		read_log(fd, buf, sizeof(buf));
		close(fd);
		p = strrchr(buf, ')');
		if (p && sscanf(p + 2, "%*c %d", &ppid) == 1 && ppid == parent)
			found = atoi(de->d_name);
	}
	closedir(dir);
	return found;
}

/*
 * A caller killed while its restart waits for the rest of a piped image
 * dies promptly, and the half-built container goes with it.
 */
TEST_F_TIMEOUT(counter, killed_restart_leaves_nothing, 60)
{
	static char buf[1 << 20];
	pid_t child, init = 0;
	struct stat sb;
	ssize_t half;
	int p[2], status, i;

	ASSERT_EQ(0, ckpt(self->init, self->image, self->log, 0))
		TH_LOG("checkpoint failed: %m");
	ASSERT_EQ(0, fstat(self->image, &sb));
	half = sb.st_size / 2 < (off_t)sizeof(buf) ? sb.st_size / 2 : (off_t)sizeof(buf);
	ASSERT_EQ(half, pread(self->image, buf, half, 0));
	ASSERT_EQ(0, pipe(p));
	fcntl(p[1], F_SETPIPE_SZ, 1 << 20);

	child = fork();
	ASSERT_GE(child, 0);
	if (child == 0) {
		close(p[1]);
		rstrt(p[0], -1, 0);
		_exit(0);
	}
	close(p[0]);
	ASSERT_EQ(half, write(p[1], buf, half));
	for (i = 0; i < 5000 && !init; i++) {
		usleep(1000);
		init = child_of(child);
	}
	ASSERT_GT(init, 0) TH_LOG("the restart never created its init");

	ASSERT_EQ(0, kill(child, SIGKILL));
	ASSERT_EQ(child, waitpid(child, &status, 0));
	ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
	for (i = 0; i < 5000 && kill(init, 0) == 0; i++)
		usleep(1000);
	ASSERT_NE(0, kill(init, 0)) TH_LOG("the half-built init %d lives on", init);
	close(p[1]);
	finish_ok(_metadata, self, self->init, "after a killed restart");
}

/* Checkpoint must be invisible: no stop, no SIGCHLD, no wait status. */
TEST_F_TIMEOUT(counter, checkpoint_is_invisible, 120)
{
	sigset_t chld, pending;
	uint64_t before;
	int status;

	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	ASSERT_EQ(0, sigprocmask(SIG_BLOCK, &chld, NULL));
	ASSERT_EQ(0, ckpt(self->init, self->image, self->log, 0))
		TH_LOG("checkpoint failed: %m");
	ASSERT_EQ(0, sigpending(&pending));
	ASSERT_FALSE(sigismember(&pending, SIGCHLD))
		TH_LOG("the parent got SIGCHLD from a checkpoint");
	ASSERT_EQ(0, waitpid(self->init, &status, WNOHANG | WUNTRACED | WCONTINUED))
		TH_LOG("the parent saw a wait status: %#x", status);

	before = SHARED_GET(self->shared->counter);
	ASSERT_GE(wait_counter(self->shared, before + 50), before + 50);
	finish_ok(_metadata, self, self->init, "at the end");
}

/* RESTART_FROZEN: stopped until SIGCONT, then exactly as restored. */
TEST_F_TIMEOUT(counter, restart_frozen_waits_for_sigcont, 120)
{
	uint64_t at_checkpoint;
	char log[1024];
	long pid;
	int i;

	ASSERT_EQ(0, ckpt(self->init, self->image, self->log, CHECKPOINT_KILL))
		TH_LOG("checkpoint failed: %m");
	ASSERT_EQ(self->init, waitpid(self->init, NULL, 0));
	self->init = 0;
	at_checkpoint = SHARED_GET(self->shared->counter);

	lseek(self->image, 0, SEEK_SET);
	pid = rstrt(self->image, self->log, RESTART_FROZEN);
	if (pid < 0) {
		read_log(self->log, log, sizeof(log));
		ASSERT_GT(pid, 0) TH_LOG("restart failed: %m\n%s", log);
	}
	self->init = pid;
	for (i = 0; i < 5000 && task_state(pid) != 'T'; i++)
		usleep(1000);
	ASSERT_EQ('T', task_state(pid)) TH_LOG("the container is not stopped");
	usleep(300000);
	ASSERT_EQ(at_checkpoint, SHARED_GET(self->shared->counter))
		TH_LOG("a frozen container counted");

	ASSERT_EQ(0, kill(pid, SIGCONT));
	ASSERT_GE(wait_counter(self->shared, at_checkpoint + 50), at_checkpoint + 50)
		TH_LOG("SIGCONT did not release the container");
	finish_ok(_metadata, self, pid, "after a frozen restart");
}

/*
 * One test per item of process state: each variant checkpoints the
 * counting container, kills it, restarts it, and looks only at its own
 * checks among those the restored program ran.
 */
FIXTURE(restored) {
	struct shared_page *shared;
	uint64_t failed;
	int status;
};

FIXTURE_VARIANT(restored) {
	uint64_t bits;
};

#define CHECK_BIT(n)	(1ULL << (n))
FIXTURE_VARIANT_ADD(restored, xsave_state) { CHECK_BIT(2) };
FIXTURE_VARIANT_ADD(restored, anonymous_memory) { CHECK_BIT(3) | CHECK_BIT(4) };
FIXTURE_VARIANT_ADD(restored, read_only_page) { CHECK_BIT(5) };
FIXTURE_VARIANT_ADD(restored, untouched_page_stays_zero) { CHECK_BIT(6) };
FIXTURE_VARIANT_ADD(restored, heap) { CHECK_BIT(7) };
FIXTURE_VARIANT_ADD(restored, data_segment) { CHECK_BIT(8) };
FIXTURE_VARIANT_ADD(restored, hostname) { CHECK_BIT(9) };
FIXTURE_VARIANT_ADD(restored, signal_handlers_and_queue) {
	CHECK_BIT(40) | CHECK_BIT(41) | CHECK_BIT(42) };
FIXTURE_VARIANT_ADD(restored, sigaltstack) { CHECK_BIT(43) };
FIXTURE_VARIANT_ADD(restored, file_offset_and_cloexec) { CHECK_BIT(44) };
FIXTURE_VARIANT_ADD(restored, dev_null) { CHECK_BIT(45) };
FIXTURE_VARIANT_ADD(restored, append_file_shared_by_dup) { CHECK_BIT(46) };
FIXTURE_VARIANT_ADD(restored, directory_fd) { CHECK_BIT(47) };
FIXTURE_VARIANT_ADD(restored, dev_zero) { CHECK_BIT(57) };
FIXTURE_VARIANT_ADD(restored, dev_urandom) { CHECK_BIT(58) };
FIXTURE_VARIANT_ADD(restored, console) { CHECK_BIT(59) };
FIXTURE_VARIANT_ADD(restored, pipe_with_bytes_in_it) { CHECK_BIT(60) };
FIXTURE_VARIANT_ADD(restored, fifo_with_bytes_in_it) { CHECK_BIT(61) };
FIXTURE_VARIANT_ADD(restored, cwd) { CHECK_BIT(48) };
FIXTURE_VARIANT_ADD(restored, umask) { CHECK_BIT(49) };
FIXTURE_VARIANT_ADD(restored, ids_and_groups) { CHECK_BIT(50) | CHECK_BIT(51) };
FIXTURE_VARIANT_ADD(restored, rlimits) { CHECK_BIT(52) };
FIXTURE_VARIANT_ADD(restored, comm) { CHECK_BIT(54) };
FIXTURE_VARIANT_ADD(restored, pdeath_signal) { CHECK_BIT(55) };
FIXTURE_VARIANT_ADD(restored, personality) { CHECK_BIT(56) };

FIXTURE_SETUP(restored)
{
	int image = scratch_file(O_RDWR);
	uint64_t at;
	pid_t pid;

	self->shared = make_shared();
	ASSERT_NE(MAP_FAILED, self->shared);
	ASSERT_GE(image, 0);
	counter_mode = "full";
	pid = start_counter(self->shared);
	ASSERT_GT(pid, 0);
	ASSERT_EQ(0, ckpt(pid, image, -1, CHECKPOINT_KILL))
		TH_LOG("checkpoint failed: %m");
	ASSERT_EQ(pid, waitpid(pid, NULL, 0));
	at = SHARED_GET(self->shared->counter);
	lseek(image, 0, SEEK_SET);
	pid = rstrt(image, -1, 0);
	close(image);
	ASSERT_GT(pid, 0) TH_LOG("restart failed: %m");
	ASSERT_GE(wait_counter(self->shared, at + 20), at + 20) {
		container_stop(pid);
		TH_LOG("the restored program does not count");
	}
	self->status = finish(pid, self->shared);
	self->failed = SHARED_GET(self->shared->failed);
}

FIXTURE_TEARDOWN(restored)
{
	remove_shared();
}

TEST_F_TIMEOUT(restored, comes_back, 120)
{
	ASSERT_TRUE(WIFEXITED(self->status)) TH_LOG("status %#x", self->status);
	ASSERT_TRUE(WEXITSTATUS(self->status) == 0 || WEXITSTATUS(self->status) == 60)
		TH_LOG("setting up failed: exit %d", WEXITSTATUS(self->status));
	ASSERT_EQ(0ULL, self->failed & variant->bits)
		TH_LOG("restored state is wrong: failed mask %#llx (%s)",
		       (unsigned long long)self->failed, COUNTER_CHECKS);
}

CKPT_HARNESS_MAIN
