"""CSRF protection for forms: a random cookie plus a hidden field carrying its HMAC with the secret key.

A cross-site page can neither read the cookie nor compute the HMAC, so it cannot forge the field.
Pages put `{{ csrf_input() }}` in every form and POST handlers depend on `CsrfProtected`."""

import hashlib
import hmac
import secrets
from typing import Annotated

from fastapi import Depends, Request
from markupsafe import Markup, escape

from app.errors import Forbidden
from app.runtime import CacheSpec, runtime_of

COOKIE_NAME = "ruche_csrf"
FIELD_NAME = "csrf_token"
MAX_COOKIE = 100
MAX_SIGNED = 4096  # browsers of the members using this process lately
COOKIE_MAX_AGE_S = 365 * 24 * 3600


class SignedCookies(dict[tuple[str, str], str]):
    """HMACs of CSRF cookies by (key, cookie)."""

    def reset(self) -> None:
        self.clear()


SIGNED_COOKIES = CacheSpec("csrf_signatures", SignedCookies, f"all dropped once {MAX_SIGNED} are kept")


def _sign(request: Request, value: str) -> str:
    """HMAC of a CSRF cookie, kept per cookie: a browser sends the same cookie with each page it loads."""
    runtime = runtime_of(request)
    key, signatures = runtime.settings.secret_key(), runtime.caches.get(SIGNED_COOKIES)
    signed = signatures.get((key, value))
    if signed is None:
        signed = hmac.new(key.encode(), b"csrf:" + value.encode(), hashlib.sha256).hexdigest()
        if len(value) <= MAX_COOKIE:  # what a form's sender puts in its cookie is not kept
            if len(signatures) >= MAX_SIGNED:
                signatures.clear()
            signatures[(key, value)] = signed
    return signed


def cookie_value(request: Request) -> str:
    """The request's CSRF cookie, or a new one that `apply_cookie` will set on the response."""
    existing = request.cookies.get(COOKIE_NAME, "")
    if 20 <= len(existing) <= MAX_COOKIE and existing.isascii():
        return existing
    new = getattr(request.state, "csrf_new_cookie", None)
    if new is None:
        new = secrets.token_urlsafe(32)
        request.state.csrf_new_cookie = new
    return str(new)


def csrf_token(request: Request) -> str:
    token = getattr(request.state, "csrf_token", None)
    if token is None:  # a feed page has a form per post: sign once per request
        token = request.state.csrf_token = _sign(request, cookie_value(request))
    return str(token)


def csrf_input(request: Request) -> Markup:
    """The hidden field every form carries (built once per request: a feed page has a form per post)."""
    field = getattr(request.state, "csrf_input", None)
    if field is None:
        field = request.state.csrf_input = Markup('<input type="hidden" name="%s" value="%s">') % (
            FIELD_NAME, escape(csrf_token(request)))
    return Markup(field)


def apply_cookie(request: Request, response: object) -> None:
    """Set the CSRF cookie on a response when this request created it."""
    new = getattr(request.state, "csrf_new_cookie", None)
    if new is None or not hasattr(response, "set_cookie"):
        return
    secure = bool((runtime_of(request).settings.BASE_URL or "").startswith("https://"))
    # Persistent, like a "keep me signed in" session: a browser restarted with its tabs restored keeps both, so a
    # form typed before the restart is still accepted (or kept through the sign-in page), not refused with a 403.
    response.set_cookie(COOKIE_NAME, new, max_age=COOKIE_MAX_AGE_S, httponly=True, samesite="lax", secure=secure,
                        path="/")


async def verify(request: Request) -> None:
    """Refuse a form whose token does not match the cookie (403)."""
    cookie = request.cookies.get(COOKIE_NAME, "")
    try:
        form = await request.form()
    except Exception as exc:  # malformed body: no valid token either
        raise Forbidden("The form has expired; reload the page and try again") from exc
    sent = form.get(FIELD_NAME)
    if not cookie or not isinstance(sent, str) or not hmac.compare_digest(sent, _sign(request, cookie)):
        raise Forbidden("The form has expired; reload the page and try again")


CsrfProtected = Annotated[None, Depends(verify)]
