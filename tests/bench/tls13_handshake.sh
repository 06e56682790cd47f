#!/usr/bin/env bash
# Client-side TLS 1.3 handshake cost in instructions (callgrind), per
# connection: a full handshake, then one resumed with the ticket it got
# (psk_dhe_ke), for an ECDSA P-256 and an RSA-2048 server chain, X25519 and
# AES-128-GCM, against `openssl s_server -tls1_3` on 127.0.0.1. The same
# chains over TLS 1.2 (BearSSL's engine) give the ratio.
#
#   tests/bench/tls13_handshake.sh      (builds build/bench: Release, -g)
#
# Counted: moor_tls_handshake() only (--toggle-collect), one callgrind dump
# per call (--dump-after), so process start-up, certificate file loading,
# TCP connect and the ticket that arrives after the handshake are not in
# the figures. tests/bench/cg_split.py splits each count by primitive. A
# run of the same binary outside valgrind, with the handshake on a painted
# stack of its own (moor_bench_tls13 --paint), gives its peak stack on this
# host. Writes its section of docs/benchmarks.md (tests/bench/doc_section.py).
#
# Cortex-M4: the TLS 1.3-only client of the size report is built for
# Cortex-M4 (the m4f preset tree) as boards/size/bench13_qemu.c. The host
# twin of that client, moor_bench_tls13only, records its handshakes with
# the same server on a frozen platform (boards/size/replay.h); QEMU's
# mps2-an386 then replays them with -icount shift=0, counting instructions
# with SysTick and the peak stack by painting. Skipped (and said so) if
# qemu-system-arm or arm-none-eabi-gcc is missing.
. "$(dirname "$0")/../interop/lib.sh"
cd "$MOOR_SRC"
B=${MOOR_BENCH_BUILD:-$MOOR_SRC/build/bench}
# -g only adds debug information (cg_split.py needs the source file of
# every function); DWARF 4 for valgrind 3.19.
cmake -S . -B "$B" -DCMAKE_BUILD_TYPE=Release -DMOOR_BUILD_TESTS=OFF \
	"-DCMAKE_C_FLAGS=-g -gdwarf-4" >"$moor_tmp/cmake.log" 2>&1 || { cat "$moor_tmp/cmake.log"; exit 1; }
cmake --build "$B" --target moor_bench_tls13 moor_bench_tls13only -j"$(nproc)" \
	>"$moor_tmp/build.log" 2>&1 || { tail -n 40 "$moor_tmp/build.log"; exit 1; }
bench=$B/tests/bin/moor_bench_tls13
recorder=$B/tests/bin/moor_bench_tls13only
qemu_fw=""
if command -v qemu-system-arm >/dev/null && command -v arm-none-eabi-gcc >/dev/null; then
	cmake --preset m4f >"$moor_tmp/cmake-m4f.log" 2>&1 || { cat "$moor_tmp/cmake-m4f.log"; exit 1; }
	cmake --build --preset m4f --target moor_bench13_qemu >"$moor_tmp/build-m4f.log" 2>&1 ||
		{ tail -n 40 "$moor_tmp/build-m4f.log"; exit 1; }
	qemu_fw=$MOOR_SRC/build/m4f/boards/size/moor_bench13_qemu.elf
fi
moor_pki "$MOOR_SRC/build/bench-pki"
out=docs/benchmarks.md
cg_flags=(--tool=callgrind --toggle-collect=moor_tls_handshake --dump-after=moor_tls_handshake)

# Count one bench run under callgrind; sets $split_lines (one cg_split.py
# line per handshake) and leaves the client's stdout in $moor_tmp/b.out.
count_run() {
	local tag=$1 n i files=()
	shift
	rm -f "$moor_tmp/cg.$tag"*
	valgrind "${cg_flags[@]}" --callgrind-out-file="$moor_tmp/cg.$tag" "$bench" \
		-h 127.0.0.1 -p "$MOOR_PORT" --sni localhost --cacert "$PKI/root.crt" "$@" \
		>"$moor_tmp/b.out" 2>"$moor_tmp/b.err" || { cat "$moor_tmp/b.out" "$moor_tmp/b.err"; exit 1; }
	n=$(grep -c '^conn=' "$moor_tmp/b.out")
	for i in $(seq 1 "$n"); do
		[ -f "$moor_tmp/cg.$tag.$i" ] || { echo "no callgrind dump $i" >&2; exit 1; }
		files+=("$moor_tmp/cg.$tag.$i")
	done
	split_lines=$("$MOOR_PY" tests/bench/cg_split.py "${files[@]}")
}

# field LINE KEY: the value of KEY=value in LINE.
field() {
	sed -n "s/.*\\b$2=\\([^ ]*\\).*/\\1/p" <<<"$1"
}

mcount() {
	awk -v n="$1" 'BEGIN { printf "%.2f M", n / 1e6 }'
}

pct() {
	awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f%%", 100 * a / b }'
}

