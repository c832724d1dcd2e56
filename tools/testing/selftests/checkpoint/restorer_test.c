// SPDX-License-Identifier: GPL-2.0
/*
 * What a restored task gets from its restarter: nothing but what the
 * restarter could give it itself.
 *
 * Restored tasks are clones of the restarter.  slate_* rows: a restarter
 * with an RT or batch policy, a negative oom_score_adj, one CPU, idle
 * I/O priority, a long timer slack, TSC faulting and I/O port access
 * restarts a uid-1000 container whose init (slate_prog) then reports its
 * own attributes: each must be the image's or a fresh task's.  A
 * restarter under seccomp, or with no_new_privs when the image's tasks
 * had none, is refused rather than lending its confinement or dropping
 * it.  creds_* rows: ids the restarter could not take itself (no
 * CAP_SETUID / CAP_SETGID), its locked securebits, and a crafted image
 * whose effective capabilities exceed its permitted set are refused.
 */
#define _GNU_SOURCE
#include <linux/filter.h>
#include <linux/landlock.h>
#include <linux/seccomp.h>
#include <linux/securebits.h>
#include <sys/io.h>
#include <sys/personality.h>
#include <sys/resource.h>

#include "race_util.h"
#include "slate_prog.h"
#include "../kselftest_harness.h"

#define IOPRIO_WHO_PROCESS	1
#define IOPRIO_CLASS_IDLE	3
#define IOPRIO_CLASS_SHIFT	13

static char slate_path[64];
static const char *slate_uid = "1000";
static const char *slate_flag = "";

/* Container init: slate_prog, next to this binary. */
static int exec_slate(void *arg)
{
	char prog[4096];
	ssize_t n = readlink("/proc/self/exe", prog, sizeof(prog) - 64);
	char *slash;

	if (n <= 0)
		return 126;
	prog[n] = '\0';
	slash = strrchr(prog, '/');
	snprintf(slash ? slash + 1 : prog, 64, "slate_prog");
	/* Nothing of ours: the guest's console, the image, the log. */
	syscall(__NR_close_range, 0U, ~0U, 0U);
	execl(prog, "slate_prog", slate_path, slate_uid, slate_flag, NULL);
	return 127;
}

FIXTURE(slate) {
	struct slate_page *pg;
	pid_t init;
	int img;
	int log;
	long fresh_slack;	/* a task that never set these: ours */
	int fresh_ioprio;
};

FIXTURE_SETUP(slate)
{
	int fd;

	snprintf(slate_path, sizeof(slate_path), "/tmp/slate-%d", getpid());
	fd = open(slate_path, O_RDWR | O_CREAT | O_TRUNC, 0666);
	ASSERT_GE(fd, 0);
	ASSERT_EQ(0, fchmod(fd, 0666));
	ASSERT_EQ(0, ftruncate(fd, 4096));
	self->pg = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	close(fd);
	ASSERT_NE(MAP_FAILED, self->pg);
	self->img = scratch_file(O_RDWR);
	self->log = scratch_file(O_RDWR);
	ASSERT_GE(self->img, 0);
	ASSERT_GE(self->log, 0);
	self->fresh_slack = prctl(PR_GET_TIMERSLACK, 0, 0, 0, 0);
	self->fresh_ioprio = syscall(SYS_ioprio_get, IOPRIO_WHO_PROCESS, 0);
	/* The restored init outlives its restarter: it becomes ours. */
	prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
	slate_uid = "1000";
	slate_flag = "";
}

FIXTURE_TEARDOWN(slate)
{
	if (self->init > 0)
		container_stop(self->init);
	unlink(slate_path);
}

/* Checkpoint (and kill) a slate_prog container of uid 1000. */
static void take_image(struct __test_metadata *_metadata,
		       FIXTURE_DATA(slate) *self, const char *flag)
{
	slate_flag = flag;
	self->init = container_start(exec_slate, NULL);
	ASSERT_GT(self->init, 0);
	WAIT_WHILE(!R_GET(self->pg->ready), 20000)
		;
	ASSERT_EQ(1U, R_GET(self->pg->ready)) TH_LOG("slate_prog did not start");
	ASSERT_EQ(0, ckpt(self->init, self->img, self->log, CHECKPOINT_KILL))
		TH_LOG("checkpoint: %m: %s", log_text(self->log));
	waitpid(self->init, NULL, 0);
	self->init = 0;
	race_page_reset((void *)self->pg);
	lseek(self->img, 0, SEEK_SET);
}

