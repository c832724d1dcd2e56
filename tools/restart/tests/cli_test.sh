#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# cr on the host, where the syscalls are missing: "cr inspect --json" of
# the synthetic images compared byte for byte with golden/, the exit
# status of command lines that fail before any syscall, and "cr
# checkpoint" with FAKE preloaded to play checkpoint(2).
#
# usage: cli_test.sh CR MKIMAGE FAKE [--update]
#   --update rewrites golden/ from what cr prints now; review the diff.
set -u
cr=$1
mkimage=$2
fake=$3
update=${4:-}
golden=$(cd "$(dirname "$0")" && pwd)/golden
top=$(cd "$(dirname "$0")/../../.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
n=0
failed=0

ok() { n=$((n + 1)); echo "ok $n $*"; }
not_ok() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n $*"; }

"$mkimage" "$work" || exit 1
# The JSON names the image as cr was given it: keep that name short.
cd "$work" || exit 1

for img in *.img; do
	name=${img%.img}
	"$cr" inspect --json "$img" >"$name.json"
	status=$?
	want=0
	[ "$name" = damaged ] && want=1
	if [ "$status" -ne "$want" ]; then
		not_ok "inspect $img: exit $status, expected $want"
	elif [ "$update" = --update ]; then
		cp "$name.json" "$golden/$name.json"
		ok "inspect $img: golden/$name.json updated"
	elif cmp -s "$golden/$name.json" "$name.json"; then
		ok "inspect $img: matches golden/$name.json"
	else
		not_ok "inspect $img: differs from golden/$name.json"
		diff -u "$golden/$name.json" "$name.json" | head -40 | sed 's/^/# /'
	fi
done

# expect STATUS ARGS...: cr ARGS exits with STATUS.
expect() {
	want=$1
	shift
	"$cr" "$@" >out 2>err
	status=$?
	if [ "$status" -eq "$want" ]; then
		ok "cr $*: exit $want"
	else
		not_ok "cr $*: exit $status, expected $want"
		sed 's/^/# /' err
	fi
}

expect 2
expect 2 frobnicate
expect 2 run
expect 2 checkpoint
expect 2 checkpoint 42
expect 2 checkpoint x -o x.img
expect 2 checkpoint 42 -o x.img --frozen
expect 2 restart a.img b.img
expect 2 restart --kill
expect 2 inspect
expect 2 inspect single.img damaged.img
expect 2 check now
expect 2 formats all
expect 0 formats
# One line per record type the uapi header numbers, under the version.
want=$(sed -n 's/^#define CKPT_IMAGE_VERSION[[:space:]]*\([0-9]*\).*/\1/p' \
	"$top/include/uapi/linux/checkpoint.h")
if head -1 out | grep -q "^# image format version $want," &&
	grep -q '^[0-9]* *task ' out && grep -q '^[0-9]* *trailer ' out; then
	ok "cr formats names the version and the record types"
else
	not_ok "cr formats: version $want, task and trailer lines expected"
	sed 's/^/# /' out
fi
expect 0 --help
expect 0 inspect single.img
expect 1 inspect damaged.img
expect 1 inspect missing.img
expect 1 checkpoint 42 -o no/such/dir/x.img
expect 1 restart missing.img

# checkpoint(2) played by $fake: it writes $CR_FAKE_IMAGE.  The sanitizer
# runtime need not come first when cr knows what it is preloading.
fake_cr() {
	LD_PRELOAD=$fake ASAN_OPTIONS=verify_asan_link_order=0 "$cr" "$@"
}
# The summary line less what differs between a file and a stream.
summary() {
	sed -n 's/^cr: checkpointed \([0-9]*\) to [^:]*: \(.*\) in [0-9.]* s$/\1: \2/p' "$1"
}

for img in single pipe-tree pidns-fifo; do
	export CR_FAKE_IMAGE=$img.img
	fake_cr checkpoint 1 -o file.img -v 2>file.err
	{ fake_cr checkpoint 1 -o - -v 2>stream.err; echo $? >rc; } | cat >stream.img
	tasks=$(grep -c '^  task' stream.err)
	if [ "$(cat rc)" -eq 0 ] && cmp -s $img.img stream.img &&
	   [ -n "$(summary file.err)" ] &&
	   [ "$(summary file.err)" = "$(summary stream.err)" ] &&
	   [ "$tasks" -gt 0 ] &&
	   [ "$(grep '^  task' file.err)" = "$(grep '^  task' stream.err)" ]; then
		ok "checkpoint -o - of $img copies it whole and sums it up as for a file"
	else
		not_ok "checkpoint -o - of $img copies it whole and sums it up as for a file"
		sed 's/^/# file: /' file.err
		sed 's/^/# stream: /' stream.err
	fi
done
# Stdout a file: the kernel writes it itself, and cr reads it back.
for img in single pipe-tree pidns-fifo; do
	CR_FAKE_IMAGE=$img.img fake_cr checkpoint 1 -o - -v >stdout.img 2>reg.err
	status=$?
	CR_FAKE_IMAGE=$img.img fake_cr checkpoint 1 -o file.img -v 2>file.err
	if [ $status -eq 0 ] && cmp -s $img.img stdout.img &&
	   [ -n "$(summary reg.err)" ] &&
	   [ "$(summary file.err)" = "$(summary reg.err)" ] &&
	   [ "$(grep '^  task' file.err)" = "$(grep '^  task' reg.err)" ]; then
		ok "checkpoint -o - >file of $img is summed up as for -o file"
	else
		not_ok "checkpoint -o - >file of $img is summed up as for -o file (exit $status)"
		sed 's/^/# /' reg.err
	fi
done

# The fake says when it would kill: a stream through a pipe does.
{ CR_FAKE_IMAGE=single.img fake_cr checkpoint 1 -o - --kill 2>kill.err; } |
	cat >/dev/null
if grep -q '^checkpoint: fake kill of 1$' kill.err &&
   grep -q ', container killed$' kill.err; then
	ok "checkpoint -o - --kill into a pipe kills"
else
	not_ok "checkpoint -o - --kill into a pipe kills"
	sed 's/^/# /' kill.err
fi

# Stdout that cannot take the image: the kernel's own write fails, even
# for an image small enough to fit in a pipe, so there is no kill.
CR_FAKE_IMAGE=single.img fake_cr checkpoint 1 -o - --kill >/dev/full 2>kill.err
status=$?
if [ $status -eq 1 ] && ! grep -q 'fake kill' kill.err &&
   grep -q '^cr: checkpoint failed: No space left on device$' kill.err &&
   ! grep -q 'checkpointed' kill.err; then
	ok "checkpoint -o - --kill >/dev/full fails and does not kill"
else
	not_ok "checkpoint -o - --kill >/dev/full fails and does not kill (exit $status)"
	sed 's/^/# /' kill.err
fi

summary='^cr: checkpointed 1 to stdout: 2 tasks, 0.0 MiB of memory, 2 files, '
summary=$summary'[0-9]* bytes in [0-9.]* s$'
if grep -q "$summary" stream.err; then
	ok "the stream's summary line"
else
	not_ok "the stream's summary line"
	sed 's/^/# /' stream.err
fi

# Refused part-way: what was written is passed on, then the explanation.
CR_FAKE_IMAGE=single.img CR_FAKE_FAIL=22:3000 fake_cr checkpoint 1 -o - \
	>stream.img 2>stream.err
status=$?
if [ $status -eq 1 ] && [ "$(wc -c <stream.img)" -eq 3000 ] &&
   grep -q '^cr: checkpoint failed: Invalid argument$' stream.err &&
   grep -q 'must be the init of a container' stream.err &&
   ! grep -q 'checkpointed' stream.err; then
	ok "a checkpoint -o - that fails is explained"
else
	not_ok "a checkpoint -o - that fails is explained (exit $status)"
	sed 's/^/# /' stream.err
fi

# A reader that goes away: the copy stops and so does the checkpoint.
{
	CR_FAKE_IMAGE=single.img CR_FAKE_REPEAT=2000 \
		fake_cr checkpoint 1 -o - 2>stream.err
	echo $? >rc
} | true
if [ "$(cat rc)" -eq 1 ] &&
   grep -q '^cr: checkpoint failed: Broken pipe$' stream.err &&
   [ "$(grep -c 'the container is left running' stream.err)" -eq 1 ] &&
   [ "$(wc -l <stream.err)" -eq 3 ]; then
	ok "checkpoint -o - into a closed pipe stops with a clear error"
else
	not_ok "checkpoint -o - into a closed pipe stops with a clear error (exit $(cat rc))"
	sed 's/^/# /' stream.err
fi
unset CR_FAKE_IMAGE

# Without the fake: the host's kernel has no checkpoint(2), whether its
# number is free or another syscall's (setxattrat() since 6.13), and cr
# says so instead of explaining the other syscall's errno.
if "$cr" check | grep -q '^kernel: no checkpoint'; then
	"$cr" checkpoint 1 -o none.img 2>none.err
	status=$?
	if [ $status -eq 1 ] && [ "$(wc -l <none.err)" -eq 2 ] &&
	   sed -n 2p none.err | grep -q '^cr: this kernel has no checkpoint(2)'; then
		ok "a kernel without checkpoint(2) is named"
	else
		not_ok "a kernel without checkpoint(2) is named (exit $status)"
		sed 's/^/# /' none.err
	fi
else
	ok "a kernel without checkpoint(2) is named # SKIP the host has it"
fi

# A usage error says why, then how.
"$cr" frobnicate 2>err
if [ "$(sed -n 1p err)" = "cr: unknown command frobnicate" ] &&
   sed -n 2p err | grep -q '^usage: cr run'; then
	ok "usage errors explain themselves"
else
	not_ok "usage errors explain themselves"
	sed 's/^/# /' err
fi

echo "1..$n"
echo "# $((n - failed)) passed, $failed failed"
[ "$failed" -eq 0 ]
