// SPDX-License-Identifier: GPL-2.0
/*
 * flock(2), POSIX and OFD locks come back after a restart, held by the
 * same owners on the same byte ranges, and what is not saved is refused
 * by name.
 *
 * The container's init (a clone of this test) takes a flock, two POSIX
 * ranges and an OFD lock on files of its own; a worker it forked takes a
 * POSIX lock on a file the init also locks, and a flock through a file
 * it inherited from the init; a waiter it forked sleeps in F_SETLKW on
 * the init's write range.  It is checkpointed and killed, restarted, and
 * checked from outside (a second flock(LOCK_EX|LOCK_NB) fails, F_GETLK
 * shows the range, type and restored pid); then told to go on, it checks
 * itself: what F_GETLK, F_OFD_GETLK and /proc/locks show from a child,
 * that the waiter still waits (it re-issued F_SETLKW) and gets the range
 * once the init lets go.  It exits with the number of the first check
 * that failed.
 *
 * Refused at checkpoint, with the container left running: a lease.
 * Refused at restart: a lock somebody outside took since, and images
 * whose lock records are malformed.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <dirent.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <zlib.h>

#include "checkpoint_util.h"
#include "../kselftest_harness.h"
#include "checkpoint_box.h"

#define WORKER_OFF	128	/* the worker has its locks */
#define WAITER_OFF	192	/* the waiter is about to wait */
#define GOT_OFF		256	/* the waiter got the range */
#define DONE_OFF	320	/* the worker may exit */

enum mode {
	M_HELD,
	M_LEASE,
	M_MANY,
	M_MAPPED,
};

/* One more than checkpoint takes (locks.c CKPT_LOCKS_MAX). */
#define TOO_MANY_LOCKS	4097

static enum mode mode;
static char *ctl;

/* The files of the container, by what they carry. */
static char *path_of(const char *what)
{
	static char buf[8][96];
	static int n;
	char *p = buf[n++ % 8];

	snprintf(p, sizeof(buf[0]), "%s.%s", box_ctl_path, what);
	return p;
}

static int set_lock(int fd, int cmd, short type, off_t start, off_t len)
{
	struct flock fl = {
		.l_type = type, .l_whence = SEEK_SET, .l_start = start,
		.l_len = len,
	};

	return fcntl(fd, cmd, &fl);
}

/* What F_GETLK (or F_OFD_GETLK) says of a write lock at @start. */
static int get_lock(int fd, int cmd, off_t start, struct flock *fl)
{
	*fl = (struct flock){
		.l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = start,
		.l_len = 1,
	};
	return fcntl(fd, cmd, fl);
}

static bool lock_is(const struct flock *fl, short type, off_t start,
		    off_t len, pid_t pid)
{
	return fl->l_type == type && fl->l_start == start &&
	       fl->l_len == len && fl->l_pid == pid;
}

static void wait_for(const char *flag)
{
	while (strcmp(flag, "1"))
		usleep(10000);
}

/* The worker: a POSIX lock next to the init's, a flock it took itself. */
static int worker(int inherited)
{
	int fd = open(path_of("shared"), O_RDWR);

	if (fd < 0 || set_lock(fd, F_SETLK, F_WRLCK, 0, 10) ||
	    flock(inherited, LOCK_SH))
		_exit(1);
	put_str(ctl + WORKER_OFF, "1");
	wait_for(ctl + DONE_OFF);
	_exit(0);
}

/* The waiter: asleep in F_SETLKW behind the init's write range. */
static int waiter(void)
{
	int fd = open(path_of("posix"), O_RDWR);

	if (fd < 0)
		_exit(1);
	put_str(ctl + WAITER_OFF, "1");
	if (set_lock(fd, F_SETLKW, F_WRLCK, 15, 1))
		_exit(2);
	put_str(ctl + GOT_OFF, "1");
	_exit(0);
}

static int fds[8];
static pid_t worker_pid, waiter_pid;

