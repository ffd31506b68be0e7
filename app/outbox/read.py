"""Reading the activity outbox in id order without skipping ids that commit late.

PostgreSQL hands out sequence ids at INSERT time, so transaction 11 may commit before transaction 10:
a reader that saw 11 and moved its cursor past 10 would never deliver 10. A reader therefore stops at a
hole and waits for it to fill, up to `gap_wait` seconds (a rolled-back transaction leaves a permanent
hole). SQLite serializes writers, so holes there are permanent at once (`gap_wait=0`).
"""

import time
from collections.abc import Sequence
from typing import Any, Protocol, TypeVar

from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from app.outbox.models import Activity

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


def gap_wait_for(settings: Any) -> float:
    """How long a reader waits for a hole: `LIVE_GAP_WAIT_S` on PostgreSQL, 0 on SQLite (one writer at a time)."""
    return 0.0 if settings.is_sqlite else float(settings.LIVE_GAP_WAIT_S)


async def activities_after(session: AsyncSession, cursor: int, upto: int | None = None,
                           limit: int = BATCH) -> list[Activity]:
    stmt = select(Activity).where(Activity.id > cursor)
    if upto is not None:
        stmt = stmt.where(Activity.id <= upto)
    return list(await session.scalars(stmt.order_by(Activity.id).limit(limit)))


async def last_activity_id(session: AsyncSession) -> int:
    """The newest committed activity id: a page rendered now shows everything up to it."""
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
