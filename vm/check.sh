#!/bin/sh
# Run every test and print "N passed, N failed" last.
#
# Host-side checks (the file graph, sparse, a W=1 build of the series' objects under
# Debian's kernel config, the exported series, cr's unit tests and a
# bounded fuzzing run of its image parser) and two guest boots: the
# debug kernel runs the selftests, the CONFIG_CHECKPOINT=n kernel runs the
# compiled-out test and sees every other selftest skip.  The guest runs
# them under the kselftest runner (vm/init).  A guest run fails on any
# "not ok", on a test program that dies or exits without reporting, on
# a timeout, on a program the runner planned but never reported, and on
# any kernel splat or kmemleak report in its console log.
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

	# The runner's TAP: "1..N" per collection, then for each program
	# "# selftests: COLLECTION: NAME", the program's own TAP with "# "
	# before each line, and "ok|not ok K selftests: COLLECTION: NAME"
	# with "# SKIP", "# TIMEOUT ..." or "# exit=N".  One result per
	# result line of a program; the program's own line adds one only
	# when it tells something its results do not: a timeout, a bad exit
	# without any "not ok", a skip or exit 0 without any result.  On
	# the nocr kernel a whole program's skip is what it should do, but
	# compiled_out_test's.
	awk -v nocr="$([ "$mode" = nocr ] && echo 1)" '
		{ sub(/\r$/, "") }
		/^1\.\.[0-9]+$/ { planned += substr($0, 4); next }
		/^# selftests: [^ ]+: [^ ]+$/ {
			bin = $4; nres = nok = 0; why = "skipped"; next }
		/^# 1\.\.0 # SKIP/ { why = $0; sub(/^# 1\.\.0 # SKIP */, "", why)
			next }
		/^# not ok / { nres++; nok++; sub(/^# not ok [0-9]+ /, "")
			print "F " bin ": " $0; next }
		/^# ok .*# SKIP/ { nres++; sub(/^# ok [0-9]+ /, "")
			print "S " bin ": " $0; next }
		/^# ok / { nres++; sub(/^# ok [0-9]+ /, "")
			print "P " bin ": " $0; next }
		/^(not )?ok [0-9]+ selftests: / {
			reported++
			name = $0; sub(/^(not )?ok [0-9]+ selftests: [^ ]+: /, "", name)
			note = ""
			if (name ~ / # /) { note = name; sub(/^[^#]*# /, "", note) }
			sub(/ .*/, "", name)
			if (name != bin) nres = nok = 0
			if ($1 == "not" && note ~ /^TIMEOUT/)
				print "F " name ": " note
			else if ($1 == "not" && !nok)
				print "F " name ": " (note == "" ? "failed" : note) \
					" without a failed result"
			else if ($1 == "ok" && note ~ /^SKIP/ && !nres) {
				if (nocr && name != "compiled_out_test")
					print "P " name ": skips without the syscalls: " why
				else if (nocr)
					print "F " name ": skipped: " why
				else
					print "S " name ": " why
			} else if ($1 == "ok" && !nres)
				print "F " name ": exit 0 without any result"
			next
		}
		END { if (reported < planned)
			print "F runner: " reported " of " planned " programs reported" }
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
