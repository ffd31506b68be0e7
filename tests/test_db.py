"""The unit of work (app/db.py): one session per request, committed before the response is sent."""

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from sqlalchemy import exc as sa_exc
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession


class _CommitFails(AsyncSession):
    async def commit(self) -> None:
        raise sa_exc.OperationalError("COMMIT", {}, Exception("disk I/O error"))


@pytest.fixture
def failing_commits(app: Any) -> Iterator[None]:
    original = app.state.runtime.sessionmaker
    app.state.runtime.sessionmaker = original.__class__(original.kw["bind"], class_=_CommitFails, expire_on_commit=False,
                                                autoflush=False)
    try:
        yield
    finally:
        app.state.runtime.sessionmaker = original


class TestUnitOfWork:
    async def test_a_failed_commit_is_an_error_not_a_200(self, client: httpx.AsyncClient, failing_commits: None) -> None:
        r = await client.post("/api/v1/auth/register",
                              json={"email": "x@example.com", "password": "correct horse battery", "display_name": "X"})
        assert r.status_code == 503
        assert "Retry-After" in r.headers

    async def test_a_failed_commit_keeps_no_row_written_in_a_savepoint(self, client: httpx.AsyncClient,
                                                                       app: Any) -> None:
        """register() flushes in a SAVEPOINT; on SQLite, releasing an outermost savepoint would commit at once."""
        body = {"email": "x@example.com", "password": "correct horse battery", "display_name": "X"}
        original = app.state.runtime.sessionmaker
        app.state.runtime.sessionmaker = original.__class__(original.kw["bind"], class_=_CommitFails, expire_on_commit=False,
                                                    autoflush=False)
        try:
            assert (await client.post("/api/v1/auth/register", json=body)).status_code == 503
        finally:
            app.state.runtime.sessionmaker = original
        again = await client.post("/api/v1/auth/register", json=body)
        assert again.status_code == 201
        assert again.json()["role"] == "admin"

    async def test_nothing_of_a_failed_request_is_kept(self, client: httpx.AsyncClient, register: Any, app: Any) -> None:
        alice = await register("Alice", "alice@example.com")
        original = app.state.runtime.sessionmaker
        app.state.runtime.sessionmaker = original.__class__(original.kw["bind"], class_=_CommitFails, expire_on_commit=False,
                                                    autoflush=False)
        try:
            r = await client.patch("/api/v1/users/me", json={"title": "Never saved"}, headers=alice.headers)
        finally:
            app.state.runtime.sessionmaker = original
        assert r.status_code == 503
        assert (await client.get("/api/v1/users/me", headers=alice.headers)).json()["title"] == ""

    async def test_a_refused_update_changes_nothing(self, client: httpx.AsyncClient, register: Any) -> None:
        alice = await register("Alice", "alice@example.com")
        bob = await register("Bob", "bob@example.com")
        r = await client.patch("/api/v1/users/me", json={"skills": ["Rust"], "handle": bob.handle}, headers=alice.headers)
        assert r.status_code == 409
        assert (await client.get("/api/v1/users/me", headers=alice.headers)).json()["skills"] == []


class _CountedCommits(AsyncSession):
    commits = 0

    async def commit(self) -> None:
        type(self).commits += 1
        await super().commit()


class TestReadRequests:
    """A GET on PostgreSQL runs each statement in autocommit; its session is committed only when the handler left
    something to flush."""

    async def _get_session(self, app: Any, work: Any) -> None:
        from types import SimpleNamespace

        from app.db import get_session

        sessions = get_session(SimpleNamespace(method="GET", app=app))  # type: ignore[arg-type]
        await work(await sessions.__anext__())
        with pytest.raises(StopAsyncIteration):
            await sessions.__anext__()

    async def test_a_read_commits_only_on_sqlite(self, app: Any) -> None:
        original = app.state.runtime.sessionmaker
        app.state.runtime.sessionmaker = original.__class__(original.kw["bind"], class_=_CountedCommits,
                                                    expire_on_commit=False, autoflush=False)
        _CountedCommits.commits = 0

        async def read(session: AsyncSession) -> None:
            assert (await session.execute(text("SELECT 1"))).scalar() == 1

        try:
            await self._get_session(app, read)
        finally:
            app.state.runtime.sessionmaker = original
        assert _CountedCommits.commits == (0 if app.state.runtime.engine.dialect.name == "postgresql" else 1)

    async def test_what_a_get_handler_adds_is_still_written(self, app: Any, anna: Any, mia: Any) -> None:
        from app.users.models import Follow

        async def follow(session: AsyncSession) -> None:
            session.add(Follow(follower_id=anna.id, followed_id=mia.id))

        await self._get_session(app, follow)
        async with app.state.runtime.sessionmaker() as session:
            found = (await session.execute(text("SELECT count(*) FROM follows WHERE follower_id = :a AND "
                                                "followed_id = :m"), {"a": anna.id, "m": mia.id})).scalar()
        assert found == 1


class TestPostgreSQLSettings:
    async def test_statements_are_planned_generically_without_memoize(self, app: Any) -> None:
        if app.state.runtime.engine.dialect.name != "postgresql":
            pytest.skip("PostgreSQL's planner settings")
        async with app.state.runtime.engine.connect() as conn:
            assert (await conn.execute(text("SHOW plan_cache_mode"))).scalar() == "force_generic_plan"
            assert (await conn.execute(text("SHOW enable_memoize"))).scalar() == "off"
            # A generic plan's cost ignores the LIMIT: JIT compiled the home feed (60 ms) on every execution.
            assert (await conn.execute(text("SHOW jit"))).scalar() == "off"
