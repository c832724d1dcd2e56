// SPDX-License-Identifier: GPL-2.0-only
/*
 * Address spaces: the mm's layout, every VMA, and the contents of every
 * page that is not simply the file's or zero.
 *
 * Checkpoint walks the frozen task's mm under mmap_read_lock.  Restart
 * runs in the restored task: it swaps to a fresh mm, maps each VMA at
 * its old address, and writes the saved pages back.
 *
 * Each kind of VMA (anonymous, shared anonymous, private or shared file,
 * the vdso) is a row of ckpt_vma_kinds[]; the code around it never names
 * one, and what no kind claims is refused.
 */
#include <linux/binfmts.h>
#include <linux/capability.h>
#include <linux/checkpoint.h>
#include <linux/cred.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/highmem.h>
#include <linux/init.h>
#include <linux/ksm.h>
#include <linux/membarrier.h>
#include <linux/mm.h>
#include <linux/mman.h>
#include <linux/mount.h>
#include <linux/pagewalk.h>
#include <linux/sched/mm.h>
#include <linux/sched/signal.h>
#include <linux/security.h>
#include <linux/slab.h>

#include <asm/tlb.h>

#include "internal.h"

/*
 * What madvise(2) leaves in vm_flags, and the advice that sets each
 * again: restart asks madvise(2) itself, so every check and side effect
 * (khugepaged, ksmd) is the syscall's own.  VM_LOCKED and VM_LOCKONFAULT
 * are locked again as mlock2(2) does, once the task's own limits are in
 * place: ckpt_restore_mm_locks().
 */
static const struct {
	vm_flags_t vm;
	u32 bit;
	int advice;
} ckpt_vma_advice[] = {
	{ VM_DONTCOPY,	 CKPT_VMA_DONTFORK,	MADV_DONTFORK },
	{ VM_WIPEONFORK, CKPT_VMA_WIPEONFORK,	MADV_WIPEONFORK },
	{ VM_DONTDUMP,	 CKPT_VMA_DONTDUMP,	MADV_DONTDUMP },
	{ VM_HUGEPAGE,	 CKPT_VMA_HUGEPAGE,	MADV_HUGEPAGE },
	{ VM_NOHUGEPAGE, CKPT_VMA_NOHUGEPAGE,	MADV_NOHUGEPAGE },
	{ VM_MERGEABLE,	 CKPT_VMA_MERGEABLE,	MADV_MERGEABLE },
	{ VM_SEQ_READ,	 CKPT_VMA_SEQUENTIAL,	MADV_SEQUENTIAL },
	{ VM_RAND_READ,	 CKPT_VMA_RANDOM,	MADV_RANDOM },
};

#define CKPT_VMA_ADVICE_ALL	(CKPT_VMA_DONTFORK | CKPT_VMA_WIPEONFORK | \
				 CKPT_VMA_DONTDUMP | CKPT_VMA_HUGEPAGE |   \
				 CKPT_VMA_NOHUGEPAGE | CKPT_VMA_MERGEABLE | \
				 CKPT_VMA_SEQUENTIAL | CKPT_VMA_RANDOM |   \
				 CKPT_VMA_LOCKED | CKPT_VMA_CHARGED |	   \
				 CKPT_VMA_LOCKONFAULT)

/* VMA flags whose meaning survives a checkpoint as saved. */
#define CKPT_VM_KNOWN	(VM_READ | VM_WRITE | VM_EXEC | VM_SHARED |	\
			 VM_MAYREAD | VM_MAYWRITE | VM_MAYEXEC | VM_MAYSHARE | \
			 VM_GROWSDOWN | VM_ACCOUNT | VM_NORESERVE |	\
			 VM_SOFTDIRTY | VM_STACK_INCOMPLETE_SETUP |	\
			 VM_DONTCOPY | VM_WIPEONFORK | VM_DONTDUMP |	\
			 VM_HUGEPAGE | VM_NOHUGEPAGE | VM_MERGEABLE |	\
			 VM_SEQ_READ | VM_RAND_READ | VM_LOCKED |	\
			 VM_LOCKONFAULT)

/* Flags userspace can set that are not saved, by what set them. */
static const struct {
	vm_flags_t vm;
	const char *why;
} ckpt_vma_refused[] = {
	{ VM_UFFD_MISSING | VM_UFFD_WP | VM_UFFD_MINOR,
	  "userfaultfd registrations are not supported" },
	{ VM_DROPPABLE, "MAP_DROPPABLE is not supported" },
	{ VM_SEALED, "mseal(2) is not supported" },
};

/*
 * What prctl(2) sets for a whole mm that is not saved.  mlockall(2)'s
 * MCL_FUTURE and MCL_ONFAULT are (CKPT_MM_LOCK_*); nothing else sets
 * default flags on x86.
 */
static const char *ckpt_mm_refused(struct mm_struct *mm)
{
	if (mm->def_flags & ~VM_LOCKED_MASK)
		return "default mapping flags are not supported";
	return ckpt_arch_mm_refused(mm);
}

/* The mm-wide prctl(2) settings that CKPT_REC_MM holds. */
static const struct {
	unsigned int mmf;
	u32 bit;
} ckpt_mm_prctls[] = {
	{ MMF_DISABLE_THP,		CKPT_MM_THP_DISABLE },
	{ MMF_VM_MERGE_ANY,		CKPT_MM_MERGE_ANY },
	{ MMF_HAS_MDWE,			CKPT_MM_MDWE },
	{ MMF_HAS_MDWE_NO_INHERIT,	CKPT_MM_MDWE_NO_INHERIT },
};

/* membarrier(2)'s registrations of an mm, as CKPT_REC_MM holds them. */
static const struct {
	int cmd;
	u32 bit;
} ckpt_mm_membarrier[] = {
	{ MEMBARRIER_CMD_REGISTER_GLOBAL_EXPEDITED,	CKPT_MM_MEMBARRIER_GLOBAL },
	{ MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED,	CKPT_MM_MEMBARRIER_PRIVATE },
	{ MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED_SYNC_CORE,
	  CKPT_MM_MEMBARRIER_SYNC_CORE },
	{ MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED_RSEQ, CKPT_MM_MEMBARRIER_RSEQ },
};

static u32 ckpt_mm_prctl_flags(struct mm_struct *mm)
{
	int registered = membarrier_mm_registrations(mm);
	unsigned int i;
	u32 bits = 0;

	if (mm->def_flags & VM_LOCKED)
		bits |= CKPT_MM_LOCK_FUTURE;
	if (mm->def_flags & VM_LOCKONFAULT)
		bits |= CKPT_MM_LOCK_ONFAULT;
	if (!test_bit(MMF_TOPDOWN, &mm->flags))
		bits |= CKPT_MM_LEGACY_LAYOUT;
	for (i = 0; i < ARRAY_SIZE(ckpt_mm_membarrier); i++)
		if (registered & ckpt_mm_membarrier[i].cmd)
			bits |= ckpt_mm_membarrier[i].bit;

	for (i = 0; i < ARRAY_SIZE(ckpt_mm_prctls); i++)
		if (test_bit(ckpt_mm_prctls[i].mmf, &mm->flags))
			bits |= ckpt_mm_prctls[i].bit;
	return bits;
}

static u32 ckpt_vma_advice_bits(vm_flags_t flags)
{
	u32 bits = flags & VM_LOCKED ? CKPT_VMA_LOCKED : 0;
	unsigned int i;

	if (flags & VM_LOCKONFAULT)
		bits |= CKPT_VMA_LOCKONFAULT;

	if ((flags & (VM_ACCOUNT | VM_WRITE | VM_MAYSHARE)) == VM_ACCOUNT)
		bits |= CKPT_VMA_CHARGED;

	for (i = 0; i < ARRAY_SIZE(ckpt_vma_advice); i++)
		if (flags & ckpt_vma_advice[i].vm)
			bits |= ckpt_vma_advice[i].bit;
	return bits;
}

static u32 ckpt_vma_prot(struct vm_area_struct *vma)
{
	return (vma->vm_flags & VM_READ ? PROT_READ : 0) |
	       (vma->vm_flags & VM_WRITE ? PROT_WRITE : 0) |
	       (vma->vm_flags & VM_EXEC ? PROT_EXEC : 0);
}

/* What mprotect(2) may grant: the VM_MAY* bits, as PROT_* bits. */
static u32 ckpt_vma_maxprot(vm_flags_t flags)
{
	return (flags & VM_MAYREAD ? PROT_READ : 0) |
	       (flags & VM_MAYWRITE ? PROT_WRITE : 0) |
	       (flags & VM_MAYEXEC ? PROT_EXEC : 0);
}

