"""Comments and replies (API.md "Posts, comments, reactions")."""

from typing import Any

import httpx
import pytest

from app.schemas import encode_cursor

POSTS = "/api/v1/posts"
COMMENT_FIELDS = {"id", "post_id", "parent_id", "author", "body", "body_html", "created_at", "edited_at",
                  "reaction_count", "my_reaction"}


@pytest.fixture
def comment(client: httpx.AsyncClient) -> Any:
    async def create(member: Any, post: dict[str, Any], body: str = "Nice", parent_id: int | None = None) -> Any:
        payload: dict[str, Any] = {"body": body}
        if parent_id is not None:
            payload["parent_id"] = parent_id
        r = await client.post(f"{POSTS}/{post['id']}/comments", json=payload, headers=member.headers)
        assert r.status_code == 201, r.text
        return r.json()

    return create


async def get_post(client: httpx.AsyncClient, member: Any, post: dict[str, Any]) -> Any:
    r = await client.get(f"{POSTS}/{post['id']}", headers=member.headers)
    assert r.status_code == 200
    return r.json()


class TestCreateComment:
    async def test_comment_shape_and_count(self, client: httpx.AsyncClient, mia: Any, olga: Any, make_post: Any) -> None:
        post = await make_post(mia, "Question?")
        r = await client.post(f"{POSTS}/{post['id']}/comments", json={"body": f"Answer _here_ @{mia.handle}"},
                              headers=olga.headers)
        assert r.status_code == 201, r.text
        c = r.json()
        assert set(c) == COMMENT_FIELDS
        assert c["post_id"] == post["id"] and c["parent_id"] is None and c["author"]["id"] == olga.id
        assert c["body_html"] == (f'<p>Answer <em>here</em> <a href="/people/{mia.handle}" class="mention" '
                                  f'rel="noopener noreferrer nofollow">@{mia.handle}</a></p>\n')
        assert c["reaction_count"] == 0 and c["my_reaction"] is None
        assert (await get_post(client, mia, post))["comment_count"] == 1

    async def test_reply_to_a_reply_attaches_to_the_top_level_comment(
        self, mia: Any, olga: Any, make_post: Any, comment: Any
    ) -> None:
        post = await make_post(mia, "Thread")
        top = await comment(olga, post, "Top")
        reply = await comment(mia, post, "Reply", parent_id=top["id"])
        deeper = await comment(olga, post, "Reply to reply", parent_id=reply["id"])
        assert reply["parent_id"] == top["id"] and deeper["parent_id"] == top["id"]

    async def test_parent_from_another_post_or_missing_is_422(
        self, client: httpx.AsyncClient, mia: Any, make_post: Any, comment: Any
    ) -> None:
        first, second = await make_post(mia, "First"), await make_post(mia, "Second")
        elsewhere = await comment(mia, first, "On first")
        for parent_id in (elsewhere["id"], 999999):
            r = await client.post(f"{POSTS}/{second['id']}/comments", json={"body": "x", "parent_id": parent_id},
                                  headers=mia.headers)
            assert r.status_code == 422

    async def test_parent_deleted_is_422(self, client: httpx.AsyncClient, mia: Any, make_post: Any,
                                         comment: Any) -> None:
        post = await make_post(mia, "P")
        top = await comment(mia, post, "Gone soon")
        assert (await client.delete(f"/api/v1/comments/{top['id']}", headers=mia.headers)).status_code == 204
        r = await client.post(f"{POSTS}/{post['id']}/comments", json={"body": "x", "parent_id": top["id"]},
                              headers=mia.headers)
        assert r.status_code == 422

    async def test_5000_chars_accepted_5001_refused(self, client: httpx.AsyncClient, mia: Any,
                                                    make_post: Any) -> None:
        post = await make_post(mia, "Long comments")
        url = f"{POSTS}/{post['id']}/comments"
        assert (await client.post(url, json={"body": "a" * 5000}, headers=mia.headers)).status_code == 201
        assert (await client.post(url, json={"body": "a" * 5001}, headers=mia.headers)).status_code in (413, 422)

    @pytest.mark.parametrize("payload", [{"body": ""}, {"body": "  "}, {"body": "a\x00"}, {},
                                         {"body": "x", "parent_id": "a"}, {"body": "x", "parent_id": 2**70}])
    async def test_invalid_is_422(self, client: httpx.AsyncClient, mia: Any, make_post: Any,
                                  payload: dict[str, Any]) -> None:
        post = await make_post(mia, "P")
        r = await client.post(f"{POSTS}/{post['id']}/comments", json=payload, headers=mia.headers)
        assert r.status_code == 422

    async def test_on_invisible_or_deleted_post_is_404(self, client: httpx.AsyncClient, anna: Any, mia: Any,
                                                       olga: Any, make_group: Any, make_post: Any) -> None:
        group = await make_group(anna, "Private", "private")
        private = await make_post(anna, "Inside", group_id=group["id"])
        r = await client.post(f"{POSTS}/{private['id']}/comments", json={"body": "x"}, headers=olga.headers)
        assert r.status_code == 404
        gone = await make_post(mia, "Deleted")
        await client.delete(f"{POSTS}/{gone['id']}", headers=mia.headers)
        r = await client.post(f"{POSTS}/{gone['id']}/comments", json={"body": "x"}, headers=mia.headers)
        assert r.status_code == 404


