#!/usr/bin/env bash
# MySQL codec interop: tests/bin/mysql_codec_interop (moor's TCP and TLS
# transports + core/mysql, nothing else) against a real MariaDB (Debian's
# mariadb-server) and against a scripted caching_sha2_password server
# (sha2_server.py: no server in Debian speaks it), all on 127.0.0.1; and
# the codec's --batch escaping against the real `mariadb --batch` output.
#
#   tests/mysql/mysql.sh PKIDIR CASE        (`mysql.sh PKIDIR list`: the cases)
#
# MariaDB runs as a throwaway instance in a temporary directory (started
# with --user=root, stopped by PID), with the PKI's RSA server certificate
# (SAN localhost) and max_allowed_packet 64 MiB, and these accounts:
#   moor  password moorpw (mysql_native_password)
#   edu   IDENTIFIED VIA ed25519 (moor answers native: a real AuthSwitchRequest)
. "$(dirname "$0")/../interop/lib.sh"

[ $# -eq 2 ] || { echo "usage: $0 PKIDIR CASE" >&2; exit 2; }
case_name=$2

cases_list() {
	echo mariadb_tls mariadb_noeof mariadb_batch mariadb_switch
	echo sha2_rsa sha2_tls sha2_switch
	echo sha2_real_client_rsa sha2_real_client_tls
}
if [ "$case_name" = list ]; then
	echo $(cases_list)
	exit 0
fi

moor_pki "$1"
PKI=$(cd "$PKI" && pwd)
BIN=$MOOR_BUILD/tests/bin/mysql_codec_interop

# interop ARGS...: run the codec driver (under MOOR_WRAP), show its output.
interop() {
	local rc=0
	# shellcheck disable=SC2086
	$MOOR_WRAP "$BIN" "$@" >"$moor_tmp/out" 2>"$moor_tmp/err" || rc=$?
	echo "+ mysql_codec_interop $*  -> exit $rc"
	sed 's/^/  /' "$moor_tmp/out"
	sed 's/^/  err: /' "$moor_tmp/err"
	return $rc
}

mariadb_start() {
	moor_mariadb "$moor_tmp/mdb" \
		--ssl-cert="$PKI/server-rsa-chain.crt" --ssl-key="$PKI/server-rsa.key" \
		--ssl-ca="$PKI/root.crt" --max-allowed-packet=64M \
		--plugin-load-add=auth_ed25519 --skip-log-bin
	SOCK=$MOOR_MARIADB_SOCK
	mariadb --no-defaults -S "$SOCK" -uroot <<-'EOF'
		CREATE USER 'moor'@'%' IDENTIFIED BY 'moorpw';
		GRANT ALL ON *.* TO 'moor'@'%';
		CREATE USER 'edu'@'%' IDENTIFIED VIA ed25519 USING PASSWORD('edpw');
		CREATE DATABASE t;
		CREATE TABLE t.types (id INT PRIMARY KEY, ti TINYINT, tu TINYINT UNSIGNED,
		  si SMALLINT, mi MEDIUMINT, bi BIGINT, bu BIGINT UNSIGNED, f FLOAT, d DOUBLE,
		  dc DECIMAL(10,3), dt DATE, dtm DATETIME(6), ts TIMESTAMP NULL, tm TIME(6),
		  y YEAR, vc VARCHAR(50), bl BLOB, tx TEXT, bt BIT(10), en ENUM('a','b'), js JSON)
		  DEFAULT CHARSET utf8mb4;
		INSERT INTO t.types VALUES (1, -128, 255, -32768, -8388608, -9223372036854775808,
		  18446744073709551615, 1.5, -2.25, -1234567.891, '2024-02-29',
		  '2024-02-29 13:14:15.123456', '2001-01-01 00:00:00', '-838:59:59.000000', 2024,
		  'héllo', X'00FF0A09', 'a\tb\nc\\d', b'1010101010', 'b', '{"k": [1, 2]}');
		INSERT INTO t.types VALUES (2, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
		  NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL);
		INSERT INTO t.types (id, dt, dtm, tm, vc) VALUES (3, '0000-00-00',
		  '2020-01-02 00:00:00', '00:00:00', '');
		CREATE TABLE t.ai (id INT AUTO_INCREMENT PRIMARY KEY, v VARCHAR(10));
		DELIMITER //
		CREATE PROCEDURE t.two() BEGIN SELECT 1; SELECT 2; END //
		DELIMITER ;
	EOF
}

sha2_start() {
	"$MOOR_PY" -c 'import cryptography' 2>/dev/null ||
		{ echo "SKIP: python3-cryptography missing"; exit 77; }
	SHA2_LOG=$moor_tmp/sha2.paths
	: >"$SHA2_LOG"
	moor_server "$moor_tmp/sha2.log" "$MOOR_PY" "$MOOR_SRC/tests/mysql/sha2_server.py" \
		@PORT@ app s3cret "$SHA2_LOG" "$@"
}

# expect_paths "LINE1" "LINE2"...: the scripted server's log, line by line.
expect_paths() {
	local want
	want=$(printf '%s\n' "$@")
	echo "  server paths: $(tr '\n' '|' <"$SHA2_LOG")"
	[ "$(cat "$SHA2_LOG")" = "$want" ] || moor_fail "server took other paths (want: $*)"
}

case $case_name in
mariadb_tls)
	mariadb_start
	interop "$MOOR_PORT" full moor moorpw "$PKI/root.crt" || moor_fail "checks failed"
	grep -q '^ok login over TLS$' "$moor_tmp/out" || moor_fail "not over TLS"
	;;
