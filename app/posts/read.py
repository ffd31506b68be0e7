"""The read model of posts: one row type from one query, and every shape a post is shown in built from it.

Everything that shows a post reads `PostRow`s: the feeds (app.feed.service adds each feed's condition to
`post_rows()`), the post page and the live fragment (`visible_row`), the API's single post, live events
(`published_rows`) and search results (`visible_rows`). The ORM is for writes.

A row holds what every viewer sees of the post (its columns, its author's and group's summaries, its topics and
mentions) and, last, what only its viewer sees (`my_reaction`, `saved`). Outputs built from rows (the API's JSON here, the
cards' HTML in app.posts.cards) are kept per process under `shared(row)` only, split at per-viewer slots
(app.slots) that are filled on each request: a kept output can never carry one member's reaction or controls to
another.

Visibility is not decided here: the conditions come from app.permissions."""

import json
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any, NamedTuple

from sqlalchemy import BigInteger, BindParameter, Select, Text, bindparam, exists, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

from app import permissions, slots
from app.errors import NotFound
from app.groups.models import Group
from app.groups.schemas import GroupSummary
from app.lru import SizedLRU
from app.permissions import Actor
from app.posts.models import REACTION_KINDS, Post, PostMention, PostTopic, Reaction, SavedPost
from app.posts.schemas import PostRead
from app.runtime import CacheSpec
from app.search.highlight import plain_title
from app.users.models import User
from app.users.schemas import UserSummary


class PostRow(NamedTuple):
    """A post as every reader sees it, then what its viewer alone sees. A named tuple: attribute access is a C
    slot, and rows are hashable keys of the output caches."""

    id: int
    author_id: int
    group_id: int | None
    kind: str
    title: str | None
    body: str
    body_html: str
    created_at: datetime
    edited_at: datetime | None
    deleted_at: datetime | None
    hidden_at: datetime | None
    comment_count: int
    reaction_count: int
    author_handle: str
    author_display_name: str
    author_title: str
    group_slug: str | None
    group_name: str | None
    group_visibility: str | None
    topic_list: str | None  # space-separated (topics are `[\w-]+`)
    mention_list: str | None  # JSON: [[id, handle, display_name, title], ...]
    # Per viewer, after everything shared (`shared()` cuts here).
    my_reaction: str | None
    saved: bool  # the viewer saved it for later (SQLite answers 0 or 1)


PER_VIEWER = ("my_reaction", "saved")
_SHARED = len(PostRow._fields) - len(PER_VIEWER)


def shared(row: PostRow) -> tuple[Any, ...]:
    """What a row shows to every viewer: the key of every kept output."""
    return row[:_SHARED]


_POSTS, _USERS, _GROUPS = Post.__table__, User.__table__, Group.__table__
_TOPICS, _REACTIONS, _SAVED = PostTopic.__table__.c, Reaction.__table__.c, SavedPost.__table__.c
VIEWER = bindparam("viewer", type_=BigInteger)  # 0 when nobody views (live events): no reaction matches


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


def _mention_list(post_id: Any) -> Any:
    users, mentions = _USERS.c, PostMention.__table__
    return (
        select(_json_rows(users.id, users.handle, users.display_name, users.title))
        .select_from(mentions.join(_USERS, users.id == mentions.c.user_id))
        .where(mentions.c.post_id == post_id)
        .scalar_subquery()
    )


def post_rows() -> Select[Any]:
    """The one query of the read model, without a condition: callers add the visibility rule (app.permissions)
    and what they list. Its columns are `PostRow`'s, in order (`tests/posts/test_read_model.py` checks)."""
    topics = select(func.aggregate_strings(_TOPICS.topic, " ")).where(_TOPICS.post_id == _POSTS.c.id)
    mine = select(_REACTIONS.kind).where(_REACTIONS.post_id == _POSTS.c.id, _REACTIONS.user_id == VIEWER)
    # One probe of the (user_id, post_id) unique index per row.
    saved = exists().where(_SAVED.user_id == VIEWER, _SAVED.post_id == _POSTS.c.id)
    return select(
        _POSTS,
        _USERS.c.handle.label("author_handle"), _USERS.c.display_name.label("author_display_name"),
        _USERS.c.title.label("author_title"),
        _GROUPS.c.slug.label("group_slug"), _GROUPS.c.name.label("group_name"),
        _GROUPS.c.visibility.label("group_visibility"),
        topics.scalar_subquery().label("topic_list"),
        _mention_list(_POSTS.c.id).label("mention_list"),
        mine.scalar_subquery().label("my_reaction"),
        saved.label("saved"),
    ).select_from(
        _POSTS.join(_USERS, _USERS.c.id == _POSTS.c.author_id).outerjoin(_GROUPS, _GROUPS.c.id == _POSTS.c.group_id)
    )


