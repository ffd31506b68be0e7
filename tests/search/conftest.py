"""Search fixtures: members in and out of groups, content through the API, and an index emptied per test."""

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from app.search.runtime import SearchRuntime

SEARCH = "/api/v1/search"


@pytest.fixture
async def runtime(app: Any) -> SearchRuntime:
    """The app's search runtime with an index rebuilt from the (empty) database at the start of the test."""
    rt: SearchRuntime = app.state.runtime.search
    assert rt.indexer is not None
    await rt.indexer.rebuild()
    return rt


@pytest.fixture
def index_now(runtime: SearchRuntime) -> Any:
    """Apply every committed activity now (the same code path as the background task), waiting at a hole that a
    concurrent transaction (the notifier's) may still fill."""

    async def run() -> None:
        assert runtime.indexer is not None
        for _ in range(500):
            if await runtime.indexer.run_once() == 0:
                if not runtime.indexer.waiting:
                    return
                await asyncio.sleep(0.02)
        raise AssertionError("indexer did not catch up")

    return run


@pytest.fixture
async def ada(runtime: SearchRuntime, register: Any) -> Any:
    return await register("Ada Admin", "ada@example.com")  # first account: admin


@pytest.fixture
async def anna(ada: Any, register: Any) -> Any:
    return await register("Anna Animatrice", "anna@example.com")


@pytest.fixture
async def olga(anna: Any, register: Any) -> Any:
    return await register("Olga Outsider", "olga@example.com")


@pytest.fixture
def make_group(client: httpx.AsyncClient) -> Any:
    async def create(owner: Any, name: str, visibility: str = "public", description: str = "") -> Any:
        r = await client.post("/api/v1/groups", json={"name": name, "visibility": visibility,
                                                      "description": description}, headers=owner.headers)
        assert r.status_code == 201, r.text
        return r.json()

    return create


@pytest.fixture
def make_post(client: httpx.AsyncClient) -> Any:
    async def create(author: Any, body: str, **extra: Any) -> Any:
        r = await client.post("/api/v1/posts", json={"body": body, **extra}, headers=author.headers)
        assert r.status_code == 201, r.text
        return r.json()

    return create


@pytest.fixture
def search(client: httpx.AsyncClient) -> Any:
    async def run(member: Any, q: str, **params: Any) -> httpx.Response:
        return await client.get(SEARCH, params={"q": q, **params}, headers=member.headers)

    return run


def ids(response: httpx.Response, kind: str | None = None) -> list[int]:
    assert response.status_code == 200, response.text
    return [i["id"] for i in response.json()["items"] if kind is None or i["type"] == kind]


@pytest.fixture
async def page_client(app: Any) -> AsyncIterator[Any]:
    """page_client(member, lang): an httpx client signed in with the member's page cookie."""
    clients: list[httpx.AsyncClient] = []

    def make(member: Any, lang: str = "en") -> httpx.AsyncClient:
        client = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver",
                                   headers={"Accept": "text/html", "Accept-Language": lang})
        client.cookies.set("ruche_session", member.token)
        clients.append(client)
        return client

    yield make
    for client in clients:
        await client.aclose()
