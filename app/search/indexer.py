"""The single writer: applies committed activities to the index in id order and records how far it got.

An outbox consumer like the relay and the notifier (`app.outbox.consumer`): it handles the contiguous prefix
after its position and waits at a hole left by a late commit (PostgreSQL). Its cursor is the state document
inside the index, committed by the same writer commit as the documents it covers: after a crash the index and
its position cannot disagree, and the indexer resumes where the last commit left it."""

import logging
import time
from collections.abc import Callable
from typing import Any

import anyio
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from whoosh.index import Index

from app.outbox.consumer import Batch, OutboxConsumer
from app.outbox.models import Activity
from app.outbox.read import GapTracker
from app.search.index import IndexState, IndexStore, read_state
from app.search.loaders import Op, Targets, all_docs, load_ops
from app.search.schema import SCHEMA_VERSION, STATE_UID

log = logging.getLogger("ruche.search")
REBUILD_RESCAN = 1000  # after a rebuild, replay this many recent activities (late commits during the read)
REBUILD_SEGMENT_DOCS = 20_000
REBUILD_POOL_MB = 512
POLL_S = 0.5  # other processes' commits do not wake us: poll the outbox this often
# After indexing something, let the next posts gather for this long: one index commit per batch rather than per
# post (under a burst of posts a commit each cost the server 15% of its post creations, and their p99).
COALESCE_S = 0.25
# A batch this big means a sustained burst: gather for longer. Each commit's fixed cost (opening the writer, writing
# a segment, merging small ones) then spreads over four times as many posts; the lag stays far under its 5 s p99.
BURST_BATCH = 20
BURST_COALESCE_S = 1.0


class Indexer(OutboxConsumer):
    """Owns the index writer of this host; only one process may run it (see IndexerLock)."""

    task_name = "ruche-search-indexer"
    hole_poll_s = 0.05

    def __init__(self, store: IndexStore, sessionmaker: async_sessionmaker[AsyncSession], *, gap_wait_s: float,
                 batch_size: int = 500, commit_delay: float = 0.0,
                 on_commit: Callable[[], None] | None = None) -> None:
        super().__init__(sessionmaker, poll_s=POLL_S, gap_wait_s=gap_wait_s, log=log)
        self.store = store
        self.batch_size = batch_size
        self.commit_delay = commit_delay  # test hook: widens the window in which a batch can be killed
        self.on_commit = on_commit
        self._generation: str | None = None
        self._ix: Index | None = None
        self.state = IndexState()
        self._lock = anyio.Lock()
        self.cursor = self  # load/save below: the state stored in the index

    def _open(self) -> Index:
        name = self.store.ensure()
        if name != self._generation or self._ix is None:
            self._ix = self.store.open(name)
            with self._ix.searcher() as searcher:
                self.state = read_state(searcher)
            self._generation = name
            self.gaps = GapTracker(self.gaps.gap_wait)
        return self._ix

    async def run_once(self) -> int:
        """Apply the next batch of committed activities; return how many were applied (none while at a hole)."""
        batch = await self.step()
        return len(batch.rows) if batch is not None else 0

    async def step(self) -> Batch | None:
        async with self._lock:
            return await super().step()

    def rest_s(self, handled: int) -> float:
        """Coalescing: after indexing something, let the next commits gather (COALESCE_S, BURST_COALESCE_S)."""
        if not handled:
            return 0.0
        return BURST_COALESCE_S if handled >= BURST_BATCH else COALESCE_S

    async def load(self, session: AsyncSession) -> int | None:
        """The position stored in the current generation; None after rebuilding one (nothing more this step)."""
        await anyio.to_thread.run_sync(self._open)
        if self.state.schema != SCHEMA_VERSION or await self._outbox_was_reset(session):
            log.warning("search index from another schema or outbox: rebuilding")
            await self._rebuild_locked(session)
            return None
        return self.state.last_id

    async def save(self, session: AsyncSession, position: int) -> None:
        """Nothing left to do: `handle` committed the position with the documents."""

    async def handle(self, session: AsyncSession, batch: Batch) -> None:
        targets = Targets()
        for activity in batch.rows:
            targets.add(activity)
        ops = await load_ops(session, targets)
        last = batch.rows[-1]
        state = IndexState(batch.position, last.id, last.created_at.isoformat(), schema=self.state.schema)
        assert self._ix is not None
        await anyio.to_thread.run_sync(self._apply, self._ix, ops, state)
        self.state = state  # only once the commit that carries it succeeded
        if self.on_commit:
            self.on_commit()

    async def _outbox_was_reset(self, session: AsyncSession) -> bool:
        """The database was emptied or restored from an older backup: the index describes another outbox."""
        if not self.state.check_id:
            return False
        created = await session.scalar(select(Activity.created_at).where(Activity.id == self.state.check_id))
        return created is None or created.isoformat() != self.state.check_at

    def _apply(self, ix: Index, ops: list[Op], state: IndexState) -> None:
        writer = ix.writer(timeout=10)
        try:
            for op, value in ops:
                if op == "update":
                    writer.update_document(**value)
                elif op == "delete":
                    writer.delete_by_term("uid", value)
                else:
                    writer.delete_by_term("post", str(value))
            writer.update_document(uid=STATE_UID, kind="_state", state=state.to_json())
            if self.commit_delay:
                time.sleep(self.commit_delay)
        except BaseException:
            writer.cancel()
            raise
        try:
            writer.commit(mergetype=tiered_merge)
        except BaseException:
            abandon(writer, ix)
            raise

    async def rebuild(self) -> int:
        """Rebuild a new generation from the database, then swap it in; return the documents written."""
        async with self._lock, self.sessionmaker() as session:
            return await self._rebuild_locked(session)

    async def _rebuild_locked(self, session: AsyncSession) -> int:
        count = await rebuild_into(self.store, session)
        self._generation = None
        await anyio.to_thread.run_sync(self._open)
        if self.on_commit:
            self.on_commit()
        return count


