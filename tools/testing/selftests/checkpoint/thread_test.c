// SPDX-License-Identifier: GPL-2.0
/*
 * A container that is one multi-threaded process: after a checkpoint and
 * a restart (and, as controls, with no checkpoint at all, or after a
 * checkpoint that left it running) every thread finds its tid, TLS,
 * registers, signal mask and pending signals and rseq as they were, and
 * what the kernel keeps per thread for others (clear_child_tid, the
 * robust list, a futex wait) still works.  Also with a thread group
 * whose leader has exited, and with 201 threads, whose checkpoint and
 * restart times are printed.  thread_prog.h lists the threads and checks.
 */
#define _GNU_SOURCE
#include <limits.h>
#include <linux/futex.h>
#include <sys/mman.h>
#include <time.h>

#include "checkpoint_util.h"
#include "counter_prog.h"
#include "thread_prog.h"
#include "../kselftest_harness.h"
#include "checkpoint_box.h"

static char shared_path[64];
static const char *thread_mode;

static int exec_threads(void *arg)
{
	return exec_sibling("thread_prog", shared_path, thread_mode);
}

/* Wait up to @ms for *@word to reach @want. */
static int wait_word(uint64_t *word, uint64_t want, int ms)
{
	while (ms-- > 0 && SHARED_GET(*word) != want)
		usleep(1000);
	return SHARED_GET(*word) == want;
}

FIXTURE(thread) {
	struct thread_page *page;
	pid_t init;
	int image;
	int log;
};

FIXTURE_VARIANT(thread) {
	const char *mode;
	uint64_t nr;		/* threads that set up and check */
	bool checkpoint;
	bool restart;
};

FIXTURE_VARIANT_ADD(thread, never_checkpointed) {
	"threads", TH_NR, false, false };
FIXTURE_VARIANT_ADD(thread, checkpointed_and_left_running) {
	"threads", TH_NR, true, false };
FIXTURE_VARIANT_ADD(thread, restarted) {
	"threads", TH_NR, true, true };
FIXTURE_VARIANT_ADD(thread, leader_exited_never_checkpointed) {
	"leader-exited", LE_WORKERS, false, false };
FIXTURE_VARIANT_ADD(thread, leader_exited_checkpointed_and_left_running) {
	"leader-exited", LE_WORKERS, true, false };
FIXTURE_VARIANT_ADD(thread, leader_exited_restarted) {
	"leader-exited", LE_WORKERS, true, true };
FIXTURE_VARIANT_ADD(thread, many_never_checkpointed) {
	"many", MANY_THREADS + 1, false, false };
FIXTURE_VARIANT_ADD(thread, many_restarted) {
	"many", MANY_THREADS + 1, true, true };

FIXTURE_SETUP(thread)
{
	snprintf(shared_path, sizeof(shared_path), "/tmp/thread-%d", getpid());
	self->page = (struct thread_page *)shared_page_create(shared_path);
	ASSERT_NE(MAP_FAILED, self->page);
	self->image = scratch_file(O_RDWR);
	self->log = scratch_file(O_RDWR);
	ASSERT_GE(self->image, 0);
	ASSERT_GE(self->log, 0);

	thread_mode = variant->mode;
	self->init = container_start(exec_threads, NULL);
	ASSERT_GT(self->init, 0);
	ASSERT_TRUE(wait_word(&self->page->ready, variant->nr, 20000))
		TH_LOG("only %llu of %llu threads set up",
		       (unsigned long long)self->page->ready,
		       (unsigned long long)variant->nr);
}

FIXTURE_TEARDOWN(thread)
{
	if (self->init > 0)
		container_stop(self->init);
	unlink(shared_path);
}

/* What a variant that checkpoints took, for the log: not checked. */
static void print_times(const char *mode, unsigned long long nr,
			double ckpt_ms, double rstrt_ms, long long image_bytes)
{
	ksft_print_msg("%s, %llu threads: checkpoint %.1f ms, restart %.1f ms, image %lld bytes\n",
		       mode, nr, ckpt_ms, rstrt_ms, image_bytes);
}

TEST_F_TIMEOUT(thread, every_thread_finds_its_state, 120)
{
	struct thread_page *p = self->page;
	double ckpt_ms = 0, rstrt_ms = 0;
	int status;

	box_variant_cycle(_metadata, &self->init, self->image, self->log,
			  variant->checkpoint, variant->restart, &ckpt_ms, &rstrt_ms);
	if (variant->checkpoint)
		print_times(variant->mode, variant->nr, ckpt_ms, rstrt_ms,
			    lseek(self->image, 0, SEEK_END));

	/* The threads sleep on cmd in FUTEX_WAIT. */
	SHARED_SET(p->cmd, 1);
	syscall(__NR_futex, &p->cmd, FUTEX_WAKE, INT_MAX, NULL, NULL, 0);
	ASSERT_TRUE(wait_word(&p->checked, variant->nr, 60000))
		TH_LOG("only %llu of %llu threads checked in; failed %#llx in threads %#llx (%s)",
		       (unsigned long long)p->checked,
		       (unsigned long long)variant->nr,
		       (unsigned long long)p->failed,
		       (unsigned long long)p->who, THREAD_CHECKS);
	if (SHARED_GET(p->skipped))
		TH_LOG("not checked here: %#llx (%s)",
		       (unsigned long long)p->skipped, THREAD_CHECKS);
	EXPECT_EQ(0, SHARED_GET(p->failed))
		TH_LOG("failed checks %#llx in threads %#llx (%s)",
		       (unsigned long long)p->failed,
		       (unsigned long long)p->who, THREAD_CHECKS);
	ASSERT_EQ(0, waitpid(self->init, &status, WNOHANG));
}

CKPT_HARNESS_MAIN
