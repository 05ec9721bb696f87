#!/usr/bin/env bash
# Side-by-side benchmark: the usage portal (Rust) against the same report
# written in Python Dash 4.4.1 (benches/peer/dash_app.py), on the same data,
# on loopback, in one run. See benches/peer/README.md.
#
# Usage: benches/peer/run.sh
#
# Settings (environment):
#   DURATION=10        seconds per measured wrk run
#   WARMUP=2           seconds of warm-up before each measured run
#   CONCURRENCY="1 16 64"
#   DAYS=365           days of usage backfilled into the shared database
#   DASH_WORKERS=2     gunicorn workers (one per core)
#   WORK=$TMPDIR/ferrodash-peer   where the database, venv and logs go
#
# Everything listens on 127.0.0.1 only; every wait is bounded; the servers
# are stopped on exit.

set -euo pipefail

DURATION=${DURATION:-10}
WARMUP=${WARMUP:-2}
CONCURRENCY=${CONCURRENCY:-"1 16 64"}
DAYS=${DAYS:-365}
DASH_WORKERS=${DASH_WORKERS:-2}
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
WORK=${WORK:-${TMPDIR:-/tmp}/ferrodash-peer}
TARGET=${CARGO_TARGET_DIR:-$ROOT/target}
TOKEN=peerBenchToken0123456789abcdefghijklmnopqrs
mkdir -p "$WORK"
cd "$ROOT"

die() { echo "run.sh: $*" >&2; exit 1; }
say() { echo "== $*" >&2; }

PIDS=()
cleanup() {
    for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
}
trap cleanup EXIT

# --- Tools -------------------------------------------------------------------
if ! command -v wrk >/dev/null; then
    [ "$(id -u)" -eq 0 ] || die "please install wrk"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null
fi
VENV="$WORK/venv"
if [ ! -x "$VENV/bin/gunicorn" ]; then
    say "installing dash==4.4.1, pandas, plotly, gunicorn into $VENV"
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install -q dash==4.4.1 pandas plotly gunicorn
fi
DASH_VERSION=$("$VENV/bin/python" -c "import dash; print(dash.__version__)")
[ "$DASH_VERSION" = 4.4.1 ] || die "dash $DASH_VERSION in $VENV, expected 4.4.1"

say "building the release binaries"
cargo build --release --locked -q -p usage-portal -p ferrodash-bench-peer
BIN="$TARGET/release"

# --- Data ----------------------------------------------------------------------
DB="$WORK/peer.db"
if [ ! -s "$DB" ]; then
    say "backfilling $DAYS days of stand-in usage into $DB"
    PORTAL_DATABASE_URL="sqlite://$DB" PORTAL_LOG=warn "$BIN/usage-portal" backfill "$DAYS"
fi
read -r ROWS LAST_DAY FIRST_DAY < <("$VENV/bin/python" - "$DB" <<'EOF'
import sqlite3, sys
con = sqlite3.connect(sys.argv[1])
rows, last, first = con.execute("select count(*), max(day), min(day) from usage_records").fetchone()
print(rows, last, first)
EOF
)
FROM_92=$("$VENV/bin/python" -c "import datetime as d; print((d.date.fromisoformat('$LAST_DAY') - d.timedelta(days=91)).isoformat())")
say "$ROWS usage records, $FIRST_DAY to $LAST_DAY"

# --- Servers -------------------------------------------------------------------
free_port() { "$VENV/bin/python" -c "import socket; s=socket.socket(); s.bind(('127.0.0.1',0)); print(s.getsockname()[1])"; }
now_ms() { date +%s%3N; }
# wait_200 URL: milliseconds until URL first answers 200 (at most 120 s).
wait_200() {
    local start; start=$(now_ms)
    for _ in $(seq 1 1200); do
        if [ "$(curl -s -o /dev/null -w '%{http_code}' "$1")" = 200 ]; then
            echo $(( $(now_ms) - start )); return 0
        fi
        sleep 0.1
    done
    die "$1 did not answer 200"
}
# rss_kb PID: resident memory of PID and its children, in KiB.
rss_kb() {
    local pids; pids=$( { echo "$1"; pgrep -P "$1" || true; } | paste -sd, -)
    { ps -o rss= -p "$pids" 2>/dev/null || true; } | awk '{s+=$1} END {print s+0}'
}

