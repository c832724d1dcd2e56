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
 * mlocked one is resident, that of the one locked with MLOCK_ONFAULT
 * only the pages it touched are, that the WIPEONFORK one reads zero in
 * a child, its locked total (VmLck) and its coredump_filter.  It exits
 * with the number of the first check that failed.
 *
 * mlockall(MCL_FUTURE), with and without MCL_ONFAULT: what was mapped
 * before stays unlocked, what was mapped after is locked, and so is
 * what the restored task maps.  An mm laid out bottom-up (exec under
 * ADDR_COMPAT_LAYOUT) places new mappings where it would have; so does
 * a top-down one.  membarrier(2) registrations come back.  Locks are bounded by the restored
 * task's RLIMIT_MEMLOCK and CAP_IPC_LOCK, not by the restarter's: a
 * task that locked within its limit comes back under a restarter with
 * a lower one and without CAP_IPC_LOCK.
 *
 * Refused at checkpoint, with the container left running: a mapping
 * sealed with mseal(2); memory locked above an RLIMIT_MEMLOCK lowered
 * since.  Refused at restart: a restarter under PR_SET_MDWE, which the
 * restored address space would not keep.  (Seccomp is saved now:
 * seccomp_test; PR_SET_THP_DISABLE, PR_SET_MEMORY_MERGE and PR_SET_MDWE
 * too: attr_test.)
 */
#define _GNU_SOURCE
#include <linux/membarrier.h>
#include <sys/mman.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/resource.h>

#include "checkpoint_util.h"
#include "../kselftest_harness.h"
#include "checkpoint_box.h"

#ifndef PR_SET_MDWE
#define PR_SET_MDWE		65
#define PR_GET_MDWE		66
#define PR_MDWE_REFUSE_EXEC_GAIN	(1UL << 0)
#endif
#ifndef MLOCK_ONFAULT
#define MLOCK_ONFAULT		0x01
#endif
#ifndef MCL_ONFAULT
#define MCL_ONFAULT		4
#endif
#ifndef __NR_mseal
#define __NR_mseal		462
#endif

#define REGION_PAGES	4
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
#define NR_REGIONS	(ARRAY_SIZE(regions))

static char *ctl;
static char *region[NR_REGIONS];
static char *onfault;		/* mlock2(MLOCK_ONFAULT), half touched */
static long vmlck;		/* VmLck before the checkpoint, in kB */
static char *probe;		/* where mmap() put a fresh region last */
static long page;

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

/* A "Name:   N kB" line of /proc/self/status, or -1. */
static long status_kb(const char *name)
{
	char line[256];
	long kb = -1;
	FILE *f = fopen("/proc/self/status", "r");
	size_t n = strlen(name);

	while (f && fgets(line, sizeof(line), f))
		if (!strncmp(line, name, n) && line[n] == ':')
			kb = atol(line + n + 1);
	if (f)
		fclose(f);
	return kb;
}

/* Which of @n pages at @p are resident, as a bit mask; -1 on error. */
static long resident(void *p, unsigned int n)
{
	unsigned char vec[64];
	unsigned int i;
	long mask = 0;

	if (n > 64 || mincore(p, n * page, vec))
		return -1;
	for (i = 0; i < n; i++)
		if (vec[i] & 1)
			mask |= 1L << i;
	return mask;
}

/*
 * Where mmap() places a fresh region now, unmapped again: the same
 * address after the restart means the same layout (top-down or
 * bottom-up) from the same base.  Nothing may be mapped in between.
 */
