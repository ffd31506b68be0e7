"""Issue 19, point 1 in a real browser: a member types a post, their session ends meanwhile, they publish; the
sign-in page says the text is kept, and after signing in the text is back in the composer, not yet published.

The session is ended on the server (its row revoked through the API's logout, with the very token of the browser's
cookie): the server in a subprocess cannot have its clock moved, and to the pages a revoked session and an expired
one are the same refusal (tests/pages/test_expired_submit.py covers expiry on a fixed clock)."""

from pathlib import Path

import httpx
import pytest

from tests.browser.conftest import PASSWORD, sign_up

expect = pytest.importorskip("playwright.async_api").expect

pytestmark = pytest.mark.browser
SHOTS = Path("/tmp/shots")
BODY = "Compte rendu de l’atelier de jeudi :\n\n- trois idées retenues\n- deux décisions\n\nÀ lundi ! #atelier"


async def _end_session(page, base_url: str) -> None:
    cookie = next(c for c in await page.context.cookies() if c["name"] == "ruche_session")
    async with httpx.AsyncClient(base_url=base_url, timeout=10) as http:
        r = await http.post("/api/v1/auth/logout", headers={"Authorization": f"Bearer {cookie['value']}"})
        assert r.status_code == 204


async def test_the_text_typed_survives_an_ended_session(new_page, live_server):
    page = await new_page(locale="fr-FR")
    email = await sign_up(page, "Ines Durand")
    await page.goto("/")
    await page.locator("#f-title").fill("Atelier de jeudi")
    await page.locator("#f-body").fill(BODY)

    await _end_session(page, live_server)
    await page.locator("form.composer-form button[type=submit]").click()

    notice = page.locator(".notice")
    await expect(notice).to_contain_text("Votre session a expiré")
    await expect(notice).to_contain_text("Votre texte est conservé")
    assert "/signin" not in page.url and BODY not in page.url  # the text went in the POST body, not a URL
    SHOTS.mkdir(exist_ok=True)
    await page.screenshot(path=str(SHOTS / "session-expired-signin.png"), full_page=True)

    await page.locator("#f-email").fill(email)
    await page.locator("#f-password").fill(PASSWORD)
    await page.locator("#f-remember").check()
    await page.locator("form[action='/signin'] button[type=submit]").click()

    await expect(page.locator("#f-body")).to_have_value(BODY)
    await expect(page.locator("#f-title")).to_have_value("Atelier de jeudi")
    await expect(page.locator(".composer")).to_contain_text("votre texte est revenu")
    await page.screenshot(path=str(SHOTS / "session-expired-composer.png"), full_page=True)
    session = next(c for c in await page.context.cookies() if c["name"] == "ruche_session")
    assert session["expires"] > 0  # "Rester connecté": a persistent cookie

    await page.goto("/")
    assert "Atelier de jeudi" not in await page.locator("main").inner_text()  # not published by itself

    await page.goto("/posts/new")
    await page.locator("#f-body").fill(BODY)
    await page.locator("form.composer-form button[type=submit]").click()
    await expect(page.locator(".flash")).to_contain_text("publié")
    assert page.console_errors == []
