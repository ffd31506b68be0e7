from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint, event
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base, BigId, UTCDateTime, utcnow
from app.text import fold

ROLES = ("member", "communicator", "moderator", "admin")


class User(Base):
    __tablename__ = "users"
    __table_args__ = (Index("ix_users_name_key_id", "name_key", "id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    display_name: Mapped[str] = mapped_column(String(200))
    handle: Mapped[str] = mapped_column(String(40), unique=True)
    title: Mapped[str] = mapped_column(String(200), default="")
    department: Mapped[str] = mapped_column(String(200), default="", index=True)
    location: Mapped[str] = mapped_column(String(200), default="")
    bio: Mapped[str] = mapped_column(Text, default="")
    language: Mapped[str | None] = mapped_column(String(5), nullable=True)
    time_zone: Mapped[str | None] = mapped_column(String(64), nullable=True)  # IANA name; None: the site's default
    role: Mapped[str] = mapped_column(String(20), default="member")
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    # Accent- and case-folded copies the directory matches and sorts on (SQLite's lower() is ASCII only),
    # kept in step by the listener below whatever code writes the row.
    name_key: Mapped[str] = mapped_column(String(200), default="", server_default="")
    department_key: Mapped[str] = mapped_column(String(200), default="", server_default="")
    search_key: Mapped[str] = mapped_column(Text, default="", server_default="")


@event.listens_for(User, "before_insert")
@event.listens_for(User, "before_update")
def _fold_keys(_mapper: Any, _connection: Any, user: User) -> None:
    user.name_key = fold(user.display_name or "")[:200]
    user.department_key = fold(user.department or "")[:200]
    user.search_key = " ".join(fold(part) for part in (user.display_name, user.handle, user.title) if part)


class UserSkill(Base):
    """A free skill tag; `skill_key` is the folded form the directory matches on."""

    __tablename__ = "user_skills"
    __table_args__ = (Index("ix_user_skills_skill_key_user_id", "skill_key", "user_id"),)

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    skill_key: Mapped[str] = mapped_column(String(60), primary_key=True)
    skill: Mapped[str] = mapped_column(String(60))
    position: Mapped[int] = mapped_column(default=0)


class AuthSession(Base):
    """One signed-in token: revoking the row makes that token fail at once.

    `expires_at` is when it ends if unused; a page session is renewed while used (`idle_seconds` more, see
    app/users/sessions.py) up to `max_expires_at`, which is also its token's `exp`. API tokens are not renewed
    (`idle_seconds` 0)."""

    __tablename__ = "auth_sessions"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    idle_seconds: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    max_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class Follow(Base):
    __tablename__ = "follows"
    __table_args__ = (
        UniqueConstraint("follower_id", "followed_id"),
        Index("ix_follows_followed_id", "followed_id"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    follower_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    followed_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
