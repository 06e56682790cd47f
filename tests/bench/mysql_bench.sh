#!/usr/bin/env bash
# The MySQL client over TLS, moor against libmariadb (MariaDB Connector/C),
# and the RAM one connection takes. Run by hand (not a ctest test; about
# two minutes):
#
#   tests/bench/mysql_bench.sh          (builds build/bench: Release)
#   tests/bench/mysql_bench.sh --smoke  (ctest bench.mysql_smoke: the
#                                        binaries of $MOOR_BUILD, a few
#                                        hundred iterations, no document)
#
# One MariaDB (mariadbd from Debian) on 127.0.0.1 with TLS 1.2 and 1.3,
# the test PKI's P-256 server chain, and a user `bench` with
# mysql_native_password, REQUIRE SSL. On it, in the same run, each client
# forced to TLS 1.3, then to TLS 1.2, with full verification of the
# server (chain, dates, host name):
#
#   moor_bench_mysql            (tests/bench/mysql_bench.c)
#   moor_bench_mysql_libmariadb (tests/bench/mysql_bench_libmariadb.c)
#
#   1. round trips on one connection: N x `SELECT 1` (COM_QUERY, the
#      whole reply read; libmariadb: mysql_query + mysql_store_result +
#      mysql_fetch_row + mysql_free_result), then N x a prepared
#      `SELECT ?` with a BIGINT (COM_STMT_EXECUTE and its binary row);
#   2. connect to first row: K times TCP connect + TLS handshake + login
#      + `SELECT 1` up to its first row, the median of the K;
# each side REPS times, interleaved (the order flips every repetition);
# the figures are the medians over the repetitions.
#
#   3. round trips of a connection up to the first row, counted through
#      tests/bench/mysql_bench_relay.py (see there): each client with
#      --once through the relay;
#   4. RAM per connection, from sizeof (moor_bench_mysql --sizes; and
#      mysql_bench.c compiled with -DMOOR_BENCH_SIZES_ONLY for the TLS
#      1.3-only configuration and, if arm-none-eabi-gcc is installed, for
#      Cortex-M4, read with nm -S);
#   5. heap: moor_bench_mysql (and libmariadb's, for comparison) under
#      valgrind, its "total heap usage" line.
#
# Writes its section of docs/benchmarks.md (tests/bench/doc_section.py).
# No timing is checked: --smoke fails only if a client fails, prints no
# number, or if moor's client allocates.
. "$(dirname "$0")/../interop/lib.sh"
cd "$MOOR_SRC"

smoke=0
[ "${1:-}" = --smoke ] && smoke=1

if [ "$smoke" = 1 ]; then
	REPS=1; N=200; K=5; VERSIONS="1.3"
	B=$MOOR_BUILD
	PKIDIR=$MOOR_BUILD/tests/interop/pki
else
	REPS=7; N=10000; K=50; VERSIONS="1.3 1.2"
	B=${MOOR_BENCH_BUILD:-$MOOR_SRC/build/bench}
	PKIDIR=$MOOR_SRC/build/bench-pki
fi
DELAY_MS=50   # the relay's one-way delay, server to client
# One suite per version for both clients (OpenSSL's client would take AES-256).
SUITE13=TLS_AES_128_GCM_SHA256
SUITE12=ECDHE-ECDSA-AES128-GCM-SHA256

command -v mariadbd >/dev/null || { echo "SKIP: mariadbd not installed"; exit 77; }

if [ "$smoke" = 0 ]; then
	# The same configure line as redis_bench.sh, so both share build/bench.
	cmake -S . -B "$B" -DCMAKE_BUILD_TYPE=Release -DMOOR_BUILD_TESTS=OFF \
		"-DCMAKE_C_FLAGS=-g -gdwarf-4" >"$moor_tmp/cmake.log" 2>&1 ||
		{ cat "$moor_tmp/cmake.log"; exit 1; }
	cmake --build "$B" --target moor_bench_mysql -j"$(nproc)" \
		>"$moor_tmp/build.log" 2>&1 || { tail -n 40 "$moor_tmp/build.log"; exit 1; }
	cmake --build "$B" --target moor_bench_mysql_libmariadb -j"$(nproc)" \
		>"$moor_tmp/build.log" 2>&1 ||
		{ tail -n 20 "$moor_tmp/build.log";
		  moor_fail "no moor_bench_mysql_libmariadb: install libmariadb-dev (tests/install-deps.sh)"; }
