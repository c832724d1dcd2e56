/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the checkpoint/restart selftests: the skip probe,
 * containers to test against, and capability dropping.  The syscall
 * wrappers live in tools/include/tools/checkpoint.h, shared with cr.
 */
#ifndef CHECKPOINT_UTIL_H
#define CHECKPOINT_UTIL_H

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/checkpoint.h>
#include <linux/sched.h>

#include "../../../include/tools/checkpoint.h"
#include "../kselftest.h"

/*
 * Run by each test's main only (not by the helpers it execs, which may
 * run without privilege or under a seccomp filter): a kernel without the
 * syscalls, or a user who may not use them, skips the whole test.
 */
static inline void ckpt_require(void)
{
	if (!ckpt_available())
		ksft_exit_skip("no checkpoint(2) in this kernel (CONFIG_CHECKPOINT=n)\n");
	if (geteuid())
		ksft_exit_skip("checkpoint/restart selftests need root\n");
}

/*
 * Whether @err is what this kernel answers for a syscall it does not
 * have.  The answer is asked of the kernel, with a number beyond every
 * syscall table, rather than spelt: the tests that allow for a syscall
 * compiled out of the kernel, or require one, then compare with exactly
 * what an unknown syscall gives.  errno is left as it was.
 */
static inline bool no_such_syscall(int err)
{
	int saved = errno;
	bool same;

	same = syscall(0x0fffffffL) == -1 && errno == err;
	errno = saved;
	return same;
}

/* TEST_HARNESS_MAIN, after ckpt_require(). */
#define CKPT_HARNESS_MAIN					\
	int main(int argc, char **argv)				\
	{							\
		ckpt_require();					\
		exit(test_harness_run(argc, argv));		\
	}

/*
 * Write the string @s, its NUL included, at @dst: a slot of a control
 * page that the caller sized for it.
 */
static inline void put_str(char *dst, const char *s)
{
	memcpy(dst, s, strlen(s) + 1);
}

/*
 * Start a container: a child in a new pid and uts namespace running
 * @fn.  Returns its pid in our namespace.
 */
static inline pid_t container_start(int (*fn)(void *), void *arg)
{
	struct clone_args ca = {
		.flags = CLONE_NEWPID | CLONE_NEWUTS,
		.exit_signal = SIGCHLD,
	};
	pid_t pid;

	pid = syscall(__NR_clone3, &ca, sizeof(ca));
	if (pid == 0)
		_exit(fn(arg));
	return pid;
}

/*
 * The path of @name in this program's directory, wherever kselftest
 * installed it, into @buf of @len bytes; false when it does not fit.
 */
static inline bool sibling_path(const char *name, char *buf, size_t len)
{
	ssize_t n = readlink("/proc/self/exe", buf, len);
	char *slash;
	size_t room;

	if (n <= 0 || (size_t)n >= len)
		return false;
	buf[n] = '\0';
	slash = strrchr(buf, '/');
	slash = slash ? slash + 1 : buf;
	room = len - (slash - buf);
	return (size_t)snprintf(slash, room, "%s", name) < room;
}

/*
 * Exec the helper program @name that lives next to this test binary,
 * with @arg1 and @arg2; returns only on failure.
 */
static inline int exec_sibling(const char *name, const char *arg1,
			       const char *arg2)
{
	char prog[4096];

	if (!sibling_path(name, prog, sizeof(prog)))
		return 126;
	execl(prog, name, arg1, arg2, NULL);
	return 127;
}

/* Kill and reap a container; true when it was still alive. */
static inline int container_stop(pid_t pid)
{
	int status, alive = kill(pid, 0) == 0;

	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	return alive;
}

static inline int container_idle(void *arg)
{
	for (;;)
		pause();
	return 0;
}

/* Drop @caps from the effective, permitted and inheritable sets. */
static inline int drop_caps(const cap_value_t *caps, int n)
{
	cap_t c = cap_get_proc();
	int ret;

	if (!c)
		return -1;
	ret = cap_set_flag(c, CAP_EFFECTIVE, n, caps, CAP_CLEAR) ||
	      cap_set_flag(c, CAP_PERMITTED, n, caps, CAP_CLEAR) ||
	      cap_set_flag(c, CAP_INHERITABLE, n, caps, CAP_CLEAR) ||
	      cap_set_proc(c);
	cap_free(c);
	return ret ? -1 : 0;
}

/* A scratch file on the guest's tmpfs, unlinked, opened with @flags. */
static inline int scratch_file(int flags)
{
	char path[] = "/tmp/ckpt-XXXXXX";
	int fd = mkstemp(path);

	if (fd < 0)
		return -1;
	unlink(path);
	if ((flags & O_ACCMODE) != O_RDWR) {
		char proc[64];
		int fd2;

		snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
		fd2 = open(proc, flags);
		close(fd);
		fd = fd2;
	}
	return fd;
}

/* Read what the kernel logged into @fd, from the start, into @buf. */
static inline ssize_t read_log(int fd, char *buf, size_t len)
{
	ssize_t n = pread(fd, buf, len - 1, 0);

	buf[n > 0 ? n : 0] = '\0';
	return n;
}

/* The state letter of @pid in /proc/PID/stat: 'S' sleeping, 'T' stopped... */
static inline char task_state(pid_t pid)
{
	char path[64], buf[256], *p;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return '?';
	read_log(fd, buf, sizeof(buf));
	close(fd);
	p = strrchr(buf, ')');
	return p && p[1] ? p[2] : '?';
}

#endif /* CHECKPOINT_UTIL_H */
