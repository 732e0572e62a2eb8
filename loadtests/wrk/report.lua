-- wrk reporter for loadtests/run.
--
-- Prints one machine-readable line after the run:
--   WRK_RESULT requests=N duration_s=S rps=R bytes=B p50_us=.. p90_us=.. p99_us=.. p999_us=.. max_us=..
--              mean_us=.. errors=E connect_errors=.. read_errors=.. write_errors=.. status_errors=.. timeout_errors=..
-- Latency is wrk's own (closed loop: it does not correct for coordinated omission).
--
-- Optional request shaping through the environment (wrk -s passes no arguments to scripts reliably):
--   WRK_METHOD      HTTP method (default GET)
--   WRK_BODY_BYTES  send a body of this many bytes ('x' repeated) on every request
--   WRK_HOST        Host header to send (virtual-host scenarios)

local method = os.getenv("WRK_METHOD")
local body_bytes = tonumber(os.getenv("WRK_BODY_BYTES") or "")
local host = os.getenv("WRK_HOST")

if method ~= nil and method ~= "" then
  wrk.method = method
end

if body_bytes ~= nil and body_bytes > 0 then
  wrk.body = string.rep("x", body_bytes)
  wrk.headers["Content-Type"] = "application/octet-stream"
end

if host ~= nil and host ~= "" then
  wrk.headers["Host"] = host
end

local function field(name, value)
  return string.format("%s=%s", name, value)
end

done = function(summary, latency, requests)
  local seconds = summary.duration / 1e6
  local errors = summary.errors
  local total_errors = errors.connect + errors.read + errors.write + errors.status + errors.timeout
  local parts = {
    "WRK_RESULT",
    field("requests", summary.requests),
    field("duration_s", string.format("%.3f", seconds)),
    field("rps", string.format("%.1f", seconds > 0 and summary.requests / seconds or 0)),
    field("bytes", summary.bytes),
    field("p50_us", latency:percentile(50)),
    field("p90_us", latency:percentile(90)),
    field("p99_us", latency:percentile(99)),
    field("p999_us", latency:percentile(99.9)),
    field("max_us", latency.max),
    field("mean_us", string.format("%.1f", latency.mean)),
    field("errors", total_errors),
    field("connect_errors", errors.connect),
    field("read_errors", errors.read),
    field("write_errors", errors.write),
    field("status_errors", errors.status),
    field("timeout_errors", errors.timeout),
  }
  io.write(table.concat(parts, " ") .. "\n")
end
