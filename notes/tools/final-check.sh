#!/bin/sh
# Clean clone of main's HEAD, run .ci/run in it with main's warm out/,
# the clone mounted at /work/main's path (absolute paths in out/ match).
set -eu
rm -rf /tmp/fc && mkdir -p /tmp/fc
git clone -q /work/main /tmp/fc/main
mkdir -p /tmp/fc/main/out
unshare -m sh -c '
mount --make-rprivate /
mount --bind /work/main/out /tmp/fc/main/out
mount --rbind /tmp/fc/main /work/main
cd /work/main && git log --oneline -1 && git status --short | head
time ./.ci/run
'
