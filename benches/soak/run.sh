#!/usr/bin/env bash
# Soak: the usage portal's release build under SESSIONS browser-like
# sessions (default 500) for 30 minutes, its memory sampled every 10 s.
# Builds both binaries in release, backfills a fresh database in a new
# temporary folder with the stand-in platform's usage (the portal's default
# data), adds one user per session, starts the portal on a free loopback
# port, runs `bench-soak run`, and stops the portal. See README.md.
#
# Usage: benches/soak/run.sh [bench-soak run options]
#   benches/soak/run.sh                      # the 30-minute run
#   benches/soak/run.sh --duration 120 --warmup 30   # a 2-minute smoke
#
# Settings (environment): SESSIONS=500, ADMINS=10 (the first ADMINS sessions
# log in as admins), WORK (the folder; default a new one under $TMPDIR, kept
# with the database, the portal's log and the report), PORTAL_LOG=warn,
# PORTAL_ENV (more variables for the portal process alone, such as
# PORTAL_ENV="MALLOC_ARENA_MAX=2"), PORTAL_BIN (another build of the portal
# to run, such as one without the jemalloc feature, for side-by-side runs).
# Everything listens on 127.0.0.1 only; every wait is bounded; the portal is
# stopped on exit. Exit status: 0 when the run had no error.

set -euo pipefail
SESSIONS=${SESSIONS:-500}
ADMINS=${ADMINS:-10}
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
TARGET=${CARGO_TARGET_DIR:-$ROOT/target}
WORK=${WORK:-$(mktemp -d "${TMPDIR:-/tmp}/ferrodash-soak.XXXXXX")}
mkdir -p "$WORK"
cd "$ROOT"

die() { echo "run.sh: $*" >&2; exit 2; }
say() { echo "== $*" >&2; }

PORTAL=""
cleanup() {
    if [ -n "$PORTAL" ] && kill -0 "$PORTAL" 2>/dev/null; then
        kill -TERM "$PORTAL" 2>/dev/null || true
        for _ in $(seq 1 100); do kill -0 "$PORTAL" 2>/dev/null || break; sleep 0.2; done
        kill -KILL "$PORTAL" 2>/dev/null || true
    fi
}
trap cleanup EXIT

say "building usage-portal and ferrodash-bench-soak in release"
cargo build --release --locked -q -p usage-portal -p ferrodash-bench-soak
BIN="$TARGET/release"
PORTAL_BIN=${PORTAL_BIN:-$BIN/usage-portal}
[ -x "$PORTAL_BIN" ] || die "no portal program at $PORTAL_BIN"

DB="sqlite://$WORK/portal.db"
say "backfilling the stand-in platform's usage into $WORK/portal.db"
PORTAL_DATABASE_URL="$DB" PORTAL_LOG=warn "$PORTAL_BIN" backfill
say "adding $SESSIONS users ($ADMINS admins)"
"$BIN/bench-soak" setup "$DB" "$SESSIONS" "$ADMINS"

EXTRA=()
if ! command -v chromium >/dev/null && [ -z "${FERRODASH_CHROMIUM:-}" ]; then
    say "no chromium: the PDF exports are left out (--pdf-every 0)"
    EXTRA+=(--pdf-every 0)
fi

PORT=$(python3 -c "import socket; s=socket.socket(); s.bind(('127.0.0.1',0)); print(s.getsockname()[1])")
say "starting the portal on 127.0.0.1:$PORT (log: $WORK/portal.log)"
# shellcheck disable=SC2086 # PORTAL_ENV is a list of NAME=VALUE words.
env ${PORTAL_ENV:-} PORTAL_ADDR="127.0.0.1:$PORT" PORTAL_DATABASE_URL="$DB" \
    PORTAL_REPORTS_DIR="$WORK/reports" PORTAL_LOG="${PORTAL_LOG:-warn}" PORTAL_LOG_FORMAT=json \
    "$PORTAL_BIN" >"$WORK/portal.log" 2>&1 &
PORTAL=$!
for _ in $(seq 1 300); do
    [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/health")" = 200 ] && break
    kill -0 "$PORTAL" 2>/dev/null || die "the portal exited: $(tail -5 "$WORK/portal.log")"
    sleep 0.1
done
[ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/health")" = 200 ] ||
    die "the portal does not answer on port $PORT"

say "load average before: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores"
STATUS=0
"$BIN/bench-soak" run --url "http://127.0.0.1:$PORT" --pid "$PORTAL" \
    --sessions "$SESSIONS" --admins "$ADMINS" --out "$WORK" "${EXTRA[@]}" "$@" || STATUS=$?
say "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
kill -0 "$PORTAL" 2>/dev/null || { say "the portal is gone"; STATUS=1; }
say "the portal's log ($WORK/portal.log), warnings and errors by message:"
python3 - "$WORK/portal.log" >&2 <<'PY'
import collections, json, sys
seen = collections.Counter()
for line in open(sys.argv[1], errors="replace"):
    try:
        entry = json.loads(line)
    except ValueError:
        continue
    if entry.get("level") in ("WARN", "ERROR"):
        seen[(entry["level"], entry.get("fields", {}).get("message", "?"))] += 1
for (level, message), n in seen.most_common(10):
    print(f"{n:>8} {level} {message[:300]}")
print(f"{sum(seen.values()):>8} in all")
PY
say "report: $WORK/soak-report.md and $WORK/soak-report.json"
exit "$STATUS"
