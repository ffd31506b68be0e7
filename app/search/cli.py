"""`ruche search reindex` and `ruche search indexer`."""

import asyncio
import signal
from collections.abc import Callable
from typing import Annotated

import typer

from app.config import get_settings

search_cli = typer.Typer(help="Search index.", no_args_is_help=True)


@search_cli.command("reindex")
def reindex() -> None:
    """Rebuild the index from the database into a new folder, then swap it in (searches keep working)."""
    from app import migrate

    settings = get_settings()
    migrate.upgrade(settings.database_url)
    count = asyncio.run(rebuild_index(settings))
    typer.echo(f"search index rebuilt: {count} documents")


async def rebuild_index(settings: object, progress: Callable[[int], None] | None = None) -> int:
    """Rebuild this host's index from the database (also run by `ruche restore`); `progress` gets document counts."""
    from app.db import make_engine, make_sessionmaker
    from app.search.index import IndexStore
    from app.search.indexer import rebuild_into
    from app.search.runtime import search_root

    engine = make_engine(settings)  # type: ignore[arg-type]
    try:
        async with make_sessionmaker(engine)() as session:
            return await rebuild_into(IndexStore(search_root(settings)), session, progress)
    finally:
        await engine.dispose()


@search_cli.command("indexer")
def indexer(
    batch_size: Annotated[int, typer.Option(min=1, max=10_000, help="activities per index commit")] = 500,
    exit_when_idle: Annotated[bool, typer.Option(help="stop once every committed activity is indexed")] = False,
    commit_delay: Annotated[float, typer.Option(hidden=True, help="test hook: seconds to wait before each commit")] = 0.0,
) -> None:
    """Run this host's index writer (use with RUCHE_SEARCH_INDEXER=off on the web workers)."""
    settings = get_settings()
    asyncio.run(_indexer(settings, batch_size, exit_when_idle, commit_delay))


async def _indexer(settings: object, batch_size: int, exit_when_idle: bool, commit_delay: float) -> None:
    from app.db import make_engine, make_sessionmaker
    from app.outbox.read import gap_wait_for
    from app.search.index import IndexStore
    from app.search.indexer import Indexer
    from app.search.runtime import IndexerLock, run_indexer, search_root

    engine = make_engine(settings)  # type: ignore[arg-type]
    store = IndexStore(search_root(settings))
    work = Indexer(store, make_sessionmaker(engine), gap_wait_s=gap_wait_for(settings), batch_size=batch_size,
                   commit_delay=commit_delay)
    lock = IndexerLock(store.root)
    task = asyncio.create_task(run_indexer(work, lock, exit_when_idle=exit_when_idle))
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, task.cancel)
    try:
        await task
    except asyncio.CancelledError:
        pass
    finally:
        lock.release()
        await engine.dispose()
