"""Accounts and sessions: registration, sign-in, tokens, sign-out and password changes.

Reached through `app.users.service`, which re-exports these functions for other domains."""

from typing import Any

from sqlalchemy import Select, bindparam, func, or_, select, text, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from app import permissions
from app.config import Settings
from app.db import utcnow
from app.directsql import DirectQuery
from app.errors import Conflict, Forbidden, RateLimited, Unauthorized
from app.groups.cache import GROUPS, version_columns, version_of
from app.groups.models import GroupMembership
from app.outbox.models import Activity
from app.outbox.types import UserCreated
from app.outbox.write import emit
from app.permissions import Actor
from app.runtime import Runtime
from app.security import (
    create_token,
    decode_token,
    hash_password,
    new_session_id,
    verify_no_password,
    verify_password,
)
from app.text import handle_base
from app.users import sessions
from app.users.models import AuthSession, User
from app.users.passwords import check_password_strength
from app.users.schemas import UserRegister

HANDLE_ATTEMPTS = 5
FIRST_ACCOUNT_LOCK = 0x72756368  # "ruch": the advisory lock serializing the very first registrations


async def register(session: AsyncSession, runtime: Runtime, data: UserRegister, *, by_admin: bool = False) -> User:
    email = data.email.strip().lower()
    if not by_admin:
        _check_registration_allowed(runtime.settings, email)
    check_password_strength(data.password)
    if await session.scalar(select(User.id).where(User.email == email)) is not None:
        raise Conflict("This email is already registered")
    is_first = await _is_first_account(session)
    password_hash = await hash_password(runtime, data.password)
    for _ in range(HANDLE_ATTEMPTS):
        user = User(
            email=email, password_hash=password_hash, display_name=data.display_name,
            handle=await _free_handle(session, handle_base(data.display_name)),
            role="admin" if is_first else "member", title="", department="", location="", bio="", is_active=True,
        )
        try:
            async with session.begin_nested():
                session.add(user)
                await session.flush()
        except IntegrityError as exc:
            if await session.scalar(select(User.id).where(User.email == email)) is not None:
                raise Conflict("This email is already registered") from exc
            continue  # a concurrent registration took the same handle: pick the next free one
        if is_first and await session.scalar(select(User.id).where(User.id != user.id).limit(1)) is not None:
            user.role = "member"  # SQLite: another first sign-up committed before our insert took the write lock
        emit(session, UserCreated(actor_id=user.id, subject_user_id=user.id))
        return user
    raise Conflict("Registration is busy; please try again")


async def _is_first_account(session: AsyncSession) -> bool:
    """The first account becomes admin; simultaneous first sign-ups must not all become admins."""
    if await session.scalar(select(User.id).limit(1)) is not None:
        return False
    if (await session.connection()).dialect.name == "postgresql":
        # Held until commit: the next first-sign-up waits here, then sees the committed first account.
        await session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": FIRST_ACCOUNT_LOCK})
        return await session.scalar(select(User.id).limit(1)) is None
    return True


def _check_registration_allowed(settings: Settings, email: str) -> None:
    if settings.REGISTRATION == "closed":
        raise Forbidden("Registration is closed: ask an administrator for an account")
    if settings.REGISTRATION == "domain":
        domain = email.rsplit("@", 1)[-1]
        if domain not in settings.ALLOWED_EMAIL_DOMAINS:
            raise Forbidden("Registration is limited to the organisation's email domains")


async def _free_handle(session: AsyncSession, base: str) -> str:
    taken = set(
        await session.scalars(select(User.handle).where(or_(User.handle == base, User.handle.like(f"{base}%"))))
    )
    if base not in taken:
        return base
    n = 2
    while f"{base}{n}" in taken:
        n += 1
    return f"{base}{n}"


async def sign_in(
    session: AsyncSession, runtime: Runtime, email: str, password: str, client_ip: str, *,
    page: sessions.Lifetime | None = None,
) -> tuple[str, int]:
    """Return (token, expires_in): an API token, or the page session `page` describes; failures are limited per
    account+IP and per IP."""
    settings, limiter = runtime.settings, runtime.limiter
    email = email.strip().lower()
    account_key = f"login:acct:{email}:{client_ip}"
    ip_key = f"login:ip:{client_ip}"
    wait = await limiter.peek(ip_key, settings.LOGIN_FAILURES_PER_IP, settings.LOGIN_IP_WINDOW_S)
    # The account's attempts are counted before checking and forgiven on success: parallel guesses cannot all
    # slip through between a check and the count. The address counts failures only (an office behind one NAT
    # signs in many times a minute).
    wait = wait or await limiter.hit(account_key, settings.LOGIN_FAILURES_PER_ACCOUNT, settings.LOGIN_ACCOUNT_WINDOW_S)
    if wait is not None:
        raise RateLimited(wait, "Too many failed sign-in attempts; try again later")
    user = await session.scalar(select(User).where(User.email == email))
    if user is None:
        await verify_no_password(runtime, password)  # as slow as a real account: timing does not reveal emails
    # Verify before looking at is_active, so a deactivated account answers as slowly as an active one.
    ok = user is not None and await verify_password(runtime, password, user.password_hash) and user.is_active
    if not ok or user is None:
        await limiter.hit(ip_key, settings.LOGIN_FAILURES_PER_IP, settings.LOGIN_IP_WINDOW_S)
        raise Unauthorized("Incorrect email or password")
    await limiter.reset(account_key)
    return await open_session(session, settings, user, page)


