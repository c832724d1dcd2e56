// SPDX-License-Identifier: GPL-2.0
/*
 * What madvise(2), mlock(2) and /proc/PID/coredump_filter set on an
 * address space comes back after a restart, and what is not saved is
 * refused by name.
 *
 * The container's init (a clone of this test) maps one region per
 * advice, fills it, advises it, writes coredump_filter, and says it is
 * ready through a shared file mapping.  It is checkpointed and killed,
 * restarted, told to go on, and then checks itself: the VmFlags that
 * /proc/self/smaps shows for each region, its contents, that the
 * mlocked one is resident, that the WIPEONFORK one reads zero in a
 * child, and its coredump_filter.  It exits with the number of the
 * first check that failed.
 *
 * Refused at checkpoint, with the container left running: an mm under
 * mlockall(MCL_FUTURE), a mapping locked with MLOCK_ONFAULT or sealed
 * with mseal(2).  Refused at restart: a restarter under PR_SET_MDWE,
 * which the restored address space would not keep.  (Seccomp is saved
 * now: seccomp_test; PR_SET_THP_DISABLE, PR_SET_MEMORY_MERGE and
 * PR_SET_MDWE too: attr_test.)
 */
#define _GNU_SOURCE
#include <sys/mman.h>
#include <sys/prctl.h>

#include "checkpoint_util.h"
#include "../kselftest_harness.h"

#ifndef PR_SET_MDWE
#define PR_SET_MDWE		65
#define PR_GET_MDWE		66
#define PR_MDWE_REFUSE_EXEC_GAIN	(1UL << 0)
#endif
#ifndef MLOCK_ONFAULT
#define MLOCK_ONFAULT		0x01
#endif
#ifndef __NR_mseal
#define __NR_mseal		462
#endif

#define REGION_PAGES	4
#define READY_OFF	0
#define GO_OFF		64
#define FILTER		"0000003b"	/* as read back; not the default 33 */

static const struct {
	int advice;	/* 0: mlock() */
	const char *flag;	/* as smaps' VmFlags shows it */
} regions[] = {
	{ MADV_DONTFORK, "dc" },
	{ MADV_WIPEONFORK, "wf" },
	{ MADV_DONTDUMP, "dd" },
	{ MADV_HUGEPAGE, "hg" },
	{ MADV_NOHUGEPAGE, "nh" },
	{ MADV_MERGEABLE, "mg" },
	{ MADV_SEQUENTIAL, "sr" },
	{ MADV_RANDOM, "rr" },
	{ 0, "lo" },
};
#define NR_REGIONS	(sizeof(regions) / sizeof(regions[0]))

static char ctl_path[64];
static char *ctl;
static char *region[NR_REGIONS];
static long page;

/* Map the control file: the test and the container meet there. */
static char *map_ctl(void)
{
	int fd = open(ctl_path, O_RDWR);
	char *p;

	if (fd < 0)
		return NULL;
	p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	close(fd);
	return p == MAP_FAILED ? NULL : p;
}

static int write_file(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = write(fd, s, strlen(s));
	close(fd);
	return n == (ssize_t)strlen(s) ? 0 : -1;
}

/* The VmFlags line of the mapping that starts at @addr, or "". */
static void vmflags(void *addr, char *out, size_t len)
{
	char line[512], want[32];
	bool in = false;
	FILE *f = fopen("/proc/self/smaps", "r");

	out[0] = '\0';
	snprintf(want, sizeof(want), "%lx-", (unsigned long)addr);
	while (f && fgets(line, sizeof(line), f)) {
		if (!strncmp(line, want, strlen(want)))
			in = true;
		else if (in && !strncmp(line, "VmFlags:", 8)) {
			snprintf(out, len, "%s", line + 8);
			break;
		}
	}
	if (f)
		fclose(f);
}

static bool has_flag(const char *flags, const char *flag)
{
	char word[4];

	snprintf(word, sizeof(word), " %s", flag);
	return strstr(flags, word) != NULL;
}

