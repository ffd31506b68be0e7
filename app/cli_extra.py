"""Commands contributed by other domains are registered on `app.cli.cli` from here."""

from app.cli import cli  # noqa: E402
from app.search.cli import search_cli  # noqa: E402

cli.add_typer(search_cli, name="search")
