"""Issue 19's daily interactions in a real browser: who reacted opens in a dialog from the count (and the count
follows a Like made in place), "Save" toggles in place and the post is on the Saved page, a comment edited
elsewhere is refreshed live and marked edited, the author edits a comment from the post page, Follow #topic.
Screenshots go to test-artifacts/ (social-*.png)."""

import random
import string

import httpx
import pytest

from tests.browser.conftest import DESKTOP, MOBILE, PASSWORD, sign_up, unique_email

expect = pytest.importorskip("playwright.async_api").expect

pytestmark = pytest.mark.browser


def _letters(n: int = 5) -> str:
    return "".join(random.choices(string.ascii_lowercase, k=n))


async def _api_member(base_url: str, name: str) -> dict[str, str]:
    email = unique_email(name.split()[0].lower())
    async with httpx.AsyncClient(base_url=base_url, timeout=10) as http:
        r = await http.post("/api/v1/auth/register", json={"email": email, "password": PASSWORD, "display_name": name})
        assert r.status_code == 201, r.text
        t = await http.post("/api/v1/auth/token", data={"username": email, "password": PASSWORD})
        return {"token": t.json()["access_token"], "handle": r.json()["handle"], "id": r.json()["id"]}


async def _api(base_url: str, member: dict[str, str], method: str, url: str, **kwargs: object) -> httpx.Response:
    async with httpx.AsyncClient(base_url=base_url, timeout=10,
                                 headers={"Authorization": f"Bearer {member['token']}"}) as http:
        r = await http.request(method, url, **kwargs)  # type: ignore[arg-type]
        assert r.status_code < 300, r.text
        return r


async def test_who_reacted_save_and_comment_edit(new_page, screenshot, live_server):
    suffix = _letters()
    chloe = await _api_member(live_server, f"Chloé Dubois {suffix}")
    malik = await _api_member(live_server, f"Malik Benali {suffix}")
    topic = f"atelier{suffix}"
    post = (await _api(live_server, chloe, "POST", "/api/v1/posts", json={
        "title": f"Atelier accessibilité {suffix}",
        "body": f"Merci pour vos retours sur l’atelier de jeudi ! Prochaine session en janvier. #{topic}"})).json()
    await _api(live_server, malik, "PUT", f"/api/v1/posts/{post['id']}/reaction", json={"kind": "celebrate"})

    bea = await new_page(viewport=DESKTOP, locale="fr-FR")
    await sign_up(bea, f"Béa Martin {suffix}")
    await bea.goto("/")
    card = bea.locator(f"#post-{post['id']}")
    count = card.locator("a.reactors-link")
    await expect(count.locator("[data-reaction-count]")).to_have_text("1")
    await card.locator("form.reaction-form button").click()  # liked in place: the count beside it follows
    await expect(card.locator("form.reaction-form button")).to_have_attribute("aria-pressed", "true")
    await expect(count.locator("[data-reaction-count]")).to_have_text("2")

    await count.click()
    dialog = bea.locator("dialog.reactors-dialog")
    await expect(dialog).to_be_visible()
    await expect(dialog.locator("h1")).to_have_text("Qui a réagi")
    await expect(dialog.locator(".member-list li")).to_have_count(2)
    await expect(dialog.locator(".member-list li").nth(1)).to_contain_text(f"Malik Benali {suffix}")
    await expect(dialog.locator(".member-list li").nth(1)).to_contain_text("Bravo")
    await screenshot(bea, "social-who-reacted")
    await bea.keyboard.press("Escape")
    await expect(dialog).to_be_hidden()
    await expect(count).to_be_focused()

    save = card.locator("form.save-form button")
    await expect(save).to_have_attribute("aria-pressed", "false")
    await save.click()
    await expect(save).to_have_attribute("aria-pressed", "true")
    assert bea.url.endswith("/")  # in place, no navigation
    await bea.locator(".member-menu summary").click()
    await bea.locator(".member-menu a[href='/saved']").click()
    await expect(bea.locator("h1")).to_have_text("Messages enregistrés")
    await expect(bea.locator(f"#post-{post['id']} form.save-form button")).to_have_attribute("aria-pressed", "true")
    await screenshot(bea, "social-saved")

    # A comment, then its author edits it elsewhere: the open post page shows the new text, marked edited.
    comment = (await _api(live_server, malik, "POST", f"/api/v1/posts/{post['id']}/comments",
                          json={"body": "Je viendrai à la prochaine session."})).json()
    await bea.goto(f"/posts/{post['id']}")
    shown = bea.locator(f"#comment-{comment['id']}")
    await expect(shown.locator(".comment-body")).to_contain_text("Je viendrai")
    await expect(shown.locator("a[href$='/edit']")).to_have_count(0)  # not hers
    await bea.wait_for_timeout(300)  # the socket is connected before the edit
    await _api(live_server, malik, "PATCH", f"/api/v1/comments/{comment['id']}",
               json={"body": "Je viendrai, avec **deux** collègues."})
    await expect(shown.locator(".comment-body strong")).to_have_text("deux")
    await expect(shown.locator(".comment-edited")).to_have_text("(modifié)")

    # Her own comment: Edit, change, saved, marked edited.
    await bea.locator("#f-comment").fill("Merci Chloé, très utile")
    await bea.locator("#comment-form button[type=submit]").click()
    mine = bea.locator(".comment-item").filter(has_text="Merci Chloé").first
    await mine.locator("a", has_text="Modifier").click()
    await expect(bea.locator("h1")).to_have_text("Modifier le commentaire")
    await bea.locator("#f-body").fill("Merci Chloé, très utile : les supports sont partagés ?")
    await bea.locator("form[action$='/edit'] button[type=submit]").click()
    mine = bea.locator(".comment-item").filter(has_text="les supports sont partagés").first
    await expect(mine.locator(".comment-edited")).to_have_text("(modifié)")
    assert (await mine.locator(".comment-edited").get_attribute("title") or "").startswith("Modifié le ")
    await screenshot(bea, "social-post-page")

    # Follow the topic from its page.
    await bea.goto(f"/topics/{topic}")
    follow = bea.locator("form.topic-follow button")
    await expect(follow).to_have_text(f"Suivre #{topic}")
    await follow.click()
    await expect(bea.locator("form.topic-follow button")).to_have_text(f"Vous suivez #{topic}")
    await bea.goto("/")
    await expect(bea.locator(f"a.topic[href='/topics/{topic}']").first).to_be_visible()
    await screenshot(bea, "social-home")
    assert bea.console_errors == [] and bea.failed_resources == []


