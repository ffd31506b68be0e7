"""The benchmark generator: deterministic, consistent counters, and an app that keeps working on its data."""

import asyncio
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from app.config import Settings
from app.outbox.models import Activity
from app.outbox.read import gap_wait_for
from app.outbox.types import UserUpdated
from app.outbox.write import row_values
from app.search.index import IndexStore
from app.search.indexer import Indexer
from app.search.runtime import search_root
from bench.dataset import BENCH_PASSWORD, TABLES, Dataset, Sizes, bench_email, fingerprint
from bench.generate import NotEmpty, load
from bench.load import seed_search_index

TINY = Sizes(members=12, groups=5, posts=200, comments=150, reactions=120, follows=3, group_joins=2)
HASH = "$argon2id$v=19$m=1024,t=1,p=1$c29tZXNhbHRzb21lc2FsdA$not-a-real-hash"


class TestDataset:
    def test_same_seed_gives_same_rows(self) -> None:
        assert fingerprint(Dataset(TINY, HASH)) == fingerprint(Dataset(TINY, HASH))

    def test_other_seed_gives_other_rows(self) -> None:
        other = Sizes(**{**TINY.__dict__, "seed": TINY.seed + 1})
        assert fingerprint(Dataset(TINY, HASH)) != fingerprint(Dataset(other, HASH))

    def test_counts_match_the_rows(self) -> None:
        dataset = Dataset(TINY, HASH)
        for table in TABLES:
            assert sum(1 for _ in dataset.rows(table)) == dataset.count(table), table
        assert dataset.count("posts") == 200 and dataset.count("comments") == 150
        assert dataset.count("post_mentions") > 0 and dataset.count("post_topics") > 0


class TestLoad:
    async def test_loads_consistent_counters_and_the_app_keeps_inserting(self, app: Any, client: Any,
                                                                          database_url: str) -> None:
        written = await load(database_url, TINY, quiet=True, settings=app.state.runtime.settings)
        assert written["posts"] == 200 and written["comments"] == 150 and written["users"] == 12
        async with app.state.runtime.engine.connect() as conn:
            wrong_comments = await conn.scalar(text(
                "SELECT count(*) FROM posts p WHERE p.comment_count != "
                "(SELECT count(*) FROM comments c WHERE c.post_id = p.id)"))
            wrong_reactions = await conn.scalar(text(
                "SELECT count(*) FROM posts p WHERE p.reaction_count != "
                "(SELECT count(*) FROM reactions r WHERE r.post_id = p.id)"))
            wrong_comment_reactions = await conn.scalar(text(
                "SELECT count(*) FROM comments c WHERE c.reaction_count != "
                "(SELECT count(*) FROM reactions r WHERE r.comment_id = c.id)"))
            unwritten_mentions = await conn.scalar(text(
                "SELECT count(*) FROM post_mentions m JOIN users u ON u.id = m.user_id JOIN posts p ON p.id = m.post_id "
                "WHERE p.body NOT LIKE '%@' || u.handle || '%'"))
            outsiders = await conn.scalar(text(
                "SELECT count(*) FROM posts p WHERE p.group_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM "
                "group_memberships m WHERE m.group_id = p.group_id AND m.user_id = p.author_id "
                "AND m.status IN ('member', 'animator'))"))
            outbox = dict((await conn.execute(text("SELECT type, count(*) FROM activities GROUP BY type"))).all())
            newest_activity = await conn.scalar(text("SELECT max(id) FROM activities"))
            notifier_at = await conn.scalar(text("SELECT last_id FROM outbox_cursors WHERE name = 'notifier'"))
            out_of_order = await conn.scalar(text(
                "SELECT count(*) FROM activities a JOIN activities b ON b.id = a.id + 1 WHERE b.created_at < a.created_at"))
            misplaced = await conn.scalar(text(
                "SELECT count(*) FROM activities a JOIN comments c ON c.id = a.comment_id JOIN posts p ON p.id = c.post_id "
                "WHERE a.type = 'comment.created' AND (a.post_id != c.post_id OR a.actor_id != c.author_id "
                "OR a.created_at != c.created_at OR a.group_id IS DISTINCT FROM p.group_id)"))
        assert (wrong_comments, wrong_reactions, wrong_comment_reactions, outsiders, unwritten_mentions) == (0,) * 5
        # The outbox holds the history, oldest first, and the notifier stands after it.
        assert outbox == {"post.created": 200, "comment.created": 150, "reaction.changed": written["reactions"]}
        assert written["activities"] == newest_activity == notifier_at == 200 + 150 + written["reactions"]
        assert misplaced == 0 and out_of_order == 0

        token = await client.post("/api/v1/auth/token", data={"username": bench_email(2), "password": BENCH_PASSWORD})
        assert token.status_code == 200, token.text
        me = await client.get("/api/v1/users/me", headers={"Authorization": f"Bearer {token.json()['access_token']}"})
        assert me.status_code == 200 and me.json()["email"] == bench_email(2)
        # sequences continue after the loaded ids: a new member gets the next id
        created = await client.post("/api/v1/auth/register", json={
            "email": "newcomer@example.com", "password": "a long enough password", "display_name": "New Comer"})
        assert created.status_code == 201, created.text
        assert created.json()["id"] == 13

    async def test_refuses_a_database_that_has_members(self, app: Any, database_url: str) -> None:
        await load(database_url, TINY, password_hash=HASH, quiet=True)
        with pytest.raises(NotEmpty):
            await load(database_url, TINY, password_hash=HASH, quiet=True)


class TestBenchServerIndex:
    async def test_the_search_index_starts_at_the_head_of_the_generated_outbox(
            self, app: Any, client: Any, database_url: str, tmp_path: Path) -> None:
        """The bench's server measures serving: its indexer must not replay the generated history, and must accept
        the seeded state (no rebuild) and index what comes after it."""
        await load(database_url, TINY, password_hash=HASH, quiet=True)
        await asyncio.to_thread(seed_search_index, tmp_path, database_url)
        store = IndexStore(search_root(Settings(DATA_DIR=tmp_path)))
        indexer = Indexer(store, app.state.runtime.sessionmaker, gap_wait_s=gap_wait_for(app.state.runtime.settings))
        assert await indexer.run_once() == 0
        head = Dataset(TINY, HASH).count("activities")
        assert indexer.state.last_id == head
        # The session's app runs a notifier, which may add activities of its own meanwhile and, on SQLite, hold the
        # one write lock past the busy timeout while it works through the freshly loaded history on a slow host.
        for attempt in range(5):
            try:
                async with app.state.runtime.sessionmaker() as session:
                    session.add(Activity(**row_values(UserUpdated(actor_id=2, subject_user_id=2))))
                    await session.commit()
                break
            except OperationalError:
                if attempt == 4:
                    raise
        for _ in range(200):  # on PostgreSQL an id the notifier took may still be uncommitted: wait at the hole
            handled = await indexer.run_once()
            if handled or not indexer.waiting:
                break
            await asyncio.sleep(0.05)
        assert handled >= 1 and indexer.state.last_id > head
