"""Password hashing, access tokens and the CurrentActor dependency."""

import secrets
import time
from collections import OrderedDict
from datetime import datetime
from typing import Annotated, Any

import anyio
from fastapi import Depends, Request
from fastapi.security import OAuth2PasswordBearer
from jose import jwt
from jose.exceptions import JOSEError
from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher

from app.config import Settings
from app.db import SessionDep, utcnow
from app.deps import limit_address, limit_member
from app.errors import Unauthorized
from app.permissions import Actor
from app.runtime import CacheSpec, Runtime, runtime_of

ALGORITHM = "HS256"
COOKIE_NAME = "ruche_session"
DUMMY_PASSWORD = "not-a-real-password"
SESSION_ID_MAX = 64  # auth_sessions.id's length
CLOCK_SKEW_S = 60
# Longer than any token this module issues (API tokens, "keep me signed in"): a longer one was not made here.
MAX_TOKEN_LIFETIME_S = 400 * 24 * 3600


class Hashers:
    """Argon2 hashers per (memory, time) cost, and per cost the hash of a password nobody has: signing in to an
    unknown account verifies against it, so the answer takes as long as for a real one (no e-mail enumeration)."""

    def __init__(self) -> None:
        self._hashers: dict[tuple[int, int], PasswordHash] = {}
        self._dummies: dict[tuple[int, int], str] = {}

    def get(self, settings: Settings) -> PasswordHash:
        key = (settings.ARGON2_MEMORY_KIB, settings.ARGON2_TIME_COST)
        hasher = self._hashers.get(key)
        if hasher is None:
            hasher = self._hashers[key] = PasswordHash(
                (Argon2Hasher(memory_cost=key[0], time_cost=key[1], parallelism=1),))
        return hasher

    async def dummy_hash(self, settings: Settings) -> str:
        key = (settings.ARGON2_MEMORY_KIB, settings.ARGON2_TIME_COST)
        if key not in self._dummies:
            self._dummies[key] = await anyio.to_thread.run_sync(self.get(settings).hash, DUMMY_PASSWORD)
        return self._dummies[key]

    def reset(self) -> None:
        self._hashers.clear()
        self._dummies.clear()


PASSWORD_HASHERS = CacheSpec("password_hashers", Hashers, "one per Argon2 cost in the settings; never evicted")


async def hash_password(runtime: Runtime, password: str) -> str:
    hasher = runtime.caches.get(PASSWORD_HASHERS).get(runtime.settings)
    return await anyio.to_thread.run_sync(hasher.hash, password)


async def verify_password(runtime: Runtime, password: str, password_hash: str) -> bool:
    hasher = runtime.caches.get(PASSWORD_HASHERS).get(runtime.settings)
    try:
        return await anyio.to_thread.run_sync(hasher.verify, password, password_hash)
    except Exception:
        return False


async def verify_no_password(runtime: Runtime, password: str) -> None:
    """Spend the time of a verification when there is no account to verify against."""
    hashers = runtime.caches.get(PASSWORD_HASHERS)
    await verify_password(runtime, password, await hashers.dummy_hash(runtime.settings))


def new_session_id() -> str:
    return secrets.token_urlsafe(24)


def create_token(settings: Settings, user_id: int, session_id: str, expires_at: datetime) -> str:
    now = utcnow()
    claims = {"sub": str(user_id), "sid": session_id, "iat": int(now.timestamp()), "exp": int(expires_at.timestamp())}
    return jwt.encode(claims, settings.secret_key(), algorithm=ALGORITHM)


MAX_VERIFIED_TOKENS = 4096


class VerifiedTokens(OrderedDict[tuple[str, str], dict[str, Any]]):
    """Claims of tokens whose signature was checked, by (key, token), least recently used first."""

    def reset(self) -> None:
        self.clear()


VERIFIED_TOKENS = CacheSpec(
    "verified_tokens", VerifiedTokens,
    f"least recently used out past {MAX_VERIFIED_TOKENS}; an expired token leaves when presented")


def decode_token(runtime: Runtime, token: str) -> dict[str, Any]:
    """The only place tokens are decoded: HS256 pinned, exp/iat/sub required; any failure is a 401.

    Every request of a member presents the same token until it expires, and checking its signature cost more than
    reading the member: the claims of tokens already verified with this key are kept (least recently used first out)
    and only their expiry is checked again."""
    settings, verified = runtime.settings, runtime.caches.get(VERIFIED_TOKENS)
    key = (settings.secret_key(), token)
    claims = verified.get(key)
    if claims is not None:
        if claims["exp"] >= time.time():
            verified.move_to_end(key)
            return dict(claims)
        del verified[key]
        raise Unauthorized()
    claims = _decode(settings, token)
    verified[key] = dict(claims)
    if len(verified) > MAX_VERIFIED_TOKENS:
        verified.popitem(last=False)
    return claims


def _decode(settings: Settings, token: str) -> dict[str, Any]:
    try:
        claims = jwt.decode(
            token,
            settings.secret_key(),
            algorithms=[ALGORITHM],
            options={"require_exp": True, "require_iat": True, "require_sub": True, "verify_aud": False},
        )
    except (JOSEError, ValueError, TypeError, AttributeError, OverflowError, RecursionError) as exc:
        # Signed payloads can still be odd: python-jose converts exp/iat to datetimes (Infinity overflows) and a
        # deeply nested claim exhausts the JSON parser's recursion.
        raise Unauthorized() from exc
    if not _well_formed(claims):
        raise Unauthorized()
    return claims


def _well_formed(claims: Any) -> bool:
    """The claims as this module writes them, no other shape: python-jose checks signatures and dates, not types
    or ranges, and what passes here reaches the database (a NUL or a lone surrogate in `sid` made it fail)."""
    if not isinstance(claims, dict):
        return False
    sub, sid, iat, exp = (claims.get(name) for name in ("sub", "sid", "iat", "exp"))
    now = time.time()
    return (
        isinstance(sub, str) and sub.isascii() and sub.isdigit() and len(sub) <= 18  # 18 digits stay within BIGINT
        and isinstance(sid, str) and 0 < len(sid) <= SESSION_ID_MAX and sid.isascii() and sid.isprintable()
        and type(iat) is int and 0 <= iat <= now + CLOCK_SKEW_S
        and type(exp) is int and iat < exp <= now + MAX_TOKEN_LIFETIME_S
    )


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
    from app.users.accounts import resolve_actor  # late: accounts imports this module

    token = token_from_request(request)
    if token is None:
        await limit_address(request)
        raise Unauthorized(headers={"WWW-Authenticate": "Bearer"})
    try:
        actor = await resolve_actor(runtime_of(request), session, token, renew=True)
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
