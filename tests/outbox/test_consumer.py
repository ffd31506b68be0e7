"""The consumer base: contiguous batches, holes waited for then passed, the cursor moved only after success,
unknown types skipped; and the app's consumers (relay, notifier, indexer) passing an unknown type."""

import asyncio
import logging
import threading
import time
from typing import Any

import pytest
from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncSession

from app.live.component import live_of
from app.outbox.consumer import Batch, OutboxConsumer
from app.outbox.cursors import MemoryCursor, StoredCursor
from app.outbox.models import Activity
from app.outbox.read import last_activity_id
from app.outbox.types import UserUpdated
from app.outbox.write import mark_added
from tests.live.conftest import until as until_async


class Recorder(OutboxConsumer):
    """Records what it is handed; `fail` makes the next `handle` raise."""

    def __init__(self, app: Any, start: int, gap_wait_s: float = 0.0) -> None:
        super().__init__(app.state.runtime.sessionmaker, poll_s=0.05, gap_wait_s=gap_wait_s,
                         log=logging.getLogger("tests.outbox"))
        self.cursor = MemoryCursor(start)
        self.handled: list[int] = []
        self.typed: list[Any] = []
        self.fail = 0

    async def handle(self, session: AsyncSession, batch: Batch) -> None:
        if self.fail:
            self.fail -= 1
            raise RuntimeError("handler failed")
        self.handled += [row.id for row in batch.rows]
        self.typed += [a for _, a in batch.typed()]


async def until(check: Any) -> None:
    async def done() -> bool:
        return bool(check())

    await until_async(done)


@pytest.fixture
async def start(app: Any, register: Any) -> int:
    """An id well above those in use: the test writes its own ids after it (and its rows are truncated after)."""
    await register()
    async with app.state.runtime.sessionmaker() as session:
        return await last_activity_id(session) + 1000


async def _write(app: Any, *ids: int, type: str = "user.updated", subject: int | None = 1) -> None:
    async with app.state.runtime.sessionmaker() as session:
        await session.execute(insert(Activity), [
            {"id": i, "type": type, "subject_user_id": subject, "payload": {}} for i in ids])
        await session.commit()


class TestBatches:
    async def test_contiguous_activities_are_handled_in_order_and_the_cursor_follows(self, app: Any, start: int) -> None:
        consumer = Recorder(app, start)
        await _write(app, start + 2, start + 1, start + 3)
        assert await consumer.turn() == 3
        assert consumer.handled == [start + 1, start + 2, start + 3] and consumer.cursor.position == start + 3
        assert consumer.typed == [UserUpdated(actor_id=None, subject_user_id=1)] * 3
        assert await consumer.step() is None  # nothing more

    async def test_batches_are_bounded(self, app: Any, start: int) -> None:
        consumer = Recorder(app, start)
        consumer.batch_size = 2
        await _write(app, *range(start + 1, start + 6))
        batch = await consumer.step()
        assert batch is not None and batch.full and [r.id for r in batch.rows] == [start + 1, start + 2]
        assert await consumer.turn() == 3 and consumer.cursor.position == start + 5


class TestHoles:
    async def test_a_hole_holds_later_activities_until_it_fills(self, app: Any, start: int) -> None:
        consumer = Recorder(app, start, gap_wait_s=60)
        await _write(app, start + 1, start + 3)
        batch = await consumer.step()
        assert batch is not None and batch.waiting and consumer.waiting
        assert consumer.handled == [start + 1] and consumer.cursor.position == start + 1
        assert (await consumer.step()).rows == []  # still waiting: nothing handed, cursor kept
        assert consumer.cursor.position == start + 1
        await _write(app, start + 2)  # the late transaction commits
        assert await consumer.turn() == 2
        assert consumer.handled == [start + 1, start + 2, start + 3] and not consumer.waiting

    async def test_a_hole_is_passed_once_older_than_the_gap_wait(self, app: Any, start: int) -> None:
        consumer = Recorder(app, start, gap_wait_s=0.3)
        await _write(app, start + 1, start + 3)
        began = time.monotonic()
        assert await consumer.turn() == 2  # the turn waits at the hole, then gives up on it
        assert time.monotonic() - began >= 0.3
        assert consumer.handled == [start + 1, start + 3] and consumer.cursor.position == start + 3


