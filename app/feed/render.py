"""Feed pages as the API's JSON, from each post's JSON kept per process.

A feed page built twenty PostRead objects, then FastAPI validated and serialized them again: more than the feed's
query. A post's JSON depends only on its feed row (its columns, author, group, topics, the viewer's reaction) and
on whom it mentions, so it is kept under exactly those, and only posts not seen before are built. The output is
the same bytes `Page[PostRead]` serializes to (tests/feed compares them)."""

import json
from collections.abc import Sequence
from typing import Any

from fastapi.responses import Response
from sqlalchemy.ext.asyncio import AsyncSession

from app.lru import SizedLRU, strings_size
from app.posts.views import joined_post_views, mentions_key, post_mentions

POST_JSON_CACHE_SIZE = 32 * 1024 * 1024  # bytes per process, rows included
_post_json = SizedLRU(POST_JSON_CACHE_SIZE, max_item=128 * 1024)


async def page_response(session: AsyncSession, rows: Sequence[Any], next_cursor: str | None) -> Response:
    """`Page[PostRead]` of feed rows (app.feed.service), as a JSON response."""
    mentions = await post_mentions(session, rows)
    keys = [(tuple(row), mentions_key(mentions.get(row.id))) for row in rows]
    # By position, not by key: each lookup of a key hashes and compares a whole row again.
    parts: list[bytes | None] = [_post_json.get(key) for key in keys]  # type: ignore[misc]
    missing = [i for i, part in enumerate(parts) if part is None]
    if missing:
        views = joined_post_views([rows[i] for i in missing], mentions)
        for i, view in zip(missing, views, strict=True):
            parts[i] = data = view.model_dump_json().encode()
            _post_json.put(keys[i], data, len(data) + strings_size(keys[i][0]))
    body = b'{"items":[' + b",".join(parts) + b'],"next_cursor":' + json.dumps(  # type: ignore[arg-type]
        next_cursor).encode() + b"}"
    return Response(body, media_type="application/json")
