"""Group memberships: list, accept / add / promote, leave / remove (API.md, Groups)."""

from typing import Any

import httpx
import pytest

GROUPS = "/api/v1/groups"


def _members(r: httpx.Response) -> list[tuple[int, str]]:
    return [(m["user"]["id"], m["status"]) for m in r.json()["items"]]


@pytest.fixture
async def private(anna: Any, mia: Any, olga: Any, make_group: Any, add_member: Any, client: httpx.AsyncClient) -> Any:
    """A private group animated by Anna, with Mia as member and Olga asking to join."""
    group = await make_group(anna, "Comité", "private")
    await add_member(anna, group, mia)
    await client.post(f"{GROUPS}/{group['id']}/join", headers=olga.headers)
    return group


class TestListMembers:
    async def test_default_lists_members_and_animators(self, client: httpx.AsyncClient, anna: Any, mia: Any,
                                                       olga: Any, private: Any) -> None:
        r = await client.get(f"{GROUPS}/{private['id']}/members", headers=mia.headers)
        assert r.status_code == 200
        assert _members(r) == [(anna.id, "animator"), (mia.id, "member")]
        item = r.json()["items"][1]
        assert {"user", "status", "joined_at"} <= set(item)
        assert {"id", "handle", "display_name"} <= set(item["user"])
        assert "email" not in item["user"]
        assert item["joined_at"] is not None

    async def test_explicit_member_status_is_the_default(self, client: httpx.AsyncClient, mia: Any,
                                                         private: Any) -> None:
        default = await client.get(f"{GROUPS}/{private['id']}/members", headers=mia.headers)
        explicit = await client.get(f"{GROUPS}/{private['id']}/members", params={"status": "member"}, headers=mia.headers)
        assert default.json() == explicit.json()

    async def test_pending_requests_for_animators(self, client: httpx.AsyncClient, anna: Any, olga: Any,
                                                  private: Any) -> None:
        r = await client.get(f"{GROUPS}/{private['id']}/members", params={"status": "pending"}, headers=anna.headers)
        assert r.status_code == 200
        assert _members(r) == [(olga.id, "pending")]
        assert r.json()["items"][0]["joined_at"] is None

    async def test_pending_requests_for_admins(self, client: httpx.AsyncClient, admin: Any, olga: Any,
                                               private: Any) -> None:
        r = await client.get(f"{GROUPS}/{private['id']}/members", params={"status": "pending"}, headers=admin.headers)
        assert _members(r) == [(olga.id, "pending")]

    async def test_pending_requests_for_members_are_403(self, client: httpx.AsyncClient, mia: Any, olga: Any,
                                                        private: Any) -> None:
        for who in (mia, olga):
            r = await client.get(f"{GROUPS}/{private['id']}/members", params={"status": "pending"}, headers=who.headers)
            assert r.status_code == 403

    async def test_secret_group_members_are_404_for_outsiders(self, client: httpx.AsyncClient, anna: Any, olga: Any,
                                                              make_group: Any) -> None:
        group = await make_group(anna, "Caché", "secret")
        assert (await client.get(f"{GROUPS}/{group['id']}/members", headers=olga.headers)).status_code == 404
        r = await client.get(f"{GROUPS}/{group['id']}/members", params={"status": "pending"}, headers=olga.headers)
        assert r.status_code == 404

    async def test_unknown_status_is_422(self, client: httpx.AsyncClient, anna: Any, private: Any) -> None:
        r = await client.get(f"{GROUPS}/{private['id']}/members", params={"status": "banned"}, headers=anna.headers)
        assert r.status_code == 422

    async def test_unknown_group_is_404(self, client: httpx.AsyncClient, anna: Any) -> None:
        assert (await client.get(f"{GROUPS}/987654/members", headers=anna.headers)).status_code == 404

    async def test_pages_never_repeat_or_skip(self, client: httpx.AsyncClient, anna: Any, register: Any,
                                              make_group: Any) -> None:
        group = await make_group(anna, "Grand")
        for i in range(5):
            member = await register(f"Joiner {i}")
            await client.post(f"{GROUPS}/{group['id']}/join", headers=member.headers)
        seen: list[int] = []
        cursor = None
        while True:
            params = {"limit": 2, **({"cursor": cursor} if cursor else {})}
            r = await client.get(f"{GROUPS}/{group['id']}/members", params=params, headers=anna.headers)
            seen += [m["user"]["id"] for m in r.json()["items"]]
            cursor = r.json()["next_cursor"]
            if cursor is None:
                break
        assert len(seen) == len(set(seen)) == 6