class TestCursor:
    async def test_the_cursor_moves_only_after_the_batch_was_handled(self, app: Any, start: int) -> None:
        consumer = Recorder(app, start)
        await _write(app, start + 1, start + 2)
        consumer.fail = 1
        with pytest.raises(RuntimeError):
            await consumer.step()
        assert consumer.cursor.position == start and consumer.handled == []
        assert await consumer.turn() == 2  # read again, handled once
        assert consumer.handled == [start + 1, start + 2] and consumer.cursor.position == start + 2

    async def test_the_running_loop_retries_a_failed_turn(self, app: Any, start: int) -> None:
        consumer = Recorder(app, start)
        consumer.fail = 2
        await _write(app, start + 1)
        await consumer.start()
        try:
            await until(lambda: consumer.cursor.position == start + 1)
        finally:
            await consumer.stop()
        assert consumer.handled == [start + 1]

    async def test_a_stored_cursor_is_held_by_one_process_at_a_time(self, app: Any) -> None:
        if app.state.runtime.engine.dialect.name != "postgresql":
            pytest.skip("SQLite has one writer: the second process waits for the lock instead")
        cursor = StoredCursor("test-consumer")
        async with app.state.runtime.sessionmaker() as session:
            assert await cursor.load(session) == 0  # created at 0
            await session.commit()
        async with app.state.runtime.sessionmaker() as first, app.state.runtime.sessionmaker() as second:
            assert await cursor.load(first) == 0
            assert await cursor.load(second) is None  # locked by the first: skipped, not waited for
            await second.rollback()
            await cursor.save(first, 5)
            await first.commit()
            assert await cursor.load(second) == 5
            await second.rollback()

    async def test_wake_from_another_thread(self, app: Any, start: int) -> None:
        consumer = Recorder(app, start)
        consumer.poll_s = 60  # only a wake-up can start the second turn
        await consumer.start()
        try:
            await asyncio.sleep(0.05)  # the first turn ran and found nothing
            await _write(app, start + 1)
            thread = threading.Thread(target=consumer.wake)
            thread.start()
            thread.join()
            await until(lambda: consumer.handled == [start + 1])
        finally:
            await consumer.stop()


class TestUnknownTypes:
    async def test_the_base_hands_unknown_rows_but_no_typed_activity(self, app: Any, start: int) -> None:
        consumer = Recorder(app, start)
        await _write(app, start + 1, type="event.scheduled")
        await _write(app, start + 2)
        assert await consumer.turn() == 2 and consumer.cursor.position == start + 2
        assert consumer.typed == [UserUpdated(actor_id=None, subject_user_id=1)]

    async def test_the_apps_consumers_pass_a_type_they_do_not_know(
            self, app: Any, register: Any, client: Any) -> None:
        """A newer release may write types this one does not know: relay, notifier and indexer skip them."""
        from tests.notifications.test_notifications import quiet

        indexer = app.state.runtime.search.indexer
        await indexer.rebuild()  # from this test's (empty) database, as the search tests start
        member = await register()
        async with app.state.runtime.sessionmaker() as session:
            session.add(Activity(type="event.scheduled", actor_id=member.id, group_id=None,
                                 subject_user_id=member.id, payload={"at": "soon", "private": True}))
            mark_added(session)
            await session.commit()
            newest = await last_activity_id(session)
        live_of(app.state.runtime).relay.wake()
        await quiet(app)  # the notifier's stored cursor passed it
        await until(lambda: live_of(app.state.runtime).relay.cursor.position >= newest)
        while await indexer.run_once() or indexer.waiting:
            await asyncio.sleep(0.02)
        assert indexer.state.last_id >= newest
        r = await client.post("/api/v1/posts", json={"body": "still working"}, headers=member.headers)
        assert r.status_code == 201
