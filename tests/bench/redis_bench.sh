#!/usr/bin/env bash
# Redis throughput over TLS 1.3, moor against redis-benchmark, and the RAM
# one connection takes. Run by hand (not a ctest test); about a minute.
#
#   tests/bench/redis_bench.sh      (builds build/bench: Release)
#
# One redis-server on 127.0.0.1, TLS only, TLS 1.3 forced
# (--tls-protocols TLSv1.3) with one suite for every client
# (TLS_AES_128_GCM_SHA256; OpenSSL clients would otherwise get AES-256),
# no client certificate, no persistence. On it, in the same run:
#
#   redis-benchmark --tls --cacert root.crt --sni localhost -c 1 -P P \
#                   -t set,get -n N -d 3 --csv
#   moor_bench_redis -n N -P P -d 3 [--frag 1024]      (tests/bench/redis_bench.c)
#
# for P = 16 and P = 1, each 3 times, interleaved; the median of the 3
# ops/s of each is taken and moor's divided by redis-benchmark's. The
# driver does what redis-benchmark does: one connection, RESP2, the key
# "key:__rand_int__", redis-benchmark's 3-byte value, batches of P
# commands written together whose P replies are all read before the next
# batch, SET first, then GET; each reply checked. moor runs twice: with
# 16 KiB TLS records (as OpenSSL) and with MOOR_TLS_BUFSIZE(1024) (records
# of 1 KiB through max_fragment_length: the RAM figure's configuration).
#
# RAM per connection: sizeof(moor_tls) + MOOR_TLS_BUFSIZE(1024) +
# sizeof(moor_redis) + the driver's receive and transmit buffers (1 KiB
# each), read with `nm -S` from redis_bench.c compiled with
# -DMOOR_BENCH_SIZES_ONLY for this host and, if arm-none-eabi-gcc is
# installed, for Cortex-M4; in the default configuration and in the
# TLS 1.3-only one of the size report (toolchain/cmake/variant.cmake).
#
# Writes its section of docs/benchmarks.md (tests/bench/doc_section.py).
. "$(dirname "$0")/../interop/lib.sh"
cd "$MOOR_SRC"
B=${MOOR_BENCH_BUILD:-$MOOR_SRC/build/bench}
REPS=3
N16=300000     # requests per test at P=16
N1=30000       # requests per test at P=1

for p in redis-server redis-benchmark; do
	command -v "$p" >/dev/null ||
		moor_fail "$p not found (tests/install-deps.sh demo installs redis-server redis-tools)"
done

# The same configure line as tls13_handshake.sh, so both share build/bench.
cmake -S . -B "$B" -DCMAKE_BUILD_TYPE=Release -DMOOR_BUILD_TESTS=OFF \
	"-DCMAKE_C_FLAGS=-g -gdwarf-4" >"$moor_tmp/cmake.log" 2>&1 || { cat "$moor_tmp/cmake.log"; exit 1; }
cmake --build "$B" --target moor_bench_redis -j"$(nproc)" \
	>"$moor_tmp/build.log" 2>&1 || { tail -n 40 "$moor_tmp/build.log"; exit 1; }
bench=$B/tests/bin/moor_bench_redis
moor_pki "$MOOR_SRC/build/bench-pki"
PKI=$(cd "$PKI" && pwd)
out=docs/benchmarks.md

moor_server "$moor_tmp/redis.log" redis-server --port 0 --tls-port @PORT@ --bind 127.0.0.1 \
	--tls-cert-file "$PKI/server-ec-chain.crt" --tls-key-file "$PKI/server-ec.key" \
	--tls-ca-cert-file "$PKI/root.crt" --tls-auth-clients no \
	--tls-protocols TLSv1.3 --tls-ciphersuites TLS_AES_128_GCM_SHA256 \
	--save '' --appendonly no --dir "$moor_tmp"
redis_pid=$MOOR_SERVER_PID
echo "redis-server on 127.0.0.1:$MOOR_PORT (pid $redis_pid)"

# The server must really speak TLS 1.3 with that suite.
proto=$(openssl s_client -connect "127.0.0.1:$MOOR_PORT" -servername localhost \
	-CAfile "$PKI/root.crt" -verify_return_error </dev/null 2>/dev/null |
	sed -n 's/^New, \(TLSv[0-9.]*\), Cipher is \(.*\)$/\1 \2/p')
