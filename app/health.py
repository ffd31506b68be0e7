"""`GET /healthz`: is this process alive and its database reachable, and how are its components doing.

The database decides the status code (503 with Retry-After when it does not answer within
HEALTHZ_DATABASE_TIMEOUT_S); components add their own fields (`live`, and what `runtime.health_checks` report, such
as `search` and `search_lag_s`) without changing the code: a degraded live bus or a lagging index still serves."""

import asyncio
import logging
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from sqlalchemy import text

from app.runtime import runtime_of

log = logging.getLogger("ruche.health")
router = APIRouter()
HEALTHZ_DATABASE_TIMEOUT_S = 2
COMPONENT_TIMEOUT_S = 2


async def _bounded(work: Any, timeout: float) -> Any:
    """Await `work` for at most `timeout` seconds, left to finish on its own after that: cancelling a query would
    wait for the connection's own cleanup, which a frozen server also holds up (the driver's timeout ends it)."""
    task = asyncio.ensure_future(work)
    task.add_done_callback(lambda done: done.cancelled() or done.exception())  # retrieved: no warning later
    return await asyncio.wait_for(asyncio.shield(task), timeout)


async def _database_answers(engine: Any) -> bool:
    async def select_one() -> None:
        async with engine.connect() as conn:
            await conn.execute(text("SELECT 1"))

    try:
        await _bounded(select_one(), HEALTHZ_DATABASE_TIMEOUT_S)
    except Exception:
        return False
    return True


@router.get("/healthz", tags=["health"])
async def healthz(request: Request) -> JSONResponse:
    runtime = runtime_of(request)
    database = "ok" if await _database_answers(runtime.engine) else "down"
    body: dict[str, Any] = {"status": "ok" if database == "ok" else "degraded", "database": database,
                            "live": runtime.live_status()}
    if database == "ok":
        for name, check in list(runtime.health_checks.items()):
            try:
                body.update(await _bounded(check(), COMPONENT_TIMEOUT_S))
            except Exception as exc:  # the check itself failed or hung: that component is not well
                log.warning("health check %s failed: %s", name, type(exc).__name__)
                body[name] = "degraded"
    return JSONResponse(body, status_code=200 if database == "ok" else 503,
                        headers=None if database == "ok" else {"Retry-After": "5"})
