"""Activities → live events: the object as the REST API shows it to any allowed member, serialized once.

Per-viewer fields (`my_reaction`) are left out. Posts that are deleted or hidden by the time the event
is built produce no content event. Built events are cached by activity id so replays to many reconnecting
sockets reuse the same text.
"""

import json
from collections import OrderedDict
from collections.abc import Sequence
from typing import Any

from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app import permissions
from app.events import Event
from app.notifications import service as notifications_service
from app.notifications.models import Notification
from app.outbox.models import Activity
from app.outbox.types import (
    CommentCreated,
    CommentDeleted,
    CommentUpdated,
    GroupCreated,
    GroupUpdated,
    MembershipChanged,
    NotificationCreated,
    PostCreated,
    PostDeleted,
    PostUpdated,
    ReactionChanged,
    TypedActivity,
    UserUpdated,
)
from app.posts import read
from app.posts.models import Comment
from app.posts.views import comment_views

PER_VIEWER = {"my_reaction"}
# Activities that change sockets' state without being sent (see hub.Hub.dispatch).
STATE_ONLY = (UserUpdated, GroupCreated, GroupUpdated)
SENT = (PostCreated, PostUpdated, PostDeleted, CommentCreated, CommentUpdated, CommentDeleted, ReactionChanged,
        NotificationCreated, MembershipChanged)
Typed = Sequence[tuple[Activity, TypedActivity]]


def _dump(obj: BaseModel) -> dict[str, Any]:
    return obj.model_dump(mode="json", exclude=PER_VIEWER)


def _text(activity: Activity, fields: dict[str, Any]) -> str:
    return json.dumps({"id": activity.id, "type": activity.type, **fields}, separators=(",", ":"), ensure_ascii=False)


class EventBuilder:
    def __init__(self, cache_size: int = 4096) -> None:
        self.cache_size = cache_size
        self._cache: OrderedDict[int, Event] = OrderedDict()

    def clear(self) -> None:
        self._cache.clear()

    async def build(self, session: AsyncSession, activities: Sequence[Activity]) -> list[Event]:
        """Events for `activities`, in order (those that concern no socket, or of unknown types, are left out)."""
        todo = [(row, a) for row in activities if row.id not in self._cache
                and isinstance(a := row.typed, SENT + STATE_ONLY)]
        if todo:
            for event in await _build(session, todo):
                self._cache[event.id] = event
            while len(self._cache) > self.cache_size:
                self._cache.popitem(last=False)
        return [self._cache[a.id] for a in activities if a.id in self._cache]


async def _build(session: AsyncSession, activities: Typed) -> list[Event]:
    # Only posts still shown (neither deleted nor hidden) are read: the others produce no content event.
    posts = await read.published_rows(session, [pid for _, a in activities if (pid := a.about_post) is not None])
    comments = await _comments(
        session, {a.comment_id for _, a in activities if isinstance(a, CommentCreated | CommentUpdated)})
    post_objects = {row.id: read.live_object(row) for row in posts.values()}
    comment_objects = {c.id: _dump(v) for c, v in zip(
        comments.values(), await comment_views(session, None, list(comments.values())), strict=True
    )} if comments else {}
    notifications = await _notifications(session, activities)
    out: list[Event] = []
    for row, a in activities:
        fields = _fields(a, posts, post_objects, comment_objects, notifications)
        if fields is None and not isinstance(a, STATE_ONLY):
            continue
        out.append(Event(
            id=row.id, type=row.type, group_id=row.group_id, subject_user_id=row.subject_user_id, private=a.private,
            text=_text(row, fields) if fields is not None else None, activity=a,
        ))
    return out


def _fields(
    a: TypedActivity, posts: dict[int, read.PostRow], post_objects: dict[int, dict[str, Any]],
    comment_objects: dict[int, dict[str, Any]], notifications: dict[int, dict[str, Any]],
) -> dict[str, Any] | None:
    post = posts.get(a.about_post or 0)
    shown = post is not None
    if isinstance(a, PostCreated | PostUpdated):
        return {"post": post_objects[post.id]} if shown and post is not None else None
    if isinstance(a, PostDeleted):
        return {"post_id": a.post_id, "group_id": a.group_id}
    if isinstance(a, CommentCreated):
        if not shown or post is None or a.comment_id not in comment_objects:
            return None
        return {"comment": comment_objects[a.comment_id], "comment_count": post.comment_count}
    if isinstance(a, CommentUpdated):
        if not shown or a.comment_id not in comment_objects:
            return None
        return {"comment": comment_objects[a.comment_id]}
    if isinstance(a, CommentDeleted):
        return {"comment_id": a.comment_id, "post_id": a.post_id,
                **({"comment_count": post.comment_count} if shown and post is not None else {})}
    if isinstance(a, ReactionChanged):
        if not shown:
            return None
        key = "comment_id" if a.comment_id is not None else "post_id"
        return {key: a.comment_id if a.comment_id is not None else a.post_id, "reaction_count": a.reaction_count}
    if isinstance(a, NotificationCreated):
        notification = notifications.get(a.notification_id)
        return {"notification": notification} if notification is not None else None
    if isinstance(a, MembershipChanged):
        return {"group_id": a.group_id, "status": a.status}
    return None




async def _comments(session: AsyncSession, ids: set[int]) -> dict[int, Comment]:
    if not ids:
        return {}
    rows = await session.scalars(select(Comment).where(Comment.id.in_(sorted(ids)), permissions.existing_comments()))
    return {c.id: c for c in rows}


async def _notifications(session: AsyncSession, activities: Typed) -> dict[int, dict[str, Any]]:
    ids = sorted({a.notification_id for _, a in activities if isinstance(a, NotificationCreated)})
    if not ids:
        return {}
    rows = list(await session.scalars(select(Notification).where(Notification.id.in_(ids))))
    views = await notifications_service.notification_views(session, rows)
    return {v.id: v.model_dump(mode="json") for v in views}
