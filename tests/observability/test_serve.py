"""`ruche serve --workers 2` with metrics and JSON logs: a scrape answered by either worker counts the requests of
both (prometheus-client's multiprocess mode), and every line the server writes is one JSON object."""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from app.config import ROOT_DIR
from tests.live.cluster import free_port

pytestmark = pytest.mark.slow
TOKEN = "serve-scrape-token-0123456789"


def ping_count(text: str) -> float:
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name == "ruche_http_requests_total" and sample.labels["route"] == "/api/v1/ping":
                return sample.value
    return 0.0


def test_two_workers_one_scrape_and_json_lines(tmp_path: Path) -> None:
    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT_DIR), "RUCHE_DATA_DIR": str(tmp_path), "RUCHE_METRICS_TOKEN": TOKEN,
           "RUCHE_LOG_FORMAT": "json", "RUCHE_SEARCH_INDEXER": "off", "RUCHE_RATE_LIMITS": "off"}
    for name in ("RUCHE_DATABASE_URL", "RUCHE_REDIS_URL", "PROMETHEUS_MULTIPROC_DIR"):
        env.pop(name, None)
    stdout, stderr = (tmp_path / "out.log").open("w"), (tmp_path / "err.log").open("w")
    server = subprocess.Popen(
        [sys.executable, "-c", "from app.cli import main; main()", "serve", "--port", str(port), "--workers", "2"],
        cwd=tmp_path, env=env, stdout=stdout, stderr=stderr)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{base}/readyz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline and server.poll() is None, (tmp_path / "err.log").read_text()
            time.sleep(0.2)
        ids = []
        for n in range(40):  # a new connection each time: the kernel spreads them over both workers
            r = httpx.get(f"{base}/api/v1/ping", headers={"X-Request-ID": f"ping-{n}"})
            assert r.status_code == 200
            ids.append(r.headers["x-request-id"])
        assert ids == [f"ping-{n}" for n in range(40)]
        time.sleep(0.5)
        workers = {path.name for path in (tmp_path / "metrics").glob("counter_*.db")}
        assert len(workers) == 2, workers  # both workers answered requests...
        for _ in range(6):  # ...and every scrape, whichever worker answers it, counts all of them
            r = httpx.get(f"{base}/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
            assert r.status_code == 200
            assert ping_count(r.text) == 40.0
        assert httpx.get(f"{base}/metrics").status_code == 401
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=40)
        stdout.close()
        stderr.close()
    lines = [line for name in ("out.log", "err.log") for line in (tmp_path / name).read_text().splitlines() if line]
    entries = [json.loads(line) for line in lines]  # every line is one JSON object
    assert any(entry["logger"].startswith("uvicorn") for entry in entries)
    access = {entry["request_id"] for entry in entries if entry["logger"] == "ruche.access"
              and entry["route"] == "/api/v1/ping"}
    assert access == set(ids)
