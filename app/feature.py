"""What a feature contributes to the application, declared in one place: its folder's `feature.py`.

A feature is a folder under `app/` (models, service, routes, pages...) with a `feature.py` that defines `FEATURE`;
`app/features.py` lists the features, one line each. Everything the application assembles (routers in their
matching order, background components, the tables Alembic sees, CLI commands) is read from these declarations,
so adding a feature is one folder plus one line. Entries are `"module:attribute"` strings, imported only when the
application is assembled: a feature's declaration never imports its own code, so declaring cannot create cycles."""

import importlib
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Feature:
    name: str
    # Modules declaring tables (imported so that SQLAlchemy and Alembic see the whole schema).
    models: tuple[str, ...] = ()
    # APIRouters, in the order FastAPI should try them: the most requested first (a route's place in the list is
    # what a request pays to reach it), a fixed path before a path parameter that would capture it.
    routers: tuple[str, ...] = ()
    # Modules with `async start(app)` and `async stop(app)`: background work run by the application's lifespan.
    components: tuple[str, ...] = ()
    # (command name, "module:typer_app") added to the `ruche` command line: `ruche <name> <command>`; with an empty
    # name, the Typer's commands are top-level ones (`ruche <command>`).
    commands: tuple[tuple[str, str], ...] = ()


def load(reference: str) -> Any:
    """The object a `"module:attribute"` (or a plain module) reference names."""
    module_name, _, attribute = reference.partition(":")
    module = importlib.import_module(module_name)
    return getattr(module, attribute) if attribute else module