static int set_up_held(void)
{
	static const char *const names[] = {
		"flock", "posix", "ofd", "shared", "forked",
	};
	unsigned int i;

	for (i = 0; i < 5; i++) {
		fds[i] = open(path_of(names[i]), O_RDWR | O_CREAT, 0600);
		if (fds[i] < 0)
			return 10;
	}
	if (flock(fds[0], LOCK_EX) ||
	    set_lock(fds[1], F_SETLK, F_WRLCK, 10, 20) ||
	    set_lock(fds[1], F_SETLK, F_RDLCK, 100, 0) ||
	    set_lock(fds[2], F_OFD_SETLK, F_WRLCK, 0, 5) ||
	    set_lock(fds[3], F_SETLK, F_RDLCK, 20, 10))
		return 11;
	worker_pid = fork();
	if (worker_pid == 0)
		worker(fds[4]);
	waiter_pid = fork();
	if (waiter_pid == 0)
		waiter();
	if (worker_pid < 0 || waiter_pid < 0)
		return 12;
	wait_for(ctl + WORKER_OFF);
	wait_for(ctl + WAITER_OFF);
	/* Until it sleeps in the lock wait. */
	while (task_state(waiter_pid) != 'S')
		usleep(10000);
	usleep(200000);
	return 0;
}

/* The pid /proc/locks shows for a lock on @fd's inode, or -1. */
static pid_t proc_locks_pid(int fd)
{
	char line[256], want[32];
	struct stat st;
	FILE *f;
	pid_t pid = -1;

	if (fstat(fd, &st))
		return -1;
	snprintf(want, sizeof(want), ":%lu ", (unsigned long)st.st_ino);
	f = fopen("/proc/locks", "r");
	while (f && fgets(line, sizeof(line), f)) {
		char *p = strstr(line, want);

		if (p && !strstr(line, "->")) {
			/* "N: FLOCK  ADVISORY  READ  PID MAJ:MIN:INO ..." */
			while (p > line && p[-1] != ' ')
				p--;
			p--;
			while (p > line && p[-1] != ' ')
				p--;
			pid = atoi(p);
		}
	}
	if (f)
		fclose(f);
	return pid;
}

/*
 * The pid that /proc, the host's, shows for @nr of our pid namespace:
 * /proc/locks gives pids as its mount's namespace sees them.
 */
static pid_t host_pid(pid_t nr)
{
	char path[300], line[256];
	struct stat self, st;
	struct dirent *de;
	pid_t found = -1;
	DIR *d;

	if (stat("/proc/self/ns/pid", &self))
		return -1;
	d = opendir("/proc");
	while (d && found < 0 && (de = readdir(d))) {
		FILE *f;

		if (!isdigit(de->d_name[0]))
			continue;
		snprintf(path, sizeof(path), "/proc/%s/ns/pid", de->d_name);
		if (stat(path, &st) || st.st_ino != self.st_ino ||
		    st.st_dev != self.st_dev)
			continue;
		snprintf(path, sizeof(path), "/proc/%s/status", de->d_name);
		f = fopen(path, "r");
		while (f && fgets(line, sizeof(line), f)) {
			char *last;

			if (strncmp(line, "NSpid:", 6))
				continue;
			last = strrchr(line, '\t');
			if (last && atoi(last + 1) == nr)
				found = atoi(de->d_name);
		}
		if (f)
			fclose(f);
	}
	if (d)
		closedir(d);
	return found;
}

