"""Migrations: an empty database goes to head, back to base and up again; models and schema agree.

Run on a temporary SQLite file and on a temporary PostgreSQL database (skipped when no server answers)."""

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory

import app.models  # noqa: F401  (registers every table)
from app.config import async_url
from app.db import Base
from app.migrate import alembic_config, downgrade, upgrade

DEFAULT_SERVER = "postgresql://postgres@127.0.0.1:5432/postgres"


def _sync_url(url: str) -> str:
    return async_url(url).replace("+asyncpg", "+psycopg").replace("+aiosqlite", "")


def _server_url() -> sa.URL:
    url = sa.make_url(os.environ.get("RUCHE_TEST_DATABASE_URL") or DEFAULT_SERVER)
    return url.set(drivername="postgresql+psycopg", database="postgres")


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'migrations.db'}"


@pytest.fixture
def postgresql_url() -> Iterator[str]:
    """A fresh, uniquely named database on the test server, dropped afterwards."""
    server = _server_url()
    admin = sa.create_engine(server, isolation_level="AUTOCOMMIT")
    name = f"ruche_mig_{uuid.uuid4().hex[:10]}"
    try:
        with admin.connect() as conn:
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    except sa.exc.OperationalError as exc:
        admin.dispose()
        pytest.skip(f"PostgreSQL unreachable: {exc.orig}")
    try:
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_database(request: pytest.FixtureRequest) -> str:
    return str(request.getfixturevalue(f"{request.param}_url"))


def _tables(url: str) -> set[str]:
    engine = sa.create_engine(_sync_url(url))
    try:
        with engine.connect() as conn:
            return set(sa.inspect(conn).get_table_names())
    finally:
        engine.dispose()


def _differences(url: str) -> list[object]:
    engine = sa.create_engine(_sync_url(url))
    try:
        with engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            return list(compare_metadata(context, Base.metadata))
    finally:
        engine.dispose()


class TestMigrations:
    def test_one_head(self) -> None:
        script = ScriptDirectory.from_config(alembic_config("sqlite://"))
        assert len(script.get_heads()) == 1, script.get_heads()

    def test_upgrade_downgrade_upgrade_an_empty_database(self, empty_database: str) -> None:
        url = async_url(empty_database)
        upgrade(url)
        assert {t.name for t in Base.metadata.sorted_tables} <= _tables(empty_database)
        downgrade(url, "base")
        assert _tables(empty_database) <= {"alembic_version"}
        upgrade(url)
        assert {t.name for t in Base.metadata.sorted_tables} <= _tables(empty_database)

    def test_models_and_migrated_schema_agree(self, empty_database: str) -> None:
        """The equivalent of `alembic check`: autogenerate finds nothing to do after upgrading to head."""
        upgrade(async_url(empty_database))
        assert _differences(empty_database) == []

    def test_every_revision_steps_down_and_up(self, sqlite_url: str) -> None:
        url = async_url(sqlite_url)
        script = ScriptDirectory.from_config(alembic_config(url))
        revisions = [r.revision for r in script.walk_revisions("base", "heads")][::-1]
        for revision in revisions:
            upgrade(url, revision)
        for _ in revisions:
            downgrade(url, "-1")
        assert _tables(sqlite_url) <= {"alembic_version"}
        upgrade(url)
        assert _differences(sqlite_url) == []