static int set_up_regions(void)
{
	unsigned int i;

	for (i = 0; i < NR_REGIONS; i++) {
		/* A gap after each, so that no two merge. */
		char *p = mmap(NULL, (REGION_PAGES + 1) * page, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		if (p == MAP_FAILED ||
		    munmap(p + REGION_PAGES * page, page))
			return 10;
		memset(p, 'a' + i, REGION_PAGES * page);
		if (regions[i].advice ? madvise(p, REGION_PAGES * page, regions[i].advice) :
					mlock(p, REGION_PAGES * page))
			return 11;
		region[i] = p;
	}
	return write_file("/proc/self/coredump_filter", "0x3b") ? 12 : 0;
}

/* After the restart: each region as it was. */
static int check_regions(void)
{
	char flags[512], buf[16];
	unsigned int i, j;
	int fd, status;
	pid_t pid;

	for (i = 0; i < NR_REGIONS; i++) {
		vmflags(region[i], flags, sizeof(flags));
		if (!has_flag(flags, regions[i].flag))
			return 20 + i;
		for (j = 0; j < REGION_PAGES * page; j += page)
			if (region[i][j] != 'a' + (char)i)
				return 40 + i;
	}
	/* The locked region is resident. */
	{
		unsigned char vec[REGION_PAGES];

		if (mincore(region[NR_REGIONS - 1], REGION_PAGES * page, vec))
			return 60;
		for (j = 0; j < REGION_PAGES; j++)
			if (!(vec[j] & 1))
				return 61;
	}
	/* WIPEONFORK does what it says. */
	pid = fork();
	if (pid == 0)
		_exit(region[1][0] != 0);
	if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
	    WEXITSTATUS(status))
		return 62;
	fd = open("/proc/self/coredump_filter", O_RDONLY);
	memset(buf, 0, sizeof(buf));
	if (fd < 0 || read(fd, buf, sizeof(buf) - 1) < 8 || strncmp(buf, FILTER, 8))
		return 63;
	close(fd);
	return 0;
}

enum mode {
	M_ADVISED,
	M_MLOCKALL,
	M_ONFAULT,
	M_MSEAL,
	M_MDWE_TREE,
};

static enum mode mode;