fi
MB=$B/tests/bin/moor_bench_mysql
LB=$B/tests/bin/moor_bench_mysql_libmariadb
[ -x "$MB" ] || moor_fail "$MB not built"
if [ ! -x "$LB" ]; then
	echo "SKIP: $LB not built (libmariadb-dev missing)"
	exit 77
fi
moor_pki "$PKIDIR"
PKI=$(cd "$PKI" && pwd)
out=docs/benchmarks.md

load_start=$(cut -d' ' -f1 /proc/loadavg)
moor_mariadb "$moor_tmp/mdb" --skip-log-bin --skip-name-resolve \
	--ssl-cert="$PKI/server-ec-chain.crt" --ssl-key="$PKI/server-ec.key" \
	--ssl-ca="$PKI/root.crt" --tls-version=TLSv1.2,TLSv1.3 \
	--ssl-cipher="$SUITE13:$SUITE12"
PORT=$MOOR_PORT
mariadb --no-defaults -S "$MOOR_MARIADB_SOCK" -uroot <<-'EOF'
	CREATE USER 'bench'@'%' IDENTIFIED VIA mysql_native_password
	  USING PASSWORD('benchpw') REQUIRE SSL;
EOF
mver=$(mariadb --no-defaults -S "$MOOR_MARIADB_SOCK" -uroot -N -e 'SELECT VERSION()')
echo "mariadbd $mver on 127.0.0.1:$PORT"

# The server must really speak both versions.
for v in 1.3 1.2; do
	got=$(openssl s_client -starttls mysql -connect "127.0.0.1:$PORT" -servername localhost \
		-CAfile "$PKI/root.crt" -verify_return_error "-tls${v/./_}" </dev/null 2>/dev/null |
		sed -n 's/^New, \(TLSv[0-9.]*\), Cipher is \(.*\)$/\1/p')
	[ "$got" = "TLSv$v" ] || moor_fail "server negotiates '$got' when TLS $v is asked for"
done

common=(-h 127.0.0.1 -p "$PORT" --sni localhost --cacert "$PKI/root.crt" -u bench --password benchpw)

# results[KEY]: space-separated figures of the runs; KEY = side:tls:test
declare -A results
declare -A tlsline

# run SIDE TLS ARGS...: one client run, its figures into results[].
run() {
	local side=$1 v=$2 bin t val l
	shift 2
	bin=$MB
	[ "$side" = lib ] && bin=$LB
	"$bin" "${common[@]}" --tls "$v" "$@" >"$moor_tmp/run.out" 2>"$moor_tmp/run.err" ||
		{ cat "$moor_tmp/run.out" "$moor_tmp/run.err"; moor_fail "$side (TLS $v) $*"; }
	l=$(sed -n 's/^tls //p' "$moor_tmp/run.out")
	[ -n "$l" ] && tlsline[$side:$v]=$l
	for t in query stmt; do
		val=$(sed -n "s/^test=$t .* ops=\\([0-9.]*\\)\$/\\1/p" "$moor_tmp/run.out")
		if [ -n "$val" ]; then
			results[$side:$v:$t]+="$val "
			results[$side:$v:${t}_cpu]+="$(sed -n "s/^test=$t .* cpu_us=\([0-9.]*\) .*\$/\1/p" "$moor_tmp/run.out") "
			echo "  $side TLS $v $t: $val round trips/s"
		fi
	done
	val=$(sed -n 's/^test=connect .* median_ms=\([0-9.]*\) .*$/\1/p' "$moor_tmp/run.out")
	if [ -n "$val" ]; then
		results[$side:$v:connect]+="$val "
		results[$side:$v:connect_cpu]+="$(sed -n 's/^test=connect .* cpu_ms=\([0-9.]*\)$/\1/p' "$moor_tmp/run.out") "
		echo "  $side TLS $v connect to first row: median $val ms"
	fi
}

median() {
	tr ' ' '\n' <<<"$1" | sed '/^$/d' | sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
}

start=$(date +%s)
for rep in $(seq 1 "$REPS"); do
	echo "run $rep of $REPS"
	for v in $VERSIONS; do
		if [ $((rep % 2)) = 1 ]; then order="moor lib"; else order="lib moor"; fi
		for side in $order; do
			run "$side" "$v" --query "$N" --stmt "$N"
			run "$side" "$v" --connect "$K"
		done
	done