class TestSetMember:
    async def test_animator_accepts_a_request(self, client: httpx.AsyncClient, anna: Any, olga: Any,
                                              private: Any) -> None:
        r = await client.put(f"{GROUPS}/{private['id']}/members/{olga.id}", json={"status": "member"}, headers=anna.headers)
        assert r.status_code == 200
        assert (r.json()["user"]["id"], r.json()["status"]) == (olga.id, "member")
        assert r.json()["joined_at"] is not None
        view = (await client.get(f"{GROUPS}/{private['id']}", headers=olga.headers)).json()
        assert (view["my_status"], view["member_count"]) == ("member", 3)

    async def test_animator_adds_someone_to_a_secret_group(self, client: httpx.AsyncClient, anna: Any, olga: Any,
                                                           make_group: Any) -> None:
        group = await make_group(anna, "Caché", "secret")
        r = await client.put(f"{GROUPS}/{group['id']}/members/{olga.id}", json={"status": "member"}, headers=anna.headers)
        assert r.status_code == 200
        assert (await client.get(f"{GROUPS}/{group['id']}", headers=olga.headers)).json()["my_status"] == "member"

    async def test_animator_promotes_a_member(self, client: httpx.AsyncClient, anna: Any, mia: Any, olga: Any,
                                              private: Any) -> None:
        r = await client.put(f"{GROUPS}/{private['id']}/members/{mia.id}", json={"status": "animator"},
                             headers=anna.headers)
        assert (r.status_code, r.json()["status"]) == (200, "animator")
        # the new animator may manage at once
        r = await client.put(f"{GROUPS}/{private['id']}/members/{olga.id}", json={"status": "member"}, headers=mia.headers)
        assert r.status_code == 200

    async def test_admin_manages_any_group(self, client: httpx.AsyncClient, admin: Any, olga: Any,
                                           private: Any) -> None:
        r = await client.put(f"{GROUPS}/{private['id']}/members/{olga.id}", json={"status": "member"},
                             headers=admin.headers)
        assert r.status_code == 200

    async def test_non_animators_are_403(self, client: httpx.AsyncClient, mia: Any, olga: Any, private: Any) -> None:
        r = await client.put(f"{GROUPS}/{private['id']}/members/{olga.id}", json={"status": "member"}, headers=mia.headers)
        assert r.status_code == 403
        r = await client.put(f"{GROUPS}/{private['id']}/members/{olga.id}", json={"status": "member"}, headers=olga.headers)
        assert r.status_code == 403
        r = await client.put(f"{GROUPS}/{private['id']}/members/{mia.id}", json={"status": "animator"}, headers=mia.headers)
        assert r.status_code == 403

    async def test_outsider_on_a_secret_group_is_404(self, client: httpx.AsyncClient, anna: Any, olga: Any,
                                                     make_group: Any) -> None:
        group = await make_group(anna, "Caché", "secret")
        r = await client.put(f"{GROUPS}/{group['id']}/members/{olga.id}", json={"status": "member"}, headers=olga.headers)
        assert r.status_code == 404

    async def test_unknown_user_or_group_is_404(self, client: httpx.AsyncClient, anna: Any, mia: Any,
                                                private: Any) -> None:
        r = await client.put(f"{GROUPS}/{private['id']}/members/987654", json={"status": "member"}, headers=anna.headers)
        assert r.status_code == 404
        r = await client.put(f"{GROUPS}/987654/members/{mia.id}", json={"status": "member"}, headers=anna.headers)
        assert r.status_code == 404

    @pytest.mark.parametrize("body", [{"status": "pending"}, {"status": "owner"}, {}, {"status": None}])
    async def test_invalid_status_is_422(self, client: httpx.AsyncClient, anna: Any, olga: Any, private: Any,
                                         body: Any) -> None:
        r = await client.put(f"{GROUPS}/{private['id']}/members/{olga.id}", json=body, headers=anna.headers)
        assert r.status_code == 422

    async def test_the_last_animator_cannot_demote_themself(self, client: httpx.AsyncClient, anna: Any,
                                                            private: Any) -> None:
        r = await client.put(f"{GROUPS}/{private['id']}/members/{anna.id}", json={"status": "member"},
                             headers=anna.headers)
        assert r.status_code == 409


