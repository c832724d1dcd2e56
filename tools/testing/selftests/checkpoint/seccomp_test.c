// SPDX-License-Identifier: GPL-2.0
/*
 * Seccomp comes back after a restart: strict mode, and filter chains as
 * they were nested and shared.
 *
 * filters: the container's init (a clone of this test) attaches filter
 * 1 (getpgid -> EDOM, times -> ENOEXEC), starts thread 1, attaches filter
 * 2 with SECCOMP_FILTER_FLAG_LOG (getpgid -> ERANGE, getsid -> EXDEV),
 * starts thread 2, and forks a child that attaches filter 3 (sysinfo ->
 * ENOLINK).  Thread 1 runs under filter 1 alone; the init and thread 2
 * share filter 2 on top of it; the child has filter 3 on top of both.
 * Every task notes what /proc shows of its seccomp state; the container
 * is checkpointed with --kill and restarted; then every task checks its
 * own filters (the newest filter's errno wins where two match, so the
 * order shows) and that /proc shows the same Seccomp and
 * Seccomp_filters as before.  The image holds each filter once.
 *
 * strict: a child in strict mode sits in read(); restored, it still may
 * read and write, and is killed by the next syscall it makes.
 *
 * Refused: a filter whose user-notification listener is held open (here
 * by the test, outside the container, as a supervisor would).  Malformed
 * images: each new field, and programs seccomp(2) would refuse.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <zlib.h>

#include "checkpoint_util.h"
#include "../kselftest_harness.h"
#include "checkpoint_box.h"

#ifndef __NR_pidfd_open
#define __NR_pidfd_open		434
#endif
#ifndef __NR_pidfd_getfd
#define __NR_pidfd_getfd	438
#endif

/* The control file: what the test and the container tell each other. */
#define LFD_OFF		128	/* M_LISTENER: the listener's fd number */
#define TAKEN_OFF	192	/* M_LISTENER: the test holds it now */
#define COUNT_OFF	256	/* tasks of the container that are set up */

enum mode {
	M_FILTERS,
	M_STRICT,
	M_LISTENER,
};

static enum mode mode;
static char *ctl;

/* Attach a filter: @nr1 fails with @err1, @nr2 with @err2, all else runs. */
static int attach(int nr1, int err1, int nr2, int err2, unsigned int flags)
{
	struct sock_filter insns[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, nr1, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | err1),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, nr2, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | err2),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = {
		.len = ARRAY_SIZE(insns), .filter = insns,
	};

	return syscall(__NR_seccomp, SECCOMP_SET_MODE_FILTER, flags, &prog);
}

/* The errno a raw syscall fails with, or 0 if it succeeds. */
static int fails_with(long nr)
{
	char buf[256];
	long ret;

	switch (nr) {
	case __NR_getpgid:
	case __NR_getsid:
		ret = syscall(nr, 0);
		break;
	default:
		ret = syscall(nr, buf);
		break;
	}
	return ret == -1 ? errno : 0;
}

/* "Seccomp:" and "Seccomp_filters:" of /proc/PATH/status, as mode * 100 + n. */
static int proc_seccomp(const char *path)
{
	char file[64], line[256];
	int mode = -1, n = -1;
	FILE *f;

	snprintf(file, sizeof(file), "/proc/%s/status", path);
	f = fopen(file, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "Seccomp: %d", &mode) == 1)
			continue;
		if (sscanf(line, "Seccomp_filters: %d", &n) == 1)
			continue;
	}
	fclose(f);
	return mode < 0 || n < 0 ? -1 : mode * 100 + n;
}

static void wait_go(void)
{
	while (strcmp(ctl + BOX_GO_OFF, "go"))
		usleep(10000);
}

/* What each task expects of its filters after the restart. */
struct expect {
	int getpgid, getsid, times, sysinfo;
	int status;	/* proc_seccomp() */
};

/* 0, or the number of the first check that failed, from @base. */
static int check(const struct expect *e, const char *self, int before, int base)
{
	if (before != e->status)
		return base;
	if (fails_with(__NR_getpgid) != e->getpgid)
		return base + 1;
	if (fails_with(__NR_getsid) != e->getsid)
		return base + 2;
	if (fails_with(__NR_times) != e->times)
		return base + 3;
	if (fails_with(__NR_sysinfo) != e->sysinfo)
		return base + 4;
	if (fails_with(__NR_getppid))
		return base + 5;
	if (proc_seccomp(self) != before)
		return base + 6;
	return 0;
}

