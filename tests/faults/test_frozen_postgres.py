"""A PostgreSQL that stops answering without closing its connections (a frozen server, a silent partition):
requests must get a 503 with Retry-After within seconds, not wait for the whole outage (issue 27, point 2).

The server is real; a TCP proxy started by the test stands between Ruche and it and, when frozen, keeps every
connection open but forwards nothing, which is what a SIGSTOPped server or a dropped route looks like to a client.
PostgreSQL runs only (the embedded SQLite file cannot freeze this way)."""

import asyncio
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy.engine import make_url

from app.config import Settings
from app.db import make_engine, make_sessionmaker
from app.main import create_app
from tests.conftest import PASSWORD, TEST_DB_URL, truncate_all

pytestmark = pytest.mark.skipif(not TEST_DB_URL, reason="needs PostgreSQL (RUCHE_TEST_DATABASE_URL)")


class FreezableProxy:
    """Forwards TCP to PostgreSQL; `freeze()` holds every byte in both directions, connections stay open."""

    def __init__(self, host: str, port: int) -> None:
        self.target = (host, port)
        self.flowing = asyncio.Event()
        self.flowing.set()
        self.port = 0
        self._server: asyncio.Server | None = None
        self._writers: list[asyncio.StreamWriter] = []

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._accept, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]

    def freeze(self) -> None:
        self.flowing.clear()

    def thaw(self) -> None:
        self.flowing.set()

    async def close(self) -> None:
        self.thaw()
        for writer in self._writers:
            writer.close()
        if self._server is not None:
            self._server.close()

    async def _accept(self, client_r: asyncio.StreamReader, client_w: asyncio.StreamWriter) -> None:
        self._writers.append(client_w)
        await self.flowing.wait()
        server_r, server_w = await asyncio.open_connection(*self.target)
        self._writers.append(server_w)
        await asyncio.gather(self._pipe(client_r, server_w), self._pipe(server_r, client_w),
                             return_exceptions=True)

    async def _pipe(self, source: asyncio.StreamReader, sink: asyncio.StreamWriter) -> None:
        while data := await source.read(65536):
            await self.flowing.wait()
            sink.write(data)
            await sink.drain()
        sink.close()


@pytest.fixture
async def proxied(database_url: str, base_settings: Settings, tmp_path: Path) -> AsyncIterator[Any]:
    real = make_url(database_url)
    proxy = FreezableProxy(real.host or "127.0.0.1", real.port or 5432)
    await proxy.start()
    url = real.set(drivername="postgresql", host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
    settings = base_settings.model_copy(update={"DATABASE_URL": url, "DATA_DIR": tmp_path})
    application = create_app(settings)
    runtime = application.state.runtime
    runtime.engine = make_engine(settings)
    runtime.sessionmaker = make_sessionmaker(runtime.engine)
    transport = httpx.ASGITransport(app=application, raise_app_exceptions=False)
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            yield proxy, client
    finally:
        await proxy.close()
        await runtime.engine.dispose()
        cleaner = make_engine(base_settings)
        await truncate_all(cleaner)
        await cleaner.dispose()


async def _timed(request: Any) -> tuple[httpx.Response, float]:
    started = time.monotonic()
    response = await asyncio.wait_for(request, timeout=30)  # the bug: this waited for the whole outage
    return response, time.monotonic() - started


class TestFrozenPostgres:
    async def test_requests_get_503_within_seconds_then_recover(self, proxied: Any) -> None:
        proxy, client = proxied
        assert (await client.get("/healthz")).status_code == 200
        r = await client.post("/api/v1/auth/register", json={"email": "frozen@example.com", "password": PASSWORD,
                                                             "display_name": "Frozen"})
        assert r.status_code == 201, r.text
        token = (await client.post("/api/v1/auth/token", data={"username": "frozen@example.com",
                                                               "password": PASSWORD})).json()["access_token"]
        headers = {"Authorization": f"Bearer {token}"}
        assert (await client.get("/api/v1/users/me", headers=headers)).status_code == 200

        proxy.freeze()
        health, waited = await _timed(client.get("/healthz"))
        assert health.status_code == 503 and int(health.headers["Retry-After"]) > 0
        assert waited < 4, f"/healthz answered after {waited:.1f} s"
        me, waited = await _timed(client.get("/api/v1/users/me", headers=headers))
        assert me.status_code == 503, me.text
        assert int(me.headers["Retry-After"]) > 0
        assert waited < 10, f"an API request answered after {waited:.1f} s"
        page, waited = await _timed(client.get("/", headers={"Accept": "text/html",
                                                             "Cookie": f"ruche_session={token}"}))
        assert page.status_code == 503 and waited < 10

        proxy.thaw()
        deadline = time.monotonic() + 15
        while True:  # the pool drops what the outage broke; requests succeed again without a restart
            me = await client.get("/api/v1/users/me", headers=headers)
            if me.status_code == 200 or time.monotonic() > deadline:
                break
            await asyncio.sleep(0.2)
        assert me.status_code == 200, me.text
        assert (await client.get("/healthz")).status_code == 200
