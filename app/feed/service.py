"""Feeds: newest first, keyset-paged on post id, filtered by the one visibility rule.

Each feed is the read model's query (`app.posts.read.post_rows`) with the feed's condition, built once per kind (and
per "sees hidden posts" flag) with bound parameters: feeds are the most read pages, and building a statement costs
more than running it. A page is one statement: its `PostRow`s carry everything a card or the API shows."""

from functools import cache
from typing import Any

from sqlalchemy import BigInteger, Integer, Select, bindparam, literal_column, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from app import permissions
from app.directsql import DirectQuery
from app.errors import Invalid, NotFound
from app.groups import service as groups_service
from app.groups.cache import GroupCache
from app.groups.models import Group
from app.markdown import normalize_topic
from app.permissions import Actor
from app.posts.models import Post, PostTopic, Reaction, TopicFollow
from app.posts.read import VIEWER, PostRow, post_rows
from app.posts.schemas import MAX_ID, cursor_id
from app.schemas import encode_cursor
from app.users import service as users_service
from app.users.models import Follow, User

_POSTS, _USERS, _GROUPS = Post.__table__, User.__table__, Group.__table__
_FOLLOWS, _TOPICS, _REACTIONS = Follow.__table__.c, PostTopic.__table__.c, Reaction.__table__.c
_TOPIC_FOLLOWS = TopicFollow.__table__.c
_VIEWER = VIEWER


PostPage = tuple[list[PostRow], str | None]


@cache
def _query(kind: str, moderator: bool) -> DirectQuery:
    return DirectQuery(_statement(kind, moderator), PostRow)


@cache
def _statement(kind: str, moderator: bool) -> Select[Any]:
    posts = _POSTS.c
    visible = permissions.visible_posts_rule(_VIEWER, moderator=moderator, model=posts)
    stmt = post_rows().where(visible, posts.id < bindparam("before", type_=BigInteger))
    if kind == "home":
        # Company-wide posts, posts of my groups, of people I follow, on topics I follow, and my own; `visible`
        # above still decides what may be shown. The scan stays the primary key's, newest first: the small IN
        # lists are hashed once per statement, and the topics are a probe per post the other conditions did not
        # take (`pk_post_topics`, then `pk_topic_follows`). Written as `post.id IN (posts of my topics)` or as
        # EXISTS, PostgreSQL hashed every post of the followed topics instead: 9,595 rows for three popular topics
        # of the bench dataset, 40-80 ms a page against 1 ms (the LIMIT keeps this subquery a per-row probe).
        followed = select(_FOLLOWS.followed_id).where(_FOLLOWS.follower_id == _VIEWER)
        on_my_topics = (
            select(literal_column("1"))
            .select_from(PostTopic.__table__.join(TopicFollow.__table__, _TOPIC_FOLLOWS.topic == _TOPICS.topic))
            .where(_TOPICS.post_id == posts.id, _TOPIC_FOLLOWS.user_id == _VIEWER)
            .limit(literal_column("1"))
            .scalar_subquery()
        )
        stmt = stmt.where(or_(
            posts.group_id.is_(None),
            posts.group_id.in_(permissions.member_groups_of(_VIEWER)),
            posts.author_id == _VIEWER,
            posts.author_id.in_(followed),
            on_my_topics.is_not(None),
        ))
    elif kind == "group":
        stmt = stmt.where(posts.group_id == bindparam("key", type_=BigInteger))
    elif kind == "member":
        stmt = stmt.where(posts.author_id == bindparam("key", type_=BigInteger))
    else:  # topic
        tagged = select(_TOPICS.post_id).where(_TOPICS.topic == bindparam("key"))
        stmt = stmt.where(posts.id.in_(tagged))
    return stmt.order_by(posts.id.desc()).limit(bindparam("limit", type_=Integer))


@cache
def _one_post_query(kind: str, moderator: bool) -> DirectQuery:
    return DirectQuery(_statement(kind, moderator).where(_POSTS.c.id == bindparam("post", type_=BigInteger)), PostRow)


FEED_KINDS = ("home", "group", "member", "topic")


async def feed_row(
    session: AsyncSession, actor: Actor, kind: str, key: int | str | None, post_id: int
) -> PostRow | None:
    """The post's row if it is in that feed for this viewer, else None: the feed's own statement, restricted to the
    post (live updates ask before showing a new post, so the page and a reload agree). `key`: the group's or
    member's id, the topic's name, None for home."""
    if kind not in FEED_KINDS or (key is None) != (kind == "home"):
        raise ValueError(f"no feed {kind}:{key}")
    params: dict[str, Any] = {"viewer": actor.user_id, "before": MAX_ID, "limit": 1, "post": post_id}
    if key is not None:
        params["key"] = key
    rows = await _one_post_query(kind, actor.is_moderator).rows(session, params)
    return rows[0] if rows else None


async def home_feed(session: AsyncSession, actor: Actor, *, cursor: str | None = None, limit: int = 20) -> PostPage:
    """Company-wide posts, posts of my groups, of people I follow, on topics I follow and my own, that I may see."""
    return await _page(session, actor, "home", None, cursor, limit)


async def group_feed(
    session: AsyncSession, actor: Actor, group_id: int, cache: GroupCache, *, cursor: str | None = None,
    limit: int = 20,
) -> PostPage:
    """A group's posts; a private or secret group's only for its members (404 otherwise). The group is checked from
    the runtime's `cache` (app.groups.service.visible_group)."""
    group = await groups_service.visible_group(session, actor, group_id, cache)
    if not permissions.can_read_group_content(actor, group.id):
        raise NotFound()
    return await _page(session, actor, "group", group.id, cursor, limit)


async def member_feed(
    session: AsyncSession, actor: Actor, user_id: int, *, cursor: str | None = None, limit: int = 20
) -> PostPage:
    """A member's posts that the actor may see."""
    user = await users_service.access_user(session, user_id)
    return await _page(session, actor, "member", user.id, cursor, limit)


async def topic_feed(
    session: AsyncSession, actor: Actor, topic: str, *, cursor: str | None = None, limit: int = 20
) -> PostPage:
    """Posts tagged `#topic` that the actor may see (`Lancement`, `#lancement` and `lancement` are one topic)."""
    name = normalize_topic(topic)
    if name is None:
        raise Invalid("Invalid topic")
    return await _page(session, actor, "topic", name, cursor, limit)


async def _page(session: AsyncSession, actor: Actor, kind: str, key: object, cursor: str | None, limit: int) -> PostPage:
    """Newest first; the cursor is the last id seen, so posts added meanwhile never shift a page."""
    before = cursor_id(cursor)
    params: dict[str, object] = {"viewer": actor.user_id, "before": MAX_ID if before is None else before,
                                 "limit": limit + 1}
    if key is not None:
        params["key"] = key
    posts = await _query(kind, actor.is_moderator).rows(session, params)
    next_cursor = None
    if len(posts) > limit:
        posts = posts[:limit]
        next_cursor = encode_cursor({"id": posts[-1].id})
    return posts, next_cursor
