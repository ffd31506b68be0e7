"""Post cards from the read model (app.posts.read), comments and the composer, as pages show them.

Rules come from `app.permissions`: templates only read flags and never decide."""

import secrets
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from babel.dates import TIMEDELTA_UNITS, format_datetime, format_timedelta
from fastapi import Request
from markupsafe import Markup, escape
from sqlalchemy.ext.asyncio import AsyncSession

from app import permissions, slots
from app.csrf import csrf_input
from app.groups import service as groups_service
from app.groups.cache import GroupCache
from app.groups.schemas import GroupSummary
from app.i18n import current_locale
from app.lru import SizedLRU
from app.permissions import Actor
from app.posts import read
from app.posts.models import Comment, Post
from app.posts.read import PostRow
from app.posts.schemas import MAX_POST_BODY, MAX_TITLE
from app.posts.views import comment_views
from app.runtime import CacheSpec
from app.templating import environment, gettext

RELATIVE_FOR_DAYS = 7
MAX_DESTINATIONS = 100  # groups offered by the composer
JUST_NOW_S = 45
# A feed folds a post taller than about FOLD_LINES lines (the CSS clips at 12 lines, conversations.css); a few
# lines of margin so that a fold never hides just one line. Lines are estimated from the text alone, so the fold is
# the same for every viewer and the card can be kept (CARDS).
FOLD_LINES = 14
CHARS_PER_LINE = 90  # a feed card's text column, about 46rem at 16px
_TIMEDELTA_THRESHOLD = 0.85  # format_timedelta's default


class TimeLabels:
    """Babel's labels of times, kept by what their text depends on: a feed page formats forty, and Babel takes
    longer than the rest of a card."""

    MAX_RELATIVE = 4096  # a few hundred keys per language in practice

    def __init__(self) -> None:
        self._relative: dict[tuple[str, bool, str, int], str] = {}
        self._absolute: SizedLRU = SizedLRU(8192, max_item=1)

    def reset(self) -> None:
        self._relative.clear()
        self._absolute = SizedLRU(8192, max_item=1)

    def relative(self, delta: timedelta, locale: str) -> str:
        """Babel's `format_timedelta(delta, add_direction=True)`, kept by the direction and the unit and rounded
        value Babel picks (the same steps as Babel)."""
        seconds = delta.total_seconds()  # as Babel 2.19 counts them (microseconds included)
        for unit, per_unit in TIMEDELTA_UNITS:
            value = abs(seconds) / per_unit
            if value >= _TIMEDELTA_THRESHOLD or unit == "second":
                key = (locale, seconds >= 0, unit, round(max(1, value) if unit == "second" and value > 0 else value))
                break
        label = self._relative.get(key)
        if label is None:
            if len(self._relative) > self.MAX_RELATIVE:
                self._relative.clear()
            label = self._relative[key] = format_timedelta(delta, add_direction=True, locale=locale)
        return label

    def absolute(self, moment: datetime, locale: str, pattern: str) -> str:
        """Dates do not change: kept least recently used first out."""
        key = (moment, locale, pattern)
        label = self._absolute.get(key)
        if label is None:
            label = format_datetime(moment, format=pattern, tzinfo=UTC, locale=locale)
            self._absolute.put(key, label, 1)
        return label  # type: ignore[return-value]

    def label(self, moment: datetime, locale: str, now: datetime | None = None) -> str:
        """"3 minutes ago" / "il y a 3 minutes" within RELATIVE_FOR_DAYS, then the date; empty for just now."""
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        delta = moment - (now or datetime.now(UTC))
        if abs(delta.total_seconds()) < JUST_NOW_S:
            return ""  # the template says "just now" in the page's language
        if -delta.days < RELATIVE_FOR_DAYS:
            return self.relative(delta, locale)
        return self.absolute(moment, locale, "d MMM yyyy")

    def when(self, moment: datetime | None) -> dict[str, str]:
        """`datetime` attribute, a relative label (empty for just now), the full date."""
        if moment is None:
            return {"iso": "", "label": "", "full": ""}
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        locale = current_locale.get()
        return {"iso": moment.isoformat(), "label": self.label(moment, locale),
                "full": self.absolute(moment, locale, "medium") + " UTC"}


TIME_LABELS = CacheSpec("time_labels", TimeLabels, "relative labels: cleared past 4,096; dates: least recently used "
                        "out past 8,192")
CARDS = CacheSpec("cards", lambda: SizedLRU(32 * 1024 * 1024, max_item=128 * 1024),
                  "least recently used out past 32 M characters; keyed by language, heading level and everything a "
                  "post shows to every viewer (`read.shared(row)`)")


