"""`ruche backup FILE` and `ruche restore FILE` (top-level commands: see app/ops/feature.py)."""

from collections.abc import Callable
from pathlib import Path
from typing import Annotated

import typer

from app.config import get_settings
from app.ops.archive import OpsError

ops_cli = typer.Typer()


@ops_cli.command("backup")
def backup_command(
    path: Annotated[Path, typer.Argument(help="archive file to write, e.g. ruche-2026-12-07.tar.gz")],
) -> None:
    """Write the database, uploads and generated secret key into one archive file (the search index is rebuilt
    on restore)."""
    from app.ops.backup import backup

    _run(lambda: backup(get_settings(), path))


@ops_cli.command("restore")
def restore_command(
    path: Annotated[Path, typer.Argument(help="archive file written by `ruche backup`")],
) -> None:
    """Restore an archive into an empty database (refused when it has any member), then rebuild the search index."""
    from app.ops.restore import restore

    _run(lambda: restore(get_settings(), path))


def _run(operation: Callable[[], str]) -> None:
    try:
        summary = operation()
    except OpsError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from exc
    except OSError as exc:  # a folder that cannot be written, a full disk: the system's reason, in one line
        where = f": {exc.filename}" if exc.filename else ""
        typer.echo(f"error: {exc.strerror or exc}{where}", err=True)
        raise typer.Exit(1) from exc
    typer.echo(summary)
