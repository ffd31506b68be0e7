"""SIGTERM to `ruche serve --workers 2` under a bounded load (issue 18, SECURITY.md "shutdown"): every request the
server had accepted before the signal is answered (no 5xx, no reset connection), open websockets are closed with
1012, the workers and the search index writer stop, and the command exits with 0 within 30 s.

The server is a real subprocess: the signal path (uvicorn's supervisor forwarding SIGTERM to its workers, each
draining its connections, then `ruche serve` stopping its index writer) exists only there."""

import asyncio
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import uuid
import warnings
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
import websockets

from app.config import ROOT_DIR
from tests.conftest import TEST_DB_URL
from tests.live.cluster import free_port, redis_reachable, redis_url

PASSWORD = "correct horse battery"
FAST_CLIENTS = 12
SLOW_CLIENTS = 4
SIGNAL_AFTER_S = 1.0
# A slow request's body trickles in over this long: it starts before the signal and is still arriving after it.
SLOW_BODY_S = 3.0
STOP_WITHIN_S = 30.0


@dataclass
class Outcome:
    kind: str
    started: float
    ended: float
    status: int | None = None
    error: str | None = None


class Server:
    def __init__(self, database_url: str | None, workers: int = 2) -> None:
        self.data_dir = Path(tempfile.mkdtemp(prefix="ruche-sigterm-"))
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log_path = self.data_dir / "serve.log"
        env = {k: v for k, v in os.environ.items() if not k.startswith("RUCHE_")}
        env.update({
            # The worktree's code, not the editable install's.
            "PYTHONPATH": str(ROOT_DIR),
            "RUCHE_DATA_DIR": str(self.data_dir),
            "RUCHE_DATABASE_URL": database_url or f"sqlite:///{self.data_dir / 'ruche.db'}",
            "RUCHE_SECRET_KEY": "sigterm-test-secret-key-0123456789-abcdefghijkl",
            "RUCHE_ARGON2_MEMORY_KIB": "1024", "RUCHE_ARGON2_TIME_COST": "1",
            "RUCHE_RATE_LIMITS": "off", "RUCHE_POST_INTERVAL_S": "0",
        })
        url = redis_url()
        if redis_reachable(url):  # two workers: live events cross them through Redis
            env["RUCHE_REDIS_URL"] = url
            env["RUCHE_REDIS_PREFIX"] = f"ruche-sigterm-{uuid.uuid4().hex[:8]}"
        self.log = self.log_path.open("wb")
        self.proc = subprocess.Popen(
            [sys.executable, "-c", "from app.cli import main; main()", "serve", "--host", "127.0.0.1", "--port", str(self.port),
             "--workers", str(workers)],
            cwd=ROOT_DIR, env=env, stdout=self.log, stderr=subprocess.STDOUT,
        )

    def wait_healthy(self, timeout: float = 120) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise AssertionError(f"ruche serve exited with {self.proc.returncode}:\n{self.output()}")
            try:
                if httpx.get(f"{self.base}/healthz", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.3)
        raise AssertionError(f"ruche serve did not become healthy:\n{self.output()}")

    def descendants(self) -> list[int]:
        """Every process below `ruche serve`: its two workers and the index writer (and what they started)."""
        children: dict[int, list[int]] = {}
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            ppid = int(stat.rsplit(")", 1)[1].split()[1])
            children.setdefault(ppid, []).append(int(entry.name))
        found, todo = [], [self.proc.pid]
        while todo:
            for child in children.get(todo.pop(), []):
                found.append(child)
                todo.append(child)
        return found

    def output(self) -> str:
        self.log.flush()
        return self.log_path.read_text(errors="replace")[-6000:]

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(10)
        self.log.close()


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.fixture
def start_server(request: pytest.FixtureRequest) -> Iterator[Callable[[int], Server]]:
    if sys.platform != "linux":
        pytest.skip("reads /proc")
    database_url = None
    if TEST_DB_URL:
        # The session's test database, already at head (`ruche serve` migrates at start: nothing to do).
        request.getfixturevalue("database_url")
        database_url = TEST_DB_URL
    started: list[Server] = []

    def start(workers: int) -> Server:
        started.append(Server(database_url, workers))
        return started[-1]

    try:
        yield start
    finally:
        for s in started:
            s.stop()
        if TEST_DB_URL and started:
            asyncio.run(_empty(TEST_DB_URL))


