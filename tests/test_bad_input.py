"""Hostile or broken input answers 4xx across endpoints, never a 500 (SECURITY.md)."""

from typing import Any

import httpx
import pytest

PASSWORD = "correct horse battery"


@pytest.fixture
async def world(register: Any, client: httpx.AsyncClient) -> dict[str, Any]:
    admin = await register("Ada Admin", "ada@example.com")
    member = await register("Mia Membre", "mia@example.com")
    group = await client.post("/api/v1/groups", json={"name": "Club", "description": "", "visibility": "public"},
                              headers=admin.headers)
    return {"admin": admin, "member": member, "group": group.json()}


def _json_endpoints(world: dict[str, Any]) -> list[tuple[str, str, dict[str, str]]]:
    admin, member, group = world["admin"], world["member"], world["group"]
    return [
        ("POST", "/api/v1/auth/register", {}),
        ("PATCH", "/api/v1/users/me", member.headers),
        ("PUT", "/api/v1/users/me/password", member.headers),
        ("POST", "/api/v1/groups", member.headers),
        ("PUT", f"/api/v1/groups/{group['id']}/members/{member.id}", admin.headers),
        ("PATCH", f"/api/v1/admin/users/{member.id}", admin.headers),
        ("POST", "/api/v1/posts", member.headers),
    ]


BROKEN_BODIES = [
    b"{",
    b'{"email": ',
    b"not json at all",
    b'{"a": 1,}',
    b"\xff\xfe\x00garbage",
    b"[" * 50_000 + b"]" * 50_000,
    b'{"a":' * 20_000 + b"1" + b"}" * 20_000,
    b"",
    b"null",
    b"[]",
    b'"a string"',
    b"12",
    b"NaN",
]


class TestMalformedJson:
    @pytest.mark.parametrize("body", BROKEN_BODIES, ids=range(len(BROKEN_BODIES)))
    async def test_is_422_everywhere(self, client: httpx.AsyncClient, world: dict[str, Any], body: bytes) -> None:
        for method, path, headers in _json_endpoints(world):
            r = await client.request(method, path, content=body,
                                     headers={**headers, "Content-Type": "application/json"})
            assert r.status_code == 422, (method, path, r.status_code, r.text[:200])

    async def test_form_instead_of_json_is_422(self, client: httpx.AsyncClient, world: dict[str, Any]) -> None:
        for method, path, headers in _json_endpoints(world):
            r = await client.request(method, path, data={"name": "x"}, headers=headers)
            assert r.status_code == 422, (method, path, r.status_code)


