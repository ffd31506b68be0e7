"""One base for every reader of the outbox (live relay, notifier, search indexer; analytics next).

A consumer handles committed activities in id order, in batches, after its cursor (`app.outbox.cursors`).
What it shares with the others lives here:
- the wake-up: `wake()` after local commits (`runtime.after_commit`) and from other processes through the
  bus (`outbox_wakers`), and a turn every `poll_s` regardless (a lost wake-up, Redis down); at least
  `rest_s()` between turns, so that under a burst of commits one turn handles many activities;
- late commits (`app.outbox.read`): only the contiguous prefix after the cursor is handled; a hole holds
  later rows until it fills or is older than the gap wait (`LIVE_GAP_WAIT_S`; 0 on SQLite);
- the cursor moves only after the batch's effects are done, in the same unit of work where it is stored
  there: a failing batch (database restarting, lock timeout) is read again on the next turn.
Types this code does not know (`row.typed is None`) reach `handle` in the batch: a consumer skips them.
"""

import asyncio
import contextlib
import logging
from collections.abc import Iterator
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.outbox.cursors import Cursor
from app.outbox.models import Activity
from app.outbox.read import BATCH, GapTracker, activities_after
from app.outbox.types import TypedActivity


@dataclass
class Batch:
    """The activities handled in one step: contiguous, in id order, unknown types included."""

    rows: list[Activity]
    position: int  # the cursor once they are handled
    read: int  # rows read, some perhaps held behind a hole
    waiting: bool  # a hole may still fill: the rows after it wait
    full: bool  # the read was a whole batch: more may follow at once

    def typed(self) -> Iterator[tuple[Activity, TypedActivity]]:
        """Each row with its typed activity, rows of unknown types left out."""
        for row in self.rows:
            activity = row.typed
            if activity is not None:
                yield row, activity


MAX_BACKOFF_S = 60.0  # a consumer failing over and over tries again at least this often


class OutboxConsumer:
    """Subclasses set `cursor` and implement `handle`; `start()`/`stop()` run `run()` as a task."""

    task_name = "ruche-outbox"
    batch_size = BATCH
    # Longest wait between failing turns (a consumer whose delay matters to members waits less).
    max_backoff_s = MAX_BACKOFF_S
    # Least time between two turns: under a burst of commits, one turn then handles many activities.
    min_interval_s = 0.0
    # While a hole may still fill, read again this often.
    hole_poll_s = 0.02
    cursor: Cursor

    def __init__(self, sessionmaker: async_sessionmaker[AsyncSession], *, poll_s: float, gap_wait_s: float,
                 log: logging.Logger) -> None:
        self.sessionmaker = sessionmaker
        self.poll_s = poll_s
        self.gaps = GapTracker(gap_wait_s)
        self.waiting = False  # the last step stopped at a hole that may still fill
        self.failures = 0  # turns failed in a row (0 once one succeeds)
        self._log = log
        self._wake = asyncio.Event()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._task: asyncio.Task[None] | None = None

    # What a consumer defines

    async def handle(self, session: AsyncSession, batch: Batch) -> None:
        """Do the batch's work (`batch.rows` is never empty); the cursor moves to `batch.position` after it."""
        raise NotImplementedError

    def unit_of_work(self) -> contextlib.AbstractAsyncContextManager[AsyncSession]:
        """The session a step reads, handles and saves its cursor in (override with a committing one)."""
        return self.sessionmaker()

    async def work_waiting(self) -> bool:
        """A cheap check before a step opens its unit of work."""
        return True

    async def caught_up(self, session: AsyncSession, position: int) -> None:
        """Nothing was read after `position`."""

    def rest_s(self, handled: int) -> float:
        """Seconds to rest after a turn that handled `handled` activities."""
        return self.min_interval_s

    # Reading

    async def step(self) -> Batch | None:
        """Handle the next contiguous batch; None when nothing was read (or another process holds the cursor)."""
        if not await self.work_waiting():
            self.waiting = False
            return None
        async with self.unit_of_work() as session:
            start = await self.cursor.load(session)
            if start is None:
                return None
            rows = await activities_after(session, start, limit=self.batch_size)
            if not rows:
                self.waiting = False
                await self.caught_up(session, start)
                return None
            ready, position, waiting = self.gaps.contiguous(rows, start)
            batch = Batch(ready, position, len(rows), waiting, len(rows) >= self.batch_size)
            self.waiting = waiting
            if ready:
                await self.handle(session, batch)
                await self.cursor.save(session, position)
        return batch

    async def turn(self) -> int:
        """Steps until the outbox is drained or a hole is given up on; returns the activities handled."""
        handled = 0
        while True:
            batch = await self.step()
            if batch is None:
                return handled
            handled += len(batch.rows)
            if batch.waiting:
                await asyncio.sleep(self.hole_poll_s)  # a transaction holding an earlier id is about to commit
            elif not batch.full:
                return handled

    # Running

    def wake(self) -> None:
        """Ask for a turn soon; safe from any thread (the after-commit hooks, the bus)."""
        loop = self._loop
        if loop is None or _running_loop() is loop:
            self._wake.set()
        elif not loop.is_closed():
            loop.call_soon_threadsafe(self._wake.set)

    async def run(self) -> None:
        """Turns for ever: at once, then after each wake-up or `poll_s`. A failing turn is retried later, backing off
        (`poll_s` doubled up to MAX_BACKOFF_S, wake-ups ignored meanwhile) and logged in one line after the first
        traceback: a full disk or an unwritable folder must not flood the log every second."""
        self._loop = asyncio.get_running_loop()
        while True:
            self._wake.clear()
            try:
                handled = await self.turn()
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                await asyncio.sleep(self._failed(exc))
                continue
            self._recovered()
            rest = self.rest_s(handled)
            if rest:
                await asyncio.sleep(rest)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self.poll_s)

    async def drain(self) -> None:
        """Handle every activity committed so far (holes waited for as usual), then return."""
        while True:
            try:
                await self.turn()
            except Exception as exc:
                await asyncio.sleep(self._failed(exc))
                continue
            self._recovered()
            return

    def _failed(self, exc: Exception) -> float:
        """Log a failed turn (the traceback once, then a line) and return how long to wait before the next."""
        self.failures += 1
        delay = min(self.poll_s * 2.0 ** self.failures, self.max_backoff_s)
        if self.failures == 1:
            self._log.exception("%s turn failed; retrying in %.2f s", self.task_name, delay)
        else:
            self._log.warning("%s turn failed again (%d in a row): %s: %s; retrying in %.2f s", self.task_name,
                              self.failures, type(exc).__name__, exc, delay)
        return delay

    def _recovered(self) -> None:
        if self.failures:
            self._log.warning("%s recovered after %d failed turns", self.task_name, self.failures)
            self.failures = 0

    async def start(self) -> None:
        self._task = asyncio.create_task(self.run(), name=self.task_name)

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task


def _running_loop() -> asyncio.AbstractEventLoop | None:
    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        return None

