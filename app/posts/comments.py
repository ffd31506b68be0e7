"""Comments with one level of replies. A reply to a reply attaches to the top-level comment it answers."""

from sqlalchemy import or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.attributes import set_committed_value

from app import permissions
from app.db import utcnow
from app.errors import Invalid, NotFound
from app.groups import service as groups_service
from app.outbox.types import CommentCreated, CommentDeleted, CommentUpdated
from app.outbox.write import emit
from app.permissions import Actor
from app.posts import counters, idempotency
from app.posts.mentions import MAX_NOTIFIED_MENTIONS, resolve_handles
from app.posts.models import Comment, Post
from app.posts.schemas import CommentCreate, CommentUpdate, cursor_id
from app.posts.service import _parse, access_post
from app.schemas import encode_cursor


async def access_comment(session: AsyncSession, actor: Actor, comment_id: int) -> tuple[Comment, Post]:
    """A live comment on a post the actor may see, with that post; otherwise 404."""
    comment = await session.get(Comment, comment_id)
    if comment is None or not permissions.comment_exists(comment):
        raise NotFound()
    post = await access_post(session, actor, comment.post_id)
    return comment, post


async def list_comments(
    session: AsyncSession, actor: Actor, post_id: int, *, cursor: str | None = None, limit: int = 20
) -> tuple[list[Comment], str | None]:
    """A post's live comments and replies, oldest first (keyset on id, so new comments never shift a page)."""
    post = await access_post(session, actor, post_id)
    after = cursor_id(cursor)
    stmt = select(Comment).where(Comment.post_id == post.id, permissions.existing_comments())
    if after is not None:
        stmt = stmt.where(Comment.id > after)
    comments = list(await session.scalars(stmt.order_by(Comment.id).limit(limit + 1)))
    next_cursor = None
    if len(comments) > limit:
        comments = comments[:limit]
        next_cursor = encode_cursor({"id": comments[-1].id})
    return comments, next_cursor


async def create_comment(session: AsyncSession, actor: Actor, post_id: int, data: CommentCreate) -> Comment:
    """Comment on a visible post; `parent_id` must be a live comment of the same post (else 422)."""
    post = await access_post(session, actor, post_id)
    if post.group_id is not None:
        await groups_service.require_writable(session, post.group_id)
    parent = await _parent(session, post, data.parent_id)
    parsed = _parse(data.body, topics=False)
    members = await resolve_handles(session, parsed.handles)
    comment = Comment(
        post_id=post.id, parent_id=parent.id if parent else None, author_id=actor.user_id, body=data.body,
        body_html=parsed.render({m.handle for m in members}), reaction_count=0,
    )
    session.add(comment)
    await session.flush()
    await counters.add(session, Post, post.id, "comment_count", 1)
    emit(session, CommentCreated(
        actor_id=actor.user_id, post_id=post.id, comment_id=comment.id, group_id=post.group_id,
        parent_id=comment.parent_id, post_author_id=post.author_id,
        parent_author_id=parent.author_id if parent else None,
        mentions=tuple(m.id for m in members[:MAX_NOTIFIED_MENTIONS]),
    ))
    await session.flush()
    return comment


async def create_comment_once(
    session: AsyncSession, actor: Actor, post_id: int, data: CommentCreate, idempotency_key: str | None,
) -> tuple[Comment, bool]:
    """`create_comment` with an `Idempotency-Key`: a retry (a client that lost the answer, a worker that crashed
    after committing) gets the first comment back, `created` False, rather than a second copy."""
    if idempotency_key is None:
        return await create_comment(session, actor, post_id, data), True
    key = idempotency.check_key(idempotency_key)
    request_hash = idempotency.fingerprint(data, f"comment-on:{post_id}:")
    earlier = await idempotency.find(session, actor.user_id, key)
    if earlier is None:
        earlier = await idempotency.claim(session, actor.user_id, key, request_hash)
    if earlier is not None:
        idempotency.check_same_request(earlier, request_hash)
        comment, _post = await access_comment(session, actor, earlier.comment_id or 0)
        return comment, False
    comment = await create_comment(session, actor, post_id, data)
    await idempotency.attach_comment(session, actor.user_id, key, comment.id)
    return comment, True


async def update_comment(session: AsyncSession, actor: Actor, comment_id: int, data: CommentUpdate) -> Comment:
    """Rewrite a comment: its author only (403), a live comment on a visible post (404). Members mentioned by the
    edit and not by the text it replaces are told (the activity's `new_mentions`)."""
    comment, post = await access_comment(session, actor, comment_id)
    permissions.require(permissions.can_edit_comment(actor, comment.author_id), "Only the author can edit this comment")
    if post.group_id is not None:  # an archived group is read-only: its comments are kept as they were
        await groups_service.require_writable(session, post.group_id)
    if data.body == comment.body:
        return comment  # nothing changed: no "edited" mark, no event
    # Comments keep no mention rows: who the old text mentioned is read from it, as it was rendered.
    before = {m.id for m in await resolve_handles(session, _parse(comment.body, topics=False).handles)}
    parsed = _parse(data.body, topics=False)
    members = await resolve_handles(session, parsed.handles)
    comment.body = data.body
    comment.body_html = parsed.render({m.handle for m in members})
    comment.edited_at = utcnow()
    mentioned = [m.id for m in members[:MAX_NOTIFIED_MENTIONS]]
    emit(session, CommentUpdated(
        actor_id=actor.user_id, post_id=post.id, comment_id=comment.id, group_id=post.group_id,
        parent_id=comment.parent_id, post_author_id=post.author_id, mentions=tuple(mentioned),
        new_mentions=tuple(m for m in mentioned if m not in before),
    ))
    await session.flush()
    return comment


async def _parent(session: AsyncSession, post: Post, parent_id: int | None) -> Comment | None:
    if parent_id is None:
        return None
    parent = await session.get(Comment, parent_id)
    if parent is None or parent.post_id != post.id or not permissions.comment_exists(parent):
        raise Invalid("parent_id must be a comment of this post")
    if parent.parent_id is not None:  # one level of replies: answer the thread's top-level comment
        top = await session.get(Comment, parent.parent_id)
        if not permissions.comment_exists(top):
            raise Invalid("parent_id must be a comment of this post")
        return top
    return parent


async def delete_comment(session: AsyncSession, actor: Actor, comment_id: int) -> None:
    """Soft-delete a comment and its replies; the post's comment_count drops by what was removed."""
    comment, post = await access_comment(session, actor, comment_id)
    permissions.require(permissions.can_delete_comment(actor, comment.author_id, post), "You cannot delete this comment")
    now = utcnow()
    removed = list(await session.scalars(
        update(Comment)
        .where(or_(Comment.id == comment.id, Comment.parent_id == comment.id), permissions.existing_comments())
        .values(deleted_at=now)
        .returning(Comment.id)
        .execution_options(synchronize_session=False)
    ))
    count = len(removed)
    set_committed_value(comment, "deleted_at", now)
    if count:
        await counters.add(session, Post, post.id, "comment_count", -count)
    emit(session, CommentDeleted(
        actor_id=actor.user_id, post_id=post.id, comment_id=comment.id, group_id=post.group_id,
        parent_id=comment.parent_id, post_author_id=post.author_id,
        reply_ids=tuple(sorted(r for r in removed if r != comment.id)),
    ))
    await session.flush()
