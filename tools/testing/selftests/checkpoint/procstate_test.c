// SPDX-License-Identifier: GPL-2.0
/*
 * Process state of issue 11's inventory that had been silently dropped:
 * now saved, or refused by name with the container left running.
 *
 * Saved, checked by the restored container's init itself:
 * - CPU clocks go on from where they were, never back: the process's
 *   (with a thread that exited before the checkpoint), each live
 *   thread's, times(2) and getrusage(2) for the process and for the
 *   children it waited for;
 * - the pid namespace's ns_last_pid (the next fork takes the pid after
 *   it, not the lowest free one) and vm.memfd_noexec;
 * - the sysctls of an ipc namespace of the container's own (kernel.shm*,
 *   msg*, sem, *_next_id, fs.mqueue.*), and the next ids in use.
 *
 * The ipc sysctls need a restarter that could set them itself.
 *
 * Refused at checkpoint: a task in a cgroup other than the init's, a
 * controlling terminal of a session the container leads.
 *
 * The container's init is this program again (see maybe_container()),
 * meeting the test through a shared control file.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/msg.h>
#include <sys/resource.h>
#include <sys/shm.h>
#include <sys/stat.h>
#include <sys/times.h>
#include <time.h>

#include "checkpoint_util.h"
#include "../kselftest_harness.h"
#include "checkpoint_box.h"

#define CHILD_OFF	128	/* M_CGROUP: the idle child is up */
#define SAYS_OFF	256	/* what the restored init says went wrong */

enum mode {
	M_CLOCKS,
	M_PIDNS,
	M_CGROUP,
	M_CTTY,
	M_IPC,
	M_IPC_USED,
};

static enum mode mode;
static char *ctl;

static bool go(void)
{
	return !strcmp(ctl + BOX_GO_OFF, "go");
}

