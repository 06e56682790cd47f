#!/usr/bin/env bash
# The Cortex-M4 firmware (boards/qemu-mps2-an386, built by the m4f preset)
# on QEMU's mps2-an386 against a real redis-server and a real mariadbd on
# 127.0.0.1, both TLS 1.3 only and requiring a client certificate:
#
#   tests/qemu/firmware.sh [--write-docs] [--fw moor_qemu_fw13] [M4F_BUILD_DIR]
#
# M4F_BUILD_DIR defaults to $MOOR_M4F_BUILD_DIR, then build/m4f. The
# firmware's test PKI is the one its build generated (and compiled in):
# M4F_BUILD_DIR/boards/qemu-mps2-an386/pki. The servers' ports reach the
# firmware through -append "redis=PORT mysql=PORT ...", which it reads
# with semihosting (SYS_GET_CMDLINE); inside QEMU the host is 10.0.2.2.
#
# Checks:
#  - the image has no heap (nm: no malloc/free/calloc/realloc/_sbrk, no
#    lwIP ram_heap);
#  - QEMU (-icount shift=0, under `timeout`) exits 0, which the firmware
#    only asks for (semihosting SYS_EXIT) if both runs returned MOOR_OK;
#    both reports end in "result: OK";
#  - the report lines that do not start with "~ " are byte for byte those
#    of the same application on the POSIX port (moor_telemetry of the host
#    build, MOOR_BUILD) with the same inputs against the same servers;
#  - redis-cli and the mariadb client (independent clients) find what the
#    firmware wrote;
#  - a run against a port where nothing listens exits 1 (the test can fail).
# Prints the instructions and peak stack of every TLS handshake (the
# firmware's "~ cost:" lines) and the peak stack of the whole run; with
# --write-docs also writes them to docs/benchmarks.md (section qemu-m4).
#
# Exit 77 (skipped) when the firmware is not built or qemu-system-arm,
# redis-server or mariadbd is missing.
. "$(dirname "$0")/../interop/lib.sh"

write_docs=0
fw_name=moor_qemu_fw
while [ $# -gt 0 ]; do
	case $1 in
	--write-docs) write_docs=1; shift ;;
	--fw) fw_name=$2; shift 2 ;;
	*) break ;;
	esac
done
m4f=${1:-${MOOR_M4F_BUILD_DIR:-$MOOR_SRC/build/m4f}}
[ -d "$m4f" ] && m4f=$(cd "$m4f" && pwd)
FW_DIR=$m4f/boards/qemu-mps2-an386
fw=$FW_DIR/$fw_name.elf
PKI=$FW_DIR/pki
if [ ! -f "$fw" ]; then
	echo "SKIP: $fw is not built (cmake --preset m4f && cmake --build --preset m4f)"
	exit 77
fi
for p in qemu-system-arm redis-server redis-cli mariadbd arm-none-eabi-nm; do
	command -v "$p" >/dev/null || { echo "SKIP: $p not installed"; exit 77; }
done
[ -f "$PKI/root.crt" ] || moor_fail "no PKI at $PKI (the m4f build makes it)"
[ "$fw" -nt "$PKI/.done" ] || moor_fail "$fw is older than its PKI: rebuild the m4f tree"
DEVICE=qemu-m4

# 1. No heap in the image (on a copy: check_noheap.py deletes a bad image).
cp "$fw" "$moor_tmp/fw.elf"
"$MOOR_PY" "$MOOR_SRC/boards/qemu-mps2-an386/check_noheap.py" --nm arm-none-eabi-nm \
	"$moor_tmp/fw.elf" || moor_fail "the firmware has a heap"

# 2. The servers.
moor_server "$moor_tmp/redis.log" redis-server --port 0 --tls-port @PORT@ --bind 127.0.0.1 \
	--tls-cert-file "$PKI/server-ec-chain.crt" --tls-key-file "$PKI/server-ec.key" \
	--tls-ca-cert-file "$PKI/root.crt" --tls-auth-clients yes --tls-protocols TLSv1.3 \
	--save '' --appendonly no --dir "$moor_tmp"
REDIS_PORT=$MOOR_PORT
rcli=(redis-cli -h 127.0.0.1 -p "$REDIS_PORT" --tls --sni localhost --cacert "$PKI/root.crt"
	--cert "$PKI/client-rsa.crt" --key "$PKI/client-rsa.key")

moor_mariadb "$moor_tmp/mdb" --skip-log-bin --tls-version=TLSv1.3 \
	--ssl-cert="$PKI/server-ec-chain.crt" --ssl-key="$PKI/server-ec.key" \
	--ssl-ca="$PKI/root.crt"
