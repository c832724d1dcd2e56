// SPDX-License-Identifier: GPL-2.0-only
/*
 * x86_64 identity in the image header.  A restored task resumes with the
 * FPU state and return addresses it had, so the restarting machine must
 * take the same XSAVE layout and map the very same vdso text.
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

/**
 * ckpt_arch_check_header - refuse an image this machine cannot resume
 * @ctx:	restart context, for the log.
 * @h:	header read from the image.
 *
 * Return: 0, or -EINVAL (logged) naming the mismatch.
 */
int ckpt_arch_check_header(struct ckpt_ctx *ctx,
			   const struct ckpt_rec_header *h)
{
	if (h->arch != CKPT_ARCH_X86_64)
		return ckpt_err(ctx, -EINVAL, "image is for architecture %u, not x86_64",
				h->arch);
	if (h->xfeatures & ~fpu_user_cfg.max_features)
		return ckpt_err(ctx, -EINVAL,
				"image needs XSAVE features %#llx, this CPU has %#llx",
				h->xfeatures, fpu_user_cfg.max_features);
	if (h->xstate_size != fpu_user_cfg.max_size)
		return ckpt_err(ctx, -EINVAL,
				"image XSAVE area is %u bytes, this CPU uses %u",
				h->xstate_size, fpu_user_cfg.max_size);
	if (h->vdso_size != vdso_image_64.size ||
	    h->vdso_crc != ckpt_vdso_crc())
		return ckpt_err(ctx, -EINVAL,
				"image was taken with a different vdso (size %u crc %08x)",
				h->vdso_size, h->vdso_crc);
	return 0;
}