# Loading by ids. Built once (statements cost more to build than to run); the ids are an expanding parameter.
_IDS: BindParameter[list[int]] = bindparam("ids", expanding=True)
_BY_IDS = {
    moderator: post_rows().where(
        _POSTS.c.id.in_(_IDS), permissions.visible_posts_rule(VIEWER, moderator=moderator, model=_POSTS.c))
    for moderator in (False, True)
}
_PUBLISHED = post_rows().where(_POSTS.c.id.in_(_IDS), permissions.published_posts(_POSTS.c))


async def _rows(session: AsyncSession, statement: Select[Any], params: dict[str, Any]) -> list[PostRow]:
    make = PostRow._make
    return [make(row) for row in await session.execute(statement, params)]


async def visible_rows(session: AsyncSession, actor: Actor, ids: Sequence[int]) -> dict[int, PostRow]:
    """The posts among `ids` that `actor` may see, by id, with the actor's reaction."""
    if not ids:
        return {}
    rows = await _rows(session, _BY_IDS[actor.is_moderator], {"ids": sorted(set(ids)), "viewer": actor.user_id})
    return {row.id: row for row in rows}


async def visible_row(session: AsyncSession, actor: Actor, post_id: int) -> PostRow | None:
    """One post if `actor` may see it (missing and invisible are the same None)."""
    return (await visible_rows(session, actor, [post_id])).get(post_id)


async def published_rows(session: AsyncSession, ids: Sequence[int]) -> dict[int, PostRow]:
    """The posts among `ids` that are neither deleted nor hidden, as nobody in particular sees them (live events:
    each socket then applies the group rule to the event)."""
    if not ids:
        return {}
    return {row.id: row for row in await _rows(session, _PUBLISHED, {"ids": sorted(set(ids)), "viewer": 0})}


# Shapes

def author_of(row: PostRow) -> UserSummary:
    return UserSummary(id=row.author_id, handle=row.author_handle, display_name=row.author_display_name,
                       title=row.author_title)


def group_of(row: PostRow) -> GroupSummary | None:
    if row.group_id is None:
        return None
    return GroupSummary(id=row.group_id, slug=row.group_slug or "", name=row.group_name or "",
                        visibility=row.group_visibility or "")


def mentions_of(row: PostRow) -> list[UserSummary]:
    """Whom the post mentions, by handle."""
    if not row.mention_list or row.mention_list == "[]":
        return []
    users = [UserSummary(id=i, handle=h, display_name=d, title=t) for i, h, d, t in json.loads(row.mention_list)]
    return sorted(users, key=lambda u: u.handle)


def topics_of(row: PostRow) -> list[str]:
    return sorted(row.topic_list.split(" ")) if row.topic_list else []


def to_api(row: PostRow) -> PostRead:
    """The API's shape of a post (`PostRead`), with the row's viewer's reaction."""
    return PostRead(
        id=row.id, author=author_of(row), group=group_of(row), kind=row.kind, title=row.title, body=row.body,
        body_html=row.body_html, mentions=mentions_of(row), topics=topics_of(row), created_at=row.created_at,
        edited_at=row.edited_at, comment_count=row.comment_count, reaction_count=row.reaction_count,
        my_reaction=row.my_reaction,
    )


def live_object(row: PostRow) -> dict[str, Any]:
    """The post in a live event: the API's shape without what is per viewer."""
    return to_api(row).model_dump(mode="json", exclude=set(PER_VIEWER))


