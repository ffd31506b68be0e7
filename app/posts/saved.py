"""Saved posts: a member keeps posts for later and finds them on one list, newest saved first.

Saving needs the post to be visible (404 otherwise). The list is re-checked on every read with the one visibility
rule: a post deleted, hidden, or in a group the member has left since is not listed (its saved row stays, and the
post comes back if it becomes visible again). Posts are read through the read model (app.posts.read)."""

from functools import cache
from typing import Any

from sqlalchemy import BigInteger, Integer, Select, bindparam, delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from app import permissions
from app.db import utcnow
from app.permissions import Actor
from app.posts import read
from app.posts.models import Post, SavedPost
from app.posts.read import VIEWER, PostRow
from app.posts.schemas import MAX_ID, cursor_id
from app.posts.service import access_post
from app.schemas import encode_cursor

_S, _POSTS = SavedPost.__table__.c, Post.__table__


async def save_post(session: AsyncSession, actor: Actor, post_id: int) -> None:
    """Idempotent: saving a saved post changes nothing (it keeps its place in the list)."""
    post = await access_post(session, actor, post_id)
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    await session.execute(
        insert(SavedPost).values(user_id=actor.user_id, post_id=post.id, created_at=utcnow()).on_conflict_do_nothing()
    )


async def unsave_post(session: AsyncSession, actor: Actor, post_id: int) -> None:
    """Idempotent. A post the member may no longer see is 404, as everywhere (its row goes with the post)."""
    post = await access_post(session, actor, post_id)
    await session.execute(delete(SavedPost).where(SavedPost.user_id == actor.user_id, SavedPost.post_id == post.id))


@cache
def _page_statement(moderator: bool) -> Select[Any]:
    """One page of the viewer's saved posts that they may still see: (saved id, post id), newest saved first."""
    return (
        select(_S.id, _S.post_id)
        .join_from(SavedPost.__table__, _POSTS, _POSTS.c.id == _S.post_id)
        .where(_S.user_id == VIEWER, _S.id < bindparam("before", type_=BigInteger),
               permissions.visible_posts_rule(VIEWER, moderator=moderator, model=_POSTS.c))
        .order_by(_S.id.desc())
        .limit(bindparam("limit", type_=Integer))
    )


async def saved_posts(
    session: AsyncSession, actor: Actor, *, cursor: str | None = None, limit: int = 20
) -> tuple[list[PostRow], str | None]:
    """The posts I saved and may still see, newest saved first (keyset on the save, so saving meanwhile never
    shifts a page)."""
    before = cursor_id(cursor)
    found = list(await session.execute(_page_statement(actor.is_moderator), {
        "viewer": actor.user_id, "before": MAX_ID if before is None else before, "limit": limit + 1}))
    next_cursor = encode_cursor({"id": found[limit - 1][0]}) if len(found) > limit else None
    found = found[:limit]
    rows = await read.visible_rows(session, actor, [post_id for _, post_id in found])
    return [rows[post_id] for _, post_id in found if post_id in rows], next_cursor
