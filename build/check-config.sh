#!/bin/sh
# Fail when kconfig silently dropped an option a fragment asked for
# (an unmet dependency), so a "debug kernel" is never quietly less.
# usage: check-config.sh .config fragment...
set -eu
cfg=$1
shift
bad=0
for frag in "$@"; do
	grep -E '^CONFIG_[A-Za-z0-9_]+=' "$frag" | while IFS='=' read -r opt val; do
		if [ "$val" = n ]; then
			grep -q "^$opt=" "$cfg" || continue
			echo "config: $opt should be off (${frag##*/})"
		else
			grep -qx "$opt=$val" "$cfg" && continue
			echo "config: $opt=$val did not stick (${frag##*/})"
		fi
		exit 1
	done || bad=1
done
exit $bad
