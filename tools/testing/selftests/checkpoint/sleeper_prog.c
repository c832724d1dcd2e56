// SPDX-License-Identifier: GPL-2.0
/*
 * A container init that blocks in one syscall and reports how it came
 * back, for sleep_test: checkpointed and restarted while blocked, the
 * syscall must resume as after a signal it did not see.
 *
 * usage: sleeper_prog SHARED-FILE nanosleep|pause|futex|pipe-read|wait4
 *        sleeper_prog SHARED-FILE hold-socket|hold-eventfd|hold-memfd-map|
 *                                 hold-sysv-shm|
 *                                 hold-empty-pidns|hold-ptraced|hold-vfork|
 *                                 hold-fifo|
 *                                 hold-mnt-copy|hold-mnt-tmpfs|hold-mnt-bind|
 *                                 hold-mnt-remount|hold-mnt-umount|
 *                                 hold-tree|hold-family|hold-zombies
 * Writes counter = 1 just before blocking, then verdict = the result
 * (and for nanosleep, how many ms it slept in all).
 * For pipe-read and wait4 a child, told by cmd = 1, writes to the pipe
 * or exits.
 * The hold-* kinds first set up something checkpoint must refuse, then
 * set verdict = 400 and pause.  hold-mnt-* take a mount namespace of
 * their own, a private copy as unshare -m makes; hold-mnt-copy leaves
 * it at that (checkpoint saves it), the others then change a mount.
 * hold-tree instead builds a tree that checkpoint saves, for
 * malformed_test to break: the init's child A leads its own process
 * group and has two children, B in A's group and C in a session of its
 * own.  Each child adds 1 to counter once in place.
 * hold-family builds a small container with one of each kind of task
 * and a few files, also for malformed_test: the init holds the shared
 * file open (fd 0) and a pipe with a byte in it (fds 1 and 2), runs a
 * thread T, and has a zombie child Z (exit status 9) and a child A that
 * leads its own process group.  T and A add 1 to counter once in place.
 * hold-zombies, for malformed_test's zombie records: the init's children,
 * created in this order, are a zombie Y that exited with ids of its own
 * (uid and gid 1000, status 5), a zombie Z with the init's ids (status
 * 6), and a child A that lives on and adds 1 to counter once in place.
 */
#define _GNU_SOURCE
#include <linux/futex.h>
#include <pthread.h>
#include <sched.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/ptrace.h>
#include <sys/shm.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>

#include "checkpoint_util.h"
#include "counter_prog.h"

static _Atomic sig_atomic_t usr1_seen;

static void on_usr1(int sig)
{
	usr1_seen = 1;
}

/* Wait for the test's cmd = 1, sleeping a millisecond at a time. */
static void wait_cmd(struct shared_page *sp)
{
	struct timespec ms = { 0, 1000000 };

	while (!SHARED_GET(sp->cmd))
		nanosleep(&ms, NULL);
}

/* A child of hold-tree: report being in place, and stay there. */
static void settle(struct shared_page *sp)
{
	__atomic_fetch_add(&sp->counter, 1, __ATOMIC_SEQ_CST);
	for (;;)
		pause();
}

/* Build hold-tree's tree; nonzero if it was not all in place within 10 s. */
static int hold_tree(struct shared_page *sp)
{
	pid_t a = fork();
	int i;

	if (a < 0)
		return -1;
	if (a == 0) {
		/* B is forked after setpgid(), so that it joins A's group. */
		if (setpgid(0, 0))
			_exit(1);
		if (fork() == 0)
			settle(sp);
		if (fork() == 0) {
			if (setsid() < 0)
				_exit(1);
			settle(sp);
		}
		settle(sp);
	}
	/* counter is 1 already, from main(). */
	for (i = 0; i < 10000 && SHARED_GET(sp->counter) != 4; i++)
		usleep(1000);
	return SHARED_GET(sp->counter) != 4;
}

static const char *shared_file;	/* argv[1] */

/* hold-family's thread T. */
static void *family_thread(void *arg)
{
	settle(arg);
	return NULL;
}

