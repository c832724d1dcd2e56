#!/bin/sh
# Export the project as a git format-patch series against the pristine
# Debian source, then prove it: apply it to a freshly unpacked tree and
# run checkpatch --strict on every patch.  Fails on a patch that does not
# apply or on any checkpatch error; lists the warnings.
#
# Commit N of the series is patches/series entry N plus the new files
# that patches/newfiles assigns to it.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
tarball=/usr/src/linux-source-6.12.tar.xz
work=$top/out/series-work
dest=$top/out/series
verify=$top/out/series-verify
patches=$(grep -v '^#' "$top/patches/series" | sed '/^$/d')

rm -rf "$work" "$dest" "$verify"
mkdir -p "$work" "$dest" "$verify"
tar xJf "$tarball" -C "$verify" --strip-components=1

# The base commit holds only the upstream files the series modifies:
# format-patch output does not depend on the rest of the tree.
touched=$(for p in $patches; do
	sed -n 's|^+++ b/||p' "$top/patches/$p"
done | sort -u)
cd "$work"
git init -q
git config user.name "Checkpoint/Restart Team"
git config user.email "cr@localhost"
for f in $touched; do
	mkdir -p "$(dirname "$f")"
	cp "$verify/$f" "$f"
done
git add -A
git commit -q -m "pristine linux-source-6.12"

for p in $patches; do
	git apply --index "$top/patches/$p"
	for path in $(grep "^$p " "$top/patches/newfiles" | cut -d' ' -f2-); do
		(cd "$top" && git ls-files --cached --others --exclude-standard -- "$path") |
		while read -r f; do
			mkdir -p "$(dirname "$f")"
			cp "$top/$f" "$f"
			git add "$f"
		done
	done
	# Subject and body come from the patch file's own header.
	sed -n '/^Subject: /{s/^Subject: \(\[PATCH\] \)\{0,1\}//;p;q}' \
		"$top/patches/$p" >"$work/.msg"
	echo >>"$work/.msg"
	sed -n '/^$/,/^---$/p' "$top/patches/$p" | sed '1d;$d' >>"$work/.msg"
	git commit -q -F "$work/.msg"
done
rm -f "$work/.msg"
git format-patch -q --cover-letter -o "$dest" HEAD~"$(echo "$patches" | wc -l)"

# Cover letter: fill in what format-patch leaves as placeholders.
cover=$(ls "$dest"/0000-*)
sed -i -e 's/\*\*\* SUBJECT HERE \*\*\*/In-kernel checkpoint\/restart of containers/' \
	-e "/\*\*\* BLURB HERE \*\*\*/{r $top/patches/cover-letter.txt
d}" "$cover"

status=0
cd "$verify"
for f in "$dest"/0*.patch; do
	case "$f" in */0000-*) continue ;; esac
	if ! git apply --check "$f" 2>/dev/null && ! patch -s -p1 --dry-run <"$f" >/dev/null; then
		echo "series: ${f##*/} does not apply to the pristine tree"
		status=1
		continue
	fi
	patch -s -p1 <"$f"
	res=$(perl scripts/checkpatch.pl --strict --no-signoff --show-types "$f" 2>&1 || true)
	summary=$(echo "$res" | grep '^total: ' || echo "checkpatch printed no summary")
	echo "series: ${f##*/}: $summary"
	echo "$res" | grep -E -A1 '^(ERROR|WARNING|CHECK):' | grep -v '^--$' | sed 's/^/    /' || true
	case "$summary" in
	"total: 0 errors"*) ;;
	*) status=1 ;;
	esac
done
echo "series: $(ls "$dest" | wc -l) files in ${dest#"$top"/}"
exit $status
