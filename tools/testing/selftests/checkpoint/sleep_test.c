// SPDX-License-Identifier: GPL-2.0
/*
 * A container checkpointed while blocked in a syscall, killed and
 * restarted, must come back into that syscall and finish it normally.
 */
#define _GNU_SOURCE
#include <limits.h>
#include <linux/futex.h>
#include <sys/mman.h>
#include <time.h>

#include "checkpoint_util.h"
#include "counter_prog.h"
#include "../kselftest_harness.h"

static char shared_path[64];
static const char *sleep_kind;

static int exec_sleeper(void *arg)
{
	return exec_sibling("sleeper_prog", shared_path, sleep_kind);
}

FIXTURE(sleeper) {
	struct shared_page *shared;
	pid_t init;
	int image;
	int log;
};

FIXTURE_VARIANT(sleeper) {
	const char *kind;
	uint64_t verdict;
};

FIXTURE_VARIANT_ADD(sleeper, nanosleep) { .kind = "nanosleep", .verdict = 100 };
FIXTURE_VARIANT_ADD(sleeper, pause) { .kind = "pause", .verdict = 200 };
FIXTURE_VARIANT_ADD(sleeper, futex) { .kind = "futex", .verdict = 300 };
FIXTURE_VARIANT_ADD(sleeper, pipe_read) { .kind = "pipe-read", .verdict = 500 };
FIXTURE_VARIANT_ADD(sleeper, wait4) { .kind = "wait4", .verdict = 600 };

/* Start a container blocked in @kind, and wait until it is asleep. */
static void start_sleeper(struct __test_metadata *_metadata,
			  FIXTURE_DATA(sleeper) *self, const char *kind)
{
	int i;

	snprintf(shared_path, sizeof(shared_path), "/tmp/sleeper-%d", getpid());
	self->shared = shared_page_create(shared_path);
	ASSERT_NE(MAP_FAILED, self->shared);
	self->image = scratch_file(O_RDWR);
	self->log = scratch_file(O_RDWR);
	ASSERT_GE(self->image, 0);
	ASSERT_GE(self->log, 0);

	sleep_kind = kind;
	self->init = container_start(exec_sleeper, NULL);
	ASSERT_GT(self->init, 0);
	for (i = 0; i < 10000 && !SHARED_GET(self->shared->counter); i++)
		usleep(1000);
	ASSERT_EQ(1ULL, SHARED_GET(self->shared->counter));
	for (i = 0; i < 10000 && task_state(self->init) != 'S'; i++)
		usleep(1000);
	ASSERT_EQ('S', task_state(self->init)) TH_LOG("it never went to sleep");
}

static void stop_sleeper(FIXTURE_DATA(sleeper) *self)
{
	if (self->init > 0)
		container_stop(self->init);
	unlink(shared_path);
}

FIXTURE_SETUP(sleeper)
{
	start_sleeper(_metadata, self, variant->kind);
}

FIXTURE_TEARDOWN(sleeper)
{
	stop_sleeper(self);
}

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

TEST_F_TIMEOUT(sleeper, resumes_after_restart, 120)
{
	bool sleep = !strcmp(variant->kind, "nanosleep");
	long down = now_ms(), slept;
	char log[1024];
	int status, i;
	long pid;

	/* Half of the 3 s sleep is gone when the container goes down. */
	if (sleep)
		usleep(1500000);
	down = now_ms();
	if (ckpt(self->init, self->image, self->log, CHECKPOINT_KILL)) {
		read_log(self->log, log, sizeof(log));
		ASSERT_EQ(0, errno) TH_LOG("checkpoint failed: %m\n%s", log);
	}
	ASSERT_EQ(self->init, waitpid(self->init, &status, 0));
	self->init = 0;
	ASSERT_EQ(0ULL, SHARED_GET(self->shared->verdict))
		TH_LOG("the syscall returned before the checkpoint");

	lseek(self->image, 0, SEEK_SET);
	pid = rstrt(self->image, self->log, 0);
	if (pid < 0) {
		read_log(self->log, log, sizeof(log));
		ASSERT_GT(pid, 0) TH_LOG("restart failed: %m\n%s", log);
	}
	self->init = pid;
	down = now_ms() - down;

	/* Back in the syscall, not out of it with an error. */
	usleep(300000);
	ASSERT_EQ(0ULL, SHARED_GET(self->shared->verdict))
		TH_LOG("the restored syscall returned early: %lu",
		       (unsigned long)SHARED_GET(self->shared->verdict));

	if (!strcmp(variant->kind, "pause")) {
		ASSERT_EQ(0, kill(pid, SIGUSR1));
	} else {
		/* The futex waiter, or the child that writes or exits. */
		SHARED_SET(self->shared->cmd, 1);
		syscall(__NR_futex, &self->shared->cmd, FUTEX_WAKE, 1, NULL, NULL, 0);
	}
	for (i = 0; i < 20000 && !SHARED_GET(self->shared->verdict); i++)
		usleep(1000);
	ASSERT_EQ(variant->verdict, SHARED_GET(self->shared->verdict))
		TH_LOG("the %s came back wrong", variant->kind);
	/*
	 * It sleeps what was left, not the whole 3 s again: 3 s and the
	 * time it was down in all, give or take a second of slack.
	 */
	slept = SHARED_GET(self->shared->failed);
	if (sleep)
		ASSERT_TRUE(slept >= 3000 && slept <= 3000 + down + 1000)
			TH_LOG("slept %ld ms in all, down for %ld ms", slept, down);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	self->init = 0;
	ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0)
		TH_LOG("status %#x", status);
}

/*
 * One image restarted twice, while the original still runs: three
 * containers, each its own, each ending on its own signal.
 */
FIXTURE(copies) {
	FIXTURE_DATA(sleeper) s;
};

FIXTURE_SETUP(copies)
{
	start_sleeper(_metadata, &self->s, "pause");
}

FIXTURE_TEARDOWN(copies)
{
	stop_sleeper(&self->s);
}

TEST_F_TIMEOUT(copies, restarts_are_independent, 120)
{
	FIXTURE_DATA(sleeper) *s = &self->s;
	pid_t copy[2];
	int status, i;

	ASSERT_EQ(0, ckpt(s->init, s->image, s->log, 0))
		TH_LOG("checkpoint failed: %m");
	for (i = 0; i < 2; i++) {
		lseek(s->image, 0, SEEK_SET);
		copy[i] = rstrt(s->image, s->log, 0);
		ASSERT_GT(copy[i], 0) TH_LOG("restart %d failed: %m", i);
	}
	ASSERT_NE(copy[0], copy[1]);
	usleep(200000);

	/* Ending one leaves the others as they were. */
	ASSERT_EQ(0, kill(copy[0], SIGUSR1));
	ASSERT_EQ(copy[0], waitpid(copy[0], &status, 0));
	ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	ASSERT_EQ(200ULL, SHARED_GET(s->shared->verdict));
	ASSERT_EQ(0, waitpid(copy[1], &status, WNOHANG));
	ASSERT_EQ(0, waitpid(s->init, &status, WNOHANG));

	ASSERT_EQ(0, kill(copy[1], SIGUSR1));
	ASSERT_EQ(copy[1], waitpid(copy[1], &status, 0));
	ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	ASSERT_EQ(0, waitpid(s->init, &status, WNOHANG))
		TH_LOG("the original ended with its copies");
}

CKPT_HARNESS_MAIN