/* Build hold-family's container; nonzero if it was not all in place within 10 s. */
static int hold_family(struct shared_page *sp)
{
	siginfo_t info;
	pthread_t t;
	pid_t z, a;
	int p[2], i;

	if (open(shared_file, O_RDONLY) != 0 || pipe(p) ||
	    write(p[1], "x", 1) != 1)
		return -1;
	/* The children first: a fork copies only the thread calling it. */
	z = fork();
	if (z == 0)
		_exit(9);
	a = fork();
	if (a == 0) {
		if (setpgid(0, 0))
			_exit(1);
		settle(sp);
	}
	if (z < 0 || a < 0 || pthread_create(&t, NULL, family_thread, sp))
		return -1;
	/* WNOWAIT: Z has exited, and stays a zombie. */
	if (waitid(P_PID, z, &info, WEXITED | WNOWAIT))
		return -1;
	/* counter is 1 already, from main(). */
	for (i = 0; i < 10000 && SHARED_GET(sp->counter) != 3; i++)
		usleep(1000);
	return SHARED_GET(sp->counter) != 3;
}

/* Build hold-zombies' container; nonzero if it was not all in place within 10 s. */
static int hold_zombies(struct shared_page *sp)
{
	siginfo_t info;
	pid_t y, z, a;
	int i;

	y = fork();
	if (y == 0)
		_exit(setresgid(1000, 1000, 1000) || setresuid(1000, 1000, 1000) ? 1 : 5);
	z = fork();
	if (z == 0)
		_exit(6);
	a = fork();
	if (a == 0)
		settle(sp);
	if (y < 0 || z < 0 || a < 0)
		return -1;
	/* WNOWAIT: both stay zombies. */
	if (waitid(P_PID, y, &info, WEXITED | WNOWAIT) || info.si_status != 5 ||
	    waitid(P_PID, z, &info, WEXITED | WNOWAIT) || info.si_status != 6)
		return -1;
	for (i = 0; i < 10000 && SHARED_GET(sp->counter) != 2; i++)
		usleep(1000);
	return SHARED_GET(sp->counter) != 2;
}

/*
 * A FIFO named after the shared file, with both ends open here and bytes
 * in it, as malformed_test wants an image of one.
 */
static int hold_fifo(void)
{
	char path[256];

	snprintf(path, sizeof(path), "%s.fifo", shared_file);
	unlink(path);
	return mkfifo(path, 0600) ||
	       open(path, O_RDONLY | O_NONBLOCK) < 0 ||
	       write(open(path, O_WRONLY), "fifo", 4) != 4;
}

/* hold-mnt-@how; nonzero if that failed. */
static int hold_mounts(const char *how)
{
	if (unshare(CLONE_NEWNS) || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL))
		return 1;
	if (!strcmp(how, "copy"))
		return 0;
	if (!strcmp(how, "tmpfs"))
		return mount("tmpfs", "/tmp", "tmpfs", 0, NULL);
	if (!strcmp(how, "bind"))
		return mount("/tmp", "/tmp", NULL, MS_BIND, NULL);
	/* Read-only here only: the superblock stays as it was. */
	if (!strcmp(how, "remount"))
		return mount(NULL, "/", NULL, MS_REMOUNT | MS_BIND | MS_RDONLY, NULL);
	if (!strcmp(how, "umount"))
		return umount2("/proc", MNT_DETACH);
	return 1;
}

