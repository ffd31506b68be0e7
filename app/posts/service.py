"""Posts: publish, read, edit and delete, with mentions, topics, idempotency and posting limits."""

from datetime import timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from app import permissions
from app.config import Settings
from app.db import utcnow
from app.errors import Conflict, Invalid, NotFound, RateLimited
from app.groups import service as groups_service
from app.groups.cache import GROUPS, GroupCache
from app.groups.schemas import GroupSummary
from app.markdown import Parsed, parse
from app.outbox.types import PostDeleted, PostUpdated
from app.outbox.write import emit
from app.permissions import Actor
from app.posts import idempotency
from app.posts.insert import insert_post
from app.posts.mentions import MAX_NOTIFIED_MENTIONS, resolve_handles
from app.posts.models import Post, PostMention, PostTopic
from app.posts.read import NewPostRefs
from app.posts.schemas import PostCreate, PostUpdate
from app.ratelimit import Limiter
from app.runtime import Runtime
from app.users.models import User


async def access_post(session: AsyncSession, actor: Actor, post_id: int) -> Post:
    """Load a post the actor may see; missing and invisible are the same 404."""
    post = await session.get(Post, post_id)
    if post is None or not permissions.can_view_post(actor, post):
        raise NotFound()
    return post


async def create_post(
    session: AsyncSession, runtime: Runtime, actor: Actor, data: PostCreate, *, idempotency_key: str | None = None,
) -> tuple[Post, bool]:
    """Publish a post; returns (post, created). `created` is False when an Idempotency-Key replays."""
    group = await _check_can_publish(session, actor, data, runtime.caches.get(GROUPS))
    if idempotency_key is not None:
        key = idempotency.check_key(idempotency_key)
        request_hash = idempotency.fingerprint(data)
        earlier = await idempotency.find(session, actor.user_id, key)
        if earlier is None:
            earlier = await idempotency.claim(session, actor.user_id, key, request_hash)
        if earlier is not None:
            idempotency.check_same_request(earlier, request_hash)
            return await access_post(session, actor, earlier.post_id or 0), False
    await _check_posting_limits(session, actor, data.body, runtime.settings, runtime.limiter)
    parsed = _parse(data.body)
    members = await resolve_handles(session, parsed.handles)
    mentioned = members[:MAX_NOTIFIED_MENTIONS]
    post = await insert_post(
        session,
        {"author_id": actor.user_id, "group_id": data.group_id, "kind": data.kind, "title": data.title or None,
         "body": data.body, "body_html": parsed.render({m.handle for m in members}), "created_at": utcnow(),
         "edited_at": None, "deleted_at": None, "hidden_at": None, "comment_count": 0, "reaction_count": 0},
        sorted(parsed.topics), [m.id for m in mentioned],
    )
    # What the new post's view needs and this request already knows (app.posts.read.created_view).
    session.info.setdefault("new_post_refs", {})[post.id] = NewPostRefs(
        sorted(parsed.topics), sorted(mentioned, key=lambda m: m.handle), group)
    if idempotency_key is not None:
        await idempotency.attach_post(session, actor.user_id, idempotency_key, post.id)
    return post, True


async def _check_can_publish(session: AsyncSession, actor: Actor, data: PostCreate, groups: GroupCache
                             ) -> GroupSummary | None:
    """The post's group, if any. 404 for a group the actor may not know exists, 403 when they may not post (or
    announce) there."""
    group = None
    if data.group_id is not None:
        group = await groups_service.visible_group(session, actor, data.group_id, groups)
        permissions.require(permissions.can_post_in(actor, group.id), "Only members of this group can post in it")
        await groups_service.require_writable(session, group.id, groups)
    if data.kind == "announcement":
        permissions.require(permissions.can_announce_in(actor, data.group_id), "You cannot make announcements here")
    return group


