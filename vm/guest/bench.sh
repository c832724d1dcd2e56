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

# Whole containers: a tree of processes, one process with many threads,
# nested pid namespaces.  $1 name, $2 how many tasks to wait for, then
# the command; tasks are counted by name under /proc.
count_tasks() {
	if [ "$1" = threads ]; then
		ls "/proc/$2/task" 2>/dev/null | wc -l
	else
		grep -l "^$1\$" /proc/[0-9]*/comm 2>/dev/null | wc -l
	fi
}

bench_container() {
	name=$1 want=$2 prog=$3
	shift 3
	dd if=/dev/zero of=/tmp/bench.page bs=4096 count=1 2>/dev/null
	pid=$(cr run -- "/bin/$prog" /tmp/bench.page "$@")
	n=0 i=0
	while [ "$i" -lt 600 ]; do
		if [ "$name" = threads ]; then
			n=$(count_tasks threads "$pid")
		else
			n=$(count_tasks "$prog")
		fi
		[ "$n" -ge "$want" ] && break
		sleep 0.2
		i=$((i + 1))
	done
	sleep 1
	out=$(cr checkpoint "$pid" -o /tmp/b.img --kill 2>&1)
	tasks=$(echo "$out" | sed -n 's/.*: \([0-9]*\) tasks,.*/\1/p')
	ck=$(echo "$out" | sed -n 's/.* bytes in \([0-9.]*\) s.*/\1/p')
	size=$(stat -c %s /tmp/b.img)
	out=$(cr restart /tmp/b.img 2>&1)
	rpid=$(echo "$out" | head -n 1)
	rs=$(echo "$out" | sed -n 's/.* in \([0-9.]*\) s.*/\1/p')
	kill -9 "$rpid" 2>/dev/null
	rm -f /tmp/b.img /tmp/bench.page
	printf '%-22s %-7s %-12s %-14s %-12s\n' "$name" "$tasks" "$size" "$ck" "$rs"
	sleep 2
}

echo
printf '%-22s %-7s %-12s %-14s %-12s\n' "container" "tasks" "image bytes" "checkpoint s" "restart s"
bench_container "processes-100" 100 forest_prog 100
bench_container "processes-1000" 1000 forest_prog 1000
bench_container "threads" 201 thread_prog many
bench_container "nested-pidns" 7 pidns_prog
