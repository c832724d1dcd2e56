// SPDX-License-Identifier: GPL-2.0-only
/*
 * The one table of shared-object kinds.  Each kind's ops live in the
 * file that saves and restores it; the core reaches them only through
 * ckpt_obj_ops().
 */
#include <linux/checkpoint.h>

#include "internal.h"

static const struct ckpt_obj_ops *const ckpt_obj_table[CKPT_OBJ_MAX] = {
	[CKPT_OBJ_MM]		= &ckpt_mm_ops,
	[CKPT_OBJ_FILES]	= &ckpt_files_ops,
	[CKPT_OBJ_FILE]		= &ckpt_file_ops,
	[CKPT_OBJ_FS]		= &ckpt_fs_ops,
	[CKPT_OBJ_SIGHAND]	= &ckpt_sighand_ops,
	[CKPT_OBJ_CRED]		= &ckpt_cred_ops,
	[CKPT_OBJ_PIPE]		= &ckpt_pipe_ops,
	[CKPT_OBJ_SHMEM]	= &ckpt_shmem_ops,
	[CKPT_OBJ_FIFO]		= &ckpt_fifo_ops,
#ifdef CONFIG_SECCOMP_FILTER
	[CKPT_OBJ_SECCOMP]	= &ckpt_seccomp_ops,
#endif
#ifdef CONFIG_SCHED_AUTOGROUP
	[CKPT_OBJ_AUTOGROUP]	= &ckpt_autogroup_ops,
#endif
};

/**
 * ckpt_obj_ops - the ops of an object kind
 * @type:	enum ckpt_obj_type, possibly read from an image.
 *
 * Return: the ops, or NULL for a kind this kernel does not know.
 */
const struct ckpt_obj_ops *ckpt_obj_ops(u32 type)
{
	if (type >= CKPT_OBJ_MAX)
		return NULL;
	return ckpt_obj_table[type];
}
