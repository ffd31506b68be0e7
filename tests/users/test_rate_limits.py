"""API rate limits of SECURITY.md: per member when signed in, per address otherwise; 429 + Retry-After."""

from typing import Any

import httpx
import pytest

REDIS_URL = "redis://127.0.0.1:6379/1"


class TestMemberRateLimit:
    async def test_over_the_limit_is_429_with_retry_after(self, client: httpx.AsyncClient, alice: Any, bob: Any,
                                                          settings_override: Any) -> None:
        settings_override(API_RATE_PER_USER_PER_MIN=3)
        for _ in range(3):
            assert (await client.get("/api/v1/users/me", headers=alice.headers)).status_code == 200
        r = await client.get(f"/api/v1/users/{bob.id}", headers=alice.headers)
        assert r.status_code == 429
        assert 0 < int(r.headers["Retry-After"]) <= 60
        assert (await client.get("/api/v1/users/me", headers=bob.headers)).status_code == 200

    async def test_the_limit_follows_the_member_across_addresses(
        self, client: httpx.AsyncClient, alice: Any, settings_override: Any
    ) -> None:
        settings_override(API_RATE_PER_USER_PER_MIN=2, TRUSTED_PROXIES=["127.0.0.1"])
        for ip in ("203.0.113.1", "203.0.113.2"):
            await client.get("/api/v1/users/me", headers={**alice.headers, "X-Forwarded-For": ip})
        r = await client.get("/api/v1/users/me", headers={**alice.headers, "X-Forwarded-For": "203.0.113.3"})
        assert r.status_code == 429

    async def test_default_is_200_per_minute(self, base_settings: Any) -> None:
        from app.config import Settings

        defaults = Settings(_env_file=None)  # type: ignore[call-arg]
        assert (defaults.API_RATE_PER_USER_PER_MIN, defaults.API_RATE_PER_IP_PER_MIN) == (200, 100)


class TestAddressRateLimit:
    async def test_unauthenticated_calls_are_limited_per_address(
        self, client: httpx.AsyncClient, alice: Any, settings_override: Any
    ) -> None:
        settings_override(API_RATE_PER_IP_PER_MIN=3, TRUSTED_PROXIES=["127.0.0.1"])
        here = {"X-Forwarded-For": "203.0.113.50"}
        assert (await client.get("/api/v1/users/me", headers=here)).status_code == 401
        assert (await client.get("/api/v1/users/me", headers={**here, "Authorization": "Bearer nope"})).status_code == 401
        r = await client.post("/api/v1/auth/token", data={"username": "alice@example.com", "password": "x" * 12},
                              headers=here)
        assert r.status_code == 401
        blocked = await client.post("/api/v1/auth/register", headers=here,
                                    json={"email": "new@example.com", "password": "correct horse battery",
                                          "display_name": "New"})
        assert blocked.status_code == 429
        assert int(blocked.headers["Retry-After"]) > 0
        elsewhere = {"X-Forwarded-For": "203.0.113.51"}
        assert (await client.get("/api/v1/users/me", headers=elsewhere)).status_code == 401
        assert (await client.get("/api/v1/users/me", headers={**here, **alice.headers})).status_code == 200

    async def test_healthz_is_never_limited(self, client: httpx.AsyncClient, settings_override: Any) -> None:
        settings_override(API_RATE_PER_IP_PER_MIN=1)
        for _ in range(3):
            assert (await client.get("/healthz")).status_code == 200


class TestRateLimitsOff:
    async def test_no_limit_applies(self, client: httpx.AsyncClient, alice: Any, settings_override: Any) -> None:
        settings_override(RATE_LIMITS="off", API_RATE_PER_USER_PER_MIN=1, API_RATE_PER_IP_PER_MIN=1)
        for _ in range(4):
            assert (await client.get("/api/v1/users/me", headers=alice.headers)).status_code == 200
            assert (await client.get("/api/v1/users/me")).status_code == 401


