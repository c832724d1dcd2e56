// SPDX-License-Identifier: GPL-2.0-only
/*
 * The image stream: records written and read strictly in order, each
 * padded to CKPT_ALIGN, with a running crc32 that the trailer carries.
 *
 * Nothing here knows what a record means.  Every length and type that
 * comes from an image is checked before it is used; a short or malformed
 * stream is -EINVAL with a log line giving the byte offset.
 */
#include "internal.h"
#include <linux/crc32.h>
#include <linux/bvec.h>
#include <linux/fs.h>
#include <linux/highmem.h>
#include <linux/init.h>
#include <linux/uio.h>
#include <linux/kernel.h>
#include <linux/overflow.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/swab.h>
#include <linux/utsname.h>

static const u8 ckpt_zero_pad[CKPT_ALIGN];

/*
 * Each record type's name, for the log, and the size its fixed part had
 * when the type was first defined: the least a record of it may have
 * (see "How the format grows" in the uapi header).  The sizes are the
 * uapi's literals, not sizeof(): a field appended to a struct must leave
 * them be, or images written before it would be refused.  Each row checks
 * at build time that its struct is at least that size and that the size
 * keeps the variable part after it aligned.
 */
#define CKPT_REC_TYPE(TYPE, name)					\
	[CKPT_REC_##TYPE] = {						\
		#name,							\
		CKPT_REC_##TYPE##_SIZE_VER0 +				\
		BUILD_BUG_ON_ZERO(sizeof(struct ckpt_rec_##name) <	\
				  CKPT_REC_##TYPE##_SIZE_VER0 ||	\
				  CKPT_REC_##TYPE##_SIZE_VER0 % CKPT_ALIGN) \
	}

static const struct {
	const char *name;
	u16 min;
} ckpt_rec_types[CKPT_REC_MAX] = {
	CKPT_REC_TYPE(HEADER, header),
	CKPT_REC_TYPE(TRAILER, trailer),
	CKPT_REC_TYPE(CONTAINER, container),
	CKPT_REC_TYPE(OBJ, obj),
	CKPT_REC_TYPE(TASK, task),
	CKPT_REC_TYPE(CPU, cpu),
	CKPT_REC_TYPE(MM, mm),
	CKPT_REC_TYPE(VMA, vma),
	CKPT_REC_TYPE(PAGES, pages),
	CKPT_REC_TYPE(FILES, files),
	CKPT_REC_TYPE(FILE, file),
	CKPT_REC_TYPE(FS, fs),
	CKPT_REC_TYPE(SIGHAND, sighand),
	CKPT_REC_TYPE(CRED, cred),
	CKPT_REC_TYPE(SIGPENDING, sigpending),
	CKPT_REC_TYPE(PIPE, pipe),
	CKPT_REC_TYPE(SHMEM, shmem),
	CKPT_REC_TYPE(PIDNS, pidns),
	CKPT_REC_TYPE(TIMERS, timers),
	CKPT_REC_TYPE(SECCOMP, seccomp),
	CKPT_REC_TYPE(SECCOMP_FILTER, seccomp_filter),
	CKPT_REC_TYPE(LOCKS, locks),
	CKPT_REC_TYPE(ZOMBIE, zombie),
	CKPT_REC_TYPE(POSIX_TIMER, posix_timer),
	CKPT_REC_TYPE(AUTOGROUP, autogroup),
};

#undef CKPT_REC_TYPE

/*
 * Every record type of the uapi has its row, as the kind tables have
 * theirs (objtypes.c): a type added without one would be written with no
 * least size to check against, every read of it would WARN and fail, and
 * the log would call it "?".  Row 0 is no type: an image's 0 is refused.
 */
static int __init ckpt_rec_types_check(void)
{
	unsigned int i;

	for (i = 1; i < ARRAY_SIZE(ckpt_rec_types); i++)
		if (!ckpt_rec_types[i].name ||
		    ckpt_rec_types[i].min < sizeof(struct ckpt_rec))
			ckpt_kind_table_broken("ckpt_rec_types[]", i);
	return 0;
}
late_initcall(ckpt_rec_types_check);

static const char *ckpt_rec_name(u32 type)
{
	if (type < CKPT_REC_MAX && ckpt_rec_types[type].name)
		return ckpt_rec_types[type].name;
	return "?";
}

static loff_t *ckpt_ppos(struct ckpt_ctx *ctx)
{
	return (ctx->file->f_mode & FMODE_STREAM) ? NULL : &ctx->fpos;
}

static int ckpt_kwrite(struct ckpt_ctx *ctx, const void *buf, size_t len)
{
	const u8 *p = buf;
	size_t left = len;

	while (left) {
		ssize_t n = kernel_write(ctx->file, p, left, ckpt_ppos(ctx));

		if (n < 0)
			return n;
		if (n == 0)
			return -EIO;
		p += n;
		left -= n;
	}
	ctx->crc = crc32_le(ctx->crc, buf, len);
	ctx->pos += len;
	return 0;
}

static int ckpt_kread(struct ckpt_ctx *ctx, void *buf, size_t len)
{
	u8 *p = buf;
	size_t left = len;

	while (left) {
		ssize_t n = kernel_read(ctx->file, p, left, ckpt_ppos(ctx));

		if (n < 0)
			return n;
		if (n == 0)
			return ckpt_err(ctx, -EINVAL,
					"image truncated at offset %llu",
					ctx->pos + (len - left));
		p += n;
		left -= n;
		if (fatal_signal_pending(current))
			return -EINTR;
	}
	ctx->crc = crc32_le(ctx->crc, buf, len);
	ctx->pos += len;
	return 0;
}

/**
 * ckpt_write_begin - start a record whose payload follows in pieces
 * @ctx:	checkpoint context.
 * @rec:	fixed part of the record, starting with a struct ckpt_rec.
 * @type:	enum ckpt_rec_type.
 * @fixed:	bytes in the fixed part, header included.
 * @extra:	bytes the caller will add with ckpt_write_data().
 *
 * Return: 0 or a negative errno from the image file.
 */
int ckpt_write_begin(struct ckpt_ctx *ctx, void *rec, u32 type, u32 fixed,
		     u32 extra)
{
	struct ckpt_rec *h = rec;

	if (WARN_ON_ONCE(fixed < sizeof(*h) || fixed > U16_MAX ||
			 fixed % CKPT_ALIGN || type >= CKPT_REC_MAX ||
			 ctx->rec_left ||
			 (u64)fixed + extra > CKPT_REC_MAX_LEN))
		return -EINVAL;
	h->type = type;
	h->hdr_len = fixed;
	h->len = fixed + extra;
	ctx->rec_len = h->len;
	ctx->rec_left = extra;
	return ckpt_kwrite(ctx, rec, fixed);
}

/**
 * ckpt_write_data - add payload to the record begun by ckpt_write_begin()
 * @ctx:	checkpoint context.
 * @buf:	payload bytes.
 * @len:	number of bytes; the total must match what was announced.
 *
 * Return: 0 or a negative errno.
 */
int ckpt_write_data(struct ckpt_ctx *ctx, const void *buf, u32 len)
{
	if (WARN_ON_ONCE(len > ctx->rec_left))
		return -EINVAL;
	ctx->rec_left -= len;
	return ckpt_kwrite(ctx, buf, len);
}

/**
 * ckpt_write_pages - add whole pages to the record begun by ckpt_write_begin()
 * @ctx:	checkpoint context.
 * @pages:	the pages, referenced by the caller.
 * @nr:		how many; at most CKPT_PAGES_MAX.
 *
 * The pages go to the image in one write, straight from the page cache
 * or anonymous memory, with no bounce buffer; a stream that cannot take
 * an iov_iter gets them one at a time.
 *
 * Return: 0 or a negative errno.
 */
int ckpt_write_pages(struct ckpt_ctx *ctx, struct page **pages, unsigned int nr)
{
	struct bio_vec bvec[CKPT_PAGES_MAX];
	size_t len = (size_t)nr * PAGE_SIZE;
	struct iov_iter iter;
	unsigned int i;
	ssize_t n;

	if (WARN_ON_ONCE(nr > CKPT_PAGES_MAX || len > ctx->rec_left))
		return -EINVAL;
	for (i = 0; i < nr; i++) {
		void *kaddr = kmap_local_page(pages[i]);

		ctx->crc = crc32_le(ctx->crc, kaddr, PAGE_SIZE);
		kunmap_local(kaddr);
		bvec_set_page(&bvec[i], pages[i], PAGE_SIZE, 0);
	}
	ctx->rec_left -= len;
	ctx->pos += len;

	iov_iter_bvec(&iter, ITER_SOURCE, bvec, nr, len);
	while (iov_iter_count(&iter)) {
		n = vfs_iter_write(ctx->file, &iter, ckpt_ppos(ctx), 0);
		if (n == -EINVAL && !ctx->file->f_op->write_iter)
			break;
		if (n < 0)
			return n;
		if (n == 0)
			return -EIO;
	}
	/* Only for streams without ->write_iter, from where the iter stopped. */
	while (iov_iter_count(&iter)) {
		size_t done = len - iov_iter_count(&iter);
		struct page *page = pages[done / PAGE_SIZE];
		size_t off = done % PAGE_SIZE;
		void *kaddr = kmap_local_page(page);

		n = kernel_write(ctx->file, kaddr + off, PAGE_SIZE - off,
				 ckpt_ppos(ctx));
		kunmap_local(kaddr);
		if (n <= 0)
			return n ?: -EIO;
		iov_iter_advance(&iter, n);
	}
	return 0;
}

/**
 * ckpt_write_page_run - write a CKPT_REC_PAGES record
 * @ctx:	checkpoint context.
 * @addr:	address (or offset) of the first page.
 * @run:	the pages, each with a reference this drops.
 * @nr:		how many, at most CKPT_PAGES_MAX.
 *
 * Return: 0 or a negative errno.
 */
int ckpt_write_page_run(struct ckpt_ctx *ctx, u64 addr, struct page **run,
			unsigned int nr)
{
	struct ckpt_rec_pages rec = { .addr = addr, .nr = nr };
	unsigned int i;
	int ret;

	ret = ckpt_write_begin(ctx, &rec, CKPT_REC_PAGES, sizeof(rec),
			       nr * PAGE_SIZE);
	if (!ret)
		ret = ckpt_write_pages(ctx, run, nr);
	for (i = 0; i < nr; i++)
		put_page(run[i]);
	return ret ?: ckpt_write_end(ctx);
}

/**
 * ckpt_write_end - pad and close the current record
 * @ctx:	checkpoint context.
 *
 * Return: 0 or a negative errno.
 */
int ckpt_write_end(struct ckpt_ctx *ctx)
{
	u32 pad = ALIGN(ctx->rec_len, CKPT_ALIGN) - ctx->rec_len;
	int ret = 0;

	if (WARN_ON_ONCE(ctx->rec_left))
		return -EINVAL;
	if (pad)
		ret = ckpt_kwrite(ctx, ckpt_zero_pad, pad);
	if (!ret)
		ctx->nr_records++;
	return ret;
}

/**
 * ckpt_write_rec - append one fixed-size record to the image
 * @ctx:	checkpoint context.
 * @rec:	the record, starting with a struct ckpt_rec that this fills in.
 * @type:	enum ckpt_rec_type.
 * @len:	bytes in the record, header included.
 *
 * Return: 0 or a negative errno from the image file.
 */
int ckpt_write_rec(struct ckpt_ctx *ctx, void *rec, u32 type, u32 len)
{
	int ret = ckpt_write_begin(ctx, rec, type, len, 0);

	return ret ?: ckpt_write_end(ctx);
}

/*
 * The part of a fixed part this kernel does not know, from a newer
 * writer: it may only hold zeroes, the value every field appended to a
 * record has where it means what the record meant without it.
 */
static int ckpt_read_unknown(struct ckpt_ctx *ctx, u32 type, u64 start,
			     u32 known, u32 len)
{
	u8 buf[64];
	u32 done, n;
	int ret;

	for (done = 0; done < len; done += n) {
		n = min_t(u32, len - done, sizeof(buf));
		ret = ckpt_kread(ctx, buf, n);
		if (ret)
			return ret;
		if (memchr_inv(buf, 0, n))
			return ckpt_err(ctx, -EINVAL,
					"record %s at offset %llu has unknown non-zero fields (bytes %u-%u of its fixed part, this kernel knows %u)",
					ckpt_rec_name(type), start, known,
					known + len - 1, known);
	}
	return 0;
}

/*
 * The rest of ckpt_read_begin(), once the first @have bytes of the record
 * are in @rec (its header, and for the image header its magic and
 * version too, which are checked before anything else of it).
 */
static int ckpt_read_fixed(struct ckpt_ctx *ctx, void *rec, u32 type,
			   u32 fixed, u32 max_extra, u64 start, u32 have)
{
	struct ckpt_rec *h = rec;
	u32 hdr_len, min, payload;
	int ret;

	if (h->type != type)
		return ckpt_err(ctx, -EINVAL,
				"record at offset %llu has type %u, expected %u",
				start, h->type, type);
	if (WARN_ON_ONCE(type >= CKPT_REC_MAX || !ckpt_rec_types[type].min))
		return -EINVAL;
	min = ckpt_rec_types[type].min;
	if (WARN_ON_ONCE(fixed < min || have < sizeof(*h) || have > min))
		return -EINVAL;
	hdr_len = h->hdr_len;
	if (hdr_len < min)
		return ckpt_err(ctx, -EINVAL,
				"record %s at offset %llu has a fixed part of %u bytes, shorter than the %u of its type",
				ckpt_rec_name(type), start, hdr_len, min);
	/*
	 * A variable part starts right after the fixed part, and every
	 * reader of an image may take it in place, as cr does: it must
	 * start aligned.
	 */
	if (hdr_len % CKPT_ALIGN)
		return ckpt_err(ctx, -EINVAL,
				"record %s at offset %llu has a fixed part of %u bytes, not a multiple of %u",
				ckpt_rec_name(type), start, hdr_len, CKPT_ALIGN);
	if (h->len < hdr_len || h->len > CKPT_REC_MAX_LEN ||
	    h->len - hdr_len > max_extra)
		return ckpt_err(ctx, -EINVAL,
				"record %s at offset %llu has bad length %u",
				ckpt_rec_name(type), start, h->len);
	payload = h->len - hdr_len;
	ret = ckpt_kread(ctx, (u8 *)rec + have, min(hdr_len, fixed) - have);
	if (ret)
		return ret;
	if (hdr_len < fixed)
		memset((u8 *)rec + hdr_len, 0, fixed - hdr_len);
	else if (hdr_len > fixed)
		ret = ckpt_read_unknown(ctx, type, start, fixed, hdr_len - fixed);
	if (ret)
		return ret;
	h->hdr_len = fixed;
	h->len = fixed + payload;
	ctx->rec_start = start;
	ctx->rec_left = payload;
	/* The padding follows the record as written. */
	ctx->rec_len = hdr_len + payload;
	return payload;
}

/**
 * ckpt_read_begin - read the fixed part of the next record
 * @ctx:	restart context.
 * @rec:	buffer of @fixed bytes.
 * @type:	the record type expected here.
 * @fixed:	size of the fixed part, header included, as this kernel
 *		knows it.
 * @max_extra:	most payload bytes the caller accepts after it.
 *
 * The one place the format's rule for growing is kept (see the uapi
 * header): a fixed part written longer than @fixed must end in zeroes,
 * which are skipped; one written shorter, down to its type's first size,
 * is zero-filled up to @fixed; one not a multiple of CKPT_ALIGN is
 * refused.  Either way @rec ends up as this kernel's struct, with
 * @rec->hdr_len == @fixed, and the payload follows.
 *
 * Return: the number of payload bytes that follow (read them with
 * ckpt_read_data(), then call ckpt_read_end()), or -EINVAL (logged)
 * when the stream holds something else.
 */
int ckpt_read_begin(struct ckpt_ctx *ctx, void *rec, u32 type, u32 fixed,
		    u32 max_extra)
{
	struct ckpt_rec *h = rec;
	u64 start = ctx->pos;
	int ret;

	if (ctx->peeked) {
		*h = ctx->peek;
		ctx->peeked = false;
		start -= sizeof(*h);
	} else {
		ret = ckpt_kread(ctx, h, sizeof(*h));
		if (ret)
			return ret;
	}
	return ckpt_read_fixed(ctx, rec, type, fixed, max_extra, start,
			       sizeof(*h));
}

/**
 * ckpt_read_data - read payload of the record begun by ckpt_read_begin()
 * @ctx:	restart context.
 * @buf:	destination.
 * @len:	bytes to read; never more than the record has left.
 *
 * Return: 0 or a negative errno.
 */
int ckpt_read_data(struct ckpt_ctx *ctx, void *buf, u32 len)
{
	if (len > ctx->rec_left)
		return ckpt_err(ctx, -EINVAL,
				"record at offset %llu is too short for its contents",
				ctx->rec_start);
	ctx->rec_left -= len;
	return ckpt_kread(ctx, buf, len);
}

/**
 * ckpt_read_page_runs - read the CKPT_REC_PAGES records that follow
 * @ctx:	restart context.
 * @start:	lowest address (or offset) a page may have.
 * @end:	address after the highest.
 * @put:	stores one page read at @addr; returns 0 or an errno (logged).
 * @arg:	passed to @put.
 *
 * Runs must be in order, page aligned, within [@start, @end) and not
 * overlap; anything else is refused.
 *
 * Return: 0, or a negative errno (logged).
 */
int ckpt_read_page_runs(struct ckpt_ctx *ctx, u64 start, u64 end,
			int (*put)(struct ckpt_ctx *ctx, void *arg, u64 addr,
				   void *page),
			void *arg)
{
	struct ckpt_rec_pages rec;
	u64 next = start;
	void *buf;
	int ret;

	buf = kmalloc(PAGE_SIZE, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	while ((ret = ckpt_peek_type(ctx)) == CKPT_REC_PAGES) {
		u64 run_end;
		u32 i;

		ret = ckpt_read_begin(ctx, &rec, CKPT_REC_PAGES, sizeof(rec),
				      CKPT_PAGES_MAX * PAGE_SIZE);
		if (ret < 0)
			break;
		/* A run near the top of the u64 range must not wrap past @end. */
		if (!rec.nr || rec.nr > CKPT_PAGES_MAX || rec.__pad ||
		    !PAGE_ALIGNED(rec.addr) || rec.addr < next ||
		    check_shl_overflow((u64)rec.nr, PAGE_SHIFT, &run_end) ||
		    check_add_overflow(rec.addr, run_end, &run_end) ||
		    run_end > end || ret != rec.nr * PAGE_SIZE) {
			ret = ckpt_err(ctx, -EINVAL,
				       "pages record at offset %llu does not fit %#llx-%#llx",
				       ctx->rec_start, start, end);
			break;
		}
		ret = 0;
		for (i = 0; i < rec.nr && !ret; i++) {
			ret = ckpt_read_data(ctx, buf, PAGE_SIZE);
			if (!ret)
				ret = put(ctx, arg, rec.addr + (u64)i * PAGE_SIZE, buf);
		}
		if (!ret)
			ret = ckpt_read_end(ctx);
		if (ret)
			break;
		next = run_end;
		if (fatal_signal_pending(current)) {
			ret = -EINTR;
			break;
		}
	}
	kfree(buf);
	return ret < 0 ? ret : 0;
}

/**
 * ckpt_read_end - check the whole record was consumed and skip padding
 * @ctx:	restart context.
 *
 * Return: 0, or -EINVAL (logged) on leftover payload or nonzero padding.
 */
int ckpt_read_end(struct ckpt_ctx *ctx)
{
	u32 padlen = ALIGN(ctx->rec_len, CKPT_ALIGN) - ctx->rec_len;
	u8 pad[CKPT_ALIGN];
	int ret;

	if (ctx->rec_left)
		return ckpt_err(ctx, -EINVAL,
				"record at offset %llu has %u bytes of trailing garbage",
				ctx->rec_start, ctx->rec_left);
	ret = ckpt_kread(ctx, pad, padlen);
	if (ret)
		return ret;
	if (memchr_inv(pad, 0, padlen))
		return ckpt_err(ctx, -EINVAL,
				"record at offset %llu has nonzero padding",
				ctx->rec_start);
	ctx->nr_records++;
	return 0;
}

/**
 * ckpt_read_rec - read the next record, which must be of a given type and size
 * @ctx:	restart context.
 * @rec:	buffer of @len bytes for the whole record.
 * @type:	the record type expected here.
 * @len:	the exact size expected.
 *
 * Return: 0, or -EINVAL (logged) when the stream holds something else.
 */
int ckpt_read_rec(struct ckpt_ctx *ctx, void *rec, u32 type, u32 len)
{
	int ret = ckpt_read_begin(ctx, rec, type, len, 0);

	if (ret < 0)
		return ret;
	return ckpt_read_end(ctx);
}

/**
 * ckpt_peek_type - type of the next record, without consuming it
 * @ctx:	restart context.
 *
 * The stream cannot seek, so the header of the next record is read once
 * and kept until ckpt_read_begin() asks for it.
 *
 * Return: the record type, or a negative errno.
 */
int ckpt_peek_type(struct ckpt_ctx *ctx)
{
	int ret;

	if (!ctx->peeked) {
		ctx->peek_crc = ctx->crc;
		ret = ckpt_kread(ctx, &ctx->peek, sizeof(ctx->peek));
		if (ret)
			return ret;
		ctx->peeked = true;
	}
	return min_t(u32, ctx->peek.type, INT_MAX);
}

/**
 * ckpt_read_path - read an absolute path from the current record's payload
 * @ctx:	restart context.
 * @len:	bytes of path, as the record announced; no NUL in the image.
 *
 * Return: a NUL-terminated kmalloc()ed path, or an ERR_PTR (logged).
 */
char *ckpt_read_path(struct ckpt_ctx *ctx, u32 len)
{
	char *path;
	int ret;

	if (!len || len >= PATH_MAX)
		return ERR_PTR(ckpt_err(ctx, -EINVAL, "bad path length %u", len));
	path = kmalloc(len + 1, GFP_KERNEL_ACCOUNT);
	if (!path)
		return ERR_PTR(-ENOMEM);
	ret = ckpt_read_data(ctx, path, len);
	if (ret) {
		kfree(path);
		return ERR_PTR(ret);
	}
	path[len] = '\0';
	if (strlen(path) != len || path[0] != '/') {
		kfree(path);
		return ERR_PTR(ckpt_err(ctx, -EINVAL, "malformed path in image"));
	}
	return path;
}

/**
 * ckpt_write_header - write the image header
 * @ctx:	checkpoint context.
 *
 * Return: 0 or a negative errno.
 */
int ckpt_write_header(struct ckpt_ctx *ctx)
{
	struct ckpt_rec_header h = {
		.magic = CKPT_IMAGE_MAGIC,
		.version = CKPT_IMAGE_VERSION,
		.page_size = PAGE_SIZE,
	};

	strscpy_pad(h.release, utsname()->release, sizeof(h.release));
	ckpt_arch_fill_header(&h);
	ctx->xstate_size = h.xstate_size;
	return ckpt_write_rec(ctx, &h, CKPT_REC_HEADER, sizeof(h));
}

static const char *ckpt_arch_name(u32 arch)
{
	switch (arch) {
	case CKPT_ARCH_X86_64:
		return "x86_64";
	}
	return "?";
}

/*
 * A restored task resumes with the FPU state and return addresses it
 * had: refuse an image whose architecture, XSAVE layout or vdso differs
 * from what this machine has, as the architecture fills a header in.
 */
static int ckpt_check_arch_header(struct ckpt_ctx *ctx,
				  const struct ckpt_rec_header *h)
{
	struct ckpt_rec_header here = {};

	ckpt_arch_fill_header(&here);
	if (h->arch != here.arch)
		return ckpt_err(ctx, -EINVAL, "image is for architecture %u, not %s",
				h->arch, ckpt_arch_name(here.arch));
	if (h->xfeatures & ~here.xfeatures)
		return ckpt_err(ctx, -EINVAL,
				"image needs XSAVE features %#llx, this CPU has %#llx",
				h->xfeatures, here.xfeatures);
	if (h->xstate_size != here.xstate_size)
		return ckpt_err(ctx, -EINVAL,
				"image XSAVE area is %u bytes, this CPU uses %u",
				h->xstate_size, here.xstate_size);
	if (h->vdso_size != here.vdso_size || h->vdso_crc != here.vdso_crc)
		return ckpt_err(ctx, -EINVAL,
				"image was taken with a different vdso (size %u crc %08x)",
				h->vdso_size, h->vdso_crc);
	return 0;
}

/*
 * A restart honours everything an image holds or refuses it, and so it
 * does with the features an image says it uses: the first one this
 * kernel lacks is named by its bit (CKPT_FEATURES has none yet).
 */
static int ckpt_check_features(struct ckpt_ctx *ctx, u64 features)
{
	u64 unknown = features & ~CKPT_FEATURES;
	unsigned int bit;

	if (!unknown)
		return 0;
	bit = __ffs64(unknown);
	return ckpt_err(ctx, -EINVAL,
			"image uses feature bit %u, which this kernel lacks (unknown bits %#llx)",
			bit, unknown);
}

/**
 * ckpt_read_header - read and check the image header
 * @ctx:	restart context.
 *
 * Refuses images from another format version, architecture or page size,
 * written in the other byte order, or using features this kernel lacks,
 * and lets the architecture refuse state this CPU cannot take.
 *
 * Return: 0, or -EINVAL (logged).
 */
int ckpt_read_header(struct ckpt_ctx *ctx)
{
	/* Where every format version had its magic and version. */
	const u32 have = offsetofend(struct ckpt_rec_header, version);
	struct ckpt_rec_header h;
	u64 start;
	int ret;

	/*
	 * The format is little-endian: an image from a big-endian writer
	 * is told apart from one that is no image at all, by its first
	 * record's type as much as by its magic.
	 */
	ret = ckpt_peek_type(ctx);
	if (ret < 0)
		return ret;
	if (ret == swab16(CKPT_REC_HEADER))
		return ckpt_err(ctx, -EINVAL, "image is big-endian");
	/*
	 * The magic and version come first, from the raw bytes, before the
	 * record's framing is held to this version's rules: an image of
	 * format 6 (a u32 type, no @hdr_len) is refused as of version 6,
	 * not as a header with a fixed part of 0 bytes.
	 */
	h.rec = ctx->peek;
	ctx->peeked = false;
	start = ctx->pos - sizeof(h.rec);
	ret = ckpt_kread(ctx, &h.rec + 1, have - sizeof(h.rec));
	if (ret)
		return ret;
	if (h.magic == swab64(CKPT_IMAGE_MAGIC))
		return ckpt_err(ctx, -EINVAL, "image is big-endian");
	if (h.magic != CKPT_IMAGE_MAGIC)
		return ckpt_err(ctx, -EINVAL, "not a checkpoint image (bad magic)");
	if (h.version != CKPT_IMAGE_VERSION)
		return ckpt_err(ctx, -EINVAL,
				"image format version %u, this kernel reads version %u",
				h.version, CKPT_IMAGE_VERSION);
	ret = ckpt_read_fixed(ctx, &h, CKPT_REC_HEADER, sizeof(h), 0, start,
			      have);
	if (ret < 0)
		return ret;
	ret = ckpt_read_end(ctx);
	if (ret)
		return ret;
	if (h.page_size != PAGE_SIZE)
		return ckpt_err(ctx, -EINVAL,
				"image page size %u, this kernel uses %lu",
				h.page_size, PAGE_SIZE);
	if (!memchr(h.release, 0, sizeof(h.release)) ||
	    memchr_inv(h.__pad2, 0, sizeof(h.__pad2)))
		return ckpt_err(ctx, -EINVAL, "malformed image header");
	ret = ckpt_check_features(ctx, h.features) ?:
	      ckpt_check_arch_header(ctx, &h);
	if (ret)
		return ret;
	ctx->xstate_size = h.xstate_size;
	return 0;
}

/**
 * ckpt_write_trailer - close the image with its checksum
 * @ctx:	checkpoint context.
 *
 * Return: 0 or a negative errno.
 */
int ckpt_write_trailer(struct ckpt_ctx *ctx)
{
	struct ckpt_rec_trailer t = {
		.magic = CKPT_IMAGE_MAGIC,
		.nr_records = ctx->nr_records,
		.crc = ~ctx->crc,
	};

	return ckpt_write_rec(ctx, &t, CKPT_REC_TRAILER, sizeof(t));
}

/**
 * ckpt_read_trailer - read the trailer and check the stream against it
 * @ctx:	restart context.
 *
 * Return: 0, or -EINVAL (logged) when the checksum or count disagree.
 */
int ckpt_read_trailer(struct ckpt_ctx *ctx)
{
	struct ckpt_rec_trailer t;
	u32 nr = ctx->nr_records;
	/* Of the bytes before the trailer: its header may have been peeked. */
	u32 crc = ~(ctx->peeked ? ctx->peek_crc : ctx->crc);
	int ret;

	ret = ckpt_read_rec(ctx, &t, CKPT_REC_TRAILER, sizeof(t));
	if (ret)
		return ret;
	if (t.magic != CKPT_IMAGE_MAGIC || t.nr_records != nr)
		return ckpt_err(ctx, -EINVAL,
				"image trailer does not match the stream (%u records read, trailer says %u)",
				nr, t.nr_records);
	if (t.crc != crc)
		return ckpt_err(ctx, -EINVAL,
				"image checksum mismatch: computed %08x, trailer says %08x",
				crc, t.crc);
	return 0;
}