static char *probe_placement(void)
{
	char *p = mmap(NULL, 5 * page, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return NULL;
	munmap(p, 5 * page);
	return p;
}

/* A fresh region of @pages with a gap after it, so that none merge. */
static char *map_region(unsigned int pages)
{
	char *p = mmap(NULL, (pages + 1) * page, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED || munmap(p + pages * page, page))
		return NULL;
	return p;
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
		char *p = map_region(REGION_PAGES);

		if (!p)
			return 10;
		memset(p, 'a' + i, REGION_PAGES * page);
		if (regions[i].advice ? madvise(p, REGION_PAGES * page, regions[i].advice) :
					mlock(p, REGION_PAGES * page))
			return 11;
		region[i] = p;
	}
	/* Locked before it is touched: only its first two pages fault in. */
	onfault = map_region(REGION_PAGES);
	if (!onfault || syscall(__NR_mlock2, onfault, REGION_PAGES * page, MLOCK_ONFAULT))
		return 13;
	memset(onfault, 'z', 2 * page);
	if (resident(onfault, REGION_PAGES) != 3)
		return 14;
	vmlck = status_kb("VmLck");
	if (vmlck != 2 * REGION_PAGES * page / 1024)
		return 15;
	if (write_file("/proc/self/coredump_filter", "0x3b"))
		return 12;
	probe = probe_placement();
	return probe ? 0 : 16;
}

/* After the restart: each region as it was. */
static int check_regions(void)
{
	char flags[512], buf[16];
	unsigned int i, j;
	int fd, status;
	pid_t pid;

	/* First, before stdio maps anything: top-down from the same base. */
	if (probe_placement() != probe)
		return 68;
	for (i = 0; i < NR_REGIONS; i++) {
		vmflags(region[i], flags, sizeof(flags));
		if (!has_flag(flags, regions[i].flag))
			return 20 + i;
		for (j = 0; j < REGION_PAGES * page; j += page)
			if (region[i][j] != 'a' + (char)i)
				return 40 + i;
	}
	/* The locked region is resident. */
	if (resident(region[NR_REGIONS - 1], REGION_PAGES) != (1 << REGION_PAGES) - 1)
		return 61;
	/* The MLOCK_ONFAULT one: locked so, its two touched pages back only. */
	vmflags(onfault, flags, sizeof(flags));
	if (!has_flag(flags, "lo") || !has_flag(flags, "lf"))
		return 64;
	if (resident(onfault, REGION_PAGES) != 3)
		return 65;
	if (onfault[0] != 'z' || onfault[page] != 'z')
		return 66;
	if (status_kb("VmLck") != vmlck)
		return 67;
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
	M_LOCKALL,
	M_LOCKALL_ONFAULT,
	M_MSEAL,
	M_MDWE_TREE,
	M_OWN_LIMIT,
	M_LIMIT_LOWERED,
	M_LEGACY_LAYOUT,
	M_MEMBARRIER,
};

static enum mode mode;

/* Take @cap out of the effective set only: the restarter may still grant it. */
static int drop_effective(cap_value_t cap)
{
	cap_t c = cap_get_proc();
	int ret;

	if (!c)
		return -1;
	ret = cap_set_flag(c, CAP_EFFECTIVE, 1, &cap, CAP_CLEAR) || cap_set_proc(c);
	cap_free(c);
	return ret ? -1 : 0;
}

/*
 * mlockall(MCL_FUTURE), with MCL_ONFAULT in M_LOCKALL_ONFAULT: @before
 * is mapped before, @after after it and touched in its first page.
 */
static char *before, *after;

static int set_up_lockall(void)
{
	int onf = mode == M_LOCKALL_ONFAULT;

	before = map_region(REGION_PAGES);
	if (!before || mlockall(MCL_FUTURE | (onf ? MCL_ONFAULT : 0)))
		return 80;
	after = map_region(REGION_PAGES);
	if (!after)
		return 81;
	after[0] = 'y';
	/* MCL_FUTURE alone populates what is mapped; MCL_ONFAULT does not. */
	if (resident(after, REGION_PAGES) != (onf ? 1 : (1 << REGION_PAGES) - 1))
		return 82;
	/* With the heap stdio grew under MCL_FUTURE, which is locked too. */
	vmlck = status_kb("VmLck");
	return vmlck >= REGION_PAGES * page / 1024 ? 0 : 83;
}