def abandon(writer: Any, ix: Index) -> None:
    """After a failed commit (no space left on the device): give the write lock back and remove what the commit had
    begun to write. Whoosh releases its lock only when a commit succeeds: otherwise every later batch failed with
    LockError until a restart, and the half-written segment and merge files stayed behind, filling the disk again.
    The documents are not lost: the indexer's position was not committed, so the batch is applied again."""
    from whoosh.index import clean_files

    for cleanup in (writer._close_segment, writer.pool.cleanup, writer._tempstorage.destroy):
        try:
            cleanup()
        except Exception:  # best effort: the lock below is what matters
            pass
    try:
        toc = ix._read_toc()  # the last committed table of contents: every file not in it is debris
        clean_files(ix.storage, ix.indexname, toc.generation, toc.segments)
    except Exception:
        log.warning("search index: could not remove the files of a failed commit yet")
    finally:
        if writer.writelock is not None:
            writer.writelock.release()
        writer.is_closed = True


# Segment sizes (documents) merged together once MERGE_FANOUT of a tier exist; the rebuild's segments
# (REBUILD_SEGMENT_DOCS) are above every tier and never merged by an incremental commit.
MERGE_TIERS = (1_000, 10_000)
MERGE_FANOUT = 10


def tiered_merge(writer: Any, segments: list[Any]) -> list[Any]:
    """Whoosh merge policy for the incremental writer: merge only many segments of a similar, small size.

    Whoosh's default (MERGE_SMALL) may fold the rebuild's 20,000-document segments into one during an ordinary
    commit, which holds that commit (and the lag of every post waiting behind it) for seconds."""
    from whoosh.reading import SegmentReader

    keep = list(segments)
    lower = 0
    for upper in MERGE_TIERS:
        tier = [seg for seg in keep if lower <= seg.doc_count() < upper]
        if len(tier) >= MERGE_FANOUT:
            for seg in tier:
                reader = SegmentReader(writer.storage, writer.schema, seg)
                writer.add_reader(reader)
                reader.close()
                keep.remove(seg)
            break
        lower = upper
    return keep


async def rebuild_into(store: IndexStore, session: AsyncSession, progress: Callable[[int], None] | None = None) -> int:
    """Write every document into a new generation and swap it in; the incremental indexer then resumes
    from the outbox position read before the database was (REBUILD_RESCAN activities earlier).

    Documents are committed as segments of REBUILD_SEGMENT_DOCS, each sorted in memory: one huge commit would
    spill Whoosh's pool to disk and spend minutes merging the runs."""
    state = await _rebuild_start_state(session)
    path = await anyio.to_thread.run_sync(store.new_generation)
    ix = await anyio.to_thread.run_sync(store.open, path.name)
    count = 0
    pending: list[dict[str, Any]] = []
    async for docs in all_docs(session):
        pending.extend(docs)
        if len(pending) >= REBUILD_SEGMENT_DOCS:
            await anyio.to_thread.run_sync(_write_segment, ix, pending, None)
            count += len(pending)
            if progress:
                progress(len(pending))
            pending = []
    await anyio.to_thread.run_sync(_write_segment, ix, pending, state)
    count += len(pending)
    if progress and pending:
        progress(len(pending))
    await anyio.to_thread.run_sync(store.swap, path)
    return count


def _write_segment(ix: Index, docs: list[dict[str, Any]], state: IndexState | None) -> None:
    writer = ix.writer(limitmb=REBUILD_POOL_MB)
    try:
        for doc in docs:
            writer.add_document(**doc)
        if state is not None:
            writer.add_document(uid=STATE_UID, kind="_state", state=state.to_json())
    except BaseException:
        writer.cancel()
        raise
    writer.commit(merge=False)


async def _rebuild_start_state(session: AsyncSession) -> IndexState:
    newest = await session.scalar(select(func.max(Activity.id)))
    if not newest:
        return IndexState()
    row = (await session.execute(
        select(Activity.id, Activity.created_at).where(Activity.id <= newest)
        .order_by(Activity.id.desc()).offset(REBUILD_RESCAN).limit(1)
    )).first()
    if row is None:
        return IndexState()
    return IndexState(last_id=row.id, check_id=row.id, check_at=row.created_at.isoformat())

