# Shared helpers for moor's interop test scripts. Source it:
#
#   . "$(dirname "$0")/lib.sh"
#
# Environment (set by ctest through moor_add_test; defaults for manual runs):
#   MOOR_SRC    the source tree
#   MOOR_BUILD  the build tree whose binaries are tested (moor CLI at $MOOR_BUILD/moor)
#   MOOR_WRAP   a command prefix for the binaries (e.g. valgrind), may be empty
#
# Every background process started with moor_bg is recorded by PID and
# stopped on exit (kill, wait, kill -9 if it lingers). Nothing is ever
# killed by name.

set -euo pipefail

MOOR_SRC=${MOOR_SRC:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
MOOR_BUILD=${MOOR_BUILD:-$MOOR_SRC/build/host}
MOOR_WRAP=${MOOR_WRAP:-}
MOOR_PY=/usr/bin/python3

moor_pids=()
moor_tmp=$(mktemp -d "${TMPDIR:-/tmp}/moor-test.XXXXXX")

# Stop one process by PID: TERM, up to ~2 s of waiting, then KILL.
moor_stop() {
	local pid=$1 i
	kill "$pid" 2>/dev/null || return 0
	for i in $(seq 1 20); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	if kill -0 "$pid" 2>/dev/null; then
		kill -9 "$pid" 2>/dev/null || true
	fi
	wait "$pid" 2>/dev/null || true
}

moor_cleanup() {
	local rc=$? pid
	for pid in "${moor_pids[@]:-}"; do
		[ -n "$pid" ] && moor_stop "$pid"
	done
	rm -rf "$moor_tmp"
	exit "$rc"
}
trap moor_cleanup EXIT
trap 'exit 130' INT TERM

# Print a free TCP port on 127.0.0.1 (the kernel picks one; it is free
# when we return, and the caller binds it right away).
moor_free_port() {
	"$MOOR_PY" -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])
s.close()'
}

# moor_bg LOG CMD ARGS...: start CMD in the background (stdin /dev/null,
# stdout+stderr to LOG) and record its PID in $moor_last_pid.
moor_bg() {
	local log=$1
	shift
	"$@" </dev/null >"$log" 2>&1 &
	moor_last_pid=$!
	moor_pids+=("$moor_last_pid")
}

# moor_wait_port PORT PID [SECONDS]: wait until PID listens on 127.0.0.1:PORT.
# Checks with ss, so it never connects (a connection would use up an
# accept of a -naccept server). Fails if PID exits or the time runs out.
moor_wait_port() {
	local port=$1 pid=$2 secs=${3:-5} i
	for i in $(seq 1 $((secs * 20))); do
		if ! kill -0 "$pid" 2>/dev/null; then
			return 1
		fi
		if ss -Hltnp "sport = :$port" 2>/dev/null | grep -q "pid=$pid,"; then
			return 0
		fi
		sleep 0.05
	done
	return 1
}

# moor_server LOG CMD...: start a server whose command line contains the
# word @PORT@ (replaced with a free port), wait until it listens, and set
# $MOOR_PORT and $MOOR_SERVER_PID. Retries with another port if the first
# one was taken in the meantime.
moor_server() {
	local log=$1 try port a
	shift
	for try in 1 2 3; do
		port=$(moor_free_port)
		local cmd=()
		for a in "$@"; do
			cmd+=("${a//@PORT@/$port}")
		done
		moor_bg "$log" "${cmd[@]}"
		if moor_wait_port "$port" "$moor_last_pid" 5; then
			MOOR_PORT=$port
			MOOR_SERVER_PID=$moor_last_pid
			return 0
		fi
		moor_stop "$moor_last_pid"
	done
	echo "FAIL: server did not start: $*" >&2
	sed 's/^/  server: /' "$log" >&2 || true
	return 1
}

# moor_s_server LOG ARGS...: openssl s_server on 127.0.0.1 in -rev mode
# (it never reads stdin), with the given extra arguments.
moor_s_server() {
	local log=$1
	shift
	moor_server "$log" openssl s_server -accept "127.0.0.1:@PORT@" -rev "$@"
}

