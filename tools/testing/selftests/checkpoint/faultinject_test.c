// SPDX-License-Identifier: GPL-2.0
/*
 * Fault injection: fail the 1st, 2nd, ..., Nth allocation or user copy
 * of one checkpoint and of one restart of a representative container
 * (race_prog mode fi: two processes, a thread, shared anonymous memory
 * and a pipe with bytes in it), until a run completes.
 *
 * An operation a failure is injected into either fails with what
 * failed (ENOMEM or EFAULT: any other errno means the failure was
 * swallowed and something else broke later), or succeeds all the same
 * because the kernel had a fallback: then it logs nothing, and a
 * restored container must run and find its state intact.  After a
 * failed checkpoint the container runs on as it was, and at the end a
 * checkpoint and a restart of it bring back a container that finds its
 * state intact.  After a failed restart nothing of the container is
 * left.
 *
 * Of the coordinator's sites on the debug kernel (131 at a6493cc), the
 * failures a restart survives are all the kernel's own fallbacks:
 * kmemleak's metadata (its emergency pool), an xarray node tried first
 * under its lock, an idr node backed by idr_preload(), and the sigqueue
 * of the SIGSTOP that RESTART_FROZEN sends (a stop needs none).
 *
 * The sweeps use /proc/thread-self/fail-nth, which is per task: it sees
 * everything checkpoint(2) does (the caller does all of it) but only the
 * coordinator's part of restart(2).  The restored tasks, which rebuild
 * their own objects, are created by kernel_clone(), which clears
 * fail-nth but copies make-it-fail.  So a third pass runs restarts from
 * a child whose /proc/self/make-it-fail is 1, with task-filter set and
 * one failure (times = 1) at a random site (probability), for each of
 * failslab, fail_page_alloc and fail_usercopy: that failure lands in the
 * coordinator or in any restored task.
 *
 * Sleeping allocations fail only with ignore-gfp-wait off, and order-0
 * pages only with min-order 0; verbose is 0 because a stack trace per
 * failure would read as a kernel splat.  Everything is put back as it
 * was at the end.
 */
#define _GNU_SOURCE
#include <time.h>

#include "race_util.h"
#include "../kselftest_harness.h"

#define DBG		"/sys/kernel/debug/"
#define MAX_SITES	20000

static const char * const attrs[] = {
	"failslab", "fail_page_alloc", "fail_usercopy",
};

/* The knobs this test sets, and what they were. */
static const char * const knobs[] = {
	"failslab/ignore-gfp-wait", "fail_page_alloc/ignore-gfp-wait",
	"fail_page_alloc/min-order",
	"failslab/verbose", "fail_page_alloc/verbose", "fail_usercopy/verbose",
	"failslab/task-filter", "fail_page_alloc/task-filter",
	"fail_usercopy/task-filter",
	"failslab/probability", "fail_page_alloc/probability",
	"fail_usercopy/probability",
	"failslab/times", "fail_page_alloc/times", "fail_usercopy/times",
	"failslab/interval", "fail_page_alloc/interval",
	"fail_usercopy/interval",
};

#define NR_KNOBS	ARRAY_SIZE(knobs)

static int set_knob(const char *knob, const char *val)
{
	char path[128];

	snprintf(path, sizeof(path), DBG "%s", knob);
	return write_file(path, val);
}

static int get_knob(const char *knob, char *buf, size_t len)
{
	char path[128];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), DBG "%s", knob);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return -1;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	return 0;
}

/*
 * Arm fail-nth (an open /proc/thread-self/fail-nth) to fail the @n-th
 * site from now on.
 */
static int arm(int fd, unsigned int n)
{
	char buf[16];
	int len = snprintf(buf, sizeof(buf), "%u", n);

	return pwrite(fd, buf, len, 0) == len ? 0 : -1;
}

/*
 * Disarm it; true when the armed failure was injected (the count had
 * run down to 0).  Reading is itself a user copy, which counts while the
 * count is not 0: a read that fails means it had not run down either.
 */
static int disarm(int fd)
{
	char buf[16] = "";
	ssize_t n = pread(fd, buf, sizeof(buf) - 1, 0);
	int injected = n > 0 && atoi(buf) == 0;

	while (pwrite(fd, "0", 1, 0) != 1)
		;
	return injected;
}

/*
 * What a failed allocation or user copy fails with.  An injected failure
 * that ends the operation with anything else was lost on the way, and
 * something else failed later for want of what it should have made: a
 * swallowed error.
 */
static int injected_errno(int err)
{
	return err == ENOMEM || err == EFAULT;
}

