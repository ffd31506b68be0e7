"""Reading the activity outbox in id order without skipping ids that commit late.

PostgreSQL hands out sequence ids at INSERT time, so transaction 11 may commit before transaction 10:
a reader that saw 11 and moved its cursor past 10 would never deliver 10. A reader therefore stops at a
hole and waits for it to fill, up to `gap_wait` seconds (a rolled-back transaction leaves a permanent
hole). SQLite serializes writers, so holes there are permanent at once (`gap_wait=0`).
"""

import asyncio
import contextlib
import logging
import time
from collections.abc import Sequence
from typing import Protocol, TypeVar

from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from app.activity import Activity

BATCH = 500


class _HasId(Protocol):
    id: int


T = TypeVar("T", bound=_HasId)


class GapTracker:
    """Remembers when each hole was first seen, to give up on it after `gap_wait` seconds."""

    def __init__(self, gap_wait: float) -> None:
        self.gap_wait = gap_wait
        self._first_seen: dict[int, float] = {}

    def contiguous(self, rows: Sequence[T], cursor: int) -> tuple[list[T], int, bool]:
        """Rows deliverable now (in order), the new cursor, and whether a hole is still awaited."""
        ready: list[T] = []
        expected = cursor + 1
        now = time.monotonic()
        waiting = False
        for row in rows:
            if row.id > expected:
                first = self._first_seen.setdefault(expected, now)
                if now - first < self.gap_wait:
                    waiting = True
                    break
            ready.append(row)
            expected = row.id + 1
        new_cursor = ready[-1].id if ready else cursor
        for hole in [h for h in self._first_seen if h <= new_cursor]:
            del self._first_seen[hole]
        return ready, new_cursor, waiting


def gap_wait_for(is_sqlite: bool, configured: float) -> float:
    return 0.0 if is_sqlite else configured


async def activities_after(session: AsyncSession, cursor: int, upto: int | None = None,
                           limit: int = BATCH) -> list[Activity]:
    stmt = select(Activity).where(Activity.id > cursor)
    if upto is not None:
        stmt = stmt.where(Activity.id <= upto)
    return list(await session.scalars(stmt.order_by(Activity.id).limit(limit)))


async def last_activity_id(session: AsyncSession) -> int:
    return int(await session.scalar(select(func.max(Activity.id))) or 0)


async def outbox_position(session: AsyncSession) -> int:
    """Where a reader starting now begins: the newest activity id, or, when the table is empty on PostgreSQL, the
    last id its sequence handed out. Starting from 0 there would take every id already used for a hole that may
    still fill, and re-read the outbox for `gap_wait` seconds before delivering anything."""
    newest = await last_activity_id(session)
    bind = session.get_bind()
    if newest or bind.dialect.name != "postgresql":
        return newest
    sequence = await session.scalar(text("SELECT pg_get_serial_sequence('activities', 'id')"))
    if sequence is None:
        return 0
    # The name comes from the catalog, already quoted where needed.
    last, called = (await session.execute(text(f"SELECT last_value, is_called FROM {sequence}"))).one()
    return int(last) if called else int(last) - 1


class OutboxLoop:
    """A background task that drains the outbox: woken after commits, and every `poll_s` regardless (a lost
    wake-up, Redis down). A failing turn (database restarting, lock timeout) is retried on the next one."""

    task_name = "ruche-outbox"
    # Least time between two turns: under a burst of commits, one turn then handles many activities.
    min_interval_s = 0.0

    def __init__(self, poll_s: float, log: logging.Logger) -> None:
        self.poll_s = poll_s
        self._log = log
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    def wake(self) -> None:
        self._wake.set()

    def _start_task(self) -> None:
        self._task = asyncio.create_task(self._run(), name=self.task_name)

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def turn(self) -> None:
        raise NotImplementedError

    async def _run(self) -> None:
        while True:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self.poll_s)
            self._wake.clear()
            try:
                await self.turn()
            except asyncio.CancelledError:
                raise
            except Exception:
                self._log.exception("%s turn failed", self.task_name)
                await asyncio.sleep(self.poll_s)
            if self.min_interval_s:
                await asyncio.sleep(self.min_interval_s)

