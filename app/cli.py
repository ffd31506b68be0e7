"""The `ruche` command line."""

import asyncio
import contextlib
import os
import shutil
import signal
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from types import FrameType
from typing import Annotated

import typer

from app.config import get_settings

cli = typer.Typer(help="Ruche: a self-hosted internal social network.", no_args_is_help=True)
db_cli = typer.Typer(help="Database migrations (Alembic).", no_args_is_help=True)
admin_cli = typer.Typer(help="Administration tasks.", no_args_is_help=True)
cli.add_typer(db_cli, name="db")
cli.add_typer(admin_cli, name="admin")


@cli.command()
def serve(
    host: Annotated[str, typer.Option(help="Interface to bind")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port")] = 8000,
    workers: Annotated[int, typer.Option(min=1, help="uvicorn worker processes")] = 1,
) -> None:
    """Apply pending migrations, then serve pages, API and websocket."""
    import logging

    import uvicorn

    from app import migrate
    from app.observability.logging import logging_config

    settings = get_settings()
    settings.secret_key()
    migrate.upgrade(settings.database_url)
    if workers > 1 and not settings.REDIS_URL:
        logging.getLogger("ruche").warning(
            "several workers without RUCHE_REDIS_URL: live events stay within each worker")
    index_writer = None
    if settings.SEARCH_INDEXER == "auto":
        # The search index is written by a lower-priority process of its own (app/search/process.py), not by the
        # web workers, which read it.
        from app.search.process import IndexWriterProcess

        index_writer = IndexWriterProcess().start()
        os.environ["RUCHE_SEARCH_INDEXER"] = "off"
        get_settings.cache_clear()
    if settings.METRICS_TOKEN and workers > 1:
        _metrics_folder(settings.DATA_DIR)
    log_config = logging_config(settings.LOG_FORMAT)
    try:
        with _on_stop_signal(index_writer.stop if index_writer is not None else lambda: None):
            # On SIGTERM/SIGINT uvicorn's supervisor passes SIGTERM to each worker, which stops accepting, answers
            # the requests it holds (SHUTDOWN_TIMEOUT_S at most), closes its websockets with 1012 ("service
            # restart": clients reconnect with `since`), then stops its components (app.main.lifespan).
            uvicorn.run(
                "app.main:create_app", factory=True, host=host, port=port, workers=workers,
                # Live sockets idle by the thousand: no per-socket zlib state (45 KiB each), the lighter sans-I/O
                # protocol.
                ws="websockets-sansio", ws_per_message_deflate=False, ws_max_size=64 * 1024,
                timeout_graceful_shutdown=settings.SHUTDOWN_TIMEOUT_S, proxy_headers=False, access_log=False,
                # JSON logs: every worker's lines, uvicorn's included, as JSON objects (else uvicorn's own format).
                log_config=log_config or uvicorn.config.LOGGING_CONFIG,
            )
    finally:
        if index_writer is not None:
            index_writer.stop()


def _metrics_folder(data_dir: Path) -> None:
    """Workers share their metrics through files (prometheus-client's multiprocess mode), in a folder emptied at
    each start: files of the previous run's processes would be summed with this run's. Set before any worker
    imports prometheus-client, which reads the variable then."""
    folder = data_dir.resolve() / "metrics"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(folder)


STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)


@contextlib.contextmanager
def _on_stop_signal(on_stop: Callable[[], None]) -> Iterator[None]:
    """Runs `on_stop` (in a thread) as soon as SIGTERM or SIGINT arrives, while uvicorn drains its connections, and
    makes a signalled stop exit with 0.

    uvicorn owns the signal handlers while it runs; the signal reaches us through the interpreter's wake-up file
    descriptor, which every signal with a Python handler writes its number to (with one worker, that worker's
    event loop takes the descriptor over while it runs: `on_stop` then comes from serve's `finally`, after the
    drain). With one worker, uvicorn also re-raises the signal once it has shut down, to the handler it found:
    ours, which lets `ruche serve` return normally instead of dying of the signal (exit 143) before its
    `finally`."""

    def stopped(sig: int, frame: FrameType | None) -> None:
        pass  # the stop is under way (or done): nothing left to interrupt

    previous = {sig: signal.signal(sig, stopped) for sig in STOP_SIGNALS}
    read_fd, write_fd = os.pipe()
    os.set_blocking(write_fd, False)
    previous_wakeup = signal.set_wakeup_fd(write_fd, warn_on_full_buffer=False)

    def watch() -> None:
        while data := os.read(read_fd, 64):
            if any(number in STOP_SIGNALS for number in data):
                on_stop()
                return

    watcher = threading.Thread(target=watch, name="ruche-stop-signal", daemon=True)
    watcher.start()
    try:
        yield
    finally:
        signal.set_wakeup_fd(previous_wakeup)
        os.close(write_fd)  # the watcher reads the end of the pipe and returns
        watcher.join(5)
        os.close(read_fd)
        for sig, handler in previous.items():
            signal.signal(sig, handler)


