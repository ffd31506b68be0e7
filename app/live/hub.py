"""The sockets of this process and the fan-out of events to them.

Each connection has a bounded queue (100 events) drained by its own sender with a 5 s send timeout. A client that
falls behind (a burst of events, a pause of a second or two) overflows its queue: the queue is forgotten and the
sender catches up from the activity table, as a reconnect with `since` would (app/live/replay.py), so memory stays
bounded and only a client that is really stuck, one whose send takes longer than the timeout, is dropped (it
reconnects with `since`). None of this slows the other sockets.
Membership and account activities update the connection's Actor as they pass, before any later event is
authorized, so a member removed from a private group stops receiving its events at once.
"""

import asyncio
import contextlib
import json
import logging
import time
from collections import deque
from collections.abc import Awaitable, Callable
from typing import Any

from sqlalchemy import select
from starlette.websockets import WebSocket, WebSocketState

from app import permissions
from app.db import utcnow
from app.errors import Unauthorized
from app.events import Event
from app.outbox.types import GroupCreated, GroupUpdated, MembershipChanged, UserUpdated
from app.permissions import Actor
from app.runtime import Runtime
from app.users.accounts import resolve_actor
from app.users.models import AuthSession, User

log = logging.getLogger("ruche.live")

CLOSE_UNAUTHORIZED = 4401
CLOSE_TOO_MANY = 4429
CLOSE_SLOW = 4408  # queue full or send timed out: reconnect and replay with `since`
CLOSE_POLICY = 1008
CLOSE_TOO_BIG = 1009
PING = json.dumps({"type": "ping"})


class Connection:
    """One socket: a bounded queue of serialized events, drained in order by the socket's handler.

    Small on purpose (slots, a deque and one waiter future, no task of its own): thousands are idle at once."""

    __slots__ = (
        "_waiter",
        "actor",
        "close_code",
        "closed",
        "floor",
        "items",
        "last_id",
        "maxsize",
        "overflowed",
        "sent_id",
        "token",
        "websocket",
    )

    def __init__(self, websocket: WebSocket, actor: Actor, token: str, queue_size: int) -> None:
        self.websocket = websocket
        self.actor = actor
        self.token = token
        self.items: deque[tuple[int, str]] = deque()
        self.maxsize = queue_size
        self.last_id = 0  # highest event id queued: a later copy of it is never queued
        self.floor = 0  # the client already has every event up to here (its `since`): skip them
        self.sent_id = 0  # every event up to here has been sent (or was not for this member)
        self.overflowed = False  # the queue overflowed: the sender catches up from the table
        self.closed = False
        self.close_code: int | None = None
        self._waiter: asyncio.Future[None] | None = None

    def offer(self, event_id: int, text: str) -> None:
        if self.closed or event_id <= self.last_id:
            return
        self.last_id = event_id
        if self.overflowed:
            return  # the catch-up reads it from the table
        if len(self.items) >= self.maxsize:
            self.overflowed = True
            self.items.clear()
            self._wake()
            return
        self.items.append((event_id, text))
        self._wake()

    def offer_control(self, text: str) -> None:
        if not self.closed and len(self.items) < self.maxsize:
            self.items.append((0, text))
            self._wake()

    def kill(self, code: int) -> None:
        """Ask the connection's handler to close with `code` (it owns the socket)."""
        if not self.closed:
            self.close_code = code
            self.closed = True
            self._wake()

    def _wake(self) -> None:
        if self._waiter is not None and not self._waiter.done():
            self._waiter.set_result(None)

    async def next(self) -> tuple[int, str] | None:
        """The next event id (0 for a control message) and text to send, in order; None once the connection is
        closed or has overflowed (the sender then catches up)."""
        while True:
            if self.closed or self.overflowed:
                return None
            while self.items:
                event_id, text = self.items.popleft()
                if not event_id or event_id > self.floor:
                    return event_id, text
            self._waiter = asyncio.get_running_loop().create_future()
            try:
                await self._waiter
            finally:
                self._waiter = None

    async def send(self, text: str, timeout: float) -> bool:
        try:
            async with asyncio.timeout(timeout):
                await self.websocket.send_text(text)
            return True
        except Exception:
            self.kill(CLOSE_SLOW)
            return False

    async def pump(self, timeout: float, catch_up: "Callable[[Connection], Awaitable[bool]] | None" = None) -> None:
        """Send queued events in order until the connection closes or a send fails; after an overflow,
        `catch_up(self)` sends what the queue forgot (False: the socket failed)."""
        while True:
            item = await self.next()
            if item is None:
                if self.closed or not self.overflowed or catch_up is None or not await catch_up(self):
                    return
                continue
            event_id, text = item
            if not await self.send(text, timeout):
                return
            if event_id:
                self.sent_id = event_id


