"""Search as members use it: parse, search the index under the visibility mask, re-check every hit against
the database with the one visibility rule, and shape the results."""

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import anyio
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app import permissions
from app.config import Settings
from app.errors import Invalid, Unavailable
from app.groups.models import Group
from app.permissions import Actor
from app.posts import read
from app.posts.models import Comment, Post
from app.ratelimit import Limiter, enforce
from app.schemas import cursor_int, decode_cursor, encode_cursor
from app.search import queries
from app.search import synonyms as synonyms_service
from app.search.analyzers import content_words, word_stems
from app.search.highlight import plain_title, snippet
from app.search.index import SearchUnavailable
from app.search.runtime import SearchRuntime
from app.search.schemas import SearchItem, SearchPage, SuggestItem
from app.users import service as users_service
from app.users.models import User

log = logging.getLogger("ruche.search")
SUGGESTS_PER_SEARCH = 4  # typing sends one request per pause (debounced by search.js)
MAX_LIMIT = 50
SUGGEST_LIMIT = 8
SKILL_LIMIT = 1000


@dataclass(frozen=True)
class SearchParams:
    q: str
    type: str | None = None
    group_id: int | None = None
    author_id: int | None = None
    since: str | None = None
    until: str | None = None
    cursor: str | None = None
    limit: int = 20


def runtime_of(app_state: Any) -> SearchRuntime:
    runtime: SearchRuntime | None = app_state.runtime.search
    if runtime is None:
        raise Unavailable("Search is starting", headers={"Retry-After": "5"})
    return runtime


async def search(
    session: AsyncSession, actor: Actor, runtime: SearchRuntime, limiter: Limiter, settings: Settings,
    params: SearchParams,
) -> SearchPage:
    """One page of results the actor may see, best first."""
    await enforce(limiter, f"search:{actor.user_id}", settings.SEARCH_RATE_PER_USER_PER_MIN, 60)
    if not 1 <= params.limit <= MAX_LIMIT:
        raise Invalid(f"limit must be between 1 and {MAX_LIMIT}")
    offset = cursor_int(decode_cursor(params.cursor), "o") if params.cursor else 0
    if offset is None or not 0 <= offset <= 10_000:
        raise Invalid("Invalid cursor")
    synonyms = await synonyms_service.synonym_map(session)
    query = queries.parse(params.q, synonyms)
    if query is None:
        return SearchPage(items=[])
    request = queries.SearchRequest(
        query=query, mask_scopes=await mask_scopes(session, actor), kind=params.type,
        group_id=params.group_id, author_id=params.author_id,
        since=_timestamp(params.since, end_of_day=False), until=_timestamp(params.until, end_of_day=True),
        offset=offset, limit=params.limit, words=queries.word_groups(params.q, synonyms),
    )
    hits, more = await _run(runtime, queries.execute, runtime.pool, runtime.columns, request)
    items = await _materialize(session, actor, hits, queries.query_stems(query))
    next_cursor = encode_cursor({"o": offset + params.limit}) if more else None
    return SearchPage(items=items, next_cursor=next_cursor)


async def suggest(
    session: AsyncSession, actor: Actor, runtime: SearchRuntime, limiter: Limiter, settings: Settings, q: str
) -> list[SuggestItem]:
    """People and groups whose names start with what the member is typing."""
    per_minute = settings.SEARCH_RATE_PER_USER_PER_MIN * SUGGESTS_PER_SEARCH
    await enforce(limiter, f"suggest:{actor.user_id}", per_minute, 60)
    queries.check_text(q)
    hits = await _run(runtime, queries.suggest, runtime.pool, q, await mask_scopes(session, actor), SUGGEST_LIMIT)
    out: list[SuggestItem] = []
    for item in await _materialize(session, actor, hits, set()):
        subtitle = item.snippet if item.type == "group" else ""
        out.append(SuggestItem(type=item.type, id=item.id, title=item.title, subtitle=subtitle, url=item.url))  # type: ignore[arg-type]
    return out


async def user_ids_for_skill(session: AsyncSession, runtime: SearchRuntime | None, skill: str) -> list[int] | None:
    """Members with a skill matching `skill` with accents folded and French/English stems ("communautés" finds
    "Communauté"); None when the index is unavailable, so the directory keeps its SQL match alone.

    The index only proposes candidates: each one's skills are re-read from the database and matched again, so a
    stale index (a skill just removed) never adds a member."""
    if runtime is None:
        return None
    try:
        candidates = await _run(runtime, queries.user_ids_for_skill, runtime.pool, skill, SKILL_LIMIT)
    except (Unavailable, Invalid):
        return None
    wanted = [set(word_stems(w)) for w in content_words(skill)]
    if not candidates or not wanted:
        return []
    skills = await users_service.skills_of(session, candidates)
    return [uid for uid in candidates if any(_skill_matches(s, wanted) for s in skills.get(uid, []))]


def _skill_matches(skill: str, wanted: list[set[str]]) -> bool:
    stems = {stem for word in content_words(skill) for stem in word_stems(word)}
    return all(stems & word for word in wanted)