def folds(body: str) -> bool:
    """Whether a feed shows this body folded: more than FOLD_LINES lines once wrapped (an estimate)."""
    if len(body) <= CHARS_PER_LINE * 2:
        return False
    lines = 0
    for line in body.splitlines():
        lines += max(1, -(-len(line) // CHARS_PER_LINE))
        if lines > FOLD_LINES:
            return True
    return False


def labels(request: Request) -> TimeLabels:
    return request.app.state.runtime.caches.get(TIME_LABELS)  # type: ignore[no-any-return]


def list_my_groups(actor: Actor, cache: GroupCache) -> list[GroupSummary]:
    """The groups I belong to (the composer's destinations), by name."""
    return groups_service.my_groups(actor, cache, limit=MAX_DESTINATIONS)


_CARD_SLOTS = {name: Markup(slots.slot(name)) for name in (
    "csrf", "next", "time", "react_state", "react_pressed", "save_state", "save_pressed", "manage", "post_id")}


def render_cards(request: Request, actor: Actor, rows: Sequence[PostRow], heading_level: int = 3) -> list[Markup]:
    """The HTML of post cards (heading level 3 in feeds, 1 on the post page), from read-model rows.

    Rendering twenty cards was most of a feed page's time. A card's HTML is kept per process under the language,
    the heading level and `read.shared(row)`, split at its slots; only cards not seen before are rendered, and
    each request fills in the slots: its CSRF field and path, the relative time, and the viewer's reaction, saved
    state and controls (`post_flags`)."""
    if not rows:
        return []
    runtime = request.app.state.runtime
    kept, time_labels = runtime.caches.get(CARDS), runtime.caches.get(TIME_LABELS)
    env = environment(runtime.settings.FRONTEND_DIR)
    locale = current_locale.get()
    keys = [(id(env), locale, heading_level, read.shared(row)) for row in rows]
    # By position, not by key: each lookup of a key hashes and compares a whole row again.
    parts_of: list[list[str] | None] = [kept.get(key) for key in keys]
    missing = [i for i, parts in enumerate(parts_of) if parts is None]
    if missing:
        macro = env.get_template("posts/_card_macro.html").module.post_card  # type: ignore[attr-defined]
        for i in missing:
            view = read.to_api(rows[i]._replace(my_reaction=None))
            card = {"post": view, "at": time_labels.when(view.created_at), "edited": time_labels.when(view.edited_at),
                    "folded": heading_level != 1 and folds(view.body)}
            html = str(macro(card, heading_level, _CARD_SLOTS))
            parts_of[i] = split = slots.split(html)
            kept.put(keys[i], split, len(html) + slots.strings_size(keys[i][3]))
    now = datetime.now(UTC)
    values = {"csrf": str(csrf_input(request)), "next": str(escape(request.url.path))}
    just_now = gettext(request, "just now")
    out = []
    for parts, row in zip(parts_of, rows, strict=True):
        values["time"] = str(escape(time_labels.label(row.created_at, locale, now) or just_now))
        values["react_state"], values["react_pressed"] = ("off", "true") if row.my_reaction else ("on", "false")
        values["save_state"], values["save_pressed"] = ("off", "true") if row.saved else ("on", "false")
        flags = post_flags(actor, row)
        values["manage"] = _manage(request, env, locale, flags, row.id, values) if any(flags.values()) else ""
        out.append(Markup(slots.join(parts, values)))  # type: ignore[arg-type]  # every part was filled above
    return out


def _manage(request: Request, env: Any, locale: str, flags: dict[str, bool], post_id: int,
            values: dict[str, str]) -> str:
    """The viewer's controls of one post: kept per language and flags, the post's id a slot."""
    kept = request.app.state.runtime.caches.get(CARDS)
    key = (id(env), locale, "manage", flags["edit"], flags["delete"])
    parts: list[str] | None = kept.get(key)
    if parts is None:
        macro = env.get_template("posts/_card_macro.html").module.post_manage
        html = str(macro(flags["edit"], flags["delete"], _CARD_SLOTS))
        parts = slots.split(html)
        kept.put(key, parts, len(html))
    return slots.join(parts, {**values, "post_id": str(post_id)})


def post_flags(actor: Actor, post: Post | PostRow) -> dict[str, bool]:
    return {"edit": permissions.can_edit_post(actor, post), "delete": permissions.can_delete_post(actor, post)}


async def post_card(request: Request, actor: Actor, row: PostRow) -> dict[str, Any]:
    """The post page's head: its card's HTML (heading level 1) and its API shape (title, counts)."""
    return {"post": read.to_api(row), "html": render_cards(request, actor, [row], 1)[0]}


async def comment_items(
    session: AsyncSession, actor: Actor, post: Post, comments: Sequence[Comment], time_labels: TimeLabels
) -> list[dict[str, Any]]:
    """Top-level comments oldest first, each with its replies (one level): `comment`, `at`, `edited` (times),
    `can_edit`, `can_delete`, `replies`."""
    views = await comment_views(session, actor, comments)
    items: dict[int, dict[str, Any]] = {
        view.id: {"comment": view, "at": time_labels.when(view.created_at), "replies": [],
                  "edited": time_labels.when(view.edited_at),
                  "can_edit": permissions.can_edit_comment(actor, view.author.id),
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

