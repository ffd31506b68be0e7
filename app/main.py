"""create_app(settings): routers, error handlers, middleware and the lifespan of shared resources."""

import asyncio
import gc
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from app import api_docs
from app.config import Settings, get_settings
from app.db import make_engine, make_sessionmaker
from app.errors import install_error_handlers
from app.feature import load
from app.features import features
from app.middleware import BodySizeLimit, GZip, SecurityHeaders
from app.observability.middleware import install as install_observability
from app.runtime import Runtime
from app.web.error_pages import render_error_page

log = logging.getLogger("ruche")

Component = Callable[[FastAPI], Any]


def _components() -> list[tuple[Component, Component]]:
    """Each feature's background components (app.features), in the features' order; stopped in reverse."""

    modules = [load(module) for feature in features() for module in feature.components]
    return [(module.start, module.stop) for module in modules]


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    runtime: Runtime = app.state.runtime
    runtime.settings.secret_key()  # fail fast on a weak key; generates one on first run
    engine = runtime.engine
    owns_engine = engine is None
    if engine is None:
        engine = runtime.engine = make_engine(runtime.settings)
        runtime.sessionmaker = make_sessionmaker(engine)
    started = []
    try:
        for start, stop in _components():
            await start(app)
            started.append(stop)
        _tune_gc()
        yield
    finally:
        for stop in reversed(started):
            await _stop_component(stop, app)
        if owns_engine:
            await engine.dispose()
            runtime.engine = runtime.sessionmaker = None


# Each component's stop is bounded: on SIGTERM the worker must exit (SECURITY.md: stopped within the shutdown
# timeout), even if one of them hangs on a dead connection.
COMPONENT_STOP_TIMEOUT_S = 5.0


async def _stop_component(stop: Component, app: FastAPI) -> None:
    task = asyncio.ensure_future(stop(app))
    done, _ = await asyncio.wait({task}, timeout=COMPONENT_STOP_TIMEOUT_S)
    if not done:
        log.error("%s did not stop within %s s; left behind, waiting in %s", stop.__module__,
                  COMPONENT_STOP_TIMEOUT_S, " > ".join(_awaiting(task.get_coro())))
        task.cancel()
        return
    try:
        task.result()
    except Exception:  # keep shutting the rest down
        log.exception("component shutdown failed")


def _awaiting(coro: Any) -> list[str]:
    """Where a suspended coroutine waits: each frame of its chain of awaits, outermost first."""
    where = []
    while coro is not None:
        frame = getattr(coro, "cr_frame", None) or getattr(coro, "gi_frame", None)
        if frame is None:
            break
        where.append(f"{frame.f_code.co_name} ({frame.f_code.co_filename}:{frame.f_lineno})")
        coro = getattr(coro, "cr_await", None) or getattr(coro, "gi_yieldfrom", None)
    return where


def _tune_gc() -> None:
    """Fewer, cheaper garbage collections while serving: what start-up allocated (modules, templates, compiled
    statements) is never garbage, so it leaves the collector's generations, and the youngest generation is
    collected every 20,000 allocations instead of 700. A feed page allocates tens of thousands of objects; with the
    defaults, full collections walking every long-lived object landed in the middle of requests (the p99)."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(20_000, 20, 20)


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    # No OpenTelemetry here: FastAPI otherwise looks for a configured provider on every request.
    app = FastAPI(title="Ruche", version="0.1.0", lifespan=lifespan, docs_url=None, redoc_url=None,
                  telemetry={"tracing": False, "metrics": False, "logs": False})
    # The process's state; the live machinery, the notifier and the wake-up hooks below still hang from app.state.
    app.state.runtime = Runtime(settings)
    install_error_handlers(app, render_error_page)
    _include_routers(app)
    app.include_router(api_docs.docs)  # our own /docs and /redoc: assets from the package, under the CSP
    app.mount("/static", StaticFiles(directory=settings.FRONTEND_DIR / "static"), name="static")

    https = bool(settings.BASE_URL and settings.BASE_URL.startswith("https://"))
    app.add_middleware(SecurityHeaders, https=https)
    app.add_middleware(BodySizeLimit, max_bytes=settings.MAX_JSON_BYTES)
    # Outermost: pages, CSS, JS and JSON travel compressed to clients that accept it (issue 3 page weight).
    # Level 1, not Starlette's 9: at 9 compression was a fifth of a page's CPU, for 8.1 KB instead of 9.4 KB
    # (bench/README.md); app.middleware.GZip says why ISA-L.
    app.add_middleware(GZip, minimum_size=500, compresslevel=1)
    install_observability(app)  # metrics and request ids, outside the rest; nothing at all when both are off
    return app


def _include_routers(app: FastAPI) -> None:
    """Every feature's routers (app.features), in the features' order: FastAPI tries routes in that order."""

    for feature in features():
        for reference in feature.routers:
            app.include_router(load(reference))
