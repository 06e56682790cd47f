#!/usr/bin/env bash
# The demo application (boards/app) on lwIP over libslirp
# (boards/host-lwip) against a real redis-server (TLS 1.3, client
# certificate required) and a real mariadbd (TLS 1.3, certificate-only
# user), compared with the same scenario on the POSIX port
# (moor_telemetry) against the same servers.
#
#   tests/lwip/app.sh PKIDIR BINARY    (moor_lwip_telemetry | moor_lwip_telemetry_sys)
#
# Checks, for Redis and for MySQL:
#  - the lwIP binary exits 0 with "result: OK", and redis-cli / the mariadb
#    client find what it wrote;
#  - its report equals moor_telemetry's line for line once the "~ " lines
#    (timings, stream IDs, the target line) are left out: the same
#    observable results on both targets;
#  - failures (wrong server name, wrong password, a user the server
#    refuses) give the same exit status and the same error line on both;
#  - the address from slirp's DHCP server works the same; wall time from
#    lwIP's SNTP client (a local SNTP server) verifies the certificate
#    dates, and a server 30 years ahead makes them expired;
#  - lwIP's and the port's libraries reference no malloc/free (nm);
#  - in the plain variant with valgrind installed: no invalid access and
#    no leak (libslirp and glib allocate; moor and lwIP do not).
. "$(dirname "$0")/../interop/lib.sh"

