"""Helpers shared by every page module: the signed-in member, locale, redirects, flash messages, forms.

Other page modules use `PageActor` (signed in, else a redirect to /signin), `MaybeActor`, `redirect()`,
`flash()` and `CsrfProtected` (from app.csrf) on every POST handler."""

import base64
import hashlib
import hmac
import json
import re
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import Depends, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError
from starlette.datastructures import FormData

from app.db import SessionDep
from app.errors import AppError, Invalid, Unauthorized
from app.i18n import LOCALES, current_locale, negotiate
from app.permissions import Actor
from app.runtime import runtime_of
from app.security import COOKIE_NAME, token_from_request
from app.users.accounts import resolve_actor
from app.web import resume

LANG_COOKIE = "lang"
FLASH_COOKIE = "ruche_flash"
_CONTROL = re.compile(r"[\x00-\x1f\x7f\\]")


def N_(message: str) -> str:
    """Mark a message for extraction; it is translated when shown."""
    return message


class SignInRequired(AppError):
    """A page needs a member: the error handler turns this into a 303 to the sign-in page."""

    status_code = 303
    default_detail = "Sign in required"

    def __init__(self, next_path: str) -> None:
        super().__init__(headers={"Location": "/signin?next=" + quote(next_path, safe="/")})


def safe_next(value: str | None, default: str = "/") -> str:
    """Only a local path: no scheme, no host, no `//evil` or `/\\evil`, no control characters."""
    if not value or not value.startswith("/") or value.startswith("//") or _CONTROL.search(value):
        return default
    if len(value) > 500:
        return default
    return value


def use_locale(request: Request, actor: Actor | None) -> str:
    """The member's language, else the `lang` cookie, else Accept-Language."""
    preferred = actor.language if actor and actor.language else request.cookies.get(LANG_COOKIE)
    locale = negotiate(preferred, request.headers.get("accept-language"))
    current_locale.set(locale)
    request.state.locale = locale
    return locale


async def _maybe_actor(request: Request, session: SessionDep) -> Actor | None:

    actor = None
    token = token_from_request(request)
    if token:
        try:
            actor = await resolve_actor(runtime_of(request), session, token, renew=True)
        except Unauthorized:
            actor = None
            request.state.stale_session = True  # render() and the sign-in redirect clear the cookie
    request.state.actor = actor
    if actor is not None and request.method == "GET":
        # Read with the actor, before the page's own queries: live.js replays what commits after it, and nothing
        # older, so an event the relay had not dispatched yet is neither lost nor shown twice as "new".
        request.state.live_since = actor.newest_activity_id
    use_locale(request, actor)
    return actor


async def _page_actor(request: Request, actor: Annotated[Actor | None, Depends(_maybe_actor)]) -> Actor:
    if actor is None:
        if request.method == "POST" and "application/json" not in request.headers.get("accept", ""):
            # A form sent after the session ended: the sign-in page keeps what was typed (app/web/resume.py).
            # Scripts asking for JSON (reactions) get the redirect as before and handle it themselves.
            raise await resume.session_expired(request)
        path = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        raise SignInRequired(safe_next(path) if request.method == "GET" else "/")
    return actor


MaybeActor = Annotated[Actor | None, Depends(_maybe_actor)]
PageActor = Annotated[Actor, Depends(_page_actor)]


# Redirects and flash messages

def _flash_sign(request: Request, payload: str) -> str:
    key = runtime_of(request).settings.secret_key().encode()
    return hmac.new(key, b"flash:" + payload.encode(), hashlib.sha256).hexdigest()[:32]


def redirect(request: Request, url: str, *, flash: str | None = None, kind: str = "success",
             **variables: str) -> RedirectResponse:
    """A 303 after a POST, optionally carrying one message shown on the next page (translated there)."""
    response = RedirectResponse(url, status_code=303)
    if flash:
        raw = json.dumps([kind, flash, variables], separators=(",", ":"))
        payload = base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")
        response.set_cookie(FLASH_COOKIE, f"{payload}.{_flash_sign(request, payload)}", max_age=60,
                            httponly=True, samesite="lax", secure=is_https(request), path="/")
    return response


def read_flash(request: Request) -> list[dict[str, Any]]:
    """The flash message of the previous POST, if it is ours and well formed."""
    cookie = request.cookies.get(FLASH_COOKIE)
    if not cookie or "." not in cookie or len(cookie) > 2000:
        return []
    payload, _, signature = cookie.rpartition(".")
    if not hmac.compare_digest(signature, _flash_sign(request, payload)):
        return []
    try:
        kind, message, variables = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    except (ValueError, TypeError):
        return []
    return [{"kind": kind, "message": message, "variables": variables}]


def clear_stale_session(request: Request, response: Response) -> None:
    """A revoked or expired session cookie is removed instead of being checked on every page."""
    if getattr(request.state, "stale_session", False):
        response.delete_cookie(COOKIE_NAME, path="/")


def is_https(request: Request) -> bool:
    return bool((runtime_of(request).settings.BASE_URL or "").startswith("https://"))


def set_session_cookie(request: Request, response: Response, token: str, max_age: int | None) -> None:
    """The page session's cookie: persistent for "keep me signed in" (`max_age`), else gone with the browser."""
    response.set_cookie(COOKIE_NAME, token, max_age=max_age, httponly=True, samesite="lax",
                        secure=is_https(request), path="/")


def set_lang_cookie(request: Request, response: RedirectResponse, lang: str) -> None:
    if lang in LOCALES:
        response.set_cookie(LANG_COOKIE, lang, max_age=365 * 24 * 3600, httponly=True, samesite="lax",
                            secure=is_https(request), path="/")


# Forms

def form_text(form: FormData, name: str, max_length: int = 5000) -> str:
    """A text field as typed; NUL bytes and oversized values are refused (422), never passed to the database."""
    value = form.get(name)
    if not isinstance(value, str):
        return ""
    if "\x00" in value or len(value) > max_length:
        raise Invalid(f"Invalid value for {name}")
    return value


def query_text(value: str | None) -> str | None:
    if value is not None and "\x00" in value:
        raise Invalid("NUL bytes are not allowed")
    return value.strip() if value else None


_FIELD_MESSAGES = {
    "missing": N_("This field is required."),
    "string_too_short": N_("This field is too short."),
    "string_too_long": N_("This field is too long."),
    "string_pattern_mismatch": N_("Only lowercase letters, digits, dots, dashes and underscores (2 to 40)."),
    "too_long": N_("Too many items."),
    "literal_error": N_("Choose one of the proposed values."),
}


def field_errors(exc: ValidationError) -> dict[str, str]:
    """Pydantic errors as one message id per form field (translated by the template)."""
    out: dict[str, str] = {}
    for error in exc.errors():
        field = str(error["loc"][0]) if error.get("loc") else "form"
        if field == "password" and error["type"] == "string_too_short":
            message = N_("At least 10 characters.")
        elif field == "email":
            message = N_("Enter a valid email address.")
        else:
            message = _FIELD_MESSAGES.get(error["type"], N_("This value is not valid."))
        out.setdefault(field, message)
    return out
