// SPDX-License-Identifier: GPL-2.0
/*
 * Restart reopens what the container had open, and must not be fooled
 * into opening something else.  A uid-1000 container (reopen_prog)
 * holds a file in a directory it owns open read-write and maps it
 * MAP_SHARED; it is checkpointed and killed; then its owner swaps the
 * file:
 *
 * - for a symlink to a root-only file, or to /proc/1/mem: restart, run
 *   by root, must refuse (-ELOOP: no symlink is followed), and the
 *   root-only file must be untouched;
 * - for a hard link to the root-only file: refused (-ESTALE: not the
 *   inode the checkpoint saw);
 * - not at all: restart works, and the restored program writes its file
 *   through its fd and its mapping, as its own user, counted against its
 *   user's RLIMIT_NPROC.
 *
 * Also: a procfs file held open is refused at checkpoint, for a reason
 * the log gives, unless the allow-list names it; an image whose tasks
 * have capabilities the restarter lacks is refused; and no restored task
 * inherits the restarter's controlling terminal.
 *
 * What restart finds is checked before it is opened: a FIFO someone
 * else holds (or one an image calls a plain file) is not opened, so a
 * reader waiting for a writer stays waiting; an executable that lost
 * its execute bits or lies on a noexec mount is refused.  /dev/tty and
 * the mqueue filesystem are refused at checkpoint.  A program run from
 * an overlayfs, with a file of it mapped, comes back.
 */
#define _GNU_SOURCE
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <termios.h>
#include <zlib.h>

#include "checkpoint_util.h"
#include "reopen_prog.h"
#include "../kselftest_harness.h"

static char dir[64], file[128], secret[80], old[136];
static char fifo[144], prog[128], mq[80], ovl[80], merged[96];
static const char *prog_mode;
static bool prog_copied;	/* run @prog, not the one beside the test */

#define SECRET	"root's secret, never to be written"

static int exec_reopen(void *arg)
{
	if (prog_copied) {
		execl(prog, "reopen_prog", prog_mode, file, NULL);
		return 127;
	}
	return exec_sibling("reopen_prog", prog_mode, file);
}

/* Copy reopen_prog, which lives beside this test, to @to. */
static int copy_prog(const char *to)
{
	char from[4096];
	ssize_t n = readlink("/proc/self/exe", from, sizeof(from) - 64);
	struct stat st;
	int in, out, ret = -1;

	if (n <= 0)
		return -1;
	from[n] = '\0';
	snprintf(strrchr(from, '/') + 1, 64, "reopen_prog");
	in = open(from, O_RDONLY);
	out = open(to, O_WRONLY | O_CREAT | O_EXCL, 0755);
	if (in >= 0 && out >= 0 && !fstat(in, &st) &&
	    sendfile(out, in, NULL, st.st_size) == st.st_size)
		ret = 0;
	close(in);
	close(out);
	return ret;
}

FIXTURE(reopen) {
	pid_t init;	/* the container, until checkpoint kills it */
	int image;
	int log;
};

FIXTURE_SETUP(reopen)
{
	int fd;

	snprintf(dir, sizeof(dir), "/tmp/reopen-%d", getpid());
	snprintf(file, sizeof(file), "%s/f", dir);
	snprintf(old, sizeof(old), "%s/f.old", dir);
	snprintf(secret, sizeof(secret), "/tmp/reopen-%d.secret", getpid());
	snprintf(fifo, sizeof(fifo), "%s.fifo", file);
	snprintf(prog, sizeof(prog), "%s/prog", dir);
	snprintf(mq, sizeof(mq), "%s/mq", dir);
	snprintf(ovl, sizeof(ovl), "%s/ovl", dir);
	snprintf(merged, sizeof(merged), "%s/merged", ovl);
	prog_copied = false;
	ASSERT_EQ(0, mkdir(dir, 0755));
	ASSERT_EQ(0, chown(dir, REOPEN_UID, REOPEN_UID));
	fd = open(file, O_RDWR | O_CREAT | O_EXCL, 0600);
	ASSERT_GE(fd, 0);
	ASSERT_EQ(0, ftruncate(fd, REOPEN_SIZE));
	ASSERT_EQ(0, fchown(fd, REOPEN_UID, REOPEN_UID));
	close(fd);
	fd = open(secret, O_RDWR | O_CREAT | O_EXCL, 0600);
	ASSERT_GE(fd, 0);
	ASSERT_EQ((ssize_t)sizeof(SECRET), write(fd, SECRET, sizeof(SECRET)));
	ASSERT_EQ(0, ftruncate(fd, REOPEN_SIZE));
	close(fd);
	self->image = scratch_file(O_RDWR);
	self->log = scratch_file(O_RDWR);
	ASSERT_GE(self->image, 0);
	ASSERT_GE(self->log, 0);
	self->init = 0;
}

