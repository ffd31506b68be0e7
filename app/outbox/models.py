"""The outbox's two tables: the activities themselves, and the stored cursors of the consumers that keep theirs there."""

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base, BigId, UTCDateTime, utcnow
from app.outbox.types import TypedActivity, parse


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

    @property
    def typed(self) -> TypedActivity | None:
        """This row as its type's dataclass; None for a type this code does not know (skip it)."""
        return parse(self)


class OutboxCursor(Base):
    """The last activity id a consumer (the notifier) has fully handled; locked while it works."""

    __tablename__ = "outbox_cursors"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    last_id: Mapped[int] = mapped_column(BigInteger, default=0)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class OutboxEpoch(Base):
    """This outbox's history, named: one row. `ruche restore` gives the restored database a new one, since its
    activity ids start again below those the clients saw; a socket reconnecting with another epoch reloads."""

    __tablename__ = "outbox_epoch"

    id: Mapped[int] = mapped_column(primary_key=True)
    epoch: Mapped[str] = mapped_column(String(32))