async def _empty(url: str) -> None:
    from sqlalchemy.ext.asyncio import create_async_engine

    from app.config import async_url
    from tests.conftest import truncate_all

    engine = create_async_engine(async_url(url))
    try:
        await truncate_all(engine)
    finally:
        await engine.dispose()


async def _member(base: str) -> str:
    email = f"sigterm-{uuid.uuid4().hex[:8]}@example.com"
    async with httpx.AsyncClient(base_url=base, timeout=30) as client:
        r = await client.post("/api/v1/auth/register",
                              json={"email": email, "password": PASSWORD, "display_name": "Sigrid Term"})
        assert r.status_code == 201, r.text
        t = await client.post("/api/v1/auth/token", data={"username": email, "password": PASSWORD})
        assert t.status_code == 200, t.text
        return str(t.json()["access_token"])


async def _record(outcomes: list[Outcome], kind: str, send: Any) -> Outcome:
    outcome = Outcome(kind, time.monotonic(), 0.0)
    try:
        response = await send()
        outcome.status = response.status_code
    except httpx.HTTPError as exc:
        outcome.error = type(exc).__name__
    outcome.ended = time.monotonic()
    outcomes.append(outcome)
    return outcome


async def _fast_client(base: str, token: str, n: int, outcomes: list[Outcome], stop: asyncio.Event) -> None:
    """Feed reads and post writes on one kept-alive connection, until the server refuses or the test ends."""
    async with httpx.AsyncClient(base_url=base, timeout=60, headers={"Authorization": f"Bearer {token}"}) as c:
        i = 0
        while not stop.is_set():
            i += 1
            if i % 2:
                outcome = await _record(outcomes, "feed", lambda: c.get("/api/v1/feed"))
            else:
                outcome = await _record(outcomes, "post",
                                        lambda: c.post("/api/v1/posts", json={"body": f"load {n}.{i}"}))
            if outcome.error is not None:
                return


async def _slow_client(base: str, token: str, n: int, outcomes: list[Outcome]) -> None:
    """A post whose body the client streams over SLOW_BODY_S: a request the server is still receiving when the
    signal comes, the longest kind of in-flight request."""

    async def body() -> AsyncIterator[bytes]:
        yield b'{"body": "slow post ' + str(n).encode()
        steps = 30
        for _ in range(steps):
            await asyncio.sleep(SLOW_BODY_S / steps)
            yield b" ."
        yield b'"}'

    async with httpx.AsyncClient(base_url=base, timeout=60, headers={"Authorization": f"Bearer {token}"}) as c:
        await _record(outcomes, "slow", lambda: c.post("/api/v1/posts", content=body(),
                                                       headers={"Content-Type": "application/json"}))


async def _close_code(sock: Any) -> int | None:
    try:
        while True:
            await sock.recv()
    except websockets.ConnectionClosed as closed:
        return closed.rcvd.code if closed.rcvd is not None else None


