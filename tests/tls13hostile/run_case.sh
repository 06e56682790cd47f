#!/usr/bin/env bash
# The moor TLS 1.3 client against one case of the hostile server
# (hostile_server.py; the cases are described in CASES.md).
#
#   run_case.sh CASE[@VARIANT]      run one case
#   run_case.sh list                print every case this script checks
#
# Each case names the exact outcome: OK (the handshake completes and the
# echo comes back), or the `error: STATUS:` line `moor probe` must print,
# and, when the client must tell the server why, the alert the server must
# have received (from the server's log: "peer sent alert 2 N").
# VARIANT: rsa (RSA-2048 server certificate instead of ECDSA P-256),
# small (the client asks for 512-byte records), mtls (the server asks for
# a client certificate, the client sends its ECDSA one).
. "$(dirname "$0")/../interop/lib.sh"

# case | expected status (OK = success) | alert we must send (- = none) | probe extras | server extras
# (handshake_after_sh_in_same_record: our alert goes out encrypted under
# the client handshake key, derived over ClientHello..ServerHello as RFC
# 8446 7.1 says; this server also hashed the stray plaintext EE into its
# keys, so it cannot read the alert: only the status is checked.
# keyupdate_flood: we answer each KeyUpdate, so our alert (after 32 of
# them, MOOR_TLS13_MAX_POSTHS) is under a key this server's drain does not
# follow. alert_handshake_failure: TLS 1.3 only, since in auto mode a
# handshake_failure before the ServerHello starts the TLS 1.2 fallback.)
table() {
	cat <<'TXT'
good|OK|-||
good@rsa|OK|-||
good@small|OK|-||
good@mtls|OK|-||
good_hrr|OK|-||
good_hrr@small|OK|-||
good_fragmented|OK|-||
good_fragmented@small|OK|-||
good_padded|OK|-||
keyupdate_flood|MOOR_ERR_TLS_PROTOCOL|-||
sh_malformed_length|MOOR_ERR_TLS_PROTOCOL|47||
sh_truncated_then_eof|MOOR_ERR_CLOSED|-||
sh_session_id_not_echoed|MOOR_ERR_TLS_PROTOCOL|47||
sh_cipher_not_offered|MOOR_ERR_TLS_PROTOCOL|47||
sh_compression_nonzero|MOOR_ERR_TLS_PROTOCOL|47||
sh_wrong_group|MOOR_ERR_TLS_PROTOCOL|47||
sh_bad_point|MOOR_ERR_TLS_PROTOCOL|47||
sh_tls12_downgrade|MOOR_ERR_TLS_DOWNGRADE|47|--tls 1.3|
sh_tls12_plain|MOOR_ERR_TLS_VERSION|70|--tls 1.3|
sh_supported_versions_0303|MOOR_ERR_TLS_PROTOCOL|47||
sh_duplicate_extension|MOOR_ERR_TLS_PROTOCOL|47||
sh_no_key_share|MOOR_ERR_TLS_PROTOCOL|109||
hrr_twice|MOOR_ERR_TLS_PROTOCOL|10||
hrr_same_group|MOOR_ERR_TLS_PROTOCOL|47||
hrr_unoffered_group|MOOR_ERR_TLS_PROTOCOL|47||
hrr_no_change|MOOR_ERR_TLS_PROTOCOL|47||
hrr_then_sh_other_suite|MOOR_ERR_TLS_PROTOCOL|47||
ee_unrequested_extension|MOOR_ERR_TLS_PROTOCOL|110||
ee_forbidden_extension|MOOR_ERR_TLS_PROTOCOL|47||
ee_mfl_mismatch|MOOR_ERR_TLS_PROTOCOL|47|--max-frag 1024|
ee_missing|MOOR_ERR_TLS_PROTOCOL|10||
ee_duplicated|MOOR_ERR_TLS_PROTOCOL|10||
handshake_after_sh_in_same_record|MOOR_ERR_TLS_PROTOCOL|-||
cert_empty_list|MOOR_ERR_X509_EMPTY_CHAIN|50||
cert_garbage_der|MOOR_ERR_X509_MALFORMED|42||
cert_request_context_nonempty|MOOR_ERR_TLS_PROTOCOL|47||
cert_entry_length_overflow|MOOR_ERR_TLS_PROTOCOL|50||
cv_missing|MOOR_ERR_TLS_PROTOCOL|10||
cv_bad_signature|MOOR_ERR_TLS_BAD_SIGNATURE|51||
cv_bad_signature@rsa|MOOR_ERR_TLS_BAD_SIGNATURE|51||
cv_wrong_scheme|MOOR_ERR_TLS_PROTOCOL|47||
cv_wrong_scheme@rsa|MOOR_ERR_TLS_PROTOCOL|47||
cv_scheme_key_mismatch|MOOR_ERR_TLS_PROTOCOL|47||
cv_scheme_key_mismatch@rsa|MOOR_ERR_TLS_PROTOCOL|47||
finished_bad_verify_data|MOOR_ERR_TLS_BAD_FINISHED|51||
finished_wrong_length|MOOR_ERR_TLS_BAD_FINISHED|50||
record_bad_mac|MOOR_ERR_TLS_BAD_MAC|20||
record_oversized|MOOR_ERR_TLS_RECORD_TOO_LARGE|22||
inner_plaintext_oversized|MOOR_ERR_TLS_RECORD_TOO_LARGE|22||
record_over_negotiated_limit|MOOR_ERR_TLS_RECORD_TOO_LARGE|22|--max-frag 1024|
appdata_record_oversized|MOOR_ERR_TLS_RECORD_TOO_LARGE|22||
record_all_zero_inner|MOOR_ERR_TLS_PROTOCOL|10||
unknown_inner_type|MOOR_ERR_TLS_PROTOCOL|10||
handshake_empty_record|MOOR_ERR_TLS_PROTOCOL|10||
handshake_message_oversized|MOOR_ERR_TLS_PROTOCOL|50||
plaintext_handshake_after_keys|MOOR_ERR_TLS_PROTOCOL|10||
appdata_before_finished|MOOR_ERR_TLS_PROTOCOL|10||
keyupdate_in_handshake|MOOR_ERR_TLS_PROTOCOL|10||
unknown_record_type|MOOR_ERR_TLS_PROTOCOL|10||
ccs_bad_value|MOOR_ERR_TLS_PROTOCOL|10||
ccs_encrypted|MOOR_ERR_TLS_PROTOCOL|10||
ccs_after_finished|MOOR_ERR_TLS_PROTOCOL|10||
alert_handshake_failure|MOOR_ERR_TLS_ALERT_RECEIVED(40)|-|--tls 1.3|
alert_encrypted_mid_handshake|MOOR_ERR_TLS_ALERT_RECEIVED(80)|-||
keyupdate_bad_value|MOOR_ERR_TLS_PROTOCOL|47||
nst_malformed|MOOR_ERR_TLS_PROTOCOL|50||
close_without_notify|MOOR_ERR_TLS_TRUNCATED|-|--recv 12|
post_handshake_certificate_request|MOOR_ERR_TLS_PROTOCOL|10||
TXT
}

