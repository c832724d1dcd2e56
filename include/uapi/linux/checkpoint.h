/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * In-kernel checkpoint/restart of whole containers: the syscall
 * arguments and the image format.
 *
 * An image is a stream of records.  Every record starts with a
 * struct ckpt_rec, is padded with zeroes to a multiple of 8 bytes, and is
 * read strictly in order; the stream never seeks.  The first record is
 * CKPT_REC_HEADER and the last is CKPT_REC_TRAILER, whose checksum covers
 * every byte before it.  Shared kernel objects are written once, before
 * their first use, and referred to by objref from then on.
 */
#ifndef _UAPI_LINUX_CHECKPOINT_H
#define _UAPI_LINUX_CHECKPOINT_H

#include <linux/types.h>

/* checkpoint(2) flags */
#define CHECKPOINT_KILL		(1ULL << 0)	/* kill the container once saved */
#define CHECKPOINT_FLAGS_ALL	(CHECKPOINT_KILL)

/**
 * struct checkpoint_args - arguments of checkpoint(2)
 * @flags:	CHECKPOINT_* flags.
 * @pid:	the container's init, as the caller sees it.
 * @fd:		where the image is written; a file, pipe or socket.
 * @logfd:	-1, or an fd that receives one line per problem found.
 * @__reserved:	must be zero.
 */
struct checkpoint_args {
	__aligned_u64 flags;
	__s32 pid;
	__s32 fd;
	__s32 logfd;
	__u32 __reserved;
};

#define CHECKPOINT_ARGS_SIZE_VER0	24

/* restart(2) flags */
#define RESTART_FROZEN		(1ULL << 0)	/* leave the container frozen */
#define RESTART_FLAGS_ALL	(RESTART_FROZEN)

/**
 * struct restart_args - arguments of restart(2)
 * @flags:	RESTART_* flags.
 * @fd:		the image, read sequentially.
 * @logfd:	-1, or an fd that receives one line per problem found.
 * @__reserved:	must be zero.
 */
struct restart_args {
	__aligned_u64 flags;
	__s32 fd;
	__s32 logfd;
	__u32 __reserved[2];
};

#define RESTART_ARGS_SIZE_VER0		24

/* ---- Image format ---- */

#define CKPT_IMAGE_MAGIC	0x52435f58554e494cULL	/* "LINUX_CR" */
#define CKPT_IMAGE_VERSION	1
#define CKPT_ALIGN		8
#define CKPT_REC_MAX_LEN	(1U << 20)	/* largest single record */

enum ckpt_arch {
	CKPT_ARCH_X86_64 = 1,
};

/* Record types. */
enum ckpt_rec_type {
	CKPT_REC_HEADER = 1,
	CKPT_REC_TRAILER,
	CKPT_REC_MAX
};

/**
 * struct ckpt_rec - header that starts every record
 * @type:	enum ckpt_rec_type.
 * @len:	bytes in the record including this header, excluding padding.
 */
struct ckpt_rec {
	__u32 type;
	__u32 len;
};

#define CKPT_RELEASE_LEN	65

/**
 * struct ckpt_rec_header - the first record of an image
 * @rec:	CKPT_REC_HEADER.
 * @magic:	CKPT_IMAGE_MAGIC.
 * @version:	CKPT_IMAGE_VERSION.
 * @arch:	enum ckpt_arch.
 * @page_size:	PAGE_SIZE of the checkpointed kernel.
 * @xstate_size: bytes of one task's FPU state in XSAVE UABI format.
 * @xfeatures:	the XSAVE features that state may hold.
 * @vdso_size:	size of the vdso image the tasks had mapped.
 * @vdso_crc:	crc32 of that vdso image; restart needs the same one.
 * @release:	utsname()->release of the checkpointed kernel, NUL-padded.
 * @__pad2:	zero.
 */
struct ckpt_rec_header {
	struct ckpt_rec rec;
	__aligned_u64 magic;
	__u32 version;
	__u32 arch;
	__u32 page_size;
	__u32 xstate_size;
	__aligned_u64 xfeatures;
	__u32 vdso_size;
	__u32 vdso_crc;
	char release[CKPT_RELEASE_LEN];
	__u8 __pad2[7];
};

/**
 * struct ckpt_rec_trailer - the last record of an image
 * @rec:	CKPT_REC_TRAILER.
 * @magic:	CKPT_IMAGE_MAGIC.
 * @nr_records:	records before this one, the header included.
 * @crc:	crc32 (as zlib computes it) of every byte before this record.
 */
struct ckpt_rec_trailer {
	struct ckpt_rec rec;
	__aligned_u64 magic;
	__u32 nr_records;
	__u32 crc;
};

#endif /* _UAPI_LINUX_CHECKPOINT_H */
