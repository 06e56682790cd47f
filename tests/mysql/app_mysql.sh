#!/usr/bin/env bash
# The demo application's MySQL mode (boards/app/app_mysql.c through
# boards/host/telemetry.c: moor_telemetry --proto mysql) against a real
# mariadbd on 127.0.0.1 that speaks TLS 1.3 only, as a certificate-only
# user (REQUIRE X509, no password): the same setup as boards/host/demo.sh.
#
#   tests/mysql/app_mysql.sh PKIDIR
#
# Checks:
#  - the app exits 0, its report says TLS 1.3, the login, the 10 readings
#    ok and "result: OK"; the `mariadb` client (an independent client)
#    finds exactly the rows the app inserted (the NULL included);
#  - a second run with the same inputs prints the same report, byte for
#    byte, once the lines marked "~ " (timings, server version, sizes)
#    are left out, and still leaves 10 rows (old rows deleted);
#  - the rows of another device are left alone;
#  - failures exit 1 with an "error:" line on stderr and write nothing: a
#    CA that did not sign the server's certificate, a wrong server name,
#    a user whose REQUIRE SUBJECT the certificate does not match, a user
#    without privileges on the schema, a client certificate the server
#    does not trust;
#  - the checks catch a value changed on the server (a trigger);
#  - in the plain variant, with valgrind installed: the whole process
#    makes no heap allocation.
. "$(dirname "$0")/../interop/lib.sh"

[ $# -eq 1 ] || { echo "usage: $0 PKIDIR" >&2; exit 2; }
moor_pki "$1"
PKI=$(cd "$PKI" && pwd)
app=$MOOR_BUILD/moor_telemetry
[ -x "$app" ] || moor_fail "$app not built"

moor_mariadb "$moor_tmp/mdb" --skip-log-bin --tls-version=TLSv1.3 \
	--ssl-cert="$PKI/server-ec-chain.crt" --ssl-key="$PKI/server-ec.key" \
	--ssl-ca="$PKI/root.crt"
SOCK=$MOOR_MARIADB_SOCK
sql() { mariadb --no-defaults -S "$SOCK" -uroot --batch --skip-column-names "$@"; }
sql <<-'EOF'
	CREATE DATABASE moor;
	CREATE USER 'sensor'@'%' REQUIRE X509;
	GRANT SELECT, INSERT, DELETE, CREATE ON moor.* TO 'sensor'@'%';
	CREATE USER 'subjbad'@'%' REQUIRE SUBJECT '/C=DE/O=moor tests/OU=clients/CN=someone else';
	GRANT ALL ON moor.* TO 'subjbad'@'%';
	CREATE USER 'noprivs'@'%' REQUIRE X509;
EOF

conn=(--proto mysql -h 127.0.0.1 -p "$MOOR_PORT" --sni localhost --cacert "$PKI/root.crt")
ec=(--cert "$PKI/client-ec-chain.crt" --key "$PKI/client-ec.key")

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

# What the table holds for DEVICE, as the mariadb client prints it.
rows_of() {
	sql -e "SELECT device, seq, temp_c, IFNULL(rh_pct, 'NULL'), ts FROM moor.readings
		WHERE device = '$1' ORDER BY seq" | tr '\t' ' '
}
want_rows() {
	local dev=$1 k centi permille rh s
	for k in 0 1 2 3 4 5 6 7 8 9; do
		centi=$((2150 + 25 * k - 10 * (k % 3)))
		permille=$((400 + 7 * k))
		rh=$((permille / 10)).$((permille % 10))
		[ "$k" = 4 ] && rh=NULL
		s=$((10 * k))
		# temp_c as MariaDB prints a DOUBLE: no trailing zeros
		printf '%s %s %s %s 2026-01-01 12:%02d:%02d\n' "$dev" "$k" \
			"$(awk -v c="$centi" 'BEGIN { printf "%.15g", c / 100 }')" "$rh" \
			$((s / 60)) $((s % 60))
	done
}
check_table() {
	local dev=$1
	[ "$(rows_of "$dev")" = "$(want_rows "$dev")" ] ||
		{ echo "table:"; rows_of "$dev"; echo "want:"; want_rows "$dev"; moor_fail "rows of $dev"; }
}

# 1. The demo's setup: certificate-only user, EC client certificate + chain.
sql -e "CREATE TABLE moor.readings (device VARCHAR(32) NOT NULL, seq INT NOT NULL,
	temp_c DOUBLE NOT NULL, rh_pct DECIMAL(4,1) NULL, ts DATETIME NOT NULL,
	PRIMARY KEY (device, seq));
	INSERT INTO moor.readings VALUES ('other', 1, 1.5, 2.5, '2020-01-01 00:00:00'),
	('dev-1', 77, 0, NULL, '2020-01-01 00:00:00')"