mariadb_noeof)
	mariadb_start
	interop "$MOOR_PORT" noeof moor moorpw || moor_fail "checks failed"
	;;
mariadb_batch)
	mariadb_start
	command -v mariadb >/dev/null || { echo "SKIP: mariadb client missing"; exit 77; }
	for q in "SELECT * FROM t.types ORDER BY id" \
		"SELECT 'a\rb' AS \`x\ty\`, X'00' AS z, NULL AS n, 'NULL' AS s, '\\\\' AS bs, X'1A08275C0A09' AS ctl, '' AS e" \
		"SELECT id, vc, tx FROM t.types WHERE id = 1" \
		$'SELECT 1 AS `a\tb`, 2 AS `c\\d`, REPEAT(\'\\\\\', 3000) AS `long`, X\'0D0A\' AS crlf'; do
		mariadb --no-defaults -S "$SOCK" -umoor -pmoorpw --batch -e "$q" >"$moor_tmp/want"
		interop "$MOOR_PORT" batch moor moorpw - "$q" || moor_fail "query failed: $q"
		cmp "$moor_tmp/out" "$moor_tmp/want" ||
			{ diff <(od -c "$moor_tmp/out") <(od -c "$moor_tmp/want") | head -20
			  moor_fail "output differs from mariadb --batch for: $q"; }
		echo "  same as mariadb --batch ($(wc -c <"$moor_tmp/want") bytes)"
	done
	;;
mariadb_switch)
	mariadb_start
	interop "$MOOR_PORT" switch edu edpw - client_ed25519 || moor_fail "no switch"
	;;
sha2_rsa)
	sha2_start
	interop "$MOOR_PORT" auth app s3cret || moor_fail "full auth (RSA)"
	interop "$MOOR_PORT" auth app s3cret || moor_fail "fast auth"
	interop "$MOOR_PORT" auth app wrong && moor_fail "a wrong password logged in"
	expect_paths "rsa" "fast" "denied"
	;;
sha2_tls)
	sha2_start "$PKI/server-rsa-chain.crt" "$PKI/server-rsa.key"
	interop "$MOOR_PORT" auth app s3cret "$PKI/root.crt" || moor_fail "full auth (TLS)"
	interop "$MOOR_PORT" auth app s3cret "$PKI/root.crt" || moor_fail "fast auth (TLS)"
	expect_paths "cleartext" "fast"
	;;
sha2_switch)
	sha2_start
	# answered with mysql_native_password: an AuthSwitchRequest to
	# caching_sha2_password with a new nonce, then full auth (RSA) with it
	interop "$MOOR_PORT" authnative app s3cret || moor_fail "switch, then RSA"
	interop "$MOOR_PORT" authnative app s3cret || moor_fail "switch, then fast auth"
	interop "$MOOR_PORT" auth nobody s3cret && moor_fail "unknown user logged in"
	expect_paths "switch rsa" "switch fast" "denied"
	;;
# The scripted server checked against the real client: Debian's
# mariadb-admin, whose libmariadb has its own caching_sha2_password plugin,
# must take the same paths through it as moor does (COM_PING after login).
sha2_real_client_rsa)
	command -v mariadb-admin >/dev/null || { echo "SKIP: mariadb-admin missing"; exit 77; }
	sha2_start
	# mariadb-admin exits 0 even when it cannot log in: its output tells.
	real_admin() {
		local out
		out=$(timeout 20 mariadb-admin -h 127.0.0.1 -P "$MOOR_PORT" -u app "$@" ping 2>&1) || true
		echo "  mariadb-admin $*: $out"
		[ "$out" = "mysqld is alive" ]
	}
	real_admin -ps3cret --skip-ssl || moor_fail "mariadb-admin: full auth (RSA) failed"
	real_admin -ps3cret --skip-ssl || moor_fail "mariadb-admin: fast auth failed"
	real_admin -pwrong --skip-ssl && moor_fail "mariadb-admin logged in with a wrong password"
	expect_paths "rsa" "fast" "denied"
	;;
sha2_real_client_tls)
	command -v mariadb-admin >/dev/null || { echo "SKIP: mariadb-admin missing"; exit 77; }
	sha2_start "$PKI/server-rsa-chain.crt" "$PKI/server-rsa.key"
	real_admin() {
		local out
		out=$(timeout 20 mariadb-admin -h 127.0.0.1 -P "$MOOR_PORT" -u app \
			--ssl-ca="$PKI/root.crt" --ssl-verify-server-cert "$@" ping 2>&1) || true
		echo "  mariadb-admin $*: $out"
		[ "$out" = "mysqld is alive" ]
	}
	real_admin -ps3cret || moor_fail "mariadb-admin: full auth (TLS) failed"
	real_admin -ps3cret || moor_fail "mariadb-admin: fast auth (TLS) failed"
	real_admin -pwrong && moor_fail "mariadb-admin logged in with a wrong password"
	expect_paths "cleartext" "fast" "denied"
	;;
*)
	moor_fail "unknown case $case_name"
	;;
esac
echo "PASS $case_name"
