"""`ruche backup` and `ruche restore`: a demo network backed up and restored into an empty database on SQLite
and on PostgreSQL (every row of every table, the key, the uploads, the same search answers), and every refusal
(a database with members, a damaged or foreign archive, another kind of database, a newer schema)."""

import asyncio
import io
import json
import os
import shutil
import subprocess
import sys
import tarfile
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool
from typer.testing import CliRunner

from app import migrate
from app.config import ROOT_DIR, Settings, async_url, get_settings
from app.db import Base, make_engine
from app.demo.seed import seed
from app.features import load_models
from app.search.cli import rebuild_index
from app.search.index import IndexStore, SearcherPool
from app.search.queries import SearchRequest, SegmentColumns, execute, parse

TEST_DB_URL = os.environ.get("RUCHE_TEST_DATABASE_URL")
RESTORE_DB = "ruche_test_backup_restore"
# Words the demo's threads use in both languages, and one it never uses.
WORDS = ("veille", "phishing", "lancement", "benchmark", "bienvenue", "welcome", "horizon", "zzyzx")
CHECKED = ("users", "groups", "group_memberships", "posts", "comments", "reactions")
UPLOAD = ("uploads/2026/12/ab/cd-photo.webp", b"\x00not really a picture\xff" * 100)


def run_cli(*args: str, data_dir: Path, database_url: str | None = None, **env: str | None) -> Any:
    """`ruche ARGS` in this process (the worktree's code), with these settings in the environment."""
    from app.cli import add_feature_commands, cli

    add_feature_commands()
    environment: dict[str, str | None] = {
        name: None for name in os.environ if name.startswith("RUCHE_") and name != "RUCHE_TEST_DATABASE_URL"}
    environment.update(RUCHE_DATA_DIR=str(data_dir), RUCHE_DATABASE_URL=database_url, **env)
    get_settings.cache_clear()
    try:
        return CliRunner().invoke(cli, list(args), env=environment, catch_exceptions=False)
    finally:
        get_settings.cache_clear()


def settings_for(data_dir: Path, database_url: str | None = None) -> Settings:
    return Settings(DATA_DIR=data_dir, DATABASE_URL=database_url, SECRET_KEY=None, REDIS_URL=None,
                    ARGON2_MEMORY_KIB=1024, ARGON2_TIME_COST=1)


def prepare_data_dir(data_dir: Path) -> None:
    """The generated key and one upload, as a serving instance would have them."""
    settings_for(data_dir).secret_key()
    upload = data_dir / UPLOAD[0]
    upload.parent.mkdir(parents=True)
    upload.write_bytes(UPLOAD[1])


async def snapshot(settings: Settings) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, ordered by primary key."""
    load_models()
    engine = make_engine(settings, poolclass=NullPool)
    try:
        async with engine.connect() as conn:
            return {table.name: [tuple(row) for row in await conn.execute(
                        select(table).order_by(*table.primary_key.columns))]
                    for table in Base.metadata.sorted_tables}
    finally:
        await engine.dispose()


def search_answers(data_dir: Path) -> dict[str, list[int]]:
    """The posts each word finds through app.search, nothing hidden (every scope visible)."""
    pool = SearcherPool(IndexStore(data_dir / "search"), 1)
    try:
        answers = {}
        for word in WORDS:
            query = parse(word)
            assert query is not None
            hits, _ = execute(pool, SegmentColumns(), SearchRequest(query, frozenset(), kind="post", limit=50))
            answers[word] = sorted(hit.id for hit in hits)
        return answers
    finally:
        pool.close()


def assert_refused(result: Any, *fragments: str) -> None:
    assert result.exit_code == 1, (result.stdout, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert lines and lines[-1].startswith("error: "), result.stderr
    assert "Traceback" not in result.stderr
    for fragment in fragments:
        assert fragment in lines[-1], lines[-1]


async def assert_same_network(source: Settings, source_dir: Path, target: Settings, target_dir: Path) -> None:
    before, after = await snapshot(source), await snapshot(target)
    for table in CHECKED:
        assert before[table], table  # the demo has some of each: an empty table would prove nothing
    # The one row that must differ: the restored outbox counts its ids in a new epoch (clients reload).
    assert before.pop("outbox_epoch") != after.pop("outbox_epoch")
    assert after == before
    assert (target_dir / "secret_key").read_bytes() == (source_dir / "secret_key").read_bytes()
    assert (target_dir / UPLOAD[0]).read_bytes() == UPLOAD[1]
    expected = search_answers(source_dir)
    assert sum(map(len, expected.values())) > len(WORDS) and expected["zzyzx"] == []
    assert search_answers(target_dir) == expected


# SQLite

@pytest.fixture(scope="module")
def sqlite_source(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A demo network in a SQLite data folder, its search index built, and its archive."""
    source = tmp_path_factory.mktemp("source")
    settings = settings_for(source)
    migrate.upgrade(settings.database_url)
    asyncio.run(seed(settings, 6))
    asyncio.run(rebuild_index(settings))
    prepare_data_dir(source)
    archive = tmp_path_factory.mktemp("archives") / "ruche.tar.gz"
    result = run_cli("backup", str(archive), data_dir=source)
    assert result.exit_code == 0, result.stderr
    assert f"backup written: {archive}" in result.stdout
    assert "database" in result.stderr and "archive" in result.stderr  # the progress lines
    return source, archive


class TestSqliteRoundTrip:
    @pytest.mark.parametrize("target_state", ["new", "migrated"])
    def test_every_row_the_key_the_uploads_and_the_search_come_back(
        self, sqlite_source: tuple[Path, Path], tmp_path: Path, target_state: str
    ) -> None:
        source, archive = sqlite_source
        target = tmp_path / "restored"
        if target_state == "migrated":  # `ruche serve` ran once on the new host: schema, no member
            target.mkdir()
            migrate.upgrade(settings_for(target).database_url)
        result = run_cli("restore", str(archive), data_dir=target)
        assert result.exit_code == 0, result.stderr
        assert "6 members" in result.stdout and "search index rebuilt" in result.stdout
        assert "note:" not in result.stdout  # the key came back
        asyncio.run(assert_same_network(settings_for(source), source, settings_for(target), target))
        assert oct((archive.stat().st_mode) & 0o777) == oct(0o600)  # password hashes and the key inside

    def test_the_archive_is_a_manifest_then_the_files_without_the_search_index(
        self, sqlite_source: tuple[Path, Path]
    ) -> None:
        _, archive = sqlite_source
        with tarfile.open(archive) as tar:
            names = tar.getnames()
            manifest = json.loads(tar.extractfile("manifest.json").read())
        assert names[0] == "manifest.json"
        assert sorted(names[1:]) == sorted(["database.sqlite3", "secret_key", UPLOAD[0]])
        assert manifest["format"] == "ruche-backup" and manifest["format_version"] == 1
        assert manifest["database"] == "sqlite" and manifest["counts"]["users"] == 6
        assert manifest["alembic_revision"] and manifest["ruche_version"] and manifest["created_at"].endswith("Z")
        assert set(manifest["files"]) == set(names[1:])

    def test_an_archive_of_an_older_schema_is_migrated_to_this_one(self, tmp_path: Path) -> None:
        source, target = tmp_path / "old", tmp_path / "new"
        url = settings_for(source).database_url
        source.mkdir()
        migrate.upgrade(url)
        migrate.downgrade(url, "-1")
        assert run_cli("backup", str(tmp_path / "old.tar.gz"), data_dir=source).exit_code == 0
        result = run_cli("restore", str(tmp_path / "old.tar.gz"), data_dir=target)
        assert result.exit_code == 0, result.stderr
        state = asyncio.run(_revision(settings_for(target)))
        assert state == migrate_head()


    def test_a_backup_while_the_service_writes_is_one_consistent_copy(self, tmp_path: Path) -> None:
        import sqlite3
        import threading

        source = tmp_path / "busy"
        source.mkdir()
        url = settings_for(source).database_url
        migrate.upgrade(url)
        with sqlite3.connect(source / "ruche.db") as db:
            db.execute("CREATE TABLE scratch (id INTEGER PRIMARY KEY, body TEXT)")
        stop = threading.Event()
        written: list[int] = []

        def write() -> None:  # another connection committing all along, as the web workers would
            db = sqlite3.connect(source / "ruche.db", timeout=5, isolation_level=None)
            db.execute("PRAGMA journal_mode=WAL")
            while not stop.is_set():
                db.execute("INSERT INTO scratch (body) VALUES (?)", ("x" * 2000,))
                written.append(1)
            db.close()

        writer = threading.Thread(target=write)
        writer.start()
        try:
            while len(written) < 500:  # a database of a few MB before the backup starts
                threading.Event().wait(0.01)
            result = run_cli("backup", str(tmp_path / "busy.tar.gz"), data_dir=source)
        finally:
            stop.set()
            writer.join()
        assert result.exit_code == 0, result.stderr
        target = tmp_path / "copy"
        assert run_cli("restore", str(tmp_path / "busy.tar.gz"), data_dir=target).exit_code == 0
        with sqlite3.connect(target / "ruche.db") as db:
            assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
            count, top = db.execute("SELECT count(*), max(id) FROM scratch").fetchone()
        assert 500 <= count <= len(written) and count == top  # a snapshot: no row missing below the newest


async def _revision(settings: Settings) -> str:
    from app.ops.database import inspect_database

    return (await inspect_database(settings)).revision or ""


def migrate_head() -> str:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(migrate.alembic_config("sqlite://")).get_current_head() or ""


class TestRefusals:
    def test_a_database_with_members_is_left_as_it_is(self, sqlite_source: tuple[Path, Path], tmp_path: Path) -> None:
        _, archive = sqlite_source
        target = tmp_path / "live"
        assert run_cli("restore", str(archive), data_dir=target).exit_code == 0
        settings = settings_for(target)

        async def change() -> None:  # the network lived on after the backup
            engine = make_engine(settings, poolclass=NullPool)
            async with engine.begin() as conn:
                await conn.execute(text("DELETE FROM reactions"))
            await engine.dispose()

        asyncio.run(change())
        (target / "secret_key").write_text("a-newer-key-" * 4)
        before = asyncio.run(snapshot(settings))
        files = sorted(str(p.relative_to(target)) for p in target.rglob("*"))
        # The real command, in its own process: exit code 1 and one line, no traceback.
        env = {k: v for k, v in os.environ.items() if not k.startswith("RUCHE_")}
        env.update(PYTHONPATH=str(ROOT_DIR), RUCHE_DATA_DIR=str(target))
        done = subprocess.run([sys.executable, "-m", "app.cli", "restore", str(archive)], env=env, cwd=tmp_path,
                              capture_output=True, text=True, timeout=120, check=False)
        assert done.returncode == 1, done.stderr
        assert done.stderr.strip().splitlines() == [
            "error: this database already has members (6): `ruche restore` only restores into an empty database "
            "(point RUCHE_DATABASE_URL or RUCHE_DATA_DIR at a new one)"]
        assert asyncio.run(snapshot(settings)) == before
        assert before["reactions"] == []
        assert (target / "secret_key").read_text() == "a-newer-key-" * 4
        assert sorted(str(p.relative_to(target)) for p in target.rglob("*")) == files

    @pytest.mark.parametrize(("damage", "message"), [
        ("truncated", "the archive is damaged"),
        ("altered", "the archive is damaged"),
        ("not_an_archive", "is not a Ruche backup (not a gzip-compressed tar archive)"),
        ("foreign_tar", "not a Ruche backup: the archive does not begin with its manifest"),
        ("foreign_manifest", "not a Ruche backup: its manifest is unreadable"),
        ("newer_format", "this archive's format (version 2) is newer than this Ruche reads (version 1)"),
        ("newer_schema", "this archive comes from a newer Ruche (9.0.0, schema revision 0123456789ab)"),
        ("wrong_checksum", "the archive is damaged: database.sqlite3 does not match its checksum"),
        ("missing_file", "the archive is damaged: 1 file(s) of its manifest are missing, e.g. secret_key"),
        ("escaping_name", "not a Ruche backup: unexpected member 'uploads/../../escaped'"),
        ("unlisted_file", "not a Ruche backup: unexpected member 'uploads/extra'"),
        ("link", "not a Ruche backup: unexpected member 'uploads/link'"),
    ])
    def test_a_damaged_or_foreign_archive_changes_nothing(
        self, sqlite_source: tuple[Path, Path], tmp_path: Path, damage: str, message: str
    ) -> None:
        _, archive = sqlite_source
        bad = tmp_path / "bad.tar.gz"
        DAMAGES[damage](archive.read_bytes(), bad)
        target = tmp_path / "target"
        result = run_cli("restore", str(bad), data_dir=target)
        assert_refused(result, message)
        left = sorted(p.name for p in target.rglob("*")) if target.exists() else []
        assert left == []
        assert not (tmp_path.parent / "escaped").exists()

    @pytest.mark.skipif(shutil.which("pg_restore") is None, reason="needs pg_restore (refused before otherwise)")
    def test_an_archive_of_sqlite_is_refused_by_postgresql(
        self, sqlite_source: tuple[Path, Path], tmp_path: Path
    ) -> None:
        _, archive = sqlite_source
        # Refused from the manifest, before connecting: no server is needed at this address.
        result = run_cli("restore", str(archive), data_dir=tmp_path, database_url="postgresql://nobody@127.0.0.1:1/x")
        assert_refused(result, "this archive holds a SQLite database and this Ruche uses PostgreSQL "
                               "(RUCHE_DATABASE_URL): restore it into a SQLite database")

    @pytest.mark.parametrize("command", ["backup", "restore"])
    def test_without_the_postgresql_programs(self, tmp_path: Path, command: str) -> None:
        archive = tmp_path / "ruche.tar.gz"
        archive.write_bytes(b"")
        result = run_cli(command, str(archive), data_dir=tmp_path, database_url="postgresql://nobody@127.0.0.1:1/x",
                         PATH=str(tmp_path))
        program = "pg_dump" if command == "backup" else "pg_restore"
        assert_refused(result, f"{program} not found: install the PostgreSQL client programs")
        assert archive.read_bytes() == b""

    def test_a_folder_without_a_database_has_nothing_to_back_up(self, tmp_path: Path) -> None:
        result = run_cli("backup", str(tmp_path / "ruche.tar.gz"), data_dir=tmp_path / "empty")
        assert_refused(result, "the database has no Ruche schema: nothing to back up")
        assert list(tmp_path.iterdir()) == []

    def test_a_missing_archive(self, tmp_path: Path) -> None:
        assert_refused(run_cli("restore", str(tmp_path / "nothing.tar.gz"), data_dir=tmp_path), "no archive file at")


