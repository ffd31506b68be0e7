"""Error pages for browsers (API clients get JSON)."""

from collections.abc import Mapping
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.types import Receive, Scope, Send

from app.runtime import runtime_of
from app.security import token_from_request
from app.templating import render
from app.users.accounts import resolve_actor
from app.web.common import clear_stale_session, use_locale


def render_error_page(request: Request, status_code: int, detail: str, headers: Mapping[str, str] | None) -> Response:
    if 300 <= status_code < 400 and headers and "Location" in headers:  # SignInRequired

        response = RedirectResponse(headers["Location"], status_code=status_code)
        clear_stale_session(request, response)
        return response
    if status_code == 404 and _member_unknown_yet(request):  # not on 503: the database may be down
        return _MemberErrorPage(request, status_code, detail, headers)
    return _render(request, status_code, detail, headers)


def _render(request: Request, status_code: int, detail: str, headers: Mapping[str, str] | None) -> Response:

    try:
        return render(request, "error.html", {"status_code": status_code, "detail": detail},
                      status_code=status_code, headers=headers)
    except Exception:
        return HTMLResponse(f"<h1>{status_code}</h1>", status_code=status_code, headers=headers)


def _member_unknown_yet(request: Request) -> bool:
    """An unknown URL ran no page dependency: a signed-in member would get a visitor's page."""

    return not hasattr(request.state, "actor") and token_from_request(request) is not None


class _MemberErrorPage(Response):
    """Resolves the member from the session cookie (async, so when sent), then renders the error page."""

    def __init__(self, request: Request, status_code: int, detail: str, headers: Mapping[str, str] | None) -> None:
        super().__init__(status_code=status_code)
        self._request, self._detail, self._extra_headers = request, detail, headers

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await _resolve_actor(self._request)
        response = _render(self._request, self.status_code, self._detail, self._extra_headers)
        await response(scope, receive, send)


async def _resolve_actor(request: Request) -> None:

    actor: Any = None
    runtime = runtime_of(request)
    try:
        async with runtime.sessionmaker() as session:  # type: ignore[misc]
            actor = await resolve_actor(runtime, session, token_from_request(request) or "")
    except Exception:
        actor = None
    request.state.actor = actor
    use_locale(request, actor)


def N_(message: str) -> str:
    return message


# Details of 403 errors raised by services, shown translated on the error page.
FORBIDDEN_DETAILS = (
    N_("Only administrators can manage accounts"),
    N_("Only administrators can change roles and accounts"),
    N_("Only the group's animators can manage members"),
    N_("Only the group's animators can remove members"),
    N_("Only the group's animators can change it"),
    N_("Only animators see membership requests"),
    N_("The form has expired; reload the page and try again"),
    N_("Only administrators can see the network settings"),
    N_("Only administrators can change the network settings"),
    N_("Only administrators can edit the skill synonyms"),
    N_("Only the group's animators and administrators can delete it"),
    N_("This group is archived: it is read-only"),
)
