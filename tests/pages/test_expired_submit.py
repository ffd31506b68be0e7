"""A form sent after the session ended keeps its text: the sign-in page carries it (sealed, in the POST body), and
after signing in the member is back on the form, filled in, not sent (issue 19, point 1)."""

from datetime import timedelta
from typing import Any

import httpx
import pytest

from app.db import utcnow
from app.users import sessions
from tests.conftest import PASSWORD
from tests.pages.conftest import csrf_of

BODY = "Compte rendu de l'atelier :\n\n- trois idées\n- deux décisions\n\nÀ lundi ! #atelier"
RESUME_RE = 'name="resume" value="'


@pytest.fixture
def expire(monkeypatch: pytest.MonkeyPatch) -> Any:
    """Move the sessions' clock past the idle bound: every page session ends."""

    def run() -> None:
        later = utcnow() + timedelta(hours=3)
        monkeypatch.setattr(sessions, "utcnow", lambda: later)

    return run


@pytest.fixture
async def member(register: Any, browser_factory: Any) -> tuple[Any, Any]:
    """A member signed in through the sign-in form, as in a browser."""
    someone = await register("Paula Plume", "paula@example.com")
    browser = browser_factory()
    r = await browser.post_form("/signin", "/signin", {"email": "paula@example.com", "password": PASSWORD})
    assert r.status_code == 303
    return someone, browser


def _sealed(html: str) -> str:
    assert RESUME_RE in html, "the sign-in page does not carry the form"
    return html.split(RESUME_RE, 1)[1].split('"', 1)[0]


async def _sign_in_again(browser: Any, page: httpx.Response, **extra: str) -> httpx.Response:
    return await browser.client.post("/signin", data={
        "csrf_token": csrf_of(page.text), "email": "paula@example.com", "password": PASSWORD,
        "resume": _sealed(page.text), **extra})


async def _feed(client: httpx.AsyncClient) -> list[dict[str, Any]]:
    """The member's feed through the API, with a token of now (the clock may have moved past the first one)."""
    t = await client.post("/api/v1/auth/token", data={"username": "paula@example.com", "password": PASSWORD})
    headers = {"Authorization": f"Bearer {t.json()['access_token']}"}
    return (await client.get("/api/v1/feed", headers=headers)).json()["items"]  # type: ignore[no-any-return]


class TestNewPost:
    async def test_the_text_comes_back_in_the_composer(
        self, member: Any, expire: Any, client: httpx.AsyncClient
    ) -> None:
        _, browser = member
        home = await browser.get("/")
        expire()  # the member typed for three hours
        r = await browser.client.post("/posts", data={
            "csrf_token": csrf_of(home.text), "title": "Atelier", "body": BODY, "kind": "question", "next": "/"})
        assert r.status_code == 401
        assert "location" not in r.headers  # nothing typed goes into a URL
        assert "Your session has expired" in r.text and "Your text is kept" in r.text
        assert BODY not in r.text  # sealed: compressed and signed, not shown

        back = await _sign_in_again(browser, r)
        assert back.status_code == 200
        assert "ruche_session=" in back.headers.get("set-cookie", "")
        assert 'action="/posts"' in back.text
        assert ">" + BODY.replace("'", "&#39;") + "</textarea>" in back.text
        assert 'name="title" type="text" value="Atelier"' in back.text
        assert 'value="question" selected' in back.text
        assert "your text is back" in back.text
        assert await _feed(client) == []  # not sent by itself

        sent = await browser.client.post("/posts", data={
            "csrf_token": csrf_of(back.text), "title": "Atelier", "body": BODY, "kind": "question", "next": "/"})
        assert sent.status_code == 303
        assert [p["body"] for p in await _feed(client)] == [BODY]

    async def test_a_missing_session_cookie_too(self, member: Any) -> None:
        _, browser = member
        home = await browser.get("/")
        browser.client.cookies.delete("ruche_session")
        r = await browser.client.post("/posts", data={"csrf_token": csrf_of(home.text), "body": BODY, "next": "/"})
        assert r.status_code == 401
        back = await _sign_in_again(browser, r)
        assert BODY.replace("'", "&#39;") in back.text

    async def test_a_wrong_password_keeps_carrying_it(self, member: Any, expire: Any) -> None:
        _, browser = member
        home = await browser.get("/")
        expire()
        r = await browser.client.post("/posts", data={"csrf_token": csrf_of(home.text), "body": BODY, "next": "/"})
        wrong = await _sign_in_again(browser, r, password="not the password")
        assert wrong.status_code == 401
        assert _sealed(wrong.text) == _sealed(r.text)
        assert "Your text is kept" in wrong.text

    async def test_keep_me_signed_in_applies(self, member: Any, expire: Any) -> None:
        _, browser = member
        home = await browser.get("/")
        expire()
        r = await browser.client.post("/posts", data={"csrf_token": csrf_of(home.text), "body": BODY, "next": "/"})
        back = await _sign_in_again(browser, r, remember="on")
        assert f"Max-Age={30 * 24 * 3600}" in back.headers["set-cookie"]

    async def test_french(self, register: Any, browser_factory: Any, expire: Any) -> None:
        await register("Paula Plume", "paula@example.com")
        browser = browser_factory("fr")
        home = await browser.post_form("/signin", "/signin", {"email": "paula@example.com", "password": PASSWORD})
        home = await browser.get("/")
        expire()
        r = await browser.client.post("/posts", data={"csrf_token": csrf_of(home.text), "body": BODY, "next": "/"})
        assert "Votre session a expiré" in r.text
        back = await _sign_in_again(browser, r)
        assert "votre texte est revenu" in back.text


