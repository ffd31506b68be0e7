"""A websocket client that drives the ASGI app in the test's own event loop (the app's engine lives there)."""

import asyncio
import json
from typing import Any
from urllib.parse import urlencode


class Refused(Exception):
    def __init__(self, code: int) -> None:
        super().__init__(f"handshake refused with close code {code}")
        self.code = code


class Closed(Exception):
    def __init__(self, code: int) -> None:
        super().__init__(f"socket closed with code {code}")
        self.code = code


class ASGIWebSocket:
    def __init__(self, app: Any, *, token: str | None = None, since: int | None = None, epoch: str | None = None,
                 headers: dict[str, str] | None = None, cookie: str | None = None) -> None:
        query = {k: v for k, v in (("token", token), ("since", since), ("epoch", epoch)) if v is not None}
        raw_headers = [(b"host", b"testserver")]
        for name, value in (headers or {}).items():
            raw_headers.append((name.lower().encode(), value.encode()))
        if cookie is not None:
            raw_headers.append((b"cookie", f"ruche_session={cookie}".encode()))
        self.scope = {
            "type": "websocket", "asgi": {"version": "3.0"}, "scheme": "ws", "path": "/api/v1/live",
            "raw_path": b"/api/v1/live", "query_string": urlencode(query).encode(), "headers": raw_headers,
            "server": ("testserver", 80), "client": ("127.0.0.1", 50000), "subprotocols": [], "root_path": "",
        }
        self.app = app
        self._to_app: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self._from_app: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self._task: asyncio.Task[None] | None = None
        self.close_code: int | None = None

    async def __aenter__(self) -> "ASGIWebSocket":
        await self.connect()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    async def connect(self) -> None:
        self._task = asyncio.create_task(self.app(self.scope, self._to_app.get, self._from_app.put))
        await self._to_app.put({"type": "websocket.connect"})
        message = await asyncio.wait_for(self._from_app.get(), 5)
        if message["type"] == "websocket.close":
            raise Refused(message.get("code", 1000))
        assert message["type"] == "websocket.accept", message

    async def send_text(self, text: str) -> None:
        await self._to_app.put({"type": "websocket.receive", "text": text})

    async def send_json(self, data: Any) -> None:
        await self.send_text(json.dumps(data))

    async def receive(self, timeout: float = 3.0) -> dict[str, Any]:
        """The next JSON message other than pings; raises Closed or TimeoutError."""
        while True:
            message = await asyncio.wait_for(self._from_app.get(), timeout)
            if message["type"] == "websocket.close":
                self.close_code = message.get("code", 1000)
                raise Closed(self.close_code)
            data = json.loads(message["text"])
            if data.get("type") != "ping":
                return data  # type: ignore[no-any-return]

    async def events(self, count: int, timeout: float = 3.0) -> list[dict[str, Any]]:
        return [await self.receive(timeout) for _ in range(count)]

    async def nothing(self, wait: float = 0.6) -> None:
        """Assert no event arrives within `wait` seconds."""
        try:
            data = await self.receive(wait)
        except TimeoutError:
            return
        raise AssertionError(f"unexpected event {data}")

    async def close(self) -> None:
        if self._task is None:
            return
        await self._to_app.put({"type": "websocket.disconnect", "code": 1000})
        try:
            await asyncio.wait_for(self._task, 5)
        except Exception:
            self._task.cancel()
        self._task = None
