/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The box: the checkpoint, kill, restart cycle most tests run, in one
 * place.  The container's init is the test program itself, exec'd again
 * in new pid and uts namespaces with nothing of the harness (no open
 * files, no fixtures): BOX_INIT_MAIN(tag, fn) makes that exec run
 * fn(mode) and exit.  Test and container talk through a shared page,
 * the control page: the container writes "ready" at BOX_READY_OFF once
 * set up, the test writes "go" at BOX_GO_OFF once it has restarted it;
 * the rest of the page is the test's.
 *
 * Include after kselftest_harness.h: the set-up steps assert.
 */
#ifndef CHECKPOINT_BOX_H
#define CHECKPOINT_BOX_H

#include <stdbool.h>
#include <sys/mman.h>
#include <time.h>
#include "checkpoint_util.h"

#define BOX_READY_OFF	0
#define BOX_GO_OFF	64
#define BOX_CTL_SIZE	4096

struct ckpt_box {
	pid_t init;		/* the container's init, 0 when none */
	int image, log;		/* scratch files: the image, the kernel's log */
	char *ctl;		/* the control page */
	/* Run in the clone before the exec, e.g. to set a personality. */
	int (*pre_exec)(int mode);
	/* Run by box_start() every 10 ms while the container sets up. */
	void (*setting_up)(struct __test_metadata *_metadata, struct ckpt_box *b);
};

/* The control page's path and the container's mode, for the clone too. */
static char box_ctl_path[64];
static const char *box_tag;
static int box_mode;

