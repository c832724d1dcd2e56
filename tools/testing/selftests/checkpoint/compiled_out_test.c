// SPDX-License-Identifier: GPL-2.0
/*
 * Run on a kernel built with CONFIG_CHECKPOINT=n: whatever their
 * arguments, the syscalls must answer as a number the kernel has no
 * syscall behind does (-ENOSYS, see no_such_syscall()).  The other tests'
 * skip condition, inverted: on a kernel that has the syscalls there is
 * nothing to test here (the guest's nocr run fails on that skip).
 */
#include "checkpoint_util.h"
#include "../kselftest_harness.h"

TEST(checkpoint_is_enosys)
{
	struct checkpoint_args a = { .pid = 1, .fd = 1, .logfd = -1 };

	ASSERT_EQ(-1, sys_checkpoint(&a, sizeof(a)));
	ASSERT_TRUE(no_such_syscall(errno)) TH_LOG("checkpoint: %m");
	ASSERT_EQ(-1, sys_checkpoint(NULL, 0));
	ASSERT_TRUE(no_such_syscall(errno)) TH_LOG("checkpoint: %m");
}

TEST(restart_is_enosys)
{
	struct restart_args a = { .fd = 0, .logfd = -1 };

	ASSERT_EQ(-1, sys_restart(&a, sizeof(a)));
	ASSERT_TRUE(no_such_syscall(errno)) TH_LOG("restart: %m");
}

int main(int argc, char **argv)
{
	if (ckpt_available())
		ksft_exit_skip("checkpoint(2) is in this kernel: nothing to test\n");
	return test_harness_run(argc, argv);
}
