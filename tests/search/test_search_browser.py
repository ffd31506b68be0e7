"""The header search box in Chromium: suggestions as you type, keyboard navigation (ARIA combobox), results page."""

import re
import uuid

import httpx
import pytest

from tests.browser.conftest import PASSWORD, browser, live_server, new_page, screenshot, sign_up  # noqa: F401

expect = pytest.importorskip("playwright.async_api").expect

pytestmark = pytest.mark.browser


def _member(base_url: str, name: str) -> str:
    email = f"{uuid.uuid4().hex[:8]}@example.com"
    with httpx.Client(base_url=base_url, timeout=10) as http:
        r = http.post("/api/v1/auth/register", json={"email": email, "password": PASSWORD, "display_name": name})
        assert r.status_code == 201, r.text
        return str(r.json()["handle"])


async def test_suggestions_keyboard_and_results(live_server, new_page, screenshot):  # noqa: F811
    word = "Zéphyrin" + uuid.uuid4().hex[:4]
    handle = _member(live_server, f"{word} Martel")
    page = await new_page(locale="fr-FR")
    await sign_up(page, "Gaëlle Petit")
    box = page.locator("#search-box-input")
    await box.click()
    await box.press_sequentially("zephyr", delay=40)  # typed without the accent: folded
    option = page.get_by_role("option", name=re.compile(f"{word} Martel"))
    await expect(option).to_be_visible(timeout=10_000)
    await expect(box).to_have_attribute("aria-expanded", "true")
    await screenshot(page, "search-suggestions")
    await box.press("ArrowDown")
    await expect(box).to_have_attribute("aria-activedescendant", "search-box-opt-0")
    await box.press("Enter")
    await expect(page).to_have_url(re.compile(f"/people/{re.escape(handle)}$"))

    box = page.locator("#search-box-input")
    await box.fill(word)
    await box.press("Enter")  # no option chosen: the form searches
    await expect(page).to_have_url(re.compile(r"/search\?q="))
    await expect(page.get_by_role("heading", level=1)).to_contain_text(word)
    await expect(page.locator(".search-result a", has_text=f"{word} Martel")).to_be_visible()
