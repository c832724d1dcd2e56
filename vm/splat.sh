# Sourced: the console-log patterns that mean the kernel complained,
# whatever the tests said.  kfuzz.h matches /dev/kmsg against the same.
splat='BUG:|WARNING:|Oops|KASAN:|UBSAN:|INFO: task .* blocked|INFO: rcu|'\
'unreferenced object|Kernel panic|general protection fault|'\
'kernel BUG|possible recursive locking|circular locking|'\
'suspicious RCU usage|Call Trace:'
