"""Fixtures for feeds: an admin, an animator (Anna), a member (Mia), an outsider (Olga)."""

from typing import Any

import httpx
import pytest

POSTS = "/api/v1/posts"


@pytest.fixture
async def admin(register: Any) -> Any:
    return await register("Ada Admin", "ada@example.com")


@pytest.fixture
async def anna(admin: Any, register: Any) -> Any:
    """Animates the groups made by `make_group`."""
    return await register("Anna Animatrice", "anna@example.com")


@pytest.fixture
async def mia(anna: Any, register: Any) -> Any:
    return await register("Mia Membre", "mia@example.com")


@pytest.fixture
async def olga(mia: Any, register: Any) -> Any:
    """An outsider to every group."""
    return await register("Olga Outsider", "olga@example.com")


@pytest.fixture
def make_group(client: httpx.AsyncClient) -> Any:
    async def create(owner: Any, name: str, visibility: str = "public", members: tuple[Any, ...] = ()) -> Any:
        r = await client.post("/api/v1/groups", json={"name": name, "visibility": visibility}, headers=owner.headers)
        assert r.status_code == 201, r.text
        group = r.json()
        for member in members:
            m = await client.put(f"/api/v1/groups/{group['id']}/members/{member.id}", json={"status": "member"},
                                 headers=owner.headers)
            assert m.status_code == 200, m.text
        return group

    return create


@pytest.fixture
def make_post(client: httpx.AsyncClient) -> Any:
    async def create(author: Any, body: str = "Hello", **extra: Any) -> Any:
        r = await client.post(POSTS, json={"body": body, **extra}, headers=author.headers)
        assert r.status_code == 201, r.text
        return r.json()

    return create


@pytest.fixture
def page_ids(client: httpx.AsyncClient) -> Any:
    """Ids of every item of a paged list, following next_cursor."""

    async def collect(url: str, member: Any, limit: int = 100) -> list[int]:
        ids: list[int] = []
        cursor = None
        for _ in range(100):
            params: dict[str, Any] = {"limit": limit}
            if cursor:
                params["cursor"] = cursor
            r = await client.get(url, params=params, headers=member.headers)
            assert r.status_code == 200, r.text
            ids += [item["id"] for item in r.json()["items"]]
            cursor = r.json()["next_cursor"]
            if cursor is None:
                return ids
        raise AssertionError("pagination did not end")

    return collect
