// SPDX-License-Identifier: GPL-2.0
/*
 * A task's scheduling and process attributes come back after a restart:
 * scheduling policy, priority, nice and sched_attr, CPU affinity, timer
 * slack, oom_score_adj, I/O priority, child subreaper, PR_MCE_KILL,
 * PR_SET_IO_FLUSHER, the speculation controls, and the mm-wide
 * PR_SET_THP_DISABLE, PR_SET_MEMORY_MERGE and PR_SET_MDWE.
 *
 * The container's init (a clone of this test, re-executed) sets them,
 * in itself and in a thread of its own with other values, and each
 * writes a line of what it sees of itself into a shared file mapping.
 * It is checkpointed and killed, restarted and told to go on, and each
 * writes the line again: the two must be the same, and the first must
 * show what was set (issue 11: SCHED_BATCH, PR_SET_CHILD_SUBREAPER 1,
 * PR_SET_TIMERSLACK 12345 and oom_score_adj 123 came back as defaults).
 * The same for a SCHED_FIFO task with SCHED_RESET_ON_FORK, nice -3, a
 * negative oom_score_adj and real-time I/O priority, and for a
 * SCHED_DEADLINE task.
 *
 * Refused: at checkpoint, an I/O context shared through CLONE_IO (the
 * container keeps running); at restart, a SCHED_FIFO task by a
 * restarter without CAP_SYS_NICE, and a negative oom_score_adj by one
 * without CAP_SYS_RESOURCE, as the syscalls would refuse them; and task
 * and mm records with values no syscall would take.
 */
#define _GNU_SOURCE
#include <linux/ioprio.h>
#include <linux/sched/types.h>
#include <pthread.h>
#include <stddef.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <zlib.h>

#include "checkpoint_util.h"
#include "../kselftest_harness.h"
#include "checkpoint_box.h"

#ifndef PR_SET_MEMORY_MERGE
#define PR_SET_MEMORY_MERGE	67
#define PR_GET_MEMORY_MERGE	68
#endif
#ifndef PR_SET_MDWE
#define PR_SET_MDWE		65
#define PR_GET_MDWE		66
#define PR_MDWE_REFUSE_EXEC_GAIN	(1UL << 0)
#endif
#ifndef PR_SET_IO_FLUSHER
#define PR_SET_IO_FLUSHER	57
#define PR_GET_IO_FLUSHER	58
#endif
#ifndef PR_SPEC_L1D_FLUSH
#define PR_SPEC_L1D_FLUSH	2
#endif

/* The control file: flags and the lines before and after. */
#define MAIN_BEFORE	256
#define MAIN_AFTER	768
#define THREAD_BEFORE	1280
#define THREAD_AFTER	1792
#define LINE_LEN	512

enum mode {
	M_ATTRS,
	M_FIFO,
	M_DEADLINE,
	M_CLONE_IO,
};

static char *ctl;
static enum mode mode;
static int last_cpu;

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

static int sched_getattr_self(struct sched_attr *a)
{
	memset(a, 0, sizeof(*a));
	return syscall(__NR_sched_getattr, 0, a, sizeof(*a), 0);
}

static int sched_setattr_self(struct sched_attr *a)
{
	a->size = sizeof(*a);
	return syscall(__NR_sched_setattr, 0, a, 0);
}

static int ioprio(void)
{
	return syscall(__NR_ioprio_get, IOPRIO_WHO_PROCESS, 0);
}

static int set_ioprio(int class, int level)
{
	return syscall(__NR_ioprio_set, IOPRIO_WHO_PROCESS, 0,
		       IOPRIO_PRIO_VALUE(class, level));
}

static int set_cpu(int cpu)
{
	cpu_set_t s;

	CPU_ZERO(&s);
	CPU_SET(cpu, &s);
	return sched_setaffinity(0, sizeof(s), &s);
}