static inline char *box_map_ctl(void)
{
	int fd = open(box_ctl_path, O_RDWR);
	char *p;

	if (fd < 0)
		return NULL;
	p = mmap(NULL, BOX_CTL_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	close(fd);
	return p == MAP_FAILED ? NULL : p;
}

/* In the container: say it is set up. */
static inline void box_ready(char *ctl)
{
	put_str(ctl + BOX_READY_OFF, "ready");
}

/* In the container: wait for the test's "go". */
static inline void box_wait_go(const char *ctl)
{
	while (strcmp(ctl + BOX_GO_OFF, "go"))
		usleep(10000);
}

static inline void box_ready_wait_go(char *ctl)
{
	box_ready(ctl);
	box_wait_go(ctl);
}

static inline void box_env_name(char *buf, size_t len, const char *what)
{
	snprintf(buf, len, "%s_%s", box_tag, what);
}

/*
 * In the exec'd container: when the environment names a mode and a
 * control page, run @fn(mode) and exit with what it returns.  Runs from
 * a constructor, before the harness looks at the command line.
 */
static inline void box_init_main(const char *tag, int (*fn)(int mode))
{
	char mname[64], cname[64];
	const char *m, *c;

	box_tag = tag;
	box_env_name(mname, sizeof(mname), "MODE");
	box_env_name(cname, sizeof(cname), "CTL");
	m = getenv(mname);
	c = getenv(cname);
	if (!m || !c)
		return;
	box_mode = atoi(m);
	snprintf(box_ctl_path, sizeof(box_ctl_path), "%s", c);
	unsetenv(mname);
	unsetenv(cname);
	exit(fn(box_mode));
}

#define BOX_INIT_MAIN(tag, fn)						\
	static void __attribute__((constructor)) box_maybe_init(void)	\
	{								\
		box_init_main(tag, fn);					\
	}

/* The clone's side of box_start(): this program again, as the init. */
static inline int box_exec_self(void *arg)
{
	const struct ckpt_box *b = arg;
	char m[16], mname[64], cname[64];

	syscall(__NR_close_range, 0, ~0U, 0);
	snprintf(m, sizeof(m), "%d", box_mode);
	box_env_name(mname, sizeof(mname), "MODE");
	box_env_name(cname, sizeof(cname), "CTL");
	setenv(mname, m, 1);
	setenv(cname, box_ctl_path, 1);
	if (b->pre_exec && b->pre_exec(box_mode))
		return 126;
	execl("/proc/self/exe", program_invocation_short_name, NULL);
	return 127;
}

/* A fresh control page and scratch files; no container yet. */
static inline void box_open(struct __test_metadata *_metadata,
			    struct ckpt_box *b)
{
	int fd;

	snprintf(box_ctl_path, sizeof(box_ctl_path), "/tmp/%s-%d",
		 program_invocation_short_name, getpid());
	fd = open(box_ctl_path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	ASSERT_GE(fd, 0);
	ASSERT_EQ(0, ftruncate(fd, BOX_CTL_SIZE));
	close(fd);
	b->ctl = box_map_ctl();
	ASSERT_NE(NULL, b->ctl);
	b->image = scratch_file(O_RDWR);
	b->log = scratch_file(O_RDWR);
	ASSERT_GE(b->image, 0);
	ASSERT_GE(b->log, 0);
	b->init = 0;
	b->pre_exec = NULL;
	b->setting_up = NULL;
}

static inline void box_close(struct ckpt_box *b)
{
	if (b->init > 0)
		container_stop(b->init);
	unlink(box_ctl_path);
}

/*
 * Start the container in @mode and wait up to 20 s for its "ready"; it
 * exiting first fails the test.
 */
static inline void box_start(struct __test_metadata *_metadata,
			     struct ckpt_box *b, int mode)
{
	int i, status;

	box_mode = mode;
	b->init = container_start(box_exec_self, b);
	ASSERT_GT(b->init, 0);
	for (i = 0; i < 2000 && strcmp(b->ctl + BOX_READY_OFF, "ready"); i++) {
		if (b->setting_up)
			b->setting_up(_metadata, b);
		if (waitpid(b->init, &status, WNOHANG) == b->init) {
			b->init = 0;
			ASSERT_TRUE(0) TH_LOG("the container exited while setting up: %#x",
					      status);
		}
		usleep(10000);
	}
	ASSERT_LT(i, 2000) TH_LOG("the container did not set up");
}

static inline void box_rewind(int fd)
{
	ftruncate(fd, 0);
	lseek(fd, 0, SEEK_SET);
}

/*
 * Checkpoint the container into b->image: 0 or the errno, with the log
 * in @log.  A container caught mid-way (EAGAIN, EBUSY) is tried again
 * for up to 5 s; with CHECKPOINT_KILL the dead init is reaped.
 */
static inline int box_checkpoint(struct ckpt_box *b, uint64_t flags,
				 char *log, size_t len)
{
	long ret;
	int i;

	for (i = 0; i < 50; i++) {
		box_rewind(b->image);
		box_rewind(b->log);
		ret = ckpt(b->init, b->image, b->log, flags);
		if (!ret || (errno != EAGAIN && errno != EBUSY))
			break;
		usleep(100000);
	}
	read_log(b->log, log, len);
	if (ret)
		return errno;
	if (flags & CHECKPOINT_KILL) {
		waitpid(b->init, NULL, 0);
		b->init = 0;
	}
	return 0;
}

/* Restart from the image in @fd: the new init's pid, or -errno; log in @log. */
static inline long box_restart_flags(struct ckpt_box *b, int fd, uint64_t flags,
				     char *log, size_t len)
{
	long pid;

	lseek(fd, 0, SEEK_SET);
	box_rewind(b->log);
	pid = rstrt(fd, b->log, flags);
	if (pid < 0)
		pid = -errno;
	read_log(b->log, log, len);
	return pid;
}

static inline long box_restart(struct ckpt_box *b, int fd, char *log, size_t len)
{
	return box_restart_flags(b, fd, 0, log, len);
}

/* Tell the restored container to go on. */
static inline void box_go(struct ckpt_box *b)
{
	put_str(b->ctl + BOX_GO_OFF, "go");
}

/*
 * Restart from b->image, say "go" and wait for the restored init: its
 * wait status in *@status.
 */
static inline void box_restart_go_wait(struct __test_metadata *_metadata,
				       struct ckpt_box *b, int *status)
{
	char log[4096];
	long pid;

	pid = box_restart(b, b->image, log, sizeof(log));
	ASSERT_GT(pid, 0) TH_LOG("restart: %s; log: %s", strerror(-pid), log);
	box_go(b);
	ASSERT_EQ(pid, waitpid(pid, status, 0));
}

/*
 * Restart from b->image, say "go" and wait for the restored init: its
 * exit status, or -1 (logged) when it did not restart or did not exit.
 * @check, when given, first looks at the restored init, still waiting
 * for its "go": -2 when it says no.  A nonzero @sig is sent every 20 ms
 * until the init exits: one sent before the restored task is back in
 * sigsuspend() runs its handler before the call.
 */
static inline int box_restore_and_wait(struct __test_metadata *_metadata,
				       struct ckpt_box *b, int sig,
				       int (*check)(struct __test_metadata *, pid_t))
{
	char log[4096];
	int i, status = -1;
	long pid;

	pid = box_restart(b, b->image, log, sizeof(log));
	if (pid <= 0) {
		TH_LOG("restart: %s; log: %s", strerror(-pid), log);
		return -1;
	}
	/* The teardown kills it if it is left waiting. */
	b->init = pid;
	if (check && check(_metadata, pid))
		return -2;
	box_go(b);
	for (i = 0; sig && i < 1000; i++) {
		kill(pid, sig);
		usleep(20000);
		if (waitpid(pid, &status, WNOHANG) == pid)
			break;
	}
	if (status == -1 && waitpid(pid, &status, 0) != pid)
		status = -1;
	if (status != -1)
		b->init = 0;
	if (!WIFEXITED(status)) {
		TH_LOG("restored init: status %#x", status);
		return -1;
	}
	return WEXITSTATUS(status);
}

static inline double box_ms_since(const struct timespec *t0)
{
	struct timespec t1;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (t1.tv_sec - t0->tv_sec) * 1e3 + (t1.tv_nsec - t0->tv_nsec) / 1e6;
}

/*
 * The variants of the tests whose container is a *_prog (tree, pidns,
 * thread): leave the running container alone (!@checkpoint), checkpoint
 * it and leave it running (!@restart), or checkpoint and kill it and
 * restart it.  *@init is the container to go on with; *@ckpt_ms and
 * *@rstrt_ms, when not NULL, how long each syscall took.
 */
static inline void box_variant_cycle(struct __test_metadata *_metadata,
				     pid_t *init, int image, int log,
				     bool checkpoint, bool restart,
				     double *ckpt_ms, double *rstrt_ms)
{
	struct timespec t0;
	char buf[1024];
	int status;

	if (!checkpoint)
		return;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	ASSERT_EQ(0, ckpt(*init, image, log, restart ? CHECKPOINT_KILL : 0)) {
		read_log(log, buf, sizeof(buf));
		TH_LOG("checkpoint: %m; log: %s", buf);
	}
	if (ckpt_ms)
		*ckpt_ms = box_ms_since(&t0);
	if (!restart)
		return;
	ASSERT_EQ(*init, waitpid(*init, &status, 0));
	*init = 0;
	lseek(image, 0, SEEK_SET);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	*init = rstrt(image, log, 0);
	ASSERT_GT(*init, 0) {
		read_log(log, buf, sizeof(buf));
		TH_LOG("restart: %m; log: %s", buf);
	}
	if (rstrt_ms)
		*rstrt_ms = box_ms_since(&t0);
}

#endif /* CHECKPOINT_BOX_H */