/*
 * Write the path of @file, as the checkpointer sees it, after a record.
 * A file mapped from an overlayfs is the overlay's backing file, a file
 * of a layer below it: the path the task mapped is the overlay's.
 */
static char *ckpt_file_path(struct ckpt_ctx *ctx, struct file *file,
			    char *buf, u32 *len)
{
	const struct path *user = file_user_path(file);
	char *path;

	path = d_path(user, buf, PATH_MAX);
	if (IS_ERR(path))
		return ERR_PTR(ckpt_err(ctx, PTR_ERR(path),
					"cannot name a mapped file"));
	/* Shared anonymous memory, memfds: files without a path. */
	if (user->mnt->mnt_flags & MNT_INTERNAL)
		return ERR_PTR(ckpt_err(ctx, -EOPNOTSUPP,
					"mapping of %s, which has no path, is not supported yet",
					path));
	if (d_unlinked(user->dentry))
		return ERR_PTR(ckpt_err(ctx, -EOPNOTSUPP,
					"mapped file %s is deleted", path));
	*len = strlen(path);
	return path;
}

/*
 * The image file may be a pipe whose reader faults on its own mm, so no
 * image write may happen under the frozen task's mmap_lock: the VMAs are
 * copied out first, and pages are gathered a run at a time.
 */
struct ckpt_vma_snap {
	struct ckpt_rec_vma rec;
	struct file *file;	/* referenced; NULL for anonymous and special */
};

/* The page at @addr if it holds data of its own, with a reference. */
static struct page *ckpt_own_page(struct mm_struct *mm, unsigned long addr,
				  bool anon_only)
{
	struct page *page;

	/* FOLL_DUMP: no page for what was never touched or is zero. */
	if (get_user_pages_remote(mm, addr, 1, FOLL_FORCE | FOLL_DUMP,
				  &page, NULL) != 1)
		return NULL;
	if (anon_only && !PageAnon(page)) {
		put_page(page);
		return NULL;
	}
	return page;
}

/*
 * Where the page tables may hold data of the task's own: a swap entry, a
 * huge page, a page that (with @anon_only) is anonymous.  Stopping the
 * walk there skips the untouched rest of a VMA -- most of a thread's
 * stack, say -- and the file's own pages, without a lookup per page.
 */
struct ckpt_populated {
	unsigned long found;
	bool anon_only;
};

static int ckpt_populated_pmd(pmd_t *pmd, unsigned long addr,
			      unsigned long next, struct mm_walk *walk)
{
	struct ckpt_populated *p = walk->private;
	pmd_t val = pmdp_get(pmd);

	if (pmd_trans_huge(val) || !pmd_present(val)) {
		p->found = addr;
		return 1;
	}
	return 0;
}

static int ckpt_populated_pte(pte_t *pte, unsigned long addr,
			      unsigned long next, struct mm_walk *walk)
{
	struct ckpt_populated *p = walk->private;
	pte_t val = ptep_get(pte);
	struct page *page;

	if (pte_none(val))
		return 0;
	if (pte_present(val)) {
		/* NULL for the zero page, which holds nothing of ours. */
		page = vm_normal_page(walk->vma, addr, val);
		if (!page || (p->anon_only && !PageAnon(page)))
			return 0;
	}
	p->found = addr;
	return 1;
}

static const struct mm_walk_ops ckpt_populated_ops = {
	.pmd_entry	= ckpt_populated_pmd,
	.pte_entry	= ckpt_populated_pte,
	.walk_lock	= PGWALK_RDLOCK,
};

/* The first address in [addr, end) that may hold data of its own, or @end. */
static unsigned long ckpt_next_populated(struct mm_struct *mm,
					 unsigned long addr, unsigned long end,
					 bool anon_only)
{
	struct ckpt_populated p = { .found = end, .anon_only = anon_only };

	if (walk_page_range(mm, addr, end, &ckpt_populated_ops, &p) <= 0)
		return end;
	return max(p.found, addr);
}

/*
 * Write the pages of [start, end) that hold data of their own: every
 * present page of an anonymous VMA, the copied-on-write pages of a
 * private file mapping.
 */
static int ckpt_write_vma_pages(struct ckpt_ctx *ctx, struct mm_struct *mm,
				unsigned long start, unsigned long end,
				bool anon_only)
{
	struct page *run[CKPT_PAGES_MAX];
	unsigned long addr = start, run_start = 0;
	unsigned int nr;
	int ret;

	while (addr < end) {
		ret = mmap_read_lock_killable(mm);
		if (ret)
			return ret;
		for (nr = 0; addr < end && nr < CKPT_PAGES_MAX; addr += PAGE_SIZE) {
			struct page *page;

			if (!nr) {
				addr = ckpt_next_populated(mm, addr, end,
							   anon_only);
				if (addr >= end)
					break;
			}
			page = ckpt_own_page(mm, addr, anon_only);

			if (!page) {
				if (nr)
					break;
				continue;
			}
			if (!nr)
				run_start = addr;
			run[nr++] = page;
		}
		mmap_read_unlock(mm);
		if (nr) {
			ret = ckpt_write_page_run(ctx, run_start, run, nr);
			if (ret)
				return ret;
		}
		if (fatal_signal_pending(current))
			return -EINTR;
		cond_resched();
	}
	return 0;
}

/* Refuse a file the mm maps, or runs, if it cannot be named. */
static int ckpt_collect_mapped_file(struct ckpt_ctx *ctx, struct file *file,
				    char *buf)
{
	u32 len;
	char *path;
	int ret;

	path = ckpt_file_path(ctx, file, buf, &len);
	if (IS_ERR(path))
		return PTR_ERR(path);
	ret = ckpt_file_may_open(file);
	if (ret)
		return ckpt_err(ctx, ret, "mapped file %s: the caller may not open it itself",
				path);
	/*
	 * Restart reopens it with the credentials that opened it: for an
	 * overlayfs backing file, the overlay mounter's, which the kernel
	 * opened it with and opens it with again.
	 */
	ret = ckpt_obj_collect(ctx, (void *)file->f_cred, CKPT_OBJ_CRED);
	if (ret)
		return ret;
	/* A reference that is not an fd: ckpt_objhash_verify() counts it. */
	ret = ckpt_obj_note(ctx, file);
	if (ret || !ckpt_file_owns_locks(file))
		return ret;
	/* Its locks go with an fd of the container that holds it, if any. */
	return ckpt_obj_require(ctx, file, CKPT_OBJ_FILE,
				kasprintf(GFP_KERNEL,
					  "mapped file %s: it holds a flock or OFD lock, and no fd of the container holds it; not supported",
					  path));
}

/**
 * ckpt_collect_mm_locks - refuse locked memory restart could not lock again
 * @ctx:	checkpoint context, before anything is written.
 * @ct:		the first task of the container to use its mm, pinned.
 *
 * Restart locks the mm's locked ranges again, and sets mlockall(2)'s
 * MCL_FUTURE, as @ct would with mlock2(2) and mlockall(2): within its
 * RLIMIT_MEMLOCK unless it has CAP_IPC_LOCK.  setrlimit(2) may have
 * lowered the limit below what was locked before; such a task would
 * fail to restart, so it is refused here.
 *
 * Return: 0 or -EOPNOTSUPP (logged).
 */
int ckpt_collect_mm_locks(struct ckpt_ctx *ctx, struct ckpt_task *ct)
{
	struct mm_struct *mm = ct->objs.mm;
	unsigned long limit = task_rlimit(ct->task, RLIMIT_MEMLOCK);
	unsigned long locked = READ_ONCE(mm->locked_vm);

	if (!locked && !(READ_ONCE(mm->def_flags) & VM_LOCKED))
		return 0;
	if ((limit && locked <= limit >> PAGE_SHIFT) ||
	    has_capability(ct->task, CAP_IPC_LOCK))
		return 0;
	return ckpt_err(ctx, -EOPNOTSUPP,
			"task %d (%s) has %lu KiB locked by mlock(2) or mlockall(2) above its RLIMIT_MEMLOCK of %lu KiB, lowered since; not supported",
			ct->entry.pid, ct->task->comm, locked << (PAGE_SHIFT - 10),
			limit >> 10);
}

/* ---- mapping a VMA again ---- */

