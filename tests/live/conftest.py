import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import httpx
import pytest

from app.live.component import live_of
from tests.live.wsclient import ASGIWebSocket


@pytest.fixture(autouse=True)
async def _fresh_relay(app: Any) -> AsyncIterator[None]:
    """The tables were emptied after the previous test: the relay starts from the beginning again."""
    await live_of(app.state.runtime).relay.reset(0)
    yield


@pytest.fixture
def settled(app: Any) -> Callable[[], Awaitable[None]]:
    """Wait until the relay has dispatched every committed activity (before connecting a socket)."""
    from app.outbox.read import last_activity_id

    async def wait() -> None:
        async with app.state.runtime.sessionmaker() as session:
            newest = await last_activity_id(session)

        async def done() -> bool:
            return bool(live_of(app.state.runtime).relay.cursor.position >= newest)

        live_of(app.state.runtime).relay.wake()
        await until(done)

    return wait


@pytest.fixture
def ws(app: Any) -> Callable[..., ASGIWebSocket]:
    def make(**kwargs: Any) -> ASGIWebSocket:
        return ASGIWebSocket(app, **kwargs)

    return make


@pytest.fixture
def post(client: httpx.AsyncClient) -> Callable[..., Awaitable[dict[str, Any]]]:
    async def make(member: Any, body: str = "Hello", **fields: Any) -> dict[str, Any]:
        r = await client.post("/api/v1/posts", json={"body": body, **fields}, headers=member.headers)
        assert r.status_code == 201, r.text
        return r.json()  # type: ignore[no-any-return]

    return make


@pytest.fixture
def group(client: httpx.AsyncClient) -> Callable[..., Awaitable[dict[str, Any]]]:
    async def make(owner: Any, name: str, visibility: str = "private", members: tuple[Any, ...] = ()) -> dict[str, Any]:
        r = await client.post("/api/v1/groups", json={"name": name, "visibility": visibility}, headers=owner.headers)
        assert r.status_code == 201, r.text
        for m in members:
            p = await client.put(f"/api/v1/groups/{r.json()['id']}/members/{m.id}", json={"status": "member"},
                                 headers=owner.headers)
            assert p.status_code == 200, p.text
        return r.json()  # type: ignore[no-any-return]

    return make


async def until(check: Callable[[], Awaitable[bool]], timeout: float = 3.0) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not await check():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError("condition not met in time")
        await asyncio.sleep(0.05)
