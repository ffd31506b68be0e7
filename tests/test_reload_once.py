"""The home page's per-process lists (groups to discover, colleagues) are reloaded by one request when they expire;
the others meanwhile take the list being replaced, instead of every page reloading it at once (app/groups/cache.py,
app/users/cache.py)."""

import asyncio
from typing import Any

import pytest

from app.groups import cache as groups_cache
from app.groups.cache import GroupCache
from app.users.cache import ColleagueCache
from app.users.schemas import UserSummary


class SlowLoad:
    """A load that waits until released, counting its calls."""

    def __init__(self, value: Any) -> None:
        self.value, self.calls, self.release = value, 0, asyncio.Event()

    async def __call__(self, *_: Any) -> Any:
        self.calls += 1
        await self.release.wait()
        return self.value


async def test_expired_ranking_is_reloaded_by_one_request_while_others_take_the_old(monkeypatch: Any) -> None:
    cache = GroupCache()
    cache._version = (1, 1)  # as a request's `ids()` leaves it
    assert await cache.ranking(None, _ready(["old"])) == ["old"]
    monkeypatch.setattr(groups_cache, "RANKING_TTL_S", -1.0)  # expired
    load = SlowLoad(["new"])
    reloading = asyncio.create_task(cache.ranking(None, load))
    await asyncio.sleep(0)
    # Bounded: without the rule these would wait on the held load.
    others = await asyncio.wait_for(asyncio.gather(*(cache.ranking(None, load) for _ in range(5))), 2)
    assert others == [["old"]] * 5 and load.calls == 1
    load.release.set()
    assert await reloading == ["new"]


async def test_a_new_groups_version_never_takes_the_old_ranking() -> None:
    cache = GroupCache()
    cache._version = (1, 1)
    await cache.ranking(None, _ready(["old"]))
    cache._version = (2, 2)  # a group changed: a group made secret must leave the suggestions at once
    load = SlowLoad(["new"])
    first = asyncio.create_task(cache.ranking(None, load))
    await asyncio.sleep(0)
    second = asyncio.create_task(cache.ranking(None, load))
    await asyncio.sleep(0)
    load.release.set()
    assert await first == ["new"] and await second == ["new"]


async def test_a_failed_reload_lets_the_next_request_try_again(monkeypatch: Any) -> None:
    cache = GroupCache()
    cache._version = (1, 1)
    await cache.ranking(None, _ready(["old"]))
    monkeypatch.setattr(groups_cache, "RANKING_TTL_S", -1.0)

    async def failing(_: Any) -> list[str]:
        raise RuntimeError("database gone")

    with pytest.raises(RuntimeError):
        await cache.ranking(None, failing)
    assert await cache.ranking(None, _ready(["new"])) == ["new"]


def _ready(value: list[str]) -> Any:
    async def load(_: Any) -> list[str]:
        return value
    return load


def _person(i: int) -> UserSummary:
    return UserSummary(id=i, handle=f"p{i}", display_name=f"Person {i}")


async def test_expired_colleagues_are_reloaded_by_one_request(monkeypatch: Any) -> None:
    from app.users import service

    cache = ColleagueCache(ttl_s=-1.0)  # every entry expires at once
    monkeypatch.setattr(service, "colleagues", _colleagues([1, 2]))
    assert [p.id for p in await cache.colleagues(None, "Com", 9)] == [1, 2]  # type: ignore[arg-type]
    load = SlowLoad([_person(3)])
    monkeypatch.setattr(service, "colleagues", load)
    reloading = asyncio.create_task(cache.colleagues(None, "Com", 9))  # type: ignore[arg-type]
    await asyncio.sleep(0)
    others = await asyncio.wait_for(asyncio.gather(
        *(cache.colleagues(None, "com", 9) for _ in range(5))), 2)  # type: ignore[arg-type]
    assert [[p.id for p in o] for o in others] == [[1, 2]] * 5 and load.calls == 1
    load.release.set()
    assert [p.id for p in await reloading] == [3]


def _colleagues(ids: list[int]) -> Any:
    async def load(*_: Any) -> list[UserSummary]:
        return [_person(i) for i in ids]
    return load
