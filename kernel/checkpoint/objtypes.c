// SPDX-License-Identifier: GPL-2.0-only
/*
 * The one table of shared-object kinds.  Each kind's ops live in the
 * file that saves and restores it; the core reaches them only through
 * ckpt_obj_ops().
 *
 * The kind tables (this one, the file kinds of files.c, the VMA kinds of
 * mm.c) and the record types of image.c are checked once at boot, as
 * io_uring checks its opdef table: a row without the ops both sides call
 * would oops on the first image that uses it, a record type without its
 * least size would fail every read of it.  A table that fails is a bug
 * of this kernel, WARNed about at boot; checkpoint(2) and restart(2)
 * then fail with -EOPNOTSUPP (logged) rather than run with it.
 */
#include <linux/checkpoint.h>
#include <linux/init.h>

#include "internal.h"

static const struct ckpt_obj_ops *const ckpt_obj_table[] = {
	[CKPT_OBJ_MM]		= &ckpt_mm_ops,
	[CKPT_OBJ_FILES]	= &ckpt_files_ops,
	[CKPT_OBJ_FILE]		= &ckpt_file_ops,
	[CKPT_OBJ_FS]		= &ckpt_fs_ops,
	[CKPT_OBJ_SIGHAND]	= &ckpt_sighand_ops,
	[CKPT_OBJ_CRED]		= &ckpt_cred_ops,
	[CKPT_OBJ_PIPE]		= &ckpt_pipe_ops,
	[CKPT_OBJ_SHMEM]	= &ckpt_shmem_ops,
	[CKPT_OBJ_FIFO]		= &ckpt_fifo_ops,
	[CKPT_OBJ_SECCOMP]	= IS_ENABLED(CONFIG_SECCOMP_FILTER) ?
				  &ckpt_seccomp_ops : NULL,
	[CKPT_OBJ_AUTOGROUP]	= IS_ENABLED(CONFIG_SCHED_AUTOGROUP) ?
				  &ckpt_autogroup_ops : NULL,
};

/* A kind added to the uapi gets its row here, even if it is NULL. */
static_assert(ARRAY_SIZE(ckpt_obj_table) == CKPT_OBJ_MAX);

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

static bool ckpt_kinds_broken __ro_after_init;

/**
 * ckpt_kind_table_broken - disable checkpoint and restart for a bad row
 * @table:	the table's name, for the warning.
 * @row:	the row that lacks what the core calls.
 *
 * For the boot checks of the kind tables only.
 */
void __init ckpt_kind_table_broken(const char *table, unsigned int row)
{
	WARN(1, "checkpoint: row %u of %s is incomplete; checkpoint and restart disabled\n",
	     row, table);
	ckpt_kinds_broken = true;
}

/**
 * ckpt_kinds_ok - whether every kind table passed its boot check
 *
 * Return: false once ckpt_kind_table_broken() was called.
 */
bool ckpt_kinds_ok(void)
{
	return !ckpt_kinds_broken;
}

/* Every kind the table has can be collected, written, read and dropped. */
static int __init ckpt_objtypes_check(void)
{
	const struct ckpt_obj_ops *ops;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(ckpt_obj_table); i++) {
		ops = ckpt_obj_table[i];
		if (ops && (!ops->name || !ops->grab || !ops->drop ||
			    !ops->checkpoint || !ops->restore))
			ckpt_kind_table_broken("ckpt_obj_table[]", i);
	}
	return 0;
}
late_initcall(ckpt_objtypes_check);
