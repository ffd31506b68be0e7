from datetime import datetime
from typing import Literal

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base, BigId, UTCDateTime, utcnow

VISIBILITIES = ("public", "private", "secret")
# A membership is "pending" (asked to join a private group), "member" or "animator"; these two make one a member.
MEMBER_STATUSES = ("member", "animator")
MembershipStatus = Literal["pending", "member", "animator"]
GrantedStatus = Literal["member", "animator"]  # what an animator sets (a request is accepted as "member")


class Group(Base):
    __tablename__ = "groups"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    name_key: Mapped[str] = mapped_column(String(200), unique=True)  # casefolded: names are unique ignoring case
    description: Mapped[str] = mapped_column(Text, default="")
    guidelines: Mapped[str] = mapped_column(Text, default="")
    visibility: Mapped[str] = mapped_column(String(10), default="public", index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Archived: read-only and out of the directory, search and suggestions; members keep reading it.
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    # Deleted by its animators or an admin: kept (its posts are soft-deleted with it, SECURITY.md purges later),
    # but nobody may see it any more (app.permissions.can_see_group).
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class GroupMembership(Base):
    __tablename__ = "group_memberships"
    __table_args__ = (
        UniqueConstraint("group_id", "user_id"),
        Index("ix_group_memberships_user_id_status", "user_id", "status"),
        # A group's pending requests (their count on the group page) and its members, without reading the others.
        Index("ix_group_memberships_group_id_status", "group_id", "status"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    status: Mapped[MembershipStatus] = mapped_column(String(10))
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    joined_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
