#!/bin/sh
# Build every prefix of the exported series (out/series, from make
# series) twice: with CONFIG_CHECKPOINT=y and with =n, target vmlinux,
# so that a bisection through the series never meets a tree that does
# not build.  Prints one line per prefix and config; fails if any fails.
#
#   build/bisect-check.sh [P=range] [C=y|n|yn]
#   P: prefixes, "all" (default), "K", "K-L" or a comma list of those
#
# Layout, all in out/bisect (never out/linux):
#   stage/    a git repo of the pristine source, committed once; the
#             prefixes are commits made from the patches through a
#             private index, so nothing is checked out for them;
#   src/      a worktree of stage that only ever checks out the prefix
#             being built: git touches the files that differ, so kbuild
#             rebuilds incrementally from one prefix to the next;
#   build-y/, build-n/   the two object trees;
#   verdicts/ one file per (config, tree) already built: a re-run only
#             builds what changed;
#   logs/     the build log of every prefix and config.
# y is tinyconfig + base + container + perf (bootable, no debugging
# aids), n is tinyconfig + base + nocr, the configs of make kernel-perf
# and make kernel-nocr.  Compiled through ccache, at nice 19.
#
# Each build holds $LOCK (default /tmp/cr-build.lock) while it runs, so
# other builds and guest boots interleave with a long run: do not wrap
# this script in flock yourself, or pass LOCK= when you do.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
tarball=/usr/src/linux-source-6.12.tar.xz
b=$top/out/bisect
stage=$b/stage
src=$b/src
P=all
C=yn
for a in "$@"; do
	case "$a" in
	P=*) P=${a#P=} ;;
	C=*) C=${a#C=} ;;
	*) echo "usage: $0 [P=all|K|K-L[,...]] [C=y|n|yn]" >&2; exit 2 ;;
	esac
done
LOCK=${LOCK-/tmp/cr-build.lock}

export CCACHE_DIR=$b/ccache CCACHE_MAXSIZE=8G CCACHE_BASEDIR=$b
# Fixed, so that init/version.c and friends hit the cache too.
export KBUILD_BUILD_TIMESTAMP='Sun Nov 17 00:00:00 UTC 2024'
export KBUILD_BUILD_USER=cr KBUILD_BUILD_HOST=bisect
git_s() { git -C "$stage" "$@"; }
mkdir -p "$b/verdicts" "$b/logs"

patches=$(ls "$top"/out/series/0*.patch 2>/dev/null | grep -v '/0000-' || true)
[ -n "$patches" ] || { echo "bisect-check: no out/series: run make series" >&2; exit 1; }

# ---- the pristine repo, once per linux-source version ----
pkgver=$(dpkg-query -W -f='${Version}' linux-source-6.12)
if [ "$(cat "$b/stage.version" 2>/dev/null)" != "$pkgver" ]; then
	echo "bisect-check: committing linux-source-6.12 $pkgver to ${stage#"$top"/} (once)"
	rm -rf "$stage" "$src" "$b/stage.version"
	mkdir -p "$stage"
	tar xJf "$tarball" -C "$stage" --strip-components=1
	git_s init -q
	git_s config user.name bisect-check
	git_s config user.email bisect-check@localhost
	git_s config gc.auto 0
	# Debian's linux-source has a .gitignore of "/*": add by force.
	git_s add -f -A .
	git_s commit -q -m "linux-source-6.12 $pkgver"
	git_s tag -f pristine >/dev/null
	echo "$pkgver" >"$b/stage.version"
fi
if [ ! -d "$src" ]; then
	git_s worktree prune
	git_s worktree add -q --detach "$src" pristine
fi

# ---- one commit per prefix, through a private index ----
export GIT_INDEX_FILE=$b/am.index
git_s read-tree pristine
prev=$(git_s rev-parse pristine)
n=0
: >"$b/prefixes"
for f in $patches; do
	n=$((n + 1))
	if ! git_s apply --cached "$f"; then
		echo "bisect-check: ${f##*/} does not apply to prefix $((n - 1))" >&2
		exit 1
	fi
	subj=$(sed -n 's/^Subject: \[PATCH[^]]*\] //p' "$f" | head -1)
	prev=$(echo "$subj" | git_s commit-tree "$(git_s write-tree)" -p "$prev")
	echo "$n $prev $subj" >>"$b/prefixes"
done
unset GIT_INDEX_FILE
total=$n

# ---- which prefixes ----
want=$(echo "$P" | tr ',' '\n' | while read -r r; do
	case "$r" in
	all) seq 1 "$total" ;;
	*-*) seq "${r%-*}" "${r#*-}" ;;
	*) echo "$r" ;;
	esac
