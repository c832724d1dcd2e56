#!/bin/sh
# Boot one prefix of the series and run the selftests it adds: a
# bisection that stops at patch K gets a kernel whose own tests pass.
#
#   build/bisect-test.sh P=K [T="name_test ..."]
#
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
for a in "$@"; do
	case "$a" in
	P=*) P=${a#P=} ;;
	T=*) T=${a#T=} ;;
	*) echo "usage: $0 P=K [T=\"name_test ...\"]" >&2; exit 2 ;;
	esac
done
[ -n "$P" ] || { echo "usage: $0 P=K [T=\"name_test ...\"]" >&2; exit 2; }
LOCK=${LOCK-/tmp/cr-build.lock}
locked() {
	if [ -n "$LOCK" ]; then
		flock "$LOCK" "$@"
	else
		"$@"
	fi
}
git_s() { git -C "$b/stage" "$@"; }

line=$(sed -n "${P}p" "$b/prefixes" 2>/dev/null)
[ -n "$line" ] || { echo "bisect-test: no prefix $P: run build/bisect-check.sh first" >&2; exit 1; }
commit=$(echo "$line" | cut -d' ' -f2)
subj=$(echo "$line" | cut -d' ' -f3-)
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
