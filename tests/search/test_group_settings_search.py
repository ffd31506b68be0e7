"""Search after a group's settings change: archived groups are not offered, deleted groups' posts are gone."""

from typing import Any

import httpx

from tests.search.conftest import ids


class TestArchivedAndDeletedGroups:
    async def test_archived_group_is_not_found_and_comes_back_when_reactivated(
        self, client: httpx.AsyncClient, anna: Any, olga: Any, make_group: Any, index_now: Any, search: Any,
    ) -> None:
        group = await make_group(anna, "Cercle Orchidée", "public", "Les orchidées du jeudi")
        await index_now()
        assert ids(await search(olga, "orchidée", type="group")) == [group["id"]]
        r = await client.patch(f"/api/v1/groups/{group['id']}", json={"archived": True}, headers=anna.headers)
        assert r.status_code == 200
        await index_now()
        assert ids(await search(olga, "orchidée", type="group")) == []
        assert ids(await search(anna, "orchidée", type="group")) == []
        await client.patch(f"/api/v1/groups/{group['id']}", json={"archived": False}, headers=anna.headers)
        await index_now()
        assert ids(await search(olga, "orchidée", type="group")) == [group["id"]]

    async def test_deleted_group_posts_and_comments_leave_the_index(
        self, client: httpx.AsyncClient, anna: Any, olga: Any, make_group: Any, make_post: Any, index_now: Any,
        search: Any,
    ) -> None:
        group = await make_group(anna, "Jardin", "public")
        post = await make_post(anna, "Tomates zebulon du jardin", group_id=group["id"])
        r = await client.post(f"/api/v1/posts/{post['id']}/comments", json={"body": "Zebulon aussi"},
                              headers=olga.headers)
        assert r.status_code == 201
        await index_now()
        assert ids(await search(olga, "zebulon")) != []
        assert (await client.delete(f"/api/v1/groups/{group['id']}", headers=anna.headers)).status_code == 204
        await index_now()
        for member in (anna, olga):
            assert ids(await search(member, "zebulon")) == []
            assert ids(await search(member, "jardin", type="group")) == []
