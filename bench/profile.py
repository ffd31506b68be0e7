"""Cost of single requests, in-process (httpx over ASGI, no server, no concurrency): SQL statements and CPU time
per request, optionally the statements themselves with PostgreSQL's EXPLAIN ANALYZE of each SELECT:

    python -m bench.profile --database-url postgresql://postgres@127.0.0.1:5432/ruche_bench \\
        /api/v1/feed /api/v1/groups/3/posts / [--sql] [--explain]

Signs in as bench2 (`--viewer`). CPU time is the process's (it includes httpx's share, about the cost of
`/api/v1/ping`); it moves far less than wall time on a shared machine.
"""

import argparse
import asyncio
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import event

from app.config import Settings, async_url
from app.main import create_app
from bench.dataset import BENCH_PASSWORD, bench_email


async def profile(database_url: str, paths: list[str], *, viewer: int, repeat: int, show_sql: bool,
                  explain: bool) -> None:
    settings = Settings(DATA_DIR=Path(tempfile.mkdtemp(prefix="ruche-profile-")), DATABASE_URL=database_url,
                        RATE_LIMITS="off", SEARCH_INDEXER="off")
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        statements: list[tuple[str, Any]] = []

        def record(_conn: Any, _cursor: Any, statement: str, parameters: Any, _context: Any, _many: bool) -> None:
            statements.append((statement, parameters))

        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://bench") as client:
            r = await client.post("/api/v1/auth/token",
                                  data={"username": bench_email(viewer), "password": BENCH_PASSWORD})
            r.raise_for_status()
            headers = {"Authorization": f"Bearer {r.json()['access_token']}"}
            event.listen(app.state.runtime.engine.sync_engine, "before_cursor_execute", record)
            for path in paths:
                for _ in range(10):  # warm caches: SQLAlchemy's compiled statements, asyncpg's prepared ones
                    await client.get(path, headers=headers)
                statements.clear()
                wall, cpu = time.perf_counter(), time.process_time()
                for _ in range(repeat):
                    status = (await client.get(path, headers=headers)).status_code
                wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
                one = statements[: len(statements) // repeat]
                print(f"{path:40} {status}  {len(statements) / repeat:5.1f} statements  "
                      f"cpu {cpu / repeat * 1000:6.2f} ms  wall {wall / repeat * 1000:6.2f} ms")
                if show_sql or explain:
                    await _show(app, one, explain)
            event.remove(app.state.runtime.engine.sync_engine, "before_cursor_execute", record)


async def _show(app: Any, statements: list[tuple[str, Any]], explain: bool) -> None:
    for statement, parameters in statements:
        print("    " + " ".join(statement.split())[:300])
        if explain and statement.lstrip().upper().startswith("SELECT") and app.state.runtime.engine.dialect.name == "postgresql":
            async with app.state.runtime.engine.connect() as conn:
                raw = await conn.get_raw_connection()
                rows = await raw.driver_connection.fetch(  # type: ignore[union-attr]
                    "EXPLAIN (ANALYZE, BUFFERS) " + statement, *(parameters or ()))
                for row in rows:
                    print("        " + row[0])


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.profile", description=__doc__.split("\n")[0])
    parser.add_argument("paths", nargs="+", help="GET paths, e.g. /api/v1/feed")
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--viewer", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=100)
    parser.add_argument("--sql", action="store_true", help="print the statements of one request")
    parser.add_argument("--explain", action="store_true", help="EXPLAIN ANALYZE each SELECT (PostgreSQL)")
    args = parser.parse_args(argv)
    asyncio.run(profile(async_url(args.database_url), args.paths, viewer=args.viewer, repeat=args.repeat,
                        show_sql=args.sql, explain=args.explain))
    sys.stdout.flush()


if __name__ == "__main__":
    main()