run_app "${conn[@]}" "${ec[@]}" --user sensor --device dev-1
[ "$rc" -eq 0 ] || moor_fail "exit $rc"
[ ! -s "$err" ] || moor_fail "stderr not empty"
grep -q '^tls:   TLSv1.3 .* verified (verify-full, name localhost, chain to ".*"); client certificate sent$' "$out" ||
	moor_fail "no TLS 1.3 line"
grep -qx 'mysql: logged in as sensor with the client certificate only (no password), schema moor' "$out" ||
	moor_fail "no login line"
grep -qx 'mysql: CURRENT_USER() = sensor@%' "$out" || moor_fail "CURRENT_USER"
grep -qx 'mysql: the server sees Ssl_version TLSv1.3' "$out" || moor_fail "Ssl_version"
grep -q '^insert: 1 prepared INSERT executed 10 times, .*: 10 rows$' "$out" || moor_fail "insert line"
grep -qx 'select: prepared SELECT, binary rows: 10 rows of 5 columns' "$out" || moor_fail "select line"
[ "$(grep -c '^ *[0-9]\+  .*  2026-01-01 12:[0-9:]*  ok$' "$out")" = 10 ] || moor_fail "not 10 rows ok"
grep -qx '    4   22.40    NULL  2026-01-01 12:00:40  ok' "$out" || moor_fail "the NULL row"
grep -qx 'quit:  COM_QUIT, close_notify' "$out" || moor_fail "no quit line"
[ "$(tail -n 1 "$out")" = "result: OK, 10/10 readings inserted, selected back and verified" ] ||
	moor_fail "no OK result"
check_table dev-1
[ "$(rows_of other)" = "other 1 1.5 2.5 2020-01-01 00:00:00" ] || moor_fail "another device's row changed"
grep -v '^~ ' "$out" >"$moor_tmp/stable1"

# 2. Same inputs again: the same report (without the "~ " lines), the old
#    rows replaced.
run_app "${conn[@]}" "${ec[@]}" --user sensor --device dev-1
[ "$rc" -eq 0 ] || moor_fail "second run: exit $rc"
grep -v '^~ ' "$out" >"$moor_tmp/stable2"
diff "$moor_tmp/stable1" "$moor_tmp/stable2" || moor_fail "the stable report lines differ between two runs"
grep -qx '~ delete: 10 old rows' "$out" || moor_fail "the second run did not delete 10 old rows"
check_table dev-1
# the server saw the app's connections end with COM_QUIT, not aborted
[ "$(sql -e "SHOW GLOBAL STATUS LIKE 'Aborted_clients'" | cut -f2)" = 0 ] ||
	moor_fail "a connection was aborted instead of COM_QUIT"

# 3. Failures: exit 1, an error line, nothing written.
fails() {   # fails PATTERN WHAT ARGS...
	local pat=$1 what=$2
	shift 2
	run_app "$@"
	[ "$rc" -eq 1 ] || moor_fail "$what: exit $rc"
	grep -Eq "$pat" "$err" || moor_fail "$what: no matching error line"
	grep -q '^result: FAILED' "$out" || moor_fail "$what: no FAILED result"
	grep -q '^select:' "$out" && moor_fail "$what: got as far as the SELECT"
	return 0
}
fails '^error: connect: MOOR_ERR_X509_[A-Z_]+: ' "wrong CA" \
	--proto mysql -h 127.0.0.1 -p "$MOOR_PORT" --sni localhost --cacert "$PKI/unknown-root.crt" \
	"${ec[@]}" --user sensor --device bad-1
