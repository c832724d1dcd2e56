// SPDX-License-Identifier: GPL-2.0-only
/*
 * x86_64 task state: general registers and XSAVE state, moved through the
 * same regsets ptrace uses, so that every value written back is checked
 * the way PTRACE_SETREGSET checks it.  And the vdso/vvar pair, which is
 * recreated rather than copied.
 *
 * The core (kernel/checkpoint/cpu.c) moves the CPU record through the
 * image and logs; this file reads and writes the registers of the task
 * it is handed and calls nothing of the core.
 */
#include <linux/checkpoint.h>
#include <linux/elf.h>
#include <linux/errno.h>
#include <linux/hrtimer.h>
#include <linux/mm.h>
#include <linux/mmap_lock.h>
#include <linux/regset.h>
#include <linux/restart_block.h>
#include <linux/sched/task_stack.h>
#include <linux/seccomp.h>
#include <linux/slab.h>
#include <linux/prctl.h>
#include <asm/desc.h>
#include <asm/fpu/types.h>
#include <asm/io_bitmap.h>
#include <asm/prctl.h>
#include <asm/processor.h>
#include <asm/proto.h>
#include <asm/syscall.h>
#include <asm/vdso.h>

static const struct user_regset *ckpt_regset(struct task_struct *t,
					     unsigned int note)
{
	const struct user_regset_view *view = task_user_regset_view(t);
	unsigned int i;

	for (i = 0; i < view->n; i++)
		if (view->regsets[i].core_note_type == note)
			return &view->regsets[i];
	return NULL;
}

/*
 * A task parked for checkpoint inside a syscall still carries the
 * -ERESTART* code the syscall returned; the restart decision is taken
 * after get_signal().  Take it now, as for a signal with no handler, so
 * that the image holds registers ready for user mode: the syscall
 * instruction again, with its number back in ax -- or, for a relative
 * sleep, restart_syscall() and the time the sleep had left.
 */
static void ckpt_apply_syscall_restart(struct task_struct *t,
				       struct ckpt_rec_cpu *rec)
{
	struct ckpt_x86_regs *r = &rec->regs;
	void __user *rmtp;
	clockid_t clockid;
	ktime_t left;

	if ((long)r->orig_ax < 0)
		return;
	switch ((long)r->ax) {
	case -ERESTART_RESTARTBLOCK:
		if (hrtimer_nanosleep_left(&t->restart_block, &clockid, &left,
					   &rmtp)) {
			rec->flags |= CKPT_CPU_NANOSLEEP;
			rec->sleep_left_ns = left;
			rec->sleep_rmtp = (unsigned long)rmtp;
			rec->sleep_clockid = clockid;
			r->ax = __NR_restart_syscall;
			r->ip -= 2;
			break;
		}
		/*
		 * Other restart blocks (futex waits with a timeout, poll)
		 * refer to state of this kernel; re-issuing the original
		 * call is the portable equivalent, at the cost of a
		 * relative timeout starting over.
		 */
		fallthrough;
	case -ERESTARTNOHAND:
	case -ERESTARTSYS:
	case -ERESTARTNOINTR:
		r->ax = r->orig_ax;
		r->ip -= 2;
		break;
	}
	r->orig_ax = -1;
}

/*
 * A restored task inherited its creator's restart block: make sure
 * restart_syscall() finds nothing in it, or the sleep it was in.
 */
static int ckpt_restore_restart_block(struct task_struct *t,
				      const struct ckpt_rec_cpu *rec)
{
	u64 rmtp = rec->sleep_rmtp;

	t->restart_block.fn = do_no_restart_syscall;
	if (!(rec->flags & CKPT_CPU_NANOSLEEP))
		return 0;
	if ((rec->sleep_clockid != CLOCK_MONOTONIC &&
	     rec->sleep_clockid != CLOCK_REALTIME &&
	     rec->sleep_clockid != CLOCK_BOOTTIME &&
	     rec->sleep_clockid != CLOCK_TAI) ||
	    rec->sleep_left_ns > KTIME_MAX ||
	    rmtp + sizeof(struct __kernel_timespec) < rmtp ||
	    rmtp + sizeof(struct __kernel_timespec) > TASK_SIZE_MAX ||
	    rec->regs.ax != __NR_restart_syscall)
		return -EINVAL;
	hrtimer_nanosleep_resume(&t->restart_block, rec->sleep_clockid,
				 rec->sleep_left_ns, u64_to_user_ptr(rmtp));
	return 0;
}

/**
 * ckpt_arch_save_regs - read a frozen task's registers
 * @t:		the task, parked at its user-mode boundary.
 * @mm:		its address space, held by the caller.
 * @rec:	its CPU record, whose registers and interrupted sleep this
 *		fills in.
 * @xstate:	where its XSAVE area goes.
 * @xsize:	the size of @xstate, the header's xstate_size.
 *
 * Return: 0; -ESRCH if @t was killed meanwhile; -EOPNOTSUPP if it has no
 * register sets to read; or another negative errno.
 */
