#!/usr/bin/env bash
# Self-test of hostile_server.py, with OpenSSL's s_client as the client.
#
#   tests/tls13hostile/selftest.sh
#
# 1. The well-behaved cases are a correct TLS 1.3 server: s_client (and
#    gnutls-cli, if installed) completes the handshake, verifies the chain
#    against the test root, and gets its line back reversed, for every
#    suite x group with an ECDSA and an RSA certificate, with a
#    HelloRetryRequest, with client certificates, without middlebox
#    compatibility mode, with max_fragment_length / record_size_limit,
#    with tiny and with padded records, through a KeyUpdate flood.
# 2. Every hostile case makes s_client fail, and the server log shows the
#    alert OpenSSL 3.0 sends for it (the RFC's alert is in CASES.md; where
#    OpenSSL differs, the comment says so). The exception is
#    inner_plaintext_oversized, which OpenSSL accepts (see below).
# 3. CASES.md has a row for every case of --list.
#
# Needs /usr/bin/python3 with python3-cryptography and openssl; gnutls-cli
# is optional. Traffic stays on 127.0.0.1. Every server is started in the
# background, recorded by PID and stopped by PID on exit. Exit 0 only if
# every check passed; the last line is "N passed, M failed".
# shellcheck disable=SC2317 # cleanup, feed_* and the clients are called indirectly
set -uo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
server=$here/hostile_server.py
PY=/usr/bin/python3
work=$(mktemp -d "${TMPDIR:-/tmp}/moor-hostile.XXXXXX")
pids=()
passed=0
failed=0
n=0

# Stop one of our processes by PID: TERM, up to 2 s, then KILL.
stop_pid() {
	local pid=$1 _
	kill "$pid" 2>/dev/null || return 0
	for _ in $(seq 1 20); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	kill -9 "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
}

cleanup() {
	local pid
	for pid in "${pids[@]}"; do
		stop_pid "$pid"
	done
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

summary() {
	echo "$passed passed, $failed failed"
	[ "$failed" -eq 0 ]
	exit
}

pass() {
	echo "ok   $1"
	passed=$((passed + 1))
}

# fail NAME WHY [DIR]: count a failure, show the end of the logs in DIR.
fail() {
	local f
	echo "FAIL $1: $2"
	failed=$((failed + 1))
	if [ -n "${3:-}" ]; then
		for f in "$3/server.log" "$3/client.out"; do
			[ -f "$f" ] || continue
			echo "  --- $(basename "$f") (last 25 lines)"
			tail -n 25 "$f" | sed 's/^/  | /' | cut -c1-220
		done
	fi
}

for tool in openssl timeout; do
	command -v "$tool" >/dev/null || { fail "prerequisites" "$tool not found"; summary; }
done
"$PY" -c 'import cryptography' 2>/dev/null || { fail "prerequisites" "$PY has no cryptography"; summary; }
if ! "$here/../interop/mkcerts.sh" "$work/pki" >"$work/mkcerts.log" 2>&1; then
	fail "prerequisites" "mkcerts.sh failed: $(tail -n 3 "$work/mkcerts.log")"
	summary
fi
pki=$work/pki
ec=(--cert "$pki/server-ec.crt" --key "$pki/server-ec.key" --chain "$pki/int.crt")
rsa=(--cert "$pki/server-rsa.crt" --key "$pki/server-rsa.key" --chain "$pki/int.crt")

# start_server DIR SERVER_ARGS...: start it, wait (10 s at most) for its
# port file. Sets $port and $spid.
start_server() {
	local dir=$1 _
	shift
	"$PY" "$server" --port-file "$dir/port" --log "$dir/server.log" "$@" >"$dir/server.out" 2>&1 &
	spid=$!
	pids+=("$spid")
	for _ in $(seq 1 100); do
		if [ -s "$dir/port" ]; then
			port=$(cat "$dir/port")
			return 0
		fi
		kill -0 "$spid" 2>/dev/null || return 1
		sleep 0.1
	done
	return 1
}

# wait_server: wait (15 s at most) for the server to exit. Sets $src.
wait_server() {
	local _
	for _ in $(seq 1 150); do
		kill -0 "$spid" 2>/dev/null || break
		sleep 0.1
	done
	if kill -0 "$spid" 2>/dev/null; then
		stop_pid "$spid"
		src="still running after 15 s"
		return
	fi
	wait "$spid"
	src=$?
}

# What the client types: one line, then "CLOSE" (the server then sends
# close_notify). The phased variant sends a second line a second later,
# after the client has read what the server sent after the handshake.
feed_simple() { printf 'hello\nCLOSE\n'; }
feed_phased() { printf 'hello\n'; sleep 1; printf 'world\nCLOSE\n'; }

s_client() {
	timeout 20 openssl s_client -connect "127.0.0.1:$port" $proto -servername localhost \
		-CAfile "$pki/root.crt" -verify_return_error -ign_eof "$@"
}

gnutls() {
	timeout 20 gnutls-cli --port "$port" --x509cafile "$pki/root.crt" --verify-hostname localhost \
		--sni-hostname localhost --priority 'NORMAL:-VERS-ALL:+VERS-TLS1.3' "$@" 127.0.0.1
}

# Per-check options, reset after every check.
reset_opts() {
	want_log=()       # EREs the server log must match
	dont_log=()       # EREs it must not match
	want_out=()       # EREs the client output must match
	feed=feed_simple
	client=s_client
	proto=-tls1_3
}
reset_opts

# check NAME EXPECT SERVER_ARGS... -- CLIENT_ARGS...
#   EXPECT  ok       the handshake completes and verifies, TLS 1.3, the line
#                    comes back reversed, the server saw a good client Finished
#           alert:N  the client fails and the server log shows it sent alert N
#           fail     the client fails (for alerts the server sends)
check() {
	local name=$1 expect=$2 why="" crc re dir
	shift 2
	local sargs=()
	while [ $# -gt 0 ] && [ "$1" != "--" ]; do
		sargs+=("$1")
		shift
	done
	[ $# -gt 0 ] && shift
	n=$((n + 1))
	dir=$work/$n
	mkdir -p "$dir"
	if ! start_server "$dir" --case "${sargs[@]}"; then
		fail "$name" "server did not start" "$dir"
		reset_opts
		return
	fi
	"$feed" | "$client" "$@" >"$dir/client.out" 2>&1
	crc=$?
	wait_server

	case $expect in
	ok)
		[ "$crc" -eq 0 ] || why="client exit status $crc"
		want_out+=("olleh")
		want_log+=("client Finished ok" "handshake complete")
		if [ "$client" = s_client ]; then
			want_out+=("Verify return code: 0 \(ok\)" "Protocol *: TLSv1\.3")
		fi
		;;
	alert:*)
		[ "$crc" -ne 0 ] || why="the client did not fail"
		want_log+=("peer sent alert [0-9]+ ${expect#alert:} ")
		;;
	fail)
		[ "$crc" -ne 0 ] || why="the client did not fail"
		;;
	esac
	[ "$src" = 0 ] || why="${why:+$why; }server exit status $src"
	for re in "${want_log[@]}"; do
		grep -Eq -- "$re" "$dir/server.log" || why="${why:+$why; }server log lacks /$re/"
	done
	for re in "${dont_log[@]}"; do
		! grep -Eq -- "$re" "$dir/server.log" || why="${why:+$why; }server log has /$re/"
	done
	for re in "${want_out[@]}"; do
		grep -Eq -- "$re" "$dir/client.out" || why="${why:+$why; }client output lacks /$re/"
	done
	if [ -z "$why" ]; then
		pass "$name"
	else
		fail "$name" "$why" "$dir"
	fi
	reset_opts
}

