"""The API's documentation pages, `/docs` (Swagger UI) and `/redoc` (ReDoc), served from the site itself.

FastAPI's own pages load their scripts from a CDN (a blank page on a network without internet) and start them with
an inline script (refused by the site's CSP). These load the copies vendored under frontend/static/vendor/ (their
versions and licences are listed there) and start them from /static/js/api-docs.js."""

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from app.middleware import CSP
from app.templating import render

docs = APIRouter(include_in_schema=False)

# ReDoc only: its styling library inserts <style> elements and it parses the schema in a web worker it starts
# from a blob: URL. Scripts stay 'self' only; Swagger UI needs nothing beyond the site's policy.
REDOC_CSP = CSP.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'") + "; worker-src 'self' blob:"


def _page(request: Request, template: str) -> HTMLResponse:
    app = request.app
    return render(request, template, {"api_title": app.title, "openapi_url": app.openapi_url})


@docs.get("/docs")
async def swagger_ui(request: Request) -> HTMLResponse:
    return _page(request, "api_docs/swagger.html")


@docs.get("/redoc")
async def redoc(request: Request) -> HTMLResponse:
    response = _page(request, "api_docs/redoc.html")
    response.headers["Content-Security-Policy"] = REDOC_CSP
    return response
