#!/usr/bin/env bash
# `moor mysql` (boards/host/cli_mysql.c) against the real mariadb client
# and a throwaway MariaDB on 127.0.0.1: the same flags to both, stdout,
# stderr and the exit status compared byte for byte.
#
#   tests/mysql/cli.sh PKIDIR CASE     (`... PKIDIR list`: the cases)
#
#   cli_tls13    every column type with NULLs, tabs/newlines/backslashes/NUL
#                in values and names, empty results, statements without
#                results, several statements and comments in one -e, CALL
#                with two result sets, a 5 MB result, a chunked 400 KB value,
#                -N / -s / -r / -E / \G / -v, USE and \c \q \u, SQL on
#                stdin, server errors (syntax, unknown column, an error in
#                the middle of the rows, wrong password, unknown database),
#                all compared with mariadb --batch
#                (cli_tls12 and cli_notls run the same basic set)
#   cli_tls12    the server forced to TLS 1.2: queries compared, a
#                certificate-only user (--ssl-cert/--ssl-key), -p reading the
#                password from stdin (no terminal) and from a terminal
#                (cli_pty.py), the mysql:// URL form
#   cli_notls    a server without TLS: --ssl-mode REQUIRED (and the default)
#                refused with ERROR 2026 ... MOOR_ERR_MYSQL_NO_TLS,
#                DISABLED compared with mariadb --skip-ssl
#   cli_errors   local failures: closed port (2002), unknown host (2005), a
#                certificate for another name and an unknown CA (2026),
#                VERIFY_CA accepting the other name; bad usage (exit 2)
. "$(dirname "$0")/../interop/lib.sh"

