"""Issue 19, points 2 and 7 in a real browser: the character counter and the refusal that keeps the text, the folded
long post, /posts/abc, "Reply" in place without a jump, the phone composer, the search filters on a phone and the
topic page. Screenshots: /tmp/shots/ (and test-artifacts/)."""

import random
import re
import string
from pathlib import Path

import httpx
import pytest

from tests.browser.conftest import DESKTOP, MOBILE, PASSWORD, sign_up, unique_email

expect = pytest.importorskip("playwright.async_api").expect

pytestmark = pytest.mark.browser
SHOTS = Path("/tmp/shots")
LONG = "\n\n".join(f"Paragraphe {i} du compte rendu : " + "les équipes ont partagé leurs retours. " * 6
                   for i in range(1, 16)) + "\n\nDernière phrase du compte rendu."


def _letters(n: int = 5) -> str:
    return "".join(random.choices(string.ascii_lowercase, k=n))


async def _member(base_url: str, name: str) -> dict[str, str]:
    email = unique_email(name.split()[0].lower())
    async with httpx.AsyncClient(base_url=base_url, timeout=10) as http:
        r = await http.post("/api/v1/auth/register", json={"email": email, "password": PASSWORD, "display_name": name})
        assert r.status_code == 201, r.text
        t = await http.post("/api/v1/auth/token", data={"username": email, "password": PASSWORD})
        return {"token": t.json()["access_token"], "handle": r.json()["handle"]}


async def _post(base_url: str, member: dict[str, str], **body: str) -> dict[str, object]:
    async with httpx.AsyncClient(base_url=base_url, timeout=10,
                                 headers={"Authorization": f"Bearer {member['token']}"}) as http:
        r = await http.post("/api/v1/posts", json=body)
        assert r.status_code == 201, r.text
        return r.json()  # type: ignore[no-any-return]


async def _shot(page, name: str, full_page: bool = False) -> None:
    SHOTS.mkdir(exist_ok=True)
    await page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=full_page)


async def test_counter_near_the_limit_and_refusal_keeps_the_text(new_page):
    page = await new_page()
    await sign_up(page, f"Cora Compteuse {_letters()}")
    await page.goto("/")
    body = page.locator("#f-body")
    counter = page.locator("#f-body-count")
    await body.fill("a" * 1000)
    await expect(counter).to_be_hidden()
    await body.fill("a" * 18_500)
    await expect(counter).to_have_text("1,500 characters left")
    live = page.locator("#f-body ~ [aria-live=polite]")
    await expect(live).to_have_text("1,500 characters left")
    await body.press("End")
    await body.press("b")  # each key changes the count, not what the live region says
    await expect(counter).to_have_text("1,499 characters left")
    await expect(live).to_have_text("1,500 characters left")
    text = "a" * 20_000 + " — la fin que le navigateur coupait"
    await body.fill(text)
    await expect(counter).to_have_text("35 characters too many")
    await expect(counter).to_have_class(re.compile("is-over"))
    assert await body.evaluate("el => el.value.length") == len(text)  # nothing cut
    await page.get_by_role("button", name="Publish").click()
    await expect(page.locator("#f-body-error")).to_contain_text("the limit is 20,000")
    await expect(page.locator("#f-body")).to_have_value(text)
    await expect(page.locator("#f-body-count")).to_have_text("35 characters too many")
    assert page.console_errors == []