static bool ckpt_user_range_ok(u64 start, u64 end)
{
	return start <= end && end <= TASK_SIZE;
}

static int ckpt_put_user_page(struct ckpt_ctx *ctx, void *mm, u64 addr,
			      void *page)
{
	/*
	 * The task restores its own mm: a plain copy faults the page in.
	 * A read-only mapping needs the forced write of access_remote_vm().
	 */
	if (mm == current->mm &&
	    !copy_to_user((void __user *)(unsigned long)addr, page, PAGE_SIZE))
		return 0;
	if (access_remote_vm(mm, addr, page, PAGE_SIZE,
			     FOLL_FORCE | FOLL_WRITE) != PAGE_SIZE)
		return ckpt_err(ctx, -EFAULT, "cannot restore page at %#llx", addr);
	return 0;
}

/* Advise the restored VMA as its owner had, after its pages are back. */
static int ckpt_restore_advice(struct ckpt_ctx *ctx, const struct ckpt_rec_vma *rec)
{
	unsigned int i;
	int ret;

	for (i = 0; i < ARRAY_SIZE(ckpt_vma_advice); i++) {
		if (!(rec->advice & ckpt_vma_advice[i].bit))
			continue;
		ret = do_madvise(current->mm, rec->start, rec->end - rec->start,
				 ckpt_vma_advice[i].advice);
		if (ret)
			return ckpt_err(ctx, ret, "mapping %#llx-%#llx: madvise(%d) failed",
					rec->start, rec->end, ckpt_vma_advice[i].advice);
	}
	return 0;
}

/*
 * Restart: what the mm had locked, locked again by
 * ckpt_restore_mm_locks() once the task's limits and credentials are in
 * place.  Mapped MAP_LOCKED here, the ranges would be bounded by the
 * restarter's RLIMIT_MEMLOCK and CAP_IPC_LOCK instead.
 */
struct ckpt_mm_locks {
	vm_flags_t def_flags;
	unsigned int nr, max;
	struct {
		unsigned long start, end;
		vm_flags_t flags;
	} range[] __counted_by(max);
};

/* @left: VMA records still to read, this one included. */
static int ckpt_defer_lock(struct ckpt_ctx *ctx, const struct ckpt_rec_vma *rec,
			   u32 left)
{
	struct ckpt_rst_ctx *rst = ckpt_rst(ctx);
	struct ckpt_mm_locks *locks = rst->reader->mm_locks;
	vm_flags_t flags = VM_LOCKED |
			   (rec->advice & CKPT_VMA_LOCKONFAULT ? VM_LOCKONFAULT : 0);

	if (!locks) {
		locks = kvzalloc(struct_size(locks, range, left),
				 GFP_KERNEL_ACCOUNT | __GFP_NOWARN);
		if (!locks)
			return -ENOMEM;
		locks->max = left;
		rst->reader->mm_locks = locks;
	}
	/* Neighbours locked alike: one call, as the task likely made. */
	if (locks->nr && locks->range[locks->nr - 1].end == rec->start &&
	    locks->range[locks->nr - 1].flags == flags) {
		locks->range[locks->nr - 1].end = rec->end;
		return 0;
	}
	if (WARN_ON_ONCE(locks->nr == locks->max))
		return -EINVAL;
	locks->range[locks->nr].start = rec->start;
	locks->range[locks->nr].end = rec->end;
	locks->range[locks->nr].flags = flags;
	locks->nr++;
	return 0;
}

/* mlockall(MCL_FUTURE), set by ckpt_restore_mm_locks() after the VMAs. */
static int ckpt_defer_lock_future(struct ckpt_ctx *ctx, u32 prctl_flags)
{
	struct ckpt_rst_ctx *rst = ckpt_rst(ctx);
	struct ckpt_mm_locks *locks = rst->reader->mm_locks;

	if (!locks) {
		locks = kvzalloc(sizeof(*locks), GFP_KERNEL);
		if (!locks)
			return -ENOMEM;
		rst->reader->mm_locks = locks;
	}
	locks->def_flags = VM_LOCKED |
			   (prctl_flags & CKPT_MM_LOCK_ONFAULT ? VM_LOCKONFAULT : 0);
	return 0;
}

/**
 * ckpt_restore_mm_locks - lock again what the restored mm had locked
 * @ctx:	restart context.
 * @ct:		the task that rebuilt its mm, its limits restored.
 * @cred:	the credentials it is about to take.
 *
 * As the task itself would with mlock2(2) and mlockall(MCL_FUTURE):
 * do_mlock() and can_do_mlock() check its RLIMIT_MEMLOCK and, under
 * @cred, its CAP_IPC_LOCK -- neither the restarter's.  Every VMA is
 * mapped by now, so the default flags reach only what the task maps
 * after the restart.
 *
 * Return: 0 or a negative errno (logged).
 */
int ckpt_restore_mm_locks(struct ckpt_ctx *ctx, struct ckpt_task *ct,
			  const struct cred *cred)
{
	struct ckpt_mm_locks *locks = ct->mm_locks;
	struct mm_struct *mm = current->mm;
	const struct cred *old;
	unsigned int i;
	int ret = 0;

	if (!locks)
		return 0;
	old = override_creds(cred);
	for (i = 0; i < locks->nr && !ret; i++) {
		ret = do_mlock(locks->range[i].start,
			       locks->range[i].end - locks->range[i].start,
			       locks->range[i].flags);
		if (ret)
			ckpt_err(ctx, ret, "task %d: cannot lock %#lx-%#lx again within its RLIMIT_MEMLOCK",
				 ct->entry.pid, locks->range[i].start,
				 locks->range[i].end);
	}
	if (!ret && locks->def_flags) {
		if (!can_do_mlock()) {
			ret = ckpt_err(ctx, -EPERM,
				       "task %d: mlockall(MCL_FUTURE) needs a RLIMIT_MEMLOCK or CAP_IPC_LOCK",
				       ct->entry.pid);
		} else {
			ret = mmap_write_lock_killable(mm);
			if (!ret) {
				mm->def_flags |= locks->def_flags;
				mmap_write_unlock(mm);
			}
		}
	}
	revert_creds(old);
	kvfree(locks);
	ct->mm_locks = NULL;
	return ret;
}

/*
 * What mprotect(2) may later grant the new VMA is what it could grant
 * the saved one: mmap(2) derived it from the file's open mode, the
 * mapping type and the mount (noexec), and a mount that changed since
 * would widen or narrow it.
 */
static int ckpt_check_maxprot(struct ckpt_ctx *ctx,
			      const struct ckpt_rec_vma *rec, const char *path)
{
	struct vm_area_struct *vma;
	u32 maxprot = 0;
	bool shared = false;
	int ret;

	ret = mmap_read_lock_killable(current->mm);
	if (ret)
		return ret;
	/* It may have merged with its neighbours: they have its flags. */
	vma = vma_lookup(current->mm, rec->start);
	if (vma && vma->vm_end >= rec->end) {
		maxprot = ckpt_vma_maxprot(vma->vm_flags);
		shared = vma->vm_flags & VM_MAYSHARE;
	}
	mmap_read_unlock(current->mm);
	if (maxprot != rec->maxprot ||
	    shared != ((rec->flags & MAP_TYPE) == MAP_SHARED))
		return ckpt_err(ctx, -EACCES,
				"mapping %#llx-%#llx%s%s: mprotect(2) could grant it %#x here, %#x when saved",
				rec->start, rec->end, path ? " of " : "",
				path ?: "", maxprot, rec->maxprot);
	return 0;
}

/*
 * A CKPT_VMA_CHARGED mapping was mapped writable, which charged it, and
 * had its pages written: take PROT_WRITE away as mprotect(2) does,
 * which keeps the charge (VM_ACCOUNT).
 */
