#!/usr/bin/env bash
# The MySQL client (core/mysql/client.c) against real servers on 127.0.0.1:
# tests/bin/mysql_client_interop against a throwaway MariaDB (TLS forced
# to 1.3 or 1.2 with --tls-version, or no TLS at all) and against the
# scripted caching_sha2_password server (sha2_server.py), with and
# without TLS.
#
#   tests/mysql/mysql_client.sh PKIDIR CASE     (`... PKIDIR list`: the cases)
#
# MariaDB accounts (mariadb_start):
#   moor         moorpw, mysql_native_password, ALL
#   edu          IDENTIFIED VIA ed25519 (a real AuthSwitchRequest)
#   sslu         REQUIRE SSL
#   x509u        REQUIRE X509
#   subju        REQUIRE SUBJECT of the PKI's client-rsa.crt
#   subjbad      REQUIRE SUBJECT of another name
#   certonly     no password, REQUIRE X509 (certificate-only)
#   4ZvV7x.root  a TiDB Cloud style prefixed user name
. "$(dirname "$0")/../interop/lib.sh"

[ $# -eq 2 ] || { echo "usage: $0 PKIDIR CASE" >&2; exit 2; }
case_name=$2

if [ "$case_name" = list ]; then
	echo client_tls13 client_tls12 client_notls client_sha2 client_sha2_tls
	exit 0
fi

moor_pki "$1"
PKI=$(cd "$PKI" && pwd)
BIN=$MOOR_BUILD/tests/bin/mysql_client_interop

client() {
	local rc=0
	# shellcheck disable=SC2086
	$MOOR_WRAP "$BIN" "$PKI" "$MOOR_PORT" "$@" >"$moor_tmp/out" 2>"$moor_tmp/err" || rc=$?
	echo "+ mysql_client_interop $*  -> exit $rc"
	sed 's/^/  /' "$moor_tmp/out"
	sed 's/^/  err: /' "$moor_tmp/err"
	return $rc
}

# mariadb_start [SERVER OPTIONS...]
mariadb_start() {
	moor_mariadb "$moor_tmp/mdb" --max-allowed-packet=64M --performance-schema=ON \
		--plugin-load-add=auth_ed25519 --skip-log-bin "$@"
	SOCK=$MOOR_MARIADB_SOCK
	mariadb --no-defaults -S "$SOCK" -uroot <<-'EOF'
		CREATE USER 'moor'@'%' IDENTIFIED BY 'moorpw';
		GRANT ALL ON *.* TO 'moor'@'%';
		CREATE USER 'edu'@'%' IDENTIFIED VIA ed25519 USING PASSWORD('edpw');
		CREATE USER 'sslu'@'%' IDENTIFIED BY 'sslpw' REQUIRE SSL;
		CREATE USER 'x509u'@'%' IDENTIFIED BY 'x509pw' REQUIRE X509;
		CREATE USER 'subju'@'%' IDENTIFIED BY 'subjpw'
		  REQUIRE SUBJECT '/C=DE/O=moor tests/OU=clients/CN=moor client rsa';
		CREATE USER 'subjbad'@'%' IDENTIFIED BY 'subjpw'
		  REQUIRE SUBJECT '/C=DE/O=moor tests/OU=clients/CN=someone else';
		CREATE USER 'certonly'@'%' REQUIRE X509;
		CREATE USER '4ZvV7x.root'@'%' IDENTIFIED BY 'tidbpw';
		CREATE DATABASE t;
		GRANT ALL ON t.* TO 'sslu'@'%';
		DELIMITER //
		CREATE PROCEDURE t.two() BEGIN SELECT 1; SELECT 2; END //
		DELIMITER ;
	EOF
}

tls_opts=(--ssl-cert="$PKI/server-rsa-chain.crt" --ssl-key="$PKI/server-rsa.key"
	--ssl-ca="$PKI/root.crt")

sha2_start() {
	"$MOOR_PY" -c 'import cryptography' 2>/dev/null ||
		{ echo "SKIP: python3-cryptography missing"; exit 77; }
	SHA2_LOG=$moor_tmp/sha2.paths
	: >"$SHA2_LOG"
	moor_server "$moor_tmp/sha2.log" "$MOOR_PY" "$MOOR_SRC/tests/mysql/sha2_server.py" \
		@PORT@ app s3cret "$SHA2_LOG" "$@"
}

# the scripted server's log without its "error ..." lines (a client that
# refuses to go on closes the connection), joined with '|'
sha2_paths() {
	grep -v '^error' "$SHA2_LOG" | tr '\n' '|'
}

case $case_name in
client_tls13)
	mariadb_start "${tls_opts[@]}" --tls-version=TLSv1.3
	client mariadb 1.3 || moor_fail "checks failed"
	;;
client_tls12)
	mariadb_start "${tls_opts[@]}" --tls-version=TLSv1.2
	client mariadb 1.2 || moor_fail "checks failed"
	;;
client_notls)
	mariadb_start --skip-ssl
	client notls || moor_fail "checks failed"
	;;
client_sha2)
	sha2_start
	client sha2 || moor_fail "checks failed"
	p=$(sha2_paths)
	echo "  server paths: $p"
	[ "$p" = "rsa|fast|denied|" ] || moor_fail "server took other paths"
	;;
client_sha2_tls)
	sha2_start "$PKI/server-rsa-chain.crt" "$PKI/server-rsa.key"
	client sha2tls || moor_fail "checks failed"
	p=$(sha2_paths)
	echo "  server paths: $p"
	[ "$p" = "cleartext|fast|" ] || moor_fail "server took other paths"
	;;
*)
	moor_fail "unknown case $case_name"
	;;
esac
echo "PASS $case_name"
