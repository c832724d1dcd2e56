/* SPDX-License-Identifier: GPL-2.0 */
/*
 * In-kernel checkpoint/restart: what code outside kernel/checkpoint/
 * needs of it -- the hooks the architecture part in arch/x86/checkpoint/
 * implements, and the helpers other subsystems keep for it.  What only
 * kernel/checkpoint/ uses is in its own internal.h.
 */
#ifndef _LINUX_CHECKPOINT_H
#define _LINUX_CHECKPOINT_H

#include <linux/types.h>
#include <uapi/linux/checkpoint.h>

struct autogroup;
struct mm_struct;
struct task_struct;
struct vm_area_struct;

/*
 * Architecture hooks, arch/x86/checkpoint/.  They are handed what they
 * work on and return an errno; the core logs.
 */
void ckpt_arch_fill_header(struct ckpt_rec_header *h);
int ckpt_arch_save_regs(struct task_struct *t, struct mm_struct *mm,
			struct ckpt_rec_cpu *rec, void *xstate, u32 xsize);
int ckpt_arch_restore_regs(struct task_struct *t,
			   const struct ckpt_rec_cpu *rec, const void *xstate,
			   u32 xsize, const char **refused);
u32 ckpt_arch_vma_kind(struct vm_area_struct *vma);
/* Which check of ckpt_arch_restore_vma() failed, for the core's log. */
enum ckpt_arch_vma_fail {
	CKPT_ARCH_VMA_SIZE,	/* the vvar record's size is not this vvar's */
	CKPT_ARCH_VMA_MAP,	/* the vdso could not be mapped there */
	CKPT_ARCH_VMA_PLACE,	/* the vdso record is not where it landed */
};

int ckpt_arch_restore_vma(const struct ckpt_rec_vma *rec,
			  enum ckpt_arch_vma_fail *fail);
void ckpt_arch_clean_slate(void);
const char *ckpt_arch_task_refused(struct task_struct *t);
const char *ckpt_arch_mm_refused(struct mm_struct *mm);

/*
 * Helpers that other subsystems keep for checkpoint and restart, where
 * their state is private to them.
 */
#ifdef CONFIG_SECURITY_YAMA
const struct task_struct *yama_ptracer_of(struct task_struct *tracee,
					  bool *any);
#else
static inline const struct task_struct *
yama_ptracer_of(struct task_struct *tracee, bool *any)
{
	*any = false;
	return NULL;
}
#endif

#ifdef CONFIG_SCHED_AUTOGROUP
struct autogroup *sched_autogroup_get(struct task_struct *p);
struct autogroup *sched_autogroup_hold(struct autogroup *ag);
void sched_autogroup_put(struct autogroup *ag);
bool sched_autogroup_nice(struct autogroup *ag, int *nice);
struct autogroup *sched_autogroup_create(void);
void sched_autogroup_attach(struct task_struct *p, struct autogroup *ag);
int sched_autogroup_set_nice(struct autogroup *ag, int nice);
#endif

#endif /* _LINUX_CHECKPOINT_H */