done
echo "benchmark runs took $(( $(date +%s) - start )) s"

# Both clients on the one suite of each version.
for v in $VERSIONS; do
	want=0x1301 wantl=$SUITE13
	[ "$v" = 1.2 ] && want=0xc02b wantl=$SUITE12
	[[ ${tlsline[moor:$v]:-} == *"suite=$want "* ]] || moor_fail "moor TLS $v: no session line, or another suite: ${tlsline[moor:$v]:-}"
	[[ ${tlsline[lib:$v]:-} == *"cipher=$wantl "* ]] || moor_fail "libmariadb TLS $v: no session line, or another suite: ${tlsline[lib:$v]:-}"
done

# Every figure must be there.
for v in $VERSIONS; do
	for side in moor lib; do
		for t in query stmt connect query_cpu stmt_cpu connect_cpu; do
			n=$(wc -w <<<"${results[$side:$v:$t]:-}")
			[ "$n" = "$REPS" ] || moor_fail "$side TLS $v $t: $n figures, wanted $REPS"
		done
	done
done

# Round trips up to the first row, through the counting relay.
moor_server "$moor_tmp/relay.out" "$MOOR_PY" "$MOOR_SRC/tests/bench/mysql_bench_relay.py" \
	@PORT@ "$PORT" "$DELAY_MS" "$moor_tmp/relay.log"
RELAY=$MOOR_PORT
declare -A rtt flights
for v in $VERSIONS; do
	for side in moor lib; do
		bin=$MB
		[ "$side" = lib ] && bin=$LB
		before=$(wc -l <"$moor_tmp/relay.log" 2>/dev/null || echo 0)
		"$bin" -h 127.0.0.1 -p "$RELAY" --sni localhost --cacert "$PKI/root.crt" \
			-u bench --password benchpw --tls "$v" --once \
			>"$moor_tmp/once.out" 2>"$moor_tmp/once.err" ||
			{ cat "$moor_tmp/once.out" "$moor_tmp/once.err"; moor_fail "$side --once (TLS $v)"; }
		grep -q '^test=once ok$' "$moor_tmp/once.out" || moor_fail "$side --once: no result"
		line=
		for _ in $(seq 1 100); do
			line=$(sed -n "$((before + 1))p" "$moor_tmp/relay.log" 2>/dev/null || true)
			[ -n "$line" ] && break
			sleep 0.05
		done
		[[ $line == conn\ rtt=* ]] || moor_fail "relay: no count for $side TLS $v ($line)"
		rtt[$side:$v]=$(sed -n 's/^conn rtt=\([0-9]*\) .*/\1/p' <<<"$line")
		flights[$side:$v]=$(sed -n 's/^conn .* flights=//p' <<<"$line")
		echo "  $side TLS $v: ${rtt[$side:$v]} round trips to the first row (${flights[$side:$v]})"
	done
done

# Heap: allocations of the whole process under valgrind.
# heap BIN ERREXIT ARGS...: ERREXIT 1 makes memcheck errors fail the run.
heap() {
	local bin=$1 ee=0 v
	[ "$2" = 1 ] && ee=99
	shift 2
	if ! command -v valgrind >/dev/null; then
		echo "n/a (no valgrind)"
		return
	fi
	if nm "$bin" 2>/dev/null | grep -q __asan_init; then
		echo "n/a (a sanitizer build)"
		return
	fi
	valgrind --log-file="$moor_tmp/vg.log" --error-exitcode="$ee" "$bin" "${common[@]}" "$@" >"$moor_tmp/vg.out" 2>&1 ||
		{ cat "$moor_tmp/vg.out" "$moor_tmp/vg.log" >&2; moor_fail "$bin under valgrind"; }
	v=$(sed -n 's/.*total heap usage: \([0-9,]*\) allocs, \([0-9,]*\) frees, \([0-9,]*\) bytes allocated.*/\1 allocs, \3 bytes/p' "$moor_tmp/vg.log")
	[ -n "$v" ] || { cat "$moor_tmp/vg.log" >&2; moor_fail "no heap summary from valgrind"; }
	echo "$v"
}
HN=200
HK=3
heap_moor=$(heap "$MB" 1 --tls 1.3 --query "$HN" --stmt "$HN" --connect "$HK")
heap_lib=$(heap "$LB" 0 --tls 1.3 --query "$HN" --stmt "$HN" --connect "$HK")
echo "heap: moor $heap_moor; libmariadb $heap_lib"
if [[ $heap_moor != n/a* ]] && [ "${heap_moor%% *}" != 0 ]; then
	moor_fail "moor_bench_mysql allocated: $heap_moor"
