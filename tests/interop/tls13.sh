#!/usr/bin/env bash
# TLS 1.3 interop: the moor CLI against `openssl s_server -tls1_3` and
# `gnutls-serv` (TLS 1.3 priority) on 127.0.0.1.
#
#   tests/interop/tls13.sh PKIDIR CASE
#
# One CASE per ctest test (see CMakeLists.txt); `tls13.sh PKIDIR list`
# prints them all. Uses MOOR_BUILD / MOOR_WRAP from the environment.
#
# Case names: ossl_* run against OpenSSL's s_server, gnutls_* against
# gnutls-serv. gnutls-serv (3.7) has no option for the listen address: it
# binds 0.0.0.0 and [::] on the port; the probe connects to 127.0.0.1.
. "$(dirname "$0")/lib.sh"

[ $# -eq 2 ] || { echo "usage: $0 PKIDIR CASE" >&2; exit 2; }
case_name=$2

ROOT_NAME="moor test root CA"
PEER="C=DE, O=moor tests, OU=servers, CN=localhost"
# Generous: valgrind slows the handshake's public-key operations.
T=(--timeout 30000)
GNUTLS13="NORMAL:-VERS-ALL:+VERS-TLS1.3"

# ---- names ------------------------------------------------------------

# Server leaf kinds -> file stem (KIND.crt, KIND.key, KIND-chain.crt).
leaf_of() {
	case "$1" in
	rsa2048) echo server-rsa ;;
	rsa4096) echo server-rsa4096 ;;
	ec256) echo server-ec ;;
	ec384) echo server-ec384 ;;
	*) echo "unknown leaf kind $1" >&2; exit 2 ;;
	esac
}

# Suite short names -> IANA name (what moor prints and s_server takes) and
# the GnuTLS cipher name.
suite_iana() {
	case "$1" in
	aes128) echo TLS_AES_128_GCM_SHA256 ;;
	aes256) echo TLS_AES_256_GCM_SHA384 ;;
	chacha) echo TLS_CHACHA20_POLY1305_SHA256 ;;
	*) echo "unknown suite $1" >&2; exit 2 ;;
	esac
}
suite_gnutls() {
	case "$1" in
	aes128) echo AES-128-GCM ;;
	aes256) echo AES-256-GCM ;;
	chacha) echo CHACHA20-POLY1305 ;;
	esac
}
# Group short names -> what moor prints, s_server's -groups, GnuTLS's name.
group_moor() {
	case "$1" in
	x25519) echo x25519 ;;
	p256) echo secp256r1 ;;
	p384) echo secp384r1 ;;
	*) echo "unknown group $1" >&2; exit 2 ;;
	esac
}
group_ossl() {
	case "$1" in
	x25519) echo X25519 ;;
	p256) echo P-256 ;;
	p384) echo P-384 ;;
	esac
}
group_gnutls() {
	case "$1" in
	x25519) echo GROUP-X25519 ;;
	p256) echo GROUP-SECP256R1 ;;
	p384) echo GROUP-SECP384R1 ;;
	esac
}

# ---- servers ----------------------------------------------------------

# ossl_serve KIND ARGS...: s_server -rev -tls1_3 with the leaf KIND, its key
# and the intermediate.
ossl_serve() {
	local stem
	stem=$(leaf_of "$1")
	shift
	moor_s_server "$srvlog" -tls1_3 -cert "$PKI/$stem.crt" -key "$PKI/$stem.key" \
		-cert_chain "$PKI/int.crt" "$@"
}

# gnutls_serve_files CHAIN KEY PRIO ARGS...: gnutls-serv --echo with a
# chain file (leaf first) and key; PRIO is the whole priority string.
# Line-buffered, so the log can be watched while it runs.
gnutls_serve_files() {
	local chain=$1 key=$2 prio=$3
	shift 3
	moor_server "$srvlog" stdbuf -oL gnutls-serv --port @PORT@ \
		--x509certfile "$PKI/$chain" --x509keyfile "$PKI/$key" \
		--priority "$prio" --echo "$@"
}

