#!/bin/sh
# Build the series' objects with W=1 under Debian's own amd64 kernel
# config, with CONFIG_CHECKPOINT=y, and fail on any warning.
#
# The test kernels are tinyconfig plus fragments; a distro kernel turns on
# far more (IBT, objtool, stack protector, every LSM, PREEMPT_DYNAMIC,
# ...), which changes what the headers we include expand to.  Only the
# series' objects are compiled, not the whole kernel: the project's own
# directories and every upstream .c file a patch in patches/series
# touches.  out/linux must be prepared ("make tree").
#
# usage: distro-build.sh [rt]
# With "rt", Debian's PREEMPT_RT flavour instead, with core scheduling
# and utilization clamps turned on as well: code of ours under those
# options (the restarter's core cookie and clamps, the ITIMER_REAL wait
# on RT) is compiled by no other kernel the project builds.
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
src=$top/out/linux
kdir=$top/out/build/distro
flavour=amd64_none_amd64
extra_edits=
if [ "${1:-}" = rt ]; then
	kdir=$top/out/build/distro-rt
	flavour=amd64_rt_amd64
	extra_edits="--enable SCHED_CORE
--enable UCLAMP_TASK"
fi
log=$kdir/build.log
debcfg=/usr/src/linux-config-6.12/config.$flavour.xz
jobs=${JOBS:-$(nproc)}
start=$(date +%s)

# Our own -j; a jobserver inherited from "make distro-build" would only
# make the submake complain.
unset MAKEFLAGS MFLAGS MAKELEVEL
# The C locale: warnings quote with plain ' and compare as bytes (the
# kernel's Makefile unexports LC_ALL, so LANG and LC_CTYPE it is).
kmake() {
	LANG=C LC_CTYPE=C LC_MESSAGES=C \
		make -C "$src" O="$kdir" ARCH=x86_64 -j"$jobs" W=1 "$@"
}

[ -f "$debcfg" ] || { echo "distro-build: $debcfg missing (build/deps.sh)" >&2; exit 1; }
[ -f "$src/Makefile" ] || { echo "distro-build: $src missing (make tree)" >&2; exit 1; }
mkdir -p "$kdir"

# Changes to Debian's config.  None of them changes what our objects see
# of the kernel they are built for:
#  - CHECKPOINT: the series itself (Debian has its dependencies, X86_64,
#    PID_NS and CGROUPS, already on).
#  - DEBUG_INFO_NONE instead of DWARF (and so no DEBUG_INFO_BTF, which
#    also needs pahole): only drops -g and link-time BTF, and halves
#    the compile time; no C code we include tests these options.
#  - SYSTEM_TRUSTED_KEYS, SYSTEM_REVOCATION_KEYS, MODULE_SIG_KEY, and
#    no MODULE_SIG_ALL: Debian's packaging fills in the key files at
#    build time; they are read only by certs/ and modules_install,
#    which a partial build never reaches.  MODULE_SIG itself stays on.
config_edits="--enable CHECKPOINT
--disable DEBUG_INFO_DWARF_TOOLCHAIN_DEFAULT
--disable DEBUG_INFO_DWARF4
--disable DEBUG_INFO_DWARF5
--enable DEBUG_INFO_NONE
--disable DEBUG_INFO_BTF
--set-str SYSTEM_TRUSTED_KEYS ''
--set-str SYSTEM_REVOCATION_KEYS ''
--set-str MODULE_SIG_KEY certs/signing_key.pem
--disable MODULE_SIG_ALL
$extra_edits"

# Configure only when the Debian config, the edits or the tree changed:
# an unchanged .config keeps every object up to date.
want=$kdir/.distro.want
{
	dpkg-query -W -f='${Version}\n' linux-config-6.12 linux-source-6.12
	echo "$config_edits"
	cat "$src/.cr-state/applied/series"
} >"$want"
if ! cmp -s "$want" "$kdir/.distro.stamp" || [ ! -f "$kdir/.config" ]; then
	echo "distro-build: configuring from $flavour"
	xz -dc "$debcfg" >"$kdir/.config"
	echo "$config_edits" | while read -r op sym val; do
		[ -n "$op" ] || continue	# no extra edits: an empty line
		eval "set -- $op $sym $val"
		"$src/scripts/config" --file "$kdir/.config" "$@"
	done
	kmake olddefconfig >/dev/null
	for sym in $(echo "$config_edits" | sed -n 's/^--enable //p'); do
		if ! grep -qx "CONFIG_$sym=y" "$kdir/.config"; then
			echo "distro-build: CONFIG_$sym=y did not stick" >&2
			exit 1
		fi
	done
	if grep -qx 'CONFIG_DEBUG_INFO=y' "$kdir/.config"; then
		echo "distro-build: CONFIG_DEBUG_INFO is still on" >&2
		exit 1
	fi
	cp "$want" "$kdir/.distro.stamp"