# The first start adds the demo users; the measured start is the second.
RUST_NOMEMO_PORT=$(free_port)
"$BIN/peer-ferrodash" "$RUST_NOMEMO_PORT" "sqlite://$DB" no-memo >"$WORK/rust-nomemo.log" 2>&1 &
RUST_NOMEMO_PID=$!; PIDS+=("$RUST_NOMEMO_PID")
wait_200 "http://127.0.0.1:$RUST_NOMEMO_PORT/health" >/dev/null
RUST_PORT=$(free_port)
"$BIN/peer-ferrodash" "$RUST_PORT" "sqlite://$DB" memo >"$WORK/rust.log" 2>&1 &
RUST_PID=$!; PIDS+=("$RUST_PID")
RUST_START=$(wait_200 "http://127.0.0.1:$RUST_PORT/health")

DASH_PORT=$(free_port)
PEER_DB="$DB" PEER_ASSETS="$ROOT/apps/usage-portal/assets" \
    "$VENV/bin/gunicorn" -w "$DASH_WORKERS" -b "127.0.0.1:$DASH_PORT" --timeout 120 \
    --chdir "$HERE" dash_app:server >"$WORK/dash.log" 2>&1 &
DASH_PID=$!; PIDS+=("$DASH_PID")
DASH_START=$(wait_200 "http://127.0.0.1:$DASH_PORT/")
sleep 2
RUST_IDLE=$(rss_kb "$RUST_PID")
DASH_IDLE=$(rss_kb "$DASH_PID")

# Sessions for the Rust portal: a customer (northwind) and an admin.
session_of() { # PORT USER -> the session cookie's value
    curl -s -o /dev/null -D - -X POST "http://127.0.0.1:$1/login" \
        -H "Cookie: _csrf_token=$TOKEN" \
        --data-urlencode "username=$2" --data-urlencode "password=$2-demo-password" \
        --data-urlencode "csrf_token=$TOKEN" |
        sed -n 's/^[Ss]et-[Cc]ookie: ferrodash_session=\([^;]*\).*/\1/p' | head -1
}
cookie_for() { # PORT USER
    echo "_csrf_token=$TOKEN; ferrodash_session=$(session_of "$1" "$2")"
}
RUST_CUSTOMER=$(cookie_for "$RUST_PORT" northwind)
RUST_ADMIN=$(cookie_for "$RUST_PORT" admin)
NOMEMO_CUSTOMER=$(cookie_for "$RUST_NOMEMO_PORT" northwind)
NOMEMO_ADMIN=$(cookie_for "$RUST_NOMEMO_PORT" admin)

# --- Bodies ---------------------------------------------------------------------
report_body() { # ACCOUNT FROM TO
    cat <<EOF
{"output":"..view-title.children...total-hours.children...total-items.children...total-storage.children...total-deleted.children...total-projects.children...by-project.figure...storage.figure...by-month.figure..","outputs":[{"id":"view-title","property":"children"},{"id":"total-hours","property":"children"},{"id":"total-items","property":"children"},{"id":"total-storage","property":"children"},{"id":"total-deleted","property":"children"},{"id":"total-projects","property":"children"},{"id":"by-project","property":"figure"},{"id":"storage","property":"figure"},{"id":"by-month","property":"figure"}],"inputs":[{"id":"account","property":"value","value":"$1"},{"id":"days","property":"start_date","value":"$2"},{"id":"days","property":"end_date","value":"$3"},{"id":"projects","property":"value","value":null},{"id":"theme","property":"data","value":"light"}],"changedPropIds":["days.start_date"]}
EOF
}
report_body acc-01 "$FROM_92" "$LAST_DAY" >"$WORK/one.json"
report_body '*' "$FIRST_DAY" "$LAST_DAY" >"$WORK/all.json"
echo '{"output":"bench-out.children","outputs":{"id":"bench-out","property":"children"},"inputs":[{"id":"bench-in","property":"value","value":"hello"}],"changedPropIds":["bench-in.value"]}' >"$WORK/echo.json"

