"""Page tests: httpx clients that behave like browsers (cookies, Accept: text/html), one per member."""

import re
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from tests.smtp_server import mailbox  # noqa: F401  (a real SMTP server: e-mails of accounts)

CSRF_RE = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_of(html: str) -> str:
    match = CSRF_RE.search(html)
    assert match, "the page has no CSRF field"
    return match.group(1)


class Browser:
    """A cookie-keeping client; `post_form` fetches a page first to get a CSRF token, like a person would."""

    def __init__(self, client: httpx.AsyncClient) -> None:
        self.client = client

    async def get(self, url: str, **kwargs: Any) -> httpx.Response:
        return await self.client.get(url, **kwargs)

    async def post_form(self, page: str, action: str, data: dict[str, Any] | None = None) -> httpx.Response:
        r = await self.client.get(page)
        token = csrf_of(r.text)
        return await self.client.post(action, data={**(data or {}), "csrf_token": token})


@pytest.fixture
async def browser_factory(app: Any) -> AsyncIterator[Any]:
    clients: list[httpx.AsyncClient] = []

    def make(lang: str = "en", token: str | None = None, base_url: str = "http://testserver") -> Browser:
        client = httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url=base_url,
            headers={"Accept": "text/html,*/*", "Accept-Language": lang},
        )
        if token:
            client.cookies.set("ruche_session", token)
        clients.append(client)
        return Browser(client)

    yield make
    for client in clients:
        await client.aclose()


@pytest.fixture
def member_browser(register: Any, browser_factory: Any) -> Any:
    """Register a member through the API and return (member, a Browser signed in with the cookie)."""

    async def make(name: str | None = None, lang: str = "en", **profile: Any) -> tuple[Any, Browser]:
        member = await register(name, **profile)
        return member, browser_factory(lang, member.token)

    return make
