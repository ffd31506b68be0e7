"""Issue 19 point 9: every main page passes an axe-core audit (no critical or serious finding) in Chromium.

A small community like the demo's is seeded once through the API: members with profiles, a public group with a
discussion (a mention, a topic, comments and a reply), a question, a private group with a pending request, and
notifications for the signed-in admin. Each page is audited as a member gets it (CSP on, scripts run), signed out
and signed in, in English and French, on a desktop and a phone, and with the mention completion open."""

import re
import time
import uuid
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from tests.browser.a11y import assert_accessible, audit, blocking, describe
from tests.browser.conftest import ADMIN_EMAIL, DESKTOP, MOBILE, PASSWORD, sign_in, unique_email

expect = pytest.importorskip("playwright.async_api").expect

pytestmark = pytest.mark.browser

PEOPLE = {
    "chloe": ("Chloé Dubois", "Responsable accessibilité", "Digital", "Lyon", ["Accessibilité", "RGAA", "UX"]),
    "hugo": ("Hugo Martin", "Coach agile", "Transformation", "Paris", ["Scrum", "Facilitation"]),
    "ines": ("Inès Moreau", "Juriste", "Juridique", "Nantes", ["RGPD", "Contrats"]),
}


class Seeder:
    """API calls as one member or another (tokens by key; "admin" is the server's first account)."""

    def __init__(self, http: httpx.Client) -> None:
        self.http = http
        self.tokens: dict[str, str] = {}
        self.handles: dict[str, str] = {}

    def sign_in(self, key: str, email: str) -> None:
        r = self.http.post("/api/v1/auth/token", data={"username": email, "password": PASSWORD})
        assert r.status_code == 200, r.text
        self.tokens[key] = r.json()["access_token"]
        self.handles[key] = self.call(key, "GET", "/api/v1/users/me")["handle"]

    def call(self, key: str, method: str, path: str, json: Any = None) -> Any:
        r = self.http.request(method, path, json=json, headers={"Authorization": f"Bearer {self.tokens[key]}"})
        assert r.status_code < 300, f"{method} {path}: {r.status_code} {r.text}"
        return r.json() if r.content else None


def _seed(base_url: str) -> dict[str, str]:
    """The community; returns the paths of the pages to audit."""
    suffix = uuid.uuid4().hex[:6]
    with httpx.Client(base_url=base_url, timeout=10) as http:
        s = Seeder(http)
        s.sign_in("admin", ADMIN_EMAIL)
        emails = {key: unique_email(key) for key in PEOPLE}
        for key, (name, title, department, location, skills) in PEOPLE.items():
            email = emails[key]
            r = http.post("/api/v1/auth/register",
                          json={"email": email, "password": PASSWORD, "display_name": f"{name} {suffix}"})
            assert r.status_code == 201, r.text
            s.sign_in(key, email)
            s.call(key, "PATCH", "/api/v1/users/me", {
                "title": title, "department": department, "location": location, "skills": skills,
                "bio": "J’accompagne les équipes au quotidien.\n\n**Posez-moi vos questions !**"})
        group = s.call("chloe", "POST", "/api/v1/groups", {
            "name": f"Accessibilité numérique {suffix}", "visibility": "public",
            "description": "Rendre nos services utilisables par toutes et tous.",
            "guidelines": "Partagez vos audits, citez vos sources."})
        for key in ("admin", "hugo", "ines"):
            s.call(key, "POST", f"/api/v1/groups/{group['id']}/join")
        private = s.call("admin", "POST", "/api/v1/groups", {
            "name": f"Comité de pilotage {suffix}", "visibility": "private",
            "description": "Les décisions du projet intranet."})
        s.call("ines", "POST", f"/api/v1/groups/{private['id']}/join")  # pending: shown to the animator

        topic = f"rgaa{suffix}"
        post = s.call("chloe", "POST", "/api/v1/posts", {
            "group_id": group["id"], "title": "Retour sur l’atelier accessibilité",
            "body": f"Merci @{s.handles['admin']} pour l’atelier de jeudi !\n\n- les **contrastes** d’abord\n"
                    f"- des libellés pour chaque champ\n- le clavier partout\n\n#{topic} #accessibilite"})
        comment = s.call("hugo", "POST", f"/api/v1/posts/{post['id']}/comments",
                         {"body": "Super atelier, on le refait pour l’équipe agile ?"})
        s.call("admin", "POST", f"/api/v1/posts/{post['id']}/comments",
               {"body": "Avec plaisir, proposons une date.", "parent_id": comment["id"]})
        s.call("ines", "PUT", f"/api/v1/posts/{post['id']}/reaction", {"kind": "like"})
        s.call("hugo", "POST", "/api/v1/posts", {
            "kind": "question", "title": "Quel outil pour nos rétrospectives ?",
            "body": f"Des retours d’expérience sur un outil de rétro à distance ? #{topic}"})
        own = s.call("admin", "POST", "/api/v1/posts", {
            "title": "Bienvenue sur Ruche", "body": "Présentez-vous en commentaire de ce message !"})
        for key in ("hugo", "ines"):
            s.call(key, "POST", f"/api/v1/posts/{own['id']}/comments", {"body": "Bonjour à toutes et tous !"})
            s.call(key, "PUT", f"/api/v1/posts/{own['id']}/reaction", {"kind": "like"})
        _wait_indexed(s, suffix)
        return {
            "home": "/", "post": f"/posts/{post['id']}", "post-edit": f"/posts/{own['id']}/edit",
            "post-new": "/posts/new", "group": f"/groups/{group['slug']}",
            "group-private": f"/groups/{private['slug']}", "groups": "/groups",
            "profile": f"/people/{s.handles['chloe']}", "people": "/people", "people-skill": "/people?skill=RGAA",
            "search": f"/search?q=atelier+{suffix}", "topic": f"/topics/{topic}", "notifications": "/notifications",
            "notification-settings": "/notifications/settings", "admin-users": "/admin/users",
            "profile-edit": "/people/me/edit", "not-found": "/posts/999999999",
            "mention-prefix": s.handles["chloe"][:5], "hugo-email": emails["hugo"],
        }


