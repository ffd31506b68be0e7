"""The database side of backups: what a database holds, and copying it out and back in.

SQLite is copied with its online backup API (`sqlite3.Connection.backup`): a consistent snapshot while the
service keeps running, which a file copy is not (a page of the WAL not yet checkpointed would be lost, or a page
half-written copied). PostgreSQL goes through `pg_dump` (custom format) and `pg_restore`, the programs of the
PostgreSQL client; the password travels in the environment, never on a command line others can read."""

import os
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.pool import NullPool

from app.config import Settings
from app.db import make_engine
from app.ops.archive import OpsError
from app.ops.progress import Progress, watching

# The tables a person checks after a restore (also the counts the manifest records, for information).
COUNTED = ("users", "groups", "group_memberships", "posts", "comments", "reactions")


@dataclass(frozen=True)
class DatabaseState:
    revision: str | None  # the Alembic revision; None when the database has no Ruche schema
    tables: frozenset[str]
    counts: dict[str, int]

    @property
    def members(self) -> int:
        return self.counts.get("users", 0)


def kind_of(settings: Settings) -> str:
    return "sqlite" if settings.is_sqlite else "postgresql"


async def inspect_database(settings: Settings) -> DatabaseState:
    """Its schema revision, tables and row counts (one short connection)."""
    if settings.is_sqlite and not sqlite_path(settings).exists():
        return DatabaseState(None, frozenset(), {})  # connecting would create the file: a refusal must leave none
    engine = _engine(settings)
    try:
        async with engine.connect() as conn:
            tables = frozenset(await conn.run_sync(lambda sync: inspect(sync).get_table_names()))
            revision = None
            if "alembic_version" in tables:
                revision = (await conn.execute(text("SELECT version_num FROM alembic_version"))).scalar()
            counts = {}
            for table in COUNTED:
                if table in tables:
                    counts[table] = (await conn.execute(text(f"SELECT count(*) FROM {table}"))).scalar_one()
            return DatabaseState(revision, tables, counts)
    except (SQLAlchemyError, OSError) as exc:
        raise OpsError(f"cannot read the database: {_first_line(exc)}") from exc
    finally:
        await engine.dispose()


def _engine(settings: Settings) -> AsyncEngine:
    if settings.is_sqlite:
        return make_engine(settings, poolclass=NullPool)
    # Counting a large table may take longer than the 5 s statements of requests are allowed: not this command's.
    return make_engine(settings, poolclass=NullPool,
                       connect_args={"timeout": 10, "server_settings": {"statement_timeout": "0"}})


def _first_line(exc: BaseException) -> str:
    lines = str(getattr(exc, "orig", None) or exc).strip().splitlines()
    return lines[0] if lines else type(exc).__name__


# SQLite

def sqlite_path(settings: Settings) -> Path:
    database = make_url(settings.database_url).database
    if not database or database == ":memory:" or database.startswith("file:"):
        raise OpsError("backups need a SQLite database file (RUCHE_DATABASE_URL=sqlite:///path/to/file.db)")
    return Path(database)


def sqlite_backup(source: Path, target: Path) -> None:
    """Copy the database at `source` into the new file `target` through SQLite's online backup."""
    if not source.is_file():
        raise OpsError(f"no SQLite database at {source}")
    # mode=rw: never create an empty database where the real one was expected.
    src = sqlite3.connect(f"{source.resolve().as_uri()}?mode=rw", uri=True, timeout=5)
    dst = sqlite3.connect(target)
    try:
        total = src.execute("PRAGMA page_count").fetchone()[0] * src.execute("PRAGMA page_size").fetchone()[0]
        # All pages in one step: in WAL mode the copy reads one snapshot without blocking writers, whereas a copy
        # in several steps starts over whenever the service writes in between (it might never finish).
        with watching(Progress("database", total, "bytes"), target):
            src.backup(dst)
    except sqlite3.Error as exc:
        raise OpsError(f"SQLite backup failed: {exc}") from exc
    finally:
        dst.close()
        src.close()


def sqlite_restore(copy: Path, target: Path) -> None:
    """Replace the content of the database at `target` (created if missing) by the archived copy, in one
    transaction of the backup API (another connection sees the old database or the new one, nothing between)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    src = sqlite3.connect(f"{copy.resolve().as_uri()}?mode=ro", uri=True)
    dst = sqlite3.connect(target, timeout=5)
    try:
        check = src.execute("PRAGMA quick_check").fetchone()[0]
        if check != "ok":
            raise OpsError(f"the archived SQLite database is damaged: {check}")
        # In steps, for the progress line: nobody else writes the staged copy, so the copy never has to restart.
        progress = Progress("database", copy.stat().st_size, "bytes")
        page_size = src.execute("PRAGMA page_size").fetchone()[0]
        src.backup(dst, pages=256, sleep=0,
                   progress=lambda _status, remaining, total: progress.set((total - remaining) * page_size))
        progress.close()
    except sqlite3.Error as exc:
        raise OpsError(f"SQLite restore failed: {exc}") from exc
    finally:
        dst.close()
        src.close()


# PostgreSQL

def require_program(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise OpsError(f"{name} not found: install the PostgreSQL client programs (e.g. `apt install "
                       f"postgresql-client`), of the server's major version or newer, and put them on the PATH")
    return found


def _libpq(settings: Settings) -> tuple[str, dict[str, str]]:
    """The connection URI for libpq without its password, and an environment carrying the password."""
    url = make_url(settings.database_url)
    env = dict(os.environ)
    if url.password is not None:
        env["PGPASSWORD"] = str(url.password)
    uri = url.set(drivername="postgresql", password=None).render_as_string(hide_password=False)
    return uri, env


def _run(args: list[str], env: dict[str, str], what: str) -> None:
    try:
        done = subprocess.run(args, env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True, check=False)
    except OSError as exc:
        raise OpsError(f"{what} could not start: {exc}") from exc
    if done.returncode != 0:
        lines = [line for line in done.stderr.splitlines() if line.strip()]
        detail = next((line for line in lines if "error" in line.lower()), lines[-1] if lines else "")
        raise OpsError(f"{what} failed (exit {done.returncode}): {detail.strip()}")


def pg_dump(settings: Settings, target: Path) -> None:
    program = require_program("pg_dump")
    uri, env = _libpq(settings)
    # Uncompressed: the archive is compressed once as a whole.
    args = [program, "--format=custom", "--compress=0", "--no-password", f"--file={target}", f"--dbname={uri}"]
    with watching(Progress("database", None, "bytes"), target):
        _run(args, env, "pg_dump")


def pg_restore(settings: Settings, dump: Path) -> None:
    """Load the dump into the (empty) database in one transaction: a failure leaves it as it was."""
    program = require_program("pg_restore")
    uri, env = _libpq(settings)
    # Objects belong to whoever restores: the role that made the backup may not exist here.
    args = [program, "--no-owner", "--no-privileges", "--single-transaction", "--exit-on-error", "--no-password",
            f"--dbname={uri}", str(dump)]
    with watching(Progress("database")):
        _run(args, env, "pg_restore")


async def drop_version_table(settings: Settings) -> None:
    """After `alembic downgrade base` only Alembic's own table is left: the dump brings its own."""
    engine = _engine(settings)
    try:
        async with engine.begin() as conn:
            await conn.execute(text("DROP TABLE IF EXISTS alembic_version"))
    finally:
        await engine.dispose()