[ $# -eq 2 ] || { echo "usage: $0 PKIDIR BINARY" >&2; exit 2; }
moor_pki "$1"
PKI=$(cd "$PKI" && pwd)
lw=$MOOR_BUILD/$2
px=$MOOR_BUILD/moor_telemetry
[ -x "$lw" ] || moor_fail "$lw not built"
[ -x "$px" ] || moor_fail "$px not built"

# lwIP and moor's lwIP port never reference the C heap (static pools).
libs=("$MOOR_BUILD"/boards/host-lwip/liblwip_host*.a "$MOOR_BUILD"/boards/host-lwip/libmoor_lwip_host*.a)
[ ${#libs[@]} -eq 4 ] && [ -f "${libs[0]}" ] || moor_fail "lwIP libraries not found"
for a in "${libs[@]}"; do
	if nm -u "$a" | grep -wE 'malloc|calloc|realloc|free|strdup'; then
		moor_fail "$a references the C heap"
	fi
done

run() {   # run NAME BIN ARGS...: $NAME.out / $NAME.err / $rc
	local name=$1 bin=$2
	shift 2
	rc=0
	# shellcheck disable=SC2086 # MOOR_WRAP is a command prefix with words
	$MOOR_WRAP "$bin" "$@" >"$moor_tmp/$name.out" 2>"$moor_tmp/$name.err" || rc=$?
	echo "+ $(basename "$bin") $*  -> exit $rc"
	sed 's/^/  out: /' "$moor_tmp/$name.out"
	sed 's/^/  err: /' "$moor_tmp/$name.err"
}
same_report() {   # same_report A B: stable lines equal
	grep -v '^~ ' "$moor_tmp/$1.out" >"$moor_tmp/$1.stable"
	grep -v '^~ ' "$moor_tmp/$2.out" >"$moor_tmp/$2.stable"
	diff -u "$moor_tmp/$1.stable" "$moor_tmp/$2.stable" ||
		moor_fail "reports differ: $1 vs $2"
	[ -s "$moor_tmp/$1.stable" ] || moor_fail "empty report"
}
same_err() {
	diff -u "$moor_tmp/$1.err" "$moor_tmp/$2.err" || moor_fail "error lines differ: $1 vs $2"
	[ -s "$moor_tmp/$1.err" ] || moor_fail "no error line"
}

# ---- Redis ----
moor_server "$moor_tmp/redis.log" redis-server --port 0 --tls-port @PORT@ --bind 127.0.0.1 \
	--tls-cert-file "$PKI/server-ec-chain.crt" --tls-key-file "$PKI/server-ec.key" \
	--tls-ca-cert-file "$PKI/root.crt" --tls-auth-clients yes --tls-protocols TLSv1.3 \
	--save '' --appendonly no --dir "$moor_tmp" \
	--user app on '>secret' '~moor:*' '+@all'
RPORT=$MOOR_PORT
conn=(-h 127.0.0.1 -p "$RPORT" --sni localhost --cacert "$PKI/root.crt")
ec=(--cert "$PKI/client-ec-chain.crt" --key "$PKI/client-ec.key")
rsa=(--cert "$PKI/client-rsa.crt" --key "$PKI/client-rsa.key")
rcli=(redis-cli -h 127.0.0.1 -p "$RPORT" --tls --sni localhost --cacert "$PKI/root.crt"
	--cert "$PKI/client-rsa.crt" --key "$PKI/client-rsa.key")

run posix "$px" "${conn[@]}" "${ec[@]}" --device lwip-1
[ "$rc" -eq 0 ] || moor_fail "POSIX run: exit $rc"
run lwip "$lw" "${conn[@]}" "${ec[@]}" --device lwip-1
[ "$rc" -eq 0 ] || moor_fail "lwIP run: exit $rc"
grep -q '^~ target: lwIP NO_SYS=' "$moor_tmp/lwip.out" || moor_fail "not the lwIP target"
grep -q '^result: OK, 10/10 readings' "$moor_tmp/lwip.out" || moor_fail "no OK result"
same_report posix lwip
[ "$("${rcli[@]}" XLEN moor:telemetry:lwip-1)" = 10 ] || moor_fail "XLEN is not 10"
[ "$("${rcli[@]}" HGET moor:device:lwip-1 temp_c)" = 23.75 ] || moor_fail "HGET temp_c"
ids_app=$(awk '$1 == "~" && $2 == "id:" { print $4 }' "$moor_tmp/lwip.out")
ids_srv=$("${rcli[@]}" XRANGE moor:telemetry:lwip-1 - + | grep -E '^[0-9]+-[0-9]+$')
[ -n "$ids_app" ] && [ "$ids_app" = "$ids_srv" ] ||
	moor_fail "stream IDs differ: app [$ids_app] server [$ids_srv]"

run posix_acl "$px" "${conn[@]}" "${rsa[@]}" --device lwip-2 --user app --pass secret
run lwip_acl "$lw" "${conn[@]}" "${rsa[@]}" --device lwip-2 --user app --pass secret
[ "$rc" -eq 0 ] || moor_fail "lwIP ACL run: exit $rc"
same_report posix_acl lwip_acl

run posix_pw "$px" "${conn[@]}" "${ec[@]}" --user app --pass wrong
run lwip_pw "$lw" "${conn[@]}" "${ec[@]}" --user app --pass wrong
[ "$rc" -eq 1 ] || moor_fail "wrong password: exit $rc"
same_err posix_pw lwip_pw
run posix_sni "$px" -h 127.0.0.1 -p "$RPORT" --sni wrong.example --cacert "$PKI/root.crt" "${ec[@]}"
run lwip_sni "$lw" -h 127.0.0.1 -p "$RPORT" --sni wrong.example --cacert "$PKI/root.crt" "${ec[@]}"
[ "$rc" -eq 1 ] || moor_fail "wrong server name: exit $rc"
grep -q '^error: connect: MOOR_ERR_X509_HOSTNAME:' "$moor_tmp/lwip_sni.err" || moor_fail "no HOSTNAME error"
same_err posix_sni lwip_sni
run lwip_usage "$lw" "${conn[@]}" --key "$PKI/client-ec.key"
[ "$rc" -eq 2 ] || moor_fail "usage: exit $rc"

# DHCP from slirp instead of the static address: the same report.
MOOR_LWIP_DHCP=1 run lwip_dhcp "$lw" "${conn[@]}" "${ec[@]}" --device lwip-1
[ "$rc" -eq 0 ] || moor_fail "DHCP run: exit $rc"
same_report posix lwip_dhcp

# Wall time from lwIP's SNTP client (moor_lwip_clock) instead of the RTC
# hook: a server with the right time lets the handshake verify the
# certificates' dates; one 30 years ahead makes them expired, which shows
# that the time really came from SNTP.
moor_server_udp() {   # moor_server_udp LOG OFFSET: sets $SNTP_PORT
	SNTP_PORT=$(moor_free_port)
	moor_bg "$1" "$MOOR_PY" "$MOOR_SRC/tests/lwip/sntp_server.py" "$SNTP_PORT" "$2"
	local i
	for i in $(seq 1 50); do
		grep -q listening "$1" && return 0
		sleep 0.1
	done
	moor_fail "the SNTP server did not start"
}
moor_server_udp "$moor_tmp/sntp.log" 0
MOOR_LWIP_SNTP=$SNTP_PORT run lwip_sntp "$lw" "${conn[@]}" "${ec[@]}" --device lwip-1
[ "$rc" -eq 0 ] || moor_fail "SNTP run: exit $rc"
grep -q "^~ time: from SNTP (127.0.0.1:$SNTP_PORT)" "$moor_tmp/lwip_sntp.out" || moor_fail "no SNTP line"
grep -q answered "$moor_tmp/sntp.log" || moor_fail "the SNTP server was not asked"
same_report posix lwip_sntp
moor_server_udp "$moor_tmp/sntp2.log" $((30 * 365 * 86400))
MOOR_LWIP_SNTP=$SNTP_PORT run lwip_sntp2 "$lw" "${conn[@]}" "${ec[@]}" --device lwip-1
[ "$rc" -eq 1 ] || moor_fail "SNTP 30 years ahead: exit $rc"
grep -q '^error: connect: MOOR_ERR_X509_EXPIRED:' "$moor_tmp/lwip_sntp2.err" ||
	moor_fail "SNTP 30 years ahead: no EXPIRED error"

# ---- MySQL (MariaDB) ----
if command -v mariadbd >/dev/null; then
	moor_mariadb "$moor_tmp/mdb" --skip-log-bin --tls-version=TLSv1.3 \
		--ssl-cert="$PKI/server-ec-chain.crt" --ssl-key="$PKI/server-ec.key" \
		--ssl-ca="$PKI/root.crt"
	MPORT=$MOOR_PORT
	sql() { mariadb --no-defaults -S "$MOOR_MARIADB_SOCK" -uroot --batch --skip-column-names "$@"; }
	sql <<-'EOF'
		CREATE DATABASE moor;
		CREATE USER 'sensor'@'%' REQUIRE X509;
		GRANT SELECT, INSERT, DELETE, CREATE ON moor.* TO 'sensor'@'%';
		CREATE USER 'noprivs'@'%' REQUIRE X509;
	EOF
	mconn=(--proto mysql -h 127.0.0.1 -p "$MPORT" --sni localhost --cacert "$PKI/root.crt")
	run posix_my "$px" "${mconn[@]}" "${ec[@]}" --user sensor --device lwip-1
	[ "$rc" -eq 0 ] || moor_fail "POSIX mysql run: exit $rc"
	run lwip_my "$lw" "${mconn[@]}" "${ec[@]}" --user sensor --device lwip-1
	[ "$rc" -eq 0 ] || moor_fail "lwIP mysql run: exit $rc"
	grep -q '^result: OK, 10/10 readings inserted' "$moor_tmp/lwip_my.out" || moor_fail "no OK result"
	same_report posix_my lwip_my
	grep -qx '~ delete: 10 old rows' "$moor_tmp/lwip_my.out" ||
		moor_fail "the lwIP run did not replace the POSIX run's 10 rows"
	[ "$(sql -e "SELECT COUNT(*), SUM(rh_pct IS NULL) FROM moor.readings WHERE device = 'lwip-1'" |
		tr '\t' ' ')" = "10 1" ] || moor_fail "the table does not hold the 10 rows (one NULL)"
	run posix_np "$px" "${mconn[@]}" "${ec[@]}" --user noprivs --device lwip-3
	run lwip_np "$lw" "${mconn[@]}" "${ec[@]}" --user noprivs --device lwip-3
	[ "$rc" -eq 1 ] || moor_fail "noprivs: exit $rc"
	same_err posix_np lwip_np
	[ "$(sql -e "SHOW GLOBAL STATUS LIKE 'Aborted_clients'" | cut -f2)" = 0 ] ||
		moor_fail "a connection was aborted instead of COM_QUIT"
else
	echo "SKIP (part): mariadbd not installed"
fi

# ---- valgrind: no invalid access, no leak ----
if [ "${MOOR_VARIANT:-plain}" = plain ] && [ -z "$MOOR_WRAP" ] && command -v valgrind >/dev/null; then
	valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite \
		"$lw" "${conn[@]}" "${ec[@]}" --device lwip-vg >"$moor_tmp/vg.out" 2>"$moor_tmp/vg" ||
		{ cat "$moor_tmp/vg.out" "$moor_tmp/vg"; moor_fail "under valgrind"; }
	grep -q '^result: OK' "$moor_tmp/vg.out" || moor_fail "valgrind run: no OK result"
	echo "valgrind: clean"
fi
echo "PASS: lwip app ($2)"
