"""The backup archive: one gzip-compressed tar file whose first member is a JSON manifest.

Layout: `manifest.json`, then the database (`database.sqlite3`, a SQLite database file, or `database.pgdump`,
`pg_dump`'s custom format), `secret_key` (the key generated into the data folder, when there is one) and
`uploads/...` (the data folder's uploads). The manifest lists every other member with its size and SHA-256, so a
restore verifies the whole archive in a staging folder before it changes anything, and refuses names it did not
write (no path outside the staging folder, no links, no devices). The search index is not archived: a restore
rebuilds it from the database."""

import hashlib
import io
import json
import os
import tarfile
import time
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import IO

FORMAT = "ruche-backup"
FORMAT_VERSION = 1  # raised when the layout changes in a way an older restore must refuse
MANIFEST = "manifest.json"
DATABASE_FILES = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
SECRET = "secret_key"
UPLOADS = "uploads"
# Level 6 rather than tarfile's 9: as small within a few percent, several times faster on a large database.
COMPRESS_LEVEL = 6
_CHUNK = 1024 * 1024
# What a damaged gzip or tar stream raises while it is read.
_DAMAGED = (tarfile.TarError, EOFError, zlib.error, OSError)


class OpsError(Exception):
    """A refusal or failure explained in one line; the CLI prints it and exits with code 1."""


@dataclass(frozen=True)
class FileEntry:
    size: int
    sha256: str


@dataclass
class Manifest:
    ruche_version: str
    alembic_revision: str
    database: str  # "sqlite" or "postgresql"
    created_at: str  # ISO 8601, UTC
    counts: dict[str, int] = field(default_factory=dict)  # rows per table when the backup began (for people)
    files: dict[str, FileEntry] = field(default_factory=dict)
    format_version: int = FORMAT_VERSION

    def to_json(self) -> bytes:
        data = {
            "format": FORMAT, "format_version": self.format_version, "ruche_version": self.ruche_version,
            "alembic_revision": self.alembic_revision, "database": self.database, "created_at": self.created_at,
            "counts": self.counts,
            "files": {name: {"size": e.size, "sha256": e.sha256} for name, e in sorted(self.files.items())},
        }
        return json.dumps(data, indent=2, ensure_ascii=False).encode()

    @classmethod
    def from_json(cls, raw: bytes) -> "Manifest":
        try:
            data = json.loads(raw)
            if not isinstance(data, dict) or data.get("format") != FORMAT:
                raise ValueError("not a Ruche manifest")
            version = data["format_version"]
            if not isinstance(version, int):
                raise ValueError("format_version")
            if version > FORMAT_VERSION:
                raise OpsError(f"this archive's format (version {version}) is newer than this Ruche reads "
                               f"(version {FORMAT_VERSION}): restore it with the Ruche release that wrote it or a newer one")
            files = {str(name): FileEntry(int(e["size"]), str(e["sha256"])) for name, e in data["files"].items()}
            manifest = cls(
                ruche_version=str(data["ruche_version"]), alembic_revision=str(data["alembic_revision"]),
                database=str(data["database"]), created_at=str(data["created_at"]),
                counts={str(k): int(v) for k, v in data.get("counts", {}).items()}, files=files,
                format_version=version,
            )
        except OpsError:
            raise
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise OpsError(f"not a Ruche backup: its manifest is unreadable ({exc})") from exc
        manifest.check_names()
        return manifest

    def check_names(self) -> None:
        """Refuse members a Ruche backup never has: the database of another kind, paths leaving the folder."""
        if self.database not in DATABASE_FILES:
            raise OpsError(f"not a Ruche backup: unknown database kind {self.database!r}")
        if DATABASE_FILES[self.database] not in self.files:
            raise OpsError("not a Ruche backup: its manifest lists no database")
        for name in self.files:
            if name not in (DATABASE_FILES[self.database], SECRET) and not is_upload_name(name):
                raise OpsError(f"not a Ruche backup: unexpected member {name!r}")


def is_upload_name(name: str) -> bool:
    """`uploads/<relative path>` without empty, `.` or `..` parts (a name can never leave the uploads folder)."""
    path = PurePosixPath(name)
    parts = path.parts
    return (len(parts) >= 2 and parts[0] == UPLOADS and not path.is_absolute()
            and all(part not in ("", ".", "..") for part in parts) and name == str(path))


def sha256_of(path: Path, progress: Callable[[int], None] | None = None) -> FileEntry:
    digest = hashlib.sha256()
    size = 0
    with open(path, "rb") as fh:
        while chunk := fh.read(_CHUNK):
            digest.update(chunk)
            size += len(chunk)
            if progress:
                progress(len(chunk))
    return FileEntry(size, digest.hexdigest())


class _Hashing:
    """A file reader that hashes what tarfile copies and reports how many bytes it read (the progress line)."""

    def __init__(self, fh: IO[bytes], progress: Callable[[int], None]) -> None:
        self._fh = fh
        self._progress = progress
        self.digest = hashlib.sha256()

    def read(self, size: int = -1) -> bytes:
        data = self._fh.read(size)
        self.digest.update(data)
        self._progress(len(data))
        return data


