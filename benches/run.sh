#!/usr/bin/env bash
# Load benchmark: a trivial ferrodash callback against a bare axum handler
# that parses and echoes the same JSON, both driven by wrk over loopback in
# one run. See benches/README.md.
#
# Usage: benches/run.sh            (from anywhere in the workspace)
#
# Settings (environment):
#   ROUNDS=3         measured rounds per server; runs alternate ferrodash/bare
#   DURATION=10      seconds per measured wrk run
#   WARMUP=3         seconds of warm-up per server before the rounds
#   THREADS=2        wrk threads (-t)
#   CONNECTIONS=64   wrk connections (-c)
#   PIN=on           on:   servers on SERVER_CPU, wrk on WRK_CPU (taskset)
#                    off:  no pinning; wrk and servers share every CPU
#                    both: run the whole comparison unpinned, then pinned
#   SERVER_CPU=0     CPU list for the servers when pinned
#   WRK_CPU=1        CPU list for wrk when pinned
#
# Everything listens on 127.0.0.1 only. Every wait is bounded, and the
# servers are killed on exit.

set -euo pipefail

ROUNDS=${ROUNDS:-3}
DURATION=${DURATION:-10}
WARMUP=${WARMUP:-3}
THREADS=${THREADS:-2}
CONNECTIONS=${CONNECTIONS:-64}
PIN=${PIN:-on}
SERVER_CPU=${SERVER_CPU:-0}
WRK_CPU=${WRK_CPU:-1}

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$HERE/.."
LUA="$HERE/post.lua"
PATH_UPDATE="/_dash-update-component"
BODY='{"output":"out.children","outputs":{"id":"out","property":"children"},"inputs":[{"id":"text","property":"value","value":"hello"}],"changedPropIds":["text.value"]}'
EXPECTED='{"multi":true,"response":{"out":{"children":"hello"}}}'

die() {
    echo "run.sh: $*" >&2
    exit 1
}

for n in ROUNDS DURATION WARMUP THREADS CONNECTIONS; do
    [[ ${!n} =~ ^[1-9][0-9]*$ ]] || die "$n must be a positive integer, not '${!n}'"
done
case $PIN in
on) MODES=(pinned) ;;
off) MODES=(unpinned) ;;
both) MODES=(unpinned pinned) ;;
*) die "PIN must be on, off or both, not '$PIN'" ;;
esac

WORK="$(mktemp -d)"
SERVER_PIDS=()
declare -A PID_OF

stop_servers() {
    local pid
    for pid in "${SERVER_PIDS[@]}"; do
        kill "$pid" 2>/dev/null || true
    done
    for pid in "${SERVER_PIDS[@]}"; do
        wait "$pid" 2>/dev/null || true
    done
    SERVER_PIDS=()
}