class TestRemoveMember:
    async def test_member_leaves(self, client: httpx.AsyncClient, anna: Any, mia: Any, private: Any) -> None:
        r = await client.delete(f"{GROUPS}/{private['id']}/members/{mia.id}", headers=mia.headers)
        assert r.status_code == 204
        view = (await client.get(f"{GROUPS}/{private['id']}", headers=mia.headers)).json()
        assert (view["my_status"], view["member_count"]) == (None, 1)

    async def test_requester_withdraws(self, client: httpx.AsyncClient, olga: Any, private: Any) -> None:
        assert (await client.delete(f"{GROUPS}/{private['id']}/members/{olga.id}", headers=olga.headers)).status_code == 204
        assert (await client.get(f"{GROUPS}/{private['id']}", headers=olga.headers)).json()["my_status"] is None

    async def test_animator_removes_a_member_and_declines_a_request(
        self, client: httpx.AsyncClient, anna: Any, mia: Any, olga: Any, private: Any
    ) -> None:
        assert (await client.delete(f"{GROUPS}/{private['id']}/members/{mia.id}", headers=anna.headers)).status_code == 204
        assert (await client.delete(f"{GROUPS}/{private['id']}/members/{olga.id}", headers=anna.headers)).status_code == 204
        r = await client.get(f"{GROUPS}/{private['id']}/members", headers=anna.headers)
        assert _members(r) == [(anna.id, "animator")]

    async def test_non_animator_removing_someone_else_is_403(self, client: httpx.AsyncClient, anna: Any, mia: Any,
                                                             olga: Any, private: Any) -> None:
        assert (await client.delete(f"{GROUPS}/{private['id']}/members/{olga.id}", headers=mia.headers)).status_code == 403
        assert (await client.delete(f"{GROUPS}/{private['id']}/members/{anna.id}", headers=mia.headers)).status_code == 403
        assert (await client.delete(f"{GROUPS}/{private['id']}/members/{mia.id}", headers=olga.headers)).status_code == 403

    async def test_the_last_animator_cannot_leave(self, client: httpx.AsyncClient, anna: Any, mia: Any,
                                                  add_member: Any, private: Any) -> None:
        r = await client.delete(f"{GROUPS}/{private['id']}/members/{anna.id}", headers=anna.headers)
        assert r.status_code == 409
        await add_member(anna, private, mia, "animator")
        assert (await client.delete(f"{GROUPS}/{private['id']}/members/{anna.id}", headers=anna.headers)).status_code == 204

    async def test_unknown_user_or_group_is_404(self, client: httpx.AsyncClient, anna: Any, olga: Any,
                                                private: Any, make_group: Any) -> None:
        assert (await client.delete(f"{GROUPS}/{private['id']}/members/987654", headers=anna.headers)).status_code == 404
        assert (await client.delete(f"{GROUPS}/987654/members/{anna.id}", headers=anna.headers)).status_code == 404
        other = await make_group(anna, "Autre")
        r = await client.delete(f"{GROUPS}/{other['id']}/members/{olga.id}", headers=olga.headers)
        assert r.status_code == 404  # not a member: nothing to leave

    async def test_outsider_on_a_secret_group_is_404(self, client: httpx.AsyncClient, anna: Any, olga: Any,
                                                     make_group: Any) -> None:
        group = await make_group(anna, "Caché", "secret")
        assert (await client.delete(f"{GROUPS}/{group['id']}/members/{anna.id}", headers=olga.headers)).status_code == 404
