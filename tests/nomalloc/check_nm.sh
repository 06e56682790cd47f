#!/bin/bash
# Check that moor's libraries use no heap: no malloc, free, calloc,
# realloc, strdup (or their relatives) anywhere.
#
#   check_nm.sh [-b BUILD_DIR] [-s SRC_DIR] [FILE...]
#
# With FILEs, checks exactly those. Otherwise checks, in BUILD_DIR
# (default $MOOR_BUILD): libbearssl.a and every libmoor*.a except test
# helpers (libmoor.a, libmoor_anchors.a, libmoor_posix.a, ...); and in
# SRC_DIR (default $MOOR_SRC): every cross-built firmware
# build/{m0plus,m4f,m33}/boards/size/moor_size_ref.elf found.
#
# Archives and objects are checked with `nm -u` (the symbols they need);
# a linked ELF is checked for any symbol of that name, defined or not (it
# must not be linked at all). ARM files are read with arm-none-eabi-nm
# when the host nm does not know their format.
# Exit: 0 clean, 1 offenders found (listed), 2 usage error or nothing to check.
set -u

FORBIDDEN='malloc|free|calloc|realloc|reallocf|reallocarray|strdup|strndup|aligned_alloc|posix_memalign|memalign|valloc|pvalloc|_malloc_r|_free_r|_calloc_r|_realloc_r|_memalign_r|_strdup_r|_strndup_r'

build=${MOOR_BUILD:-}
src=${MOOR_SRC:-}
while getopts b:s: opt; do
	case $opt in
	b) build=$OPTARG ;;
	s) src=$OPTARG ;;
	*) echo "usage: $0 [-b BUILD_DIR] [-s SRC_DIR] [FILE...]" >&2; exit 2 ;;
	esac
done
shift $((OPTIND - 1))

files=()
if [ $# -gt 0 ]; then
	files=("$@")
else
	[ -n "$build" ] && [ -d "$build" ] || { echo "check_nm: no build dir (-b or MOOR_BUILD)" >&2; exit 2; }
	while IFS= read -r f; do
		files+=("$f")
	done < <(find "$build" \( -name CMakeFiles -o -name deps \) -prune -o \
		-type f \( -name 'libbearssl.a' -o -name 'libmoor*.a' \) ! -name '*test*' -print | sort)
	for need in libmoor.a libbearssl.a; do
		if ! printf '%s\n' "${files[@]}" | grep -q "/$need\$"; then
			echo "check_nm: $need not found under $build (build the libraries first)" >&2
			exit 2
		fi
	done
	if [ -n "$src" ]; then
		for t in m0plus m4f m33; do
			elf="$src/build/$t/boards/size/moor_size_ref.elf"
			[ -f "$elf" ] && files+=("$elf")
		done
	fi
fi

# run_nm ARGS... FILE: host nm, or arm-none-eabi-nm for ARM files.
run_nm() {
	local out
	if out=$(nm "$@" 2>/dev/null); then
		printf '%s\n' "$out"
		return 0
	fi
	if command -v arm-none-eabi-nm >/dev/null 2>&1 &&
		out=$(arm-none-eabi-nm "$@" 2>/dev/null); then
		printf '%s\n' "$out"
		return 0
	fi
	return 1
}

is_linked_elf() {
	# ELF type (bytes 16-17, little endian): 2 = executable, 3 = shared.
	local t
	t=$(od -An -tx1 -j16 -N1 "$1" 2>/dev/null | tr -d ' ')
	[ "$(head -c4 "$1" | od -An -c | tr -d ' ')" = '177ELF' ] &&
		{ [ "$t" = 02 ] || [ "$t" = 03 ]; }
}

bad=0
checked=0
for f in "${files[@]}"; do
	if [ ! -f "$f" ]; then
		echo "check_nm: $f: no such file" >&2
		exit 2
	fi
	if is_linked_elf "$f"; then
		# Any symbol of that name in a linked image (defined or not).
		if ! syms=$(run_nm -A "$f"); then
			echo "check_nm: cannot read symbols of $f" >&2
			exit 2
		fi
		hits=$(printf '%s\n' "$syms" | grep -E " [A-Za-z] ($FORBIDDEN)\$")
		what="linked"
	else
		if ! syms=$(run_nm -A -u "$f"); then
			echo "check_nm: cannot read symbols of $f" >&2
			exit 2
		fi
		hits=$(printf '%s\n' "$syms" | grep -E " U ($FORBIDDEN)\$")
		what="undefined (called)"
	fi
	checked=$((checked + 1))
	if [ -n "$hits" ]; then
		echo "FAIL: heap symbols $what in $f:"
		printf '%s\n' "$hits" | sed 's/^/    /'
		bad=1
	else
		echo "ok: $f"
	fi
done
if [ "$checked" -eq 0 ]; then
	echo "check_nm: nothing to check" >&2
	exit 2
fi
exit $bad
