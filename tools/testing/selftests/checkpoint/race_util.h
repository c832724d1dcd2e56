/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers of race_test, faultinject_test and unpriv_test: race_prog
 * containers, checkpoints run by a child of the test into a pipe the
 * test reads record by record, image checks, other credentials, and
 * looking for tasks a failure left behind.
 */
#ifndef RACE_UTIL_H
#define RACE_UTIL_H

#include <dirent.h>
#include <grp.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <time.h>
#include <zlib.h>

#include "checkpoint_util.h"
#include "race_prog.h"

#define R_GET(f)	__atomic_load_n(&(f), __ATOMIC_SEQ_CST)
#define R_SET(f, v)	__atomic_store_n(&(f), (v), __ATOMIC_SEQ_CST)

#define UID_USER	1000	/* the unprivileged user */
#define UID_OTHER	1001	/* somebody else */

/* A race_prog container and the page it shares with us. */
struct rc {
	pid_t init;		/* its init, in our pid namespace */
	struct race_page *pg;
	char path[64];		/* the page's file */
	const char *mode;
	uid_t uid;		/* what it runs as */
	int hold_fd;		/* mode hold: this fd stays open in it, */
	const char *hold_path;	/* opened on this file before the ids change */
	ino_t pidns;		/* its pid namespace */
};

static inline void sleep_ms(int ms)
{
	usleep(ms * 1000);
}

/* Milliseconds on the monotonic clock: sleeps last longer than asked. */
static inline long long now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1000LL + t.tv_nsec / 1000000;
}

/* Loop while @cond holds, for up to @ms milliseconds, 1 ms at a time. */
#define WAIT_WHILE(cond, ms)						\
	for (long long __end = now_ms() + (ms); (cond) && now_ms() < __end; \
	     sleep_ms(1))

static inline struct race_page *race_page_create(const char *path)
{
	struct race_page *pg;
	int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0666);

	if (fd < 0)
		return MAP_FAILED;
	/* Containers that run as another user map it too. */
	if (fchmod(fd, 0666) || ftruncate(fd, 4096)) {
		close(fd);
		return MAP_FAILED;
	}
	pg = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	close(fd);
	return pg;
}

/* Forget what the last container said: for a fresh start or a restart. */
static inline void race_page_reset(struct race_page *pg)
{
	memset(pg, 0, sizeof(*pg));
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
}

static inline int write_file(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = write(fd, s, strlen(s));
	close(fd);
	return n == (ssize_t)strlen(s) ? 0 : -1;
}

/* Become @uid with no capabilities and no supplementary groups. */
static inline int become_user(uid_t uid)
{
	if (setgroups(0, NULL) || setresgid(uid, uid, uid) ||
	    setresuid(uid, uid, uid))
		return -1;
	/* Changing ids made us undumpable; our own user may ptrace us. */
	return prctl(PR_SET_DUMPABLE, 1, 0, 0, 0);
}

/*
 * Become @uid holding CAP_CHECKPOINT_RESTORE and nothing else, as an
 * ambient capability, the way a service manager would hand it out.
 */
static inline int become_user_with_ckpt_cap(uid_t uid)
{
	cap_value_t cr = CAP_CHECKPOINT_RESTORE;
	cap_t c;
	int ret;

	if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) || setgroups(0, NULL) ||
	    setresgid(uid, uid, uid) || setresuid(uid, uid, uid))
		return -1;
	c = cap_init();
	if (!c)
		return -1;
	ret = cap_set_flag(c, CAP_PERMITTED, 1, &cr, CAP_SET) ||
	      cap_set_flag(c, CAP_EFFECTIVE, 1, &cr, CAP_SET) ||
	      cap_set_flag(c, CAP_INHERITABLE, 1, &cr, CAP_SET) ||
	      cap_set_proc(c);
	cap_free(c);
	if (ret || prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE,
			 CAP_CHECKPOINT_RESTORE, 0, 0))
		return -1;
	return prctl(PR_SET_DUMPABLE, 1, 0, 0, 0);
}

/*
 * Become @uid, then root of a user namespace of our own that maps only
 * @uid: an unprivileged user with every capability over what it creates.
 */
