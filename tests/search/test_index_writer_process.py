"""`ruche serve` writes the search index from a lower-priority process of its own (app/search/process.py)."""

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from app.search.process import INDEXER_NICE, IndexWriterProcess

SLEEPER = [sys.executable, "-c", "import time; time.sleep(120)"]


def _wait(condition, timeout: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    with open(f"/proc/{pid}/stat") as f:
        return f.read().rsplit(")", 1)[1].split()[0] != "Z"


def test_runs_below_the_web_workers_priority_is_restarted_and_stops() -> None:
    writer = IndexWriterProcess(SLEEPER).start()
    try:
        first = writer.pid
        assert first is not None
        assert os.getpriority(os.PRIO_PROCESS, first) == min(19, os.getpriority(os.PRIO_PROCESS, 0) + INDEXER_NICE)
        if hasattr(os, "SCHED_IDLE"):
            assert os.sched_getscheduler(first) == os.SCHED_IDLE
        # Same session (Linux weighs `nice` only within a session's "autogroup"), own process group (no Ctrl-C).
        assert os.getsid(first) == os.getsid(0) and os.getpgid(first) == first != os.getpgid(0)
        os.kill(first, 9)
        assert _wait(lambda: writer.pid != first and writer.pid is not None and _alive(writer.pid))
    finally:
        writer.stop()
    last = writer.pid
    assert last is not None and not _alive(last)
    time.sleep(2.5)  # longer than the restart delay: nothing comes back
    assert writer.pid == last


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.mark.skipif(sys.platform != "linux", reason="process priorities and /proc")
def test_ruche_serve_indexes_new_posts_from_its_writer_process(tmp_path: Path) -> None:
    port = _free_port()
    env = {**os.environ, "RUCHE_DATA_DIR": str(tmp_path), "RUCHE_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path}/r.db",
           "RUCHE_SECRET_KEY": "s" * 40, "RUCHE_REDIS_URL": "", "RUCHE_ARGON2_MEMORY_KIB": "8192"}
    env.pop("RUCHE_SEARCH_INDEXER", None)
    server = subprocess.Popen([sys.executable, "-c", "from app.cli import main; main()", "serve", "--port", str(port),
                               "--workers", "2"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    niced: list[str] = []
    try:
        assert _wait(lambda: _get(base + "/healthz") == 200, 60)
        with httpx.Client(base_url=base, timeout=10) as client:
            r = client.post("/api/v1/auth/register", json={"email": "iris@example.com", "password": "correct horse battery",
                                                           "display_name": "Iris Index"})
            assert r.status_code == 201, r.text
            token = client.post("/api/v1/auth/token", data={"username": "iris@example.com",
                                                            "password": "correct horse battery"}).json()["access_token"]
            headers = {"Authorization": f"Bearer {token}"}
            assert client.post("/api/v1/posts", json={"body": "Benchmark des parapluies #veille"},
                               headers=headers).status_code == 201

            def found() -> bool:
                time.sleep(1.4)  # 30 searches a minute per member: polling faster would be answered 429
                r = client.get("/api/v1/search", params={"q": "parapluies"}, headers=headers)
                return r.status_code == 200 and bool(r.json()["items"])

            assert _wait(found, 30)  # the writer runs under SCHED_IDLE: on a loaded machine it waits for CPU
        children = subprocess.run(["pgrep", "-P", str(server.pid)], capture_output=True, text=True,
                                  check=False).stdout.split()
        niced = [pid for pid in children if os.getpriority(os.PRIO_PROCESS, int(pid)) >= INDEXER_NICE]
        assert len(niced) == 1  # the writer; the web workers keep the server's priority
        idle = [pid for pid in children if os.sched_getscheduler(int(pid)) == os.SCHED_IDLE]
        assert idle == niced
    finally:
        server.terminate()
        server.wait(30)
    assert not any(_alive(int(pid)) for pid in niced)


def _get(url: str) -> int:
    try:
        return httpx.get(url, timeout=2).status_code
    except httpx.HTTPError:
        return 0