class TestWrongTypes:
    @pytest.mark.parametrize("body", [
        {"email": ["a@example.com"], "password": PASSWORD, "display_name": "A"},
        {"email": "a@example.com", "password": 1234567890123, "display_name": "A"},
        {"email": "a@example.com", "password": PASSWORD, "display_name": {"first": "A"}},
        {"email": "a\x00@example.com", "password": PASSWORD, "display_name": "A"},
        {"email": "a@example.com", "password": PASSWORD + "\x00", "display_name": "A"},
        {"email": "a@" + "x" * 300 + ".com", "password": PASSWORD, "display_name": "A"},
    ])
    async def test_register(self, client: httpx.AsyncClient, world: dict[str, Any], body: Any) -> None:
        assert (await client.post("/api/v1/auth/register", json=body)).status_code == 422

    @pytest.mark.parametrize("body", [
        {"skills": "python"}, {"skills": [["nested"]]}, {"language": ["fr"]}, {"title": 12}, {"bio": {"a": 1}},
        {"display_name": None, "handle": 7}, {"bio": "x" * 5001},
    ])
    async def test_update_me(self, client: httpx.AsyncClient, world: dict[str, Any], body: Any) -> None:
        r = await client.patch("/api/v1/users/me", json=body, headers=world["member"].headers)
        assert r.status_code == 422, r.text

    @pytest.mark.parametrize("body", [
        {"name": ["Club"], "description": "", "visibility": "public"},
        {"name": "Other", "description": 3, "visibility": "public"},
        {"name": "Other", "description": "", "visibility": True},
        {"name": "Other", "description": "", "visibility": "public", "guidelines": ["x"]},
    ])
    async def test_create_group(self, client: httpx.AsyncClient, world: dict[str, Any], body: Any) -> None:
        assert (await client.post("/api/v1/groups", json=body, headers=world["member"].headers)).status_code == 422

    @pytest.mark.parametrize("form", [
        {"username": "mia@example.com"},
        {"password": PASSWORD},
        {"username": "mia\x00@example.com", "password": PASSWORD},
        {"username": "mia@example.com", "password": PASSWORD + "\x00"},
        {"username": "x" * 2000, "password": PASSWORD},
    ])
    async def test_token_form(self, client: httpx.AsyncClient, world: dict[str, Any], form: Any) -> None:
        r = await client.post("/api/v1/auth/token", data=form)
        assert r.status_code in (401, 422), r.text

    @pytest.mark.parametrize("params", [
        {"q": "a\x00"}, {"q": "x" * 201}, {"limit": "1e3"}, {"limit": "99999999999999999999999"},
        {"cursor": "x" * 501}, {"cursor": "eyJuIjpudWxsLCJpIjpudWxsfQ"}, {"mine": "maybe"},
    ])
    async def test_list_groups_query(self, client: httpx.AsyncClient, world: dict[str, Any], params: Any) -> None:
        r = await client.get("/api/v1/groups", params=params, headers=world["member"].headers)
        assert r.status_code == 422, r.text

    @pytest.mark.parametrize("path", [
        "/api/v1/users/99999999999999999999", "/api/v1/users/-5", "/api/v1/users/1e3", "/api/v1/groups/%00",
        "/api/v1/groups/99999999999999999999/members", "/api/v1/groups/1/members/99999999999999999999",
    ])
    async def test_ids_out_of_range(self, client: httpx.AsyncClient, world: dict[str, Any], path: str) -> None:
        method = "DELETE" if "/members/" in path else "GET"
        assert (await client.request(method, path, headers=world["admin"].headers)).status_code == 422


def _cursor(value: object) -> str:
    import base64
    import json

    return base64.urlsafe_b64encode(json.dumps(value).encode()).decode().rstrip("=")


FORGED_CURSORS = (
    {"n": "a\x00b", "i": 1}, {"n": "a", "i": 2**63}, {"n": "a", "i": -1}, {"n": "a", "i": 10**30},
    {"n": "a", "i": True}, {"n": ["a"], "i": 1}, {"i": 2**64}, {"i": "1"}, [1, 2], "text", 12,
    {"n": "a", "i": 1.5}, {"x": "[" * 100},
)


class TestForgedCursors:
    @pytest.mark.parametrize("value", FORGED_CURSORS, ids=range(len(FORGED_CURSORS)))
    async def test_are_422(self, client: httpx.AsyncClient, world: dict[str, Any], value: object) -> None:
        cursor = _cursor(value)
        for path in ["/api/v1/users", "/api/v1/groups"]:
            r = await client.get(path, params={"cursor": cursor}, headers=world["admin"].headers)
            assert r.status_code == 422, (path, r.status_code, r.text)
        # member lists page on the membership id alone: a cursor whose "i" is sound is merely an odd position
        sound_id = isinstance(value, dict) and type(value.get("i")) is int and 0 <= value["i"] < 2**63
        r = await client.get(f"/api/v1/groups/{world['group']['id']}/members", params={"cursor": cursor},
                             headers=world["admin"].headers)
        assert r.status_code == (200 if sound_id else 422), r.text


