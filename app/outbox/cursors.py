"""Where a consumer keeps its position: in memory (the relay) or in an `outbox_cursors` row (the notifier).

A consumer that keeps it elsewhere (the search indexer: in its index) implements `Cursor` itself."""

from typing import Protocol

from sqlalchemy import Select, func, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.db import utcnow
from app.outbox.models import Activity, OutboxCursor


class Cursor(Protocol):
    """Every activity up to the position has been handled (or was a permanent hole)."""

    async def load(self, session: AsyncSession) -> int | None:
        """The position, taken for this batch; None when another process holds it."""

    async def save(self, session: AsyncSession, position: int) -> None:
        """Move to `position`, in the batch's unit of work, once the batch's effects are done."""


class MemoryCursor:
    """A position of this process only: the relay serves this process's sockets, from the newest activity on."""

    def __init__(self, position: int = 0) -> None:
        self.position = position

    async def load(self, session: AsyncSession) -> int | None:
        return self.position

    async def save(self, session: AsyncSession, position: int) -> None:
        self.position = position


class StoredCursor:
    """A row of `outbox_cursors`, locked for the whole batch and moved in the batch's transaction: with several
    processes exactly one handles a batch (PostgreSQL `FOR UPDATE SKIP LOCKED`, SQLite's single writer), and
    a restart neither loses nor repeats what was committed with it. Use it inside a transaction that commits."""

    def __init__(self, name: str) -> None:
        self.name = name
        # Built once: it runs up to ten times a second in every process, and usually finds no work. The newest id is
        # one entry of the primary key's index. `EXISTS (id > cursor)` was planned, the cursor unknown to a generic
        # plan, as a scan expected to stop at its first match; with no match it read the whole outbox (over 100 ms
        # on a network's history, each time).
        self.waiting_query: Select[tuple[bool]] = select(
            func.coalesce(select(func.max(Activity.id)).scalar_subquery(), 0) > func.coalesce(
                select(OutboxCursor.last_id).where(OutboxCursor.name == name).scalar_subquery(), 0))

    async def work_waiting(self, sessionmaker: async_sessionmaker[AsyncSession]) -> bool:
        """A read without locks: the row is locked (written, on SQLite) only when there is work."""
        async with sessionmaker() as session:
            return bool(await session.scalar(self.waiting_query))

    async def load(self, session: AsyncSession) -> int | None:
        """Lock the row (created at 0 if missing); None if another process holds it."""
        row = {"name": self.name, "last_id": 0, "updated_at": utcnow()}
        if session.get_bind().dialect.name == "postgresql":
            await session.execute(pg_insert(OutboxCursor).values(row).on_conflict_do_nothing())
            return await session.scalar(
                select(OutboxCursor.last_id).where(OutboxCursor.name == self.name).with_for_update(skip_locked=True)
            )
        # SQLite: writing first takes the database's single write lock for the whole transaction.
        await session.execute(sqlite_insert(OutboxCursor).values(row).on_conflict_do_nothing())
        await session.execute(update(OutboxCursor).where(OutboxCursor.name == self.name).values(updated_at=utcnow()))
        return await session.scalar(select(OutboxCursor.last_id).where(OutboxCursor.name == self.name))

    async def save(self, session: AsyncSession, position: int) -> None:
        await session.execute(update(OutboxCursor).where(OutboxCursor.name == self.name)
                              .values(last_id=position, updated_at=utcnow()))