static uint64_t clock_ns(clockid_t clk)
{
	struct timespec ts;

	if (clock_gettime(clk, &ts))
		return 0;
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static uint64_t tv_ns(struct timeval tv)
{
	return tv.tv_sec * 1000000000ULL + tv.tv_usec * 1000ULL;
}

/* Use @ms of CPU time in the calling thread. */
static void burn(unsigned int ms)
{
	uint64_t end = clock_ns(CLOCK_THREAD_CPUTIME_ID) + ms * 1000000ULL;

	while (clock_ns(CLOCK_THREAD_CPUTIME_ID) < end)
		;
}

/* ---- M_CLOCKS ---- */

struct clocks {
	uint64_t process, main, live;	/* ns */
	uint64_t self_rusage, children_rusage;	/* ns */
	clock_t self_ticks, children_ticks;	/* times(2) */
};

static _Atomic int live_burnt, clocks_read;
static pthread_t live;

static void *exiting_thread(void *arg)
{
	burn(300);
	return NULL;
}

static void *live_thread(void *arg)
{
	burn(100);
	live_burnt = 1;
	/* Alive until the restored init has read its clock. */
	while (!clocks_read)
		usleep(10000);
	return NULL;
}

static int read_clocks(struct clocks *c)
{
	struct rusage self, children;
	clockid_t live_clk;
	struct tms t;

	if (pthread_getcpuclockid(live, &live_clk) ||
	    getrusage(RUSAGE_SELF, &self) || getrusage(RUSAGE_CHILDREN, &children) ||
	    times(&t) == (clock_t)-1)
		return -1;
	c->process = clock_ns(CLOCK_PROCESS_CPUTIME_ID);
	c->main = clock_ns(CLOCK_THREAD_CPUTIME_ID);
	c->live = clock_ns(live_clk);
	if (!c->process || !c->main || !c->live)
		return -1;
	c->self_rusage = tv_ns(self.ru_utime) + tv_ns(self.ru_stime);
	c->children_rusage = tv_ns(children.ru_utime) + tv_ns(children.ru_stime);
	c->self_ticks = t.tms_utime + t.tms_stime;
	c->children_ticks = t.tms_cutime + t.tms_cstime;
	return 0;
}

static struct clocks before;

/*
 * A thread that used 300 ms and exited, one that used 100 ms and lives,
 * a child that used 200 ms and was waited for, the main thread 50 ms.
 */
static int set_up_clocks(void)
{
	pthread_t t;
	pid_t child;
	int status;

	if (pthread_create(&t, NULL, exiting_thread, NULL) || pthread_join(t, NULL) ||
	    pthread_create(&live, NULL, live_thread, NULL))
		return 10;
	child = fork();
	if (child == 0) {
		burn(200);
		_exit(0);
	}
	if (child < 0 || waitpid(child, &status, 0) != child || status)
		return 11;
	burn(50);
	while (!live_burnt)
		usleep(10000);
	if (read_clocks(&before) || before.process < 450000000ULL)
		return 12;
	return 0;
}

/* Each clock at least where it was; 20 + which went back. */
static int check_clocks(void)
{
	struct clocks after;

	if (read_clocks(&after))
		return 19;
	clocks_read = 1;
	snprintf(ctl + SAYS_OFF, 4096 - SAYS_OFF,
		 "process %llu -> %llu, main %llu -> %llu, live thread %llu -> %llu, rusage %llu -> %llu, children %llu -> %llu, ticks %ld -> %ld, children %ld -> %ld",
		 (unsigned long long)before.process, (unsigned long long)after.process,
		 (unsigned long long)before.main, (unsigned long long)after.main,
		 (unsigned long long)before.live, (unsigned long long)after.live,
		 (unsigned long long)before.self_rusage, (unsigned long long)after.self_rusage,
		 (unsigned long long)before.children_rusage,
		 (unsigned long long)after.children_rusage,
		 (long)before.self_ticks, (long)after.self_ticks,
		 (long)before.children_ticks, (long)after.children_ticks);
	if (after.process < before.process)
		return 20;
	if (after.main < before.main)
		return 21;
	if (after.live < before.live)
		return 22;
	if (after.self_rusage < before.self_rusage)
		return 23;
	if (after.children_rusage < before.children_rusage)
		return 24;
	if (after.self_ticks < before.self_ticks)
		return 25;
	if (after.children_ticks < before.children_ticks)
		return 26;
	return pthread_join(live, NULL) ? 27 : 0;
}

/* ---- M_PIDNS ---- */

static long read_long(const char *path)
{
	char buf[32] = "";
	int fd = open(path, O_RDONLY);
	ssize_t n;

	if (fd < 0)
		return -100;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	return n > 0 ? strtol(buf, NULL, 10) : -100;
}

static long last_pid;

/* Six children gone, so the next pid is 8, not the lowest free (2). */
static int set_up_pidns(void)
{
	int i, fd;

	for (i = 0; i < 6; i++) {
		pid_t c = fork();

		if (c == 0)
			_exit(0);
		if (c < 0 || waitpid(c, NULL, 0) != c)
			return 40;
	}
	fd = open("/proc/sys/vm/memfd_noexec", O_WRONLY);
	if (fd < 0 || write(fd, "1", 1) != 1)
		return 41;
	close(fd);
	last_pid = read_long("/proc/sys/kernel/ns_last_pid");
	return last_pid == 7 ? 0 : 42;
}

static int check_pidns(void)
{
	pid_t c;

	if (read_long("/proc/sys/kernel/ns_last_pid") != last_pid)
		return 50;
	if (read_long("/proc/sys/vm/memfd_noexec") != 1)
		return 51;
	c = fork();
	if (c == 0)
		_exit(0);
	if (c < 0 || waitpid(c, NULL, 0) != c)
		return 52;
	return c == last_pid + 1 ? 0 : 53;
}

/* ---- M_IPC ---- */

/* Each differs from a new ipc namespace's default. */
static const struct {
	const char *path, *value;
} ipc_sysctls[] = {
	{ "/proc/sys/kernel/shmmax", "123456789" },
	{ "/proc/sys/kernel/shmall", "987654" },
	{ "/proc/sys/kernel/shmmni", "111" },
	{ "/proc/sys/kernel/shm_rmid_forced", "1" },
	{ "/proc/sys/kernel/msgmax", "4000" },
	{ "/proc/sys/kernel/msgmnb", "5000" },
	{ "/proc/sys/kernel/msgmni", "77" },
	{ "/proc/sys/kernel/sem", "251\t32001\t33\t129" },
	{ "/proc/sys/kernel/sem_next_id", "4321" },
	{ "/proc/sys/kernel/msg_next_id", "555" },
	{ "/proc/sys/kernel/shm_next_id", "1234" },
	{ "/proc/sys/fs/mqueue/queues_max", "33" },
	{ "/proc/sys/fs/mqueue/msg_max", "20" },
	{ "/proc/sys/fs/mqueue/msgsize_max", "4096" },
	{ "/proc/sys/fs/mqueue/msg_default", "5" },
	{ "/proc/sys/fs/mqueue/msgsize_default", "1024" },
};

static int write_str(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = write(fd, s, strlen(s));
	close(fd);
	return n == (ssize_t)strlen(s) ? 0 : -1;
}

/* @path's contents without the newline, in @buf. */
static int read_str(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	if (buf[n - 1] == '\n')
		buf[n - 1] = '\0';
	return 0;
}

/* An ipc namespace of its own, every sysctl of it set. */
static int set_up_ipc(void)
{
	unsigned int i;

	if (unshare(CLONE_NEWIPC))
		return 80;
	for (i = 0; i < ARRAY_SIZE(ipc_sysctls); i++)
		if (write_str(ipc_sysctls[i].path, ipc_sysctls[i].value)) {
			snprintf(ctl + SAYS_OFF, 4096 - SAYS_OFF, "cannot write %s: %m",
				 ipc_sysctls[i].path);
			return 81;
		}
	return 0;
}

/* Each reads back; the next message queue takes the id that was chosen. */
static int check_ipc(void)
{
	char buf[64];
	unsigned int i;
	int id;

	for (i = 0; i < ARRAY_SIZE(ipc_sysctls); i++) {
		if (read_str(ipc_sysctls[i].path, buf, sizeof(buf)))
			return 82;
		if (strcmp(buf, ipc_sysctls[i].value)) {
			snprintf(ctl + SAYS_OFF, 4096 - SAYS_OFF, "%s is \"%s\", not \"%s\"",
				 ipc_sysctls[i].path, buf, ipc_sysctls[i].value);
			return 83;
		}
	}
	id = msgget(IPC_PRIVATE, IPC_CREAT | 0600);
	if (id >= 0)
		msgctl(id, IPC_RMID, NULL);
	return id == 555 ? 0 : 84;
}

/* ---- refusals ---- */

/*
 * An ipc namespace of its own that had a segment, removed since: no
 * object is left, but the next one would get an id a new namespace
 * cannot give.
 */
static int set_up_ipc_used(void)
{
	int id;

	if (unshare(CLONE_NEWIPC))
		return 90;
	id = shmget(IPC_PRIVATE, 4096, IPC_CREAT | 0600);
	if (id < 0 || shmctl(id, IPC_RMID, NULL))
		return 91;
	return 0;
}

/* A child the test moves to a cgroup of its own. */
static int set_up_cgroup(void)
{
	pid_t c = fork();

	if (c == 0) {
		for (;;)
			pause();
	}
	if (c < 0)
		return 60;
	put_str(ctl + CHILD_OFF, "up");
	return 0;
}

/*
 * Lead a session and take the pty the test holds the master of as
 * controlling terminal, then close it: no fd is left to be refused, the
 * terminal stays the session's.
 */
static int set_up_ctty(void)
{
	const char *pts = getenv("PROC_PTS");
	int fd;

	if (!pts || setsid() < 0)
		return 70;
	fd = open(pts, O_RDWR);
	if (fd < 0 || ioctl(fd, TIOCSCTTY, 0))
		return 71;
	close(fd);
	return 0;
}

static int container_main(int m)
{
	int ret;

	mode = m;
	ctl = box_map_ctl();
	if (!ctl)
		return 2;
	switch (mode) {
	case M_CLOCKS:
		ret = set_up_clocks();
		break;
	case M_PIDNS:
		ret = set_up_pidns();
		break;
	case M_CGROUP:
		ret = set_up_cgroup();
		break;
	case M_CTTY:
		ret = set_up_ctty();
		break;
	case M_IPC:
		ret = set_up_ipc();
		break;
	case M_IPC_USED:
		ret = set_up_ipc_used();
		break;
	default:
		ret = 3;
	}
	if (ret)
		return ret;
	box_ready(ctl);
	while (!go())
		usleep(10000);
	if (mode == M_CLOCKS)
		return check_clocks();
	if (mode == M_PIDNS)
		return check_pidns();
	if (mode == M_IPC)
		return check_ipc();
	return 0;
}

BOX_INIT_MAIN("PROC", container_main)

FIXTURE(saved) {
	struct ckpt_box b;
};

FIXTURE_SETUP(saved)
{
	box_open(_metadata, &self->b);
}

FIXTURE_TEARDOWN(saved)
{
	box_close(&self->b);
}

/* R33: 20-27, see check_clocks(). */
TEST_F_TIMEOUT(saved, cpu_clocks_go_on, 90)
{
	char log[4096];

	box_start(_metadata, &self->b, M_CLOCKS);
	ASSERT_EQ(0, box_checkpoint(&self->b, CHECKPOINT_KILL, log, sizeof(log)))
		TH_LOG("checkpoint: %s", log);
	EXPECT_EQ(0, box_restore_and_wait(_metadata, &self->b, 0, NULL))
		TH_LOG("%s", self->b.ctl + SAYS_OFF);
}

/* R41: 50-53, see check_pidns(). */
TEST_F_TIMEOUT(saved, pid_namespace_sysctls, 60)
{
	char log[4096];

	box_start(_metadata, &self->b, M_PIDNS);
	ASSERT_EQ(0, box_checkpoint(&self->b, CHECKPOINT_KILL, log, sizeof(log)))
		TH_LOG("checkpoint: %s", log);
	EXPECT_EQ(0, box_restore_and_wait(_metadata, &self->b, 0, NULL));
}

/* Restart @b's image from a pid namespace whose vm.memfd_noexec is 2. */
static int restart_under_enforced_noexec(struct ckpt_box *b)
{
	int fd, status;
	pid_t pid;

	if (unshare(CLONE_NEWPID))
		return 10;
	pid = fork();
	if (pid == 0) {
		fd = open("/proc/sys/vm/memfd_noexec", O_WRONLY);
		if (fd < 0 || write(fd, "2", 1) != 1)
			_exit(11);
		lseek(b->image, 0, SEEK_SET);
		ftruncate(b->log, 0);
		if (rstrt(b->image, b->log, 0) >= 0)
			_exit(12);
		_exit(errno == EPERM ? 0 : 13);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return 14;
	return WEXITSTATUS(status);
}

/* R41: a restarter under a stricter vm.memfd_noexec restarts nothing. */
TEST_F_TIMEOUT(saved, stricter_memfd_noexec_refused, 60)
{
	char log[4096];
	int status;
	pid_t pid;

	box_start(_metadata, &self->b, M_PIDNS);
	ASSERT_EQ(0, box_checkpoint(&self->b, CHECKPOINT_KILL, log, sizeof(log)))
		TH_LOG("checkpoint: %s", log);
	pid = fork();
	ASSERT_GE(pid, 0);
	if (pid == 0)
		_exit(restart_under_enforced_noexec(&self->b));
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	read_log(self->b.log, log, sizeof(log));
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status)) TH_LOG("log: %s", log);
	EXPECT_NE(NULL, strstr(log, "vm.memfd_noexec 1, which cannot be set here"))
		TH_LOG("log: %s", log);
}

