#!/bin/sh
# Boot a test kernel under QEMU.  TCG always works; KVM is used only when
# a probe boot with it succeeds (it often exists here but does not work).
#
# usage: run.sh --kernel BZIMAGE --initrd CPIO --mode MODE
#               [--test NAME] [--logdir DIR] [--timeout SECS] [--console-stdout]
#               [--interactive] [--append KERNEL-ARGS] [--monitor SOCKET]
# The kernel console goes to DIR/console.log (or stdout), the guest's test
# output (TAP) to DIR/tap.log.  --monitor puts QEMU's monitor on a unix
# socket, through which vm/vm-yield.sh stops and continues the guest.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
kernel= initrd= mode=check logdir=$top/out/vm timeout=1200 extra=
stdout=no interactive=no monitor=
while [ $# -gt 0 ]; do
	case "$1" in
	--kernel) kernel=$2; shift ;;
	--initrd) initrd=$2; shift ;;
	--mode) mode=$2; shift ;;
	--test) extra="cr.test=$2"; shift ;;
	--append) extra="$extra $2"; shift ;;
	--logdir) logdir=$2; shift ;;
	--timeout) timeout=$2; shift ;;
	--console-stdout) stdout=yes ;;
	--interactive) interactive=yes ;;
	--monitor) monitor=$2; shift ;;
	*) echo "run.sh: unknown option $1" >&2; exit 2 ;;
	esac
	shift
done
mkdir -p "$logdir"

# The arguments every boot shares; $1 = time limit (0: none),
# $2 = accelerator, $3 = guest mode.
boot() {
	limit=$1 accel=$2 gmode=$3
	shift 3
	timeout "$limit" qemu-system-x86_64 -accel "$accel" -cpu max -smp 2 -m 2G \
		-display none -no-reboot -nodefaults \
		-kernel "$kernel" -initrd "$initrd" \
		-append "console=ttyS0 panic=-1 cr.mode=$gmode $extra $quiet" "$@"
}

# A person watching the console wants the demo, not the boot log.
quiet=
case "$mode" in
demo|shell|bench) quiet="quiet loglevel=3" ;;
esac

# Probe once per machine whether KVM really works.
probe=$top/out/.kvm-probe
if [ ! -f "$probe" ]; then
	echo tcg >"$probe"
	if [ -w /dev/kvm ]; then
		rm -f "$logdir/probe.tap"
		boot 30 kvm probe -serial null -serial "file:$logdir/probe.tap" \
			>/dev/null 2>&1 || true
		grep -q 'PROBE OK' "$logdir/probe.tap" 2>/dev/null &&
			echo kvm >"$probe"
	fi
fi
accel=$(cat "$probe")

if [ $interactive = yes ]; then
	boot 0 "$accel" "$mode" -serial mon:stdio -serial null
	exit
fi

console=file:$logdir/console.log
[ $stdout = yes ] && console=stdio
rm -f "$logdir/console.log" "$logdir/tap.log"
rc=0
# shellcheck disable=SC2086 # no monitor: no arguments at all
boot "$timeout" "$accel" "$mode" -serial "$console" \
	-serial "file:$logdir/tap.log" \
	${monitor:+-monitor unix:$monitor,server=on,wait=off} </dev/null || rc=$?
if [ $rc -eq 124 ]; then
	echo "# VM TIMEOUT after ${timeout}s" >>"$logdir/tap.log"
fi
exit $rc
