#!/usr/bin/env bash
# Fault injection at every byte offset of a MySQL session (connect,
# HandshakeV10, SSLRequest, TLS, login, COM_QUERY, a prepared statement,
# COM_QUIT) against a throwaway MariaDB on 127.0.0.1:
# tests/bin/mysql_faults (see mysql_faults.c for what it checks).
#
#   tests/mysql/mysql_faults.sh PKIDIR CASE     (`... PKIDIR list`: the cases)
#
# CASE: faults_tls13, faults_tls12 (user moor: every byte offset) and
# faults_tls13_cert, faults_tls12_cert (user certonly: every byte of
# every TLS record header and record edge, every 4th byte inside record
# bodies, to keep the run near a minute); the server is forced to that
# TLS version with --tls-version. faults_fallback: the server has TLS 1.2
# only, the client allows 1.2 and 1.3, so it is refused and connects again
# for TLS 1.2 (faults in the first connection, then in the second). Under
# valgrind (MOOR_VARIANT=valgrind) only a sample of the offsets is run.
#
# MariaDB accounts:
#   moor       moorpw, mysql_native_password
#   certonly   no password, REQUIRE X509 (certificate-only; the client
#              presents client-ec-chain.crt)
# Host blocking is off (--max-connect-errors): the test aborts thousands
# of connections in the middle of their handshake on purpose.
. "$(dirname "$0")/../interop/lib.sh"

[ $# -eq 2 ] || { echo "usage: $0 PKIDIR CASE" >&2; exit 2; }
case_name=$2

if [ "$case_name" = list ]; then
	echo faults_tls13 faults_tls12 faults_tls13_cert faults_tls12_cert faults_fallback
	exit 0
fi

moor_pki "$1"
PKI=$(cd "$PKI" && pwd)
BIN=$MOOR_BUILD/tests/bin/mysql_faults

case $case_name in
faults_tls13) v=1.3 args=(--users native) ;;
faults_tls12) v=1.2 args=(--users native) ;;
faults_tls13_cert) v=1.3 args=(--users cert --body-stride 4) ;;
faults_tls12_cert) v=1.2 args=(--users cert --body-stride 4) ;;
faults_fallback) v=1.2 args=(--users fallback) ;;
*) moor_fail "unknown case $case_name" ;;
esac

moor_mariadb "$moor_tmp/mdb" --skip-log-bin --skip-name-resolve \
	--max-connect-errors=4294967295 --max-connections=200 --log-warnings=0 \
	--ssl-cert="$PKI/server-rsa-chain.crt" --ssl-key="$PKI/server-rsa.key" \
	--ssl-ca="$PKI/root.crt" --tls-version="TLSv$v"
mariadb --no-defaults -S "$MOOR_MARIADB_SOCK" -uroot <<-'EOF'
	CREATE USER 'moor'@'%' IDENTIFIED BY 'moorpw';
	CREATE USER 'certonly'@'%' REQUIRE X509;
EOF

if [ "${MOOR_VARIANT:-}" = valgrind ]; then
	# every phase's first and last byte plus 16 offsets per direction
	args=("${args[0]}" "${args[1]}" --sample 16 --stall-step 4 --stall-ms 1000 --slack-ms 10000)
fi
rc=0
# shellcheck disable=SC2086 # MOOR_WRAP is a command prefix with words
$MOOR_WRAP "$BIN" "$PKI" "$MOOR_PORT" "$v" "${args[@]}" || rc=$?
# the server survived it all: the real client still logs in over TLS
mariadb --no-defaults -h 127.0.0.1 -P "$MOOR_PORT" -umoor -pmoorpw --ssl \
	--ssl-ca="$PKI/root.crt" -N -e 'SELECT 1' >"$moor_tmp/after" 2>&1 ||
	{ cat "$moor_tmp/after"; moor_fail "MariaDB no longer accepts a login"; }
[ "$rc" = 0 ] || moor_fail "mysql_faults: exit $rc"
echo "PASS $case_name"