class TestListComments:
    async def test_oldest_first_paginated_without_skip_or_repeat(
        self, client: httpx.AsyncClient, mia: Any, olga: Any, make_post: Any, comment: Any
    ) -> None:
        post = await make_post(mia, "Many comments")
        made = [await comment(olga, post, f"c{i}") for i in range(5)]
        seen: list[int] = []
        cursor = None
        for round_ in range(10):
            params: dict[str, Any] = {"limit": 2}
            if cursor:
                params["cursor"] = cursor
            r = await client.get(f"{POSTS}/{post['id']}/comments", params=params, headers=mia.headers)
            assert r.status_code == 200
            seen += [c["id"] for c in r.json()["items"]]
            if round_ == 0:
                made.append(await comment(olga, post, "late"))  # added while paging: appears at the end
            cursor = r.json()["next_cursor"]
            if cursor is None:
                break
        assert seen == [c["id"] for c in made]

    async def test_deleted_comments_are_not_listed(self, client: httpx.AsyncClient, mia: Any, make_post: Any,
                                                   comment: Any) -> None:
        post = await make_post(mia, "P")
        keep, drop = await comment(mia, post, "keep"), await comment(mia, post, "drop")
        await client.delete(f"/api/v1/comments/{drop['id']}", headers=mia.headers)
        r = await client.get(f"{POSTS}/{post['id']}/comments", headers=mia.headers)
        assert [c["id"] for c in r.json()["items"]] == [keep["id"]]

    async def test_private_post_comments_are_404_for_outsiders(
        self, client: httpx.AsyncClient, anna: Any, olga: Any, make_group: Any, make_post: Any, comment: Any
    ) -> None:
        group = await make_group(anna, "Private", "private")
        post = await make_post(anna, "Inside", group_id=group["id"])
        await comment(anna, post, "Internal")
        assert (await client.get(f"{POSTS}/{post['id']}/comments", headers=olga.headers)).status_code == 404

    async def test_bad_cursor_is_422(self, client: httpx.AsyncClient, mia: Any, make_post: Any) -> None:
        post = await make_post(mia, "P")
        for cursor in ("%%%", "bm90LWpzb24", "eyJpZCI6ImEifQ", encode_cursor({"id": 2**64})):
            r = await client.get(f"{POSTS}/{post['id']}/comments", params={"cursor": cursor}, headers=mia.headers)
            assert r.status_code == 422


class TestDeleteComment:
    async def test_deleting_removes_replies_and_drops_comment_count(
        self, client: httpx.AsyncClient, mia: Any, olga: Any, make_post: Any, comment: Any
    ) -> None:
        post = await make_post(mia, "P")
        top = await comment(olga, post, "Top")
        await comment(mia, post, "r1", parent_id=top["id"])
        await comment(mia, post, "r2", parent_id=top["id"])
        other = await comment(mia, post, "Other")
        assert (await get_post(client, mia, post))["comment_count"] == 4
        assert (await client.delete(f"/api/v1/comments/{top['id']}", headers=olga.headers)).status_code == 204
        assert (await get_post(client, mia, post))["comment_count"] == 1
        r = await client.get(f"{POSTS}/{post['id']}/comments", headers=mia.headers)
        assert [c["id"] for c in r.json()["items"]] == [other["id"]]
        assert (await client.delete(f"/api/v1/comments/{top['id']}", headers=olga.headers)).status_code == 404

    async def test_deleting_a_reply_drops_one(self, client: httpx.AsyncClient, mia: Any, make_post: Any,
                                              comment: Any) -> None:
        post = await make_post(mia, "P")
        top = await comment(mia, post, "Top")
        reply = await comment(mia, post, "Reply", parent_id=top["id"])
        assert (await client.delete(f"/api/v1/comments/{reply['id']}", headers=mia.headers)).status_code == 204
        assert (await get_post(client, mia, post))["comment_count"] == 1

    async def test_who_may_delete(self, client: httpx.AsyncClient, admin: Any, anna: Any, mia: Any, olga: Any,
                                  make_group: Any, make_post: Any, comment: Any) -> None:
        group = await make_group(anna, "Team", "public", members=(mia,))
        post = await make_post(mia, "P", group_id=group["id"])
        first, second, third = [await comment(olga, post, f"c{i}") for i in range(3)]
        assert (await client.delete(f"/api/v1/comments/{first['id']}", headers=mia.headers)).status_code == 403
        assert (await client.delete(f"/api/v1/comments/{first['id']}", headers=anna.headers)).status_code == 204
        assert (await client.delete(f"/api/v1/comments/{second['id']}", headers=admin.headers)).status_code == 204
        assert (await client.delete(f"/api/v1/comments/{third['id']}", headers=olga.headers)).status_code == 204

    async def test_invisible_comment_is_404(self, client: httpx.AsyncClient, anna: Any, olga: Any, make_group: Any,
                                            make_post: Any, comment: Any) -> None:
        group = await make_group(anna, "Secret", "secret")
        post = await make_post(anna, "Inside", group_id=group["id"])
        c = await comment(anna, post, "Internal")
        assert (await client.delete(f"/api/v1/comments/{c['id']}", headers=olga.headers)).status_code == 404
        assert (await client.delete("/api/v1/comments/999999", headers=olga.headers)).status_code == 404


