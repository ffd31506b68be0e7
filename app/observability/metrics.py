"""The Prometheus metrics of a process, owned by its runtime (`runtime.metrics`, made by `create_app` only when
`RUCHE_METRICS_TOKEN` is set: without it nothing here runs, not even per request).

Requests are counted by route template (`/api/v1/posts/{post_id}`), never by raw path: every id would be a new
series. Gauges read elsewhere (database pool, outbox lag) are sampled every `SAMPLE_S` by the observability
component and just before each scrape, never per request.

With several workers (`ruche serve --workers N`) each is a process of its own: `ruche serve` then sets
`PROMETHEUS_MULTIPROC_DIR` (a folder of the data folder, emptied at start) and prometheus-client's multiprocess
mode keeps each worker's values in a memory-mapped file there; a scrape, whichever worker answers it, sums the
counters and histograms of every worker, adds up their sockets and pools, and takes the largest lag of the live
ones."""

import logging
from typing import Any

import anyio
from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest, multiprocess
from sqlalchemy import select
from sqlalchemy.pool import QueuePool

from app.outbox.models import OutboxCursor
from app.outbox.read import last_activity_id
from app.runtime import Runtime
from app.search.index import SearchUnavailable, read_state

log = logging.getLogger("ruche.metrics")

SAMPLE_S = 5.0
# Seconds: a ping answers in 0.1 ms, a feed page in a few, a slow search in hundreds.
BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
# The method is chosen by the client: any other would make unbounded label values.
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
UNMATCHED = "unmatched"  # no route: 404s of made-up paths, one series for all of them


class Metrics:
    """The metric objects of one process, registered in a registry of their own (not prometheus-client's global
    REGISTRY: two applications in one process, as in the tests, each count their own)."""

    def __init__(self, multiprocess_dir: str | None = None) -> None:
        self.multiprocess_dir = multiprocess_dir
        self.registry = CollectorRegistry(auto_describe=True)
        # In multiprocess mode the values live in the folder's files; the registry is built per scrape from them.
        registry = None if multiprocess_dir else self.registry
        self.requests = Counter("ruche_http_requests", "HTTP requests answered, by method, route template and status",
                                ["method", "route", "status"], registry=registry)
        self.latency = Histogram("ruche_http_request_duration_seconds",
                                 "Time to answer an HTTP request (compression included), by method and route template",
                                 ["method", "route"], buckets=BUCKETS, registry=registry)
        self.websockets = Gauge("ruche_websockets_open", "Live websockets open", registry=registry,
                                multiprocess_mode="livesum")
        self.outbox_lag = Gauge("ruche_outbox_lag_activities",
                                "Newest activity id minus the consumer's position (relay: the slowest worker's)",
                                ["consumer"], registry=registry, multiprocess_mode="livemax")
        self.pool_checked_out = Gauge("ruche_db_pool_checked_out", "Database connections in use",
                                      registry=registry, multiprocess_mode="livesum")
        self.pool_idle = Gauge("ruche_db_pool_idle", "Database connections open and idle in the pool",
                               registry=registry, multiprocess_mode="livesum")
        self.pool_size = Gauge("ruche_db_pool_size", "Connections the pool keeps (more may open under load)",
                               registry=registry, multiprocess_mode="livesum")
        # (method, route, status) -> the counter's and the histogram's children: `labels()` takes a lock and
        # builds a key each time, the lookup here is one dict access. Bounded: routes x methods x statuses.
        self._children: dict[tuple[str, str, int], tuple[Any, Any]] = {}

    def observe(self, method: str, route: str, status: int, seconds: float) -> None:
        if method not in METHODS:
            method = "other"
        key = (method, route, status)
        children = self._children.get(key)
        if children is None:
            children = self._children[key] = (self.requests.labels(method, route, str(status)),
                                              self.latency.labels(method, route))
        children[0].inc()
        children[1].observe(seconds)

    def render(self) -> bytes:
        """The text exposition format: this process's registry, or every worker's files in multiprocess mode."""
        if self.multiprocess_dir:
            registry = CollectorRegistry()
            multiprocess.MultiProcessCollector(registry, path=self.multiprocess_dir)
            return generate_latest(registry)
        return generate_latest(self.registry)


async def sample(runtime: Runtime, metrics: Metrics) -> None:
    """Set the sampled gauges: the database pool, and each outbox consumer's lag."""
    pool = runtime.engine.pool if runtime.engine is not None else None
    if isinstance(pool, QueuePool):  # PostgreSQL and SQLite files (AsyncAdaptedQueuePool); not NullPool
        metrics.pool_checked_out.set(pool.checkedout())
        metrics.pool_idle.set(pool.checkedin())
        metrics.pool_size.set(pool.size())
    if runtime.sessionmaker is None:
        return
    for consumer, lag in (await outbox_lags(runtime)).items():
        metrics.outbox_lag.labels(consumer).set(lag)


async def outbox_lags(runtime: Runtime) -> dict[str, int]:
    """Activities each consumer has still to handle: the relay of this process, every consumer keeping its position
    in `outbox_cursors` (the notifier, and later ones), and the search indexer (its position is in the index)."""

    assert runtime.sessionmaker is not None
    async with runtime.sessionmaker() as session:
        newest = await last_activity_id(session)
        positions = {name: int(last_id) for name, last_id in
                     (await session.execute(select(OutboxCursor.name, OutboxCursor.last_id))).all()}
    live = runtime.components.get("live")
    if live is not None:
        positions["relay"] = live.relay.cursor.position
    indexed = await _indexer_position(runtime)
    if indexed is not None:
        positions["indexer"] = indexed
    # A consumer ahead of the newest id (the outbox was emptied, then the consumer caught up on its own) is not late.
    return {name: max(newest - position, 0) for name, position in positions.items()}


async def _indexer_position(runtime: Runtime) -> int | None:
    """The indexer's position: its own state when this process writes the index, else the state stored in the
    index (the writer is another process: `ruche serve`'s index writer)."""
    search = runtime.search
    if search is None:
        return None
    if search.indexer is not None:
        return int(search.indexer.state.last_id)

    def read() -> int | None:
        try:
            with search.pool.searcher() as searcher:
                return int(read_state(searcher).last_id)
        except SearchUnavailable:
            return None

    return await anyio.to_thread.run_sync(read)