static int ckpt_drop_write(struct ckpt_ctx *ctx, struct mm_struct *mm,
			   const struct ckpt_rec_vma *rec)
{
	VMA_ITERATOR(vmi, mm, rec->start);
	struct vm_area_struct *vma, *prev;
	struct mmu_gather tlb;
	int ret;

	ret = mmap_write_lock_killable(mm);
	if (ret)
		return ret;
	/* It may have merged with a writable neighbour: mprotect splits. */
	vma = vma_find(&vmi, rec->end);
	if (!vma || vma->vm_start > rec->start || vma->vm_end < rec->end ||
	    !(vma->vm_flags & VM_ACCOUNT) || (vma->vm_ops && vma->vm_ops->mprotect)) {
		mmap_write_unlock(mm);
		return ckpt_err(ctx, -EINVAL, "mapping %#llx-%#llx: cannot keep its commit charge",
				rec->start, rec->end);
	}
	/* As do_mprotect_pkey() walks them. */
	prev = vma_prev(&vmi);
	if (rec->start > vma->vm_start)
		prev = vma;
	vma = vma_find(&vmi, rec->end);
	tlb_gather_mmu(&tlb, mm);
	ret = mprotect_fixup(&vmi, &tlb, vma, &prev, rec->start, rec->end,
			     vma->vm_flags & ~VM_WRITE);
	tlb_finish_mmu(&tlb);
	mmap_write_unlock(mm);
	return ret ? ckpt_err(ctx, ret, "mapping %#llx-%#llx: mprotect failed",
			      rec->start, rec->end) : 0;
}

/* The vvar/vdso pair, which the architecture maps again rather than copies. */
static int ckpt_restore_special_vma(struct ckpt_ctx *ctx,
				    const struct ckpt_rec_vma *rec)
{
	enum ckpt_arch_vma_fail fail;
	int ret;

	ret = ckpt_arch_restore_vma(rec, &fail);
	if (!ret)
		return 0;
	switch (fail) {
	case CKPT_ARCH_VMA_SIZE:
		return ckpt_err(ctx, ret, "vvar mapping has the wrong size");
	case CKPT_ARCH_VMA_MAP:
		return ckpt_err(ctx, ret, "cannot map the vdso at %#llx",
				rec->start);
	case CKPT_ARCH_VMA_PLACE:
		break;
	}
	return ckpt_err(ctx, ret, "vdso at %#llx does not follow its vvar",
			rec->start);
}

/*
 * Map a VMA of a kind that mmap(2) makes at its old place, from @file or
 * anonymous memory; ckpt_restore_vma() gives it back the rest.
 */
static int ckpt_mmap_vma(struct ckpt_ctx *ctx, const struct ckpt_rec_vma *rec,
			 struct file *file, const char *path)
{
	unsigned long addr, len = rec->end - rec->start;
	unsigned long flags = rec->flags | MAP_FIXED_NOREPLACE |
			      (file ? 0 : MAP_ANONYMOUS);

	addr = vm_mmap(file, rec->start, len,
		       rec->prot | (rec->advice & CKPT_VMA_CHARGED ? PROT_WRITE : 0),
		       flags, file ? rec->pgoff << PAGE_SHIFT : 0);
	if (IS_ERR_VALUE(addr))
		return ckpt_err(ctx, (long)addr, "cannot map %#llx-%#llx%s%s",
				rec->start, rec->end, path ? " of " : "",
				path ?: "");
	if (addr != rec->start) {
		vm_munmap(addr, len);
		return ckpt_err(ctx, -EINVAL, "mapping %#llx-%#llx landed elsewhere",
				rec->start, rec->end);
	}
	return 0;
}

/* ---- kinds of VMA ---- */

/*
 * The pages of a VMA that the image carries, after its record: none (its
 * contents are a file's, a shared memory object's, or the kernel's),
 * every page that holds data, or only the private copies of a file's
 * pages.
 */
enum ckpt_vma_pages {
	CKPT_VMA_PAGES_NONE,
	CKPT_VMA_PAGES_ALL,
	CKPT_VMA_PAGES_COW,
};

/**
 * struct ckpt_vma_kind_ops - how one kind of VMA is saved and mapped again
 * @kind:	its CKPT_VMA_* number in the image.
 * @name:	for log lines.
 * @mmap:	mmap(2) makes it: its protection ceiling, advice, locks and
 *		commit charge are saved, checked and restored by the core.
 *		Not for what the kernel installs itself (the vdso).
 * @has_path:	its record carries a file's path and the credentials that
 *		opened it.
 * @has_obj:	its record names a shared object (@obj_ref).
 * @pages:	which of its pages the image carries.
 * @claims:	checkpoint, under the mmap lock: whether @vma is of this
 *		kind.  No two kinds claim the same VMA.
 * @snap:	checkpoint, under the mmap lock: fill the kind's fields of
 *		the snapshot, taking a reference to a file it needs; say
 *		why it cannot be saved, or NULL.  NULL for nothing to fill.
 * @collect:	before anything is written: refuse (logged) or collect
 *		what it stands on.  NULL when there is nothing to check.
 * @checkpoint:	fill the record's references, writing the objects they
 *		name first; with @has_path, point @path at the file's name
 *		(in @buf) and set @path_len.  NULL when there are none.
 * @restore:	map it again from its record (and @path, with @has_path),
 *		or return a negative errno, logged.
 */
struct ckpt_vma_kind_ops {
	u32 kind;
	const char *name;
	bool mmap;
	bool has_path;
	bool has_obj;
	enum ckpt_vma_pages pages;
	bool (*claims)(struct vm_area_struct *vma);
	const char *(*snap)(struct vm_area_struct *vma,
			    struct ckpt_vma_snap *snap);
	int (*collect)(struct ckpt_ctx *ctx, struct ckpt_vma_snap *snap,
		       char *buf);
	int (*checkpoint)(struct ckpt_ctx *ctx, struct ckpt_vma_snap *snap,
			  char *buf, char **path);
	int (*restore)(struct ckpt_ctx *ctx, const struct ckpt_rec_vma *rec,
		       const char *path);
};

/* -- the vvar and vdso pair, which the architecture maps again -- */

static bool ckpt_vdso_claims(struct vm_area_struct *vma)
{
	return ckpt_arch_vma_kind(vma) == CKPT_VMA_VDSO;
}

static bool ckpt_vvar_claims(struct vm_area_struct *vma)
{
	return ckpt_arch_vma_kind(vma) == CKPT_VMA_VVAR;
}

static int ckpt_vdso_restore(struct ckpt_ctx *ctx,
			     const struct ckpt_rec_vma *rec, const char *path)
{
	if (rec->advice || rec->maxprot)
		return ckpt_err(ctx, -EINVAL, "vdso mapping record with advice");
	return ckpt_restore_special_vma(ctx, rec);
}

/* -- anonymous private memory: every page of it that holds data -- */

static bool ckpt_anon_claims(struct vm_area_struct *vma)
{
	return vma_is_anonymous(vma);
}

static const char *ckpt_anon_snap(struct vm_area_struct *vma,
				  struct ckpt_vma_snap *snap)
{
	snap->rec.pgoff = 0;
	return NULL;
}

static int ckpt_anon_restore(struct ckpt_ctx *ctx,
			     const struct ckpt_rec_vma *rec, const char *path)
{
	if ((rec->flags & MAP_TYPE) == MAP_SHARED)
		return ckpt_err(ctx, -EINVAL, "shared anonymous mapping in image");
	return ckpt_mmap_vma(ctx, rec, NULL, NULL);
}

/* -- shared anonymous memory: a CKPT_OBJ_SHMEM, with its pages -- */

/*
 * A memfd mapped and closed looks the same, but has a name and seals
 * the image has no place for: only shmem_zero_setup()'s own.
 */
static bool ckpt_shmem_claims(struct vm_area_struct *vma)
{
	return vma_is_anon_shmem(vma) &&
	       !strcmp(file_dentry(vma->vm_file)->d_name.name, "dev/zero");
}

static const char *ckpt_shmem_snap(struct vm_area_struct *vma,
				   struct ckpt_vma_snap *snap)
{
	snap->file = get_file(vma->vm_file);
	return NULL;
}

static int ckpt_shmem_collect(struct ckpt_ctx *ctx, struct ckpt_vma_snap *snap,
			      char *buf)
{
	return ckpt_obj_collect(ctx, snap->file, CKPT_OBJ_SHMEM);
}

/* The memory's pages go with it, not with the VMA. */
static int ckpt_shmem_checkpoint(struct ckpt_ctx *ctx,
				 struct ckpt_vma_snap *snap, char *buf,
				 char **path)
{
	int ret = ckpt_obj_checkpoint(ctx, snap->file, CKPT_OBJ_SHMEM);

	if (ret < 0)
		return ret;
	snap->rec.obj_ref = ret;
	return 0;
}

static int ckpt_shmem_restore(struct ckpt_ctx *ctx,
			      const struct ckpt_rec_vma *rec, const char *path)
{
	struct file *shmem;

	if ((rec->flags & MAP_TYPE) != MAP_SHARED)
		return ckpt_err(ctx, -EINVAL, "mapping record at offset %llu has bad kind %u",
				ctx->rec_start, rec->kind);
	shmem = ckpt_obj_fetch(ctx, rec->obj_ref, CKPT_OBJ_SHMEM);
	if (IS_ERR(shmem))
		return PTR_ERR(shmem);
	/* The objhash holds it; the VMA takes a reference of its own. */
	return ckpt_mmap_vma(ctx, rec, shmem, NULL);
}