static inline int enter_own_userns(uid_t uid)
{
	char map[32];

	if (become_user(uid) || unshare(CLONE_NEWUSER) ||
	    write_file("/proc/self/setgroups", "deny"))
		return -1;
	snprintf(map, sizeof(map), "0 %d 1", uid);
	if (write_file("/proc/self/uid_map", map) ||
	    write_file("/proc/self/gid_map", map))
		return -1;
	return 0;
}

static inline ino_t ns_ino(pid_t pid, const char *ns)
{
	char path[64];
	struct stat st;

	snprintf(path, sizeof(path), "/proc/%d/ns/%s", pid, ns);
	return stat(path, &st) ? 0 : st.st_ino;
}

/* Exec race_prog in the container @arg (a struct rc) as its init. */
static inline int race_exec(void *arg)
{
	struct rc *c = arg;
	char mode[32];

	if (c->hold_path) {
		int fd = open(c->hold_path, O_RDONLY);

		if (fd < 0 || dup2(fd, c->hold_fd) != c->hold_fd)
			return 121;
	}
	if (c->uid && become_user(c->uid))
		return 120;
	if (c->hold_fd > 0)
		snprintf(mode, sizeof(mode), "hold:%d", c->hold_fd);
	else
		snprintf(mode, sizeof(mode), "%s", c->mode);
	return exec_sibling("race_prog", c->path, mode);
}

static inline int wait_ready(struct race_page *pg, uint64_t mask, int ms)
{
	WAIT_WHILE((R_GET(pg->ready) & mask) != mask, ms)
		;
	return (R_GET(pg->ready) & mask) == mask;
}

/* Does every task of @mask beat at least twice within @ms? */
static inline int beats_advance(struct race_page *pg, uint64_t mask, int ms)
{
	uint64_t from[RACE_SLOTS];
	long long end = now_ms() + ms;
	int i, done;

	for (i = 0; i < RACE_SLOTS; i++)
		from[i] = R_GET(pg->beat[i]);
	for (;;) {
		done = 1;
		for (i = 0; i < RACE_SLOTS; i++)
			if ((mask & (1ULL << i)) && R_GET(pg->beat[i]) < from[i] + 2)
				done = 0;
		if (done)
			return 1;
		if (now_ms() > end)
			return 0;
		sleep_ms(1);
	}
}

/* The slots of @mask that did not beat: for messages. */
static inline uint64_t stalled_slots(struct race_page *pg, uint64_t mask,
				     int ms)
{
	uint64_t from[RACE_SLOTS], bad = 0;
	int i;

	for (i = 0; i < RACE_SLOTS; i++)
		from[i] = R_GET(pg->beat[i]);
	sleep_ms(ms);
	for (i = 0; i < RACE_SLOTS; i++)
		if ((mask & (1ULL << i)) && R_GET(pg->beat[i]) < from[i] + 2)
			bad |= 1ULL << i;
	return bad;
}

/* Describe a container running race_prog @mode as @uid, with a new page. */
static inline int rc_init(struct rc *c, const char *tag, const char *mode,
			  uid_t uid)
{
	memset(c, 0, sizeof(*c));
	snprintf(c->path, sizeof(c->path), "/tmp/race-%s-%d", tag, getpid());
	c->pg = race_page_create(c->path);
	if (c->pg == MAP_FAILED)
		return -1;
	c->mode = mode;
	c->uid = uid;
	return 0;
}

/* Start it; 0 once every task of @mask is up. */
static inline int rc_launch(struct rc *c, uint64_t mask)
{
	c->init = container_start(race_exec, c);
	if (c->init <= 0)
		return -2;
	c->pidns = ns_ino(c->init, "pid");
	if (!wait_ready(c->pg, mask, 20000))
		return -3;
	return 0;
}

/*
 * Start a container running race_prog @mode as @uid, with a page of its
 * own at /tmp/race-TAG-PID; 0 once every task of @mask is up.
 */
static inline int rc_start(struct rc *c, const char *tag, const char *mode,
			   uid_t uid, uint64_t mask)
{
	return rc_init(c, tag, mode, uid) ?: rc_launch(c, mask);
}

