"""`since`: the events a reconnecting socket missed, read from the activity table, in order, once; and the same
for a socket whose queue overflowed (`catch_up`)."""

from app import permissions
from app.live.hub import Connection, Hub
from app.live.payloads import EventBuilder
from app.outbox.read import activities_after

PAGE = 200


async def replay(conn: Connection, sessionmaker: object, builder: EventBuilder, since: int, upto: int,
                 timeout: float) -> bool:
    """Send every event in (since, upto] the member may see now; False if the socket failed.

    Events after `upto` were queued live since registration, so nothing is sent twice or skipped."""
    cursor = since
    while cursor < upto:
        async with sessionmaker() as session:  # type: ignore[operator]
            rows = await activities_after(session, cursor, upto, limit=PAGE)
            if not rows:
                return True
            events = await builder.build(session, rows)
        cursor = rows[-1].id
        for event in events:
            if event.text is None:
                continue
            if not permissions.can_see_activity(conn.actor, event.group_id, event.subject_user_id, event.private):
                continue
            if not await conn.send(event.text, timeout):
                return False
    return True


async def catch_up(conn: Connection, hub: Hub, sessionmaker: object, builder: EventBuilder, timeout: float) -> bool:
    """What an overflowed queue forgot, from the table; then live events flow through the queue again."""
    since, upto = hub.resume(conn)
    if not await replay(conn, sessionmaker, builder, since, upto, timeout):
        return False
    conn.sent_id = max(conn.sent_id, upto)
    return True
