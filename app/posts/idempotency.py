"""`Idempotency-Key` for creating posts and comments: per member, kept 24 h (SECURITY.md).

The key row is inserted in the same transaction as the post, before it. Two requests with the same key
race on the table's primary key: on PostgreSQL the second INSERT waits for the first transaction, then does
nothing, so the loser reads the winner's committed row and replays its post; if the wait exceeds the lock
timeout the loser gets 409 ("in flight"). On SQLite writers are serialized (busy timeout) the same way.
"""

import hashlib
import json
from datetime import timedelta

from pydantic import BaseModel
from sqlalchemy import delete, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession

from app.db import utcnow
from app.errors import Conflict, Invalid
from app.posts.models import IdempotencyKey

KEY_LIFETIME = timedelta(hours=24)
MAX_KEY_LENGTH = 200


def check_key(key: str) -> str:
    if not key or len(key) > MAX_KEY_LENGTH or "\x00" in key or not key.isprintable():
        raise Invalid("Idempotency-Key must be 1 to 200 printable characters")
    return key


def fingerprint(data: BaseModel, target: str = "") -> str:
    """The request a key was first used with; `target` names what it acts on beyond its body (a comment's post), so
    the same key and body on another post, or as a post, is another request (422)."""
    canonical = json.dumps(data.model_dump(mode="json"), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256((target + canonical).encode()).hexdigest()


async def find(session: AsyncSession, user_id: int, key: str) -> IdempotencyKey | None:
    """The member's live (under 24 h) record for `key`, if any."""
    return await session.scalar(
        select(IdempotencyKey).where(
            IdempotencyKey.user_id == user_id,
            IdempotencyKey.key == key,
            IdempotencyKey.created_at > utcnow() - KEY_LIFETIME,
        )
    )


async def claim(session: AsyncSession, user_id: int, key: str, request_hash: str) -> IdempotencyKey | None:
    """Insert the key row; None when claimed, else the row of the request that got there first.

    `INSERT ... ON CONFLICT` rather than a savepoint: on SQLite (pysqlite) releasing a savepoint that opened the
    transaction commits it, which would publish the key before its post. An expired row of the same key is taken
    over by the same statement (`DO UPDATE ... WHERE` expired), so a key comes back after 24 h.

    409 means only "the first request with this key is still in flight": on PostgreSQL, our INSERT waited for the
    key row of another open transaction past the lock timeout (the only lock it can wait for is that row's). Any
    other database error, and SQLite's "database is locked" (whoever holds the file's write lock), goes the
    unavailable path (503, Retry-After): a client that trusts a 409 stops retrying, and its post would be lost."""
    now = utcnow()
    await session.execute(
        delete(IdempotencyKey).where(
            IdempotencyKey.user_id == user_id, IdempotencyKey.key != key, IdempotencyKey.created_at <= now - KEY_LIFETIME
        )
    )
    postgres = session.get_bind().dialect.name == "postgresql"
    insert = postgresql.insert if postgres else sqlite.insert
    fresh = {"request_hash": request_hash, "post_id": None, "comment_id": None, "created_at": now}
    statement = insert(IdempotencyKey).values(user_id=user_id, key=key, **fresh).on_conflict_do_update(
        index_elements=[IdempotencyKey.user_id, IdempotencyKey.key], set_=fresh,
        where=IdempotencyKey.created_at <= now - KEY_LIFETIME,
    ).returning(IdempotencyKey.key)
    try:
        claimed = await session.scalar(statement)
    except DBAPIError as exc:
        if postgres and _sqlstate(exc) == LOCK_NOT_AVAILABLE:
            raise Conflict("A request with this Idempotency-Key is in progress") from exc
        raise
    if claimed is not None:
        return None
    existing = await find(session, user_id, key)
    if existing is None or (existing.post_id is None and existing.comment_id is None):
        raise Conflict("A request with this Idempotency-Key is in progress")
    return existing


LOCK_NOT_AVAILABLE = "55P03"  # PostgreSQL's lock_timeout


def _sqlstate(exc: DBAPIError) -> str | None:
    orig = exc.orig
    for candidate in (orig, getattr(orig, "__cause__", None)):
        sqlstate = getattr(candidate, "sqlstate", None)
        if isinstance(sqlstate, str):
            return sqlstate
    return None


async def attach_post(session: AsyncSession, user_id: int, key: str, post_id: int) -> None:
    await session.execute(
        update(IdempotencyKey).where(IdempotencyKey.user_id == user_id, IdempotencyKey.key == key).values(post_id=post_id)
    )


async def attach_comment(session: AsyncSession, user_id: int, key: str, comment_id: int) -> None:
    await session.execute(
        update(IdempotencyKey).where(IdempotencyKey.user_id == user_id, IdempotencyKey.key == key)
        .values(comment_id=comment_id)
    )


def check_same_request(record: IdempotencyKey, request_hash: str) -> None:
    if record.request_hash != request_hash:
        raise Invalid("This Idempotency-Key was used with a different request")
