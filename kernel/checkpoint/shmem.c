// SPDX-License-Identifier: GPL-2.0-only
/*
 * Shared anonymous memory (CKPT_OBJ_SHMEM): what MAP_SHARED|MAP_ANONYMOUS
 * creates, an unlinked shmem file that every VMA of the mapping -- in
 * the task that made it and in every child that inherited it -- points
 * to.  It is saved once, with its size and the pages it holds, and each
 * VMA names it by objref.  Restart makes one such file and maps it in
 * every VMA, so writes by one task are seen by the others again.
 */
#include <linux/checkpoint.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/pagemap.h>
#include <linux/shmem_fs.h>

#include "internal.h"

/* The page at @index if the memory has one there, with a reference. */
static struct page *ckpt_shmem_page(struct inode *inode, pgoff_t index)
{
	struct folio *folio = NULL;
	struct page *page;

	/* SGP_READ: a hole stays a hole, a swapped page is read back. */
	if (shmem_get_folio(inode, index, 0, &folio, SGP_READ) || !folio)
		return NULL;
	page = folio_file_page(folio, index);
	get_page(page);
	folio_unlock(folio);
	folio_put(folio);
	return page;
}

static int ckpt_shmem_checkpoint(struct ckpt_ctx *ctx, void *ptr)
{
	struct inode *inode = file_inode(ptr);
	struct ckpt_rec_shmem rec = { .size = i_size_read(inode) };
	struct page *run[CKPT_PAGES_MAX];
	pgoff_t index = 0, run_start = 0, end;
	unsigned int nr;
	int ret;

	ret = ckpt_write_rec(ctx, &rec, CKPT_REC_SHMEM, sizeof(rec));
	end = DIV_ROUND_UP(rec.size, PAGE_SIZE);
	while (!ret && index < end) {
		for (nr = 0; index < end && nr < CKPT_PAGES_MAX; index++) {
			struct page *page = ckpt_shmem_page(inode, index);

			if (!page) {
				if (nr)
					break;
				continue;
			}
			if (!nr)
				run_start = index;
			run[nr++] = page;
		}
		if (nr)
			ret = ckpt_write_page_run(ctx, (u64)run_start << PAGE_SHIFT,
						  run, nr);
		if (!ret && fatal_signal_pending(current))
			ret = -EINTR;
		cond_resched();
	}
	return ret;
}

static int ckpt_shmem_put_page(struct ckpt_ctx *ctx, void *file, u64 off,
			       void *page)
{
	loff_t pos = off;
	ssize_t n = kernel_write(file, page, PAGE_SIZE, &pos);

	if (n != PAGE_SIZE)
		return ckpt_err(ctx, n < 0 ? n : -EIO, "cannot refill shared memory");
	return 0;
}

static void *ckpt_shmem_restore(struct ckpt_ctx *ctx, void **state)
{
	struct ckpt_rec_shmem rec;
	struct file *file;
	int ret;

	ret = ckpt_read_rec(ctx, &rec, CKPT_REC_SHMEM, sizeof(rec));
	if (ret)
		return ERR_PTR(ret);
	if (!rec.size || !PAGE_ALIGNED(rec.size) || rec.size > MAX_LFS_FILESIZE)
		return ERR_PTR(ckpt_err(ctx, -EINVAL, "malformed shared memory record"));
	/*
	 * As shmem_zero_setup() does for MAP_SHARED|MAP_ANONYMOUS: an
	 * unlinked file, which mmap() treats as anonymous shared memory.
	 */
	file = shmem_kernel_file_setup("dev/zero", rec.size, 0);
	if (IS_ERR(file))
		return ERR_PTR(ckpt_err(ctx, PTR_ERR(file),
					"cannot create %llu bytes of shared memory",
					rec.size));
	ret = ckpt_read_page_runs(ctx, 0, rec.size, ckpt_shmem_put_page, file);
	if (ret) {
		fput(file);
		return ERR_PTR(ret);
	}
	return file;
}

static void ckpt_shmem_grab(void *ptr)
{
	get_file(ptr);
}

static void ckpt_shmem_drop(struct ckpt_ctx *ctx, void *ptr)
{
	fput(ptr);
}

/* Every VMA mapping it holds a reference: all must be the container's. */
static unsigned long ckpt_shmem_users(void *ptr)
{
	return file_count((struct file *)ptr);
}

const struct ckpt_obj_ops ckpt_shmem_ops = {
	.name		= "shared memory",
	.grab		= ckpt_shmem_grab,
	.drop		= ckpt_shmem_drop,
	.users		= ckpt_shmem_users,
	.checkpoint	= ckpt_shmem_checkpoint,
	.restore	= ckpt_shmem_restore,
};