def search_result(row: PostRow, snippet_of: Callable[[str], str]) -> tuple[str, str, str]:
    """(title, snippet, url) of a post found by search; `snippet_of(text)` highlights the query's words."""
    return row.title or plain_title(row.body), snippet_of(row.body), f"/posts/{row.id}"


async def api_view(session: AsyncSession, actor: Actor, post_id: int) -> PostRead:
    """The API's shape of a post `actor` may see (404 otherwise)."""
    row = await visible_row(session, actor, post_id)
    if row is None:
        raise NotFound()
    return to_api(row)


class NewPostRefs(NamedTuple):
    """What `create_post` knows of the post it created, for its row (`created_view`), in `session.info`."""

    topics: list[str]
    mentioned: list[User]
    group: GroupSummary | None


async def created_view(session: AsyncSession, actor: Actor, post: Post) -> PostRead:
    """The API's shape of a post `actor` just created in this session, without reading back what the request
    knows: the author is the actor, and `create_post` left the topics, mentions and group in `session.info`.
    Anything else is read (`api_view`)."""
    refs: NewPostRefs | None = session.info.get("new_post_refs", {}).get(post.id)
    if refs is None or post.author_id != actor.user_id:
        return await api_view(session, actor, post.id)
    mentioned = [UserSummary(id=m.id, handle=m.handle, display_name=m.display_name, title=m.title)
                 for m in refs.mentioned]
    return to_api(new_row(post, actor, refs.topics, mentioned, refs.group))


def new_row(post: Post, actor: Actor, topics: Sequence[str], mentioned: Sequence[UserSummary],
            group: GroupSummary | None) -> PostRow:
    """The row of a post `actor` has just created, from what the request knows: nothing is read back."""
    mention_list = json.dumps([[m.id, m.handle, m.display_name, m.title] for m in mentioned]) if mentioned else None
    return PostRow(
        post.id, post.author_id, post.group_id, post.kind, post.title, post.body, post.body_html, post.created_at,
        post.edited_at, None, None, post.comment_count, post.reaction_count, actor.handle, actor.display_name,
        actor.title, group.slug if group else None, group.name if group else None,
        group.visibility if group else None, " ".join(topics) or None, mention_list, None, False,
    )


# The API's JSON of feed pages, kept per row

POST_JSON = CacheSpec(
    "post_json", lambda: SizedLRU(32 * 1024 * 1024, max_item=128 * 1024),
    "least recently used out past 32 MB; keyed by everything a post shows to every viewer (`shared(row)`)")
_REACTION_TAIL = b'"my_reaction":null}'
# The viewer's reaction as JSON, for each kind there is (a constant table, filled from the kinds).
_REACTIONS_JSON: dict[str | None, bytes] = {kind: json.dumps(kind).encode() for kind in (None, *REACTION_KINDS)}


def _json_parts(row: PostRow) -> tuple[bytes, bytes]:
    """A post's JSON split at its one per-viewer value, `my_reaction` (the last field of `PostRead`): the bytes
    before it and after it. Its one slot is filled inline (`api_json`): twenty per page, with no marker to find."""
    text = to_api(row._replace(my_reaction=None)).model_dump_json().encode()
    if not text.endswith(_REACTION_TAIL):
        raise AssertionError("PostRead's last field must be my_reaction")
    return text[:-5], b"}"


def api_json(rows: Sequence[PostRow], kept: SizedLRU) -> list[bytes]:
    """Each row's `PostRead` JSON, as `to_api(row).model_dump_json()` gives it, built once per shared row."""
    keys = [shared(row) for row in rows]
    # By position, not by key: each lookup of a key hashes and compares a whole row again.
    parts_of: list[tuple[bytes, bytes] | None] = [kept.get(key) for key in keys]  # type: ignore[misc]
    out = []
    for i, row in enumerate(rows):
        parts = parts_of[i]
        if parts is None:
            parts = _json_parts(row)
            kept.put(keys[i], parts, len(parts[0]) + slots.strings_size(keys[i]))
        reaction = _REACTIONS_JSON.get(row.my_reaction) or json.dumps(row.my_reaction).encode()
        out.append(parts[0] + reaction + parts[1])
    return out
