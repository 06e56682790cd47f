#!/usr/bin/env bash
# Our TLS 1.3 ClientHello against real servers: what they answer must parse
# and say what the server was told to choose; with --decrypt, our key
# schedule and record layer must open the server's first encrypted record.
. "$MOOR_SRC/tests/interop/lib.sh"
bin=$MOOR_BUILD/tests/bin/tls13_hello
moor_pki "$MOOR_BUILD/pki"
cert=(-cert "$PKI/server-ec.crt" -key "$PKI/server-ec.key" -cert_chain "$PKI/int.crt")
fails=0

# check NAME EXPECTED... -- HELLO ARGS: run tls13_hello, expect lines
check() {
	local name=$1 out
	shift
	local want=()
	while [ "$1" != "--" ]; do want+=("$1"); shift; done
	shift
	# shellcheck disable=SC2086
	if ! out=$($MOOR_WRAP "$bin" 127.0.0.1 "$MOOR_PORT" "$@" 2>&1); then
		echo "FAIL $name: $out"; fails=$((fails + 1)); return
	fi
	for w in "${want[@]}"; do
		if ! grep -qx "$w" <<<"$out"; then
			echo "FAIL $name: want '$w', got:"; echo "$out"; fails=$((fails + 1)); return
		fi
	done
	echo "ok   $name"
}

server() { [ -n "${MOOR_SERVER_PID:-}" ] && moor_stop "$MOOR_SERVER_PID"; moor_s_server "$moor_tmp/s.log" "${cert[@]}" "$@"; }

server -tls1_3 -groups X25519:P-256:P-384
check "openssl x25519" "type: server_hello" "version: 0x0304" "group: 29" "share_len: 32" -- x25519
check "openssl p256" "group: 23" "share_len: 65" -- p256
check "openssl p384" "group: 24" "share_len: 97" -- p384
for s in 0x1301 0x1302 0x1303; do
	check "openssl suite $s" "suite: $s" -- x25519 $s
done
# The key schedule and record layer on a real handshake: decrypt the
# server's first encrypted record (EncryptedExtensions, handshake type 8).
for g in x25519 p256 p384; do
	for s in 0x1301 0x1302 0x1303; do
		check "openssl decrypt $g $s" "encrypted: 22 8" "suite: $s" -- $g $s --decrypt
	done
done
server -tls1_3 -groups P-384
check "openssl HRR to p384" "type: hrr" "group: 24" "share_len: 0" -- x25519
server -tls1_2
check "openssl tls1.2-only server" "version: 0x0000" "suite: 0xc02b" "downgrade: 0" -- x25519 --tls12

moor_stop "$MOOR_SERVER_PID"
moor_server "$moor_tmp/g.log" gnutls-serv -p @PORT@ --x509certfile "$PKI/server-ec-chain.crt" \
	--x509keyfile "$PKI/server-ec.key" --priority "NORMAL:-VERS-ALL:+VERS-TLS1.3"
check "gnutls x25519" "type: server_hello" "version: 0x0304" "group: 29" -- x25519
check "gnutls chacha" "suite: 0x1303" -- x25519 0x1303
for s in 0x1301 0x1302 0x1303; do
	check "gnutls decrypt x25519 $s" "encrypted: 22 8" -- x25519 $s --decrypt
done
# GnuTLS follows the client's supported_groups order (x25519 first here):
# a P-256 share therefore gets a HelloRetryRequest for x25519. The engine
# must list its key share's group first.
check "gnutls p256 share, x25519 preferred" "type: hrr" "group: 29" -- p256 0x1301
moor_stop "$MOOR_SERVER_PID"
moor_server "$moor_tmp/g2.log" gnutls-serv -p @PORT@ --x509certfile "$PKI/server-ec-chain.crt" \
	--x509keyfile "$PKI/server-ec.key" --priority "NORMAL:-VERS-ALL:+VERS-TLS1.3:-GROUP-ALL:+GROUP-SECP384R1"
check "gnutls HRR to p384" "type: hrr" "group: 24" -- x25519

echo "$fails failed"
[ "$fails" -eq 0 ]
