"""POST /api/v1/auth/password-reset and /confirm: e-mails received by a real SMTP server."""

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from app.users import resets
from app.users.password_tokens import PasswordToken
from tests.users.conftest import PASSWORD, bearer

NEW_PASSWORD = "a brand new sentence"
RESET = "/api/v1/auth/password-reset"
CONFIRM = "/api/v1/auth/password-reset/confirm"


async def ask(client, email, **headers):
    return await client.post(RESET, json={"email": email}, headers=headers)


class TestRequest:
    async def test_known_and_unknown_addresses_get_the_same_answer(self, client, alice, mailbox):
        known = await ask(client, "alice@example.com")
        unknown = await ask(client, "nobody@example.com")
        assert known.status_code == unknown.status_code == 202
        assert known.json() == unknown.json()
        await mailbox.wait(1)
        assert [m["To"] for m in mailbox.messages] == ["alice@example.com"]

    async def test_the_email_has_a_single_use_link_in_text_and_html(self, client, alice, mailbox):
        await ask(client, "Alice@Example.com")
        [message] = await mailbox.wait(1)
        link = mailbox.link(message)
        assert link.startswith("http://127.0.0.1:8000/password/reset?token=")
        assert link in mailbox.html(message)
        assert "1 hour" in mailbox.text(message)

    async def test_a_forged_host_header_never_reaches_the_link(self, client, alice, mailbox, settings_override):
        """The requester chooses the Host header: a link built from it would carry the token to their site."""
        for base_url in (None, "https://ruche.example.com"):
            settings_override(BASE_URL=base_url)
            mailbox.messages.clear()
            await ask(client, "alice@example.com", host="evil.example")
            [message] = await mailbox.wait(1)
            assert "evil.example" not in mailbox.text(message) + mailbox.html(message)
            assert mailbox.link(message).startswith((base_url or "http://127.0.0.1:8000") + "/password/reset?token=")

    async def test_the_link_uses_the_public_url_and_the_members_language(self, client, alice, mailbox,
                                                                        settings_override):
        settings_override(BASE_URL="https://ruche.example.com")
        await client.patch("/api/v1/users/me", json={"language": "fr"}, headers=alice.headers)
        await ask(client, "alice@example.com")
        [message] = await mailbox.wait(1)
        assert mailbox.link(message).startswith("https://ruche.example.com/password/reset?token=")
        assert "mot de passe" in message["Subject"]
        assert "1 heure" in mailbox.text(message)

    async def test_only_a_hash_of_the_token_is_stored(self, client, alice, mailbox, session):
        await ask(client, "alice@example.com")
        token = mailbox.token(mailbox.link((await mailbox.wait(1))[0]))
        stored = (await session.scalars(select(PasswordToken))).all()
        assert [row.token_hash for row in stored] == [resets.hash_token(token)]
        assert token not in stored[0].token_hash

    async def test_a_deactivated_account_gets_no_email(self, client, admin, alice, mailbox):
        await client.patch(f"/api/v1/admin/users/{alice.id}", json={"active": False}, headers=admin.headers)
        r = await ask(client, "alice@example.com")
        assert r.status_code == 202
        await ask(client, "ada@example.com")  # a later e-mail proves the first one is not just late
        await mailbox.wait(1)
        assert [m["To"] for m in mailbox.messages] == ["ada@example.com"]

    async def test_bad_addresses_are_422(self, client):
        for body in ({"email": "not an address"}, {}, {"email": "a\x00@example.com"}):
            assert (await client.post(RESET, json=body)).status_code == 422


class TestRateLimit:
    async def test_per_address_then_429_with_retry_after(self, client, alice, mailbox, settings_override):
        settings_override(PASSWORD_RESET_PER_ADDRESS=2)
        statuses = [(await ask(client, "nobody@example.com")).status_code for _ in range(3)]
        assert statuses == [202, 202, 429]
        r = await ask(client, "nobody@example.com")
        assert r.status_code == 429 and int(r.headers["Retry-After"]) > 0
        assert (await ask(client, "alice@example.com")).status_code == 202  # another address still may

    async def test_per_client_address(self, client, settings_override):
        settings_override(PASSWORD_RESET_PER_IP=3)
        statuses = [(await ask(client, f"n{i}@example.com")).status_code for i in range(4)]
        assert statuses == [202, 202, 202, 429]


