#!/usr/bin/env bash
# Background jobs under load, side by side in one run: the in-process queue
# (one process) against a Redis queue shared by two processes, jobs started
# through one process and polled through the other. Two workloads: 200 jobs
# of ten 100 ms steps (long jobs: concurrency decides), and 2,000 jobs of one
# 10 ms step (short jobs: the queue's own cost decides). Release builds over
# loopback; Redis on 127.0.0.1:6379 (REDIS_URL to change).
# Usage: benches/jobs/run.sh
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$HERE/../.."
REDIS_URL=${REDIS_URL:-redis://127.0.0.1:6379}
cargo build --release --quiet -p ferrodash-bench-jobs
BIN="${CARGO_TARGET_DIR:-target}/release/bench-background-jobs"
PIDS=()
trap 'kill "${PIDS[@]}" 2>/dev/null || true' EXIT

serve() { # serve PORT [REDIS_URL PREFIX]
    "$BIN" serve "$@" &
    PIDS+=($!)
    for _ in $(seq 1 100); do
        curl -sf -o /dev/null "http://127.0.0.1:$1/" && return 0
        sleep 0.1
    done
    echo "server on port $1 did not start" >&2
    exit 1
}

stop_all() {
    kill "${PIDS[@]}" 2>/dev/null || true
    wait "${PIDS[@]}" 2>/dev/null || true
    PIDS=()
}

echo "servers and driver share this machine's $(nproc) cores; each process runs 32 jobs at a time"
for workload in "200 10 100" "2000 1 10"; do
    read -r JOBS STEPS STEP_MS <<<"$workload"
    export STEPS STEP_MS
    echo
    echo "=== $JOBS jobs of $STEPS step(s) of $STEP_MS ms"
    echo "--- in-process queue, 1 process"
    serve 18651
    timeout 300 "$BIN" drive http://127.0.0.1:18651 http://127.0.0.1:18651 "$JOBS"
    stop_all
    PREFIX="bench-jobs:$(date +%s%N):"
    echo "--- Redis queue, 2 processes: started through A, polled through B"
    serve 18652 "$REDIS_URL" "$PREFIX"
    serve 18653 "$REDIS_URL" "$PREFIX"
    timeout 300 "$BIN" drive http://127.0.0.1:18652 http://127.0.0.1:18653 "$JOBS"
    stop_all
done