[ $# -eq 2 ] || { echo "usage: $0 PKIDIR CASE" >&2; exit 2; }
case_name=$2

if [ "$case_name" = list ]; then
	echo cli_tls13 cli_tls12 cli_notls cli_errors
	exit 0
fi

command -v mariadb >/dev/null || { echo "SKIP: mariadb client not installed"; exit 77; }
moor_pki "$1"
PKI=$(cd "$PKI" && pwd)
MOOR=$MOOR_BUILD/moor
checks=0

# mariadb_start [SERVER OPTIONS...]: the server and its accounts.
mariadb_start() {
	moor_mariadb "$moor_tmp/mdb" --max-allowed-packet=64M --skip-log-bin "$@"
	SOCK=$MOOR_MARIADB_SOCK
	PORT=$MOOR_PORT
	mariadb --no-defaults -S "$SOCK" -uroot <<-'EOF'
		CREATE USER 'moor'@'%' IDENTIFIED BY 'moorpw';
		GRANT ALL ON *.* TO 'moor'@'%';
		CREATE USER 'certonly'@'%' REQUIRE X509;
		GRANT SELECT ON *.* TO 'certonly'@'%';
		CREATE USER 'p@ss:u'@'%' IDENTIFIED BY 'p@ss/w:rd%';
		GRANT SELECT ON t.* TO 'p@ss:u'@'%';
		CREATE DATABASE t;
		CREATE TABLE t.types (
		  id INT PRIMARY KEY, ti TINYINT, su SMALLINT UNSIGNED, mi MEDIUMINT,
		  bi BIGINT, dc DECIMAL(14,4), fl FLOAT, db DOUBLE, bt BIT(10),
		  d DATE, dt DATETIME(6), ts TIMESTAMP(3) NULL, tm TIME(3), y YEAR,
		  c CHAR(5), vc VARCHAR(100), bn BINARY(4), vb VARBINARY(20),
		  tx TEXT, bl BLOB, e ENUM('a','b c'), st SET('x','y'), js JSON,
		  g GEOMETRY, u INET6);
		INSERT INTO t.types VALUES
		  (1, -128, 65535, -8388608, -9223372036854775808, -1234567890.1234,
		   1.5, -2.25e-300, b'1010101010', '2024-02-29', '2024-02-29 23:59:58.123456',
		   '2038-01-19 03:14:07.999', '-838:59:59.000', 2155, 'ab', 'héllo wörld €',
		   x'00010a09', x'5c000d1a0a', 'tab\there\nnewline\\backslash\0nul', x'ff00fe5c',
		   'b c', 'x,y', '{"k": [1, "a\\tb"]}', POINT(1, 2), '::1'),
		  (2, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
		   NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
		  (3, 0, 0, 0, 0, 0, 0, 0, b'0', '1000-01-01', '1000-01-01 00:00:00', NULL,
		   '00:00:00', 1901, '', '', x'', x'', '', x'', 'a', '', '[]', NULL, NULL),
		  (4, 127, 1, 8388607, 9223372036854775807, 9999999999.9999, 3.40282e38,
		   1.7976931348623157e308, b'1111111111', '9999-12-31', '9999-12-31 23:59:59.999999',
		   '2000-01-01 00:00:00', '838:59:59.999', 2000, 'NULL', 'NULL', 'NULL',
		   'N', '\\N', '\\\\', 'a', 'y', 'null', NULL, 'fe80::1');
		CREATE TABLE t.k (a INT);
		INSERT INTO t.k VALUES (1), (2), (3), (2);
		CREATE TABLE t.u (a INT, b INT);
		INSERT INTO t.u VALUES (1, 10), (2, 20), (2, 21), (3, 30);
		DELIMITER //
		CREATE PROCEDURE t.two() BEGIN SELECT 1 AS one; SELECT 'x' AS two WHERE 0; SELECT 2; END //
		DELIMITER ;
	EOF
}

tls_opts=(--ssl-cert="$PKI/server-rsa-chain.crt" --ssl-key="$PKI/server-rsa.key"
	--ssl-ca="$PKI/root.crt")

# Options both clients get, word for word. mariadb needs --protocol=tcp for
# "localhost"; moor accepts it (TCP is all it speaks).
common() {
	COMMON=(--no-defaults -h localhost --protocol=tcp -P "$PORT" --batch
		--default-character-set=utf8mb4 "$@")
}

# same [ARGS...]: run mariadb and moor mysql with COMMON + ARGS (stdin from
# $STDIN, default /dev/null) and compare stdout, stderr and exit status.
STDIN=/dev/null
same() {
	local rr=0 mr=0
	setsid -w mariadb "${COMMON[@]}" "$@" <"$STDIN" >"$moor_tmp/r.out" 2>"$moor_tmp/r.err" || rr=$?
	# shellcheck disable=SC2086
	setsid -w $MOOR_WRAP "$MOOR" mysql "${COMMON[@]}" "$@" <"$STDIN" \
		>"$moor_tmp/m.out" 2>"$moor_tmp/m.err" || mr=$?
	checks=$((checks + 1))
	echo "+ [$checks] $*  -> mariadb $rr, moor $mr ($(wc -c <"$moor_tmp/m.out") bytes out)"
	if ! cmp -s "$moor_tmp/r.out" "$moor_tmp/m.out"; then
		echo "  stdout differs:"
		diff <(od -c "$moor_tmp/r.out") <(od -c "$moor_tmp/m.out") | head -20 | sed 's/^/  /'
		moor_fail "stdout differs from mariadb's"
	fi
	if ! cmp -s "$moor_tmp/r.err" "$moor_tmp/m.err"; then
		echo "  stderr differs:"
		diff "$moor_tmp/r.err" "$moor_tmp/m.err" | head -20 | sed 's/^/  /'
		moor_fail "stderr differs from mariadb's"
	fi
	[ "$rr" -eq "$mr" ] || moor_fail "exit status $mr, mariadb's $rr"
	sed 's/^/  err: /' "$moor_tmp/m.err" | head -5
}

# moor_only [ARGS...]: moor mysql alone (moor_run), stdin from $STDIN.
moor_only() {
	moor_rc=0
	# shellcheck disable=SC2086
	setsid -w $MOOR_WRAP "$MOOR" mysql "$@" <"$STDIN" >"$moor_out" 2>"$moor_err" || moor_rc=$?
	checks=$((checks + 1))
	echo "+ [$checks] moor mysql $*  -> exit $moor_rc"
	sed 's/^/  out: /' "$moor_out" | head -10
	sed 's/^/  err: /' "$moor_err" | head -10
}

# The whole of stderr is exactly one line, $1.
expect_stderr() {
	[ "$(cat "$moor_err")" = "$1" ] || moor_fail "stderr is not '$1'"
}

queries_basic() {
	same -e 'select 1 as a, NULL as b, "x\ty" c; select 2'
	same -e 'select * from t.types order by id'
	same -N -e 'select * from t.types order by id'
	same -s -e 'select id, tx, bl, g from t.types'
	same -r -e 'select id, tx, vc from t.types order by id'
	same -e 'select "tab\tin name" as "a	b", "nul\0" as "new
line", 1 as `back\slash`'
	same -e 'select 1 from dual where 0'
	same -e 'create table t.x (a int); insert into t.x values (1), (2); update t.x set a = 3; drop table t.x'
	same -e 'select 1; select 2; select 3'
	same -e 'call t.two()'
	same -e '  select   1  ; /* c1 */ select 2 -- c2
;  select /*! 3 */ # c3
; select "a;b" , '"'"'it\'"'"'s'"'"' ; select 4 \g select "--x", 3--1 ;;; select 6'
	same -e 'select 1;
select
 2; select 1 #x
, 2'
	same -e 'delimiter //
create procedure t.p() begin select 10; select 11; end //
delimiter ;
call t.p(); drop procedure t.p'
	same -e 'delimiter //
select 1; select "two" as b //
delimiter ;
select 3;'
	same --skip-column -e 'select "prefix of --skip-column-names"'
	# \G and -E (vertical), -v (statements framed on stdout), USE
	same -e 'select "a\0b\nc\\d" as v, 1 as longername, NULL as n\G select 1 where 0\G select 5 as x;'
	same -N -e 'select * from t.types where id < 3\G'
	same -s -e 'select 1 as a, 2 as b\G select 3'
	same -E -e 'select * from t.types order by id desc; select 3'
	same -v -e 'select 1; create table t.zz (a int); drop table t.zz; select bad; select 3'
	same -e 'use t; select database(), count(*) from k; use `mysql` ; select database()'
	same -e 'select 1; use nosuchdb; select 2'
	# the client's backslash commands: \c \q \u \N, an unknown one
	same -e 'select 1 \c select 2; select 3 \q select 4'
	same -e 'select \N, 2; \u t
select database(); \u `mysql` ; select database()'
	same -e 'select 1;
select 2 \x, 3'
	same t -e 'select database(), count(*) from types'
	same -D t -e 'select database()'
}

case $case_name in
cli_tls13)
	mariadb_start "${tls_opts[@]}" --tls-version=TLSv1.3
	common -umoor -pmoorpw --ssl-ca="$PKI/root.crt" --ssl-verify-server-cert
	queries_basic
	# a result larger than the CLI's 4 MiB hold-back buffer, and a value
	# larger than its 64 KiB receive buffer (streamed in chunks)
	same -e 'set max_recursive_iterations = 100000;
with recursive s(n) as (select 1 union all select n + 1 from s where n < 80000)
select n, repeat("a\tb", n % 7), md5(n), if(n % 5 = 0, null, n / 3) from s'
	same -e 'select repeat("x\\y\n", 100000) as big, length(repeat("z", 300000)) l'
	# SQL on stdin (no -e)
	printf 'select 1;\nselect "two"\n;\n' >"$moor_tmp/in.sql"
	STDIN=$moor_tmp/in.sql same
	# server errors: the statement framed, "at line N", exit 1
	same -e 'select 1; select bad syntax here; select 3'
	same -e 'select 1;

  select nosuchcol'
	same -e 'select 1; /* x
*/ select * from t.nosuch'
	same -e "select 0; select k.a, (select b from t.u where u.a = k.a) from t.k; select 5"
	same -e 'select 1' -e 'select 2'
	same -e "select 1 from t.$(printf 'y%.0s' {1..200})"
	common -umoor -pbad --ssl-ca="$PKI/root.crt" --ssl-verify-server-cert
	same -e 'select 1'
	common -unobody -pmoorpw --ssl-ca="$PKI/root.crt" --ssl-verify-server-cert
	same -e 'select 1'
	common -umoor -pmoorpw --ssl-ca="$PKI/root.crt" --ssl-verify-server-cert
	same -D nosuchdb -e 'select 1'
	same nosuchdb -e 'select 1'
	# --ssl-mode spelled the mysql way (moor only): the same output
	moor_only -h localhost -P "$PORT" -umoor -pmoorpw --ssl-mode=verify_identity \
		--ssl-ca="$PKI/root.crt" -e 'select @@version_comment is not null as ok'
	expect_rc 0
	[ "$(cat "$moor_out")" = "$(printf 'ok\n1')" ] || moor_fail "unexpected output"
	;;
cli_tls12)
	mariadb_start "${tls_opts[@]}" --tls-version=TLSv1.2
	common -umoor -pmoorpw --ssl-ca="$PKI/root.crt" --ssl-verify-server-cert
	queries_basic
	same -e 'select @@version_comment is not null, variable_value from information_schema.session_status where variable_name = "Ssl_version"'
	grep -qx $'1\tTLSv1.2' "$moor_tmp/m.out" || moor_fail "not TLS 1.2"
	# certificate-only user
	common -ucertonly --ssl-ca="$PKI/root.crt" --ssl-verify-server-cert \
		--ssl-cert="$PKI/client-rsa.crt" --ssl-key="$PKI/client-rsa.key"
	same -e 'select current_user()'
	grep -qx 'certonly@%' "$moor_tmp/m.out" || moor_fail "not logged in as certonly"
	common -ucertonly --ssl-ca="$PKI/root.crt" --ssl-verify-server-cert
	same -e 'select current_user()'
	# -p / --password without a value: the prompt on stderr, the password
	# from stdin (no terminal), the SQL after it on stdin
	printf 'moorpw\n' >"$moor_tmp/pw"
	common -umoor -p --ssl-ca="$PKI/root.crt" --ssl-verify-server-cert
	STDIN=$moor_tmp/pw same -e 'select current_user()'
	grep -qx 'Enter password: ' <(cat "$moor_tmp/m.err"; echo) || moor_fail "no prompt"
	common -umoor --password --ssl-ca="$PKI/root.crt" --ssl-verify-server-cert
	STDIN=$moor_tmp/pw same -e 'select 1'
	# the SQL after the password line (mariadb's getpass() reads stdin
	# through a buffer and loses it; moor reads the password byte by byte)
	printf 'moorpw\nselect 41 + 1;\n' >"$moor_tmp/pwsql"
	STDIN=$moor_tmp/pwsql moor_only "${COMMON[@]}"
	expect_rc 0
	[ "$(cat "$moor_out")" = "$(printf '41 + 1\n42')" ] || moor_fail "SQL after the password"
	expect_stderr "Enter password: "
	printf 'wrong\n' >"$moor_tmp/pwbad"
	STDIN=$moor_tmp/pwbad same -e 'select 1'
	# a terminal (cli_pty.py): the prompt on it, the password typed once the
	# prompt shows (echo is off by then) and not echoed
	# (not under valgrind: its messages would share the terminal)
	if [ -z "$MOOR_WRAP" ]; then
		tty_args=(--no-defaults -hlocalhost --protocol=tcp -P"$PORT" -umoor -p
			--ssl-ca="$PKI/root.crt" --ssl-verify-server-cert -B -e 'select 7 as seven')
		rr=0 mr=0
		"$MOOR_PY" "$MOOR_SRC/tests/mysql/cli_pty.py" moorpw mariadb "${tty_args[@]}" \
			>"$moor_tmp/tty.r" || rr=$?
		"$MOOR_PY" "$MOOR_SRC/tests/mysql/cli_pty.py" moorpw "$MOOR" mysql "${tty_args[@]}" \
			>"$moor_tmp/tty.m" || mr=$?
		checks=$((checks + 1))
		echo "+ [$checks] on a terminal: mariadb $rr, moor $mr"
		od -c "$moor_tmp/tty.m" | sed 's/^/  tty: /'
		if [ "$mr" -ne 0 ] || [ "$rr" -ne 0 ]; then moor_fail "terminal session failed"; fi
		cmp "$moor_tmp/tty.r" "$moor_tmp/tty.m" || moor_fail "terminal session differs from mariadb's"
		grep -q moorpw "$moor_tmp/tty.m" && moor_fail "password echoed"
		grep -q seven "$moor_tmp/tty.m" || moor_fail "no result on the terminal"
	fi
	# the URL form: percent-decoded user and password, database, TLS params
	moor_only "mysql://p%40ss%3Au:p%40ss%2Fw%3Ard%25@localhost:$PORT/t?ssl-mode=VERIFY_IDENTITY&ssl-ca=$PKI/root.crt" \
		-e 'select current_user(), database()'
	expect_rc 0
	[ "$(cat "$moor_out")" = "$(printf 'current_user()\tdatabase()\np@ss:u@%%\tt')" ] ||
		moor_fail "URL login"
	moor_only --url "mysql://certonly@localhost:$PORT?ssl_ca=$PKI/root.crt&ssl-cert=$PKI/client-ec-chain.crt&ssl-key=$PKI/client-ec.key" \
		-N -e 'select current_user()'
	expect_rc 0
	[ "$(cat "$moor_out")" = "certonly@%" ] || moor_fail "URL with a client certificate"
	moor_only "mysql://moor:bad@localhost:$PORT/?ssl-mode=verify_ca&ssl-ca=$PKI/root.crt" -e 'select 1'
	expect_rc 1
	expect_stderr "ERROR 1045 (28000): Access denied for user 'moor'@'localhost' (using password: YES)"
	;;