MYSQL_PORT=$MOOR_PORT
sql() { mariadb --no-defaults -S "$MOOR_MARIADB_SOCK" -uroot --batch --skip-column-names "$@"; }
sql -e "CREATE DATABASE moor;
	CREATE USER 'sensor'@'%' REQUIRE X509;
	GRANT SELECT, INSERT, DELETE, CREATE ON moor.* TO 'sensor'@'%';"

# 3. The reference: the same application on the POSIX port.
ref=""
app=$MOOR_BUILD/moor_telemetry
if [ -x "$app" ]; then
	common=(-h 127.0.0.1 --sni localhost --cacert "$PKI/root.crt"
		--cert "$PKI/client-ec-chain.crt" --key "$PKI/client-ec.key" --device "$DEVICE")
	"$app" --proto redis -p "$REDIS_PORT" "${common[@]}" >"$moor_tmp/ref" 2>"$moor_tmp/ref.err" ||
		{ cat "$moor_tmp/ref" "$moor_tmp/ref.err"; moor_fail "moor_telemetry --proto redis"; }
	"$app" --proto mysql -p "$MYSQL_PORT" --user sensor "${common[@]}" >>"$moor_tmp/ref" \
		2>"$moor_tmp/ref.err" ||
		{ cat "$moor_tmp/ref" "$moor_tmp/ref.err"; moor_fail "moor_telemetry --proto mysql"; }
	ref=$moor_tmp/ref
else
	echo "note: $app not built: no comparison with the POSIX port"
fi

# 4. The firmware.
qemu() {
	local rc=0
	timeout 600 qemu-system-arm -M mps2-an386 -nographic -semihosting \
		-nic user,model=lan9118 -icount shift=0 -kernel "$moor_tmp/fw.elf" \
		-append "$1" </dev/null >"$moor_tmp/fw.out" 2>"$moor_tmp/fw.err" || rc=$?
	echo "+ qemu-system-arm ... -append \"$1\"  -> exit $rc"
	sed 's/^/  fw: /' "$moor_tmp/fw.out"
	sed 's/^/  stderr: /' "$moor_tmp/fw.err"
	return $rc
}
t0=$(date +%s)
qemu "redis=$REDIS_PORT mysql=$MYSQL_PORT device=$DEVICE mysql_user=sensor" ||
	moor_fail "the firmware failed (exit $?)"
t1=$(date +%s)
out=$moor_tmp/run.out
cp "$moor_tmp/fw.out" "$out"
[ "$(grep -c '^result: OK' "$out")" = 2 ] || moor_fail "not two 'result: OK' lines"
grep -q '^~ board: redis: MOOR_OK$' "$out" || moor_fail "redis run not OK"
grep -q '^~ board: mysql: MOOR_OK$' "$out" || moor_fail "mysql run not OK"
if grep -q '^error' "$out"; then
	moor_fail "error lines in the report"
fi

if [ -n "$ref" ]; then
	grep -v '^~ ' "$ref" >"$moor_tmp/ref.stable" || true
	grep -v '^~ ' "$out" >"$moor_tmp/fw.stable" || true
	if ! cmp -s "$moor_tmp/ref.stable" "$moor_tmp/fw.stable"; then
		diff -u "$moor_tmp/ref.stable" "$moor_tmp/fw.stable" | sed 's/^/  /'
		moor_fail "the firmware's report differs from the POSIX port's"
	fi
	echo "report: $(wc -l <"$moor_tmp/fw.stable") lines identical to the POSIX port's"
fi

# 5. What the servers hold, read by independent clients.
[ "$("${rcli[@]}" XLEN "moor:telemetry:$DEVICE")" = 10 ] || moor_fail "XLEN is not 10"
[ "$(sql -e "SELECT COUNT(*) FROM moor.readings WHERE device = '$DEVICE'")" = 10 ] ||
	moor_fail "the table does not hold 10 rows of $DEVICE"
ids_srv=$("${rcli[@]}" XRANGE "moor:telemetry:$DEVICE" - + | grep -cE '^[0-9]+-[0-9]+$')
[ "$ids_srv" = 10 ] || moor_fail "XRANGE does not list 10 entries"
# The stream IDs the firmware got from its XADDs (its "~ id: N ID" lines)
# are the ones the server lists.
ids_fw=$(sed -n 's/^~ id: [0-9]* \([0-9]*-[0-9]*\)$/\1/p' "$out")
if [ -n "$ids_fw" ]; then
	ids_srv=$("${rcli[@]}" XRANGE "moor:telemetry:$DEVICE" - + | grep -E '^[0-9]+-[0-9]+$')
	[ "$ids_fw" = "$ids_srv" ] || moor_fail "stream IDs differ: firmware [$ids_fw] server [$ids_srv]"
	echo "stream IDs: the firmware's 10 are the server's"
