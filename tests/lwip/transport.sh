#!/usr/bin/env bash
# The lwIP transports (tests/lwip/transport.c) against a real TCP peer on
# 127.0.0.1 (peer.py), through libslirp.
#
#   tests/lwip/transport.sh BINARY_NAME     (lwip_transport | lwip_transport_sys)
. "$(dirname "$0")/../interop/lib.sh"

[ $# -eq 1 ] || { echo "usage: $0 BINARY" >&2; exit 2; }
bin=$MOOR_BUILD/tests/bin/$1
[ -x "$bin" ] || moor_fail "$bin not built"
moor_server "$moor_tmp/peer.log" "$MOOR_PY" "$MOOR_SRC/tests/lwip/peer.py" @PORT@
peer=$MOOR_PORT
closed=$(moor_free_port)
# shellcheck disable=SC2086 # MOOR_WRAP is a command prefix with words
$MOOR_WRAP "$bin" "$peer" "$closed" || moor_fail "$1 failed"