async def test_phone_card_controls_fit(new_page, screenshot, live_server):
    """On a 390 px phone the card's actions (Like, count, Save, Comments) wrap without overflowing."""
    suffix = _letters()
    chloe = await _api_member(live_server, f"Chloé Dubois {suffix}")
    await _api(live_server, chloe, "POST", "/api/v1/posts", json={"body": f"Bonjour à toutes et tous {suffix}"})
    page = await new_page(viewport=MOBILE, locale="fr-FR")
    await sign_up(page, f"Noé Petit {suffix}")
    await page.goto("/")
    actions = page.locator(".post-card .post-actions").first
    box = await actions.bounding_box()
    assert box is not None and box["x"] + box["width"] <= MOBILE["width"]
    overflow = await page.evaluate("document.documentElement.scrollWidth > window.innerWidth")
    assert overflow is False
    await screenshot(page, "social-phone-home")


async def test_the_count_of_who_reacted_appears_with_the_first_like(new_page, live_server):
    suffix = _letters()
    chloe = await _api_member(live_server, f"Chloé Petit {suffix}")
    post = (await _api(live_server, chloe, "POST", "/api/v1/posts",
                       json={"body": f"Qui vient au pot de vendredi ? {suffix}"})).json()
    bea = await new_page(viewport=DESKTOP, locale="fr-FR")
    await sign_up(bea, f"Béa Roux {suffix}")
    await bea.goto("/")
    card = bea.locator(f"#post-{post['id']}")
    count = card.locator("a.reactors-link")
    await expect(count).to_be_hidden()  # no "0" link to an empty list
    like = card.locator("form.reaction-form button")
    await like.click()
    await expect(like).to_have_attribute("aria-pressed", "true")
    await expect(count).to_be_visible()
    await expect(count.locator("[data-reaction-count]")).to_have_text("1")
    await like.click()
    await expect(like).to_have_attribute("aria-pressed", "false")
    await expect(count).to_be_hidden()
