"""Posts and comments as the API shows them, built for a whole page in a constant number of queries.

`actor=None` leaves per-viewer fields (`my_reaction`) null: the live bus serializes one object per event.
These functions do not check visibility: callers pass only what the viewer may see.
"""

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.groups.models import Group
from app.groups.schemas import GroupSummary
from app.posts.models import Comment, Post, PostMention, PostTopic, Reaction
from app.posts.schemas import CommentRead, PostRead
from app.security import Actor
from app.users.models import User
from app.users.schemas import UserSummary


def user_summary(user: User) -> UserSummary:
    return UserSummary(id=user.id, handle=user.handle, display_name=user.display_name, title=user.title)


async def user_summaries(session: AsyncSession, user_ids: set[int]) -> dict[int, UserSummary]:
    if not user_ids:
        return {}
    # Columns, not entities: every feed page runs this, and loading whole User objects costs more than the query.
    rows = await session.execute(
        select(User.id, User.handle, User.display_name, User.title).where(User.id.in_(sorted(user_ids)))
    )
    return {i: UserSummary(id=i, handle=h, display_name=d, title=t) for i, h, d, t in rows}


async def post_views(session: AsyncSession, actor: Actor | None, posts: Sequence[Post]) -> list[PostRead]:
    """API shapes for `posts`, in the same order: at most five queries whatever the page size."""
    if not posts:
        return []
    post_ids = [p.id for p in posts]
    authors = await user_summaries(session, {p.author_id for p in posts})
    groups = await _group_summaries(session, {p.group_id for p in posts if p.group_id is not None})
    # Mentions and topics come from `@` and `#` in the body: pages without any skip those queries.
    mentions = await _mentions(session, [p.id for p in posts if "@" in p.body])
    topics = await _topics(session, [p.id for p in posts if "#" in p.body])
    mine = await _my_reactions(session, actor, Reaction.post_id, post_ids)
    return [
        PostRead(
            id=p.id, author=authors[p.author_id], group=groups.get(p.group_id) if p.group_id else None,
            kind=p.kind, title=p.title, body=p.body, body_html=p.body_html,
            mentions=mentions.get(p.id, []), topics=topics.get(p.id, []),
            created_at=p.created_at, edited_at=p.edited_at,
            comment_count=p.comment_count, reaction_count=p.reaction_count, my_reaction=mine.get(p.id),
        )
        for p in posts
    ]


async def post_view(session: AsyncSession, actor: Actor | None, post: Post) -> PostRead:
    return (await post_views(session, actor, [post]))[0]


async def comment_views(session: AsyncSession, actor: Actor | None, comments: Sequence[Comment]) -> list[CommentRead]:
    """API shapes for `comments`, in the same order: two queries whatever the page size."""
    if not comments:
        return []
    authors = await user_summaries(session, {c.author_id for c in comments})
    mine = await _my_reactions(session, actor, Reaction.comment_id, [c.id for c in comments])
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


async def _group_summaries(session: AsyncSession, group_ids: set[int]) -> dict[int, GroupSummary]:
    if not group_ids:
        return {}
    groups = await session.scalars(select(Group).where(Group.id.in_(sorted(group_ids))))
    return {g.id: GroupSummary(id=g.id, slug=g.slug, name=g.name, visibility=g.visibility) for g in groups}


async def _mentions(session: AsyncSession, post_ids: list[int]) -> dict[int, list[UserSummary]]:
    if not post_ids:
        return {}
    rows = await session.execute(
        select(PostMention.post_id, User.id, User.handle, User.display_name, User.title)
        .join(User, User.id == PostMention.user_id)
        .where(PostMention.post_id.in_(post_ids))
        .order_by(PostMention.post_id, User.handle)
    )
    out: dict[int, list[UserSummary]] = {}
    for post_id, user_id, handle, display_name, title in rows:
        out.setdefault(post_id, []).append(
            UserSummary(id=user_id, handle=handle, display_name=display_name, title=title))
    return out


async def _topics(session: AsyncSession, post_ids: list[int]) -> dict[int, list[str]]:
    if not post_ids:
        return {}
    rows = await session.execute(
        select(PostTopic.post_id, PostTopic.topic).where(PostTopic.post_id.in_(post_ids)).order_by(PostTopic.topic)
    )
    out: dict[int, list[str]] = {}
    for post_id, topic in rows:
        out.setdefault(post_id, []).append(topic)
    return out


async def _my_reactions(session: AsyncSession, actor: Actor | None, column: object, ids: list[int]) -> dict[int, str]:
    if actor is None:
        return {}
    rows = await session.execute(
        select(column, Reaction.kind).where(Reaction.user_id == actor.user_id, column.in_(ids))  # type: ignore[attr-defined]
    )
    return {target: kind for target, kind in rows}