/*
 * -- regular files, reopened by path: shared (the contents are the
 * file's) or private (with the pages written to since) --
 */

/*
 * Other files without a path, a memfd's, are refused by
 * ckpt_file_path() at collection.
 */
static bool ckpt_file_vma_claims(struct vm_area_struct *vma)
{
	return vma->vm_file && S_ISREG(file_inode(vma->vm_file)->i_mode) &&
	       !vma_is_anonymous(vma) && !ckpt_shmem_claims(vma);
}

static bool ckpt_file_private_claims(struct vm_area_struct *vma)
{
	return ckpt_file_vma_claims(vma) && !(vma->vm_flags & VM_MAYSHARE);
}

static bool ckpt_file_shared_claims(struct vm_area_struct *vma)
{
	return ckpt_file_vma_claims(vma) && vma->vm_flags & VM_MAYSHARE;
}

static const char *ckpt_file_vma_snap(struct vm_area_struct *vma,
				      struct ckpt_vma_snap *snap)
{
	/* Held for the log line if it is refused, which names it. */
	snap->file = get_file(vma->vm_file);
	if (ckpt_path_refused(file_user_path(vma->vm_file),
			      vma->vm_flags & VM_SHARED && vma->vm_flags & VM_MAYWRITE))
		return ckpt_path_refused_why(file_user_path(vma->vm_file));
	/* The file the task mapped: an overlay's, not its backing file. */
	ckpt_file_id_fill(&snap->rec.id, file_user_inode(vma->vm_file));
	return NULL;
}

static int ckpt_file_vma_collect(struct ckpt_ctx *ctx,
				 struct ckpt_vma_snap *snap, char *buf)
{
	return ckpt_collect_mapped_file(ctx, snap->file, buf);
}

static int ckpt_file_vma_checkpoint(struct ckpt_ctx *ctx,
				    struct ckpt_vma_snap *snap, char *buf,
				    char **path)
{
	int ret = ckpt_obj_checkpoint(ctx, (void *)snap->file->f_cred,
				      CKPT_OBJ_CRED);

	if (ret < 0)
		return ret;
	snap->rec.cred_ref = ret;
	*path = ckpt_file_path(ctx, snap->file, buf, &snap->rec.path_len);
	return PTR_ERR_OR_ZERO(*path);
}

static int ckpt_file_vma_restore(struct ckpt_ctx *ctx,
				 const struct ckpt_rec_vma *rec,
				 const char *path)
{
	/*
	 * A shared mapping may be made writable (VM_MAYWRITE) only if its
	 * file was open for writing: open it so again.
	 */
	bool shared = rec->kind == CKPT_VMA_FILE_SHARED;
	bool wr = shared && rec->maxprot & PROT_WRITE;
	struct ckpt_want want = {
		.type = S_IFREG,
		.mapx = rec->prot & PROT_EXEC,
	};
	const struct cred *cred;
	struct file *file;
	int ret;

	/* The kind decides how the file is opened: it must be the mapping's. */
	if (shared != ((rec->flags & MAP_TYPE) == MAP_SHARED))
		return ckpt_err(ctx, -EINVAL, "mapping record at offset %llu has bad kind %u",
				ctx->rec_start, rec->kind);
	cred = ckpt_obj_fetch(ctx, rec->cred_ref, CKPT_OBJ_CRED);
	if (IS_ERR(cred))
		return PTR_ERR(cred);
	file = ckpt_reopen(ctx, path, &rec->id, &want,
			   O_LARGEFILE | (wr ? O_RDWR : O_RDONLY), cred);
	if (IS_ERR(file))
		return PTR_ERR(file);
	ret = ckpt_mmap_vma(ctx, rec, file, path);
	fput(file);
	return ret;
}

/*
 * Every kind of VMA that can be saved, in the order they are asked to
 * claim one; what none claims is refused.
 */
static const struct ckpt_vma_kind_ops ckpt_vma_kinds[] = {
	{
		.kind		= CKPT_VMA_VVAR,
		.name		= "vvar",
		.claims		= ckpt_vvar_claims,
		.restore	= ckpt_vdso_restore,
	}, {
		.kind		= CKPT_VMA_VDSO,
		.name		= "vdso",
		.claims		= ckpt_vdso_claims,
		.restore	= ckpt_vdso_restore,
	}, {
		.kind		= CKPT_VMA_ANON,
		.name		= "anonymous",
		.mmap		= true,
		.pages		= CKPT_VMA_PAGES_ALL,
		.claims		= ckpt_anon_claims,
		.snap		= ckpt_anon_snap,
		.restore	= ckpt_anon_restore,
	}, {
		.kind		= CKPT_VMA_SHMEM,
		.name		= "shared anonymous",
		.mmap		= true,
		.has_obj	= true,
		.claims		= ckpt_shmem_claims,
		.snap		= ckpt_shmem_snap,
		.collect	= ckpt_shmem_collect,
		.checkpoint	= ckpt_shmem_checkpoint,
		.restore	= ckpt_shmem_restore,
	}, {
		.kind		= CKPT_VMA_FILE_PRIVATE,
		.name		= "private file",
		.mmap		= true,
		.has_path	= true,
		.pages		= CKPT_VMA_PAGES_COW,
		.claims		= ckpt_file_private_claims,
		.snap		= ckpt_file_vma_snap,
		.collect	= ckpt_file_vma_collect,
		.checkpoint	= ckpt_file_vma_checkpoint,
		.restore	= ckpt_file_vma_restore,
	}, {
		.kind		= CKPT_VMA_FILE_SHARED,
		.name		= "shared file",
		.mmap		= true,
		.has_path	= true,
		.claims		= ckpt_file_shared_claims,
		.snap		= ckpt_file_vma_snap,
		.collect	= ckpt_file_vma_collect,
		.checkpoint	= ckpt_file_vma_checkpoint,
		.restore	= ckpt_file_vma_restore,
	},
};

/*
 * Every kind has a number of its own, tells its VMAs and maps them
 * again; one whose record carries a path or an object fills it in.
 */
static int __init ckpt_vma_kinds_check(void)
{
	const struct ckpt_vma_kind_ops *kind;
	unsigned int i, j;

	for (i = 0; i < ARRAY_SIZE(ckpt_vma_kinds); i++) {
		kind = &ckpt_vma_kinds[i];
		for (j = 0; j < i; j++)
			if (ckpt_vma_kinds[j].kind == kind->kind)
				break;
		if (!kind->kind || j < i || !kind->name || !kind->claims ||
		    !kind->restore ||
		    ((kind->has_path || kind->has_obj) && !kind->checkpoint))
			ckpt_kind_table_broken("ckpt_vma_kinds[]", i);
	}
	return 0;
}
late_initcall(ckpt_vma_kinds_check);

/* The kind a VMA of the image says it is, or NULL for none this knows. */
static const struct ckpt_vma_kind_ops *ckpt_vma_kind_ops(u32 kind)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(ckpt_vma_kinds); i++)
		if (ckpt_vma_kinds[i].kind == kind)
			return &ckpt_vma_kinds[i];
	return NULL;
}

/* The kind that claims @vma, or NULL. */
static const struct ckpt_vma_kind_ops *
ckpt_vma_claimant(struct vm_area_struct *vma)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(ckpt_vma_kinds); i++)
		if (ckpt_vma_kinds[i].claims(vma))
			return &ckpt_vma_kinds[i];
	return NULL;
}

/* ---- checkpoint ---- */

/*
 * What the task's own mmap(2), mprotect(2), madvise(2) and mlock(2) set
 * on a VMA, for the kinds that come from mmap(2); say why it cannot be
 * saved, or NULL.
 */
static const char *ckpt_snap_mmap_fields(struct vm_area_struct *vma,
					 struct ckpt_rec_vma *rec)
{
	unsigned int i;

