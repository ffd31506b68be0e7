"""A private or secret group's post never reaches a non-member: not by id, feed, listing, topic or count."""

from typing import Any

import httpx
import pytest

TOPIC = "/api/v1/topics/confidentiel/posts"


@pytest.fixture
async def world(client: httpx.AsyncClient, admin: Any, anna: Any, mia: Any, olga: Any, make_group: Any,
                make_post: Any) -> dict[str, Any]:
    """Anna posts company-wide and in a private and a secret group (Mia is a member of both), mentioning Olga."""
    private = await make_group(anna, "Comité", "private", members=(mia,))
    secret = await make_group(anna, "Fusion", "secret", members=(mia,))
    public_post = await make_post(anna, "Ouvert à tous #confidentiel")
    hidden = [
        await make_post(anna, f"Réservé @{olga.handle} #Confidentiel", group_id=private["id"]),
        await make_post(anna, f"Très réservé @{olga.handle} #confidentiel", group_id=secret["id"]),
    ]
    comments = []
    for post in hidden:
        r = await client.post(f"/api/v1/posts/{post['id']}/comments", json={"body": "interne"}, headers=mia.headers)
        assert r.status_code == 201
        comments.append(r.json())
    assert (await client.put(f"/api/v1/users/{anna.id}/follow", headers=olga.headers)).status_code == 204
    return {"groups": [private, secret], "public": public_post, "hidden": hidden, "comments": comments}


async def outsider(client: httpx.AsyncClient, admin: Any, olga: Any, role: str) -> Any:
    if role != "member":
        r = await client.patch(f"/api/v1/admin/users/{olga.id}", json={"role": role}, headers=admin.headers)
        assert r.status_code == 200
    return olga


ROLES = ["member", "moderator", "communicator", "admin"]


class TestPrivatePostsNeverLeak:
    async def test_member_sees_everything(self, client: httpx.AsyncClient, anna: Any, mia: Any,
                                          world: dict[str, Any], page_ids: Any) -> None:
        """The control: the same requests do show the posts to a member, so the checks below can fail."""
        all_ids = [p["id"] for p in reversed(world["hidden"])] + [world["public"]["id"]]
        assert await page_ids("/api/v1/feed", mia) == all_ids
        assert await page_ids(TOPIC, mia) == all_ids
        assert await page_ids(f"/api/v1/users/{anna.id}/posts", mia) == all_ids
        profile = (await client.get(f"/api/v1/users/{anna.id}", headers=mia.headers)).json()
        assert profile["post_count"] == 3

    @pytest.mark.parametrize("role", ROLES)
    async def test_not_by_id_comments_or_reactions(self, client: httpx.AsyncClient, admin: Any, olga: Any,
                                                   world: dict[str, Any], role: str) -> None:
        viewer = await outsider(client, admin, olga, role)
        missing = (await client.get("/api/v1/posts/999999", headers=viewer.headers)).json()
        for post, comment in zip(world["hidden"], world["comments"], strict=True):
            base = f"/api/v1/posts/{post['id']}"
            calls = [
                client.get(base, headers=viewer.headers),
                client.get(f"{base}/comments", headers=viewer.headers),
                client.post(f"{base}/comments", json={"body": "x"}, headers=viewer.headers),
                client.patch(base, json={"body": "x"}, headers=viewer.headers),
                client.put(f"{base}/reaction", json={"kind": "like"}, headers=viewer.headers),
                client.delete(f"{base}/reaction", headers=viewer.headers),
                client.put(f"/api/v1/comments/{comment['id']}/reaction", json={"kind": "like"},
                           headers=viewer.headers),
                client.delete(f"/api/v1/comments/{comment['id']}", headers=viewer.headers),
                client.delete(base, headers=viewer.headers),
            ]
            for call in calls:
                r = await call
                assert r.status_code == 404, (r.request.method, r.request.url, r.status_code)
                assert r.json() == missing

    @pytest.mark.parametrize("role", ROLES)
    async def test_not_in_any_list_or_count(self, client: httpx.AsyncClient, admin: Any, anna: Any, olga: Any,
                                            world: dict[str, Any], page_ids: Any, role: str) -> None:
        viewer = await outsider(client, admin, olga, role)
        public_only = [world["public"]["id"]]
        assert await page_ids("/api/v1/feed", viewer) == public_only  # follows Anna, still only what is visible
        assert await page_ids(TOPIC, viewer) == public_only
        assert await page_ids("/api/v1/topics/Confidentiel/posts", viewer) == public_only
        assert await page_ids(f"/api/v1/users/{anna.id}/posts", viewer) == public_only
        for group in world["groups"]:
            assert (await client.get(f"/api/v1/groups/{group['id']}/posts", headers=viewer.headers)).status_code == 404
        profile = (await client.get(f"/api/v1/users/{anna.id}", headers=viewer.headers)).json()
        assert profile["post_count"] == 1
        directory = (await client.get("/api/v1/users", params={"q": "Anna"}, headers=viewer.headers)).json()
        assert [u["post_count"] for u in directory["items"] if u["id"] == anna.id] == [1]

    async def test_leaving_the_group_closes_access(self, client: httpx.AsyncClient, mia: Any,
                                                   world: dict[str, Any], page_ids: Any) -> None:
        for group in world["groups"]:
            r = await client.delete(f"/api/v1/groups/{group['id']}/members/{mia.id}", headers=mia.headers)
            assert r.status_code == 204
        assert await page_ids("/api/v1/feed", mia) == [world["public"]["id"]]
        for post in world["hidden"]:
            assert (await client.get(f"/api/v1/posts/{post['id']}", headers=mia.headers)).status_code == 404
