/* SPDX-License-Identifier: GPL-2.0 */
/*
 * checkpoint(2) and restart(2) for userspace tools: the syscall numbers
 * and the wrappers, in one place for cr (tools/restart) and the
 * selftests (tools/testing/selftests/checkpoint).
 *
 * The numbers come from <asm/unistd.h> when the installed headers have
 * them; the fallbacks below are only for building against older headers.
 * They are the next free numbers of Linux 6.12, the same in every table
 * but alpha's, and provisional until the series is merged: a rebase
 * renumbers them, and a later kernel gives 463 and 464 to other syscalls
 * (setxattrat() and getxattrat() since 6.13), which ckpt_available()
 * must not mistake for these.
 */
#ifndef __TOOLS_CHECKPOINT_H
#define __TOOLS_CHECKPOINT_H

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <unistd.h>
#include <linux/checkpoint.h>

#ifndef __NR_checkpoint
#define __NR_checkpoint 463
#endif
#ifndef __NR_restart
#define __NR_restart 464
#endif

/*
 * The arguments the syscalls do not have are passed as zero, not as
 * whatever the registers held: a kernel that gave the numbers to other
 * syscalls (see above) then sees a call it refuses for its zero size.
 */
static inline long sys_checkpoint(void *args, size_t size)
{
	return syscall(__NR_checkpoint, args, size, 0, 0, 0, 0);
}

static inline long sys_restart(void *args, size_t size)
{
	return syscall(__NR_restart, args, size, 0, 0, 0, 0);
}

/* checkpoint(2) of the container whose init is @pid into @fd. */
static inline long ckpt(pid_t pid, int fd, int logfd, uint64_t flags)
{
	struct checkpoint_args a = {
		.flags = flags, .pid = pid, .fd = fd, .logfd = logfd,
	};

	return sys_checkpoint(&a, sizeof(a));
}

/* restart(2) from the image in @fd; returns the new init's pid. */
static inline long rstrt(int fd, int logfd, uint64_t flags)
{
	struct restart_args a = { .flags = flags, .fd = fd, .logfd = logfd };

	return sys_restart(&a, sizeof(a));
}

/*
 * Whether the running kernel has the syscalls at all.  The size of the
 * argument block is checked before anything else is looked at, so the
 * probes have no side effect: a kernel without the syscalls answers
 * ENOSYS, and one that gave the number to another syscall (see above)
 * would have to refuse both sizes as checkpoint(2) does -- one below the
 * first version with EINVAL, one above a page with E2BIG -- to be taken
 * for it.
 */
static inline bool ckpt_available(void)
{
	size_t big = (size_t)sysconf(_SC_PAGESIZE) + 1;

	if (sys_checkpoint(NULL, 0) != -1 || errno != EINVAL)
		return false;
	return sys_checkpoint(NULL, big) == -1 && errno == E2BIG;
}

#endif /* __TOOLS_CHECKPOINT_H */