/* Is there still a container task, or a child of ours? */
static int left_behind(pid_t *who)
{
	pid_t child = waitpid(-1, NULL, __WALL | WNOHANG);

	if (child > 0) {
		*who = child;
		return 1;
	}
	return !foreign_tasks_gone(5000, who);
}

/*
 * A restart that succeeded, though a failure may have been injected in
 * it: its container, restored stopped (RESTART_FROZEN) and now our
 * child, must run and find its state intact.
 */
static int restored_works(struct rc *c, pid_t pid)
{
	int status;

	R_SET(c->pg->cmd, 0);
	R_SET(c->pg->checked, 0);
	R_SET(c->pg->failed, 0);
	c->init = pid;
	c->pidns = ns_ino(pid, "pid");
	if (!signal_pidns(c->pidns, SIGCONT) || !beats_advance(c->pg, FI_ALL, 10000)) {
		rc_stop(c);
		return -1;
	}
	status = rc_check(c, FI_ALL, 20000);
	if (status)
		rc_stop(c);
	return status;
}

FIXTURE(fi) {
	struct rc c;
	char saved[NR_KNOBS][32];
	int img;
	int log;
	int nth;
};

FIXTURE_SETUP(fi)
{
	unsigned int i;
	pid_t who = 0;

	for (i = 0; i < NR_KNOBS; i++) {
		const char *knob = knobs[i];

		ASSERT_EQ(0, get_knob(knob, self->saved[i], 32))
			TH_LOG("no " DBG "%s: needs debugfs and CONFIG_FAULT_INJECTION_DEBUG_FS",
			       knob ?: "");
	}
	ASSERT_EQ(0, set_knob("failslab/ignore-gfp-wait", "N"));
	ASSERT_EQ(0, set_knob("fail_page_alloc/ignore-gfp-wait", "N"));
	ASSERT_EQ(0, set_knob("fail_page_alloc/min-order", "0"));
	for (i = 0; i < 3; i++) {
		char knob[64];

		snprintf(knob, sizeof(knob), "%s/verbose", attrs[i]);
		ASSERT_EQ(0, set_knob(knob, "0"));
		snprintf(knob, sizeof(knob), "%s/probability", attrs[i]);
		ASSERT_EQ(0, set_knob(knob, "0"));
	}
	ASSERT_TRUE(foreign_tasks_gone(5000, &who))
		TH_LOG("task %d of an earlier test is still there", who);
	self->nth = open("/proc/thread-self/fail-nth", O_RDWR);
	ASSERT_GE(self->nth, 0) TH_LOG("no fail-nth: %m");
	self->img = scratch_file(O_RDWR);
	self->log = scratch_file(O_RDWR);
	ASSERT_GE(self->img, 0);
	ASSERT_GE(self->log, 0);
	prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
	ASSERT_EQ(0, rc_start(&self->c, "fi", "fi", 0, FI_ALL));
}

FIXTURE_TEARDOWN(fi)
{
	unsigned int i;

	if (self->nth >= 0)
		disarm(self->nth);
	for (i = 0; i < NR_KNOBS; i++)
		if (self->saved[i][0])
			set_knob(knobs[i], self->saved[i]);
	rc_cleanup(&self->c);
}

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec + t.tv_nsec / 1e9;
}

/* Errnos seen, for the summary. */
static void tally(int *seen, int err)
{
	if (err > 0 && err < 256)
		seen[err]++;
}

static void print_tally(struct __test_metadata *_metadata, const char *what,
			const int *seen)
{
	char buf[256] = "";
	int e, off = 0;

	for (e = 1; e < 256; e++)
		if (seen[e])
			off += snprintf(buf + off, sizeof(buf) - off, " %s x%d",
					strerrorname_np(e) ?: "?", seen[e]);
	TH_LOG("%s failed with:%s", what, buf[0] ? buf : " nothing");
}

/*
 * Fail each site of one checkpoint in turn.  The container must run on
 * after each; when no armed failure is reached any more, every site
 * has been failed once.
 */
