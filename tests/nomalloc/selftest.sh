#!/bin/bash
# Proves check_nm.sh can fail: builds (now, with cc) a tiny archive whose
# object calls malloc, and one that does not, and checks that the script
# flags the first (exit 1, naming malloc) and passes the second. With
# arm-none-eabi-gcc present, does the same for an ARM object and for a
# linked ARM ELF.
set -u
here=$(cd "$(dirname "$0")" && pwd)
check=$here/check_nm.sh
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0

expect() {
	# expect WANT_RC NEEDLE FILE...
	local want=$1 needle=$2 out rc
	shift 2
	out=$("$check" "$@" 2>&1)
	rc=$?
	if [ "$rc" -ne "$want" ]; then
		echo "selftest FAILED: check_nm.sh $* exited $rc, expected $want"
		printf '%s\n' "$out" | sed 's/^/    /'
		fails=$((fails + 1))
	elif [ -n "$needle" ] && ! printf '%s\n' "$out" | grep -q -- "$needle"; then
		echo "selftest FAILED: output of check_nm.sh $* does not mention '$needle'"
		printf '%s\n' "$out" | sed 's/^/    /'
		fails=$((fails + 1))
	else
		echo "ok: check_nm.sh $* -> exit $rc"
	fi
}

CC=${CC:-cc}
cat >"$tmp/bad.c" <<'C'
#include <stdlib.h>
void *moor_selftest_leak(unsigned n);
void *moor_selftest_leak(unsigned n) { return malloc(n); }
C
cat >"$tmp/dup.c" <<'C'
#include <string.h>
char *moor_selftest_dup(const char *s);
char *moor_selftest_dup(const char *s) { return strdup(s); }
C
cat >"$tmp/good.c" <<'C'
#include <string.h>
void moor_selftest_wipe(void *p, unsigned n);
void moor_selftest_wipe(void *p, unsigned n) { memset(p, 0, n); }
C
for n in bad dup good; do
	"$CC" -O0 -D_POSIX_C_SOURCE=200809L -c "$tmp/$n.c" -o "$tmp/$n.o" || { echo "selftest: cannot compile $n.c with $CC"; exit 1; }
	ar rcs "$tmp/lib$n.a" "$tmp/$n.o"
done
expect 1 "U malloc" "$tmp/libbad.a"
expect 1 "U strdup" "$tmp/libdup.a"
expect 1 "U malloc" "$tmp/libgood.a" "$tmp/libbad.a"
expect 0 "" "$tmp/libgood.a"
expect 2 "" "$tmp/does-not-exist.a"

if command -v arm-none-eabi-gcc >/dev/null 2>&1; then
	A="-mcpu=cortex-m4 -mthumb --specs=nano.specs -Os"
	arm-none-eabi-gcc $A -c "$tmp/bad.c" -o "$tmp/arm_bad.o" &&
		arm-none-eabi-ar rcs "$tmp/libarm_bad.a" "$tmp/arm_bad.o" &&
		arm-none-eabi-gcc $A -c "$tmp/good.c" -o "$tmp/arm_good.o" &&
		arm-none-eabi-ar rcs "$tmp/libarm_good.a" "$tmp/arm_good.o" ||
		{ echo "selftest: arm-none-eabi-gcc failed"; exit 1; }
	cat >"$tmp/main.c" <<'C'
void *moor_selftest_leak(unsigned n);
int main(void);
int main(void) { return moor_selftest_leak(16) != 0; }
C
	arm-none-eabi-gcc $A --specs=nosys.specs "$tmp/main.c" "$tmp/arm_bad.o" -o "$tmp/fw.elf" ||
		{ echo "selftest: cannot link the ARM ELF"; exit 1; }
	expect 1 "U malloc" "$tmp/libarm_bad.a"
	expect 0 "" "$tmp/libarm_good.a"
	expect 1 " malloc" "$tmp/fw.elf"
fi

if [ "$fails" -ne 0 ]; then
	echo "selftest: $fails check(s) failed"
	exit 1
fi
echo "selftest: check_nm.sh flags heap use and passes clean code"
