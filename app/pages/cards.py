"""What post cards, comments and the composer need to render: API shapes plus the viewer's flags.

Pages build these with the same view functions as the API (`app.posts.views`); rules come from
`app.permissions`, so templates only read flags (`can.edit`, `can.delete`) and never decide."""

import secrets
from collections import OrderedDict
from collections.abc import Sequence
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

from babel.dates import format_datetime, format_timedelta
from fastapi import Request
from markupsafe import Markup, escape
from sqlalchemy.ext.asyncio import AsyncSession

from app import permissions
from app.csrf import csrf_input
from app.groups import service as groups_service
from app.groups.cache import GroupCache
from app.groups.schemas import GroupSummary
from app.i18n import current_locale
from app.posts.models import Comment, Post
from app.posts.schemas import MAX_POST_BODY, MAX_TITLE
from app.posts.views import comment_views, post_views
from app.security import Actor
from app.templating import environment, gettext

RELATIVE_FOR_DAYS = 7
MAX_DESTINATIONS = 100  # groups offered by the composer
JUST_NOW_S = 45


async def list_my_groups(session: AsyncSession, actor: Actor, cache: GroupCache | None = None) -> list[GroupSummary]:
    """The groups I belong to (the composer's destinations), by name."""
    return await groups_service.my_groups(session, actor, limit=MAX_DESTINATIONS, cache=cache)


def when(moment: datetime | None) -> dict[str, str]:
    """`datetime` attribute, a relative label ("3 minutes ago" / "il y a 3 minutes"; empty for just now), full date."""
    if moment is None:
        return {"iso": "", "label": "", "full": ""}
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    locale = current_locale.get()
    delta = moment - datetime.now(UTC)
    if abs(delta.total_seconds()) < JUST_NOW_S:
        label = ""  # the template says "just now" in the page's language
    elif -delta.days < RELATIVE_FOR_DAYS:
        label = format_timedelta(delta, add_direction=True, locale=locale)
    else:
        label = _absolute(moment, locale, "d MMM yyyy")
    return {"iso": moment.isoformat(), "label": label, "full": _absolute(moment, locale, "medium") + " UTC"}


@lru_cache(maxsize=8192)
def _absolute(moment: datetime, locale: str, pattern: str) -> str:
    """Dates do not change: a feed page formats forty, and Babel takes longer than the rest of a card."""
    return format_datetime(moment, format=pattern, tzinfo=UTC, locale=locale)


# Stand-ins for what differs between two requests showing the same card: NUL cannot occur in stored text (input
# with NUL is refused), and escaping leaves these unchanged.
_CSRF, _NEXT, _TIME = "\x00csrf\x00", "\x00next\x00", "\x00time\x00"
CARD_CACHE_SIZE = 2048
_card_cache: OrderedDict[tuple[int, str, str], str] = OrderedDict()


def card_html(request: Request, card: dict[str, Any]) -> Markup:
    """A feed card's HTML (heading level 3). Rendering twenty cards was most of a feed page's time, and a card
    depends only on its post's view (author and group names, counts, the viewer's reaction: all in the key), the
    language and three per-request values, filled in here. Kept per process, least recently used first out."""
    env = environment(request.app.state.settings.FRONTEND_DIR)
    key = (id(env), current_locale.get(), card["post"].model_dump_json())
    html = _card_cache.get(key)
    if html is None:
        macro = env.get_template("posts/_card_macro.html").module.post_card  # type: ignore[attr-defined]
        html = str(macro(card, 3, Markup(_CSRF), _NEXT, _TIME))
        _card_cache[key] = html
        if len(_card_cache) > CARD_CACHE_SIZE:
            _card_cache.popitem(last=False)
    else:
        _card_cache.move_to_end(key)
    label = card["at"]["label"] or gettext(request, "just now")
    return Markup(html.replace(_CSRF, csrf_input(request)).replace(_NEXT, escape(request.url.path))
                  .replace(_TIME, escape(label)))


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
    my_groups: Sequence[GroupSummary] | None = None,
) -> dict[str, Any]:
    """The composer's context: destinations I may post in (company-wide first), kinds, a fresh Idempotency-Key.

    `my_groups` (from `my_groups()`) saves the query when the page already listed them."""
    groups = my_groups if my_groups is not None else await list_my_groups(session, actor)
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

