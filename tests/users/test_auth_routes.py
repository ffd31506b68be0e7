"""Registration, sign-in, sign-out and password change through HTTP (API.md, Accounts)."""

from typing import Any

import httpx
import pytest

PASSWORD = "correct horse battery"
REGISTER = "/api/v1/auth/register"


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def _register(client: httpx.AsyncClient, email: str, name: str = "Some One", password: str = PASSWORD) -> httpx.Response:
    return await client.post(REGISTER, json={"email": email, "password": password, "display_name": name})


class TestRegister:
    async def test_first_account_is_admin_and_later_ones_members(self, client: httpx.AsyncClient) -> None:
        first = await _register(client, "first@example.com", "First One")
        second = await _register(client, "second@example.com", "Second One")
        assert first.status_code == 201, first.text
        assert second.status_code == 201, second.text
        assert first.json()["role"] == "admin"
        assert second.json()["role"] == "member"

    async def test_returns_the_user_without_secrets(self, client: httpx.AsyncClient) -> None:
        r = await _register(client, "Claire@Example.com", "Claire Dubois")
        body = r.json()
        assert body["email"] == "claire@example.com"
        assert body["display_name"] == "Claire Dubois"
        assert body["handle"] == "claire.dubois"
        assert body["language"] is None
        assert isinstance(body["id"], int)
        assert "password" not in r.text and "password_hash" not in body

    async def test_email_taken_ignoring_case_is_409(self, client: httpx.AsyncClient) -> None:
        assert (await _register(client, "dup@example.com")).status_code == 201
        r = await _register(client, "DUP@Example.COM")
        assert r.status_code == 409

    @pytest.mark.parametrize("password", ["short", "123456789", "a" * 1025])
    async def test_password_of_wrong_length_is_422(self, client: httpx.AsyncClient, password: str) -> None:
        assert (await _register(client, "p@example.com", password=password)).status_code == 422

    @pytest.mark.parametrize("password", ["password123", "1234567890", "Azertyuiop", "motdepasse123"])
    async def test_common_password_is_422(self, client: httpx.AsyncClient, password: str) -> None:
        assert (await _register(client, "p@example.com", password=password)).status_code == 422

    @pytest.mark.parametrize("email", ["not-an-email", "a@", "@example.com", "a b@example.com", ""])
    async def test_bad_email_is_422(self, client: httpx.AsyncClient, email: str) -> None:
        assert (await _register(client, email)).status_code == 422

    @pytest.mark.parametrize("name", ["", "   ", "x" * 201, "Eve\x00"])
    async def test_bad_display_name_is_422(self, client: httpx.AsyncClient, name: str) -> None:
        assert (await _register(client, "e@example.com", name)).status_code == 422

    async def test_closed_registration_is_403(self, client: httpx.AsyncClient, settings_override: Any) -> None:
        settings_override(REGISTRATION="closed")
        r = await _register(client, "someone@example.com")
        assert r.status_code == 403

    async def test_domain_mode_refuses_other_domains(self, client: httpx.AsyncClient, settings_override: Any) -> None:
        settings_override(REGISTRATION="domain", ALLOWED_EMAIL_DOMAINS=["acme.fr"])
        assert (await _register(client, "eve@evil.com")).status_code == 403
        assert (await _register(client, "eve@sub.acme.fr")).status_code == 403
        assert (await _register(client, "eve@ACME.fr", "Eve Acme")).status_code == 201

    async def test_handle_folds_accents(self, client: httpx.AsyncClient) -> None:
        r = await _register(client, "h@example.com", "Hélène Ñúñez-Çelik")
        assert r.json()["handle"] == "helene.nunez.celik"

    async def test_handle_is_made_unique_with_a_suffix(self, client: httpx.AsyncClient) -> None:
        handles = [(await _register(client, f"jm{i}@example.com", "Jean Martin")).json()["handle"] for i in range(3)]
        assert handles == ["jean.martin", "jean.martin2", "jean.martin3"]

    async def test_name_without_letters_gets_a_valid_handle(self, client: httpx.AsyncClient) -> None:
        r = await _register(client, "z@example.com", "李")
        assert r.status_code == 201
        assert len(r.json()["handle"]) >= 2


