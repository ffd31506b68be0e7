"""Comments as the API shows them, built for a whole page in a constant number of queries (posts are shown from
their read model, app.posts.read).

`actor=None` leaves per-viewer fields (`my_reaction`) null: the live bus serializes one object per event.
These functions do not check visibility: callers pass only what the viewer may see.
"""

from collections.abc import Sequence

from sqlalchemy import BindParameter, bindparam, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.permissions import Actor
from app.posts.models import Comment, Reaction
from app.posts.schemas import CommentRead
from app.users.models import User
from app.users.schemas import UserSummary


def user_summary(user: User) -> UserSummary:
    return UserSummary(id=user.id, handle=user.handle, display_name=user.display_name, title=user.title)


async def user_summaries(session: AsyncSession, user_ids: set[int]) -> dict[int, UserSummary]:
    if not user_ids:
        return {}
    # Columns, not entities: every feed page runs this, and loading whole User objects costs more than the query.
    rows = await session.execute(_USER_SUMMARIES, {"ids": sorted(user_ids)})
    return {i: UserSummary(id=i, handle=h, display_name=d, title=t) for i, h, d, t in rows}


async def comment_views(session: AsyncSession, actor: Actor | None, comments: Sequence[Comment]) -> list[CommentRead]:
    """API shapes for `comments`, in the same order: two queries whatever the page size."""
    if not comments:
        return []
    authors = await user_summaries(session, {c.author_id for c in comments})
    mine = await _my_reactions(session, actor, [c.id for c in comments])
    return [
        CommentRead(
            id=c.id, post_id=c.post_id, parent_id=c.parent_id, author=authors[c.author_id], body=c.body,
            body_html=c.body_html, created_at=c.created_at, edited_at=c.edited_at,
            reaction_count=c.reaction_count, my_reaction=mine.get(c.id),
        )
        for c in comments
    ]


async def comment_view(session: AsyncSession, actor: Actor | None, comment: Comment) -> CommentRead:
    return (await comment_views(session, actor, [comment]))[0]


# Built once (Core tables, expanding parameters): every page runs some of these. Building them per request also
# left reference cycles (SQLAlchemy's bound parameters) for the garbage collector: after a few thousand post pages,
# these made every other request a quarter slower until a full collection.
_IDS: BindParameter[list[int]] = bindparam("ids", expanding=True)
_USER_SUMMARIES = select(*(User.__table__.c[n] for n in ("id", "handle", "display_name", "title"))).where(
    User.__table__.c.id.in_(_IDS))
_REACTIONS = Reaction.__table__.c
_MY_REACTIONS = select(_REACTIONS.comment_id, _REACTIONS.kind).where(
    _REACTIONS.user_id == bindparam("viewer"), _REACTIONS.comment_id.in_(_IDS))


async def _my_reactions(session: AsyncSession, actor: Actor | None, ids: list[int]) -> dict[int, str]:
    if actor is None:
        return {}
    rows = await session.execute(_MY_REACTIONS, {"viewer": actor.user_id, "ids": ids})
    return {target: kind for target, kind in rows}
