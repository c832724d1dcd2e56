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

mkdir -p "$stage/bin" "$stage/dev" "$stage/proc" "$stage/sys" "$stage/tmp" \
	 "$stage/root" "$stage/etc"
cp /bin/busybox "$stage/bin/busybox"
cp "$top/vm/init" "$stage/init"
chmod 755 "$stage/init"
for f in "$bindir"/*; do
	[ -f "$f" ] && [ -x "$f" ] && cp "$f" "$stage/bin/"
done
for f in "$top"/vm/guest/*; do
	[ -f "$f" ] && cp "$f" "$stage/bin/" && chmod 755 "$stage/bin/${f##*/}"
done
(cd "$stage" && find . | LC_ALL=C sort | cpio -o -H newc --quiet -R 0:0) |
	gzip -1 >"$out.tmp"
mv "$out.tmp" "$out"
