"""Unexpected errors and malformed page URLs answer a page to browsers and JSON to API clients."""

from typing import Any

import httpx
import pytest
from fastapi import APIRouter

from app.main import create_app

HTML = {"Accept": "text/html"}


@pytest.fixture
async def failing_client(base_settings: Any, app: Any) -> Any:
    application = create_app(base_settings)
    application.state.runtime.engine = app.state.runtime.engine
    application.state.runtime.sessionmaker = app.state.runtime.sessionmaker
    router = APIRouter()

    @router.get("/boom")
    @router.get("/api/v1/boom")
    async def boom() -> None:
        raise RuntimeError("a bug")

    application.include_router(router)
    transport = httpx.ASGITransport(app=application, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        yield client


async def test_unexpected_error_is_a_json_500_for_the_api(failing_client: httpx.AsyncClient) -> None:
    r = await failing_client.get("/api/v1/boom")
    assert r.status_code == 500
    assert r.json() == {"detail": "Internal Server Error"}


async def test_unexpected_error_is_an_error_page_for_browsers(failing_client: httpx.AsyncClient) -> None:
    r = await failing_client.get("/boom", headers=HTML)
    assert r.status_code == 500
    assert r.headers["content-type"].startswith("text/html")
    assert "<html" in r.text and "a bug" not in r.text


@pytest.mark.parametrize("path", ["/posts/not-a-number", "/posts/abc/edit", "/posts/1e3", "/fragments/posts/x"])
async def test_malformed_page_id_is_the_404_page(client: httpx.AsyncClient, register: Any, path: str) -> None:
    member = await register("Page Reader")
    r = await client.get(path, headers={**HTML, **member.headers})
    missing = await client.get("/posts/999999", headers={**HTML, **member.headers})
    assert r.status_code == missing.status_code == 404
    assert r.headers["content-type"].startswith("text/html")
    # Nothing tells a malformed id from a missing post (but the language switch's return path).
    assert r.text.replace(path, "/posts/999999") == missing.text


async def test_malformed_page_query_is_an_html_422(client: httpx.AsyncClient, register: Any) -> None:
    member = await register("Page Reader")
    r = await client.get("/?cursor=%%%", headers={**HTML, **member.headers})
    assert r.status_code == 422
    assert r.headers["content-type"].startswith("text/html")


async def test_malformed_api_parameter_stays_json(client: httpx.AsyncClient, register: Any) -> None:
    member = await register("Api Reader")
    r = await client.get("/api/v1/posts/not-a-number", headers=member.headers)
    assert r.status_code == 422
    assert isinstance(r.json()["detail"], list)
