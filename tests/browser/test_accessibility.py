"""Issue 19 point 9: every main page passes an axe-core audit (no critical or serious finding) in Chromium.

A small community like the demo's is seeded once through the API: members with profiles, a public group with a
discussion (a mention, a topic, comments and a reply), a question, a private group with a pending request, and
notifications for the signed-in admin. Each page is audited as a member gets it (CSP on, scripts run), signed out
and signed in, in English and French, on a desktop and a phone, and with the mention completion open.

The pages the rest of issue 19 added are audited on the same community: group settings and pending requests (the
admin animates the private group), the admin's settings, invite, CSV import and its dry run, skill synonyms, the
forgotten-password pages, the change of password, saved posts, who reacted (page and dialog), a comment's edit
page, a followed topic, grouped notifications (page and bell), the sign-in after a session ended, a folded long
post, the composer's counter, /docs and /redoc, and the search filters folded on a phone."""

import os
import re
import secrets
import tempfile
import time
import uuid
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path
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
        for key in ("hugo", "ines", "chloe"):  # three reactions and comments: grouped notifications for the admin
            s.call(key, "POST", f"/api/v1/posts/{own['id']}/comments", {"body": "Bonjour à toutes et tous !"})
            s.call(key, "PUT", f"/api/v1/posts/{own['id']}/reaction", {"kind": "like"})
        own_comment = s.call("admin", "POST", f"/api/v1/posts/{own['id']}/comments",
                             {"body": "Merci à vous, **bienvenue** !"})
        long = s.call("ines", "POST", "/api/v1/posts", {
            "title": "Compte rendu du comité", "body": "\n\n".join(
                f"Point {n} : une décision prise, ses raisons et la suite à donner." for n in range(1, 25))})
        s.call("admin", "PUT", f"/api/v1/posts/{post['id']}/saved")
        s.call("admin", "PUT", f"/api/v1/topics/{topic}/follow")
        _wait_indexed(s, suffix)
        return {
            "home": "/", "post": f"/posts/{post['id']}", "post-edit": f"/posts/{own['id']}/edit",
            "post-new": "/posts/new", "group": f"/groups/{group['slug']}",
            "group-private": f"/groups/{private['slug']}", "groups": "/groups",
            "profile": f"/people/{s.handles['chloe']}", "people": "/people", "people-skill": "/people?skill=RGAA",
            "search": f"/search?q=atelier+{suffix}", "topic": f"/topics/{topic}", "notifications": "/notifications",
            "notification-settings": "/notifications/settings", "admin-users": "/admin/users",
            "profile-edit": "/people/me/edit", "not-found": "/posts/999999999",
            "group-settings": f"/groups/{private['slug']}/settings", "admin-settings": "/admin/settings",
            "admin-invite": "/admin/users/new", "admin-import": "/admin/users/import",
            "skill-synonyms": "/admin/skill-synonyms", "password-change": "/people/me/password",
            "saved": "/saved", "reactions": f"/posts/{own['id']}/reactions",
            "comment-edit": f"/comments/{own_comment['id']}/edit", "long-post": str(long["id"]),
            "mention-prefix": s.handles["chloe"][:5], "hugo-email": emails["hugo"],
            "ines-email": emails["ines"],
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
             "profile-edit", "not-found", "group-settings", "admin-settings", "admin-invite", "admin-import",
             "skill-synonyms", "password-change", "saved", "reactions", "comment-edit"]


MUST_SHOW = {"group-private": ".pending-requests", "saved": "main .post-card", "reactions": "main .member-list li",
             "comment-edit": "main textarea", "group-settings": "main form", "skill-synonyms": "main textarea"}


@pytest.mark.parametrize("name", SIGNED_IN)
async def test_signed_in_page(admin_page: Any, community: dict[str, str], name: str) -> None:
    response = await admin_page.goto(community[name])
    assert response.status == (404 if name == "not-found" else 200), f"{name}: {response.status}"
    if shown := MUST_SHOW.get(name):  # the part of the page this audit is for is really there
        await expect(admin_page.locator(shown).first).to_be_visible()
    await assert_accessible(admin_page, name)


