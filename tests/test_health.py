"""GET /healthz, and 503 + Retry-After (never a 500) while the database is unreachable."""

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from app.config import Settings
from app.db import make_engine, make_sessionmaker
from app.main import create_app


class TestHealthz:
    async def test_body_is_status_database_live_and_search(self, client: httpx.AsyncClient) -> None:
        r = await client.get("/healthz")
        assert r.status_code == 200
        assert r.json() == {"status": "ok", "database": "ok", "live": "ok", "search": "ok", "search_lag_s": 0.0}

    async def test_live_bus_trouble_is_reported_as_degraded(self, client: httpx.AsyncClient, app: Any) -> None:
        previous = app.state.runtime.live_status
        app.state.runtime.live_status = lambda: "degraded"
        try:
            r = await client.get("/healthz")
        finally:
            app.state.runtime.live_status = previous
        assert r.status_code == 200
        assert r.json()["live"] == "degraded" and r.json()["status"] == "ok"

    async def test_needs_no_authentication_and_sets_security_headers(self, client: httpx.AsyncClient) -> None:
        r = await client.get("/healthz")
        assert r.headers["x-content-type-options"] == "nosniff"


def _dead_database_url(kind: str, tmp_path: Path) -> str:
    if kind == "sqlite":
        return f"sqlite:///{tmp_path / 'missing-folder' / 'ruche.db'}"
    if kind == "postgresql-missing-database":  # the server answers, the database is gone (or still down: same 503)
        return "postgresql://postgres@127.0.0.1:5432/ruche_h1_no_such_database"
    return "postgresql://postgres@127.0.0.1:8119/nothing_listens_here"  # a port of ours with no server


@pytest.fixture(params=["sqlite", "postgresql", "postgresql-missing-database"])
async def dead_client(request: pytest.FixtureRequest, tmp_path: Path, base_settings: Settings) -> AsyncIterator[Any]:
    """An app whose database cannot be reached (the lifespan is not run: components stay out of it)."""
    settings = base_settings.model_copy(update={"DATABASE_URL": _dead_database_url(request.param, tmp_path),
                                                "DATA_DIR": tmp_path})
    application = create_app(settings)
    application.state.runtime.engine = make_engine(settings)
    application.state.runtime.sessionmaker = make_sessionmaker(application.state.runtime.engine)
    transport = httpx.ASGITransport(app=application, raise_app_exceptions=False)
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
            yield c
    finally:
        await application.state.runtime.engine.dispose()


def _token_for(settings: Settings) -> str:
    from datetime import timedelta

    from app.db import utcnow
    from app.security import create_token

    return create_token(settings, 1, "some-session", utcnow() + timedelta(minutes=5))


class TestDatabaseDown:
    async def test_healthz_is_503_with_retry_after(self, dead_client: httpx.AsyncClient) -> None:
        r = await dead_client.get("/healthz")
        assert r.status_code == 503
        assert int(r.headers["Retry-After"]) > 0
        assert r.json() == {"status": "degraded", "database": "down", "live": "ok"}

    async def test_api_requests_are_503_with_retry_after(self, dead_client: httpx.AsyncClient,
                                                         base_settings: Settings) -> None:
        token = {"Authorization": f"Bearer {_token_for(base_settings)}"}
        responses = [
            await dead_client.post("/api/v1/auth/register",
                                   json={"email": "a@example.com", "password": "correct horse battery",
                                         "display_name": "A"}),
            await dead_client.post("/api/v1/auth/token", data={"username": "a@example.com", "password": "x" * 12}),
            await dead_client.get("/api/v1/users/me", headers=token),
            await dead_client.get("/api/v1/groups", headers=token),
        ]
        for r in responses:
            assert r.status_code == 503, (r.request.url, r.status_code, r.text)
            assert int(r.headers["Retry-After"]) > 0
            assert r.json() == {"detail": "Service temporarily unavailable"}


class TestDatabaseBack:
    async def test_recovers_without_restart(self, tmp_path: Path, base_settings: Settings) -> None:
        from app.migrate import upgrade

        url = f"sqlite:///{tmp_path / 'later' / 'ruche.db'}"
        settings = base_settings.model_copy(update={"DATABASE_URL": url, "DATA_DIR": tmp_path})
        application = create_app(settings)
        application.state.runtime.engine = make_engine(settings)
        application.state.runtime.sessionmaker = make_sessionmaker(application.state.runtime.engine)
        transport = httpx.ASGITransport(app=application, raise_app_exceptions=False)
        try:
            async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
                assert (await c.get("/healthz")).status_code == 503
                (tmp_path / "later").mkdir()
                import anyio

                await anyio.to_thread.run_sync(upgrade, settings.database_url)
                assert (await c.get("/healthz")).status_code == 200
                r = await c.post("/api/v1/auth/register", json={"email": "a@example.com",
                                                                "password": "correct horse battery", "display_name": "A"})
                assert r.status_code == 201
        finally:
            await application.state.runtime.engine.dispose()


def _dbapi_error(sqlstate: str | None = None, invalidated: bool = False, cls: type | None = None) -> BaseException:
    from sqlalchemy import exc as sa_exc

    class Orig(Exception):
        pass

    orig = Orig("driver error")
    orig.sqlstate = sqlstate  # type: ignore[attr-defined]
    return (cls or sa_exc.DBAPIError)("SELECT 1", {}, orig, connection_invalidated=invalidated)


def _unavailability_cases() -> list[tuple[str, BaseException, bool]]:
    import asyncpg
    from sqlalchemy import exc as sa_exc

    return [
        ("operational", _dbapi_error(cls=sa_exc.OperationalError), True),
        ("interface", _dbapi_error(cls=sa_exc.InterfaceError), True),
        ("invalidated", _dbapi_error(invalidated=True), True),
        ("cannot_connect_now", _dbapi_error("57P03"), True),
        ("admin_shutdown", _dbapi_error("57P01"), True),
        ("connection_failure", _dbapi_error("08006"), True),
        ("too_many_connections", _dbapi_error("53300"), True),
        ("statement_timeout", _dbapi_error("57014"), True),
        ("pool_timeout", sa_exc.TimeoutError("QueuePool limit reached"), True),
        ("connect_timeout", TimeoutError(), True),
        ("refused", ConnectionRefusedError(111, "refused"), True),
        ("raw_asyncpg_cannot_connect", asyncpg.CannotConnectNowError("starting up"), True),
        ("raw_asyncpg_connection_closed", asyncpg.InterfaceError("connection is closed"), True),
        ("unique_violation", _dbapi_error("23505", cls=sa_exc.IntegrityError), False),
        ("syntax_error", _dbapi_error("42601", cls=sa_exc.ProgrammingError), False),
        ("no_sqlstate", _dbapi_error(), False),
        ("raw_asyncpg_unique_violation", asyncpg.UniqueViolationError("dup"), False),
        ("value_error", ValueError("bug"), False),
    ]


class TestDatabaseUnavailableRule:
    @pytest.mark.parametrize("name,error,expected", _unavailability_cases(), ids=[c[0] for c in _unavailability_cases()])
    def test_classifies_errors(self, name: str, error: BaseException, expected: bool) -> None:
        from app.errors import database_unavailable

        assert database_unavailable(error) is expected
