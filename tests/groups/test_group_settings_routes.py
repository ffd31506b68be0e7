"""Group settings for animators (issue 19, point 6): archive, delete, and who may create groups (API.md, Daily use)."""

from typing import Any

import httpx
import pytest

GROUPS = "/api/v1/groups"
SETTINGS = "/api/v1/admin/settings"


async def _join(client: httpx.AsyncClient, group: dict[str, Any], member: Any) -> httpx.Response:
    return await client.post(f"{GROUPS}/{group['id']}/join", headers=member.headers)


async def _listed(client: httpx.AsyncClient, member: Any, **params: Any) -> list[int]:
    r = await client.get(GROUPS, params=params, headers=member.headers)
    assert r.status_code == 200, r.text
    return [g["id"] for g in r.json()["items"]]


async def _archive(client: httpx.AsyncClient, who: Any, group: dict[str, Any], archived: bool = True) -> httpx.Response:
    return await client.patch(f"{GROUPS}/{group['id']}", json={"archived": archived}, headers=who.headers)


class TestArchive:
    async def test_animator_archives_and_reactivates(self, client: httpx.AsyncClient, anna: Any, make_group: Any) -> None:
        group = await make_group(anna, "Vélo")
        r = await _archive(client, anna, group)
        assert r.status_code == 200
        assert r.json()["archived"] is True and r.json()["archived_at"] is not None
        assert (await client.get(f"{GROUPS}/{group['id']}", headers=anna.headers)).json()["archived"] is True
        r = await _archive(client, anna, group, False)
        assert r.json()["archived"] is False and r.json()["archived_at"] is None

    async def test_member_gets_403_and_outsider_of_a_secret_group_404(
        self, client: httpx.AsyncClient, admin: Any, anna: Any, mia: Any, olga: Any, make_group: Any,
    ) -> None:
        group = await make_group(anna, "Board", "secret", members=(mia,))
        assert (await _archive(client, mia, group)).status_code == 403
        assert (await _archive(client, olga, group)).status_code == 404
        assert (await _archive(client, admin, group)).status_code == 404  # secret: admins outside do not know it
        public = await make_group(anna, "Open")
        assert (await _archive(client, admin, public)).status_code == 200

    async def test_archived_group_refuses_posts_comments_and_joins(
        self, client: httpx.AsyncClient, anna: Any, mia: Any, olga: Any, make_group: Any, make_post: Any,
    ) -> None:
        group = await make_group(anna, "Jardin", members=(mia,))
        private = await make_group(anna, "Serre", "private")
        post = await make_post(mia, "Les tomates", group_id=group["id"])
        assert (await _join(client, private, olga)).json() == {"status": "pending"}
        await _archive(client, anna, group)
        await _archive(client, anna, private)
        r = await client.post("/api/v1/posts", json={"body": "Encore", "group_id": group["id"]}, headers=mia.headers)
        assert r.status_code == 403 and "archived" in r.json()["detail"]
        r = await client.post(f"/api/v1/posts/{post['id']}/comments", json={"body": "Oui"}, headers=anna.headers)
        assert r.status_code == 403 and "archived" in r.json()["detail"]
        r = await _join(client, group, olga)
        assert r.status_code == 409 and "archived" in r.json()["detail"]
        r = await client.put(f"{GROUPS}/{private['id']}/members/{olga.id}", json={"status": "member"},
                             headers=anna.headers)
        assert r.status_code == 409 and "archived" in r.json()["detail"]
        # what was there stays readable
        assert (await client.get(f"/api/v1/posts/{post['id']}", headers=olga.headers)).status_code == 200
        await _archive(client, anna, group, False)
        r = await client.post("/api/v1/posts", json={"body": "Encore", "group_id": group["id"]}, headers=mia.headers)
        assert r.status_code == 201

    async def test_archived_group_keeps_its_posts_and_comments_as_they_were(
        self, client: httpx.AsyncClient, anna: Any, mia: Any, make_group: Any, make_post: Any,
    ) -> None:
        """Read-only: the authors cannot rewrite what the group holds either."""
        group = await make_group(anna, "Jardin", members=(mia,))
        post = await make_post(mia, "Les tomates", group_id=group["id"])
        comment = (await client.post(f"/api/v1/posts/{post['id']}/comments", json={"body": "Oui"},
                                     headers=mia.headers)).json()
        await _archive(client, anna, group)
        r = await client.patch(f"/api/v1/posts/{post['id']}", json={"body": "Réécrit"}, headers=mia.headers)
        assert r.status_code == 403 and "archived" in r.json()["detail"]
        r = await client.patch(f"/api/v1/comments/{comment['id']}", json={"body": "Réécrit"}, headers=mia.headers)
        assert r.status_code == 403 and "archived" in r.json()["detail"]
        assert (await client.get(f"/api/v1/posts/{post['id']}", headers=mia.headers)).json()["body"] == "Les tomates"

    async def test_archived_group_leaves_the_directory_but_not_its_members_list(
        self, client: httpx.AsyncClient, anna: Any, mia: Any, olga: Any, make_group: Any,
    ) -> None:
        group = await make_group(anna, "Ancien projet", members=(mia,))
        other = await make_group(anna, "Projet actuel")
        await _archive(client, anna, group)
        assert await _listed(client, olga) == [other["id"]]
        assert await _listed(client, mia) == [other["id"]]
        assert await _listed(client, olga, q="ancien") == []
        assert await _listed(client, mia, mine="true") == [group["id"]]
        assert (await client.get(f"{GROUPS}/{group['id']}", headers=olga.headers)).status_code == 200


