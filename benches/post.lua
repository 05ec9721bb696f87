-- wrk script for run.sh: POST the renderer's callback request for the
-- benchmark app's `echo` callback (dash-protocol §6), then print one
-- machine-readable line that run.sh parses.

wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
-- The renderer's double-submit token, as after loading the page.
wrk.headers["Cookie"] = "_csrf_token=benchToken0123456789abcdefghijklmnopqrstuvw"
wrk.headers["X-CSRFToken"] = "benchToken0123456789abcdefghijklmnopqrstuvw"
wrk.body = '{"output":"out.children","outputs":{"id":"out","property":"children"},'
  .. '"inputs":[{"id":"text","property":"value","value":"hello"}],'
  .. '"changedPropIds":["text.value"]}'

function done(summary, latency, requests)
  local seconds = summary.duration / 1e6
  local e = summary.errors
  io.write(string.format(
    "BENCH rps=%.1f p50_us=%d p99_us=%d requests=%d non2xx=%d socket_errors=%d\n",
    summary.requests / seconds,
    latency:percentile(50), latency:percentile(99),
    summary.requests, e.status, e.connect + e.read + e.write + e.timeout))
end
