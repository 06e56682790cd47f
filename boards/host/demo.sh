#!/usr/bin/env bash
# moor demo on a Linux host, end to end from a fresh checkout:
#  - a TLS 1.3 handshake with full verification and a client certificate
#    against a local OpenSSL server, resumed once with the server's ticket
#    (`moor probe`);
#  - the demo application (boards/app, the same code that runs on lwIP
#    and on the Cortex-M4 firmware; boards/host/telemetry.c is its POSIX
#    main, `moor_telemetry`) in its two modes:
#      redis: writes 10 telemetry readings to a local TLS Redis that
#        requires a client certificate, in one pipelined batch, reads them
#        back and checks them;
#      mysql: logs in to a local MariaDB over TLS 1.3 (ssl-mode
#        VERIFY_IDENTITY) as a certificate-only user (REQUIRE X509, no
#        password), inserts the 10 readings with one prepared statement
#        (typed parameters, one NULL), selects them back and checks every
#        value.
#
#   boards/host/demo.sh
#
# It installs what is missing (Debian packages), builds the CLI and the
# example with the `host` preset, makes a throwaway CA in build/demo-pki,
# starts `openssl s_server`, `redis-server` and `mariadbd` on free
# 127.0.0.1 ports (MariaDB in a throwaway data directory), runs the
# clients, stops the servers by PID and exits 0 only if every client
# succeeded.
set -euo pipefail

cd "$(dirname "$(readlink -f "$0")")/../.."
root=$PWD

if [ -t 1 ]; then
	bold=$'\033[1m' plain=$'\033[0m'
else
	bold= plain=
fi
say() {
	printf '\n%s== %s%s\n' "$bold" "$*" "$plain"
}
show() {
	printf '$ %s\n' "$*"
}

say "1. Dependencies (Debian packages, installed only if missing)"
./tests/install-deps.sh demo

say "2. Build the moor CLI and the telemetry example (preset 'host' -> build/host/moor, build/host/moor_telemetry)"
if [ -f CMakePresets.json ]; then
	show cmake --preset host
	cmake --preset host >/dev/null
else
	show cmake -S . -B build/host -DCMAKE_BUILD_TYPE=Debug
	cmake -S . -B build/host -DCMAKE_BUILD_TYPE=Debug >/dev/null
fi
show cmake --build build/host --target moor_cli moor_telemetry
cmake --build build/host --target moor_cli moor_telemetry -j "$(nproc 2>/dev/null || echo 2)" >/dev/null
export MOOR_SRC=$root MOOR_BUILD=$root/build/host MOOR_WRAP=

# The test helpers: free ports, background servers stopped by PID on exit.
. "$root/tests/interop/lib.sh"

say "3. A throwaway PKI in build/demo-pki"
show tests/interop/mkcerts.sh build/demo-pki
moor_pki "$root/build/demo-pki"
echo "root CA:      $(openssl x509 -in "$PKI/root.crt" -noout -subject)"
echo "intermediate: $(openssl x509 -in "$PKI/int.crt" -noout -subject)"
echo "server leaf:  $(openssl x509 -in "$PKI/server-rsa.crt" -noout -subject) (RSA-2048, SAN localhost, 127.0.0.1)"
echo "Redis leaf:   $(openssl x509 -in "$PKI/server-ec.crt" -noout -subject) (P-256, same SANs)"
echo "client leaf:  $(openssl x509 -in "$PKI/client-ec.crt" -noout -subject) (P-256, clientAuth)"

say "4. An OpenSSL TLS 1.3 server on 127.0.0.1: leaf + intermediate, client certificate required"
moor_s_server "$moor_tmp/s_server.log" -tls1_3 \
	-cert "$PKI/server-rsa.crt" -key "$PKI/server-rsa.key" -cert_chain "$PKI/int.crt" \
	-Verify 1 -verify_return_error -CAfile "$PKI/root.crt"
echo "openssl s_server -tls1_3 -Verify 1 listening on 127.0.0.1:$MOOR_PORT (pid $MOOR_SERVER_PID)"

say "5. moor probe: handshake, verify chain + dates + host name, client certificate, echo, close_notify; then resume"
cmd=(build/host/moor probe -h 127.0.0.1 -p "$MOOR_PORT" --sni localhost
	--cacert "$PKI/root.crt" --ssl-mode verify-full
	--cert "$PKI/client-ec-chain.crt" --key "$PKI/client-ec.key"
	--send "hello moor" --recv 11 --resume 1)
show "${cmd[*]}"
rc=0
"${cmd[@]}" || rc=$?
echo
if [ "$rc" -eq 0 ]; then
	cat <<'TXT'
Both handshakes succeeded. The first: moor's TLS 1.3 engine checked the
server's chain up to the root it was given (--cacert), the validity dates,
the host name "localhost" and the server's CertificateVerify, signed its
own CertificateVerify with the client key, exchanged a line (the server
echoes it reversed) and kept the server's session ticket. The second
resumed the session with that ticket ("resumed: yes", a fresh X25519
exchange but no certificates). Both closed with close_notify.
"max_record_in" is the largest TLS record the server sent; try
--max-frag 512 to make it ask for smaller records.
TXT
else
	echo "The probe FAILED (exit $rc); the error line above names the cause."
	echo "s_server's log:"
	sed 's/^/  /' "$moor_tmp/s_server.log"
fi
moor_stop "$MOOR_SERVER_PID"
echo "s_server (pid $MOOR_SERVER_PID) stopped"

say "6. A TLS Redis on 127.0.0.1: TLS 1.3 only, client certificate required"
moor_server "$moor_tmp/redis.log" redis-server --port 0 --tls-port @PORT@ --bind 127.0.0.1 \
	--tls-cert-file "$PKI/server-ec-chain.crt" --tls-key-file "$PKI/server-ec.key" \
	--tls-ca-cert-file "$PKI/root.crt" --tls-auth-clients yes --tls-protocols TLSv1.3 \
	--save '' --appendonly no --dir "$moor_tmp"
