#!/bin/sh
# Build the guest's initramfs: static busybox, the init script, every
# static binary in the given bin directory, and the installed kselftest
# tree (make selftests) at /kselftest.
# usage: mkinitramfs.sh OUTPUT.cpio.gz BINDIR KSFTDIR
#
# The guest runs /kselftest/run_kselftest.sh (vm/init).  Besides the
# checkpoint collection the tree gets a "cr" one: vm/guest's *_test
# scripts, which test the cr tool in the guest, so that one runner and
# one TAP format cover every guest test.  /bin links to each installed
# checkpoint program (vm/init's fuzz mode runs /bin/kfuzz_prog), and
# /usr/bin/timeout is the one the runner looks for: the host's GNU
# timeout with the libraries it links, since busybox's knows no
# --foreground and exits 143, not 124, when time runs out.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
out=$1
bindir=$2
ksft=$3
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
# mktemp -d makes it 0700: the guest's / must be searchable by every
# user, or nothing but root can open a path at all.
chmod 755 "$stage"

if [ ! -x "$ksft/run_kselftest.sh" ] || [ ! -d "$ksft/checkpoint" ]; then
	echo "mkinitramfs: no installed kselftest tree in $ksft (make selftests)" >&2
	exit 1
fi

mkdir -p "$stage/bin" "$stage/dev" "$stage/proc" "$stage/sys" "$stage/tmp" \
	 "$stage/root" "$stage/etc" "$stage/usr/bin"
cp /bin/busybox "$stage/bin/busybox"
cp "$top/vm/init" "$stage/init"
chmod 755 "$stage/init"
for f in "$bindir"/*; do
	[ -f "$f" ] && [ -x "$f" ] && cp "$f" "$stage/bin/"
done
cp /usr/bin/timeout "$stage/usr/bin/timeout"
ldd /usr/bin/timeout | sed -n 's|.*[[:space:]]\(/[^[:space:]]*\) (0x.*|\1|p' |
while read -r lib; do
	mkdir -p "$stage/$(dirname "$lib")"
	cp -L "$lib" "$stage/$lib"
done

cp -a "$ksft" "$stage/kselftest"
for f in "$stage"/kselftest/checkpoint/*_test "$stage"/kselftest/checkpoint/*_prog; do
	[ -x "$f" ] && ln -s "/kselftest/checkpoint/${f##*/}" "$stage/bin/${f##*/}"
done
# The kernel fuzzer's seed corpus where kfuzz_prog looks by default.
cp "$ksft/checkpoint/kfuzz.corpus" "$stage/etc/"

mkdir -p "$stage/kselftest/cr"
for f in "$top"/vm/guest/*; do
	[ -f "$f" ] || continue
	case "${f##*/}" in
	*_test)
		cp "$f" "$stage/kselftest/cr/"
		chmod 755 "$stage/kselftest/cr/${f##*/}"
		echo "cr:${f##*/}" >>"$stage/kselftest/kselftest-list.txt"
		;;
	*)
		cp "$f" "$stage/bin/"
		chmod 755 "$stage/bin/${f##*/}"
		;;
	esac
done
# The cr tests' runs take seconds; the checkpoint collection's settings
# explain its own limit.
echo "timeout=300" >"$stage/kselftest/cr/settings"

(cd "$stage" && find . | LC_ALL=C sort | cpio -o -H newc --quiet -R 0:0) |
	gzip -1 >"$out.tmp"
mv "$out.tmp" "$out"
