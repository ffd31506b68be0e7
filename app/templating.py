"""The one Jinja2 environment: autoescape on every template, i18n callables bound to the request's locale.

`environment()` is built once per frontend folder (`lru_cache`): templates ship with the code, not process state."""

from collections.abc import Hashable, Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any, cast

from babel.numbers import format_decimal
from babel.support import NullTranslations
from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup, escape
from pydantic import BaseModel

from app import csrf
from app.i18n import current_locale, translations
from app.lru import SizedLRU
from app.runtime import CacheSpec, runtime_of
from app.slots import join, slot, split
from app.web.common import FLASH_COOKIE, clear_stale_session, read_flash, use_locale


@lru_cache
def environment(frontend_dir: Path) -> Environment:
    env = Environment(
        loader=FileSystemLoader(frontend_dir / "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
        # Templates ship with the code: no file system check on every include (a feed page includes one per post).
        auto_reload=False,
    )
    tr_dir = frontend_dir / "translations"
    catalogs: dict[str, NullTranslations] = {}

    def _catalog() -> NullTranslations:
        locale = current_locale.get()
        catalog = catalogs.get(locale)
        if catalog is None:
            catalog = catalogs[locale] = translations(tr_dir, locale)
        return catalog

    def _gettext(message: str, **variables: Any) -> str:
        text = _catalog().gettext(message)
        return text % variables if variables else text

    def _ngettext(singular: str, plural: str, n: int, **variables: Any) -> str:
        # Jinja's newstyle wrapper calls this with the count only and formats the result with the template's
        # variables itself: formatting here too would fail on any placeholder but %(num)s.
        text = _catalog().ngettext(singular, plural, n)
        return text % {"num": n, **variables} if variables else text

    env.install_gettext_callables(_gettext, _ngettext, newstyle=True)  # type: ignore[attr-defined]
    env.globals["_"] = _gettext
    # Counts shown in sentences follow the page's language: "10 000" in French, "10,000" in English.
    env.filters["number"] = lambda n: format_decimal(n, locale=current_locale.get())
    return env


FRAGMENT_CACHE_SIZE = 8 * 1024 * 1024  # characters per process
FRAGMENTS = CacheSpec("fragments", lambda: SizedLRU(FRAGMENT_CACHE_SIZE, max_item=256 * 1024),
                      "least recently used out past 8 M characters; keyed by template, language and whole context")
_CSRF = "csrf"  # the slot of the request's CSRF field


_ATOMS = frozenset({str, int, float, bool, type(None)})


def freeze(value: Any) -> Hashable:
    """A hashable copy of a template context (dicts, lists, pydantic models and plain values). It is computed on
    every page view: plain values are kept as they are without a call (most of a context), and a model is its class
    and its fields' values in the class's order, not its serializer."""
    kind = type(value)
    if kind in _ATOMS:
        return cast(Hashable, value)
    if kind is dict or (kind is not list and kind is not tuple and isinstance(value, dict)):
        return tuple([(k, v if type(v) in _ATOMS else freeze(v)) for k, v in value.items()])
    if kind is list or kind is tuple:
        return tuple([v if type(v) in _ATOMS else freeze(v) for v in value])
    if isinstance(value, BaseModel):
        return (kind, tuple([v if type(v) in _ATOMS else freeze(v) for v in value.__dict__.values()]))
    return cast(Hashable, value)


def fragment(request: Request, template: str, context: dict[str, Any], *, slots: dict[str, str] | None = None) -> Markup:
    """A part of a page rendered once per context and language, kept per process: the home page's composer and
    sidebar change far less often than they are shown. `context` must hold everything the template reads (it is
    the key); `slots` are per-request strings (escaped unless Markup), placed in the context as `slot(name)` and
    filled in here, and `csrf_input()` is this request's field. NUL never occurs in rendered values (input with
    NUL is refused)."""

    env = environment(request.app.state.runtime.settings.FRONTEND_DIR)
    kept = request.app.state.runtime.caches.get(FRAGMENTS)
    key = (id(env), template, current_locale.get(), freeze(context))
    parts = cast(list[str] | None, kept.get(key))
    if parts is None:
        html = env.get_template(template).render({**context, "csrf_input": lambda: Markup(slot(_CSRF))})
        parts = split(html)
        kept.put(key, parts, len(html))
    values = _slot_values(slots)
    values[_CSRF] = csrf.csrf_input(request)
    return Markup(join(parts, values))


def _slot_values(slots: dict[str, str] | None) -> dict[str, str]:
    return {name: value if isinstance(value, Markup) else str(escape(value)) for name, value in (slots or {}).items()}


def _fill(html: str, slot_values: dict[str, str]) -> str:
    """`html` with its slot markers filled (a page rendered afresh from a kept page's context)."""
    return join(split(html), _slot_values(slot_values))


def gettext(request: Request, message: str, **variables: Any) -> str:
    """Translate a message for the current request outside templates (flash messages)."""
    tr_dir = request.app.state.runtime.settings.FRONTEND_DIR / "translations"
    text = translations(tr_dir, current_locale.get()).gettext(message)
    return text % variables if variables else text


def render(
    request: Request, template: str, context: dict[str, Any] | None = None, *,
    status_code: int = 200, headers: Mapping[str, str] | None = None, slots: dict[str, str] | None = None,
) -> HTMLResponse:
    """Render a page with the shell's context: locale, signed-in member, CSRF field, flash messages.

    With `slots`, a member's page is kept like a fragment (`fragment()`): `context` is then its key and holds
    everything the page reads besides the shell, its per-request values standing as `slot(name)` markers that
    `slots` fill (Markup as is, text escaped). A page showing flash messages is rendered afresh, slots filled the
    same way."""

    actor = getattr(request.state, "actor", None)
    if getattr(request.state, "locale", None) is None:
        use_locale(request, actor)  # error pages rendered before any page dependency ran
    env = environment(request.app.state.runtime.settings.FRONTEND_DIR)
    flashes = read_flash(request)
    base: dict[str, Any] = {
        "request": request, "locale": current_locale.get(), "actor": actor, "flashes": flashes,
        "csrf_input": lambda: csrf.csrf_input(request), "current_path": request.url.path,
        "live_since": getattr(request.state, "live_since", None),
    }
    base.update(context or {})
    base["here"] = request.url.path + (f"?{request.url.query}" if request.url.query else "")  # the language switch's
    if actor is not None:
        base["member_header"], base["live_config"] = _member_shell(request, actor, base)
    if slots is None:
        html = env.get_template(template).render(base)
    elif actor is not None and not flashes:
        html = fragment(request, template, {
            **(context or {}), "locale": base["locale"], "actor": True, "flashes": [],
            "current_path": base["current_path"], "here": slot("here"),
            "member_header": Markup(slot("member_header")), "live_config": Markup(slot("live_config")),
        }, slots={**slots, "here": base["here"], "member_header": base["member_header"],
                  "live_config": base["live_config"]})
    else:
        html = _fill(env.get_template(template).render(base), slots)
    response = HTMLResponse(html, status_code=status_code, headers=headers)
    csrf.apply_cookie(request, response)
    clear_stale_session(request, response)
    # Pages carry a member's data and a CSRF token: never stored by shared caches or the back/forward cache.
    response.headers.setdefault("Cache-Control", "no-store")
    response.headers.setdefault("Vary", "Cookie, Accept-Language")
    if request.cookies.get(FLASH_COOKIE):
        response.delete_cookie(FLASH_COOKIE, path="/")
    return response


_SECTIONS = (("/people", "people"), ("/groups", "groups"), ("/admin", "admin"))


def _section(path: str) -> str:
    """The main navigation's entry marked as the current page."""
    if path == "/":
        return "home"
    return next((name for prefix, name in _SECTIONS if path.startswith(prefix)), "")


def _member_shell(request: Request, actor: Any, page: dict[str, Any]) -> tuple[Markup, Markup]:
    """The signed-in member's header (navigation, search box, notification bell, member menu) and live-update
    settings, kept as fragments: rendering them took half of a feed page's template time, and they change only with
    the member's name, language and the page's section."""
    header = fragment(request, "_member_header.html", {
        "me": {"user_id": actor.user_id, "display_name": actor.display_name, "handle": actor.handle,
               "is_admin": actor.is_admin},
        "section": _section(request.url.path), "locale": page["locale"], "here": slot("here"), "search_q": slot("q"),
    }, slots={"here": page["here"], "q": page.get("search_q") or ""})
    since = page.get("live_since")
    live = fragment(request, "live/_config.html", {"live_since": slot("since"),
                                                   "live_epoch": runtime_of(request).outbox_epoch},
                    slots={"since": "" if since is None else str(since)})
    return header, live
