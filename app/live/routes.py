"""`GET /api/v1/live`: the websocket of live events (API.md "Live", SECURITY.md websocket rules)."""

import asyncio
import contextlib
import functools
import json
import re
import time
from collections import deque
from typing import Any
from urllib.parse import urlsplit

from fastapi import APIRouter, WebSocket, WebSocketDisconnect

from app.errors import Unauthorized
from app.live.component import live_of
from app.live.hub import (
    CLOSE_POLICY,
    CLOSE_TOO_BIG,
    CLOSE_TOO_MANY,
    CLOSE_UNAUTHORIZED,
    Connection,
    Hub,
    close_socket,
)
from app.live.replay import catch_up, replay
from app.outbox.epoch import newest_activity_id
from app.permissions import Actor
from app.runtime import runtime_of
from app.security import COOKIE_NAME
from app.users.accounts import resolve_actor

router = APIRouter(tags=["live"])
CLOSE_FORBIDDEN_ORIGIN = 4403
CLOSE_BAD_REQUEST = 4400
SINCE_GRACE_S = 0.5  # without ?since, a first message {"since": id} may still ask for a replay
MAX_ID = 2**63 - 1


@router.websocket("/api/v1/live")
async def live(websocket: WebSocket) -> None:
    """Authenticate at the handshake (refused before accept), replay `since`, then stream events."""
    app = websocket.app
    hub: Hub = live_of(app.state.runtime).hub
    refused, actor, token = await _authenticate(websocket)
    if refused is not None:
        await websocket.close(refused)  # before accept(): the client sees HTTP 403
        return
    assert actor is not None and token is not None
    since = _parse_since(websocket.query_params.get("since"))
    epoch = websocket.query_params.get("epoch") or None
    if since == -1 or (epoch is not None and not _EPOCH.fullmatch(epoch)):
        await websocket.close(CLOSE_BAD_REQUEST)
        return
    settings = runtime_of(websocket).settings
    if hub.count(actor.user_id) >= settings.LIVE_SOCKETS_PER_MEMBER:
        await websocket.close(CLOSE_TOO_MANY)
        return
    await websocket.accept()
    conn = Connection(websocket, actor, token, settings.LIVE_SEND_QUEUE)
    upto = hub.register(conn)
    try:
        await _serve(app, hub, conn, since, upto, epoch)
    finally:
        hub.unregister(conn)
        await close_socket(websocket, conn.close_code or 1000)


async def _authenticate(websocket: WebSocket) -> tuple[int | None, Actor | None, str | None]:

    runtime = runtime_of(websocket)
    token = websocket.query_params.get("token")
    if not token:
        token = websocket.cookies.get(COOKIE_NAME)
        if token and not same_origin(websocket):
            return CLOSE_FORBIDDEN_ORIGIN, None, None
    if not token or len(token) > 4096:
        return CLOSE_UNAUTHORIZED, None, None
    try:
        async with runtime.sessionmaker() as session:  # type: ignore[misc]  # short: closed before streaming
            actor = await resolve_actor(runtime, session, token)
    except Unauthorized:
        return CLOSE_UNAUTHORIZED, None, None
    return None, actor, token


def same_origin(websocket: WebSocket) -> bool:
    """Cookie auth only from the site's own pages: `Origin` must be BASE_URL's origin, else the Host's."""
    origin = websocket.headers.get("origin")
    if not origin:
        return False
    base = runtime_of(websocket).settings.BASE_URL
    if base:
        parts = urlsplit(base)
        expected = f"{parts.scheme}://{parts.netloc}"
    else:
        scheme = "https" if websocket.url.scheme == "wss" else "http"
        expected = f"{scheme}://{websocket.headers.get('host', '')}"
    return origin.lower().rstrip("/") == expected.lower().rstrip("/")


_EPOCH = re.compile(r"[0-9a-f]{1,32}")
RELOAD = json.dumps({"type": "reload", "reason": "history"})


