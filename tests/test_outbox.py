"""The activity outbox for conversations: one Activity per change, written in the change's transaction."""

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from sqlalchemy import event, func, select
from sqlalchemy.orm import Session

from app.outbox.models import Activity
from app.posts import service as posts_service
from app.posts.models import Post, PostTopic
from app.posts.schemas import PostCreate
from app.users import service as users_service
from app.users.models import User

CONVERSATION_TYPES = ("post", "comment", "reaction")


@pytest.fixture
async def members(register: Any) -> tuple[Any, Any, Any]:
    admin = await register("Ada Admin", "ada@example.com")
    return admin, await register("Mia Membre", "mia@example.com"), await register("Olga Autre", "olga@example.com")


@pytest.fixture
def new_activities(app: Any) -> Any:
    """Conversation activities written since the previous call, as comparable dicts (other domains' consumers,
    such as the notifier, write their own activities in the background: they are not counted here)."""
    state = {"last": 0}

    async def read() -> list[dict[str, Any]]:
        async with app.state.runtime.sessionmaker() as s:
            rows = list(await s.scalars(select(Activity).where(Activity.id > state["last"]).order_by(Activity.id)))
        if rows:
            state["last"] = rows[-1].id
        rows = [a for a in rows if a.type.split(".")[0] in CONVERSATION_TYPES]
        return [
            {"type": a.type, "actor_id": a.actor_id, "group_id": a.group_id, "post_id": a.post_id,
             "comment_id": a.comment_id, "payload": a.payload}
            for a in rows
        ]

    return read


async def counts(app: Any) -> tuple[int, int, int]:
    async with app.state.runtime.sessionmaker() as s:
        posts = await s.scalar(select(func.count()).select_from(Post))
        topics = await s.scalar(select(func.count()).select_from(PostTopic))
        activities = await s.scalar(select(func.count()).select_from(Activity).where(Activity.type.like("post.%")))
    return int(posts or 0), int(topics or 0), int(activities or 0)


@pytest.fixture
def failing_commits() -> Iterator[None]:
    def refuse(session: Session) -> None:
        raise RuntimeError("commit refused by the test")

    event.listen(Session, "before_commit", refuse)
    yield
    event.remove(Session, "before_commit", refuse)


class TestNothingSurvivesAFailedTransaction:
    async def test_exception_after_the_post_is_flushed(self, app: Any, members: Any) -> None:
        _, mia, _ = members
        async with app.state.runtime.sessionmaker() as session:
            actor = await users_service.build_actor(app.state.runtime, session, await session.get_one(User, mia.id))
        with pytest.raises(RuntimeError):
            async with app.state.runtime.sessionmaker() as session:
                try:
                    post, _ = await posts_service.create_post(
                        session, app.state.runtime, actor, PostCreate(body="Doomed #topic"))
                    assert post.id is not None  # flushed: the row and its activity exist in the transaction
                    assert await session.scalar(select(func.count()).select_from(Activity).where(
                        Activity.post_id == post.id)) == 1
                    raise RuntimeError("something failed later in the request")
                except Exception:
                    await session.rollback()
                    raise
        assert await counts(app) == (0, 0, 0)

    async def test_commit_failure_through_http(self, app: Any, members: Any, failing_commits: None) -> None:
        _, mia, _ = members
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            r = await client.post("/api/v1/posts", json={"body": "Never saved #topic"}, headers=mia.headers)
        assert r.status_code == 500
        assert await counts(app) == (0, 0, 0)


