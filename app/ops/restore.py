"""`ruche restore FILE`: an archive of `ruche backup` into an empty database and data folder.

Nothing is changed until the archive has been checked: its manifest (format, kind of database, a schema this code
knows), the target (no member), then every file against its checksum in a staging folder. The database is then
loaded, migrated to this code's schema (an archive of an older release), the key and uploads are put in place, and
the search index is rebuilt from the restored database."""

import asyncio
import os
import tempfile
from pathlib import Path

from alembic.script import ScriptDirectory
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.pool import NullPool

from app import migrate
from app.config import SECRET_KEY_FILE, Settings
from app.db import make_engine
from app.ops.archive import (
    DATABASE_FILES,
    SECRET,
    Manifest,
    OpsError,
    extract_verified,
    is_upload_name,
    open_archive,
    read_manifest,
)
from app.ops.backup import ruche_version
from app.ops.database import (
    DatabaseState,
    drop_version_table,
    inspect_database,
    kind_of,
    pg_restore,
    require_program,
    sqlite_path,
    sqlite_restore,
)
from app.ops.progress import Progress
from app.outbox.epoch import renew_epoch
from app.search.cli import rebuild_index

_LABELS = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}


def restore(settings: Settings, path: Path) -> str:
    """Restore the archive at `path`; a summary, or OpsError before anything changed when it must refuse."""
    kind = kind_of(settings)
    if kind == "postgresql":
        require_program("pg_restore")
    with open_archive(path) as tar:
        manifest = read_manifest(tar)
        check_compatible(manifest, kind, settings)
        state = asyncio.run(inspect_database(settings))
        if state.members:
            raise OpsError(f"this database already has members ({state.members}): `ruche restore` only restores "
                           "into an empty database (point RUCHE_DATABASE_URL or RUCHE_DATA_DIR at a new one)")
        settings.DATA_DIR.mkdir(parents=True, exist_ok=True)
        # Staged inside the data folder: the uploads and the key then reach their place by a rename.
        with tempfile.TemporaryDirectory(prefix=".ruche-restore-", dir=settings.DATA_DIR) as tmp:
            staging = Path(tmp)
            progress = Progress("verify", sum(entry.size for entry in manifest.files.values()), "bytes")
            extract_verified(tar, manifest, staging, progress.update)
            progress.close()
            load_database(settings, kind, state, staging / DATABASE_FILES[kind])
            upgrade(settings)
            asyncio.run(renew_outbox_epoch(settings))
            place_data_files(settings.DATA_DIR, manifest, staging)
    progress = Progress("search index", None, "documents")
    documents = asyncio.run(rebuild_index(settings, progress.update))
    progress.close()
    return summary(settings, manifest, asyncio.run(inspect_database(settings)), documents)


def check_compatible(manifest: Manifest, kind: str, settings: Settings) -> None:
    if manifest.database != kind:
        raise OpsError(f"this archive holds a {_LABELS[manifest.database]} database and this Ruche uses {_LABELS[kind]} "
                       f"(RUCHE_DATABASE_URL): restore it into a {_LABELS[manifest.database]} database")
    if not known_revision(settings, manifest.alembic_revision):
        raise OpsError(f"this archive comes from a newer Ruche ({manifest.ruche_version}, schema revision "
                       f"{manifest.alembic_revision}) than this one ({ruche_version()}): upgrade Ruche, then restore")


def known_revision(settings: Settings, revision: str) -> bool:
    script = ScriptDirectory.from_config(migrate.alembic_config(settings.database_url))
    try:
        found = script.get_revision(revision)
    except Exception:  # alembic's ResolutionError / CommandError: a revision this code has never heard of
        return False
    return found is not None and found.revision == revision  # an exact id, not a prefix of another


def load_database(settings: Settings, kind: str, state: DatabaseState, dump: Path) -> None:
    if kind == "sqlite":
        sqlite_restore(dump, sqlite_path(settings))  # replaces the whole file's content, migrated or not
        return
    if state.revision is not None:
        # Migrated but without members (`ruche serve` or `ruche db upgrade` ran once): remove exactly Ruche's tables
        # through the migrations, so that the dump's CREATE statements do not collide with them.
        try:
            migrate.downgrade(settings.database_url, "base")
        except Exception as exc:
            raise OpsError(f"cannot empty this database's schema (revision {state.revision}): {exc}") from exc
        asyncio.run(drop_version_table(settings))
    pg_restore(settings, dump)


def upgrade(settings: Settings) -> None:
    """An archive of an older release reaches this code's schema."""
    try:
        migrate.upgrade(settings.database_url)
    except Exception as exc:
        raise OpsError(f"the restored database could not be migrated to this release's schema: {exc}") from exc


async def renew_outbox_epoch(settings: Settings) -> None:
    """The restored activity ids count again from the backup's: clients that saw later ones must reload, not wait
    for ids they already passed (app/outbox/epoch.py)."""
    engine = make_engine(settings, poolclass=NullPool)
    try:
        async with engine.begin() as conn, AsyncSession(bind=conn) as session:
            await renew_epoch(session)
    finally:
        await engine.dispose()


def place_data_files(data_dir: Path, manifest: Manifest, staging: Path) -> None:
    """The key and the uploads, moved from the staging folder (same file system: renames)."""
    if SECRET in manifest.files:
        os.replace(staging / SECRET, data_dir / SECRET_KEY_FILE)
    for name in manifest.files:
        if is_upload_name(name):
            target = data_dir / name
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(staging / name, target)


def summary(settings: Settings, manifest: Manifest, state: DatabaseState, documents: int) -> str:
    c = state.counts
    uploads = sum(1 for name in manifest.files if is_upload_name(name))
    lines = [
        f"restored the backup of {manifest.created_at} (Ruche {manifest.ruche_version}): {c.get('users', 0)} members, "
        f"{c.get('groups', 0)} groups, {c.get('group_memberships', 0)} memberships, {c.get('posts', 0)} posts, "
        f"{c.get('comments', 0)} comments, {c.get('reactions', 0)} reactions, {uploads} uploaded file{'' if uploads == 1 else 's'}; "
        f"search index rebuilt: {documents} documents",
    ]
    if SECRET in manifest.files and settings.SECRET_KEY is not None:
        lines.append(f"note: the archived key was restored to {settings.DATA_DIR / SECRET_KEY_FILE}, but "
                     "RUCHE_SECRET_KEY is set and is used instead (members sign in again unless it is the same key)")
    elif SECRET not in manifest.files and settings.SECRET_KEY is None:
        lines.append("note: the archive holds no generated key and RUCHE_SECRET_KEY is not set: a new key will be "
                     "generated (members sign in again); set RUCHE_SECRET_KEY if the backed-up service had one")
    return "\n".join(lines)
