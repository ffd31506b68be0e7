"""Who is notified of an activity: each rule returns (kind, recipients) already checked for visibility.

Every recipient is checked with `permissions.can_view_post` / the group rules: nobody is told about
content they may not see. Announcements go to the audience in bulk (all active members company-wide,
the group's members in a group) with one query, the rule applied to each member's facts.
"""

from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app import permissions
from app.groups.models import MEMBER_STATUSES, GroupMembership
from app.notifications.models import Notification
from app.outbox.models import Activity
from app.outbox.types import (
    CommentCreated,
    CommentUpdated,
    GroupAccepted,
    GroupRequested,
    PostCreated,
    PostUpdated,
    ReactionChanged,
    TypedActivity,
)
from app.posts.models import Comment, Post
from app.runtime import Runtime
from app.users import service as users_service
from app.users.models import User

MAX_MENTIONS = 10  # SECURITY.md: at most 10 mentions notified per post

Plan = list[tuple[str, list[int]]]


async def plan(runtime: Runtime, session: AsyncSession, activity: Activity) -> Plan:
    """The notifications an activity causes, most specific kind first (one per member per activity)."""
    typed = activity.typed
    handler = _RULES.get(type(typed)) if typed is not None else None
    if handler is None:
        return []  # a type that tells nobody, or one this code does not know
    return await handler(runtime, session, activity, typed)


async def _post_created(runtime: Runtime, session: AsyncSession, row: Activity, a: PostCreated) -> Plan:
    if not a.mentions and a.kind != "announcement":
        return []  # most posts tell nobody: no need to read them
    post = await session.get(Post, a.post_id)
    if post is None:
        return []
    out: Plan = [("mention", await _who_can_view(runtime, session, _ids(a.mentions)[:MAX_MENTIONS], post))]
    if post.kind == "announcement":
        out.append(("announcement", await _audience(session, post)))
    return out


async def _post_updated(runtime: Runtime, session: AsyncSession, row: Activity, a: PostUpdated) -> Plan:
    """Members mentioned by an edit (not those mentioned before) are told once."""
    post = await session.get(Post, a.post_id)
    if post is None:
        return []
    return [("mention", await _who_can_view(runtime, session, _ids(a.new_mentions)[:MAX_MENTIONS], post))]


async def _comment_created(runtime: Runtime, session: AsyncSession, row: Activity, a: CommentCreated) -> Plan:
    post = await session.get(Post, a.post_id)
    comment = await session.get(Comment, a.comment_id)
    if post is None or not permissions.comment_exists(comment):
        return []
    repliers = _ids([a.parent_author_id, a.post_author_id or post.author_id])
    return [
        ("reply", await _who_can_view(runtime, session, repliers, post)),
        ("mention", await _who_can_view(runtime, session, _ids(a.mentions)[:MAX_MENTIONS], post)),
    ]


async def _comment_updated(runtime: Runtime, session: AsyncSession, row: Activity, a: CommentUpdated) -> Plan:
    """As for posts: members mentioned by an edit (not those the comment mentioned before) are told once."""
    if not a.new_mentions:
        return []
    post = await session.get(Post, a.post_id)
    comment = await session.get(Comment, a.comment_id)
    if post is None or not permissions.comment_exists(comment):
        return []
    return [("mention", await _who_can_view(runtime, session, _ids(a.new_mentions)[:MAX_MENTIONS], post))]


async def _reaction_changed(runtime: Runtime, session: AsyncSession, row: Activity, a: ReactionChanged) -> Plan:
    if not a.kind:
        return []  # a reaction removed tells nobody
    target = _ids([a.target_author_id])
    post = await session.get(Post, a.post_id) if a.post_id else None
    if post is None and a.comment_id:
        comment = await session.get(Comment, a.comment_id)
        post = await session.get(Post, comment.post_id) if comment else None
    if post is None or not target:
        return []
    if await _unread_reaction_exists(session, row, target[0]):
        return []  # like, unlike, like again: one unread notification is enough
    return [("reaction", await _who_can_view(runtime, session, target, post))]


async def _group_requested(runtime: Runtime, session: AsyncSession, row: Activity, a: GroupRequested) -> Plan:
    animators = await session.scalars(
        select(GroupMembership.user_id).where(
            GroupMembership.group_id == a.group_id, GroupMembership.status == "animator"
        )
    )
    return [("group_request", await _active(session, list(animators)))]


async def _group_accepted(runtime: Runtime, session: AsyncSession, row: Activity, a: GroupAccepted) -> Plan:
    return [("group_accepted", await _active(session, _ids([a.subject_user_id])))]


_RULES: dict[type[TypedActivity], Callable[[Runtime, AsyncSession, Activity, Any], Awaitable[Plan]]] = {
    PostCreated: _post_created,
    PostUpdated: _post_updated,
    CommentCreated: _comment_created,
    CommentUpdated: _comment_updated,
    ReactionChanged: _reaction_changed,
    GroupRequested: _group_requested,
    GroupAccepted: _group_accepted,
}


async def _who_can_view(runtime: Runtime, session: AsyncSession, user_ids: Sequence[int], post: Post) -> list[int]:
    out = []
    for user in await _active_users(session, user_ids):
        actor = await users_service.build_actor(runtime, session, user)
        if permissions.can_view_post(actor, post):
            out.append(user.id)
    return out


async def _audience(session: AsyncSession, post: Post) -> list[int]:
    """Every active member who can see an announcement: one query, the rule applied to each row's facts."""
    stmt = select(User.id, User.role).where(User.is_active.is_(True))
    if post.group_id is not None:
        stmt = stmt.join(GroupMembership, GroupMembership.user_id == User.id).where(
            GroupMembership.group_id == post.group_id, GroupMembership.status.in_(MEMBER_STATUSES)
        )
    return [
        uid for uid, role in await session.execute(stmt.order_by(User.id))
        if permissions.can_view_post(permissions.member_of(uid, role, post.group_id), post)
    ]


async def _active_users(session: AsyncSession, user_ids: Sequence[int]) -> list[User]:
    if not user_ids:
        return []
    users = await session.scalars(select(User).where(User.id.in_(list(user_ids)), User.is_active.is_(True)))
    by_id = {u.id: u for u in users}
    return [by_id[uid] for uid in user_ids if uid in by_id]


async def _active(session: AsyncSession, user_ids: Sequence[int]) -> list[int]:
    return [u.id for u in await _active_users(session, user_ids)]


async def _unread_reaction_exists(session: AsyncSession, activity: Activity, recipient: int) -> bool:
    stmt = select(Notification.id).where(
        Notification.user_id == recipient, Notification.kind == "reaction", Notification.read_at.is_(None),
        Notification.actor_id == activity.actor_id, Notification.activity_id != activity.id,
    )
    if activity.comment_id:
        stmt = stmt.where(Notification.comment_id == activity.comment_id)
    else:
        stmt = stmt.where(Notification.post_id == activity.post_id, Notification.comment_id.is_(None))
    return await session.scalar(stmt.limit(1)) is not None


def _ids(values: object) -> list[int]:
    """Distinct positive ints, in order (payloads are data, not trusted shapes)."""
    if not isinstance(values, list | tuple):
        return []
    out: list[int] = []
    for v in values:
        if isinstance(v, int) and not isinstance(v, bool) and v > 0 and v not in out:
            out.append(v)
    return out
