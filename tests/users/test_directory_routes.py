"""The people directory: "who knows about X?" (GET /api/v1/users)."""

from typing import Any

import httpx
import pytest

USERS = "/api/v1/users"


@pytest.fixture
async def people(admin: Any, register: Any) -> dict[str, Any]:
    return {
        "helene": await register("Hélène Roux", "helene@example.com", skills=["Data Science", "Python"], department="R&D"),
        "marc": await register("Marc Petit", "marc@example.com", skills=["Comptabilité"], department="Finance",
                               title="Contrôleur de gestion"),
        "emile": await register("Émile Zola", "emile@example.com", skills=["Écriture"], department="Communication"),
        "zoe": await register("zoé Blanc", "zoe@example.com", skills=["python"], department="R&D Lyon"),
    }


def _names(response: httpx.Response) -> list[str]:
    return [u["display_name"] for u in response.json()["items"]]


class TestDirectory:
    async def test_lists_every_active_member_with_public_fields(
        self, client: httpx.AsyncClient, admin: Any, people: dict[str, Any]
    ) -> None:
        r = await client.get(USERS, headers=admin.headers)
        assert r.status_code == 200
        body = r.json()
        assert set(body) == {"items", "next_cursor"}
        assert len(body["items"]) == 5
        assert body["next_cursor"] is None
        assert "email" not in body["items"][0]

    async def test_by_name_ignoring_case_and_accents(self, client: httpx.AsyncClient, admin: Any, people: Any) -> None:
        assert _names(await client.get(USERS, params={"q": "helene"}, headers=admin.headers)) == ["Hélène Roux"]
        assert _names(await client.get(USERS, params={"q": "ÉMILE"}, headers=admin.headers)) == ["Émile Zola"]
        assert _names(await client.get(USERS, params={"q": "petit"}, headers=admin.headers)) == ["Marc Petit"]

    async def test_q_also_matches_skills_and_titles(self, client: httpx.AsyncClient, admin: Any, people: Any) -> None:
        assert _names(await client.get(USERS, params={"q": "comptabilite"}, headers=admin.headers)) == ["Marc Petit"]
        assert _names(await client.get(USERS, params={"q": "controleur"}, headers=admin.headers)) == ["Marc Petit"]

    async def test_by_skill_ignoring_case_and_accents(self, client: httpx.AsyncClient, admin: Any, people: Any) -> None:
        r = await client.get(USERS, params={"skill": "PYTHON"}, headers=admin.headers)
        assert sorted(_names(r)) == ["Hélène Roux", "zoé Blanc"]
        assert _names(await client.get(USERS, params={"skill": "ecriture"}, headers=admin.headers)) == ["Émile Zola"]
        assert _names(await client.get(USERS, params={"skill": "Pyth"}, headers=admin.headers)) == []

    async def test_by_department(self, client: httpx.AsyncClient, admin: Any, people: Any) -> None:
        r = await client.get(USERS, params={"department": "r&d"}, headers=admin.headers)
        assert sorted(_names(r)) == ["Hélène Roux", "zoé Blanc"]
        r = await client.get(USERS, params={"department": "finance", "skill": "python"}, headers=admin.headers)
        assert _names(r) == []

    async def test_like_wildcards_are_plain_text(self, client: httpx.AsyncClient, admin: Any, people: Any) -> None:
        assert _names(await client.get(USERS, params={"q": "%"}, headers=admin.headers)) == []
        assert _names(await client.get(USERS, params={"q": "_"}, headers=admin.headers)) == []

    async def test_deactivated_members_are_not_listed(
        self, client: httpx.AsyncClient, admin: Any, people: dict[str, Any]
    ) -> None:
        await client.patch(f"/api/v1/admin/users/{people['marc'].id}", json={"active": False}, headers=admin.headers)
        assert "Marc Petit" not in _names(await client.get(USERS, headers=admin.headers))

    async def test_pages_never_repeat_or_skip(self, client: httpx.AsyncClient, admin: Any, register: Any) -> None:
        names = ["Élodie", "elodie", "Eric", "Ève", "Zoé", "Ömer", "anne", "Anne", "Bruno", "Çelik", "Yann"]
        for i, name in enumerate(names):
            await register(name, f"p{i}@example.com")
        seen: list[int] = []
        cursor = None
        for _ in range(20):
            params = {"limit": 2, **({"cursor": cursor} if cursor else {})}
            r = await client.get(USERS, params=params, headers=admin.headers)
            assert r.status_code == 200
            seen += [u["id"] for u in r.json()["items"]]
            cursor = r.json()["next_cursor"]
            if cursor is None:
                break
        assert len(seen) == len(set(seen)) == len(names) + 1

    async def test_a_member_joining_between_pages_does_not_shift_them(
        self, client: httpx.AsyncClient, admin: Any, register: Any
    ) -> None:
        for name in ["Bea", "Carl", "Dina", "Fred"]:
            await register(name)
        first = await client.get(USERS, params={"limit": 3}, headers=admin.headers)
        await register("Aaron")
        second = await client.get(USERS, params={"limit": 3, "cursor": first.json()["next_cursor"]}, headers=admin.headers)
        assert _names(first) == ["Ada Admin", "Bea", "Carl"]
        assert _names(second) == ["Dina", "Fred"]

    @pytest.mark.parametrize("cursor", ["garbage", "e30", "W10", "eyJuIjoxfQ", "!!!", "eyJuIjoiYSIsImkiOiJ4In0"])
    async def test_bad_cursor_is_422(self, client: httpx.AsyncClient, admin: Any, cursor: str) -> None:
        assert (await client.get(USERS, params={"cursor": cursor}, headers=admin.headers)).status_code == 422

    @pytest.mark.parametrize("limit", ["0", "101", "-1", "abc"])
    async def test_bad_limit_is_422(self, client: httpx.AsyncClient, admin: Any, limit: str) -> None:
        assert (await client.get(USERS, params={"limit": limit}, headers=admin.headers)).status_code == 422

    async def test_limit_of_100_is_accepted(self, client: httpx.AsyncClient, admin: Any) -> None:
        assert (await client.get(USERS, params={"limit": 100}, headers=admin.headers)).status_code == 200

    async def test_nul_byte_in_the_query_is_422(self, client: httpx.AsyncClient, admin: Any) -> None:
        assert (await client.get(USERS, params={"q": "a\x00b"}, headers=admin.headers)).status_code == 422

    async def test_without_a_token_is_401(self, client: httpx.AsyncClient) -> None:
        assert (await client.get(USERS)).status_code == 401
