"""Live events and the bus that wakes every process's relay.

The outbox (the `activities` table) is the source of truth. Each process runs its own relay, which reads
committed activities in id order and serves the sockets connected to *that* process; the bus only carries
"the outbox grew" wake-ups between processes (docs/ARCHITECTURE.md, "Live events"). So an event is built and
serialized once per process, never per recipient, and no event is published twice or lost when Redis
drops a message: relays also poll the table.
"""

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal, Protocol

from app.outbox.types import TypedActivity

log = logging.getLogger("ruche.live")

Status = Literal["ok", "degraded"]


@dataclass(frozen=True, slots=True)
class Event:
    """One activity as sockets see it: `text` is the JSON sent, serialized once for every recipient.

    `group_id`, `subject_user_id` and `private` scope who may receive it (`permissions.can_see_activity`);
    `text` is None for activities that change socket state (memberships, accounts) but are not sent."""

    id: int
    type: str
    group_id: int | None
    subject_user_id: int | None
    private: bool
    text: str | None
    activity: TypedActivity | None = None  # the hub reads the type's fields (status, visibility)

    @property
    def channel(self) -> str:
        """`user:{id}` for private events, `group:{id}` or `company` for the others (STYLE.md §5)."""
        if self.private:
            return f"user:{self.subject_user_id}"
        if self.group_id is not None:
            return f"group:{self.group_id}"
        return "company"


class EventBus(Protocol):
    """Wake-ups between processes: `wake()` after a commit, `on_wake` is called in every process."""

    async def start(self, on_wake: Callable[[], None]) -> None: ...

    async def stop(self) -> None: ...

    def wake(self) -> None: ...

    def status(self) -> Status: ...


class MemoryBus:
    """One process: a wake-up is a direct call (the default, and the tests')."""

    def __init__(self) -> None:
        self._on_wake: Callable[[], None] | None = None

    async def start(self, on_wake: Callable[[], None]) -> None:
        self._on_wake = on_wake

    async def stop(self) -> None:
        self._on_wake = None

    def wake(self) -> None:
        if self._on_wake is not None:
            self._on_wake()

    def status(self) -> Status:
        return "ok"


class RedisBus:
    """Redis pub/sub on `{prefix}:live:wake`; pub/sub is global across DB numbers, hence the prefix.

    Redis down: wake-ups are lost, relays fall back to polling the table, `status()` says degraded, and
    nothing is lost (every event is in the outbox). Reconnects with backoff."""

    RETRY_MIN_S = 0.2
    RETRY_MAX_S = 5.0
    # After a PUBLISH, commits during this pause share the next one: under a burst, each commit's own PUBLISH (and
    # every other process's read of it) cost the workers a twentieth of their CPU. Local relays are woken at once.
    COALESCE_S = 0.01

    def __init__(self, url: str, prefix: str) -> None:
        import redis.asyncio as redis

        self.channel = f"{prefix}:live:wake"
        self._redis = redis.Redis.from_url(
            url, socket_connect_timeout=1, socket_timeout=5, health_check_interval=10, retry_on_timeout=False
        )
        self._on_wake: Callable[[], None] | None = None
        self._listener: asyncio.Task[None] | None = None
        self._publisher: asyncio.Task[None] | None = None
        self._pending = asyncio.Event()
        self._subscribed = False
        self._publish_failed_at: float | None = None

    async def start(self, on_wake: Callable[[], None]) -> None:
        self._on_wake = on_wake
        self._listener = asyncio.create_task(self._listen(), name="ruche-live-redis-listen")
        self._publisher = asyncio.create_task(self._publish_loop(), name="ruche-live-redis-publish")

    async def stop(self) -> None:
        for task in (self._listener, self._publisher):
            if task is not None:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await task
        with contextlib.suppress(Exception):
            await self._redis.aclose()

    def wake(self) -> None:
        """Never blocks the request: the local relay is woken now, the others by a background publish."""
        if self._on_wake is not None:
            self._on_wake()
        self._pending.set()

    def status(self) -> Status:
        if not self._subscribed:
            return "degraded"
        if self._publish_failed_at is not None:
            return "degraded"
        return "ok"

    async def _publish_loop(self) -> None:
        # Wake-ups are coalesced: a burst of commits costs one PUBLISH per loop turn.
        delay = self.RETRY_MIN_S
        while True:
            await self._pending.wait()
            self._pending.clear()
            try:
                await self._redis.publish(self.channel, b"1")
                self._publish_failed_at = None
                delay = self.RETRY_MIN_S
                await asyncio.sleep(self.COALESCE_S)
            except Exception as exc:
                if self._publish_failed_at is None:
                    log.warning("live: cannot publish wake-up to Redis: %s", exc)
                self._publish_failed_at = time.monotonic()
                self._pending.set()
                await asyncio.sleep(delay)
                delay = min(delay * 2, self.RETRY_MAX_S)

    async def _listen(self) -> None:
        delay = self.RETRY_MIN_S
        while True:
            pubsub = self._redis.pubsub()
            try:
                await pubsub.subscribe(self.channel)
                if self._on_wake is not None:
                    self._on_wake()  # catch up on anything committed while we were deaf
                self._subscribed = True
                if self._publish_failed_at is not None:
                    self._pending.set()  # retry the publish at once now that Redis answers
                delay = self.RETRY_MIN_S
                while True:
                    message = await pubsub.get_message(ignore_subscribe_messages=True, timeout=5.0)
                    if message is None:
                        await pubsub.ping()
                        continue
                    if self._on_wake is not None:
                        self._on_wake()
            except asyncio.CancelledError:
                self._subscribed = False
                with contextlib.suppress(Exception):
                    await pubsub.aclose()
                raise
            except Exception as exc:
                if self._subscribed:
                    log.warning("live: Redis subscription lost: %s", exc)
                self._subscribed = False
                with contextlib.suppress(Exception):
                    await pubsub.aclose()
                await asyncio.sleep(delay)
                delay = min(delay * 2, self.RETRY_MAX_S)


def make_bus(redis_url: str | None, prefix: str) -> EventBus:
    """Redis when `RUCHE_REDIS_URL` is set, else in-process."""
    if redis_url:
        return RedisBus(redis_url, prefix)
    return MemoryBus()
