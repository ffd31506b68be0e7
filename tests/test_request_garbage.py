"""Serving a request leaves no reference cycles behind: only the cyclic garbage collector frees those, and under load
its passes paused each worker for 10-30 ms every second and a half (the feeds' p99)."""

import gc
from typing import Any

import httpx

from app.security import COOKIE_NAME

SERVER_MODULES = ("app.", "sqlalchemy", "starlette", "fastapi", "asyncpg", "aiosqlite", "jinja2", "pydantic")
# Not a request's: the search index writer, which the test app runs in-process (`ruche serve` runs it in a process of
# its own), and the expression objects SQLAlchemy leaves once when it compiles a statement anew (after the whole
# suite, its cache of compiled statements turns over).
NOT_REQUESTS = ("app.search.", "sqlalchemy.sql.")


def _server_objects(objects: list[Any]) -> list[str]:
    """Kinds of server objects among `objects`; the test client's own cycles (httpx) are left out."""
    return sorted({f"{type(o).__module__}.{type(o).__qualname__}" for o in objects
                   if type(o).__module__.startswith(SERVER_MODULES)
                   and not type(o).__module__.startswith(NOT_REQUESTS)})


async def test_reads_and_writes_leave_no_reference_cycles(
    client: httpx.AsyncClient, anna: Any, mia: Any, make_group: Any, make_post: Any
) -> None:
    group = await make_group(anna, "Veille", "public", members=(mia,))
    post = await make_post(anna, f"Bonjour @{mia.handle} #veille", group_id=group["id"])
    page = {"Cookie": f"{COOKIE_NAME}={mia.token}", "Accept": "text/html"}
    calls = [
        ("GET", "/api/v1/feed", mia.headers, None),
        ("GET", f"/api/v1/groups/{group['id']}/posts", mia.headers, None),
        ("GET", f"/api/v1/posts/{post['id']}", mia.headers, None),
        ("GET", "/", page, None),
        ("GET", f"/posts/{post['id']}", page, None),
        ("POST", "/api/v1/posts", mia.headers, {"body": "Une réponse #veille"}),
    ]

    async def run_all(round_: int) -> None:
        for method, url, headers, body in calls:
            if body is not None:
                body = {"body": f"{body['body']} {round_}"}
            r = await client.request(method, url, headers=headers, json=body)
            assert r.status_code in (200, 201), (url, r.status_code)

    # Caches and prepared statements settle first: a statement SQLAlchemy compiles leaves cycles once, and the
    # second round sees one more post (more mentions, more ids), which some statements are compiled for.
    for round_ in (0, 1):
        await run_all(round_)
    gc.collect()
    gc.set_debug(gc.DEBUG_SAVEALL)
    try:
        for round_ in (2, 3):
            await run_all(round_)
        gc.collect()
        left = _server_objects(gc.garbage)
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
    assert left == []