/* What the refusal modes set up; 0 or a setup failure. */
static int set_up_refused(void)
{
	char *p = mmap(NULL, page, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return 30;
	switch (mode) {
	case M_MLOCKALL:
		return mlockall(MCL_FUTURE) ? 31 : 0;
	case M_ONFAULT:
		return syscall(__NR_mlock2, p, page, MLOCK_ONFAULT) ? 31 : 0;
	case M_MSEAL:
		return syscall(__NR_mseal, p, page, 0) ? 31 : 0;
	default:
		return 0;
	}
}

/* The container's init: this program again, with nothing of the harness. */
static int container(void *arg)
{
	char m[16];

	syscall(__NR_close_range, 0, ~0U, 0);
	snprintf(m, sizeof(m), "%d", mode);
	setenv("VMFLAGS_MODE", m, 1);
	setenv("VMFLAGS_CTL", ctl_path, 1);
	execl("/proc/self/exe", "vmflags_test", NULL);
	return 127;
}

/*
 * An init under deny-write-execute and a child that inherited it, each
 * with its own mm: both come back with it (the child's mm is built by
 * its restored parent, not by the restarter).
 */
static int mdwe_tree(void)
{
	int status;
	pid_t child;

	if (prctl(PR_SET_MDWE, PR_MDWE_REFUSE_EXEC_GAIN, 0, 0, 0))
		return 70;
	child = fork();
	if (child < 0)
		return 71;
	if (child == 0) {
		while (strcmp(ctl + GO_OFF, "go"))
			usleep(10000);
		_exit(prctl(PR_GET_MDWE, 0, 0, 0, 0) == PR_MDWE_REFUSE_EXEC_GAIN ? 0 : 72);
	}
	strcpy(ctl + READY_OFF, "ready");
	while (strcmp(ctl + GO_OFF, "go"))
		usleep(10000);
	if (prctl(PR_GET_MDWE, 0, 0, 0, 0) != PR_MDWE_REFUSE_EXEC_GAIN)
		return 73;
	if (waitpid(child, &status, 0) != child || !WIFEXITED(status))
		return 74;
	return WEXITSTATUS(status);
}

static int container_main(void)
{
	int ret;

	page = sysconf(_SC_PAGESIZE);
	ctl = map_ctl();
	if (!ctl)
		return 2;
	if (mode == M_MDWE_TREE)
		return mdwe_tree();
	ret = mode == M_ADVISED ? set_up_regions() : set_up_refused();
	if (ret)
		return ret;
	strcpy(ctl + READY_OFF, "ready");
	while (strcmp(ctl + GO_OFF, "go"))
		usleep(10000);
	return mode == M_ADVISED ? check_regions() : 0;
}

/* A container, its image and log, and the control file both map. */
struct box {
	pid_t init;
	int image, log;
	char *ctl;
};

static void box_set_up(struct __test_metadata *_metadata, struct box *self)
{
	int fd;

	page = sysconf(_SC_PAGESIZE);
	snprintf(ctl_path, sizeof(ctl_path), "/tmp/vmflags-%d", getpid());
	fd = open(ctl_path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	ASSERT_GE(fd, 0);
	ASSERT_EQ(0, ftruncate(fd, 4096));
	close(fd);
	self->ctl = map_ctl();
	ASSERT_NE(NULL, self->ctl);
	self->image = scratch_file(O_RDWR);
	self->log = scratch_file(O_RDWR);
	ASSERT_GE(self->image, 0);
	ASSERT_GE(self->log, 0);
	self->init = 0;
}

static void box_tear_down(struct box *self)
{
	if (self->init > 0)
		container_stop(self->init);
	unlink(ctl_path);
}

static void start(struct __test_metadata *_metadata, struct box *self, enum mode m)
{
	int i, status;

	mode = m;
	self->init = container_start(container, NULL);
	ASSERT_GT(self->init, 0);
	for (i = 0; i < 1000 && strcmp(self->ctl + READY_OFF, "ready"); i++) {
		if (waitpid(self->init, &status, WNOHANG) == self->init) {
			self->init = 0;
			ASSERT_TRUE(0) TH_LOG("the container exited while setting up: %#x",
					      status);
		}
		usleep(10000);
	}
	ASSERT_LT(i, 1000) TH_LOG("the container did not set up");
}

/* Checkpoint: 0 or the errno, with the log in @log. */
static int checkpoint(struct box *self, uint64_t flags, char *log, size_t len)
{
	long ret;
	int i;

	for (i = 0; i < 50; i++) {
		ftruncate(self->image, 0);
		lseek(self->image, 0, SEEK_SET);
		ftruncate(self->log, 0);
		lseek(self->log, 0, SEEK_SET);
		ret = ckpt(self->init, self->image, self->log, flags);
		if (!ret || (errno != EAGAIN && errno != EBUSY))
			break;
		usleep(100000);
	}
	read_log(self->log, log, len);
	if (ret)
		return errno;
	if (flags & CHECKPOINT_KILL) {
		waitpid(self->init, NULL, 0);
		self->init = 0;
	}
	return 0;
}

/* Run as the container's init, instead of the tests, when asked to. */
static void __attribute__((constructor)) maybe_container(void)
{
	const char *m = getenv("VMFLAGS_MODE"), *c = getenv("VMFLAGS_CTL");

	if (!m || !c)
		return;
	mode = atoi(m);
	snprintf(ctl_path, sizeof(ctl_path), "%s", c);
	unsetenv("VMFLAGS_MODE");
	unsetenv("VMFLAGS_CTL");
	exit(container_main());
}

FIXTURE(vmflags) {
	struct box b;
};

FIXTURE_SETUP(vmflags)
{
	box_set_up(_metadata, &self->b);
}

FIXTURE_TEARDOWN(vmflags)
{
	box_tear_down(&self->b);
}

TEST_F_TIMEOUT(vmflags, advice_and_locks_come_back, 60)
{
	struct box *b = &self->b;
	char log[4096];
	int status;
	long pid;

	start(_metadata, b, M_ADVISED);
	ASSERT_EQ(0, checkpoint(b, CHECKPOINT_KILL, log, sizeof(log)))
		TH_LOG("checkpoint: %s", log);
	lseek(b->image, 0, SEEK_SET);
	ftruncate(b->log, 0);
	lseek(b->log, 0, SEEK_SET);
	pid = rstrt(b->image, b->log, 0);
	read_log(b->log, log, sizeof(log));
	ASSERT_GT(pid, 0) TH_LOG("restart: %s; log: %s", strerror(errno), log);
	strcpy(b->ctl + GO_OFF, "go");
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status)) TH_LOG("restored init: status %#x", status);
	/* 20+i: region i lost its flag; 40+i: its contents; 60-63: see above. */
	EXPECT_EQ(0, WEXITSTATUS(status))
		TH_LOG("restored init failed check %d", WEXITSTATUS(status));
}