rows=""
split_rows=""
# bench LABEL CERT KEY
bench_chain() {
	local label=$1 cert=$2 key=$3 full res t12 l line k s tot v c
	local stack_full stack_res post

	# TLS 1.3: full handshake, then resumed.
	moor_s_server "$moor_tmp/s.log" -tls1_3 -cert "$PKI/$cert" -key "$PKI/$key" \
		-cert_chain "$PKI/int.crt" -groups X25519 -ciphersuites TLS_AES_128_GCM_SHA256
	count_run t13 --tls 1.3 --resume 1
	grep -q '^conn=1 version=TLSv1.3 cipher=TLS_AES_128_GCM_SHA256 group=x25519 resumed=no' \
		"$moor_tmp/b.out" || { cat "$moor_tmp/b.out"; exit 1; }
	grep -q '^conn=2 version=TLSv1.3 cipher=TLS_AES_128_GCM_SHA256 group=x25519 resumed=yes' \
		"$moor_tmp/b.out" || { cat "$moor_tmp/b.out"; exit 1; }
	full=$(sed -n 1p <<<"$split_lines")
	res=$(sed -n 2p <<<"$split_lines")
	# The same, natively, on a painted stack.
	"$bench" -h 127.0.0.1 -p "$MOOR_PORT" --sni localhost --cacert "$PKI/root.crt" \
		--tls 1.3 --resume 1 --paint >"$moor_tmp/p.out" 2>&1 || { cat "$moor_tmp/p.out"; exit 1; }
	stack_full=$(field "$(grep '^conn=1 ' "$moor_tmp/p.out")" stack_hs)
	stack_res=$(field "$(grep '^conn=2 ' "$moor_tmp/p.out")" stack_hs)
	post=$(field "$(grep '^conn=1 ' "$moor_tmp/p.out")" stack_post)
	# Record the TLS 1.3-only client, replay it on Cortex-M4.
	if [ -n "$qemu_fw" ]; then
		timeout 120 "$recorder" -h 127.0.0.1 -p "$MOOR_PORT" --sni localhost \
			--cacert "$PKI/root.crt" --tls 1.3 --resume 1 --frag 1024 \
			--record "$moor_tmp/rec.bin" >"$moor_tmp/r.out" 2>&1 || { cat "$moor_tmp/r.out"; exit 1; }
		timeout 300 qemu-system-arm -M mps2-an386 -nographic -icount shift=0 \
			-semihosting-config "enable=on,target=native,arg=bench13,arg=$moor_tmp/rec.bin" \
			-kernel "$qemu_fw" </dev/null >"$moor_tmp/q.out" 2>&1 || { cat "$moor_tmp/q.out"; exit 1; }
		for k in 1 2; do
			line=$(grep "conn=$k " "$moor_tmp/q.out") || { cat "$moor_tmp/q.out"; exit 1; }
			[ "$k" = 1 ] && l="$label; full" || l="$label; resumed"
			grep -q "resumed=$([ "$k" = 1 ] && echo no || echo yes)" <<<"$line" ||
				{ cat "$moor_tmp/q.out"; exit 1; }
			s=$(field "$line" stack)
			m4_rows+="| $l | $(printf "%'d" "$(field "$line" insns)") | $s | $(pct "$s" 4096) |"$'\n'
			echo "$l: Cortex-M4 $(field "$line" insns) instructions, stack $s"
		done
	fi
	moor_stop "$MOOR_SERVER_PID"

	# TLS 1.2 on the same chain, for the ratio.
	moor_s_server "$moor_tmp/s.log" -tls1_2 -cert "$PKI/$cert" -key "$PKI/$key" \
		-cert_chain "$PKI/int.crt" -groups X25519
	count_run t12 --tls 1.2
	grep -q '^conn=1 version=TLSv1.2 .*group=x25519' "$moor_tmp/b.out" ||
		{ cat "$moor_tmp/b.out"; exit 1; }
	t12=$(field "$split_lines" total)
	moor_stop "$MOOR_SERVER_PID"

	for k in full resumed; do
		if [ "$k" = full ]; then line=$full; l="$label; full"; s=$stack_full
		else line=$res; l="$label; resumed"; s=$stack_res; fi
		tot=$(field "$line" total)
		rows+="| $l | $(printf "%'d" "$tot") | $(pct "$tot" "$t12") | $s |"$'\n'
		split_rows+="| $l"
		for c in x25519 p256 rsa sha aesgcm x509 tls13 other; do
			v=$(field "$line" "$c")
			split_rows+=" | $(mcount "$v") ($(pct "$v" "$tot"))"
		done
		split_rows+=" |"$'\n'
		echo "$l: $tot (TLS 1.2: $t12), peak stack $s"
	done
	rows+="| $label; TLS 1.2 (BearSSL), for comparison | $(printf "%'d" "$t12") | 100% | |"$'\n'
	post_rows+="| $label | $post |"$'\n'
}

post_rows=""
m4_rows=""
bench_chain "ECDSA P-256 leaf, P-256 intermediate, RSA-2048 root" server-ec.crt server-ec.key
bench_chain "RSA-2048 leaf, P-256 intermediate, RSA-2048 root" server-rsa.crt server-rsa.key

