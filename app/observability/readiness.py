"""Readiness (`GET /readyz`): the database answers and its Alembic revision is the code's head.

Apart from `/healthz` (is the process alive and its database reachable): a load balancer sends traffic to a
process only once it is ready, e.g. not while the schema is older or newer than the code (an upgrade under way)."""

from functools import lru_cache
from typing import Any

import anyio
from sqlalchemy import text

from app.runtime import Runtime


@lru_cache
def code_heads() -> frozenset[str]:
    """The head revisions of the migrations shipped with the code (read once: they are the code's own files)."""
    # Late: Alembic is loaded only when a readiness check is first asked for, not by every process at start.
    from alembic.script import ScriptDirectory

    from app.migrate import alembic_config

    return frozenset(ScriptDirectory.from_config(alembic_config("")).get_heads())


async def readiness(runtime: Runtime) -> dict[str, Any]:
    heads = await anyio.to_thread.run_sync(code_heads)
    expected = sorted(heads)
    if runtime.engine is None:
        return {"status": "not ready", "database": "down", "migrations": "unknown", "expected": expected}
    try:
        async with runtime.engine.connect() as conn:
            await conn.execute(text("SELECT 1"))
            try:
                async with conn.begin_nested():  # PostgreSQL: a missing table must not abort the rest
                    rows = await conn.execute(text("SELECT version_num FROM alembic_version"))
                    current = sorted(row[0] for row in rows)
            except Exception:  # no version table: never migrated
                current = []
    except Exception:
        return {"status": "not ready", "database": "down", "migrations": "unknown", "expected": expected}
    at_head = set(current) == heads
    return {"status": "ready" if at_head else "not ready", "database": "ok",
            "migrations": "head" if at_head else "not at head", "revision": current, "expected": expected}
