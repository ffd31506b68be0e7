"""The outbox indexer: crash safety (SIGKILL mid-batch), resuming, reindex swaps, the outbox being reset."""

import asyncio
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from sqlalchemy import func, select, update
from whoosh import index as whoosh_index

from app.db import session_scope, utcnow
from app.groups.models import Group
from app.outbox.models import Activity
from app.outbox.read import GapTracker
from app.outbox.types import CommentCreated, PostCreated, PostDeleted, PostUpdated
from app.outbox.write import emit
from app.posts.models import Comment, Post
from app.search.index import IndexStore, read_state
from app.users.models import User
from tests.search.conftest import ids

RUCHE = shutil.which("ruche", path=str(Path(sys.executable).parent)) or shutil.which("ruche")


async def _seed(app: Any, author_id: int, posts: int) -> None:
    """Posts, comments, edits and deletions, each with its activity, as the services would write them."""
    async with session_scope(app.state.runtime.sessionmaker, app.state.runtime) as session:
        made = []
        for n in range(posts):
            post = Post(author_id=author_id, body=f"Billet {n} sur la ruche", body_html="")
            session.add(post)
            await session.flush()
            made.append(post)
            emit(session, PostCreated(actor_id=author_id, post_id=post.id, group_id=None, kind="discussion",
                                      mentions=()))
            if n % 3 == 0:
                comment = Comment(post_id=post.id, author_id=author_id, body=f"Commentaire {n}", body_html="")
                session.add(comment)
                await session.flush()
                emit(session, CommentCreated(actor_id=author_id, post_id=post.id, comment_id=comment.id, group_id=None,
                                             parent_id=None, post_author_id=author_id, parent_author_id=None,
                                             mentions=()))
        for post in made[::7]:
            post.deleted_at = utcnow()
            emit(session, PostDeleted(actor_id=author_id, post_id=post.id, group_id=None, kind="discussion",
                                      author_id=author_id))
        for post in made[1::5]:
            post.body = post.body + " modifié"
            emit(session, PostUpdated(actor_id=author_id, post_id=post.id, group_id=None, kind="discussion",
                                      mentions=(), new_mentions=()))


async def _expected_uids(app: Any) -> set[str]:
    async with app.state.runtime.sessionmaker() as session:
        users = await session.scalars(select(User.id).where(User.is_active.is_(True)))
        groups = await session.scalars(select(Group.id))
        posts = await session.scalars(select(Post.id).where(Post.deleted_at.is_(None)))
        comments = await session.scalars(
            select(Comment.id).join(Post, Post.id == Comment.post_id)
            .where(Comment.deleted_at.is_(None), Post.deleted_at.is_(None)))
        return ({f"user:{i}" for i in users} | {f"group:{i}" for i in groups} | {f"post:{i}" for i in posts}
                | {f"comment:{i}" for i in comments})


async def _max_activity(app: Any) -> int:
    async with app.state.runtime.sessionmaker() as session:
        return int(await session.scalar(select(func.max(Activity.id))) or 0)


def _indexed(root: Path) -> tuple[list[str], int]:
    """Every document uid in the current generation (duplicates kept) and the indexer's watermark."""
    ix = whoosh_index.open_dir(str(root / os.readlink(root / "current")))
    with ix.searcher() as s:
        uids = [f["uid"] for f in s.all_stored_fields() if f["kind"] != "_state"]
        return uids, read_state(s).last_id


def _last_id(root: Path) -> int:
    try:
        return _indexed(root)[1]
    except Exception:  # not created yet
        return -1