/* R34: 80-84, see set_up_ipc() and check_ipc(). */
TEST_F_TIMEOUT(saved, ipc_namespace_sysctls, 60)
{
	char log[4096];

	box_start(_metadata, &self->b, M_IPC);
	ASSERT_EQ(0, box_checkpoint(&self->b, CHECKPOINT_KILL, log, sizeof(log)))
		TH_LOG("checkpoint: %s", log);
	EXPECT_EQ(0, box_restore_and_wait(_metadata, &self->b, 0, NULL))
		TH_LOG("%s", self->b.ctl + SAYS_OFF);
}

/*
 * Restart @b's image with every capability but as effective uid 1000,
 * who may not write the ipc sysctls of the namespace restart creates.
 */
static int restart_as_another_euid(struct ckpt_box *b)
{
	cap_flag_value_t p;
	cap_value_t v;
	cap_t caps;

	if (setresuid(-1, 1000, -1))
		return 10;
	/* Effective capabilities went with euid 0; permitted ones stay. */
	caps = cap_get_proc();
	if (!caps)
		return 11;
	for (v = 0; v <= CAP_LAST_CAP; v++)
		if (!cap_get_flag(caps, v, CAP_PERMITTED, &p) && p == CAP_SET)
			cap_set_flag(caps, CAP_EFFECTIVE, 1, &v, CAP_SET);
	if (cap_set_proc(caps))
		return 12;
	cap_free(caps);
	lseek(b->image, 0, SEEK_SET);
	ftruncate(b->log, 0);
	if (rstrt(b->image, b->log, 0) >= 0)
		return 13;
	return errno == EPERM ? 0 : 14;
}