	rec->maxprot = ckpt_vma_maxprot(vma->vm_flags);
	for (i = 0; i < ARRAY_SIZE(ckpt_vma_refused); i++)
		if (vma->vm_flags & ckpt_vma_refused[i].vm)
			return ckpt_vma_refused[i].why;
	if (vma->vm_flags & ~CKPT_VM_KNOWN)
		return "it has unsupported flags";
	/* mlock2(2) sets it only with VM_LOCKED, and restart so. */
	if ((vma->vm_flags & VM_LOCKED_MASK) == VM_LOCKONFAULT)
		return "VM_LOCKONFAULT without VM_LOCKED is not supported";
	if (anon_vma_name(vma))
		return "a name from PR_SET_VMA_ANON_NAME is not supported";
	if (vma_policy(vma))
		return "a NUMA policy from mbind(2) is not supported";
	rec->advice = ckpt_vma_advice_bits(vma->vm_flags);
	if (vma->vm_flags & VM_GROWSDOWN)
		rec->flags |= MAP_GROWSDOWN;
	if (vma->vm_flags & VM_NORESERVE)
		rec->flags |= MAP_NORESERVE;
	return NULL;
}

/* Copy one VMA; say why it cannot be saved, or NULL. */
static const char *ckpt_snap_vma(struct vm_area_struct *vma,
				 struct ckpt_vma_snap *snap)
{
	const struct ckpt_vma_kind_ops *kind = ckpt_vma_claimant(vma);
	struct ckpt_rec_vma *rec = &snap->rec;
	const char *why;

	*rec = (struct ckpt_rec_vma) {
		.start = vma->vm_start,
		.end = vma->vm_end,
		.pgoff = vma->vm_pgoff,
		.prot = ckpt_vma_prot(vma),
		/*
		 * MAP_SHARED of a file opened read-only leaves VM_MAYSHARE
		 * without VM_SHARED: still a shared mapping, which
		 * mprotect(PROT_WRITE) refuses and a private one would not.
		 */
		.flags = vma->vm_flags & VM_MAYSHARE ? MAP_SHARED : MAP_PRIVATE,
	};
	snap->file = NULL;
	/* Flags are refused by name before "no kind" is. */
	if (!kind || kind->mmap) {
		why = ckpt_snap_mmap_fields(vma, rec);
		if (why)
			return why;
	}
	if (!kind)
		return "device memory is not supported";
	rec->kind = kind->kind;
	return kind->snap ? kind->snap(vma, snap) : NULL;
}

/* Copy the mm's layout and VMAs; nothing is written under the lock. */
static int ckpt_snap_mm(struct ckpt_ctx *ctx, struct mm_struct *mm,
			struct ckpt_rec_mm *rec, struct ckpt_vma_snap **snapp)
{
	struct ckpt_vma_snap *snap;
	struct vm_area_struct *vma;
	unsigned long bad_start = 0, bad_end = 0, bad_flags = 0;
	const char *why = NULL;
	unsigned int n = 0;
	int ret;

	ret = mmap_read_lock_killable(mm);
	if (ret)
		return ret;
	rec->nr_vmas = mm->map_count;
	mmap_read_unlock(mm);

	snap = kvcalloc(rec->nr_vmas, sizeof(*snap), GFP_KERNEL);
	if (!snap)
		return -ENOMEM;
	ret = mmap_read_lock_killable(mm);
	if (ret)
		goto fail;
	if (mm->map_count != rec->nr_vmas) {
		mmap_read_unlock(mm);
		ret = ckpt_err(ctx, -EBUSY, "an address space changed during checkpoint");
		goto fail;
	}
	{
		VMA_ITERATOR(vmi, mm, 0);

		for_each_vma(vmi, vma) {
			if (n == rec->nr_vmas)
				break;
			why = ckpt_snap_vma(vma, &snap[n]);
			n++;
			if (why) {
				bad_start = vma->vm_start;
				bad_end = vma->vm_end;
				bad_flags = vma->vm_flags;
				break;
			}
		}
	}
	rec->start_code = mm->start_code;
	rec->end_code = mm->end_code;
	rec->start_data = mm->start_data;
	rec->end_data = mm->end_data;
	rec->start_brk = mm->start_brk;
	rec->brk = mm->brk;
	rec->start_stack = mm->start_stack;
	rec->arg_start = mm->arg_start;
	rec->arg_end = mm->arg_end;
	rec->env_start = mm->env_start;
	rec->env_end = mm->env_end;
	rec->mmap_base = mm->mmap_base;
	rec->dumpable = get_dumpable(mm);
	rec->coredump_filter = (mm->flags & MMF_DUMP_FILTER_MASK) >>
			       MMF_DUMP_FILTER_SHIFT;
	rec->prctl_flags = ckpt_mm_prctl_flags(mm);
	BUILD_BUG_ON(sizeof(rec->auxv) < sizeof(mm->saved_auxv));
	memcpy(rec->auxv, mm->saved_auxv, sizeof(mm->saved_auxv));
	rec->auxv_len = sizeof(mm->saved_auxv);
	mmap_read_unlock(mm);

	if (why) {
		struct file *bad = snap[n - 1].file;
		char *buf = bad ? kmalloc(PATH_MAX, GFP_KERNEL) : NULL;
		char *name = buf ? d_path(file_user_path(bad), buf, PATH_MAX) : NULL;

		if (IS_ERR_OR_NULL(name))
			name = "";
		ret = ckpt_err(ctx, -EOPNOTSUPP, "mapping %#lx-%#lx (flags %#lx)%s%s: %s",
			       bad_start, bad_end, bad_flags, *name ? " of " : "",
			       name, why);
		kfree(buf);
	} else if (n != rec->nr_vmas) {
		ret = ckpt_err(ctx, -EBUSY, "an address space changed during checkpoint");
	} else {
		*snapp = snap;
		return 0;
	}
fail:
	while (n--)
		if (snap[n].file)
			fput(snap[n].file);
	kvfree(snap);
	return ret;
}

static int ckpt_write_vma(struct ckpt_ctx *ctx, struct mm_struct *mm,
			  struct ckpt_vma_snap *snap, char *buf)
{
	const struct ckpt_vma_kind_ops *kind = ckpt_vma_kind_ops(snap->rec.kind);
	struct ckpt_rec_vma *rec = &snap->rec;
	char *path = NULL;
	int ret;

	if (kind->checkpoint) {
		ret = kind->checkpoint(ctx, snap, buf, &path);
		if (ret)
			return ret;
	}
	ret = ckpt_write_begin(ctx, rec, CKPT_REC_VMA, sizeof(*rec),
			       rec->path_len);
	if (!ret && path)
		ret = ckpt_write_data(ctx, path, rec->path_len);
	if (!ret)
		ret = ckpt_write_end(ctx);
	if (!ret && kind->pages != CKPT_VMA_PAGES_NONE)
		ret = ckpt_write_vma_pages(ctx, mm, rec->start, rec->end,
					   kind->pages == CKPT_VMA_PAGES_COW);
	return ret;
}

/*
 * Everything that can refuse an mm, before anything is written: each
 * VMA's kind and flags, the files it maps and runs, and its shared
 * memory, collected as objects of their own.
 */
