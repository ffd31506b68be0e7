"""Demo notifications carry the time of what they tell (the backdated comment or reaction), not the seeding's."""

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from app.demo.seed import seed
from app.notifications.models import Notification
from app.outbox.models import Activity, OutboxCursor
from app.outbox.read import last_activity_id
from tests.live.conftest import until

CONTENT_KINDS = ("mention", "reply", "reaction", "announcement")


async def test_demo_notifications_have_their_contents_time(app, session, base_settings):
    started = datetime.now(UTC)
    await seed(base_settings, 60)
    await _notified(app)
    rows = (await session.execute(
        select(Notification.kind, Notification.created_at, Activity.created_at)
        .join(Activity, Activity.id == Notification.activity_id)
        .where(Notification.kind.in_(CONTENT_KINDS))
    )).all()
    assert len(rows) > 100
    assert all(told == happened for _, told, happened in rows)  # the activity's time, exactly
    kinds = {kind for kind, _, _ in rows}
    assert {"reply", "reaction"} <= kinds
    recent = [kind for kind, told, _ in rows if told > started - timedelta(minutes=1)]
    assert recent == []  # nothing stamped with the seeding time
    days = {told.date() for _, told, _ in rows}
    assert len(days) > 7  # spread over the demo's four weeks


async def _notified(app):
    """Wait until the notifier has turned every seeded activity into notifications (a few thousand)."""
    async def done():
        app.state.runtime.components["notifier"].wake()
        async with app.state.runtime.sessionmaker() as s:
            newest = await last_activity_id(s)
            cursor = await s.scalar(select(OutboxCursor.last_id).where(OutboxCursor.name == "notifier"))
        return cursor is not None and cursor >= newest

    await until(done, timeout=120)
