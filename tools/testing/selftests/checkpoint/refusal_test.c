// SPDX-License-Identifier: GPL-2.0
/*
 * What cannot be saved is refused: checkpoint fails with the errno and
 * a log line naming the reason, leaves no image behind it can restart,
 * and the container carries on.
 */
#define _GNU_SOURCE
#include <limits.h>
#include <sys/mman.h>

#include "checkpoint_util.h"
#include "counter_prog.h"
#include "../kselftest_harness.h"

static char shared_path[64];
static const char *hold_kind;

static int exec_holder(void *arg)
{
	return exec_sibling("sleeper_prog", shared_path, hold_kind);
}

FIXTURE(holder) {
	struct shared_page *shared;
	pid_t init;
	int image;
	int log;
};

FIXTURE_VARIANT(holder) {
	const char *kind;
	int err;
	const char *reason;
};

FIXTURE_VARIANT_ADD(holder, socket) {
	"hold-socket", EOPNOTSUPP, "sockets are not supported" };
FIXTURE_VARIANT_ADD(holder, eventfd) {
	"hold-eventfd", EOPNOTSUPP, "files without a path" };
FIXTURE_VARIANT_ADD(holder, memfd_mapping) {
	"hold-memfd-map", EOPNOTSUPP, "which has no path, is not supported" };
FIXTURE_VARIANT_ADD(holder, sysv_ipc_objects) {
	"hold-sysv-shm", EOPNOTSUPP, "has System V IPC objects" };
FIXTURE_VARIANT_ADD(holder, empty_nested_pid_namespace) {
	"hold-empty-pidns", EOPNOTSUPP, "in a pid namespace with no task in it" };
FIXTURE_VARIANT_ADD(holder, ptraced_task) {
	"hold-ptraced", EOPNOTSUPP, "the task is being ptraced" };
FIXTURE_VARIANT_ADD(holder, vfork_in_progress) {
	"hold-vfork", EOPNOTSUPP, "the task is in vfork()" };

FIXTURE_SETUP(holder)
{
	int i;

	snprintf(shared_path, sizeof(shared_path), "/tmp/holder-%d", getpid());
	self->shared = shared_page_create(shared_path);
	ASSERT_NE(MAP_FAILED, self->shared);
	self->image = scratch_file(O_RDWR);
	self->log = scratch_file(O_RDWR);
	ASSERT_GE(self->image, 0);
	ASSERT_GE(self->log, 0);

	hold_kind = variant->kind;
	self->init = container_start(exec_holder, NULL);
	ASSERT_GT(self->init, 0);
	for (i = 0; i < 10000 && SHARED_GET(self->shared->verdict) != 400; i++)
		usleep(1000);
	ASSERT_EQ(400ULL, SHARED_GET(self->shared->verdict))
		TH_LOG("the container did not set up %s", variant->kind);
}

FIXTURE_TEARDOWN(holder)
{
	if (self->init > 0)
		container_stop(self->init);
	unlink(shared_path);
}

TEST_F_TIMEOUT(holder, refused_and_unharmed, 60)
{
	char log[1024];
	int status;

	ASSERT_EQ(-1, ckpt(self->init, self->image, self->log, CHECKPOINT_KILL));
	ASSERT_EQ(variant->err, errno) TH_LOG("errno %d (%m)", errno);
	read_log(self->log, log, sizeof(log));
	ASSERT_NE(NULL, strstr(log, variant->reason)) TH_LOG("log said: %s", log);

	/* CHECKPOINT_KILL only kills after a complete image. */
	usleep(100000);
	ASSERT_EQ(0, waitpid(self->init, &status, WNOHANG))
		TH_LOG("the container died: status %#x", status);
	ASSERT_EQ(0, kill(self->init, 0));

	/* Whatever was written is no image restart accepts. */
	lseek(self->image, 0, SEEK_SET);
	ASSERT_EQ(-1, rstrt(self->image, -1, 0));
	ASSERT_EQ(EINVAL, errno);
}

TEST_HARNESS_MAIN