/* R34: only what the restarter could have set by hand. */
TEST_F_TIMEOUT(saved, ipc_sysctls_need_the_namespace_root, 60)
{
	static const char refused[] =
		"the container had kernel.shmmax 123456789, which the restarter may not set";
	char log[4096];
	int status;
	pid_t pid;

	box_start(_metadata, &self->b, M_IPC);
	ASSERT_EQ(0, box_checkpoint(&self->b, CHECKPOINT_KILL, log, sizeof(log)))
		TH_LOG("checkpoint: %s", log);
	pid = fork();
	ASSERT_GE(pid, 0);
	if (pid == 0)
		_exit(restart_as_another_euid(&self->b));
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	read_log(self->b.log, log, sizeof(log));
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status)) TH_LOG("log: %s", log);
	EXPECT_NE(NULL, strstr(log, refused))
		TH_LOG("log: %s", log);
}

FIXTURE(refused) {
	struct ckpt_box b;
	char cgroup[256], mnt[96], sub[320];
	int master;
};

FIXTURE_SETUP(refused)
{
	box_open(_metadata, &self->b);
	self->cgroup[0] = '\0';
	self->mnt[0] = '\0';
	self->sub[0] = '\0';
	self->master = -1;
}

FIXTURE_TEARDOWN(refused)
{
	int i;

	box_close(&self->b);
	if (self->master >= 0)
		close(self->master);
	for (i = 0; self->sub[0] && rmdir(self->sub) && errno == EBUSY && i < 100; i++)
		usleep(10000);
	if (self->mnt[0]) {
		umount2(self->mnt, MNT_DETACH);
		rmdir(self->mnt);
	}
}