static int check_lockall(void)
{
	int onf = mode == M_LOCKALL_ONFAULT;
	char flags[512], *fresh;
	long lck = status_kb("VmLck");

	if (lck != vmlck)
		return 83;
	vmflags(before, flags, sizeof(flags));
	if (has_flag(flags, "lo"))
		return 84;
	vmflags(after, flags, sizeof(flags));
	if (!has_flag(flags, "lo") || has_flag(flags, "lf") != onf || after[0] != 'y')
		return 85;
	if (resident(after, REGION_PAGES) != (onf ? 1 : (1 << REGION_PAGES) - 1))
		return 86;
	/* The mm's default flags: what it maps now is locked too. */
	lck = status_kb("VmLck");
	fresh = map_region(REGION_PAGES);
	if (!fresh)
		return 87;
	if (status_kb("VmLck") != lck + REGION_PAGES * page / 1024)
		return 90;
	vmflags(fresh, flags, sizeof(flags));
	if (!has_flag(flags, "lo") || has_flag(flags, "lf") != onf)
		return 88;
	return resident(fresh, REGION_PAGES) == (onf ? 0 : (1 << REGION_PAGES) - 1) ? 0 : 89;
}

/*
 * Without CAP_IPC_LOCK, with RLIMIT_MEMLOCK at @OWN_LIMIT pages, all of
 * them locked.  Its restarter has a limit of one page.
 */
#define OWN_LIMIT	8
static char *own;

static int set_up_own_limit(void)
{
	struct rlimit lim = { OWN_LIMIT * page, OWN_LIMIT * page };
	char *extra;

	if (drop_effective(CAP_IPC_LOCK) || setrlimit(RLIMIT_MEMLOCK, &lim))
		return 91;
	own = map_region(OWN_LIMIT);
	if (!own || mlock(own, OWN_LIMIT * page))
		return 92;
	memset(own, 'x', OWN_LIMIT * page);
	/* One page more is more than it may lock. */
	extra = map_region(1);
	if (!extra || !mlock(extra, page) || errno != ENOMEM)
		return 93;
	return munmap(extra, page) ? 93 : 0;
}

static int check_own_limit(void)
{
	struct rlimit lim;
	char flags[512];
	cap_flag_value_t v;
	cap_t c;

	vmflags(own, flags, sizeof(flags));
	if (!has_flag(flags, "lo") || own[OWN_LIMIT * page - 1] != 'x')
		return 94;
	if (status_kb("VmLck") != OWN_LIMIT * page / 1024)
		return 95;
	if (getrlimit(RLIMIT_MEMLOCK, &lim) || lim.rlim_cur != (rlim_t)OWN_LIMIT * page)
		return 96;
	c = cap_get_proc();
	if (!c || cap_get_flag(c, CAP_IPC_LOCK, CAP_EFFECTIVE, &v) || v != CAP_CLEAR)
		return 97;
	cap_free(c);
	return 0;
}

/*
 * membarrier(2): every registration the kernel offers; after the
 * restart the same are registered, and the expedited commands work
 * (-EPERM unregistered).
 */
static int registered;

static int set_up_membarrier(void)
{
	static const int cmds[] = {
		MEMBARRIER_CMD_REGISTER_GLOBAL_EXPEDITED,
		MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED,
		MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED_SYNC_CORE,
		MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED_RSEQ,
	};
	int offered = syscall(__NR_membarrier, MEMBARRIER_CMD_QUERY, 0, 0);
	unsigned int i;

	if (offered < 0 || !(offered & MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED))
		return 100;
	for (i = 0; i < ARRAY_SIZE(cmds); i++)
		if (offered & cmds[i] && syscall(__NR_membarrier, cmds[i], 0, 0))
			return 101;
	registered = syscall(__NR_membarrier, MEMBARRIER_CMD_GET_REGISTRATIONS, 0, 0);
	return registered & MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED ? 0 : 102;
}