struct thread {
	pthread_t t;
	struct expect e;
	int base, result;
};

static void *thread_fn(void *arg)
{
	struct thread *t = arg;
	int before = proc_seccomp("thread-self");

	__atomic_add_fetch((int *)(ctl + COUNT_OFF), 1, __ATOMIC_SEQ_CST);
	wait_go();
	t->result = check(&t->e, "thread-self", before, t->base);
	return NULL;
}

static int filters_main(void)
{
	static struct thread t1 = {
		.e = { EDOM, 0, ENOEXEC, 0, 201 }, .base = 20,
	};
	static struct thread t2 = {
		.e = { ERANGE, EXDEV, ENOEXEC, 0, 202 }, .base = 30,
	};
	const struct expect init = { ERANGE, EXDEV, ENOEXEC, 0, 202 };
	const struct expect child = { ERANGE, EXDEV, ENOEXEC, ENOLINK, 203 };
	int before, status, ret;
	pid_t pid;

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) ||
	    attach(__NR_getpgid, EDOM, __NR_times, ENOEXEC, 0))
		return 10;
	if (pthread_create(&t1.t, NULL, thread_fn, &t1))
		return 11;
	if (attach(__NR_getpgid, ERANGE, __NR_getsid, EXDEV,
		   SECCOMP_FILTER_FLAG_LOG))
		return 12;
	if (pthread_create(&t2.t, NULL, thread_fn, &t2))
		return 13;
	/* Not while a thread has its /proc file open: the child would too. */
	while (__atomic_load_n((int *)(ctl + COUNT_OFF), __ATOMIC_SEQ_CST) < 2)
		usleep(10000);
	pid = fork();
	if (pid < 0)
		return 14;
	if (pid == 0) {
		if (attach(__NR_sysinfo, ENOLINK, -1, 0, 0))
			_exit(15);
		before = proc_seccomp("self");
		__atomic_add_fetch((int *)(ctl + COUNT_OFF), 1, __ATOMIC_SEQ_CST);
		wait_go();
		_exit(check(&child, "self", before, 40));
	}
	before = proc_seccomp("self");
	while (__atomic_load_n((int *)(ctl + COUNT_OFF), __ATOMIC_SEQ_CST) < 3)
		usleep(10000);
	box_ready(ctl);
	wait_go();
	ret = check(&init, "self", before, 50);
	pthread_join(t1.t, NULL);
	pthread_join(t2.t, NULL);
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return 16;
	return ret ?: t1.result ?: t2.result ?: WEXITSTATUS(status);
}

/*
 * /proc is the host's: find the number it gives our child @pid, whose
 * "NSpid:" ends in @pid and whose parent is us.
 */
