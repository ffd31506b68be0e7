"""The relay: committed activities → events → this process's sockets, in id order, each once.

Woken after local commits (`app.state.after_commit`), by other processes through the bus, and every
`LIVE_POLL_S` regardless (a lost wake-up, Redis down). It starts at the newest activity: sockets that
connect ask for older events with `since` and get them from the table (`replay`).
"""

import asyncio
import logging
from typing import Any

from app.live.hub import Hub
from app.live.outbox import (
    BATCH,
    GapTracker,
    OutboxLoop,
    activities_after,
    gap_wait_for,
    last_activity_id,
    outbox_position,
)
from app.live.payloads import EventBuilder

log = logging.getLogger("ruche.live")


class Relay(OutboxLoop):
    task_name = "ruche-live-relay"
    # Every commit of any process wakes every relay, and a turn costs two or three statements whatever it carries:
    # at 150 posts/s that was up to 300 turns a second in each worker, a fifth of the workers' CPU (8.2 ms per post
    # against 6.5 ms with this interval). Events may wait a twentieth of a second to travel together.
    min_interval_s = 0.05

    def __init__(self, app: Any, hub: Hub, builder: EventBuilder) -> None:
        settings = app.state.runtime.settings
        super().__init__(settings.LIVE_POLL_S, log)
        self.sessionmaker = app.state.runtime.sessionmaker
        self.hub = hub
        self.builder = builder
        self.gaps = GapTracker(gap_wait_for(settings.is_sqlite, settings.LIVE_GAP_WAIT_S))
        self.cursor = 0  # every activity up to here has been dispatched (or was a permanent hole)

    async def start(self) -> None:
        async with self.sessionmaker() as session:
            self.cursor = await outbox_position(session)
        self._start_task()

    async def reset(self, cursor: int = 0) -> None:
        """Forget the position (tests empty the tables between cases)."""
        self.cursor = cursor
        self.builder.clear()
        self.gaps = GapTracker(self.gaps.gap_wait)

    async def turn(self) -> None:
        while await self.step():
            pass

    async def step(self) -> bool:
        """Dispatch the next contiguous batch; True when more is waiting (or a hole may fill soon)."""
        async with self.sessionmaker() as session:
            rows = await activities_after(session, self.cursor)
            if not rows:
                newest = await last_activity_id(session)
                if newest < self.cursor:  # the table was emptied (tests) or restored: follow it
                    await self.reset(await outbox_position(session))
                return False
            ready, _, waiting = self.gaps.contiguous(rows, self.cursor)
            if self.hub.idle:
                # No socket in this process: build nothing. One registering later replays up to the cursor from the
                # table; the cursor moves before any await, so none can register in between.
                if ready:
                    self.cursor = ready[-1].id
                events = None
            else:
                events = await self.builder.build(session, ready)
        if events is not None:
            by_id = {e.id: e for e in events}
            for activity in ready:
                event = by_id.get(activity.id)
                if event is not None:
                    self.hub.dispatch(event)
                self.cursor = activity.id
        if waiting:
            await asyncio.sleep(0.02)  # a transaction holding an earlier id is about to commit
            return True
        return len(rows) >= BATCH and len(ready) == len(rows)