class TestConfirm:
    async def test_the_link_works_once_and_revokes_every_session(self, client, alice, mailbox, sign_in):
        other = (await sign_in("alice@example.com")).json()["access_token"]
        await ask(client, "alice@example.com")
        token = mailbox.token(mailbox.link((await mailbox.wait(1))[0]))
        r = await client.post(CONFIRM, json={"token": token, "new_password": NEW_PASSWORD})
        assert r.status_code == 204
        for old in (alice.token, other):
            assert (await client.get("/api/v1/users/me", headers=bearer(old))).status_code == 401
        assert (await sign_in("alice@example.com", PASSWORD)).status_code == 401
        assert (await sign_in("alice@example.com", NEW_PASSWORD)).status_code == 200
        again = await client.post(CONFIRM, json={"token": token, "new_password": "yet another sentence"})
        assert again.status_code == 400
        assert "link" in again.json()["detail"]

    async def test_using_one_link_spends_the_others(self, client, alice, mailbox):
        await ask(client, "alice@example.com")
        await ask(client, "alice@example.com")
        first, second = (mailbox.token(mailbox.link(m)) for m in await mailbox.wait(2))
        assert (await client.post(CONFIRM, json={"token": second, "new_password": NEW_PASSWORD})).status_code == 204
        r = await client.post(CONFIRM, json={"token": first, "new_password": "yet another sentence"})
        assert r.status_code == 400

    async def test_the_link_expires_after_one_hour(self, client, alice, mailbox, monkeypatch):
        await ask(client, "alice@example.com")
        token = mailbox.token(mailbox.link((await mailbox.wait(1))[0]))
        later = datetime.now(UTC) + timedelta(minutes=61)
        monkeypatch.setattr(resets, "utcnow", lambda: later)
        r = await client.post(CONFIRM, json={"token": token, "new_password": NEW_PASSWORD})
        assert r.status_code == 400

    async def test_the_link_still_works_just_before_the_hour(self, client, alice, mailbox, monkeypatch):
        await ask(client, "alice@example.com")
        token = mailbox.token(mailbox.link((await mailbox.wait(1))[0]))
        later = datetime.now(UTC) + timedelta(minutes=59)
        monkeypatch.setattr(resets, "utcnow", lambda: later)
        assert (await client.post(CONFIRM, json={"token": token, "new_password": NEW_PASSWORD})).status_code == 204

    async def test_forged_tokens_are_400(self, client, alice):
        for token in ("x", "A" * 43, "../../etc", "é" * 100):
            r = await client.post(CONFIRM, json={"token": token, "new_password": NEW_PASSWORD})
            assert r.status_code == 400, token
        assert (await client.post(CONFIRM, json={"token": "A" * 201, "new_password": NEW_PASSWORD})).status_code == 422

    async def test_a_weak_password_is_422_and_the_link_still_works(self, client, alice, mailbox):
        await ask(client, "alice@example.com")
        token = mailbox.token(mailbox.link((await mailbox.wait(1))[0]))
        for weak in ("short", "password123"):
            r = await client.post(CONFIRM, json={"token": token, "new_password": weak})
            assert r.status_code == 422, weak
        assert (await client.post(CONFIRM, json={"token": token, "new_password": NEW_PASSWORD})).status_code == 204

    async def test_a_member_deactivated_after_asking_cannot_use_the_link(self, client, admin, alice, mailbox):
        await ask(client, "alice@example.com")
        token = mailbox.token(mailbox.link((await mailbox.wait(1))[0]))
        await client.patch(f"/api/v1/admin/users/{alice.id}", json={"active": False}, headers=admin.headers)
        r = await client.post(CONFIRM, json={"token": token, "new_password": NEW_PASSWORD})
        assert r.status_code == 400


class TestWithoutSmtp:
    async def test_the_email_is_written_to_the_log(self, client, alice, caplog):
        import logging

        caplog.set_level(logging.INFO, logger="ruche.email")
        await ask(client, "alice@example.com")
        assert any("alice@example.com" in r.getMessage() and "/password/reset?token=" in r.getMessage()
                   for r in caplog.records)

    async def test_an_unreachable_server_is_logged_as_an_error_without_the_link(
            self, client, alice, caplog, settings_override, monkeypatch):
        import logging

        from app import mail
        from tests.smtp_server import free_port

        monkeypatch.setattr(mail, "RETRY_PAUSE_S", 0)
        settings_override(SMTP_HOST="127.0.0.1", SMTP_PORT=free_port())  # nothing listens there
        caplog.set_level(logging.INFO, logger="ruche.email")
        assert (await ask(client, "alice@example.com")).status_code == 202
        errors = [r.getMessage() for r in caplog.records if r.levelno == logging.ERROR]
        assert any("alice@example.com" in e for e in errors)
        assert not any("token=" in e for e in errors)


class TestForgedTokens:
    async def test_any_token_that_is_not_ours_is_400_never_500(self, client, alice):
        for token in ["\ud800", "é" * 10, "a b", "x" * 201, "../..", "\x7f"]:
            r = await client.post(CONFIRM, content=('{"token": "%s", "new_password": "%s"}' % (
                token.encode("unicode_escape").decode(), NEW_PASSWORD)).encode(),
                headers={"Content-Type": "application/json"})
            assert r.status_code in (400, 422), (token, r.status_code, r.text)
