// SPDX-License-Identifier: GPL-2.0
/*
 * kfuzz: a structure-aware fuzzer of restart(2), guided by KCOV, run in
 * the test guest (make fuzz-kernel; a bounded pass is kfuzz_test).
 *
 * Every image it gives restart(2) is well framed: records of the right
 * length, padded, and a trailer whose record count and crc32 agree with
 * what precedes it.  What it changes is what the records mean, with a
 * grammar taken from include/uapi/linux/checkpoint.h (kfuzz.h: each
 * record's fields and arrays by offsetof/sizeof, so a record that grows
 * is picked up by a rebuild):
 *
 *   - field values at and past their bounds, chosen by what the field
 *     holds (counts, addresses, signals, ids, flags, registers...);
 *   - objrefs pointed at other objects and at objects of other kinds;
 *   - whole objects (with the objects opened inside them) copied or
 *     moved to any place in the stream, so nested at every site;
 *   - records duplicated, dropped, reordered and moved into another
 *     task's part of the image; array elements (tree entries, fds,
 *     siginfos, pages, groups) duplicated and dropped, counts following;
 *   - pids swapped between tasks (live ones, zombies, threads) in the
 *     whole image or only in the tree, the task or the CPU records;
 *   - paths replaced by odd ones or by another record's;
 *   - records and objects of another base image put in (a thread's CPU
 *     record in a tree of processes, a FIFO in a pid namespace...);
 *   - fixed parts grown as a newer writer would grow them, by zero
 *     bytes, or ending in a byte this kernel cannot know.
 *
 * Images must be valid for the running kernel (the header holds its
 * XSAVE size and vdso identity), so no image is committed.  The base
 * images are taken when the fuzzer starts, from real containers run by
 * the selftests' helper programs: counter_prog (files, a pipe, a FIFO,
 * signals, credentials, a shared file mapping), tree_prog (process
 * trees, zombies, a stopped task, shared mm, pipe and shared memory,
 * groups and sessions), thread_prog (threads; a leader that exited),
 * pidns_prog (nested pid namespaces), sleeper_prog (an interrupted
 * nanosleep, a FIFO, a small tree).  Each is checkpointed with
 * CHECKPOINT_KILL, so the original does not run beside its copies.
 *
 * An input, and a line of the corpus, is therefore a mutation program:
 * a base image's name and the mutations applied to it in order, e.g.
 *
 *   tree S:CPU3.pid=zpid0 G:OMM1@VMA4+ P:2,5 run
 *
 * Selectors name records by type and ordinal (CPU3: the fourth CPU
 * record; OMM1: the second mm object; #n: the n-th record), values can
 * be symbolic (zpid0: the first zombie's pid; refFILE2: an objref of a
 * file; o+1: the old value plus one), and every index is taken modulo
 * what the image has, so a line means much the same against a base
 * image taken on another kernel build.  kfuzz.h documents the syntax
 * at kf_apply_op() and kf_value().  "run" lets the restored container
 * return to user mode; by default it is restarted RESTART_FROZEN.
 *
 * Coverage comes from KCOV over kernel/checkpoint and
 * arch/x86/checkpoint only (their Makefiles set KCOV_INSTRUMENT): the
 * thread that calls restart(2) has KCOV_ENABLE for the coordinator's
 * part, and another thread of the worker holds KCOV_REMOTE_ENABLE with
 * a common handle, which restart hands to every task it creates
 * (kcov_remote_start_common() in ckpt_restore_task_fn()).  An input is
 * kept when it reaches a PC or a pair of consecutive PCs not seen yet.
 *
 * Each restart that succeeds is killed and reaped at once; each has
 * KF_EXEC_TIMEOUT seconds (an alarm) to return and be reaped, so that a
 * hang shows up as a hang.  A finding is any of: a kernel splat in
 * /dev/kmsg (the patterns of vm/check.sh), a restart that neither
 * returned a pid nor -1 with a plain errno, a child left behind, a
 * worker killed (an oops in our syscall) or hung, a base image that
 * restart refuses as it is.  Each is printed as "# KFUZZ-FINDING" with
 * the input.
 *
 * usage: kfuzz_prog [-s SEEDS] [-o CORPUS-OUT] [-t SECONDS] [-n RESTARTS]
 *                   [-r RANDOM-SEED] [-j JOBS] [-k] [-v] [-P]
 *   -s  corpus to start from (default /etc/kfuzz.corpus, the committed
 *       tools/testing/selftests/checkpoint/kfuzz.corpus)
 *   -o  append new inputs to this file too
 *   -t  seconds of fuzzing after the base images are taken (default 60)
 *   -n  stop after this many restarts
 *   -j  workers restarting images at once (default 1; the guest has
 *       two CPUs); each keeps its own corpus and coverage
 *   -k  after a crash or hang, go on with a new worker
 *   -v  print each input with restart's result and first log line
 *   -P  at the end, print the PCs covered (for addr2line on vmlinux)
 * New inputs are printed as "# KFUZZ-NEW line"; the last line is
 * "# KFUZZ-STATS ...".  Exit status 0 when nothing was found.
 */
#include "kfuzz.h"

int main(int argc, char **argv)
{
	struct kf_opts o = {
		.seeds = "/etc/kfuzz.corpus",
		.seconds = 60,
		.seed = 1,
		.print_new = true,
		.out = stdout,
	};
	struct kf_stats st;
	int c;

	while ((c = getopt(argc, argv, "s:o:t:n:r:j:kvP")) != -1) {
		switch (c) {
		case 's':
			o.seeds = optarg;
			break;
		case 'o':
			o.corpus_out = optarg;
			break;
		case 't':
			o.seconds = atof(optarg);
			break;
		case 'n':
			o.max_execs = strtoull(optarg, NULL, 0);
			break;
		case 'r':
			o.seed = strtoull(optarg, NULL, 0);
			break;
		case 'j':
			o.jobs = atoi(optarg);
			break;
		case 'k':
			o.keep_going = true;
			break;
		case 'v':
			o.verbose = true;
			break;
		case 'P':
			o.print_pcs = true;
			break;
		default:
			fprintf(stderr,
				"usage: %s [-s seeds] [-o corpus-out] [-t seconds] [-n restarts]\n"
				"       %*s [-r seed] [-j jobs] [-k] [-v] [-P]\n",
				argv[0], (int)strlen(argv[0]), "");
			return 2;
		}
	}
	if (kf_run(&o, &st))
		return 2;
	kf_print_stats(stdout, &st);
	return kf_findings(&st) ? 1 : 0;
}
