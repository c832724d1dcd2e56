#!/bin/sh
# Bring out/linux up to date with the project: unpack the pristine
# Debian source once, keep patches/series applied, and copy the project's
# new files over it.  Only files whose content changed are touched, so
# kbuild rebuilds incrementally.
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
tarball=/usr/src/linux-source-6.12.tar.xz
src=${SRC:-$top/out/linux}
state=$src/.cr-state

pkgver=$(dpkg-query -W -f='${Version}' linux-source-6.12)

if [ "$(cat "$state/version" 2>/dev/null)" != "$pkgver" ]; then
	echo "tree: unpacking linux-source-6.12 $pkgver into ${src#"$top"/}"
	rm -rf "$src"
	mkdir -p "$src"
	tar xJf "$tarball" -C "$src" --strip-components=1
	mkdir -p "$state/applied"
	echo "$pkgver" >"$state/version"
fi

# Patches: keep the longest prefix of the applied series that still
# matches patches/series, unwind the rest with the saved copies, and
# apply what follows.  Only the diffs are compared, so editing a
# changelog, or adding a patch at the end, rebuilds little.  A diff
# starts at its first "diff " line, or its first "--- " line in a patch
# made without git (0004 and 0005 have none): compared from "diff "
# only, such a patch had no diff at all, and an edit to it was missed.
diff_of() { sed -n '/^\(diff \|--- \)/,$p' "$1"; }
want=$(cd "$top/patches" && grep -v '^#' series | sed '/^$/d')
have=$(cat "$state/applied/series" 2>/dev/null || true)
keep=0
set -- $want
for p in $have; do
	[ "$p" = "${1:-}" ] && [ -f "$state/applied/$p" ] &&
		[ "$(diff_of "$top/patches/$p")" = "$(diff_of "$state/applied/$p")" ] ||
		break
	keep=$((keep + 1))
	shift
done
n=0
for p in $have; do
	n=$((n + 1))
done
# Files the patches to unapply touch, with their contents' hash and
# mtime: one that comes back the same once the new patches are applied
# (a patch moved in the series, or its changelog edited) gets its mtime
# back, so that kbuild does not rebuild what includes it.
stamps=$(mktemp)
i=0
for p in $have; do
	i=$((i + 1))
	[ "$i" -gt "$keep" ] || continue
	sed -n 's|^+++ b/\([^	]*\).*|\1|p' "$state/applied/$p"
done | sort -u | while read -r f; do
	[ -f "$src/$f" ] &&
		echo "$(sha1sum <"$src/$f" | cut -d' ' -f1) $(stat -c %Y "$src/$f") $f"
done >"$stamps"
for p in $(echo "$have" | tac); do
	[ "$n" -gt "$keep" ] || break
	echo "tree: unapplying $p"
	[ -z "$(diff_of "$state/applied/$p")" ] ||
		patch -s -R -p1 -d "$src" <"$state/applied/$p"
	rm -f "$state/applied/$p"
	n=$((n - 1))
done
n=0
for p in $want; do
	n=$((n + 1))
	[ "$n" -gt "$keep" ] || continue
	echo "tree: applying $p"
	# A kind patch that touches no upstream file has a changelog and
	# no diff (patch(1) calls that garbage).
	[ -z "$(diff_of "$top/patches/$p")" ] ||
		patch -s -p1 -N -d "$src" <"$top/patches/$p"
	cp "$top/patches/$p" "$state/applied/$p"
done
echo "$want" >"$state/applied/series"
while read -r sum mtime f; do
	[ -f "$src/$f" ] &&
		[ "$(sha1sum <"$src/$f" | cut -d' ' -f1)" = "$sum" ] &&
		touch -d "@$mtime" "$src/$f"
done <"$stamps"
rm -f "$stamps"

# Overlay: copy changed files, drop files the project no longer has.
new_manifest=$(mktemp)
trap 'rm -f "$new_manifest"' EXIT
cd "$top"
grep -v '^#' patches/newfiles | cut -d' ' -f2- | tr ' ' '\n' |
while read -r path; do
	[ -n "$path" ] && [ -e "$path" ] || continue
	git ls-files --cached --others --exclude-standard -- "$path"
done | sort -u >"$new_manifest"

while read -r f; do
	[ -f "$f" ] || continue
	if ! cmp -s "$f" "$src/$f"; then
		install -D -m 644 "$f" "$src/$f"
	fi
done <"$new_manifest"

if [ -f "$state/overlay" ]; then
	comm -23 "$state/overlay" "$new_manifest" | while read -r f; do
		echo "tree: removing $f"
		rm -f "$src/$f"
	done
fi
cp "$new_manifest" "$state/overlay"
