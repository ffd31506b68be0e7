"""Posts and comments as the API shows them, built for a whole page in a constant number of queries.

`actor=None` leaves per-viewer fields (`my_reaction`) null: the live bus serializes one object per event.
These functions do not check visibility: callers pass only what the viewer may see.
"""

import json
from collections.abc import Sequence
from typing import Any, NamedTuple

from sqlalchemy import Text, bindparam, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

from app.groups.models import Group
from app.groups.schemas import GroupSummary
from app.permissions import Actor
from app.posts.models import Comment, Post, PostMention, PostTopic, Reaction
from app.posts.schemas import CommentRead, PostRead
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


async def post_views(session: AsyncSession, actor: Actor | None, posts: Sequence[Any]) -> list[PostRead]:
    """API shapes for `posts` (Post objects, or feed rows), in the same order: at most five queries whatever the
    page size; feed rows carry their author, group, topics and the viewer's reaction (app.feed.service), so they
    need at most the mentions query."""
    if not posts:
        return []
    mentions = await post_mentions(session, posts)
    if is_feed_row(posts[0]):
        return joined_post_views(posts, mentions)
    authors = await user_summaries(session, {p.author_id for p in posts})
    groups = await _group_summaries(session, {p.group_id for p in posts if p.group_id is not None})
    topics = await _topics(session, [p.id for p in posts if "#" in p.body])
    mine = await _my_reactions(session, actor, "post_id", [p.id for p in posts])
    return _views(posts, authors, groups, mentions, topics, mine)


def is_feed_row(post: Any) -> bool:
    """Feed rows (app.feed.service) carry their author, group, topics, mentions and the viewer's reaction."""
    return hasattr(post, "author_handle")


async def post_mentions(session: AsyncSession, posts: Sequence[Any]) -> dict[int, list[UserSummary]]:
    """Who each post mentions. Feed rows carry them (`mention_list`); for posts, mentions come from `@` in the body:
    pages without any skip the query."""
    if posts and is_feed_row(posts[0]):
        return {p.id: _decode_mentions(p.mention_list) for p in posts if p.mention_list and p.mention_list != "[]"}
    return await _mentions(session, [p.id for p in posts if "@" in p.body])


class _json_rows(FunctionElement[str]):
    """An aggregate: the JSON text of an array holding one array of its arguments per row (NULL or `[]` for no row).
    JSON, not a separated string: names are the members' own text and may hold any separator."""

    type = Text()
    inherit_cache = True
    name = "json_rows"


@compiles(_json_rows, "postgresql")
def _json_rows_postgresql(element: _json_rows, compiler: Any, **kw: Any) -> str:
    return f"CAST(json_agg(json_build_array({compiler.process(element.clauses, **kw)})) AS TEXT)"


@compiles(_json_rows)
def _json_rows_sqlite(element: _json_rows, compiler: Any, **kw: Any) -> str:
    return f"json_group_array(json_array({compiler.process(element.clauses, **kw)}))"


def mention_list(post_id: Any) -> Any:
    """The members a post (`post_id`: a column) mentions, as one value of the post's row (`post_mentions` reads it):
    a feed page then needs no query of its own for them."""
    users, mentions = User.__table__.c, PostMention.__table__
    return (
        select(_json_rows(users.id, users.handle, users.display_name, users.title))
        .select_from(mentions.join(User.__table__, users.id == mentions.c.user_id))
        .where(mentions.c.post_id == post_id)
        .scalar_subquery()
    )


def _decode_mentions(text: str) -> list[UserSummary]:
    users = [UserSummary(id=i, handle=h, display_name=d, title=t) for i, h, d, t in json.loads(text)]
    return sorted(users, key=lambda u: u.handle)  # the order of `_MENTIONS`


def mentions_key(users: Sequence[UserSummary] | None) -> tuple[tuple[int, str, str, str | None], ...]:
    """What a post's rendering takes from its mentions, hashable (caches of rendered posts key on it)."""
    return tuple((u.id, u.handle, u.display_name, u.title) for u in users or ())


def joined_post_views(rows: Sequence[Any], mentions: dict[int, list[UserSummary]]) -> list[PostRead]:
    """API shapes of feed rows, with their mentions (`post_mentions`): no query."""
    authors, groups = _joined_summaries(rows)
    topics = {p.id: sorted(p.topic_list.split(" ")) for p in rows if p.topic_list}
    mine = {p.id: p.my_reaction for p in rows if p.my_reaction}
    return _views(rows, authors, groups, mentions, topics, mine)


def _views(posts: Sequence[Any], authors: dict[int, UserSummary], groups: dict[int, GroupSummary],
           mentions: dict[int, list[UserSummary]], topics: dict[int, list[str]], mine: dict[int, str]) -> list[PostRead]:
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