@pytest.mark.slow
async def test_sigterm_under_load_answers_accepted_requests_and_exits_0_within_30s(
    start_server: Callable[[int], Server],
) -> None:
    server = start_server(2)
    await asyncio.to_thread(server.wait_healthy)
    token = await _member(server.base)
    processes = server.descendants()
    assert len(processes) >= 3, f"expected two workers and the index writer below ruche serve: {processes}"

    ws_url = f"ws://127.0.0.1:{server.port}/api/v1/live?token={token}"
    async with websockets.connect(ws_url, open_timeout=30) as sock:
        await sock.send(json.dumps({"type": "ping"}))
        while json.loads(await asyncio.wait_for(sock.recv(), 30)).get("type") != "pong":
            pass
        closing = asyncio.create_task(_close_code(sock))

        outcomes: list[Outcome] = []
        stop = asyncio.Event()
        load = [asyncio.create_task(_fast_client(server.base, token, n, outcomes, stop)) for n in range(FAST_CLIENTS)]
        load += [asyncio.create_task(_slow_client(server.base, token, n, outcomes)) for n in range(SLOW_CLIENTS)]
        await asyncio.sleep(SIGNAL_AFTER_S)
        signalled = time.monotonic()
        os.kill(server.proc.pid, signal.SIGTERM)

        code = await asyncio.to_thread(_wait, server.proc, STOP_WITHIN_S + 30)
        stopped_after = time.monotonic() - signalled
        stop.set()
        done, pending = await asyncio.wait(load, timeout=60)
        assert not pending, f"{len(pending)} clients still waiting 60 s after SIGTERM: {outcomes}\n{server.output()}"
        for task in done:
            task.result()
        try:
            close_code = await asyncio.wait_for(closing, 30)
        except TimeoutError:
            raise AssertionError(f"the websocket is still open after the stop\n{server.output()}") from None

    log = server.output()
    before = [o for o in outcomes if o.started < signalled]
    after = [o for o in outcomes if o.started >= signalled]
    slow = [o for o in outcomes if o.kind == "slow"]
    assert code == 0, f"exit code {code}\n{log}"
    assert stopped_after < STOP_WITHIN_S, f"stopped {stopped_after:.1f} s after SIGTERM\n{log}"
    # The test proves something: the slow posts were still being received when the signal came.
    assert len(slow) == SLOW_CLIENTS and all(o.started < signalled < o.ended for o in slow), slow
    assert [o for o in outcomes if o.status is not None and o.status >= 500] == []
    dropped = [o for o in before if o.error is not None or o.status is None]
    assert dropped == [], f"requests sent before SIGTERM without an answer: {dropped}\n{log}"
    assert all(o.status == 201 for o in slow), slow
    assert len(before) > FAST_CLIENTS, "the load never got going"
    # After the signal a request may be refused (the listening socket is closed; a kept-alive connection the
    # server closed while idle): it was never accepted. No 5xx either way (checked above).
    assert after, "no request was tried after the signal"
    assert close_code == 1012
    if "did not stop within" in log:  # bounded (app.main), so the stop still succeeded: say where it hung
        warnings.warn("a component hung in its stop:\n" + log, stacklevel=1)
    await asyncio.sleep(0.5)
    assert [pid for pid in processes if _alive(pid)] == [], "workers or index writer left running"


def _wait(proc: "subprocess.Popen[bytes]", timeout: float) -> int | None:
    try:
        return proc.wait(timeout)
    except subprocess.TimeoutExpired:
        return None


@pytest.mark.slow
@pytest.mark.parametrize("stop_signal", [signal.SIGTERM, signal.SIGINT])
def test_one_worker_stops_with_exit_code_0_and_stops_its_index_writer(
    start_server: Callable[[int], Server], stop_signal: int,
) -> None:
    # With one worker uvicorn re-raises the signal after its shutdown: without `ruche serve`'s own handler the
    # process died of it (exit 143 on SIGTERM) and never ran the code that stops the index writer.
    server = start_server(1)
    server.wait_healthy()
    processes = server.descendants()
    assert processes, "the index writer is not running"
    os.kill(server.proc.pid, stop_signal)
    assert _wait(server.proc, STOP_WITHIN_S) == 0, server.output()
    assert [pid for pid in processes if _alive(pid)] == []


async def test_a_component_that_hangs_in_its_stop_is_left_behind_with_where_it_waits(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture,
) -> None:
    from app import main

    monkeypatch.setattr(main, "COMPONENT_STOP_TIMEOUT_S", 0.2)
    forever = asyncio.Event()

    async def stop(app: Any) -> None:
        await forever.wait()

    began = time.monotonic()
    await main._stop_component(stop, None)  # type: ignore[arg-type]
    assert time.monotonic() - began < 2
    assert "did not stop within 0.2 s" in caplog.text
    assert "stop (" in caplog.text and "wait (" in caplog.text, caplog.text