/* In a child, another process and another open file of each. */
static int check_from_child(void)
{
	struct flock fl;
	int fd;

	fd = open(path_of("flock"), O_RDWR);
	if (fd < 0 || !flock(fd, LOCK_EX | LOCK_NB) || errno != EWOULDBLOCK)
		return 30;
	fd = open(path_of("posix"), O_RDWR);
	if (get_lock(fd, F_GETLK, 10, &fl) || !lock_is(&fl, F_WRLCK, 10, 20, 1))
		return 31;
	if (get_lock(fd, F_GETLK, 150, &fl) || !lock_is(&fl, F_RDLCK, 100, 0, 1))
		return 32;
	if (get_lock(fd, F_GETLK, 50, &fl) || fl.l_type != F_UNLCK)
		return 33;
	fd = open(path_of("ofd"), O_RDWR);
	if (get_lock(fd, F_OFD_GETLK, 4, &fl) ||
	    !lock_is(&fl, F_WRLCK, 0, 5, -1))
		return 34;
	fd = open(path_of("shared"), O_RDWR);
	if (get_lock(fd, F_GETLK, 3, &fl) ||
	    !lock_is(&fl, F_WRLCK, 0, 10, worker_pid))
		return 35;
	if (get_lock(fd, F_GETLK, 25, &fl) || !lock_is(&fl, F_RDLCK, 20, 10, 1))
		return 36;
	/* The flock the worker took through the init's file shows it. */
	if (proc_locks_pid(fds[4]) != host_pid(worker_pid))
		return 37;
	if (proc_locks_pid(fds[0]) != host_pid(1))
		return 38;
	return 0;
}

static int check_held(void)
{
	int status, i, fd;
	pid_t pid;

	pid = fork();
	if (pid == 0)
		_exit(check_from_child());
	if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return 20;
	if (WEXITSTATUS(status))
		return WEXITSTATUS(status);
	/* The OFD lock is the init's first file's, not the init's. */
	fd = open(path_of("ofd"), O_RDWR);
	if (!set_lock(fd, F_OFD_SETLK, F_WRLCK, 0, 1) || errno != EAGAIN)
		return 40;
	if (set_lock(fds[2], F_OFD_SETLK, F_WRLCK, 0, 1))
		return 41;
	/* The waiter waits again, and gets the range once it is free. */
	usleep(300000);
	if (!strcmp(ctl + GOT_OFF, "1"))
		return 42;
	if (set_lock(fds[1], F_SETLK, F_UNLCK, 10, 20))
		return 43;
	for (i = 0; i < 500 && strcmp(ctl + GOT_OFF, "1"); i++)
		usleep(10000);
	if (waitpid(waiter_pid, &status, 0) != waiter_pid ||
	    !WIFEXITED(status) || WEXITSTATUS(status))
		return 44;
	put_str(ctl + DONE_OFF, "1");
	if (waitpid(worker_pid, &status, 0) != worker_pid ||
	    !WIFEXITED(status) || WEXITSTATUS(status))
		return 45;
	return 0;
}

static int set_up_lease(void)
{
	int fd = open(path_of("lease"), O_RDONLY | O_CREAT, 0600);

	return fd < 0 || fcntl(fd, F_SETLEASE, F_RDLCK) ? 50 : 0;
}

/* POSIX locks on every other byte of one file: none of them merge. */
static int set_up_many(void)
{
	int fd = open(path_of("many"), O_RDWR | O_CREAT, 0600);
	struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET, .l_len = 1 };
	int i;

	if (fd < 0)
		return 60;
	for (i = 0; i < TOO_MANY_LOCKS; i++) {
		fl.l_start = 2 * i;
		if (fcntl(fd, F_SETLK, &fl))
			return 61;
	}
	return 0;
}

/*
 * A flock taken through a file that only a mapping holds now: the lock
 * goes with that open file, which the image has no record of.
 */
static int set_up_mapped(void)
{
	int fd = open(path_of("mapped"), O_RDWR | O_CREAT, 0600);

	if (fd < 0 || ftruncate(fd, 4096) || flock(fd, LOCK_EX | LOCK_NB))
		return 70;
	if (mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, 0) == MAP_FAILED)
		return 71;
	return close(fd) ? 72 : 0;
}

static int container_main(int m)
{
	int ret;

	mode = m;
	ctl = box_map_ctl();
	if (!ctl)
		return 2;
	ret = mode == M_HELD ? set_up_held() :
	      mode == M_LEASE ? set_up_lease() :
	      mode == M_MAPPED ? set_up_mapped() : set_up_many();
	if (ret)
		return ret;
	box_ready_wait_go(ctl);
	return mode == M_HELD ? check_held() : 0;
}