int ckpt_arch_save_regs(struct task_struct *t, struct mm_struct *mm,
			struct ckpt_rec_cpu *rec, void *xstate, u32 xsize)
{
	const struct user_regset *gp, *xs;
	int ret;

	BUILD_BUG_ON(sizeof(rec->regs) != sizeof(struct user_regs_struct));
	/*
	 * A task killed while parked runs on into do_exit() while this
	 * reads it.  Its user registers live on its kernel stack, which it
	 * frees as it dies: pin that.  Reading a segment base through the
	 * LDT needs its mm, which exit_mm() drops under mmap_read_lock():
	 * hold that off.  Such a task fails the checkpoint before the
	 * trailer (ckpt_check_alive()).
	 */
	if (!try_get_task_stack(t))
		return -ESRCH;
	ret = mmap_write_lock_killable(mm);
	if (ret)
		goto out_stack;
	if (READ_ONCE(t->mm) != mm) {
		ret = -ESRCH;
		goto out_unlock;
	}
	gp = ckpt_regset(t, NT_PRSTATUS);
	xs = ckpt_regset(t, NT_X86_XSTATE);
	if (!gp || !xs) {
		ret = -EOPNOTSUPP;
		goto out_unlock;
	}
	ret = regset_get(t, gp, sizeof(rec->regs), &rec->regs);
	if (ret >= 0) {
		ckpt_apply_syscall_restart(t, rec);
		ret = regset_get(t, xs, xsize, xstate);
	}
out_unlock:
	mmap_write_unlock(mm);
out_stack:
	put_task_stack(t);
	return ret < 0 ? ret : 0;
}

/**
 * ckpt_arch_restore_regs - load a CPU record into a waiting task
 * @t:		the task, off its CPU, its stack pinned by the caller.
 * @rec:	its CPU record, checked for its own layout.
 * @xstate:	its XSAVE area.
 * @xsize:	the size of @xstate, the header's xstate_size.
 * @refused:	set, when the record's values are refused, to what was:
 *		for the caller's log line.
 *
 * Return: 0 or a negative errno; -EOPNOTSUPP, with @refused unset, if
 * @t has no register sets to write.
 */
int ckpt_arch_restore_regs(struct task_struct *t,
			   const struct ckpt_rec_cpu *rec, const void *xstate,
			   u32 xsize, const char **refused)
{
	const struct user_regset *gp, *xs;
	int ret;

	gp = ckpt_regset(t, NT_PRSTATUS);
	xs = ckpt_regset(t, NT_X86_XSTATE);
	if (!gp || !xs)
		return -EOPNOTSUPP;
	ret = gp->set(t, gp, 0, sizeof(rec->regs), &rec->regs, NULL);
	if (ret) {
		*refused = "registers refused";
		return ret;
	}
	ret = xs->set(t, xs, 0, xsize, xstate, NULL);
	if (ret) {
		*refused = "XSAVE state refused";
		return ret;
	}
	ret = ckpt_restore_restart_block(t, rec);
	if (ret)
		*refused = "bad interrupted sleep";
	return ret;
}

/**
 * ckpt_arch_vma_kind - say whether a VMA is one the kernel installs itself
 * @vma:	a VMA of a frozen task.
 *
 * Return: CKPT_VMA_VDSO or CKPT_VMA_VVAR, or 0 for an ordinary VMA.
 */
u32 ckpt_arch_vma_kind(struct vm_area_struct *vma)
{
	unsigned long vdso = (unsigned long)vma->vm_mm->context.vdso;

	if (!vdso)
		return 0;
	if (vma->vm_start == vdso)
		return CKPT_VMA_VDSO;
	if (vma->vm_start == vdso + vdso_image_64.sym_vvar_start &&
	    vma->vm_end == vdso)
		return CKPT_VMA_VVAR;
	return 0;
}

/**
 * ckpt_arch_restore_vma - recreate the vvar/vdso pair at its old place
 * @rec:	a CKPT_VMA_VVAR or CKPT_VMA_VDSO record.
 * @fail:	set, on an error, to the check that failed: for the
 *		caller's log line.
 *
 * The vvar record comes first and maps both; the vdso record checks that
 * the text landed where the image had it.  The header already proved
 * this kernel's vdso is the image's.
 *
 * Return: 0 or a negative errno.
 */
int ckpt_arch_restore_vma(const struct ckpt_rec_vma *rec,
			  enum ckpt_arch_vma_fail *fail)
{
	struct mm_struct *mm = current->mm;
	int ret;

