"""Denormalized counters (comments, reactions) changed atomically in SQL, never read-modify-write in Python."""

from typing import Any

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.attributes import set_committed_value


async def add(session: AsyncSession, model: Any, row_id: int, column: str, delta: int) -> int:
    """`column = column + delta` for one row; returns the new value and refreshes a loaded object."""
    attribute = getattr(model, column)
    value = await session.scalar(
        update(model)
        .where(model.id == row_id)
        .values({attribute: attribute + delta})
        .returning(attribute)
        .execution_options(synchronize_session=False)
    )
    loaded = session.identity_map.get(session.identity_key(model, row_id))
    if loaded is not None and value is not None:
        set_committed_value(loaded, column, value)
    return int(value or 0)