static unsigned int sweep_checkpoint(struct __test_metadata *_metadata,
				     FIXTURE_DATA(fi) *self)
{
	static unsigned char buf[8 << 20];
	int seen[256] = { 0 };
	unsigned int n;
	long ret;
	int err, injected, status;
	ssize_t len;

	for (n = 1; n < MAX_SITES; n++) {
		ftruncate(self->img, 0);
		lseek(self->img, 0, SEEK_SET);
		ftruncate(self->log, 0);
		lseek(self->log, 0, SEEK_SET);
		ASSERT_EQ(0, arm(self->nth, n));
		ret = ckpt(self->c.init, self->img, self->log, 0);
		err = errno;
		injected = disarm(self->nth);

		ASSERT_EQ(0, waitpid(self->c.init, &status, WNOHANG))
			TH_LOG("site %u: the container died (status %#x)", n,
			       status);
		ASSERT_TRUE(beats_advance(self->c.pg, FI_ALL, 10000))
			TH_LOG("site %u: tasks of %#llx stopped running", n,
			       (unsigned long long)stalled_slots(self->c.pg,
								  FI_ALL, 500));
		if (ret == 0) {
			len = pread(self->img, buf, sizeof(buf), 0);
			ASSERT_TRUE(len > 0 && image_complete(buf, len))
				TH_LOG("site %u: a checkpoint that succeeded left %s",
				       n, "an incomplete image");
			if (!injected)
				break;
			continue;
		}
		ASSERT_TRUE(injected)
			TH_LOG("site %u: checkpoint failed with no failure injected: %s\n%s",
			       n, strerror(err), log_text(self->log));
		ASSERT_TRUE(injected_errno(err))
			TH_LOG("site %u: checkpoint returned errno %d, not the failure's\n%s",
			       n, err, log_text(self->log));
		tally(seen, err);
	}
	ASSERT_LT(n, (unsigned int)MAX_SITES);
	print_tally(_metadata, "checkpoints", seen);
	return n - 1;
}

/*
 * Fail each site of the coordinator's part of one restart in turn.  A
 * restart that succeeds all the same (the failure was one it can do
 * without) must have restored a container that works: it comes back
 * stopped (RESTART_FROZEN), is let go and checks itself.
 */
static unsigned int sweep_restart(struct __test_metadata *_metadata,
				  FIXTURE_DATA(fi) *self)
{
	int seen[256] = { 0 };
	int err, injected, status, absorbed = 0;
	unsigned int n;
	pid_t pid, who = 0;

	for (n = 1; n < MAX_SITES; n++) {
		lseek(self->img, 0, SEEK_SET);
		ftruncate(self->log, 0);
		lseek(self->log, 0, SEEK_SET);
		/* No command from the last round for the restored tasks. */
		R_SET(self->c.pg->cmd, 0);
		ASSERT_EQ(0, arm(self->nth, n));
		pid = rstrt(self->img, self->log, RESTART_FROZEN);
		err = errno;
		injected = disarm(self->nth);
		if (pid > 0) {
			/* Nothing went wrong that it had to report. */
			ASSERT_STREQ("", log_text(self->log))
				TH_LOG("site %u: a restart that succeeded logged a problem", n);
			status = restored_works(&self->c, pid);
			ASSERT_EQ(0, status)
				TH_LOG("site %u: the restored container fails: %#x (%#llx)",
				       n, status, (unsigned long long)self->c.pg->failed);
			ASSERT_FALSE(left_behind(&who))
				TH_LOG("site %u: task %d is left", n, who);
			absorbed += injected;
			if (!injected)
				break;
			continue;
		}
		ASSERT_TRUE(injected)
			TH_LOG("site %u: restart failed with no failure injected: %s\n%s",
			       n, strerror(err), log_text(self->log));
		ASSERT_TRUE(injected_errno(err))
			TH_LOG("site %u: restart returned errno %d, not the failure's\n%s",
			       n, err, log_text(self->log));
		ASSERT_FALSE(left_behind(&who))
			TH_LOG("site %u: a failed restart (%s) left task %d",
			       n, strerror(err), who);
		tally(seen, err);
	}
	ASSERT_LT(n, (unsigned int)MAX_SITES);
	print_tally(_metadata, "restarts", seen);
	TH_LOG("%d restarts succeeded with a failure injected; %s", absorbed,
	       "each restored container checked itself");
	return n - 1;
}

/*
 * Restarts whose restored tasks may fail too: from a child with
 * make-it-fail set, which the tasks restart creates inherit, and with
 * task-filter on, so that nothing else fails.  @attr fails once (times
 * = 1) at a site chosen by @percent.  A restart that succeeds leaves its
 * container stopped; once the child has exited it is ours, injection is
 * off, and it must run and check itself.  Returns how many of @runs had
 * a failure injected.
 */
