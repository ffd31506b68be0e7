"""Feeds: newest first, keyset-paged on post id, filtered by the one visibility rule."""

from typing import Any

from sqlalchemy import Select, false, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from app import permissions
from app.errors import Invalid, NotFound
from app.groups import service as groups_service
from app.markdown import normalize_topic
from app.posts.models import Post, PostTopic
from app.posts.schemas import cursor_id
from app.schemas import encode_cursor
from app.security import Actor
from app.users import service as users_service
from app.users.models import Follow

PostPage = tuple[list[Post], str | None]


async def home_feed(session: AsyncSession, actor: Actor, *, cursor: str | None = None, limit: int = 20) -> PostPage:
    """Company-wide posts, posts of my groups, of people I follow and my own, that I may see."""
    followed = select(Follow.followed_id).where(Follow.follower_id == actor.user_id).scalar_subquery()
    my_groups = sorted(actor.member_group_ids)
    scope = or_(
        Post.group_id.is_(None),
        Post.group_id.in_(my_groups) if my_groups else false(),
        Post.author_id == actor.user_id,
        Post.author_id.in_(followed),
    )
    return await _page(session, select(Post).where(permissions.visible_posts(actor), scope), cursor, limit)


async def group_feed(
    session: AsyncSession, actor: Actor, group_id: int, *, cursor: str | None = None, limit: int = 20
) -> PostPage:
    """A group's posts; a private or secret group's only for its members (404 otherwise)."""
    group = await groups_service.access_group(session, actor, group_id)
    if not permissions.can_read_group_content(actor, group.id):
        raise NotFound()
    stmt = select(Post).where(Post.group_id == group.id, permissions.visible_posts(actor))
    return await _page(session, stmt, cursor, limit)


async def member_feed(
    session: AsyncSession, actor: Actor, user_id: int, *, cursor: str | None = None, limit: int = 20
) -> PostPage:
    """A member's posts that the actor may see."""
    user = await users_service.access_user(session, user_id)
    stmt = select(Post).where(Post.author_id == user.id, permissions.visible_posts(actor))
    return await _page(session, stmt, cursor, limit)


async def topic_feed(
    session: AsyncSession, actor: Actor, topic: str, *, cursor: str | None = None, limit: int = 20
) -> PostPage:
    """Posts tagged `#topic` that the actor may see (`Lancement`, `#lancement` and `lancement` are one topic)."""
    name = normalize_topic(topic)
    if name is None:
        raise Invalid("Invalid topic")
    stmt = (
        select(Post)
        .join(PostTopic, PostTopic.post_id == Post.id)
        .where(PostTopic.topic == name, permissions.visible_posts(actor))
    )
    return await _page(session, stmt, cursor, limit)


async def _page(session: AsyncSession, stmt: Select[Any], cursor: str | None, limit: int) -> PostPage:
    """Newest first; the cursor is the last id seen, so posts added meanwhile never shift a page."""
    before = cursor_id(cursor)
    if before is not None:
        stmt = stmt.where(Post.id < before)
    posts = list(await session.scalars(stmt.order_by(Post.id.desc()).limit(limit + 1)))
    next_cursor = None
    if len(posts) > limit:
        posts = posts[:limit]
        next_cursor = encode_cursor({"id": posts[-1].id})
    return posts, next_cursor
