#!/bin/sh
# make fuzz-campaign: one more segment of a long fuzzing campaign of
# restart(2).  A million restarts take the fuzzer about eight hours
# under TCG (35 restarts/s on two vCPUs; a restart costs at least
# ~20 ms of namespace set-up and teardown), longer than a working
# session, so the long run is cut into segments that go on from where
# the last one stopped: each starts from the corpus all the segments
# before it grew (its seed pass runs every input of it again), with a
# random seed of its own, and runs at nice 19 beside other work,
# standing still whenever the project's builds and test boots hold
# /tmp/cr-build.lock (vm/vm-yield.sh): SECONDS are fuzzing seconds.
#
# The campaign's record is kept in git, in notes/fuzz-campaign/ (the
# machine that runs a segment may be a new one): corpus (one input a
# line, recipes of a few dozen bytes) and segments.log (one line per
# finished segment: when, the commit, its figures), and findings/seg-N.log
# for a segment that failed; commit them after a segment.  Each segment's logs go to out/fuzz-campaign/seg-N/.  Prints
# the campaign's totals; fails as fuzz-kernel.sh does on any finding.
#
# usage: fuzz-campaign.sh SECONDS
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
dir=$top/notes/fuzz-campaign
secs=$1
mkdir -p "$dir" "$top/out/fuzz-campaign"
touch "$dir/segments.log"
[ -f "$dir/corpus" ] ||
	cp "$top/tools/testing/selftests/checkpoint/kfuzz.corpus" "$dir/corpus"
n=$(($(wc -l <"$dir/segments.log") + 1))
seg=$top/out/fuzz-campaign/seg-$n
commit=$(git -C "$top" describe --always --dirty 2>/dev/null || echo unknown)

FUZZ_CORPUS=$dir/corpus FUZZ_SEED=$(($(date +%s) + n)) FUZZ_LOGDIR=$seg \
	FUZZ_YIELD_LOCK=${FUZZ_YIELD_LOCK:-} \
	nice -n 19 "$top/vm/fuzz-kernel.sh" "$secs"
rc=$?

stats=$(sed -n 's/\r$//; s/^# KFUZZ-STATS //p' "$seg/tap.log" | tail -1)
if [ -z "$stats" ]; then
	echo "campaign: segment $n left no figures (see ${seg#"$top"/})"
	exit 1
fi
# Inputs already in the corpus are not added twice.
sort -u "$dir/corpus" "$seg/corpus.new" >"$dir/corpus.tmp" &&
	mv "$dir/corpus.tmp" "$dir/corpus"
echo "$(date -u +%FT%TZ) seg=$n commit=$commit rc=$rc $stats" >>"$dir/segments.log"
# out/ does not outlive the machine: a finding's line (it carries the
# input's recipe) and the end of the guest's console go into git too.
if [ "$rc" -ne 0 ]; then
	mkdir -p "$dir/findings"
	{
		echo "# segment $n, $commit, rc=$rc"
		sed -n 's/\r$//; /KFUZZ-FINDING/p; /^not ok/p' "$seg/tap.log"
		echo "# the last 300 lines of the guest's console"
		tail -n 300 "$seg/console.log" 2>/dev/null
	} >"$dir/findings/seg-$n.log"
	echo "campaign: findings kept in ${dir#"$top"/}/findings/seg-$n.log"
fi

awk '/ counted=no/ { next }
{
	for (i = 1; i <= NF; i++) {
		split($i, kv, "=")
		if (kv[1] == "restarts") r += kv[2]
		if (kv[1] == "accepted") a += kv[2]
		if (kv[1] == "secs") s += kv[2]
		if (kv[1] == "pcs" && kv[2] > p) p = kv[2]
		if (kv[1] == "edges" && kv[2] > e) e = kv[2]
		if (kv[1] == "rc" && kv[2] != 0) f++
	}
	n++
} END {
	printf "campaign: %d segments, %d restarts (%d accepted) in %d s of fuzzing, ", n, r, a, s
	printf "at most %d PCs and %d edges in one segment, %d segments with findings\n", p, e, f
}' "$dir/segments.log"
echo "campaign: corpus $(wc -l <"$dir/corpus") inputs in ${dir#"$top"/}/corpus"
exit $rc
