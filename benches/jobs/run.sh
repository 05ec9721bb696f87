#!/usr/bin/env bash
# 200 background jobs at once, each polled every 100 ms as its page would,
# against a release build over loopback. Prints completions, total time and
# poll latencies. Usage: benches/jobs/run.sh [JOBS]
set -euo pipefail
JOBS=${1:-200}
PORT=${PORT:-18650}
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$HERE/../.."
cargo build --release --quiet -p ferrodash-bench-jobs
BIN="${CARGO_TARGET_DIR:-target}/release/bench-background-jobs"
"$BIN" serve "$PORT" &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true' EXIT
for _ in $(seq 1 50); do
    curl -sf -o /dev/null "http://127.0.0.1:$PORT/" && break
    sleep 0.1
done
echo "server and driver share this machine's $(nproc) cores"
timeout 120 "$BIN" drive "http://127.0.0.1:$PORT" "$JOBS"