def _indexer(data_dir: Path, database_url: str, *args: str) -> subprocess.Popen[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("RUCHE_")}
    env.update(RUCHE_DATA_DIR=str(data_dir), RUCHE_DATABASE_URL=database_url)
    assert RUCHE, "the ruche command is not installed (pip install -e .)"
    return subprocess.Popen([RUCHE, "search", "indexer", *args], env=env, cwd=data_dir, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


class TestCrashSafety:
    async def test_sigkill_mid_batch_then_restart_ends_with_exactly_the_right_documents(
        self, app: Any, ada: Any, database_url: str, tmp_path: Path
    ) -> None:
        await _seed(app, ada.id, 60)
        newest = await _max_activity(app)
        root = tmp_path / "search"
        slow = _indexer(tmp_path, database_url, "--batch-size", "7", "--commit-delay", "0.4")
        try:
            deadline = time.monotonic() + 60
            while _last_id(root) <= 0:  # wait for the first committed batch
                assert slow.poll() is None, slow.communicate()
                assert time.monotonic() < deadline, "the indexer never committed"
                await asyncio.sleep(0.05)
            await asyncio.sleep(0.2)  # now inside the next batch, documents added, commit not yet done
        finally:
            slow.send_signal(signal.SIGKILL)
            slow.wait(10)
        _, reached = _indexed(root)
        assert 0 < reached < newest, "the kill should land before the end of the outbox"

        again = _indexer(tmp_path, database_url, "--exit-when-idle")
        _, err = again.communicate(timeout=120)
        assert again.returncode == 0, err
        uids, last_id = _indexed(root)
        assert len(uids) == len(set(uids)), "a document was indexed twice"
        assert set(uids) == await _expected_uids(app)
        assert last_id == newest


class TestOutbox:
    async def test_activities_committed_out_of_order_are_applied_in_order(
        self, app: Any, runtime: Any, ada: Any, index_now: Any, search: Any, monkeypatch: Any
    ) -> None:
        """A lower id that becomes visible after a higher one (PostgreSQL commit order) holds the higher one back
        until it commits, then both are applied; none is skipped."""
        await _seed(app, ada.id, 2)
        await index_now()
        indexer = runtime.indexer
        monkeypatch.setattr(indexer, "gaps", GapTracker(60))  # as on PostgreSQL (SQLite: a hole never fills)
        watermark = indexer.state.last_id

        async def late_post(activity_id: int, body: str) -> int:
            async with app.state.runtime.sessionmaker() as session:
                post = Post(author_id=ada.id, body=body, body_html="")
                session.add(post)
                await session.flush()
                session.add(Activity(id=activity_id, type="post.created", post_id=post.id, payload={}))
                await session.commit()
                return post.id

        later = await late_post(watermark + 2, "Retardataire")
        assert await indexer.run_once() == 0
        assert indexer.waiting and indexer.state.last_id == watermark
        assert ids(await search(ada, "retardataire")) == []  # waiting for the hole below
        earlier = await late_post(watermark + 1, "Lambine")
        assert await indexer.run_once() == 2
        assert not indexer.waiting and indexer.state.last_id == watermark + 2
        assert ids(await search(ada, "lambine")) == [earlier] and ids(await search(ada, "retardataire")) == [later]

    async def test_a_hole_that_stays_is_passed_after_the_gap_wait(
        self, app: Any, runtime: Any, ada: Any, index_now: Any, monkeypatch: Any
    ) -> None:
        await index_now()
        indexer = runtime.indexer
        monkeypatch.setattr(indexer, "gaps", GapTracker(60))
        watermark = indexer.state.last_id
        async with app.state.runtime.sessionmaker() as session:
            session.add(Activity(id=watermark + 2, type="user.updated", subject_user_id=ada.id, payload={}))
            await session.commit()
        assert await indexer.run_once() == 0 and indexer.state.last_id == watermark
        indexer.gaps.gap_wait = 0.0  # the wait is over: a rolled-back transaction never fills it
        assert await indexer.run_once() == 1
        assert indexer.state.last_id == watermark + 2 and not indexer.waiting

    async def test_a_stored_state_from_before_still_reads(self) -> None:
        """Indexes written before the indexer shared the outbox's gap handling stored `done` ids: ignored."""
        from app.search.index import IndexState

        raw = '{"last_id": 12, "check_id": 11, "check_at": "2026-01-01T00:00:00+00:00", "done": [14], "schema": 3}'
        assert IndexState.from_json(raw) == IndexState(12, 11, "2026-01-01T00:00:00+00:00", schema=3)

    async def test_an_emptied_outbox_triggers_a_rebuild(
        self, app: Any, runtime: Any, ada: Any, index_now: Any, search: Any
    ) -> None:
        await _seed(app, ada.id, 3)
        await index_now()
        before = runtime.store.current_name()
        async with app.state.runtime.sessionmaker() as session:  # another outbox: a restore from a backup, say
            await session.execute(update(Activity).values(created_at=utcnow()))
            await session.execute(update(Post).values(deleted_at=utcnow()))
            await session.commit()
        await index_now()
        assert runtime.store.current_name() != before
        assert sorted(_indexed(runtime.store.root)[0]) == sorted(await _expected_uids(app))
        assert not any(uid.startswith("post:") for uid in _indexed(runtime.store.root)[0])
        assert ids(await search(ada, "ruche")) == []


class TestReindex:
    async def test_reindex_swaps_generations_while_searches_keep_answering(
        self, app: Any, runtime: Any, ada: Any, index_now: Any, search: Any, settings_override: Any
    ) -> None:
        settings_override(SEARCH_RATE_PER_USER_PER_MIN=100_000)
        await _seed(app, ada.id, 30)
        await index_now()
        expected = ids(await search(ada, "ruche", limit=50))
        assert len(expected) > 20
        before = runtime.store.current_name()
        stop = asyncio.Event()
        answers: list[tuple[int, list[int]]] = []

        async def keep_searching() -> None:
            while not stop.is_set():
                r = await search(ada, "ruche", limit=50)
                answers.append((r.status_code, sorted(i["id"] for i in r.json().get("items", []))))
                await asyncio.sleep(0)

        searchers = [asyncio.create_task(keep_searching()) for _ in range(3)]
        for _ in range(3):
            await runtime.indexer.rebuild()
        stop.set()
        await asyncio.gather(*searchers)
        assert runtime.store.current_name() != before
        assert len(answers) > 3
        bad = [(c, f) for c, f in answers if c != 200 or f != sorted(expected)]
        assert not bad, (len(bad), len(answers), bad[:2], sorted(expected))
        assert len(list(runtime.store.root.glob("index-*"))) <= 2  # old generations are removed

    def test_cli_reindex_builds_a_new_generation(self, tmp_path: Path) -> None:
        env = {k: v for k, v in os.environ.items() if not k.startswith("RUCHE_")}
        env.update(RUCHE_DATA_DIR=str(tmp_path))
        assert RUCHE
        first = subprocess.run([RUCHE, "search", "reindex"], env=env, cwd=tmp_path, capture_output=True, text=True,
                               timeout=120, check=False)
        assert first.returncode == 0, first.stderr
        assert "0 documents" in first.stdout
        name = IndexStore(tmp_path / "search").current_name()
        second = subprocess.run([RUCHE, "search", "reindex"], env=env, cwd=tmp_path, capture_output=True,
                                text=True, timeout=120, check=False)
        assert second.returncode == 0, second.stderr
        assert IndexStore(tmp_path / "search").current_name() not in (None, name)


class TestWriters:
    def test_one_writer_per_data_folder(self, tmp_path: Path) -> None:
        from app.search.runtime import IndexerLock

        first, second = IndexerLock(tmp_path), IndexerLock(tmp_path)
        assert first.try_acquire()
        assert not second.try_acquire()  # another worker: reads only, retries later
        first.release()
        assert second.try_acquire()
        second.release()

    async def test_indexer_off_serves_searches_without_writing(self, base_settings: Any, tmp_path: Path) -> None:
        from app.main import create_app

        settings = base_settings.model_copy(update={"DATA_DIR": tmp_path, "SEARCH_INDEXER": "off"})
        other = create_app(settings)
        async with other.router.lifespan_context(other):
            assert other.state.runtime.search.indexer is None and other.state.runtime.search.task is None
            assert other.state.runtime.search.wake not in other.state.runtime.after_commit
            assert (tmp_path / "search" / "current").is_symlink()  # an empty index to read until a writer runs
            assert not (tmp_path / "search" / "indexer.lock").exists()

    def test_incremental_commits_never_merge_rebuild_segments(self) -> None:
        from app.search.indexer import REBUILD_SEGMENT_DOCS, tiered_merge

        class Segment:
            def doc_count(self) -> int:
                return REBUILD_SEGMENT_DOCS

        class Writer:
            def add_reader(self, reader: Any) -> None:
                raise AssertionError("a rebuild segment was merged")

        segments = [Segment() for _ in range(60)]
        assert tiered_merge(Writer(), segments) == segments
