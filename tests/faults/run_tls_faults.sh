#!/usr/bin/env bash
# Start openssl s_server (RSA chain, so handshake sizes are stable) forced
# to the given TLS version, then inject faults at every byte offset of the
# handshake with tests/faults/tls_faults.c.
#   run_tls_faults.sh TLS_FAULTS_BINARY 1.2|1.3
. "$(dirname "$0")/../interop/lib.sh"
bin=$1
ver=$2
moor_pki "$MOOR_BUILD/pki"
moor_s_server "$moor_tmp/server.log" -tls"${ver/./_}" \
	-cert "$PKI/server-rsa.crt" -key "$PKI/server-rsa.key" -cert_chain "$PKI/int.crt"
# shellcheck disable=SC2086
$MOOR_WRAP "$bin" 127.0.0.1 "$MOOR_PORT" "$PKI/root.crt" localhost --tls "$ver"