cli_notls)
	mariadb_start --skip-ssl
	common -umoor -pmoorpw
	moor_only "${COMMON[@]}" --ssl-mode=REQUIRED -e 'select 1'
	expect_rc 1
	expect_stderr "ERROR 2026 (HY000): TLS/SSL error: MOOR_ERR_MYSQL_NO_TLS: ssl-mode requires TLS but the MySQL server does not offer it"
	moor_only "${COMMON[@]}" -e 'select 1'
	expect_rc 1
	expect_err "ERROR 2026 (HY000): TLS/SSL error: MOOR_ERR_MYSQL_NO_TLS:"
	moor_only "${COMMON[@]}" --ssl -e 'select 1'
	expect_rc 1
	expect_err "ERROR 2026 (HY000): TLS/SSL error: MOOR_ERR_MYSQL_NO_TLS:"
	common -umoor -pmoorpw --skip-ssl
	queries_basic
	same -e 'select bad'
	common -umoor -pmoorpw --ssl-mode=disabled
	moor_only "${COMMON[@]}" -e 'select variable_value from information_schema.session_status where variable_name = "Ssl_version"'
	expect_rc 0
	[ "$(cat "$moor_out")" = "$(printf 'variable_value\n')" ] || moor_fail "not plaintext"
	;;