class TestToken:
    async def test_password_form_returns_a_bearer_token(self, client: httpx.AsyncClient, alice: Any, sign_in: Any) -> None:
        r = await sign_in("alice@example.com")
        assert r.status_code == 200
        body = r.json()
        assert set(body) == {"access_token", "token_type", "expires_in"}
        assert body["token_type"] == "bearer"
        assert body["expires_in"] == 3600
        me = await client.get("/api/v1/users/me", headers=bearer(body["access_token"]))
        assert me.json()["id"] == alice.id

    async def test_email_is_case_insensitive(self, alice: Any, sign_in: Any) -> None:
        assert (await sign_in("ALICE@example.com")).status_code == 200

    async def test_wrong_password_unknown_email_and_deactivated_share_one_401(
        self, client: httpx.AsyncClient, admin: Any, alice: Any, bob: Any, sign_in: Any
    ) -> None:
        r = await client.patch(f"/api/v1/admin/users/{bob.id}", json={"active": False}, headers=admin.headers)
        assert r.status_code == 200
        wrong = await sign_in("alice@example.com", "not the password")
        unknown = await sign_in("nobody@example.com")
        inactive = await sign_in("bob@example.com")
        assert wrong.status_code == unknown.status_code == inactive.status_code == 401
        assert wrong.json() == unknown.json() == inactive.json()

    async def test_missing_fields_are_422(self, client: httpx.AsyncClient) -> None:
        assert (await client.post("/api/v1/auth/token", data={"username": "a@example.com"})).status_code == 422
        assert (await client.post("/api/v1/auth/token", json={"username": "a", "password": "b"})).status_code == 422

    async def test_five_failures_lock_the_account_from_that_address_only(
        self, alice: Any, sign_in: Any, settings_override: Any
    ) -> None:
        settings_override(TRUSTED_PROXIES=["127.0.0.1"])
        attacker = "203.0.113.9"
        for _ in range(5):
            assert (await sign_in("alice@example.com", "wrong password", ip=attacker)).status_code == 401
        locked = await sign_in("alice@example.com", ip=attacker)
        assert locked.status_code == 429
        assert int(locked.headers["Retry-After"]) > 0
        assert (await sign_in("alice@example.com", ip="198.51.100.7")).status_code == 200

    async def test_twenty_five_failures_from_one_address_are_429(
        self, client: httpx.AsyncClient, alice: Any, sign_in: Any, settings_override: Any
    ) -> None:
        settings_override(TRUSTED_PROXIES=["127.0.0.1"])
        ip = "203.0.113.10"
        for i in range(25):
            assert (await sign_in(f"guess{i}@example.com", "wrong password", ip=ip)).status_code == 401
        r = await sign_in("alice@example.com", ip=ip)
        assert r.status_code == 429
        assert "Retry-After" in r.headers
        assert (await sign_in("alice@example.com", ip="203.0.113.11")).status_code == 200

    async def test_forwarded_header_from_an_untrusted_peer_is_ignored(self, alice: Any, sign_in: Any) -> None:
        for i in range(5):
            await sign_in("alice@example.com", "wrong password", ip=f"203.0.113.{i}")
        assert (await sign_in("alice@example.com", ip="198.51.100.7")).status_code == 429

    async def test_rate_limits_off_never_locks(self, alice: Any, sign_in: Any, settings_override: Any) -> None:
        settings_override(RATE_LIMITS="off")
        for _ in range(7):
            await sign_in("alice@example.com", "wrong password")
        assert (await sign_in("alice@example.com")).status_code == 200


class TestLogout:
    async def test_the_token_stops_working_at_once(self, client: httpx.AsyncClient, alice: Any, sign_in: Any) -> None:
        other = (await sign_in("alice@example.com")).json()["access_token"]
        r = await client.post("/api/v1/auth/logout", headers=alice.headers)
        assert r.status_code == 204
        assert (await client.get("/api/v1/users/me", headers=alice.headers)).status_code == 401
        assert (await client.post("/api/v1/auth/logout", headers=alice.headers)).status_code == 401
        assert (await client.get("/api/v1/users/me", headers=bearer(other))).status_code == 200

    async def test_without_a_token_is_401(self, client: httpx.AsyncClient) -> None:
        r = await client.post("/api/v1/auth/logout")
        assert r.status_code == 401
        assert r.headers["WWW-Authenticate"] == "Bearer"


