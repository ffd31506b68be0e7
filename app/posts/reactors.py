"""Who reacted to a post or a comment: the members behind a reaction count, newest first.

The list is as visible as its target: `access_post` / `access_comment` apply the one visibility rule (404 for what
the viewer may not see), so a private group's reactions never leave it. One statement per page, keyset on the
reaction's id (the `(post_id, id)` / `(comment_id, id)` indexes)."""

from typing import Any

from sqlalchemy import BigInteger, Integer, Select, bindparam, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.permissions import Actor
from app.posts.comments import access_comment
from app.posts.models import Reaction
from app.posts.schemas import MAX_ID, ReactorRead, cursor_id
from app.posts.service import access_post
from app.schemas import encode_cursor
from app.users.models import User
from app.users.schemas import UserSummary

ReactorPage = tuple[list[ReactorRead], str | None]
_R, _U = Reaction.__table__.c, User.__table__.c


def _statement(target: Any) -> Select[Any]:
    return (
        select(_R.id, _R.kind, _U.id, _U.handle, _U.display_name, _U.title)
        .join_from(Reaction.__table__, User.__table__, _U.id == _R.user_id)
        .where(target == bindparam("target", type_=BigInteger), _R.id < bindparam("before", type_=BigInteger))
        .order_by(_R.id.desc())
        .limit(bindparam("limit", type_=Integer))
    )


# Built once: statements cost more to build than to run.
_ON_POST, _ON_COMMENT = _statement(_R.post_id), _statement(_R.comment_id)


async def post_reactors(
    session: AsyncSession, actor: Actor, post_id: int, *, cursor: str | None = None, limit: int = 20
) -> ReactorPage:
    """Who reacted to a post the actor may see (404 otherwise)."""
    post = await access_post(session, actor, post_id)
    return await _page(session, _ON_POST, post.id, cursor, limit)


async def comment_reactors(
    session: AsyncSession, actor: Actor, comment_id: int, *, cursor: str | None = None, limit: int = 20
) -> ReactorPage:
    """Who reacted to a live comment on a post the actor may see (404 otherwise)."""
    comment, _post = await access_comment(session, actor, comment_id)
    return await _page(session, _ON_COMMENT, comment.id, cursor, limit)


async def _page(session: AsyncSession, statement: Select[Any], target: int, cursor: str | None,
                limit: int) -> ReactorPage:
    before = cursor_id(cursor)
    rows = list(await session.execute(statement, {
        "target": target, "before": MAX_ID if before is None else before, "limit": limit + 1}))
    next_cursor = encode_cursor({"id": rows[limit - 1][0]}) if len(rows) > limit else None
    return [
        ReactorRead(user=UserSummary(id=uid, handle=handle, display_name=name, title=title), kind=kind)
        for _id, kind, uid, handle, name, title in rows[:limit]
    ], next_cursor