class TestActivitiesWritten:
    async def test_each_operation_writes_exactly_its_activity(
        self, client: httpx.AsyncClient, members: Any, new_activities: Any
    ) -> None:
        _, mia, olga = members
        r = await client.post("/api/v1/groups", json={"name": "Team", "visibility": "private"}, headers=mia.headers)
        group_id = r.json()["id"]
        await client.put(f"/api/v1/groups/{group_id}/members/{olga.id}", json={"status": "member"},
                         headers=mia.headers)
        await new_activities()

        def act(type_: str, actor: Any, post_id: int | None, payload: dict[str, Any],
                comment_id: int | None = None) -> dict[str, Any]:
            return {"type": type_, "actor_id": actor.id, "group_id": group_id, "post_id": post_id,
                    "comment_id": comment_id, "payload": payload}

        post = (await client.post("/api/v1/posts", json={"body": f"Hi @{olga.handle}", "group_id": group_id},
                                  headers=mia.headers)).json()
        pid = post["id"]
        assert await new_activities() == [act("post.created", mia, pid, {"kind": "discussion", "mentions": [olga.id]})]

        await client.patch(f"/api/v1/posts/{pid}", json={"title": "T"}, headers=mia.headers)
        assert await new_activities() == [
            act("post.updated", mia, pid, {"kind": "discussion", "mentions": [olga.id], "new_mentions": []})]

        top = (await client.post(f"/api/v1/posts/{pid}/comments", json={"body": f"@{mia.handle} yes"},
                                 headers=olga.headers)).json()
        assert await new_activities() == [act("comment.created", olga, pid, {
            "parent_id": None, "post_author_id": mia.id, "parent_author_id": None, "mentions": [mia.id]},
            comment_id=top["id"])]

        reply = (await client.post(f"/api/v1/posts/{pid}/comments", json={"body": "ok", "parent_id": top["id"]},
                                   headers=mia.headers)).json()
        assert await new_activities() == [act("comment.created", mia, pid, {
            "parent_id": top["id"], "post_author_id": mia.id, "parent_author_id": olga.id, "mentions": []},
            comment_id=reply["id"])]

        await client.put(f"/api/v1/posts/{pid}/reaction", json={"kind": "like"}, headers=olga.headers)
        like = {"reaction_count": 1, "kind": "like", "target_author_id": mia.id, "target_post_id": pid}
        assert await new_activities() == [act("reaction.changed", olga, pid, like)]
        await client.put(f"/api/v1/posts/{pid}/reaction", json={"kind": "like"}, headers=olga.headers)
        assert await new_activities() == []  # nothing changed, nothing to announce
        await client.put(f"/api/v1/posts/{pid}/reaction", json={"kind": "thanks"}, headers=olga.headers)
        assert await new_activities() == [act("reaction.changed", olga, pid, {**like, "kind": "thanks"})]
        await client.delete(f"/api/v1/posts/{pid}/reaction", headers=olga.headers)
        assert await new_activities() == [act("reaction.changed", olga, pid, {**like, "kind": None,
                                                                              "reaction_count": 0})]
        await client.delete(f"/api/v1/posts/{pid}/reaction", headers=olga.headers)
        assert await new_activities() == []

        await client.put(f"/api/v1/comments/{top['id']}/reaction", json={"kind": "insightful"}, headers=mia.headers)
        assert await new_activities() == [act("reaction.changed", mia, None, {
            "reaction_count": 1, "kind": "insightful", "target_author_id": olga.id, "target_post_id": pid},
            comment_id=top["id"])]

        await client.delete(f"/api/v1/comments/{top['id']}", headers=olga.headers)
        assert await new_activities() == [act("comment.deleted", olga, pid, {
            "parent_id": None, "post_author_id": mia.id, "reply_ids": [reply["id"]]}, comment_id=top["id"])]

        await client.delete(f"/api/v1/posts/{pid}", headers=mia.headers)
        assert await new_activities() == [act("post.deleted", mia, pid, {"kind": "discussion", "author_id": mia.id})]

    async def test_refused_operations_write_nothing(self, client: httpx.AsyncClient, members: Any,
                                                    new_activities: Any) -> None:
        _, mia, olga = members
        post = (await client.post("/api/v1/posts", json={"body": "Mine"}, headers=mia.headers)).json()
        await new_activities()
        assert (await client.patch(f"/api/v1/posts/{post['id']}", json={"body": "x"},
                                   headers=olga.headers)).status_code == 403
        assert (await client.delete(f"/api/v1/posts/{post['id']}", headers=olga.headers)).status_code == 403
        assert (await client.post("/api/v1/posts", json={"body": "Mine"}, headers=mia.headers)).status_code == 409
        assert await new_activities() == []