fi

# What to build: the project's directories, and for every file a patch
# touches, the objects that compile it.
dirs="kernel/checkpoint/ arch/x86/checkpoint/"
objs=
grep -v '^#' "$top/patches/series" | sed '/^$/d' | while read -r p; do
	sed -n 's|^+++ b/\([^[:space:]]*\).*|\1|p' "$top/patches/$p"
done | sort -u >"$kdir/touched"
while read -r f; do
	case "$f" in
	# kernel/sched/ compiles most of its files as parts of a few units
	# (build_utility.c, build_policy.c) that #include them.
	kernel/sched/*.c)
		u=$(cd "$src" && grep -l "^#[[:space:]]*include \"$(basename "$f")\"" \
			kernel/sched/build_*.c || true)
		[ -n "$u" ] || u=$f
		objs="$objs ${u%.c}.o" ;;
	*.c | *.S)
		objs="$objs ${f%.[cS]}.o" ;;
	# The syscall table becomes headers that the syscall_*.c files
	# one directory up turn into the tables.
	arch/x86/*/syscalls/syscall_*.tbl)
		d=$(dirname "$(dirname "$f")")
		for c in $(cd "$src" && grep -l '<asm/syscalls_' "$d"/*.c); do
			objs="$objs ${c%.c}.o"
		done ;;
	# The other architectures' tables (and the generic one, which the
	# asm-generic architectures build from) are not built for x86.
	arch/*/syscall*.tbl | scripts/syscall.tbl) ;;
	# Headers are compiled by the .c files that include them (ours and
	# the ones above); a Kconfig change is checked by olddefconfig and
	# CHECKPOINT sticking; the Makefile/Kbuild changes only hook in
	# the directories built here.
	*.h | */Kconfig* | Kconfig* | */Makefile | Makefile | */Kbuild | \
	MAINTAINERS | Documentation/* | tools/*) ;;
	*)
		echo "distro-build: do not know what $f builds; teach me" >&2
		exit 1 ;;
	esac
done <"$kdir/touched"

echo "distro-build: W=1 build of $dirs$objs"
kmake prepare >"$log" 2>&1 || { tail -40 "$log"; exit 1; }
# Recompile every time: a warning is only printed when the object is
# compiled, and an up-to-date object would hide it.
for d in $dirs; do
	[ -d "$kdir/$d" ] && find "$kdir/$d" -name '*.o' -delete
done
for o in $objs; do
	rm -f "$kdir/$o"
done
objlog=$kdir/objects.log
# shellcheck disable=SC2086
kmake $dirs $objs >"$objlog" 2>&1 || { cat "$objlog"; exit 1; }
cat "$objlog" >>"$log"

# Warnings in upstream lines of the files the patches touch, which the
# series must not fix: "file: message", the line number left out so that
# they survive a patch moving the line.  Each was checked against the
# pristine linux-source-6.12 (the same warning without the series).  A
# listed warning that no longer appears fails too, so the list stays true.
#  - process.c: arch_post_acpi_subsys_init() reads an MSR into lo and hi
#    and only tests lo.
known="arch/x86/kernel/process.c: warning: variable 'hi' set but not used [-Wunused-but-set-variable]"

# "path:line:col: warning: text" -> "path: warning: text"
sed -n "s|^$src/||; s|^\([^: ]*\):[0-9]*:[0-9]*: \(warning: .*\)|\1: \2|p" \
	"$objlog" | sort >"$kdir/warnings"
echo "$known" | sed '/^$/d' | sort >"$kdir/known"
end=$(date +%s)
n=$(grep -cE '^ +CC ' "$objlog" || true)
new=$(comm -23 "$kdir/warnings" "$kdir/known")
gone=$(comm -13 "$kdir/warnings" "$kdir/known")
other=$(grep 'warning:' "$objlog" | grep -vE '^[^: ]+:[0-9]+:[0-9]+: warning:' || true)
comm -12 "$kdir/warnings" "$kdir/known" | sed 's/^/distro-build: known upstream: /'
if [ -n "$new$other" ]; then
	echo "distro-build: W=1 warnings (full log: ${objlog#"$top"/}):"
	grep -A3 'warning:' "$objlog"
	printf '%s\n%s\n' "$new" "$other" | sed '/^$/d; s/^/distro-build: new: /'
	echo "distro-build: FAILED, $n objects in $((end - start))s"
	exit 1
fi
if [ -n "$gone" ]; then
	echo "$gone" | sed 's/^/distro-build: listed warning gone, drop it: /'
	echo "distro-build: FAILED, $n objects in $((end - start))s"
	exit 1
fi
echo "distro-build: $n objects, no new warnings, $((end - start))s"