fi
load_end=$(cut -d' ' -f1 /proc/loadavg)

# Sizes of this host from the binary itself.
"$MB" --sizes >"$moor_tmp/sizes.out"
total=$(sed -n 's/^total=//p' "$moor_tmp/sizes.out")
[ -n "$total" ] && [ "$total" -gt 0 ] || moor_fail "moor_bench_mysql --sizes"
echo "RAM per connection (this host): $total bytes"

if [ "$smoke" = 1 ]; then
	echo "PASS bench.mysql_smoke (figures are not checked)"
	exit 0
fi

# RAM per connection: sizes read from objects compiled for each target.
inc=$(sed -n 's/^C_INCLUDES = //p' "$B/tests/bench/CMakeFiles/moor_bench_mysql.dir/flags.make" 2>/dev/null || true)
[ -n "$inc" ] || moor_fail "no include flags for moor_bench_mysql in $B"
# The host library's own defines (MOOR_CONFIG_MYSQL_ERRMSG_MAX=512 on a
# host), for the host's figures only: the Cortex-M4 ones use the defaults.
hdefs=$(sed -n 's/^C_DEFINES = //p' "$B/tests/bench/CMakeFiles/moor_bench_mysql.dir/flags.make" 2>/dev/null || true)
# The TLS 1.3-only configuration: MOOR_TLS13ONLY_DEFINES, read from
# toolchain/cmake/variant.cmake (one define a line).
mapfile -t only13 < <(sed -n '/^set(MOOR_TLS13ONLY_DEFINES/,/)$/p' toolchain/cmake/variant.cmake |
	sed '1d; s/)$//; s/"//g; s/^[[:space:]]*//; s/[[:space:]]*$//; /^$/d; /^#/d; s/^/-D/')
[ "${#only13[@]}" -ge 3 ] || moor_fail "no MOOR_TLS13ONLY_DEFINES in toolchain/cmake/variant.cmake"
arm=(arm-none-eabi-gcc -mcpu=cortex-m4 -mthumb -mfpu=fpv4-sp-d16 -mfloat-abi=hard --specs=nano.specs -Os)