class TestTooLarge:
    BIG = b'{"bio": "' + b"x" * (1024 * 1024) + b'"}'

    @pytest.mark.parametrize("method,path", [("PATCH", "/api/v1/users/me"), ("POST", "/api/v1/groups"),
                                             ("POST", "/api/v1/auth/register"), ("POST", "/api/v1/posts")])
    async def test_json_body_over_one_mib_is_413(self, client: httpx.AsyncClient, world: dict[str, Any],
                                                 method: str, path: str) -> None:
        r = await client.request(method, path, content=self.BIG,
                                 headers={**world["member"].headers, "Content-Type": "application/json"})
        assert r.status_code == 413

    async def test_without_content_length_is_413(self, client: httpx.AsyncClient, world: dict[str, Any]) -> None:
        async def chunks() -> Any:
            for _ in range(20):
                yield b"x" * 65536

        r = await client.patch("/api/v1/users/me", content=chunks(),
                               headers={**world["member"].headers, "Content-Type": "application/json"})
        assert r.status_code == 413

    async def test_just_under_one_mib_is_parsed(self, client: httpx.AsyncClient, world: dict[str, Any]) -> None:
        body = b'{"bio": "' + b"x" * (1024 * 1024 - 20) + b'"}'
        r = await client.patch("/api/v1/users/me", content=body,
                               headers={**world["member"].headers, "Content-Type": "application/json"})
        assert r.status_code == 422  # parsed, then refused by the bio length rule

    async def test_lying_content_length_is_413(self, client: httpx.AsyncClient, world: dict[str, Any]) -> None:
        r = await client.patch("/api/v1/users/me", content=b"{}",
                               headers={**world["member"].headers, "Content-Type": "application/json",
                                        "Content-Length": "not-a-number"})
        assert r.status_code in (400, 413)


class TestUnknownIds:
    async def test_are_404(self, client: httpx.AsyncClient, world: dict[str, Any]) -> None:
        admin, member, group = world["admin"], world["member"], world["group"]
        calls = [
            ("GET", "/api/v1/users/4242", None),
            ("PUT", "/api/v1/users/4242/follow", None),
            ("DELETE", "/api/v1/users/4242/follow", None),
            ("PATCH", "/api/v1/admin/users/4242", {"role": "member"}),
            ("GET", "/api/v1/groups/4242", None),
            ("POST", "/api/v1/groups/4242/join", None),
            ("GET", "/api/v1/groups/4242/members", None),
            ("PUT", f"/api/v1/groups/{group['id']}/members/4242", {"status": "member"}),
            ("DELETE", f"/api/v1/groups/{group['id']}/members/4242", None),
            ("GET", "/api/v1/posts/4242", None),
            ("GET", "/api/v1/no-such-endpoint", None),
        ]
        for method, path, body in calls:
            r = await client.request(method, path, json=body, headers=admin.headers)
            assert r.status_code == 404, (method, path, r.status_code, r.text)
            assert r.json() == {"detail": "Not Found"}
        assert member.id != 4242


class TestDuplicates:
    async def test_are_409(self, client: httpx.AsyncClient, world: dict[str, Any]) -> None:
        member = world["member"]
        r = await client.post("/api/v1/auth/register",
                              json={"email": "MIA@example.com", "password": PASSWORD, "display_name": "Mia"})
        assert r.status_code == 409
        r = await client.post("/api/v1/groups", json={"name": "CLUB", "description": "", "visibility": "secret"},
                              headers=member.headers)
        assert r.status_code == 409
        r = await client.patch("/api/v1/users/me", json={"handle": world["admin"].handle}, headers=member.headers)
        assert r.status_code == 409


class TestOpenApi:
    async def test_schema_renders_and_documents_the_contract(self, client: httpx.AsyncClient) -> None:
        r = await client.get("/openapi.json")
        assert r.status_code == 200
        paths = r.json()["paths"]
        for path in ["/api/v1/auth/register", "/api/v1/auth/token", "/api/v1/users/me", "/api/v1/users/{user_id}",
                     "/api/v1/groups", "/api/v1/groups/{group_id}/members/{user_id}", "/api/v1/admin/users/{user_id}"]:
            assert path in paths
        assert (await client.get("/docs")).status_code == 200
        schemes = r.json()["components"]["securitySchemes"]
        assert any(s.get("flows", {}).get("password", {}).get("tokenUrl") == "/api/v1/auth/token"
                   for s in schemes.values())
        assert paths["/api/v1/users/me"]["get"]["security"]
