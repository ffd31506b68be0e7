"""Saved posts (API.md "Daily use"): PUT, DELETE /api/v1/posts/{id}/saved and GET /api/v1/users/me/saved."""

from typing import Any

import httpx

POSTS = "/api/v1/posts"
SAVED = "/api/v1/users/me/saved"


async def save(client: httpx.AsyncClient, member: Any, post: dict[str, Any], method: str = "PUT") -> httpx.Response:
    return await client.request(method, f"{POSTS}/{post['id']}/saved", headers=member.headers)


async def saved_ids(client: httpx.AsyncClient, member: Any, **params: Any) -> list[int]:
    r = await client.get(SAVED, params=params, headers=member.headers)
    assert r.status_code == 200, r.text
    return [p["id"] for p in r.json()["items"]]


class TestSave:
    async def test_saved_posts_are_listed_newest_saved_first_as_posts(
        self, client: httpx.AsyncClient, anna: Any, mia: Any, make_post: Any
    ) -> None:
        first, second = await make_post(anna, "Premier"), await make_post(anna, "Second")
        assert (await save(client, mia, second)).status_code == 204
        assert (await save(client, mia, first)).status_code == 204
        r = await client.get(SAVED, headers=mia.headers)
        assert r.status_code == 200, r.text
        items = r.json()["items"]
        assert [p["id"] for p in items] == [first["id"], second["id"]]
        assert items[0] == (await client.get(f"{POSTS}/{first['id']}", headers=mia.headers)).json()
        assert await saved_ids(client, anna) == []  # one member's list is theirs alone

    async def test_put_and_delete_are_idempotent(
        self, client: httpx.AsyncClient, anna: Any, mia: Any, make_post: Any
    ) -> None:
        older, post = await make_post(anna, "Ancien"), await make_post(anna, "Garder")
        for target in (post, older, post):  # saving again keeps the first place
            assert (await save(client, mia, target)).status_code == 204
        assert await saved_ids(client, mia) == [older["id"], post["id"]]
        for _ in range(2):
            assert (await save(client, mia, post, "DELETE")).status_code == 204
        assert await saved_ids(client, mia) == [older["id"]]

    async def test_a_post_i_may_not_see_is_404(
        self, client: httpx.AsyncClient, anna: Any, mia: Any, olga: Any, make_group: Any, make_post: Any
    ) -> None:
        group = await make_group(anna, "Privé", "private", members=(mia,))
        post = await make_post(anna, "Interne", group_id=group["id"])
        for method in ("PUT", "DELETE"):
            r = await save(client, olga, post, method)
            missing = await client.request(method, f"{POSTS}/999999/saved", headers=olga.headers)
            assert r.status_code == missing.status_code == 404 and r.json() == missing.json()
        assert await saved_ids(client, olga) == []

    async def test_bad_input(self, client: httpx.AsyncClient, mia: Any) -> None:
        assert (await client.put(f"{POSTS}/abc/saved", headers=mia.headers)).status_code == 422
        assert (await client.put(f"{POSTS}/{10**30}/saved", headers=mia.headers)).status_code == 422
        assert (await client.get(SAVED, params={"cursor": "nope"}, headers=mia.headers)).status_code == 422
        assert (await client.get(SAVED, params={"limit": 500}, headers=mia.headers)).status_code == 422
        assert (await client.get(SAVED)).status_code == 401


class TestSavedList:
    async def test_pages_never_skip_or_repeat(
        self, client: httpx.AsyncClient, anna: Any, mia: Any, make_post: Any, page_ids: Any
    ) -> None:
        posts = [await make_post(anna, f"Article {i}") for i in range(5)]
        for post in posts:
            await save(client, mia, post)
        assert await page_ids(SAVED, mia, limit=2) == [p["id"] for p in reversed(posts)]

    async def test_a_post_that_became_invisible_is_not_listed(
        self, client: httpx.AsyncClient, anna: Any, mia: Any, make_group: Any, make_post: Any
    ) -> None:
        """Leak test: the list is re-checked with the visibility rule on every read."""
        group = await make_group(anna, "Projet X", "private", members=(mia,))
        inside = await make_post(anna, "Plan confidentiel", group_id=group["id"])
        deleted = await make_post(anna, "Sera supprimé")
        kept = await make_post(anna, "Public")
        for post in (inside, deleted, kept):
            assert (await save(client, mia, post)).status_code == 204
        assert await saved_ids(client, mia) == [kept["id"], deleted["id"], inside["id"]]
        assert (await client.delete(f"{POSTS}/{deleted['id']}", headers=anna.headers)).status_code == 204
        left = await client.delete(f"/api/v1/groups/{group['id']}/members/{mia.id}", headers=mia.headers)
        assert left.status_code == 204
        r = await client.get(SAVED, headers=mia.headers)
        assert [p["id"] for p in r.json()["items"]] == [kept["id"]]
        assert "Plan confidentiel" not in r.text
        # a page of invisible posts still ends (the keyset moves past them)
        assert await saved_ids(client, mia, limit=1) == [kept["id"]]