/*
 * Restart the image in a child that first became what @setup makes of
 * it.  Returns the restored init's pid, or minus the errno.
 */
static pid_t restart_as(FIXTURE_DATA(slate) *self, int (*setup)(void))
{
	int p[2];
	pid_t child;
	long res = -EPIPE;

	if (pipe(p))
		return -errno;
	child = fork();
	if (child < 0)
		return -errno;
	if (child == 0) {
		close(p[0]);
		if (setup && setup())
			res = -200;
		else
			res = rstrt(self->img, self->log, 0);
		if (res < 0 && res != -200)
			res = -errno;
		if (write(p[1], &res, sizeof(res)) != sizeof(res))
			_exit(1);
		_exit(0);
	}
	close(p[1]);
	if (read(p[0], &res, sizeof(res)) != sizeof(res))
		res = -EPIPE;
	close(p[0]);
	waitpid(child, NULL, 0);
	return res;
}

/* A restart @setup's restarter may not do: @err, @why logged, no task. */
static void expect_refused(struct __test_metadata *_metadata,
			   FIXTURE_DATA(slate) *self, int (*setup)(void),
			   int err, const char *why)
{
	pid_t left = 0, pid = restart_as(self, setup);

	if (pid > 0)
		self->init = pid;
	ASSERT_NE(-200, pid) TH_LOG("the restarter could not be set up: %m");
	ASSERT_EQ(-err, pid) TH_LOG("restart gave %d, not -%d; log: %s",
				    pid, err, log_text(self->log));
	ASSERT_NE(NULL, strstr(log_text(self->log), why))
		TH_LOG("log said: %s", log_text(self->log));
	ASSERT_TRUE(foreign_tasks_gone(5000, &left)) TH_LOG("task %d is left", left);
}

/* Ask the restored program for its report. */
static int ask_report(FIXTURE_DATA(slate) *self)
{
	R_SET(self->pg->req, 1);
	WAIT_WHILE(R_GET(self->pg->ack) != 1, 20000)
		;
	return R_GET(self->pg->ack) == 1;
}

/* A restarter that lends all it can: see the variants. */
static int restarter_policy;

#define MPOL_DEFAULT	0
#define MPOL_PREFERRED	1
static unsigned long node0 = 1;

static int lending_restarter(void)
{
	struct sched_param sp = { .sched_priority = 0 };
	cpu_set_t one;

	if (restarter_policy == SCHED_FIFO)
		sp.sched_priority = 10;
	if (write_file("/proc/self/oom_score_adj", "-500") ||
	    sched_setscheduler(0, restarter_policy, &sp))
		return -1;
	if (restarter_policy != SCHED_FIFO && setpriority(PRIO_PROCESS, 0, -7))
		return -1;
	CPU_ZERO(&one);
	CPU_SET(0, &one);
	if (sched_setaffinity(0, sizeof(one), &one) ||
	    syscall(SYS_ioprio_set, IOPRIO_WHO_PROCESS, 0,
		    IOPRIO_CLASS_IDLE << IOPRIO_CLASS_SHIFT) ||
	    prctl(PR_SET_TIMERSLACK, 1000000, 0, 0, 0) ||
	    prctl(PR_SET_TSC, PR_TSC_SIGSEGV, 0, 0, 0) ||
	    /* Without CONFIG_X86_IOPL_IOPERM nobody has port access. */
	    (iopl(3) && !no_such_syscall(errno)) ||
	    personality(PER_LINUX | READ_IMPLIES_EXEC | ADDR_NO_RANDOMIZE) < 0)
		return -1;
	/* Node 0 preferred; there is no such syscall without CONFIG_NUMA. */
	if (syscall(SYS_set_mempolicy, MPOL_PREFERRED, &node0, 8 * sizeof(node0)) &&
	    !no_such_syscall(errno))
		return -1;
	return 0;
}

/*
 * Restored by a restarter with other attributes, the init finds its own
 * nice and personality (the image's) and a fresh task's policy, CPUs,
 * OOM adjustment, I/O priority, timer slack, TSC mode and no port access.
 */