@pytest.mark.parametrize("locale", ["en-GB", "fr-FR"])
async def test_signed_out_pages(new_page: Any, locale: str) -> None:
    page = await new_page(locale=locale)
    failures = []
    for name, path, status in (("sign-in", "/signin", 200), ("register", "/signup", 200),
                               ("not-found", "/nowhere", 404)):
        response = await page.goto(path)
        assert response.status == status, f"{path}: {response.status}"
        if name == "sign-in":
            await expect(page.locator("#f-remember")).to_be_visible()  # "keep me signed in"
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
    """What scripts and <details> open: search suggestions, the notifications panel, the member menu, a reply form
    (replies.js opens it in place)."""
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
    await page.locator(".comment-item").first.get_by_role("link", name=re.compile("^Reply")).click()
    await expect(page.locator(".comment-item form[id^=reply-form-] textarea").first).to_be_focused()
    await assert_accessible(page, "reply form open")


async def test_grouped_notifications_page_and_bell(admin_page: Any) -> None:
    """Three members reacted to and commented on the admin's post: one entry each, "… and 2 others"."""
    page = admin_page
    await page.goto("/notifications")
    await expect(page.locator("main li", has_text="and 2 others").first).to_be_visible()
    await assert_accessible(page, "notifications page with grouped entries")
    await page.locator("#notif-button").click()
    await expect(page.locator("#notif-panel li", has_text="and 2 others").first).to_be_visible()
    await assert_accessible(page, "notifications bell with grouped entries")
    await page.keyboard.press("Escape")


async def test_who_reacted_dialog(admin_page: Any, community: dict[str, str]) -> None:
    page = admin_page
    await page.goto("/")
    link = page.locator(f"a.reactors-link[href='{community['reactions']}']").first
    await link.click()
    dialog = page.locator("dialog.reactors-dialog")
    await expect(dialog.locator(".member-list li")).to_have_count(3)
    await assert_accessible(page, "who reacted (dialog)")
    await page.keyboard.press("Escape")
    await expect(dialog).to_be_hidden()


async def test_topic_page_with_its_follow_button(admin_page: Any, community: dict[str, str]) -> None:
    await admin_page.goto(community["topic"])
    await expect(admin_page.locator("form.topic-follow button")).to_be_visible()
    await assert_accessible(admin_page, "topic page (followed)")


async def test_folded_long_post_in_the_feed(admin_page: Any, community: dict[str, str]) -> None:
    page = admin_page
    await page.goto("/")
    card = page.locator(f"#post-{community['long-post']}")
    more = card.get_by_role("button", name=re.compile("^Read more"))
    await expect(more).to_have_attribute("aria-expanded", "false")
    await assert_accessible(page, "feed with a folded long post")
    await more.click()
    await expect(card.get_by_role("button", name="Show less")).to_have_attribute("aria-expanded", "true")
    await assert_accessible(page, "feed with a long post unfolded")


async def test_composer_near_the_limit(admin_page: Any) -> None:
    page = admin_page
    await page.goto("/")
    await page.locator("#f-body").fill("a" * 18_500)
    await expect(page.locator("#f-body-count")).to_be_visible()
    await assert_accessible(page, "composer with its counter")
    await page.locator("#f-body").fill("a" * 20_010)
    await expect(page.locator("#f-body-count")).to_have_class(re.compile("is-over"))
    await assert_accessible(page, "composer over the limit")
    await page.locator("#f-body").fill("")


async def test_csv_import_dry_run_report(admin_page: Any, tmp_path: Any) -> None:
    page = admin_page
    await page.goto("/admin/users/import")
    csv = tmp_path / "members.csv"
    csv.write_text("email;display_name;department\r\n"
                   f"{unique_email('nina')};Nina Nouvelle;Marketing\r\nnot-an-address;Broken Line;\r\n",
                   encoding="utf-8")
    await page.locator("#f-file").set_input_files(str(csv))
    await page.get_by_role("button", name="Check the file (dry run)").click()
    await page.wait_for_selector("h1:has-text('Dry run of the import')")
    await assert_accessible(page, "import dry-run report")