BOX_INIT_MAIN("LOCKS", container_main)

FIXTURE(locks) {
	struct ckpt_box b;
};

FIXTURE_SETUP(locks)
{
	box_open(_metadata, &self->b);
	ctl = self->b.ctl;
}

FIXTURE_TEARDOWN(locks)
{
	static const char *const names[] = {
		"flock", "posix", "ofd", "shared", "forked", "lease", "many",
	};
	unsigned int i;

	for (i = 0; i < 6; i++)
		unlink(path_of(names[i]));
	box_close(&self->b);
}

TEST_F_TIMEOUT(locks, held_by_the_same_owners, 60)
{
	struct flock fl;
	char log[4096];
	int status, fd;
	long pid;

	box_start(_metadata, &self->b, M_HELD);
	ASSERT_EQ(0, box_checkpoint(&self->b, CHECKPOINT_KILL, log, sizeof(log)))
		TH_LOG("checkpoint: %s", log);
	pid = box_restart(&self->b, self->b.image, log, sizeof(log));
	ASSERT_GT(pid, 0) TH_LOG("restart: %s; log: %s", strerror(-pid), log);
	self->b.init = pid;

	/* From outside: the flock is held, the range shows the new pid. */
	fd = open(path_of("flock"), O_RDWR);
	ASSERT_GE(fd, 0);
	EXPECT_EQ(-1, flock(fd, LOCK_EX | LOCK_NB))
		TH_LOG("the container's flock(LOCK_EX) was not held after restart");
	EXPECT_EQ(EWOULDBLOCK, errno);
	close(fd);
	fd = open(path_of("posix"), O_RDWR);
	ASSERT_GE(fd, 0);
	ASSERT_EQ(0, get_lock(fd, F_GETLK, 12, &fl));
	EXPECT_TRUE(lock_is(&fl, F_WRLCK, 10, 20, pid))
		TH_LOG("F_GETLK: type %d start %ld len %ld pid %d, want %d 10 20 %ld",
		       fl.l_type, (long)fl.l_start, (long)fl.l_len, fl.l_pid,
		       F_WRLCK, pid);
	close(fd);

	put_str(ctl + BOX_GO_OFF, "go");
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	self->b.init = 0;
	ASSERT_TRUE(WIFEXITED(status)) TH_LOG("restored init: status %#x", status);
	/* 30-38: seen from a child; 40-45: the init itself; see above. */
	EXPECT_EQ(0, WEXITSTATUS(status))
		TH_LOG("restored init failed check %d", WEXITSTATUS(status));
}

/* Somebody took the flock between checkpoint and restart. */
TEST_F_TIMEOUT(locks, taken_meanwhile_fails_the_restart, 60)
{
	char log[4096];
	long pid;
	int fd;

	box_start(_metadata, &self->b, M_HELD);
	ASSERT_EQ(0, box_checkpoint(&self->b, CHECKPOINT_KILL, log, sizeof(log)))
		TH_LOG("checkpoint: %s", log);
	fd = open(path_of("flock"), O_RDWR);
	ASSERT_GE(fd, 0);
	ASSERT_EQ(0, flock(fd, LOCK_EX | LOCK_NB));
	pid = box_restart(&self->b, self->b.image, log, sizeof(log));
	if (pid > 0)
		self->b.init = pid;
	EXPECT_EQ(-EAGAIN, pid) TH_LOG("restart: %ld; log: %s", pid, log);
	EXPECT_NE(NULL, strstr(log, path_of("flock"))) TH_LOG("log: %s", log);
	EXPECT_NE(NULL, strstr(log, "conflicts")) TH_LOG("log: %s", log);
	close(fd);
}

