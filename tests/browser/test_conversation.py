"""Issue 3 in a real browser: A posts with a completed @mention of B and a #topic; B comments and likes (in place,
by script); A sees the comment and the counts on the post page. Screenshots of the home feed and a post page
(desktop and 390 px mobile) go to test-artifacts/ (docs/screenshot-{feed,post}*.png show the demo community)."""

import random
import re
import string

import httpx
import pytest

from tests.browser.conftest import DESKTOP, MOBILE, PASSWORD, sign_up, unique_email

expect = pytest.importorskip("playwright.async_api").expect

pytestmark = pytest.mark.browser


def _letters(n: int = 5) -> str:
    return "".join(random.choices(string.ascii_lowercase, k=n))


async def _api_member(base_url: str, name: str) -> dict[str, str]:
    """A colleague registered through the API, with a token for seeding content."""
    email = unique_email(name.split()[0].lower())
    async with httpx.AsyncClient(base_url=base_url, timeout=10) as http:
        r = await http.post("/api/v1/auth/register", json={"email": email, "password": PASSWORD, "display_name": name})
        assert r.status_code == 201, r.text
        t = await http.post("/api/v1/auth/token", data={"username": email, "password": PASSWORD})
        return {"token": t.json()["access_token"], "handle": r.json()["handle"]}


async def _seed(base_url: str, suffix: str) -> None:
    """A few posts from colleagues so the feed looks like a real one."""
    chloe = await _api_member(base_url, f"Chloé Dubois {suffix}")
    headers = {"Authorization": f"Bearer {chloe['token']}"}
    async with httpx.AsyncClient(base_url=base_url, timeout=10, headers=headers) as http:
        for body in (
            {"title": "Retour sur l’atelier accessibilité", "kind": "discussion",
             "body": "Merci à toutes et tous pour l’atelier de jeudi !\n\n- les **contrastes** d’abord\n"
                     "- des libellés pour chaque champ\n- le clavier partout\n\n#accessibilité #rgaa"},
            {"title": "Quel outil pour nos rétrospectives ?", "kind": "question",
             "body": "Nous cherchons un outil simple pour des rétros à distance. Des retours d’expérience ? #agile"},
        ):
            r = await http.post("/api/v1/posts", json=body)
            assert r.status_code == 201, r.text


async def test_post_mention_comment_like(new_page, screenshot, live_server):
    suffix = _letters()
    await _seed(live_server, suffix)
    bea = await new_page(locale="fr-FR")
    await sign_up(bea, f"Béa Martin {suffix}")
    bea_handle = f"bea.martin.{suffix}"

    alex = await new_page(viewport=DESKTOP)
    await sign_up(alex, f"Alex Leroy {suffix}")
    await alex.goto("/")
    await alex.locator("#f-title").fill("Lancement du nouvel intranet")
    body = alex.locator("#f-body")
    await body.click()
    await body.press_sequentially("Bravo à @bea.mar", delay=30)
    option = alex.get_by_role("option", name=re.compile(f"Béa Martin {suffix}"))
    await expect(option).to_be_visible()
    await expect(alex.get_by_role("listbox", name="Members to mention")).to_be_visible()
    await screenshot(alex, "conversation-mention-desktop")
    await body.press("Enter")
    await expect(body).to_have_value(f"Bravo à @{bea_handle} ")
    await expect(alex.get_by_role("listbox", name="Members to mention")).to_be_hidden()
    await expect(body).not_to_have_attribute("aria-activedescendant", re.compile(".*"))
    await body.press_sequentially("pour la mise en ligne ! Vos retours sont bienvenus. #lancement", delay=5)
    await alex.get_by_role("button", name="Publish").click()
    await alex.wait_for_url(re.compile(r"/#post-\d+$"))
    post_id = alex.url.rsplit("-", 1)[1]
    card = alex.locator(f"#post-{post_id}")
    await expect(alex.locator(".flash-success")).to_have_text("Your post is published.")
    await expect(card.get_by_role("link", name=f"@{bea_handle}").first).to_be_visible()
    await expect(card.get_by_role("link", name="#lancement")).to_have_count(1)  # in the body, not again as a tag

    # Béa (French interface) finds the post in her feed, comments and likes it.
    await bea.goto("/")
    bea_card = bea.locator(f"#post-{post_id}")
    await expect(bea_card.get_by_role("heading", name="Lancement du nouvel intranet")).to_be_visible()
    await bea_card.get_by_role("link", name=re.compile("Commentaires")).click()
    await bea.wait_for_url(f"**/posts/{post_id}#comments")
    await bea.get_by_label("Votre commentaire").fill("Super nouvelle, merci @" + f"alex.leroy.{suffix} !")
    await bea.get_by_role("button", name="Envoyer le commentaire").click()
    await expect(bea.locator(".flash-success")).to_have_text("Votre commentaire est publié.")
    like = bea.locator(f"#post-{post_id} .post-actions .reaction-button")
    await expect(like).to_have_attribute("aria-pressed", "false")
    url_before = bea.url
    await like.click()
    await expect(like).to_have_attribute("aria-pressed", "true")
    await expect(bea.locator(f"#post-{post_id} .post-actions [data-reaction-count]")).to_have_text("1")  # beside the button
    assert bea.url == url_before  # in place, no reload

    # Alex sees the comment and the counts on the post page.
    await alex.goto(f"/posts/{post_id}")
    await expect(alex.locator("#comments-list")).to_contain_text("Super nouvelle")
    await expect(alex.locator(f"#post-{post_id} [data-reaction-count]")).to_have_text("1")
    await expect(alex.locator(f"#post-{post_id} .post-actions [data-comment-count]")).to_have_text("1")
    reply = alex.locator(".comment-item").first
    await reply.get_by_role("link", name=re.compile("^Reply")).click()
    await reply.get_by_role("textbox").fill("Merci Béa, on en parle jeudi.")
    await reply.get_by_role("button", name="Send the reply").click()
    await expect(alex.locator(".replies .comment-body")).to_contain_text("on en parle jeudi")

    assert alex.console_errors == [] and bea.console_errors == []
    assert alex.failed_resources == [] and bea.failed_resources == []
    await _screenshots(alex, screenshot, post_id)


