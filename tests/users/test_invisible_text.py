"""Names, handles and titles never keep bidirectional or invisible control characters (issue 19, point 10): removed
on every path that writes them, and a name made only of them is refused."""

from typing import Any

import httpx
import pytest

from app.text import visible_line

# "Alice" then a right-to-left override: "Alice\u202enimda" shows as "Aliceadmin" reversed, i.e. a disguised name.
DISGUISES = [
    "\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068", "\u2069", "\u200b", "\u200c",
    "\u200d", "\u200e", "\u200f", "\u2060", "\u2061", "\u2062", "\u2063", "\u2064", "\ufeff", "\u061c", "\u00ad",
    "\u180e", "\u3164", "\u115f", "\u2800", "\x1b", "\x7f", "\U000e0041",
]
ALL = "".join(DISGUISES)


class TestTheRule:
    @pytest.mark.parametrize("char", DISGUISES)
    def test_each_character_is_removed(self, char: str) -> None:
        assert visible_line(f"Ali{char}ce") == "Alice"

    def test_visible_text_is_kept_as_typed(self) -> None:
        for text in ("Zoé Ürküt-Łąski", "محمد علي", "李小龙", "Ana 🐝", "O'Brien (Lyon)", "שלום"):
            assert visible_line(text) == text

    def test_line_breaks_become_spaces(self) -> None:
        assert visible_line("Chef\nde projet\tweb\u2028x") == "Chef de projet web x"


ME = "/api/v1/users/me"


class TestApi:
    async def test_registration_removes_them(self, client: httpx.AsyncClient, admin: Any) -> None:
        r = await client.post("/api/v1/auth/register", json={
            "email": "eve@example.com", "password": "correct horse battery", "display_name": f"Ev{ALL}e\u202eNIMDA"})
        assert r.status_code == 201, r.text
        assert r.json()["display_name"] == "EveNIMDA"
        assert r.json()["handle"] == "evenimda"

    async def test_a_name_of_invisible_characters_only_is_refused(self, client: httpx.AsyncClient, admin: Any) -> None:
        r = await client.post("/api/v1/auth/register", json={
            "email": "eve@example.com", "password": "correct horse battery", "display_name": f" {ALL} "})
        assert r.status_code == 422, r.text
        assert (await client.patch(ME, json={"display_name": "\u200b\u200b"}, headers=admin.headers)).status_code == 422

    async def test_profile_fields_and_handle(self, client: httpx.AsyncClient, admin: Any) -> None:
        r = await client.patch(ME, headers=admin.headers, json={
            "display_name": "Ada\u202e Admin", "handle": "ada\u200b.admin", "title": "Chef\u2066 de projet\u2069",
            "department": "R\ufeff&D", "location": "Lyo\u200dn"})
        assert r.status_code == 200, r.text
        got = r.json()
        assert (got["display_name"], got["handle"], got["title"], got["department"], got["location"]) == (
            "Ada Admin", "ada.admin", "Chef de projet", "R&D", "Lyon")

    async def test_group_names(self, client: httpx.AsyncClient, admin: Any) -> None:
        r = await client.post("/api/v1/groups", json={"name": "Comms\u202e\u2067 team"}, headers=admin.headers)
        assert r.status_code == 201, r.text
        assert r.json()["name"] == "Comms team"
        r = await client.patch(f"/api/v1/groups/{r.json()['id']}", json={"name": "Comms\u200b 2"}, headers=admin.headers)
        assert r.status_code == 200, r.text
        assert r.json()["name"] == "Comms 2"

    async def test_post_titles(self, client: httpx.AsyncClient, admin: Any) -> None:
        r = await client.post("/api/v1/posts", json={"title": "Read\u202e me", "body": "Body \u202e kept"},
                              headers=admin.headers)
        assert r.status_code == 201, r.text
        assert r.json()["title"] == "Read me"
        assert r.json()["body"] == "Body \u202e kept"  # a body may hold right-to-left text: only lines that name
        r = await client.patch(f"/api/v1/posts/{r.json()['id']}", json={"title": "\u2066New\u2069"},
                               headers=admin.headers)
        assert r.status_code == 200, r.text
        assert r.json()["title"] == "New"

    async def test_nul_is_still_a_422(self, client: httpx.AsyncClient, admin: Any) -> None:
        assert (await client.patch(ME, json={"title": "a\x00b"}, headers=admin.headers)).status_code == 422