post() { # PORT BODY COOKIE OUT
    curl -s -o "$4" -w '%{http_code}' -X POST "http://127.0.0.1:$1/_dash-update-component" \
        -H 'Content-Type: application/json' -H "Cookie: $3" -H "X-CSRFToken: $TOKEN" \
        --data-binary "@$2"
}

# --- The same answers ---------------------------------------------------------------
for case in one all; do
    cookie=$RUST_CUSTOMER; [ $case = all ] && cookie=$RUST_ADMIN
    [ "$(post "$RUST_PORT" "$WORK/$case.json" "$cookie" "$WORK/rust-$case.out")" = 200 ] ||
        die "the Rust portal did not answer the $case report: $(head -c 300 "$WORK/rust-$case.out")"
    [ "$(post "$DASH_PORT" "$WORK/$case.json" "" "$WORK/dash-$case.out")" = 200 ] ||
        die "Dash did not answer the $case report: $(head -c 300 "$WORK/dash-$case.out")"
    say "report $case: $("$VENV/bin/python" "$HERE/compare.py" "$WORK/rust-$case.out" "$WORK/dash-$case.out")"
done
[ "$(post "$RUST_PORT" "$WORK/echo.json" "$RUST_CUSTOMER" "$WORK/rust-echo.out")" = 200 ] || die "Rust echo"
[ "$(post "$DASH_PORT" "$WORK/echo.json" "" "$WORK/dash-echo.out")" = 200 ] || die "Dash echo"
grep -q '"hello"' "$WORK/rust-echo.out" && grep -q '"hello"' "$WORK/dash-echo.out" || die "echo answers differ"

# --- Load -----------------------------------------------------------------------
RUST_PEAK=$RUST_IDLE
DASH_PEAK=$DASH_IDLE
RESULTS="$WORK/results.txt"
: >"$RESULTS"
# settle PORT: waits (at most 5 minutes) until the server at PORT answers
# its layout within 0.2 s: a server still working off requests that wrk
# left queued would take the CPU from the next measurement.
settle() {
    for _ in $(seq 1 600); do
        local t; t=$(curl -s -o /dev/null -m 60 -w '%{time_total}' "http://127.0.0.1:$1/_dash-layout" || echo 60)
        awk -v t="$t" 'BEGIN {exit !(t < 0.2)}' && return 0
        sleep 0.5
    done
    die "the server on port $1 did not settle"
}
# measure NAME PORT PID BODY COOKIE C: one warm-up and one measured wrk run,
# sampling the server's memory meanwhile. wrk waits up to 60 s for an
# answer, so a slow answer counts in the latency, not as an error.
measure() {
    local name=$1 port=$2 pid=$3 body=$4 cookie=$5 c=$6 threads=$(( $6 < 2 ? 1 : 2 ))
    settle "$port"
    BODY_FILE=$body COOKIE=$cookie TOKEN=$TOKEN wrk -t"$threads" -c"$c" -d"${WARMUP}s" --timeout 60s \
        -s "$HERE/peer.lua" "http://127.0.0.1:$port/_dash-update-component" >/dev/null
    settle "$port"
    local peak=0 out="$WORK/wrk.out"
    BODY_FILE=$body COOKIE=$cookie TOKEN=$TOKEN wrk -t"$threads" -c"$c" -d"${DURATION}s" --timeout 60s --latency \
        -s "$HERE/peer.lua" "http://127.0.0.1:$port/_dash-update-component" >"$out" &
    local wrk_pid=$!
    while kill -0 "$wrk_pid" 2>/dev/null; do
        local now; now=$(rss_kb "$pid"); [ "$now" -gt "$peak" ] && peak=$now
        sleep 0.5
    done
    wait "$wrk_pid"
    settle "$port"
    local line; line=$(grep '^BENCH' "$out") || die "wrk printed no result for $name"
    echo "$name c=$c $line peak_kb=$peak" | tee -a "$RESULTS" >&2
    echo "$peak"
}
for c in $CONCURRENCY; do
    for case in echo one all; do
        rust_cookie=$RUST_CUSTOMER; nomemo_cookie=$NOMEMO_CUSTOMER
        if [ $case = all ]; then rust_cookie=$RUST_ADMIN; nomemo_cookie=$NOMEMO_ADMIN; fi
        p=$(measure "rust-$case" "$RUST_PORT" "$RUST_PID" "$WORK/$case.json" "$rust_cookie" "$c")
        [ "$p" -gt "$RUST_PEAK" ] && RUST_PEAK=$p
        p=$(measure "dash-$case" "$DASH_PORT" "$DASH_PID" "$WORK/$case.json" "" "$c")
        [ "$p" -gt "$DASH_PEAK" ] && DASH_PEAK=$p
        if [ $case != echo ]; then
            measure "rust-nomemo-$case" "$RUST_NOMEMO_PORT" "$RUST_NOMEMO_PID" \
                "$WORK/$case.json" "$nomemo_cookie" "$c" >/dev/null
        fi
    done
