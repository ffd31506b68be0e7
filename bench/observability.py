"""What the observability middleware costs a request: 10,000 requests to `/api/v1/ping` per round, configurations
interleaved round after round (the machine is shared: interleaving spreads its noise over all of them), median
per-request CPU time of the process for each.

Two ways in: `--via asgi` (default) calls the application directly with a minimal HTTP scope, so the difference
is the middleware's and not drowned in the client's own ~400 µs; `--via httpx` goes through httpx's
ASGITransport (the whole client, much noisier).

    python -m bench.observability [--requests 10000] [--rounds 7] [--via asgi|httpx]

Configurations: `off` (neither setting: no middleware), `metrics` (RUCHE_METRICS_TOKEN), `ids` (RUCHE_LOG_FORMAT=
json with INFO disabled: the request id and its header only), `json` (JSON logs: id, header and the access line,
written to /dev/null), `both`."""

import argparse
import asyncio
import logging
import os
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
from pydantic import SecretStr

from app.config import Settings
from app.main import create_app
from app.observability.logging import JsonFormatter

CONFIGS: dict[str, dict[str, Any]] = {
    "off": {},
    "metrics": {"METRICS_TOKEN": SecretStr("t" * 32)},
    "ids": {"LOG_FORMAT": "json"},
    "json": {"LOG_FORMAT": "json"},
    "both": {"METRICS_TOKEN": SecretStr("t" * 32), "LOG_FORMAT": "json"},
}


async def round_httpx(app: Any, requests: int) -> float:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://b") as client:
        for _ in range(200):  # warm-up
            await client.get("/api/v1/ping")
        start = time.process_time()
        for _ in range(requests):
            await client.get("/api/v1/ping")
        return (time.process_time() - start) / requests


async def round_asgi(app: Any, requests: int) -> float:
    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        return None

    def scope() -> dict[str, Any]:
        return {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET", "scheme": "http",
                "path": "/api/v1/ping", "raw_path": b"/api/v1/ping", "root_path": "", "query_string": b"",
                "headers": [(b"host", b"b"), (b"accept", b"*/*"), (b"user-agent", b"bench")],
                "client": ("127.0.0.1", 5000), "server": ("b", 80), "state": {}}

    for _ in range(200):
        await app(scope(), receive, send)
    start = time.process_time()
    for _ in range(requests):
        await app(scope(), receive, send)
    return (time.process_time() - start) / requests


async def main(requests: int, rounds: int, via: str) -> None:
    one_round = round_asgi if via == "asgi" else round_httpx
    data = Path(tempfile.mkdtemp(prefix="ruche-bench-obs-"))
    base = Settings(DATA_DIR=data, SECRET_KEY=SecretStr("b" * 48))  # ping touches no database: no lifespan
    apps = {name: create_app(base.model_copy(update=changes)) for name, changes in CONFIGS.items()}
    sink = logging.StreamHandler(open(os.devnull, "w"))  # lives as long as the process
    sink.setFormatter(JsonFormatter())
    logging.getLogger().addHandler(sink)
    access = logging.getLogger("ruche.access")
    logging.getLogger("httpx").setLevel(logging.WARNING)
    times: dict[str, list[float]] = {name: [] for name in CONFIGS}
    for _ in range(rounds):
        for name, app in apps.items():
            access.setLevel(logging.INFO if name in ("json", "both") else logging.WARNING)
            times[name].append(await one_round(app, requests))
    off = statistics.median(times["off"])
    for name, values in times.items():
        median = statistics.median(values)
        print(f"{name:8} {median * 1e6:7.1f} µs/request  ({(median - off) * 1e6:+6.1f} µs vs off; "
              f"rounds {', '.join(f'{v * 1e6:.1f}' for v in values)})")


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--via", choices=("asgi", "httpx"), default="asgi")
    args = parser.parse_args()
    asyncio.run(main(args.requests, args.rounds, args.via))