async def mask_scopes(session: AsyncSession, actor: Actor) -> frozenset[str]:
    """Scopes the actor may not see, decided by app.permissions for every non-public group."""
    groups = await session.scalars(select(Group).where(permissions.restricted_groups()))
    hidden: set[str] = set()
    for group in groups:
        if not permissions.can_read_group_content(actor, group.id):
            hidden.add(f"g{group.id}")
        if not permissions.can_see_group(actor, group):
            hidden.add(f"s{group.id}")
    return frozenset(hidden)


async def _run(runtime: SearchRuntime, fn: Any, *args: Any) -> Any:
    try:
        return await anyio.to_thread.run_sync(fn, *args, limiter=runtime.limiter)
    except SearchUnavailable as exc:
        raise Unavailable("The search index is not available right now", headers={"Retry-After": "5"}) from exc
    except RecursionError as exc:
        raise Invalid(queries.N_("The query is too complex.")) from exc
    except (Invalid, Unavailable):
        raise
    except Exception as exc:  # a Whoosh failure must not become a 500
        log.exception("search failed")
        raise Unavailable("Search failed; try again", headers={"Retry-After": "5"}) from exc


def _timestamp(value: str | None, *, end_of_day: bool) -> int | None:
    """A date (YYYY-MM-DD, the whole day) or an ISO datetime; naive values are UTC."""
    if not value:
        return None
    try:
        if len(value) == 10:
            day = date.fromisoformat(value)
            moment = datetime.combine(day + timedelta(days=1) if end_of_day else day, time(), UTC)
            return max(0, int(moment.timestamp()) - (1 if end_of_day else 0))
        moment = datetime.fromisoformat(value)
    except ValueError as exc:
        raise Invalid(queries.N_("Dates are written YYYY-MM-DD.")) from exc
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return max(0, int(moment.timestamp()))


async def _materialize(
    session: AsyncSession, actor: Actor, hits: Sequence[queries.Hit], stems: set[str]
) -> list[SearchItem]:
    """Keep only hits the database still shows to the actor (visibility re-checked), in the index's order."""
    ids: dict[str, list[int]] = {"post": [], "comment": [], "user": [], "group": []}
    for hit in hits:
        ids.setdefault(hit.kind, []).append(hit.id)
    found: dict[tuple[str, int], tuple[str, str, str]] = {}
    if ids["post"]:
        for row in (await read.visible_rows(session, actor, ids["post"])).values():
            found[("post", row.id)] = read.search_result(row, lambda text: snippet(text, stems))
    if ids["comment"]:
        rows = await session.execute(
            select(Comment, Post).join(Post, Post.id == Comment.post_id)
            .where(Comment.id.in_(ids["comment"]), permissions.existing_comments(), permissions.visible_posts(actor))
        )
        for comment, post in rows:
            found[("comment", comment.id)] = (post.title or plain_title(post.body), snippet(comment.body, stems),
                                              f"/posts/{post.id}#comment-{comment.id}")
    if ids["user"]:
        users = list(await session.scalars(select(User).where(User.id.in_(ids["user"]), User.is_active.is_(True))))
        skills = await users_service.skills_of(session, [u.id for u in users])
        for user in users:
            about = " · ".join(p for p in (user.title, user.department, ", ".join(skills[user.id]), user.bio) if p)
            found[("user", user.id)] = (user.display_name, snippet(about, stems), f"/people/{user.handle}")
    if ids["group"]:
        for group in await session.scalars(select(Group).where(Group.id.in_(ids["group"]))):
            if permissions.can_see_group(actor, group) and permissions.is_discoverable(group):
                found[("group", group.id)] = (group.name, snippet(group.description or "", stems),
                                              f"/groups/{group.slug}")
    items = []
    for hit in hits:
        shown = found.get((hit.kind, hit.id))
        if shown is not None:
            title, snip, url = shown
            items.append(SearchItem(type=hit.kind, id=hit.id, title=title, snippet=snip, url=url,  # type: ignore[arg-type]
                                    score=hit.score))
    return items


async def filter_groups(session: AsyncSession, actor: Actor) -> list[Group]:
    """Groups offered in the results page's group filter: those whose content the actor may read."""
    readable = sorted(actor.readable_group_ids)
    if not readable:
        return []
    groups = await session.scalars(select(Group).where(Group.id.in_(readable)).order_by(Group.name))
    return [g for g in groups if permissions.can_read_group_content(actor, g.id)]


async def page_params(session: AsyncSession, form: dict[str, str], cursor: str | None) -> SearchParams:
    """The results page's form (group id, author handle, dates) as search parameters."""
    group_id = None
    if form["group"]:
        if not form["group"].isdigit() or not 0 < int(form["group"]) < 2**63:
            raise Invalid(queries.N_("Unknown group."))
        group_id = int(form["group"])
    author_id = None
    if form["author"]:
        author = await users_service.get_by_handle(session, form["author"].lstrip("@"))
        if author is None:
            raise Invalid(queries.N_("Nobody has this handle."))
        author_id = author.id
    kind = None if form["type"] == "all" else form["type"]
    return SearchParams(form["q"], kind, group_id, author_id, form["since"] or None, form["until"] or None, cursor)
