"""Stored notifications and each member's delivery choice per kind."""

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base, BigId, UTCDateTime, utcnow

KINDS = ("mention", "reply", "reaction", "announcement", "group_request", "group_accepted")
DELIVERIES = ("app", "email", "off")  # email = in the app and by e-mail
DEFAULT_DELIVERY = "app"


class Notification(Base):
    """One notification for one member; (activity_id, user_id) is unique so a replayed activity adds nothing."""

    __tablename__ = "notifications"
    __table_args__ = (
        UniqueConstraint("activity_id", "user_id"),
        Index("ix_notifications_user_id_id", "user_id", "id"),
        Index("ix_notifications_user_id_created_at_id", "user_id", "created_at", "id"),  # the list, newest first
        Index("ix_notifications_email_status", "email_status"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(20))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), nullable=True)
    activity_id: Mapped[int] = mapped_column(BigId)
    post_id: Mapped[int | None] = mapped_column(BigId, nullable=True)
    comment_id: Mapped[int | None] = mapped_column(BigId, nullable=True)
    group_id: Mapped[int | None] = mapped_column(BigId, nullable=True)
    # The time of what it tells (its activity's), not of the notifier's turn: a backdated reaction is that old.
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    email_status: Mapped[str | None] = mapped_column(String(10), nullable=True)  # pending, sending, sent, failed


class NotificationSetting(Base):
    """A member's choice for one kind; no row means DEFAULT_DELIVERY."""

    __tablename__ = "notification_settings"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    kind: Mapped[str] = mapped_column(String(20), primary_key=True)
    delivery: Mapped[str] = mapped_column(String(10))

