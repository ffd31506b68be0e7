"""A feed page costs a constant number of queries, however many posts, authors, groups and mentions it shows."""

from typing import Any

import httpx
from sqlalchemy import event

from app.feed import service as feed_service
from app.posts import comments as comments_service
from app.posts import read
from app.posts.views import comment_views
from app.users import service as users_service
from app.users.models import User


async def queries_for_page(app: Any, member: Any, limit: int) -> tuple[int, int]:
    """(queries, items) to load a home feed page and shape it as the API does, counted on one session."""
    async with app.state.runtime.sessionmaker() as session:
        actor = await users_service.build_actor(app.state.runtime, session, await session.get_one(User, member.id))
        executed: list[str] = []
        event.listen(session.sync_session, "do_orm_execute", lambda state: executed.append(str(state.statement)))
        posts, _ = await feed_service.home_feed(session, actor, limit=limit)
        views = [read.to_api(row) for row in posts]  # rows carry everything: no query
        return len(executed), len(views)


class TestNoNPlusOne:
    async def test_home_feed_page_query_count_is_constant(
        self, client: httpx.AsyncClient, app: Any, register: Any, anna: Any, mia: Any, make_group: Any,
        make_post: Any,
    ) -> None:
        authors = [await register(f"Author {i}", f"author{i}@example.com") for i in range(6)]
        groups = [await make_group(anna, f"G{i}", "public", members=(mia, *authors)) for i in range(3)]
        for i in range(12):
            author = authors[i % len(authors)]
            post = await make_post(author, f"Post {i} @{mia.handle} @{anna.handle} #t{i} #common",
                                   group_id=groups[i % 3]["id"] if i % 2 else None)
            await client.put(f"/api/v1/posts/{post['id']}/reaction", json={"kind": "like"}, headers=mia.headers)
        small, small_items = await queries_for_page(app, mia, limit=2)
        large, large_items = await queries_for_page(app, mia, limit=12)
        assert (small_items, large_items) == (2, 12)
        assert small == large <= 6, (small, large)

    async def test_comment_page_query_count_is_constant(
        self, client: httpx.AsyncClient, app: Any, register: Any, mia: Any, make_post: Any
    ) -> None:
        post = await make_post(mia, "Discuss")
        authors = [await register(f"Commenter {i}", f"c{i}@example.com") for i in range(5)]
        for i in range(10):
            r = await client.post(f"/api/v1/posts/{post['id']}/comments", json={"body": f"c{i}"},
                                  headers=authors[i % 5].headers)
            await client.put(f"/api/v1/comments/{r.json()['id']}/reaction", json={"kind": "like"},
                             headers=mia.headers)
        counts = []
        for limit in (2, 10):
            async with app.state.runtime.sessionmaker() as session:
                actor = await users_service.build_actor(app.state.runtime, session, await session.get_one(User, mia.id))
                executed: list[str] = []
                event.listen(session.sync_session, "do_orm_execute", lambda s, e=executed: e.append("q"))
                items, _ = await comments_service.list_comments(session, actor, post["id"], limit=limit)
                assert len(await comment_views(session, actor, items)) == limit
                counts.append(len(executed))
        assert counts[0] == counts[1] <= 4, counts