static void attributes_not_lent(struct __test_metadata *_metadata,
				FIXTURE_DATA(slate) *self, int policy)
{
	struct slate_page *pg = self->pg;
	long ncpus = sysconf(_SC_NPROCESSORS_ONLN);
	pid_t pid;

	take_image(_metadata, self, "");
	restarter_policy = policy;
	pid = restart_as(self, lending_restarter);
	ASSERT_NE(-200, pid) TH_LOG("the restarter could not be set up");
	ASSERT_GT(pid, 0) TH_LOG("restart: %s; log: %s", strerror(-pid),
				 log_text(self->log));
	self->init = pid;
	ASSERT_TRUE(ask_report(self)) TH_LOG("the restored init does not answer");
	EXPECT_EQ(1000U, pg->uid);
	EXPECT_EQ(1000U, pg->euid);
	EXPECT_EQ(SCHED_OTHER, pg->policy);
	EXPECT_EQ(SLATE_NICE, pg->nice);
	EXPECT_EQ(ncpus, pg->ncpus) TH_LOG("affinity: %d of %ld CPUs",
					   pg->ncpus, ncpus);
	EXPECT_EQ(0, pg->oom_score_adj);
	EXPECT_EQ(self->fresh_ioprio, pg->ioprio);
	EXPECT_EQ(self->fresh_slack, pg->timerslack);
	EXPECT_EQ(PR_TSC_ENABLE, pg->tsc);
	EXPECT_EQ(0, pg->port_ok) TH_LOG("the restarter's iopl(3) was lent");
	EXPECT_EQ(0, pg->nnp);
	EXPECT_EQ((uint32_t)PER_LINUX, pg->personality);
	/* -1: no NUMA here, nothing to lend. */
	if (pg->mempolicy != -1)
		EXPECT_EQ(MPOL_DEFAULT, pg->mempolicy)
			TH_LOG("the restarter's NUMA policy was lent");
}

/* An RT restarter must not make RT tasks. */
TEST_F_TIMEOUT(slate, fifo_restarter_attributes_not_lent, 90)
{
	attributes_not_lent(_metadata, self, SCHED_FIFO);
}

/* Nor a batch one, with a nice of its own, batch tasks. */
TEST_F_TIMEOUT(slate, batch_restarter_attributes_not_lent, 90)
{
	attributes_not_lent(_metadata, self, SCHED_BATCH);
}

static int seccomp_restarter(void)
{
	struct sock_filter allow[] = {
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = { .len = 1, .filter = allow };

	return prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog, 0, 0);
}

/* Dropping the restarter's filter would free the tasks from it. */
TEST_F_TIMEOUT(slate, seccomp_restarter_is_refused, 60)
{
	take_image(_metadata, self, "");
	expect_refused(_metadata, self, seccomp_restarter, EPERM, "seccomp");
}

/* A Landlock domain that only forbids making FIFOs. */
static int landlock_restarter(void)
{
	struct landlock_ruleset_attr attr = {
		.handled_access_fs = LANDLOCK_ACCESS_FS_MAKE_FIFO,
	};
	int fd = syscall(SYS_landlock_create_ruleset, &attr, sizeof(attr), 0);

	return fd < 0 ? -1 : syscall(SYS_landlock_restrict_self, fd, 0);
}

/* Its domain would confine the restored tasks, which had none. */
TEST_F_TIMEOUT(slate, landlock_restarter_is_refused, 60)
{
	if (syscall(SYS_landlock_create_ruleset, NULL, 0,
		    LANDLOCK_CREATE_RULESET_VERSION) < 0)
		SKIP(return, "no Landlock in this kernel");
	take_image(_metadata, self, "");
	expect_refused(_metadata, self, landlock_restarter, EPERM, "Landlock");
}

static int nnp_restarter(void)
{
	return prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
}

/* no_new_privs cannot be lifted: tasks that had none are refused. */
TEST_F_TIMEOUT(slate, nnp_restarter_is_refused, 60)
{
	take_image(_metadata, self, "");
	expect_refused(_metadata, self, nnp_restarter, EPERM, "no_new_privs");
}

/*
 * A parent that set no_new_privs after forking its child: restored, the
 * child still has none (it is created before its parent gets its own).
 */
TEST_F_TIMEOUT(slate, nnp_set_after_fork_stays_the_parents, 60)
{
	pid_t pid;

	take_image(_metadata, self, "nnp-late");
	pid = restart_as(self, NULL);
	ASSERT_GT(pid, 0) TH_LOG("restart: %s; log: %s", strerror(-pid),
				 log_text(self->log));
	self->init = pid;
	ASSERT_TRUE(ask_report(self));
	WAIT_WHILE(R_GET(self->pg->child_ack) != 1, 20000)
		;
	ASSERT_EQ(1U, R_GET(self->pg->child_ack)) TH_LOG("the child does not answer");
	EXPECT_EQ(1, self->pg->nnp);
	EXPECT_EQ(0, self->pg->child_nnp);
}