FIXTURE_TEARDOWN(reopen)
{
	char path[128];
	const char *const sub[] = { "lower/f", "lower/prog", "lower",
				    "upper/f", "upper", "work/work", "work",
				    "merged" };
	unsigned int i;

	if (self->init > 0)
		container_stop(self->init);
	unlink(file);
	unlink(old);
	unlink(fifo);
	unlink(prog);
	umount2(mq, MNT_DETACH);
	rmdir(mq);
	umount2(merged, MNT_DETACH);
	for (i = 0; i < ARRAY_SIZE(sub); i++) {
		snprintf(path, sizeof(path), "%s/%s", ovl, sub[i]);
		unlink(path);
		rmdir(path);
	}
	umount2(ovl, MNT_DETACH);
	rmdir(ovl);
	umount2(dir, MNT_DETACH);
	snprintf(file, sizeof(file), "%s/f", dir);
	unlink(file);
	rmdir(dir);
	unlink(secret);
}

/* Start reopen_prog in @mode and wait until it holds and maps its file. */
static void start(struct __test_metadata *_metadata,
		  FIXTURE_DATA(reopen) *self, const char *mode)
{
	char buf[sizeof(READY_MARK)] = "";
	int fd, i, status;

	prog_mode = mode;
	self->init = container_start(exec_reopen, NULL);
	ASSERT_GT(self->init, 0);
	fd = open(file, O_RDONLY);
	ASSERT_GE(fd, 0);
	for (i = 0; i < 1000; i++) {
		ASSERT_EQ((ssize_t)sizeof(buf), pread(fd, buf, sizeof(buf), READY_OFF));
		if (!memcmp(buf, READY_MARK, sizeof(buf)))
			break;
		if (waitpid(self->init, &status, WNOHANG) == self->init) {
			self->init = 0;
			ASSERT_TRUE(0) TH_LOG("reopen_prog %s exited: status %#x",
					      mode, status);
		}
		usleep(10000);
	}
	close(fd);
	ASSERT_LT(i, 1000) TH_LOG("reopen_prog %s did not set up", mode);
}

/* Have the restored reopen_prog check what it holds, and exit. */
static void go(struct __test_metadata *_metadata)
{
	int fd = open(file, O_RDWR);

	ASSERT_GE(fd, 0);
	ASSERT_EQ((ssize_t)sizeof(GO_MARK), pwrite(fd, GO_MARK, sizeof(GO_MARK), GO_OFF));
	close(fd);
}

/* Checkpoint with @flags; 0 or the errno. */
static int checkpoint(FIXTURE_DATA(reopen) *self, uint64_t flags)
{
	int i;

	ftruncate(self->image, 0);
	lseek(self->image, 0, SEEK_SET);
	ftruncate(self->log, 0);
	lseek(self->log, 0, SEEK_SET);
	for (i = 0; i < 50; i++) {
		if (!ckpt(self->init, self->image, self->log, flags))
			break;
		if (errno != EAGAIN && errno != EBUSY)
			return errno;
		usleep(100000);
	}
	if (i == 50)
		return errno;
	if (flags & CHECKPOINT_KILL) {
		waitpid(self->init, NULL, 0);
		self->init = 0;
	}
	return 0;
}

