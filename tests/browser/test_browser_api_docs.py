"""The API documentation renders with no internet access (issue 19, point 3): every request to another host is
blocked, and Swagger UI still lists the operations and ReDoc still shows the API's title, under the site's CSP."""

from typing import Any
from urllib.parse import urlsplit

import pytest

from tests.browser.conftest import ARTIFACTS

pytestmark = pytest.mark.browser
LOOPBACK = {"127.0.0.1", "localhost", "::1", "[::1]"}


async def _offline(page: Any) -> list[str]:
    """Abort every request that leaves the machine; the returned list collects their addresses."""
    blocked: list[str] = []

    async def route(request_route: Any) -> None:
        url = request_route.request.url
        if urlsplit(url).scheme in ("http", "https") and urlsplit(url).hostname not in LOOPBACK:
            blocked.append(url)
            await request_route.abort("internetdisconnected")
        else:
            await request_route.continue_()

    await page.route("**/*", route)
    return blocked


async def _first_screen(page: Any, name: str) -> None:
    """The first screen only: the whole documentation is several metres long."""
    ARTIFACTS.mkdir(exist_ok=True)
    await page.screenshot(path=str(ARTIFACTS / f"{name}.png"))


async def test_swagger_ui_lists_the_operations_offline(new_page: Any) -> None:
    page = await new_page()
    blocked = await _offline(page)
    response = await page.goto("/docs")
    assert response.status == 200
    assert "unsafe-inline" not in response.headers["content-security-policy"]
    operations = page.locator(".opblock-summary-path", has_text="/api/v1/search")
    await operations.first.wait_for()
    assert await page.locator(".opblock").count() > 20
    assert await page.locator(".swagger-ui .info .title").inner_text() != ""
    await _first_screen(page, "api-docs-swagger")
    assert blocked == []
    assert page.console_errors == [] and page.failed_resources == []


async def test_redoc_shows_the_api_offline(new_page: Any) -> None:
    page = await new_page()
    blocked = await _offline(page)
    response = await page.goto("/redoc")
    assert response.status == 200
    csp = response.headers["content-security-policy"]
    assert "script-src 'self';" in csp and "worker-src 'self' blob:" in csp
    await page.locator("#redoc h1", has_text="Ruche").wait_for()
    await page.locator("#redoc", has_text="/api/v1/search").first.wait_for()
    await _first_screen(page, "api-docs-redoc")
    assert blocked == []
    # ReDoc's "API docs by Redocly" link always tries its logo from the vendor's CDN (and hides it when it fails):
    # the site's img-src refuses it before any request leaves, the only refusal expected here.
    others = [e for e in page.console_errors if "https://cdn.redoc.ly/redoc/logo-mini.svg" not in e]
    assert others == [] and page.failed_resources == []