class Hub:
    def __init__(self, runtime: Runtime, cursor: Callable[[], int]) -> None:
        self.runtime = runtime
        self._cursor = cursor
        self.by_user: dict[int, set[Connection]] = {}
        self._tasks: set[asyncio.Task[Any]] = set()
        self.delivered = 0

    @property
    def settings(self) -> Any:
        return self.runtime.settings

    # Registration

    def count(self, user_id: int) -> int:
        return len(self.by_user.get(user_id, ()))

    @property
    def idle(self) -> bool:
        """No socket is registered in this process."""
        return not self.by_user

    @property
    def connections(self) -> list[Connection]:
        return [c for conns in self.by_user.values() for c in conns]

    def register(self, conn: Connection) -> int:
        """Start receiving live events; returns the last id already dispatched (replay up to it)."""
        upto = self._cursor()
        conn.last_id = conn.sent_id = upto
        self.by_user.setdefault(conn.actor.user_id, set()).add(conn)
        return upto

    def resume(self, conn: Connection) -> tuple[int, int]:
        """After an overflow: queue live events again from now on; returns the (since, upto] to read from the
        table. Synchronous, like `register`: no event is dispatched between reading the cursor and queueing."""
        upto = self._cursor()
        since = max(conn.sent_id, conn.floor)
        conn.items.clear()
        conn.last_id = max(conn.last_id, upto)
        conn.overflowed = False
        return since, upto

    def unregister(self, conn: Connection) -> None:
        conns = self.by_user.get(conn.actor.user_id)
        if conns is not None:
            conns.discard(conn)
            if not conns:
                del self.by_user[conn.actor.user_id]

    # Fan-out (synchronous: events reach every queue in id order, state changes before later events)

    def dispatch(self, event: Event) -> None:
        self._apply_state(event)
        if event.text is None:
            return
        if event.private:
            recipients = list(self.by_user.get(event.subject_user_id or 0, ()))
        else:
            recipients = self.connections
        for conn in recipients:
            if permissions.can_see_activity(conn.actor, event.group_id, event.subject_user_id, event.private):
                conn.offer(event.id, event.text)
                self.delivered += 1

    def _apply_state(self, event: Event) -> None:
        a = event.activity
        if isinstance(a, MembershipChanged):
            for conn in self.by_user.get(a.subject_user_id, ()):
                conn.actor = permissions.with_membership(conn.actor, a.group_id, a.status)
        elif isinstance(a, GroupCreated | GroupUpdated):
            for conn in self.connections:
                conn.actor = permissions.with_group_visibility(conn.actor, a.group_id, a.visibility)
        elif isinstance(a, UserUpdated):
            conns = list(self.by_user.get(a.subject_user_id, ()))
            if conns:
                self._spawn(self.recheck(conns))

    def ping_all(self) -> None:
        for conn in self.connections:
            conn.offer_control(PING)

    # Accounts: revoked tokens, deactivated members, role changes

    async def recheck(self, conns: list[Connection]) -> None:
        """Re-resolve each connection's token; a refused one is closed with 4401."""

        async with self.runtime.sessionmaker() as session:  # type: ignore[misc]
            for conn in conns:
                try:
                    conn.actor = await resolve_actor(self.runtime, session, conn.token)
                except Unauthorized:
                    conn.kill(CLOSE_UNAUTHORIZED)

    async def check_sessions(self) -> None:
        """One query for every open socket: close those whose session was revoked or expired."""
        conns = self.connections
        if not conns:
            return
        session_ids = sorted({c.actor.session_id for c in conns})
        valid: set[str] = set()
        async with self.runtime.sessionmaker() as session:  # type: ignore[misc]
            for i in range(0, len(session_ids), 900):
                chunk = session_ids[i:i + 900]
                rows = await session.scalars(
                    select(AuthSession.id).join(User, User.id == AuthSession.user_id).where(
                        AuthSession.id.in_(chunk), AuthSession.revoked_at.is_(None),
                        AuthSession.expires_at > utcnow(), User.is_active.is_(True),
                    )
                )
                valid.update(rows)
        for conn in conns:
            if conn.actor.session_id not in valid:
                conn.kill(CLOSE_UNAUTHORIZED)

    async def housekeeping(self) -> None:
        """Pings every LIVE_PING_S, session checks every LIVE_AUTH_CHECK_S."""
        last_ping = time.monotonic()
        while True:
            await asyncio.sleep(self.settings.LIVE_AUTH_CHECK_S)
            try:
                await self.check_sessions()
            except Exception:
                log.exception("live: session check failed")
            if time.monotonic() - last_ping >= self.settings.LIVE_PING_S:
                self.ping_all()
                last_ping = time.monotonic()

    def _spawn(self, coro: Any) -> None:
        task = asyncio.create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def close_all(self, code: int = 1012) -> None:
        for conn in self.connections:
            conn.kill(code)
        for task in list(self._tasks):
            task.cancel()


async def close_socket(websocket: WebSocket, code: int) -> None:
    if websocket.application_state == WebSocketState.CONNECTED:
        with contextlib.suppress(Exception):
            await websocket.close(code)