def _joined_summaries(rows: Sequence[Any]) -> tuple[dict[int, UserSummary], dict[int, GroupSummary]]:
    authors = {r.author_id: UserSummary(id=r.author_id, handle=r.author_handle, display_name=r.author_display_name,
                                        title=r.author_title) for r in rows}
    groups = {r.group_id: GroupSummary(id=r.group_id, slug=r.group_slug, name=r.group_name,
                                       visibility=r.group_visibility) for r in rows if r.group_id is not None}
    return authors, groups


async def post_view(session: AsyncSession, actor: Actor | None, post: Post) -> PostRead:
    return (await post_views(session, actor, [post]))[0]


class NewPostRefs(NamedTuple):
    """What `create_post` knows of the post it created, for its view (`new_post_view`), in `session.info`."""

    topics: list[str]
    mentioned: list[User]
    group: GroupSummary | None


async def new_post_view(session: AsyncSession, actor: Actor, post: Post) -> PostRead:
    """The view of a post `actor` just created in this session, without reading back what the request knows:
    the author is the actor, and `create_post` left the topics, mentions and group in `session.info`. Anything
    else falls back to `post_view`."""
    refs: NewPostRefs | None = session.info.get("new_post_refs", {}).get(post.id)
    if refs is None or post.author_id != actor.user_id:
        return await post_view(session, actor, post)
    return PostRead(
        id=post.id, author=UserSummary(id=actor.user_id, handle=actor.handle, display_name=actor.display_name,
                                       title=actor.title),
        group=refs.group, kind=post.kind, title=post.title, body=post.body, body_html=post.body_html,
        mentions=[user_summary(m) for m in refs.mentioned], topics=refs.topics,
        created_at=post.created_at, edited_at=post.edited_at,
        comment_count=post.comment_count, reaction_count=post.reaction_count, my_reaction=None,
    )


async def comment_views(session: AsyncSession, actor: Actor | None, comments: Sequence[Comment]) -> list[CommentRead]:
    """API shapes for `comments`, in the same order: two queries whatever the page size."""
    if not comments:
        return []
    authors = await user_summaries(session, {c.author_id for c in comments})
    mine = await _my_reactions(session, actor, "comment_id", [c.id for c in comments])
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
    groups = await session.execute(_GROUP_SUMMARIES, {"ids": sorted(group_ids)})
    return {i: GroupSummary(id=i, slug=slug, name=name, visibility=visibility) for i, slug, name, visibility in groups}


# Built once (Core tables, expanding parameters): every page runs some of these. Building them per request also
# left reference cycles (SQLAlchemy's bound parameters) for the garbage collector: after a few thousand post pages,
# these made every other request a quarter slower until a full collection.
_IDS = bindparam("ids", expanding=True)
_USER_SUMMARIES = select(*(User.__table__.c[n] for n in ("id", "handle", "display_name", "title"))).where(
    User.__table__.c.id.in_(_IDS))
_GROUP_SUMMARIES = select(*(Group.__table__.c[n] for n in ("id", "slug", "name", "visibility"))).where(
    Group.__table__.c.id.in_(_IDS))
_MENTIONS = (
    select(PostMention.__table__.c.post_id, *(User.__table__.c[n] for n in ("id", "handle", "display_name", "title")))
    .select_from(PostMention.__table__.join(User.__table__, User.__table__.c.id == PostMention.__table__.c.user_id))
    .where(PostMention.__table__.c.post_id.in_(_IDS))
    .order_by(PostMention.__table__.c.post_id, User.__table__.c.handle)
)
_TOPICS = (
    select(PostTopic.__table__.c.post_id, PostTopic.__table__.c.topic)
    .where(PostTopic.__table__.c.post_id.in_(_IDS)).order_by(PostTopic.__table__.c.topic)
)
_REACTIONS = Reaction.__table__.c
_MY_REACTIONS = {
    column: select(_REACTIONS[column], _REACTIONS.kind).where(
        _REACTIONS.user_id == bindparam("viewer"), _REACTIONS[column].in_(_IDS))
    for column in ("post_id", "comment_id")
}


async def _mentions(session: AsyncSession, post_ids: list[int]) -> dict[int, list[UserSummary]]:
    if not post_ids:
        return {}
    rows = await (await session.connection()).execute(_MENTIONS, {"ids": post_ids})
    out: dict[int, list[UserSummary]] = {}
    for post_id, user_id, handle, display_name, title in rows:
        out.setdefault(post_id, []).append(
            UserSummary(id=user_id, handle=handle, display_name=display_name, title=title))
    return out


async def _topics(session: AsyncSession, post_ids: list[int]) -> dict[int, list[str]]:
    if not post_ids:
        return {}
    rows = await session.execute(_TOPICS, {"ids": post_ids})
    out: dict[int, list[str]] = {}
    for post_id, topic in rows:
        out.setdefault(post_id, []).append(topic)
    return out


async def _my_reactions(session: AsyncSession, actor: Actor | None, column: str, ids: list[int]) -> dict[int, str]:
    if actor is None:
        return {}
    rows = await session.execute(_MY_REACTIONS[column], {"viewer": actor.user_id, "ids": ids})
    return {target: kind for target, kind in rows}
