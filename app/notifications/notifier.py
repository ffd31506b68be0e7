"""The notifier: consumes the activity outbox after its stored cursor and writes notifications.

Every process runs one; the cursor row is locked for the whole batch (`app.outbox.cursors.StoredCursor`), so
exactly one process handles a batch and the cursor moves in the same transaction as the notifications it
produced: a restart neither loses nor duplicates any. E-mails are sent afterwards from the same background
task, never inside a request.
"""

import contextlib
import logging
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from app.db import session_scope
from app.notifications import email, rules, service
from app.outbox.consumer import Batch, OutboxConsumer
from app.outbox.cursors import StoredCursor
from app.outbox.read import gap_wait_for

log = logging.getLogger("ruche.notifications")
CURSOR_NAME = "notifier"
BATCH = 100


class Notifier(OutboxConsumer):
    task_name = "ruche-notifier"
    batch_size = BATCH
    # A turn costs some six statements whatever it handles: under a burst of posts, one turn per commit cost the
    # web workers more than a twentieth of their CPU. Notifications may wait a tenth of a second.
    min_interval_s = 0.1
    hole_poll_s = 0.05

    def __init__(self, app: Any) -> None:
        settings = app.state.runtime.settings
        super().__init__(app.state.runtime.sessionmaker, poll_s=settings.LIVE_POLL_S, gap_wait_s=gap_wait_for(settings),
                         log=log)
        self.app = app
        self.cursor = self.stored = StoredCursor(CURSOR_NAME)

    def unit_of_work(self) -> contextlib.AbstractAsyncContextManager[AsyncSession]:
        # Committed, and its own commit wakes the consumers: notifications write `notification.created` activities.
        return session_scope(self.app.state.runtime.sessionmaker, self.app.state.runtime)

    async def work_waiting(self) -> bool:
        return await self.stored.work_waiting(self.app.state.runtime.sessionmaker)

    async def handle(self, session: AsyncSession, batch: Batch) -> None:
        for activity in batch.rows:
            for kind, recipients in await rules.plan(self.app.state.runtime, session, activity):
                await service.create_for_activity(session, activity, kind, recipients)

    async def turn(self) -> int:
        handled = await super().turn()
        await email.send_pending(self.app)
        return handled
