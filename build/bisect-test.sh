#!/bin/sh
# Boot one prefix of the series and run the selftests it adds: a
# bisection that stops at patch K gets a kernel whose own tests pass.
#
#   build/bisect-test.sh P=K [T="name_test ..."]
#   build/bisect-test.sh REV=<commit> T="name_test ..."
#
# REV= tests a state of the project's own files instead of a prefix:
# the series' last prefix with kernel/checkpoint, arch/x86/checkpoint,
# the two checkpoint headers and the docs taken from <commit> of this
# repository (a peel state of notes/tools/recut, say).  The whole run
# then holds $LOCK, so that two such runs do not swap the shared
# worktree under each other's build.
# K is a prefix number as build/bisect-check.sh prints it (run that
# first: it makes out/bisect/stage and its prefixes).  T defaults to the
# programs the prefix adds to the selftests Makefile's TEST_GEN_PROGS.
# The kernel is the y configuration of bisect-check (tinyconfig + base +
# container + perf), built as a bzImage in out/bisect/build-t from a
# worktree of its own, so that it never disturbs a running
# bisect-check; the tests are the tip's, from out/initramfs.cpio.gz
# (make initramfs): the image format is the core patch's whole, so a
# test of the tip speaks to every prefix.  Prints each test's TAP
# summary; fails if a test fails or the kernel does not build.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
b=$top/out/bisect
P=
T=
REV=
usage() { echo "usage: $0 P=K [T=\"name_test ...\"] | REV=<commit> T=\"name_test ...\"" >&2; exit 2; }
for a in "$@"; do
	case "$a" in
	P=*) P=${a#P=} ;;
	T=*) T=${a#T=} ;;
	REV=*) REV=${a#REV=} ;;
	*) usage ;;
	esac
done
LOCK=${LOCK-/tmp/cr-build.lock}
if [ -n "$REV" ]; then
	[ -z "$P" ] && [ -n "$T" ] || usage
	if [ -n "$LOCK" ]; then
		exec flock "$LOCK" env LOCK= "$0" "$@"
	fi
fi
[ -n "$P" ] || [ -n "$REV" ] || usage
locked() {
	if [ -n "$LOCK" ]; then
		flock "$LOCK" "$@"
	else
		"$@"
	fi
}
git_s() { git -C "$b/stage" "$@"; }

if [ -n "$REV" ]; then
	line=$(tail -n 1 "$b/prefixes" 2>/dev/null)
	[ -n "$line" ] || { echo "bisect-test: no prefixes: run build/bisect-check.sh first" >&2; exit 1; }
	tip=$(echo "$line" | cut -d' ' -f2)
	rev=$(git -C "$top" rev-parse --short "$REV")
	paths="kernel/checkpoint arch/x86/checkpoint include/uapi/linux/checkpoint.h include/linux/checkpoint.h Documentation/checkpoint.rst Documentation/checkpoint"
	# A path the revision lacks (the kind pages before they existed)
	# would fail git archive: take only those it has.
	have=
	for p in $paths; do
		git -C "$top" cat-file -e "$rev:$p" 2>/dev/null && have="$have $p"
	done
	tmp=$(mktemp -d)
	# shellcheck disable=SC2086
	git -C "$top" archive "$rev" -- $have | tar x -C "$tmp"
	export GIT_INDEX_FILE=$b/rev.index
	git_s read-tree "$tip"
	# The same paths, and those only the tip has (deleted in $rev).
	add=$have
	for p in $paths; do
		case " $have " in *" $p "*) continue ;; esac
		git_s cat-file -e "$tip:$p" 2>/dev/null && add="$add $p"
	done
	# shellcheck disable=SC2086
	git_s --work-tree="$tmp" add -A -f -- $add
	commit=$(echo "overlay of $rev" | git_s commit-tree "$(git_s write-tree)" -p "$tip")
	unset GIT_INDEX_FILE
	rm -rf "$tmp"
	P=rev-$rev
	subj="the last prefix with the files of $rev"
else
	line=$(sed -n "${P}p" "$b/prefixes" 2>/dev/null)
	[ -n "$line" ] || { echo "bisect-test: no prefix $P: run build/bisect-check.sh first" >&2; exit 1; }
	commit=$(echo "$line" | cut -d' ' -f2)
	subj=$(echo "$line" | cut -d' ' -f3-)
fi
mk=tools/testing/selftests/checkpoint/Makefile
if [ -z "$T" ]; then
	progs() { git_s show "$1:$mk" 2>/dev/null | sed -n 's/^TEST_GEN_PROGS [+:]= //p' | sort; }
	progs "$commit~1" >"$b/t.before"
	progs "$commit" >"$b/t.after"
	T=$(comm -13 "$b/t.before" "$b/t.after" | tr '\n' ' ')
	rm -f "$b/t.before" "$b/t.after"
fi
[ -n "$T" ] || { echo "bisect-test: prefix $P ($subj) adds no test; pass T=..."; exit 0; }

export CCACHE_DIR="$b/ccache" CCACHE_MAXSIZE=8G CCACHE_BASEDIR="$b"
export KBUILD_BUILD_TIMESTAMP='Sun Nov 17 00:00:00 UTC 2024'
export KBUILD_BUILD_USER=cr KBUILD_BUILD_HOST=bisect
src=$b/src-t bd=$b/build-t
if [ ! -d "$src" ]; then
	git_s worktree prune
	git_s worktree add -q --detach "$src" "$commit"
fi
git -C "$src" checkout -q --detach "$commit"
mkdir -p "$bd"
make -s -C "$src" ARCH=x86_64 O="$bd" tinyconfig >/dev/null
"$src/scripts/kconfig/merge_config.sh" -m -O "$bd" "$bd/.config" \
	"$top/build/configs/base.config" "$top/build/configs/container.config" \
	"$top/build/configs/perf.config" >/dev/null
make -s -C "$src" ARCH=x86_64 O="$bd" olddefconfig >/dev/null
echo "bisect-test: prefix $P ($subj): building"
log=$b/logs/test-$P.log
locked nice -n 19 make -C "$src" ARCH=x86_64 O="$bd" -j"$(nproc)" \
	CC="ccache gcc" bzImage >"$log" 2>&1 ||
	{ tail -20 "$log"; echo "bisect-test: prefix $P does not build"; exit 1; }
warns=$(grep -c ': warning:' "$log" || true)
[ "$warns" -eq 0 ] ||
	{ grep ': warning:' "$log" | head; echo "bisect-test: prefix $P: $warns warnings"; exit 1; }

status=0
for t in $T; do
	logdir=$b/vm-$P-$t
	locked "$top/vm/run.sh" --kernel "$bd/arch/x86/boot/bzImage" \
		--initrd "$top/out/initramfs.cpio.gz" --mode one --test "$t" \
		--logdir "$logdir" --timeout 900 >/dev/null 2>&1 || true
	ok=$(grep -c '^[# ]*ok ' "$logdir/tap.log" 2>/dev/null || true)
	nok=$(grep -c '^[# ]*not ok ' "$logdir/tap.log" 2>/dev/null || true)
	echo "bisect-test: prefix $P $t: $ok ok, $nok not ok ($logdir)"
	if [ "$nok" -ne 0 ] || [ "$ok" -eq 0 ]; then
		grep '^[# ]*not ok ' "$logdir/tap.log" | head -10 | sed 's/^/    /'
		status=1
	fi
done
exit $status