# sizes TAG NM CC... -- DEFINES...: sets sz_TAG_NAME for every moor_msz_ and
# moor_mpart_ object, and sz_TAG_total (the sum of the moor_msz_ ones).
sizes() {
	local tag=$1 nm=$2 cc=() name size total=0
	shift 2
	while [ "$1" != -- ]; do cc+=("$1"); shift; done
	shift
	# shellcheck disable=SC2086 # $inc holds several flags
	"${cc[@]}" -std=c99 -c -DMOOR_BENCH_SIZES_ONLY "$@" $inc tests/bench/mysql_bench.c \
		-o "$moor_tmp/sz.$tag.o" || moor_fail "sizes: compile for $tag"
	while read -r size name; do
		size=$((16#$size))
		case $name in
		moor_msz_*) name=${name#moor_msz_}; total=$((total + size)) ;;
		moor_mpart_*) name=part_${name#moor_mpart_} ;;
		esac
		eval "sz_${tag}_$name=$size"
	done < <("$nm" -S "$moor_tmp/sz.$tag.o" | awk '$4 ~ /^moor_(msz|mpart)_/ { print $2, $4 }')
	eval "sz_${tag}_total=$total"
}
# shellcheck disable=SC2086 # $hdefs holds several flags
sizes host nm "${CC:-cc}" -- $hdefs
# shellcheck disable=SC2086
sizes host13 nm "${CC:-cc}" -- $hdefs "${only13[@]}"
[ "$sz_host_total" = "$total" ] || moor_fail "nm says $sz_host_total bytes, --sizes $total"
tags="host host13"
if command -v arm-none-eabi-gcc >/dev/null; then
	sizes arm arm-none-eabi-nm "${arm[@]}" --
	sizes arm13 arm-none-eabi-nm "${arm[@]}" -- "${only13[@]}"
	# The default configuration (TLS 1.3 with the TLS 1.2 fallback, every
	# suite and curve) with the validator in handshake scratch only.
	sizes armx arm-none-eabi-nm "${arm[@]}" -- -DMOOR_CONFIG_TLS_X509_INLINE=0
	tags="host host13 arm armx arm13"
fi
# ram_row LABEL PART [bold]
ram_row() {
	local label=$1 part=$2 v row="| $1" tag
	for tag in $tags; do
		v=$(eval "echo \${sz_${tag}_$part}")
		if [ "$part" = part_tls12_engine ] && [ "$v" = 1 ]; then
			row+=" | (not built)"
		elif [ "$part" = part_scratch ] && [ "$v" = 1 ]; then
			row+=" | (none: in \`moor_tls\`)"
		elif [ "$part" = part_x509_inline ]; then
			if [ "$v" = 2 ]; then row+=" | \`moor_tls\`"; else row+=" | the scratch"; fi
		elif [ "${3:-}" = bold ]; then
			row+=" | **$(printf "%'d" "$v")**"
		else
			row+=" | $(printf "%'d" "$v")"
		fi
	done
	echo "$row |"
}
# The rest of moor_tls: what is neither the validator (when inside) nor
# the engine union; the rest of moor_mysql likewise.
for tag in $tags; do
	eval "inl=\$sz_${tag}_part_x509_inline"
	x=0
	[ "$inl" = 2 ] && eval "x=\$sz_${tag}_part_x509"
	eval "sz_${tag}_part_tls_rest=\$((sz_${tag}_tls - x - sz_${tag}_part_engine_union))"
	eval "sz_${tag}_goal=\$((sz_${tag}_total - 8192))"
	eval "sz_${tag}_mysql_rest=\$((sz_${tag}_mysql - sz_${tag}_part_mysql_tlscfg - sz_${tag}_part_mysql_row - sz_${tag}_part_mysql_last_error))"
done

# The document.
cell_rt() {   # "median (min–max)" of round trips/s
	local runs=${results[$1]}
	awk -v m="$(median "$runs")" -v r="$runs" 'BEGIN {
		n = split(r, v, " "); lo = v[1]; hi = v[1]
		for (i = 2; i <= n; i++) { if (v[i] < lo) lo = v[i]; if (v[i] > hi) hi = v[i] }
		printf "%\047d (%.1fk–%.1fk)", m + 0.5, lo / 1000, hi / 1000 }'
}
cell_ms() {   # "median (min–max)" of milliseconds
	local runs=${results[$1]}
	awk -v m="$(median "$runs")" -v r="$runs" 'BEGIN {
		n = split(r, v, " "); lo = v[1]; hi = v[1]
		for (i = 2; i <= n; i++) { if (v[i] < lo) lo = v[i]; if (v[i] > hi) hi = v[i] }
		printf "%.2f (%.2f–%.2f)", m, lo, hi }'
}
ratio() {
	awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'
}
rows_rt=""
rows_conn=""
rows_rtt=""
for v in $VERSIONS; do
	for t in query stmt; do
		lm=$(median "${results[lib:$v:$t]}")
		mm=$(median "${results[moor:$v:$t]}")
		label="\`SELECT 1\` (COM_QUERY)"
		[ "$t" = stmt ] && label="prepared \`SELECT ?\` (COM_STMT_EXECUTE)"
		rows_rt+="| $v | $label | $(printf "%'d" "$N") | $(cell_rt "lib:$v:$t") | $(cell_rt "moor:$v:$t") | **$(ratio "$mm" "$lm")** | $(median "${results[lib:$v:${t}_cpu]}") | $(median "${results[moor:$v:${t}_cpu]}") |"$'\n'
		echo "TLS $v $t: libmariadb $lm/s, moor $mm/s (x$(ratio "$mm" "$lm"))"
		echo "  runs: lib [${results[lib:$v:$t]}] moor [${results[moor:$v:$t]}]"
	done
	lm=$(median "${results[lib:$v:connect]}")
	mm=$(median "${results[moor:$v:connect]}")
	rows_conn+="| $v | $(cell_ms "lib:$v:connect") | $(cell_ms "moor:$v:connect") | **$(ratio "$lm" "$mm")** | $(median "${results[lib:$v:connect_cpu]}") | $(median "${results[moor:$v:connect_cpu]}") |"$'\n'
	echo "TLS $v connect to first row: libmariadb $lm ms, moor $mm ms (speed-up x$(ratio "$lm" "$mm"))"
	echo "  runs: lib [${results[lib:$v:connect]}] moor [${results[moor:$v:connect]}]"
	rows_rtt+="| $v | ${rtt[lib:$v]} | ${rtt[moor:$v]} | ${flights[lib:$v]} | ${flights[moor:$v]} |"$'\n'
