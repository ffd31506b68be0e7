"""Every malformed, forged or revoked access token is a 401 (SECURITY.md: JWT rules)."""

import base64
import json
import time
from typing import Any

import httpx
import pytest
import rsa
from jose import jwt

KEY = "test-secret-key-that-is-long-enough-0123456789"  # tests/conftest.py's SECRET_KEY
ME = "/api/v1/users/me"


def _b64(data: dict[str, Any] | bytes) -> str:
    raw = data if isinstance(data, bytes) else json.dumps(data).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _claims(member: Any, session_id: str, **changes: Any) -> dict[str, Any]:
    now = int(time.time())
    claims = {"sub": str(member.id), "sid": session_id, "iat": now, "exp": now + 600}
    claims.update(changes)
    return {k: v for k, v in claims.items() if v is not None}


def _sid(member: Any) -> str:
    return str(jwt.get_unverified_claims(member.token)["sid"])


def _forgeries(member: Any) -> dict[str, str]:
    sid = _sid(member)
    good = _claims(member, sid)
    _, private = rsa.newkeys(512)
    return {
        "expired": jwt.encode(_claims(member, sid, iat=int(time.time()) - 7200, exp=int(time.time()) - 3600), KEY),
        "no_exp": jwt.encode(_claims(member, sid, exp=None), KEY),
        "no_iat": jwt.encode(_claims(member, sid, iat=None), KEY),
        "no_sub": jwt.encode(_claims(member, sid, sub=None), KEY),
        "no_sid": jwt.encode(_claims(member, sid, sid=None), KEY),
        "sub_not_a_number": jwt.encode(_claims(member, sid, sub="admin"), KEY),
        "sub_beyond_bigint": jwt.encode(_claims(member, sid, sub="9" * 30), KEY),
        "sub_unicode_digits": jwt.encode(_claims(member, sid, sub="²"), KEY),
        "other_user_in_sub": jwt.encode(_claims(member, sid, sub=str(member.id + 1)), KEY),
        "unknown_sid": jwt.encode(_claims(member, "no-such-session"), KEY),
        "alg_none": f"{_b64({'alg': 'none', 'typ': 'JWT'})}.{_b64(good)}.",
        "alg_none_upper": f"{_b64({'alg': 'None', 'typ': 'JWT'})}.{_b64(good)}.",
        "wrong_key": jwt.encode(good, "another-secret-key-that-is-long-enough-xyz"),
        "hs512": jwt.encode(good, KEY, algorithm="HS512"),
        "rs256": jwt.encode(good, private.save_pkcs1().decode(), algorithm="RS256"),
        "garbage": "not.a.token",
        "one_segment": "abcdef",
        "empty_segments": "..",
        "bad_base64": "eyJ!!!.eyJ$$$.sig",
        "header_not_json": f"{_b64(b'not json')}.{_b64(good)}.c2ln",
        "header_is_a_list": f"{_b64(b'[1,2]')}.{_b64(good)}.c2ln",
        "jwe": ".".join([_b64({"alg": "dir", "enc": "A256GCM"}), "", _b64(b"iv" * 6), _b64(b"ciphertext"), _b64(b"t" * 16)]),
        "huge": "a" * 20000,
    }


FORGERY_NAMES = [
    "expired", "no_exp", "no_iat", "no_sub", "no_sid", "sub_not_a_number", "sub_beyond_bigint", "sub_unicode_digits",
    "other_user_in_sub", "unknown_sid",
    "alg_none", "alg_none_upper", "wrong_key", "hs512", "rs256", "garbage", "one_segment", "empty_segments",
    "bad_base64", "header_not_json", "header_is_a_list", "jwe", "huge",
]


class TestBearerToken:
    async def test_the_issued_token_works(self, client: httpx.AsyncClient, alice: Any) -> None:
        assert (await client.get(ME, headers=alice.headers)).status_code == 200

    async def test_a_freshly_signed_copy_of_the_claims_works(self, client: httpx.AsyncClient, alice: Any) -> None:
        token = jwt.encode(_claims(alice, _sid(alice)), KEY)
        assert (await client.get(ME, headers={"Authorization": f"Bearer {token}"})).status_code == 200

    async def test_a_verified_token_is_refused_once_it_expires(
        self, client: httpx.AsyncClient, alice: Any, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """Verified tokens are kept (app.security.decode_token): their expiry is still checked on every use."""
        import app.security

        token = jwt.encode(_claims(alice, _sid(alice), exp=int(time.time()) + 30), KEY)
        headers = {"Authorization": f"Bearer {token}"}
        assert (await client.get(ME, headers=headers)).status_code == 200
        assert (await client.get(ME, headers=headers)).status_code == 200  # from the kept claims
        later = time.time() + 60
        monkeypatch.setattr(app.security.time, "time", lambda: later)
        assert (await client.get(ME, headers=headers)).status_code == 401

    @pytest.mark.parametrize("name", FORGERY_NAMES)
    async def test_forged_or_malformed_token_is_401(self, client: httpx.AsyncClient, alice: Any, name: str) -> None:
        token = _forgeries(alice)[name]
        r = await client.get(ME, headers={"Authorization": f"Bearer {token}"})
        assert r.status_code == 401, r.text
        assert r.json() == {"detail": "Not authenticated"}

    @pytest.mark.parametrize("header", ["Bearer", "Bearer ", "Basic YWxpY2U6cHc=", "Token abc", "bearer"])
    async def test_malformed_authorization_header_is_401(self, client: httpx.AsyncClient, header: str) -> None:
        assert (await client.get(ME, headers={"Authorization": header})).status_code == 401

    async def test_the_cookie_carries_the_same_token(self, client: httpx.AsyncClient, alice: Any) -> None:
        r = await client.get(ME, headers={"Cookie": f"ruche_session={alice.token}"})
        assert r.status_code == 200
        assert (await client.get(ME, headers={"Cookie": "ruche_session=garbage"})).status_code == 401


class TestDeactivation:
    async def test_tokens_fail_at_once_and_reactivation_allows_signing_in_again(
        self, client: httpx.AsyncClient, admin: Any, alice: Any, sign_in: Any
    ) -> None:
        r = await client.patch(f"/api/v1/admin/users/{alice.id}", json={"active": False}, headers=admin.headers)
        assert r.status_code == 200
        assert r.json()["is_active"] is False
        assert (await client.get(ME, headers=alice.headers)).status_code == 401
        assert (await sign_in("alice@example.com")).status_code == 401
        r = await client.patch(f"/api/v1/admin/users/{alice.id}", json={"active": True}, headers=admin.headers)
        assert r.status_code == 200
        assert (await client.get(ME, headers=alice.headers)).status_code == 401  # revoked tokens stay revoked
        fresh = await sign_in("alice@example.com")
        assert fresh.status_code == 200
        token = fresh.json()["access_token"]
        assert (await client.get(ME, headers={"Authorization": f"Bearer {token}"})).status_code == 200
