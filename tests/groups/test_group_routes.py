"""Groups: create, list, get and join (API.md, Groups)."""

from typing import Any

import httpx
import pytest

GROUPS = "/api/v1/groups"
GROUP_FIELDS = {"id", "slug", "name", "description", "guidelines", "visibility", "member_count", "my_status"}


def _names(r: httpx.Response) -> list[str]:
    return [g["name"] for g in r.json()["items"]]


class TestCreateGroup:
    async def test_creator_is_its_animator(self, client: httpx.AsyncClient, anna: Any) -> None:
        body = {"name": "Data & IA", "description": "Tout sur la donnée", "visibility": "private",
                "guidelines": "Soyez bienveillants"}
        r = await client.post(GROUPS, json=body, headers=anna.headers)
        assert r.status_code == 201
        group = r.json()
        assert GROUP_FIELDS <= set(group)
        assert (group["name"], group["description"], group["visibility"], group["guidelines"]) == tuple(body.values())
        assert (group["my_status"], group["member_count"]) == ("animator", 1)
        assert group["slug"] == "data-ia"
        members = (await client.get(f"{GROUPS}/{group['id']}/members", headers=anna.headers)).json()["items"]
        assert [(m["user"]["id"], m["status"]) for m in members] == [(anna.id, "animator")]

    async def test_guidelines_are_optional(self, client: httpx.AsyncClient, anna: Any) -> None:
        r = await client.post(GROUPS, json={"name": "Vélo", "description": "", "visibility": "public"}, headers=anna.headers)
        assert r.status_code == 201
        assert r.json()["guidelines"] == ""

    async def test_name_taken_ignoring_case_is_409(self, client: httpx.AsyncClient, anna: Any, mia: Any,
                                                   make_group: Any) -> None:
        await make_group(anna, "Running")
        r = await client.post(GROUPS, json={"name": "RUNNING", "description": "", "visibility": "secret"},
                              headers=mia.headers)
        assert r.status_code == 409

    async def test_same_slug_base_gets_a_distinct_slug(self, client: httpx.AsyncClient, anna: Any, make_group: Any) -> None:
        first = await make_group(anna, "Café")
        second = await make_group(anna, "Cafe!")
        assert first["slug"] != second["slug"]

    @pytest.mark.parametrize("body", [
        {"name": "", "description": "", "visibility": "public"},
        {"name": "x" * 201, "description": "", "visibility": "public"},
        {"name": "Ok", "description": "", "visibility": "hidden"},
        {"name": "Ok\x00", "description": "", "visibility": "public"},
        {"name": "Ok", "description": "a\x00", "visibility": "public"},
        {"name": 12, "description": "", "visibility": "public"},
        {"description": "", "visibility": "public"},
    ])
    async def test_invalid_body_is_422(self, client: httpx.AsyncClient, anna: Any, body: Any) -> None:
        assert (await client.post(GROUPS, json=body, headers=anna.headers)).status_code == 422

    async def test_without_a_token_is_401(self, client: httpx.AsyncClient) -> None:
        assert (await client.post(GROUPS, json={"name": "X", "description": "", "visibility": "public"})).status_code == 401