cli_errors)
	# a port nobody listens on
	port=$(moor_free_port)
	moor_only -h 127.0.0.1 -P "$port" -umoor -pmoorpw -e 'select 1'
	expect_rc 1
	expect_stderr "ERROR 2002 (HY000): Can't connect to server on '127.0.0.1' (MOOR_ERR_CONNECT: connection refused or host unreachable)"
	moor_only -h nosuchhost.invalid -P "$port" -umoor -pmoorpw -e 'select 1'
	expect_rc 1
	expect_stderr "ERROR 2005 (HY000): Unknown server host 'nosuchhost.invalid' (MOOR_ERR_RESOLVE: host name could not be resolved)"
	# a server whose certificate names wrong.example
	mariadb_start --ssl-cert="$PKI/wronghost-chain.crt" --ssl-key="$PKI/server-rsa.key" \
		--ssl-ca="$PKI/root.crt"
	moor_only -h localhost -P "$PORT" -umoor -pmoorpw --ssl-ca="$PKI/root.crt" -e 'select 1'
	expect_rc 1
	expect_stderr "ERROR 2026 (HY000): TLS/SSL error: MOOR_ERR_X509_HOSTNAME: certificate does not match the host name"
	moor_only -h localhost -P "$PORT" -umoor -pmoorpw --ssl-ca="$PKI/root.crt" --ssl-mode=VERIFY_IDENTITY -e 'select 1'
	expect_rc 1
	expect_err "ERROR 2026 (HY000): TLS/SSL error: MOOR_ERR_X509_HOSTNAME:"
	# the real client refuses it too
	rc=0
	mariadb --no-defaults -h localhost --protocol=tcp -P "$PORT" -umoor -pmoorpw \
		--ssl-ca="$PKI/root.crt" --ssl-verify-server-cert -e 'select 1' \
		>/dev/null 2>"$moor_tmp/r.err" </dev/null || rc=$?
	echo "  mariadb: exit $rc: $(cat "$moor_tmp/r.err")"
	if [ "$rc" -ne 1 ] || ! grep -q '^ERROR 2026 (HY000): TLS/SSL error: ' "$moor_tmp/r.err"; then
		moor_fail "mariadb accepted the wrong name"
	fi
	# the right name through --sni, VERIFY_CA (no name check): accepted
	moor_only -h localhost -P "$PORT" -umoor -pmoorpw --ssl-ca="$PKI/root.crt" --sni wrong.example -N -e 'select 1'
	expect_rc 0
	[ "$(cat "$moor_out")" = 1 ] || moor_fail "--sni"
	moor_only -h localhost -P "$PORT" -umoor -pmoorpw --ssl-ca="$PKI/root.crt" --ssl-mode=verify_ca -N -e 'select 1'
	expect_rc 0
	[ "$(cat "$moor_out")" = 1 ] || moor_fail "VERIFY_CA"
	# an anchor that did not sign the chain; no --ssl-ca (built-in anchors)
	moor_only -h localhost -P "$PORT" -umoor -pmoorpw --ssl-ca="$PKI/unknown-root.crt" --ssl-mode=VERIFY_CA -e 'select 1'
	expect_rc 1
	expect_err "ERROR 2026 (HY000): TLS/SSL error: MOOR_ERR_X509_UNKNOWN_CA:"
	moor_only -h localhost -P "$PORT" -umoor -pmoorpw -e 'select 1'
	expect_rc 1
	expect_err "ERROR 2026 (HY000): TLS/SSL error: MOOR_ERR_X509_"
	# REQUIRED: encrypted, not verified
	moor_only -h localhost -P "$PORT" -umoor -pmoorpw --ssl-mode=required -N -e 'select 1'
	expect_rc 0
	# bad usage: exit 2, nothing sent
	for bad in "--ssl-mode=PREFERRED" "--ssl-mode=bogus" "--port=0" "--bogus" "-Z" \
		"--ssl-cert=$PKI/client-rsa.crt" "--tls-version=TLSv1.1" "--protocol=socket" \
		"mysql://h:99999/" "mysql://u@h/?what=1" "db1 db2"; do
		# shellcheck disable=SC2086
		moor_only -h localhost -P "$PORT" -umoor -pmoorpw $bad -e 'select 1'
		expect_rc 2
	done
	;;
*)
	moor_fail "unknown case $case_name"
	;;
esac
echo "$checks passed, 0 failed"
echo "PASS $case_name"
