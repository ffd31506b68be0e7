"""The bell and the notifications page in Chromium: grouped entries in French, the plural count, reading one."""

import asyncio
import os
import uuid
from pathlib import Path

import httpx
import pytest
from playwright.async_api import expect

from tests.browser.conftest import PASSWORD, sign_in, sign_up

pytestmark = pytest.mark.browser
NB = "\u00a0"
SHOTS = Path(os.environ.get("RUCHE_SHOTS_DIR", "/tmp/shots"))


async def _member(api: httpx.AsyncClient, name: str) -> tuple[str, dict[str, str]]:
    email = f"{name.split()[0].lower()}-{uuid.uuid4().hex[:8]}@example.com"
    r = await api.post("/api/v1/auth/register", json={"email": email, "password": PASSWORD, "display_name": name})
    assert r.status_code == 201, r.text
    token = (await api.post("/api/v1/auth/token", data={"username": email, "password": PASSWORD})).json()
    return email, {"Authorization": f"Bearer {token['access_token']}"}


async def _post(api: httpx.AsyncClient, headers: dict[str, str], body: str, **fields: object) -> int:
    r = await api.post("/api/v1/posts", json={"body": body, **fields}, headers=headers)
    assert r.status_code == 201, r.text
    return int(r.json()["id"])


async def _entries_ready(api: httpx.AsyncClient, headers: dict[str, str], counts: list[int]) -> None:
    for _ in range(100):
        items = (await api.get("/api/v1/notifications", headers=headers)).json()["items"]
        if sorted(n["group_count"] for n in items) == sorted(counts):
            return
        await asyncio.sleep(0.1)
    raise AssertionError(f"notifications not ready: {items}")


async def test_grouped_notifications_in_french(live_server, new_page, screenshot):
    async with httpx.AsyncClient(base_url=live_server, timeout=20) as api:
        email, author = await _member(api, "Alice Martin")
        await api.patch("/api/v1/users/me", json={"language": "fr"}, headers=author)
        handle = (await api.get("/api/v1/users/me", headers=author)).json()["handle"]
        linkedin = await _post(api, author, "Ce qui a marché cette année, et ce que nous changeons.",
                               title="Nos posts LinkedIn")
        launch = await _post(api, author, "## Lancement de l'intranet\n\nLe **nouvel intranet** ouvre lundi.")
        members = [await _member(api, f"Membre {i:02d}") for i in range(19)]
        members.append(await _member(api, "Laurent Roux"))
        for _, headers in members:
            r = await api.put(f"/api/v1/posts/{linkedin}/reaction", json={"kind": "like"}, headers=headers)
            assert r.status_code == 200
        for text, (_, headers) in zip(("Bravo !", "Hâte de voir ça."), members[-2:], strict=True):
            await api.post(f"/api/v1/posts/{launch}/comments", json={"body": text}, headers=headers)
        _, chloe = await _member(api, "Chloé Durand")
        await _post(api, chloe, f"Merci @{handle} pour la présentation de jeudi sur les réseaux sociaux")
        await _entries_ready(api, author, [20, 2, 1])

    page = await new_page(locale="fr-FR")
    await sign_in(page, email)
    await page.goto("/")
    bell = page.locator("#notif-button")
    await expect(page.locator("[data-unread-count]")).to_have_text("3")
    assert "3 notifications non lues" in (await bell.get_attribute("aria-label"))
    await bell.click()
    dropdown = page.locator("[data-notif-list]")
    grouped = f"Laurent Roux et 19 autres ont réagi à «{NB}Nos posts LinkedIn{NB}»"
    await dropdown.get_by_text(grouped).wait_for()
    SHOTS.mkdir(parents=True, exist_ok=True)
    await page.screenshot(path=str(SHOTS / "notifications-bell.png"))
    assert f"Laurent Roux et 1 autre vous ont répondu sur «{NB}Lancement de l’intranet" in \
        (await dropdown.inner_text()).replace("'", "’")

    await page.goto("/notifications")
    text = await page.locator("main").inner_text()
    assert grouped in text and "3 notifications non lues" in text and "à l’instant" in text
    await page.screenshot(path=str(SHOTS / "notifications.png"), full_page=True)
    await screenshot(page, "notifications-fr")

    await page.get_by_text(grouped).click()
    await page.wait_for_url(f"**/posts/{linkedin}")
    await expect(page.locator("[data-unread-count]")).to_have_text("2")
    assert "2 notifications non lues" in (await page.locator("#notif-button").get_attribute("aria-label"))

    # Live: a reaction to another post is a new entry (the bell says 3); a second one joins it (still 3).
    await page.wait_for_timeout(800)  # the socket connects after the page's scripts run
    async with httpx.AsyncClient(base_url=live_server, timeout=20) as api:
        for _, headers in members[:2]:
            r = await api.put(f"/api/v1/posts/{launch}/reaction", json={"kind": "like"}, headers=headers)
            assert r.status_code == 200
        await _entries_ready(api, author, [20, 2, 1, 2])
    await expect(page.locator("[data-unread-count]")).to_have_text("3")
    await page.locator("#notif-button").click()
    await page.locator("[data-notif-list]").get_by_text("Membre 01 et 1 autre ont réagi à").wait_for()
    assert await page.locator("[data-unread-count]").text_content() == "3"
    assert page.console_errors == [] and page.failed_resources == []


async def test_the_open_bell_stays_visible_on_the_dark_header(new_page):
    page = await new_page(locale="fr-FR")
    await sign_up(page, "Inès Cloche")
    await page.goto("/")
    bell = page.locator("#notif-button")
    await bell.click()  # hovered, focused and expanded at once: the icon must not take the brown link colour
    await expect(bell).to_have_attribute("aria-expanded", "true")
    assert await bell.evaluate("b => getComputedStyle(b).color") == "rgb(255, 255, 255)"
