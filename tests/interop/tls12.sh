#!/usr/bin/env bash
# TLS 1.2 interop: the moor CLI against `openssl s_server -tls1_2` on
# 127.0.0.1, plus offline `moor verify` and CLI usage checks.
#
#   tests/interop/tls12.sh PKIDIR CASE
#
# One CASE per ctest test (see CMakeLists.txt); `tls12.sh PKIDIR list`
# prints them all. Uses MOOR_BUILD / MOOR_WRAP from the environment.
. "$(dirname "$0")/lib.sh"

[ $# -eq 2 ] || { echo "usage: $0 PKIDIR CASE" >&2; exit 2; }
moor_pki "$1"
case_name=$2
srvlog=$moor_tmp/server.log

ROOT_NAME="moor test root CA"
# Generous: valgrind slows the handshake's public-key operations.
T=(--timeout 30000)

# Our ECDHE AEAD suites (the only ones moor offers for TLS 1.2).
aead_re() {
	echo "^cipher: TLS_ECDHE_$1_WITH_(AES_128_GCM_SHA256|AES_256_GCM_SHA384|CHACHA20_POLY1305_SHA256)\$"
}

# s_server with a leaf, its key and (optionally) the chain to send.
serve() {
	local cert=$1 key=$2 chain=${3:-}
	shift 3 || shift $#
	local extra=()
	[ -n "$chain" ] && extra=(-cert_chain "$PKI/$chain")
	moor_s_server "$srvlog" -tls1_2 -cert "$PKI/$cert" -key "$PKI/$key" \
		"${extra[@]}" "$@"
}

probe_full() {
	moor_run probe -h 127.0.0.1 -p "$MOOR_PORT" --sni localhost \
		--cacert "$PKI/root.crt" "${T[@]}" "$@"
}

# A chain that must fail verification with the given status (verify-full).
expect_x509_fail() {
	local status=$1
	probe_full --ssl-mode verify-full
	expect_rc 1
	expect_err "error: $status:"
	[ ! -s "$moor_out" ] || moor_fail "a failed probe printed results"
}

# "max_record_in" must respect a max_fragment_length of $1 for the
# negotiated suite: 5-byte header + 8-byte explicit nonce (AES-GCM only)
# + fragment + 16-byte tag. Plaintext handshake records are 5 + fragment.
check_mfl() {
	local frag=$1 cipher max bound
	cipher=$(out_value cipher)
	max=$(out_value max_record_in)
	case "$cipher" in
	*_GCM_*) bound=$((5 + 8 + frag + 16)) ;;
	*CHACHA20_POLY1305*) bound=$((5 + frag + 16)) ;;
	*) moor_fail "unexpected cipher $cipher" ;;
	esac
	echo "  max_record_in $max, bound $bound for $cipher"
	[ "$max" -gt 5 ] || moor_fail "no record seen"
	[ "$max" -le "$bound" ] || moor_fail "record of $max bytes exceeds $bound"
}