/* Every task of every pid namespace but ours, or of namespace @ns only. */
static inline int count_tasks(ino_t ns, pid_t *first)
{
	ino_t mine = ns_ino(getpid(), "pid");
	DIR *proc = opendir("/proc"), *task;
	struct dirent *p, *t;
	char path[96];
	int n = 0;

	if (!proc)
		return -1;
	while ((p = readdir(proc))) {
		if (p->d_name[0] < '1' || p->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%d/task", atoi(p->d_name));
		task = opendir(path);
		if (!task)
			continue;
		while ((t = readdir(task))) {
			struct stat st;

			if (t->d_name[0] < '1' || t->d_name[0] > '9')
				continue;
			snprintf(path, sizeof(path), "/proc/%d/task/%d/ns/pid",
				 atoi(p->d_name), atoi(t->d_name));
			if (stat(path, &st))
				continue;
			if (ns ? st.st_ino != ns : st.st_ino == mine)
				continue;
			if (!n++ && first)
				*first = atoi(t->d_name);
		}
		closedir(task);
	}
	closedir(proc);
	return n;
}

/* Send @sig to every task of pid namespace @ns; how many there were. */
static inline int signal_pidns(ino_t ns, int sig)
{
	DIR *proc = opendir("/proc"), *task;
	struct dirent *p, *t;
	char path[64];
	int n = 0;

	while (proc && (p = readdir(proc))) {
		if (atoi(p->d_name) <= 0)
			continue;
		snprintf(path, sizeof(path), "/proc/%d/task", atoi(p->d_name));
		task = opendir(path);
		while (task && (t = readdir(task))) {
			pid_t tid = atoi(t->d_name);

			if (tid > 0 && ns_ino(tid, "pid") == ns) {
				kill(tid, sig);
				n++;
			}
		}
		if (task)
			closedir(task);
	}
	if (proc)
		closedir(proc);
	return n;
}

/* A task of pid namespace @ns whose comm is @comm, or 0. */
static inline pid_t task_with_comm(ino_t ns, const char *comm)
{
	DIR *proc = opendir("/proc");
	struct dirent *p;
	char path[64], buf[32];
	pid_t found = 0;

	while (proc && !found && (p = readdir(proc))) {
		pid_t pid = atoi(p->d_name);
		ssize_t n;
		int fd;

		if (pid <= 0 || ns_ino(pid, "pid") != ns)
			continue;
		snprintf(path, sizeof(path), "/proc/%d/comm", pid);
		fd = open(path, O_RDONLY);
		if (fd < 0)
			continue;
		n = read(fd, buf, sizeof(buf) - 1);
		close(fd);
		buf[n > 0 ? n : 0] = '\0';
		buf[strcspn(buf, "\n")] = '\0';
		if (!strcmp(buf, comm))
			found = pid;
	}
	if (proc)
		closedir(proc);
	return found;
}

/* Wait up to @ms for no task to be left in a pid namespace but ours. */
static inline int foreign_tasks_gone(int ms, pid_t *left)
{
	int n;

	WAIT_WHILE((n = count_tasks(0, left)) > 0, ms)
		;
	return n == 0;
}

/*
 * Our pid of the task the container's init sees as @inner: NSpid's
 * second field.  A task of a nested namespace has a longer NSpid.
 */
static inline pid_t outer_tid(pid_t inner, ino_t ns, pid_t parent)
{
	DIR *proc = opendir("/proc"), *task;
	struct dirent *p, *t;
	char path[96], line[256];
	pid_t found = 0;

	if (!proc)
		return 0;
	while (!found && (p = readdir(proc))) {
		if (p->d_name[0] < '1' || p->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%d/task", atoi(p->d_name));
		task = opendir(path);
		if (!task)
			continue;
		while (!found && (t = readdir(task))) {
			int outer, nr = 0, level, ppid = -1;
			FILE *f;

			if (t->d_name[0] < '1' || t->d_name[0] > '9')
				continue;
			snprintf(path, sizeof(path), "/proc/%d/task/%d/status",
				 atoi(p->d_name), atoi(t->d_name));
			f = fopen(path, "r");
			if (!f)
				continue;
			while (fgets(line, sizeof(line), f)) {
				if (!strncmp(line, "PPid:", 5))
					ppid = atoi(line + 5);
				if (!strncmp(line, "NSpid:", 6))
					nr = sscanf(line + 6, "%d %d", &outer,
						    &level);
			}
			fclose(f);
			if (nr == 2 && level == inner &&
			    (ns_ino(atoi(t->d_name), "pid") == ns ||
			     (parent && ppid == parent)))
				found = atoi(t->d_name);
		}
		closedir(task);
	}
	closedir(proc);
	return found;
}

/* Reap the container's init: its status, or -1 if it did not exit. */
static inline int rc_reap(struct rc *c, int ms)
{
	long long end = now_ms() + ms;
	int status;

	for (;;) {
		pid_t p = waitpid(c->init, &status, WNOHANG);

		if (p == c->init) {
			c->init = 0;
			return status;
		}
		if (p < 0 || now_ms() > end)
			return -1;
		sleep_ms(1);
	}
}

static inline void rc_stop(struct rc *c)
{
	if (c->init > 0)
		container_stop(c->init);
	c->init = 0;
}

static inline void rc_cleanup(struct rc *c)
{
	char more[80];

	rc_stop(c);
	if (c->pg && c->pg != MAP_FAILED)
		munmap(c->pg, 4096);
	c->pg = NULL;
	if (c->path[0]) {
		unlink(c->path);
		snprintf(more, sizeof(more), "%s.inside", c->path);
		unlink(more);
	}
}

/*
 * Tell the container to check itself and wait for every task of @mask
 * to have done so; returns the init's exit status or -1.
 */
static inline int rc_check(struct rc *c, uint64_t mask, int ms)
{
	R_SET(c->pg->cmd, RACE_CMD_CHECK);
	WAIT_WHILE((R_GET(c->pg->checked) & mask) != mask, ms)
		;
	return rc_reap(c, 10000);
}

/* A setuid-root copy of race_prog, for containers that exec it. */
static inline int make_suid_copy(void)
{
	int in, out;
	struct stat st;
	char prog[4096];
	ssize_t n = readlink("/proc/self/exe", prog, sizeof(prog) - 64);
	char *slash;

	if (n <= 0)
		return -1;
	prog[n] = '\0';
	slash = strrchr(prog, '/');
	snprintf(slash + 1, 64, "race_prog");
	in = open(prog, O_RDONLY);
	if (in < 0 || fstat(in, &st))
		return -1;
	unlink(RACE_SUID_PATH);
	out = open(RACE_SUID_PATH, O_WRONLY | O_CREAT | O_EXCL, 0700);
	if (out < 0 ||
	    sendfile(out, in, NULL, st.st_size) != st.st_size ||
	    fchown(out, 0, 0) || fchmod(out, 04755)) {
		close(in);
		return -1;
	}
	close(in);
	close(out);
	return 0;
}

/* ---- The image stream ---- */

/* An image read from a pipe, kept whole. */
struct stream {
	int fd;
	unsigned char *buf;
	size_t len, cap;
	unsigned int nr;	/* records read */
	unsigned int counts[CKPT_REC_MAX];
	int eof;
};

static inline void stream_init(struct stream *s, int fd)
{
	memset(s, 0, sizeof(*s));
	s->fd = fd;
}

static inline void stream_free(struct stream *s)
{
	free(s->buf);
	s->buf = NULL;
}

/* Read exactly @n bytes; 0, or -1 at the end of the stream. */
static inline int read_full(int fd, void *buf, size_t n)
{
	unsigned char *p = buf;

	while (n) {
		ssize_t r = read(fd, p, n);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		p += r;
		n -= r;
	}
	return 0;
}

static inline int skip_bytes(int fd, size_t n)
{
	char junk[512];

	while (n) {
		size_t k = n < sizeof(junk) ? n : sizeof(junk);

		if (read_full(fd, junk, k))
			return -1;
		n -= k;
	}
	return 0;
}

/*
 * Read one record into the stream's buffer.  Returns its type, 0 at the
 * end of the stream (also mid-record: a failed checkpoint stops short),
 * -1 when the framing is wrong.
 */
static inline int stream_next(struct stream *s)
{
	struct ckpt_rec h;
	size_t body;

	if (s->eof)
		return 0;
	if (read_full(s->fd, &h, sizeof(h))) {
		s->eof = 1;
		return 0;
	}
	if (h.len < sizeof(h) || h.len > CKPT_REC_MAX_LEN || !h.type ||
	    h.type >= CKPT_REC_MAX)
		return -1;
	body = ((h.len + CKPT_ALIGN - 1) & ~(CKPT_ALIGN - 1)) - sizeof(h);
	if (s->len + sizeof(h) + body > s->cap) {
		size_t cap = (s->cap ? s->cap * 2 : 1 << 20);

		while (cap < s->len + sizeof(h) + body)
			cap *= 2;
		s->buf = realloc(s->buf, cap);
		if (!s->buf)
			return -1;
		s->cap = cap;
	}
	memcpy(s->buf + s->len, &h, sizeof(h));
	if (read_full(s->fd, s->buf + s->len + sizeof(h), body)) {
		s->eof = 1;
		return 0;
	}
	s->len += sizeof(h) + body;
	s->nr++;
	s->counts[h.type]++;
	return h.type;
}

/* Read to the end of the stream; -1 if the framing broke. */
static inline int stream_drain(struct stream *s)
{
	int t;

	while ((t = stream_next(s)) > 0)
		;
	return t;
}

/*
 * Is @buf a whole image: framed, ending in a trailer that counts the
 * records before it and carries their crc32?
 */
static inline int image_complete(const unsigned char *buf, size_t len)
{
	const struct ckpt_rec_trailer *t;
	size_t off = 0, last = 0;
	unsigned int nr = 0;

	while (off + sizeof(struct ckpt_rec) <= len) {
		const struct ckpt_rec *h = (const void *)(buf + off);

		if (h->len < sizeof(*h))
			return 0;
		last = off;
		nr++;
		off += (h->len + CKPT_ALIGN - 1) & ~(size_t)(CKPT_ALIGN - 1);
	}
	if (off != len || !nr)
		return 0;
	t = (const void *)(buf + last);
	return t->rec.type == CKPT_REC_TRAILER &&
	       t->rec.len == sizeof(*t) && t->magic == CKPT_IMAGE_MAGIC &&
	       t->nr_records == nr - 1 &&
	       t->crc == (uint32_t)crc32(0, buf, last);
}

/* The container record's tree entries: how many live tasks it lists. */
static inline int image_live_tasks(const unsigned char *buf, size_t len)
{
	size_t off = 0;

	while (off + sizeof(struct ckpt_rec) <= len) {
		const struct ckpt_rec *h = (const void *)(buf + off);

		if (h->len < sizeof(*h))
			return -1;
		if (h->type == CKPT_REC_CONTAINER) {
			const struct ckpt_rec_container *c = (const void *)h;
			const struct ckpt_tree_entry *e = (const void *)(c + 1);
			unsigned int i;
			int live = 0;

			for (i = 0; i < c->nr_tasks; i++)
				if (!(e[i].flags & CKPT_TREE_ZOMBIE))
					live++;
			return live;
		}
		off += (h->len + CKPT_ALIGN - 1) & ~(size_t)(CKPT_ALIGN - 1);
	}
	return -1;
}

/* Does any saved credential of @buf hold uid or euid/suid/fsuid @uid? */
static inline int image_has_uid(const unsigned char *buf, size_t len,
				uid_t uid)
{
	size_t off = 0;

	while (off + sizeof(struct ckpt_rec) <= len) {
		const struct ckpt_rec *h = (const void *)(buf + off);

		if (h->len < sizeof(*h))
			return 0;
		if (h->type == CKPT_REC_CRED) {
			const struct ckpt_rec_cred *c = (const void *)h;

			if (c->uid == uid || c->euid == uid ||
			    c->suid == uid || c->fsuid == uid)
				return 1;
		}
		off += (h->len + CKPT_ALIGN - 1) & ~(size_t)(CKPT_ALIGN - 1);
	}
	return 0;
}

/* An image in a scratch file, positioned at its start. */
static inline int image_file(const void *buf, size_t len)
{
	int fd = scratch_file(O_RDWR);

	if (fd < 0)
		return -1;
	if (write(fd, buf, len) != (ssize_t)len) {
		close(fd);
		return -1;
	}
	lseek(fd, 0, SEEK_SET);
	return fd;
}

/*
 * Does restart(2) take the image?  The container comes back stopped
 * and is killed at once: its tasks never run, so they cannot disturb a
 * container that still runs from the same page.  0 or an errno (as a
 * positive number, like the exit status of ckpt_child()).
 */
static inline int restart_takes(const void *buf, size_t len, int logfd)
{
	int fd = image_file(buf, len), status, err = 0;
	pid_t pid;

	if (fd < 0)
		return errno ?: EIO;
	pid = rstrt(fd, logfd, RESTART_FROZEN);
	if (pid < 0) {
		err = errno;
	} else {
		kill(pid, SIGKILL);
		waitpid(pid, &status, 0);
	}
	close(fd);
	return err;
}

/* ---- A checkpoint run by a child of the test ---- */

/*
 * Fork a child that checkpoints @init into @fd, after @setup (a change
 * of credentials, say).  Its exit status is 0 on success, the errno
 * otherwise, 200 when @setup failed.
 */
static inline pid_t ckpt_child(pid_t init, int fd, int logfd, uint64_t flags,
			       int (*setup)(uid_t), uid_t uid, int close_fd)
{
	pid_t pid = fork();

	if (pid == 0) {
		long ret;

		if (close_fd >= 0)
			close(close_fd);
		if (setup && setup(uid))
			_exit(200);
		ret = ckpt(init, fd, logfd, flags);
		_exit(ret < 0 ? (errno > 0 && errno < 200 ? errno : 199) : 0);
	}
	return pid;
}

/* How a child ended: its exit status, or 1000 + the signal that killed it. */
static inline int child_result(pid_t pid)
{
	int status;

	if (waitpid(pid, &status, 0) != pid)
		return -1;
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	return 1000 + WTERMSIG(status);
}

/*
 * Wait up to @ms for @pid to sleep in pipe_write() (1) or to be done
 * (0, still unreaped); -1 on timeout.
 */
static inline int wait_pipe_write(pid_t pid, int ms)
{
	char path[64], wchan[64];
	long long end = now_ms() + ms;
	siginfo_t si;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/wchan", pid);
	while (now_ms() < end) {
		memset(&si, 0, sizeof(si));
		if (!waitid(P_PID, pid, &si, WEXITED | WNOHANG | WNOWAIT) &&
		    si.si_pid == pid)
			return 0;
		fd = open(path, O_RDONLY);
		if (fd >= 0) {
			ssize_t n = read(fd, wchan, sizeof(wchan) - 1);

			close(fd);
			wchan[n > 0 ? n : 0] = '\0';
			if (!strcmp(wchan, "pipe_write"))
				return 1;
		}
		sleep_ms(1);
	}
	return -1;
}

/* A pipe of one page, so that a writer runs at most a page ahead. */
static inline int small_pipe(int p[2])
{
	if (pipe(p))
		return -1;
	return fcntl(p[1], F_SETPIPE_SZ, 4096) == 4096 ? 0 : -1;
}

/* Fill @fd's pipe with @n bytes of 0xee. */
static inline int prefill(int fd, size_t n)
{
	char junk[512];

	memset(junk, 0xee, sizeof(junk));
	while (n) {
		size_t k = n < sizeof(junk) ? n : sizeof(junk);

		if (write(fd, junk, k) != (ssize_t)k)
			return -1;
		n -= k;
	}
	return 0;
}

/* Bytes unread in a pipe. */
static inline int pipe_unread(int fd)
{
	int n = -1;

	return ioctl(fd, FIONREAD, &n) ? -1 : n;
}

/* What the kernel logged; "" when nothing. */
static inline const char *log_text(int fd)
{
	static char buf[8192];

	read_log(fd, buf, sizeof(buf));
	return buf;
}

/* An errno a syscall may return: no kernel-internal value leaked. */
static inline int clean_errno(int err)
{
	return err > 0 && err < 134;
}

#endif /* RACE_UTIL_H */
