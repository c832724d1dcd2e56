/* SPDX-License-Identifier: GPL-2.0 */
/*
 * checkpoint(2) and restart(2) for userspace tools: the syscall numbers
 * and the wrappers, in one place for cr (tools/restart) and the
 * selftests (tools/testing/selftests/checkpoint).
 *
 * The numbers come from <asm/unistd.h> when the installed headers have
 * them (a rebase of the series renumbers them); the fallbacks below are
 * only for building against older headers and are x86_64's.
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
#define __NR_checkpoint 600
#endif
#ifndef __NR_restart
#define __NR_restart 601
#endif

static inline long sys_checkpoint(void *args, size_t size)
{
	return syscall(__NR_checkpoint, args, size);
}

static inline long sys_restart(void *args, size_t size)
{
	return syscall(__NR_restart, args, size);
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
 * Whether the running kernel has the syscalls at all.  An argument block
 * of size 0 is refused before anything else is looked at, so the probe
 * has no side effect; only a kernel without them answers ENOSYS.
 */
static inline bool ckpt_available(void)
{
	return !(sys_checkpoint(NULL, 0) < 0 && errno == ENOSYS);
}

#endif /* __TOOLS_CHECKPOINT_H */
