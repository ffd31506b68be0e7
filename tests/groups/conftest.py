"""Groups tests use the shared cast of tests/conftest.py (admin, anna, mia, olga, make_group)."""

from typing import Any

import httpx
import pytest


@pytest.fixture
def add_member(client: httpx.AsyncClient) -> Any:
    async def put(animator: Any, group: dict[str, Any], member: Any, status: str = "member") -> httpx.Response:
        r = await client.put(f"/api/v1/groups/{group['id']}/members/{member.id}", json={"status": status},
                             headers=animator.headers)
        assert r.status_code == 200, r.text
        return r

    return put