TEST_F_TIMEOUT(locks, lease_refused_by_name, 60)
{
	char log[4096];
	int err, status;

	box_start(_metadata, &self->b, M_LEASE);
	err = box_checkpoint(&self->b, CHECKPOINT_KILL, log, sizeof(log));
	EXPECT_EQ(EOPNOTSUPP, err) TH_LOG("checkpoint: %s; log: %s", strerror(err), log);
	EXPECT_NE(NULL, strstr(log, "leases (F_SETLEASE)")) TH_LOG("log: %s", log);
	/* Unharmed: still there, and still running. */
	EXPECT_EQ(0, waitpid(self->b.init, &status, WNOHANG));
	EXPECT_EQ(0, kill(self->b.init, 0));
}

/* A lock only a mapping's file holds would be dropped: refused by name. */
TEST_F_TIMEOUT(locks, held_through_a_mapping_refused_by_name, 60)
{
	char log[4096];
	int err, status;

	box_start(_metadata, &self->b, M_MAPPED);
	err = box_checkpoint(&self->b, CHECKPOINT_KILL, log, sizeof(log));
	EXPECT_EQ(EOPNOTSUPP, err) TH_LOG("checkpoint: %s; log: %s", strerror(err), log);
	EXPECT_NE(NULL, strstr(log, "no fd of the container holds it"))
		TH_LOG("log: %s", log);
	EXPECT_EQ(0, waitpid(self->b.init, &status, WNOHANG));
	EXPECT_EQ(0, kill(self->b.init, 0));
}

/*
 * A container can hold more locks than a record takes: refused before
 * anything is written, by name, never a kernel warning.
 */
TEST_F_TIMEOUT(locks, too_many_refused_by_name, 60)
{
	char log[4096];
	int err, status;

	box_start(_metadata, &self->b, M_MANY);
	err = box_checkpoint(&self->b, CHECKPOINT_KILL, log, sizeof(log));
	EXPECT_EQ(EOPNOTSUPP, err) TH_LOG("checkpoint: %s; log: %s", strerror(err), log);
	EXPECT_NE(NULL, strstr(log, "file locks; not supported")) TH_LOG("log: %s", log);
	EXPECT_EQ(0, waitpid(self->b.init, &status, WNOHANG));
	EXPECT_EQ(0, kill(self->b.init, 0));
}

/* ---- malformed lock records ---- */

static size_t rec_span(uint32_t len)
{
	return ((size_t)len + CKPT_ALIGN - 1) & ~(size_t)(CKPT_ALIGN - 1);
}

/* The first lock of @kind in the image's CKPT_REC_LOCKS records. */
static struct ckpt_lock *find_lock(unsigned char *img, size_t size, uint32_t kind,
				   struct ckpt_rec_locks **recp)
{
	size_t off = 0;

	while (off + sizeof(struct ckpt_rec) <= size) {
		struct ckpt_rec *r = (struct ckpt_rec *)(img + off);
		struct ckpt_rec_locks *rl = (struct ckpt_rec_locks *)r;
		struct ckpt_lock *l = (struct ckpt_lock *)(rl + 1);
		uint32_t i;

		if (r->len < sizeof(*r))
			return NULL;
		for (i = 0; r->type == CKPT_REC_LOCKS && i < rl->nr; i++) {
			if (l[i].kind == kind) {
				*recp = rl;
				return &l[i];
			}
		}
		off += rec_span(r->len);
	}
	return NULL;
}

static void fix_trailer(unsigned char *buf, size_t size)
{
	struct ckpt_rec_trailer *t =
		(struct ckpt_rec_trailer *)(buf + size - sizeof(*t));

	t->crc = crc32(0, buf, size - sizeof(*t));
}

enum lock_field { LF_KIND, LF_TYPE, LF_RANGE, LF_FLOCK_START, LF_OFD_PID,
		  LF_PAD, LF_NR, LF_FILE_AS_FILES, LF_POSIX_NO_FILES,
		  LF_STRANGER_PID, LF_LATER_PID };

