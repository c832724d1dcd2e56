#!/bin/sh
# Guest side of "make bench": checkpoint and restart times and image
# sizes for containers with more and more dirty memory.
echo
echo "=== checkpoint/restart benchmark on $(uname -r)"
printf '%-8s %-12s %-14s %-12s %-16s\n' "MiB" "image bytes" "checkpoint s" "restart s" "pipe migrate s"
for mib in 1 16 64 128; do
	pid=$(cr run -- /bin/bench-mem $mib)
	sleep 2
	out=$(cr checkpoint "$pid" -o /tmp/b.img --kill 2>&1)
	ck=$(echo "$out" | sed -n 's/.* bytes in \([0-9.]*\) s.*/\1/p')
	size=$(stat -c %s /tmp/b.img)
	out=$(cr restart /tmp/b.img 2>&1)
	rpid=$(echo "$out" | head -n 1)
	rs=$(echo "$out" | sed -n 's/.* in \([0-9.]*\) s.*/\1/p')
	rm -f /tmp/b.img
	sleep 1
	# Migration downtime: checkpoint streamed straight into restart.
	t0=$(cut -d' ' -f1 /proc/uptime)
	npid=$(cr checkpoint "$rpid" -o - --kill 2>/dev/null | cr restart - 2>/dev/null)
	t1=$(cut -d' ' -f1 /proc/uptime)
	mig=$(echo "$t0 $t1" | awk '{ printf "%.2f", $2 - $1 }')
	kill -9 "$npid" 2>/dev/null
	printf '%-8s %-12s %-14s %-12s %-16s\n' "$mib" "$size" "$ck" "$rs" "$mig"
	sleep 1
done
