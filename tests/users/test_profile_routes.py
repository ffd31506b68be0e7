"""The member's own account, other members' profiles and follows (API.md, Accounts)."""

from typing import Any

import httpx
import pytest

ME = "/api/v1/users/me"
PUBLIC_FIELDS = {
    "id", "handle", "display_name", "title", "department", "location", "bio", "bio_html", "skills",
    "follower_count", "following_count", "post_count", "followed_by_me",
}


class TestGetMe:
    async def test_has_private_fields(self, client: httpx.AsyncClient, alice: Any) -> None:
        r = await client.get(ME, headers=alice.headers)
        assert r.status_code == 200
        body = r.json()
        assert PUBLIC_FIELDS <= set(body)
        assert body["email"] == "alice@example.com"
        assert body["role"] == "member"
        assert body["language"] is None
        assert "password_hash" not in body

    async def test_without_a_token_is_401(self, client: httpx.AsyncClient) -> None:
        assert (await client.get(ME)).status_code == 401


class TestUpdateMe:
    async def test_profile_fields_are_saved(self, client: httpx.AsyncClient, alice: Any) -> None:
        changes = {"display_name": "Alice M.", "title": "Data engineer", "department": "R&D", "location": "Lyon",
                   "bio": "Pipelines **and** dashboards", "skills": ["Python", "Séries temporelles"], "language": "fr"}
        r = await client.patch(ME, json=changes, headers=alice.headers)
        assert r.status_code == 200, r.text
        again = (await client.get(ME, headers=alice.headers)).json()
        for key, value in changes.items():
            assert r.json()[key] == value
            assert again[key] == value

    async def test_unlisted_fields_are_left_alone(self, client: httpx.AsyncClient, alice: Any) -> None:
        await client.patch(ME, json={"title": "Engineer"}, headers=alice.headers)
        r = await client.patch(ME, json={"location": "Paris"}, headers=alice.headers)
        assert r.json()["title"] == "Engineer"

    async def test_role_email_id_and_activity_are_never_applied(self, client: httpx.AsyncClient, alice: Any) -> None:
        r = await client.patch(ME, json={"role": "admin", "email": "boss@example.com", "id": 1, "is_active": False,
                                         "title": "Intern"}, headers=alice.headers)
        assert r.status_code in (200, 422)
        me = (await client.get(ME, headers=alice.headers)).json()
        assert (me["role"], me["email"], me["id"]) == ("member", "alice@example.com", alice.id)
        assert (await client.get(f"/api/v1/users/{alice.id}", headers=alice.headers)).status_code == 200

    async def test_language_can_be_reset_to_the_browser_s(self, client: httpx.AsyncClient, alice: Any) -> None:
        await client.patch(ME, json={"language": "en"}, headers=alice.headers)
        r = await client.patch(ME, json={"language": None}, headers=alice.headers)
        assert r.json()["language"] is None

    @pytest.mark.parametrize("language", ["de", "FR", "", 1])
    async def test_other_languages_are_422(self, client: httpx.AsyncClient, alice: Any, language: Any) -> None:
        assert (await client.patch(ME, json={"language": language}, headers=alice.headers)).status_code == 422

    async def test_handle_can_be_changed(self, client: httpx.AsyncClient, alice: Any) -> None:
        r = await client.patch(ME, json={"handle": "Alice_M-2.0"}, headers=alice.headers)
        assert r.status_code == 200
        assert r.json()["handle"] == "alice_m-2.0"

    async def test_keeping_one_s_own_handle_is_fine(self, client: httpx.AsyncClient, alice: Any) -> None:
        r = await client.patch(ME, json={"handle": alice.handle}, headers=alice.headers)
        assert r.status_code == 200

    async def test_handle_taken_is_409(self, client: httpx.AsyncClient, alice: Any, bob: Any) -> None:
        r = await client.patch(ME, json={"handle": bob.handle.upper()}, headers=alice.headers)
        assert r.status_code == 409
        assert (await client.get(ME, headers=alice.headers)).json()["handle"] == alice.handle

    @pytest.mark.parametrize("handle", ["a", "has space", "émile", "@alice", "x" * 41, "a/b", ""])
    async def test_invalid_handle_is_422(self, client: httpx.AsyncClient, alice: Any, handle: str) -> None:
        assert (await client.patch(ME, json={"handle": handle}, headers=alice.headers)).status_code == 422

    async def test_skills_are_deduplicated_ignoring_case_and_accents(self, client: httpx.AsyncClient, alice: Any) -> None:
        r = await client.patch(ME, json={"skills": ["Café", "cafe", "SQL"]}, headers=alice.headers)
        assert r.json()["skills"] == ["Café", "SQL"]
        r = await client.patch(ME, json={"skills": []}, headers=alice.headers)
        assert r.json()["skills"] == []

    @pytest.mark.parametrize("skills", [["s"] * 31, ["x" * 61], [""], ["ok", 3], "Python", ["a\x00b"]])
    async def test_bad_skills_are_422(self, client: httpx.AsyncClient, alice: Any, skills: Any) -> None:
        assert (await client.patch(ME, json={"skills": skills}, headers=alice.headers)).status_code == 422

    async def test_thirty_skills_of_sixty_characters_are_accepted(self, client: httpx.AsyncClient, alice: Any) -> None:
        skills = [f"{i:02d}" + "x" * 58 for i in range(30)]
        r = await client.patch(ME, json={"skills": skills}, headers=alice.headers)
        assert r.status_code == 200
        assert r.json()["skills"] == skills

    @pytest.mark.parametrize("field", ["display_name", "title", "department", "location"])
    async def test_name_fields_over_200_characters_are_422(self, client: httpx.AsyncClient, alice: Any, field: str) -> None:
        assert (await client.patch(ME, json={field: "x" * 201}, headers=alice.headers)).status_code == 422
        assert (await client.patch(ME, json={field: "x" * 200}, headers=alice.headers)).status_code == 200

    @pytest.mark.parametrize("field", ["display_name", "handle", "title", "department", "location", "bio"])
    async def test_nul_byte_in_any_string_is_422(self, client: httpx.AsyncClient, alice: Any, field: str) -> None:
        assert (await client.patch(ME, json={field: "ab\x00cd"}, headers=alice.headers)).status_code == 422

    async def test_empty_display_name_is_422(self, client: httpx.AsyncClient, alice: Any) -> None:
        assert (await client.patch(ME, json={"display_name": "  "}, headers=alice.headers)).status_code == 422