/* Set up what checkpoint must refuse or keep; nonzero if that failed. */
static int set_up_held(const char *what, struct shared_page *sp)
{
	int sv[2];

	if (!strcmp(what, "hold-fifo"))
		return hold_fifo();

	if (!strcmp(what, "hold-socket"))
		return socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
	if (!strcmp(what, "hold-eventfd"))
		return eventfd(0, 0) < 0;
	if (!strcmp(what, "hold-memfd-map")) {
		int fd = memfd_create("held", 0);
		void *p;

		if (fd < 0 || ftruncate(fd, 4096))
			return 1;
		p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
		close(fd);
		return p == MAP_FAILED;
	}
	if (!strcmp(what, "hold-sysv-shm")) {
		int id;

		/*
		 * In an ipc namespace of its own: the guest's, which the
		 * other tests' containers share, must never have had one.
		 */
		if (unshare(CLONE_NEWIPC))
			return 1;
		id = shmget(IPC_PRIVATE, 4096, IPC_CREAT | 0600);
		/* Removed now, gone once the container detaches it. */
		if (id < 0 || shmat(id, NULL, 0) == (void *)-1)
			return 1;
		return shmctl(id, IPC_RMID, NULL);
	}
	if (!strcmp(what, "hold-empty-pidns")) {
		/* A namespace for children that were never created. */
		return unshare(CLONE_NEWPID) != 0;
	}
	if (!strcmp(what, "hold-ptraced")) {
		pid_t pid = fork();
		int status;

		if (pid == 0) {
			ptrace(PTRACE_TRACEME, 0, NULL, NULL);
			raise(SIGSTOP);
			_exit(0);
		}
		return pid < 0 || waitpid(pid, &status, WUNTRACED) != pid ||
		       !WIFSTOPPED(status);
	}
	if (!strcmp(what, "hold-vfork")) {
		/* The parent waits in vfork() for good; the child reports. */
		if (vfork() == 0) {
			SHARED_SET(sp->verdict, 400);
			for (;;)
				pause();
		}
		return -1;
	}
	if (!strncmp(what, "hold-mnt-", 9))
		return hold_mounts(what + 9);
	if (!strcmp(what, "hold-tree"))
		return hold_tree(sp);
	if (!strcmp(what, "hold-family"))
		return hold_family(sp);
	if (!strcmp(what, "hold-zombies"))
		return hold_zombies(sp);
	return -1;
}

int main(int argc, char **argv)
{
	struct timespec ts = { 3, 0 };
	struct sigaction sa = { .sa_handler = on_usr1 };
	struct shared_page *sp;
	long ret;
	int fd;

	if (argc != 3)
		return 100;
	fd = open(argv[1], O_RDWR);
	if (fd < 0)
		return 101;
	sp = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (sp == MAP_FAILED || sigaction(SIGUSR1, &sa, NULL))
		return 102;
	syscall(__NR_close_range, 0, ~0U, 0);
	shared_file = argv[1];

	SHARED_SET(sp->counter, 1);
	if (!strcmp(argv[2], "nanosleep")) {
		struct timespec t0, t1;

		/* How long it slept in all goes to failed, in ms. */
		clock_gettime(CLOCK_MONOTONIC, &t0);
		ret = syscall(__NR_nanosleep, &ts, NULL);
		clock_gettime(CLOCK_MONOTONIC, &t1);
		SHARED_SET(sp->failed, (t1.tv_sec - t0.tv_sec) * 1000 +
			   (t1.tv_nsec - t0.tv_nsec) / 1000000);
		SHARED_SET(sp->verdict, ret == 0 ? 100 : 101);
	} else if (!strcmp(argv[2], "pause")) {
		ret = syscall(__NR_pause);
		SHARED_SET(sp->verdict,
			   ret == -1 && errno == EINTR && usr1_seen ? 200 : 201);
	} else if (!strcmp(argv[2], "futex")) {
		/* Wait while cmd is 0; the test sets it and wakes us. */
		do {
			ret = syscall(__NR_futex, &sp->cmd, FUTEX_WAIT, 0,
				      NULL, NULL, 0);
		} while (ret == -1 && errno == EAGAIN && !SHARED_GET(sp->cmd));
		SHARED_SET(sp->verdict,
			   ret == 0 && SHARED_GET(sp->cmd) == 1 ? 300 : 301);
	} else if (!strcmp(argv[2], "pipe-read")) {
		char c = 0;
		int p[2];

		if (pipe(p))
			return 105;
		if (fork() == 0) {
			wait_cmd(sp);
			_exit(write(p[1], "x", 1) != 1);
		}
		ret = read(p[0], &c, 1);
		SHARED_SET(sp->verdict, ret == 1 && c == 'x' ? 500 : 501);
	} else if (!strcmp(argv[2], "wait4")) {
		pid_t child = fork();
		int status = 0;

		if (child == 0) {
			wait_cmd(sp);
			_exit(3);
		}
		ret = wait4(child, &status, 0, NULL);
		SHARED_SET(sp->verdict, ret == child && WIFEXITED(status) &&
			   WEXITSTATUS(status) == 3 ? 600 : 601);
	} else if (!strncmp(argv[2], "hold-", 5)) {
		if (set_up_held(argv[2], sp))
			return 104;
		SHARED_SET(sp->verdict, 400);
		for (;;)
			pause();
	} else {
		return 103;
	}
	return 0;
}