static void refused_and_unharmed(struct __test_metadata *_metadata,
				 struct ckpt_box *b, const char *reason)
{
	char log[4096];
	int err, status;

	err = box_checkpoint(b, CHECKPOINT_KILL, log, sizeof(log));
	EXPECT_EQ(EOPNOTSUPP, err) TH_LOG("checkpoint: %s; log: %s", strerror(err), log);
	EXPECT_NE(NULL, strstr(log, reason))
		TH_LOG("not refused for \"%s\"; log: %s", reason, log);
	EXPECT_EQ(0, waitpid(b->init, &status, WNOHANG));
	EXPECT_EQ(0, kill(b->init, 0));
}

/* A cgroup2 hierarchy: the one mounted, or one we mount. */
static void find_cgroup2(struct __test_metadata *_metadata, char *dir, size_t len,
			 char *mnt, size_t mlen)
{
	char line[512], path[256], type[64];
	FILE *f = fopen("/proc/self/mounts", "r");

	dir[0] = '\0';
	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "%*s %255s %63s", path, type) == 2 &&
		    !strcmp(type, "cgroup2")) {
			snprintf(dir, len, "%s", path);
			break;
		}
	if (f)
		fclose(f);
	if (dir[0])
		return;
	snprintf(mnt, mlen, "/tmp/procstate-cg-%d", getpid());
	ASSERT_EQ(0, mkdir(mnt, 0700));
	ASSERT_EQ(0, mount("cgroup2", mnt, "cgroup2", 0, NULL)) TH_LOG("mount cgroup2: %m");
	snprintf(dir, len, "%s", mnt);
}