def _members(raw: bytes) -> list[tuple[tarfile.TarInfo, bytes]]:
    with tarfile.open(fileobj=io.BytesIO(raw)) as tar:
        return [(m, tar.extractfile(m).read() if m.isfile() else b"") for m in tar]


def _write(path: Path, members: list[tuple[tarfile.TarInfo, bytes]]) -> None:
    with tarfile.open(path, "w:gz") as tar:
        for info, data in members:
            info.size = len(data) if info.isfile() else 0
            tar.addfile(info, io.BytesIO(data) if info.isfile() else None)


def _manifest(change: Callable[[dict[str, Any]], None], extra: tuple[tuple[str, bytes], ...] = (),
              drop: str | None = None) -> Callable[[bytes, Path], None]:
    def damage(raw: bytes, path: Path) -> None:
        import hashlib

        members = [(m, data) for m, data in _members(raw) if m.name != drop]
        manifest = json.loads(members[0][1])
        for name, data in extra:
            manifest["files"][name] = {"size": len(data), "sha256": hashlib.sha256(data).hexdigest()}
            members.append((tarfile.TarInfo(name), data))
        change(manifest)
        members[0] = (members[0][0], json.dumps(manifest).encode())
        _write(path, members)

    return damage


def _link(raw: bytes, path: Path) -> None:
    members = _members(raw)
    link = tarfile.TarInfo("uploads/link")
    link.type, link.linkname = tarfile.SYMTYPE, "/etc/passwd"
    manifest = json.loads(members[0][1])
    manifest["files"]["uploads/link"] = {"size": 0, "sha256": "0" * 64}
    members[0] = (members[0][0], json.dumps(manifest).encode())
    _write(path, [*members, (link, b"")])


def _altered(raw: bytes, path: Path) -> None:
    middle = len(raw) // 2
    path.write_bytes(raw[:middle] + bytes(b ^ 0x5A for b in raw[middle:middle + 64]) + raw[middle + 64:])


def _foreign_tar(raw: bytes, path: Path) -> None:
    info = tarfile.TarInfo("notes.txt")
    _write(path, [(info, b"not a backup")])


