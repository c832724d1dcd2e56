// SPDX-License-Identifier: GPL-2.0
/*
 * Run on a kernel built with CONFIG_CHECKPOINT=n: the syscalls must
 * compile out to -ENOSYS, whatever their arguments.  The other tests'
 * skip condition, inverted: on a kernel that has the syscalls there is
 * nothing to test here (the guest's nocr run fails on that skip).
 */
#include "checkpoint_util.h"
#include "../kselftest_harness.h"

/* What a syscall number the kernel does not implement answers. */
static const int no_such_syscall = ENOSYS;

TEST(checkpoint_is_enosys)
{
	struct checkpoint_args a = { .pid = 1, .fd = 1, .logfd = -1 };

	ASSERT_EQ(-1, sys_checkpoint(&a, sizeof(a)));
	ASSERT_EQ(no_such_syscall, errno);
	ASSERT_EQ(-1, sys_checkpoint(NULL, 0));
	ASSERT_EQ(no_such_syscall, errno);
}

TEST(restart_is_enosys)
{
	struct restart_args a = { .fd = 0, .logfd = -1 };

	ASSERT_EQ(-1, sys_restart(&a, sizeof(a)));
	ASSERT_EQ(no_such_syscall, errno);
}

int main(int argc, char **argv)
{
	if (ckpt_available())
		ksft_exit_skip("checkpoint(2) is in this kernel: nothing to test\n");
	return test_harness_run(argc, argv);
}
