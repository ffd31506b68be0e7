"""The index writer under faults (issue 27, point 1): a failed commit (no space left on the device) gives the write
lock back and removes what it had begun, indexing resumes once the fault is gone, `/healthz` says search is
degraded meanwhile, and a consumer that keeps failing logs one traceback, then a line per try, backing off."""

import asyncio
import errno
import logging
import os
from pathlib import Path
from typing import Any

import httpx
import pytest
from whoosh.index import TOC
from whoosh.writing import SegmentWriter

import app.search.health
from app.search.index import IndexStore
from app.search.indexer import Indexer
from app.search.runtime import SearchRuntime
from tests.search.conftest import ids


def _disk_full(*args: Any, **kwargs: Any) -> None:
    raise OSError(errno.ENOSPC, "No space left on device")


def _debris(runtime: SearchRuntime) -> list[str]:
    """Files of the current generation that its table of contents does not name."""
    name, ix = runtime.store.open_current()
    toc = ix._read_toc()
    keep = {seg.segment_id() for seg in toc.segments}
    segment = TOC._segment_pattern(ix.indexname)
    folder = Path(ix.storage.folder)
    return sorted(f for f in os.listdir(folder)
                  if (m := segment.match(f)) and m.group(1) not in keep)


def _write_lock_is_free(runtime: SearchRuntime) -> bool:
    _, ix = runtime.store.open_current()
    lock = ix.lock("WRITELOCK")
    if not lock.acquire(blocking=False):
        return False
    lock.release()
    return True


class TestFailedCommit:
    async def test_indexing_resumes_after_a_failed_commit_and_healthz_says_so(
            self, runtime: SearchRuntime, index_now: Any, ada: Any, make_post: Any, search: Any,
            client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch) -> None:
        assert runtime.indexer is not None
        monkeypatch.setattr(app.search.health, "SEARCH_LAG_DEGRADED_S", 0.05)
        gone = await make_post(ada, "Un billet « albatros » bientôt supprimé")
        await index_now()
        assert ids(await search(ada, "albatros")) == [gone["id"]]

        kept = await make_post(ada, "Le billet « balbuzard » reste")
        assert (await client.delete(f"/api/v1/posts/{gone['id']}", headers=ada.headers)).status_code == 204
        with monkeypatch.context() as fault:  # the disk fills while the segment's files are being written
            fault.setattr(SegmentWriter, "_commit_toc", _disk_full)
            with pytest.raises(OSError):
                await runtime.indexer.run_once()
            assert _write_lock_is_free(runtime), "the failed commit kept Whoosh's write lock"
            assert _debris(runtime) == [], "the failed commit left its files behind"
            await asyncio.sleep(0.1)
            health = (await client.get("/healthz")).json()
            assert health["search"] == "degraded" and health["search_lag_s"] > 0
            assert health["status"] == "ok"  # the process still serves: only search is behind

        await index_now()  # space freed: the same batch is applied again, nothing lost
        assert ids(await search(ada, "balbuzard")) == [kept["id"]]
        assert ids(await search(ada, "albatros")) == []
        health = (await client.get("/healthz")).json()
        assert health["search"] == "ok" and health["search_lag_s"] == 0.0


class TestFailingConsumerLog:
    async def test_one_traceback_then_a_line_per_try_backing_off_then_recovered(
            self, app: Any, tmp_path: Path, caplog: pytest.LogCaptureFixture, ada: Any,
            monkeypatch: pytest.MonkeyPatch) -> None:
        """An unwritable data folder: the indexer must not log a traceback every poll (it did, every 2 s)."""
        indexer = Indexer(IndexStore(tmp_path / "search"), app.state.runtime.sessionmaker, gap_wait_s=0.0)
        indexer.poll_s = 0.01
        monkeypatch.setattr(indexer, "_apply", _disk_full)  # this instance only: not the app's own indexer
        caplog.set_level(logging.WARNING, logger="ruche.search")
        task = asyncio.create_task(indexer.run())
        try:
            for _ in range(60):  # commits keep waking it: wake-ups must not bypass the back-off
                indexer.wake()
                await asyncio.sleep(0.02)
            failures = [r for r in caplog.records if "turn failed" in r.getMessage()]
            assert 3 <= len(failures) <= 8, [r.getMessage() for r in failures]
            assert [r.exc_info is not None for r in failures].count(True) == 1
            assert all("No space left on device" in r.getMessage() for r in failures[1:])
            monkeypatch.undo()
            for _ in range(200):  # it tries again after its back-off (at most a few seconds here)
                if indexer.failures == 0:
                    break
                await asyncio.sleep(0.05)
            assert indexer.failures == 0
            assert any("recovered after" in r.getMessage() for r in caplog.records)
        finally:
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