# gnutls_serve KIND PRIO_SUFFIX ARGS...: TLS 1.3 only, plus PRIO_SUFFIX.
gnutls_serve() {
	local stem
	stem=$(leaf_of "$1")
	local suffix=$2
	shift 2
	gnutls_serve_files "$stem-chain.crt" "$stem.key" "$GNUTLS13$suffix" "$@"
}

# ---- probing and assertions ------------------------------------------

probe() {
	moor_run probe -h 127.0.0.1 -p "$MOOR_PORT" --sni localhost \
		--cacert "$PKI/root.crt" "${T[@]}" "$@"
}

# A full (not resumed) TLS 1.3 handshake with a verified chain.
expect_full13() {
	expect_rc 0
	expect_line "version: TLSv1.3"
	expect_line "peer: $PEER"
	expect_line "anchor: $ROOT_NAME"
	expect_line "verify: verify-full"
	expect_line "record_limit: 16384"
	expect_line "resumed: no"
	expect_line "fallback: no"
}

# A failed probe: exit 1, the error line, nothing on stdout.
expect_fail() {
	expect_rc 1
	expect_err "error: $1"
	[ ! -s "$moor_out" ] || moor_fail "a failed probe printed results"
}

# wait_log REGEX [SECONDS]: wait until a line of the server log matches.
wait_log() {
	local re=$1 secs=${2:-20}
	for _ in $(seq 1 $((secs * 10))); do
		grep -Eq -- "$re" "$srvlog" && return 0
		sleep 0.1
	done
	echo "server log (tail):" >&2
	tail -n 40 "$srvlog" | sed 's/^/  server: /' >&2
	moor_fail "server log has no line matching /$re/"
}

# block_value N KEY: the value of "KEY: value" in the block that --resume
# prints for connection N (after its "connection: N" line).
block_value() {
	awk -v n="$1" -v k="$2: " '
		/^connection: / { c = substr($0, 13) + 0; next }
		c == n && index($0, k) == 1 { print substr($0, length(k) + 1); exit }
	' "$moor_out"
}
expect_block() {
	local got
	got=$(block_value "$1" "$2")
	[ "$got" = "$3" ] || moor_fail "connection $1: $2 is '$got', expected '$3'"
}

# "max_record_in" (record header included) must respect a limit of FRAG
# plaintext bytes: 5-byte header + FRAG + 1 content type byte + 16-byte
# tag (TLS 1.3 records have no explicit nonce). PAD is an allowance for
# servers that pad records (0 for both servers here).
check_frag() {
	local frag=$1 pad=${2:-0} max bound
	max=$(out_value max_record_in)
	bound=$((5 + frag + 1 + 16 + pad))
	echo "  max_record_in $max, bound $bound (frag $frag)"
	if [ -z "$max" ] || [ "$max" -le 5 ]; then
		moor_fail "no record seen"
	fi
	[ "$max" -le "$bound" ] || moor_fail "record of $max bytes exceeds $bound"
}

# ---- case bodies -------------------------------------------------------

# suite_case SERVER SUITE GROUP: the server allows only SUITE and GROUP.
# moor sends one key share (x25519), so P-256 / P-384 need an HRR.
suite_case() {
	local server=$1 suite=$2 group=$3 iana hrr
	iana=$(suite_iana "$suite")
	if [ "$server" = ossl ]; then
		ossl_serve rsa2048 -ciphersuites "$iana" -groups "$(group_ossl "$group")"
	else
		gnutls_serve ec256 ":-CIPHER-ALL:+$(suite_gnutls "$suite"):-GROUP-ALL:+$(group_gnutls "$group")"
	fi
	probe --send hello --recv 6
	expect_full13
	expect_line "cipher: $iana"
	expect_line "group: $(group_moor "$group")"
	hrr=yes
	[ "$group" = x25519 ] && hrr=no
	expect_line "hrr: $hrr"
	# Application data in both directions with the negotiated keys.
	if [ "$server" = ossl ]; then
		expect_line 'reply: olleh\x0a'
	else
		expect_line 'reply: hello\x0a'
	fi
}

