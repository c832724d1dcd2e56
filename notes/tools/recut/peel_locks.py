import sys, os; sys.path.insert(0, os.path.dirname(os.path.abspath(__file__))); from inc import add_include, edit
import os
d='kernel/checkpoint/'
os.remove(d+'locks.c')
os.remove('Documentation/checkpoint/locks.rst')
edit(d+'Makefile','obj-$(CONFIG_FILE_LOCKING) += locks.o\n','')
s=open(d+'internal.h').read()
a=s.index('/* locks.c */\n'); b=s.index('/* fs.c */\n')
new='''/*
 * File locks are not saved yet: an open or mapped file with any lock
 * on it, whoever holds it, is refused; an image has none to take.
 */
struct files_struct;
static inline bool ckpt_file_owns_locks(struct file *file)
{
	struct file_lock_context *flctx = locks_inode_context(file_inode(file));

	return flctx && (!list_empty_careful(&flctx->flc_flock) ||
			 !list_empty_careful(&flctx->flc_posix) ||
			 !list_empty_careful(&flctx->flc_lease));
}

static inline int ckpt_collect_file_locks(struct ckpt_ctx *ctx,
					  struct file *file, const char *path)
{
	return ckpt_file_owns_locks(file) ?
	       ckpt_err(ctx, -EOPNOTSUPP, "open file %s: file locks are not supported yet",
			path) : 0;
}

static inline int ckpt_collect_posix_locks(struct ckpt_ctx *ctx,
					   struct files_struct *files)
{
	return 0;
}

static inline int ckpt_checkpoint_locks(struct ckpt_ctx *ctx,
					struct ckpt_task *ct)
{
	return 0;
}

static inline int ckpt_restore_locks(struct ckpt_ctx *ctx, struct ckpt_task *ct)
{
	return ckpt_refuse_rec(ctx, ct, CKPT_REC_LOCKS, "file locks");
}

static inline void ckpt_locks_free(struct ckpt_ctx *ctx)
{
}

'''
s=s[:a]+new+s[b:]
old_pk='int ckpt_peek_type(struct ckpt_ctx *ctx);\nchar *ckpt_read_path(struct ckpt_ctx *ctx, u32 len);\n'
assert s.count(old_pk)==1
s=s.replace(old_pk, old_pk+'''
/*
 * For a kind this kernel does not restore yet: a record of @type next,
 * where that kind's record would be, is refused by name.
 */
static inline int ckpt_refuse_rec(struct ckpt_ctx *ctx, struct ckpt_task *ct,
				  int type, const char *what)
{
	int next = ckpt_peek_type(ctx);

	if (next < 0)
		return next;
	return next == type ?
	       ckpt_err(ctx, -EOPNOTSUPP, "task %d: the image has %s, which this kernel does not restore yet",
			ct->entry.pid, what) : 0;
}
''')
edit(d+'mm.c', '''					  "mapped file %s: it holds a flock or OFD lock, and no fd of the container holds it; not supported",''',
     '''					  "mapped file %s: file locks are not supported yet",''')
open(d+'internal.h','w').write(s)

add_include('kernel/checkpoint/internal.h', 'linux/filelock.h')
add_include('kernel/checkpoint/internal.h', 'linux/fs.h')