class TestListGroups:
    @pytest.fixture
    async def groups(self, anna: Any, make_group: Any) -> dict[str, Any]:
        return {v: await make_group(anna, f"{v.title()} club", v) for v in ("public", "private", "secret")}

    async def test_secret_groups_are_hidden_from_non_members(self, client: httpx.AsyncClient, mia: Any,
                                                             groups: Any) -> None:
        r = await client.get(GROUPS, headers=mia.headers)
        assert r.status_code == 200
        assert _names(r) == ["Private club", "Public club"]
        assert r.json()["next_cursor"] is None

    async def test_members_see_their_secret_groups(self, client: httpx.AsyncClient, anna: Any, mia: Any,
                                                   groups: Any, add_member: Any) -> None:
        await add_member(anna, groups["secret"], mia)
        r = await client.get(GROUPS, headers=mia.headers)
        assert _names(r) == ["Private club", "Public club", "Secret club"]

    async def test_mine_lists_only_my_groups(self, client: httpx.AsyncClient, anna: Any, mia: Any, groups: Any,
                                             make_group: Any) -> None:
        await client.post(f"{GROUPS}/{groups['public']['id']}/join", headers=mia.headers)
        await client.post(f"{GROUPS}/{groups['private']['id']}/join", headers=mia.headers)  # pending: not mine yet
        await make_group(mia, "Mia's own", "secret")
        r = await client.get(GROUPS, params={"mine": "true"}, headers=mia.headers)
        assert _names(r) == ["Mia's own", "Public club"]
        assert {g["my_status"] for g in r.json()["items"]} == {"animator", "member"}

    async def test_q_filters_by_name(self, client: httpx.AsyncClient, mia: Any, groups: Any) -> None:
        assert _names(await client.get(GROUPS, params={"q": "PUBL"}, headers=mia.headers)) == ["Public club"]
        assert _names(await client.get(GROUPS, params={"q": "secret"}, headers=mia.headers)) == []

    async def test_pages_never_repeat_or_skip(self, client: httpx.AsyncClient, anna: Any, mia: Any,
                                              make_group: Any) -> None:
        for name in ["b", "A", "c", "D", "e", "F", "g"]:
            await make_group(anna, f"Group {name}")
        seen: list[int] = []
        cursor = None
        while True:
            r = await client.get(GROUPS, params={"limit": 3, **({"cursor": cursor} if cursor else {})}, headers=mia.headers)
            seen += [g["id"] for g in r.json()["items"]]
            cursor = r.json()["next_cursor"]
            if cursor is None:
                break
        assert len(seen) == len(set(seen)) == 7

    @pytest.mark.parametrize("params", [{"cursor": "nope"}, {"limit": 101}, {"limit": 0}, {"mine": "perhaps"}])
    async def test_bad_parameters_are_422(self, client: httpx.AsyncClient, mia: Any, params: Any) -> None:
        assert (await client.get(GROUPS, params=params, headers=mia.headers)).status_code == 422


class TestGetGroup:
    async def test_private_group_is_visible_to_all(self, client: httpx.AsyncClient, anna: Any, olga: Any,
                                                   make_group: Any) -> None:
        group = await make_group(anna, "Comité", "private")
        r = await client.get(f"{GROUPS}/{group['id']}", headers=olga.headers)
        assert r.status_code == 200
        assert set(r.json()) >= GROUP_FIELDS
        assert (r.json()["my_status"], r.json()["member_count"]) == (None, 1)

    async def test_secret_group_is_404_for_non_members_like_a_missing_one(
        self, client: httpx.AsyncClient, anna: Any, olga: Any, make_group: Any
    ) -> None:
        group = await make_group(anna, "Projet X", "secret")
        hidden = await client.get(f"{GROUPS}/{group['id']}", headers=olga.headers)
        missing = await client.get(f"{GROUPS}/987654", headers=olga.headers)
        assert hidden.status_code == missing.status_code == 404
        assert hidden.json() == missing.json()
        assert hidden.headers["content-type"] == missing.headers["content-type"]

    async def test_secret_group_is_visible_to_members(self, client: httpx.AsyncClient, anna: Any, mia: Any,
                                                      make_group: Any, add_member: Any) -> None:
        group = await make_group(anna, "Projet X", "secret")
        await add_member(anna, group, mia)
        r = await client.get(f"{GROUPS}/{group['id']}", headers=mia.headers)
        assert (r.status_code, r.json()["my_status"], r.json()["member_count"]) == (200, "member", 2)

    async def test_member_count_counts_members_and_animators_not_requests(
        self, client: httpx.AsyncClient, anna: Any, mia: Any, olga: Any, make_group: Any, add_member: Any
    ) -> None:
        group = await make_group(anna, "Comité", "private")
        await add_member(anna, group, mia, "animator")
        await client.post(f"{GROUPS}/{group['id']}/join", headers=olga.headers)
        r = await client.get(f"{GROUPS}/{group['id']}", headers=olga.headers)
        assert (r.json()["member_count"], r.json()["my_status"]) == (2, "pending")

    async def test_huge_id_is_422(self, client: httpx.AsyncClient, mia: Any) -> None:
        assert (await client.get(f"{GROUPS}/99999999999999999999", headers=mia.headers)).status_code == 422


