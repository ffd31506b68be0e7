"""Reading the outbox: holes left by late commits are waited for, permanent ones skipped; where a reader starts."""

from types import SimpleNamespace

from sqlalchemy import delete

from app.outbox.models import Activity
from app.outbox.read import GapTracker, last_activity_id, outbox_position


def rows(*ids):
    return [SimpleNamespace(id=i) for i in ids]


class TestGapTracker:
    def test_contiguous_rows_pass(self):
        ready, cursor, waiting = GapTracker(3).contiguous(rows(1, 2, 3), 0)
        assert [r.id for r in ready] == [1, 2, 3] and cursor == 3 and not waiting

    def test_a_hole_holds_later_rows_while_it_may_fill(self):
        tracker = GapTracker(3)
        ready, cursor, waiting = tracker.contiguous(rows(1, 3, 4), 0)
        assert [r.id for r in ready] == [1] and cursor == 1 and waiting
        ready, cursor, waiting = tracker.contiguous(rows(2, 3, 4), 1)
        assert [r.id for r in ready] == [2, 3, 4] and not waiting

    def test_a_hole_older_than_the_wait_is_skipped(self):
        tracker = GapTracker(0)
        ready, cursor, waiting = tracker.contiguous(rows(1, 3), 0)
        assert [r.id for r in ready] == [1, 3] and cursor == 3 and not waiting


class TestOutboxPosition:
    async def test_an_emptied_outbox_starts_after_the_ids_already_used(self, app, register):
        """A relay starting on an empty outbox must not wait on the ids used before it was emptied as on a hole."""
        member = await register()
        async with app.state.runtime.sessionmaker() as session:
            session.add(Activity(type="post.created", actor_id=member.id, payload={}))
            await session.commit()
            newest = await last_activity_id(session)
            assert newest > 0 and await outbox_position(session) == newest
            await session.execute(delete(Activity))
            await session.commit()
            position = await outbox_position(session)
        if app.state.runtime.engine.dialect.name == "postgresql":
            assert position == newest  # the sequence goes on from there
        else:
            assert position == 0  # SQLite: holes are permanent at once, nothing to wait for
