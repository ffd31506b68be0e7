"""The index on disk: generations under <DATA_DIR>/search/, a `current` symlink, the indexer's state, searchers.

A rebuild writes a new generation folder and swaps the `current` symlink atomically (os.replace), so readers
keep answering from the old generation until they notice the new one. The indexer's progress (the last
activity id it applied) is a stored document inside the index, committed by the same writer commit as the
documents it covers: the index and its progress cannot disagree after a crash."""

import fcntl
import json
import os
import shutil
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from whoosh import index as whoosh_index
from whoosh.index import Index
from whoosh.searching import Searcher

from app.search.schema import SCHEMA_VERSION, STATE_UID, build_schema

CURRENT = "current"
GENERATION_PREFIX = "index-"
KEEP_GENERATIONS = 2  # the current one and the one before (readers may still hold it open)


class SearchUnavailable(Exception):
    """The index cannot be opened (missing, being created, corrupt)."""


@dataclass
class IndexState:
    """Where the indexer stands: every activity id <= last_id is applied (or was a hole given up on)."""

    last_id: int = 0
    check_id: int = 0  # an applied activity whose created_at proves the outbox is the one we indexed
    check_at: str = ""
    schema: int = SCHEMA_VERSION

    def to_json(self) -> str:
        return json.dumps({"last_id": self.last_id, "check_id": self.check_id, "check_at": self.check_at,
                           "schema": self.schema})

    @classmethod
    def from_json(cls, raw: str | None) -> "IndexState":
        """An older state's `done` (ids applied above a hole) is ignored: they are applied again, harmlessly."""
        if not raw:
            return cls(schema=0)
        data = json.loads(raw)
        return cls(int(data.get("last_id", 0)), int(data.get("check_id", 0)), str(data.get("check_at", "")),
                   int(data.get("schema", 0)))


class IndexStore:
    """The generations of one host's index."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._indexes: dict[str, Index] = {}
        self._lock = threading.Lock()

    @property
    def pointer(self) -> Path:
        return self.root / CURRENT

    def current_name(self) -> str | None:
        try:
            return os.readlink(self.pointer)
        except OSError:
            return None

    def ensure(self) -> str:
        """The current generation, creating an empty index the first time."""
        name = self.current_name()
        if name is not None and (self.root / name).is_dir():
            return name
        self.root.mkdir(parents=True, exist_ok=True)
        with self._setup_lock():
            name = self.current_name()
            if name is not None and (self.root / name).is_dir():
                return name
            path = self.new_generation()
            write_state(whoosh_index.open_dir(str(path)), IndexState())
            self.swap(path)
            return path.name

    @contextmanager
    def _setup_lock(self) -> Iterator[None]:
        with open(self.root / "setup.lock", "a+") as fh:
            fcntl.flock(fh, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(fh, fcntl.LOCK_UN)

    def new_generation(self) -> Path:
        self.root.mkdir(parents=True, exist_ok=True)
        path = self.root / f"{GENERATION_PREFIX}{time.time_ns()}"
        path.mkdir()
        whoosh_index.create_in(str(path), build_schema())
        return path

    def swap(self, path: Path) -> None:
        """Point `current` at `path` atomically, then drop generations no reader should still need."""
        tmp = self.root / f".{CURRENT}.{os.getpid()}.{time.time_ns()}"
        os.symlink(path.name, tmp)
        os.replace(tmp, self.pointer)
        generations = sorted(p for p in self.root.glob(f"{GENERATION_PREFIX}*") if p.is_dir())
        for old in generations[:-KEEP_GENERATIONS]:
            if old.name != path.name:
                shutil.rmtree(old, ignore_errors=True)

    def open(self, name: str) -> Index:
        with self._lock:
            ix = self._indexes.get(name)
            if ix is None:
                try:
                    ix = whoosh_index.open_dir(str(self.root / name))
                except Exception as exc:  # missing or half-written folder
                    raise SearchUnavailable(str(exc)) from exc
                self._indexes = {name: ix}  # older generations are no longer opened
            return ix

    def open_current(self) -> tuple[str, Index]:
        name = self.current_name()
        if name is None:
            raise SearchUnavailable("no index yet")
        return name, self.open(name)


def read_state(searcher: Searcher) -> IndexState:
    stored = searcher.document(uid=STATE_UID)
    return IndexState.from_json(stored.get("state") if stored else None)


def write_state(ix: Index, state: IndexState) -> None:
    writer = ix.writer(timeout=10)
    writer.update_document(uid=STATE_UID, kind="_state", state=state.to_json())
    writer.commit()


class SearcherPool:
    """Searchers for the request threads: one per concurrent search, refreshed when the index changed."""

    def __init__(self, store: IndexStore, size: int) -> None:
        self.store = store
        self.size = size
        self._free: list[tuple[str, Searcher]] = []
        self._lock = threading.Lock()

    @contextmanager
    def searcher(self) -> Iterator[Searcher]:
        name = self.store.current_name()
        if name is None:
            raise SearchUnavailable("no index yet")
        searcher = self._take(name)
        try:
            if not searcher.up_to_date():
                # Not Searcher.refresh(): whoosh-reloaded 2.7.5 re-adds segments merged away and keeps
                # stale deletions when it reuses segment readers, so edited documents would match twice.
                searcher.close()
                searcher = self.store.open(name).searcher()
        except Exception as exc:  # the generation was removed under us: reopen next time
            searcher.close()
            raise SearchUnavailable(str(exc)) from exc
        try:
            yield searcher
        finally:
            self._give(name, searcher)

    def _take(self, name: str) -> Searcher:
        with self._lock:
            while self._free:
                held_name, searcher = self._free.pop()
                if held_name == name:
                    return searcher
                searcher.close()
        return self.store.open(name).searcher()

    def _give(self, name: str, searcher: Searcher) -> None:
        with self._lock:
            if len(self._free) < self.size and name == self.store.current_name():
                self._free.append((name, searcher))
                return
        searcher.close()

    def close(self) -> None:
        with self._lock:
            for _, searcher in self._free:
                searcher.close()
            self._free.clear()


def doc_count(store: IndexStore) -> dict[str, Any]:
    """Documents per kind in the current generation (tests and the CLI report)."""
    _, ix = store.open_current()
    counts: dict[str, Any] = {}
    with ix.searcher() as s:
        for fields in s.all_stored_fields():
            counts[fields["kind"]] = counts.get(fields["kind"], 0) + 1
    return counts
