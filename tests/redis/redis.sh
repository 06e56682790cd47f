#!/usr/bin/env bash
# Redis interop: moor's Redis client and `moor redis` against a real
# redis-server (Debian's, with TLS built in) on 127.0.0.1, and `moor redis`
# against the real redis-cli, byte for byte.
#
#   tests/redis/redis.sh PKIDIR CASE
#
# One CASE per ctest test (see CMakeLists.txt); `redis.sh PKIDIR list`
# prints them all. Uses MOOR_BUILD / MOOR_WRAP from the environment.
#
# The server: redis-server --port 0 --tls-port N (TLS only unless a case
# adds a plain port), certificate server-ec-chain.crt (P-256 leaf +
# intermediate, SAN localhost), client certificates checked against
# root.crt, debug commands on, and three users:
#   default  password defpw
#   app      password secret, every command and key
#   reader   password readpw, read commands only
#   pct      password "p@ss:w/rd%" (for URIs with percent escapes)
. "$(dirname "$0")/../interop/lib.sh"

[ $# -eq 2 ] || { echo "usage: $0 PKIDIR CASE" >&2; exit 2; }
case_name=$2

cases_list() {
	echo cli_types_tls13 cli_types_tls12 cli_values cli_mtls_rsa cli_mtls_ec cli_mtls_none
	echo cli_uri cli_errors cli_subscribe cli_large_mfl cli_plain
	echo client_pipeline_tls13 client_pipeline_tls12 client_pipeline_plain
	echo client_mtls_rsa client_mtls_ec client_large client_pubsub client_pubsub2
	echo client_mfl_tls13 client_mfl_tls12 client_acl client_reconnect client_fallback
	echo client_cluster
	echo faults_tls13 faults_tls12
}

if [ "$case_name" = list ]; then
	echo $(cases_list)
	exit 0
fi

moor_pki "$1"
PKI=$(cd "$PKI" && pwd)
REDIS_LOG=$moor_tmp/redis.log
PLAIN_PORT=

# redis_serve [ARGS...]: start redis-server with the setup above, extra
# redis-server options appended. Sets MOOR_PORT (TLS).
redis_serve() {
	moor_server "$REDIS_LOG" redis-server --port "${PLAIN_PORT:-0}" \
		--tls-port @PORT@ --bind 127.0.0.1 \
		--tls-cert-file "$PKI/server-ec-chain.crt" --tls-key-file "$PKI/server-ec.key" \
		--tls-ca-cert-file "$PKI/root.crt" --tls-auth-clients no \
		--save '' --appendonly no --dir "$moor_tmp" --enable-debug-command yes \
		--requirepass defpw \
		--user app on '>secret' '~*' '&*' '+@all' \
		--user reader on '>readpw' '~*' '&*' '+@read' '+@connection' '+client' \
		--user pct on '>p@ss:w/rd%' '~*' '&*' '+@all' \
		"$@"
}

# cluster_serve: three TLS cluster nodes (slots 0-5460, 5461-10922,
# 10923-16383), joined by hand (redis-cli --cluster create assumes bus
# port = port + 10000; here every port is picked free). The cluster bus
# verifies both ends, so the nodes present client-ec as their client
# certificate. Sets NODES (TLS ports) and IDS (node ids).
cluster_serve() {
	local i bus
	NODES=()
	BUS=()
	IDS=()
	for i in 1 2 3; do
		bus=$(moor_free_port)
		mkdir -p "$moor_tmp/n$i"
		moor_server "$moor_tmp/n$i.log" redis-server --port 0 --tls-port @PORT@ \
			--cluster-port "$bus" --bind 127.0.0.1 \
			--tls-cert-file "$PKI/server-ec-chain.crt" --tls-key-file "$PKI/server-ec.key" \
			--tls-ca-cert-file "$PKI/root.crt" --tls-auth-clients no --tls-cluster yes \
			--tls-client-cert-file "$PKI/client-ec-chain.crt" --tls-client-key-file "$PKI/client-ec.key" \
			--cluster-enabled yes --cluster-config-file "$moor_tmp/n$i/nodes.conf" \
			--cluster-node-timeout 5000 --save '' --appendonly no --dir "$moor_tmp/n$i" \
			--requirepass defpw --user app on '>secret' '~*' '&*' '+@all'
		NODES+=("$MOOR_PORT")
		BUS+=("$bus")
	done
	RC=(redis-cli --tls --cacert "$PKI/root.crt" -a defpw --no-auth-warning)
	"${RC[@]}" -p "${NODES[0]}" CLUSTER ADDSLOTSRANGE 0 5460 >/dev/null
	"${RC[@]}" -p "${NODES[1]}" CLUSTER ADDSLOTSRANGE 5461 10922 >/dev/null
	"${RC[@]}" -p "${NODES[2]}" CLUSTER ADDSLOTSRANGE 10923 16383 >/dev/null
	"${RC[@]}" -p "${NODES[0]}" CLUSTER MEET 127.0.0.1 "${NODES[1]}" "${BUS[1]}" >/dev/null
	"${RC[@]}" -p "${NODES[0]}" CLUSTER MEET 127.0.0.1 "${NODES[2]}" "${BUS[2]}" >/dev/null
	for i in $(seq 1 200); do
		if "${RC[@]}" -p "${NODES[0]}" CLUSTER INFO | grep -q 'cluster_state:ok' &&
		   "${RC[@]}" -p "${NODES[1]}" CLUSTER INFO | grep -q 'cluster_state:ok' &&
		   "${RC[@]}" -p "${NODES[2]}" CLUSTER INFO | grep -q 'cluster_state:ok' &&
		   [ "$("${RC[@]}" -p "${NODES[2]}" CLUSTER NODES | wc -l)" = 3 ]; then
			break
		fi
		sleep 0.05
	done
	if [ "$i" -ge 200 ]; then
		for i in 0 1 2; do "${RC[@]}" -p "${NODES[$i]}" CLUSTER NODES; tail -5 "$moor_tmp/n$((i+1)).log"; done
		moor_fail "the cluster did not form"
	fi
	for i in 0 1 2; do
		IDS+=("$("${RC[@]}" -p "${NODES[$i]}" CLUSTER MYID)")
	done
	echo "cluster: ${NODES[*]} ok after $i polls"
}

# Connection flags, the same for redis-cli and moor redis.
flags() {
	FLAGS=(-h 127.0.0.1 -p "$MOOR_PORT" --tls --cacert "$PKI/root.crt" --sni localhost
		--user app --pass secret --no-auth-warning)
}

# cmp_cli ARGS...: run `redis-cli FLAGS ARGS` and `moor redis FLAGS ARGS`;
# their stdout must be identical, and so must their exit status.
ncmp=0
cmp_cli() {
	local rrc=0 mrc=0
	redis-cli "${FLAGS[@]}" "$@" >"$moor_tmp/rc.out" 2>"$moor_tmp/rc.err" </dev/null || rrc=$?
	# shellcheck disable=SC2086
	$MOOR_WRAP "$MOOR_BUILD/moor" redis "${FLAGS[@]}" "$@" >"$moor_tmp/mo.out" 2>"$moor_tmp/mo.err" </dev/null || mrc=$?
	if ! cmp -s "$moor_tmp/rc.out" "$moor_tmp/mo.out" || [ "$rrc" != "$mrc" ]; then
		echo "--- $* : redis-cli exit $rrc, moor exit $mrc"
		echo "redis-cli stdout:"; od -c "$moor_tmp/rc.out" | head -20
		echo "redis-cli stderr:"; head -5 "$moor_tmp/rc.err"
		echo "moor stdout:"; od -c "$moor_tmp/mo.out" | head -20
		echo "moor stderr:"; head -5 "$moor_tmp/mo.err"
		moor_fail "output differs from redis-cli's"
	fi
	ncmp=$((ncmp + 1))
}

# Every RESP2 and RESP3 type DEBUG PROTOCOL has, with and without -3.
types_loop() {
	local t p
	for t in string integer double bignum null array set map attrib push verbatim true false; do
		for p in -2 -3; do
			cmp_cli "$p" DEBUG PROTOCOL "$t"
		done
	done
}

redis_cli() {
	redis-cli "${FLAGS[@]}" "$@" </dev/null
}

interop() {
	# shellcheck disable=SC2086
	$MOOR_WRAP "$MOOR_BUILD/tests/bin/redis_interop" 127.0.0.1 "$MOOR_PORT" "$@" \
		--ca "$PKI/root.crt" --sni localhost
}

run_case() {
	case "$1" in
	cli_types_tls13)
		redis_serve --tls-protocols TLSv1.3
		flags
		types_loop
		;;
	cli_types_tls12)
		redis_serve --tls-protocols TLSv1.2
		flags
		types_loop
		;;
	cli_values)
		# replies real commands give, nested and empty aggregates,
		# errors (also inside arrays), binary values, big integers
		redis_serve
		flags
		printf 'a\000b\r\nc\xff' | redis-cli "${FLAGS[@]}" -x SET bin >/dev/null
		redis_cli RPUSH list a "" "c d" >/dev/null
		redis_cli HSET h f1 v1 f2 "" >/dev/null
		redis_cli SADD s x >/dev/null
		redis_cli ZADD z 1.5 a -inf b 3 c >/dev/null
		redis_cli SET n 9223372036854775806 >/dev/null
		redis_cli SET m 9223372036854775807 >/dev/null
		for p in -2 -3; do
			cmp_cli "$p" PING
			cmp_cli "$p" PING "hello world"
			cmp_cli "$p" GET bin
			cmp_cli "$p" GET nosuchkey
			cmp_cli "$p" LRANGE list 0 -1
			cmp_cli "$p" LRANGE nolist 0 -1
			cmp_cli "$p" HGETALL h
			cmp_cli "$p" SMEMBERS s
			cmp_cli "$p" ZRANGE z 0 -1 WITHSCORES
			cmp_cli "$p" ZSCORE z a
			cmp_cli "$p" ZSCORE z b
			cmp_cli "$p" INCRBY n 0
			cmp_cli "$p" INCR m
			cmp_cli "$p" NOSUCHCOMMAND x
			cmp_cli "$p" GET
			cmp_cli "$p" LPUSH h x
			cmp_cli "$p" CONFIG GET maxmemory-policy
			cmp_cli "$p" EVAL "return {1,{2,{}},'x',false,{err='boo'},{ok='fine'}}" 0
			cmp_cli "$p" EVAL "return {}" 0
			cmp_cli "$p" EVAL "return redis.error_reply('MY custom error')" 0
			cmp_cli "$p" EVAL "redis.setresp(3); return {map={a={1,2},b={map={c=true}}}}" 0
			cmp_cli "$p" EVAL "redis.setresp(3); return {double=3.14}" 0
			cmp_cli "$p" EVAL "redis.setresp(3); return {double=1/0}" 0
			cmp_cli "$p" EVAL "redis.setresp(3); return {1,{big_number='5'}}" 0
			cmp_cli "$p" EVAL "redis.setresp(3); return {set={a=true,b=true}}" 0
			cmp_cli "$p" EVAL "redis.setresp(3); return {verbatim_string={format='txt',string='abc'}}" 0
			cmp_cli "$p" OBJECT ENCODING list
			cmp_cli "$p" MEMORY DOCTOR
			cmp_cli "$p" LATENCY DOCTOR
			cmp_cli "$p" CLIENT LIST ID 999999
			cmp_cli "$p" INFO keyspace
			cmp_cli "$p" info KEYSPACE
			cmp_cli "$p" CLUSTER INFO
			cmp_cli "$p" ACL WHOAMI
			cmp_cli "$p" -n 3 CLIENT SETNAME x
			cmp_cli "$p" BLPOP nolist 0.3
		done
		# -e: an error reply exits 1, in both
		cmp_cli -e NOSUCHCOMMAND
		cmp_cli -e GET bin
		echo "cli_values: $ncmp outputs identical to redis-cli's"
		;;
	cli_mtls_rsa | cli_mtls_ec)
		local kind=${1#cli_mtls_} cert
		redis_serve --tls-auth-clients yes
		flags
		cert=$PKI/client-$kind.crt
		[ "$kind" = ec ] && cert=$PKI/client-ec-chain.crt
		FLAGS+=(--cert "$cert" --key "$PKI/client-$kind.key")
		cmp_cli PING
		cmp_cli -3 DEBUG PROTOCOL map
		cmp_cli CLIENT SETNAME mtls
		;;
	cli_mtls_none)
		redis_serve --tls-auth-clients yes --tls-protocols TLSv1.3
		flags
		moor_run redis "${FLAGS[@]}" PING
		expect_rc 1
		expect_err "error: MOOR_ERR_TLS_ALERT_RECEIVED(116):"
		;;
	cli_uri)
		redis_serve
		flags
		local base=(--cacert "$PKI/root.crt" --sni localhost --no-auth-warning)
		moor_run redis "${base[@]}" -u "rediss://app:secret@127.0.0.1:$MOOR_PORT/2" CLIENT INFO
		expect_rc 0
		expect_match ' db=2 .* user=app '
		moor_run redis "${base[@]}" -u "rediss://app:secret@localhost:$MOOR_PORT" ACL WHOAMI
		expect_rc 0
		expect_line app
		# percent escapes in the password
		moor_run redis "${base[@]}" -u "rediss://pct:p%40ss%3Aw%2Frd%25@localhost:$MOOR_PORT/5" CLIENT INFO
		expect_rc 0
		expect_match ' db=5 .* user=pct '
		# the default user: redis://:PASS@ and redis://PASS@
		moor_run redis "${base[@]}" -u "rediss://:defpw@localhost:$MOOR_PORT" ACL WHOAMI
		expect_line default
		moor_run redis "${base[@]}" -u "rediss://defpw@localhost:$MOOR_PORT" ACL WHOAMI
		expect_line default
		# options after -u override it
		moor_run redis "${base[@]}" -u "rediss://app:secret@localhost:1/7" -p "$MOOR_PORT" -n 4 CLIENT INFO
		expect_match ' db=4 '
		# and the output equals redis-cli's for the same URI
		FLAGS=("${base[@]}" -u "rediss://app:secret@127.0.0.1:$MOOR_PORT/2")
		cmp_cli -3 DEBUG PROTOCOL map
		cmp_cli ACL WHOAMI
		moor_run redis -u "http://x" PING
		expect_rc 2
		;;
	cli_errors)
		redis_serve
		flags
		moor_run redis -h 127.0.0.1 -p "$MOOR_PORT" --tls --cacert "$PKI/root.crt" --sni localhost \
			--user app --pass wrong PING
		expect_rc 1
		expect_err "error: MOOR_ERR_REDIS_AUTH:"
		# no password: like redis-cli, the command's NOAUTH error is the reply
		moor_run redis -h 127.0.0.1 -p "$MOOR_PORT" --tls --cacert "$PKI/root.crt" --sni localhost PING
		expect_rc 0
		expect_line "NOAUTH Authentication required."
		FLAGS=(-h 127.0.0.1 -p "$MOOR_PORT" --tls --cacert "$PKI/root.crt" --sni localhost)
		cmp_cli PING
		cmp_cli -e PING
		# with -3, HELLO 3 itself is refused
		moor_run redis -h 127.0.0.1 -p "$MOOR_PORT" --tls --cacert "$PKI/root.crt" --sni localhost -3 PING
		expect_rc 1
		expect_err "error: MOOR_ERR_REDIS_AUTH:"
		moor_run redis -h 127.0.0.1 -p "$MOOR_PORT" --tls --cacert "$PKI/root.crt" --sni localhost \
			--user app --pass secret -n 999 PING
		expect_rc 1
		expect_err "error: MOOR_ERR_REDIS_SELECT:"
		moor_run redis -h 127.0.0.1 -p "$MOOR_PORT" --tls --sni localhost --user app --pass secret PING
		expect_rc 1
		expect_err "error: MOOR_ERR_X509_"
		moor_run redis -h 127.0.0.1 -p "$MOOR_PORT" --tls --cacert "$PKI/root.crt" --sni wrong.example \
			--user app --pass secret PING
		expect_rc 1
		expect_err "error: MOOR_ERR_X509_HOSTNAME:"
		moor_run redis -h 127.0.0.1 -p "$MOOR_PORT" --tls --insecure --user app --pass secret PING
		expect_rc 0
		expect_line PONG
		moor_run redis -h 127.0.0.1 -p "$(moor_free_port)" PING
		expect_rc 1
		expect_err "error: MOOR_ERR_CONNECT:"
		# a TLS server spoken to in plaintext: its reply is no RESP
		moor_run redis -h 127.0.0.1 -p "$MOOR_PORT" -t 2 PING
		expect_rc 1
		expect_err "error: MOOR_ERR_"
		moor_run redis -p
		expect_rc 2
		moor_run redis --bogus PING
		expect_rc 2
		moor_run redis --help
		expect_rc 0
		moor_run redis -h 127.0.0.1 -p "$MOOR_PORT" --tls --cacert "$PKI/root.crt" --sni localhost \
			--user app --pass secret -t 0.5 PING
		expect_rc 0
		expect_line PONG
		# -t also bounds the wait for the reply
		moor_run redis -h 127.0.0.1 -p "$MOOR_PORT" --tls --cacert "$PKI/root.crt" --sni localhost \
			--user app --pass secret -t 0.5 BLPOP nolist 5
		expect_rc 1
		expect_err "error: MOOR_ERR_TIMEOUT:"
		moor_run redis -t x PING
		expect_rc 2
		;;
	cli_subscribe)
		redis_serve
		flags
		local p
		for p in -2 -3; do
			( timeout 2 redis-cli "${FLAGS[@]}" $p SUBSCRIBE ch1 ch2 >"$moor_tmp/sub.rc" 2>&1 || true ) &
			local pid1=$!
			# shellcheck disable=SC2086
			( timeout 2 $MOOR_WRAP "$MOOR_BUILD/moor" redis "${FLAGS[@]}" $p SUBSCRIBE ch1 ch2 \
				>"$moor_tmp/sub.mo" 2>"$moor_tmp/sub.err" || true ) &
			local pid2=$!
			local i
			for i in $(seq 1 40); do
				[ "$(redis_cli PUBSUB NUMSUB ch1 | sed -n 2p)" = 2 ] && break
				sleep 0.05
			done
			redis_cli PUBLISH ch1 "hello there" >/dev/null
			redis_cli PUBLISH ch2 "$(printf 'two\nlines')" >/dev/null
			wait "$pid1" "$pid2" || true
			cmp "$moor_tmp/sub.rc" "$moor_tmp/sub.mo" || {
				od -c "$moor_tmp/sub.rc"; od -c "$moor_tmp/sub.mo"; cat "$moor_tmp/sub.err"
				moor_fail "SUBSCRIBE output differs ($p)"
			}
			grep -q "hello there" "$moor_tmp/sub.mo" || moor_fail "no message ($p)"
		done
		;;
	cli_large_mfl)
		redis_serve
		flags
		head -c 1048576 /dev/urandom >"$moor_tmp/big"
		redis-cli "${FLAGS[@]}" -x SET big <"$moor_tmp/big" >/dev/null
		cmp_cli GET big
		cmp_cli -3 GET big
		FLAGS+=(--max-frag 1024)
		# redis-cli has no --max-frag: compare with the first run's output
		cp "$moor_tmp/rc.out" "$moor_tmp/rc.keep"
		# shellcheck disable=SC2086
		$MOOR_WRAP "$MOOR_BUILD/moor" redis "${FLAGS[@]}" GET big >"$moor_tmp/mo.out"
		cmp "$moor_tmp/rc.keep" "$moor_tmp/mo.out" || moor_fail "GET big with --max-frag 1024 differs"
		;;
	cli_plain)
		PLAIN_PORT=$(moor_free_port)
		redis_serve
		FLAGS=(-h 127.0.0.1 -p "$PLAIN_PORT" --user app --pass secret --no-auth-warning)
		cmp_cli -3 DEBUG PROTOCOL map
		cmp_cli DEBUG PROTOCOL verbatim
		cmp_cli -3 DEBUG PROTOCOL push
		;;
	client_pipeline_tls13)
		redis_serve --tls-protocols TLSv1.3
		interop pipeline --user app --pass secret
		;;
	client_pipeline_tls12)
		redis_serve --tls-protocols TLSv1.2
		interop pipeline --user app --pass secret --tls 1.2
		;;
	client_pipeline_plain)
		PLAIN_PORT=$(moor_free_port)
		redis_serve
		MOOR_PORT=$PLAIN_PORT interop pipeline --user app --pass secret --tls off
		;;
	client_mtls_rsa)
		redis_serve --tls-auth-clients yes
		interop pipeline --user app --pass secret \
			--cert "$PKI/client-rsa.crt" --key "$PKI/client-rsa.key"
		;;
	client_mtls_ec)
		redis_serve --tls-auth-clients yes --tls-protocols TLSv1.3
		interop pipeline --user app --pass secret \
			--cert "$PKI/client-ec-chain.crt" --key "$PKI/client-ec.key"
		;;
	client_large)
		redis_serve
		interop large --user app --pass secret
		;;
	client_pubsub)
		redis_serve
		interop pubsub --user app --pass secret
		;;
	client_pubsub2)
		redis_serve
		interop pubsub2 --user app --pass secret
		;;
	client_mfl_tls13)
		redis_serve --tls-protocols TLSv1.3
		interop mfl --user app --pass secret --tls 1.3
		;;
	client_mfl_tls12)
		redis_serve --tls-protocols TLSv1.2
		interop mfl --user app --pass secret --tls 1.2
		;;
	client_acl)
		redis_serve
		interop acl --user app --pass secret
		;;
	client_reconnect)
		redis_serve
		interop reconnect --user app --pass secret
		;;
	client_fallback)
		redis_serve --rename-command HELLO ""
		interop fallback --user app --pass secret
		;;
	client_cluster)
		cluster_serve
		# slot 12182 ("foo") migrates from node 3 to node 1: ASK
		"${RC[@]}" -p "${NODES[2]}" CLUSTER SETSLOT 12182 MIGRATING "${IDS[0]}" >/dev/null
		"${RC[@]}" -p "${NODES[0]}" CLUSTER SETSLOT 12182 IMPORTING "${IDS[2]}" >/dev/null
		MOOR_PORT=${NODES[0]} interop cluster --user app --pass secret \
			--node2 "${NODES[1]}" --node3 "${NODES[2]}"
		;;
	faults_tls13 | faults_tls12)
		local v=${1#faults_tls}
		v=${v:0:1}.${v:1}
		PLAIN_PORT=$(moor_free_port)
		redis_serve --tls-protocols "TLSv$v"
		# shellcheck disable=SC2086
		$MOOR_WRAP "$MOOR_BUILD/tests/bin/redis_faults" 127.0.0.1 "$MOOR_PORT" "$PLAIN_PORT" \
			"$PKI/root.crt" localhost --tls "$v"
		;;
	*)
		echo "unknown case: $1" >&2
		exit 2 ;;
	esac
}

run_case "$case_name"
echo "PASS: $case_name"
