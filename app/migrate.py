"""Run Alembic programmatically on a database URL (CLI, serve start-up, tests)."""

from alembic import command
from alembic.config import Config

from app.package_data import alembic_ini, migrations_dir


def alembic_config(database_url: str) -> Config:
    """The packaged alembic.ini and migrations (app/package_data.py), so that an installed wheel migrates from any
    working folder; `alembic` run from the repository root reads the same files through its own alembic.ini."""
    config = Config(str(alembic_ini()))
    config.set_main_option("script_location", str(migrations_dir()))
    config.attributes["database_url"] = database_url
    config.attributes["configure_logging"] = False
    return config


def upgrade(database_url: str, revision: str = "head") -> None:
    command.upgrade(alembic_config(database_url), revision)


def downgrade(database_url: str, revision: str) -> None:
    command.downgrade(alembic_config(database_url), revision)