[ $# -eq 1 ] || { echo "usage: $0 CASE[@VARIANT] | list" >&2; exit 2; }
if [ "$1" = list ]; then
	table | cut -d'|' -f1
	exit 0
fi
line=$(table | awk -F'|' -v c="$1" '$1 == c')
[ -n "$line" ] || { echo "unknown case: $1" >&2; exit 2; }
IFS='|' read -r name want alert probe_extra server_extra <<<"$line"
case_name=${name%@*}
variant=
[ "$name" != "$case_name" ] && variant=${name#*@}

moor_pki "$MOOR_BUILD/pki"
cert=server-ec.crt key=server-ec.key
client=()
recv=(--recv 6)
case "$variant" in
rsa) cert=server-rsa.crt key=server-rsa.key ;;
small) client=(--max-frag 512) ;;
mtls) server_extra="$server_extra --request-client-cert"
	client=(--cert "$PKI/client-ec-chain.crt" --key "$PKI/client-ec.key") ;;
esac
# shellcheck disable=SC2206 # the extras are words
probe_extra=($probe_extra)
for a in "${probe_extra[@]}"; do
	[ "$a" = --recv ] && recv=()
done

srvlog=$moor_tmp/hostile.log
portfile=$moor_tmp/port
# shellcheck disable=SC2086 # server_extra is words
moor_bg "$moor_tmp/hostile.out" "$MOOR_PY" "$(dirname "$0")/hostile_server.py" \
	--cert "$PKI/$cert" --key "$PKI/$key" --chain "$PKI/int.crt" \
	--case "$case_name" --port-file "$portfile" --log "$srvlog" $server_extra
srv=$moor_last_pid
for _ in $(seq 1 100); do
	[ -s "$portfile" ] && break
	kill -0 "$srv" 2>/dev/null || break
	sleep 0.05
done
[ -s "$portfile" ] || { sed 's/^/  server: /' "$moor_tmp/hostile.out" "$srvlog" 2>/dev/null; moor_fail "hostile server did not start"; }
port=$(cat "$portfile")

moor_run probe -h 127.0.0.1 -p "$port" --sni localhost --cacert "$PKI/root.crt" \
	--timeout 20000 --send hello "${recv[@]}" "${client[@]}" "${probe_extra[@]}"
# Let the server log what it got before we look.
for _ in $(seq 1 40); do
	kill -0 "$srv" 2>/dev/null || break
	grep -q "peer sent alert\|connection closed\|peer closed" "$srvlog" 2>/dev/null && break
	sleep 0.05
done
echo "  server log:"
sed 's/^/    /' "$srvlog" 2>/dev/null | tail -n 25

if [ "$want" = OK ]; then
	expect_rc 0
	expect_line "version: TLSv1.3"
	expect_line 'reply: olleh\x0a'
else
	expect_rc 1
	expect_err "error: $want:"
fi
if [ "$alert" != - ]; then
	grep -q "peer sent alert 2 $alert " "$srvlog" ||
		moor_fail "the server did not receive our alert $alert"
fi
echo "PASS $name"