@db_cli.command("upgrade")
def db_upgrade(revision: Annotated[str, typer.Argument()] = "head") -> None:
    """Upgrade the configured database (to head by default)."""
    from app import migrate

    migrate.upgrade(get_settings().database_url, revision)


@db_cli.command("downgrade")
def db_downgrade(revision: Annotated[str, typer.Argument(help="target revision, e.g. base or -1")]) -> None:
    """Downgrade the configured database to REVISION."""
    from app import migrate

    migrate.downgrade(get_settings().database_url, revision)


@cli.command()
def demo(members: Annotated[int, typer.Option(min=5, max=5000, help="number of members")] = 60) -> None:
    """Seed a believable demo community (French and English) into an empty database."""
    from app import migrate
    from app.demo.seed import seed

    settings = get_settings()
    migrate.upgrade(settings.database_url)
    created = asyncio.run(seed(settings, members))
    typer.echo(created)


@admin_cli.command("create")
def admin_create(
    email: Annotated[str, typer.Option(help="email of the new admin")],
    name: Annotated[str, typer.Option(help="display name")],
    password_stdin: Annotated[bool, typer.Option("--password-stdin", help="read the password from stdin")] = False,
) -> None:
    """Create an administrator account."""
    from app import migrate
    from app.users.admin import create_admin

    password = sys.stdin.readline().rstrip("\n") if password_stdin else typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    settings = get_settings()
    migrate.upgrade(settings.database_url)
    try:
        user_id = asyncio.run(create_admin(settings, email, name, password))
    except Exception as exc:  # show the reason, not a traceback
        typer.echo(f"error: {getattr(exc, 'detail', exc)}", err=True)
        raise typer.Exit(1) from exc
    typer.echo(f"admin created: id {user_id}")


@admin_cli.command("import")
def admin_import(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="CSV file: email,display_name,"
                                                                          "department,title,location,skills")],
    dry_run: Annotated[bool, typer.Option("--dry-run", help="report what would change, write nothing")] = False,
    language: Annotated[str, typer.Option(help="language of the invitation e-mails: en or fr")] = "en",
) -> None:
    """Import members from a CSV file: create (and invite) new addresses, update known ones."""
    from app import migrate
    from app.users.admin import import_file

    settings = get_settings()
    migrate.upgrade(settings.database_url)
    try:
        report = asyncio.run(import_file(settings, file.read_bytes(), dry_run=dry_run, lang=language,
                                         stream=sys.stderr))
    except Exception as exc:  # an unreadable file, no admin yet: the reason, not a traceback
        typer.echo(f"error: {getattr(exc, 'detail', exc)}", err=True)
        raise typer.Exit(1) from exc
    verb = "would be" if dry_run else "were"
    typer.echo(f"{len(report.created)} accounts {verb} created, {len(report.updated)} updated, "
               f"{len(report.unchanged)} unchanged, {len(report.errors)} lines refused")
    for line, problem in report.errors:
        typer.echo(f"line {line}: {problem}")
    if report.errors:
        raise typer.Exit(1)


def add_feature_commands() -> None:
    """The commands each feature declares (app.features), added once."""
    from app.feature import load
    from app.features import features

    added = {id(group.typer_instance) for group in cli.registered_groups}
    for feature in features():
        for name, reference in feature.commands:
            commands = load(reference)
            if id(commands) in added:
                continue
            if name:
                cli.add_typer(commands, name=name)
            else:  # no group name: its commands are top-level ones (`ruche backup`)
                cli.add_typer(commands)


def main() -> None:
    from pydantic import ValidationError

    from app.observability.logging import configure_logging

    try:
        settings = get_settings()
    except ValidationError as exc:  # a bad RUCHE_* value: say which, without a traceback
        error = exc.errors()[0]
        typer.echo(f"error: RUCHE_{'.'.join(map(str, error['loc']))}: {error['msg']}", err=True)
        raise SystemExit(1) from None
    configure_logging(settings.LOG_FORMAT)  # JSON: every command's lines, the index writer's included
    add_feature_commands()
    cli()


if __name__ == "__main__":
    main()