[ "$proto" = "TLSv1.3 TLS_AES_128_GCM_SHA256" ] || moor_fail "server negotiates '$proto'"

# results[KEY]: space-separated ops/s of the runs; KEY = side:P:TEST
declare -A results

run_rb() {
	local P=$1 n=$2 t v
	redis-benchmark -h 127.0.0.1 -p "$MOOR_PORT" --tls --cacert "$PKI/root.crt" \
		--sni localhost -c 1 -P "$P" -t set,get -n "$n" -d 3 --csv \
		>"$moor_tmp/rb.out" 2>"$moor_tmp/rb.err" ||
		{ cat "$moor_tmp/rb.out" "$moor_tmp/rb.err"; moor_fail "redis-benchmark"; }
	for t in SET GET; do
		v=$(awk -F'"' -v t="$t" '$2 == t { print $4 }' "$moor_tmp/rb.out")
		[ -n "$v" ] || { cat "$moor_tmp/rb.out"; moor_fail "no $t in redis-benchmark's output"; }
		results[rb:$P:$t]+="$v "
		echo "  redis-benchmark P=$P $t: $v ops/s"
	done
}

run_moor() {
	local side=$1 P=$2 n=$3 t v
	shift 3
	"$bench" -h 127.0.0.1 -p "$MOOR_PORT" --sni localhost --cacert "$PKI/root.crt" \
		-n "$n" -P "$P" -d 3 "$@" >"$moor_tmp/mb.out" 2>"$moor_tmp/mb.err" ||
		{ cat "$moor_tmp/mb.out" "$moor_tmp/mb.err"; moor_fail "moor_bench_redis"; }
	for t in SET GET; do
		v=$(sed -n "s/^test=$t .* ops=\\([0-9.]*\\)\$/\\1/p" "$moor_tmp/mb.out")
		[ -n "$v" ] || { cat "$moor_tmp/mb.out"; moor_fail "no $t in moor_bench_redis's output"; }
		results[$side:$P:$t]+="$v "
		echo "  $side P=$P $t: $v ops/s"
	done
}

median() {
	tr ' ' '\n' <<<"$1" | sed '/^$/d' | sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
}

start=$(date +%s)
load_start=$(cut -d' ' -f1 /proc/loadavg)
for rep in $(seq 1 "$REPS"); do
	echo "run $rep of $REPS"
	for P in 16 1; do
		n=$N16
		[ "$P" = 1 ] && n=$N1
		# every other run in the opposite order: drift hits both sides
		if [ $((rep % 2)) = 1 ]; then
			run_rb "$P" "$n"
			run_moor moor "$P" "$n"
			run_moor moor1k "$P" "$n" --frag 1024
		else
			run_moor moor1k "$P" "$n" --frag 1024
			run_moor moor "$P" "$n"
			run_rb "$P" "$n"
		fi
	done
done
moor_stop "$redis_pid"
load_end=$(cut -d' ' -f1 /proc/loadavg)
echo "benchmark runs took $(( $(date +%s) - start )) s"

# cell KEY: "median (min–max)" of a result, in ops/s (k = thousands).
cell() {
	local runs=${results[$1]}
	awk -v m="$(median "$runs")" -v r="$runs" 'BEGIN {
		n = split(r, v, " "); lo = v[1]; hi = v[1]
		for (i = 2; i <= n; i++) { if (v[i] < lo) lo = v[i]; if (v[i] > hi) hi = v[i] }
		f = hi < 100000 ? "%.1fk" : "%.0fk"
		printf "%\047d (" f "–" f ")", m + 0.5, lo / 1000, hi / 1000 }'
}
ratio() {
	awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'
}

rows=""
for P in 16 1; do
	n=$N16
	[ "$P" = 1 ] && n=$N1
	for t in SET GET; do
		rb=$(median "${results[rb:$P:$t]}")
		m=$(median "${results[moor:$P:$t]}")
		m1=$(median "${results[moor1k:$P:$t]}")
		rows+="| $t | $P | $(printf "%'d" "$n") | $(cell "rb:$P:$t") | $(cell "moor:$P:$t") | **$(ratio "$m" "$rb")** | $(cell "moor1k:$P:$t") | $(ratio "$m1" "$rb") |"$'\n'
		echo "$t P=$P: redis-benchmark $rb, moor $m (x$(ratio "$m" "$rb")), moor 1 KiB records $m1 (x$(ratio "$m1" "$rb"))"
		echo "  runs: rb [${results[rb:$P:$t]}] moor [${results[moor:$P:$t]}] moor1k [${results[moor1k:$P:$t]}]"
	done