static void checkpoint_kill(struct __test_metadata *_metadata,
			    FIXTURE_DATA(reopen) *self)
{
	char log[4096];

	ASSERT_EQ(0, checkpoint(self, CHECKPOINT_KILL))
		TH_LOG("checkpoint: %s", (read_log(self->log, log, sizeof(log)), log));
}

/* Restart the image: the restored init's pid, or -errno. */
static long restart_image(FIXTURE_DATA(reopen) *self)
{
	long pid;

	lseek(self->image, 0, SEEK_SET);
	ftruncate(self->log, 0);
	lseek(self->log, 0, SEEK_SET);
	pid = rstrt(self->image, self->log, 0);
	return pid < 0 ? -errno : pid;
}

/*
 * Nothing of a refused restart is left, and the secret is untouched;
 * the log names @name.
 */
static void expect_refused_naming(struct __test_metadata *_metadata,
				  FIXTURE_DATA(reopen) *self, long ret, int err,
				  const char *reason, const char *name)
{
	char log[4096], buf[sizeof(SECRET)];
	int fd, status;

	read_log(self->log, log, sizeof(log));
	if (ret > 0) {
		kill(ret, SIGKILL);
		waitpid(ret, &status, __WALL);
	}
	EXPECT_EQ(-err, ret) TH_LOG("restart: %ld; log: %s", ret, log);
	EXPECT_NE(NULL, strstr(log, reason))
		TH_LOG("not refused for \"%s\"; log: %s", reason, log);
	EXPECT_NE(NULL, strstr(log, name))
		TH_LOG("the log does not name %s: %s", name, log);
	ret = waitpid(-1, &status, WNOHANG | __WALL);
	EXPECT_TRUE(ret == 0 || (ret == -1 && errno == ECHILD))
		TH_LOG("a child was left behind");
	fd = open(secret, O_RDONLY);
	ASSERT_GE(fd, 0);
	ASSERT_EQ((ssize_t)sizeof(buf), read(fd, buf, sizeof(buf)));
	EXPECT_EQ(0, memcmp(buf, SECRET, sizeof(buf)));
	close(fd);
}

static void expect_refused(struct __test_metadata *_metadata,
			   FIXTURE_DATA(reopen) *self, long ret, int err,
			   const char *reason)
{
	expect_refused_naming(_metadata, self, ret, err, reason, file);
}

