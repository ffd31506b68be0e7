"""Every page of issue 2 in desktop and 390px mobile viewports: renders without console errors (CSP),
keeps the skip link and landmarks, does not scroll sideways on mobile; screenshots go to test-artifacts/."""

import uuid

import pytest

from tests.browser.conftest import DESKTOP, MOBILE, sign_in, sign_up

expect = pytest.importorskip("playwright.async_api").expect

pytestmark = pytest.mark.browser
PATHS = ["/", "/people", "/people?skill=Python", "/people/me/edit", "/groups", "GROUP", "PROFILE", "/admin/users",
         "/nowhere"]
UNLABELLED_FIELDS = """[...document.querySelectorAll('input:not([type=hidden]), select, textarea, button')]
  .filter(el => el.getClientRects().length)  // rendered ones: a hidden live button gets its text when shown
  .filter(el => !(el.labels && el.labels.length) && !el.getAttribute('aria-label')
                && !el.getAttribute('aria-labelledby') && !(el.tagName === 'BUTTON' && el.textContent.trim()))
  .map(el => el.outerHTML.slice(0, 120))"""
NAMES = {"/": "home", "GROUP": "group-page", "PROFILE": "profile", "/nowhere": "error-404",
         "/people?skill=Python": "people-skill"}


@pytest.fixture
async def community(new_page):
    """A member with a full profile and a group."""
    suffix = uuid.uuid4().hex[:6]
    page = await new_page()
    await sign_up(page, f"Camille Durand {suffix}")
    await page.locator("#f-title").fill("Responsable accessibilité numérique")
    await page.locator("#f-department").fill("Digital")
    await page.locator("#f-location").fill("Lyon")
    await page.locator("#f-skills").fill("Accessibilité, RGAA, Design system, Python")
    await page.locator("#f-bio").fill("J’accompagne les équipes pour rendre nos services accessibles.")
    await page.get_by_role("button", name="Save").click()
    profile_url = page.url
    await page.goto("/groups")
    await page.locator("#f-name").fill(f"Accessibilité {suffix}")
    await page.locator("#f-description").fill("Rendre nos services utilisables par toutes et tous.")
    await page.locator("#f-guidelines").fill("Partagez vos audits, citez vos sources.")
    await page.get_by_role("button", name="Create the group").click()
    return {"page": page, "GROUP": page.url, "PROFILE": profile_url}


@pytest.mark.parametrize("viewport_name,viewport", [("desktop", DESKTOP), ("mobile", MOBILE)])
async def test_every_page_renders_cleanly(community, new_page, screenshot, viewport_name, viewport):
    page = community["page"]
    await page.set_viewport_size(viewport)
    for path in PATHS:
        await page.goto(community.get(path, path))
        await expect(page.locator("main#main")).to_be_visible()
        await expect(page.locator("a.skip-link")).to_have_attribute("href", "#main")
        assert await page.evaluate(UNLABELLED_FIELDS) == [], f"{path}: form fields without a label"
        assert await page.locator("h1").count() == 1, f"{path}: one h1 per page"
        width = await page.evaluate("document.documentElement.scrollWidth")
        assert width <= viewport["width"], f"{path} scrolls sideways on {viewport_name}: {width}px"
        await screenshot(page, f"{NAMES.get(path, path.strip('/').replace('/', '-'))}-{viewport_name}")
    visitor = await new_page(viewport=viewport, locale="fr-FR")
    for path in ("/signin", "/signup"):
        await visitor.goto(path)
        assert await visitor.evaluate("document.documentElement.lang") == "fr"
        await screenshot(visitor, f"{path.strip('/')}-{viewport_name}-fr")
    assert page.console_errors == [] and visitor.console_errors == []
    assert page.failed_resources == [] and visitor.failed_resources == []


async def test_admin_accounts_page(new_page, screenshot):
    page = await new_page()
    await sign_in(page)
    await page.goto("/admin/users")
    await expect(page.get_by_role("heading", level=1)).to_have_text("Accounts")
    await expect(page.get_by_role("cell", name="ada.admin@example.com")).to_be_visible()
    await screenshot(page, "admin-users-desktop")
    await page.set_viewport_size(MOBILE)
    await screenshot(page, "admin-users-mobile")


async def test_keyboard_skip_link_member_menu_and_language(community):
    page = community["page"]
    await page.goto("/people")
    await page.keyboard.press("Tab")
    await expect(page.locator("a.skip-link")).to_be_focused()
    await page.locator(".member-menu summary").click()
    await expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    await page.locator(".member-menu").get_by_role("button", name="FR").click()
    await expect(page.locator("html")).to_have_attribute("lang", "fr")
    await page.locator(".member-menu summary").click()
    await page.get_by_role("button", name="Se déconnecter").click()
    await page.wait_for_url("**/signin")
    await page.goto("/people")
    await page.wait_for_url("**/signin?next=/people")