fi

# 6. The costs.
echo "QEMU run: $((t1 - t0)) s wall time"
costs=$(grep '^~ cost: ' "$out" || true)
sed 's/^~ cost: /cost: /' <<<"$costs"
[ "$(grep -c 'status=MOOR_OK' <<<"$costs")" -ge 2 ] || moor_fail "no handshake cost lines"
peak=$(sed -n 's/^~ stack: peak=\([0-9]*\) size=[0-9]*$/\1/p' "$out")
stack_size=$(sed -n 's/^~ stack: peak=[0-9]* size=\([0-9]*\)$/\1/p' "$out")
[ -n "$peak" ] || moor_fail "no stack line"
echo "peak stack: $peak bytes"

# 7. A failure exits 1: nothing listens on the port.
closed=$(moor_free_port)
if qemu "redis=$closed device=$DEVICE"; then
	moor_fail "the firmware exited 0 with no server"
fi
grep -q '^~ board: tcp connect: MOOR_ERR_' "$moor_tmp/fw.out" || moor_fail "no connect error"

section=qemu-m4
[ "$fw_name" = moor_qemu_fw13 ] && section=qemu-m4-tls13
if [ "$write_docs" = 1 ]; then
	field() { sed -n "s/.*\\b$2=\\([^ ]*\\).*/\\1/p" <<<"$1"; }
	group() { sed ':a;s/\B[0-9]\{3\}\>/,&/;ta' <<<"$1"; }
	rows=""
	while read -r line; do
		[ -n "$line" ] || continue
		rows+="| $(field "$line" run) | $(group "$(field "$line" insns)") | $(group "$(field "$line" stack)") |"$'\n'
	done <<<"$costs"
	{
		if [ "$fw_name" = moor_qemu_fw13 ]; then
			echo "## TLS 1.3 handshakes of the TLS 1.3-only Cortex-M4 firmware (QEMU mps2-an386)"
			echo
			echo "\`moor_qemu_fw13\`: the same firmware on the TLS 1.3-only library (no TLS"
			echo "1.2, AES-128-GCM, X25519 and P-256, the certificate validator in handshake"
			echo "scratch), against the same servers, measured as \`moor_qemu_fw\` is in"
			echo "section qemu-m4. Peak stack of the whole run: $(group "$peak") bytes of the"
			echo "$(group "$stack_size") the linker script reserves."
			echo
		else
			echo "## TLS 1.3 handshakes of the Cortex-M4 firmware (QEMU mps2-an386)"
			echo
			echo "The firmware of \`boards/qemu-mps2-an386\` (moor as it ships, on lwIP"
			echo "2.1.3 NO_SYS=1 and the LAN9118, arm-none-eabi-gcc \`-Os\`) runs the demo"
			echo "application against a real redis-server and mariadbd on the host, both TLS"
			echo "1.3 only and requiring a client certificate (\`tests/qemu/firmware.sh"
			echo "--write-docs\`). One row per \`moor_tls_handshake()\`: full verification"
			echo "(chain to the test root, dates, host name), X25519; the server's chain is"
			echo "an ECDSA P-256 leaf, a P-256 intermediate and an RSA-2048 root; the client"
			echo "sends its chain and signs CertificateVerify with its P-256 key."
			echo
			echo "Instructions: what the CPU executed inside the call, counted under"
			echo "\`-icount shift=0\` with the CMSDK TIMER0 (one tick is 40 instructions),"
			echo "less the ticks spent asleep in \`wfi\` waiting for the server: it"
			echo "includes lwIP, the driver and the interrupts, not the server's time. Stack:"
			echo "the deepest byte written below the top of the stack during the call (the"
			echo "stack painted before it). Peak stack of the whole run (both applications,"
			echo "start-up included): $(group "$peak") bytes of the $(group "$stack_size") the linker script"
			echo "reserves. The figures vary by a few thousand instructions from run to run"
			echo "(how often the wait loop polls lwIP before the server's flight is in)."
			echo
		fi
		echo "| server | instructions | peak stack, bytes |"
		echo "|---|---:|---:|"
		printf "%s" "$rows"
	} | "$MOOR_PY" "$MOOR_SRC/tests/bench/doc_section.py" "$MOOR_SRC/docs/benchmarks.md" "$section"
fi
echo "PASS: qemu firmware"
