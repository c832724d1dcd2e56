#!/bin/sh
# Install the Debian packages the build and the tests need.  Idempotent:
# when everything is present this is one dpkg-query and nothing else.
set -eu

# clang's libFuzzer is in libclang-rt-14-dev, only a Recommends of clang;
# man-db checks that cr.8 renders; linux-config-6.12 is Debian's kernel
# config, for make distro-build; ccache and git-absorb are for the
# series machinery (make bisect-check, make series-sync); kselftest's
# install (make selftests) copies with rsync.
pkgs="linux-source-6.12 build-essential bc bison flex libelf-dev libssl-dev
      cpio gzip xz-utils kmod busybox-static qemu-system-x86 sparse
      libcap-dev zlib1g-dev libjson-c-dev perl python3 git patch
      clang libclang-rt-14-dev man-db groff-base linux-config-6.12
      ccache git-absorb rsync"

missing=
for p in $pkgs; do
	st=$(dpkg-query -W -f='${db:Status-Abbrev}' "$p" 2>/dev/null || true)
	case "$st" in
	ii*) ;;
	*) missing="$missing $p" ;;
	esac
done

[ -z "$missing" ] && exit 0

echo "deps: installing:$missing"
if [ "$(id -u)" -ne 0 ]; then
	echo "deps: need root to install packages; run: sudo apt-get install$missing" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >/dev/null
