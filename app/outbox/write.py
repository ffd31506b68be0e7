"""Writing the outbox: an activity is a row added in the caller's transaction (DESIGN.md)."""

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from app.db import utcnow
from app.outbox.models import Activity
from app.outbox.types import TypedActivity


def row_values(activity: TypedActivity) -> dict[str, Any]:
    """An activity row's columns (but its id)."""
    return {"type": activity.type, **activity.columns(), "payload": activity.payload(), "created_at": utcnow()}


def emit(session: AsyncSession, activity: TypedActivity) -> Activity:
    """Record an activity in the caller's transaction; consumers see it only once committed."""
    row = Activity(**row_values(activity))
    session.add(row)
    mark_added(session)
    return row


def mark_added(session: AsyncSession) -> None:
    """The session's commit will wake the outbox's consumers (`app.db.run_after_commit`)."""
    session.info["activity_added"] = True