# cert_case SERVER KIND: a good chain with a leaf of the given key type.
cert_case() {
	local server=$1 kind=$2 sig
	if [ "$server" = ossl ]; then
		ossl_serve "$kind"
	else
		gnutls_serve "$kind" ""
	fi
	probe
	expect_full13
	expect_line "hrr: no"
	[ "$server" = gnutls ] || return 0
	# GnuTLS logs which signature scheme it signed the handshake with.
	case "$kind" in
	rsa*) sig=RSA-PSS-RSAE-SHA256 ;;
	ec256) sig=ECDSA-SECP256R1-SHA256 ;;
	ec384) sig=ECDSA-SECP384R1-SHA384 ;;
	esac
	wait_log "^- Server Signature: $sig\$" 10
}

# The chains tls12.sh rejects must fail the same way in TLS 1.3.
X509_FAILS="expired:expired-chain.crt:server-rsa.key:MOOR_ERR_X509_EXPIRED
wronghost:wronghost-chain.crt:server-rsa.key:MOOR_ERR_X509_HOSTNAME
unknown_ca:unknown-chain.crt:server-ec.key:MOOR_ERR_X509_UNKNOWN_CA"

x509_fail_ossl() {
	local line chain key status leaf inter
	line=$(grep "^$1:" <<<"$X509_FAILS")
	IFS=: read -r _ chain key status <<<"$line"
	case "$1" in
	unknown_ca) leaf=unknown-leaf.crt inter=unknown-int.crt ;;
	*) leaf=$1.crt inter=int.crt ;;
	esac
	moor_s_server "$srvlog" -tls1_3 -cert "$PKI/$leaf" -key "$PKI/$key" \
		-cert_chain "$PKI/$inter"
	probe
	expect_fail "$status:"
}

# mtls_case SERVER rsa|ec|none
mtls_case() {
	local server=$1 kind=$2 cn args=()
	case "$kind" in
	rsa) args=(--cert "$PKI/client-rsa.crt" --key "$PKI/client-rsa.key"); cn="moor client rsa" ;;
	ec) args=(--cert "$PKI/client-ec-chain.crt" --key "$PKI/client-ec.key"); cn="moor client ec" ;;
	none) ;;
	esac
	if [ "$server" = ossl ]; then
		ossl_serve rsa2048 -Verify 1 -verify_return_error -CAfile "$PKI/root.crt"
	else
		gnutls_serve ec256 "" --require-client-cert --verify-client-cert \
			--x509cafile "$PKI/root.crt"
	fi
	if [ "$kind" = none ]; then
		# TLS 1.3 servers check the client's Certificate after our
		# Finished; the probe sees their alert while it waits for a
		# ticket. Both send certificate_required (116).
		probe
		expect_fail "MOOR_ERR_TLS_ALERT_RECEIVED(116): "
		return 0
	fi
	# The server accepted the certificate: the connection carries data.
	probe "${args[@]}" --send hello --recv 6
	expect_full13
	if [ "$server" = ossl ]; then
		expect_line 'reply: olleh\x0a'
		grep -q "CN *= *$cn" "$srvlog" ||
			moor_fail "s_server did not see the client certificate"
	else
		expect_line 'reply: hello\x0a'
		wait_log "Subject: CN=$cn,OU=clients" 10
		wait_log "^- Status: The certificate is trusted" 10
		case "$kind" in
		rsa) wait_log '^- Client Signature: RSA-PSS-RSAE-SHA256$' 10 ;;
		ec) wait_log '^- Client Signature: ECDSA-SECP256R1-SHA256$' 10 ;;
		esac
	fi
}

