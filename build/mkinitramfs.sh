#!/bin/sh
# Build the guest's initramfs: static busybox, the init script, and every
# static binary in the given bin directory.
# usage: mkinitramfs.sh OUTPUT.cpio.gz BINDIR
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
out=$1
bindir=$2
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
# mktemp -d makes it 0700: the guest's / must be searchable by every
# user, or nothing but root can open a path at all.
chmod 755 "$stage"

mkdir -p "$stage/bin" "$stage/dev" "$stage/proc" "$stage/sys" "$stage/tmp" \
	 "$stage/root" "$stage/etc"
cp /bin/busybox "$stage/bin/busybox"
cp "$top/vm/init" "$stage/init"
chmod 755 "$stage/init"
for f in "$bindir"/*; do
	[ -f "$f" ] && [ -x "$f" ] && cp "$f" "$stage/bin/"
done
# The kernel fuzzer's seed corpus (kfuzz_prog.c).
cp "$top/tools/testing/selftests/checkpoint/kfuzz.corpus" "$stage/etc/"
for f in "$top"/vm/guest/*; do
	[ -f "$f" ] && cp "$f" "$stage/bin/" && chmod 755 "$stage/bin/${f##*/}"
done
(cd "$stage" && find . | LC_ALL=C sort | cpio -o -H newc --quiet -R 0:0) |
	gzip -1 >"$out.tmp"
mv "$out.tmp" "$out"