/* What the calling thread sees of itself, as one line. */
static void observe(char *out)
{
	char oom[32] = "?";
	struct sched_attr a;
	cpu_set_t cpus;
	unsigned long mask = 0;
	int fd, i;
	ssize_t n;

	if (sched_getattr_self(&a))
		a.sched_policy = -1;
	CPU_ZERO(&cpus);
	sched_getaffinity(0, sizeof(cpus), &cpus);
	for (i = 0; i < 64; i++)
		if (CPU_ISSET(i, &cpus))
			mask |= 1UL << i;
	fd = open("/proc/self/oom_score_adj", O_RDONLY);
	if (fd >= 0) {
		n = read(fd, oom, sizeof(oom) - 1);
		oom[n > 0 ? n - 1 : 0] = '\0';
		close(fd);
	}
	errno = 0;
	snprintf(out, LINE_LEN,
		 "policy %u flags %#llx prio %u nice %d runtime %llu deadline %llu period %llu cpus %#lx slack %d oom %s ioprio %#x subreaper %d mce %d ioflusher %d spec %d,%d,%d thp %d merge %d mdwe %d",
		 a.sched_policy, (unsigned long long)a.sched_flags, a.sched_priority,
		 getpriority(PRIO_PROCESS, 0),
		 (unsigned long long)a.sched_runtime,
		 (unsigned long long)a.sched_deadline,
		 (unsigned long long)a.sched_period, mask,
		 prctl(PR_GET_TIMERSLACK, 0, 0, 0, 0), oom, ioprio(),
		 ({ int s = -1; prctl(PR_GET_CHILD_SUBREAPER, &s, 0, 0, 0); s; }),
		 prctl(PR_MCE_KILL_GET, 0, 0, 0, 0),
		 prctl(PR_GET_IO_FLUSHER, 0, 0, 0, 0),
		 prctl(PR_GET_SPECULATION_CTRL, PR_SPEC_STORE_BYPASS, 0, 0, 0),
		 prctl(PR_GET_SPECULATION_CTRL, PR_SPEC_INDIRECT_BRANCH, 0, 0, 0),
		 prctl(PR_GET_SPECULATION_CTRL, PR_SPEC_L1D_FLUSH, 0, 0, 0),
		 prctl(PR_GET_THP_DISABLE, 0, 0, 0, 0),
		 prctl(PR_GET_MEMORY_MERGE, 0, 0, 0, 0),
		 prctl(PR_GET_MDWE, 0, 0, 0, 0));
}

/* Turn each speculation control the task may set to its other state. */
static void flip_spec(void)
{
	static const int which[] = {
		PR_SPEC_STORE_BYPASS, PR_SPEC_INDIRECT_BRANCH, PR_SPEC_L1D_FLUSH,
	};
	unsigned int i;
	int v;

	for (i = 0; i < 3; i++) {
		v = prctl(PR_GET_SPECULATION_CTRL, which[i], 0, 0, 0);
		if (v < 0 || !(v & PR_SPEC_PRCTL))
			continue;
		prctl(PR_SET_SPECULATION_CTRL, which[i],
		      v & PR_SPEC_ENABLE ? PR_SPEC_DISABLE : PR_SPEC_ENABLE, 0, 0);
	}
}

static void wait_go(void)
{
	while (strcmp(ctl + BOX_GO_OFF, "go"))
		usleep(10000);
}

static _Atomic int thread_ready;

/* A thread with attributes of its own: each thread has them. */
static void *thread_fn(void *arg)
{
	struct sched_attr idle = { .sched_policy = SCHED_IDLE };

	if (sched_setattr_self(&idle) ||
	    prctl(PR_SET_TIMERSLACK, 4321, 0, 0, 0) || set_cpu(0) ||
	    set_ioprio(IOPRIO_CLASS_IDLE, 0)) {
		thread_ready = -1;
		return NULL;
	}
	observe(ctl + THREAD_BEFORE);
	thread_ready = 1;
	wait_go();
	observe(ctl + THREAD_AFTER);
	return NULL;
}

static int set_up_attrs(void)
{
	struct sched_attr batch = { .sched_policy = SCHED_BATCH, .sched_nice = 5 };
	pthread_t th;

	if (sched_setattr_self(&batch))
		return 10;
	if (prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) ||
	    prctl(PR_SET_TIMERSLACK, 12345, 0, 0, 0))
		return 11;
	if (write_file("/proc/self/oom_score_adj", "123"))
		return 12;
	if (set_cpu(last_cpu) || set_ioprio(IOPRIO_CLASS_BE, 3))
		return 13;
	if (prctl(PR_MCE_KILL, PR_MCE_KILL_SET, PR_MCE_KILL_EARLY, 0, 0) ||
	    prctl(PR_SET_IO_FLUSHER, 1, 0, 0, 0))
		return 14;
	flip_spec();
	if (prctl(PR_SET_THP_DISABLE, 1, 0, 0, 0) ||
	    prctl(PR_SET_MEMORY_MERGE, 1, 0, 0, 0) ||
	    prctl(PR_SET_MDWE, PR_MDWE_REFUSE_EXEC_GAIN, 0, 0, 0))
		return 15;
	if (pthread_create(&th, NULL, thread_fn, NULL))
		return 16;
	while (!thread_ready)
		usleep(1000);
	if (thread_ready < 0)
		return 17;
	observe(ctl + MAIN_BEFORE);
	box_ready(ctl);
	wait_go();
	pthread_join(th, NULL);
	observe(ctl + MAIN_AFTER);
	return 0;
}