# resume_case SERVER [hrr]: --resume 2; with "hrr" the server allows only
# P-256, so every connection (the resumed ones too: their PSK binder then
# covers the HelloRetryRequest) goes through an HRR.
resume_case() {
	local server=$1 hrr=${2:-} k want_hrr=no want_group=x25519
	if [ -n "$hrr" ]; then
		want_hrr=yes want_group=secp256r1
	fi
	if [ "$server" = ossl ]; then
		if [ -n "$hrr" ]; then
			ossl_serve rsa2048 -groups P-256
		else
			ossl_serve rsa2048
		fi
	else
		if [ -n "$hrr" ]; then
			gnutls_serve ec256 ":-GROUP-ALL:+GROUP-SECP256R1"
		else
			gnutls_serve ec256 ""
		fi
	fi
	probe --resume 2
	expect_rc 0
	for k in 1 2 3; do
		expect_block "$k" version TLSv1.3
		expect_block "$k" cipher TLS_AES_128_GCM_SHA256
		expect_block "$k" group "$want_group"
		expect_block "$k" hrr "$want_hrr"
		expect_block "$k" fallback no
	done
	expect_block 1 resumed no
	expect_block 1 peer "$PEER"
	expect_block 1 anchor "$ROOT_NAME"
	expect_block 2 resumed yes
	expect_block 3 resumed yes
	# A resumed session has no certificate exchange.
	expect_block 2 peer "(resumed session)"
	expect_block 3 peer "(resumed session)"
	if [ "$server" = gnutls ]; then
		wait_log '^\*\*\* This is a resumed session' 10
		n=$(grep -c '^\*\*\* This is a resumed session' "$srvlog")
		[ "$n" -eq 2 ] || moor_fail "gnutls-serv saw $n resumed sessions, expected 2"
	fi
}

# frag_case SERVER: --max-frag 512 / 1024 (OpenSSL: max_fragment_length;
# GnuTLS: record_size_limit), with 2000 bytes echoed back so the server
# must split application data too.
frag_case() {
	local server=$1 frag line reply
	if [ "$server" = ossl ]; then
		ossl_serve rsa2048
	else
		# -d 4 logs the extensions GnuTLS sends.
		gnutls_serve rsa2048 "" -d 4
	fi
	line=$(printf 'a%.0s' $(seq 1 2000))
	for frag in 512 1024; do
		probe --max-frag "$frag" --send "$line" --recv 2001
		expect_full13_frag "$frag"
		check_frag "$frag"
		reply=$(out_value reply)
		[ "$reply" = "$line\\x0a" ] || moor_fail "echo of 2000 bytes: got ${#reply} characters"
	done
	if [ "$server" = gnutls ]; then
		# Offered both, GnuTLS answers with record_size_limit only.
		grep -q 'Sending extension Record Size Limit/28' "$srvlog" ||
			moor_fail "gnutls-serv sent no record_size_limit"
		! grep -q 'Sending extension Maximum Record Size/1' "$srvlog" ||
			moor_fail "gnutls-serv sent max_fragment_length"
	fi
	# Control: without a limit the server sends its Certificate message
	# (leaf + intermediate, > 1 KiB) in one record.
	probe
	expect_full13
	max=$(out_value max_record_in)
	echo "  max_record_in $max (no limit)"
	[ "$max" -gt $((5 + 1024 + 1 + 16)) ] || moor_fail "control run: largest record only $max bytes"
}
expect_full13_frag() {
	expect_rc 0
	expect_line "version: TLSv1.3"
	expect_line "peer: $PEER"
	expect_line "anchor: $ROOT_NAME"
	expect_line "record_limit: $1"
	expect_line "hrr: no"
}