/* Do @fn as the file's owner, in a child. */
static int as_owner(int (*fn)(const char *target), const char *target)
{
	int status;
	pid_t pid = fork();

	if (pid == 0) {
		if (setresgid(REOPEN_UID, REOPEN_UID, REOPEN_UID) ||
		    setresuid(REOPEN_UID, REOPEN_UID, REOPEN_UID))
			_exit(100);
		_exit(fn(target));
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

static int swap_for_symlink(const char *target)
{
	return rename(file, old) || symlink(target, file) ? errno : 0;
}

static int swap_for_new_file(const char *unused)
{
	int fd;

	if (rename(file, old))
		return errno;
	fd = open(file, O_RDWR | O_CREAT | O_EXCL, 0600);
	if (fd < 0 || ftruncate(fd, REOPEN_SIZE))
		return errno;
	close(fd);
	return 0;
}

/*
 * Whether @pid's root is a mount of its own mount namespace (restart
 * gives the container a copy of the restarter's): the mount id of what
 * /proc/PID/root leads to is one /proc/PID/mountinfo lists.
 */
static bool root_in_own_mount_ns(pid_t pid)
{
	char path[64], line[512];
	struct statx stx;
	bool found = false;
	FILE *f;
	int id;

	snprintf(path, sizeof(path), "/proc/%d/root", pid);
	if (statx(AT_FDCWD, path, 0, STATX_MNT_ID, &stx) ||
	    !(stx.stx_mask & STATX_MNT_ID))
		return false;
	snprintf(path, sizeof(path), "/proc/%d/mountinfo", pid);
	f = fopen(path, "r");
	while (f && !found && fgets(line, sizeof(line), f))
		found = sscanf(line, "%d", &id) == 1 && id == (int)stx.stx_mnt_id;
	if (f)
		fclose(f);
	return found;
}

TEST_F_TIMEOUT(reopen, unchanged_file_comes_back, 60)
{
	char buf[64], log[4096];
	int fd, status;
	long pid;

	start(_metadata, self, "user");
	checkpoint_kill(_metadata, self);
	pid = restart_image(self);
	ASSERT_GT(pid, 0) TH_LOG("restart: %ld; log: %s", pid,
				 (read_log(self->log, log, sizeof(log)), log));
	EXPECT_TRUE(root_in_own_mount_ns(pid))
		TH_LOG("the restored root is not in the container's mount namespace");
	go(_metadata);
	ASSERT_EQ(pid, waitpid(pid, &status, __WALL));
	/* 40s: its file; 46-47: RLIMIT_NPROC (see reopen_prog). */
	ASSERT_TRUE(WIFEXITED(status)) TH_LOG("status %#x", status);
	ASSERT_EQ(0, WEXITSTATUS(status));

	fd = open(file, O_RDONLY);
	ASSERT_GE(fd, 0);
	ASSERT_EQ((ssize_t)sizeof(VIA_FD), pread(fd, buf, sizeof(VIA_FD), FD_OFF));
	EXPECT_EQ(0, memcmp(buf, VIA_FD, sizeof(VIA_FD)));
	ASSERT_EQ((ssize_t)sizeof(VIA_MAP), pread(fd, buf, sizeof(VIA_MAP), MAP_OFF));
	EXPECT_EQ(0, memcmp(buf, VIA_MAP, sizeof(VIA_MAP)));
	close(fd);
}

TEST_F_TIMEOUT(reopen, symlink_to_a_root_only_file_is_refused, 60)
{
	start(_metadata, self, "user");
	checkpoint_kill(_metadata, self);
	ASSERT_EQ(0, as_owner(swap_for_symlink, secret));
	expect_refused(_metadata, self, restart_image(self), ELOOP, "cannot find");
}

TEST_F_TIMEOUT(reopen, symlink_to_proc_1_mem_is_refused, 60)
{
	start(_metadata, self, "user");
	checkpoint_kill(_metadata, self);
	ASSERT_EQ(0, as_owner(swap_for_symlink, "/proc/1/mem"));
	expect_refused(_metadata, self, restart_image(self), ELOOP, "cannot find");
}

TEST_F_TIMEOUT(reopen, hard_link_to_a_root_only_file_is_refused, 60)
{
	start(_metadata, self, "user");
	checkpoint_kill(_metadata, self);
	/* Root makes the link: protected_hardlinks may be on. */
	ASSERT_EQ(0, rename(file, old));
	ASSERT_EQ(0, link(secret, file));
	expect_refused(_metadata, self, restart_image(self), ESTALE,
		       "is not the file it was");
}

TEST_F_TIMEOUT(reopen, another_file_of_the_same_name_is_refused, 60)
{
	start(_metadata, self, "user");
	checkpoint_kill(_metadata, self);
	ASSERT_EQ(0, as_owner(swap_for_new_file, NULL));
	expect_refused(_metadata, self, restart_image(self), ESTALE,
		       "is not the file it was");
}

TEST_F_TIMEOUT(reopen, proc_file_is_refused_at_checkpoint, 60)
{
	char log[4096];

	start(_metadata, self, "proc");
	ASSERT_EQ(EOPNOTSUPP, checkpoint(self, 0));
	read_log(self->log, log, sizeof(log));
	EXPECT_NE(NULL, strstr(log, "/status: files of procfs, sysfs"))
		TH_LOG("log: %s", log);
	EXPECT_EQ(0, kill(self->init, 0)) TH_LOG("the container died");
}

TEST_F_TIMEOUT(reopen, allowed_proc_file_comes_back, 60)
{
	char log[4096];
	int status;
	long pid;

	start(_metadata, self, "meminfo");
	checkpoint_kill(_metadata, self);
	pid = restart_image(self);
	ASSERT_GT(pid, 0) TH_LOG("restart: %ld; log: %s", pid,
				 (read_log(self->log, log, sizeof(log)), log));
	go(_metadata);
	ASSERT_EQ(pid, waitpid(pid, &status, __WALL));
	ASSERT_TRUE(WIFEXITED(status)) TH_LOG("status %#x", status);
	ASSERT_EQ(0, WEXITSTATUS(status));
}

/* In a child: restart with fewer capabilities than the image's tasks. */
static int restart_with_fewer_caps(FIXTURE_DATA(reopen) *self)
{
	const cap_value_t drop[] = { CAP_SYS_RAWIO, CAP_SYS_MODULE };
	char log[4096];
	long pid;

	if (drop_caps(drop, 2))
		return 10;
	pid = restart_image(self);
	read_log(self->log, log, sizeof(log));
	if (pid > 0) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, __WALL);
		return 11;
	}
	if (pid != -EPERM)
		return 12;
	return strstr(log, "capabilities are not a subset of the restarter's") ? 0 : 13;
}

