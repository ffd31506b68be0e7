"""Security headers on every response (SECURITY.md: headers) and the body cap's edge cases."""

import gzip
from typing import Any

import httpx
from starlette.applications import Starlette
from starlette.responses import StreamingResponse
from starlette.routing import Route

from app.main import create_app
from app.middleware import CSP, GZip, _IsalResponder


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

    async def test_docs_are_under_the_policy_too(self, client: httpx.AsyncClient) -> None:
        r = await client.get("/docs")
        assert r.status_code == 200
        assert r.headers["content-security-policy"] == CSP  # Swagger UI starts from a file, not an inline script
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

    async def test_streamed_answers_are_one_gzip_stream(self) -> None:
        """Chunks are flushed as they go (Z_SYNC_FLUSH through ISA-L) and end as one valid gzip member."""
        chunks = [f"chunk {i} ".encode() * 200 for i in range(5)]

        async def stream(_request: Any) -> StreamingResponse:
            async def body() -> Any:
                for chunk in chunks:
                    yield chunk
            return StreamingResponse(body(), media_type="text/plain")

        app = GZip(Starlette(routes=[Route("/s", stream)]), minimum_size=500, compresslevel=1)
        async with (httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as c,
                    c.stream("GET", "/s", headers={"Accept-Encoding": "gzip"}) as r):
            raw = b"".join([part async for part in r.aiter_raw()])
        assert r.headers["content-encoding"] == "gzip" and "content-length" not in r.headers
        assert gzip.decompress(raw) == b"".join(chunks)

    async def test_pages_are_one_gzip_member(self, client: httpx.AsyncClient) -> None:
        r = await client.get("/signin", headers={"Accept-Encoding": "gzip"})
        assert r.headers["content-encoding"] == "gzip"
        assert gzip.decompress(await _raw(client, "/signin")) == r.content

    def test_the_app_deflates_with_isal(self, base_settings: Any) -> None:
        app = create_app(base_settings)
        assert app.user_middleware[0].cls is GZip  # outermost
        responder = _IsalResponder(app, 500, compresslevel=1)
        assert type(responder.compressor).__module__.startswith("isal")


async def _raw(client: httpx.AsyncClient, path: str) -> bytes:
    async with client.stream("GET", path, headers={"Accept-Encoding": "gzip"}) as r:
        return b"".join([part async for part in r.aiter_raw()])