static int ckpt_mm_collect(struct ckpt_ctx *ctx, void *ptr)
{
	struct mm_struct *mm = ptr;
	struct ckpt_vma_snap *snap = NULL;
	struct ckpt_rec_mm rec = { };
	struct file *exe;
	const char *why;
	unsigned int i;
	char *buf;
	int ret;

	why = ckpt_mm_refused(mm);
	if (why)
		return ckpt_err(ctx, -EOPNOTSUPP, "address space: %s", why);
	buf = kmalloc(PATH_MAX, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	exe = get_mm_exe_file(mm);
	ret = exe ? ckpt_collect_mapped_file(ctx, exe, buf) : 0;
	if (exe)
		fput(exe);
	if (!ret)
		ret = ckpt_snap_mm(ctx, mm, &rec, &snap);
	for (i = 0; snap && i < rec.nr_vmas; i++) {
		const struct ckpt_vma_kind_ops *kind =
			ckpt_vma_kind_ops(snap[i].rec.kind);

		if (!ret && kind->collect)
			ret = kind->collect(ctx, &snap[i], buf);
		if (snap[i].file)
			fput(snap[i].file);
	}
	kvfree(snap);
	kfree(buf);
	return ret;
}

static int ckpt_mm_checkpoint(struct ckpt_ctx *ctx, void *ptr)
{
	struct mm_struct *mm = ptr;
	struct ckpt_vma_snap *snap = NULL;
	struct ckpt_rec_mm rec = { };
	char *buf, *exe_path = NULL;
	struct file *exe;
	unsigned int i;
	int ret;

	buf = kmalloc(PATH_MAX, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;

	exe = get_mm_exe_file(mm);
	if (exe) {
		exe_path = ckpt_file_path(ctx, exe, buf, &rec.exe_len);
		if (IS_ERR(exe_path)) {
			ret = PTR_ERR(exe_path);
			goto out;
		}
		ckpt_file_id_fill(&rec.exe_id, file_user_inode(exe));
	}
	ret = ckpt_snap_mm(ctx, mm, &rec, &snap);
	if (ret)
		goto out;
	/* The credentials that opened the executable come before the mm. */
	ret = exe ? ckpt_obj_checkpoint(ctx, (void *)exe->f_cred, CKPT_OBJ_CRED) : 0;
	if (ret > 0) {
		rec.exe_cred_ref = ret;
		ret = 0;
	}
	if (!ret)
		ret = ckpt_write_begin(ctx, &rec, CKPT_REC_MM, sizeof(rec),
				       rec.exe_len);
	if (!ret && exe_path)
		ret = ckpt_write_data(ctx, exe_path, rec.exe_len);
	if (!ret)
		ret = ckpt_write_end(ctx);
	for (i = 0; i < rec.nr_vmas; i++) {
		if (!ret)
			ret = ckpt_write_vma(ctx, mm, &snap[i], buf);
		if (snap[i].file)
			fput(snap[i].file);
	}
	kvfree(snap);
out:
	if (exe)
		fput(exe);
	kfree(buf);
	return ret;
}

/* ---- restart ---- */

static int ckpt_restore_vma(struct ckpt_ctx *ctx, struct mm_struct *mm,
			    u32 left)
{
	const struct ckpt_vma_kind_ops *kind;
	struct ckpt_rec_vma rec;
	char *path = NULL;
	bool named;
	int ret;

	/*
	 * Shared memory is written before the first VMA that maps it, as
	 * are the credentials that opened a mapped file.  An mm here would
	 * replace the one being rebuilt, under this loop.
	 */
	ret = ckpt_obj_restore_here(ctx, CKPT_OBJ_KIND(CKPT_OBJ_SHMEM) |
				    CKPT_OBJ_KIND(CKPT_OBJ_CRED), "a mapping", NULL);
	if (ret)
		return ret;

	ret = ckpt_read_begin(ctx, &rec, CKPT_REC_VMA, sizeof(rec), PATH_MAX);
	if (ret < 0)
		return ret;
	kind = ckpt_vma_kind_ops(rec.kind);
	named = kind && kind->has_path;
	if (ret != rec.path_len || !rec.path_len == named ||
	    !rec.cred_ref == named ||
	    !rec.obj_ref == (kind && kind->has_obj) ||
	    !PAGE_ALIGNED(rec.start) || !PAGE_ALIGNED(rec.end) ||
	    rec.start >= rec.end || !ckpt_user_range_ok(rec.start, rec.end) ||
	    rec.prot & ~(PROT_READ | PROT_WRITE | PROT_EXEC) ||
	    rec.flags & ~(MAP_SHARED | MAP_PRIVATE | MAP_GROWSDOWN | MAP_NORESERVE) ||
	    (rec.flags & MAP_TYPE) == (MAP_SHARED | MAP_PRIVATE) ||
	    rec.pgoff > (ULONG_MAX >> PAGE_SHIFT) ||
	    rec.advice & ~CKPT_VMA_ADVICE_ALL ||
	    (rec.advice & (CKPT_VMA_LOCKED | CKPT_VMA_LOCKONFAULT)) ==
	    CKPT_VMA_LOCKONFAULT ||
	    rec.maxprot & ~(PROT_READ | PROT_WRITE | PROT_EXEC) ||
	    !ckpt_file_id_valid(&rec.id, named))
		return ckpt_err(ctx, -EINVAL, "malformed mapping record at offset %llu",
				ctx->rec_start);
	/*
	 * The restarter may map below mmap_min_addr (CAP_SYS_RAWIO); the
	 * container it restores gets no such mapping from an image.
	 */
	if (rec.start < mmap_min_addr)
		return ckpt_err(ctx, -EPERM, "mapping %#llx-%#llx lies below mmap_min_addr",
				rec.start, rec.end);
	if (!kind)
		return ckpt_err(ctx, -EINVAL, "mapping record at offset %llu has bad kind %u",
				ctx->rec_start, rec.kind);
	/* What mprotect(2) could grant covers what the mapping has. */
	if (kind->mmap &&
	    (rec.prot & ~rec.maxprot ||
	     (rec.advice & CKPT_VMA_CHARGED &&
	      ((rec.flags & MAP_TYPE) != MAP_PRIVATE || rec.prot & PROT_WRITE ||
	       !(rec.maxprot & PROT_WRITE) || rec.flags & MAP_NORESERVE))))
		return ckpt_err(ctx, -EINVAL, "malformed mapping record at offset %llu",
				ctx->rec_start);
	if (named) {
		path = ckpt_read_path(ctx, rec.path_len);
		if (IS_ERR(path))
			return PTR_ERR(path);
	}
	ret = ckpt_read_end(ctx) ?: kind->restore(ctx, &rec, path);
	if (ret || !kind->mmap)
		goto out;

	ret = ckpt_check_maxprot(ctx, &rec, path);
	if (!ret && kind->pages != CKPT_VMA_PAGES_NONE)
		ret = ckpt_read_page_runs(ctx, rec.start, rec.end,
					  ckpt_put_user_page, mm);
	if (!ret && rec.advice & CKPT_VMA_CHARGED)
		ret = ckpt_drop_write(ctx, mm, &rec);
	if (!ret)
		ret = ckpt_restore_advice(ctx, &rec);
	if (!ret && rec.advice & CKPT_VMA_LOCKED)
		ret = ckpt_defer_lock(ctx, &rec, left);
out:
	kfree(path);
	return ret;
}

#define CKPT_MM_PRCTL_FLAGS	(CKPT_MM_THP_DISABLE | CKPT_MM_MERGE_ANY | \
				 CKPT_MM_MDWE | CKPT_MM_MDWE_NO_INHERIT | \
				 CKPT_MM_LOCK_FUTURE | CKPT_MM_LOCK_ONFAULT | \
				 CKPT_MM_LEGACY_LAYOUT |			\
				 CKPT_MM_MEMBARRIER_GLOBAL |		\
				 CKPT_MM_MEMBARRIER_PRIVATE |		\
				 CKPT_MM_MEMBARRIER_SYNC_CORE |		\
				 CKPT_MM_MEMBARRIER_RSEQ)

/*
 * Once every VMA is mapped, under the mmap lock: what
 * prctl(PR_SET_MEMORY_MERGE) and prctl(PR_SET_MDWE) set.  Merge-any marks
 * the VMAs there are mergeable, as the prctl did; deny-write-execute,
 * set before, would have refused mapping the task's own executable and
 * writable pages back.  THP disable was set on the new mm.
 */
static int ckpt_restore_mm_prctls(struct ckpt_ctx *ctx, struct mm_struct *mm,
				  u32 flags)
{
	int ret;

	if (flags & CKPT_MM_MERGE_ANY) {
#ifdef CONFIG_KSM
		ret = ksm_enable_merge_any(mm);
#else
		ret = -EOPNOTSUPP;
#endif
		if (ret)
			return ckpt_err(ctx, ret,
					"address space: cannot set prctl(PR_SET_MEMORY_MERGE) here");
	}
	if (flags & CKPT_MM_MDWE)
		set_bit(MMF_HAS_MDWE, &mm->flags);
	if (flags & CKPT_MM_MDWE_NO_INHERIT)
		set_bit(MMF_HAS_MDWE_NO_INHERIT, &mm->flags);
	return 0;
}

/*
 * membarrier(2)'s registrations, for current's mm, the one rebuilt: with
 * the command's own code, as anyone may register their own; not under
 * the mmap lock, which membarrier(2) does not take either.
 */
static int ckpt_restore_membarrier(struct ckpt_ctx *ctx, u32 flags)
{
	unsigned int i;
	int ret, cmds = 0;

	for (i = 0; i < ARRAY_SIZE(ckpt_mm_membarrier); i++)
		if (flags & ckpt_mm_membarrier[i].bit)
			cmds |= ckpt_mm_membarrier[i].cmd;
	ret = membarrier_register(cmds);
	if (ret)
		return ckpt_err(ctx, ret,
				"address space: cannot register membarrier(2) commands %#x here",
				cmds);
	return 0;
}

static int ckpt_check_mm_rec(struct ckpt_ctx *ctx, const struct ckpt_rec_mm *r)
{
	if (r->auxv_len > sizeof(r->auxv) || r->auxv_len % 16 ||
	    r->dumpable > SUID_DUMP_ROOT ||
	    !ckpt_user_range_ok(r->start_code, r->end_code) ||
	    !ckpt_user_range_ok(r->start_data, r->end_data) ||
	    !ckpt_user_range_ok(r->start_brk, r->brk) ||
	    !ckpt_user_range_ok(r->arg_start, r->arg_end) ||
	    !ckpt_user_range_ok(r->env_start, r->env_end) ||
	    r->start_stack > TASK_SIZE || r->mmap_base > TASK_SIZE ||
	    r->nr_vmas > sysctl_max_map_count ||
	    r->coredump_filter > (MMF_DUMP_FILTER_MASK >> MMF_DUMP_FILTER_SHIFT) ||
	    r->prctl_flags & ~CKPT_MM_PRCTL_FLAGS || r->__pad ||
	    /* What prctl(PR_SET_MDWE) takes: no NO_INHERIT alone. */
	    (r->prctl_flags & CKPT_MM_MDWE_NO_INHERIT &&
	     !(r->prctl_flags & CKPT_MM_MDWE)) ||
	    /* What mlockall(2) takes: no MCL_ONFAULT alone. */
	    (r->prctl_flags & CKPT_MM_LOCK_ONFAULT &&
	     !(r->prctl_flags & CKPT_MM_LOCK_FUTURE)) ||
	    !r->exe_cred_ref == !!r->exe_len ||
	    !ckpt_file_id_valid(&r->exe_id, r->exe_len))
		return ckpt_err(ctx, -EINVAL, "malformed mm record at offset %llu",
				ctx->rec_start);
	return 0;
}

static void *ckpt_mm_restore(struct ckpt_ctx *ctx, void **state)
{
	struct ckpt_rst_ctx *rst = ckpt_rst(ctx);
	const struct cred *exe_cred = NULL;
	struct ckpt_rec_mm rec;
	struct mm_struct *mm;
	struct file *exe = NULL;
	char *exe_path = NULL;
	u32 i;
	int ret;

	/* The credentials that opened the executable. */
	ret = ckpt_obj_restore_here(ctx, CKPT_OBJ_KIND(CKPT_OBJ_CRED), "an mm",
				    NULL);
	if (ret)
		return ERR_PTR(ret);
	ret = ckpt_read_begin(ctx, &rec, CKPT_REC_MM, sizeof(rec), PATH_MAX);
	if (ret < 0)
		return ERR_PTR(ret);
	if (ret != rec.exe_len)
		return ERR_PTR(ckpt_err(ctx, -EINVAL, "mm record: bad length"));
	ret = ckpt_check_mm_rec(ctx, &rec);
	if (ret)
		return ERR_PTR(ret);
	if (rec.exe_len) {
		exe_cred = ckpt_obj_fetch(ctx, rec.exe_cred_ref, CKPT_OBJ_CRED);
		if (IS_ERR(exe_cred))
			return ERR_CAST(exe_cred);
		exe_path = ckpt_read_path(ctx, rec.exe_len);
		if (IS_ERR(exe_path))
			return ERR_PTR(PTR_ERR(exe_path));
	}
	ret = ckpt_read_end(ctx);
	if (ret)
		goto out;
	if (exe_path) {
		static const struct ckpt_want run = {
			.type = S_IFREG,
			.run = true,
		};

		exe = ckpt_reopen(ctx, exe_path, &rec.exe_id, &run,
				  O_LARGEFILE | O_RDONLY, exe_cred);
		if (IS_ERR(exe)) {
			ret = PTR_ERR(exe);
			exe = NULL;
			goto out;
		}
	}

	mm = mm_alloc();
	if (!mm) {
		ret = -ENOMEM;
		goto out;
	}
	/*
	 * mm_alloc() gave it its creator's inheritable mm flags: the
	 * restarter's, for the init.  The restarter's deny-write-execute is
	 * a restriction it put on what it creates: dropping it would be an
	 * escape, keeping it a change.  A restored creator's is its own;
	 * the record says whether this mm had it too.
	 */
	if (!rst->reader->parent && test_bit(MMF_HAS_MDWE, &mm->flags)) {
		mmput(mm);
		ret = ckpt_err(ctx, -EPERM, "the restarter runs under prctl(PR_SET_MDWE)");
		goto out;
	}
	mm->flags &= ~(MMF_DUMP_FILTER_MASK | MMF_DISABLE_THP_MASK |
		       MMF_VM_MERGE_ANY_MASK | MMF_HAS_MDWE_MASK |
		       BIT(MMF_HAS_MDWE_NO_INHERIT));
	mm->flags |= (unsigned long)rec.coredump_filter << MMF_DUMP_FILTER_SHIFT;
	if (rec.prctl_flags & CKPT_MM_THP_DISABLE)
		set_bit(MMF_DISABLE_THP, &mm->flags);
	/* From here on current runs on @mm, which its exit will free. */
	ret = exec_mm_replace(mm);
	if (ret) {
		mmput(mm);
		goto out;
	}
	arch_pick_mmap_layout(mm, &current->signal->rlim[RLIMIT_STACK]);

	/* A second mm in the task's part replaced the first, and its locks. */
	kvfree(rst->reader->mm_locks);
	rst->reader->mm_locks = NULL;
	for (i = 0; i < rec.nr_vmas; i++) {
		ret = ckpt_restore_vma(ctx, mm, rec.nr_vmas - i);
		if (ret)
			goto out;
	}
	if (rec.prctl_flags & CKPT_MM_LOCK_FUTURE) {
		ret = ckpt_defer_lock_future(ctx, rec.prctl_flags);
		if (ret)
			goto out;
	}

	mmap_write_lock(mm);
	mm->start_code = rec.start_code;
	mm->end_code = rec.end_code;
	mm->start_data = rec.start_data;
	mm->end_data = rec.end_data;
	mm->start_brk = rec.start_brk;
	mm->brk = rec.brk;
	mm->start_stack = rec.start_stack;
	mm->arg_start = rec.arg_start;
	mm->arg_end = rec.arg_end;
	mm->env_start = rec.env_start;
	mm->env_end = rec.env_end;
	mm->mmap_base = rec.mmap_base;
	/*
	 * Placement as exec(2) chose it, from the task's personality and
	 * vm.legacy_va_layout then; arch_pick_mmap_layout() above went by
	 * the restarter's.  Bottom-up, it starts at mmap_base, where
	 * arch_pick_mmap_base() puts both bases; top-down, the base of the
	 * bottom-up fallback stays as freshly randomized as exec's.
	 */
	if (rec.prctl_flags & CKPT_MM_LEGACY_LAYOUT) {
		clear_bit(MMF_TOPDOWN, &mm->flags);
		mm->mmap_legacy_base = rec.mmap_base;
	} else {
		set_bit(MMF_TOPDOWN, &mm->flags);
	}
	memset(mm->saved_auxv, 0, sizeof(mm->saved_auxv));
	memcpy(mm->saved_auxv, rec.auxv,
	       min_t(size_t, rec.auxv_len, sizeof(mm->saved_auxv)));
	if (exe)
		ret = set_mm_exe_file(mm, exe);
	if (!ret)
		ret = ckpt_restore_mm_prctls(ctx, mm, rec.prctl_flags);
	mmap_write_unlock(mm);
	set_dumpable(mm, rec.dumpable);
	if (!ret)
		ret = ckpt_restore_membarrier(ctx, rec.prctl_flags);
out:
	if (exe)
		fput(exe);
	kfree(exe_path);
	if (ret)
		return ERR_PTR(ret);
	mmget(current->mm);
	return current->mm;
}

static void ckpt_mm_grab(void *ptr)
{
	mmget(ptr);
}

static void ckpt_mm_drop(struct ckpt_ctx *ctx, void *ptr)
{
	mmput(ptr);
}

static unsigned long ckpt_mm_users(void *ptr)
{
	return atomic_read(&((struct mm_struct *)ptr)->mm_users);
}

const struct ckpt_obj_ops ckpt_mm_ops = {
	.name		= "mm",
	.grab		= ckpt_mm_grab,
	.drop		= ckpt_mm_drop,
	.users		= ckpt_mm_users,
	.collect	= ckpt_mm_collect,
	.checkpoint	= ckpt_mm_checkpoint,
	.restore	= ckpt_mm_restore,
};
