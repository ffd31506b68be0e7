"""Drive `wrk` with a generated Lua script: rotate requests (tokens, cookies, ids), count non-2xx answers and
report the summary as one JSON line that `run_wrk` parses."""

import json
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

WRK = "/usr/bin/wrk"
MARKER = "BENCH_JSON "


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    headers: dict[str, str] = field(default_factory=dict)
    body: str | None = None  # a template: `%d` placeholders get the wrk thread number and a counter

    def render_body(self, thread: int = 0, counter: int = 0) -> str | None:
        return None if self.body is None else self.body % (thread, counter)


@dataclass(frozen=True)
class Result:
    requests: int
    seconds: float
    p50_ms: float
    p99_ms: float
    non2xx: int
    socket_errors: int

    @property
    def rate(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


_LUA = r"""
local reqs = {
%(requests)s
}
local n = #reqs
local formatted = {}
local threads = {}
local index = 0
local counter = 0
non2xx = 0

function setup(thread)
  thread:set("id", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  for i, r in ipairs(reqs) do
    if r.body == nil then formatted[i] = wrk.format(r.method, r.path, r.headers) end
  end
  index = ((id or 1) * 7919) %% n
end

function request()
  index = index %% n + 1
  local r = reqs[index]
  if r.body == nil then return formatted[index] end
  counter = counter + 1
  return wrk.format(r.method, r.path, r.headers, string.format(r.body, id or 0, counter))
end

function response(status, headers, body)
  if status < 200 or status > 299 then non2xx = non2xx + 1 end
end

function done(summary, latency, requests)
  local bad = 0
  for _, t in ipairs(threads) do bad = bad + (t:get("non2xx") or 0) end
  local e = summary.errors
  io.write(string.format(
    '%(marker)s{"requests": %%d, "duration_us": %%d, "p50_us": %%d, "p99_us": %%d, "non2xx": %%d, "socket": %%d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99), bad,
    e.connect + e.read + e.write + e.timeout))
end
"""


def _lua_string(value: str) -> str:
    return json.dumps(value)  # a JSON string literal is a valid Lua string literal for our ASCII inputs


def lua_script(requests: list[Request]) -> str:
    rows = []
    for r in requests:
        headers = ", ".join(f"[{_lua_string(k)}] = {_lua_string(v)}" for k, v in r.headers.items())
        body = "nil" if r.body is None else _lua_string(r.body)
        rows.append(f"  {{method = {_lua_string(r.method)}, path = {_lua_string(r.path)}, "
                    f"headers = {{{headers}}}, body = {body}}},")
    return _LUA % {"requests": "\n".join(rows), "marker": MARKER}


def run_wrk(base_url: str, requests: list[Request], *, threads: int, connections: int, duration: int,
            timeout_s: int = 5) -> Result:
    """Run wrk for `duration` seconds over the rotating requests and parse its summary."""
    with tempfile.NamedTemporaryFile("w", suffix=".lua", prefix="ruche-bench-", delete=False) as script:
        script.write(lua_script(requests))
    try:
        completed = subprocess.run(
            [WRK, f"-t{threads}", f"-c{connections}", f"-d{duration}s", f"--timeout={timeout_s}s", "-s",
             script.name, base_url],
            capture_output=True, text=True, timeout=duration + 60, check=False,
        )
    finally:
        Path(script.name).unlink(missing_ok=True)
    for line in completed.stdout.splitlines():
        if line.startswith(MARKER):
            data = json.loads(line[len(MARKER):])
            return Result(requests=data["requests"], seconds=data["duration_us"] / 1e6,
                          p50_ms=data["p50_us"] / 1000, p99_ms=data["p99_us"] / 1000, non2xx=data["non2xx"],
                          socket_errors=data["socket"])
    raise RuntimeError(f"wrk gave no summary (exit {completed.returncode}): {completed.stderr or completed.stdout}")
