"""Feed pages as the API's JSON, from each post's JSON kept per process (app.posts.read.api_json).

A feed page built twenty PostRead objects, then FastAPI validated and serialized them again: more than the feed's
query. The output is the same bytes `Page[PostRead]` serializes to (tests/feed compares them)."""

import json
from collections.abc import Sequence

from fastapi import Request
from fastapi.responses import Response

from app.posts.read import POST_JSON, PostRow, api_json


def page_response(request: Request, rows: Sequence[PostRow], next_cursor: str | None) -> Response:
    """`Page[PostRead]` of feed rows (app.feed.service), as a JSON response."""
    items = api_json(rows, request.app.state.runtime.caches.get(POST_JSON))
    body = b'{"items":[' + b",".join(items) + b'],"next_cursor":' + json.dumps(next_cursor).encode() + b"}"
    return Response(body, media_type="application/json")
