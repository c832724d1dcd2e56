// SPDX-License-Identifier: GPL-2.0
/*
 * Container init for reopen_test: a program that holds a file open
 * read-write and maps it MAP_SHARED, as the user that owns it (or as
 * root, with every capability), and after a restart checks that what
 * it holds is still that file and that it can write it both ways.
 *
 *   reopen_prog MODE FILE
 *
 * MODE is "user" (uid and gid 1000, RLIMIT_NPROC 1: it may not fork),
 * "root", "proc" (as "user", with /proc/self/status open too),
 * "meminfo" (as "user", with /proc/meminfo open too), "fifo" (as
 * "user", with the FIFO FILE.fifo open read-write too), "mqueue" (as
 * "user", with the directory mq next to FILE open too: a mount of the
 * mqueue filesystem) or "tty" (as "user", with /dev/tty open too, taken
 * while it had a terminal of its own).  It shows it is
 * set up by writing READY_MARK at READY_OFF through its mapping, then
 * waits until GO_MARK appears at GO_OFF, checks, and exits with 0 or
 * with the number of the first check that failed.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <sched.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <signal.h>
#include <stdio.h>
#include <termios.h>
#include <unistd.h>

#include "reopen_prog.h"

/* Its file, by fd and by mapping, and what it was when the program began. */
static int fd = -1, extra = -1;
static char *map;
static struct stat orig;

/*
 * Open /dev/tty while a terminal of its own (a pty of a private devpts)
 * is its controlling terminal, then let the terminal go: the fd stays.
 */
static int open_dev_tty(void)
{
	int master, slave, tty, n, unlock = 0;
	char pts[64];

	signal(SIGHUP, SIG_IGN);
	mkdir("/dev/pts", 0755);
	if (unshare(CLONE_NEWNS) || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) ||
	    mount("devpts", "/dev/pts", "devpts", 0, "newinstance,ptmxmode=0666"))
		return -1;
	master = open("/dev/pts/ptmx", O_RDWR | O_NOCTTY);
	if (master < 0 || ioctl(master, TIOCSPTLCK, &unlock) ||
	    ioctl(master, TIOCGPTN, &n))
		return -1;
	snprintf(pts, sizeof(pts), "/dev/pts/%d", n);
	if (setsid() < 0)
		return -1;
	slave = open(pts, O_RDWR);
	if (slave < 0 || ioctl(slave, TIOCSCTTY, 0))
		return -1;
	tty = open("/dev/tty", O_RDWR);
	close(slave);
	close(master);
	umount2("/dev/pts", MNT_DETACH);
	return tty;
}

/* @path's directory, then @name, in @buf. */
/* @path with ".fifo" after it, in @buf. */
static const char *fifo_path(char *buf, size_t len, const char *path)
{
	snprintf(buf, len, "%s.fifo", path);
	return buf;
}

static const char *beside(char *buf, size_t len, const char *path,
			  const char *name)
{
	const char *slash = strrchr(path, '/');

	snprintf(buf, len, "%.*s/%s", (int)(slash ? slash - path : 0), path, name);
	return buf;
}

static int setup(const char *mode, const char *path)
{
	struct rlimit one = { 1, 1 };
	bool user = strcmp(mode, "root");
	char other[4096];

	syscall(__NR_close_range, 0, ~0U, 0);
	if (!strcmp(mode, "tty")) {
		extra = open_dev_tty();
		if (extra < 0)
			return 27;
	}
	if (user && (setgroups(0, NULL) || setresgid(REOPEN_UID, REOPEN_UID, REOPEN_UID) ||
		     setresuid(REOPEN_UID, REOPEN_UID, REOPEN_UID)))
		return 21;
	fd = open(path, O_RDWR);
	if (fd < 0 || fstat(fd, &orig))
		return 22;
	map = mmap(NULL, REOPEN_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (map == MAP_FAILED)
		return 23;
	if (!strcmp(mode, "proc"))
		extra = open("/proc/self/status", O_RDONLY);
	else if (!strcmp(mode, "meminfo"))
		extra = open("/proc/meminfo", O_RDONLY);
	else if (!strcmp(mode, "fifo"))
		extra = open(fifo_path(other, sizeof(other), path), O_RDWR);
	else if (!strcmp(mode, "mqueue"))
		extra = open(beside(other, sizeof(other), path, "mq"),
			     O_RDONLY | O_DIRECTORY);
	if (extra < 0 && strcmp(mode, "user") && strcmp(mode, "root"))
		return 24;
	/* The only process of its user: it may not fork another. */
	if (user && setrlimit(RLIMIT_NPROC, &one))
		return 25;
	memcpy(map + READY_OFF, READY_MARK, sizeof(READY_MARK));
	return msync(map, REOPEN_SIZE, MS_SYNC) ? 26 : 0;
}

/* After a restart: the same file, writable through both, and no more. */
static int check(const char *mode, const char *path)
{
	char buf[64];
	struct stat st;
	pid_t pid;
	int fd2;

	if (fstat(fd, &st) || st.st_ino != orig.st_ino || st.st_dev != orig.st_dev)
		return 40;
	if (getuid() != (strcmp(mode, "root") ? REOPEN_UID : 0))
		return 41;
	if (pwrite(fd, VIA_FD, sizeof(VIA_FD), FD_OFF) != sizeof(VIA_FD))
		return 42;
	memcpy(map + MAP_OFF, VIA_MAP, sizeof(VIA_MAP));
	if (msync(map, REOPEN_SIZE, MS_SYNC))
		return 43;
	/* Both writes reached the file behind the name. */
	fd2 = open(path, O_RDONLY);
	if (fd2 < 0 ||
	    pread(fd2, buf, sizeof(VIA_MAP), MAP_OFF) != sizeof(VIA_MAP) ||
	    memcmp(buf, VIA_MAP, sizeof(VIA_MAP)) ||
	    pread(fd2, buf, sizeof(VIA_FD), FD_OFF) != sizeof(VIA_FD) ||
	    memcmp(buf, VIA_FD, sizeof(VIA_FD)))
		return 44;
	close(fd2);
	if (extra >= 0 && !strcmp(mode, "meminfo") && read(extra, buf, 1) != 1)
		return 45;
	/* RLIMIT_NPROC counts it as its user's: no second process. */
	if (strcmp(mode, "root")) {
		pid = fork();
		if (pid == 0)
			_exit(0);
		if (pid > 0) {
			waitpid(pid, NULL, 0);
			return 46;
		}
		if (errno != EAGAIN)
			return 47;
	}
	return 0;
}

int main(int argc, char **argv)
{
	int ret;

	if (argc != 3)
		return 2;
	ret = setup(argv[1], argv[2]);
	if (ret)
		return ret;
	while (memcmp(map + GO_OFF, GO_MARK, sizeof(GO_MARK)))
		usleep(10000);
	return check(argv[1], argv[2]);
}