# moor_tcp_server LOG: a plain TCP listener that accepts connections and
# closes each one after the client does (for --ssl-mode disable). It logs
# "accepted" and then "closed N" with the number of bytes it received.
moor_tcp_server() {
	moor_server "$1" "$MOOR_PY" -c 'import socket, sys
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1])))
s.listen(8)
while True:
    c, _ = s.accept()
    print("accepted", flush=True)
    c.settimeout(10)
    n = 0
    try:
        while True:
            b = c.recv(4096)
            if not b:
                break
            n += len(b)
    except OSError:
        pass
    c.close()
    print("closed", n, flush=True)' @PORT@
}

# The throwaway PKI (made once, shared by all tests of a build tree).
moor_pki() {
	local dir=$1
	"$MOOR_SRC/tests/interop/mkcerts.sh" "$dir"
	PKI=$dir
}

# moor_run ARGS...: run the moor CLI (under $MOOR_WRAP), capturing
# $moor_out / $moor_err (files) and $moor_rc.
moor_out=$moor_tmp/out
moor_err=$moor_tmp/err
moor_run() {
	moor_rc=0
	# shellcheck disable=SC2086 # MOOR_WRAP is a command prefix with words
	$MOOR_WRAP "$MOOR_BUILD/moor" "$@" >"$moor_out" 2>"$moor_err" || moor_rc=$?
	echo "+ moor $*  -> exit $moor_rc"
	sed 's/^/  out: /' "$moor_out"
	sed 's/^/  err: /' "$moor_err"
}

moor_fail() {
	echo "FAIL: $*" >&2
	exit 1
}

# Assertions on the last moor_run.
expect_rc() {
	[ "$moor_rc" -eq "$1" ] || moor_fail "exit status $moor_rc, expected $1"
}
# A line of stdout equal to the argument.
expect_line() {
	grep -Fxq -- "$1" "$moor_out" || moor_fail "no stdout line '$1'"
}
# A line of stdout matching an extended regex (anchored by the caller).
expect_match() {
	grep -Eq -- "$1" "$moor_out" || moor_fail "no stdout line matching /$1/"
}
# A line of stderr that starts with the argument (e.g. "error: MOOR_ERR_X509_EXPIRED:").
expect_err() {
	awk -v p="$1" 'index($0, p) == 1 { f = 1 } END { exit !f }' "$moor_err" ||
		moor_fail "no stderr line starting with '$1'"
}
# Value of "key: value" on stdout.
out_value() {
	sed -n "s/^$1: //p" "$moor_out" | head -n 1
}

# moor_mariadb DIR [MARIADBD OPTIONS...]: a throwaway MariaDB in DIR
# (mariadb-install-db, then mariadbd as root on a free 127.0.0.1 port,
# stopped by PID on exit), waited for until it answers a ping (10 s).
# Sets MOOR_PORT and MOOR_MARIADB_SOCK (root logs in over that socket
# without a password). Exits 77 (skip) if MariaDB is not installed. Each
# instance has its own tmpdir: parallel installs sharing /tmp collide on
# their temporary tables.
moor_mariadb() {
	local d=$1 i
	shift
	command -v mariadbd >/dev/null || { echo "SKIP: mariadbd not installed"; exit 77; }
	mkdir -p "$d/tmp"
	mariadb-install-db --no-defaults --datadir="$d/data" --user=root --tmpdir="$d/tmp" \
		--auth-root-authentication-method=normal --skip-test-db >"$d/install.log" 2>&1 ||
		{ cat "$d/install.log"; moor_fail "mariadb-install-db"; }
	moor_server "$d/server.log" mariadbd --no-defaults --user=root --datadir="$d/data" \
		--tmpdir="$d/tmp" --socket="$d/s.sock" --port=@PORT@ --bind-address=127.0.0.1 "$@"
	MOOR_MARIADB_SOCK=$d/s.sock
	for i in $(seq 1 100); do
		mariadb-admin --no-defaults -S "$MOOR_MARIADB_SOCK" -uroot ping >/dev/null 2>&1 && return 0
		sleep 0.1
	done
	sed 's/^/  mariadbd: /' "$d/server.log" >&2
	moor_fail "mariadbd did not answer a ping within 10 s"
}
