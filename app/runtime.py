"""The one owner of process state: `create_app` builds a `Runtime`, and everything a process keeps between
requests (settings, database engine and sessions, rate limiter, bus, search, caches) hangs from it.

Caches are declared where they are used, as a `CacheSpec` (a name, how to make one, and how entries leave it), and
made on first use by the runtime's `Caches`: no module keeps a cache of its own, and `Caches.reset()` empties every
one of them (tests, after emptying the database)."""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Generic, Protocol, TypeVar, cast

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from starlette.requests import HTTPConnection

from app.config import Settings
from app.ratelimit import Limiter, make_limiter

if TYPE_CHECKING:
    from app.events import EventBus
    from app.observability.metrics import Metrics
    from app.search.runtime import SearchRuntime


class Resettable(Protocol):
    def reset(self) -> None: ...


C = TypeVar("C", bound=Resettable)


@dataclass(frozen=True)
class CacheSpec(Generic[C]):
    """A cache of a process: `name` (unique), `make()` builds an empty one, `eviction` says how entries leave it
    (documentation, listed by `Caches.describe()`)."""

    name: str
    make: Callable[[], C]
    eviction: str


class Caches:
    """The caches of one runtime, by name, made on first use."""

    def __init__(self) -> None:
        self._caches: dict[str, tuple[CacheSpec[Any], Resettable]] = {}

    def get(self, spec: CacheSpec[C]) -> C:
        entry = self._caches.get(spec.name)
        if entry is None:
            entry = self._caches[spec.name] = (spec, spec.make())
        elif entry[0] is not spec:
            raise ValueError(f"two caches are named {spec.name!r}")
        return cast(C, entry[1])

    def reset(self) -> None:
        """Empty every cache (their owners keep the same objects)."""
        for _, cache in self._caches.values():
            cache.reset()

    def describe(self) -> dict[str, str]:
        return {name: spec.eviction for name, (spec, _) in sorted(self._caches.items())}


@dataclass(eq=False)
class Runtime:
    """A process's state, built by `create_app` (or by a script: `Runtime(settings)`); the engine and sessions are
    opened by the lifespan, the search runtime by the search component.

    Request code reaches it with `RuntimeDep` (app.deps) or `runtime_of(request)`, background work with
    `app.state.runtime` (or the runtime it was given)."""

    settings: Settings
    caches: Caches = field(default_factory=Caches)
    limiter: Limiter = field(init=False)
    engine: AsyncEngine | None = None
    sessionmaker: async_sessionmaker[AsyncSession] | None = None
    # This process's searcher pool and indexer (app.search.runtime); None until started, or when search is off.
    search: "SearchRuntime | None" = None
    # The bus that wakes every process's outbox consumers (app.events; set by the live component) and its health.
    bus: "EventBus | None" = None
    live_status: Callable[[], str] = field(default=lambda: "ok")
    # Outbox wake-ups (app.outbox): `after_commit` hooks run once this process has committed an activity (the bus's
    # `wake`, the local index writer); `outbox_wakers` are the consumers to wake when any process has (the bus calls
    # them: relay, notifier).
    after_commit: list[Callable[[], None]] = field(default_factory=list)
    outbox_wakers: list[Callable[[], None]] = field(default_factory=list)
    # Which history the outbox's ids count in (app/outbox/epoch.py), read at start; "" while unknown.
    outbox_epoch: str = ""
    # What background components own (the live hub and relay, the notifier), by name: `"<feature>.<part>"`.
    components: dict[str, Any] = field(default_factory=dict)
    # Prometheus metrics (app/observability), their own registry; None unless RUCHE_METRICS_TOKEN is set.
    metrics: "Metrics | None" = None
    # Fields a component adds to `/healthz` (`{"search": "degraded", "search_lag_s": 42}`), by component; each check
    # is bounded by the caller and must not raise for a mere fault of its own component (it reports it instead).
    health_checks: dict[str, Callable[[], Awaitable[dict[str, Any]]]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.limiter = make_limiter(self.settings)

    def use_settings(self, settings: Settings) -> None:
        """Replace the settings (tests), with a limiter made for them: the limiter depends on them."""
        self.settings = settings
        self.limiter = make_limiter(settings)


def runtime_of(connection: HTTPConnection) -> Runtime:
    """The runtime of the application serving this request or websocket."""
    return cast(Runtime, connection.app.state.runtime)
