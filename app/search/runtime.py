"""Search inside a running process: the searcher pool and thread limiter for queries, and the indexer task.

With RUCHE_SEARCH_INDEXER=auto every process tries to take the writer lock (a `flock` on
<DATA_DIR>/search/indexer.lock); the one that holds it indexes, the others only read and retry the lock now and
then, so a new owner takes over when the old one dies. With `off` the process never writes: run
`ruche search indexer` as the host's one writer."""

import asyncio
import fcntl
import logging
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import anyio

from app.search.index import IndexStore, SearcherPool
from app.search.indexer import Indexer

log = logging.getLogger("ruche.search")
SEARCH_THREADS = 4
POLL_S = 0.5  # other processes' commits do not wake us: poll the outbox this often
# After indexing something, let the next posts gather for this long: one index commit per batch rather than per
# post (under a burst of posts a commit each cost the server 15% of its post creations, and their p99).
COALESCE_S = 0.25
# A batch this big means a sustained burst: gather for longer. Each commit's fixed cost (opening the writer, writing
# a segment, merging small ones) then spreads over four times as many posts; the lag stays far under its 5 s p99.
BURST_BATCH = 20
BURST_COALESCE_S = 1.0
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
    indexer: Indexer | None = None
    task: asyncio.Task[None] | None = None
    wake_event: asyncio.Event = field(default_factory=asyncio.Event)
    lock: IndexerLock | None = None
    loop: asyncio.AbstractEventLoop | None = None

    def wake(self) -> None:
        """After-commit hook: new activities are committed (may be called from any thread)."""
        if self.loop is not None and not self.loop.is_closed():
            self.loop.call_soon_threadsafe(self.wake_event.set)


async def run_indexer(indexer: Indexer, lock: IndexerLock, wake_event: asyncio.Event, *,
                      exit_when_idle: bool = False) -> None:
    """Index while holding the host's writer lock; wait for it when another process holds it."""
    while not lock.try_acquire():
        await asyncio.sleep(LOCK_RETRY_S)
    while True:
        wake_event.clear()
        try:
            read = await indexer.run_once()
        except Exception:
            log.exception("search indexing failed; retrying")
            read = 0
            await asyncio.sleep(1)
        if read >= indexer.batch_size:
            continue
        if exit_when_idle and read == 0 and not indexer.state.done:
            return
        if read and not exit_when_idle:
            await asyncio.sleep(BURST_COALESCE_S if read >= BURST_BATCH else COALESCE_S)
        try:
            await asyncio.wait_for(wake_event.wait(), POLL_S)
        except TimeoutError:
            pass


async def start(app: Any) -> None:
    settings = app.state.runtime.settings
    store = IndexStore(search_root(settings))
    await anyio.to_thread.run_sync(store.ensure)
    runtime = SearchRuntime(store, SearcherPool(store, SEARCH_THREADS), anyio.CapacityLimiter(SEARCH_THREADS))
    runtime.loop = asyncio.get_running_loop()
    app.state.runtime.search = runtime  # the people directory reaches it through the runtime, without the app
    if settings.SEARCH_INDEXER == "off":
        return
    runtime.indexer = Indexer(store, app.state.runtime.sessionmaker)
    runtime.lock = IndexerLock(store.root)
    runtime.task = asyncio.create_task(run_indexer(runtime.indexer, runtime.lock, runtime.wake_event))
    app.state.after_commit.append(runtime.wake)


async def stop(app: Any) -> None:
    runtime: SearchRuntime | None = app.state.runtime.search
    if runtime is None:
        return
    app.state.runtime.search = None
    if runtime.wake in app.state.after_commit:
        app.state.after_commit.remove(runtime.wake)
    if runtime.task is not None:
        runtime.task.cancel()
        try:
            await runtime.task
        except (asyncio.CancelledError, Exception):
            pass
    if runtime.lock is not None:
        runtime.lock.release()
    runtime.pool.close()
