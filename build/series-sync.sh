#!/bin/sh
# Bring the `series` branch up to date with main: the project's files
# as they are in main's HEAD (commit what you want synced first) become
# the tip of the branch, and every change is placed into the commit of
# the branch it belongs to.  Works in the worktree out/series-wt.
#
#  1. An entry of patches/series that has no commit on the branch gets
#     an empty one at its place, with the message of its patch file.
#  2. The difference between main and the branch is staged, and
#     git absorb turns each hunk into a fixup of the commit that last
#     touched its lines (when exactly one did).
#  3. A new file becomes a fixup of the commit of its patches/owners
#     entry.
#  4. What is left (a hunk of lines several commits touched, or of lines
#     no commit did, a file no owners rule names) is committed at the
#     tip as "UNPLACED: ...", which make series refuses: move its hunks
#     by hand (see "Cutting the series" in
#     build/series-init.sh).
#  5. The fixups are squashed (rebase -i --autosquash, non-interactive).
#  6. The branch is written to patches/cut (commit it: a clone builds
#     the branch from it), unless an UNPLACED commit is left -- once
#     there is a cut: the first is written with CUT=1, when the branch
#     first holds more than patches/owners says.
# Every placement is printed: hunk by hunk, the commit it went into.
set -eu
# shellcheck source=build/series-lib.sh
. "$(dirname "$0")/series-lib.sh"
cd "$top"

fail() {
	echo "series-sync: $*" >&2
	exit 1
}
wgit() { git -C "$wt" "$@"; }

git rev-parse -q --verify refs/heads/series >/dev/null ||
	fail "no branch series: run build/series-init.sh"
if [ ! -d "$wt" ]; then
	git worktree prune
	git worktree add -q "$wt" series
fi
[ "$(wgit rev-parse --abbrev-ref HEAD)" = series ] ||
	fail "${wt#"$top"/} is not on branch series (a rebase in progress? finish or abort it there)"
[ -z "$(wgit status --porcelain)" ] ||
	fail "${wt#"$top"/} has uncommitted changes: commit or drop them there first"

src=$(git rev-parse HEAD)
start=$(wgit rev-parse HEAD)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# ---- 1. entries of patches/series missing on the branch ----
wgit log --reverse --format='%H %(trailers:key=Patch,valueonly,separator=%x20)' \
	series-base..series | awk 'NF == 2' >"$tmp/have"
for e in $(awk '{ print $2 }' "$tmp/have"); do
	series_entries | grep -qx "$e" ||
		fail "series commit for $e, which patches/series no longer lists: drop or rename it by hand (git -C ${wt#"$top"/} rebase -i series-base)"
done
# The todo edit: after the pick of the commit of the entry before a
# missing one (or before every pick, for a missing first entry), an
# exec that commits the missing entry, empty, with its message.
prev=
: >"$tmp/inserts"
for e in $(series_entries); do
	c=$(awk -v e="$e" '$2 == e { print $1 }' "$tmp/have")
	if [ -n "$c" ]; then
		prev=$c
		continue
	fi
	patch_message "$e" >"$tmp/msg-$e"
	git interpret-trailers --in-place --trailer "Patch: $e" \
		--trailer "Signed-off-by: $(signer)" "$tmp/msg-$e"
	echo "${prev:-top} exec git commit -q --allow-empty -F $tmp/msg-$e" >>"$tmp/inserts"
	if [ -n "$prev" ]; then
		after=$(wgit log -1 --format=%s "$prev")
	else
		after=series-base
	fi
	echo "series-sync: new entry $e: an empty commit after \"$after\""
done
if [ -s "$tmp/inserts" ]; then
	cat >"$tmp/edit-todo" <<-'EOT'
	#!/bin/sh
	# $1: the rebase todo.  Inserts from $INSERTS ("<commit|top> <line>").
	awk -v ins="$INSERTS" '
	BEGIN { while ((getline l < ins) > 0) { k = l; sub(/ .*/, "", k); sub(/^[^ ]* /, "", l); add[k] = add[k] l "\n" } }
	NR == 1 && ("top" in add) { printf "%s", add["top"] }
	{ print }
	$1 == "pick" { for (k in add) if (k != "top" && index(k, $2) == 1) printf "%s", add[k] }
	' "$1" >"$1.new" && mv "$1.new" "$1"
	EOT
	chmod +x "$tmp/edit-todo"
	INSERTS=$tmp/inserts GIT_SEQUENCE_EDITOR=$tmp/edit-todo \
		wgit rebase -q -i --keep-empty series-base >"$tmp/rebase.log" 2>&1 ||
		fail "inserting the new entries failed; the rebase is left in ${wt#"$top"/} (git -C ${wt#"$top"/} rebase --abort undoes it)"