class TestGetUser:
    async def test_has_exactly_the_public_fields(self, client: httpx.AsyncClient, alice: Any, bob: Any) -> None:
        await client.patch(ME, json={"skills": ["Go"], "title": "SRE"}, headers=bob.headers)
        r = await client.get(f"/api/v1/users/{bob.id}", headers=alice.headers)
        assert r.status_code == 200
        body = r.json()
        assert set(body) == PUBLIC_FIELDS
        assert body["skills"] == ["Go"]
        assert body["title"] == "SRE"
        assert (body["follower_count"], body["following_count"], body["post_count"]) == (0, 0, 0)
        assert body["followed_by_me"] is False

    async def test_unknown_id_is_404(self, client: httpx.AsyncClient, alice: Any) -> None:
        assert (await client.get("/api/v1/users/987654", headers=alice.headers)).status_code == 404

    @pytest.mark.parametrize("user_id", ["99999999999999999999", "0", "-1", "abc", "1.5"])
    async def test_out_of_range_or_non_integer_id_is_422(self, client: httpx.AsyncClient, alice: Any, user_id: str) -> None:
        assert (await client.get(f"/api/v1/users/{user_id}", headers=alice.headers)).status_code == 422

    async def test_without_a_token_is_401(self, client: httpx.AsyncClient, alice: Any) -> None:
        assert (await client.get(f"/api/v1/users/{alice.id}")).status_code == 401


class TestFollow:
    async def test_follow_is_idempotent_and_counts_update(self, client: httpx.AsyncClient, alice: Any, bob: Any) -> None:
        for _ in range(2):
            assert (await client.put(f"/api/v1/users/{bob.id}/follow", headers=alice.headers)).status_code == 204
        seen_by_alice = (await client.get(f"/api/v1/users/{bob.id}", headers=alice.headers)).json()
        assert (seen_by_alice["follower_count"], seen_by_alice["followed_by_me"]) == (1, True)
        seen_by_bob = (await client.get(f"/api/v1/users/{bob.id}", headers=bob.headers)).json()
        assert (seen_by_bob["follower_count"], seen_by_bob["followed_by_me"]) == (1, False)
        alice_profile = (await client.get(f"/api/v1/users/{alice.id}", headers=bob.headers)).json()
        assert alice_profile["following_count"] == 1

    async def test_unfollow_is_idempotent(self, client: httpx.AsyncClient, alice: Any, bob: Any) -> None:
        await client.put(f"/api/v1/users/{bob.id}/follow", headers=alice.headers)
        for _ in range(2):
            assert (await client.delete(f"/api/v1/users/{bob.id}/follow", headers=alice.headers)).status_code == 204
        body = (await client.get(f"/api/v1/users/{bob.id}", headers=alice.headers)).json()
        assert (body["follower_count"], body["followed_by_me"]) == (0, False)

    async def test_following_yourself_is_422(self, client: httpx.AsyncClient, alice: Any) -> None:
        assert (await client.put(f"/api/v1/users/{alice.id}/follow", headers=alice.headers)).status_code == 422

    async def test_unknown_user_is_404(self, client: httpx.AsyncClient, alice: Any) -> None:
        assert (await client.put("/api/v1/users/987654/follow", headers=alice.headers)).status_code == 404
        assert (await client.delete("/api/v1/users/987654/follow", headers=alice.headers)).status_code == 404

    async def test_huge_id_is_422(self, client: httpx.AsyncClient, alice: Any) -> None:
        r = await client.put("/api/v1/users/99999999999999999999/follow", headers=alice.headers)
        assert r.status_code == 422


class TestProfileCounts:
    async def test_post_count_includes_only_what_the_viewer_may_see(
        self, client: httpx.AsyncClient, alice: Any, bob: Any, register: Any
    ) -> None:
        carol = await register("Carol Outsider", "carol@example.com")
        group = await client.post("/api/v1/groups", json={"name": "Board", "description": "", "visibility": "private"},
                                  headers=bob.headers)
        await client.put(f"/api/v1/groups/{group.json()['id']}/members/{alice.id}", json={"status": "member"},
                         headers=bob.headers)
        for body, group_id in [("Company-wide news", None), ("Board only", group.json()["id"])]:
            r = await client.post("/api/v1/posts", json={"body": body, "group_id": group_id}, headers=bob.headers)
            assert r.status_code == 201, r.text
        assert (await client.get(f"/api/v1/users/{bob.id}", headers=alice.headers)).json()["post_count"] == 2
        assert (await client.get(f"/api/v1/users/{bob.id}", headers=carol.headers)).json()["post_count"] == 1
        directory = await client.get("/api/v1/users", params={"q": "bob"}, headers=carol.headers)
        assert [u["post_count"] for u in directory.json()["items"]] == [1]
