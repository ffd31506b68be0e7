"""`ruche backup FILE`: the database, the data folder's uploads and its generated key, into one archive file.

The search index is left out: it is derived from the database, and `ruche restore` rebuilds it."""

import asyncio
import os
import tempfile
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

from app.config import SECRET_KEY_FILE, Settings
from app.ops.archive import (
    DATABASE_FILES,
    MANIFEST,
    SECRET,
    UPLOADS,
    Manifest,
    OpsError,
    is_upload_name,
    sha256_of,
    write_archive,
)
from app.ops.database import inspect_database, kind_of, pg_dump, require_program, sqlite_backup, sqlite_path
from app.ops.progress import Progress, human_bytes


def ruche_version() -> str:
    try:
        return metadata.version("ruche")
    except metadata.PackageNotFoundError:  # run from a source tree that was never installed
        return "unknown"


def backup(settings: Settings, path: Path) -> str:
    """Write the archive at `path` (replacing an older file only once the new one is complete); a summary."""
    kind = kind_of(settings)
    if kind == "postgresql":
        require_program("pg_dump")  # before anything else: a missing program is the likeliest failure
    if path.is_dir():
        raise OpsError(f"{path} is a folder: give the archive's file name, e.g. {path / 'ruche-backup.tar.gz'}")
    if not path.parent.is_dir():
        raise OpsError(f"no folder {path.parent} to write the archive in")
    state = asyncio.run(inspect_database(settings))
    if state.revision is None:
        raise OpsError("the database has no Ruche schema: nothing to back up (check RUCHE_DATABASE_URL and "
                       "RUCHE_DATA_DIR)")
    # The dump is staged beside the archive, not in /tmp: same disk as the archive, which must hold it anyway.
    with tempfile.TemporaryDirectory(prefix=".ruche-backup-", dir=path.parent) as tmp:
        dump = Path(tmp) / DATABASE_FILES[kind]
        if kind == "sqlite":
            sqlite_backup(sqlite_path(settings), dump)
        else:
            pg_dump(settings, dump)
        sources = {DATABASE_FILES[kind]: dump, **data_files(settings.DATA_DIR)}
        manifest = Manifest(ruche_version=ruche_version(), alembic_revision=state.revision, database=kind,
                            created_at=datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"), counts=state.counts)
        total = sum(source.stat().st_size for source in sources.values())
        progress = Progress("checksums", total, "bytes")
        for name, source in sources.items():
            manifest.files[name] = sha256_of(source, progress.update)
        progress.close()
        progress = Progress("archive", total, "bytes")
        with write_archive(path) as writer:
            writer.add_bytes(MANIFEST, manifest.to_json())
            for name, source in sources.items():
                writer.add_file(name, source, manifest.files[name], progress.update)
        progress.close()
    return summary(settings, path, manifest)


def data_files(data_dir: Path) -> dict[str, Path]:
    """The generated key and every uploaded file, by their name in the archive."""
    files: dict[str, Path] = {}
    secret = data_dir / SECRET_KEY_FILE
    if secret.is_file():
        files[SECRET] = secret
    uploads = data_dir / UPLOADS
    # Links are not followed (a link could bring any file of the host into the archive): uploads are regular files.
    for folder, dirs, names in os.walk(uploads, followlinks=False):
        dirs.sort()
        for name in sorted(names):
            source = Path(folder) / name
            if source.is_symlink() or not source.is_file():
                continue
            member = source.relative_to(data_dir).as_posix()
            if not is_upload_name(member):
                raise OpsError(f"cannot archive {source}: its name is not a plain relative path")
            files[member] = source
    return files


def summary(settings: Settings, path: Path, manifest: Manifest) -> str:
    counts = manifest.counts
    uploads = sum(1 for name in manifest.files if is_upload_name(name))
    parts = [f"{'SQLite' if manifest.database == 'sqlite' else 'PostgreSQL'} database ({counts.get('users', 0)} "
             f"members, {counts.get('posts', 0)} posts)", f"{uploads} uploaded file{'' if uploads == 1 else 's'}"]
    lines = []
    if SECRET in manifest.files:
        parts.append("the generated secret key")
    elif settings.SECRET_KEY is not None:
        lines.append("note: the secret key comes from RUCHE_SECRET_KEY and is not in the archive: keep it with "
                     "your backups (the same key is needed after a restore for sessions to stay valid)")
    size = human_bytes(path.stat().st_size)
    return "\n".join([f"backup written: {path} ({size}): {', '.join(parts)}", *lines])