static int set_up_rt(void)
{
	struct sched_attr fifo = {
		.sched_policy = SCHED_FIFO,
		.sched_flags = SCHED_FLAG_RESET_ON_FORK,
		.sched_priority = 10,
	};
	struct sched_attr dl = {
		.sched_policy = SCHED_DEADLINE,
		.sched_runtime = 1000000,
		.sched_deadline = 10000000,
		.sched_period = 20000000,
	};

	if (setpriority(PRIO_PROCESS, 0, -3))
		return 20;
	if (write_file("/proc/self/oom_score_adj", "-100") ||
	    set_ioprio(IOPRIO_CLASS_RT, 2))
		return 21;
	if (sched_setattr_self(mode == M_FIFO ? &fifo : &dl))
		return 22;
	observe(ctl + MAIN_BEFORE);
	box_ready(ctl);
	wait_go();
	observe(ctl + MAIN_AFTER);
	return 0;
}

/* A child sharing the init's I/O context: not something restart makes. */
static int set_up_clone_io(void)
{
	pid_t pid;

	if (set_ioprio(IOPRIO_CLASS_BE, 4))
		return 30;
	pid = syscall(__NR_clone, CLONE_IO | SIGCHLD, 0, 0, 0, 0);
	if (pid < 0)
		return 31;
	if (pid == 0) {
		for (;;)
			pause();
	}
	box_ready(ctl);
	wait_go();
	return 0;
}

static int container_main(int m)
{
	mode = m;
	ctl = box_map_ctl();
	if (!ctl)
		return 2;
	last_cpu = sysconf(_SC_NPROCESSORS_ONLN) - 1;
	switch (mode) {
	case M_ATTRS:
		return set_up_attrs();
	case M_FIFO:
	case M_DEADLINE:
		return set_up_rt();
	case M_CLONE_IO:
		return set_up_clone_io();
	}
	return 3;
}

BOX_INIT_MAIN("ATTR", container_main)

/* Restart, let the restored tasks look at themselves, wait for them. */
static void restart_and_compare(struct __test_metadata *_metadata, struct ckpt_box *b,
				bool thread)
{
	int status;

	box_restart_go_wait(_metadata, b, &status);
	ASSERT_TRUE(WIFEXITED(status)) TH_LOG("restored init: status %#x", status);
	EXPECT_EQ(0, WEXITSTATUS(status));
	EXPECT_STREQ(b->ctl + MAIN_BEFORE, b->ctl + MAIN_AFTER);
	if (thread)
		EXPECT_STREQ(b->ctl + THREAD_BEFORE, b->ctl + THREAD_AFTER);
}

FIXTURE(attr) {
	struct ckpt_box b;
};

FIXTURE_SETUP(attr)
{
	box_open(_metadata, &self->b);
}

FIXTURE_TEARDOWN(attr)
{
	box_close(&self->b);
}