cleanup() {
    stop_servers
    rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- tools -------------------------------------------------------------------

command -v curl >/dev/null || die "curl is needed"
command -v taskset >/dev/null || [[ $PIN == off ]] || die "taskset (util-linux) is needed for PIN=$PIN"
if ! command -v wrk >/dev/null; then
    echo "== wrk is missing: installing it from Debian"
    SUDO=()
    [[ $(id -u) == 0 ]] || SUDO=(sudo)
    "${SUDO[@]}" apt-get install -y wrk ||
        { "${SUDO[@]}" apt-get update && "${SUDO[@]}" apt-get install -y wrk; } ||
        die "could not install wrk"
fi

# --- build -------------------------------------------------------------------

echo "== cargo build --release -p ferrodash-benches"
BUILD_OUT="$WORK/build.json"
cargo build --release -p ferrodash-benches --message-format=json-render-diagnostics >"$BUILD_OUT"
executable() {
    sed -n 's/.*"executable":"\([^"]*\/'"$1"'\)".*/\1/p' "$BUILD_OUT" | tail -n 1
}
FERRODASH_BIN="$(executable bench-ferrodash-server)"
BARE_BIN="$(executable bench-bare-axum)"
[[ -x $FERRODASH_BIN && -x $BARE_BIN ]] || die "the build did not report both binaries"

# --- servers -----------------------------------------------------------------

# A loopback port nothing answers on (the server's bind is the final check).
free_port() {
    local port _
    for _ in $(seq 1 200); do
        port=$((20000 + RANDOM % 40000))
        if [[ $port != "${1:-}" ]] && ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
            echo "$port"
            return 0
        fi
    done
    return 1
}

# The renderer's double-submit token, as post.lua sends it.
CSRF=benchToken0123456789abcdefghijklmnopqrstuvw

post() { # post URL HEADERS_FILE BODY_FILE -> prints the status code
    curl -sS --max-time 5 -o "$3" -D "$2" -w '%{http_code}' \
        -H 'Content-Type: application/json' -H "Cookie: _csrf_token=$CSRF" \
        -H "X-CSRFToken: $CSRF" --data "$BODY" "$1"
}

# start_server NAME BINARY PORT PREFIX... : starts it, waits until it answers.
start_server() {
    local name=$1 bin=$2 port=$3
    shift 3
    "$@" "$bin" "$port" >"$WORK/$name.log" 2>&1 &
    local pid=$!
    SERVER_PIDS+=("$pid")
    PID_OF[$name]=$pid
    local url="http://127.0.0.1:$port$PATH_UPDATE" _
    for _ in $(seq 1 100); do
        kill -0 "$pid" 2>/dev/null || die "$name exited: $(cat "$WORK/$name.log")"
        if curl -s -o /dev/null --max-time 1 -H 'Content-Type: application/json' \
            --data "$BODY" "$url"; then
            return 0
        fi
        sleep 0.1
    done
    die "$name did not answer on 127.0.0.1:$port within 10 s"
}

# check_answer NAME URL: the exact body, status 200 and a JSON content type.
check_answer() {
    local name=$1 url=$2 code body
    code=$(post "$url" "$WORK/$name.headers" "$WORK/$name.body") || die "$name: request failed"
    body=$(cat "$WORK/$name.body")
    [[ $code == 200 ]] || die "$name answered HTTP $code: $body"
    [[ $body == "$EXPECTED" ]] || die "$name answered $body, expected $EXPECTED"
    grep -qi '^content-type: application/json' "$WORK/$name.headers" ||
        die "$name's content type is not application/json"
    echo "   $name answers $body"
}

# --- wrk ---------------------------------------------------------------------

# run_wrk URL SECONDS OUT_FILE PREFIX... : prints "rps p50_us p99_us requests".
run_wrk() {
    local url=$1 seconds=$2 out=$3
    shift 3
    # wrk stops by itself after -d; the timeout is a backstop.
    timeout $((seconds + 60)) "$@" wrk -t"$THREADS" -c"$CONNECTIONS" -d"${seconds}s" \
        --latency -s "$LUA" "$url" >"$out" 2>&1 || die "wrk failed: $(cat "$out")"
    local line
    line=$(grep '^BENCH ' "$out") || die "wrk printed no summary: $(cat "$out")"
    local non2xx socket
    non2xx=$(sed -n 's/.* non2xx=\([0-9]*\).*/\1/p' <<<"$line")
    socket=$(sed -n 's/.* socket_errors=\([0-9]*\).*/\1/p' <<<"$line")
    if [[ $non2xx != 0 || $socket != 0 ]]; then
        echo "   WARNING: $non2xx non-2xx answers and $socket socket errors ($url)" >&2
    fi
    sed -n 's/^BENCH rps=\([0-9.]*\) p50_us=\([0-9]*\) p99_us=\([0-9]*\) requests=\([0-9]*\).*/\1 \2 \3 \4/p' <<<"$line"
}

# cpu_ticks PID: user + system CPU time of a process, in clock ticks.
cpu_ticks() {
    awk '{ print $14 + $15 }' "/proc/$1/stat"
}
CLK_TCK=$(getconf CLK_TCK)

# median FILE COLUMN: the median of one column of numbers.
median() {
    awk -v c="$2" '{print $c}' "$1" | sort -g | awk '
        { v[NR] = $1 }
        END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# --- the comparison ----------------------------------------------------------

CPUS=$(nproc)
echo "== host: $CPUS CPUs ($(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)); $(wrk -v 2>&1 | head -n 1 | cut -d' ' -f1-2)"
echo "   wrk -t$THREADS -c$CONNECTIONS -d${DURATION}s --latency, $ROUNDS rounds per server, alternating"
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
echo "   load average before: $LOAD_BEFORE"
# How busy the CPUs are right now, in percent over 2 s (the load average lags).
busy_percent() {
    local a b
    a=$(head -n 1 /proc/stat)
    sleep 2
    b=$(head -n 1 /proc/stat)
    awk -v a="$a" -v b="$b" 'BEGIN {
        n = split(a, x); split(b, y); total = 0
        for (i = 2; i <= n; i++) total += y[i] - x[i]
        idle = (y[5] - x[5]) + (y[6] - x[6])
        printf "%.0f", total ? 100 * (total - idle) / total : 0
    }'
}
BUSY=$(busy_percent)
echo "   CPUs busy before the runs: ${BUSY}%"
if ((BUSY > 10)); then
    echo "   WARNING: other work is using the CPUs: expect noisy numbers" >&2
fi

SUMMARY="$WORK/summary.txt"
: >"$SUMMARY"

for mode in "${MODES[@]}"; do
    if [[ $mode == pinned ]]; then
        SERVER_PREFIX=(taskset -c "$SERVER_CPU")
        WRK_PREFIX=(taskset -c "$WRK_CPU")
        NOTE="servers pinned to CPU $SERVER_CPU, wrk pinned to CPU $WRK_CPU (taskset); tokio sizes its worker pool to the allowed CPUs"
    else
        SERVER_PREFIX=()
        WRK_PREFIX=()
        NOTE="no pinning: wrk and the server under load share all $CPUS CPUs"
    fi
    echo
    echo "== $mode: $NOTE"

    FD_PORT=$(free_port) || die "no free port"
    BARE_PORT=$(free_port "$FD_PORT") || die "no free port"
    start_server ferrodash "$FERRODASH_BIN" "$FD_PORT" "${SERVER_PREFIX[@]}"
    start_server bare-axum "$BARE_BIN" "$BARE_PORT" "${SERVER_PREFIX[@]}"
    FD_URL="http://127.0.0.1:$FD_PORT$PATH_UPDATE"
    BARE_URL="http://127.0.0.1:$BARE_PORT$PATH_UPDATE"
    check_answer ferrodash "$FD_URL"
    check_answer bare-axum "$BARE_URL"

    echo "   warm-up: ${WARMUP}s each"
    run_wrk "$FD_URL" "$WARMUP" "$WORK/warmup-fd.txt" "${WRK_PREFIX[@]}" >/dev/null
    run_wrk "$BARE_URL" "$WARMUP" "$WORK/warmup-bare.txt" "${WRK_PREFIX[@]}" >/dev/null

    : >"$WORK/$mode-ferrodash.txt"
    : >"$WORK/$mode-bare-axum.txt"
    for round in $(seq 1 "$ROUNDS"); do
        for name in ferrodash bare-axum; do
            url=$FD_URL
            [[ $name == bare-axum ]] && url=$BARE_URL
            before=$(cpu_ticks "${PID_OF[$name]}")
            result=$(run_wrk "$url" "$DURATION" "$WORK/$mode-$name-$round.txt" "${WRK_PREFIX[@]}")
            after=$(cpu_ticks "${PID_OF[$name]}")
            # Columns: req/s, p50 us, p99 us, requests, server CPU us per request.
            result=$(awk -v d=$((after - before)) -v t="$CLK_TCK" '{ print $1, $2, $3, $4, d * 1e6 / t / $4 }' <<<"$result")
            echo "$result" >>"$WORK/$mode-$name.txt"
            awk -v r="$round" -v n="$name" -v l="$(cut -d' ' -f1 /proc/loadavg)" '{
                printf "   round %d %-10s %8.0f req/s  p50 %6.3f ms  p99 %7.3f ms  server CPU %5.1f us/req  (load %s)\n",
                    r, n, $1, $2 / 1000, $3 / 1000, $5, l
            }' <<<"$result"
        done
    done
    stop_servers

    {
        echo
        echo "[$mode] $NOTE"
        printf '%-10s %10s %8s %9s %13s   %s\n' server "req/s" "p50 ms" "p99 ms" "CPU us/req" "req/s per round"
        for name in ferrodash bare-axum; do
            f="$WORK/$mode-$name.txt"
            printf '%-10s %10.0f %8.3f %9.3f %13.1f   %s\n' "$name" "$(median "$f" 1)" \
                "$(awk -v x="$(median "$f" 2)" 'BEGIN{print x/1000}')" \
                "$(awk -v x="$(median "$f" 3)" 'BEGIN{print x/1000}')" \
                "$(median "$f" 5)" \
                "$(awk '{printf "%s%.0f", (NR > 1 ? " " : ""), $1}' "$f")"
        done
        awk -v a="$(median "$WORK/$mode-ferrodash.txt" 1)" -v b="$(median "$WORK/$mode-bare-axum.txt" 1)" \
            -v ca="$(median "$WORK/$mode-ferrodash.txt" 5)" -v cb="$(median "$WORK/$mode-bare-axum.txt" 5)" \
            'BEGIN {
                r = a / b
                printf "ratio ferrodash/bare-axum (median req/s): %.3f  (target >= 0.75: %s)\n", r, (r >= 0.75 ? "met" : "NOT met")
                printf "server CPU per request, ferrodash/bare-axum: %.3f\n", ca / cb
            }'
    } >>"$SUMMARY"
done

echo
echo "== summary: medians of $ROUNDS rounds, wrk -t$THREADS -c$CONNECTIONS -d${DURATION}s, loopback"
echo "   note: wrk and the server under load run on the same $CPUS-CPU host (pinned: one CPU"
echo "   each; unpinned: shared), so these are relative numbers for comparing the two"
echo "   servers, not a capacity figure."
echo "   load average before: $LOAD_BEFORE, after: $(cut -d' ' -f1-3 /proc/loadavg) (other work on the host adds noise)"
echo "   CPU us/req: the server's user+system CPU time during the run divided by the requests it answered"
cat "$SUMMARY"
