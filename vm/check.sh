#!/bin/sh
# Run every test and print "N passed, N failed" last.
#
# Host-side checks (the file graph, sparse, a W=1 build of the series' objects under
# Debian's kernel config, the exported series, cr's unit tests and a
# bounded fuzzing run of its image parser) and two guest boots: the
# debug kernel runs the selftests, the CONFIG_CHECKPOINT=n kernel runs the
# compiled-out test.  A guest run fails on any "not ok", on a test binary
# that dies without reporting, on a timeout, and on any kernel splat or
# kmemleak report in its console log.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
out=$top/out
passed=0
failed=0
skipped=0

pass() { passed=$((passed + 1)); echo "PASS: $*"; }
fail() { failed=$((failed + 1)); echo "FAIL: $*"; }

host_check() {
	name=$1
	shift
	log=$out/check-$name.log
	if "$@" >"$log" 2>&1; then
		pass "$name"
	else
		fail "$name (see ${log#"$top"/})"
		tail -20 "$log" | sed 's/^/    /'
	fi
}

. "$top/vm/splat.sh"

guest_check() {
	name=$1 kernel=$2 mode=$3 limit=$4
	logdir=$out/vm-$name
	echo "vm: booting $name kernel (mode $mode)"
	start=$(date +%s)
	"$top/vm/run.sh" --kernel "$kernel" --initrd "$out/initramfs.cpio.gz" \
		--mode "$mode" --logdir "$logdir" --timeout "$limit"
	echo "vm: $name run took $(($(date +%s) - start))s"
	tap=$logdir/tap.log
	touch "$tap"

	# One result per TAP line; a binary that exits badly without any
	# "not ok" is a failure of its own.
	awk '
		{ sub(/\r$/, "") }
		/^# BEGIN / { bin = $3; nok[bin] = 0; next }
		/^# END /   { if ($4 != 0 && !nok[$3])
				print "F " $3 ": exited with status " $4
			      next }
		/^not ok /  { nok[bin]++; sub(/^not ok [0-9]+ /, "")
			      print "F " bin ": " $0; next }
		/^ok .*# SKIP/ { sub(/^ok [0-9]+ /, ""); print "S " bin ": " $0
			      next }
		/^ok /      { sub(/^ok [0-9]+ /, ""); print "P " bin ": " $0 }
	' "$tap" >"$logdir/results"
	while read -r verdict what; do
		case "$verdict" in
		P) pass "$what" ;;
		S) skipped=$((skipped + 1)); echo "SKIP: $what" ;;
		*) fail "$what" ;;
		esac
	done <"$logdir/results"

	if grep -q '^# VM TIMEOUT' "$tap"; then
		fail "$name: guest timed out after ${limit}s"
	elif ! grep -q '^# DONE' "$tap"; then
		fail "$name: guest did not finish (see ${logdir#"$top"/}/console.log)"
	fi
	if grep -Eq "$splat" "$logdir/console.log"; then
		fail "$name: kernel splat in ${logdir#"$top"/}/console.log"
		grep -E -m5 "$splat" "$logdir/console.log" | sed 's/^/    /'
	else
		pass "$name: no kernel splat"
	fi
}

# Layers point one way: no cycle among kernel/checkpoint's files, and
# the arch code calls only the image reader and writer.
host_check layers python3 "$top/build/file-graph.py"
host_check sparse make -C "$top" --no-print-directory sparse
host_check distro-build make -C "$top" --no-print-directory distro-build
host_check series "$top/build/series.sh"
host_check host-tests make -C "$top" --no-print-directory host-tests
host_check fuzz make -C "$top" --no-print-directory fuzz

guest_check nocr "$out/build/nocr/arch/x86/boot/bzImage" nocr 300
guest_check test "$out/build/test/arch/x86/boot/bzImage" check 1500

echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
