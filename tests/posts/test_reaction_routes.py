"""Reactions on posts and comments: idempotent, kinds, exact counts under concurrency."""

import asyncio
from typing import Any

import httpx
import pytest

POSTS = "/api/v1/posts"


@pytest.fixture
async def post(mia: Any, make_post: Any) -> Any:
    return await make_post(mia, "React to me")


@pytest.fixture
async def comment(client: httpx.AsyncClient, mia: Any, post: Any) -> Any:
    r = await client.post(f"{POSTS}/{post['id']}/comments", json={"body": "A comment"}, headers=mia.headers)
    assert r.status_code == 201
    return r.json()


def targets(post: Any, comment: Any) -> list[tuple[str, str]]:
    """(reaction URL, URL showing the count) for a post and a comment."""
    return [
        (f"{POSTS}/{post['id']}/reaction", f"{POSTS}/{post['id']}"),
        (f"/api/v1/comments/{comment['id']}/reaction", f"{POSTS}/{post['id']}/comments"),
    ]


async def shown(client: httpx.AsyncClient, member: Any, url: str) -> tuple[int, str | None]:
    body = (await client.get(url, headers=member.headers)).json()
    item = body["items"][0] if "items" in body else body
    return item["reaction_count"], item["my_reaction"]


class TestReactions:
    @pytest.mark.parametrize("which", [0, 1], ids=["post", "comment"])
    async def test_put_is_idempotent_and_changing_kind_keeps_the_count(
        self, client: httpx.AsyncClient, mia: Any, olga: Any, post: Any, comment: Any, which: int
    ) -> None:
        url, view = targets(post, comment)[which]
        r = await client.put(url, json={"kind": "like"}, headers=olga.headers)
        assert r.status_code == 200 and r.json() == {"reaction_count": 1, "my_reaction": "like"}
        r = await client.put(url, json={"kind": "like"}, headers=olga.headers)
        assert r.json() == {"reaction_count": 1, "my_reaction": "like"}
        r = await client.put(url, json={"kind": "celebrate"}, headers=olga.headers)
        assert r.json() == {"reaction_count": 1, "my_reaction": "celebrate"}
        r = await client.put(url, json={"kind": "thanks"}, headers=mia.headers)
        assert r.json() == {"reaction_count": 2, "my_reaction": "thanks"}
        assert await shown(client, olga, view) == (2, "celebrate")
        assert await shown(client, mia, view) == (2, "thanks")

    @pytest.mark.parametrize("which", [0, 1], ids=["post", "comment"])
    async def test_delete_removes_once(self, client: httpx.AsyncClient, mia: Any, olga: Any, post: Any,
                                       comment: Any, which: int) -> None:
        url, view = targets(post, comment)[which]
        await client.put(url, json={"kind": "support"}, headers=olga.headers)
        await client.put(url, json={"kind": "like"}, headers=mia.headers)
        for _ in range(2):
            r = await client.delete(url, headers=olga.headers)
            assert r.status_code == 200 and r.json() == {"reaction_count": 1, "my_reaction": None}
        assert await shown(client, olga, view) == (1, None)

    @pytest.mark.parametrize("kind", ["like", "thanks", "insightful", "celebrate", "support"])
    async def test_every_kind_is_accepted(self, client: httpx.AsyncClient, olga: Any, post: Any, kind: str) -> None:
        r = await client.put(f"{POSTS}/{post['id']}/reaction", json={"kind": kind}, headers=olga.headers)
        assert r.json()["my_reaction"] == kind

    @pytest.mark.parametrize("payload", [{"kind": "love"}, {"kind": None}, {"kind": "like\x00"}, {"kind": 3}])
    async def test_unknown_kind_is_422(self, client: httpx.AsyncClient, olga: Any, post: Any,
                                       payload: dict[str, Any]) -> None:
        r = await client.put(f"{POSTS}/{post['id']}/reaction", json=payload, headers=olga.headers)
        assert r.status_code == 422

    async def test_invisible_targets_are_404(self, client: httpx.AsyncClient, anna: Any, olga: Any,
                                             make_group: Any, make_post: Any) -> None:
        group = await make_group(anna, "Private", "private")
        private = await make_post(anna, "Inside", group_id=group["id"])
        c = (await client.post(f"{POSTS}/{private['id']}/comments", json={"body": "c"}, headers=anna.headers)).json()
        for url in (f"{POSTS}/{private['id']}/reaction", f"/api/v1/comments/{c['id']}/reaction",
                    f"{POSTS}/999999/reaction", "/api/v1/comments/999999/reaction"):
            assert (await client.put(url, json={"kind": "like"}, headers=olga.headers)).status_code == 404
            assert (await client.delete(url, headers=olga.headers)).status_code == 404

    async def test_deleted_comment_cannot_be_reacted_to(self, client: httpx.AsyncClient, mia: Any, olga: Any,
                                                        comment: Any) -> None:
        await client.delete(f"/api/v1/comments/{comment['id']}", headers=mia.headers)
        r = await client.put(f"/api/v1/comments/{comment['id']}/reaction", json={"kind": "like"},
                             headers=olga.headers)
        assert r.status_code == 404


class TestConcurrentReactions:
    @pytest.mark.parametrize("which", [0, 1], ids=["post", "comment"])
    async def test_20_concurrent_likes_from_20_members_count_20(
        self, client: httpx.AsyncClient, register: Any, mia: Any, post: Any, comment: Any, which: int
    ) -> None:
        url, view = targets(post, comment)[which]
        members = [await register(f"Fan {i}", f"fan{i}@example.com") for i in range(20)]
        responses = await asyncio.gather(*[client.put(url, json={"kind": "like"}, headers=m.headers)
                                           for m in members])
        assert [r.status_code for r in responses] == [200] * 20
        assert max(r.json()["reaction_count"] for r in responses) == 20
        assert (await shown(client, mia, view))[0] == 20
        # and twice more at once from the same members: still 20; then all withdraw at once: 0
        again = await asyncio.gather(*[client.put(url, json={"kind": "thanks"}, headers=m.headers)
                                       for m in members + members])
        assert {r.status_code for r in again} == {200}
        assert (await shown(client, mia, view))[0] == 20
        gone = await asyncio.gather(*[client.delete(url, headers=m.headers) for m in members])
        assert {r.status_code for r in gone} == {200}
        assert (await shown(client, mia, view))[0] == 0
