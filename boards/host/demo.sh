#!/usr/bin/env bash
# moor demo on a Linux host: a TLS 1.3 handshake with full verification and
# a client certificate against a local OpenSSL server, resumed once with the
# server's ticket, made end to end from a fresh checkout.
#
#   boards/host/demo.sh
#
# It installs what is missing (Debian packages), builds the CLI with the
# `host` preset, makes a throwaway CA in build/demo-pki, starts
# `openssl s_server` on 127.0.0.1, probes it with `moor probe`, stops the
# server and exits with the probe's status.
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

say "2. Build the moor CLI (preset 'host' -> build/host/moor)"
if [ -f CMakePresets.json ]; then
	show cmake --preset host
	cmake --preset host >/dev/null
else
	show cmake -S . -B build/host -DCMAKE_BUILD_TYPE=Debug
	cmake -S . -B build/host -DCMAKE_BUILD_TYPE=Debug >/dev/null
fi
show cmake --build build/host --target moor_cli
cmake --build build/host --target moor_cli -j "$(nproc 2>/dev/null || echo 2)" >/dev/null
export MOOR_SRC=$root MOOR_BUILD=$root/build/host MOOR_WRAP=

# The test helpers: free ports, background servers stopped by PID on exit.
. "$root/tests/interop/lib.sh"

say "3. A throwaway PKI in build/demo-pki"
show tests/interop/mkcerts.sh build/demo-pki
moor_pki "$root/build/demo-pki"
echo "root CA:      $(openssl x509 -in "$PKI/root.crt" -noout -subject)"
echo "intermediate: $(openssl x509 -in "$PKI/int.crt" -noout -subject)"
echo "server leaf:  $(openssl x509 -in "$PKI/server-rsa.crt" -noout -subject) (RSA-2048, SAN localhost, 127.0.0.1)"

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

say "6. Result"
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
echo "server (pid $MOOR_SERVER_PID) stopped"
exit "$rc"