TEST_F_TIMEOUT(reopen, capabilities_beyond_the_restarter_are_refused, 60)
{
	char log[4096];
	int status;
	pid_t child;

	start(_metadata, self, "root");
	checkpoint_kill(_metadata, self);
	child = fork();
	if (child == 0)
		_exit(restart_with_fewer_caps(self));
	ASSERT_EQ(child, waitpid(child, &status, 0));
	read_log(self->log, log, sizeof(log));
	/* 11: restarted anyway; 12: another errno; 13: another reason. */
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status)) TH_LOG("log: %s", log);
}

/* The tty_nr field of /proc/@pid/stat. */
static long tty_of(pid_t pid)
{
	char path[64], buf[512], *p;
	long tty = -1;
	int fd, n;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	p = strrchr(buf, ')');
	/* ") S ppid pgrp session tty_nr" */
	if (p)
		sscanf(p + 2, "%*c %*d %*d %*d %ld", &tty);
	return tty;
}

/*
 * In a child: take a terminal of our own (a pty of a devpts instance in
 * a private mount namespace) as controlling terminal, then restart.
 */
static int restart_with_a_ctty(FIXTURE_DATA(reopen) *self)
{
	char pts[64];
	int master, slave, n, unlock = 0;
	long pid, tty;

	if (unshare(CLONE_NEWNS) || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL))
		return 10;
	mkdir("/dev/pts", 0755);
	if (mount("devpts", "/dev/pts", "devpts", 0, "newinstance,ptmxmode=0666"))
		return 11;
	master = open("/dev/pts/ptmx", O_RDWR | O_NOCTTY);
	if (master < 0 || ioctl(master, TIOCSPTLCK, &unlock) ||
	    ioctl(master, TIOCGPTN, &n))
		return 12;
	snprintf(pts, sizeof(pts), "/dev/pts/%d", n);
	if (setsid() < 0)
		return 13;
	slave = open(pts, O_RDWR);
	if (slave < 0 || ioctl(slave, TIOCSCTTY, 0) || tty_of(getpid()) <= 0)
		return 14;
	pid = restart_image(self);
	if (pid <= 0)
		return 15;
	tty = tty_of(pid);
	kill(pid, SIGKILL);
	waitpid(pid, NULL, __WALL);
	return tty ? 16 : 0;
}

TEST_F_TIMEOUT(reopen, no_controlling_terminal_from_the_restarter, 60)
{
	char log[4096];
	int status;
	pid_t child;

	start(_metadata, self, "user");
	checkpoint_kill(_metadata, self);
	child = fork();
	if (child == 0)
		_exit(restart_with_a_ctty(self));
	ASSERT_EQ(child, waitpid(child, &status, 0));
	read_log(self->log, log, sizeof(log));
	/* 1x: no terminal to test with; 15: restart failed; 16: inherited. */
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status)) TH_LOG("log: %s", log);
}

/* A child blocked opening @fifo for reading, waiting for a writer. */
static pid_t reader_waiting(struct __test_metadata *_metadata)
{
	pid_t pid = fork();
	int i;

	if (pid == 0)
		_exit(open(fifo, O_RDONLY) < 0);
	for (i = 0; i < 200 && task_state(pid) != 'S'; i++)
		usleep(10000);
	usleep(50000);
	EXPECT_EQ('S', task_state(pid)) TH_LOG("the reader does not wait");
	return pid;
}