class TestChangePassword:
    NEW = "a much better passphrase"

    async def test_other_tokens_stop_working_and_this_one_keeps_working(
        self, client: httpx.AsyncClient, alice: Any, sign_in: Any
    ) -> None:
        other = (await sign_in("alice@example.com")).json()["access_token"]
        r = await client.put("/api/v1/users/me/password", json={"current_password": PASSWORD, "new_password": self.NEW},
                             headers=alice.headers)
        assert r.status_code == 204
        assert (await client.get("/api/v1/users/me", headers=bearer(other))).status_code == 401
        assert (await client.get("/api/v1/users/me", headers=alice.headers)).status_code == 200
        assert (await sign_in("alice@example.com")).status_code == 401
        assert (await sign_in("alice@example.com", self.NEW)).status_code == 200

    async def test_wrong_current_password_is_403(self, client: httpx.AsyncClient, alice: Any, sign_in: Any) -> None:
        r = await client.put("/api/v1/users/me/password",
                             json={"current_password": "not my password", "new_password": self.NEW}, headers=alice.headers)
        assert r.status_code == 403
        assert (await sign_in("alice@example.com")).status_code == 200

    @pytest.mark.parametrize("new", ["short", "password123", "x" * 1025])
    async def test_weak_new_password_is_422(self, client: httpx.AsyncClient, alice: Any, new: str) -> None:
        r = await client.put("/api/v1/users/me/password", json={"current_password": PASSWORD, "new_password": new},
                             headers=alice.headers)
        assert r.status_code == 422

    async def test_without_a_token_is_401(self, client: httpx.AsyncClient) -> None:
        r = await client.put("/api/v1/users/me/password", json={"current_password": PASSWORD, "new_password": self.NEW})
        assert r.status_code == 401


class TestConcurrentRegistrations:
    async def test_same_name_at_once_gets_distinct_handles(self, client: httpx.AsyncClient) -> None:
        import asyncio

        await _register(client, "first@example.com", "Admin First")
        responses = await asyncio.gather(*[_register(client, f"jd{i}@example.com", "Jean Dupont") for i in range(4)])
        assert [r.status_code for r in responses] == [201] * 4
        assert sorted(r.json()["handle"] for r in responses) == ["jean.dupont", "jean.dupont2", "jean.dupont3",
                                                                   "jean.dupont4"]

    async def test_same_email_at_once_registers_once(self, client: httpx.AsyncClient) -> None:
        import asyncio

        responses = await asyncio.gather(*[_register(client, "same@example.com", f"Same {i}") for i in range(3)])
        assert sorted(r.status_code for r in responses) == [201, 409, 409]

    async def test_simultaneous_first_accounts_make_one_admin(self, client: httpx.AsyncClient) -> None:
        import asyncio

        responses = await asyncio.gather(*[_register(client, f"f{i}@example.com", f"First {i}") for i in range(3)])
        assert [r.status_code for r in responses] == [201] * 3
        assert sorted(r.json()["role"] for r in responses) == ["admin", "member", "member"]


class TestParallelGuesses:
    async def test_cannot_exceed_the_account_limit(self, client: httpx.AsyncClient, alice: Any, sign_in: Any) -> None:
        import asyncio

        responses = await asyncio.gather(*[sign_in("alice@example.com", f"guess number {i}") for i in range(12)])
        codes = sorted(r.status_code for r in responses)
        assert codes == [401] * 5 + [429] * 7

    async def test_successful_sign_ins_from_one_address_are_not_limited(
        self, alice: Any, bob: Any, sign_in: Any, settings_override: Any
    ) -> None:
        settings_override(LOGIN_FAILURES_PER_IP=3, LOGIN_FAILURES_PER_ACCOUNT=3)
        for _ in range(5):
            assert (await sign_in("alice@example.com")).status_code == 200
            assert (await sign_in("bob@example.com")).status_code == 200
