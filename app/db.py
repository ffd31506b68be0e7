"""Database: declarative base, engine, and the per-request unit of work."""

import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Annotated, Any

from fastapi import Depends, Request
from sqlalchemy import BigInteger, DateTime, Integer, MetaData, event
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.orm import DeclarativeBase
from sqlalchemy.types import TypeDecorator

from app.config import Settings

if TYPE_CHECKING:
    from app.runtime import Runtime

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# SQLite only autoincrements INTEGER PRIMARY KEY; PostgreSQL ids grow past 2**31 on busy networks.
BigId = BigInteger().with_variant(Integer, "sqlite")


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC datetimes on every backend (SQLite stores them naive)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value


def utcnow() -> datetime:
    return datetime.now(UTC)


def make_engine(settings: Settings, **overrides: Any) -> AsyncEngine:
    """Engine with the reliability defaults of SECURITY.md for each backend."""
    url = settings.database_url
    if url.startswith("sqlite"):
        settings.DATA_DIR.mkdir(parents=True, exist_ok=True)
        engine = create_async_engine(url, connect_args={"timeout": 5}, **overrides)
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        event.listen(engine.sync_engine, "savepoint", _sqlite_begin_before_savepoint)
        return engine
    options: dict[str, Any] = {
        # No ping on every checkout (a round trip per request): a connection the server dropped fails its request
        # with a 503 (app.errors), and SQLAlchemy then invalidates the whole pool, so the next request reconnects.
        "pool_pre_ping": False,
        "pool_timeout": 5,
        # Enough connections for the requests a worker serves at once: when more are out, the extra ones are closed
        # on return, and opening them again under load cost more than the requests themselves.
        "pool_size": 20,
        "max_overflow": 10,
        # asyncpg waits 60 s for a connection by default: a dead server must turn into a quick 503 instead.
        # Statements are prepared once per connection; a generic plan spares planning them again on each run (the
        # home feed's planning took longer than its execution), and every statement of Ruche is keyset-paged or a
        # key lookup, whose best plan does not depend on the values. For the same reason no Memoize nodes: a feed
        # page joins twenty posts to their authors and groups, and setting up the caches of those lookups on each
        # run cost more than it saved (feed statement 0.47 -> 0.43 ms of PostgreSQL CPU, group feed 0.50 -> 0.43).
        # No JIT: a generic plan does not know a page's LIMIT, so its cost estimate (a tenth of the table) crossed
        # `jit_above_cost` once the home feed gained the followed-topics condition, and each execution spent 60 ms
        # compiling for a query that runs in 1 ms. Every statement of Ruche is keyset-paged or a key lookup.
        # `statement_timeout` runs inside PostgreSQL: a frozen server or a silent partition never sends its error.
        # The driver's own `command_timeout` bounds every statement from this side (a little above the server's
        # limit, so a slow statement still gets PostgreSQL's error first), and the request becomes a 503.
        "connect_args": {"timeout": 5, "command_timeout": COMMAND_TIMEOUT_S, "server_settings": {
            "statement_timeout": "5000", "lock_timeout": "2000", "plan_cache_mode": "force_generic_plan",
            "enable_memoize": "off", "jit": "off"}},
    }
    if "poolclass" in overrides:
        for key in ("pool_size", "max_overflow", "pool_timeout"):
            options.pop(key)
    options.update(overrides)
    engine = create_async_engine(url, **options)
    event.listen(engine.sync_engine, "connect", _tcp_keepalive)
    return engine


COMMAND_TIMEOUT_S = 7
# A connection whose peer vanished (a partition, a host gone) is noticed by the kernel within ~25 s even when
# idle in the pool (keepalive probes), and a request waiting on unacknowledged data fails after 15 s.
_KEEPALIVE = ((socket.SO_KEEPALIVE, 1),)
_TCP_KEEPALIVE = tuple((getattr(socket, name), value) for name, value in (
    ("TCP_KEEPIDLE", 10), ("TCP_KEEPINTVL", 5), ("TCP_KEEPCNT", 3), ("TCP_USER_TIMEOUT", 15_000))
    if hasattr(socket, name))


def _tcp_keepalive(dbapi_connection: Any, _record: Any) -> None:
    transport = getattr(getattr(dbapi_connection, "_connection", None), "_transport", None)
    sock = transport.get_extra_info("socket") if transport is not None else None
    if sock is None or sock.family not in (socket.AF_INET, socket.AF_INET6):
        return  # a Unix socket: no network in between
    for option, value in _KEEPALIVE:
        sock.setsockopt(socket.SOL_SOCKET, option, value)
    for option, value in _TCP_KEEPALIVE:
        sock.setsockopt(socket.IPPROTO_TCP, option, value)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _sqlite_begin_before_savepoint(conn: Any, _name: str) -> None:
    """Open the transaction before a SAVEPOINT when the driver has not yet.

    pysqlite only sends BEGIN before INSERT/UPDATE/DELETE; a SAVEPOINT issued first (begin_nested) then opens
    the transaction itself, and releasing it COMMITS at once: the unit of work would no longer be atomic."""
    dbapi_connection = conn.connection.dbapi_connection
    driver_connection = getattr(dbapi_connection, "_connection", dbapi_connection)  # aiosqlite's, or sqlite3's
    if not driver_connection.in_transaction:
        conn.exec_driver_sql("BEGIN")


def make_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False, autoflush=False)


def run_after_commit(runtime: "Runtime", session: AsyncSession) -> None:
    """Wake the outbox consumers (`runtime.after_commit`: the bus, the index writer) once the work they read is
    committed."""
    if session.info.pop("activity_added", False):
        for hook in runtime.after_commit:
            hook()


READ_METHODS = ("GET", "HEAD")


async def get_session(request: Request) -> AsyncIterator[AsyncSession]:
    async with request.app.state.runtime.sessionmaker() as session:
        autocommit = (request.method in READ_METHODS and session.bind is not None
                      and session.bind.dialect.name == "postgresql")
        if autocommit:
            # Reads need no BEGIN and COMMIT (two round trips per request): under READ COMMITTED each statement
            # sees what was committed before it started, inside a transaction or not. GET handlers do not write.
            await session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})
        try:
            yield session
            # Each statement has committed already; the session's commit would only walk its bookkeeping, unless
            # something was left to flush.
            if not autocommit or session.new or session.dirty or session.deleted:
                await session.commit()
        except Exception:
            await session.rollback()
            raise
    run_after_commit(request.app.state.runtime, session)


SessionDep = Annotated[AsyncSession, Depends(get_session, scope="function")]


@asynccontextmanager
async def session_scope(
    sessionmaker: async_sessionmaker[AsyncSession], runtime: "Runtime | None" = None
) -> AsyncIterator[AsyncSession]:
    """A unit of work for scripts and background tasks; with `runtime`, its commit wakes the outbox's consumers."""
    async with sessionmaker() as session:
        try:
            yield session
            await session.commit()
        except Exception:
            await session.rollback()
            raise
    if runtime is not None:
        run_after_commit(runtime, session)
