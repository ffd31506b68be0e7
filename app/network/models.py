from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base, UTCDateTime, utcnow

SETTINGS_ROW = 1  # the network's one row


class NetworkSettings(Base):
    """Settings of the whole network chosen by its admins: one row (id 1), written on the first change; until
    then every setting has its default (app.network.schemas)."""

    __tablename__ = "network_settings"
    __table_args__ = (CheckConstraint("id = 1", name="one_row"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    group_creation: Mapped[str] = mapped_column(String(10), default="everyone")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), nullable=True)
