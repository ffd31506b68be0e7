"""Page sessions slide while the member is active, within an absolute bound (issue 19, point 1), on a fixed clock."""

from datetime import datetime, timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from app.db import utcnow
from app.users import sessions
from app.users.models import AuthSession
from tests.conftest import PASSWORD

PAGE = "/notifications"  # any page that needs a member


class Clock:
    def __init__(self) -> None:
        self.now = utcnow()

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    fixed = Clock()
    monkeypatch.setattr(sessions, "utcnow", lambda: fixed.now)
    return fixed


@pytest.fixture
async def signed_in(register: Any, browser_factory: Any) -> Any:
    """A member and a browser signed in through the sign-in form (ticking "Keep me signed in" or not)."""

    async def make(remember: bool = False) -> tuple[Any, Any, httpx.Response]:
        member = await register("Sam Slide", "sam@example.com")
        browser = browser_factory()
        form = {"email": "sam@example.com", "password": PASSWORD, **({"remember": "on"} if remember else {})}
        r = await browser.post_form("/signin", "/signin", form)
        assert r.status_code == 303, r.text
        return member, browser, r

    return make


def _session_cookie(r: httpx.Response) -> str:
    return next(h for h in r.headers.get_list("set-cookie") if h.startswith("ruche_session="))


async def _expiry(session: Any) -> tuple[datetime, datetime | None]:
    rows = (await session.execute(select(AuthSession.expires_at, AuthSession.max_expires_at)
                                  .where(AuthSession.idle_seconds > 0))).all()
    await session.commit()
    assert len(rows) == 1
    return rows[0][0], rows[0][1]


async def _signed_in(browser: Any) -> bool:
    r = await browser.get(PAGE)
    assert r.status_code in (200, 303), r.text
    return r.status_code == 200


class TestSlidingSession:
    async def test_the_cookie_lasts_as_long_as_the_browser(self, clock: Clock, signed_in: Any) -> None:
        _, _, r = await signed_in()
        cookie = _session_cookie(r).lower()
        assert "max-age" not in cookie and "expires" not in cookie
        assert "httponly" in cookie

    async def test_renewed_while_active(self, clock: Clock, signed_in: Any) -> None:
        _, browser, _ = await signed_in()
        for _ in range(4):  # 4 × 100 minutes: well past the 120 minutes idle bound, but never idle that long
            clock.advance(minutes=100)
            assert await _signed_in(browser)

    async def test_ends_after_the_idle_bound(self, clock: Clock, signed_in: Any) -> None:
        _, browser, _ = await signed_in()
        clock.advance(minutes=50)
        assert await _signed_in(browser)
        clock.advance(minutes=121)
        assert not await _signed_in(browser)
        r = await browser.get(PAGE)
        assert r.headers["location"].startswith("/signin")

    async def test_renewal_writes_only_past_half_of_the_idle_time(
        self, clock: Clock, signed_in: Any, session: Any
    ) -> None:
        _, browser, _ = await signed_in()
        first, bound = await _expiry(session)
        assert first == clock.now + timedelta(minutes=120)
        assert bound == clock.now + timedelta(hours=12)
        clock.advance(minutes=59)  # more than half left: no write
        assert await _signed_in(browser)
        assert (await _expiry(session))[0] == first
        clock.advance(minutes=2)  # less than half left: renewed from now
        assert await _signed_in(browser)
        assert (await _expiry(session))[0] == clock.now + timedelta(minutes=120)

    async def test_the_absolute_bound_holds_however_active(self, clock: Clock, signed_in: Any) -> None:
        _, browser, _ = await signed_in()
        for _ in range(14):  # every 50 minutes for 11 h 40
            clock.advance(minutes=50)
            assert await _signed_in(browser)
        clock.advance(minutes=21)  # 12 h 01 after signing in
        assert not await _signed_in(browser)

    async def test_settings_change_the_bounds(self, clock: Clock, signed_in: Any, settings_override: Any) -> None:
        settings_override(SESSION_IDLE_MINUTES=10, SESSION_MAX_HOURS=1)
        _, browser, _ = await signed_in()
        clock.advance(minutes=9)
        assert await _signed_in(browser)
        clock.advance(minutes=11)
        assert not await _signed_in(browser)


class TestKeepMeSignedIn:
    async def test_a_persistent_cookie_for_30_days(self, clock: Clock, signed_in: Any) -> None:
        _, browser, r = await signed_in(remember=True)
        assert f"Max-Age={30 * 24 * 3600}" in _session_cookie(r)
        clock.advance(days=29, hours=23)  # not used for a month: still signed in
        assert await _signed_in(browser)
        clock.advance(hours=1, minutes=1)
        assert not await _signed_in(browser)

    async def test_forms_outlive_a_browser_restart_as_the_session_does(self, browser_factory: Any) -> None:
        """The CSRF cookie is persistent too: a restored tab's form is not refused for a cookie the restart lost."""
        page = await browser_factory().get("/signin")
        csrf = next(h for h in page.headers.get_list("set-cookie") if h.startswith("ruche_csrf="))
        assert f"Max-Age={365 * 24 * 3600}" in csrf

    async def test_the_form_offers_it(self, browser_factory: Any) -> None:
        page = await browser_factory().get("/signin")
        assert 'name="remember" type="checkbox"' in page.text
        assert "Keep me signed in" in page.text
        fr = await browser_factory("fr").get("/signin")
        assert "Rester connecté" in fr.text


class TestRevocationStaysImmediate:
    async def test_sign_out(self, clock: Clock, signed_in: Any) -> None:
        _, browser, _ = await signed_in(remember=True)
        token = browser.client.cookies.get("ruche_session")
        r = await browser.post_form(PAGE, "/signout")
        assert r.status_code == 303
        browser.client.cookies.set("ruche_session", token)
        assert not await _signed_in(browser)

    async def test_deactivation(self, clock: Clock, signed_in: Any, client: httpx.AsyncClient, admin: Any) -> None:
        member, browser, _ = await signed_in(remember=True)
        r = await client.patch(f"/api/v1/admin/users/{member.id}", json={"active": False}, headers=admin.headers)
        assert r.status_code == 200
        assert not await _signed_in(browser)

    async def test_password_change_ends_the_other_sessions(
        self, clock: Clock, signed_in: Any, client: httpx.AsyncClient
    ) -> None:
        member, browser, _ = await signed_in(remember=True)
        r = await client.put("/api/v1/users/me/password", headers=member.headers,
                             json={"current_password": PASSWORD, "new_password": "another long passphrase"})
        assert r.status_code == 204
        assert not await _signed_in(browser)


class TestApiTokens:
    async def test_keep_their_fixed_lifetime(self, clock: Clock, client: httpx.AsyncClient, register: Any) -> None:
        member = await register()
        clock.advance(minutes=45)
        assert (await client.get("/api/v1/users/me", headers=member.headers)).status_code == 200
        clock.advance(minutes=16)  # used 16 minutes ago, but 61 minutes old
        assert (await client.get("/api/v1/users/me", headers=member.headers)).status_code == 401
