"""PATCH /api/v1/admin/users/{id}: roles and account activation."""

from typing import Any

import httpx
import pytest


def _path(user_id: int) -> str:
    return f"/api/v1/admin/users/{user_id}"


class TestAdminUpdateUser:
    @pytest.mark.parametrize("role", ["communicator", "moderator", "admin", "member"])
    async def test_role_change_applies(self, client: httpx.AsyncClient, admin: Any, alice: Any, role: str) -> None:
        r = await client.patch(_path(alice.id), json={"role": role}, headers=admin.headers)
        assert r.status_code == 200
        assert r.json()["role"] == role
        assert (await client.get("/api/v1/users/me", headers=alice.headers)).json()["role"] == role

    async def test_a_promoted_admin_can_administer_at_once(
        self, client: httpx.AsyncClient, admin: Any, alice: Any, bob: Any
    ) -> None:
        await client.patch(_path(alice.id), json={"role": "admin"}, headers=admin.headers)
        r = await client.patch(_path(bob.id), json={"role": "moderator"}, headers=alice.headers)
        assert r.status_code == 200

    async def test_member_is_403(self, client: httpx.AsyncClient, alice: Any, bob: Any) -> None:
        r = await client.patch(_path(bob.id), json={"role": "admin"}, headers=alice.headers)
        assert r.status_code == 403
        assert (await client.patch(_path(alice.id), json={"role": "admin"}, headers=alice.headers)).status_code == 403
        assert (await client.get("/api/v1/users/me", headers=alice.headers)).json()["role"] == "member"

    @pytest.mark.parametrize("role", ["moderator", "communicator"])
    async def test_other_platform_roles_are_403(self, client: httpx.AsyncClient, admin: Any, alice: Any, bob: Any,
                                                role: str) -> None:
        await client.patch(_path(alice.id), json={"role": role}, headers=admin.headers)
        assert (await client.patch(_path(bob.id), json={"active": False}, headers=alice.headers)).status_code == 403

    async def test_unknown_user_is_404(self, client: httpx.AsyncClient, admin: Any) -> None:
        assert (await client.patch(_path(987654), json={"role": "member"}, headers=admin.headers)).status_code == 404

    async def test_the_last_admin_cannot_demote_themself(self, client: httpx.AsyncClient, admin: Any) -> None:
        r = await client.patch(_path(admin.id), json={"role": "member"}, headers=admin.headers)
        assert r.status_code == 409
        assert (await client.get("/api/v1/users/me", headers=admin.headers)).json()["role"] == "admin"

    async def test_an_admin_may_step_down_when_another_remains(
        self, client: httpx.AsyncClient, admin: Any, alice: Any
    ) -> None:
        await client.patch(_path(alice.id), json={"role": "admin"}, headers=admin.headers)
        assert (await client.patch(_path(admin.id), json={"role": "member"}, headers=admin.headers)).status_code == 200

    async def test_an_admin_cannot_deactivate_themself(self, client: httpx.AsyncClient, admin: Any) -> None:
        r = await client.patch(_path(admin.id), json={"active": False}, headers=admin.headers)
        assert r.status_code in (409, 422)
        assert (await client.get("/api/v1/users/me", headers=admin.headers)).status_code == 200

    @pytest.mark.parametrize("body", [{"role": "superuser"}, {"active": "maybe"}, {"role": None, "email": "x@y.z"}, []])
    async def test_bad_body_is_422(self, client: httpx.AsyncClient, admin: Any, alice: Any, body: Any) -> None:
        assert (await client.patch(_path(alice.id), json=body, headers=admin.headers)).status_code == 422

    async def test_huge_id_is_422(self, client: httpx.AsyncClient, admin: Any) -> None:
        r = await client.patch("/api/v1/admin/users/99999999999999999999", json={"role": "member"}, headers=admin.headers)
        assert r.status_code == 422

    async def test_without_a_token_is_401(self, client: httpx.AsyncClient, alice: Any) -> None:
        assert (await client.patch(_path(alice.id), json={"role": "admin"})).status_code == 401