async def open_session(
    session: AsyncSession, settings: Settings, user: User, lifetime: sessions.Lifetime | None = None,
) -> tuple[str, int]:
    """A new session and its token, valid until the session's absolute end (default: an API token);
    returns (token, seconds until that end)."""
    lifetime = lifetime or sessions.api_lifetime(settings)
    auth = AuthSession(id=new_session_id(), user_id=user.id, expires_at=lifetime.expires_at,
                       max_expires_at=lifetime.max_expires_at, idle_seconds=lifetime.idle_seconds)
    session.add(auth)
    await session.flush()
    expires_in = round((lifetime.max_expires_at - sessions.utcnow()).total_seconds())
    return create_token(settings, user.id, auth.id, lifetime.max_expires_at), expires_in


def _actor_statement() -> Select[Any]:
    """The member, their session, their memberships (one row each, requests included), the groups' version and the
    newest activity id (where a page's live updates start), in one statement. Built once: it runs on every
    signed-in request, and building a statement costs more than running it."""
    users, auth, memberships, activities = (
        User.__table__, AuthSession.__table__, GroupMembership.__table__, Activity.__table__)
    joined = auth.join(users, users.c.id == auth.c.user_id).outerjoin(
        memberships, memberships.c.user_id == users.c.id)
    return (
        select(users.c.role, users.c.language, users.c.display_name, users.c.handle, users.c.title,
               users.c.department, users.c.is_active, auth.c.revoked_at, auth.c.expires_at,
               auth.c.max_expires_at, auth.c.idle_seconds,
               memberships.c.group_id, memberships.c.status, *version_columns(),
               select(func.max(activities.c.id)).scalar_subquery().label("newest_activity"))
        .select_from(joined)
        .where(auth.c.id == bindparam("sid"), users.c.id == bindparam("uid"))
    )


_ACTOR = DirectQuery(_actor_statement())


async def resolve_actor(runtime: Runtime, session: AsyncSession, token: str, *, renew: bool = False) -> Actor:
    """The one lookup of a token's Actor (API, pages, error pages, the websocket's handshake and its re-checks);
    revoked sessions, expired tokens and inactive members are refused (Unauthorized). With `renew` (a request whose
    unit of work commits), a page session nearing its idle end is renewed."""
    claims = decode_token(runtime, token)
    user_id = int(claims["sub"])
    rows = await _ACTOR.rows(session, {"sid": claims["sid"], "uid": user_id})
    if not rows:
        raise Unauthorized()
    first = rows[0]
    if not first.is_active or first.revoked_at is not None or first.expires_at <= sessions.utcnow():
        raise Unauthorized()
    if renew and (new_expiry := sessions.renewed_expiry(first.expires_at, first.max_expires_at, first.idle_seconds)):
        await sessions.renew(session, claims["sid"], new_expiry)
    public = await runtime.caches.get(GROUPS).ids(session, version_of(first))
    return permissions.actor_from_memberships(
        user_id, first.role, claims["sid"], rows, public,
        language=first.language, display_name=first.display_name, handle=first.handle, title=first.title,
        department=first.department, newest_activity_id=first.newest_activity or 0,
    )


def _member_statement() -> Select[Any]:
    """A member's memberships (one row each, requests included) and the groups' version, in one statement."""
    memberships = GroupMembership.__table__
    return (
        select(memberships.c.group_id, memberships.c.status, *version_columns())
        .select_from(User.__table__.outerjoin(memberships, memberships.c.user_id == User.__table__.c.id))
        .where(User.__table__.c.id == bindparam("uid"))
    )


_MEMBER = DirectQuery(_member_statement())


async def build_actor(runtime: Runtime, session: AsyncSession, user: User, session_id: str = "") -> Actor:
    """An Actor for a member without a token (notifications, scripts), as `resolve_actor` builds it."""
    rows = await _MEMBER.rows(session, {"uid": user.id})
    public = await runtime.caches.get(GROUPS).ids(session, version_of(rows[0]))
    return permissions.actor_from_memberships(
        user.id, user.role, session_id, rows, public, language=user.language, display_name=user.display_name,
        handle=user.handle, title=user.title, department=user.department,
    )


async def sign_out(session: AsyncSession, actor: Actor) -> None:
    await session.execute(
        update(AuthSession).where(AuthSession.id == actor.session_id).values(revoked_at=utcnow())
    )


async def change_password(session: AsyncSession, runtime: Runtime, actor: Actor, current: str, new: str) -> None:
    user = await session.get_one(User, actor.user_id)
    if not await verify_password(runtime, current, user.password_hash):
        raise Forbidden("The current password is wrong")
    check_password_strength(new)
    user.password_hash = await hash_password(runtime, new)
    await session.execute(
        update(AuthSession)
        .where(AuthSession.user_id == user.id, AuthSession.id != actor.session_id, AuthSession.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )
