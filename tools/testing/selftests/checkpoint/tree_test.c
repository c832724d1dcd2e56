// SPDX-License-Identifier: GPL-2.0
/*
 * A container that is a tree of processes: after a checkpoint and a
 * restart (and, as controls, with no checkpoint at all, or after a
 * checkpoint that left it running) every task finds its pid, parent,
 * process group, session, memory, and what it shares with others as
 * they were.  tree_prog.h draws the tree and lists the checks.
 */
#define _GNU_SOURCE
#include <sys/mman.h>

#include "checkpoint_util.h"
#include "counter_prog.h"
#include "tree_prog.h"
#include "../kselftest_harness.h"
#include "checkpoint_box.h"

static char shared_path[64];

static int exec_tree(void *arg)
{
	return exec_sibling("tree_prog", shared_path, NULL);
}

/* Wait up to @ms for *@word to reach @want. */
static int wait_word(uint64_t *word, uint64_t want, int ms)
{
	while (ms-- > 0 && SHARED_GET(*word) != want)
		usleep(1000);
	return SHARED_GET(*word) == want;
}

FIXTURE(tree) {
	struct tree_page *page;
	pid_t init;
	int image;
	int log;
};

FIXTURE_VARIANT(tree) {
	bool checkpoint;
	bool restart;
};

FIXTURE_VARIANT_ADD(tree, never_checkpointed) { false, false };
FIXTURE_VARIANT_ADD(tree, checkpointed_and_left_running) { true, false };
FIXTURE_VARIANT_ADD(tree, restarted) { true, true };

FIXTURE_SETUP(tree)
{
	snprintf(shared_path, sizeof(shared_path), "/tmp/tree-%d", getpid());
	self->page = (struct tree_page *)shared_page_create(shared_path);
	ASSERT_NE(MAP_FAILED, self->page);
	self->image = scratch_file(O_RDWR);
	self->log = scratch_file(O_RDWR);
	ASSERT_GE(self->image, 0);
	ASSERT_GE(self->log, 0);

	self->init = container_start(exec_tree, NULL);
	ASSERT_GT(self->init, 0);
	ASSERT_TRUE(wait_word(&self->page->ready, T_NR, 20000))
		TH_LOG("only %llu of %d tasks set up",
		       (unsigned long long)self->page->ready, T_NR);
}

FIXTURE_TEARDOWN(tree)
{
	char path[80];

	if (self->init > 0)
		container_stop(self->init);
	unlink(shared_path);
	snprintf(path, sizeof(path), "%s.data", shared_path);
	unlink(path);
}

TEST_F_TIMEOUT(tree, every_task_finds_its_place, 120)
{
	struct tree_page *p = self->page;
	int status;

	box_variant_cycle(_metadata, &self->init, self->image, self->log,
			  variant->checkpoint, variant->restart, NULL, NULL);

	SHARED_SET(p->cmd, 1);
	ASSERT_TRUE(wait_word(&p->checked, T_NR, 30000))
		TH_LOG("only %llu of %d tasks checked in",
		       (unsigned long long)p->checked, T_NR);
	EXPECT_EQ(0, SHARED_GET(p->failed))
		TH_LOG("failed checks %#llx in tasks %#llx (%s)",
		       (unsigned long long)p->failed,
		       (unsigned long long)p->who, TREE_CHECKS);
	ASSERT_EQ(0, waitpid(self->init, &status, WNOHANG));
}

CKPT_HARNESS_MAIN