fi

# ---- 2. stage main's project files ----
overlay_files "$src" >"$tmp/want"
wgit ls-files >"$tmp/have-files"
comm -13 "$tmp/want" "$tmp/have-files" | while read -r f; do
	wgit rm -q -- "$f"
done
xargs -r git -C "$wt" checkout "$src" -- <"$tmp/want"
if wgit diff --cached --quiet; then
	echo "series-sync: series already holds main's project files ($(git rev-parse --short "$src"))"
	if have_cut || [ "${CUT:-0}" = 1 ]; then
		export_cut
		[ -z "$(git status --porcelain -- "$cutdir")" ] ||
			echo "series-sync: patches/cut written from the branch: commit it"
	fi
	exit 0
fi
before=$(wgit rev-parse HEAD)
wgit diff --cached --stat | tail -1 | sed 's/^ */series-sync: to place:/'

# ---- 3. git absorb, then new files by patches/owners ----
wgit -c absorb.maxStack=1000 absorb --base series-base 2>"$tmp/absorb.log" || {
	cat "$tmp/absorb.log" >&2
	fail "git absorb failed"
}
# (--no-renames: a moved file is a new one and a deleted one here.)
wgit diff --cached --no-renames --name-only --diff-filter=A | while read -r f; do
	o=$(owner_of "$f")
	[ -n "$o" ] || continue
	c=$(commit_of "$o")
	[ -n "$c" ] || continue
	wgit commit -q --fixup="$c" -- "$f"
done
# A deleted file goes with the commit that added it, when no later one
# changed it; else its prefixes would lose a change: by hand.
wgit diff --cached --no-renames --name-only --diff-filter=D | while read -r f; do
	added=$(wgit log --format=%H --diff-filter=A series-base..HEAD -- "$f" | tail -1)
	last=$(wgit log -1 --format=%H series-base..HEAD -- "$f")
	[ -n "$added" ] && [ "$added" = "$last" ] || continue
	wgit commit -q --fixup="$added" -- "$f"
done

# ---- 4. the rest ----
if ! wgit diff --cached --quiet; then
	u=$(wgit log --format='%H %s' series-base..HEAD | awk -v s="$unplaced_subject" 'substr($0, 42) == s { print $1; exit }')
	if [ -n "$u" ]; then
		wgit commit -q --fixup="$u"
	else
		printf '%s\n\nMove each hunk to its patch (build/series-sync.sh).\n' "$unplaced_subject" |
			wgit commit -q -F -
	fi
fi

# ---- print the placements ----
for c in $(wgit rev-list --reverse "$before..HEAD"); do
	s=$(wgit log -1 --format=%s "$c")
	case "$s" in
	"fixup! "*) to=${s#fixup! } ;;
	*) to=$s ;;
	esac
	[ "$to" != "$unplaced_subject" ] || to="UNPLACED (make series refuses until moved)"
	wgit show --format= -U0 "$c" | awk -v to="$to" '
		/^diff --git/ { f = $4; sub(/^b\//, "", f); nf = 0; next }
		/^new file/ { nf = 1; next }
		/^deleted file/ { printf "series-sync: %s (deleted) -> %s\n", f, to; nf = 2; next }
		/^@@/ { if (nf == 1) printf "series-sync: %s (new file) -> %s\n", f, to
			else if (nf == 0) printf "series-sync: %s %s %s -> %s\n", f, $2, $3, to
			if (nf == 1) nf = 2 }'
done

# ---- 5. squash ----
if ! GIT_SEQUENCE_EDITOR=: wgit rebase -q -i --autosquash --keep-empty series-base; then
	wgit rebase --abort || true
	fail "squashing the fixups failed (a conflict): the fixup commits stay on series, which make series refuses; squash them by hand (git -C ${wt#"$top"/} rebase -i --autosquash series-base)"
fi
# shellcheck disable=SC2046 # pathspecs, one a word
git diff --quiet series "$src" -- $(overlay_pathspec) ||
	fail "after the sync the branch still differs from main: a bug of this script"
echo "series-sync: series $(git rev-parse --short "$start") -> $(git rev-parse --short series), = main's project files at $(git rev-parse --short "$src")"
if wgit log --format=%s series-base..series | grep -qxF "$unplaced_subject"; then
	echo "series-sync: the UNPLACED commit needs placing by hand before make series"
	exit 0
fi
if have_cut || [ "${CUT:-0}" = 1 ]; then
	export_cut
	echo "series-sync: patches/cut written from the branch: commit it"
fi