fails '^error: connect: MOOR_ERR_X509_HOSTNAME: ' "wrong server name" \
	--proto mysql -h 127.0.0.1 -p "$MOOR_PORT" --sni wrong.example --cacert "$PKI/root.crt" \
	"${ec[@]}" --user sensor --device bad-1
fails '^error: connect: server ERR 1045 \(28000\): Access denied for user .subjbad.' \
	"REQUIRE SUBJECT not matched" "${conn[@]}" "${ec[@]}" --user subjbad --device bad-1
fails '^error: connect: server ERR 1044 \(42000\): Access denied for user .noprivs.' \
	"no privileges on the schema" "${conn[@]}" "${ec[@]}" --user noprivs --device bad-1
# (the server's alert, or a reset if its close overtook the alert)
fails '^error: connect: MOOR_ERR_(TLS_ALERT_RECEIVED\(48\)|RESET|CLOSED): ' \
	"untrusted client certificate" "${conn[@]}" --cert "$PKI/unknown-leaf.crt" --key "$PKI/server-ec.key" \
	--user sensor --device bad-1
[ "$(sql -e "SELECT COUNT(*) FROM moor.readings WHERE device = 'bad-1'")" = 0 ] ||
	moor_fail "a failed run wrote rows"
run_app "${conn[@]}" "${ec[@]}" --device dev-1
[ "$rc" -eq 2 ] || moor_fail "no --user: exit $rc"

# 4. The checks can fail: a trigger changes one DOUBLE by 1e-9 and drops
#    one DECIMAL on the way in; the app must see both rows as different.
sql <<-'EOF'
	DELIMITER //
	CREATE TRIGGER moor.tamper BEFORE INSERT ON moor.readings FOR EACH ROW
	BEGIN
	  IF NEW.device = 'tampered' AND NEW.seq = 3 THEN SET NEW.temp_c = NEW.temp_c + 1e-9; END IF;
	  IF NEW.device = 'tampered' AND NEW.seq = 7 THEN SET NEW.rh_pct = NULL; END IF;
	END //
	DELIMITER ;
EOF
run_app "${conn[@]}" "${ec[@]}" --user sensor --device tampered
[ "$rc" -eq 1 ] || moor_fail "tampered rows: exit $rc"
grep -qx 'error: check: a row read back differs from the one inserted' "$err" ||
	moor_fail "tampered rows: no check error"
[ "$(grep -c '  MISMATCH$' "$out")" = 2 ] || moor_fail "tampered rows: not 2 mismatches"
grep -q '^    3   22.25 .*  MISMATCH$' "$out" || moor_fail "tampered rows: seq 3 not flagged"
grep -q '^    7   23.15 .*  MISMATCH$' "$out" || moor_fail "tampered rows: seq 7 not flagged"
grep -qx 'result: FAILED (MOOR_APP_ERR_CHECK, 1 check(s) failed)' "$out" ||
	moor_fail "tampered rows: no FAILED result"

# 5. No heap: valgrind counts every allocation of the process.
if [ "${MOOR_VARIANT:-plain}" = plain ] && [ -z "$MOOR_WRAP" ] && command -v valgrind >/dev/null; then
	valgrind --error-exitcode=99 "$app" "${conn[@]}" "${ec[@]}" --user sensor --device dev-2 \
		>"$out" 2>"$moor_tmp/vg" || { cat "$out" "$moor_tmp/vg"; moor_fail "under valgrind"; }
	grep -q 'total heap usage: 0 allocs, 0 frees, 0 bytes allocated' "$moor_tmp/vg" ||
		{ cat "$moor_tmp/vg"; moor_fail "the app allocated"; }
	echo "valgrind: $(grep -o 'total heap usage: .*' "$moor_tmp/vg")"
	check_table dev-2
fi
echo "PASS: app_mysql"
