#!/usr/bin/env bash
# moor's full check, meant for a fresh Debian bookworm machine (as root):
#
#   1. install the missing Debian packages (tests/install-deps.sh),
#   2. build the ASan+UBSan host tree (build/host-asan) and the libFuzzer
#      targets (build/fuzz, clang),
#   3. build the host tree (build/host), which also registers the asan:*
#      variants of the tests on the binaries of step 2,
#   4. build the Cortex-M presets (m0plus, m4f, m33) and their size report,
#   5. run ctest on build/host: the last thing, so the output ends with
#      ctest's summary.
#
# Exit status: ctest's, or 1 if ctest passed but a cross build failed.
# Can be run from any directory.
set -euo pipefail

cd "$(dirname "$(readlink -f "$0")")/.."
root=$PWD
export DEBIAN_FRONTEND=noninteractive
jobs=$(nproc 2>/dev/null || echo 2)

step() {
	printf '\n==== %s\n' "$*"
}

step "dependencies"
./tests/install-deps.sh all

presets=""
if [ -f CMakePresets.json ]; then
	presets=$(cmake --list-presets=configure 2>/dev/null | sed -n 's/^ *"\([^"]*\)".*/\1/p' | tr '\n' ' ')
fi
has_preset() {
	case " $presets " in
	*" $1 "*) return 0 ;;
	*) return 1 ;;
	esac
}

# configure_build NAME [cmake -D args...]: configure build/NAME (with the
# preset if there is one) and build all of it.
configure_build() {
	local name=$1
	shift
	step "configure $name"
	if has_preset "$name"; then
		cmake --preset "$name" "$@" || return 1
	else
		local extra=()
		case "$name" in
		host) extra=(-DCMAKE_BUILD_TYPE=Debug) ;;
		host-asan) extra=(-DCMAKE_BUILD_TYPE=Debug -DMOOR_SANITIZE=ON) ;;
		esac
		cmake -S . -B "build/$name" "${extra[@]}" "$@" || return 1
	fi
	step "build $name"
	cmake --build "build/$name" -j "$jobs" || return 1
}

configure_build host-asan

# libFuzzer targets (clang): only the fuzz binaries are built; the host
# tree runs them for a bounded time as its fuzz:* tests.
step "configure fuzz"
cmake --preset fuzz
step "build fuzz"
cmake --build --preset fuzz -j "$jobs"

configure_build host -DMOOR_ASAN_BUILD_DIR="$root/build/host-asan" \
	-DMOOR_FUZZ_BUILD_DIR="$root/build/fuzz" \
	-DMOOR_M4F_BUILD_DIR="$root/build/m4f"

cross_failed=()
for p in m0plus m4f m33; do
	if ! has_preset "$p"; then
		echo "(no preset $p: skipped)"
		continue
	fi
	if ! configure_build "$p"; then
		cross_failed+=("$p")
		continue
	fi
	if grep -qs 'size-report' "build/$p/Makefile" "build/$p/build.ninja"; then
		step "size report $p"
		cmake --build "build/$p" --target size-report || cross_failed+=("$p:size-report")
	fi
done

step "tests"
if [ ${#cross_failed[@]} -gt 0 ]; then
	echo "NOTE: cross builds FAILED: ${cross_failed[*]} (the run fails even if ctest passes)"
fi
rc=0
ctest --test-dir build/host --output-on-failure -j2 || rc=$?
if [ "$rc" -eq 0 ] && [ ${#cross_failed[@]} -gt 0 ]; then
	rc=1
fi
exit "$rc"