/* The state issue 11 saw lost, and the rest, in a process and a thread. */
TEST_F_TIMEOUT(attr, come_back, 60)
{
	struct ckpt_box *b = &self->b;
	char log[4096];

	box_start(_metadata, b, M_ATTRS);
	/* What was set, as the task saw it before the checkpoint. */
	EXPECT_NE(NULL, strstr(b->ctl + MAIN_BEFORE, "policy 3 "))
		TH_LOG("%s", b->ctl + MAIN_BEFORE);
	EXPECT_NE(NULL, strstr(b->ctl + MAIN_BEFORE, "nice 5 "));
	EXPECT_NE(NULL, strstr(b->ctl + MAIN_BEFORE, "slack 12345 "));
	EXPECT_NE(NULL, strstr(b->ctl + MAIN_BEFORE, "oom 123 "));
	EXPECT_NE(NULL, strstr(b->ctl + MAIN_BEFORE, "subreaper 1 "));
	EXPECT_NE(NULL, strstr(b->ctl + MAIN_BEFORE, "ioflusher 1 "));
	EXPECT_NE(NULL, strstr(b->ctl + MAIN_BEFORE, "thp 1 merge 1 mdwe 1"));
	EXPECT_NE(NULL, strstr(b->ctl + THREAD_BEFORE, "policy 5 "))
		TH_LOG("%s", b->ctl + THREAD_BEFORE);
	EXPECT_NE(NULL, strstr(b->ctl + THREAD_BEFORE, "slack 4321 "));
	ASSERT_EQ(0, box_checkpoint(b, CHECKPOINT_KILL, log, sizeof(log)))
		TH_LOG("checkpoint: %s", log);
	restart_and_compare(_metadata, b, true);
}

TEST_F_TIMEOUT(attr, fifo_comes_back, 60)
{
	struct ckpt_box *b = &self->b;
	char log[4096];

	box_start(_metadata, b, M_FIFO);
	EXPECT_NE(NULL, strstr(b->ctl + MAIN_BEFORE, "policy 1 flags 0x1 prio 10 nice -3 "))
		TH_LOG("%s", b->ctl + MAIN_BEFORE);
	EXPECT_NE(NULL, strstr(b->ctl + MAIN_BEFORE, "oom -100 ioprio 0x2002 "));
	ASSERT_EQ(0, box_checkpoint(b, CHECKPOINT_KILL, log, sizeof(log)))
		TH_LOG("checkpoint: %s", log);
	restart_and_compare(_metadata, b, false);
}

TEST_F_TIMEOUT(attr, deadline_comes_back, 60)
{
	struct ckpt_box *b = &self->b;
	char log[4096];

	box_start(_metadata, b, M_DEADLINE);
	EXPECT_NE(NULL, strstr(b->ctl + MAIN_BEFORE, "policy 6 flags 0 prio 0 nice -3 "))
		TH_LOG("%s", b->ctl + MAIN_BEFORE);
	EXPECT_NE(NULL, strstr(b->ctl + MAIN_BEFORE,
			       "nice -3 runtime 1000000 deadline 10000000 period 20000000 "));
	ASSERT_EQ(0, box_checkpoint(b, CHECKPOINT_KILL, log, sizeof(log)))
		TH_LOG("checkpoint: %s", log);
	restart_and_compare(_metadata, b, false);
}

/* CLONE_IO: refused by name, and the container runs on. */
TEST_F_TIMEOUT(attr, shared_io_context_refused, 60)
{
	struct ckpt_box *b = &self->b;
	char log[4096];
	int status;

	box_start(_metadata, b, M_CLONE_IO);
	EXPECT_EQ(EOPNOTSUPP, box_checkpoint(b, CHECKPOINT_KILL, log, sizeof(log)))
		TH_LOG("log: %s", log);
	EXPECT_NE(NULL, strstr(log, "CLONE_IO")) TH_LOG("log: %s", log);
	EXPECT_EQ(0, waitpid(b->init, &status, WNOHANG));
	EXPECT_EQ(0, kill(b->init, 0));
}

/*
 * Drop @cap from the effective set only: what capable() checks, while
 * the restored tasks' own capabilities stay within the permitted set.
 */
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
 * A restarter without the capability the syscall asks for cannot give
 * it to a restored task: nothing is restored, the log says why.
 */
static void restart_without(struct __test_metadata *_metadata, struct ckpt_box *b,
			    cap_value_t cap, int err, const char *reason)
{
	char log[4096];
	int status;
	pid_t child;

	child = fork();
	ASSERT_GE(child, 0);
	if (child == 0) {
		long pid;

		if (drop_effective(cap))
			_exit(100);
		pid = box_restart(b, b->image, log, sizeof(log));
		if (pid > 0) {
			kill(pid, SIGKILL);
			_exit(101);
		}
		_exit(-pid == err ? 0 : 102);
	}
	ASSERT_EQ(child, waitpid(child, &status, 0));
	read_log(b->log, log, sizeof(log));
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status)) TH_LOG("restart: %d; log: %s",
						 WEXITSTATUS(status), log);
	EXPECT_NE(NULL, strstr(log, reason)) TH_LOG("log: %s", log);
}