/* The reader still waits: nobody opened @fifo for writing; release it. */
static void reader_still_waits(struct __test_metadata *_metadata, pid_t pid)
{
	int fd, status;

	usleep(100000);
	EXPECT_EQ(0, waitpid(pid, &status, WNOHANG))
		TH_LOG("restart opened the FIFO: its reader woke up");
	fd = open(fifo, O_WRONLY | O_NONBLOCK);
	EXPECT_GE(fd, 0);
	close(fd);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
}

static void start_with_fifo(struct __test_metadata *_metadata,
			    FIXTURE_DATA(reopen) *self)
{
	ASSERT_EQ(0, mkfifo(fifo, 0600));
	ASSERT_EQ(0, chown(fifo, REOPEN_UID, REOPEN_UID));
	start(_metadata, self, "fifo");
	checkpoint_kill(_metadata, self);
}

TEST_F_TIMEOUT(reopen, fifo_held_outside_is_not_opened, 60)
{
	pid_t reader;

	start_with_fifo(_metadata, self);
	reader = reader_waiting(_metadata);
	expect_refused_naming(_metadata, self, restart_image(self), EBUSY,
			      "is open outside the container", fifo);
	reader_still_waits(_metadata, reader);
}

/* Have the image call the FIFO's file a plain file: checksummed again. */
static void fifo_as_plain_file(struct __test_metadata *_metadata, int image)
{
	struct ckpt_rec_trailer *t;
	struct ckpt_rec_file *f;
	unsigned char *buf;
	size_t off, size;
	struct stat st;
	int n = 0;

	ASSERT_EQ(0, fstat(image, &st));
	size = st.st_size;
	buf = malloc(size);
	ASSERT_NE(NULL, buf);
	ASSERT_EQ((ssize_t)size, pread(image, buf, size, 0));
	for (off = 0; off + sizeof(struct ckpt_rec) <= size;) {
		struct ckpt_rec *r = (struct ckpt_rec *)(buf + off);

		ASSERT_GE(r->len, sizeof(*r));
		f = (struct ckpt_rec_file *)r;
		if (r->type == CKPT_REC_FILE && f->kind == CKPT_FILE_FIFO) {
			f->kind = CKPT_FILE_PATH;
			f->obj_ref = 0;
			n++;
		}
		off += (r->len + CKPT_ALIGN - 1) & ~(size_t)(CKPT_ALIGN - 1);
	}
	ASSERT_EQ(1, n);
	t = (struct ckpt_rec_trailer *)(buf + size - sizeof(*t));
	ASSERT_EQ((__u32)CKPT_REC_TRAILER, t->rec.type);
	t->crc = crc32(0, buf, size - sizeof(*t));
	ASSERT_EQ((ssize_t)size, pwrite(image, buf, size, 0));
	free(buf);
}

TEST_F_TIMEOUT(reopen, fifo_called_a_plain_file_is_not_opened, 60)
{
	pid_t reader;

	start_with_fifo(_metadata, self);
	fifo_as_plain_file(_metadata, self->image);
	reader = reader_waiting(_metadata);
	expect_refused_naming(_metadata, self, restart_image(self), ESTALE,
			      "not a regular file or a directory", fifo);
	reader_still_waits(_metadata, reader);
}

TEST_F_TIMEOUT(reopen, executable_without_exec_permission_is_refused, 60)
{
	ASSERT_EQ(0, copy_prog(prog));
	prog_copied = true;
	start(_metadata, self, "user");
	checkpoint_kill(_metadata, self);
	ASSERT_EQ(0, chmod(prog, 0644));
	expect_refused_naming(_metadata, self, restart_image(self), EACCES,
			      "may not be executed", prog);
}

TEST_F_TIMEOUT(reopen, executable_on_a_noexec_mount_is_refused, 60)
{
	ASSERT_EQ(0, copy_prog(prog));
	prog_copied = true;
	start(_metadata, self, "user");
	checkpoint_kill(_metadata, self);
	ASSERT_EQ(0, mount(dir, dir, NULL, MS_BIND, NULL));
	ASSERT_EQ(0, mount(NULL, dir, NULL, MS_REMOUNT | MS_BIND | MS_NOEXEC, NULL));
	expect_refused_naming(_metadata, self, restart_image(self), EACCES,
			      "lies on a noexec mount", prog);
}