# keyupdate_case K|k: s_server in stdin mode reads its commands from a
# FIFO. K: the server sends KeyUpdate(update_requested) and moor must
# answer with its own KeyUpdate(update_not_requested); k: no answer.
# Then data the server sends under its new key must arrive.
keyupdate_case() {
	local cmd=$1 fifo=$moor_tmp/stdin.fifo writer prober
	mkfifo "$fifo"
	# Keep a writer on the FIFO, or s_server reads EOF and quits.
	sleep 300 >"$fifo" &
	writer=$!
	moor_pids+=("$writer")
	# s_server's own messages go through stdio: -oL makes them visible
	# line by line (the received data is written unbuffered anyway).
	# shellcheck disable=SC2016 # $0/$@ belong to the inner shell
	moor_server "$srvlog" bash -c 'exec stdbuf -oL openssl "$@" <"$0"' "$fifo" \
		s_server -accept "127.0.0.1:@PORT@" -tls1_3 -msg \
		-cert "$PKI/server-rsa.crt" -key "$PKI/server-rsa.key" -cert_chain "$PKI/int.crt"
	(
		moor_run probe -h 127.0.0.1 -p "$MOOR_PORT" --sni localhost \
			--cacert "$PKI/root.crt" "${T[@]}" --send ping --recv 6
		echo "$moor_rc" >"$moor_tmp/rc"
	) >"$moor_tmp/probe.log" 2>&1 &
	prober=$!
	moor_pids+=("$prober")
	wait_log '^ping$' 30
	# One write per command: s_server drops the rest of a stdin read
	# after a K / k command.
	echo "$cmd" >"$fifo"
	wait_log '^SSL_do_handshake -> 1$' 20
	if [ "$cmd" = K ]; then
		wait_log '^<<< TLS 1.3, Handshake \[length 0005\], KeyUpdate$' 20
	fi
	echo hello >"$fifo"
	wait "$prober" || true
	cat "$moor_tmp/probe.log"
	moor_rc=$(cat "$moor_tmp/rc")
	expect_full13
	expect_line 'reply: hello\x0a'
	# What went over the wire (s_server -msg: the header line, then the
	# message in hex: type 24, length 1, request_update).
	local sent_ku recv_ku
	sent_ku=$({ grep -A1 -x '>>> TLS 1.3, Handshake \[length 0005\], KeyUpdate' "$srvlog" || true; } |
		sed -n 2p | tr -s ' ')
	recv_ku=$({ grep -A1 -x '<<< TLS 1.3, Handshake \[length 0005\], KeyUpdate' "$srvlog" || true; } |
		sed -n 2p | tr -s ' ')
	if [ "$cmd" = K ]; then
		[ "$sent_ku" = " 18 00 00 01 01" ] || moor_fail "server KeyUpdate: '$sent_ku'"
		[ "$recv_ku" = " 18 00 00 01 00" ] || moor_fail "client KeyUpdate: '$recv_ku'"
	else
		[ "$sent_ku" = " 18 00 00 01 00" ] || moor_fail "server KeyUpdate: '$sent_ku'"
		[ -z "$recv_ku" ] || moor_fail "client answered update_not_requested: '$recv_ku'"
	fi
}

# ---- cases -------------------------------------------------------------