done

# RAM per connection: sizes read from objects compiled for each target.
inc=$(sed -n 's/^C_INCLUDES = //p' "$B/tests/bench/CMakeFiles/moor_bench_redis.dir/flags.make" 2>/dev/null || true)
[ -n "$inc" ] || inc="-I$MOOR_SRC/core/include -isystem $(dirname "$(find "$MOOR_SRC/build/deps" -path '*/inc/bearssl.h' | head -n 1)")"
# The TLS 1.3-only configuration (MOOR_TLS13ONLY_DEFINES in toolchain/cmake/variant.cmake).
only13=(-DMOOR_CONFIG_TLS12=0 -DMOOR_CONFIG_TLS_CHACHA20=0 -DMOOR_CONFIG_TLS_AES256=0
	-DMOOR_CONFIG_SHA384=0 -DMOOR_CONFIG_TLS_X509_INLINE=0
	"-DMOOR_CONFIG_EC_IMPL=(&moor_ec_small)")
arm=(arm-none-eabi-gcc -mcpu=cortex-m4 -mthumb -mfpu=fpv4-sp-d16 -mfloat-abi=hard --specs=nano.specs -Os)

# sizes TAG NM CC... -- DEFINES...: sets sz_TAG_{tls,tls_buf,redis,redis_rx,redis_tx,total}
sizes() {
	local tag=$1 nm=$2 cc=() name size total=0
	shift 2
	while [ "$1" != -- ]; do cc+=("$1"); shift; done
	shift
	# shellcheck disable=SC2086 # $inc holds several flags
	"${cc[@]}" -std=c99 -c -DMOOR_BENCH_SIZES_ONLY "$@" $inc tests/bench/redis_bench.c \
		-o "$moor_tmp/sz.$tag.o" || moor_fail "sizes: compile for $tag"
	while read -r size name; do
		name=${name#moor_rsz_}
		size=$((16#$size))
		eval "sz_${tag}_$name=$size"
		total=$((total + size))
	done < <("$nm" -S "$moor_tmp/sz.$tag.o" | awk '$4 ~ /^moor_rsz_/ { print $2, $4 }')
	eval "sz_${tag}_total=$total"
	size=$("$nm" -S "$moor_tmp/sz.$tag.o" | awk '$4 == "moor_rsx_scratch" { print $2 }')
	eval "sz_${tag}_scratch=${size:+$((16#$size))}"
}
sizes host nm "${CC:-cc}" -- 
sizes host13 nm "${CC:-cc}" -- "${only13[@]}"
have_arm=0
if command -v arm-none-eabi-gcc >/dev/null; then
	have_arm=1
	sizes arm arm-none-eabi-nm "${arm[@]}" --
	sizes arm13 arm-none-eabi-nm "${arm[@]}" -- "${only13[@]}"
fi
ram_row() {
	local label=$1 part=$2 v row="| $1"
	for tag in host host13 arm arm13; do
		if [ "$have_arm" = 0 ] && [[ $tag == arm* ]]; then
			continue
		fi
		v=$(eval "echo \${sz_${tag}_$part}")
		if [ -z "$v" ]; then
			row+=" | (in \`moor_tls\`)"
			continue
		fi
		if [ "$part" = total ]; then row+=" | **$(printf "%'d" "$v")**"; else row+=" | $(printf "%'d" "$v")"; fi
	done
	echo "$row |"
}
echo "RAM per connection: host $sz_host_total (TLS 1.3 only: $sz_host13_total)" \
	"$([ "$have_arm" = 1 ] && echo "Cortex-M4 $sz_arm_total (TLS 1.3 only: $sz_arm13_total)")"

cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)
rver=$(redis-server --version | sed -n 's/.* v=\([^ ]*\).*/\1/p')
over=$(openssl version | awk '{ print $2 }')
{
	echo "## Redis over TLS 1.3: pipelined SET / GET against redis-benchmark"
	echo
	echo "Generated by \`tests/bench/redis_bench.sh\` on $(date -u +%Y-%m-%d): ${cpu:-unknown CPU},"
	echo "$(nproc) cores; redis-server $rver and redis-benchmark (Debian), OpenSSL $over. One"
	echo "redis-server on 127.0.0.1 with TLS 1.3 forced (\`--tls-protocols TLSv1.3\`) and one"
	echo "suite for every client (\`--tls-ciphersuites TLS_AES_128_GCM_SHA256\`), no client"
	echo "certificate, no persistence. Both clients use one connection, RESP2, the key"
	echo "\`key:__rand_int__\` and redis-benchmark's 3-byte value, and send batches of P"
	echo "commands whose P replies are all read before the next batch: SET first, then"
	echo "GET. redis-benchmark: \`redis-benchmark --tls --cacert root.crt --sni localhost"
	echo "-c 1 -P P -t set,get -n N -d 3\`. moor: \`moor_bench_redis\`"
	echo "(\`tests/bench/redis_bench.c\`: moor_posix_tcp + moor_tls with full verification"
	echo "+ moor_redis, Release build: moor -O3, BearSSL -O2, BearSSL's AES-NI and PCLMUL"
	echo "code for AES-GCM), which checks every reply. Each side ran $REPS times, interleaved"
	echo "in the same run; the figures are the medians of ops/s, the ratio is moor ÷"
	echo "redis-benchmark. Timed: from the first command of a test to its last reply;"
	echo "moor connects and completes its handshake before its clock starts, and"
	echo "redis-benchmark opens a new connection per test before its clock starts (a"
	echo "TLS handshake left inside it would be a few milliseconds of runs that last"
	echo "most of a second or more). With 1 KiB records moor asks the server for"
	echo "max_fragment_length 1024 (\`MOOR_TLS_BUFSIZE(1024)\`, the configuration of the"
	echo "RAM figures below)."
	echo "In parentheses: the slowest and the fastest of the $REPS runs. The 1-minute"
	echo "load average was $load_start before the runs and $load_end after them, on $(nproc)"
	echo "cores: where the ranges are wide, other work on the machine was taking turns"
	echo "with the benchmark, and the ratio is only as good as they are."
	echo
	echo "| test | P | requests | redis-benchmark, ops/s | moor, ops/s | ratio | moor, 1 KiB records, ops/s | ratio |"
	echo "|---|---:|---:|---:|---:|---:|---:|---:|"
	printf "%s" "$rows"
	echo
	echo "RAM one connection needs, in bytes: \`sizeof\` as each target lays the structs"
	echo "out (\`redis_bench.c\` compiled with \`-DMOOR_BENCH_SIZES_ONLY\`, read with"
	echo "\`nm -S\`), with records of 1 KiB and the 1 KiB Redis buffers the benchmark"
	echo "used (1 KiB of transmit buffer holds a batch of 16 SETs; the smallest the client"
	echo "accepts are 256 and 64 bytes). \"TLS 1.3 only\" is the configuration of the"
	echo "size report (\`MOOR_CONFIG_TLS12=0\`, AES-128-GCM, X25519 and P-256 only:"
	echo "no BearSSL TLS 1.2 engine in the session's union; \`MOOR_CONFIG_TLS_X509_INLINE=0\`:"
	echo "the certificate validator is not in the session but in handshake scratch memory"
	echo "the caller lends, \`moor_tls_config.scratch\`). Not counted: the transport"
	echo "below TLS (16 bytes for the POSIX socket; an lwIP pcb on a device), the"
	echo "configs (which can be const), the trust anchors (flash), and the stack."
	echo
	if [ "$have_arm" = 1 ]; then
		echo "| part | x86-64 | x86-64, TLS 1.3 only | Cortex-M4 | Cortex-M4, TLS 1.3 only |"
		echo "|---|---:|---:|---:|---:|"
	else
		echo "| part | x86-64 | x86-64, TLS 1.3 only |"
		echo "|---|---:|---:|"
	fi
	ram_row "\`moor_tls\` (the TLS session)" tls
	ram_row "TLS I/O buffer, \`MOOR_TLS_BUFSIZE(1024)\`" tls_buf
	ram_row "\`moor_redis\` (the client)" redis
	ram_row "Redis receive buffer" redis_rx
	ram_row "Redis transmit buffer" redis_tx
	ram_row "**total**" total
	ram_row "handshake scratch (\`MOOR_TLS_SCRATCH_SIZE\`, not in the total: lent during the handshake only, shareable between connections)" scratch
	if [ "$have_arm" = 0 ]; then
		echo
		echo "Cortex-M4: not measured, arm-none-eabi-gcc is missing."
	fi
} | "$MOOR_PY" tests/bench/doc_section.py "$out" redis
