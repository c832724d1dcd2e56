#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# cr on the host, where the syscalls are missing: "cr inspect --json" of
# the synthetic images compared byte for byte with golden/, and the exit
# status of command lines that fail before any syscall.
#
# usage: cli_test.sh CR MKIMAGE [--update]
#   --update rewrites golden/ from what cr prints now; review the diff.
set -u
cr=$1
mkimage=$2
update=${3:-}
golden=$(cd "$(dirname "$0")" && pwd)/golden
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
expect 0 --help
expect 0 inspect single.img
expect 1 inspect damaged.img
expect 1 inspect missing.img
expect 1 checkpoint 42 -o no/such/dir/x.img
expect 1 restart missing.img

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
