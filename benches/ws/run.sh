#!/usr/bin/env bash
# A callback's round trip over the WebSocket against an HTTP POST, in one
# run: the same echo callback, from a second process over loopback, one
# request at a time and 16 at once. Release build.
# Usage: benches/ws/run.sh [ROUND_TRIPS]
set -euo pipefail
TRIPS=${1:-20000}
PORT=${PORT:-18660}
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$HERE/../.."
cargo build --release --quiet -p ferrodash-bench-ws
BIN="${CARGO_TARGET_DIR:-target}/release/bench-websocket"
"$BIN" serve "$PORT" &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true' EXIT
for _ in $(seq 1 50); do
    curl -sf -o /dev/null "http://127.0.0.1:$PORT/" && break
    sleep 0.1
done
echo "server and driver share this machine's $(nproc) cores"
for concurrency in 1 16; do
    timeout 300 "$BIN" drive "127.0.0.1:$PORT" "$TRIPS" "$concurrency"
done
