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
from app.db import Base
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
    runtime = application.state.runtime
    runtime.use_settings(request.getfixturevalue("base_settings"))  # a fresh limiter too
    runtime.caches.reset()  # the emptied database restarts its ids: the groups' versions repeat
    yield
    await truncate_all(runtime.engine)


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
        runtime = app.state.runtime
        runtime.use_settings(runtime.settings.model_copy(update=changes))
        return runtime.settings  # type: ignore[no-any-return]

    return apply


@pytest.fixture
async def client(app: Any) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
        yield c


@pytest.fixture
async def session(app: Any) -> AsyncIterator[AsyncSession]:
    async with app.state.runtime.sessionmaker() as s:
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


# The cast shared by the API tests: an admin registered first, an animator (Anna), a member (Mia), an outsider (Olga).

@pytest.fixture
async def admin(register: Any) -> Member:
    """The first account registered: it becomes the admin."""
    return await register("Ada Admin", "ada@example.com")


@pytest.fixture
async def anna(admin: Member, register: Any) -> Member:
    """Animates the groups made by `make_group`."""
    return await register("Anna Animatrice", "anna@example.com")


@pytest.fixture
async def mia(anna: Member, register: Any) -> Member:
    return await register("Mia Membre", "mia@example.com")


@pytest.fixture
async def olga(mia: Member, register: Any) -> Member:
    """An outsider to every group."""
    return await register("Olga Outsider", "olga@example.com")


@pytest.fixture
def make_group(client: httpx.AsyncClient) -> Any:
    """Create a group as `owner` (its animator), adding `members` directly."""

    async def create(
        owner: Member, name: str, visibility: str = "public", members: tuple[Member, ...] = (), **extra: Any
    ) -> dict[str, Any]:
        body = {"name": name, "description": f"About {name}", "visibility": visibility, **extra}
        r = await client.post("/api/v1/groups", json=body, headers=owner.headers)
        assert r.status_code == 201, r.text
        group: dict[str, Any] = r.json()
        for member in members:
            m = await client.put(f"/api/v1/groups/{group['id']}/members/{member.id}", json={"status": "member"},
                                 headers=owner.headers)
            assert m.status_code == 200, m.text
        return group

    return create


@pytest.fixture
def make_post(client: httpx.AsyncClient) -> Any:
    async def create(author: Member, body: str = "Hello", **extra: Any) -> Any:
        r = await client.post("/api/v1/posts", json={"body": body, **extra}, headers=author.headers)
        assert r.status_code == 201, r.text
        return r.json()

    return create


@pytest.fixture
def page_ids(client: httpx.AsyncClient) -> Any:
    """Ids of every item of a paged list, following next_cursor."""

    async def collect(url: str, member: Member, limit: int = 100) -> list[int]:
        ids: list[int] = []
        cursor = None
        for _ in range(100):
            params: dict[str, Any] = {"limit": limit}
            if cursor:
                params["cursor"] = cursor
            r = await client.get(url, params=params, headers=member.headers)
            assert r.status_code == 200, r.text
            ids += [item["id"] for item in r.json()["items"]]
            cursor = r.json()["next_cursor"]
            if cursor is None:
                return ids
        raise AssertionError("pagination did not end")

    return collect