echo "== well-behaved server, openssl s_client"
for key in ec rsa; do
	[ $key = ec ] && creds=("${ec[@]}") || creds=("${rsa[@]}")
	[ $key = ec ] && scheme=ecdsa_secp256r1_sha256 || scheme=rsa_pss_rsae_sha256
	for suite in TLS_AES_128_GCM_SHA256 TLS_AES_256_GCM_SHA384 TLS_CHACHA20_POLY1305_SHA256; do
		for group in X25519:x25519 P-256:secp256r1 P-384:secp384r1; do
			want_log=("handshake complete: $suite, ${group#*:}, $scheme")
			want_out=("Cipher is $suite")
			check "good $key $suite ${group%%:*}" ok good "${creds[@]}" -- \
				-ciphersuites "$suite" -groups "${group%%:*}"
		done
	done
done

# HelloRetryRequest: the client's first share (X25519) is not in --groups.
want_log=("send HelloRetryRequest: .*group secp384r1, cookie none" "handshake complete: .*secp384r1")
check "good HRR x25519 -> P-384 (ec)" ok good "${ec[@]}" --groups secp384r1 -- -groups X25519:P-384
want_log=("send HelloRetryRequest: .*group secp256r1" "handshake complete: .*secp256r1")
check "good HRR x25519 -> P-256 (rsa, chacha)" ok good "${rsa[@]}" --groups secp256r1 -- \
	-groups X25519:P-256 -ciphersuites TLS_CHACHA20_POLY1305_SHA256
