"""The relay: committed activities → events → this process's sockets, in id order, each once.

Woken after local commits (`runtime.after_commit`), by other processes through the bus, and every
`LIVE_POLL_S` regardless (a lost wake-up, Redis down). It starts at the newest activity: sockets that
connect ask for older events with `since` and get them from the table (`replay`).
"""

import logging
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from app.live.hub import Hub
from app.live.payloads import EventBuilder
from app.outbox.consumer import Batch, OutboxConsumer
from app.outbox.cursors import MemoryCursor
from app.outbox.read import GapTracker, gap_wait_for, last_activity_id, outbox_position

log = logging.getLogger("ruche.live")


class Relay(OutboxConsumer):
    task_name = "ruche-live-relay"
    # Every commit of any process wakes every relay, and a turn costs two or three statements whatever it carries:
    # at 150 posts/s that was up to 300 turns a second in each worker, a fifth of the workers' CPU (8.2 ms per post
    # against 6.5 ms with this interval). Events may wait a twentieth of a second to travel together.
    min_interval_s = 0.05
    # Live events wait for the relay: after a failed turn it tries again within seconds, not a minute.
    max_backoff_s = 4.0
    cursor: MemoryCursor  # the relay reads and moves its position directly (the hub replays up to it)

    def __init__(self, app: Any, hub: Hub, builder: EventBuilder) -> None:
        settings = app.state.runtime.settings
        super().__init__(app.state.runtime.sessionmaker, poll_s=settings.LIVE_POLL_S,
                         gap_wait_s=gap_wait_for(settings), log=log)
        self.hub = hub
        self.builder = builder
        self.cursor = MemoryCursor()  # every activity up to here has been dispatched (or was a permanent hole)

    async def start(self) -> None:
        async with self.sessionmaker() as session:
            self.cursor.position = await outbox_position(session)
        await super().start()

    async def reset(self, cursor: int = 0) -> None:
        """Forget the position (tests empty the tables between cases)."""
        self.cursor.position = cursor
        self.builder.clear()
        self.gaps = GapTracker(self.gaps.gap_wait)

    async def caught_up(self, session: AsyncSession, position: int) -> None:
        if await last_activity_id(session) < position:  # the table was emptied (tests) or restored: follow it
            await self.reset(await outbox_position(session))

    async def handle(self, session: AsyncSession, batch: Batch) -> None:
        if self.hub.idle:
            # No socket in this process: build nothing. One registering later replays up to the cursor from the
            # table; the cursor moves before any await, so none can register in between.
            self.cursor.position = batch.position
            return
        events = await self.builder.build(session, batch.rows)
        by_id = {e.id: e for e in events}
        for activity in batch.rows:  # no await from here on: a socket registers before or after all of them
            event = by_id.get(activity.id)
            if event is not None:
                self.hub.dispatch(event)
            self.cursor.position = activity.id
