#!/bin/sh
# Guest side of "make demo": a counting container is checkpointed,
# killed, and restarted, and carries on counting.
log=/tmp/demo.log
img=/tmp/demo.img
say() { printf '\n=== %s\n' "$*"; }

say "checkpoint/restart demo on $(uname -r)"
cr check

say "start a container that appends 'count N' to $log twice a second"
pid=$(cr run --hostname demo -- /bin/demo-counter $log) || exit 1
echo "container init is pid $pid"
sleep 3
tail -n 3 $log

say "checkpoint it to $img and kill it"
cr checkpoint "$pid" -o $img --kill || exit 1
last=$(tail -n 1 $log)
sleep 2
echo "two seconds later the log still ends with: $(tail -n 1 $log) (was: $last)"

say "restart it from the image"
newpid=$(cr restart $img) || exit 1
echo "restored container init is pid $newpid"
sleep 3
echo "the log carries on from where it stopped:"
grep -n -A 4 -x "$last" $log

say "done"
kill -9 "$newpid" 2>/dev/null
