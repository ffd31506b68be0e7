"""How long a session lasts: API tokens a fixed time, page sessions renewed while the member is active.

A page session has an idle bound (`SESSION_IDLE_MINUTES` without a request and it ends) and an absolute one
(`SESSION_MAX_HOURS` after signing in, `SESSION_REMEMBER_DAYS` with "keep me signed in"). Its token's `exp` is the
absolute bound, so the cookie never needs re-issuing; the idle bound is the `auth_sessions` row's `expires_at`,
moved forward when less than half of the idle time is left: at most one write per session per half idle time,
never one per request (the home page serves hundreds of requests a second). Revocation is the row's `revoked_at`,
checked on every request as before."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from app.config import Settings
from app.db import utcnow as _utcnow
from app.users.models import AuthSession


def utcnow() -> datetime:
    """The sessions' clock (tests move it)."""
    return _utcnow()


@dataclass(frozen=True)
class Lifetime:
    expires_at: datetime  # when the session ends if unused
    max_expires_at: datetime  # when it ends whatever happens (the token's exp)
    idle_seconds: int  # renewed by this much while used; 0: never renewed
    cookie_max_age: int | None  # None: a browser-session cookie (gone when the browser closes)


def api_lifetime(settings: Settings) -> Lifetime:
    end = utcnow() + timedelta(minutes=settings.ACCESS_TOKEN_MINUTES)
    return Lifetime(end, end, 0, None)


def page_lifetime(settings: Settings, *, remember: bool) -> Lifetime:
    now = utcnow()
    if remember:
        end = now + timedelta(days=settings.SESSION_REMEMBER_DAYS)
        return Lifetime(end, end, 0, int((end - now).total_seconds()))
    end = now + timedelta(hours=settings.SESSION_MAX_HOURS)
    idle = settings.SESSION_IDLE_MINUTES * 60
    return Lifetime(min(now + timedelta(seconds=idle), end), end, idle, None)


def renewed_expiry(expires_at: datetime, max_expires_at: datetime | None, idle_seconds: int) -> datetime | None:
    """The session's new end if it should be renewed now (less than half of its idle time left), else None."""
    if not idle_seconds or max_expires_at is None or expires_at >= max_expires_at:
        return None
    now = utcnow()
    if expires_at - now >= timedelta(seconds=idle_seconds / 2):
        return None
    return min(now + timedelta(seconds=idle_seconds), max_expires_at)


async def renew(session: AsyncSession, session_id: str, new_expiry: datetime) -> None:
    """Move the session's end forward; concurrent requests of the same member renew it once (the condition is
    evaluated again after the row lock on PostgreSQL). Committed by the request's unit of work."""
    await session.execute(
        update(AuthSession)
        .where(AuthSession.id == session_id, AuthSession.expires_at < new_expiry, AuthSession.revoked_at.is_(None))
        .values(expires_at=new_expiry)
    )
