"""What post cards, comments and the composer need to render: API shapes plus the viewer's flags.

Pages build these with the same view functions as the API (`app.posts.views`); rules come from
`app.permissions`, so templates only read flags (`can.edit`, `can.delete`) and never decide."""

import re
import secrets
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import Any

from babel.dates import TIMEDELTA_UNITS, format_datetime, format_timedelta
from fastapi import Request
from markupsafe import Markup, escape
from sqlalchemy.ext.asyncio import AsyncSession

from app import permissions
from app.csrf import csrf_input
from app.groups import service as groups_service
from app.groups.cache import GroupCache
from app.groups.schemas import GroupSummary
from app.i18n import current_locale
from app.lru import SizedLRU, strings_size
from app.permissions import Actor
from app.posts.models import Comment, Post
from app.posts.schemas import MAX_POST_BODY, MAX_TITLE
from app.posts.views import comment_views, joined_post_views, mentions_key, post_mentions, post_views
from app.templating import environment, gettext

RELATIVE_FOR_DAYS = 7
MAX_DESTINATIONS = 100  # groups offered by the composer
JUST_NOW_S = 45


def list_my_groups(actor: Actor, cache: GroupCache) -> list[GroupSummary]:
    """The groups I belong to (the composer's destinations), by name."""
    return groups_service.my_groups(actor, cache, limit=MAX_DESTINATIONS)


def when(moment: datetime | None) -> dict[str, str]:
    """`datetime` attribute, a relative label ("3 minutes ago" / "il y a 3 minutes"; empty for just now), full date."""
    if moment is None:
        return {"iso": "", "label": "", "full": ""}
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    locale = current_locale.get()
    return {"iso": moment.isoformat(), "label": time_label(moment, locale),
            "full": _absolute(moment, locale, "medium") + " UTC"}


