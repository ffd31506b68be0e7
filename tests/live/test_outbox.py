"""The relay reads the outbox in order: a hole left by a late commit is waited for, not skipped."""

from sqlalchemy import insert

from app.live.component import live_of
from app.outbox.models import Activity
from app.outbox.read import GapTracker


class TestRelayOrder:
    async def test_late_commit_is_delivered_in_order(self, app, ws, register):
        """Ids 10 and 12 commit, 11 commits later: a socket gets 10, then 11 and 12, never skips 11."""
        member = await register()
        relay = live_of(app.state.runtime).relay
        relay.gaps = GapTracker(10)
        try:
            async with ws(token=member.token) as sock:
                start = relay.cursor.position + 1000
                await relay.reset(start + 9)

                def row(i):
                    return {"id": start + i, "type": "post.deleted", "post_id": 99, "group_id": None, "payload": {}}

                async with app.state.runtime.sessionmaker() as session:
                    await session.execute(insert(Activity), [row(10), row(12)])
                    await session.commit()
                relay.wake()
                first = await sock.receive(timeout=10)
                assert first["id"] == start + 10
                await sock.nothing(0.3)
                async with app.state.runtime.sessionmaker() as session:
                    await session.execute(insert(Activity), [row(11)])
                    await session.commit()
                relay.wake()
                assert [e["id"] for e in await sock.events(2, timeout=10)] == [start + 11, start + 12]
        finally:
            await relay.reset(relay.cursor.position)
