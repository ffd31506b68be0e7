"""Statements sent to PostgreSQL through asyncpg directly (app/directsql.py) return what SQLAlchemy returns."""

import gc
from typing import Any

import pytest
from jose import jwt

from app.directsql import DirectQuery, _driver_connection
from app.feed.service import _query
from app.posts.schemas import MAX_ID
from app.users.accounts import _ACTOR


async def _both(app: Any, query: DirectQuery, params: dict[str, Any]) -> tuple[list[tuple[Any, ...]], list[Any]]:
    async with app.state.runtime.sessionmaker() as session:
        direct = await query.rows(session, params)
        plain = [tuple(row) for row in await session.execute(query.statement, params)]
    return plain, direct


@pytest.mark.parametrize("kind", ["home", "group", "member", "topic"])
@pytest.mark.parametrize("moderator", [False, True])
async def test_feed_rows_are_sqlalchemys(
    app: Any, anna: Any, mia: Any, make_group: Any, make_post: Any, kind: str, moderator: bool
) -> None:
    group = await make_group(anna, "Veille", "private", members=(mia,))
    await make_post(anna, f"Bonjour @{mia.handle} #veille", title="Titre", group_id=group["id"])
    await make_post(mia, "Sans titre #veille")
    key = {"home": None, "group": group["id"], "member": anna.id, "topic": "veille"}[kind]
    params = {"viewer": mia.id, "before": MAX_ID, "limit": 21, **({"key": key} if key is not None else {})}
    plain, direct = await _both(app, _query(kind, moderator), params)
    assert plain and [tuple(row) for row in direct] == plain
    for got, expected in zip(direct, plain, strict=True):
        assert [type(v) for v in got] == [type(v) for v in expected]
        assert got.created_at.utcoffset() == expected[list(got._fields).index("created_at")].utcoffset()


async def test_actor_rows_are_sqlalchemys(app: Any, anna: Any, mia: Any, make_group: Any) -> None:
    await make_group(anna, "Veille", "public", members=(mia,))
    claims = jwt.get_unverified_claims(mia.token)
    plain, direct = await _both(app, _ACTOR, {"sid": claims["sid"], "uid": mia.id})
    assert plain and [tuple(row) for row in direct] == plain
    assert {row.status for row in direct} == {"member"}
    assert [type(v) for v in direct[0]] == [type(v) for v in plain[0]]


async def _session_driver(session: Any) -> Any:
    raw = (await (await session.connection()).get_raw_connection()).driver_connection
    return raw if session.bind.dialect.name == "postgresql" else None


async def test_statements_use_the_connection_of_the_sessions_transaction(app: Any) -> None:
    async with app.state.runtime.sessionmaker() as session:
        first = await _driver_connection(session)
        assert first is await _session_driver(session)
        assert await _driver_connection(session) is first
        await session.commit()  # the transaction ends and gives its connection back
        gc.collect()  # and is gone: the session holds it weakly, and must not take "gone" for "no transaction yet"
        async with app.state.runtime.sessionmaker() as other:
            held = await _driver_connection(other)
            again = await _driver_connection(session)
            assert again is await _session_driver(session)
            if again is not None:
                assert again is not held
                assert await again.fetchval("SELECT 1") == 1
