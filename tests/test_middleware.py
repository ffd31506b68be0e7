"""Security headers on every response (SECURITY.md: headers) and the body cap's edge cases."""

from typing import Any

import httpx

from app.main import create_app


class TestSecurityHeaders:
    async def test_api_responses_carry_them(self, client: httpx.AsyncClient) -> None:
        r = await client.get("/api/v1/users/me")
        assert r.status_code == 401
        assert r.headers["x-content-type-options"] == "nosniff"
        assert r.headers["x-frame-options"] == "DENY"
        assert r.headers["referrer-policy"]
        csp = r.headers["content-security-policy"]
        assert "frame-ancestors 'none'" in csp
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]
        assert "strict-transport-security" not in r.headers  # plain http in tests

    async def test_docs_keep_their_own_policy(self, client: httpx.AsyncClient) -> None:
        r = await client.get("/docs")
        assert r.status_code == 200
        assert "content-security-policy" not in r.headers  # Swagger UI loads its inline bootstrap script
        assert r.headers["x-content-type-options"] == "nosniff"

    async def test_hsts_behind_https(self, base_settings: Any) -> None:
        app = create_app(base_settings.model_copy(update={"BASE_URL": "https://ruche.example.com"}))
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as c:
            r = await c.get("/openapi.json")
        assert r.headers["strict-transport-security"].startswith("max-age=")


class TestBodyCap:
    async def test_the_cap_is_a_setting(self, client: httpx.AsyncClient, base_settings: Any) -> None:
        app = create_app(base_settings.model_copy(update={"MAX_JSON_BYTES": 100}))
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as c:
            r = await c.post("/api/v1/auth/register", content=b"{" + b" " * 200 + b"}",
                             headers={"Content-Type": "application/json"})
        assert r.status_code == 413
        assert r.json() == {"detail": "Request body too large"}


class TestCompression:
    async def test_gzip_when_asked_and_the_same_body(self, client: httpx.AsyncClient) -> None:
        plain = await client.get("/openapi.json", headers={"Accept-Encoding": "identity"})
        packed = await client.get("/openapi.json", headers={"Accept-Encoding": "gzip"})
        assert "content-encoding" not in plain.headers
        assert packed.headers["content-encoding"] == "gzip"
        assert "accept-encoding" in packed.headers["vary"].lower()
        assert int(packed.headers["content-length"]) < len(plain.content) / 3
        assert packed.content == plain.content  # httpx decodes it

    async def test_small_answers_stay_plain(self, client: httpx.AsyncClient) -> None:
        r = await client.get("/api/v1/ping", headers={"Accept-Encoding": "gzip"})
        assert r.status_code == 200 and "content-encoding" not in r.headers
