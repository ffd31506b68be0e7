"""Fixtures for groups tests: an admin first, then an animator and two ordinary members."""

from typing import Any

import httpx
import pytest


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
    async def create(owner: Any, name: str, visibility: str = "public", **extra: Any) -> dict[str, Any]:
        body = {"name": name, "description": f"About {name}", "visibility": visibility, **extra}
        r = await client.post("/api/v1/groups", json=body, headers=owner.headers)
        assert r.status_code == 201, r.text
        return r.json()  # type: ignore[no-any-return]

    return create


@pytest.fixture
def add_member(client: httpx.AsyncClient) -> Any:
    async def put(animator: Any, group: dict[str, Any], member: Any, status: str = "member") -> httpx.Response:
        r = await client.put(f"/api/v1/groups/{group['id']}/members/{member.id}", json={"status": status},
                             headers=animator.headers)
        assert r.status_code == 200, r.text
        return r

    return put
