-- wrk script for benches/peer/run.sh: POSTs the callback body in the file
-- $BODY_FILE with the cookies in $COOKIE (the CSRF token and, for the Rust
-- portal, the login session), then prints one line run.sh parses.

local file = assert(io.open(os.getenv("BODY_FILE"), "r"))
wrk.method = "POST"
wrk.body = file:read("*a")
file:close()
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Cookie"] = os.getenv("COOKIE") or ""
wrk.headers["X-CSRFToken"] = os.getenv("TOKEN") or ""

function done(summary, latency, requests)
  local seconds = summary.duration / 1e6
  local e = summary.errors
  io.write(string.format(
    "BENCH rps=%.1f p50_us=%d p99_us=%d requests=%d non2xx=%d socket_errors=%d\n",
    summary.requests / seconds,
    latency:percentile(50), latency:percentile(99),
    summary.requests, e.status, e.connect + e.read + e.write + e.timeout))
end
