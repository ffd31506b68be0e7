"""Following a topic (API.md "Daily use"): PUT, DELETE /api/v1/topics/{topic}/follow, GET /api/v1/users/me/topics,
and followed topics' visible posts in the home feed (API and its live path, `feed_row`)."""

from typing import Any

import httpx
import pytest

from app.feed import service as feed_service
from app.posts.topic_follows import MAX_FOLLOWED_TOPICS

FEED = "/api/v1/feed"
MINE = "/api/v1/users/me/topics"


def follow_url(topic: str) -> str:
    return f"/api/v1/topics/{topic}/follow"


async def feed_ids(client: httpx.AsyncClient, member: Any) -> list[int]:
    r = await client.get(FEED, headers=member.headers)
    assert r.status_code == 200, r.text
    return [p["id"] for p in r.json()["items"]]


async def home_row(app: Any, member: Any, post_id: int) -> Any:
    """The home feed's live path: is this post in the member's home feed?"""
    from app.users.accounts import resolve_actor

    runtime = app.state.runtime
    async with runtime.sessionmaker() as session:
        actor = await resolve_actor(runtime, session, member.token)
        return await feed_service.feed_row(session, actor, "home", None, post_id)


class TestFollow:
    async def test_follow_and_unfollow_are_idempotent_and_listed(
        self, client: httpx.AsyncClient, mia: Any, anna: Any
    ) -> None:
        for _ in range(2):
            assert (await client.put(follow_url("Lancement"), headers=mia.headers)).status_code == 204
        assert (await client.put(follow_url("%23rh"), headers=mia.headers)).status_code == 204
        r = await client.get(MINE, headers=mia.headers)
        assert r.status_code == 200, r.text
        assert [t["topic"] for t in r.json()["items"]] == ["lancement", "rh"]
        assert set(r.json()["items"][0]) == {"topic", "followed_at"}
        assert (await client.get(MINE, headers=anna.headers)).json()["items"] == []
        for _ in range(2):
            assert (await client.delete(follow_url("LANCEMENT"), headers=mia.headers)).status_code == 204
        assert [t["topic"] for t in (await client.get(MINE, headers=mia.headers)).json()["items"]] == ["rh"]

    async def test_the_list_is_paged_by_name(self, client: httpx.AsyncClient, mia: Any) -> None:
        names = ["été", "rh", "café", "b2b", "zéro"]
        for name in names:
            assert (await client.put(follow_url(name), headers=mia.headers)).status_code == 204
        seen: list[str] = []
        cursor = None
        for _ in range(5):
            params: dict[str, Any] = {"limit": 2, **({"cursor": cursor} if cursor else {})}
            page = (await client.get(MINE, params=params, headers=mia.headers)).json()
            seen += [t["topic"] for t in page["items"]]
            cursor = page["next_cursor"]
            if cursor is None:
                break
        assert sorted(seen) == sorted(names) and len(seen) == len(names)

    @pytest.mark.parametrize("topic", ["a b", "!!", "-", "x" * 61, "a%00b", "%E2%80%AEevil", "a.b"])
    async def test_a_name_that_is_not_a_topic_is_422(self, client: httpx.AsyncClient, mia: Any, topic: str) -> None:
        for method in ("PUT", "DELETE"):
            r = await client.request(method, follow_url(topic), headers=mia.headers)
            assert r.status_code == 422, (method, topic, r.text)
        assert (await client.get(MINE, headers=mia.headers)).json()["items"] == []

    async def test_a_bad_cursor_is_422_and_auth_is_required(self, client: httpx.AsyncClient, mia: Any) -> None:
        assert (await client.get(MINE, params={"cursor": "e30"}, headers=mia.headers)).status_code == 422
        assert (await client.put(follow_url("rh"))).status_code == 401
        assert (await client.get(MINE)).status_code == 401

    async def test_following_is_bounded(
        self, client: httpx.AsyncClient, mia: Any, monkeypatch: Any
    ) -> None:
        from app.posts import topic_follows

        monkeypatch.setattr(topic_follows, "MAX_FOLLOWED_TOPICS", 2)
        assert MAX_FOLLOWED_TOPICS >= 100
        for name in ("un", "deux"):
            assert (await client.put(follow_url(name), headers=mia.headers)).status_code == 204
        refused = await client.put(follow_url("trois"), headers=mia.headers)
        assert refused.status_code == 409 and "unfollow" in refused.json()["detail"]
        assert (await client.put(follow_url("un"), headers=mia.headers)).status_code == 204  # already followed


class TestHomeFeed:
    async def test_posts_on_a_followed_topic_join_the_home_feed(
        self, app: Any, client: httpx.AsyncClient, anna: Any, mia: Any, olga: Any, make_group: Any, make_post: Any
    ) -> None:
        # Olga follows nobody and belongs to no group: a public group's post reaches her home only by its topic.
        group = await make_group(anna, "Marketing", "public", members=(mia,))
        tagged = await make_post(anna, "Nouvelle campagne #Lancement", group_id=group["id"])
        other = await make_post(anna, "Autre sujet #rh", group_id=group["id"])
        assert await feed_ids(client, olga) == []
        assert (await client.put(follow_url("lancement"), headers=olga.headers)).status_code == 204
        assert await feed_ids(client, olga) == [tagged["id"]]
        assert (await home_row(app, olga, tagged["id"])) is not None
        assert (await home_row(app, olga, other["id"])) is None
        assert (await client.delete(follow_url("lancement"), headers=olga.headers)).status_code == 204
        assert await feed_ids(client, olga) == []
        assert (await home_row(app, olga, tagged["id"])) is None

    async def test_a_secret_groups_posts_on_a_followed_topic_stay_out(
        self, app: Any, client: httpx.AsyncClient, admin: Any, anna: Any, mia: Any, olga: Any, make_group: Any,
        make_post: Any,
    ) -> None:
        """Leak test: following a topic is not a way into a private or secret group."""
        secret = await make_group(anna, "Fusion", "secret", members=(mia,))
        private = await make_group(anna, "Comité", "private", members=(mia,))
        hidden = [await make_post(anna, f"Projet {g['name']} #fusion", group_id=g["id"]) for g in (secret, private)]
        public = await make_post(anna, "Rumeurs #fusion")
        for member in (olga, admin):  # an admin is not a member of the groups either
            assert (await client.put(follow_url("fusion"), headers=member.headers)).status_code == 204
            assert await feed_ids(client, member) == [public["id"]]
            for post in hidden:
                assert (await home_row(app, member, post["id"])) is None
        assert (await client.put(follow_url("fusion"), headers=mia.headers)).status_code == 204
        assert await feed_ids(client, mia) == [public["id"], *reversed([p["id"] for p in hidden])]

    async def test_a_deleted_post_on_a_followed_topic_leaves_the_feed(
        self, client: httpx.AsyncClient, anna: Any, olga: Any, make_group: Any, make_post: Any
    ) -> None:
        group = await make_group(anna, "Ventes", "public")
        post = await make_post(anna, "Chiffres #ventes", group_id=group["id"])
        assert (await client.put(follow_url("ventes"), headers=olga.headers)).status_code == 204
        assert await feed_ids(client, olga) == [post["id"]]
        assert (await client.delete(f"/api/v1/posts/{post['id']}", headers=anna.headers)).status_code == 204
        assert await feed_ids(client, olga) == []
