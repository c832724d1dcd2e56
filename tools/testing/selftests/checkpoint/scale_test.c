// SPDX-License-Identifier: GPL-2.0
/*
 * A container of 1,000 processes is checkpointed, killed and restarted,
 * and every process checks its pid and parent after the restart.  The
 * times are printed for the record; they are not asserted (the guest
 * runs a debug kernel under emulation).
 */
#define _GNU_SOURCE
#include <limits.h>
#include <linux/futex.h>
#include <sys/mman.h>
#include <time.h>

#include "checkpoint_util.h"
#include "counter_prog.h"
#include "../kselftest_harness.h"

#define NR_TASKS	1000

static char shared_path[64];

static int exec_forest(void *arg)
{
	return exec_sibling("forest_prog", shared_path, "1000");
}

static int wait_word(uint64_t *word, uint64_t want, int secs)
{
	int ms;

	for (ms = 0; ms < secs * 1000 && SHARED_GET(*word) != want; ms += 10)
		usleep(10000);
	return SHARED_GET(*word) == want;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

FIXTURE(forest) {
	struct shared_page *page;
	pid_t init;
	int image;
	int log;
};

FIXTURE_SETUP(forest)
{
	snprintf(shared_path, sizeof(shared_path), "/tmp/forest-%d", getpid());
	self->page = shared_page_create(shared_path);
	ASSERT_NE(MAP_FAILED, self->page);
	self->image = scratch_file(O_RDWR);
	self->log = scratch_file(O_RDWR);
	ASSERT_GE(self->image, 0);
	ASSERT_GE(self->log, 0);
	self->init = container_start(exec_forest, NULL);
	ASSERT_GT(self->init, 0);
	ASSERT_TRUE(wait_word(&self->page->counter, NR_TASKS, 120))
		TH_LOG("only %llu of %d tasks started",
		       (unsigned long long)self->page->counter, NR_TASKS);
}

FIXTURE_TEARDOWN(forest)
{
	if (self->init > 0)
		container_stop(self->init);
	unlink(shared_path);
}

TEST_F_TIMEOUT(forest, thousand_tasks_come_back, 280)
{
	double t0, t1, t2;
	char log[1024];
	int status;

	t0 = now();
	ASSERT_EQ(0, ckpt(self->init, self->image, self->log, CHECKPOINT_KILL)) {
		read_log(self->log, log, sizeof(log));
		TH_LOG("checkpoint: %m; log: %s", log);
	}
	t1 = now();
	ASSERT_EQ(self->init, waitpid(self->init, &status, 0));
	self->init = 0;

	lseek(self->image, 0, SEEK_SET);
	t2 = now();
	self->init = rstrt(self->image, self->log, 0);
	ASSERT_GT(self->init, 0) {
		read_log(self->log, log, sizeof(log));
		TH_LOG("restart: %m; log: %s", log);
	}
	ksft_print_msg("%d tasks: checkpoint %.2f s, restart %.2f s, image %lld bytes\n",
		       NR_TASKS, t1 - t0, now() - t2,
		       (long long)lseek(self->image, 0, SEEK_END));

	SHARED_SET(self->page->cmd, 1);
	syscall(__NR_futex, &self->page->cmd, FUTEX_WAKE, INT_MAX, NULL, NULL, 0);
	ASSERT_TRUE(wait_word(&self->page->verdict, NR_TASKS, 120))
		TH_LOG("only %llu of %d tasks checked in",
		       (unsigned long long)self->page->verdict, NR_TASKS);
	ASSERT_EQ(0, SHARED_GET(self->page->failed))
		TH_LOG("%llu tasks found a wrong pid or parent",
		       (unsigned long long)self->page->failed);
}

CKPT_HARNESS_MAIN
