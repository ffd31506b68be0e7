"""Reactions on posts and comments, counted exactly under concurrency.

One row per member and target (unique constraints). Setting a reaction INSERTs with ON CONFLICT DO NOTHING
and bumps the target's counter with an atomic `UPDATE ... SET reaction_count = reaction_count + 1` only when
a row was really inserted; changing the kind updates the row and leaves the count alone.
"""

from typing import Any

from sqlalchemy import delete, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from app.db import utcnow
from app.outbox.types import ReactionChanged
from app.outbox.write import emit
from app.permissions import Actor
from app.posts import counters
from app.posts.comments import access_comment
from app.posts.models import Comment, Post, Reaction
from app.posts.schemas import ReactionState
from app.posts.service import access_post


async def set_post_reaction(session: AsyncSession, actor: Actor, post_id: int, kind: str) -> ReactionState:
    post = await access_post(session, actor, post_id)
    count = await _set(session, actor, Post, post.id, Reaction.post_id, kind)
    if count is not None:
        _emit(session, actor, post, kind, count, post_id=post.id, target_author_id=post.author_id)
    return ReactionState(reaction_count=post.reaction_count, my_reaction=kind)


async def clear_post_reaction(session: AsyncSession, actor: Actor, post_id: int) -> ReactionState:
    post = await access_post(session, actor, post_id)
    count = await _clear(session, actor, Post, post.id, Reaction.post_id)
    if count is not None:
        _emit(session, actor, post, None, count, post_id=post.id, target_author_id=post.author_id)
    return ReactionState(reaction_count=post.reaction_count, my_reaction=None)


async def set_comment_reaction(session: AsyncSession, actor: Actor, comment_id: int, kind: str) -> ReactionState:
    comment, post = await access_comment(session, actor, comment_id)
    count = await _set(session, actor, Comment, comment.id, Reaction.comment_id, kind)
    if count is not None:
        _emit(session, actor, post, kind, count, comment_id=comment.id, target_author_id=comment.author_id)
    return ReactionState(reaction_count=comment.reaction_count, my_reaction=kind)


async def clear_comment_reaction(session: AsyncSession, actor: Actor, comment_id: int) -> ReactionState:
    comment, post = await access_comment(session, actor, comment_id)
    count = await _clear(session, actor, Comment, comment.id, Reaction.comment_id)
    if count is not None:
        _emit(session, actor, post, None, count, comment_id=comment.id, target_author_id=comment.author_id)
    return ReactionState(reaction_count=comment.reaction_count, my_reaction=None)


async def _set(session: AsyncSession, actor: Actor, model: Any, target_id: int, column: Any, kind: str) -> int | None:
    """Add or change the actor's reaction; returns the new count when something changed, else None."""
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    inserted = await session.scalar(
        insert(Reaction)
        .values({"user_id": actor.user_id, column.key: target_id, "kind": kind, "created_at": utcnow()})
        .on_conflict_do_nothing()
        .returning(Reaction.id)
    )
    if inserted is not None:
        return await counters.add(session, model, target_id, "reaction_count", 1)
    changed = await session.scalar(
        update(Reaction)
        .where(Reaction.user_id == actor.user_id, column == target_id, Reaction.kind != kind)
        .values(kind=kind)
        .returning(Reaction.id)
        .execution_options(synchronize_session=False)
    )
    if changed is None:
        return None
    return await counters.add(session, model, target_id, "reaction_count", 0)


async def _clear(session: AsyncSession, actor: Actor, model: Any, target_id: int, column: Any) -> int | None:
    removed = await session.scalar(
        delete(Reaction)
        .where(Reaction.user_id == actor.user_id, column == target_id)
        .returning(Reaction.id)
        .execution_options(synchronize_session=False)
    )
    if removed is None:
        return None
    return await counters.add(session, model, target_id, "reaction_count", -1)


def _emit(
    session: AsyncSession, actor: Actor, post: Post, kind: str | None, count: int, *,
    target_author_id: int, post_id: int | None = None, comment_id: int | None = None,
) -> None:
    emit(session, ReactionChanged(
        actor_id=actor.user_id, post_id=post_id, comment_id=comment_id, group_id=post.group_id,
        reaction_count=count, kind=kind, target_author_id=target_author_id, target_post_id=post.id,
    ))
