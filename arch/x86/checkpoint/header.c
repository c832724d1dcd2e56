// SPDX-License-Identifier: GPL-2.0-only
/*
 * x86_64 identity in the image header.  A restored task resumes with the
 * FPU state and return addresses it had, so the restarting machine must
 * take the same XSAVE layout and map the very same vdso text.  The core
 * fills a header here on both sides and compares (image.c).
 */
#include <linux/checkpoint.h>
#include <linux/crc32.h>
#include <asm/fpu/types.h>
#include <asm/vdso.h>

static u32 ckpt_vdso_crc(void)
{
	return ~crc32_le(~0U, vdso_image_64.data, vdso_image_64.size);
}

/**
 * ckpt_arch_fill_header - record what this CPU and vdso look like
 * @h:	header being written.
 */
void ckpt_arch_fill_header(struct ckpt_rec_header *h)
{
	h->arch = CKPT_ARCH_X86_64;
	h->xstate_size = fpu_user_cfg.max_size;
	h->xfeatures = fpu_user_cfg.max_features;
	h->vdso_size = vdso_image_64.size;
	h->vdso_crc = ckpt_vdso_crc();
}