async def test_long_post_folded_in_the_feed_and_whole_on_its_page(new_page, live_server):
    suffix = _letters()
    author = await _member(live_server, f"Louis Long {suffix}")
    post = await _post(live_server, author, title="Compte rendu du séminaire", body=LONG)
    await _post(live_server, author, body=f"Un message court pour comparer. #court{suffix}")
    page = await new_page()
    await sign_up(page, f"Rita Lectrice {suffix}")
    await page.goto("/")
    card = page.locator(f"#post-{post['id']}")
    text = card.locator(".post-body")
    button = card.get_by_role("button", name=re.compile("^Read more"))
    await expect(button).to_have_attribute("aria-expanded", "false")
    await expect(button).to_have_attribute("aria-controls", f"post-{post['id']}-body")
    folded = await text.evaluate("el => [el.clientHeight, el.scrollHeight]")
    assert folded[0] < folded[1] / 2, folded
    assert folded[0] < 24 * 16, folded  # about 12 lines
    await card.scroll_into_view_if_needed()
    SHOTS.mkdir(exist_ok=True)
    await card.screenshot(path=str(SHOTS / "folded-long-post.png"))
    await button.click()
    less = card.get_by_role("button", name="Show less")
    await expect(less).to_have_attribute("aria-expanded", "true")
    opened = await text.evaluate("el => [el.clientHeight, el.scrollHeight]")
    assert opened[0] >= opened[1] - 1, opened
    await expect(text).to_contain_text("Dernière phrase du compte rendu.")
    await less.click()
    await expect(card.get_by_role("button", name=re.compile("^Read more"))).to_have_attribute("aria-expanded", "false")
    # The post page shows all of it, with nothing to unfold.
    await page.goto(f"/posts/{post['id']}")
    whole = page.locator(f"#post-{post['id']} .post-body")
    sizes = await whole.evaluate("el => [el.clientHeight, el.scrollHeight]")
    assert sizes[0] >= sizes[1] - 1 and await page.get_by_role("button", name=re.compile("^Read more")).count() == 0
    assert page.console_errors == []


async def test_without_javascript_read_more_is_a_link_to_the_post(browser, live_server):
    author = await _member(live_server, f"Nina Nojs {_letters()}")
    post = await _post(live_server, author, body=LONG)
    context = await browser.new_context(base_url=live_server, java_script_enabled=False, viewport=DESKTOP)
    page = await context.new_page()
    try:
        await sign_up(page, f"Sans Script {_letters()}")
        await page.goto("/")
        link = page.locator(f"#post-{post['id']}").get_by_role("link", name=re.compile("^Read more"))
        await link.click()
        await page.wait_for_url(f"**/posts/{post['id']}")
    finally:
        await context.close()


async def test_malformed_post_id_is_the_404_page(new_page):
    page = await new_page()
    await sign_up(page, f"Ida Introuvable {_letters()}")
    response = await page.goto("/posts/abc")
    assert response.status == 404
    await expect(page.locator(".error-code")).to_have_text("404")


async def test_reply_opens_in_place_without_a_jump(new_page, live_server):
    suffix = _letters()
    author = await _member(live_server, f"Rémi Répond {suffix}")
    post = await _post(live_server, author, body="Qui participe à l’atelier de jeudi ?\n\n" + LONG)
    async with httpx.AsyncClient(base_url=live_server, timeout=10,
                                 headers={"Authorization": f"Bearer {author['token']}"}) as http:
        for i in range(4):
            r = await http.post(f"/api/v1/posts/{post['id']}/comments", json={"body": f"Commentaire {i} " * 20})
            assert r.status_code == 201
    page = await new_page(viewport={"width": 1280, "height": 700})
    await sign_up(page, f"Jade Jeudi {suffix}")
    await page.goto(f"/posts/{post['id']}")
    first = page.locator(".comment-item").first
    link = first.get_by_role("link", name=re.compile("^Reply"))
    await link.scroll_into_view_if_needed()
    before = await page.evaluate("window.scrollY")
    await link.click()
    area = first.get_by_role("textbox", name=re.compile("^Your reply to Rémi Répond"))
    await expect(area).to_be_focused()
    assert await page.evaluate("window.scrollY") == before
    assert page.url.endswith(f"/posts/{post['id']}")  # no navigation to the form at the end of the page
    await expect(link).to_have_attribute("aria-expanded", "true")
    await area.fill("J’y serai.")
    await first.get_by_role("button", name="Send the reply").click()
    await expect(page.locator(".replies .comment-body")).to_contain_text("J’y serai.")
    # Cancel closes the form and gives the focus back to the link.
    first = page.locator(".comment-item").first
    await first.get_by_role("link", name=re.compile("^Reply")).click()
    await first.get_by_role("button", name="Cancel").click()
    await expect(first.locator(".reply-form")).to_have_count(0)
    await expect(first.get_by_role("link", name=re.compile("^Reply"))).to_be_focused()
    assert page.console_errors == []