def time_label(moment: datetime, locale: str, now: datetime | None = None) -> str:
    """"3 minutes ago" / "il y a 3 minutes" within RELATIVE_FOR_DAYS, then the date; empty for just now."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    delta = moment - (now or datetime.now(UTC))
    if abs(delta.total_seconds()) < JUST_NOW_S:
        return ""  # the template says "just now" in the page's language
    if -delta.days < RELATIVE_FOR_DAYS:
        return _relative(delta, locale)
    return _absolute(moment, locale, "d MMM yyyy")


_TIMEDELTA_THRESHOLD = 0.85  # format_timedelta's default
_relative_labels: dict[tuple[str, bool, str, int], str] = {}


def _relative(delta: timedelta, locale: str) -> str:
    """Babel's `format_timedelta(delta, add_direction=True)`, kept by what its text depends on: the direction, and
    the unit and rounded value Babel picks (the same steps as Babel). Twenty cards took 0.4 ms to format."""
    seconds = delta.total_seconds()  # as Babel 2.19 counts them (microseconds included)
    for unit, per_unit in TIMEDELTA_UNITS:
        value = abs(seconds) / per_unit
        if value >= _TIMEDELTA_THRESHOLD or unit == "second":
            key = (locale, seconds >= 0, unit, round(max(1, value) if unit == "second" and value > 0 else value))
            break
    label = _relative_labels.get(key)
    if label is None:
        if len(_relative_labels) > 4096:  # a few hundred keys per language in practice
            _relative_labels.clear()
        label = _relative_labels[key] = format_timedelta(delta, add_direction=True, locale=locale)
    return label


@lru_cache(maxsize=8192)
def _absolute(moment: datetime, locale: str, pattern: str) -> str:
    """Dates do not change: a feed page formats forty, and Babel takes longer than the rest of a card."""
    return format_datetime(moment, format=pattern, tzinfo=UTC, locale=locale)


# Stand-ins for what differs between two requests showing the same card: NUL cannot occur in stored text (input
# with NUL is refused), and escaping leaves these unchanged.
_CSRF, _NEXT, _TIME = "\x00csrf\x00", "\x00next\x00", "\x00time\x00"
_STAND_INS = re.compile("(\x00(?:csrf|next|time)\x00)")
CARD_CACHE_SIZE = 32 * 1024 * 1024  # characters per process: cards' HTML and the rows they were made from
_card_cache = SizedLRU(CARD_CACHE_SIZE, max_item=128 * 1024)


async def feed_cards(request: Request, session: AsyncSession, actor: Actor, rows: Sequence[Any]) -> list[Markup]:
    """The HTML of a feed page's cards (heading level 3), from feed rows (app.feed.service).

    Rendering twenty cards was most of a feed page's time. A card depends only on its row (the post, its author's
    and group's names, topics, counts, the viewer's reaction), its mentions, the language, and three per-request
    values filled in here: so each card's HTML is kept per process under all of those, least recently used first
    out, and only cards not seen before are built and rendered."""
    if not rows:
        return []
    mentions = await post_mentions(session, rows)
    env = environment(request.app.state.runtime.settings.FRONTEND_DIR)
    locale = current_locale.get()
    keys = [(id(env), locale, tuple(row), mentions_key(mentions.get(row.id))) for row in rows]
    # By position, not by key: each lookup of a key hashes and compares a whole row again.
    parts_of: list[list[str] | None] = [_card_cache.get(key) for key in keys]  # type: ignore[misc]
    missing = [i for i, parts in enumerate(parts_of) if parts is None]
    if missing:
        macro = env.get_template("posts/_card_macro.html").module.post_card  # type: ignore[attr-defined]
        views = joined_post_views([rows[i] for i in missing], mentions)
        for i, view in zip(missing, views, strict=True):
            row = rows[i]
            card = {"post": view, "can": post_flags(actor, row), "at": when(view.created_at),
                    "edited": when(view.edited_at)}
            html = str(macro(card, 3, Markup(_CSRF), _NEXT, _TIME))
            # Kept split at its stand-ins: joining the pieces with this request's values is cheaper than three
            # replaces, each reading the whole card.
            parts_of[i] = parts = _STAND_INS.split(html)
            _card_cache.put(keys[i], parts, len(html) + strings_size(keys[i][2]))
    now = datetime.now(UTC)
    values = {_CSRF: str(csrf_input(request)), _NEXT: str(escape(request.url.path)), _TIME: ""}
    out = []
    for parts, row in zip(parts_of, rows, strict=True):
        values[_TIME] = str(escape(time_label(row.created_at, locale, now) or gettext(request, "just now")))
        out.append(Markup("".join([values[part] if i % 2 else part for i, part in enumerate(parts)])))
    return out


def post_flags(actor: Actor, post: Post) -> dict[str, bool]:
    return {"edit": permissions.can_edit_post(actor, post), "delete": permissions.can_delete_post(actor, post)}


async def post_cards(session: AsyncSession, actor: Actor, posts: Sequence[Any]) -> list[dict[str, Any]]:
    """One dict per visible post (Post objects or feed rows): `post` (PostRead), `can` (flags) and `at` / `edited` (times)."""
    views = await post_views(session, actor, posts)
    return [
        {"post": view, "can": post_flags(actor, post), "at": when(view.created_at), "edited": when(view.edited_at)}
        for view, post in zip(views, posts, strict=True)
    ]


async def comment_items(
    session: AsyncSession, actor: Actor, post: Post, comments: Sequence[Comment]
) -> list[dict[str, Any]]:
    """Top-level comments oldest first, each with its replies (one level): `comment`, `can_delete`, `replies`."""
    views = await comment_views(session, actor, comments)
    items = {
        view.id: {"comment": view, "at": when(view.created_at), "replies": [],
                  "can_delete": permissions.can_delete_comment(actor, view.author.id, post)}
        for view in views
    }
    top: list[dict[str, Any]] = []
    for view in views:
        item = items[view.id]
        parent = items.get(view.parent_id) if view.parent_id else None
        if parent is not None:
            parent["replies"].append(item)
        elif view.parent_id is None:
            top.append(item)
    return top


async def composer(
    session: AsyncSession, actor: Actor, *, group_id: int | None = None, values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None, next_path: str = "/", message: str | None = None,
    my_groups: Sequence[GroupSummary],
) -> dict[str, Any]:
    """The composer's context: destinations I may post in (company-wide first), kinds, a fresh Idempotency-Key.

    `my_groups`: from `list_my_groups()`."""
    groups = my_groups
    targets = [{"id": "", "name": None, "announce": permissions.can_announce_in(actor, None)}]
    targets += [{"id": str(g.id), "name": g.name, "announce": permissions.can_announce_in(actor, g.id)}
                for g in groups if permissions.can_post_in(actor, g.id)]
    chosen = dict(values or {})
    chosen.setdefault("group_id", str(group_id) if group_id else "")
    chosen.setdefault("kind", "discussion")
    return {
        "targets": targets, "can_announce": any(t["announce"] for t in targets), "values": chosen,
        "errors": errors or {}, "next": next_path, "message": message,
        "idempotency_key": secrets.token_urlsafe(18), "max_body": MAX_POST_BODY, "max_title": MAX_TITLE,
    }