def _info(name: str, size: int) -> tarfile.TarInfo:
    # Owner-only mode and no user names: the archive says nothing about the machine it was made on.
    info = tarfile.TarInfo(name)
    info.size, info.mode, info.mtime = size, 0o600, int(time.time())
    return info


class ArchiveWriter:
    """Writes `<path>.partial` (owner-only: it holds password hashes and the key), renamed to `path` on success."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.partial = path.with_name(f".{path.name}.partial")
        fd = os.open(self.partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        self._raw = os.fdopen(fd, "wb")
        self._tar = tarfile.open(fileobj=self._raw, mode="w:gz", compresslevel=COMPRESS_LEVEL)

    def add_bytes(self, name: str, data: bytes) -> None:
        self._tar.addfile(_info(name, len(data)), io.BytesIO(data))

    def add_file(self, name: str, source: Path, entry: FileEntry, progress: Callable[[int], None]) -> None:
        """Copy `source` as it was when `entry` (listed in the manifest, written first) was computed."""
        with open(source, "rb") as fh:
            reader = _Hashing(fh, progress)
            try:
                self._tar.addfile(_info(name, entry.size), reader)
                changed = reader.digest.hexdigest() != entry.sha256 or fh.read(1) != b""
            except OSError as exc:
                if exc.errno is not None:  # a disk full or unreadable: a real error of the system
                    raise OpsError(f"cannot copy {name} into the archive: {exc.strerror}") from exc
                # tarfile's "unexpected end of data": the file shrank since it was hashed
                raise OpsError(f"{name} changed during the backup: run it again") from exc
        if changed:
            raise OpsError(f"{name} changed during the backup: run it again")

    def commit(self) -> None:
        self._tar.close()
        self._raw.flush()
        os.fsync(self._raw.fileno())
        self._raw.close()
        os.replace(self.partial, self.path)

    def abort(self) -> None:
        for closing in (self._tar.close, self._raw.close):
            try:
                closing()
            except Exception:  # already failing: the partial file is removed below whatever happens
                pass
        self.partial.unlink(missing_ok=True)


@contextmanager
def write_archive(path: Path) -> Iterator[ArchiveWriter]:
    try:
        writer = ArchiveWriter(path)
    except OSError as exc:
        raise OpsError(f"cannot write {path}: {exc.strerror or exc}") from exc
    try:
        yield writer
        writer.commit()
    except BaseException:
        writer.abort()
        raise


@contextmanager
def open_archive(path: Path) -> Iterator[tarfile.TarFile]:
    if not path.is_file():
        raise OpsError(f"no archive file at {path}")
    try:
        tar = tarfile.open(path, mode="r:gz")
    except _DAMAGED as exc:
        raise OpsError(f"{path} is not a Ruche backup (not a gzip-compressed tar archive)") from exc
    with tar:
        yield tar


def read_manifest(tar: tarfile.TarFile) -> Manifest:
    """The manifest, which `ruche backup` writes first (read before anything else is extracted)."""
    try:
        first = tar.next()
        fh = tar.extractfile(first) if first is not None and first.name == MANIFEST and first.isfile() else None
        if fh is None:
            raise OpsError("not a Ruche backup: the archive does not begin with its manifest")
        raw = fh.read(1024 * 1024 * 64)
    except OpsError:
        raise
    except _DAMAGED as exc:
        raise OpsError(f"the archive is damaged: {exc}") from exc
    return Manifest.from_json(raw)


def extract_verified(tar: tarfile.TarFile, manifest: Manifest, staging: Path,
                     progress: Callable[[int], None]) -> None:
    """Every member the manifest lists, written under `staging` and checked against its size and SHA-256."""
    seen: set[str] = set()
    try:
        for index, member in enumerate(tar):  # from the beginning again: the manifest was read already
            if index == 0 and member.name == MANIFEST:
                continue
            entry = manifest.files.get(member.name)
            if entry is None or not member.isfile() or member.name in seen:
                raise OpsError(f"not a Ruche backup: unexpected member {member.name!r}")
            if member.size != entry.size:  # checked before copying: a forged size could fill the disk
                raise OpsError(f"the archive is damaged: {member.name} does not match its checksum")
            seen.add(member.name)
            source = tar.extractfile(member)
            assert source is not None  # a regular file always has a reader
            _copy_checked(source, staging / member.name, entry, member.name, progress)
    except OpsError:
        raise
    except _DAMAGED as exc:
        raise OpsError(f"the archive is damaged (truncated or altered): {exc}") from exc
    missing = sorted(set(manifest.files) - seen)
    if missing:
        raise OpsError(f"the archive is damaged: {len(missing)} file(s) of its manifest are missing, e.g. {missing[0]}")


def _copy_checked(source: IO[bytes], target: Path, entry: FileEntry, name: str,
                  progress: Callable[[int], None]) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    size = 0
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as out:
        while chunk := source.read(_CHUNK):
            digest.update(chunk)
            out.write(chunk)
            size += len(chunk)
            progress(len(chunk))
    if size != entry.size or digest.hexdigest() != entry.sha256:
        raise OpsError(f"the archive is damaged: {name} does not match its checksum")
