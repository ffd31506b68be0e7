"""The activity outbox: every change writes its Activity row in the same transaction (DESIGN.md)."""

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base, BigId, UTCDateTime, utcnow


class Activity(Base):
    """One thing that happened. `group_id` and `subject_user_id` scope who may see it."""

    __tablename__ = "activities"
    __table_args__ = (
        Index("ix_activities_post_id", "post_id"),
        # The newest activity of a type, read on every signed-in request (app.groups.cache): an index-only scan.
        Index("ix_activities_type_id", "type", "id"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    type: Mapped[str] = mapped_column(String(40))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), nullable=True)
    group_id: Mapped[int | None] = mapped_column(BigId, nullable=True)
    post_id: Mapped[int | None] = mapped_column(BigId, nullable=True)
    comment_id: Mapped[int | None] = mapped_column(BigId, nullable=True)
    subject_user_id: Mapped[int | None] = mapped_column(BigId, nullable=True)  # the member the event concerns
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


def activity_values(
    type: str,
    *,
    actor_id: int | None = None,
    group_id: int | None = None,
    post_id: int | None = None,
    comment_id: int | None = None,
    subject_user_id: int | None = None,
    payload: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """An activity row's columns (but its id)."""
    return {"type": type, "actor_id": actor_id, "group_id": group_id, "post_id": post_id, "comment_id": comment_id,
            "subject_user_id": subject_user_id, "payload": payload or {}, "created_at": utcnow()}


def emit(session: AsyncSession, type: str, **fields: Any) -> Activity:
    """Record an activity in the caller's transaction; consumers see it only once committed."""
    activity = Activity(**activity_values(type, **fields))
    session.add(activity)
    mark_added(session)
    return activity


def mark_added(session: AsyncSession) -> None:
    """The session's commit will wake the outbox's consumers (`app.db.run_after_commit`)."""
    session.info["activity_added"] = True


async def latest_activity_id(session: AsyncSession) -> int:
    """The newest committed activity id: a page rendered now shows everything up to it."""
    return int(await session.scalar(select(func.max(Activity.id))) or 0)
