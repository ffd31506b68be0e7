"""Commands contributed by other domains are registered on `app.cli.cli` from here."""