run_case() {
	case "$1" in
	# ---- suite x group ----------------------------------------------
	ossl_suite_*_* | gnutls_suite_*_*)
		local rest=${1#*_suite_}
		suite_case "${1%%_*}" "${rest%_*}" "${rest#*_}"
		;;
	# ---- server certificates ----------------------------------------
	ossl_cert_* | gnutls_cert_*)
		cert_case "${1%%_*}" "${1#*_cert_}"
		;;
	ossl_expired | ossl_wronghost | ossl_unknown_ca)
		x509_fail_ossl "${1#ossl_}"
		;;
	gnutls_x509_failures)
		local chain key status
		while IFS=: read -r _ chain key status; do
			gnutls_serve_files "$chain" "$key" "$GNUTLS13"
			probe
			expect_fail "$status:"
			moor_stop "$MOOR_SERVER_PID"
		done <<<"$X509_FAILS"
		;;
	# ---- client certificates ----------------------------------------
	ossl_mtls_* | gnutls_mtls_*)
		mtls_case "${1%%_*}" "${1#*_mtls_}"
		;;
	# ---- resumption -------------------------------------------------
	ossl_resume | gnutls_resume)
		resume_case "${1%%_*}"
		;;
	ossl_resume_hrr | gnutls_resume_hrr)
		resume_case "${1%%_*}" hrr
		;;
	# ---- small records ----------------------------------------------
	ossl_max_frag | gnutls_max_frag)
		frag_case "${1%%_*}"
		;;
	# ---- KeyUpdate --------------------------------------------------
	ossl_keyupdate)
		keyupdate_case K ;;
	ossl_keyupdate_norequest)
		keyupdate_case k ;;
	# ---- echo -------------------------------------------------------
	ossl_echo)
		ossl_serve ec256
		probe --send hello --recv 6
		expect_full13
		expect_line 'reply: olleh\x0a'
		;;
	gnutls_echo)
		gnutls_serve ec256 ""
		probe --send hello --recv 6
		expect_full13
		expect_line 'reply: hello\x0a'
		wait_log '^received cmd: hello' 10
		;;
	# ---- version negotiation ----------------------------------------
	ossl_tls13only_vs_tls12)
		moor_s_server "$srvlog" -tls1_2 -cert "$PKI/server-rsa.crt" \
			-key "$PKI/server-rsa.key" -cert_chain "$PKI/int.crt"
		probe --tls 1.3
		expect_fail "MOOR_ERR_TLS_VERSION:"
		;;
	ossl_auto_vs_tls12)
		moor_s_server "$srvlog" -tls1_2 -cert "$PKI/server-rsa.crt" \
			-key "$PKI/server-rsa.key" -cert_chain "$PKI/int.crt"
		probe
		expect_rc 0
		expect_line "version: TLSv1.2"
		expect_line "fallback: yes"
		expect_line "peer: $PEER"
		expect_line "anchor: $ROOT_NAME"
		expect_match '^cipher: TLS_ECDHE_RSA_WITH_(AES_128_GCM_SHA256|AES_256_GCM_SHA384|CHACHA20_POLY1305_SHA256)$'
		;;
	# ---- the validator in lent scratch memory (cfg.scratch) --------
	# moor probe --scratch overwrites the scratch after every handshake:
	# resumption, the fallback to TLS 1.2 and a verification failure must
	# behave exactly as with the validator inside the session.
	ossl_scratch_resume | gnutls_scratch_resume)
		T+=(--scratch)
		resume_case "${1%%_*}"
		;;
	ossl_scratch_fallback)
		T+=(--scratch)
		moor_s_server "$srvlog" -tls1_2 -cert "$PKI/server-rsa.crt" \
			-key "$PKI/server-rsa.key" -cert_chain "$PKI/int.crt"
		probe
		expect_rc 0
		expect_line "version: TLSv1.2"
		expect_line "fallback: yes"
		expect_line "peer: $PEER"
		expect_line "anchor: $ROOT_NAME"
		;;
	ossl_scratch_wronghost)
		T+=(--scratch)
		ossl_serve ec256
		moor_run probe -h 127.0.0.1 -p "$MOOR_PORT" --sni wrong.example \
			--cacert "$PKI/root.crt" "${T[@]}"
		expect_fail "MOOR_ERR_X509_HOSTNAME:"
		;;
	ossl_tls12only_vs_tls13)
		# OpenSSL refuses a TLS 1.2 ClientHello with protocol_version.
		ossl_serve rsa2048
		probe --tls 1.2
		expect_fail "MOOR_ERR_TLS_ALERT_RECEIVED(70): "
		;;
	ossl_auto_vs_both)
		# A server with TLS 1.2 and 1.3: 1.3, no fallback (and the
		# downgrade sentinel check does not misfire).
		moor_s_server "$srvlog" -cert "$PKI/server-rsa.crt" \
			-key "$PKI/server-rsa.key" -cert_chain "$PKI/int.crt"
		probe --tls auto
		expect_full13
		expect_line "hrr: no"
		;;
	gnutls_auto_vs_tls12)
		# GnuTLS limited to TLS 1.2 answers our TLS 1.3-only ClientHello
		# with handshake_failure (40, "No supported cipher suites"), not
		# protocol_version (70). Auto mode should still fall back.
		gnutls_serve_files server-ec-chain.crt server-ec.key "NORMAL:-VERS-ALL:+VERS-TLS1.2"
		probe
		expect_rc 0
		expect_line "version: TLSv1.2"
		expect_line "fallback: yes"
		expect_line "peer: $PEER"
		expect_line "anchor: $ROOT_NAME"
		;;
	gnutls_tls12only_vs_tls13)
		# GnuTLS refuses a TLS 1.2 ClientHello with handshake_failure.
		gnutls_serve ec256 ""
		probe --tls 1.2
		expect_fail "MOOR_ERR_TLS_ALERT_RECEIVED(40): "
		;;
	# ---- middlebox compatibility (RFC 8446 D.4) ---------------------
	ossl_middlebox_ccs)
		# s_server's default: it sends a dummy ChangeCipherSpec; so do we
		# (a 32-byte legacy_session_id and a CCS before our Finished).
		ossl_serve rsa2048 -msg
		probe --send hello --recv 6
		expect_full13
		expect_line 'reply: olleh\x0a'
		grep -qx '>>> TLS 1.3, ChangeCipherSpec \[length 0001\]' "$srvlog" ||
			moor_fail "s_server sent no ChangeCipherSpec"
		# Received record headers, in hex: a CCS record is 14 03 03 00 01.
		hdrs=$(grep -A1 -x '<<< TLS 1.2, RecordHeader \[length 0005\]' "$srvlog" || true)
		grep -qx '    14 03 03 00 01' <<<"$hdrs" ||
			moor_fail "s_server received no ChangeCipherSpec from moor"
		;;
	gnutls_no_compat)
		# %DISABLE_TLS13_COMPAT_MODE: GnuTLS sends no ChangeCipherSpec.
		gnutls_serve ec256 ":%DISABLE_TLS13_COMPAT_MODE" -d 5
		probe --send hello --recv 6
		expect_full13
		expect_line 'reply: hello\x0a'
		wait_log 'Received Packet ChangeCipherSpec' 10
		! grep -q 'Sent ChangeCipherSpec' "$srvlog" ||
			moor_fail "gnutls-serv sent a ChangeCipherSpec"
		;;
	*)
		echo "unknown case: $1" >&2
		exit 2 ;;
	esac
}

