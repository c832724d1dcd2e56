// SPDX-License-Identifier: GPL-2.0
/*
 * The bounded pass of the restart(2) fuzzer (kfuzz_prog.c explains it):
 * base images from real containers, every input of the committed seed
 * corpus once, then coverage-guided mutations for KF_BOUNDED_SECONDS.
 *
 * Some mutated images are harmless and restart may take them; then the
 * restored container is killed and reaped.  The pass holds when no
 * kernel splat appeared, no restart hung, no task was left behind, and
 * every refused restart returned -1 with a plain errno; and when it
 * really ran: every base image restarted as it was, every seed ran, and
 * KCOV saw the restored tasks.
 */
#include "kfuzz.h"
#include "../kselftest_harness.h"

#define KF_BOUNDED_SECONDS	45

FIXTURE(kfuzz) {
};

FIXTURE_SETUP(kfuzz)
{
}

FIXTURE_TEARDOWN(kfuzz)
{
}

TEST_F_TIMEOUT(kfuzz, seed_corpus_and_mutations, 300)
{
	char seeds[4096];
	struct kf_opts o = {
		.seeds = seeds,
		.seconds = KF_BOUNDED_SECONDS,
		.seed = 20261129,
		.out = stdout,
	};
	struct kf_stats st;

	/* Installed beside the test (the Makefile's TEST_FILES). */
	ASSERT_TRUE(sibling_path("kfuzz.corpus", seeds, sizeof(seeds)));
	ASSERT_EQ(0, access(seeds, R_OK)) TH_LOG("%s: %m", seeds);
	ASSERT_EQ(0, kf_run(&o, &st));
	kf_print_stats(stdout, &st);
	EXPECT_EQ(0ULL, st.broken_bases) TH_LOG("a base image could not be taken or restarted");
	EXPECT_EQ(0ULL, st.crashes) TH_LOG("a restart killed the fuzzer");
	EXPECT_EQ(0ULL, st.hangs) TH_LOG("a restart did not return");
	EXPECT_EQ(0ULL, st.splats) TH_LOG("the kernel complained");
	EXPECT_EQ(0ULL, st.leftovers) TH_LOG("a restart left a task behind");
	EXPECT_EQ(0ULL, st.bad_errno) TH_LOG("a refused restart returned no plain errno");
	EXPECT_EQ(0ULL, st.bad_seeds) TH_LOG("a seed names a base image there is not");
	EXPECT_GT(st.seeds, 0ULL) TH_LOG("no seed corpus");
	EXPECT_EQ(st.seeds, st.seeds_run);
	EXPECT_GT(st.execs, st.seeds_run) TH_LOG("no mutations ran");
	EXPECT_GT(st.base_remote_pcs, 0ULL) TH_LOG("KCOV did not see the restored tasks");
	EXPECT_FALSE(kf_findings(&st));
}

CKPT_HARNESS_MAIN