want_log=("send HelloRetryRequest: .*group secp256r1, cookie [0-9]+ bytes" "ClientHello \(after HelloRetryRequest\): .*cookie [0-9]+ bytes")
check "good_hrr with cookie and new group" ok good_hrr "${ec[@]}" -- -groups X25519:P-256
want_log=("send HelloRetryRequest: .*group none, cookie [0-9]+ bytes")
check "good_hrr cookie only" ok good_hrr "${ec[@]}" -- -groups X25519
want_log=("send HelloRetryRequest: .*group secp384r1" "send change_cipher_spec 01")
check "good_hrr, client with 2 shares preferred" ok good_hrr "${rsa[@]}" --groups secp384r1 -- \
	-groups X25519:P-384 -ciphersuites TLS_AES_256_GCM_SHA384

# Client certificates.
want_log=("send CertificateRequest" "client certificate: CN=moor client ec" "client CertificateVerify ok \(ecdsa_secp256r1_sha256\)")
check "good client cert ECDSA" ok good "${ec[@]}" --request-client-cert -- \
	-cert "$pki/client-ec.crt" -key "$pki/client-ec.key" -cert_chain "$pki/int.crt"
want_log=("client certificate: CN=moor client rsa" "client CertificateVerify ok \(rsa_pss_rsae_sha256\)")
check "good client cert RSA" ok good "${rsa[@]}" --request-client-cert -- \
	-cert "$pki/client-rsa.crt" -key "$pki/client-rsa.key"
want_log=("client sent no certificate")
check "good client cert requested, none sent" ok good "${ec[@]}" --request-client-cert --

# Middlebox compatibility off: empty session id, so no CCS from us.
want_log=("session_id 0 bytes")
dont_log=("send change_cipher_spec")
check "good no middlebox compat" ok good "${ec[@]}" -- -no_middlebox
want_log=("session_id 0 bytes" "send HelloRetryRequest")
dont_log=("send change_cipher_spec")
check "good_hrr no middlebox compat" ok good_hrr "${ec[@]}" -- -no_middlebox -groups X25519:P-256

# Record sizes.
want_log=("EncryptedExtensions: \[server_name max_fragment_length\]" "at most 511 content bytes")
check "good max_fragment_length 512" ok good "${rsa[@]}" -- -maxfraglen 512
want_log=("at most 1023 content bytes")
check "good_fragmented (7-byte records) mfl 1024" ok good_fragmented "${ec[@]}" -- -maxfraglen 1024
want_log=("at most 511 content bytes")
check "good_padded mfl 512" ok good_padded "${rsa[@]}" -- -maxfraglen 512
check "good_padded hrr" ok good_padded "${ec[@]}" --groups secp384r1 -- -groups X25519:P-384

# Suite preference is the server's.
want_log=("handshake complete: TLS_CHACHA20_POLY1305_SHA256")
check "good --suites 1303 first" ok good "${ec[@]}" --suites 1303,1301 --

# A KeyUpdate flood is legal: the client must follow every key change and
# answer (at least once) before its next line.
feed=feed_phased
want_out=("dlrow")
want_log=("sent 1000 KeyUpdate" "recv KeyUpdate #1 \(request_update 0\)")
check "keyupdate_flood (legal, must work)" ok keyupdate_flood "${ec[@]}" --

# Two connections on one server.
n=$((n + 1))
dir=$work/$n
mkdir -p "$dir"
if start_server "$dir" --case good --count 2 "${ec[@]}"; then
	feed_simple | s_client -groups P-256 >"$dir/client.out" 2>&1
	r1=$?
	feed_simple | s_client -ciphersuites TLS_AES_256_GCM_SHA384 >>"$dir/client.out" 2>&1
	r2=$?
	wait_server
	if [ $r1 -eq 0 ] && [ $r2 -eq 0 ] && [ "$src" = 0 ] && [ "$(grep -c "handshake complete" "$dir/server.log")" -eq 2 ]; then
		pass "--count 2"
	else
		fail "--count 2" "clients $r1 $r2, server $src" "$dir"
	fi
else
	fail "--count 2" "server did not start" "$dir"
fi

if command -v gnutls-cli >/dev/null; then
	echo "== well-behaved server, gnutls-cli (record_size_limit)"
	client=gnutls
	want_log=("record_size_limit 16385" "EncryptedExtensions: \[server_name record_size_limit\]")
	check "gnutls good" ok good "${rsa[@]}" --
	client=gnutls
	want_log=("record_size_limit: at most 512 content bytes")
	check "gnutls good record_size_limit 513" ok good "${ec[@]}" -- --recordsize=512
	client=gnutls
	want_log=("record_size_limit: at most 512 content bytes")
	check "gnutls good_padded record_size_limit 513" ok good_padded "${ec[@]}" -- --recordsize=512
	client=gnutls
	want_log=("send HelloRetryRequest: .*group secp384r1, cookie [0-9]+ bytes")
	check "gnutls good_hrr" ok good_hrr "${rsa[@]}" --groups secp384r1,secp256r1 --
	client=gnutls
	check "gnutls record_over_negotiated_limit" fail record_over_negotiated_limit "${ec[@]}" -- --recordsize=512
