"""Editing a comment (API.md "Daily use"): PATCH /api/v1/comments/{id} {body}."""

from typing import Any

import httpx
import pytest
from sqlalchemy import select

from app.outbox.models import Activity
from app.outbox.types import CommentUpdated
from app.posts.schemas import MAX_COMMENT_BODY

POSTS = "/api/v1/posts"


@pytest.fixture
def comment_on(client: httpx.AsyncClient) -> Any:
    async def create(member: Any, post: dict[str, Any], body: str = "Première version") -> dict[str, Any]:
        r = await client.post(f"{POSTS}/{post['id']}/comments", json={"body": body}, headers=member.headers)
        assert r.status_code == 201, r.text
        return r.json()  # type: ignore[no-any-return]

    return create


async def comment_updates(app: Any) -> list[CommentUpdated]:
    async with app.state.runtime.sessionmaker() as session:
        rows = await session.scalars(select(Activity).where(Activity.type == "comment.updated").order_by(Activity.id))
        return [row.typed for row in rows]


class TestUpdateComment:
    async def test_the_author_rewrites_it_and_it_is_marked_edited(
        self, app: Any, client: httpx.AsyncClient, anna: Any, mia: Any, make_post: Any, comment_on: Any
    ) -> None:
        post = await make_post(anna, "Compte rendu")
        c = await comment_on(mia, post)
        assert c["edited_at"] is None
        r = await client.patch(f"/api/v1/comments/{c['id']}", json={"body": "Version **corrigée**"},
                               headers=mia.headers)
        assert r.status_code == 200, r.text
        edited = r.json()
        assert edited["body"] == "Version **corrigée**"
        assert edited["body_html"] == "<p>Version <strong>corrigée</strong></p>\n"
        assert edited["edited_at"] is not None and edited["created_at"] == c["created_at"]
        listed = (await client.get(f"{POSTS}/{post['id']}/comments", headers=anna.headers)).json()["items"]
        assert [(i["id"], i["body"], i["edited_at"]) for i in listed] == [(c["id"], edited["body"], edited["edited_at"])]
        [activity] = await comment_updates(app)
        assert (activity.comment_id, activity.post_id, activity.actor_id) == (c["id"], post["id"], mia.id)

    async def test_the_same_text_changes_nothing(
        self, app: Any, client: httpx.AsyncClient, anna: Any, mia: Any, make_post: Any, comment_on: Any
    ) -> None:
        post = await make_post(anna, "Rien à changer")
        c = await comment_on(mia, post, "Tel quel")
        r = await client.patch(f"/api/v1/comments/{c['id']}", json={"body": "Tel quel"}, headers=mia.headers)
        assert r.status_code == 200 and r.json()["edited_at"] is None
        assert await comment_updates(app) == []

    async def test_others_are_refused_even_admins_and_animators(
        self, client: httpx.AsyncClient, admin: Any, anna: Any, mia: Any, make_group: Any, make_post: Any,
        comment_on: Any,
    ) -> None:
        group = await make_group(anna, "Atelier", "public", members=(mia,))
        post = await make_post(anna, "Retours", group_id=group["id"])
        c = await comment_on(mia, post)
        for member in (admin, anna):
            r = await client.patch(f"/api/v1/comments/{c['id']}", json={"body": "Réécrit"}, headers=member.headers)
            assert r.status_code == 403, r.text
            assert r.json()["detail"] == "Only the author can edit this comment"
        listed = (await client.get(f"{POSTS}/{post['id']}/comments", headers=anna.headers)).json()["items"]
        assert listed[0]["body"] == "Première version"

    async def test_invisible_missing_or_deleted_is_404(
        self, client: httpx.AsyncClient, anna: Any, mia: Any, olga: Any, make_group: Any, make_post: Any,
        comment_on: Any,
    ) -> None:
        group = await make_group(anna, "Direction", "private", members=(mia,))
        post = await make_post(anna, "Budget", group_id=group["id"])
        c = await comment_on(mia, post)
        outside = await client.patch(f"/api/v1/comments/{c['id']}", json={"body": "x"}, headers=olga.headers)
        missing = await client.patch("/api/v1/comments/999999", json={"body": "x"}, headers=olga.headers)
        assert outside.status_code == missing.status_code == 404 and outside.json() == missing.json()
        # the author who left the group no longer sees the comment
        left = await client.delete(f"/api/v1/groups/{group['id']}/members/{mia.id}", headers=mia.headers)
        assert left.status_code == 204
        assert (await client.patch(f"/api/v1/comments/{c['id']}", json={"body": "x"},
                                   headers=mia.headers)).status_code == 404
        public = await make_post(anna, "Public")
        gone = await comment_on(mia, public)
        assert (await client.delete(f"/api/v1/comments/{gone['id']}", headers=mia.headers)).status_code == 204
        assert (await client.patch(f"/api/v1/comments/{gone['id']}", json={"body": "x"},
                                   headers=mia.headers)).status_code == 404

    @pytest.mark.parametrize("body", [
        {"body": ""}, {"body": "   "}, {"body": "x" * (MAX_COMMENT_BODY + 1)}, {"body": "a\x00b"}, {}, {"body": 5},
    ])
    async def test_bad_bodies_are_422_with_the_same_limits_as_creation(
        self, client: httpx.AsyncClient, anna: Any, mia: Any, make_post: Any, comment_on: Any, body: dict[str, Any]
    ) -> None:
        post = await make_post(anna, "Limites")
        c = await comment_on(mia, post)
        r = await client.patch(f"/api/v1/comments/{c['id']}", json=body, headers=mia.headers)
        assert r.status_code == 422, r.text

    async def test_the_longest_body_allowed_is_accepted(
        self, client: httpx.AsyncClient, anna: Any, mia: Any, make_post: Any, comment_on: Any
    ) -> None:
        post = await make_post(anna, "Long")
        c = await comment_on(mia, post)
        r = await client.patch(f"/api/v1/comments/{c['id']}", json={"body": "y" * MAX_COMMENT_BODY},
                               headers=mia.headers)
        assert r.status_code == 200, r.text

    async def test_only_mentions_added_by_the_edit_are_new(
        self, app: Any, client: httpx.AsyncClient, anna: Any, mia: Any, olga: Any, make_post: Any, comment_on: Any
    ) -> None:
        post = await make_post(anna, "Qui s'en charge ?")
        c = await comment_on(mia, post, f"Demandons à @{anna.handle}")
        r = await client.patch(f"/api/v1/comments/{c['id']}", json={"body": f"@{anna.handle} et @{olga.handle}"},
                               headers=mia.headers)
        assert r.status_code == 200, r.text
        assert f'href="/people/{olga.handle}"' in r.json()["body_html"]
        [activity] = await comment_updates(app)
        assert activity.mentions == (anna.id, olga.id) and activity.new_mentions == (olga.id,)
