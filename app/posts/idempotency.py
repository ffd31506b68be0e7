"""`Idempotency-Key` for creating posts: per member, kept 24 h (SECURITY.md).

The key row is inserted in the same transaction as the post, before it. Two requests with the same key
race on the table's primary key: on PostgreSQL the second INSERT waits for the first transaction, then does
nothing, so the loser reads the winner's committed row and replays its post; if the wait exceeds the lock
timeout the loser gets 409 ("in flight"). On SQLite writers are serialized (busy timeout) the same way.
"""

import hashlib
import json
from datetime import timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession

from app.db import utcnow
from app.errors import Conflict, Invalid
from app.posts.models import IdempotencyKey
from app.posts.schemas import PostCreate

KEY_LIFETIME = timedelta(hours=24)
MAX_KEY_LENGTH = 200


def check_key(key: str) -> str:
    if not key or len(key) > MAX_KEY_LENGTH or "\x00" in key or not key.isprintable():
        raise Invalid("Idempotency-Key must be 1 to 200 printable characters")
    return key


def fingerprint(data: PostCreate) -> str:
    canonical = json.dumps(data.model_dump(mode="json"), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


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

    `INSERT ... ON CONFLICT DO NOTHING` rather than a savepoint: on SQLite (pysqlite) releasing a savepoint that
    opened the transaction commits it, which would publish the key before its post."""
    try:
        await session.execute(
            delete(IdempotencyKey).where(
                IdempotencyKey.user_id == user_id, IdempotencyKey.created_at <= utcnow() - KEY_LIFETIME
            )
        )
        insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
        claimed = await session.scalar(
            insert(IdempotencyKey)
            .values(user_id=user_id, key=key, request_hash=request_hash, post_id=None, created_at=utcnow())
            .on_conflict_do_nothing()
            .returning(IdempotencyKey.key)
        )
    except DBAPIError as exc:  # lock timeout (PostgreSQL) or busy timeout (SQLite): the first is still in flight
        raise Conflict("A request with this Idempotency-Key is in progress") from exc
    if claimed is not None:
        return None
    existing = await find(session, user_id, key)
    if existing is None or existing.post_id is None:
        raise Conflict("A request with this Idempotency-Key is in progress")
    return existing


async def attach_post(session: AsyncSession, user_id: int, key: str, post_id: int) -> None:
    await session.execute(
        update(IdempotencyKey).where(IdempotencyKey.user_id == user_id, IdempotencyKey.key == key).values(post_id=post_id)
    )


def check_same_request(record: IdempotencyKey, request_hash: str) -> None:
    if record.request_hash != request_hash:
        raise Invalid("This Idempotency-Key was used with a different request")
