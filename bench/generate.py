"""Load the benchmark community into an empty database (migrated first), fast and reproducibly:

    python -m bench.generate --members 1000 --groups 100 --posts 100000 --comments 300000 \\
        --follows 50 --group-joins 10 --database-url postgresql://postgres@127.0.0.1:5432/ruche_bench

Every member signs in as bench{i}@example.com with the password `bench-password-2026` (one Argon2 hash computed
once, shared by all). PostgreSQL is loaded with COPY (asyncpg) then VACUUM ANALYZEd; SQLite with executemany in one
transaction. The outbox holds the history, as a network's does: one activity per post, comment and reaction, as the
app writes them, and the notifier's cursor stands after them (a server on a fresh data folder indexes that history
for search, in the background). Ids continue after the loaded rows, so the app inserts normally afterwards.
"""

import argparse
import asyncio
import sqlite3
import sys
import time
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from itertools import islice
from typing import Any

from sqlalchemy.engine import make_url

from app.config import Settings, async_url
from app.runtime import Runtime
from app.security import hash_password
from bench.dataset import (
    BENCH_PASSWORD,
    COLUMNS,
    DEFAULT_END,
    ID_TABLES,
    NOTIFIER_AFTER_HISTORY,
    TABLES,
    Dataset,
    Sizes,
)
from bench.progress import Progress

BATCH = 20_000
SQLITE_DATETIME = "%Y-%m-%d %H:%M:%S.%f"  # the text form SQLAlchemy stores for DateTime on SQLite


class NotEmpty(Exception):
    """The target database already has members: the generator only fills an empty one."""


async def load(database_url: str, sizes: Sizes, *, password_hash: str | None = None, quiet: bool = False,
               settings: Settings | None = None) -> dict[str, int]:
    """Write the dataset into a migrated, empty database; return the rows written per table."""
    if password_hash is None:
        password_hash = await hash_password(Runtime(settings or Settings()), BENCH_PASSWORD)
    dataset = Dataset(sizes, password_hash)
    url = make_url(async_url(database_url))
    if url.get_backend_name() == "sqlite":
        # In a thread: the caller's event loop (the app in tests) must keep running to release its own locks.
        return await asyncio.to_thread(_load_sqlite, url.database or "", dataset, quiet)
    return await _load_postgres(url.set(drivername="postgresql").render_as_string(hide_password=False),
                                dataset, quiet)


async def _load_postgres(dsn: str, dataset: Dataset, quiet: bool) -> dict[str, int]:
    import asyncpg

    conn = await asyncpg.connect(dsn)
    written: dict[str, int] = {}
    try:
        if await conn.fetchval("SELECT count(*) FROM users"):
            raise NotEmpty("the database already has members")
        async with conn.transaction():
            for table in TABLES:
                written[table] = 0
                for batch in _batches(dataset.rows(table), dataset.count(table), table, quiet):
                    await conn.copy_records_to_table(table, records=batch, columns=list(COLUMNS[table]))
                    written[table] += len(batch)
            for table in ID_TABLES:  # the next id the app inserts follows the loaded ones
                await conn.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                    f"GREATEST((SELECT max(id) FROM \"{table}\"), 1), (SELECT count(*) FROM \"{table}\") > 0)"
                )
            await conn.execute(NOTIFIER_AFTER_HISTORY)
        await conn.execute("VACUUM ANALYZE")  # statistics, and a visibility map for index-only scans
    finally:
        await conn.close()
    return written


def _load_sqlite(path: str, dataset: Dataset, quiet: bool) -> dict[str, int]:
    conn = sqlite3.connect(path, isolation_level=None)
    written: dict[str, int] = {}
    try:
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA foreign_keys=ON")
        conn.execute("PRAGMA busy_timeout=5000")
        if conn.execute("SELECT count(*) FROM users").fetchone()[0]:
            raise NotEmpty("the database already has members")
        conn.execute("BEGIN IMMEDIATE")
        try:
            for table in TABLES:
                columns = COLUMNS[table]
                sql = f'INSERT INTO "{table}" ({", ".join(columns)}) VALUES ({", ".join("?" * len(columns))})'
                written[table] = 0
                for batch in _batches(_sqlite_rows(dataset.rows(table)), dataset.count(table), table, quiet):
                    conn.executemany(sql, batch)
                    written[table] += len(batch)
            conn.execute(NOTIFIER_AFTER_HISTORY)
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("ANALYZE")
    finally:
        conn.close()
    return written


def _batches(rows: Iterable[tuple[Any, ...]], total: int, label: str, quiet: bool) -> Iterator[list[tuple[Any, ...]]]:
    bar = None if quiet else Progress(label, total)
    iterator = iter(rows)
    while batch := list(islice(iterator, BATCH)):
        yield batch
        if bar:
            bar.update(len(batch))
    if bar:
        bar.close()


def _sqlite_rows(rows: Iterable[tuple[Any, ...]]) -> Iterator[tuple[Any, ...]]:
    for row in rows:
        yield tuple(v.strftime(SQLITE_DATETIME) if isinstance(v, datetime) else v for v in row)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.generate", description=__doc__.split("\n")[0])
    parser.add_argument("--members", type=int, default=1000)
    parser.add_argument("--groups", type=int, default=100)
    parser.add_argument("--posts", type=int, default=100_000)
    parser.add_argument("--comments", type=int, default=300_000)
    parser.add_argument("--reactions", type=int, default=None, help="default: 3 per post")
    parser.add_argument("--follows", type=int, default=50, help="members each member follows")
    parser.add_argument("--group-joins", type=int, default=10, help="groups each member joins")
    parser.add_argument("--days", type=int, default=365, help="posts spread over this many days")
    parser.add_argument("--end", default=DEFAULT_END.date().isoformat(), help="date of the newest post (UTC)")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--database-url", default=None, help="default: RUCHE_DATABASE_URL or the SQLite file")
    args = parser.parse_args(argv)
    if min(args.members, args.groups, args.posts, args.comments, args.follows, args.group_joins) < 0 or (
        args.members < 1
    ):
        parser.error("sizes must be positive (and at least one member)")
    return args


def main(argv: list[str] | None = None) -> None:
    from app.migrate import upgrade

    args = parse_args(argv)
    settings = Settings()
    url = async_url(args.database_url) if args.database_url else settings.database_url
    end = datetime.fromisoformat(args.end).replace(tzinfo=UTC)
    sizes = Sizes(members=args.members, groups=args.groups, posts=args.posts, comments=args.comments,
                  reactions=args.posts * 3 if args.reactions is None else args.reactions, follows=args.follows,
                  group_joins=args.group_joins, days=args.days, seed=args.seed, end=end)
    started = time.monotonic()
    upgrade(url)
    try:
        written = asyncio.run(load(url, sizes, settings=settings))
    except NotEmpty as exc:
        sys.exit(f"error: {exc}; generate into a freshly created database")
    total = sum(written.values())
    print(f"{total:,} rows in {time.monotonic() - started:.1f} s: "
          + ", ".join(f"{table} {n:,}" for table, n in written.items()))


if __name__ == "__main__":
    main()
