/* SPDX-License-Identifier: GPL-2.0 */
/* Private to kernel/checkpoint/. */
#ifndef _KERNEL_CHECKPOINT_H
#define _KERNEL_CHECKPOINT_H

#include <linux/checkpoint.h>

/* The two drivers behind the syscalls. */
int ckpt_checkpoint(struct ckpt_ctx *ctx, pid_t pid);
int ckpt_restart(struct ckpt_ctx *ctx);

/* freeze.c */
int ckpt_freeze(struct ckpt_ctx *ctx, struct task_struct *root);
void ckpt_thaw(struct ckpt_ctx *ctx, bool kill);

/* objhash.c, objtypes.c */
int ckpt_objhash_alloc(struct ckpt_ctx *ctx);
void ckpt_objhash_free(struct ckpt_ctx *ctx);
int ckpt_objhash_verify(struct ckpt_ctx *ctx);
const struct ckpt_obj_ops *ckpt_obj_ops(u32 type);

/* task.c */
int ckpt_checkpoint_task(struct ckpt_ctx *ctx, struct ckpt_task *ct);
int ckpt_restore_task_fn(void *arg);

/* signal.c */
int ckpt_checkpoint_sigpending(struct ckpt_ctx *ctx, struct task_struct *t);
int ckpt_read_sigpending(struct ckpt_ctx *ctx, struct ckpt_task *ct);
int ckpt_send_sigpending(struct ckpt_ctx *ctx, struct ckpt_task *ct);
void ckpt_free_sigpending(struct ckpt_task *ct);

/* fs.c */
struct fs_struct;
void ckpt_install_fs(struct fs_struct *fs);

/* One ops table per object kind, each in its own file. */
extern const struct ckpt_obj_ops ckpt_mm_ops;
extern const struct ckpt_obj_ops ckpt_files_ops;
extern const struct ckpt_obj_ops ckpt_file_ops;
extern const struct ckpt_obj_ops ckpt_fs_ops;
extern const struct ckpt_obj_ops ckpt_sighand_ops;
extern const struct ckpt_obj_ops ckpt_cred_ops;

#endif /* _KERNEL_CHECKPOINT_H */