static pid_t host_pid(pid_t pid)
{
	char path[300], line[256], self[32];
	pid_t found = 0, ppid, me;
	struct dirent *d;
	ssize_t n;
	DIR *dir;

	n = readlink("/proc/self", self, sizeof(self) - 1);
	if (n <= 0)
		return 0;
	self[n] = '\0';
	me = atoi(self);
	dir = opendir("/proc");
	while (dir && !found && (d = readdir(dir))) {
		bool ours = false, child = false;
		FILE *f;

		if (d->d_name[0] < '1' || d->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/status", d->d_name);
		f = fopen(path, "r");
		while (f && fgets(line, sizeof(line), f)) {
			char *last = strrchr(line, '\t');

			if (sscanf(line, "PPid: %d", &ppid) == 1)
				ours = ppid == me;
			else if (!strncmp(line, "NSpid:", 6) && last)
				child = atoi(last + 1) == pid;
		}
		if (f)
			fclose(f);
		if (ours && child)
			found = atoi(d->d_name);
	}
	if (dir)
		closedir(dir);
	return found;
}

/*
 * A child in strict mode, waiting in read(): restored, it reads, writes
 * and is killed by getpid().
 */
static int strict_main(void)
{
	int in[2], out[2], status;
	char c, path[32];
	int before;
	pid_t pid;

	if (pipe(in) || pipe(out))
		return 10;
	pid = fork();
	if (pid < 0)
		return 11;
	if (pid == 0) {
		if (prctl(PR_SET_SECCOMP, SECCOMP_MODE_STRICT))
			_exit(12);
		if (read(in[0], &c, 1) == 1)
			write(out[1], &c, 1);
		syscall(__NR_getpid);
		syscall(__NR_exit, 13);
	}
	snprintf(path, sizeof(path), "%d", host_pid(pid));
	while ((before = proc_seccomp(path)) == 0)
		usleep(10000);
	/* Until it sleeps in read(), it may be between prctl() and read(). */
	usleep(100000);
	if (before != 100)
		return 20;
	box_ready(ctl);
	wait_go();
	/* Restored in a new pid namespace: the host's number is new. */
	snprintf(path, sizeof(path), "%d", host_pid(pid));
	if (proc_seccomp(path) != before)
		return 21;
	c = 'x';
	if (write(in[1], &c, 1) != 1 || read(out[0], &c, 1) != 1 || c != 'x')
		return 22;
	if (waitpid(pid, &status, 0) != pid)
		return 23;
	if (!WIFSIGNALED(status) || WTERMSIG(status) != SIGKILL)
		return 24;
	return 0;
}

/* A filter with a listener; the fd goes to the test, which holds it. */
static int listener_main(void)
{
	struct sock_filter insn = BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
	struct sock_fprog prog = { .len = 1, .filter = &insn };
	int fd;

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
		return 10;
	fd = syscall(__NR_seccomp, SECCOMP_SET_MODE_FILTER,
		     SECCOMP_FILTER_FLAG_NEW_LISTENER, &prog);
	if (fd < 0)
		return 11;
	snprintf(ctl + LFD_OFF, 16, "%d", fd);
	while (strcmp(ctl + TAKEN_OFF, "taken"))
		usleep(10000);
	close(fd);
	box_ready(ctl);
	wait_go();
	return 0;
}

/* Run as the container's init, instead of the tests, when asked to. */
static int container_main(int m)
{
	mode = m;
	ctl = box_map_ctl();
	if (!ctl)
		return 2;
	switch (mode) {
	case M_FILTERS:
		return filters_main();
	case M_STRICT:
		return strict_main();
	default:
		return listener_main();
	}
}

BOX_INIT_MAIN("SECCOMP_TEST", container_main)

/*
 * While a listener container sets up: take its listener once it says
 * which fd it is, held by the test until it exits, as a supervisor would.
 */
static void take_listener(struct __test_metadata *_metadata, struct ckpt_box *b)
{
	int pidfd;

	if (box_mode != M_LISTENER || !ctl[LFD_OFF] || ctl[TAKEN_OFF])
		return;
	pidfd = syscall(__NR_pidfd_open, b->init, 0);
	if (pidfd < 0 ||
	    syscall(__NR_pidfd_getfd, pidfd, atoi(ctl + LFD_OFF), 0) < 0)
		TH_LOG("cannot take the listener: %s", strerror(errno));
	close(pidfd);
	put_str(ctl + TAKEN_OFF, "taken");
}

FIXTURE(box) {
	struct ckpt_box b;
};

FIXTURE_SETUP(box)
{
	box_open(_metadata, &self->b);
	ctl = self->b.ctl;
	self->b.setting_up = take_listener;
}

FIXTURE_TEARDOWN(box)
{
	box_close(&self->b);
}

/* The records of an image, with the means to change one and fix the sum. */
struct image {
	unsigned char *buf;
	size_t size;
};

static int image_load(int fd, struct image *im)
{
	struct stat st;

	if (fstat(fd, &st))
		return -1;
	im->size = st.st_size;
	im->buf = malloc(im->size);
	return im->buf && pread(fd, im->buf, im->size, 0) == (ssize_t)im->size ? 0 : -1;
}

/* The @nth record of @type (and, for CKPT_REC_OBJ, @obj_type), or NULL. */
static struct ckpt_rec *find_rec(struct image *im, uint32_t type,
				 uint32_t obj_type, int nth)
{
	size_t off = 0;

	while (off + sizeof(struct ckpt_rec) <= im->size) {
		struct ckpt_rec *r = (void *)(im->buf + off);

		if (r->len < sizeof(*r))
			return NULL;
		if (r->type == type &&
		    (!obj_type || ((struct ckpt_rec_obj *)r)->obj_type == obj_type) &&
		    nth-- == 0)
			return r;
		off += (r->len + CKPT_ALIGN - 1) & ~(size_t)(CKPT_ALIGN - 1);
	}
	return NULL;
}

static int count_recs(struct image *im, uint32_t type, uint32_t obj_type)
{
	int n = 0;

	while (find_rec(im, type, obj_type, n))
		n++;
	return n;
}

static void fix_trailer(struct image *im)
{
	struct ckpt_rec_trailer *t = (void *)(im->buf + im->size - sizeof(*t));

	t->crc = crc32(0, im->buf, im->size - sizeof(*t));
}

/* The seccomp record of the task whose task record is the @nth. */
static struct ckpt_rec_seccomp *task_seccomp(struct image *im, int nth)
{
	struct ckpt_rec *t = find_rec(im, CKPT_REC_TASK, 0, nth);
	int i;

	for (i = 0; t; i++) {
		struct ckpt_rec *r = find_rec(im, CKPT_REC_SECCOMP, 0, i);

		if (!r)
			return NULL;
		if ((unsigned char *)r > (unsigned char *)t)
			return (void *)r;
	}
	return NULL;
}

TEST_F_TIMEOUT(box, filters_nested_and_shared_come_back, 90)
{
	char log[4096];
	struct image im;
	int ret;

	box_start(_metadata, &self->b, M_FILTERS);
	ASSERT_EQ(0, box_checkpoint(&self->b, CHECKPOINT_KILL, log, sizeof(log)))
		TH_LOG("checkpoint: %s", log);
	/* Three filters, each once; one of them logs. */
	ASSERT_EQ(0, image_load(self->b.image, &im));
	EXPECT_EQ(3, count_recs(&im, CKPT_REC_SECCOMP_FILTER, 0));
	EXPECT_EQ(3, count_recs(&im, CKPT_REC_OBJ, CKPT_OBJ_SECCOMP));
	ret = 0;
	for (int i = 0; i < 3; i++)
		ret += ((struct ckpt_rec_seccomp_filter *)
			find_rec(&im, CKPT_REC_SECCOMP_FILTER, 0, i))->flags ==
			SECCOMP_FILTER_FLAG_LOG;
	EXPECT_EQ(1, ret);
	EXPECT_EQ(4, count_recs(&im, CKPT_REC_SECCOMP, 0));
	free(im.buf);

	ret = box_restore_and_wait(_metadata, &self->b, 0, NULL);
	/*
	 * 20s: thread 1, 30s: thread 2, 40s: the child, 50s: the init;
	 * +0 /proc before, +1 getpgid, +2 getsid, +3 times, +4 sysinfo,
	 * +5 getppid, +6 /proc after.
	 */
	EXPECT_EQ(0, ret) TH_LOG("restored container failed check %d", ret);
}

TEST_F_TIMEOUT(box, strict_mode_comes_back, 60)
{
	char log[4096];
	int ret;

	box_start(_metadata, &self->b, M_STRICT);
	ASSERT_EQ(0, box_checkpoint(&self->b, CHECKPOINT_KILL, log, sizeof(log)))
		TH_LOG("checkpoint: %s", log);
	ret = box_restore_and_wait(_metadata, &self->b, 0, NULL);
	/* 21: /proc, 22: read/write, 24: not killed by getpid(). */
	EXPECT_EQ(0, ret) TH_LOG("restored container failed check %d", ret);
}

TEST_F_TIMEOUT(box, listener_refused_by_name, 60)
{
	char log[4096];
	int err, status;

	box_start(_metadata, &self->b, M_LISTENER);
	err = box_checkpoint(&self->b, CHECKPOINT_KILL, log, sizeof(log));
	EXPECT_EQ(EOPNOTSUPP, err) TH_LOG("checkpoint: %s; log: %s", strerror(err), log);
	EXPECT_NE(NULL, strstr(log, "user-notification listener")) TH_LOG("log: %s", log);
	/* Unharmed: still there, and still running. */
	EXPECT_EQ(0, waitpid(self->b.init, &status, WNOHANG));
	EXPECT_EQ(0, kill(self->b.init, 0));
}

/* One change to a good image, and the words restart must refuse it with. */
struct defect {
	const char *name, *reason;
	void (*apply)(struct image *im);
};

static struct ckpt_rec_seccomp_filter *first_filter(struct image *im)
{
	return (void *)find_rec(im, CKPT_REC_SECCOMP_FILTER, 0, 0);
}

static struct sock_filter *insns_of(struct ckpt_rec_seccomp_filter *f)
{
	return (void *)(f + 1);
}

static void bad_flags(struct image *im)
{
	first_filter(im)->flags = SECCOMP_FILTER_FLAG_SPEC_ALLOW;
}

static void bad_pad(struct image *im)
{
	first_filter(im)->__pad = 1;
}

static void bad_len(struct image *im)
{
	first_filter(im)->len++;
}

/* A load past struct seccomp_data: seccomp_check_filter() refuses it. */
static void bad_load(struct image *im)
{
	insns_of(first_filter(im))[0].k = 4096;
}

/* No such opcode: the classic BPF checker refuses it. */
static void bad_opcode(struct image *im)
{
	insns_of(first_filter(im))[0].code = 0xffff;
}

/* A jump out of the program. */
static void bad_jump(struct image *im)
{
	insns_of(first_filter(im))[1].jf = 200;
}

/* A filter on top of itself: its objref is not defined yet. */
static void self_prev(struct image *im)
{
	struct ckpt_rec_obj *o = (void *)find_rec(im, CKPT_REC_OBJ, CKPT_OBJ_SECCOMP, 1);
	struct ckpt_rec_seccomp_filter *f = (void *)find_rec(im, CKPT_REC_SECCOMP_FILTER, 0, 1);

	f->prev_ref = o->objref;
}

static void bad_mode(struct image *im)
{
	task_seccomp(im, 0)->mode = 7;
}

static void strict_with_filter(struct image *im)
{
	task_seccomp(im, 0)->mode = SECCOMP_MODE_STRICT;
}

static void filter_mode_without_filter(struct image *im)
{
	task_seccomp(im, 0)->filter_ref = 0;
}

static void filter_is_a_cred(struct image *im)
{
	struct ckpt_rec_obj *o = (void *)find_rec(im, CKPT_REC_OBJ, CKPT_OBJ_CRED, 0);

	task_seccomp(im, 0)->filter_ref = o->objref;
}

static const struct defect defects[] = {
	{ "flags", "malformed seccomp filter record", bad_flags },
	{ "pad", "malformed seccomp filter record", bad_pad },
	{ "len", "malformed seccomp filter record", bad_len },
	{ "load", "as seccomp(2) would refuse it", bad_load },
	{ "opcode", "as seccomp(2) would refuse it", bad_opcode },
	{ "jump", "as seccomp(2) would refuse it", bad_jump },
	{ "self_prev", "used before it is defined", self_prev },
	{ "mode", "bad seccomp mode", bad_mode },
	{ "strict_with_filter", "a seccomp filter without seccomp filter mode",
	  strict_with_filter },
	{ "filter_mode_without_filter", "used before it is defined",
	  filter_mode_without_filter },
	{ "filter_is_a_cred", "used as a seccomp filter", filter_is_a_cred },
};

TEST_F_TIMEOUT(box, malformed_images_refused, 120)
{
	char log[4096];
	struct image good, im;
	unsigned int i;
	int fd;
	long pid;

	box_start(_metadata, &self->b, M_FILTERS);
	ASSERT_EQ(0, box_checkpoint(&self->b, CHECKPOINT_KILL, log, sizeof(log)))
		TH_LOG("checkpoint: %s", log);
	ASSERT_EQ(0, image_load(self->b.image, &good));
	im.size = good.size;
	im.buf = malloc(im.size);
	ASSERT_NE(NULL, im.buf);
	for (i = 0; i < ARRAY_SIZE(defects); i++) {
		memcpy(im.buf, good.buf, im.size);
		defects[i].apply(&im);
		fix_trailer(&im);
		fd = scratch_file(O_RDWR);
		ASSERT_GE(fd, 0);
		ASSERT_EQ((ssize_t)im.size, pwrite(fd, im.buf, im.size, 0));
		pid = box_restart(&self->b, fd, log, sizeof(log));
		close(fd);
		if (pid > 0) {
			kill(pid, SIGKILL);
			waitpid(pid, NULL, 0);
		}
		EXPECT_EQ(-EINVAL, pid) TH_LOG("%s: restart gave %ld; log: %s",
					       defects[i].name, pid, log);
		EXPECT_NE(NULL, strstr(log, defects[i].reason))
			TH_LOG("%s: not refused for \"%s\"; log: %s",
			       defects[i].name, defects[i].reason, log);
	}
	free(im.buf);
	free(good.buf);
}

CKPT_HARNESS_MAIN
