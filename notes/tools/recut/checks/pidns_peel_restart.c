/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Restart-side check of the pidns peel state (helper P, session 11).
 * Not a selftest of the tree: its expectations hold only on a kernel
 * WITHOUT nested pid namespaces (branch peel-pidns and the series'
 * prefixes before "checkpoint: save nested pid namespaces"); the full
 * kernel refuses the same images for other reasons (malformed_test's
 * tree_image.pid_namespaces covers those).
 *
 * Five well-framed, checksummed variants of the image fixture's image
 * (one task): nr_pidns = 1 with no record; a CKPT_REC_PIDNS record with
 * nr_pidns = 1 and with 0 -- refused EOPNOTSUPP, "the image has nested
 * pid namespaces"; the init's tree entry naming namespace 1 as its own
 * or its children's -- refused EINVAL, "no pid namespace"; then the
 * valid image restarts.
 *
 * How it was run (14:05 UTC, 6 variants, 5 refused, PASS, no splat):
 *   head -n -1 malformed_test.c > X.c; cat this file's TEST_F >> X.c;
 *   build X.c as malformed_test is built (static, -lcap -lz, the test
 *   kernel's uapi headers), put it at /kselftest/checkpoint/malformed_test
 *   in a cpio appended to out/initramfs.cpio.gz, and boot the peel
 *   state's bzImage with vm/run.sh --mode one --test malformed_test
 *   --append cr.args=-t,nested_pidns_peel.
 */
/*
 * helper P (peel pidns): a kernel without nested pid namespaces refuses
 * every image that has one, by name, and a tree entry that names one.
 */
TEST_F_TIMEOUT(image, nested_pidns_peel, 120)
{
	struct image *im = &self->im;
	struct ckpt_rec_container *rec;
	struct ckpt_tree_entry *e;
	struct {
		struct ckpt_rec_pidns r;
		struct ckpt_pidns_entry ns;
		__s32 pids[2];
	} pidns;
	size_t size;
	int c;

	for (c = 0; c < im->nr_recs && im->recs[c].type != CKPT_REC_CONTAINER; c++)
		;
	ASSERT_LT(c, im->nr_recs);
	ASSERT_LT(c + 1, im->nr_recs);

	/* A count of nested namespaces, no record. */
	im->err = EOPNOTSUPP;
	memcpy(im->buf, im->img, im->size);
	rec = (void *)(im->buf + im->recs[c].off);
	rec->nr_pidns = 1;
	fix_trailer(im->buf, im->size);
	restart_variant(_metadata, im, im->buf, im->size, "nr_pidns", 1,
			"the image has nested pid namespaces");

	/* A well-formed CKPT_REC_PIDNS after the container record. */
	memset(&pidns, 0, sizeof(pidns));
	pidns.r.rec.type = CKPT_REC_PIDNS;
	pidns.r.rec.hdr_len = sizeof(pidns.r);
	pidns.r.rec.len = sizeof(pidns.r) + sizeof(pidns.ns) + sizeof(__s32);
	pidns.r.nr_pidns = 1;
	pidns.r.nr_nested = 1;
	pidns.ns.init_pid = 1;
	pidns.ns.last_pid = -1;
	pidns.pids[0] = 1;
	size = splice_records(im, c + 1, 0, &pidns, sizeof(pidns), 1);
	rec = (void *)(im->buf + im->recs[c].off);
	rec->nr_pidns = 1;
	fix_trailer(im->buf, size);
	restart_variant(_metadata, im, im->buf, size, "pidns record, nr_pidns", 1,
			"the image has nested pid namespaces");
	/* The same record, the container's count left 0. */
	size = splice_records(im, c + 1, 0, &pidns, sizeof(pidns), 1);
	fix_trailer(im->buf, size);
	restart_variant(_metadata, im, im->buf, size, "pidns record, nr_pidns", 0,
			"the image has nested pid namespaces");

	/* Tree entries that name a namespace, with none in the image. */
	im->err = 0;
	memcpy(im->buf, im->img, im->size);
	e = (void *)(im->buf + im->recs[c].off + sizeof(*rec));
	e[0].pidns = 1;
	fix_trailer(im->buf, im->size);
	restart_variant(_metadata, im, im->buf, im->size, "init's pidns", 1,
			"no pid namespace");
	memcpy(im->buf, im->img, im->size);
	e[0].child_pidns = 1;
	fix_trailer(im->buf, im->size);
	restart_variant(_metadata, im, im->buf, im->size, "init's child_pidns", 1,
			"no pid namespace");

	/* The image itself still restarts (and ns_last_pid with it). */
	restart_variant(_metadata, im, im->img, im->size, "valid image", 0, NULL);
	EXPECT_EQ(im->tried - 1, im->refused);
}