/* Checkpoint refuses what reopen_prog @mode holds, saying @why. */
static void refused_at_checkpoint(struct __test_metadata *_metadata,
				  FIXTURE_DATA(reopen) *self, const char *mode,
				  const char *why)
{
	char log[4096];

	start(_metadata, self, mode);
	ASSERT_EQ(EOPNOTSUPP, checkpoint(self, 0));
	read_log(self->log, log, sizeof(log));
	EXPECT_NE(NULL, strstr(log, why)) TH_LOG("log: %s", log);
	EXPECT_EQ(0, kill(self->init, 0)) TH_LOG("the container died");
}

TEST_F_TIMEOUT(reopen, dev_tty_is_refused_at_checkpoint, 60)
{
	refused_at_checkpoint(_metadata, self, "tty",
			      "/dev/tty: /dev/tty is the opener's controlling terminal");
}

TEST_F_TIMEOUT(reopen, mqueue_fs_is_refused_at_checkpoint, 60)
{
	char why[128];

	ASSERT_EQ(0, mkdir(mq, 0755));
	ASSERT_EQ(0, mount("mqueue", mq, "mqueue", 0, NULL));
	snprintf(why, sizeof(why), "%s: files of procfs, sysfs", mq);
	refused_at_checkpoint(_metadata, self, "mqueue", why);
}

/*
 * An overlayfs on tmpfs directories, the program and its file in the
 * lower layer: what it maps are the overlay's backing files, what it
 * named are the overlay's paths, and those come back.
 */
TEST_F_TIMEOUT(reopen, program_on_overlayfs_comes_back, 60)
{
	char path[128], opts[512], log[4096];
	int fd, status;
	long pid;

	ASSERT_EQ(0, mkdir(ovl, 0755));
	ASSERT_EQ(0, mount("tmpfs", ovl, "tmpfs", 0, "mode=0755"));
	snprintf(path, sizeof(path), "%s/lower", ovl);
	ASSERT_EQ(0, mkdir(path, 0755));
	snprintf(path, sizeof(path), "%s/upper", ovl);
	ASSERT_EQ(0, mkdir(path, 0755));
	snprintf(path, sizeof(path), "%s/work", ovl);
	ASSERT_EQ(0, mkdir(path, 0755));
	ASSERT_EQ(0, mkdir(merged, 0755));
	snprintf(path, sizeof(path), "%s/lower/prog", ovl);
	ASSERT_EQ(0, copy_prog(path));
	snprintf(path, sizeof(path), "%s/lower/f", ovl);
	fd = open(path, O_RDWR | O_CREAT | O_EXCL, 0600);
	ASSERT_GE(fd, 0);
	ASSERT_EQ(0, ftruncate(fd, REOPEN_SIZE));
	ASSERT_EQ(0, fchown(fd, REOPEN_UID, REOPEN_UID));
	close(fd);
	snprintf(opts, sizeof(opts), "lowerdir=%s/lower,upperdir=%s/upper,workdir=%s/work",
		 ovl, ovl, ovl);
	ASSERT_EQ(0, mount("overlay", merged, "overlay", 0, opts));
	snprintf(file, sizeof(file), "%s/f", merged);
	snprintf(prog, sizeof(prog), "%s/prog", merged);
	prog_copied = true;

	start(_metadata, self, "user");
	checkpoint_kill(_metadata, self);
	pid = restart_image(self);
	ASSERT_GT(pid, 0) TH_LOG("restart: %ld; log: %s", pid,
				 (read_log(self->log, log, sizeof(log)), log));
	go(_metadata);
	ASSERT_EQ(pid, waitpid(pid, &status, __WALL));
	ASSERT_TRUE(WIFEXITED(status)) TH_LOG("status %#x", status);
	ASSERT_EQ(0, WEXITSTATUS(status));
}

CKPT_HARNESS_MAIN
