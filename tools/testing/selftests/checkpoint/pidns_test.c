// SPDX-License-Identifier: GPL-2.0
/*
 * A container with pid namespaces nested in its own, two levels deep:
 * after a checkpoint and a restart (and, as controls, with no checkpoint
 * at all, or after one that left it running) every task has its pid and
 * parent in its own namespace, the tasks share namespaces as they did,
 * a task that unshared CLONE_NEWPID still creates its children in the
 * namespace below, a nested init still reaps its namespace's orphans
 * and its zombie.  pidns_prog.h draws the tasks and lists the checks.
 */
#define _GNU_SOURCE
#include <sys/mman.h>

#include "checkpoint_util.h"
#include "counter_prog.h"
#include "pidns_prog.h"
#include "../kselftest_harness.h"
#include "checkpoint_box.h"

static char shared_path[64];

static int exec_pidns(void *arg)
{
	return exec_sibling("pidns_prog", shared_path, NULL);
}

/* Wait up to @ms for *@word to reach @want. */
static int wait_word(uint64_t *word, uint64_t want, int ms)
{
	while (ms-- > 0 && SHARED_GET(*word) != want)
		usleep(1000);
	return SHARED_GET(*word) == want;
}

FIXTURE(pidns) {
	struct pidns_page *page;
	pid_t init;
	int image;
	int log;
};

FIXTURE_VARIANT(pidns) {
	bool checkpoint;
	bool restart;
};

FIXTURE_VARIANT_ADD(pidns, never_checkpointed) { false, false };
FIXTURE_VARIANT_ADD(pidns, checkpointed_and_left_running) { true, false };
FIXTURE_VARIANT_ADD(pidns, restarted) { true, true };

FIXTURE_SETUP(pidns)
{
	snprintf(shared_path, sizeof(shared_path), "/tmp/pidns-%d", getpid());
	self->page = (struct pidns_page *)shared_page_create(shared_path);
	ASSERT_NE(MAP_FAILED, self->page);
	self->image = scratch_file(O_RDWR);
	self->log = scratch_file(O_RDWR);
	ASSERT_GE(self->image, 0);
	ASSERT_GE(self->log, 0);

	self->init = container_start(exec_pidns, NULL);
	ASSERT_GT(self->init, 0);
	ASSERT_TRUE(wait_word(&self->page->ready, P_NR, 20000))
		TH_LOG("only %llu of %d tasks set up",
		       (unsigned long long)self->page->ready, P_NR);
}

FIXTURE_TEARDOWN(pidns)
{
	if (self->init > 0)
		container_stop(self->init);
	unlink(shared_path);
}

TEST_F_TIMEOUT(pidns, every_task_keeps_its_namespaces, 120)
{
	struct pidns_page *p = self->page;
	int status;

	box_variant_cycle(_metadata, &self->init, self->image, self->log,
			  variant->checkpoint, variant->restart, NULL, NULL);

	SHARED_SET(p->cmd, 1);
	ASSERT_TRUE(wait_word(&p->checked, P_NR, 30000))
		TH_LOG("only %llu of %d tasks checked in",
		       (unsigned long long)p->checked, P_NR);
	EXPECT_EQ(0ULL, SHARED_GET(p->failed))
		TH_LOG("failed checks %#llx in tasks %#llx (%s)",
		       (unsigned long long)p->failed,
		       (unsigned long long)p->who, PIDNS_CHECKS);

	/* The container's namespace, [1] below it, [2] below that. */
	EXPECT_STREQ(p->link[P_INIT], p->link[P_U]);
	EXPECT_STREQ(p->link[P_N], p->link[P_M]);
	EXPECT_STREQ(p->link[P_N], p->link[P_O]);
	EXPECT_STREQ(p->link[P_N2], p->link[P_W]);
	EXPECT_STRNE(p->link[P_INIT], p->link[P_N]);
	EXPECT_STRNE(p->link[P_N], p->link[P_N2]);
	EXPECT_STRNE(p->link[P_INIT], p->link[P_N2]);
	ASSERT_EQ(0, waitpid(self->init, &status, WNOHANG));
}

CKPT_HARNESS_MAIN
