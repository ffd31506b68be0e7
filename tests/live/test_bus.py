"""The bus between processes: Redis wake-ups reach every subscriber of the same prefix, only them."""

import asyncio
import uuid

import pytest

from app.events import MemoryBus, RedisBus, make_bus
from tests.live.cluster import redis_reachable, redis_url


async def wait_until(check, timeout=3.0):
    deadline = asyncio.get_running_loop().time() + timeout
    while not check():
        assert asyncio.get_running_loop().time() < deadline, "condition not met in time"
        await asyncio.sleep(0.02)


class TestMemoryBus:
    async def test_wake_calls_the_local_relay(self):
        calls = []
        bus = MemoryBus()
        await bus.start(lambda: calls.append(1))
        bus.wake()
        assert calls == [1] and bus.status() == "ok"
        await bus.stop()

    def test_make_bus_picks_memory_without_url(self):
        assert isinstance(make_bus(None, "ruche"), MemoryBus)


class TestRedisBus:
    async def test_wake_reaches_other_processes_with_the_same_prefix_only(self):
        url = redis_url()
        if not redis_reachable(url):
            pytest.skip(f"Redis is not reachable at {url}")
        prefix = f"ruche-test-{uuid.uuid4().hex[:8]}"
        a_calls, b_calls, other_calls = [], [], []
        a, b, other = RedisBus(url, prefix), RedisBus(url, prefix), RedisBus(url, prefix + "-other")
        await a.start(lambda: a_calls.append(1))
        await b.start(lambda: b_calls.append(1))
        await other.start(lambda: other_calls.append(1))
        try:
            await wait_until(lambda: a.status() == b.status() == other.status() == "ok")
            a_calls.clear(), b_calls.clear(), other_calls.clear()
            a.wake()
            await wait_until(lambda: len(b_calls) >= 1)
            assert a_calls  # the local relay is woken at once, without a round trip
            await asyncio.sleep(0.2)
            assert other_calls == []
        finally:
            for bus in (a, b, other):
                await bus.stop()

    async def test_unreachable_redis_is_degraded_and_wake_does_not_block(self):
        bus = RedisBus("redis://127.0.0.1:1/0", "ruche-test")
        calls = []
        await bus.start(lambda: calls.append(1))
        try:
            bus.wake()
            assert calls == [1]  # the local relay still runs: posting never waits for Redis
            await wait_until(lambda: bus.status() == "degraded")
        finally:
            await bus.stop()


class TestHealthz:
    async def test_live_ok_with_the_memory_bus(self, client):
        body = (await client.get("/healthz")).json()
        assert body["live"] == "ok"
