#!/bin/sh
# Export the project as a git format-patch series against the pristine
# Debian source, then prove it: apply it to a freshly unpacked tree and
# run checkpatch --strict on every patch.  Fails on a patch that does not
# apply, on any checkpatch error (warnings are listed), and on a `series`
# branch that does not match main or is not placed yet.
#
# Commit N of the export is commit N of the `series` branch
# (build/series-init.sh): the upstream hunks of the patches/series entry
# its "Patch:" trailer names, plus the branch commit's own diff of the
# project's files, with the branch commit's message, the trailer
# dropped, signed off by the repo's git identity.
set -eu
# shellcheck source=build/series-lib.sh
. "$(dirname "$0")/series-lib.sh"
tarball=/usr/src/linux-source-6.12.tar.xz
work=$top/out/series-work
dest=$top/out/series
verify=$top/out/series-verify
cd "$top"

fail() {
	echo "series: $*" >&2
	exit 1
}

# ---- the branch must be whole, placed and current ----
# A clone has only main: the branch is then built from the committed
# cut (patches/cut), or from main's layout (patches/owners) before the
# first cut.  Project files committed since the cut are placed by
# series-sync, as the developer would; only what it cannot place fails.
if ! git rev-parse -q --verify refs/heads/series >/dev/null; then
	echo "series: no branch series here: building it (build/series-init.sh)"
	"$top/build/series-init.sh" >"$top/out/series-init.log" 2>&1 ||
		{ cat "$top/out/series-init.log" >&2; fail "build/series-init.sh failed"; }
fi
# shellcheck disable=SC2046 # pathspecs, one a word
if ! git diff --quiet series HEAD -- $(overlay_pathspec); then
	echo "series: the branch is behind main's project files: make series-sync"
	"$top/build/series-sync.sh" >"$top/out/series-sync.log" 2>&1 ||
		{ cat "$top/out/series-sync.log" >&2; fail "build/series-sync.sh failed"; }
	grep -E 'UNPLACED|patches/cut' "$top/out/series-sync.log" | sed 's/^/series: /'
fi
commits=$(git rev-list --reverse series-base..series)
for c in $commits; do
	s=$(git log -1 --format=%s "$c")
	[ "$s" != "$unplaced_subject" ] ||
		fail "commit $(git rev-parse --short "$c") of series holds hunks series-sync could not place: place them (see build/series-sync.sh) and run make series again"
	case "$s" in
	fixup!* | squash!* | amend!*)
		fail "commit $(git rev-parse --short "$c") of series is \"$s\": squash it (git -C ${wt#"$top"/} rebase -i --autosquash series-base)"
		;;
	esac
done
onbranch=$(git log --reverse --format='%(trailers:key=Patch,valueonly,separator=%x20)' \
	series-base..series | sed '/^$/d')
[ "$onbranch" = "$(series_entries)" ] ||
	fail "the Patch: trailers of series are not patches/series, in order: run make series-sync"
# shellcheck disable=SC2046 # pathspecs, one a word
git diff --quiet series HEAD -- $(overlay_pathspec) ||
	fail "series is stale against $(git rev-parse --abbrev-ref HEAD) in the project's files: run make series-sync and commit patches/cut"
# shellcheck disable=SC2046 # pathspecs, one a word
if ! git diff --quiet HEAD -- $(overlay_pathspec) ||
	[ -n "$(git ls-files --others --exclude-standard -- $(overlay_pathspec))" ]; then
	echo "series: note: uncommitted changes to the project's files in $top are not exported"
fi

rm -rf "$work" "$dest" "$verify"
mkdir -p "$work" "$dest" "$verify"
tar xJf "$tarball" -C "$verify" --strip-components=1

# The base commit holds only the upstream files the series modifies:
# format-patch output does not depend on the rest of the tree.
touched=$(for p in $(series_entries); do
	sed -n 's|^+++ b/||p' "$top/patches/$p"
done | sort -u)
git -C "$work" init -q
git -C "$work" config user.name "$ident_name"
git -C "$work" config user.email "$ident_email"
for f in $touched; do
	mkdir -p "$work/$(dirname "$f")"
	cp "$verify/$f" "$work/$f"
done
git -C "$work" add -A
git -C "$work" commit -q -m "pristine linux-source-6.12"

msg=$work/.git/cr-msg
n=0
for c in $commits; do
	n=$((n + 1))
	p=$(git log -1 --format='%(trailers:key=Patch,valueonly,separator=%x20)' "$c" | sed '/^$/d')
	if [ -n "$p" ]; then
		git -C "$work" apply --index --allow-empty "$top/patches/$p" ||
			fail "patches/$p does not apply at commit $n"
	fi
	git diff --binary "$c^" "$c" | git -C "$work" apply --index --allow-empty ||
		fail "the diff of series commit $(git rev-parse --short "$c") does not apply at commit $n"
	git log -1 --format=%B "$c" | sed '/^Patch: /d' >"$msg"
	git interpret-trailers --in-place --if-exists addIfDifferent \
		--trailer "Signed-off-by: $(signer)" "$msg"
	git -C "$work" commit -q --allow-empty -F "$msg"
	# The branch's message is the one exported; say so when the patch
	# file's header has drifted from it (it is the one reviewers of the
	# patch file read).
	if [ -n "$p" ] && [ "$(patch_message "$p" | git stripspace)" != \
		"$(sed '/^Signed-off-by: /d' "$msg" | git stripspace)" ]; then
		echo "series: note: the changelog of $p differs from series commit $(git rev-parse --short "$c"); the branch's is exported"
	fi
done
git -C "$work" format-patch -q --cover-letter -o "$dest" HEAD~"$n"

# Cover letter: fill in what format-patch leaves as placeholders.
cover=$(ls "$dest"/0000-*)
sed -i -e 's/\*\*\* SUBJECT HERE \*\*\*/In-kernel checkpoint\/restart of containers/' \
	-e "/\*\*\* BLURB HERE \*\*\*/{r $top/patches/cover-letter.txt
d}" "$cover"

status=0
cd "$verify"
for f in "$dest"/0*.patch; do
	case "$f" in */0000-*) continue ;; esac
	if ! git apply --check "$f" 2>/dev/null; then
		echo "series: ${f##*/} does not apply to the pristine tree"
		status=1
		continue
	fi
	git apply "$f"
	res=$(perl scripts/checkpatch.pl --strict --show-types "$f" 2>&1 || true)
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
