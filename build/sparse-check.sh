#!/bin/sh
# Fail on any sparse warning in a log of `make C=2` over our directories,
# but one class, which is the kernel's own idiom: task_struct's sighand
# is __rcu, and code that holds the task (current, or a task whose
# sighand cannot change under it) dereferences it plainly, as
# kernel/signal.c and <linux/sched/signal.h> themselves do
# (spin_lock_irq(&current->sighand->siglock)); sparse flags each such
# use with "different address spaces ... got ... sighand_struct
# [noderef] __rcu" or "... spinlock [noderef] __rcu".  Every other
# warning or error fails.
#
# usage: sparse-check.sh SPARSE-LOG
set -eu
log=$1
awk '
/: (warning|error):/ {
	if (w != "") check()
	w = $0; body = ""; next
}
w != "" && /^[^ ]*:[0-9]+:[0-9]+:    (expected|got) / { body = body "\n" $0; next }
{ if (w != "") check(); w = "" }
END { if (w != "") check(); exit bad }
function check() {
	if (w ~ /different address spaces/ &&
	    body ~ /got struct (sighand_struct|spinlock) \[noderef\] __rcu/) {
		known++
	} else {
		print w body
		bad = 1
	}
	w = ""
}
' "$log" || { echo "sparse: warnings above (full log: $log)"; exit 1; }
echo "sparse: clean but for the kernel's own __rcu sighand idiom ($(grep -c ': warning:' "$log") of it)"