static int check_membarrier(void)
{
	if (syscall(__NR_membarrier, MEMBARRIER_CMD_GET_REGISTRATIONS, 0, 0) != registered)
		return 103;
	if (syscall(__NR_membarrier, MEMBARRIER_CMD_PRIVATE_EXPEDITED, 0, 0))
		return 104;
	if (registered & MEMBARRIER_CMD_REGISTER_GLOBAL_EXPEDITED &&
	    syscall(__NR_membarrier, MEMBARRIER_CMD_GLOBAL_EXPEDITED, 0, 0))
		return 105;
	if (registered & MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED_SYNC_CORE &&
	    syscall(__NR_membarrier, MEMBARRIER_CMD_PRIVATE_EXPEDITED_SYNC_CORE, 0, 0))
		return 106;
	return 0;
}

/* What the refusal modes set up; 0 or a setup failure. */
static int set_up_refused(void)
{
	char *p = mmap(NULL, page, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return 30;
	switch (mode) {
	case M_LIMIT_LOWERED: {
		struct rlimit lim = { page, page };
		char *q = map_region(REGION_PAGES);

		/* Locked within its limit, which it lowers after. */
		if (!q || drop_effective(CAP_IPC_LOCK) || mlock(q, REGION_PAGES * page))
			return 31;
		return setrlimit(RLIMIT_MEMLOCK, &lim) ? 32 : 0;
	}
	case M_MSEAL:
		return syscall(__NR_mseal, p, page, 0) ? 31 : 0;
	default:
		return 0;
	}
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
		while (strcmp(ctl + BOX_GO_OFF, "go"))
			usleep(10000);
		_exit(prctl(PR_GET_MDWE, 0, 0, 0, 0) == PR_MDWE_REFUSE_EXEC_GAIN ? 0 : 72);
	}
	box_ready_wait_go(ctl);
	if (prctl(PR_GET_MDWE, 0, 0, 0, 0) != PR_MDWE_REFUSE_EXEC_GAIN)
		return 73;
	if (waitpid(child, &status, 0) != child || !WIFEXITED(status))
		return 74;
	return WEXITSTATUS(status);
}

static int container_main(int m)
{
	int ret;

	mode = m;
	page = sysconf(_SC_PAGESIZE);
	ctl = box_map_ctl();
	if (!ctl)
		return 2;
	if (mode == M_MDWE_TREE)
		return mdwe_tree();
	switch (mode) {
	case M_ADVISED:
		ret = set_up_regions();
		break;
	case M_LOCKALL:
	case M_LOCKALL_ONFAULT:
		ret = set_up_lockall();
		break;
	case M_OWN_LIMIT:
		ret = set_up_own_limit();
		break;
	case M_MEMBARRIER:
		ret = set_up_membarrier();
		break;
	case M_LEGACY_LAYOUT:
		/* Bottom-up from about a third of the address space. */
		probe = probe_placement();
		ret = probe && (unsigned long)probe < (1UL << 46) &&
		      personality(0xffffffff) & ADDR_COMPAT_LAYOUT ? 0 : 98;
		break;
	default:
		ret = set_up_refused();
	}
	if (ret)
		return ret;
	box_ready_wait_go(ctl);
	switch (mode) {
	case M_ADVISED:
		return check_regions();
	case M_LOCKALL:
	case M_LOCKALL_ONFAULT:
		return check_lockall();
	case M_OWN_LIMIT:
		return check_own_limit();
	case M_LEGACY_LAYOUT:
		return probe_placement() == probe ? 0 : 99;
	case M_MEMBARRIER:
		return check_membarrier();
	default:
		return 0;
	}
}

BOX_INIT_MAIN("VMFLAGS", container_main)

/* Before the container's exec: exec(2) lays the mm out bottom-up from a legacy base. */
static int legacy_layout(int m)
{
	return m == M_LEGACY_LAYOUT && personality(ADDR_COMPAT_LAYOUT) < 0;
}

FIXTURE(vmflags) {
	struct ckpt_box b;
};

FIXTURE_SETUP(vmflags)
{
	box_open(_metadata, &self->b);
	self->b.pre_exec = legacy_layout;
}

FIXTURE_TEARDOWN(vmflags)
{
	box_close(&self->b);
}

