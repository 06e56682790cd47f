#!/usr/bin/env bash
# Make the test PKI (idempotent), then run the test binary on it.
set -euo pipefail
pki="${MOOR_BUILD:?}/pki"
"${MOOR_SRC:?}/tests/interop/mkcerts.sh" "$pki"
exec ${MOOR_WRAP:-} "$1" "$pki"
