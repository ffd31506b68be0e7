"""Fixed-window rate limits, per process or shared through Redis when configured."""

import time
from typing import Protocol

from app.config import Settings
from app.errors import RateLimited


class Limiter(Protocol):
    async def hit(self, key: str, limit: int, window_s: int) -> int | None:
        """Count one event; return the seconds to wait when over the limit, else None."""

    async def peek(self, key: str, limit: int, window_s: int) -> int | None:
        """Like hit, without counting."""

    async def reset(self, key: str) -> None: ...


class MemoryLimiter:
    MAX_KEYS = 100_000  # bounded memory: the oldest windows are dropped first

    def __init__(self) -> None:
        self._windows: dict[str, tuple[float, int]] = {}

    def _current(self, key: str, window_s: int) -> tuple[float, int]:
        now = time.monotonic()
        start, count = self._windows.get(key, (now, 0))
        if now - start >= window_s:
            start, count = now, 0
        return start, count

    async def hit(self, key: str, limit: int, window_s: int) -> int | None:
        start, count = self._current(key, window_s)
        if count >= limit:
            return int(window_s - (time.monotonic() - start)) + 1
        if len(self._windows) >= self.MAX_KEYS and key not in self._windows:
            self._windows.pop(next(iter(self._windows)))
        self._windows[key] = (start, count + 1)
        return None

    async def peek(self, key: str, limit: int, window_s: int) -> int | None:
        start, count = self._current(key, window_s)
        if count >= limit:
            return int(window_s - (time.monotonic() - start)) + 1
        return None

    async def reset(self, key: str) -> None:
        self._windows.pop(key, None)


class RedisLimiter:
    """Counters shared by every worker; one INCR and one EXPIRE in a single round trip (MULTI)."""

    def __init__(self, url: str, prefix: str = "ruche") -> None:
        import redis.asyncio as redis
        from redis.exceptions import RedisError

        self._redis = redis.from_url(url, socket_timeout=1, socket_connect_timeout=1)
        self._errors = (RedisError, OSError, TimeoutError)
        self._fallback = MemoryLimiter()  # Redis down: keep limiting per process rather than fail open
        # Two networks may share one Redis: every key carries the network's RUCHE_REDIS_PREFIX.
        self._key_prefix = f"{prefix}:rl:"

    def _name(self, key: str) -> str:
        return self._key_prefix + key

    async def hit(self, key: str, limit: int, window_s: int) -> int | None:
        name = self._name(key)
        try:
            async with self._redis.pipeline(transaction=True) as pipe:
                # NX: the first hit of a window sets its expiry; a crash between commands cannot leave a
                # counter that never expires, since both run in one transaction.
                pipe.incr(name)
                pipe.expire(name, window_s, nx=True)
                pipe.ttl(name)
                count, _, ttl = await pipe.execute()
        except self._errors:
            return await self._fallback.hit(key, limit, window_s)
        if int(count) > limit:
            return max(1, int(ttl))
        return None

    async def peek(self, key: str, limit: int, window_s: int) -> int | None:
        name = self._name(key)
        try:
            value = await self._redis.get(name)
            if value is not None and int(value) >= limit:
                return max(1, int(await self._redis.ttl(name)))
            return None
        except self._errors:
            return await self._fallback.peek(key, limit, window_s)

    async def reset(self, key: str) -> None:
        try:
            await self._redis.delete(self._name(key))
        except self._errors:
            await self._fallback.reset(key)


class NoLimiter:
    async def hit(self, key: str, limit: int, window_s: int) -> int | None:
        return None

    async def peek(self, key: str, limit: int, window_s: int) -> int | None:
        return None

    async def reset(self, key: str) -> None:
        return None


def make_limiter(settings: Settings) -> Limiter:
    if not settings.rate_limits_on:
        return NoLimiter()
    if settings.REDIS_URL:
        return RedisLimiter(settings.REDIS_URL, settings.REDIS_PREFIX)
    return MemoryLimiter()


async def enforce(limiter: Limiter, key: str, limit: int, window_s: int) -> None:
    wait = await limiter.hit(key, limit, window_s)
    if wait is not None:
        raise RateLimited(wait)