class TestCommentIdempotencyKey:
    """A retried comment (the answer lost, a worker killed after its commit) is saved once (issue 27, point 3)."""

    async def test_retry_with_the_same_key_returns_the_first_comment(
            self, client: httpx.AsyncClient, mia: Any, olga: Any, make_post: Any) -> None:
        post = await make_post(mia, "Question ?")
        headers = {**olga.headers, "Idempotency-Key": "c-1"}
        first = await client.post(f"{POSTS}/{post['id']}/comments", json={"body": "Une réponse"}, headers=headers)
        again = await client.post(f"{POSTS}/{post['id']}/comments", json={"body": "Une réponse"}, headers=headers)
        assert first.status_code == 201 and again.status_code == 200, (first.text, again.text)
        assert again.json() == first.json()
        listed = (await client.get(f"{POSTS}/{post['id']}/comments", headers=olga.headers)).json()["items"]
        assert [c["id"] for c in listed] == [first.json()["id"]]
        assert (await get_post(client, olga, post))["comment_count"] == 1

    async def test_the_same_key_for_another_request_is_422(
            self, client: httpx.AsyncClient, mia: Any, olga: Any, make_post: Any) -> None:
        one, two = await make_post(mia, "Un"), await make_post(mia, "Deux")
        headers = {**olga.headers, "Idempotency-Key": "c-2"}
        assert (await client.post(f"{POSTS}/{one['id']}/comments", json={"body": "A"},
                                  headers=headers)).status_code == 201
        for post, body in ((one, "B"), (two, "A")):  # another text; the same text on another post
            r = await client.post(f"{POSTS}/{post['id']}/comments", json={"body": body}, headers=headers)
            assert r.status_code == 422, r.text
        r = await client.post(POSTS, json={"body": "A"}, headers=headers)  # the key of a comment, for a post
        assert r.status_code == 422, r.text

    async def test_concurrent_retries_create_one_comment(
            self, client: httpx.AsyncClient, mia: Any, olga: Any, make_post: Any) -> None:
        import asyncio

        post = await make_post(mia, "Course")
        headers = {**olga.headers, "Idempotency-Key": "c-race"}
        responses = await asyncio.gather(*[
            client.post(f"{POSTS}/{post['id']}/comments", json={"body": "Vite"}, headers=headers) for _ in range(4)])
        statuses = sorted(r.status_code for r in responses)
        assert statuses.count(201) == 1 and set(statuses) <= {200, 201, 409, 503}, statuses
        assert len({r.json()["id"] for r in responses if r.status_code in (200, 201)}) == 1
        assert (await get_post(client, olga, post))["comment_count"] == 1

    async def test_a_refused_comment_leaves_its_key_free(
            self, client: httpx.AsyncClient, mia: Any, olga: Any, make_post: Any) -> None:
        post = await make_post(mia, "Question")
        headers = {**olga.headers, "Idempotency-Key": "c-3"}
        r = await client.post(f"{POSTS}/{post['id']}/comments", json={"body": "x", "parent_id": 999_999},
                              headers=headers)
        assert r.status_code == 422  # no such parent: nothing written, the key not kept
        r = await client.post(f"{POSTS}/{post['id']}/comments", json={"body": "x"}, headers=headers)
        assert r.status_code == 201, r.text

    @pytest.mark.parametrize("key", ["k" * 201, ""])
    async def test_a_bad_key_is_422(self, client: httpx.AsyncClient, mia: Any, make_post: Any, key: str) -> None:
        post = await make_post(mia, "Question")
        r = await client.post(f"{POSTS}/{post['id']}/comments", json={"body": "x"},
                              headers={**mia.headers, "Idempotency-Key": key})
        assert r.status_code == 422

    async def test_an_expired_comment_key_taken_over_by_a_post_forgets_the_comment(
            self, client: httpx.AsyncClient, mia: Any, make_post: Any, session: Any) -> None:
        from sqlalchemy import select, update

        from app.db import utcnow
        from app.posts.models import IdempotencyKey

        post = await make_post(mia, "Question")
        headers = {**mia.headers, "Idempotency-Key": "reused"}
        assert (await client.post(f"{POSTS}/{post['id']}/comments", json={"body": "x"},
                                  headers=headers)).status_code == 201
        await session.execute(update(IdempotencyKey).values(created_at=utcnow().replace(year=2000)))
        await session.commit()
        r = await client.post(POSTS, json={"body": "Un billet"}, headers=headers)
        assert r.status_code == 201, r.text
        session.expire_all()
        row = await session.scalar(select(IdempotencyKey).where(IdempotencyKey.key == "reused"))
        assert (row.post_id, row.comment_id) == (r.json()["id"], None)
