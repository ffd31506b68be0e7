"""PostgreSQL's plan of a statement as the server runs it: prepared, as a generic plan (app.db sets
`plan_cache_mode = force_generic_plan`), which cannot see the values bound to it."""

from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.sql import Executable


async def fill_outbox(engine: AsyncEngine, count: int) -> None:
    """`count` old activities, analyzed: an outbox with a history, whose plans are those of a real network."""
    async with engine.begin() as conn:
        await conn.execute(text("INSERT INTO activities (type, payload, created_at) "
                                "SELECT 'post.created', '{}', now() FROM generate_series(1, :n)"), {"n": count})
    async with engine.connect() as conn:
        await conn.execute(text("ANALYZE activities"))


async def generic_plan(engine: AsyncEngine, statement: Executable) -> str:
    """EXPLAIN of `statement` prepared and executed with its own bound values, as a generic plan."""
    compiled = statement.compile(dialect=engine.dialect)
    values = [compiled.params[name] for name in compiled.positiontup or ()]
    async with engine.connect() as conn:
        raw: Any = (await conn.get_raw_connection()).driver_connection
        await raw.execute("SET plan_cache_mode = force_generic_plan")
        await raw.execute(f"PREPARE plan_probe AS {compiled.string}")
        arguments = f"({', '.join(repr(v) for v in values)})" if values else ""
        try:
            return "\n".join(r[0] for r in await raw.fetch(f"EXPLAIN EXECUTE plan_probe{arguments}"))
        finally:
            await raw.execute("DEALLOCATE plan_probe")
            await raw.execute("RESET plan_cache_mode")
