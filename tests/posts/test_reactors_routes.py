"""Who reacted (API.md "Daily use"): GET /api/v1/posts/{id}/reactions and /api/v1/comments/{id}/reactions."""

from typing import Any

import httpx

POSTS = "/api/v1/posts"


async def react(client: httpx.AsyncClient, member: Any, url: str, kind: str = "like") -> None:
    r = await client.put(f"{url}/reaction", json={"kind": kind}, headers=member.headers)
    assert r.status_code == 200, r.text


class TestPostReactors:
    async def test_lists_who_reacted_newest_first_with_their_kind(
        self, client: httpx.AsyncClient, anna: Any, mia: Any, olga: Any, make_post: Any
    ) -> None:
        post = await make_post(anna, "Nouvelle charte graphique")
        await react(client, mia, f"{POSTS}/{post['id']}", "thanks")
        await react(client, olga, f"{POSTS}/{post['id']}")
        r = await client.get(f"{POSTS}/{post['id']}/reactions", headers=anna.headers)
        assert r.status_code == 200, r.text
        body = r.json()
        assert body["next_cursor"] is None
        assert [(i["user"]["id"], i["kind"]) for i in body["items"]] == [(olga.id, "like"), (mia.id, "thanks")]
        assert set(body["items"][0]["user"]) == {"id", "handle", "display_name", "title"}

    async def test_withdrawn_reactions_leave_the_list(
        self, client: httpx.AsyncClient, anna: Any, mia: Any, make_post: Any
    ) -> None:
        post = await make_post(anna, "Sondage")
        await react(client, mia, f"{POSTS}/{post['id']}")
        assert (await client.delete(f"{POSTS}/{post['id']}/reaction", headers=mia.headers)).status_code == 200
        r = await client.get(f"{POSTS}/{post['id']}/reactions", headers=anna.headers)
        assert r.json() == {"items": [], "next_cursor": None}

    async def test_pages_never_skip_or_repeat(
        self, client: httpx.AsyncClient, anna: Any, register: Any, make_post: Any
    ) -> None:
        post = await make_post(anna, "Populaire")
        members = [await register() for _ in range(5)]
        for member in members:
            await react(client, member, f"{POSTS}/{post['id']}")
        seen: list[int] = []
        cursor = None
        for _ in range(5):
            params: dict[str, Any] = {"limit": 2, **({"cursor": cursor} if cursor else {})}
            r = await client.get(f"{POSTS}/{post['id']}/reactions", params=params, headers=anna.headers)
            assert r.status_code == 200, r.text
            seen += [i["user"]["id"] for i in r.json()["items"]]
            cursor = r.json()["next_cursor"]
            if cursor is None:
                break
        assert seen == [m.id for m in reversed(members)]

    async def test_a_private_groups_post_is_404_to_outsiders(
        self, client: httpx.AsyncClient, anna: Any, mia: Any, olga: Any, make_group: Any, make_post: Any
    ) -> None:
        group = await make_group(anna, "Comité", "private", members=(mia,))
        post = await make_post(anna, "Entre nous", group_id=group["id"])
        await react(client, mia, f"{POSTS}/{post['id']}")
        inside = await client.get(f"{POSTS}/{post['id']}/reactions", headers=mia.headers)
        assert [i["user"]["id"] for i in inside.json()["items"]] == [mia.id]
        outside = await client.get(f"{POSTS}/{post['id']}/reactions", headers=olga.headers)
        missing = await client.get(f"{POSTS}/999999/reactions", headers=olga.headers)
        assert outside.status_code == missing.status_code == 404
        assert outside.json() == missing.json()

    async def test_a_deleted_post_is_404(self, client: httpx.AsyncClient, anna: Any, mia: Any, make_post: Any) -> None:
        post = await make_post(anna, "Bientôt parti")
        await react(client, mia, f"{POSTS}/{post['id']}")
        assert (await client.delete(f"{POSTS}/{post['id']}", headers=anna.headers)).status_code == 204
        assert (await client.get(f"{POSTS}/{post['id']}/reactions", headers=mia.headers)).status_code == 404

    async def test_bad_input_is_a_4xx(self, client: httpx.AsyncClient, anna: Any, make_post: Any) -> None:
        post = await make_post(anna, "Paramètres")
        for params in ({"cursor": "!!"}, {"limit": 0}, {"limit": 101}):
            r = await client.get(f"{POSTS}/{post['id']}/reactions", params=params, headers=anna.headers)
            assert r.status_code == 422, (params, r.text)
        assert (await client.get(f"{POSTS}/abc/reactions", headers=anna.headers)).status_code == 422
        assert (await client.get(f"{POSTS}/{post['id']}/reactions")).status_code == 401


class TestCommentReactors:
    async def test_lists_who_reacted_to_a_comment(
        self, client: httpx.AsyncClient, anna: Any, mia: Any, olga: Any, make_post: Any
    ) -> None:
        post = await make_post(anna, "Des idées ?")
        c = await client.post(f"{POSTS}/{post['id']}/comments", json={"body": "Une idée"}, headers=mia.headers)
        comment_id = c.json()["id"]
        await react(client, olga, f"/api/v1/comments/{comment_id}", "insightful")
        r = await client.get(f"/api/v1/comments/{comment_id}/reactions", headers=anna.headers)
        assert r.status_code == 200, r.text
        assert [(i["user"]["id"], i["kind"]) for i in r.json()["items"]] == [(olga.id, "insightful")]
        # the post's list holds the post's reactions only
        assert (await client.get(f"{POSTS}/{post['id']}/reactions", headers=anna.headers)).json()["items"] == []

    async def test_comment_of_a_secret_group_or_deleted_is_404(
        self, client: httpx.AsyncClient, anna: Any, mia: Any, olga: Any, make_group: Any, make_post: Any
    ) -> None:
        group = await make_group(anna, "Cellule", "secret", members=(mia,))
        post = await make_post(anna, "Secret", group_id=group["id"])
        c = await client.post(f"{POSTS}/{post['id']}/comments", json={"body": "Chut"}, headers=mia.headers)
        comment_id = c.json()["id"]
        assert (await client.get(f"/api/v1/comments/{comment_id}/reactions", headers=olga.headers)).status_code == 404
        assert (await client.delete(f"/api/v1/comments/{comment_id}", headers=mia.headers)).status_code == 204
        assert (await client.get(f"/api/v1/comments/{comment_id}/reactions", headers=mia.headers)).status_code == 404