/* R29 */
TEST_F_TIMEOUT(refused, task_in_another_cgroup, 60)
{
	char path[400], pid[32];
	FILE *f;
	int fd, i;

	find_cgroup2(_metadata, self->cgroup, sizeof(self->cgroup),
		     self->mnt, sizeof(self->mnt));
	snprintf(self->sub, sizeof(self->sub), "%s/procstate-%d", self->cgroup, getpid());
	ASSERT_EQ(0, mkdir(self->sub, 0755)) TH_LOG("mkdir %s: %m", self->sub);
	box_start(_metadata, &self->b, M_CGROUP);
	for (i = 0; i < 500 && strcmp(self->b.ctl + CHILD_OFF, "up"); i++)
		usleep(10000);
	/* The init's only child, by its pid here. */
	snprintf(path, sizeof(path), "/proc/%d/task/%d/children", self->b.init, self->b.init);
	f = fopen(path, "r");
	ASSERT_NE(NULL, f);
	ASSERT_EQ(1, fscanf(f, "%31s", pid));
	fclose(f);
	snprintf(path, sizeof(path), "%s/cgroup.procs", self->sub);
	fd = open(path, O_WRONLY);
	ASSERT_GE(fd, 0);
	ASSERT_EQ((ssize_t)strlen(pid), write(fd, pid, strlen(pid))) TH_LOG("move %s: %m", pid);
	close(fd);
	refused_and_unharmed(_metadata, &self->b, "is not in the cgroups of the container's init");
}

TEST_F_TIMEOUT(refused, ipc_ids_handed_out, 60)
{
	box_start(_metadata, &self->b, M_IPC_USED);
	refused_and_unharmed(_metadata, &self->b, "has had System V IPC objects");
}

/* R31 */
TEST_F_TIMEOUT(refused, controlling_terminal, 60)
{
	char pts[160];
	int n, unlock = 0;

	snprintf(self->mnt, sizeof(self->mnt), "/tmp/procstate-pts-%d", getpid());
	ASSERT_EQ(0, mkdir(self->mnt, 0700));
	ASSERT_EQ(0, mount("devpts", self->mnt, "devpts", 0, "newinstance,ptmxmode=0666"))
		TH_LOG("mount devpts: %m");
	snprintf(pts, sizeof(pts), "%s/ptmx", self->mnt);
	self->master = open(pts, O_RDWR | O_NOCTTY);
	ASSERT_GE(self->master, 0);
	ASSERT_EQ(0, ioctl(self->master, TIOCSPTLCK, &unlock));
	ASSERT_EQ(0, ioctl(self->master, TIOCGPTN, &n));
	snprintf(pts, sizeof(pts), "%s/%d", self->mnt, n);
	setenv("PROC_PTS", pts, 1);
	box_start(_metadata, &self->b, M_CTTY);
	unsetenv("PROC_PTS");
	refused_and_unharmed(_metadata, &self->b, "has a controlling terminal");
}

CKPT_HARNESS_MAIN
