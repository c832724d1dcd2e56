// SPDX-License-Identifier: GPL-2.0-only
/*
 * Problem reports for the caller: one human-readable line per problem,
 * written to the logfd it passed.  The errno alone cannot say which task
 * or which resource stopped a checkpoint, so every refusal goes through
 * here.
 */
#include "internal.h"
#include <linux/fs.h>
#include <linux/slab.h>
#include <linux/string_helpers.h>

/*
 * A corrupt image can produce an error per record; the first few lines
 * say all there is to say, and the caller may not be draining the log.
 */
#define CKPT_LOG_MAX_LINES	64

/*
 * What goes in a log line comes partly from the container or the image
 * (comms, paths): escape every byte that is not printable ASCII, and the
 * backslash that starts an escape, so that it cannot end the line, start
 * another, or carry control sequences to a terminal.
 */
#define CKPT_LOG_ESCAPE		(ESCAPE_ANY | ESCAPE_NAP | ESCAPE_APPEND)

/* @msg escaped for a log line, or NULL. */
static char *ckpt_log_escape(const char *msg)
{
	size_t len = strlen(msg), max = 4 * len;	/* \ooo at worst */
	char *esc = kmalloc(max + 1, GFP_KERNEL);

	if (esc)
		esc[string_escape_mem(msg, len, esc, max, CKPT_LOG_ESCAPE,
				      "\\")] = '\0';
	return esc;
}

/**
 * ckpt_err - report a problem on the caller's logfd
 * @ctx:	checkpoint or restart context.
 * @err:	the negative errno the operation will fail with.
 * @fmt:	printf-style description naming the task and resource.
 *
 * The formatted description is escaped as a whole: its %s arguments may
 * hold any bytes at all.
 *
 * Return: @err, so callers can write "return ckpt_err(...)".
 */
int ckpt_err(struct ckpt_ctx *ctx, int err, const char *fmt, ...)
{
	va_list args;
	char *msg, *esc, *line = NULL;
	loff_t *ppos;

	if (++ctx->errors > CKPT_LOG_MAX_LINES || !ctx->logfile)
		return err;

	va_start(args, fmt);
	msg = kvasprintf(GFP_KERNEL, fmt, args);
	va_end(args);
	if (!msg)
		return err;
	esc = ckpt_log_escape(msg);
	if (esc)
		line = kasprintf(GFP_KERNEL, "%s: %s: %pe\n",
				 ctx->restart ? "restart" : "checkpoint", esc,
				 ERR_PTR(err));
	kfree(esc);
	if (line) {
		ppos = (ctx->logfile->f_mode & FMODE_STREAM) ?
		       NULL : &ctx->logfile->f_pos;
		kernel_write(ctx->logfile, line, strlen(line), ppos);
		kfree(line);
	}
	kfree(msg);
	return err;
}