{
	echo "## TLS 1.3 handshake, client side, x86-64 host"
	echo
	echo "Instructions counted by callgrind inside \`moor_tls_handshake()\`, one figure per"
	echo "connection, against \`openssl s_server -tls1_3 -groups X25519 -ciphersuites"
	echo "TLS_AES_128_GCM_SHA256\` on 127.0.0.1, with full verification (chain, dates,"
	echo "host name). Each chain is measured with a full handshake, then a resumed one"
	echo "(psk_dhe_ke with the ticket of the first: a fresh X25519 exchange, no"
	echo "certificates, no signature), then over TLS 1.2 on the same chain for the"
	echo "ratio. Built by \`tests/bench/tls13_handshake.sh\`: Release (moor -O3, BearSSL"
	echo "-O2) with debug information, BearSSL's portable C except AES-NI and PCLMUL"
	echo "for AES-GCM (as in the TLS 1.2 figures). Not counted: process start-up and"
	echo "TCP connect. OpenSSL sends its NewSessionTickets right behind its Finished:"
	echo "those that arrive with its flight are processed, and counted, inside the"
	echo "handshake, which makes the figures vary by about 1% from run to run."
	echo
	echo "Peak stack: the same binary run natively with the handshake on a stack of its"
	echo "own, painted beforehand (\`moor_bench_tls13 --paint\`): every byte the handshake"
	echo "and all it calls (the C library, the POSIX port) wrote, on x86-64 at -O3/-O2."
	echo "It is not the Cortex-M figure: see the Cortex-M4 table below (measured) and"
	echo "docs/footprint.md (static worst case)."
	echo
	echo "| chain; handshake | instructions | vs TLS 1.2 | peak stack (x86-64), bytes |"
	echo "|---|---:|---:|---:|"
	printf "%s" "$rows"
	echo
	echo "By primitive (instructions, and share of the handshake): each function is"
	echo "charged to what its source file implements, and BearSSL's big-integer code,"
	echo "constant-time copies and the C library's memory functions to their caller"
	echo "(\`tests/bench/cg_split.py\`). x25519: key generation and shared secret; p256:"
	echo "ECDSA P-256 verification (chain and CertificateVerify); rsa: RSA-2048 public"
	echo "operations (PKCS#1 in the chain, PSS in CertificateVerify); sha: SHA-256/384,"
	echo "HMAC, HKDF, HMAC_DRBG; aes-gcm: record protection; x509: certificate parsing"
	echo "and validation logic; tls13: moor's engine, message codec, key schedule logic"
	echo "and session driver, on their own."
	echo
	echo "| chain; handshake | x25519 | p256 | rsa | sha | aes-gcm | x509 | tls13 | other |"
	echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|"
	printf "%s" "$split_rows"
	echo
	echo "Goal: the TLS 1.3 engine as lean as BearSSL's TLS 1.2 engine, whose own work"
	echo "(above the cryptography it calls) measured 0.6-3.6% of a TLS 1.2 handshake"
	echo "on Cortex-M4 under QEMU: compare the tls13 column."
	echo
	echo "Peak stack of the wait for a NewSessionTicket after the handshake, same method"
	echo "(small when the tickets came with the server's flight and were processed inside"
	echo "the handshake):"
	echo
	echo "| chain | bytes |"
	echo "|---|---:|"
	printf "%s" "$post_rows"
	echo
	echo "## TLS 1.3 handshake, client side, Cortex-M4 (QEMU)"
	echo
	if [ -z "$m4_rows" ]; then
		echo "Not measured: qemu-system-arm or arm-none-eabi-gcc is missing."
	else
		echo "The TLS 1.3-only client of docs/footprint.md (moor without TLS 1.2,"
		echo "AES-128-GCM, X25519 + P-256 via \`moor_ec_small\`, BearSSL's m31/i31 code,"
		echo "\`-Os\`, records of 1 KiB) running \`boards/size/bench13_qemu.c\` on QEMU's"
		echo "mps2-an386 with \`-icount shift=0\`. It replays the handshakes that its host"
		echo "twin (\`moor_bench_tls13only --record\`, the same configuration on a frozen"
		echo "clock and entropy: \`boards/size/replay.h\`) had with the same \`s_server\`:"
		echo "the firmware computes everything itself (key shares, chain validation,"
		echo "CertificateVerify, key schedule, records) and checks that every byte it"
		echo "sends equals the recording. Instructions inside \`moor_tls_handshake()\`"
		echo "from SysTick (one tick is 40 instructions); stack: the bytes below the"
		echo "caller's frame written during the call, the region painted beforehand. A"
		echo "QEMU instruction is not a cycle: a real M4 spends more on loads, branches"
		echo "and multiplies, so compare ratios. Deterministic: the same recording gives"
		echo "the same figures."
		echo
		echo "| chain; handshake | instructions | peak stack, bytes | of the 4 KiB goal |"
		echo "|---|---:|---:|---:|"
		printf "%s" "$m4_rows"
	fi
} | "$MOOR_PY" tests/bench/doc_section.py "$out" tls13