done

cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)
over=$(openssl version | awk '{ print $2 }')
cver=$(dpkg-query -W -f='${Version}' libmariadb3 2>/dev/null || echo unknown)
moor_rl=$(sed -n 's/.*record_limit=\([0-9]*\).*/\1/p' <<<"${tlsline[moor:1.3]}")
moor_group13=$(sed -n 's/.*group=\(0x[0-9a-f]*\).*/\1/p' <<<"${tlsline[moor:1.3]}")
moor_group12=$(sed -n 's/.*group=\(0x[0-9a-f]*\).*/\1/p' <<<"${tlsline[moor:1.2]:-}")
{
	echo "## MySQL over TLS: round trips, connect to first row, RAM, against libmariadb"
	echo
	echo "Generated by \`tests/bench/mysql_bench.sh\` on $(date -u +%Y-%m-%d): ${cpu:-unknown CPU},"
	echo "$(nproc) cores; MariaDB $mver (Debian's mariadbd, OpenSSL $over) on 127.0.0.1"
	echo "with TLS 1.2 and 1.3 and one suite for each (\`--ssl-cipher=$SUITE13:$SUITE12\`:"
	echo "both clients were checked to have negotiated it), the test PKI's server chain"
	echo "(ECDSA P-256 leaf, P-256 intermediate, RSA-2048 root), and a user with"
	echo "mysql_native_password and \`REQUIRE SSL\`. On it, in the same run, two"
	echo "clients, each forced to one TLS version and verifying the server fully"
	echo "(chain, dates, host name):"
	echo
	echo "* libmariadb: \`moor_bench_mysql_libmariadb\` (\`tests/bench/mysql_bench_libmariadb.c\`),"
	echo "  MariaDB Connector/C from Debian's libmariadb3 $cver on OpenSSL $over:"
	echo "  \`MYSQL_OPT_SSL_CA\`, \`MYSQL_OPT_SSL_VERIFY_SERVER_CERT\` on (it checks the"
	echo "  address connected to, 127.0.0.1, which the certificate carries),"
	echo "  \`MARIADB_OPT_TLS_VERSION\` TLSv1.3 or TLSv1.2, TCP."
	echo "* moor: \`moor_bench_mysql\` (\`tests/bench/mysql_bench.c\`: moor_posix_tcp +"
	echo "  moor_mysql, which upgrades to moor_tls in place, server name localhost;"
	echo "  Release build: moor -O3, BearSSL -O2, BearSSL's portable C except AES-NI"
	echo "  and PCLMUL for AES-GCM), in the RAM configuration below: TLS records of"
	echo "  1 KiB (\`MOOR_TLS_BUFSIZE(1024)\`: max_fragment_length, record limit"
	echo "  ${moor_rl:-?} with TLS 1.3) and MySQL buffers of 256 bytes each"
	echo "  (\`MOOR_MYSQL_RX_MIN\`, \`MOOR_MYSQL_TX_MIN\`). Key exchange: group"
	echo "  ${moor_group13:-?} with TLS 1.3, ${moor_group12:-?} with TLS 1.2 (IANA numbers)."
	echo
	echo "Each side ran $REPS times, interleaved (the order flips every repetition);"
	echo "the figures are the medians of the repetitions, in parentheses the lowest and"
	echo "the highest. The 1-minute load average was $load_start before the runs and"
	echo "$load_end after them, on $(nproc) cores: where the ranges are wide, other work"
	echo "on the machine was taking turns with the benchmark, and the ratio is only as"
	echo "good as they are."
	echo
	echo "Round trips on one connection, per second: N queries one after the other,"
	echo "each reply read whole and its value checked before the next is sent; timed"
	echo "from the first query to the last reply (the connection is made before)."
	echo "libmariadb: \`mysql_query\` + \`mysql_store_result\` + \`mysql_fetch_row\` +"
	echo "\`mysql_free_result\`; prepared: \`mysql_stmt_prepare\` once, then"
	echo "\`mysql_stmt_execute\` + \`mysql_stmt_fetch\` until \`MYSQL_NO_DATA\`. moor:"
	echo "\`moor_mysql_query\` / \`moor_mysql_stmt_execute\`, then \`moor_mysql_poll\`"
	echo "until the reply ends. Ratio: moor ÷ libmariadb (goal ≥ 1.0). CPU: the"
	echo "client process's own user + system time (\`getrusage\`) during the test,"
	echo "per round trip (median over the repetitions): the client's share of the"
	echo "work, which the other load on the machine disturbs less than the rates."
	echo
	echo "| TLS | test | N | libmariadb, round trips/s | moor, round trips/s | ratio | libmariadb, CPU µs per round trip | moor, CPU µs per round trip |"
	echo "|---|---|---:|---:|---:|---:|---:|---:|"
	printf "%s" "$rows_rt"
	echo
	echo "Connect to first row, in milliseconds: from before the TCP connect (before"
	echo "\`mysql_init\` / \`moor_mysql_init\`) to the first row of \`SELECT 1\`, i.e."
	echo "TCP, the server's greeting, SSLRequest, a full TLS handshake with"
	echo "verification (no resumption on either side), login, the query; the median"
	echo "of $K connections in a row, then the median of those over the repetitions."
	echo "Closing (COM_QUIT, close_notify) is not timed. Speed-up: libmariadb's"
	echo "time ÷ moor's (above 1: moor is faster). CPU: the client process's user +"
	echo "system time over the $K connections (closing included) ÷ $K, median over the"
	echo "repetitions; most of it is the handshake's public-key cryptography (see the"
	echo "TLS 1.3 section for moor's, instruction by instruction). moor's trust"
	echo "anchors are parsed from the CA file once, before the clock (on a device they"
	echo "are compiled into flash); libmariadb loads its CA file inside"
	echo "\`mysql_real_connect\`, as it does for every connection its users open."
	echo
	echo "| TLS | libmariadb, ms | moor, ms | speed-up | libmariadb, CPU ms per connection | moor, CPU ms per connection |"
	echo "|---|---:|---:|---:|---:|---:|"
	printf "%s" "$rows_conn"
	echo
	echo "Round trips up to the first row, counted: each client connects once"
	echo "through \`tests/bench/mysql_bench_relay.py\`, a TCP relay that passes the"
	echo "client's bytes on at once and holds the server's back ${DELAY_MS} ms, and logs"
	echo "the flights: a run of bytes from one side with none from the other in"
	echo "between, where a client chunk opens a new flight only if server bytes were"
	echo "delivered to the client since its previous one (thanks to the delay, two"
	echo "writes the client makes without waiting, such as SSLRequest and ClientHello,"
	echo "always fall in one flight). Every server flight the client received before"
	echo "it went on, or before it shut the socket down, is a round trip it waited for;"
	echo "the TCP handshake is one more. The clients stop after the reply to"
	echo "\`SELECT 1\` (\`--once\`: the socket is shut down without COM_QUIT), so"
	echo "nothing after the first row is counted. The count does not depend on timing"
	echo "(it is the same at every run) unless a client pauses more than ${DELAY_MS} ms"
	echo "between two writes of one flight. Flights: S = bytes the server sent, C ="
	echo "bytes the client sent, in order. Goal: moor needs no more round trips than"
	echo "libmariadb."
	echo
	echo "| TLS | libmariadb, round trips | moor, round trips | libmariadb's flights | moor's flights |"
	echo "|---|---:|---:|---|---|"
	printf "%s" "$rows_rtt"
	echo
	echo "Heap: each client under valgrind (memcheck, the whole process from \`main\`"
	echo "to exit: TLS 1.3, $HN \`SELECT 1\`, $HN prepared \`SELECT ?\`, $HK connections),"
	echo "its \"total heap usage\" line: moor $heap_moor; libmariadb $heap_lib"
	echo "(for comparison). moor's bench program reads the CA with \`read(2)\`, gives"
	echo "stdout a static buffer and connects to an IP literal, so that nothing in the"
	echo "process, the C library included, calls \`malloc\`."
	echo
	echo "RAM one connection needs, in bytes: \`sizeof\` as each target lays the structs"
	echo "out (\`mysql_bench.c\` compiled with \`-DMOOR_BENCH_SIZES_ONLY\`, read with"
	echo "\`nm -S\`; \`moor_bench_mysql --sizes\` prints the host's), with records of"
	echo "1 KiB and the smallest MySQL buffers, the configuration the figures above"
	echo "were measured in (the default configuration; on x86-64 with the host"
	echo "build's \`MOOR_CONFIG_MYSQL_ERRMSG_MAX=512\`, devices keep 128 bytes of a"
	echo "server error). \"Validator in scratch\" is the default configuration"
	echo "built with \`MOOR_CONFIG_TLS_X509_INLINE=0\`. \"TLS 1.3 only\" is the"
	echo "configuration of the size report (\`MOOR_TLS13ONLY_DEFINES\` in"
	echo "\`toolchain/cmake/variant.cmake\`: $(printf '%s ' "${only13[@]}" | sed 's/-D//g; s/ $//'))."
	echo "Where the certificate validator lives in handshake scratch memory"
	echo "(\`MOOR_CONFIG_TLS_X509_INLINE=0\`), the scratch is lent by the caller and"
	echo "can be shared by all connections that do not handshake at the same time: it"
	echo "is shown, but not counted per connection. Not counted either: the transport"
	echo "below TLS (16 bytes for the POSIX socket; an lwIP pcb on a device), the"
	echo "configs (which can be const), the trust anchors (flash), and the stack."
	echo "Goal: 8 KiB (8,192 bytes) per connection. Below the total: what"
	echo "\`moor_tls\` and \`moor_mysql\` are made of (parts of the lines above; the"
	echo "TLS 1.2 and 1.3 engines share a union, whose size is the larger of the two)."
	echo
	if [ "$tags" = "host host13" ]; then
		echo "| part | x86-64 | x86-64, TLS 1.3 only |"
		echo "|---|---:|---:|"
	else
		echo "| part | x86-64 | x86-64, TLS 1.3 only | Cortex-M4 | Cortex-M4, validator in scratch | Cortex-M4, TLS 1.3 only |"
		echo "|---|---:|---:|---:|---:|---:|"
	fi
	ram_row "\`moor_tls\` (the TLS session)" tls
	ram_row "TLS I/O buffer, \`MOOR_TLS_BUFSIZE(1024)\`" tls_buf
	ram_row "\`moor_mysql\` (the client)" mysql
	ram_row "MySQL receive buffer (\`MOOR_MYSQL_RX_MIN\`)" mysql_rx
	ram_row "MySQL transmit buffer (\`MOOR_MYSQL_TX_MIN\`)" mysql_tx
	ram_row "**total**" total bold
	ram_row "over the 8 KiB goal (negative: under)" goal
	ram_row "handshake scratch, shared, not per connection (\`MOOR_TLS_SCRATCH_SIZE\`)" part_scratch
	ram_row "the X.509 validator (\`moor_x509\`) lives in" part_x509_inline
	ram_row "the X.509 validator (\`moor_x509\`)" part_x509
	ram_row "… of which BearSSL's \`br_x509_minimal_context\`" part_x509_minimal
	ram_row "… of which BearSSL's \`br_x509_decoder_context\` (alongside)" part_x509_decoder
	ram_row "in \`moor_tls\`: the engine union" part_engine_union
	ram_row "… TLS 1.2: BearSSL's \`br_ssl_client_context\`" part_tls12_engine
	ram_row "… TLS 1.3: \`moor_tls13_engine\`" part_tls13_engine
	ram_row "… … its key shares (\`kx\`)" part_tls13_kx
	ram_row "… … its certificate parser (\`cp\`)" part_tls13_cert_parser
	ram_row "… … its transcript hash (\`tr\`)" part_tls13_transcript
	ram_row "… … its key schedule (\`ks\`)" part_tls13_key_schedule
	ram_row "… … its two record protections (\`rx\`, \`tx\`)" part_tls13_records
	ram_row "… … its HMAC_DRBG (\`rng\`)" part_tls13_drbg
	ram_row "in \`moor_tls\`: the rest (state, info, pointers)" part_tls_rest
	ram_row "in \`moor_mysql\`: the copy of the TLS config" part_mysql_tlscfg
	ram_row "in \`moor_mysql\`: the row decoder" part_mysql_row
	ram_row "in \`moor_mysql\`: the last error" part_mysql_last_error
	ram_row "in \`moor_mysql\`: the rest" mysql_rest
	if [ "$tags" = "host host13" ]; then
		echo
		echo "Cortex-M4: not measured, arm-none-eabi-gcc is missing."
	fi
} >"$moor_tmp/section.md"
# Only a complete section replaces the old one.
"$MOOR_PY" tests/bench/doc_section.py "$out" mysql <"$moor_tmp/section.md"
