"""Reading the outbox: holes left by late commits are waited for, permanent ones skipped."""

from types import SimpleNamespace

from sqlalchemy import insert

from app.activity import Activity
from app.live.outbox import GapTracker


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


class TestRelayOrder:
    async def test_late_commit_is_delivered_in_order(self, app, ws, register):
        """Ids 10 and 12 commit, 11 commits later: a socket gets 10, then 11 and 12, never skips 11."""
        member = await register()
        relay = app.state.live_relay
        relay.gaps = GapTracker(10)
        try:
            async with ws(token=member.token) as sock:
                start = relay.cursor + 1000
                await relay.reset(start + 9)

                def row(i):
                    return {"id": start + i, "type": "post.deleted", "post_id": 99, "group_id": None, "payload": {}}

                async with app.state.runtime.sessionmaker() as session:
                    await session.execute(insert(Activity), [row(10), row(12)])
                    await session.commit()
                relay.wake()
                first = await sock.receive()
                assert first["id"] == start + 10
                await sock.nothing(0.3)
                async with app.state.runtime.sessionmaker() as session:
                    await session.execute(insert(Activity), [row(11)])
                    await session.commit()
                relay.wake()
                assert [e["id"] for e in await sock.events(2)] == [start + 11, start + 12]
        finally:
            await relay.reset(relay.cursor)


class TestOutboxPosition:
    async def test_an_emptied_outbox_starts_after_the_ids_already_used(self, app, register):
        """A relay starting on an empty outbox must not wait on the ids used before it was emptied as on a hole."""
        from sqlalchemy import delete

        from app.live.outbox import last_activity_id, outbox_position

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