async def _check_posting_limits(
    session: AsyncSession, actor: Actor, body: str, settings: Settings, limiter: Limiter
) -> None:
    """SECURITY.md: the same body twice within the window is a 409; one post per interval, else 429."""
    if not settings.rate_limits_on:
        return
    if settings.DUPLICATE_POST_WINDOW_S > 0:
        since = utcnow() - timedelta(seconds=settings.DUPLICATE_POST_WINDOW_S)
        duplicate = await session.scalar(
            select(Post.id).where(
                Post.author_id == actor.user_id, Post.created_at >= since, permissions.existing_posts(), Post.body == body
            ).limit(1)
        )
        if duplicate is not None:
            raise Conflict("You just posted the same message")
    if settings.POST_INTERVAL_S > 0:
        wait = await limiter.hit(f"post:{actor.user_id}", 1, settings.POST_INTERVAL_S)
        if wait is not None:
            raise RateLimited(wait, "You are posting too fast; wait a few seconds")


def _parse(body: str, *, topics: bool = True) -> Parsed:
    try:
        return parse(body, topics=topics)
    except RecursionError as exc:  # pathological nesting: refuse it rather than fail
        raise Invalid("This text is nested too deeply") from exc


async def _save_refs(session: AsyncSession, post: Post, parsed: Parsed) -> list[int]:
    """Render the edited body and rewrite its topics and mentions; returns the mentioned member ids (at most 10)."""
    members = await resolve_handles(session, parsed.handles)
    post.body_html = parsed.render({m.handle for m in members})
    await session.execute(delete(PostTopic).where(PostTopic.post_id == post.id))
    await session.execute(delete(PostMention).where(PostMention.post_id == post.id))
    return _add_refs(session, post, parsed, members)


def _add_refs(session: AsyncSession, post: Post, parsed: Parsed, members: list[User]) -> list[int]:
    """Add the post's topics and mentions; returns the mentioned member ids (at most 10)."""
    for topic in parsed.topics:
        session.add(PostTopic(post_id=post.id, topic=topic))
    mentioned = [m.id for m in members[:MAX_NOTIFIED_MENTIONS]]
    for user_id in mentioned:
        session.add(PostMention(post_id=post.id, user_id=user_id))
    return mentioned


async def update_post(session: AsyncSession, actor: Actor, post_id: int, data: PostUpdate) -> Post:
    """Edit a post's body or title: its author only (moderators hide instead)."""
    post = await access_post(session, actor, post_id)
    permissions.require(permissions.can_edit_post(actor, post), "Only the author can edit this post")
    if post.group_id is not None:  # an archived group is read-only: its posts are kept as they were
        await groups_service.require_writable(session, post.group_id)
    changes = data.model_dump(exclude_unset=True)
    if not changes:
        return post  # nothing sent, nothing edited
    if "body" in changes and changes["body"] is None:
        raise Invalid("The body cannot be empty")
    before = set(await session.scalars(select(PostMention.user_id).where(PostMention.post_id == post.id)))
    if "title" in changes:
        post.title = changes["title"] or None
    if changes.get("body") is not None:
        post.body = changes["body"]
        mentioned = await _save_refs(session, post, _parse(post.body))
    else:
        mentioned = sorted(before)
    post.edited_at = utcnow()
    emit(session, PostUpdated(actor_id=actor.user_id, post_id=post.id, group_id=post.group_id, kind=post.kind,
                              mentions=tuple(mentioned), new_mentions=tuple(m for m in mentioned if m not in before)))
    await session.flush()
    return post


async def delete_group_posts(session: AsyncSession, actor: Actor, group_id: int) -> int:
    """Soft-delete every post of a group being deleted (app.groups.deletion checked who may), each with its
    `post.deleted` activity: feeds, counts, search and live sockets drop them as for a post deleted alone."""
    now = utcnow()
    rows = (await session.execute(
        update(Post).where(Post.group_id == group_id, permissions.existing_posts())
        .values(deleted_at=now).returning(Post.id, Post.kind, Post.author_id)
    )).all()
    for post_id, kind, author_id in rows:
        emit(session, PostDeleted(actor_id=actor.user_id, post_id=post_id, group_id=group_id, kind=kind,
                                  author_id=author_id))
    return len(rows)


async def delete_post(session: AsyncSession, actor: Actor, post_id: int) -> None:
    """Soft delete: the author, the group's animators, moderators and admins."""
    post = await access_post(session, actor, post_id)
    permissions.require(permissions.can_delete_post(actor, post), "You cannot delete this post")
    post.deleted_at = utcnow()
    emit(session, PostDeleted(actor_id=actor.user_id, post_id=post.id, group_id=post.group_id, kind=post.kind,
                              author_id=post.author_id))
    await session.flush()