def _wait_indexed(s: Seeder, suffix: str, timeout: float = 10) -> None:
    """The search page is audited with results: wait for the indexer to catch up with the seeded group."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if s.call("admin", "GET", f"/api/v1/search?q=accessibilité+{suffix}&type=group")["items"]:
            return
        time.sleep(0.2)


@pytest.fixture(scope="module")
def community(live_server: str) -> dict[str, str]:
    return _seed(live_server)


@pytest.fixture(scope="module")
async def admin_page(browser: Any, live_server: str, community: dict[str, str]) -> AsyncIterator[Any]:
    """One signed-in page (the admin: admin pages, an animator's pending requests, notifications) for all audits."""
    context = await browser.new_context(base_url=live_server, viewport=DESKTOP, locale="en-GB")
    context.set_default_timeout(10_000)
    page = await context.new_page()
    await sign_in(page)
    yield page
    await context.close()


SIGNED_IN = ["home", "post", "post-edit", "post-new", "group", "group-private", "groups", "profile", "people",
             "people-skill", "search", "topic", "notifications", "notification-settings", "admin-users",
             "profile-edit", "not-found"]


@pytest.mark.parametrize("name", SIGNED_IN)
async def test_signed_in_page(admin_page: Any, community: dict[str, str], name: str) -> None:
    response = await admin_page.goto(community[name])
    assert response.status == (404 if name == "not-found" else 200), f"{name}: {response.status}"
    await assert_accessible(admin_page, name)


@pytest.mark.parametrize("locale", ["en-GB", "fr-FR"])
async def test_signed_out_pages(new_page: Any, locale: str) -> None:
    page = await new_page(locale=locale)
    failures = []
    for name, path, status in (("sign-in", "/signin", 200), ("register", "/signup", 200),
                               ("not-found", "/nowhere", 404)):
        response = await page.goto(path)
        assert response.status == status, f"{path}: {response.status}"
        if found := blocking(await audit(page)):
            failures.append(describe(f"{name} ({locale})", found))
    assert not failures, "\n".join(failures)


async def test_home_in_french_and_on_a_phone(new_page: Any, community: dict[str, str]) -> None:
    page = await new_page(viewport=MOBILE, locale="fr-FR")
    await sign_in(page, community["hugo-email"])  # no language chosen: the browser's French
    for path in ("/", community["post"], "/notifications"):
        await page.goto(path)
        assert await page.evaluate("document.documentElement.lang") == "fr"
        await assert_accessible(page, f"{path} (fr, phone)")
    await page.set_viewport_size(DESKTOP)
    await page.goto("/")
    await assert_accessible(page, "home (fr, desktop)")


async def test_composer_with_mention_completion_open(admin_page: Any, community: dict[str, str]) -> None:
    await admin_page.goto("/")
    body = admin_page.locator("#f-body")
    await body.click()
    await body.press_sequentially(f"Merci @{community['mention-prefix']}", delay=20)
    await expect(admin_page.get_by_role("option", name=re.compile("Chloé Dubois")).first).to_be_visible()
    await assert_accessible(admin_page, "home with the mention completion open")
    await body.press("Escape")
    await expect(admin_page.get_by_role("listbox", name="Members to mention")).to_be_hidden()


async def test_open_menus_and_popups(admin_page: Any, community: dict[str, str]) -> None:
    """What scripts and <details> open: search suggestions, the notifications panel, the member menu, a reply form."""
    page = admin_page
    await page.goto(community["post"])
    box = page.locator("#search-box-input")
    await box.click()
    await box.press_sequentially(community["mention-prefix"], delay=20)
    await expect(page.get_by_role("option", name=re.compile("Chloé Dubois")).first).to_be_visible()
    await assert_accessible(page, "search suggestions open")
    await box.press("Escape")
    await page.locator("#notif-button").click()
    await expect(page.locator("#notif-panel")).to_be_visible()
    await expect(page.locator("#notif-panel li").first).to_be_visible()
    await assert_accessible(page, "notifications panel open")
    await page.keyboard.press("Escape")
    await page.locator(".member-menu summary").click()
    await expect(page.locator(".member-menu[open]")).to_have_count(1)
    await assert_accessible(page, "member menu open")
    await page.locator(".member-menu summary").click()
    await page.locator(".comment-item .reply-link").first.click()  # replies.js opens a reply form under the comment
    await expect(page.locator(".comment-item .reply-form textarea").first).to_be_visible()
    await assert_accessible(page, "reply form open")