class TestOtherForms:
    async def test_a_comment(self, member: Any, expire: Any, client: httpx.AsyncClient) -> None:
        someone, browser = member
        post = (await client.post("/api/v1/posts", json={"body": "Question ?"}, headers=someone.headers)).json()
        page = await browser.get(f"/posts/{post['id']}")
        expire()
        r = await browser.client.post(f"/posts/{post['id']}/comments",
                                      data={"csrf_token": csrf_of(page.text), "body": "Ma réponse détaillée"})
        assert r.status_code == 401
        back = await _sign_in_again(browser, r)
        assert back.status_code == 200
        assert f'action="/posts/{post["id"]}/comments"' in back.text
        assert "Ma réponse détaillée</textarea>" in back.text

    async def test_an_edit(self, member: Any, expire: Any, client: httpx.AsyncClient) -> None:
        someone, browser = member
        post = (await client.post("/api/v1/posts", json={"body": "Version 1"}, headers=someone.headers)).json()
        page = await browser.get(f"/posts/{post['id']}/edit")
        expire()
        r = await browser.client.post(f"/posts/{post['id']}/edit",
                                      data={"csrf_token": csrf_of(page.text), "title": "", "body": "Version 2"})
        back = await _sign_in_again(browser, r)
        assert back.status_code == 200
        assert "Version 2</textarea>" in back.text
        shown = (await browser.get(f"/posts/{post['id']}")).text
        assert "Version 1" in shown and "Version 2" not in shown

    async def test_a_form_without_its_own_page_comes_back_as_a_plain_form(self, member: Any, expire: Any) -> None:
        _, browser = member
        page = await browser.get("/groups")
        expire()
        r = await browser.client.post("/groups", data={
            "csrf_token": csrf_of(page.text), "name": "Club photo", "description": "Nos plus belles images"})
        back = await _sign_in_again(browser, r)
        assert back.status_code == 200
        assert 'action="/groups"' in back.text
        assert "Nos plus belles images</textarea>" in back.text
        assert "Your text is kept" in back.text

    async def test_the_post_was_deleted_meanwhile(self, member: Any, expire: Any, client: httpx.AsyncClient) -> None:
        someone, browser = member
        post = (await client.post("/api/v1/posts", json={"body": "Bientôt supprimé"}, headers=someone.headers)).json()
        page = await browser.get(f"/posts/{post['id']}")
        assert (await client.delete(f"/api/v1/posts/{post['id']}", headers=someone.headers)).status_code == 204
        expire()
        r = await browser.client.post(f"/posts/{post['id']}/comments",
                                      data={"csrf_token": csrf_of(page.text), "body": "Trop tard"})
        back = await _sign_in_again(browser, r)
        assert back.status_code == 303 and back.headers["location"] == "/"
        assert "ruche_session=" in back.headers["set-cookie"]


class TestTheSealedForm:
    async def test_tampered_is_ignored(self, member: Any, expire: Any) -> None:
        _, browser = member
        home = await browser.get("/")
        expire()
        r = await browser.client.post("/posts", data={"csrf_token": csrf_of(home.text), "body": BODY, "next": "/"})
        sealed = _sealed(r.text)
        forged = sealed[:-3] + ("000" if not sealed.endswith("000") else "111")
        back = await browser.client.post("/signin", data={
            "csrf_token": csrf_of(r.text), "email": "paula@example.com", "password": PASSWORD, "resume": forged})
        assert back.status_code == 303  # signed in, nothing put back

    @pytest.mark.parametrize("junk", ["", ".", "abc", "a" * 300_000, "!!!.xyz", "\u202e.\u202e"])
    async def test_junk_is_ignored(self, member: Any, junk: str) -> None:
        _, browser = member
        browser.client.cookies.delete("ruche_session")
        page = await browser.get("/signin")
        back = await browser.client.post("/signin", data={
            "csrf_token": csrf_of(page.text), "email": "paula@example.com", "password": PASSWORD, "resume": junk})
        assert back.status_code == 303

    async def test_another_sites_form_is_refused_as_before(self, member: Any, expire: Any) -> None:
        _, browser = member
        expire()
        r = await browser.client.post("/posts", data={"csrf_token": "forged", "body": "spam"})
        assert r.status_code == 403
        assert RESUME_RE not in r.text

    async def test_passwords_are_never_carried(self, member: Any, expire: Any) -> None:
        from app.web import resume

        _, browser = member
        page = await browser.get("/")
        expire()
        r = await browser.client.post("/posts", data={
            "csrf_token": csrf_of(page.text), "body": "x", "password": "secret-1", "new_password": "secret-2"})
        draft = resume.unseal(_FakeRequest(browser), _sealed(r.text))
        assert draft is not None and set(draft.fields) == {"body"}


class _FakeRequest:
    """Enough of a request for `unseal` (it reads the secret key from the runtime)."""

    def __init__(self, browser: Any) -> None:
        app = browser.client._transport.app
        self.app = app
        self.scope = {"app": app}
