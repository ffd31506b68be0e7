"""@mentions: resolving handles to active members, and the composer's completion."""

from collections.abc import Sequence

from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.permissions import Actor
from app.users.models import User
from app.users.schemas import UserSummary

MAX_NOTIFIED_MENTIONS = 10  # SECURITY.md: at most 10 mentions notified per post
MAX_SUGGESTIONS = 10


async def resolve_handles(session: AsyncSession, handles: Sequence[str]) -> list[User]:
    """Active members for `handles`, in the order the handles were written."""
    if not handles:
        return []
    users = {u.handle: u for u in await session.scalars(
        select(User).where(User.handle.in_(list(handles)), User.is_active.is_(True))
    )}
    return [users[h] for h in handles if h in users]


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


async def suggest_mentions(
    session: AsyncSession, actor: Actor, prefix: str, limit: int = MAX_SUGGESTIONS
) -> list[UserSummary]:
    """Active members whose handle, name or a word of their name starts with `prefix` (leading @ ignored)."""
    text = prefix.strip().lstrip("@").lower()
    if not text:
        return []
    starts = f"{_escape_like(text)}%"
    name = func.lower(User.display_name)
    users = await session.scalars(
        select(User)
        .where(
            User.is_active.is_(True),
            or_(
                User.handle.like(starts, escape="\\"),
                name.like(starts, escape="\\"),
                name.like(f"% {starts}", escape="\\"),
            ),
        )
        .order_by(User.handle)
        .limit(limit)
    )
    return [UserSummary(id=u.id, handle=u.handle, display_name=u.display_name, title=u.title) for u in users]
