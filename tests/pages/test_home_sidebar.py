"""The home sidebar: groups to discover (listed, not joined, most populated first) and department colleagues."""

from typing import Any

import httpx

HTML = {"Accept": "text/html", "Accept-Language": "en"}


async def test_groups_to_discover_skip_joined_and_secret_groups(
    client: httpx.AsyncClient, admin: Any, anna: Any, mia: Any, olga: Any, make_group: Any
) -> None:
    await make_group(anna, "Busy Corner", "public", members=(mia, admin))
    await make_group(anna, "Quiet Corner", "private")
    await make_group(anna, "Hidden Corner", "secret", members=(mia,))
    await make_group(olga, "Olga Own Corner", "public")
    page = (await client.get("/", headers={**HTML, **olga.headers})).text
    discover = page.split('id="suggested-title"', 1)[1].split("</section>", 1)[0]
    assert "Busy Corner" in discover and "3 members" in discover
    assert "Quiet Corner" in discover
    assert discover.index("Busy Corner") < discover.index("Quiet Corner")
    assert "Hidden Corner" not in page
    assert "Olga Own Corner" not in discover


async def test_colleagues_are_active_members_of_my_department(client: httpx.AsyncClient, register: Any) -> None:
    me = await register("Dana Comms", department="Communication")
    await register("Éloïse Comms", department="communication")
    await register("Fred Finance", department="Finance")
    page = (await client.get("/", headers={**HTML, **me.headers})).text
    colleagues = page.split('id="colleagues-title"', 1)[1].split("</section>", 1)[0]
    assert "Éloïse Comms" in colleagues
    assert "Fred Finance" not in colleagues and "Dana Comms" not in colleagues


async def test_live_config_carries_the_newest_activity_id(client: httpx.AsyncClient, register: Any, app: Any) -> None:
    """live.js replays from the page's own position: events older than the page are never shown as new."""
    from app.outbox.read import last_activity_id

    member = await register("Lena Live")
    await client.post("/api/v1/posts", json={"body": "already on the page"}, headers=member.headers)
    page = (await client.get("/", headers={**HTML, **member.headers})).text
    async with app.state.runtime.sessionmaker() as session:
        newest = await last_activity_id(session)
    assert newest > 0
    assert f'data-since="{newest}"' in page


async def test_colleagues_come_from_a_cache_that_expires(client: httpx.AsyncClient, register: Any, app: Any) -> None:
    """One list per department serves every member of it (each sees the others), and a newcomer shows once the
    entry expires."""
    from app.users.cache import COLLEAGUES

    def sidebar(page: str) -> str:
        return page.split('id="colleagues-title"', 1)[1].split("</section>", 1)[0]

    dana = await register("Dana Comms", department="Communication")
    eloise = await register("Éloïse Comms", department="Communication")
    first = sidebar((await client.get("/", headers={**HTML, **dana.headers})).text)
    second = sidebar((await client.get("/", headers={**HTML, **eloise.headers})).text)
    assert "Éloïse Comms" in first and "Dana Comms" not in first
    assert "Dana Comms" in second and "Éloïse Comms" not in second

    await register("Gaspard Comms", department="communication")
    cached = sidebar((await client.get("/", headers={**HTML, **dana.headers})).text)
    assert "Gaspard Comms" not in cached  # within the TTL
    app.state.runtime.caches.get(COLLEAGUES).reset()  # as if the entry had expired
    fresh = sidebar((await client.get("/", headers={**HTML, **dana.headers})).text)
    assert "Gaspard Comms" in fresh and "Éloïse Comms" in fresh


async def test_kept_composer_and_sidebar_carry_this_requests_values(
    client: httpx.AsyncClient, anna: Any, mia: Any, make_group: Any
) -> None:
    """The composer and the sidebar are kept rendered (app.templating.fragment): each view still gets a fresh
    Idempotency-Key and its own CSRF token, and a group joined since shows in both."""
    import re

    def keys(page: str) -> list[str]:
        return re.findall(r'name="idempotency_key" value="([^"]+)"', page)

    first = (await client.get("/", headers={**HTML, **mia.headers})).text
    second = (await client.get("/", headers={**HTML, **mia.headers})).text
    assert len(keys(first)) == 1 and len(keys(second)) == 1 and keys(first) != keys(second)
    assert "\x00" not in second
    token = re.search(r'name="csrf_token" value="([^"]+)"', second)
    assert token and second.count(f'name="csrf_token" value="{token.group(1)}"') >= 2  # composer and sign-out
    await make_group(anna, "Cercle des veilleurs", "public", members=(mia,))
    third = (await client.get("/", headers={**HTML, **mia.headers})).text
    mine = third.split('id="mine-title"', 1)[1].split("</section>", 1)[0]
    assert "Cercle des veilleurs" in mine
    assert third.count("Cercle des veilleurs") >= 2  # the composer offers it as a destination
