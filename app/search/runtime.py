"""Search inside a running process: the searcher pool and thread limiter for queries, and the indexer task.

With RUCHE_SEARCH_INDEXER=auto every process tries to take the writer lock (a `flock` on
<DATA_DIR>/search/indexer.lock); the one that holds it indexes, the others only read and retry the lock now and
then, so a new owner takes over when the old one dies. With `off` the process never writes: run
`ruche search indexer` as the host's one writer."""

import asyncio
import fcntl
import functools
import logging
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import anyio

from app.outbox.read import gap_wait_for
from app.search.health import search_health
from app.search.index import IndexStore, SearcherPool
from app.search.indexer import Indexer
from app.search.queries import SEGMENT_COLUMNS, SegmentColumns

log = logging.getLogger("ruche.search")
SEARCH_THREADS = 4
LOCK_RETRY_S = 2.0


def search_root(settings: Any) -> Path:
    return Path(settings.DATA_DIR) / "search"


class IndexerLock:
    """The host-wide writer lock; released by the kernel when its process dies, even by SIGKILL."""

    def __init__(self, root: Path) -> None:
        self.path = root / "indexer.lock"
        self._fd: int | None = None

    def try_acquire(self) -> bool:
        if self._fd is not None:
            return True
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            return False
        self._fd = fd
        return True

    def release(self) -> None:
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None


@dataclass
class SearchRuntime:
    store: IndexStore
    pool: SearcherPool
    limiter: anyio.CapacityLimiter
    columns: SegmentColumns  # the runtime's SEGMENT_COLUMNS, passed to the query threads
    indexer: Indexer | None = None
    task: asyncio.Task[None] | None = None
    lock: IndexerLock | None = None

    def wake(self) -> None:
        """After-commit hook: new activities are committed (may be called from any thread)."""
        if self.indexer is not None:
            self.indexer.wake()


async def run_indexer(indexer: Indexer, lock: IndexerLock, *, exit_when_idle: bool = False) -> None:
    """Index while holding the host's writer lock; wait for it when another process holds it. Commits are
    coalesced (`Indexer.rest_s`); with `exit_when_idle`, return once every committed activity is indexed."""
    while not lock.try_acquire():
        await asyncio.sleep(LOCK_RETRY_S)
    if exit_when_idle:
        await indexer.drain()
    else:
        await indexer.run()


async def start(app: Any) -> None:
    settings = app.state.runtime.settings
    store = IndexStore(search_root(settings))
    await anyio.to_thread.run_sync(store.ensure)
    runtime = SearchRuntime(store, SearcherPool(store, SEARCH_THREADS), anyio.CapacityLimiter(SEARCH_THREADS),
                            app.state.runtime.caches.get(SEGMENT_COLUMNS))
    app.state.runtime.search = runtime  # the people directory reaches it through the runtime, without the app
    app.state.runtime.health_checks["search"] = functools.partial(search_health, app.state.runtime)
    if settings.SEARCH_INDEXER == "off":
        return
    runtime.indexer = Indexer(store, app.state.runtime.sessionmaker, gap_wait_s=gap_wait_for(settings))
    runtime.lock = IndexerLock(store.root)
    runtime.task = asyncio.create_task(run_indexer(runtime.indexer, runtime.lock))
    app.state.runtime.after_commit.append(runtime.wake)


async def stop(app: Any) -> None:
    runtime: SearchRuntime | None = app.state.runtime.search
    if runtime is None:
        return
    app.state.runtime.search = None
    app.state.runtime.health_checks.pop("search", None)
    if runtime.wake in app.state.runtime.after_commit:
        app.state.runtime.after_commit.remove(runtime.wake)
    if runtime.task is not None:
        runtime.task.cancel()
        try:
            await runtime.task
        except (asyncio.CancelledError, Exception):
            pass
    if runtime.lock is not None:
        runtime.lock.release()
    runtime.pool.close()
