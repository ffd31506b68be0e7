"""The notifier: consumes the activity outbox after its stored cursor and writes notifications.

Every process runs one; the cursor row is locked for the whole batch (PostgreSQL `FOR UPDATE SKIP LOCKED`,
SQLite's single writer), so exactly one process handles a batch and the cursor moves in the same
transaction as the notifications it produced: a restart neither loses nor duplicates any. E-mails are sent
afterwards from the same background task, never inside a request.
"""

import asyncio
import logging
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from app.activity import Activity
from app.db import session_scope, utcnow
from app.live.outbox import GapTracker, OutboxLoop, activities_after, gap_wait_for
from app.notifications import email, rules, service
from app.notifications.models import OutboxCursor

log = logging.getLogger("ruche.notifications")
CURSOR_NAME = "notifier"
BATCH = 100


# Built once: it runs up to ten times a second in every process, and usually finds no work. The newest id is one
# entry of the primary key's index. `EXISTS (id > cursor)` was planned, the cursor unknown to a generic plan, as a
# scan expected to stop at its first match; with no match it read the whole outbox (over 100 ms on a network's
# history, each time).
_WORK_WAITING = select(func.coalesce(select(func.max(Activity.id)).scalar_subquery(), 0) > func.coalesce(
    select(OutboxCursor.last_id).where(OutboxCursor.name == CURSOR_NAME).scalar_subquery(), 0))


class Notifier(OutboxLoop):
    task_name = "ruche-notifier"
    # A turn costs some six statements whatever it handles: under a burst of posts, one turn per commit cost the
    # web workers more than a twentieth of their CPU. Notifications may wait a tenth of a second.
    min_interval_s = 0.1

    def __init__(self, app: Any) -> None:
        settings = app.state.runtime.settings
        super().__init__(settings.LIVE_POLL_S, log)
        self.app = app
        self.gaps = GapTracker(gap_wait_for(settings.is_sqlite, settings.LIVE_GAP_WAIT_S))

    async def start(self) -> None:
        self._start_task()

    async def turn(self) -> None:
        while await self.step():
            pass
        await email.send_pending(self.app)

    async def step(self) -> bool:
        """Handle one batch; True when more activities are waiting."""
        if not await self._work_waiting():
            return False
        async with session_scope(self.app.state.runtime.sessionmaker, self.app.state) as session:
            cursor = await _claim_cursor(session)
            if cursor is None:
                return False  # another process holds the batch
            rows = await activities_after(session, cursor.last_id, limit=BATCH)
            ready, new_last, waiting = self.gaps.contiguous(rows, cursor.last_id)
            for activity in ready:
                for kind, recipients in await rules.plan(self.app.state.runtime, session, activity):
                    await service.create_for_activity(session, activity, kind, recipients)
            if new_last != cursor.last_id:
                cursor.last_id = new_last
                cursor.updated_at = utcnow()
        if waiting:
            await asyncio.sleep(0.05)
        return len(rows) == BATCH or waiting


    async def _work_waiting(self) -> bool:
        """A read without locks: the cursor row is locked (written, on SQLite) only when there is work."""
        async with self.app.state.runtime.sessionmaker() as session:
            return bool(await session.scalar(_WORK_WAITING))


async def _claim_cursor(session: AsyncSession) -> OutboxCursor | None:
    """Lock the notifier's cursor row (created at 0 if missing); None if another process holds it."""
    if session.bind.dialect.name == "postgresql":  # type: ignore[union-attr]
        await session.execute(
            pg_insert(OutboxCursor).values(name=CURSOR_NAME, last_id=0, updated_at=utcnow()).on_conflict_do_nothing()
        )
        return await session.scalar(
            select(OutboxCursor).where(OutboxCursor.name == CURSOR_NAME).with_for_update(skip_locked=True)
        )
    # SQLite: writing first takes the database's single write lock for the whole transaction.
    await session.execute(
        sqlite_insert(OutboxCursor).values(name=CURSOR_NAME, last_id=0, updated_at=utcnow()).on_conflict_do_nothing()
    )
    await session.execute(update(OutboxCursor).where(OutboxCursor.name == CURSOR_NAME).values(updated_at=utcnow()))
    return await session.scalar(select(OutboxCursor).where(OutboxCursor.name == CURSOR_NAME))