class TestJoinGroup:
    async def test_public_group_makes_a_member(self, client: httpx.AsyncClient, anna: Any, mia: Any,
                                               make_group: Any) -> None:
        group = await make_group(anna, "Ouvert")
        r = await client.post(f"{GROUPS}/{group['id']}/join", headers=mia.headers)
        assert (r.status_code, r.json()) == (200, {"status": "member"})
        again = await client.post(f"{GROUPS}/{group['id']}/join", headers=mia.headers)
        assert (again.status_code, again.json()) == (200, {"status": "member"})
        assert (await client.get(f"{GROUPS}/{group['id']}", headers=mia.headers)).json()["member_count"] == 2

    async def test_private_group_makes_a_request(self, client: httpx.AsyncClient, anna: Any, mia: Any,
                                                 make_group: Any) -> None:
        group = await make_group(anna, "Fermé", "private")
        r = await client.post(f"{GROUPS}/{group['id']}/join", headers=mia.headers)
        assert (r.status_code, r.json()) == (200, {"status": "pending"})
        view = (await client.get(f"{GROUPS}/{group['id']}", headers=mia.headers)).json()
        assert (view["my_status"], view["member_count"]) == ("pending", 1)

    async def test_secret_group_is_404(self, client: httpx.AsyncClient, anna: Any, mia: Any, make_group: Any) -> None:
        group = await make_group(anna, "Caché", "secret")
        r = await client.post(f"{GROUPS}/{group['id']}/join", headers=mia.headers)
        assert r.status_code == 404
        assert r.json() == (await client.post(f"{GROUPS}/987654/join", headers=mia.headers)).json()

    async def test_even_an_admin_cannot_join_a_secret_group_by_themself(
        self, client: httpx.AsyncClient, admin: Any, anna: Any, make_group: Any
    ) -> None:
        group = await make_group(anna, "Caché", "secret")
        assert (await client.post(f"{GROUPS}/{group['id']}/join", headers=admin.headers)).status_code == 404

    async def test_an_animator_joining_again_stays_animator(self, client: httpx.AsyncClient, anna: Any,
                                                            make_group: Any) -> None:
        group = await make_group(anna, "Ouvert")
        r = await client.post(f"{GROUPS}/{group['id']}/join", headers=anna.headers)
        assert r.json() == {"status": "animator"}


class TestUpdateGroup:
    async def test_animator_changes_the_group(self, client: httpx.AsyncClient, anna: Any, make_group: Any) -> None:
        group = await make_group(anna, "Vélo")
        r = await client.patch(f"{GROUPS}/{group['id']}", json={"description": "Au boulot à vélo", "visibility": "private"},
                               headers=anna.headers)
        assert r.status_code == 200
        assert (r.json()["description"], r.json()["visibility"]) == ("Au boulot à vélo", "private")

    async def test_renaming_onto_a_taken_name_is_409(self, client: httpx.AsyncClient, anna: Any,
                                                     make_group: Any) -> None:
        await make_group(anna, "Vélo")
        other = await make_group(anna, "Course")
        for name in ("VÉLO", "vélo"):
            r = await client.patch(f"{GROUPS}/{other['id']}", json={"name": name}, headers=anna.headers)
            assert r.status_code == 409
        r = await client.patch(f"{GROUPS}/{other['id']}", json={"name": "Course à pied"}, headers=anna.headers)
        assert (r.status_code, r.json()["name"]) == (200, "Course à pied")

    async def test_members_and_outsiders_are_403_and_secret_outsiders_404(
        self, client: httpx.AsyncClient, anna: Any, mia: Any, olga: Any, make_group: Any, add_member: Any
    ) -> None:
        group = await make_group(anna, "Vélo")
        await add_member(anna, group, mia)
        for who in (mia, olga):
            assert (await client.patch(f"{GROUPS}/{group['id']}", json={"name": "X"}, headers=who.headers)).status_code == 403
        secret = await make_group(anna, "Caché", "secret")
        r = await client.patch(f"{GROUPS}/{secret['id']}", json={"name": "X"}, headers=olga.headers)
        assert r.status_code == 404
