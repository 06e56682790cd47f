#!/usr/bin/env bash
# The telemetry example (boards/host/telemetry.c, built as moor_telemetry)
# against a real redis-server on 127.0.0.1 that requires a client
# certificate, over TLS 1.3 only: the same setup as boards/host/demo.sh.
#
#   tests/redis/telemetry.sh PKIDIR
#
# Checks: the app exits 0 and says so; redis-cli (an independent client)
# finds the stream and the device hash the app wrote, with the IDs the app
# printed; with an ACL user and password it works the same; a wrong server
# name fails verification, and a client certificate the server does not
# trust is refused; and, in the plain variant when valgrind is installed,
# the whole process makes no heap allocation.
. "$(dirname "$0")/../interop/lib.sh"

[ $# -eq 1 ] || { echo "usage: $0 PKIDIR" >&2; exit 2; }
moor_pki "$1"
PKI=$(cd "$PKI" && pwd)
app=$MOOR_BUILD/moor_telemetry
[ -x "$app" ] || moor_fail "$app not built"

moor_server "$moor_tmp/redis.log" redis-server --port 0 --tls-port @PORT@ --bind 127.0.0.1 \
	--tls-cert-file "$PKI/server-ec-chain.crt" --tls-key-file "$PKI/server-ec.key" \
	--tls-ca-cert-file "$PKI/root.crt" --tls-auth-clients yes --tls-protocols TLSv1.3 \
	--save '' --appendonly no --dir "$moor_tmp" \
	--user app on '>secret' '~moor:*' '+@all'

conn=(-h 127.0.0.1 -p "$MOOR_PORT" --sni localhost --cacert "$PKI/root.crt")
ec=(--cert "$PKI/client-ec-chain.crt" --key "$PKI/client-ec.key")
rsa=(--cert "$PKI/client-rsa.crt" --key "$PKI/client-rsa.key")
rcli=(redis-cli -h 127.0.0.1 -p "$MOOR_PORT" --tls --sni localhost --cacert "$PKI/root.crt"
	--cert "$PKI/client-rsa.crt" --key "$PKI/client-rsa.key")

# run_app ARGS...: $out / $err / $rc of one run.
out=$moor_tmp/out
err=$moor_tmp/err
run_app() {
	rc=0
	# shellcheck disable=SC2086 # MOOR_WRAP is a command prefix with words
	$MOOR_WRAP "$app" "$@" >"$out" 2>"$err" || rc=$?
	echo "+ moor_telemetry $*  -> exit $rc"
	sed 's/^/  out: /' "$out"
	sed 's/^/  err: /' "$err"
}

# check_server DEVICE: what the app wrote, read by redis-cli.
check_server() {
	local dev=$1 ids_app ids_srv
	[ "$("${rcli[@]}" XLEN "moor:telemetry:$dev")" = 10 ] || moor_fail "XLEN is not 10"
	[ "$("${rcli[@]}" HGET "moor:device:$dev" temp_c)" = 23.75 ] || moor_fail "HGET temp_c"
	[ "$("${rcli[@]}" HGET "moor:device:$dev" seq)" = 9 ] || moor_fail "HGET seq"
	ids_app=$(awk '$1 == "~" && $2 == "id:" { print $4 }' "$out")
	ids_srv=$("${rcli[@]}" XRANGE "moor:telemetry:$dev" - + | grep -E '^[0-9]+-[0-9]+$')
	[ -n "$ids_app" ] && [ "$ids_app" = "$ids_srv" ] ||
		moor_fail "stream IDs differ: app [$ids_app] server [$ids_srv]"
	[ "$("${rcli[@]}" XRANGE "moor:telemetry:$dev" - + | sed -n '2,7p' | tr '\n' ' ')" = \
		"seq 0 temp_c 21.50 rh_pct 40.0 " ] || moor_fail "first entry's fields"
}

# 1. The demo's setup: the default user, an EC client certificate + chain.
run_app "${conn[@]}" "${ec[@]}" --device demo-1
[ "$rc" -eq 0 ] || moor_fail "exit $rc"
grep -q '^tls:   TLSv1.3 ' "$out" || moor_fail "no TLS 1.3 line"
grep -q '^result: OK, 10/10 readings' "$out" || moor_fail "no OK result"
[ "$(grep -c '^ *[0-9]\+  .*  ok$' "$out")" = 10 ] || moor_fail "not 10 entries ok"
[ "$(grep -c '^~ id: [0-9]\+ [0-9]\+-[0-9]\+$' "$out")" = 10 ] || moor_fail "not 10 stream IDs"
grep -q '^last:  moor:device:demo-1 = .*: ok$' "$out" || moor_fail "device hash not ok"
check_server demo-1

# 2. Again (the stream is replaced), RSA client certificate, ACL user.
run_app "${conn[@]}" "${rsa[@]}" --device demo-1 --user app --pass secret
[ "$rc" -eq 0 ] || moor_fail "exit $rc"
check_server demo-1
"${rcli[@]}" CLIENT LIST | grep -q 'name=moor-telemetry' && moor_fail "the app left its connection open"

# 3. Failures are reported and make the exit status 1.
run_app "${conn[@]}" "${ec[@]}" --user app --pass wrong
[ "$rc" -eq 1 ] || moor_fail "wrong password: exit $rc"
grep -q '^error: connect: MOOR_ERR_REDIS_AUTH:' "$err" || moor_fail "no AUTH error"
run_app -h 127.0.0.1 -p "$MOOR_PORT" --sni wrong.example --cacert "$PKI/root.crt" "${ec[@]}"
[ "$rc" -eq 1 ] || moor_fail "wrong name: exit $rc"
grep -q '^error: connect: MOOR_ERR_X509_HOSTNAME:' "$err" || moor_fail "no HOSTNAME error"
run_app "${conn[@]}" --cert "$PKI/unknown-leaf.crt" --key "$PKI/server-ec.key"
[ "$rc" -eq 1 ] || moor_fail "untrusted client certificate: exit $rc"
# The server's alert, or a reset: it closes right after its alert, and
# once our HELLO reaches the closed socket its RST can discard the alert.
grep -Eq '^error: connect: MOOR_ERR_(TLS_ALERT_RECEIVED\(|RESET:|CLOSED:)' "$err" ||
	moor_fail "the server did not refuse the certificate"
run_app "${conn[@]}" --key "$PKI/client-ec.key"
[ "$rc" -eq 2 ] || moor_fail "usage: exit $rc"

# 4. No heap: valgrind counts every allocation of the process.
if [ "${MOOR_VARIANT:-plain}" = plain ] && [ -z "$MOOR_WRAP" ] && command -v valgrind >/dev/null; then
	valgrind --error-exitcode=99 "$app" "${conn[@]}" "${ec[@]}" --device demo-2 \
		>"$out" 2>"$moor_tmp/vg" || { cat "$out" "$moor_tmp/vg"; moor_fail "under valgrind"; }
	grep -q 'total heap usage: 0 allocs, 0 frees, 0 bytes allocated' "$moor_tmp/vg" ||
		{ cat "$moor_tmp/vg"; moor_fail "the app allocated"; }
	echo "valgrind: $(grep -o 'total heap usage: .*' "$moor_tmp/vg")"
	check_server demo-2
fi
echo "PASS: telemetry"
