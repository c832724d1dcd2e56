// SPDX-License-Identifier: GPL-2.0-only
/*
 * Problem reports for the caller: one human-readable line per problem,
 * written to the logfd it passed.  The errno alone cannot say which task
 * or which resource stopped a checkpoint, so every refusal goes through
 * here.
 */
#include <linux/checkpoint.h>
#include <linux/fs.h>
#include <linux/slab.h>

/*
 * A corrupt image can produce an error per record; the first few lines
 * say all there is to say, and the caller may not be draining the log.
 */
#define CKPT_LOG_MAX_LINES	64

/**
 * ckpt_err - report a problem on the caller's logfd
 * @ctx:	checkpoint or restart context.
 * @err:	the negative errno the operation will fail with.
 * @fmt:	printf-style description naming the task and resource.
 *
 * Return: @err, so callers can write "return ckpt_err(...)".
 */
int ckpt_err(struct ckpt_ctx *ctx, int err, const char *fmt, ...)
{
	va_list args;
	char *msg, *line;
	loff_t *ppos;

	if (++ctx->errors > CKPT_LOG_MAX_LINES || !ctx->logfile)
		return err;

	va_start(args, fmt);
	msg = kvasprintf(GFP_KERNEL, fmt, args);
	va_end(args);
	if (!msg)
		return err;
	line = kasprintf(GFP_KERNEL, "%s: %s: %pe\n",
			 ctx->restart ? "restart" : "checkpoint", msg,
			 ERR_PTR(err));
	if (line) {
		ppos = (ctx->logfile->f_mode & FMODE_STREAM) ?
		       NULL : &ctx->logfile->f_pos;
		kernel_write(ctx->logfile, line, strlen(line), ppos);
		kfree(line);
	}
	kfree(msg);
	return err;
}