/* ...and tasks that had it are restored. */
TEST_F_TIMEOUT(slate, nnp_restarter_restores_nnp_tasks, 60)
{
	pid_t pid;

	take_image(_metadata, self, "nnp");
	pid = restart_as(self, nnp_restarter);
	ASSERT_GT(pid, 0) TH_LOG("restart: %s; log: %s", strerror(-pid),
				 log_text(self->log));
	self->init = pid;
	ASSERT_TRUE(ask_report(self));
	EXPECT_EQ(1, self->pg->nnp);
}

static int drop_one_cap(cap_value_t cap)
{
	return drop_caps(&cap, 1);
}

static int no_setuid_restarter(void)
{
	return drop_one_cap(CAP_SETUID);
}

static int no_setgid_restarter(void)
{
	return drop_one_cap(CAP_SETGID);
}

/* CAP_SYS_ADMIN is not CAP_SETUID: uid 1000 is not the restarter's. */
TEST_F_TIMEOUT(slate, creds_uids_need_cap_setuid, 60)
{
	take_image(_metadata, self, "");
	expect_refused(_metadata, self, no_setuid_restarter, EPERM, "CAP_SETUID");
}

TEST_F_TIMEOUT(slate, creds_gids_need_cap_setgid, 60)
{
	take_image(_metadata, self, "");
	expect_refused(_metadata, self, no_setgid_restarter, EPERM, "CAP_SETGID");
}

static int locked_noroot_restarter(void)
{
	return prctl(PR_SET_SECUREBITS, SECBIT_NOROOT | SECBIT_NOROOT_LOCKED,
		     0, 0, 0);
}

/* The image's securebits (none) would unlock the restarter's. */
TEST_F_TIMEOUT(slate, creds_locked_securebits_kept, 60)
{
	take_image(_metadata, self, "");
	expect_refused(_metadata, self, locked_noroot_restarter, EPERM, "locked");
}

static size_t rec_span(uint32_t len)
{
	return ((size_t)len + CKPT_ALIGN - 1) & ~(size_t)(CKPT_ALIGN - 1);
}

/*
 * A well-framed image whose first credentials (the init's: uid 1000,
 * no capability) have an effective capability they do not permit.
 */
TEST_F_TIMEOUT(slate, creds_effective_beyond_permitted_is_einval, 60)
{
	struct ckpt_rec_cred *cred = NULL;
	struct ckpt_rec_trailer *t;
	unsigned char *buf;
	size_t off = 0;
	struct stat st;
	int memfd;

	take_image(_metadata, self, "");
	ASSERT_EQ(0, fstat(self->img, &st));
	buf = malloc(st.st_size);
	ASSERT_NE(NULL, buf);
	ASSERT_EQ(st.st_size, pread(self->img, buf, st.st_size, 0));
	while (off + sizeof(struct ckpt_rec) <= (size_t)st.st_size) {
		struct ckpt_rec *r = (struct ckpt_rec *)(buf + off);

		ASSERT_GE(r->len, sizeof(*r));
		if (r->type == CKPT_REC_CRED) {
			cred = (struct ckpt_rec_cred *)r;
			break;
		}
		off += rec_span(r->len);
	}
	ASSERT_NE(NULL, cred);
	ASSERT_EQ(0ULL, cred->cap_permitted);
	cred->cap_effective = 1ULL << CAP_KILL;
	t = (struct ckpt_rec_trailer *)(buf + st.st_size - sizeof(*t));
	ASSERT_EQ((uint32_t)CKPT_REC_TRAILER, t->rec.type);
	t->crc = crc32(0, buf, st.st_size - sizeof(*t));
	memfd = memfd_create("img", 0);
	ASSERT_GE(memfd, 0);
	ASSERT_EQ(st.st_size, write(memfd, buf, st.st_size));
	lseek(memfd, 0, SEEK_SET);
	free(buf);
	dup2(memfd, self->img);
	close(memfd);
	expect_refused(_metadata, self, NULL, EINVAL, "malformed credentials record");
}

CKPT_HARNESS_MAIN
