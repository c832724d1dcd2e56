// SPDX-License-Identifier: GPL-2.0
/*
 * A process's interval timers -- setitimer(2)'s ITIMER_REAL, _VIRTUAL
 * and _PROF, and alarm(2) -- come back after a restart with the time
 * they had left and their intervals, and go on firing.  POSIX timers
 * are posix_timers_test.c's.
 *
 * The container's init (a clone of this test) arms its timers and says
 * it is ready through a shared file mapping.  It is checkpointed and
 * killed, restarted, told to go on, and then checks itself: what
 * getitimer(2) and alarm(2) tell, or that each timer's signal arrives.
 * It exits with the number of the first check that failed.
 *
 * Malformed images: a timer out of the range setitimer(2) can set.
 */
#define _GNU_SOURCE
#include <signal.h>
#include <stddef.h>
#include <sys/mman.h>
#include <sys/time.h>
#include <time.h>
#include <zlib.h>

#include "checkpoint_util.h"
#include "../kselftest_harness.h"
#include "checkpoint_box.h"

#define SEC		1000000000LL
#define KTIME_MAX	((uint64_t)INT64_MAX)

enum mode {
	M_ITIMERS,	/* REAL, VIRTUAL and PROF, long and periodic */
	M_ALARM,	/* alarm(100) */
	M_FIRES,	/* all three short and periodic: they must fire */
};

static enum mode mode;
static char *ctl;
static _Atomic sig_atomic_t fired[3];	/* by ITIMER_* */

static void on_timer(int sig)
{
	fired[sig == SIGALRM ? ITIMER_REAL :
	      sig == SIGVTALRM ? ITIMER_VIRTUAL : ITIMER_PROF]++;
}

static int64_t tv_ns(const struct timeval *tv)
{
	return tv->tv_sec * SEC + tv->tv_usec * 1000LL;
}

static int set_timer(int which, int64_t value_ns, int64_t interval_ns)
{
	struct itimerval it = {
		.it_value = { value_ns / SEC, value_ns % SEC / 1000 },
		.it_interval = { interval_ns / SEC, interval_ns % SEC / 1000 },
	};

	return setitimer(which, &it, NULL);
}

/* The long timers of M_ITIMERS: value, interval. */
static const int64_t itimers[3][2] = {
	[ITIMER_REAL]		= { 100 * SEC, 7 * SEC },
	[ITIMER_VIRTUAL]	= { 50 * SEC, 3 * SEC },
	[ITIMER_PROF]		= { 60 * SEC, 4 * SEC },
};

static int set_up(void)
{
	struct sigaction sa = { .sa_handler = on_timer };
	int i;

	if (sigaction(SIGALRM, &sa, NULL) || sigaction(SIGVTALRM, &sa, NULL) ||
	    sigaction(SIGPROF, &sa, NULL))
		return 10;
	switch (mode) {
	case M_ITIMERS:
		for (i = 0; i < 3; i++)
			if (set_timer(i, itimers[i][0], itimers[i][1]))
				return 11;
		return 0;
	case M_ALARM:
		alarm(100);
		return 0;
	case M_FIRES:
		/* Little CPU time is used before the restart: CPU timers wait. */
		return set_timer(ITIMER_REAL, SEC, SEC / 2) ||
		       set_timer(ITIMER_VIRTUAL, SEC / 50, SEC / 50) ||
		       set_timer(ITIMER_PROF, SEC / 50, SEC / 50) ? 11 : 0;
	}
	return 12;
}

/* After the restart: what getitimer(2) and alarm(2) tell. */
static int check_itimers(void)
{
	struct itimerval it;
	int i;

	for (i = 0; i < 3; i++) {
		int64_t want = itimers[i][0], v;

		if (getitimer(i, &it))
			return 20;
		v = tv_ns(&it.it_value);
		/*
		 * Time passes between the setting and the check (wall time
		 * for REAL, a slow guest's), but no more than it can.
		 */
		if (v > want + SEC / 10 || v < want - (i == ITIMER_REAL ? 60 : 5) * SEC)
			return 21 + i;
		if (tv_ns(&it.it_interval) != itimers[i][1])
			return 24 + i;
	}
	return 0;
}

static int check_alarm(void)
{
	struct itimerval it;
	unsigned int left = alarm(0);

	if (left < 40 || left > 100)
		return 30;
	if (getitimer(ITIMER_REAL, &it) || it.it_value.tv_sec || it.it_value.tv_usec ||
	    it.it_interval.tv_sec || it.it_interval.tv_usec)
		return 31;
	return 0;
}

/* Spin (CPU timers count only CPU time) until each timer fires twice. */
static int check_fires(void)
{
	_Atomic unsigned long spin = 0;
	int before[3], i;
	time_t end = time(NULL) + 30;

	for (i = 0; i < 3; i++)
		before[i] = fired[i];
	while (time(NULL) < end) {
		for (i = 0; i < 3 && fired[i] >= before[i] + 2; i++)
			;
		if (i == 3)
			return 0;
		spin++;
	}
	for (i = 0; i < 3; i++)
		if (fired[i] < before[i] + 2)
			return 40 + i;
	return 0;
}

static int container_main(int m)
{
	int ret;

	mode = m;
	ctl = box_map_ctl();
	if (!ctl)
		return 2;
	ret = set_up();
	if (ret)
		return ret;
	box_ready_wait_go(ctl);
	switch (mode) {
	case M_ITIMERS:
		return check_itimers();
	case M_ALARM:
		return check_alarm();
	case M_FIRES:
		return check_fires();
	default:
		return 0;
	}
}

