"""Several real app processes (uvicorn subprocesses) sharing one database and one Redis, for the live tests
and the fan-out benchmark.

Settings through the environment: `RUCHE_LIVE_TEST_PORTS` ("8160,8161,..."; else ports the OS picks),
`RUCHE_TEST_REDIS_URL` (default redis://127.0.0.1:6379/6), `RUCHE_LIVE_TEST_DATABASE_URL` (else a SQLite
file, or `<test database>_live` when `RUCHE_TEST_DATABASE_URL` is PostgreSQL)."""

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import httpx

from app.config import ROOT_DIR, async_url
from app.migrate import upgrade

PASSWORD = "correct horse battery"
_given_ports = [int(p) for p in os.environ.get("RUCHE_LIVE_TEST_PORTS", "").split(",") if p.strip()]


def free_port() -> int:
    if _given_ports:
        return _given_ports.pop(0)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def redis_url() -> str:
    return os.environ.get("RUCHE_TEST_REDIS_URL", "redis://127.0.0.1:6379/6")


def redis_reachable(url: str) -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(url, socket_connect_timeout=1).ping())
    except Exception:
        return False


def database_url(data_dir: Path) -> str:
    given = os.environ.get("RUCHE_LIVE_TEST_DATABASE_URL")
    pg_url = os.environ.get("RUCHE_TEST_DATABASE_URL")
    if given:
        url = given
    elif pg_url:
        base, _, name = pg_url.rpartition("/")
        url = f"{base}/{name.split('?')[0]}_live"
    else:
        return f"sqlite:///{data_dir / 'live.db'}"
    _recreate_postgres(url)
    return url


def _recreate_postgres(url: str) -> None:
    import psycopg

    base, _, name = url.rpartition("/")
    with psycopg.connect(f"{base}/postgres".replace("+asyncpg", ""), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


class Cluster:
    """`processes` app servers on one database and one Redis (`redis` URL, None: in-process bus)."""

    def __init__(self, processes: int = 2, redis: str | None = None, workers: int = 1,
                 extra_env: dict[str, str] | None = None, database: str | None = None) -> None:
        self.data_dir = Path(tempfile.mkdtemp(prefix="ruche-live-"))
        if database and database.startswith("postgres"):
            _recreate_postgres(database)
        self.database_url = database or database_url(self.data_dir)
        self.redis = redis
        self.prefix = f"ruche-test-{uuid.uuid4().hex[:8]}"  # pub/sub is global across Redis DB numbers
        self.ports = [free_port() for _ in range(processes)]
        self.workers = workers
        self.extra_env = extra_env or {}
        self.procs: list[subprocess.Popen[bytes]] = []
        self.logs: list[Any] = []
        self.tokens: dict[str, str] = {}

    @property
    def urls(self) -> list[str]:
        return [f"http://127.0.0.1:{p}" for p in self.ports]

    def ws_url(self, index: int, token: str, since: int | None = None) -> str:
        url = f"ws://127.0.0.1:{self.ports[index]}/api/v1/live?token={token}"
        return url + (f"&since={since}" if since is not None else "")

    def start(self) -> "Cluster":
        try:
            self._start()
        except BaseException:
            self.stop()
            raise
        return self

    def _start(self) -> None:
        upgrade(async_url(self.database_url))
        env = {k: v for k, v in os.environ.items() if not k.startswith("RUCHE_")}
        env.update({
            "RUCHE_DATA_DIR": str(self.data_dir), "RUCHE_DATABASE_URL": self.database_url,
            "RUCHE_SECRET_KEY": "live-test-secret-key-0123456789-abcdefghijkl",
            "RUCHE_ARGON2_MEMORY_KIB": "1024", "RUCHE_ARGON2_TIME_COST": "1", "RUCHE_RATE_LIMITS": "off",
            "RUCHE_REDIS_PREFIX": self.prefix, "RUCHE_SEARCH_INDEXER": "off", **self.extra_env,
        })
        if self.redis:
            env["RUCHE_REDIS_URL"] = self.redis
        for i, port in enumerate(self.ports):
            log = (self.data_dir / f"server-{i}.log").open("wb")
            self.logs.append(log)
            self.procs.append(subprocess.Popen(
                [sys.executable, "-m", "uvicorn", "app.main:create_app", "--factory", "--host", "127.0.0.1",
                 "--port", str(port), "--ws", "websockets-sansio", "--ws-per-message-deflate", "false",
                 "--ws-max-size", str(64 * 1024), "--no-access-log",
                 "--workers", str(self.workers), "--timeout-graceful-shutdown", "5"],
                cwd=ROOT_DIR, env=env, stdout=log, stderr=subprocess.STDOUT,
            ))
        for i in range(len(self.ports)):
            self._wait_healthy(i)

    def _wait_healthy(self, index: int, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.procs[index].poll() is not None:
                raise RuntimeError(f"server {index} exited:\n{self.log(index)}")
            try:
                if httpx.get(f"{self.urls[index]}/healthz", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"server {index} did not become healthy:\n{self.log(index)}")

    def log(self, index: int) -> str:
        return (self.data_dir / f"server-{index}.log").read_text(errors="replace")[-4000:]

    def stop(self) -> None:
        for proc in self.procs:
            if proc.poll() is None:
                proc.terminate()
        for proc in self.procs:
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
        for log in self.logs:
            log.close()
        shutil.rmtree(self.data_dir, ignore_errors=True)

    def member(self, name: str, index: int = 0) -> tuple[int, str]:
        """Register (through process `index`) and sign in; returns (user id, token)."""
        email = f"{name.lower().replace(' ', '.')}-{uuid.uuid4().hex[:6]}@example.com"
        base = self.urls[index]
        r = httpx.post(f"{base}/api/v1/auth/register", json={"email": email, "password": PASSWORD,
                                                               "display_name": name}, timeout=30)
        assert r.status_code == 201, r.text
        t = httpx.post(f"{base}/api/v1/auth/token", data={"username": email, "password": PASSWORD}, timeout=30)
        assert t.status_code == 200, t.text
        return r.json()["id"], t.json()["access_token"]


class PrivateRedis:
    """A redis-server of our own (never the shared one), to stop and restart."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.proc = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while not redis_reachable(self.url):
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("private redis-server did not start")
            time.sleep(0.1)

    def stop(self) -> None:
        if self.proc is not None:
            self.proc.terminate()
            self.proc.wait(timeout=10)
            self.proc = None
