# Shared by build/series-init.sh, series-sync.sh, series.sh: sourced.
# shellcheck shell=sh disable=SC2034 # the variables are for the scripts that source this
# The `series` branch holds one commit per patches/series entry, whose
# tree is the project's own files (the overlay) as they are once that
# patch is applied; a "Patch: <entry>" trailer ties a commit to its
# patches/series entry, whose file carries the upstream hunks.
top=$(cd "$(dirname "$0")/.." && pwd)
wt=$top/out/series-wt
owners=$top/patches/owners
# The cut, committed: the branch exported (format-patch), one file per
# commit, so that a clone rebuilds the same branch (series-init.sh).
cutdir=$top/patches/cut

series_entries() {
	grep -v '^#' "$top/patches/series" | sed '/^$/d'
}

# owners_rules: "glob id" lines, comments dropped.
owners_rules() {
	sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$owners" | awk '{ print $1, $2 }'
}

# owner_of PATH: the patches/series entry that adds PATH, or nothing.
owner_of() {
	owners_rules | while read -r glob id; do
		# shellcheck disable=SC2254
		case "$1" in
		$glob)
			series_entries | grep "^$id" | head -1
			break
			;;
		esac
	done
}

# overlay_files REV: the project's own files in REV (a commit of the
# repo), one a line: every file that an owners rule matches.
overlay_files() {
	globs=$(owners_rules | awk '{ print $1 }')
	git -C "$top" ls-tree -r --name-only "$1" | while read -r f; do
		set -f	# the globs are patterns here, not file names
		for g in $globs; do
			# shellcheck disable=SC2254
			case "$f" in
			$g)
				echo "$f"
				break
				;;
			esac
		done
	done
}

# The pathspec of the overlay for git diff: the rules' globs as git
# globs ("*" of a shell glob crosses "/", git's "**" does).
overlay_pathspec() {
	owners_rules | awk '{ g = $1; gsub(/\*/, "**", g); print ":(glob)" g }'
}

# commit_of ENTRY: the commit of the series branch carrying ENTRY.
commit_of() {
	git -C "$top" log --format='%H %(trailers:key=Patch,valueonly,separator=%x20)' \
		series-base..series | awk -v e="$1" '$2 == e { print $1 }'
}

# The message of a patches/series entry, from its file's header.
patch_message() {
	sed -n '/^Subject: /{s/^Subject: \(\[PATCH[^]]*\] \)\{0,1\}//;p;q}' "$top/patches/$1"
	echo
	sed -n '/^$/,/^---$/p' "$top/patches/$1" | sed '1d;$d'
}

# Who signs off and commits: the repo's git identity, or, in a clone
# that has none (CI), the author of main's HEAD.
ident_name=$(git -C "$top" config user.name || git -C "$top" log -1 --format=%an)
ident_email=$(git -C "$top" config user.email || git -C "$top" log -1 --format=%ae)
GIT_AUTHOR_NAME=$ident_name GIT_COMMITTER_NAME=$ident_name
GIT_AUTHOR_EMAIL=$ident_email GIT_COMMITTER_EMAIL=$ident_email
export GIT_AUTHOR_NAME GIT_COMMITTER_NAME GIT_AUTHOR_EMAIL GIT_COMMITTER_EMAIL

signer() {
	echo "$ident_name <$ident_email>"
}

# export_cut: write the branch to patches/cut, replacing what is there.
# Empty commits (a hook's entry whose files are all upstream) are kept.
export_cut() {
	mkdir -p "$cutdir"
	rm -f "$cutdir"/*.patch
	git -C "$top" format-patch -q --always --zero-commit --no-signature \
		-o "$cutdir" series-base..series
}

# have_cut: whether patches/cut holds a cut.
have_cut() {
	ls "$cutdir"/*.patch >/dev/null 2>&1
}

# The marker of a commit series-sync could not place: make series
# refuses a branch that has one.
unplaced_subject="UNPLACED: series-sync could not place these hunks"
