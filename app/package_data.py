"""Where the files that ship with the code are: migrations, alembic.ini, templates, catalogs and static files.

They are found through the installed package (`importlib.resources`), never beside a source tree: in a checkout,
app/_data holds symbolic links to the repository's migrations/, frontend/ and alembic.ini; a wheel or an sdist holds
copies (pyproject.toml, package data). Paths are computed once per process (`lru_cache`): they do not change while it
runs, so they are not process state."""

from functools import lru_cache
from importlib.resources import files
from pathlib import Path


@lru_cache
def data_dir() -> Path:
    root = files("app") / "_data"
    # Alembic, Jinja2's FileSystemLoader and Starlette's StaticFiles want real folders: Ruche is installed as files
    # (pip unpacks wheels), never imported from a zip archive.
    if not isinstance(root, Path) or not root.is_dir():
        raise RuntimeError(f"Ruche's package data is missing ({root}): reinstall the package")
    return root


def frontend_dir() -> Path:
    """templates/, translations/ (.po catalogs, compiled in memory at start-up) and static/."""
    return data_dir() / "frontend"


def migrations_dir() -> Path:
    return data_dir() / "migrations"


def alembic_ini() -> Path:
    return data_dir() / "alembic.ini"