TEST_F_TIMEOUT(attr, restarter_rights, 60)
{
	struct ckpt_box *b = &self->b;
	char log[4096];

	box_start(_metadata, b, M_FIFO);
	ASSERT_EQ(0, box_checkpoint(b, CHECKPOINT_KILL, log, sizeof(log)))
		TH_LOG("checkpoint: %s", log);
	restart_without(_metadata, b, CAP_SYS_NICE, EPERM, "scheduling policy");
	/* Written by root, -100 is its floor too. */
	restart_without(_metadata, b, CAP_SYS_RESOURCE, EACCES,
			"oom_score_adj -100 (min -100) needs CAP_SYS_RESOURCE");
}

/* ---- malformed records, from the image of M_ATTRS ---- */

struct image {
	unsigned char *img, *buf;
	size_t size;
};

static size_t rec_span(uint32_t len)
{
	return ((size_t)len + CKPT_ALIGN - 1) & ~(size_t)(CKPT_ALIGN - 1);
}

/* The first record of @type in the variant, or NULL. */
static void *first_rec(struct image *im, uint32_t type)
{
	size_t off = 0;

	while (off + sizeof(struct ckpt_rec) <= im->size) {
		struct ckpt_rec *r = (struct ckpt_rec *)(im->buf + off);

		if (r->len < sizeof(*r))
			return NULL;
		if (r->type == type)
			return r;
		off += rec_span(r->len);
	}
	return NULL;
}

static void *fresh(struct image *im, uint32_t type)
{
	memcpy(im->buf, im->img, im->size);
	return first_rec(im, type);
}

/* Restart the variant: refused with EINVAL, for @reason. */
static void try_bad(struct __test_metadata *_metadata, struct ckpt_box *b,
		    struct image *im, const char *what, const char *reason)
{
	struct ckpt_rec_trailer *t;
	char log[4096];
	long pid;
	int fd;

	t = (struct ckpt_rec_trailer *)(im->buf + im->size - sizeof(*t));
	ASSERT_EQ((uint32_t)CKPT_REC_TRAILER, t->rec.type);
	t->crc = crc32(0, im->buf, im->size - sizeof(*t));
	fd = scratch_file(O_RDWR);
	ASSERT_GE(fd, 0);
	ASSERT_EQ((ssize_t)im->size, write(fd, im->buf, im->size));
	pid = box_restart(b, fd, log, sizeof(log));
	close(fd);
	if (pid > 0) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
	}
	EXPECT_EQ(-EINVAL, pid) TH_LOG("%s: restarted, or refused otherwise; log: %s",
				      what, log);
	EXPECT_NE(NULL, strstr(log, reason)) TH_LOG("%s: log: %s", what, log);
}