done | sort -nu)

frags_y="$top/build/configs/base.config $top/build/configs/container.config $top/build/configs/perf.config"
frags_n="$top/build/configs/base.config $top/build/configs/nocr.config"

# key CFG COMMIT: what decides the verdict.  The .config as kconfig
# resolved it, and the tree without what vmlinux never reads: the
# selftests, cr, the shared syscall header of tools/include/tools,
# Documentation and MAINTAINERS (objtool, the one part of tools/ a
# build uses, is pristine: the series does not touch it); for n also
# without the directories only CONFIG_CHECKPOINT=y builds
# (kernel/Makefile and arch/x86/Kbuild enter them only then).  So a test
# or a doc edit costs no prefix a rebuild, and the project's own patches
# mostly cost n nothing.
#
# Cost: a prefix whose patch touches a header much of the kernel
# includes (most hooks do) rebuilds most of the tinyconfig kernel, ~10
# min per config on two cores; the whole sweep of the series is ~5 h
# from cold.  Verdicts survive, so a run can be stopped and resumed.
key() {
	cfg=$(sha1sum <"$b/build-$1/.config" | cut -c1-16)
	skip="tools/testing|tools/restart|tools/include/tools|Documentation|MAINTAINERS"
	[ "$1" = y ] || skip="$skip|kernel/checkpoint|arch/x86/checkpoint"
	tree=$(git_s ls-tree -r "$2" | grep -v -E "	($skip)(/|\$)" | sha1sum | cut -c1-16)
	echo "$1-$cfg-$tree"
}

locked() {
	if [ -n "$LOCK" ]; then
		flock "$LOCK" "$@"
	else
		"$@"
	fi
}

status=0
for k in $want; do
	line=$(sed -n "${k}p" "$b/prefixes")
	[ -n "$line" ] || { echo "bisect-check: no prefix $k (the series has $total)"; status=1; continue; }
	commit=$(echo "$line" | cut -d' ' -f2)
	subj=$(echo "$line" | cut -d' ' -f3-)
	git -C "$src" checkout -q --detach "$commit"
	for c in $(echo "$C" | sed 's/./& /g'); do
		bd=$b/build-$c
		mkdir -p "$bd"
		eval frags=\$frags_"$c"
		# shellcheck disable=SC2086
		{ make -s -C "$src" ARCH=x86_64 O="$bd" tinyconfig >/dev/null &&
		  "$src/scripts/kconfig/merge_config.sh" -m -O "$bd" "$bd/.config" $frags >/dev/null &&
		  make -s -C "$src" ARCH=x86_64 O="$bd" olddefconfig >/dev/null; } || {
			echo "bisect-check: prefix $k: kconfig failed for $c"
			status=1
			continue
		}
		has=$(grep -q '^CONFIG_CHECKPOINT=y' "$bd/.config" && echo CHECKPOINT=y || echo CHECKPOINT=n)
		kk=$(key "$c" "$commit")
		if [ -f "$b/verdicts/$kk" ]; then
			v=$(cat "$b/verdicts/$kk")
			echo "bisect-check: prefix $k $c ($has): $v (cached $kk) $subj"
			continue
		fi
		log=$b/logs/$k-$c.log
		t0=$(date +%s)
		if locked nice -n 19 make -C "$src" ARCH=x86_64 O="$bd" -j"$(nproc)" \
			CC="ccache gcc" vmlinux >"$log" 2>&1; then
			v=pass
		else
			v=fail
		fi
		# Any compiler warning fails the prefix too: the pristine
		# source builds both configs without one.
		warns=$(grep -c ': warning:' "$log" || true)
		[ "$warns" -eq 0 ] || v=fail
		t=$(($(date +%s) - t0))
		# Only a pass is kept: a failure is rebuilt (incrementally)
		# next time, in case it was the machine's and not the tree's.
		[ "$v" != pass ] || echo "$v" >"$b/verdicts/$kk"
		echo "bisect-check: prefix $k $c ($has): $v in ${t}s, $warns warnings $subj"
		if [ "$v" != pass ]; then
			grep -E ': (warning|error):' "$log" | head -20 | sed 's/^/    /'
			[ "$warns" -gt 0 ] || tail -20 "$log" | sed 's/^/    /'
			status=1
		fi
	done
done
ccache -s 2>/dev/null | grep -E 'Hits|Misses|Cache size' | sed 's/^/bisect-check: ccache: /' || true
exit $status