done

# --- Page visits ------------------------------------------------------------------
settle "$RUST_PORT"
settle "$DASH_PORT"
RUST_VISIT=$("$BIN/peer-visit" "http://127.0.0.1:$RUST_PORT/" "http://127.0.0.1:$RUST_PORT/login" northwind northwind-demo-password | grep '^VISIT')
DASH_VISIT=$("$BIN/peer-visit" "http://127.0.0.1:$DASH_PORT/" | grep '^VISIT')

# --- Summary ----------------------------------------------------------------------------
"$VENV/bin/python" - "$RESULTS" <<EOF
import re, sys
rows = {}
for line in open(sys.argv[1]):
    name, c = line.split()[0], int(line.split()[1][2:])
    vals = dict(re.findall(r"(\w+)=([\d.]+)", line))
    rows[(name, c)] = {k: float(v) for k, v in vals.items()}
print()
print(f"dash {'$DASH_VERSION'} (gunicorn, $DASH_WORKERS workers) vs usage portal; $ROWS records; {'$DURATION'} s per run")
print(f"{'case':<22}{'c':>4}{'rust rps':>12}{'dash rps':>11}{'ratio':>8}{'rust p99 ms':>13}{'dash p99 ms':>13}{'p99 ratio':>11}")
for (name, c), r in sorted(rows.items(), key=lambda x: (x[0][1], x[0][0])):
    if not name.startswith("rust"):
        continue
    case = name.split("-")[-1]
    d = rows.get(("dash-" + case, c))
    if not d:
        continue
    print(f"{name:<22}{c:>4}{r['rps']:>12.0f}{d['rps']:>11.1f}{r['rps']/max(d['rps'],0.1):>8.1f}"
          f"{r['p99_us']/1000:>13.2f}{d['p99_us']/1000:>13.1f}{d['p99_us']/max(r['p99_us'],1):>11.1f}")
    if r["non2xx"] or r["socket_errors"] or d["non2xx"] or d["socket_errors"]:
        print(f"   errors: rust {r['non2xx']:.0f}/{r['socket_errors']:.0f} dash {d['non2xx']:.0f}/{d['socket_errors']:.0f}")
rv = dict(re.findall(r"(\w+)=(\d+)", "$RUST_VISIT"))
dv = dict(re.findall(r"(\w+)=(\d+)", "$DASH_VISIT"))
print()
print(f"RSS idle   rust {$RUST_IDLE/1024:.0f} MiB  dash {$DASH_IDLE/1024:.0f} MiB  ratio {$RUST_IDLE/$DASH_IDLE:.3f}")
print(f"RSS peak   rust {$RUST_PEAK/1024:.0f} MiB  dash {$DASH_PEAK/1024:.0f} MiB  ratio {$RUST_PEAK/$DASH_PEAK:.3f}")
print(f"start-up   rust {$RUST_START} ms  dash {$DASH_START} ms  ratio {$RUST_START/$DASH_START:.3f}")
print(f"first visit  rust {int(rv['first'])/1024:.0f} KiB  dash {int(dv['first'])/1024:.0f} KiB  ratio {int(rv['first'])/int(dv['first']):.3f}")
print(f"repeat visit rust {int(rv['repeat'])/1024:.0f} KiB  dash {int(dv['repeat'])/1024:.0f} KiB  ratio {int(rv['repeat'])/max(int(dv['repeat']),1):.3f}")
EOF