TEST_F_TIMEOUT(attr, malformed, 60)
{
	struct ckpt_box *b = &self->b;
	struct ckpt_rec_task *t;
	struct ckpt_rec_mm *mm;
	struct image im;
	struct stat st;
	char log[4096];

	box_start(_metadata, b, M_ATTRS);
	ASSERT_EQ(0, box_checkpoint(b, CHECKPOINT_KILL, log, sizeof(log)))
		TH_LOG("checkpoint: %s", log);
	ASSERT_EQ(0, fstat(b->image, &st));
	im.size = st.st_size;
	im.img = malloc(im.size);
	im.buf = malloc(im.size);
	ASSERT_NE(NULL, im.img);
	ASSERT_NE(NULL, im.buf);
	ASSERT_EQ((ssize_t)im.size, pread(b->image, im.img, im.size, 0));

	t = fresh(&im, CKPT_REC_TASK);
	ASSERT_NE(NULL, t);
	EXPECT_EQ((uint32_t)SCHED_BATCH, t->sched_policy);
	t->sched_policy = 4;
	try_bad(_metadata, b, &im, "policy 4", "bad scheduling policy");
	t = fresh(&im, CKPT_REC_TASK);
	t->sched_flags = SCHED_FLAG_KEEP_POLICY;
	try_bad(_metadata, b, &im, "SCHED_FLAG_KEEP_POLICY", "bad scheduling policy");
	t = fresh(&im, CKPT_REC_TASK);
	t->sched_util_min = 100;
	try_bad(_metadata, b, &im, "uclamp without its flag", "bad scheduling policy");
	t = fresh(&im, CKPT_REC_TASK);
	t->oom_score_adj = 1001;
	try_bad(_metadata, b, &im, "oom_score_adj 1001", "bad oom_score_adj");
	t = fresh(&im, CKPT_REC_TASK);
	t->oom_score_adj_min = -1001;
	try_bad(_metadata, b, &im, "oom_score_adj_min -1001", "bad oom_score_adj");
	t = fresh(&im, CKPT_REC_TASK);
	t->ioprio = IOPRIO_PRIO_VALUE(IOPRIO_CLASS_BE, 8);
	try_bad(_metadata, b, &im, "ioprio level 8", "bad I/O priority");
	t = fresh(&im, CKPT_REC_TASK);
	t->ioprio = 0x10000;
	try_bad(_metadata, b, &im, "ioprio beyond 16 bits", "bad I/O priority");
	t = fresh(&im, CKPT_REC_TASK);
	t->flags |= 1U << 20;
	try_bad(_metadata, b, &im, "unknown task flag", "bad task flags");
	t = fresh(&im, CKPT_REC_TASK);
	t->flags = (t->flags & ~CKPT_TASK_MCE_KILL) | CKPT_TASK_MCE_EARLY;
	try_bad(_metadata, b, &im, "MCE early without kill policy", "bad task flags");
	t = fresh(&im, CKPT_REC_TASK);
	t->spec_ctrl[0] = PR_SPEC_ENABLE | PR_SPEC_DISABLE;
	try_bad(_metadata, b, &im, "two speculation states",
		"bad speculative store bypass control");
	t = fresh(&im, CKPT_REC_TASK);
	t->spec_ctrl[2] = PR_SPEC_PRCTL;
	try_bad(_metadata, b, &im, "PR_SPEC_PRCTL as a state", "bad L1D flush control");
	t = fresh(&im, CKPT_REC_TASK);
	ASSERT_FALSE(!!(t->flags & CKPT_TASK_ALL_CPUS));
	memset(t->cpus, 0, sizeof(t->cpus));
	try_bad(_metadata, b, &im, "no CPU at all", "bad CPU affinity");
	t = fresh(&im, CKPT_REC_TASK);
	t->flags |= CKPT_TASK_ALL_CPUS;
	try_bad(_metadata, b, &im, "all CPUs and a mask", "bad CPU affinity");
	t = fresh(&im, CKPT_REC_TASK);
	t->nr_cpus = 1025;
	try_bad(_metadata, b, &im, "1025 CPUs", "bad CPU affinity");
	t = fresh(&im, CKPT_REC_TASK);
	t->__pad = 1;
	try_bad(_metadata, b, &im, "task padding", "bad CPU affinity");
	t = fresh(&im, CKPT_REC_TASK);
	t->utime = CKPT_CPUTIME_MAX + 1;
	try_bad(_metadata, b, &im, "utime above the bound", "bad CPU time");
	/*
	 * Each field within the bound, their process sums not: utime +
	 * stime would wrap, and cputime_adjust() divide by the wrapped sum
	 * (a divide error) as soon as the process is read or reaped.
	 */
	t = fresh(&im, CKPT_REC_TASK);
	t->utime = t->dead_utime = t->stime = t->dead_stime = CKPT_CPUTIME_MAX;
	try_bad(_metadata, b, &im, "process CPU times that wrap",
		"CPU times add up to more than");

	mm = fresh(&im, CKPT_REC_MM);
	ASSERT_NE(NULL, mm);
	EXPECT_EQ((uint32_t)(CKPT_MM_THP_DISABLE | CKPT_MM_MERGE_ANY | CKPT_MM_MDWE),
		  mm->prctl_flags);
	mm->prctl_flags = CKPT_MM_MDWE_NO_INHERIT;
	try_bad(_metadata, b, &im, "MDWE_NO_INHERIT alone", "malformed mm record");
	mm = fresh(&im, CKPT_REC_MM);
	mm->prctl_flags |= 1U << 31;
	try_bad(_metadata, b, &im, "unknown mm prctl flag", "malformed mm record");
	mm = fresh(&im, CKPT_REC_MM);
	mm->__pad = 1;
	try_bad(_metadata, b, &im, "mm padding", "malformed mm record");
	free(im.img);
	free(im.buf);
}

CKPT_HARNESS_MAIN
