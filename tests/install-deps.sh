#!/usr/bin/env bash
# Install the Debian packages moor's build, tests and demo need, if any
# are missing. Runs `apt-get update` only when something has to be
# installed. Needs root (or sudo) only in that case.
#
#   tests/install-deps.sh [all|demo]
#
#   demo  what boards/host/demo.sh needs: compilers, cmake, openssl,
#         python3-cryptography, Redis, MariaDB
#   all   (default) everything the full test suite uses: also clang,
#         valgrind, the Arm cross toolchain, QEMU, libslirp, PostgreSQL,
#         GnuTLS' test server
set -euo pipefail

what=${1:-all}

demo_pkgs=(
	build-essential cmake git xz-utils ca-certificates iproute2 util-linux
	openssl python3 python3-cryptography
	redis-server redis-tools mariadb-server mariadb-client
)
all_pkgs=(
	"${demo_pkgs[@]}"
	clang llvm lld libclang-rt-14-dev valgrind
	gcc-arm-none-eabi libnewlib-arm-none-eabi qemu-system-arm libslirp-dev
	postgresql-15 gnutls-bin
	libmariadb-dev
)

case "$what" in
demo) want=("${demo_pkgs[@]}") ;;
all) want=("${all_pkgs[@]}") ;;
*) echo "usage: $0 [all|demo]" >&2; exit 2 ;;
esac

missing=()
for p in "${want[@]}"; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
		missing+=("$p")
	fi
done

if [ ${#missing[@]} -eq 0 ]; then
	echo "install-deps: all ${#want[@]} packages present"
	exit 0
fi

echo "install-deps: installing ${missing[*]}"
sudo=()
if [ "$(id -u)" -ne 0 ]; then
	if command -v sudo >/dev/null 2>&1; then
		sudo=(sudo)
	else
		echo "install-deps: not root and no sudo; install these first: ${missing[*]}" >&2
		exit 1
	fi
fi
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -q
"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}"