TEST_F_TIMEOUT(vmflags, advice_and_locks_come_back, 60)
{
	struct ckpt_box *b = &self->b;
	char log[4096];
	int status;

	box_start(_metadata, b, M_ADVISED);
	ASSERT_EQ(0, box_checkpoint(b, CHECKPOINT_KILL, log, sizeof(log)))
		TH_LOG("checkpoint: %s", log);
	box_restart_go_wait(_metadata, b, &status);
	ASSERT_TRUE(WIFEXITED(status)) TH_LOG("restored init: status %#x", status);
	/* 20+i: region i lost its flag; 40+i: its contents; 60-63: see above. */
	EXPECT_EQ(0, WEXITSTATUS(status))
		TH_LOG("restored init failed check %d", WEXITSTATUS(status));
}

/* A tree under deny-write-execute comes back under it, every process. */
TEST_F_TIMEOUT(vmflags, mdwe_tree_comes_back, 60)
{
	struct ckpt_box *b = &self->b;
	char log[4096];
	int status;

	box_start(_metadata, b, M_MDWE_TREE);
	ASSERT_EQ(0, box_checkpoint(b, CHECKPOINT_KILL, log, sizeof(log)))
		TH_LOG("checkpoint: %s", log);
	box_restart_go_wait(_metadata, b, &status);
	ASSERT_TRUE(WIFEXITED(status)) TH_LOG("restored init: status %#x", status);
	EXPECT_EQ(0, WEXITSTATUS(status))
		TH_LOG("restored tree failed check %d", WEXITSTATUS(status));
}

