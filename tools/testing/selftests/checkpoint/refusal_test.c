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
/* R35: what a container mounts is not saved. */
FIXTURE_VARIANT_ADD(holder, own_tmpfs) {
	"hold-mnt-tmpfs", EOPNOTSUPP, "task 1 has mounts of its own" };
FIXTURE_VARIANT_ADD(holder, own_bind_mount) {
	"hold-mnt-bind", EOPNOTSUPP, "task 1 has mounts of its own" };
FIXTURE_VARIANT_ADD(holder, own_read_only_remount) {
	"hold-mnt-remount", EOPNOTSUPP, "task 1 has mounts of its own" };
FIXTURE_VARIANT_ADD(holder, own_unmount) {
	"hold-mnt-umount", EOPNOTSUPP, "task 1 has mounts of its own" };

/* A container running sleeper_prog @kind, set up and paused. */
static void start_holder(struct __test_metadata *_metadata,
			 FIXTURE_DATA(holder) *self, const char *kind)
{
	int i;

	snprintf(shared_path, sizeof(shared_path), "/tmp/holder-%d", getpid());
	self->shared = shared_page_create(shared_path);
	ASSERT_NE(MAP_FAILED, self->shared);
	self->image = scratch_file(O_RDWR);
	self->log = scratch_file(O_RDWR);
	ASSERT_GE(self->image, 0);
	ASSERT_GE(self->log, 0);

	hold_kind = kind;
	self->init = container_start(exec_holder, NULL);
	ASSERT_GT(self->init, 0);
	for (i = 0; i < 10000 && SHARED_GET(self->shared->verdict) != 400; i++)
		usleep(1000);
	ASSERT_EQ(400ULL, SHARED_GET(self->shared->verdict))
		TH_LOG("the container did not set up %s", kind);
}

static void stop_holder(FIXTURE_DATA(holder) *self)
{
	if (self->init > 0)
		container_stop(self->init);
	unlink(shared_path);
}

FIXTURE_SETUP(holder)
{
	start_holder(_metadata, self, variant->kind);
}

FIXTURE_TEARDOWN(holder)
{
	stop_holder(self);
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

/* Checkpoint the container, killing it, and restart it: it pauses again. */
static void checkpoint_and_restart(struct __test_metadata *_metadata,
				   FIXTURE_DATA(holder) *self)
{
	char log[1024];
	long pid;

	ASSERT_EQ(0, ckpt(self->init, self->image, self->log, CHECKPOINT_KILL)) {
		read_log(self->log, log, sizeof(log));
		TH_LOG("checkpoint: %m; log: %s", log);
	}
	ASSERT_EQ(self->init, waitpid(self->init, NULL, 0));
	self->init = 0;

	lseek(self->image, 0, SEEK_SET);
	ftruncate(self->log, 0);
	lseek(self->log, 0, SEEK_SET);
	pid = rstrt(self->image, self->log, 0);
	read_log(self->log, log, sizeof(log));
	ASSERT_GT(pid, 0) TH_LOG("restart: %m; log: %s", log);
	self->init = pid;
	/* Back in pause(), which it only leaves when killed. */
	usleep(100000);
	ASSERT_EQ(0, waitpid(pid, NULL, WNOHANG));
	ASSERT_EQ(0, kill(pid, 0));
}

/*
 * R35: a mount namespace of its own that is a copy of ours, as unshare -m
 * leaves it, is no refusal: restart gives the container a copy again.
 */
FIXTURE(mnt_copy) {
	FIXTURE_DATA(holder) h;
};

FIXTURE_SETUP(mnt_copy)
{
	start_holder(_metadata, &self->h, "hold-mnt-copy");
}

FIXTURE_TEARDOWN(mnt_copy)
{
	stop_holder(&self->h);
}

TEST_F_TIMEOUT(mnt_copy, saved_and_restarted, 60)
{
	checkpoint_and_restart(_metadata, &self->h);
}

CKPT_HARNESS_MAIN
