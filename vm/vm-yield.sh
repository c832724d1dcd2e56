#!/bin/sh
# Keep a long guest run (a fuzz campaign segment) out of the way of the
# project's builds and test boots, which all take /tmp/cr-build.lock:
# while anyone holds the lock, stop the guest through QEMU's monitor,
# and continue it once the lock is free.  A stopped guest's clocks stand
# still too, so the guest sees no stall: a restart it is timing does not
# look hung because the host was busy.  (With the guest only at nice 19
# instead, a kernel build starved it to 1.5 restarts/s and its hang
# detector fired on unchanged base images.)
#
# Not everything takes the lock (a bare `make check` does not), so a
# compiler at work or another guest running counts as busy too.
#
# usage: vm-yield.sh MONITOR-SOCKET LOCK LOG
# Runs until the socket goes away.
set -u
sock=$1 lock=$2 log=$3
say() {
	python3 - "$sock" "$1" <<'PY' 2>/dev/null
import socket, sys
s = socket.socket(socket.AF_UNIX)
s.settimeout(10)
s.connect(sys.argv[1])
s.recv(4096)
s.sendall((sys.argv[2] + "\n").encode())
s.recv(4096)
PY
}
n=0
while [ ! -S "$sock" ] && [ $n -lt 60 ]; do
	sleep 1
	n=$((n + 1))
done
# Busy: the lock is held, a compiler runs, or another guest does.
busy() {
	pgrep -x cc1 >/dev/null && return 0
	# Ours is the guest (and its timeout wrapper) with our socket.
	pgrep -f qemu-system-x86_64 | grep -vqxF "$(pgrep -f "unix:$sock")" &&
		return 0
	! flock -n "$lock" true
}
state=cont
while [ -S "$sock" ]; do
	if busy; then want=stop; else want=cont; fi
	# A monitor that does not answer (a loaded host) is asked again.
	if [ "$want" != "$state" ] && say "$want"; then
		state=$want
		echo "$(date -u +%FT%TZ) $want" >>"$log"
	fi
	sleep 2
done