/* A restarter under deny-write-execute restores nothing that lacks it. */
TEST_F_TIMEOUT(vmflags, mdwe_restarter_refused, 60)
{
	struct ckpt_box *b = &self->b;
	char log[4096];
	int status;
	pid_t child;

	box_start(_metadata, b, M_ADVISED);
	ASSERT_EQ(0, box_checkpoint(b, CHECKPOINT_KILL, log, sizeof(log)))
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

/* Restart and let it go on; the restored init's exit status, or -1. */
static int restart_and_wait(struct __test_metadata *_metadata, struct ckpt_box *b)
{
	char log[4096];
	int status;
	long pid;

	pid = box_restart(b, b->image, log, sizeof(log));
	EXPECT_GT(pid, 0) TH_LOG("restart: %s; log: %s", strerror(-pid), log);
	if (pid <= 0)
		return -1;
	box_go(b);
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

/* mlockall(MCL_FUTURE), alone and with MCL_ONFAULT. */
FIXTURE(lockall) {
	struct ckpt_box b;
};

FIXTURE_VARIANT(lockall) {
	enum mode mode;
};

FIXTURE_VARIANT_ADD(lockall, future) {
	.mode = M_LOCKALL,
};
FIXTURE_VARIANT_ADD(lockall, future_onfault) {
	.mode = M_LOCKALL_ONFAULT,
};

FIXTURE_SETUP(lockall)
{
	box_open(_metadata, &self->b);
	self->b.pre_exec = legacy_layout;
}

FIXTURE_TEARDOWN(lockall)
{
	box_close(&self->b);
}

TEST_F_TIMEOUT(lockall, future_mappings_stay_locked, 60)
{
	struct ckpt_box *b = &self->b;
	char log[4096];

	box_start(_metadata, b, variant->mode);
	ASSERT_EQ(0, box_checkpoint(b, CHECKPOINT_KILL, log, sizeof(log)))
		TH_LOG("checkpoint: %s", log);
	/* 84-90: see check_lockall(). */
	EXPECT_EQ(0, restart_and_wait(_metadata, b));
}

/* An mm laid out bottom-up places what it maps after the restart so. */
TEST_F_TIMEOUT(vmflags, legacy_layout_comes_back, 60)
{
	struct ckpt_box *b = &self->b;
	char log[4096];

	box_start(_metadata, b, M_LEGACY_LAYOUT);
	ASSERT_EQ(0, box_checkpoint(b, CHECKPOINT_KILL, log, sizeof(log)))
		TH_LOG("checkpoint: %s", log);
	/* 99: mmap() placed a region elsewhere than before. */
	EXPECT_EQ(0, restart_and_wait(_metadata, b));
}

/* membarrier(2) registrations come back, and what they allow works. */
TEST_F_TIMEOUT(vmflags, membarrier_registrations_come_back, 60)
{
	struct ckpt_box *b = &self->b;
	char log[4096];

	box_start(_metadata, b, M_MEMBARRIER);
	ASSERT_EQ(0, box_checkpoint(b, CHECKPOINT_KILL, log, sizeof(log)))
		TH_LOG("checkpoint: %s", log);
	/* 103: other registrations; 104-106: an expedited command failed. */
	EXPECT_EQ(0, restart_and_wait(_metadata, b));
}

/*
 * The restored init locks what it had locked within its own
 * RLIMIT_MEMLOCK, without CAP_IPC_LOCK, though its restarter's limit is
 * one page and it has no CAP_IPC_LOCK either.
 */
TEST_F_TIMEOUT(vmflags, locks_within_the_tasks_own_limit, 60)
{
	struct ckpt_box *b = &self->b;
	char log[4096];
	int status;
	pid_t child;

	box_start(_metadata, b, M_OWN_LIMIT);
	ASSERT_EQ(0, box_checkpoint(b, CHECKPOINT_KILL, log, sizeof(log)))
		TH_LOG("checkpoint: %s", log);
	child = fork();
	ASSERT_GE(child, 0);
	if (child == 0) {
		struct rlimit lim;
		int ret;

		if (getrlimit(RLIMIT_MEMLOCK, &lim))
			_exit(200);
		lim.rlim_cur = page;
		if (drop_effective(CAP_IPC_LOCK) || setrlimit(RLIMIT_MEMLOCK, &lim))
			_exit(201);
		/* It is the restored init's parent, and reaps it. */
		ret = restart_and_wait(_metadata, b);
		_exit(ret < 0 ? 202 : ret);
	}
	ASSERT_EQ(child, waitpid(child, &status, 0));
	read_log(b->log, log, sizeof(log));
	ASSERT_TRUE(WIFEXITED(status));
	/* 94-97: see check_own_limit(); 200-202 the restarter. */
	EXPECT_EQ(0, WEXITSTATUS(status)) TH_LOG("restored init: %d; log: %s",
						 WEXITSTATUS(status), log);
}

FIXTURE(refused) {
	struct ckpt_box b;
};

FIXTURE_VARIANT(refused) {
	enum mode mode;
	const char *reason;
};

FIXTURE_VARIANT_ADD(refused, memlock_lowered) {
	.mode = M_LIMIT_LOWERED, .reason = "above its RLIMIT_MEMLOCK of 4 KiB",
};
FIXTURE_VARIANT_ADD(refused, mseal) {
	.mode = M_MSEAL, .reason = "mseal",
};

FIXTURE_SETUP(refused)
{
	box_open(_metadata, &self->b);
	self->b.pre_exec = legacy_layout;
}

FIXTURE_TEARDOWN(refused)
{
	box_close(&self->b);
}

TEST_F_TIMEOUT(refused, by_name_and_unharmed, 60)
{
	struct ckpt_box *b = &self->b;
	char log[4096];
	int err, status;

	box_start(_metadata, b, variant->mode);
	err = box_checkpoint(b, CHECKPOINT_KILL, log, sizeof(log));
	EXPECT_EQ(EOPNOTSUPP, err) TH_LOG("checkpoint: %s; log: %s", strerror(err), log);
	EXPECT_NE(NULL, strstr(log, variant->reason))
		TH_LOG("not refused for \"%s\"; log: %s", variant->reason, log);
	/* Unharmed: still there, and still running. */
	EXPECT_EQ(0, waitpid(b->init, &status, WNOHANG));
	EXPECT_EQ(0, kill(b->init, 0));
}

CKPT_HARNESS_MAIN