def _reset_link(email: str) -> str:
    """A working reset link for this member. The server in a subprocess has no SMTP and does not log at INFO, so
    the e-mailed link is out of reach: the test writes a token row of its own into the server's database (the one
    that holds this test's unique address), as `app.users.resets` would."""
    from sqlalchemy import create_engine, insert, select
    from sqlalchemy.exc import OperationalError

    from app.db import utcnow
    from app.users.models import User
    from app.users.password_tokens import PasswordToken
    from app.users.resets import hash_token

    pg_url = os.environ.get("RUCHE_TEST_DATABASE_URL")
    urls = ([pg_url.split("?")[0] + "_browser"] if pg_url
            else [f"sqlite:///{db}" for db in Path(tempfile.gettempdir()).glob("ruche-browser-*/browser.db")])
    token = secrets.token_urlsafe(32)
    for url in urls:
        engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://"))
        try:
            with engine.begin() as conn:
                try:
                    user_id = conn.scalar(select(User.id).where(User.email == email))
                except OperationalError:  # another run's database, still being migrated
                    continue
                if user_id is None:
                    continue
                conn.execute(insert(PasswordToken).values(
                    user_id=user_id, purpose="reset", token_hash=hash_token(token), created_at=utcnow(),
                    expires_at=utcnow() + timedelta(hours=1)))
                return f"/password/reset?token={token}"
        finally:
            engine.dispose()
    raise AssertionError(f"no browser server database holds {email}")


@pytest.mark.parametrize("locale", ["en-GB", "fr-FR"])
async def test_forgotten_password_pages(new_page: Any, live_server: str, locale: str) -> None:
    page = await new_page(locale=locale)
    email = unique_email("oubli")
    r = httpx.post(f"{live_server}/api/v1/auth/register", timeout=10,
                   json={"email": email, "password": PASSWORD, "display_name": "Odile Oubli"})
    assert r.status_code == 201, r.text
    await page.goto("/password/forgot")
    await assert_accessible(page, f"forgot password ({locale})")
    await page.locator("#f-email").fill("not an address")
    await page.locator("form[action='/password/forgot'] button[type=submit]").click()
    await expect(page.locator("#f-email")).to_have_value("not an address")
    await assert_accessible(page, f"forgot password with an error ({locale})")
    await page.locator("#f-email").fill(email)
    await page.locator("form[action='/password/forgot'] button[type=submit]").click()
    await page.wait_for_url("**/password/forgot/sent")
    await assert_accessible(page, f"check your inbox ({locale})")
    response = await page.goto(_reset_link(email))
    assert response.status == 200
    await assert_accessible(page, f"reset link ({locale})")
    response = await page.goto("/password/reset?token=spent-or-wrong")
    assert response.status == 400
    await assert_accessible(page, f"reset link no longer valid ({locale})")


async def test_sign_in_after_the_session_ended(new_page: Any, live_server: str, community: dict[str, str]) -> None:
    """A submit without a session: the sign-in page says the session expired and that the text is kept."""
    page = await new_page(locale="fr-FR")
    await sign_in(page, community["ines-email"])
    await page.goto("/")
    await page.locator("#f-body").fill("Un texte à ne pas perdre.")
    cookie = next(c for c in await page.context.cookies() if c["name"] == "ruche_session")
    r = httpx.post(f"{live_server}/api/v1/auth/logout", timeout=10,
                   headers={"Authorization": f"Bearer {cookie['value']}"})
    assert r.status_code == 204
    await page.locator("form.composer-form button[type=submit]").click()
    await expect(page.locator(".notice")).to_contain_text("Votre texte est conservé")
    await expect(page.locator("#f-remember")).to_be_visible()
    await assert_accessible(page, "sign-in after an expired session")


async def test_api_documentation(new_page: Any) -> None:
    page = await new_page()
    await page.goto("/docs")
    await expect(page.locator(".swagger-ui .opblock").first).to_be_visible()
    await assert_accessible(page, "/docs")
    await page.goto("/redoc")
    await page.locator("#redoc h1", has_text="Ruche").wait_for()
    await assert_accessible(page, "/redoc")


async def test_search_filters_folded_on_a_phone(new_page: Any, community: dict[str, str]) -> None:
    page = await new_page(viewport=MOBILE)
    await sign_in(page, community["ines-email"])
    await page.goto(community["search"])
    toggle = page.locator("summary", has_text="Filters")
    await expect(toggle).to_be_visible()
    await assert_accessible(page, "search on a phone, filters folded")
    await toggle.click()
    await expect(page.locator(".search-filters")).to_be_visible()
    await assert_accessible(page, "search on a phone, filters open")
