"""Password pages: change mine, "forgot your password?", the e-mailed link's page."""

from sqlalchemy import select

from app.users.models import AuthSession

PASSWORD = "correct horse battery"
NEW = "a brand new sentence"


async def change(browser, current, new, confirm):
    return await browser.post_form("/people/me/password", "/people/me/password",
                                   {"current_password": current, "new_password": new, "confirm": confirm})


class TestChangePassword:
    async def test_the_profile_form_links_to_it(self, member_browser):
        _, browser = await member_browser("Alice Martin")
        r = await browser.get("/people/me/edit")
        assert 'href="/people/me/password"' in r.text

    async def test_change_keeps_this_session_and_ends_the_others(self, client, member_browser, session):
        alice, browser = await member_browser("Alice Martin", email="alice@example.com")
        other = (await client.post("/api/v1/auth/token",
                                   data={"username": "alice@example.com", "password": PASSWORD})).json()["access_token"]
        r = await change(browser, PASSWORD, NEW, NEW)
        assert r.status_code == 303 and r.headers["location"] == "/people/me/edit"
        page = await browser.get("/people/me/edit")
        assert page.status_code == 200 and "Your password is changed" in page.text  # still signed in
        assert (await client.get("/api/v1/users/me", headers={"Authorization": f"Bearer {other}"})).status_code == 401
        ok = await client.post("/api/v1/auth/token", data={"username": "alice@example.com", "password": NEW})
        assert ok.status_code == 200

    async def test_a_wrong_current_password_is_403_and_nothing_is_kept(self, member_browser):
        _, browser = await member_browser("Alice Martin")
        r = await change(browser, "not my password", NEW, NEW)
        assert r.status_code == 403
        assert "The current password is wrong." in r.text
        assert NEW not in r.text and "not my password" not in r.text

    async def test_mismatch_short_and_common_passwords(self, member_browser):
        _, browser = await member_browser("Alice Martin")
        cases = [(NEW, NEW + "x", "The two new passwords differ."), ("short", "short", "At least 10 characters."),
                 ("password123", "password123", "too common")]
        for new, confirm, message in cases:
            r = await change(browser, PASSWORD, new, confirm)
            assert r.status_code == 422, new
            assert message in r.text
            assert f'value="{new}"' not in r.text

    async def test_in_french(self, member_browser):
        _, browser = await member_browser("Alice Martin", lang="fr")
        r = await browser.get("/people/me/password")
        assert "Changer mon mot de passe" in r.text

    async def test_signed_out_goes_to_sign_in(self, browser_factory):
        r = await browser_factory().get("/people/me/password")
        assert r.status_code == 303 and r.headers["location"].startswith("/signin")


class TestForgotPassword:
    async def test_the_sign_in_page_links_to_it(self, browser_factory):
        r = await browser_factory().get("/signin")
        assert 'href="/password/forgot"' in r.text

    async def test_same_answer_whatever_the_address_then_the_link_sets_the_password(
            self, client, register, browser_factory, mailbox, session):
        alice = await register("Alice Martin", "alice@example.com")
        browser = browser_factory()
        answers = [await browser.post_form("/password/forgot", "/password/forgot", {"email": email})
                   for email in ("nobody@example.com", "alice@example.com")]
        assert [(r.status_code, r.headers["location"]) for r in answers] == [(303, "/password/forgot/sent")] * 2
        sent = await browser.get("/password/forgot/sent")
        assert "Check your inbox" in sent.text
        [message] = await mailbox.wait(1)
        assert message["To"] == "alice@example.com"
        link = mailbox.link(message)
        path = link.removeprefix("http://127.0.0.1:8000")
        page = await browser.get(path)
        assert page.status_code == 200 and 'name="new_password"' in page.text
        assert page.headers["referrer-policy"] == "no-referrer"
        token = mailbox.token(link)
        r = await browser.post_form(path, "/password/reset", {"token": token, "new_password": NEW, "confirm": NEW})
        assert r.status_code == 303 and r.headers["location"] == "/signin"
        signin = await browser.get("/signin")
        assert "Your password is set" in signin.text
        assert (await client.get("/api/v1/users/me", headers=alice.headers)).status_code == 401
        ok = await client.post("/api/v1/auth/token", data={"username": "alice@example.com", "password": NEW})
        assert ok.status_code == 200
        used = await browser.get(path)
        assert used.status_code == 400 and "This link no longer works" in used.text
        revoked = (await session.scalars(select(AuthSession.revoked_at))).all()
        assert revoked and all(r is not None for r in revoked[:1])

    async def test_a_mismatch_keeps_the_link_usable(self, register, browser_factory, mailbox):
        await register("Alice Martin", "alice@example.com")
        browser = browser_factory()
        await browser.post_form("/password/forgot", "/password/forgot", {"email": "alice@example.com"})
        link = mailbox.link((await mailbox.wait(1))[0])
        path, token = link.removeprefix("http://127.0.0.1:8000"), mailbox.token(link)
        r = await browser.post_form(path, "/password/reset", {"token": token, "new_password": NEW, "confirm": "x"})
        assert r.status_code == 422 and "The two new passwords differ." in r.text
        assert token in r.text  # the form still carries the link's token
        r = await browser.post_form(path, "/password/reset", {"token": token, "new_password": NEW, "confirm": NEW})
        assert r.status_code == 303

    async def test_a_forged_link_shows_a_message(self, browser_factory):
        browser = browser_factory()
        r = await browser.get("/password/reset?token=forged")
        assert r.status_code == 400 and 'href="/password/forgot"' in r.text
        r = await browser.post_form("/password/forgot", "/password/reset",
                                    {"token": "forged", "new_password": NEW, "confirm": NEW})
        assert r.status_code == 400

    async def test_a_bad_address_keeps_what_was_typed(self, browser_factory):
        r = await browser_factory().post_form("/password/forgot", "/password/forgot", {"email": "alice@"})
        assert r.status_code == 422 and 'value="alice@"' in r.text

    async def test_rate_limited_with_a_message(self, browser_factory, settings_override):
        settings_override(PASSWORD_RESET_PER_ADDRESS=1)
        browser = browser_factory()
        await browser.post_form("/password/forgot", "/password/forgot", {"email": "a@example.com"})
        r = await browser.post_form("/password/forgot", "/password/forgot", {"email": "a@example.com"})
        assert r.status_code == 429 and "Retry-After" in r.headers
        assert "Too many requests" in r.text and 'value="a@example.com"' in r.text

    async def test_in_french(self, browser_factory):
        r = await browser_factory("fr").get("/password/forgot")
        assert "Mot de passe oublié" in r.text