BOX_INIT_MAIN("TIMERS", container_main)

FIXTURE(timers) {
	struct ckpt_box b;
};

FIXTURE_VARIANT(timers) {
	enum mode mode;
};

FIXTURE_VARIANT_ADD(timers, itimers) { .mode = M_ITIMERS };
FIXTURE_VARIANT_ADD(timers, alarm) { .mode = M_ALARM };
FIXTURE_VARIANT_ADD(timers, fire) { .mode = M_FIRES };

FIXTURE_SETUP(timers)
{
	box_open(_metadata, &self->b);
}

FIXTURE_TEARDOWN(timers)
{
	box_close(&self->b);
}

TEST_F_TIMEOUT(timers, come_back, 90)
{
	struct ckpt_box *b = &self->b;
	char log[4096];
	int status;

	box_start(_metadata, b, variant->mode);
	ASSERT_EQ(0, box_checkpoint(b, CHECKPOINT_KILL, log, sizeof(log)))
		TH_LOG("checkpoint: %s", log);
	box_restart_go_wait(_metadata, b, &status);
	ASSERT_TRUE(WIFEXITED(status)) TH_LOG("restored init: status %#x", status);
	/*
	 * 21-23: a timer's time left (by ITIMER_*), 24-26: its interval;
	 * 30-31: alarm(); 40-42: a timer did not fire.
	 */
	EXPECT_EQ(0, WEXITSTATUS(status))
		TH_LOG("restored init failed check %d", WEXITSTATUS(status));
}

/* Each record of an image in memory, in turn; NULL at the end. */
static struct ckpt_rec *next_rec(unsigned char *img, size_t size, size_t *off)
{
	struct ckpt_rec *r;

	if (*off + sizeof(*r) > size)
		return NULL;
	r = (struct ckpt_rec *)(img + *off);
	if (r->len < sizeof(*r) || *off + r->len > size)
		return NULL;
	*off += (r->len + CKPT_ALIGN - 1) & ~(size_t)(CKPT_ALIGN - 1);
	return r;
}

/* Malformed images need one container, not one per variant. */
FIXTURE(timers_image) {
	struct ckpt_box b;
};

FIXTURE_SETUP(timers_image)
{
	box_open(_metadata, &self->b);
}

FIXTURE_TEARDOWN(timers_image)
{
	box_close(&self->b);
}

/* Timers out of setitimer(2)'s range: refused, saying which. */
TEST_F_TIMEOUT(timers_image, malformed, 60)
{
	static const struct {
		unsigned int timer;
		bool interval;
		uint64_t ns;
		const char *reason;
	} bad[] = {
		{ ITIMER_REAL, false, KTIME_MAX + 1, "interval timer 0 out of range" },
		{ ITIMER_VIRTUAL, true, ~0ULL, "interval timer 1 out of range" },
		{ ITIMER_PROF, false, 1ULL << 63, "interval timer 2 out of range" },
	};
	struct ckpt_box *b = &self->b;
	struct ckpt_rec_trailer *tr;
	struct ckpt_rec_timers *t;
	struct ckpt_rec *r;
	unsigned char *img, *buf;
	char log[4096];
	size_t size, off;
	unsigned int i;
	long pid;

	box_start(_metadata, b, M_ITIMERS);
	ASSERT_EQ(0, box_checkpoint(b, CHECKPOINT_KILL, log, sizeof(log)))
		TH_LOG("checkpoint: %s", log);
	size = lseek(b->image, 0, SEEK_END);
	img = malloc(size);
	buf = malloc(size);
	ASSERT_NE(NULL, img);
	ASSERT_NE(NULL, buf);
	ASSERT_EQ((ssize_t)size, pread(b->image, img, size, 0));
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		memcpy(buf, img, size);
		t = NULL;
		off = 0;
		while ((r = next_rec(buf, size, &off)))
			if (r->type == CKPT_REC_TIMERS)
				t = (struct ckpt_rec_timers *)r;
		ASSERT_NE(NULL, t) TH_LOG("no timers record");
		if (bad[i].interval)
			t->itimer[bad[i].timer].interval_ns = bad[i].ns;
		else
			t->itimer[bad[i].timer].value_ns = bad[i].ns;
		tr = (struct ckpt_rec_trailer *)(buf + size - sizeof(*tr));
		ASSERT_EQ((uint32_t)CKPT_REC_TRAILER, tr->rec.type);
		tr->crc = crc32(0, buf, size - sizeof(*tr));
		ASSERT_EQ((ssize_t)size, pwrite(b->image, buf, size, 0));
		pid = box_restart(b, b->image, log, sizeof(log));
		if (pid > 0) {
			kill(pid, SIGKILL);
			waitpid(pid, NULL, 0);
		}
		EXPECT_EQ(-EINVAL, pid) TH_LOG("variant %u: log: %s", i, log);
		EXPECT_NE(NULL, strstr(log, bad[i].reason))
			TH_LOG("variant %u: not refused for \"%s\"; log: %s", i,
			       bad[i].reason, log);
	}
	/* The image itself restarts. */
	ASSERT_EQ((ssize_t)size, pwrite(b->image, img, size, 0));
	pid = box_restart(b, b->image, log, sizeof(log));
	ASSERT_GT(pid, 0) TH_LOG("restart: %s; log: %s", strerror(-pid), log);
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	free(img);
	free(buf);
}

CKPT_HARNESS_MAIN