async def _screenshots(page, screenshot, post_id: str) -> None:
    for viewport_name, viewport in (("desktop", DESKTOP), ("mobile", MOBILE)):
        await page.set_viewport_size(viewport)
        for name, path in (("feed", "/"), ("post", f"/posts/{post_id}")):
            await page.goto(path)
            width = await page.evaluate("document.documentElement.scrollWidth")
            assert width <= viewport["width"], f"{path} scrolls sideways on {viewport_name}: {width}px"
            await screenshot(page, f"conversation-{name}-{viewport_name}")


async def test_load_more_in_place_and_mention_keyboard(new_page, live_server):
    suffix = _letters()
    author = await _api_member(live_server, f"Paul Prolixe {suffix}")
    await _api_member(live_server, f"Zoé Zidane {suffix}")
    await _api_member(live_server, f"Zoltan Zola {suffix}")
    async with httpx.AsyncClient(base_url=live_server, timeout=10,
                                 headers={"Authorization": f"Bearer {author['token']}"}) as http:
        for i in range(23):
            r = await http.post("/api/v1/posts", json={"body": f"Message {suffix} numéro {i}"})
            assert r.status_code == 201, r.text
    page = await new_page()
    await sign_up(page, f"Lola Lectrice {suffix}")
    await page.goto("/")
    cards = page.locator("#feed > .post-card")
    first_count = await cards.count()
    assert first_count == 20
    url = page.url
    await page.get_by_role("link", name="Load more posts").click()
    await expect(cards).not_to_have_count(20)
    total = await cards.count()
    assert page.url == url and total > 20  # appended in place
    new_first = cards.nth(20)
    await expect(new_first).to_be_focused()
    ids = await page.eval_on_selector_all("#feed > .post-card", "els => els.map(e => e.id)")
    assert len(ids) == len(set(ids))

    body = page.locator("#f-body")
    await body.click()
    await body.press_sequentially("Salut @zo", delay=30)
    options = page.get_by_role("option")
    await expect(options.first).to_be_visible()
    assert await options.count() >= 2
    await expect(options.nth(0)).to_have_attribute("aria-selected", "true")
    await body.press("ArrowDown")
    await expect(options.nth(1)).to_have_attribute("aria-selected", "true")
    await expect(body).to_have_attribute("aria-activedescendant", await options.nth(1).get_attribute("id"))
    await body.press("Escape")
    await expect(page.get_by_role("listbox", name="Members to mention")).to_be_hidden()
    await expect(body).to_have_value("Salut @zo")
    assert page.console_errors == []