class TestDelete:
    async def test_animator_and_admin_delete_member_403_outsider_of_secret_404(
        self, client: httpx.AsyncClient, admin: Any, anna: Any, mia: Any, olga: Any, make_group: Any,
    ) -> None:
        secret = await make_group(anna, "Board", "secret", members=(mia,))
        assert (await client.delete(f"{GROUPS}/{secret['id']}", headers=mia.headers)).status_code == 403
        assert (await client.delete(f"{GROUPS}/{secret['id']}", headers=olga.headers)).status_code == 404
        assert (await client.delete(f"{GROUPS}/{secret['id']}", headers=admin.headers)).status_code == 404
        r = await client.delete(f"{GROUPS}/{secret['id']}", headers=anna.headers)
        assert r.status_code == 204 and r.content == b""
        public = await make_group(anna, "Open")
        assert (await client.delete(f"{GROUPS}/{public['id']}", headers=admin.headers)).status_code == 204
        for gone in (secret, public):
            assert (await client.get(f"{GROUPS}/{gone['id']}", headers=anna.headers)).status_code == 404
            assert (await client.delete(f"{GROUPS}/{gone['id']}", headers=anna.headers)).status_code == 404
            assert (await client.get(f"{GROUPS}/{gone['id']}/posts", headers=anna.headers)).status_code == 404

    async def test_posts_vanish_from_feeds_profiles_topics_and_counts(
        self, client: httpx.AsyncClient, anna: Any, mia: Any, olga: Any, make_group: Any, make_post: Any,
        page_ids: Any,
    ) -> None:
        group = await make_group(anna, "Jardin", members=(mia,))
        inside = await make_post(mia, "Mes #tomates", group_id=group["id"])
        outside = await make_post(mia, "Les #tomates du bureau")
        assert (await client.get(f"/api/v1/users/{mia.id}", headers=olga.headers)).json()["post_count"] == 2
        assert (await client.delete(f"{GROUPS}/{group['id']}", headers=anna.headers)).status_code == 204
        for viewer in (anna, mia, olga):
            assert await page_ids("/api/v1/feed", viewer) == [outside["id"]]
            assert await page_ids(f"/api/v1/users/{mia.id}/posts", viewer) == [outside["id"]]
            assert await page_ids("/api/v1/topics/tomates/posts", viewer) == [outside["id"]]
            assert (await client.get(f"/api/v1/posts/{inside['id']}", headers=viewer.headers)).status_code == 404
        assert (await client.get(f"/api/v1/users/{mia.id}", headers=olga.headers)).json()["post_count"] == 1
        assert await _listed(client, mia, mine="true") == []
        assert await _listed(client, olga) == []

    async def test_the_name_is_free_again(self, client: httpx.AsyncClient, anna: Any, make_group: Any) -> None:
        group = await make_group(anna, "Running")
        await client.delete(f"{GROUPS}/{group['id']}", headers=anna.headers)
        again = await make_group(anna, "Running")
        assert again["slug"] == "running" and again["id"] != group["id"]


class TestGroupCreationSetting:
    async def test_admin_reads_and_changes_it_others_403(self, client: httpx.AsyncClient, admin: Any, mia: Any) -> None:
        assert (await client.get(SETTINGS, headers=admin.headers)).json() == {"group_creation": "everyone"}
        assert (await client.get(SETTINGS, headers=mia.headers)).status_code == 403
        r = await client.put(SETTINGS, json={"group_creation": "admins"}, headers=mia.headers)
        assert r.status_code == 403
        r = await client.put(SETTINGS, json={"group_creation": "animators"}, headers=admin.headers)
        assert r.status_code == 200 and r.json() == {"group_creation": "animators"}
        r = await client.put(SETTINGS, json={"group_creation": "admins"}, headers=admin.headers)
        assert r.json() == {"group_creation": "admins"}
        assert (await client.get(SETTINGS, headers=admin.headers)).json() == {"group_creation": "admins"}

    @pytest.mark.parametrize("body", [{"group_creation": "nobody"}, {}, {"group_creation": None},
                                      {"group_creation": "admins", "other": 1}])
    async def test_invalid_value_is_422(self, client: httpx.AsyncClient, admin: Any, body: Any) -> None:
        assert (await client.put(SETTINGS, json=body, headers=admin.headers)).status_code == 422

    @pytest.mark.parametrize("policy,member,animator", [
        ("everyone", 201, 201), ("animators", 403, 201), ("admins", 403, 403),
    ])
    async def test_who_may_create_under_each_value(
        self, client: httpx.AsyncClient, admin: Any, anna: Any, mia: Any, make_group: Any, policy: str, member: int,
        animator: int,
    ) -> None:
        await make_group(anna, "Anna's group")  # Anna animates a group from now on
        await client.put(SETTINGS, json={"group_creation": policy}, headers=admin.headers)
        body = {"name": "", "description": "", "visibility": "public"}
        r = await client.post(GROUPS, json={**body, "name": "By Mia"}, headers=mia.headers)
        assert r.status_code == member
        if member == 403:
            assert "create groups" in r.json()["detail"]
        assert (await client.post(GROUPS, json={**body, "name": "By Anna"}, headers=anna.headers)).status_code == animator
        assert (await client.post(GROUPS, json={**body, "name": "By Ada"}, headers=admin.headers)).status_code == 201
