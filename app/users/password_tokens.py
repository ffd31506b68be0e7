"""The table of single-use links that let a member choose a password: password resets and invitations."""

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base, BigId, UTCDateTime, utcnow

PURPOSES = ("reset", "invitation")


class PasswordToken(Base):
    """Only the SHA-256 of the token is stored: the link in the e-mail is the one copy of the secret. A token is
    spent by setting `used_at`; choosing a password spends every other token of the member too."""

    __tablename__ = "password_tokens"
    __table_args__ = (Index("ix_password_tokens_user_id_used_at", "user_id", "used_at"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    purpose: Mapped[str] = mapped_column(String(20))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
