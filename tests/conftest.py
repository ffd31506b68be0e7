"""Test harness: one migrated database per run (SQLite, or PostgreSQL with RUCHE_TEST_DATABASE_URL),
emptied between tests. Tables are truncated rather than rolled back because the concurrency tests need
real commits from several sessions at once."""

import os
import tempfile
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from app.config import Settings, async_url
from app.db import Base, make_engine, make_sessionmaker
from app.main import create_app
from app.migrate import upgrade

TEST_DB_URL = os.environ.get("RUCHE_TEST_DATABASE_URL")
PASSWORD = "correct horse battery"


def _base_settings(data_dir: Path, database_url: str) -> Settings:
    return Settings(
        DATA_DIR=data_dir,
        DATABASE_URL=database_url,
        SECRET_KEY="test-secret-key-that-is-long-enough-0123456789",  # type: ignore[arg-type]
        ARGON2_MEMORY_KIB=1024,
        ARGON2_TIME_COST=1,
        POST_INTERVAL_S=0,
        REDIS_URL=None,
        # Tests register dozens of members from one address; the API rate limit tests lower these again.
        API_RATE_PER_USER_PER_MIN=100_000,
        API_RATE_PER_IP_PER_MIN=100_000,
    )


@pytest.fixture(scope="session")
def data_dir() -> Path:
    return Path(tempfile.mkdtemp(prefix="ruche-test-"))


@pytest.fixture(scope="session")
def database_url(data_dir: Path) -> str:
    url = TEST_DB_URL or f"sqlite:///{data_dir / 'test.db'}"
    if TEST_DB_URL:
        _reset_postgres(url)
    upgrade(async_url(url))
    return async_url(url)


def _reset_postgres(url: str) -> None:
    import asyncio

    from sqlalchemy.ext.asyncio import create_async_engine

    async def drop() -> None:
        engine = create_async_engine(async_url(url))
        async with engine.begin() as conn:
            await conn.execute(text("DROP SCHEMA public CASCADE"))
            await conn.execute(text("CREATE SCHEMA public"))
        await engine.dispose()

    asyncio.run(drop())


@pytest.fixture(scope="session")
def base_settings(data_dir: Path, database_url: str) -> Settings:
    return _base_settings(data_dir, database_url)


@pytest.fixture(scope="session")
async def app(base_settings: Settings) -> AsyncIterator[Any]:
    application = create_app(base_settings)
    async with application.router.lifespan_context(application):
        yield application


@pytest.fixture(autouse=True)
async def _clean(request: pytest.FixtureRequest) -> AsyncIterator[None]:
    if "app" not in request.fixturenames:
        yield
        return
    application = request.getfixturevalue("app")
    settings = request.getfixturevalue("base_settings")
    application.state.settings = settings
    from app.ratelimit import make_limiter

    application.state.limiter = make_limiter(settings)
    yield
    await truncate_all(application.state.engine)


async def truncate_all(engine: Any) -> None:
    # Background consumers (notifier, indexer) may hold locks in another order: a deadlock is retried.
    from sqlalchemy.exc import DBAPIError

    for attempt in range(5):
        try:
            await _truncate_once(engine)
            return
        except DBAPIError:
            if attempt == 4:
                raise


async def _truncate_once(engine: Any) -> None:
    tables = [t.name for t in reversed(Base.metadata.sorted_tables)]
    async with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            await conn.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
        else:
            for name in tables:
                await conn.execute(text(f"DELETE FROM {name}"))
            if await _has_sqlite_sequence(conn):
                await conn.execute(text("DELETE FROM sqlite_sequence"))


async def _has_sqlite_sequence(conn: Any) -> bool:
    row = await conn.execute(text("SELECT name FROM sqlite_master WHERE name='sqlite_sequence'"))
    return row.first() is not None


@pytest.fixture
def settings_override(app: Any) -> Any:
    """Change settings for one test: settings_override(REGISTRATION="closed")."""

    def apply(**changes: Any) -> Settings:
        from app.ratelimit import make_limiter

        app.state.settings = app.state.settings.model_copy(update=changes)
        app.state.limiter = make_limiter(app.state.settings)
        return app.state.settings

    return apply


@pytest.fixture
async def client(app: Any) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
        yield c


@pytest.fixture
async def session(app: Any) -> AsyncIterator[AsyncSession]:
    async with app.state.sessionmaker() as s:
        yield s
        await s.commit()


class Member:
    """A registered member and the headers that authenticate as them."""

    def __init__(self, data: dict[str, Any], token: str) -> None:
        self.data = data
        self.id: int = data["id"]
        self.handle: str = data["handle"]
        self.token = token
        self.headers = {"Authorization": f"Bearer {token}"}


@pytest.fixture
def register(client: httpx.AsyncClient) -> Any:
    counter = {"n": 0}

    async def make(name: str | None = None, email: str | None = None, **profile: Any) -> Member:
        counter["n"] += 1
        name = name or f"Member {counter['n']}"
        email = email or f"member{counter['n']}@example.com"
        r = await client.post("/api/v1/auth/register", json={"email": email, "password": PASSWORD, "display_name": name})
        assert r.status_code == 201, r.text
        t = await client.post("/api/v1/auth/token", data={"username": email, "password": PASSWORD})
        assert t.status_code == 200, t.text
        member = Member(r.json(), t.json()["access_token"])
        if profile:
            p = await client.patch("/api/v1/users/me", json=profile, headers=member.headers)
            assert p.status_code == 200, p.text
        return member

    return make