/* A tree under deny-write-execute comes back under it, every process. */
TEST_F_TIMEOUT(vmflags, mdwe_tree_comes_back, 60)
{
	struct box *b = &self->b;
	char log[4096];
	int status;
	long pid;

	start(_metadata, b, M_MDWE_TREE);
	ASSERT_EQ(0, checkpoint(b, CHECKPOINT_KILL, log, sizeof(log)))
		TH_LOG("checkpoint: %s", log);
	lseek(b->image, 0, SEEK_SET);
	ftruncate(b->log, 0);
	lseek(b->log, 0, SEEK_SET);
	pid = rstrt(b->image, b->log, 0);
	read_log(b->log, log, sizeof(log));
	ASSERT_GT(pid, 0) TH_LOG("restart: %s; log: %s", strerror(errno), log);
	strcpy(b->ctl + GO_OFF, "go");
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status)) TH_LOG("restored init: status %#x", status);
	EXPECT_EQ(0, WEXITSTATUS(status))
		TH_LOG("restored tree failed check %d", WEXITSTATUS(status));
}

/* A restarter under deny-write-execute restores nothing that lacks it. */
TEST_F_TIMEOUT(vmflags, mdwe_restarter_refused, 60)
{
	struct box *b = &self->b;
	char log[4096];
	int status;
	pid_t child;

	start(_metadata, b, M_ADVISED);
	ASSERT_EQ(0, checkpoint(b, CHECKPOINT_KILL, log, sizeof(log)))
		TH_LOG("checkpoint: %s", log);
	child = fork();
	ASSERT_GE(child, 0);
	if (child == 0) {
		long pid;

		if (prctl(PR_SET_MDWE, PR_MDWE_REFUSE_EXEC_GAIN, 0, 0, 0))
			_exit(100);
		lseek(b->image, 0, SEEK_SET);
		pid = rstrt(b->image, b->log, 0);
		if (pid > 0) {
			kill(pid, SIGKILL);
			_exit(101);
		}
		_exit(errno == EPERM ? 0 : 102);
	}
	ASSERT_EQ(child, waitpid(child, &status, 0));
	read_log(b->log, log, sizeof(log));
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status)) TH_LOG("restart under MDWE: %d; log: %s",
						 WEXITSTATUS(status), log);
	EXPECT_NE(NULL, strstr(log, "PR_SET_MDWE")) TH_LOG("log: %s", log);
}

FIXTURE(refused) {
	struct box b;
};

FIXTURE_VARIANT(refused) {
	enum mode mode;
	const char *reason;
};

FIXTURE_VARIANT_ADD(refused, mlockall_future) {
	.mode = M_MLOCKALL, .reason = "mlockall(MCL_FUTURE)",
};
FIXTURE_VARIANT_ADD(refused, mlock_onfault) {
	.mode = M_ONFAULT, .reason = "MLOCK_ONFAULT",
};
FIXTURE_VARIANT_ADD(refused, mseal) {
	.mode = M_MSEAL, .reason = "mseal",
};

FIXTURE_SETUP(refused)
{
	box_set_up(_metadata, &self->b);
}

FIXTURE_TEARDOWN(refused)
{
	box_tear_down(&self->b);
}

TEST_F_TIMEOUT(refused, by_name_and_unharmed, 60)
{
	struct box *b = &self->b;
	char log[4096];
	int err, status;

	start(_metadata, b, variant->mode);
	err = checkpoint(b, CHECKPOINT_KILL, log, sizeof(log));
	EXPECT_EQ(EOPNOTSUPP, err) TH_LOG("checkpoint: %s; log: %s", strerror(err), log);
	EXPECT_NE(NULL, strstr(log, variant->reason))
		TH_LOG("not refused for \"%s\"; log: %s", variant->reason, log);
	/* Unharmed: still there, and still running. */
	EXPECT_EQ(0, waitpid(b->init, &status, WNOHANG));
	EXPECT_EQ(0, kill(b->init, 0));
}

TEST_HARNESS_MAIN
