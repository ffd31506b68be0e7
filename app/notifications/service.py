"""Notifications: listing, marking read, delivery settings, and creating them for an activity."""

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta, tzinfo
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, exists, func, or_, select, tuple_, update
from sqlalchemy.ext.asyncio import AsyncSession

from app import permissions
from app.config import Settings
from app.db import utcnow
from app.errors import Invalid, NotFound
from app.groups import service as groups_service
from app.notifications import grouping, subjects
from app.notifications.models import DEFAULT_DELIVERY, KINDS, Notification, NotificationSetting
from app.notifications.schemas import NotificationRead, NotificationSettings
from app.outbox.models import Activity
from app.outbox.types import NotificationCreated
from app.outbox.write import emit
from app.permissions import Actor
from app.posts.models import Post
from app.posts.views import user_summaries
from app.schemas import cursor_int, decode_cursor, encode_cursor
from app.users import service as users_service
from app.users.schemas import UserSummary

MAX_ACTORS = 3  # named in an entry; the others are counted
# A page reads up to this many rows per entry it may show, so that twenty reactions to a post are one entry even in
# the bell's ten; bounded, since a member may have thousands of notifications.
WINDOW_PER_ENTRY = 10
MAX_WINDOW = 500


def _still_visible(actor: Actor) -> ColumnElement[bool]:
    """A notification about a post shows only while the post is visible to its recipient (one rule)."""
    visible = exists().where(Post.id == Notification.post_id, permissions.visible_posts(actor))
    return or_(Notification.post_id.is_(None), visible)


async def member_zone(session: AsyncSession, settings: Settings, actor: Actor) -> ZoneInfo:
    """The zone the member reads times in (grouping "the same day" and the labels depend on it)."""
    return await users_service.time_zone_of(session, actor.user_id, settings.DEFAULT_TIME_ZONE)


async def list_notifications(
    session: AsyncSession, actor: Actor, *, zone: tzinfo = UTC, unread: bool = False, cursor: str | None = None,
    limit: int = 20,
) -> tuple[list[NotificationRead], str | None]:
    """Newest first, keyset-paged by (time, id); similar notifications of the page grouped into one entry."""
    stmt = select(Notification).where(Notification.user_id == actor.user_id, _still_visible(actor))
    if unread:
        stmt = stmt.where(Notification.read_at.is_(None))
    decoded = decode_cursor(cursor)
    before, before_at = cursor_int(decoded, "i"), cursor_int(decoded, "t")
    if before is not None and before_at is not None:
        stmt = stmt.where(tuple_(Notification.created_at, Notification.id) < (_from_micros(before_at), before))
    elif before is not None:
        stmt = stmt.where(Notification.id < before)
    order = (Notification.created_at.desc(), Notification.id.desc())
    window = min(limit * WINDOW_PER_ENTRY, MAX_WINDOW)
    rows = list(await session.scalars(stmt.order_by(*order).limit(window + 1)))
    entries, used = grouping.first_entries(rows[:window], zone, limit)
    next_cursor = None
    if used < len(rows):
        last = rows[used - 1]
        next_cursor = encode_cursor({"t": _micros(last.created_at), "i": last.id})
    return await entry_views(session, actor, entries), next_cursor


def _micros(moment: datetime) -> int:
    moment = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return (moment - _EPOCH) // timedelta(microseconds=1)


def _from_micros(value: int) -> datetime:
    try:
        return _EPOCH + timedelta(microseconds=value)
    except OverflowError as exc:
        raise Invalid("Invalid cursor") from exc


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


async def unread_count(session: AsyncSession, actor: Actor) -> int:
    """Unread entries, as the list groups them (twenty reactions to one post count once)."""
    targets = select(*grouping.target_columns()).where(
        Notification.user_id == actor.user_id, Notification.read_at.is_(None), _still_visible(actor)
    ).distinct().subquery()
    return int(await session.scalar(select(func.count()).select_from(targets)) or 0)


async def mark_read(session: AsyncSession, actor: Actor, ids: Sequence[int] | None, everything: bool) -> None:
    """Only the member's own notifications change; unknown ids are ignored (idempotent). An id stands for its
    entry: the unread notifications of the same target up to its time are marked too."""
    stmt = update(Notification).where(Notification.user_id == actor.user_id, Notification.read_at.is_(None))
    if everything:
        await session.execute(stmt.values(read_at=utcnow()))
        return
    if not ids:
        return
    chosen = await session.scalars(select(Notification).where(
        Notification.user_id == actor.user_id, Notification.read_at.is_(None), Notification.id.in_(sorted(set(ids)))
    ))
    newest: dict[grouping.Target, datetime] = {}
    for n in chosen:
        t = grouping.target(n)
        newest[t] = max(newest.get(t, n.created_at), n.created_at)
    now = utcnow()
    for t, upto in newest.items():
        await session.execute(stmt.where(grouping.same_target(t), Notification.created_at <= upto).values(read_at=now))


async def entry_views(
    session: AsyncSession, actor: Actor, entries: Sequence[Sequence[Notification]]
) -> list[NotificationRead]:
    """One view per entry: its newest notification, the distinct actors (newest first), what it is about."""
    rows = [n for entry in entries for n in entry]
    people = await user_summaries(session, {n.actor_id for n in rows if n.actor_id is not None})
    posts = await subjects.post_subjects(session, actor, {n.post_id for n in rows if n.post_id is not None})
    groups = await subjects.group_subjects(
        session, actor, {n.group_id for n in rows if n.post_id is None and n.group_id is not None}
    )
    out = []
    for entry in entries:
        newest = entry[0]
        actor_ids = list(dict.fromkeys(n.actor_id for n in entry if n.actor_id is not None))
        subject = posts.get(newest.post_id) if newest.post_id is not None else (
            groups.get(newest.group_id) if newest.group_id is not None else None)
        out.append(_view(newest, people, subject=subject, count=len(entry), actor_ids=actor_ids,
                         ids=[n.id for n in entry]))
    return out