redis_pid=$MOOR_SERVER_PID
echo "redis-server --tls-port $MOOR_PORT --tls-auth-clients yes listening on 127.0.0.1:$MOOR_PORT (pid $redis_pid)"

say "7. The demo application, Redis mode: TLS 1.3 verify-full + client certificate, 10 readings pipelined, read back, checked"
cmd=(build/host/moor_telemetry -h 127.0.0.1 -p "$MOOR_PORT" --sni localhost
	--cacert "$PKI/root.crt"
	--cert "$PKI/client-ec-chain.crt" --key "$PKI/client-ec.key" --device sensor-1)
show "${cmd[*]}"
trc=0
"${cmd[@]}" || trc=$?

say "8. Result (Redis)"
if [ "$trc" -eq 0 ]; then
	cat <<'TXT'
The demo application (boards/app/app_redis.c, run by boards/host/
telemetry.c: static buffers, no heap, the library API called directly as
firmware would) connected over TLS 1.3 with full verification and its
client certificate, sent DEL, 10 XADDs and an HSET as one pipelined batch, read the stream and the device hash back
with XRANGE and HGETALL (decoded event by event from a 1 KiB receive
buffer), and found every reading as it had written it. Its "RAM" line adds
up the objects and buffers of the connection. Lines that start with "~ "
vary from run to run (timings, the stream IDs Redis assigns) or between
targets (sizes); all other lines are the same on lwIP and the firmware.
TXT
else
	echo "The Redis mode FAILED (exit $trc); the error line above names the cause."
	echo "redis-server's log:"
	sed 's/^/  /' "$moor_tmp/redis.log"
fi
moor_stop "$redis_pid"
echo "redis-server (pid $redis_pid) stopped"
if [ "$rc" -eq 0 ] && [ "$trc" -ne 0 ]; then
	rc=$trc
fi

say "9. A MariaDB on 127.0.0.1: TLS 1.3 only, a certificate-only user"
mdb=$moor_tmp/mariadb
show mariadb-install-db --datadir="$mdb/data" ...
show mariadbd --tls-version=TLSv1.3 --ssl-cert=server-ec-chain.crt --ssl-key=server-ec.key --ssl-ca=root.crt ...
mrc=0
moor_mariadb "$mdb" --skip-log-bin --tls-version=TLSv1.3 \
	--ssl-cert="$PKI/server-ec-chain.crt" --ssl-key="$PKI/server-ec.key" \
	--ssl-ca="$PKI/root.crt" || mrc=$?
mariadb_pid=$MOOR_SERVER_PID
msql() { mariadb --no-defaults -S "$MOOR_MARIADB_SOCK" -uroot "$@"; }
users_sql="CREATE DATABASE moor;
CREATE USER 'sensor'@'%' REQUIRE X509;
GRANT SELECT, INSERT, DELETE, CREATE ON moor.* TO 'sensor'@'%';"
echo "mariadbd --tls-version=TLSv1.3 listening on 127.0.0.1:$MOOR_PORT (pid $mariadb_pid); as root over its socket:"
printf '%s\n' "$users_sql" | sed 's/^/  /'
[ "$mrc" -eq 0 ] && { msql -e "$users_sql" || mrc=$?; }

say "10. The demo application, MySQL mode: TLS 1.3 VERIFY_IDENTITY, certificate-only login, 1 prepared INSERT x 10, SELECT back, checked"
cmd=(build/host/moor_telemetry --proto mysql -h 127.0.0.1 -p "$MOOR_PORT" --sni localhost
	--cacert "$PKI/root.crt"
	--cert "$PKI/client-ec-chain.crt" --key "$PKI/client-ec.key"
	--user sensor --device sensor-1)
show "${cmd[*]}"
if [ "$mrc" -eq 0 ]; then
	"${cmd[@]}" || mrc=$?
fi
if [ "$mrc" -eq 0 ]; then
	echo
	echo "What the server holds, read by the mariadb client:"
	show "mariadb -e \"SELECT * FROM moor.readings WHERE device = 'sensor-1' ORDER BY seq\""
	msql -e "SELECT * FROM moor.readings WHERE device = 'sensor-1' ORDER BY seq" || mrc=$?
fi

say "11. Result (MySQL)"
if [ "$mrc" -eq 0 ]; then
	cat <<'TXT'
The same application logic (boards/app/app_mysql.c) sent an SSLRequest,
ran moor's TLS 1.3 handshake with ssl-mode VERIFY_IDENTITY (chain to the
demo root, dates, host name "localhost") and its client certificate, and
logged in as 'sensor', a user with no password at all: MariaDB let it in
on the certificate alone (REQUIRE X509). It created the table if needed,
deleted the device's old rows, prepared ONE INSERT and executed it 10
times with typed binary parameters (a VARCHAR, an INT, a DOUBLE, a
DECIMAL bound as NULL for seq 4, a DATETIME), read the rows back with a
prepared SELECT in the binary protocol, found every value as it had sent
it (the doubles bit for bit), and ended with COM_QUIT and close_notify.
TXT
else
	echo "The MySQL mode FAILED (exit $mrc); the error line above names the cause."
	echo "mariadbd's log:"
	sed 's/^/  /' "$mdb/server.log" 2>/dev/null || true
fi
moor_stop "$mariadb_pid"
echo "mariadbd (pid $mariadb_pid) stopped"
if [ "$rc" -eq 0 ] && [ "$mrc" -ne 0 ]; then
	rc=$mrc
fi
exit "$rc"
