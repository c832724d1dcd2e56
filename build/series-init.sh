#!/bin/sh
# Build the `series` branch: from the committed cut, patches/cut (the
# branch as series-sync.sh last exported it), when there is one; else
# from today's layout: one commit per
# patches/series entry, on a root commit with an empty tree (branch
# series-base), each adding the project's files that patches/owners
# assigns to it, as they are in main's HEAD, with the message of its
# patch file, a "Patch:" trailer naming the entry and a Signed-off-by
# of the repo's git identity.  Works in the worktree out/series-wt, so
# /work/main never leaves its branch.
#
# The branch then is where the series is cut: refuses to overwrite an
# existing one unless FORCE=1 (which keeps the old one as series-prev).
#
# Cutting the series.  Work in out/series-wt (branch series), never in
# /work/main; K and J are commits of the branch, K before J.  The tip
# must stay equal to main's project files (make series checks it).
# - Reword a changelog: git rebase -i series-base, "reword"; keep the
#   Patch: and Signed-off-by: trailers.
# - Give commit K only part of file F, the rest to the later J (the
#   re-cut's common case: 0006 holds everything today):
#     git rebase -i series-base            # "edit" K
#     (edit F to K's version; git rm F if K should not have it at all)
#     git commit --amend -a --no-edit && git rebase --continue
#     git checkout main -- F               # back to main's F at the tip
#     git commit --fixup=J -- F
#     GIT_SEQUENCE_EDITOR=: git rebase -i --autosquash series-base
#   For a whole file, change its patches/owners rule too, so that later
#   new files beside it follow.
# - Move a hunk from J to the earlier K: first out of J (at the tip:
#   delete the hunk, git commit -a --fixup=J, autosquash as above), then
#   into K (git rebase -i, "edit" K, put the hunk back, git commit
#   --amend -a --no-edit, git rebase --continue; a conflict in a later
#   commit means it touched the hunk's context: keep that commit's
#   lines).  git diff main -- <file> must then be empty.
# - Split a commit into two patches: git rebase -i, "edit" it,
#   git reset HEAD^, then git add -p / git commit twice, each message
#   with its changelog and Signed-off-by; the one with upstream hunks
#   keeps the "Patch:" trailer (a patch that has none, only the
#   project's files, needs neither a trailer nor a patches/series entry).
# - A new patches/series entry: make series-sync gives it an empty
#   commit at its place; then move its files and hunks into it as above.
# - Re-export: commit on main, make series-sync (places main's new
#   hunks, prints where, and writes the branch to patches/cut), make
#   series, make bisect-check P=<range>; then commit patches/cut: it is
#   what a clone (CI) builds the branch from.  After editing the branch
#   by hand, make series-sync writes patches/cut again.
set -eu
# shellcheck source=build/series-lib.sh
. "$(dirname "$0")/series-lib.sh"
cd "$top"

if git rev-parse -q --verify refs/heads/series >/dev/null; then
	if [ "${FORCE:-0}" != 1 ]; then
		echo "series-init: the branch series exists; FORCE=1 rebuilds it (keeping it as series-prev)" >&2
		exit 1
	fi
	git branch -f series-prev series
fi
if [ -d "$wt" ]; then
	# Not ours when out/ came from another clone: then just remove it.
	git worktree remove --force "$wt" 2>/dev/null || rm -rf "$wt"
fi
git worktree prune

empty=$(git hash-object -t tree /dev/null)
base=$(GIT_AUTHOR_DATE='2024-11-17T00:00:00Z' GIT_COMMITTER_DATE='2024-11-17T00:00:00Z' \
	git commit-tree "$empty" -m "series: base, an empty tree")
git branch -f series-base "$base"
git worktree add -q -B series "$wt" "$base"

src=$(git rev-parse HEAD)

# ---- from the committed cut ----
if have_cut; then
	git -C "$wt" am -q --empty=keep --committer-date-is-author-date \
		"$cutdir"/*.patch ||
		{ git -C "$wt" am --abort; echo "series-init: patches/cut does not apply" >&2; exit 1; }
	echo "series-init: series = patches/cut, $(ls "$cutdir"/*.patch | wc -l) commits; worktree ${wt#"$top"/}"
	# shellcheck disable=SC2046 # pathspecs, one a word
	git diff --quiet series "$src" -- $(overlay_pathspec) ||
		echo "series-init: main's project files changed since the cut: make series-sync places them"
	exit 0
fi

# ---- from main's layout, by patches/owners ----
files=$(mktemp)
msg=$(mktemp)
trap 'rm -f "$files" "$files.own" "$msg"' EXIT
overlay_files "$src" >"$files"
# "path entry" a line; entry "-" for a path no rule names an entry for.
while read -r f; do
	o=$(owner_of "$f")
	echo "$f ${o:--}"
done <"$files" >"$files.own"
unowned=$(awk '$2 == "-" { print $1 }' "$files.own")
if [ -n "$unowned" ]; then
	echo "series-init: no patches/owners rule names a series entry for:" >&2
	echo "$unowned" | sed 's/^/    /' >&2
	exit 1
fi

for p in $(series_entries); do
	mine=$(awk -v p="$p" '$2 == p { print $1 }' "$files.own")
	if [ -n "$mine" ]; then
		# shellcheck disable=SC2086
		git -C "$wt" checkout "$src" -- $mine
	fi
	patch_message "$p" >"$msg"
	git interpret-trailers --in-place --trailer "Patch: $p" \
		--trailer "Signed-off-by: $(signer)" "$msg"
	git -C "$wt" commit -q --allow-empty -F "$msg"
	echo "series-init: $(git -C "$wt" log -1 --format=%h) $p: $(echo "$mine" | sed '/^$/d' | wc -l) files"
done

# shellcheck disable=SC2046 # pathspecs, one a word
if ! git diff --quiet series "$src" -- $(overlay_pathspec); then
	echo "series-init: the branch's tip differs from $src in the overlay" >&2
	exit 1
fi
echo "series-init: series = main's overlay at $(git rev-parse --short "$src"); worktree ${wt#"$top"/}"
