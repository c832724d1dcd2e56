/* SPDX-License-Identifier: GPL-2.0 */
/* Private to kernel/checkpoint/: the two drivers behind the syscalls. */
#ifndef _KERNEL_CHECKPOINT_H
#define _KERNEL_CHECKPOINT_H

#include <linux/checkpoint.h>

int ckpt_checkpoint(struct ckpt_ctx *ctx, pid_t pid);
int ckpt_restart(struct ckpt_ctx *ctx);

#endif /* _KERNEL_CHECKPOINT_H */