run_case() {
	case "$1" in
	# ---- good chains ------------------------------------------------
	rsa_ok)
		serve server-rsa.crt server-rsa.key int.crt
		probe_full --ssl-mode verify-full
		expect_rc 0
		expect_line "version: TLSv1.2"
		expect_match "$(aead_re RSA)"
		expect_match '^peer: .*CN=localhost$'
		expect_line "anchor: $ROOT_NAME"
		expect_line "verify: verify-full"
		expect_line "record_limit: 16384"
		expect_match '^group: (x25519|secp256r1|secp384r1|secp521r1)$'
		;;
	ec_ok)
		serve server-ec.crt server-ec.key int.crt
		probe_full --ssl-mode verify-full
		expect_rc 0
		expect_line "version: TLSv1.2"
		expect_match "$(aead_re ECDSA)"
		expect_match '^peer: .*CN=localhost$'
		expect_line "anchor: $ROOT_NAME"
		;;
	tls12_forced)
		# --tls 1.2 pins the version; SNI defaults to -h.
		serve server-ec.crt server-ec.key int.crt
		moor_run probe -h localhost -p "$MOOR_PORT" --cacert "$PKI/root.crt" \
			--tls 1.2 "${T[@]}"
		expect_rc 0
		expect_line "version: TLSv1.2"
		;;
	# ---- chains that must fail -------------------------------------
	expired)
		serve expired.crt server-rsa.key int.crt
		expect_x509_fail MOOR_ERR_X509_EXPIRED ;;
	notyet)
		serve notyet.crt server-rsa.key int.crt
		expect_x509_fail MOOR_ERR_X509_NOT_YET_VALID ;;
	wronghost)
		serve wronghost.crt server-rsa.key int.crt
		expect_x509_fail MOOR_ERR_X509_HOSTNAME ;;
	unknown_ca)
		serve unknown-leaf.crt server-ec.key unknown-int.crt
		expect_x509_fail MOOR_ERR_X509_UNKNOWN_CA ;;
	selfsigned)
		serve selfsigned.crt server-ec.key ""
		expect_x509_fail MOOR_ERR_X509_SELF_SIGNED ;;
	no_intermediate)
		serve server-rsa.crt server-rsa.key ""
		expect_x509_fail MOOR_ERR_X509_CHAIN_INCOMPLETE ;;
	# ---- wall time (MOOR_FAKE_TIME is read by the POSIX port) --------
	time_unknown)
		serve server-rsa.crt server-rsa.key int.crt
		MOOR_FAKE_TIME=unknown probe_full
		expect_rc 1
		expect_err "error: MOOR_ERR_TIME_UNKNOWN:" ;;
	time_floor)
		serve server-rsa.crt server-rsa.key int.crt
		MOOR_FAKE_TIME=unknown probe_full --time-floor
		expect_rc 0
		expect_line "version: TLSv1.2" ;;
	time_after_ca)
		# 2050-01-01: the CAs expired on 2049-12-31
		serve server-rsa.crt server-rsa.key int.crt
		MOOR_FAKE_TIME=2524608000 probe_full
		expect_rc 1
		expect_err "error: MOOR_ERR_X509_EXPIRED:" ;;
	# ---- weaker modes ----------------------------------------------
	verifyca_wronghost)
		serve wronghost.crt server-rsa.key int.crt
		probe_full --ssl-mode verify-ca
		expect_rc 0
		expect_line "verify: verify-ca"
		expect_line "anchor: $ROOT_NAME"
		expect_match '^peer: .*CN=wrong\.example$'
		;;
	verifyca_expired)
		# verify-ca still checks dates.
		serve expired.crt server-rsa.key int.crt
		probe_full --ssl-mode verify-ca
		expect_rc 1
		expect_err "error: MOOR_ERR_X509_EXPIRED:"
		;;
	require_selfsigned)
		serve selfsigned.crt server-ec.key ""
		probe_full --ssl-mode require
		expect_rc 0
		expect_line "version: TLSv1.2"
		expect_line "verify: require"
		expect_line "anchor: none (not verified)"
		;;
	require_unknown_ca)
		serve unknown-leaf.crt server-ec.key unknown-int.crt
		moor_run probe -h 127.0.0.1 -p "$MOOR_PORT" --ssl-mode require "${T[@]}"
		expect_rc 0
		expect_line "anchor: none (not verified)"
		;;
	disable_plain)
		moor_tcp_server "$srvlog"
		moor_run probe -h 127.0.0.1 -p "$MOOR_PORT" --ssl-mode disable "${T[@]}"
		expect_rc 0
		expect_line "version: none (plaintext)"
		expect_line "verify: disable"
		# The server must have seen a connection that carried no bytes
		# (no ClientHello in disable mode, and the probe sends nothing).
		for _ in $(seq 1 50); do
			grep -q '^closed ' "$srvlog" && break
			sleep 0.1
		done
		grep -qx 'closed 0' "$srvlog" ||
			moor_fail "plain server log: $(tr '\n' ' ' <"$srvlog")"
		;;
	# ---- client certificates ---------------------------------------
	mtls_rsa)
		serve server-rsa.crt server-rsa.key int.crt \
			-Verify 1 -verify_return_error -CAfile "$PKI/root.crt"
		for key in client-rsa.key client-rsa-pkcs8.key; do
			probe_full --cert "$PKI/client-rsa.crt" --key "$PKI/$key"
			expect_rc 0
			expect_line "version: TLSv1.2"
		done
		grep -q 'CN *= *moor client rsa' "$srvlog" ||
			moor_fail "s_server did not see the client certificate"
		;;
	mtls_ec)
		serve server-ec.crt server-ec.key int.crt \
			-Verify 1 -verify_return_error -CAfile "$PKI/root.crt"
		for key in client-ec.key client-ec-pkcs8.key; do
			probe_full --cert "$PKI/client-ec-chain.crt" --key "$PKI/$key"
			expect_rc 0
			expect_line "version: TLSv1.2"
		done
		grep -q 'CN *= *moor client ec' "$srvlog" ||
			moor_fail "s_server did not see the client certificate"
		;;
	mtls_nocert)
		# OpenSSL answers an empty client Certificate with a fatal
		# handshake_failure alert (40) in TLS 1.2.
		serve server-rsa.crt server-rsa.key int.crt \
			-Verify 1 -verify_return_error -CAfile "$PKI/root.crt"
		probe_full
		expect_rc 1
		expect_err "error: MOOR_ERR_TLS_ALERT_RECEIVED(40): "
		;;
	# ---- max_fragment_length ---------------------------------------
	max_frag)
		serve server-rsa.crt server-rsa.key int.crt
		for frag in 512 1024; do
			probe_full --max-frag "$frag"
			expect_rc 0
			expect_line "record_limit: $frag"
			check_mfl "$frag"
		done
		# Control: without the extension the server sends its whole
		# Certificate message (leaf + intermediate, > 1 KiB) in one record.
		probe_full
		expect_rc 0
		expect_line "record_limit: 16384"
		max=$(out_value max_record_in)
		[ "$max" -gt 1029 ] || moor_fail "control run: largest record only $max bytes"
		;;
	# ---- failures before TLS ---------------------------------------
	connect_refused)
		port=$(moor_free_port)
		moor_run probe -h 127.0.0.1 -p "$port" --ssl-mode require --timeout 5000
		expect_rc 1
		expect_err "error: MOOR_ERR_CONNECT:"
		;;
	# ---- moor verify (offline) --------------------------------------
	verify_rsa)
		moor_run verify "$PKI/server-rsa-chain.crt" --host localhost --cacert "$PKI/root.crt"
		expect_rc 0
		expect_line "anchor: $ROOT_NAME"
		expect_match '^peer: .*CN=localhost$'
		;;
	verify_ec)
		moor_run verify "$PKI/server-ec-chain.crt" --host localhost --cacert "$PKI/root.crt"
		expect_rc 0
		expect_line "anchor: $ROOT_NAME"
		;;
	verify_dates)
		moor_run verify "$PKI/expired-chain.crt" --host localhost --cacert "$PKI/root.crt"
		expect_rc 1
		expect_err "error: MOOR_ERR_X509_EXPIRED:"
		moor_run verify "$PKI/expired-chain.crt" --host localhost --cacert "$PKI/root.crt" --at 2020-06-01
		expect_rc 0
		expect_match '^peer: .*CN=expired\.localhost$'
		moor_run verify "$PKI/notyet-chain.crt" --host localhost --cacert "$PKI/root.crt"
		expect_rc 1
		expect_err "error: MOOR_ERR_X509_NOT_YET_VALID:"
		moor_run verify "$PKI/notyet-chain.crt" --host localhost --cacert "$PKI/root.crt" --at 2041-02-28
		expect_rc 0
		# The good chain is not valid yet in 2024 (its notBefore is 2025-01-01).
		moor_run verify "$PKI/server-rsa-chain.crt" --host localhost --cacert "$PKI/root.crt" --at 2024-12-31
		expect_rc 1
		expect_err "error: MOOR_ERR_X509_NOT_YET_VALID:"
		;;
	verify_failures)
		moor_run verify "$PKI/wronghost-chain.crt" --host localhost --cacert "$PKI/root.crt"
		expect_rc 1
		expect_err "error: MOOR_ERR_X509_HOSTNAME:"
		# No --host: verify-ca, the wrong name does not matter.
		moor_run verify "$PKI/wronghost-chain.crt" --cacert "$PKI/root.crt"
		expect_rc 0
		moor_run verify "$PKI/unknown-chain.crt" --host localhost --cacert "$PKI/root.crt"
		expect_rc 1
		expect_err "error: MOOR_ERR_X509_UNKNOWN_CA:"
		moor_run verify "$PKI/selfsigned.crt" --host localhost --cacert "$PKI/root.crt"
		expect_rc 1
		expect_err "error: MOOR_ERR_X509_SELF_SIGNED:"
		moor_run verify "$PKI/nointermediate-chain.crt" --host localhost --cacert "$PKI/root.crt"
		expect_rc 1
		expect_err "error: MOOR_ERR_X509_CHAIN_INCOMPLETE:"
		# The unknown chain is fine against its own root.
		moor_run verify "$PKI/unknown-chain.crt" --host localhost --cacert "$PKI/unknown-root.crt"
		expect_rc 0
		expect_line "anchor: moor unknown root CA"
		;;
	# ---- command line ----------------------------------------------
	usage)
		moor_run --help
		expect_rc 0
		expect_match '^usage: moor COMMAND'
		moor_run probe --help
		expect_rc 0
		expect_match '^usage: moor probe'
		moor_run verify --help
		expect_rc 0
		moor_run
		expect_rc 2
		moor_run frobnicate
		expect_rc 2
		moor_run probe -p 1
		expect_rc 2
		moor_run probe -h 127.0.0.1
		expect_rc 2
		moor_run probe -h 127.0.0.1 -p 70000
		expect_rc 2
		moor_run probe -h 127.0.0.1 -p 1 --max-frag 300
		expect_rc 2
		moor_run probe -h 127.0.0.1 -p 1 --ssl-mode sometimes
		expect_rc 2
		moor_run probe -h 127.0.0.1 -p 1 --tls 1.1
		expect_rc 2
		moor_run probe -h 127.0.0.1 -p 1 --cert "$PKI/client-rsa.crt"
		expect_rc 2
		moor_run probe -h 127.0.0.1 -p 1 --bogus
		expect_rc 2
		moor_run verify
		expect_rc 2
		moor_run verify "$PKI/server-rsa-chain.crt" --at 2024-02-30
		expect_rc 2
		moor_run verify "$PKI/does-not-exist.pem"
		expect_rc 1
		moor_run probe -h 127.0.0.1 -p 1 --cacert "$PKI/does-not-exist.pem"
		expect_rc 1
		;;
	*)
		echo "unknown case: $1" >&2
		exit 2 ;;
	esac
}

CASES="rsa_ok ec_ok tls12_forced expired notyet wronghost unknown_ca selfsigned
no_intermediate verifyca_wronghost verifyca_expired require_selfsigned
require_unknown_ca disable_plain mtls_rsa mtls_ec mtls_nocert max_frag
connect_refused verify_rsa verify_ec verify_dates verify_failures usage"

if [ "$case_name" = list ]; then
	echo $CASES
	exit 0
fi
run_case "$case_name"
echo "PASS: $case_name"