	if (rec->kind == CKPT_VMA_VVAR) {
		if (rec->end - rec->start != -vdso_image_64.sym_vvar_start) {
			*fail = CKPT_ARCH_VMA_SIZE;
			return -EINVAL;
		}
		ret = map_vdso_once(&vdso_image_64, rec->start);
		if (ret)
			*fail = CKPT_ARCH_VMA_MAP;
		return ret;
	}
	if ((unsigned long)mm->context.vdso != rec->start ||
	    rec->end - rec->start != vdso_image_64.size) {
		*fail = CKPT_ARCH_VMA_PLACE;
		return -EINVAL;
	}
	return 0;
}

/**
 * ckpt_arch_clean_slate - drop the x86 thread state a restored task got
 *			   from its creator
 *
 * A restored task is a clone of the restarter, or of its restored
 * creator, and has its thread state: its iopl(2) level (copy_thread()
 * drops the ioperm(2) bitmap of a task created to run a kernel function,
 * but a level of 3 lets the task take every port back with iopl(3),
 * without CAP_SYS_RAWIO) and its TSC and CPUID faulting modes, none of
 * which the image holds.  It starts with no port access and with TSC and
 * CPUID working, as a fresh task does.  Runs in the restored task, before
 * its part of the image is read.
 */
void ckpt_arch_clean_slate(void)
{
#ifdef CONFIG_X86_IOPL_IOPERM
	current->thread.iopl_emul = 0;
	current->thread.iopl_warn = 0;
	io_bitmap_exit(current);
#endif
	set_tsc_mode(PR_TSC_ENABLE);
	/* -ENODEV without CPUID faulting, which then was never on. */
	do_arch_prctl_common(ARCH_SET_CPUID, 1);
}

/**
 * ckpt_arch_task_refused - the x86 thread state no record holds
 * @t:		a frozen task of the container, not exited.
 *
 * Checked before anything is written.  Each of these a restored task
 * would silently lose, since it starts from the clean slate above.
 *
 * Return: why @t cannot be saved, or NULL.
 */
const char *ckpt_arch_task_refused(struct task_struct *t)
{
	unsigned int i;

	if (test_tsk_thread_flag(t, TIF_ADDR32) ||
	    !user_64bit_mode(task_pt_regs(t)))
		return "32-bit (ia32 or x32) code is not supported";
	for (i = 0; i < GDT_ENTRY_TLS_ENTRIES; i++)
		if (!desc_empty(&t->thread.tls_array[i]))
			return "set_thread_area(2) TLS entries are not supported";
	/* Strict seccomp disables the TSC itself, and is restored so. */
	if (test_tsk_thread_flag(t, TIF_NOTSC) &&
	    seccomp_mode(&t->seccomp) != SECCOMP_MODE_STRICT)
		return "prctl(PR_SET_TSC, PR_TSC_SIGSEGV) is not supported";
	if (test_tsk_thread_flag(t, TIF_NOCPUID))
		return "arch_prctl(ARCH_SET_CPUID, 0) is not supported";
	if (t->group_leader->thread.fpu.perm.__state_perm &
	    ~fpu_kernel_cfg.default_features)
		return "arch_prctl(ARCH_REQ_XCOMP_PERM) permissions (AMX) are not supported";
#ifdef CONFIG_X86_IOPL_IOPERM
	if (t->thread.iopl_emul || t->thread.io_bitmap)
		return "iopl(2) and ioperm(2) port access is not supported";
#endif
#ifdef CONFIG_X86_USER_SHADOW_STACK
	if (t->thread.features || t->thread.features_locked)
		return "arch_prctl(ARCH_SHSTK_*) shadow stack state is not supported";
#endif
#ifdef CONFIG_HAVE_HW_BREAKPOINT
	for (i = 0; i < HBP_NUM; i++)
		if (t->thread.ptrace_bps[i])
			return "debug registers set through ptrace(2) are not supported";
#endif
	return NULL;
}

/**
 * ckpt_arch_mm_refused - the x86 address space state no record holds
 * @mm:		an address space of the container.
 *
 * Return: why @mm cannot be saved, or NULL.
 */
const char *ckpt_arch_mm_refused(struct mm_struct *mm)
{
#ifdef CONFIG_MODIFY_LDT_SYSCALL
	if (READ_ONCE(mm->context.ldt))
		return "a local descriptor table from modify_ldt(2) is not supported";
#endif
#ifdef CONFIG_ADDRESS_MASKING
	if (mm->context.lam_cr3_mask ||
	    test_bit(MM_CONTEXT_FORCE_TAGGED_SVA, &mm->context.flags))
		return "linear address masking (ARCH_ENABLE_TAGGED_ADDR) is not supported";
#endif
#ifdef CONFIG_X86_INTEL_MEMORY_PROTECTION_KEYS
	if (mm->context.pkey_allocation_map & ~1U)
		return "protection keys (pkey_alloc(2), execute-only memory) are not supported";
#endif
	return NULL;
}