static const struct {
	enum lock_field f;
	uint32_t kind;
	const char *reason;
} mutations[] = {
	{ LF_KIND, CKPT_LOCK_POSIX, "malformed lock record" },
	{ LF_TYPE, CKPT_LOCK_FLOCK, "malformed lock record" },
	{ LF_RANGE, CKPT_LOCK_POSIX, "malformed lock record" },
	{ LF_FLOCK_START, CKPT_LOCK_FLOCK, "malformed lock record" },
	{ LF_OFD_PID, CKPT_LOCK_OFD, "malformed lock record" },
	{ LF_PAD, CKPT_LOCK_OFD, "malformed lock record" },
	{ LF_NR, CKPT_LOCK_FLOCK, "malformed lock record" },
	{ LF_FILE_AS_FILES, CKPT_LOCK_POSIX, "used as a files" },
	{ LF_POSIX_NO_FILES, CKPT_LOCK_POSIX, "malformed lock record" },
	{ LF_STRANGER_PID, CKPT_LOCK_FLOCK, "not a process restored before" },
	{ LF_LATER_PID, CKPT_LOCK_FLOCK, "not a process restored before" },
};

TEST_F_TIMEOUT(locks, malformed_records_refused, 120)
{
	struct ckpt_rec_locks *rl;
	struct ckpt_lock *l;
	unsigned char *img, *buf;
	char log[4096];
	unsigned int i;
	struct stat st;
	long pid;

	box_start(_metadata, &self->b, M_HELD);
	ASSERT_EQ(0, box_checkpoint(&self->b, CHECKPOINT_KILL, log, sizeof(log)))
		TH_LOG("checkpoint: %s", log);
	ASSERT_EQ(0, fstat(self->b.image, &st));
	img = malloc(st.st_size);
	buf = malloc(st.st_size);
	ASSERT_NE(NULL, img);
	ASSERT_NE(NULL, buf);
	ASSERT_EQ(st.st_size, pread(self->b.image, img, st.st_size, 0));

	for (i = 0; i < ARRAY_SIZE(mutations); i++) {
		memcpy(buf, img, st.st_size);
		l = find_lock(buf, st.st_size, mutations[i].kind, &rl);
		ASSERT_NE(NULL, l) TH_LOG("no lock of kind %u in the image",
					  mutations[i].kind);
		switch (mutations[i].f) {
		case LF_KIND:
			l->kind = 9;
			break;
		case LF_TYPE:
			l->type = 0;
			break;
		case LF_RANGE:
			l->start = l->end + 1;
			break;
		case LF_FLOCK_START:
			l->start = 1;
			break;
		case LF_OFD_PID:
			l->pid = 1;
			break;
		case LF_PAD:
			l->__pad = 1;
			break;
		case LF_NR:
			rl->nr++;
			break;
		case LF_FILE_AS_FILES:
			l->files_ref = l->file_ref;
			break;
		case LF_POSIX_NO_FILES:
			l->files_ref = 0;
			break;
		case LF_STRANGER_PID:
			l->pid = 4000;
			break;
		case LF_LATER_PID:
			/* The waiter, created after the init's part. */
			l->pid = 3;
			break;
		}
		fix_trailer(buf, st.st_size);
		ASSERT_EQ(0, ftruncate(self->b.image, 0));
		ASSERT_EQ(st.st_size, pwrite(self->b.image, buf, st.st_size, 0));
		pid = box_restart(&self->b, self->b.image, log, sizeof(log));
		if (pid > 0) {
			container_stop(pid);
			ASSERT_TRUE(0) TH_LOG("mutation %u accepted", i);
		}
		EXPECT_EQ(-EINVAL, pid) TH_LOG("mutation %u: %ld; log: %s", i, pid, log);
		EXPECT_NE(NULL, strstr(log, mutations[i].reason))
			TH_LOG("mutation %u: not \"%s\"; log: %s", i,
			       mutations[i].reason, log);
	}
	free(img);
	free(buf);
}

CKPT_HARNESS_MAIN