DAMAGES: dict[str, Callable[[bytes, Path], None]] = {
    "truncated": lambda raw, path: path.write_bytes(raw[: len(raw) * 2 // 3]),
    "altered": _altered,
    "not_an_archive": lambda raw, path: path.write_bytes(b"just some text\n" * 100),
    "foreign_tar": _foreign_tar,
    "foreign_manifest": _manifest(lambda m: m.update(format="something-else")),
    "newer_format": _manifest(lambda m: m.update(format_version=2)),
    "newer_schema": _manifest(lambda m: m.update(alembic_revision="0123456789ab", ruche_version="9.0.0")),
    "wrong_checksum": _manifest(lambda m: m["files"]["database.sqlite3"].update(sha256="0" * 64)),
    "missing_file": _manifest(lambda m: None, drop="secret_key"),
    "escaping_name": _manifest(lambda m: None, extra=(("uploads/../../escaped", b"x"),)),
    "unlisted_file": lambda raw, path: _write(path, [*_members(raw), (tarfile.TarInfo("uploads/extra"), b"x")]),
    "link": _link,
}


# PostgreSQL

@pytest.fixture
async def restore_url() -> AsyncIterator[str]:
    """A second, empty PostgreSQL database for the restore, dropped afterwards."""
    if not TEST_DB_URL:
        pytest.skip("PostgreSQL round trip: set RUCHE_TEST_DATABASE_URL")
    url = make_url(TEST_DB_URL)
    admin = create_async_engine(async_url(url.set(database="postgres").render_as_string(hide_password=False)),
                                isolation_level="AUTOCOMMIT", poolclass=NullPool)
    async with admin.connect() as conn:
        await conn.execute(text(f"DROP DATABASE IF EXISTS {RESTORE_DB} WITH (FORCE)"))
        await conn.execute(text(f"CREATE DATABASE {RESTORE_DB}"))
    try:
        yield url.set(database=RESTORE_DB).render_as_string(hide_password=False)
    finally:
        async with admin.connect() as conn:
            await conn.execute(text(f"DROP DATABASE IF EXISTS {RESTORE_DB} WITH (FORCE)"))
        await admin.dispose()


async def settled(settings: Settings) -> None:
    """Wait for the test application's notifier to handle the seeded activities: its notifications, their own
    activities and its cursor are written after the seed, and the source must not change during the test."""
    engine = make_engine(settings, poolclass=NullPool)
    try:
        for _ in range(200):
            async with engine.connect() as conn:
                behind = (await conn.execute(text(
                    "SELECT coalesce((SELECT max(id) FROM activities), 0)"
                    " - coalesce((SELECT last_id FROM outbox_cursors WHERE name = 'notifier'), 0)"))).scalar_one()
            if behind == 0:
                return
            await asyncio.sleep(0.1)
        raise AssertionError(f"the notifier is still {behind} activities behind")
    finally:
        await engine.dispose()


class TestPostgresqlRoundTrip:
    @pytest.mark.parametrize("target_state", ["new", "migrated"])
    async def test_every_row_the_key_the_uploads_and_the_search_come_back(
        self, app: Any, base_settings: Settings, restore_url: str, tmp_path: Path, target_state: str
    ) -> None:
        assert TEST_DB_URL and not base_settings.is_sqlite
        source, target = tmp_path / "source", tmp_path / "restored"
        source_settings = settings_for(source, TEST_DB_URL)  # the test database, emptied after the test
        await seed(source_settings, 6)
        await settled(source_settings)
        await rebuild_index(source_settings)
        prepare_data_dir(source)
        archive = tmp_path / "ruche.tar.gz"
        backup = await asyncio.to_thread(run_cli, "backup", str(archive), data_dir=source, database_url=TEST_DB_URL)
        assert backup.exit_code == 0, backup.stderr
        with tarfile.open(archive) as tar:
            assert tar.getnames()[:2] == ["manifest.json", "database.pgdump"]
        if target_state == "migrated":
            await asyncio.to_thread(migrate.upgrade, async_url(restore_url))
        restored = await asyncio.to_thread(run_cli, "restore", str(archive), data_dir=target, database_url=restore_url)
        assert restored.exit_code == 0, restored.stderr
        assert "6 members" in restored.stdout
        await assert_same_network(source_settings, source, settings_for(target, restore_url), target)

        again = await asyncio.to_thread(run_cli, "restore", str(archive), data_dir=target, database_url=restore_url)
        assert_refused(again, "this database already has members (6)")