cases_list() {
	local s g k
	for s in aes128 aes256 chacha; do
		for g in x25519 p256 p384; do
			echo "ossl_suite_${s}_$g"
		done
	done
	for s in aes128 aes256 chacha; do
		for g in x25519 p256 p384; do
			echo "gnutls_suite_${s}_$g"
		done
	done
	for k in rsa2048 rsa4096 ec256 ec384; do
		echo "ossl_cert_$k"
	done
	for k in rsa2048 rsa4096 ec256 ec384; do
		echo "gnutls_cert_$k"
	done
	echo ossl_expired ossl_wronghost ossl_unknown_ca gnutls_x509_failures
	echo ossl_mtls_rsa ossl_mtls_ec ossl_mtls_none
	echo gnutls_mtls_rsa gnutls_mtls_ec gnutls_mtls_none
	echo ossl_resume gnutls_resume ossl_resume_hrr gnutls_resume_hrr
	echo ossl_max_frag gnutls_max_frag
	echo ossl_keyupdate ossl_keyupdate_norequest
	echo ossl_echo gnutls_echo
	echo ossl_tls13only_vs_tls12 ossl_auto_vs_tls12 ossl_tls12only_vs_tls13
	echo ossl_auto_vs_both gnutls_auto_vs_tls12 gnutls_tls12only_vs_tls13
	echo ossl_middlebox_ccs gnutls_no_compat
	echo ossl_scratch_resume gnutls_scratch_resume ossl_scratch_fallback ossl_scratch_wronghost
}

if [ "$case_name" = list ]; then
	cases_list | tr '\n' ' '
	echo
	exit 0
fi
moor_pki "$1"
srvlog=$moor_tmp/server.log
run_case "$case_name"
echo "PASS: $case_name"