static int restored_tasks_pass(struct __test_metadata *_metadata,
			       FIXTURE_DATA(fi) *self, const char *attr,
			       int percent, int runs, int *failed)
{
	char knob[64], val[16];
	int i, res, pp[2], injected = 0;
	pid_t child, restored, who = 0;

	snprintf(knob, sizeof(knob), "%s/task-filter", attr);
	ASSERT_EQ(0, set_knob(knob, "Y"));
	snprintf(knob, sizeof(knob), "%s/interval", attr);
	ASSERT_EQ(0, set_knob(knob, "1"));
	for (i = 0; i < runs; i++) {
		snprintf(knob, sizeof(knob), "%s/times", attr);
		ASSERT_EQ(0, set_knob(knob, "1"));
		snprintf(knob, sizeof(knob), "%s/probability", attr);
		snprintf(val, sizeof(val), "%d", percent);
		ASSERT_EQ(0, set_knob(knob, val));
		lseek(self->img, 0, SEEK_SET);
		R_SET(self->c.pg->cmd, 0);
		ASSERT_EQ(0, pipe(pp));
		child = fork();
		ASSERT_GE(child, 0);
		if (child == 0) {
			pid_t pid;
			int err;

			close(pp[0]);
			if (write_file("/proc/self/make-it-fail", "1"))
				_exit(201);
			pid = rstrt(self->img, self->log, RESTART_FROZEN);
			err = errno;
			/* The one failure may hit this write's copy instead. */
			while (write(pp[1], &pid, sizeof(pid)) != sizeof(pid))
				;
			_exit(pid > 0 ? 0 : err > 0 && err < 200 ? err : 199);
		}
		close(pp[1]);
		if (read(pp[0], &restored, sizeof(restored)) != sizeof(restored))
			restored = 0;
		close(pp[0]);
		res = child_result(child);
		snprintf(knob, sizeof(knob), "%s/probability", attr);
		ASSERT_EQ(0, set_knob(knob, "0"));
		snprintf(knob, sizeof(knob), "%s/times", attr);
		ASSERT_EQ(0, get_knob(knob, val, sizeof(val)));
		injected += !strcmp(val, "0");
		ASSERT_TRUE(res == 0 || clean_errno(res))
			TH_LOG("%s: the restarter ended with %d", attr, res);
		*failed += res != 0;
		/* Its restarter gone, the stopped container is ours. */
		if (restored > 0) {
			res = restored_works(&self->c, restored);
			ASSERT_EQ(0, res)
				TH_LOG("%s: the restored container fails: %#x (%#llx)",
				       attr, res, (unsigned long long)self->c.pg->failed);
		}
		ASSERT_FALSE(left_behind(&who))
			TH_LOG("%s: a restart that ended with %d left task %d",
			       attr, res, who);
	}
	snprintf(knob, sizeof(knob), "%s/task-filter", attr);
	ASSERT_EQ(0, set_knob(knob, "N"));
	return injected;
}

TEST_F_TIMEOUT(fi, sweep, 300)
{
	unsigned int ck_sites, rs_sites, i;
	int injected = 0, failed = 0, status;
	double t0 = now(), t1, t2;
	pid_t pid;

	ck_sites = sweep_checkpoint(_metadata, self);
	t1 = now();

	/* The container is as it was: it checkpoints and comes back. */
	lseek(self->img, 0, SEEK_SET);
	ftruncate(self->img, 0);
	ASSERT_EQ(0, ckpt(self->c.init, self->img, self->log, CHECKPOINT_KILL))
		TH_LOG("%s", log_text(self->log));
	status = rc_reap(&self->c, 10000);
	ASSERT_TRUE(WIFSIGNALED(status));

	rs_sites = sweep_restart(_metadata, self);
	t2 = now();
	for (i = 0; i < 3; i++)
		injected += restored_tasks_pass(_metadata, self, attrs[i],
						i == 2 ? 2 : 5, 8, &failed);

	/* And after all that, a restart that works. */
	R_SET(self->c.pg->cmd, 0);
	lseek(self->img, 0, SEEK_SET);
	pid = rstrt(self->img, self->log, 0);
	ASSERT_GT(pid, 0) TH_LOG("%s", log_text(self->log));
	self->c.init = pid;
	ASSERT_TRUE(beats_advance(self->c.pg, FI_ALL, 10000));
	status = rc_check(&self->c, FI_ALL, 20000);
	ASSERT_EQ(0, status) TH_LOG("restored: status %#x failed %#llx", status,
				    (unsigned long long)self->c.pg->failed);

	ksft_print_msg("fault sites swept: checkpoint %u (%.1f s), restart %u (%.1f s)\n",
		       ck_sites, t1 - t0, rs_sites, t2 - t1);
	ksft_print_msg("restored tasks: %d of 24 restarts %s, %d failed (%.1f s)\n",
		       injected, "had a failure injected", failed, now() - t2);
}

CKPT_HARNESS_MAIN
