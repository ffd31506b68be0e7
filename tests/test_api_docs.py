"""The API documentation pages (issue 19, point 3): served with their assets from the package, nothing from another
host, under the site's CSP (tests/browser/test_browser_api_docs.py renders them in Chromium without network)."""

import re

import httpx
import pytest

from app import package_data
from app.api_docs import REDOC_CSP
from app.middleware import CSP

ASSETS = {
    "/docs": ["/static/vendor/swagger-ui/swagger-ui-bundle.js", "/static/vendor/swagger-ui/swagger-ui.css",
              "/static/js/api-docs.js"],
    "/redoc": ["/static/vendor/redoc/redoc.standalone.js", "/static/js/api-docs.js"],
}


class TestDocumentationPages:
    @pytest.mark.parametrize("path", sorted(ASSETS))
    async def test_every_asset_is_served_by_the_site(self, client: httpx.AsyncClient, path: str) -> None:
        r = await client.get(path)
        assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
        addresses = re.findall(r'(?:src|href)="([^"]+)"', r.text)
        assert all(a.startswith("/") and not a.startswith("//") for a in addresses), addresses
        for asset in ASSETS[path]:
            assert asset in addresses
            assert (await client.get(asset)).status_code == 200, asset
        assert 'data-openapi-url="/openapi.json"' in r.text
        assert "<script>" not in r.text  # no inline script: the CSP's script-src stays 'self'

    async def test_swagger_ui_has_the_site_policy(self, client: httpx.AsyncClient) -> None:
        assert (await client.get("/docs")).headers["content-security-policy"] == CSP

    async def test_redoc_loosens_only_styles_and_workers(self, client: httpx.AsyncClient) -> None:
        csp = (await client.get("/redoc")).headers["content-security-policy"]
        assert csp == REDOC_CSP
        directives = dict(d.strip().split(" ", 1) for d in csp.split(";"))
        assert directives["script-src"] == "'self'"
        assert directives["style-src"] == "'self' 'unsafe-inline'"
        assert directives["worker-src"] == "'self' blob:"
        assert directives["frame-ancestors"] == "'none'"
        # the other pages keep the strict policy
        assert (await client.get("/signin")).headers["content-security-policy"] == CSP

    async def test_the_page_speaks_the_member_language(self, client: httpx.AsyncClient) -> None:
        r = await client.get("/docs", headers={"Accept-Language": "fr-FR"})
        assert '<html lang="fr">' in r.text and "documentation interactive" in r.text


def test_the_vendored_files_ship_with_their_licences() -> None:
    vendor = package_data.frontend_dir() / "static" / "vendor"
    for name in ("swagger-ui/swagger-ui-bundle.js", "swagger-ui/swagger-ui.css", "swagger-ui/LICENSE",
                 "swagger-ui/NOTICE", "redoc/redoc.standalone.js", "redoc/LICENSE", "README.md"):
        assert (vendor / name).is_file(), name