async def _from_another_history(runtime: Any, since: int, upto: int, epoch: str | None) -> bool:
    """The client's `since` belongs to another epoch, or lies beyond the newest activity (restored database)."""
    if epoch is not None and runtime.outbox_epoch and epoch != runtime.outbox_epoch:
        return True
    if since <= upto:
        return False
    async with runtime.sessionmaker() as session:  # another worker's relay may simply be ahead of ours: ask
        return since > await newest_activity_id(session)


def _parse_since(value: Any) -> int | None:
    """None: absent; -1: malformed (refused); else the id."""
    if value is None:
        return None
    if isinstance(value, bool):
        return -1
    if isinstance(value, str):
        if not value.isdigit() or len(value) > 19:
            return -1
        value = int(value)
    if not isinstance(value, int) or value < 0 or value > MAX_ID:
        return -1
    return value


async def _serve(app: Any, hub: Hub, conn: Connection, since: int | None, upto: int, epoch: str | None) -> None:
    """Replay, then send queued events in this coroutine; one reader task watches the inbound side."""
    runtime = app.state.runtime
    settings = runtime.settings
    first_since: asyncio.Future[int | None] = asyncio.get_running_loop().create_future()
    if since is not None:
        first_since.set_result(since)
    reader = asyncio.create_task(_read(conn, settings, first_since))
    try:
        if since is None:
            with contextlib.suppress(TimeoutError):
                since = await asyncio.wait_for(asyncio.shield(first_since), SINCE_GRACE_S)
        if since is not None and await _from_another_history(runtime, since, upto, epoch):
            # Counted in another history (a restored database): replaying from it would skip every event up to
            # that id. The client reloads its page, which gives it the current position.
            if not await conn.send(RELOAD, settings.LIVE_SEND_TIMEOUT_S):
                return
            since = None
        if since is not None:
            conn.floor = since
        if since is not None and since < upto:
            ok = await replay(conn, runtime.sessionmaker, live_of(runtime).builder, since, upto,
                              settings.LIVE_SEND_TIMEOUT_S)
            if not ok:
                return
        live = live_of(runtime)
        await conn.pump(settings.LIVE_SEND_TIMEOUT_S, functools.partial(
            catch_up, hub=hub, sessionmaker=runtime.sessionmaker, builder=live.builder,
            timeout=settings.LIVE_SEND_TIMEOUT_S))
    finally:
        reader.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await reader


async def _read(conn: Connection, settings: Any, first_since: "asyncio.Future[int | None]") -> None:
    """Inbound: at most 64 KiB per message and 100 messages a minute; `{"since": id}` first, pings."""
    recent: deque[float] = deque()
    try:
        while True:
            message = await conn.websocket.receive()
            if message["type"] == "websocket.disconnect":
                break
            data = message.get("text") or message.get("bytes") or ""
            if len(data) > settings.LIVE_MAX_MESSAGE_BYTES:
                conn.kill(CLOSE_TOO_BIG)
                return
            now = time.monotonic()
            recent.append(now)
            while recent and recent[0] < now - 60:
                recent.popleft()
            if len(recent) > settings.LIVE_MESSAGES_PER_MIN:
                conn.kill(CLOSE_POLICY)
                return
            _handle(conn, data, first_since)
    except (WebSocketDisconnect, RuntimeError):
        pass
    conn.kill(1000)


def _handle(conn: Connection, data: str | bytes, first_since: "asyncio.Future[int | None]") -> None:
    try:
        body = json.loads(data)
    except (ValueError, RecursionError):
        body = None
    if not isinstance(body, dict):
        if not first_since.done():
            first_since.set_result(None)
        return
    if "since" in body and not first_since.done():
        since = _parse_since(body["since"])
        first_since.set_result(since if since is not None and since >= 0 else None)
        return
    if not first_since.done():
        first_since.set_result(None)
    if body.get("type") == "ping":
        conn.offer_control(json.dumps({"type": "pong"}))