async def _demo_like(base_url: str, suffix: str) -> None:
    """A few colleagues' posts, as in the demo community."""
    chloe = await _member(base_url, f"Chloé Dubois {suffix}")
    marc = await _member(base_url, f"Marc Lefèvre {suffix}")
    await _post(base_url, chloe, title="Retour sur l’atelier accessibilité",
                body="Merci à toutes et tous pour l’atelier de jeudi !\n\n- les **contrastes** d’abord\n"
                     "- des libellés pour chaque champ\n- le clavier partout\n\n#accessibilité #rgaa")
    await _post(base_url, marc, title="Quel outil pour nos rétrospectives ?", kind="question",
                body="Nous cherchons un outil simple pour des rétros à distance. Des retours d’expérience ? #agile")
    await _post(base_url, chloe, title="Compte rendu du séminaire", body=LONG + " #séminaire")


async def test_phone_composer_is_one_line_and_the_feed_starts_on_the_first_screen(new_page, live_server):
    suffix = _letters()
    await _demo_like(live_server, suffix)
    page = await new_page(viewport=MOBILE, locale="fr-FR")
    await sign_up(page, f"Paula Portable {suffix}")
    await page.goto("/")
    body = page.locator("#f-body")
    assert (await body.bounding_box())["height"] < 60
    await expect(page.locator("#f-title")).to_be_hidden()
    first_card = page.locator("#feed > .post-card").first
    top = (await first_card.bounding_box())["y"]
    assert top < MOBILE["height"] - 120, f"the first card starts at {top}px"
    await _shot(page, "phone-home")
    await body.click()
    await expect(page.locator("#f-title")).to_be_visible()
    await expect(page.get_by_role("button", name="Publier")).to_be_visible()
    assert (await body.bounding_box())["height"] > 60
    await body.fill("Un brouillon")
    await page.locator("h2#feed-title").click()  # focus leaves: the composer keeps what was typed, open
    await expect(page.locator("#f-title")).to_be_visible()
    width = await page.evaluate("document.documentElement.scrollWidth")
    assert width <= MOBILE["width"], width
    assert page.console_errors == []


async def test_search_filters_fold_on_a_phone_and_fit_on_a_desktop(new_page, live_server):
    await _demo_like(live_server, _letters())
    phone = await new_page(viewport=MOBILE, locale="fr-FR")
    await sign_up(phone, f"Sam Cherche {_letters()}")
    await phone.goto("/search?q=atelier")
    toggle = phone.locator("summary", has_text="Filtres")
    await expect(toggle).to_be_visible()
    await expect(phone.locator("#sgroup")).to_be_hidden()
    await expect(phone.locator("#sq")).to_be_visible()
    await _shot(phone, "search-phone", full_page=True)
    await toggle.click()
    await expect(phone.locator("#sgroup")).to_be_visible()
    await expect(phone.locator("#suntil")).to_be_visible()
    assert await phone.evaluate("document.documentElement.scrollWidth") <= MOBILE["width"]
    await phone.set_viewport_size(DESKTOP)
    await phone.goto("/search?q=atelier")
    await expect(phone.locator("summary", has_text="Filtres")).to_be_hidden()
    for field in ("#sgroup", "#sauthor", "#ssince", "#suntil"):
        await expect(phone.locator(field)).to_be_visible()
        fits = await phone.locator(field).evaluate("el => el.scrollWidth <= el.clientWidth + 1")
        assert fits, field
    await _shot(phone, "search-desktop")
    assert phone.console_errors == []


async def test_topic_page_has_the_columns_of_the_group_and_home_pages(new_page, live_server):
    suffix = _letters()
    await _demo_like(live_server, suffix)
    page = await new_page(viewport=DESKTOP, locale="fr-FR")
    await sign_up(page, f"Théo Thème {suffix}")
    await page.goto("/topics/agile")
    feed = await page.locator("#feed").bounding_box()
    aside = await page.locator("aside").bounding_box()
    first_card = await page.locator("#feed > .post-card").first.bounding_box()
    panel = await page.locator("aside .panel").first.bounding_box()
    assert abs(first_card["y"] - panel["y"]) < 2  # the two columns start at the same height
    await page.goto("/")
    home_feed = await page.locator("#feed").bounding_box()
    assert abs(feed["x"] - home_feed["x"]) < 2 and abs(feed["width"] - home_feed["width"]) < 2
    assert aside["x"] > feed["x"] + feed["width"]
    await page.goto("/topics/agile")
    await _shot(page, "topic-page", full_page=True)
