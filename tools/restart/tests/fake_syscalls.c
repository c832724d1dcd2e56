// SPDX-License-Identifier: GPL-2.0
/*
 * LD_PRELOAD=fake_syscalls.so: checkpoint(2) for cr on a host that lacks
 * it, so that "cr checkpoint" can be tried end to end.  It writes the
 * image named by CR_FAKE_IMAGE to the fd it is given, in uneven pieces
 * as a kernel's writes into a pipe may come, CR_FAKE_REPEAT times (1 by
 * default).  CR_FAKE_FAIL=ERRNO:BYTES stops after BYTES and fails with
 * ERRNO, as a checkpoint refused part-way does.  With CHECKPOINT_KILL,
 * a checkpoint that succeeds says "checkpoint: fake kill of PID" on the
 * log fd, so that a test can tell whether the container would be gone.
 * Other syscalls pass through.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>
#include <linux/checkpoint.h>

/* The number cr calls, fallback included, from the header it uses. */
#include "../../include/tools/checkpoint.h"

static int write_all(int fd, const char *p, size_t len)
{
	ssize_t n;

	while (len) {
		n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		p += n;
		len -= n;
	}
	return 0;
}

static long fake_checkpoint(const struct checkpoint_args *a)
{
	const char *path = getenv("CR_FAKE_IMAGE");
	const char *fail = getenv("CR_FAKE_FAIL");
	const char *repeat = getenv("CR_FAKE_REPEAT");
	long times = repeat ? atol(repeat) : 1;
	size_t size, off, n, piece = 1, limit = (size_t)-1;
	int fd, err = 0;
	struct stat sb;
	char *buf;

	if (fail && sscanf(fail, "%d:%zu", &err, &limit) != 2)
		return errno = EINVAL, -1;
	fd = open(path ? path : "", O_RDONLY);
	if (fd < 0 || fstat(fd, &sb))
		return errno = ENOENT, -1;
	size = sb.st_size;
	buf = malloc(size ? size : 1);
	if (!buf || read(fd, buf, size) != (ssize_t)size)
		return errno = EIO, -1;
	close(fd);
	for (; times > 0; times--) {
		for (off = 0; off < size; off += n) {
			/* 1, 3, 7, ... bytes, then back to 1. */
			piece = piece * 2 + 1 > 65536 ? 1 : piece * 2 + 1;
			n = piece < size - off ? piece : size - off;
			if (n > limit)
				n = limit;
			if (write_all(a->fd, buf + off, n)) {
				err = errno;
				goto out;
			}
			limit -= n;
			if (!limit)
				goto out;
		}
	}
out:
	free(buf);
	if (err) {
		dprintf(a->logfd, "checkpoint: fake failure after the bytes written\n");
		errno = err;
		return -1;
	}
	if (a->flags & CHECKPOINT_KILL)
		dprintf(a->logfd, "checkpoint: fake kill of %d\n", a->pid);
	return 0;
}

long syscall(long nr, ...)
{
	static long (*real)(long, ...);
	long arg[6];
	va_list ap;
	int i;

	va_start(ap, nr);
	for (i = 0; i < 6; i++)
		arg[i] = va_arg(ap, long);
	va_end(ap);
	/*
	 * The size checks come first, as in the kernel, so that
	 * ckpt_available() takes the fake for the real syscall.
	 */
	if (nr == __NR_checkpoint &&
	    (size_t)arg[1] < CHECKPOINT_ARGS_SIZE_VER0)
		return errno = EINVAL, -1;
	if (nr == __NR_checkpoint &&
	    (size_t)arg[1] > (size_t)sysconf(_SC_PAGESIZE))
		return errno = E2BIG, -1;
	if (nr == __NR_checkpoint)
		return fake_checkpoint((const void *)arg[0]);
	if (!real)
		real = (long (*)(long, ...))dlsym(RTLD_NEXT, "syscall");
	return real(nr, arg[0], arg[1], arg[2], arg[3], arg[4], arg[5]);
}
