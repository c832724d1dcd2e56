#!/bin/sh
# make fuzz-kernel: boot the debug kernel in mode "fuzz", where kfuzz_prog
# (tools/testing/selftests/checkpoint/kfuzz_prog.c) fuzzes restart(2) for
# SECONDS after taking its base images, at most RESTARTS times if given.
# Prints the run's figures and findings; the inputs the run added to the
# corpus go to out/vm-fuzz/corpus.new.  Fails on any finding, any kernel
# splat or kmemleak report in the console log, and a guest that does not
# finish.
#
# usage: fuzz-kernel.sh SECONDS [RESTARTS]
# With FUZZ_CORPUS=FILE the run starts from that corpus instead of the
# committed one, and FUZZ_SEED=N seeds its random choices (a campaign of
# runs, vm/fuzz-campaign.sh, uses both); FUZZ_LOGDIR names its log dir.
# With FUZZ_YIELD_LOCK=FILE the guest is stopped whenever FILE is flocked
# by someone (vm/vm-yield.sh).
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
out=$top/out
logdir=${FUZZ_LOGDIR:-$out/vm-fuzz}
secs=$1
execs=${2:-}
. "$top/vm/splat.sh"

args="cr.fuzz_time=$secs kasan_multi_shot"
[ -n "$execs" ] && args="$args cr.fuzz_execs=$execs"
[ -n "${FUZZ_SEED:-}" ] && args="$args cr.fuzz_seed=$FUZZ_SEED"
initrd=$out/initramfs.cpio.gz
mkdir -p "$logdir"
if [ -n "${FUZZ_CORPUS:-}" ]; then
	# A second archive after the first: its /etc/kfuzz.corpus wins.
	# Without "." in it: that entry would give the guest's / the mode
	# of mktemp's directory, 0700, and a restored task whose
	# capabilities are not the init namespace's could no longer look up
	# its working directory (the "cannot find /tmp again: -13" of the
	# campaign's first two segments).
	stage=$(mktemp -d)
	mkdir -m 755 "$stage/etc"
	cp "$FUZZ_CORPUS" "$stage/etc/kfuzz.corpus"
	chmod 644 "$stage/etc/kfuzz.corpus"
	(cd "$stage" && find etc | LC_ALL=C sort | cpio -o -H newc --quiet -R 0:0) |
		gzip -1 | cat "$initrd" - >"$logdir/initramfs.cpio.gz"
	rm -rf "$stage"
	initrd=$logdir/initramfs.cpio.gz
fi
echo "vm: fuzzing restart(2) for ${secs}s${execs:+ or $execs restarts}"
start=$(date +%s)
# Taking the base images, and the leak scan, come on top of the fuzzing.
wall=$((secs + 900))
yield_pid=
if [ -n "${FUZZ_YIELD_LOCK:-}" ]; then
	# The guest stands still while the lock is held (vm/vm-yield.sh):
	# SECONDS are the guest's, and the host may be busy for three
	# times as long before the run counts as stuck.
	wall=$((4 * secs + 900))
	rm -f "$logdir/monitor.sock"
	"$top/vm/vm-yield.sh" "$logdir/monitor.sock" "$FUZZ_YIELD_LOCK" \
		"$logdir/yield.log" &
	yield_pid=$!
fi
"$top/vm/run.sh" --kernel "$out/build/test/arch/x86/boot/bzImage" \
	--initrd "$initrd" --mode fuzz --logdir "$logdir" \
	--timeout "$wall" --append "$args" \
	${FUZZ_YIELD_LOCK:+--monitor "$logdir/monitor.sock"}
[ -n "$yield_pid" ] && kill "$yield_pid" 2>/dev/null
echo "vm: fuzz run took $(($(date +%s) - start))s"
[ -f "$logdir/yield.log" ] &&
	echo "vm: the guest stood still $(grep -c ' stop$' "$logdir/yield.log") times for the project's builds"

tap=$logdir/tap.log
touch "$tap"
sed -n 's/\r$//; s/^# KFUZZ-NEW //p' "$tap" >"$logdir/corpus.new"
fail=0
grep -a '^# kfuzz' "$tap" | sed 's/\r$//'
if grep -aq 'KFUZZ-FINDING' "$tap"; then
	grep -a -A80 'KFUZZ-FINDING' "$tap" | sed 's/\r$//' | head -200
	fail=1
fi
grep -a '^# KFUZZ-STATS' "$tap" | sed 's/\r$//' | tr ' ' '\n' | sed 1,2d
if grep -q '^# VM TIMEOUT' "$tap" || ! grep -aq '^# END kfuzz_prog 0' "$tap"; then
	echo "FAIL: the fuzzer did not finish cleanly (see ${logdir#"$top"/})"
	fail=1
fi
if grep -Eq "$splat" "$logdir/console.log"; then
	echo "FAIL: kernel splat in ${logdir#"$top"/}/console.log"
	grep -E -m10 "$splat" "$logdir/console.log" | sed 's/^/    /'
	fail=1
fi
echo "$(wc -l <"$logdir/corpus.new") new inputs in ${logdir#"$top"/}/corpus.new"
[ $fail -eq 0 ] && echo "PASS: no findings"
exit $fail
