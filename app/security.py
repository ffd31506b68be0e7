"""Password hashing, access tokens and the CurrentActor dependency."""

import secrets
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Annotated, Any

import anyio
from fastapi import Depends, Request
from fastapi.security import OAuth2PasswordBearer
from jose import jwt
from jose.exceptions import JOSEError
from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher

from app.config import Settings, get_settings
from app.db import SessionDep, utcnow
from app.deps import limit_address, limit_member
from app.errors import Unauthorized

ALGORITHM = "HS256"
COOKIE_NAME = "ruche_session"
_hashers: dict[tuple[int, int], PasswordHash] = {}


def _hasher(settings: Settings) -> PasswordHash:
    key = (settings.ARGON2_MEMORY_KIB, settings.ARGON2_TIME_COST)
    if key not in _hashers:
        _hashers[key] = PasswordHash(
            (Argon2Hasher(memory_cost=key[0], time_cost=key[1], parallelism=1),)
        )
    return _hashers[key]


async def hash_password(password: str, settings: Settings | None = None) -> str:
    hasher = _hasher(settings or get_settings())
    return await anyio.to_thread.run_sync(hasher.hash, password)


async def verify_password(password: str, password_hash: str, settings: Settings | None = None) -> bool:
    hasher = _hasher(settings or get_settings())
    try:
        return await anyio.to_thread.run_sync(hasher.verify, password, password_hash)
    except Exception:  # noqa: BLE001 - malformed stored hash: a mismatch, never a 500
        return False


def new_session_id() -> str:
    return secrets.token_urlsafe(24)


def create_token(settings: Settings, user_id: int, session_id: str, expires_at: datetime) -> str:
    now = utcnow()
    claims = {"sub": str(user_id), "sid": session_id, "iat": int(now.timestamp()), "exp": int(expires_at.timestamp())}
    return jwt.encode(claims, settings.secret_key(), algorithm=ALGORITHM)


VERIFIED_TOKENS = 4096
_verified: OrderedDict[tuple[str, str], dict[str, Any]] = OrderedDict()


def decode_token(settings: Settings, token: str) -> dict[str, Any]:
    """The only place tokens are decoded: HS256 pinned, exp/iat/sub required; any failure is a 401.

    Every request of a member presents the same token until it expires, and checking its signature cost more than
    reading the member: the claims of tokens already verified with this key are kept (least recently used first out)
    and only their expiry is checked again."""
    key = (settings.secret_key(), token)
    claims = _verified.get(key)
    if claims is not None:
        if claims["exp"] >= time.time():
            _verified.move_to_end(key)
            return dict(claims)
        del _verified[key]
        raise Unauthorized()
    claims = _decode(settings, token)
    _verified[key] = dict(claims)
    if len(_verified) > VERIFIED_TOKENS:
        _verified.popitem(last=False)
    return claims


def _decode(settings: Settings, token: str) -> dict[str, Any]:
    try:
        claims = jwt.decode(
            token,
            settings.secret_key(),
            algorithms=[ALGORITHM],
            options={"require_exp": True, "require_iat": True, "require_sub": True, "verify_aud": False},
        )
    except (JOSEError, ValueError, TypeError, AttributeError) as exc:
        raise Unauthorized() from exc
    sub = str(claims.get("sub", ""))
    if not isinstance(claims.get("sid"), str) or not sub.isascii() or not sub.isdigit() or len(sub) > 18:
        raise Unauthorized()  # 18 digits stay within BIGINT: a bigger id would fail in the driver
    return claims


def token_lifetime(settings: Settings) -> timedelta:
    return timedelta(minutes=settings.ACCESS_TOKEN_MINUTES)


@dataclass(frozen=True)
class Actor:
    """The signed-in member, resolved once per request."""

    user_id: int
    role: str
    session_id: str
    member_group_ids: frozenset[int] = field(default_factory=frozenset)  # member or animator
    animator_group_ids: frozenset[int] = field(default_factory=frozenset)
    public_group_ids: frozenset[int] = field(default_factory=frozenset)
    requested_group_ids: frozenset[int] = field(default_factory=frozenset)  # asked to join, not yet accepted
    language: str | None = None
    display_name: str = ""
    handle: str = ""
    title: str = ""
    department: str = ""
    # The newest activity when the token was resolved, read before anything else the request reads: a page's
    # live updates replay from there (app.web.common), so nothing committed after it is missed or shown twice.
    newest_activity_id: int = 0

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    @property
    def is_moderator(self) -> bool:
        return self.role in ("moderator", "admin")

    @property
    def readable_group_ids(self) -> frozenset[int]:
        """Groups whose content this member may read: public ones and their own."""
        return self.member_group_ids | self.public_group_ids


def token_from_request(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip()
    return request.cookies.get(COOKIE_NAME) or None


# Declares the Bearer scheme in OpenAPI (the /docs "Authorize" button); reading the token stays with
# token_from_request, which also accepts the pages' cookie.
_documented_scheme = OAuth2PasswordBearer(tokenUrl="/api/v1/auth/token", auto_error=False)


async def _current_actor(
    request: Request, session: SessionDep, _scheme: Annotated[str | None, Depends(_documented_scheme)] = None
) -> Actor:
    from app.users import service as users_service  # late: users imports security

    token = token_from_request(request)
    if token is None:
        await limit_address(request)
        raise Unauthorized(headers={"WWW-Authenticate": "Bearer"})
    try:
        actor = await users_service.actor_from_token(
            session, request.app.state.settings, token, request.app.state.group_cache)
    except Unauthorized:
        await limit_address(request)  # bad tokens count as unauthenticated calls: no free token guessing
        raise
    await limit_member(request, actor.user_id)
    request.state.actor = actor
    return actor


async def _optional_actor(request: Request, session: SessionDep) -> Actor | None:
    try:
        return await _current_actor(request, session)
    except Unauthorized:
        return None


CurrentActor = Annotated[Actor, Depends(_current_actor)]
OptionalActor = Annotated[Actor | None, Depends(_optional_actor)]