else
	echo "skip gnutls-cli checks (not installed)"
fi

echo "== hostile cases: s_client must fail, with OpenSSL 3.0's alert"
# CASE ALERT [CLIENT_ARGS...]; "-" for no alert from the client.
while read -r case alert args; do
	[ -z "$case" ] || [ "${case:0:1}" = "#" ] && continue
	# shellcheck disable=SC2086
	if [ "$alert" = "-" ]; then
		check "$case${args:+ ($args)}" fail "$case" "${ec[@]}" -- $args
	else
		check "$case${args:+ ($args)}" "alert:$alert" "$case" "${ec[@]}" -- $args
	fi
done <<'EOF'
sh_malformed_length 50
sh_truncated_then_eof -
sh_session_id_not_echoed 47
sh_cipher_not_offered 47 -ciphersuites TLS_AES_128_GCM_SHA256
sh_compression_nonzero 47
sh_wrong_group 47
sh_bad_point 47
sh_bad_point 47 -groups P-256
sh_bad_point 47 -groups P-384
# A client offering TLS 1.3 only cannot take any TLS 1.2 ServerHello: protocol_version.
sh_tls12_downgrade 70
sh_tls12_plain 70
sh_supported_versions_0303 47
sh_duplicate_extension 47
sh_no_key_share 109
hrr_twice 10
hrr_same_group 47
hrr_unoffered_group 47
hrr_no_change 47
hrr_then_sh_other_suite 47
ee_unrequested_extension 110
ee_forbidden_extension 47
ee_mfl_mismatch 47 -maxfraglen 1024
ee_mfl_mismatch 110
ee_missing 10
ee_duplicated 10
handshake_after_sh_in_same_record 10
cert_empty_list 50
cert_garbage_der 42
cert_request_context_nonempty 50
cert_entry_length_overflow 50
cv_missing 10
cv_bad_signature 51
cv_wrong_scheme 47
cv_scheme_key_mismatch 47
finished_bad_verify_data 51
finished_wrong_length 50
record_bad_mac 20
record_oversized 22
# inner_plaintext_oversized: OpenSSL 3.0 does not count padding against the
# 2^14 + 1 limit of RFC 8446 5.4 and accepts it, so it is not checked here.
record_over_negotiated_limit 22 -maxfraglen 512
record_over_negotiated_limit 22
record_all_zero_inner 10
unknown_inner_type 10
handshake_empty_record 10
# RFC: no alert named; OpenSSL: illegal_parameter.
handshake_message_oversized 47
plaintext_handshake_after_keys 10
appdata_before_finished 10
keyupdate_in_handshake 10
# RFC 8446 5 says unexpected_message; OpenSSL 3.0 sends illegal_parameter.
ccs_bad_value 47
ccs_encrypted 10
ccs_after_finished 10
unknown_record_type 10
keyupdate_bad_value 47
nst_malformed 50
appdata_record_oversized 22
post_handshake_certificate_request 10
EOF

# Cases where the server sends the alert or hangs up: check what s_client says.
want_out=("alert handshake failure")
check "alert_handshake_failure" fail alert_handshake_failure "${ec[@]}" --
want_out=("alert internal error")
check "alert_encrypted_mid_handshake" fail alert_encrypted_mid_handshake "${ec[@]}" --
want_out=("unexpected eof")
check "sh_truncated_then_eof (s_client: unexpected eof)" fail sh_truncated_then_eof "${ec[@]}" --
want_out=("olleh" "unexpected eof")
check "close_without_notify (s_client: unexpected eof)" fail close_without_notify "${ec[@]}" --
# With TLS 1.2 also offered, s_client checks the downgrade sentinel.
proto=
check "sh_tls12_downgrade, client also offers TLS 1.2" alert:47 sh_tls12_downgrade "${ec[@]}" --
want_log=("peer sent alert 2 51 ")
check "cv_bad_signature (rsa)" alert:51 cv_bad_signature "${rsa[@]}" --
check "cv_wrong_scheme (rsa: rsa_pkcs1_sha256)" alert:47 cv_wrong_scheme "${rsa[@]}" --
check "cv_scheme_key_mismatch (rsa)" alert:47 cv_scheme_key_mismatch "${rsa[@]}" --

echo "== CASES.md"
missing=()
for c in $("$PY" "$server" --list); do
	grep -qs "^| \`$c\` |" "$here/CASES.md" || missing+=("$c")
done
if [ ${#missing[@]} -eq 0 ] && [ "$("$PY" "$server" --list | wc -l)" -ge 45 ]; then
	pass "CASES.md lists every case of --list"
else
	fail "CASES.md lists every case of --list" "missing: ${missing[*]:-(none; fewer than 45 cases)}"
fi

summary