class TestRedisLimiter:
    """Shared counters across workers (SECURITY.md); uses Redis DB 1 and skips when Redis is not there."""

    @pytest.fixture
    async def limiter(self) -> Any:
        import uuid

        from app.ratelimit import RedisLimiter

        limiter = RedisLimiter(REDIS_URL)
        try:
            await limiter._redis.ping()
        except Exception as exc:
            pytest.skip(f"Redis unreachable: {exc}")
        limiter.prefix = f"test:{uuid.uuid4().hex}"  # type: ignore[attr-defined]
        yield limiter
        await limiter._redis.aclose()

    async def test_counts_across_instances_and_reports_the_wait(self, limiter: Any) -> None:
        from app.ratelimit import RedisLimiter

        other_worker = RedisLimiter(REDIS_URL)
        key = limiter.prefix
        assert await limiter.hit(key, 2, 30) is None
        assert await other_worker.hit(key, 2, 30) is None
        wait = await limiter.hit(key, 2, 30)
        assert wait is not None and 0 < wait <= 30
        assert await other_worker.peek(key, 2, 30) is not None
        assert 0 < await limiter._redis.ttl(f"ruche:rl:{key}") <= 30  # the default prefix
        await other_worker.reset(key)
        assert await limiter.hit(key, 2, 30) is None
        await other_worker._redis.aclose()

    async def test_every_key_carries_the_networks_prefix(self, limiter: Any) -> None:
        """Two networks on one Redis (RUCHE_REDIS_PREFIX differs) never share a counter."""
        import uuid

        from app.config import Settings
        from app.ratelimit import RedisLimiter, make_limiter

        first, second = f"net-{uuid.uuid4().hex}", f"net-{uuid.uuid4().hex}"
        one = make_limiter(Settings(REDIS_URL=REDIS_URL, REDIS_PREFIX=first, RATE_LIMITS="on"))
        two = make_limiter(Settings(REDIS_URL=REDIS_URL, REDIS_PREFIX=second, RATE_LIMITS="on"))
        assert isinstance(one, RedisLimiter) and isinstance(two, RedisLimiter)
        try:
            assert await one.hit("login:ip:127.0.0.1", 1, 30) is None
            assert await one.hit("login:ip:127.0.0.1", 1, 30) is not None
            assert await two.hit("login:ip:127.0.0.1", 1, 30) is None  # the other network's own counter
            keys = sorted(k.decode() for k in await limiter._redis.keys("net-*"))
            assert keys == sorted([f"{first}:rl:login:ip:127.0.0.1", f"{second}:rl:login:ip:127.0.0.1"])
        finally:
            await one._redis.delete(*[f"{p}:rl:login:ip:127.0.0.1" for p in (first, second)])
            await one._redis.aclose()
            await two._redis.aclose()

    async def test_falls_back_to_process_counters_when_redis_is_down(self) -> None:
        from app.ratelimit import RedisLimiter

        down = RedisLimiter("redis://127.0.0.1:8119/1")  # one of our ports, nothing listening
        assert await down.hit("k", 1, 30) is None
        assert await down.hit("k", 1, 30) is not None
        assert await down.peek("k", 1, 30) is not None


class TestMemoryLimiter:
    @pytest.fixture
    def clock(self, monkeypatch: pytest.MonkeyPatch) -> Any:
        import app.ratelimit

        now = {"t": 1000.0}
        monkeypatch.setattr(app.ratelimit.time, "monotonic", lambda: now["t"])
        return now

    async def test_window_counts_then_resets(self, clock: Any) -> None:
        from app.ratelimit import MemoryLimiter

        limiter = MemoryLimiter()
        assert [await limiter.hit("k", 2, 60) for _ in range(2)] == [None, None]
        clock["t"] += 20
        assert await limiter.hit("k", 2, 60) == 41
        assert await limiter.peek("k", 2, 60) == 41
        assert await limiter.hit("other", 2, 60) is None
        clock["t"] += 41
        assert await limiter.peek("k", 2, 60) is None
        assert await limiter.hit("k", 2, 60) is None

    async def test_reset_forgets_a_key(self, clock: Any) -> None:
        from app.ratelimit import MemoryLimiter

        limiter = MemoryLimiter()
        await limiter.hit("k", 1, 60)
        assert await limiter.peek("k", 1, 60) is not None
        await limiter.reset("k")
        assert await limiter.peek("k", 1, 60) is None

    async def test_memory_is_bounded(self, clock: Any, monkeypatch: pytest.MonkeyPatch) -> None:
        from app.ratelimit import MemoryLimiter

        monkeypatch.setattr(MemoryLimiter, "MAX_KEYS", 3)
        limiter = MemoryLimiter()
        for key in "abcde":
            await limiter.hit(key, 1, 60)
        assert len(limiter._windows) == 3
        assert await limiter.peek("a", 1, 60) is None  # the oldest window was dropped
        assert await limiter.peek("e", 1, 60) is not None
