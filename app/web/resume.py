"""A form sent after the session ended is not lost: the sign-in page carries it, and after signing in the member
is back on that form with what they typed, to check and send again (never sent by itself: CSRF, and the member
may have changed their mind).

The form travels in the sign-in page's POST body, sealed (HMAC with the secret key, compressed), never in a URL or
a log line, and is kept nowhere on the server. A page handler declares how its form comes back with `@restores`
(`/posts`: the composer filled in); any other form comes back as a plain form with its fields."""

import base64
import hashlib
import hmac
import json
import re
import time
import zlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from fastapi import Request
from fastapi.responses import Response
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.datastructures import FormData
from starlette.routing import compile_path

from app.csrf import FIELD_NAME as CSRF_FIELD
from app.csrf import verify as verify_csrf
from app.errors import NotFound, Refused
from app.permissions import Actor
from app.runtime import runtime_of

FIELD = "resume"  # the sign-in form's hidden field
MAX_SEALED = 200_000  # characters: a 20,000-character post, escaped and base64-encoded, fits many times
MAX_AGE_S = 24 * 3600  # a sign-in page left open over a night still brings the text back
_SKIPPED = {CSRF_FIELD, "password", "current_password", "new_password"}  # never carried


@dataclass(frozen=True)
class Draft:
    action: str  # the path the form was sent to
    fields: dict[str, str]

    def get(self, name: str) -> str:
        return self.fields.get(name, "")


Restorer = Callable[[Request, AsyncSession, Actor, Draft, dict[str, Any]], Awaitable[Response]]


_RESTORERS: list[tuple[re.Pattern[str], Restorer]] = []  # declared by page modules when imported, like routes


def restores(path: str) -> Callable[[Restorer], Restorer]:
    """Declare how the form posted to `path` (a route's path, `/posts/{post_id}/edit`) comes back filled in:
    `(request, session, actor, draft, path_params) -> Response` (the form's page, status 200)."""

    def register(restorer: Restorer) -> Restorer:
        _RESTORERS.append((compile_path(path)[0], restorer))
        return restorer

    return register


def draft_of(action: str, form: FormData) -> Draft:
    fields = {name: value for name, value in form.multi_items()
              if isinstance(value, str) and name not in _SKIPPED and "\x00" not in value}
    return Draft(action, fields)


def _sign(request: Request, payload: str) -> str:
    key = runtime_of(request).settings.secret_key().encode()
    return hmac.new(key, b"resume:" + payload.encode(), hashlib.sha256).hexdigest()


def seal(request: Request, draft: Draft) -> str:
    raw = json.dumps({"a": draft.action, "f": draft.fields, "t": int(time.time())}, separators=(",", ":"))
    payload = base64.urlsafe_b64encode(zlib.compress(raw.encode(), 6)).decode()
    return f"{payload}.{_sign(request, payload)}"


def unseal(request: Request, sealed: str) -> Draft | None:
    """The draft sealed by this site within MAX_AGE_S, else None (tampered, expired or malformed)."""
    payload, _, signature = sealed.rpartition(".")
    if not payload or len(sealed) > MAX_SEALED or not sealed.isascii():
        return None
    if not hmac.compare_digest(signature, _sign(request, payload)):
        return None
    try:
        data = json.loads(zlib.decompressobj().decompress(base64.urlsafe_b64decode(payload), 10 * MAX_SEALED))
        action, fields, issued = data["a"], data["f"], data["t"]
    except (ValueError, TypeError, KeyError, zlib.error):
        return None
    if not isinstance(action, str) or not isinstance(fields, dict) or not isinstance(issued, int):
        return None
    if not 0 <= time.time() - issued <= MAX_AGE_S:
        return None
    return Draft(action, {str(k): str(v) for k, v in fields.items()})


async def session_expired(request: Request) -> Refused:
    """The sign-in page for a form sent without a valid session, carrying the form (raised by `PageActor`)."""
    # Late: app.templating imports app.web.common, which imports this module.
    from app.templating import render

    await verify_csrf(request)  # another site's form gets the usual 403, not a page offering its text to sign in
    form = await request.form()
    sealed = seal(request, draft_of(request.url.path, form))
    response = render(request, "auth/signin.html", {
        "next": "/", "email": "", "error": None, "remember": False,
        "remember_days": runtime_of(request).settings.SESSION_REMEMBER_DAYS,
        "expired": True, "resume": sealed if len(sealed) <= MAX_SEALED else "",
    }, status_code=401)
    return Refused(response)


def path_id(path_params: dict[str, Any], name: str) -> int:
    """An id from the form's path (a restorer's argument); anything else is a 404, as the handler would answer."""
    value = str(path_params.get(name, ""))
    if not value.isascii() or not value.isdigit() or len(value) > 18:
        raise NotFound()
    return int(value)


async def restore(request: Request, session: AsyncSession, actor: Actor, draft: Draft) -> Response:
    """The form the draft was sent from, filled in, for the member who just signed in."""
    from app.templating import render

    for pattern, restorer in _RESTORERS:
        if (match := pattern.match(draft.action)) is not None:
            return await restorer(request, session, actor, draft, match.groupdict())
    hidden = {name: value for name, value in draft.fields.items() if name in ("next", "idempotency_key")}
    shown = {name: value for name, value in draft.fields.items() if name not in hidden}
    return render(request, "auth/resume.html", {"action": draft.action, "hidden": hidden, "shown": shown})