async def notification_views(session: AsyncSession, rows: Sequence[Notification]) -> list[NotificationRead]:
    """Single notifications as pushed live (no subject: the page asks for it with the visibility rule)."""
    people = await user_summaries(session, {n.actor_id for n in rows if n.actor_id is not None})
    return [_view(n, people, subject=None, count=1, actor_ids=[n.actor_id] if n.actor_id else [], ids=[n.id])
            for n in rows]


def _view(n: Notification, people: dict[int, UserSummary], *, subject: str | None, count: int,
          actor_ids: list[int], ids: list[int]) -> NotificationRead:
    return NotificationRead(
        id=n.id, kind=n.kind, actor=people.get(n.actor_id) if n.actor_id else None,  # type: ignore[arg-type]
        post_id=n.post_id, comment_id=n.comment_id, group_id=n.group_id, created_at=n.created_at,
        read=n.read_at is not None, subject=subject, group_count=count, actor_count=max(1, len(actor_ids)),
        actors=[people[uid] for uid in actor_ids[:MAX_ACTORS] if uid in people], grouped_ids=ids,
    )


# Settings

async def get_settings(session: AsyncSession, actor: Actor) -> NotificationSettings:
    rows = await session.execute(
        select(NotificationSetting.kind, NotificationSetting.delivery).where(NotificationSetting.user_id == actor.user_id)
    )
    return NotificationSettings.model_validate({kind: delivery for kind, delivery in rows if kind in KINDS})


async def update_settings(session: AsyncSession, actor: Actor, data: NotificationSettings) -> NotificationSettings:
    current = {
        s.kind: s
        for s in await session.scalars(select(NotificationSetting).where(NotificationSetting.user_id == actor.user_id))
    }
    for kind, delivery in data.model_dump().items():
        if kind in current:
            current[kind].delivery = delivery
        else:
            session.add(NotificationSetting(user_id=actor.user_id, kind=kind, delivery=delivery))
    await session.flush()
    return data


async def deliveries(session: AsyncSession, user_ids: Sequence[int], kind: str) -> dict[int, str]:
    """Each member's delivery for `kind` (default for those without a setting)."""
    out = dict.fromkeys(user_ids, DEFAULT_DELIVERY)
    for chunk in _chunks(sorted(set(user_ids)), 900):
        rows = await session.execute(
            select(NotificationSetting.user_id, NotificationSetting.delivery).where(
                NotificationSetting.kind == kind, NotificationSetting.user_id.in_(chunk)
            )
        )
        out.update({uid: delivery for uid, delivery in rows})
    return out


# Creation (called by the notifier, never by requests)

async def create_for_activity(
    session: AsyncSession, activity: Activity, kind: str, recipient_ids: Sequence[int]
) -> list[Notification]:
    """Store one notification per recipient who wants it, and announce each on its recipient's channel.

    Callers pass recipients already checked against the visibility rule; the author is never notified."""
    wanted = [uid for uid in dict.fromkeys(recipient_ids) if uid != activity.actor_id]
    if not wanted:
        return []
    already = set(
        await session.scalars(
            select(Notification.user_id).where(Notification.activity_id == activity.id, Notification.user_id.in_(wanted))
        )
    ) if len(wanted) <= 900 else await _already_notified(session, activity.id)
    choice = await deliveries(session, wanted, kind)
    typed = activity.typed
    post_id = typed.about_post if typed is not None else activity.post_id  # a comment's reaction names its post
    created = [
        Notification(
            user_id=uid, kind=kind, actor_id=activity.actor_id, activity_id=activity.id, post_id=post_id,
            comment_id=activity.comment_id, group_id=activity.group_id, created_at=activity.created_at,
            email_status="pending" if choice[uid] == "email" else None,
        )
        for uid in wanted
        if uid not in already and choice[uid] != "off"
    ]
    if not created:
        return []
    session.add_all(created)
    await session.flush()
    for n in created:
        emit(session, NotificationCreated(actor_id=activity.actor_id, subject_user_id=n.user_id, notification_id=n.id,
                                          kind=kind))
    await session.flush()
    return created


async def _already_notified(session: AsyncSession, activity_id: int) -> set[int]:
    return set(await session.scalars(select(Notification.user_id).where(Notification.activity_id == activity_id)))


def _chunks(items: list[int], size: int) -> list[list[int]]:
    return [items[i:i + size] for i in range(0, len(items), size)]


async def open_notification(session: AsyncSession, actor: Actor, notification_id: int) -> str:
    """Following a notification reads it (and its entry); returns where it leads (`target_path`)."""
    path = await target_path(session, actor, notification_id)
    await mark_read(session, actor, [notification_id], everything=False)
    return path


async def target_path(session: AsyncSession, actor: Actor, notification_id: int) -> str:
    """Where a notification leads: its post (and comment), else its group's page; NotFound if not the actor's."""

    n = await session.get(Notification, notification_id)
    if n is None or n.user_id != actor.user_id:
        raise NotFound()
    if n.post_id is not None:
        return f"/posts/{n.post_id}" + (f"#comment-{n.comment_id}" if n.comment_id else "")
    if n.group_id is not None:
        try:
            group = await groups_service.access_group(session, actor, n.group_id)
        except NotFound:
            return "/notifications"
        return f"/groups/{group.slug}"
    return "/notifications"
