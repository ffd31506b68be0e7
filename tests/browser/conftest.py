"""Browser tests: a real server in a subprocess (its own database) and headless Chromium through Playwright.

Playwright's async API, because the suite's autouse fixtures run on pytest-asyncio's session loop (the sync API
would start a second loop in the same thread). Reuse: `live_server` (base URL), `browser` (session Chromium),
`await new_page(viewport=..., locale=...)` (a fresh context: its own cookies), `await screenshot(page, name)`
(PNG into test-artifacts/), `await sign_up(page, name)`. Mark tests `@pytest.mark.browser`; without
/usr/bin/chromium they are skipped."""

import contextlib
import os
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from app.config import ROOT_DIR, async_url
from app.migrate import upgrade

CHROMIUM = Path(os.environ.get("RUCHE_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
ARTIFACTS = ROOT_DIR / "test-artifacts"
DESKTOP = {"width": 1280, "height": 900}
MOBILE = {"width": 390, "height": 844}
PASSWORD = "correct horse battery"
ADMIN_EMAIL = "ada.admin@example.com"


def _free_port() -> int:
    """The first free port from RUCHE_BROWSER_PORT (shared machines hand out ranges of 10), else one the OS picks."""
    first = int(os.environ.get("RUCHE_BROWSER_PORT") or 0)
    for port in range(first, first + 10) if first else [0]:
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return int(s.getsockname()[1])
    raise RuntimeError(f"no free port in {first}-{first + 9}")


def _browser_database(data_dir: Path) -> str:
    """A database the in-process tests never touch: `<testdb>_browser` on PostgreSQL, else a SQLite file."""
    pg_url = os.environ.get("RUCHE_TEST_DATABASE_URL")
    if not pg_url:
        return f"sqlite:///{data_dir / 'browser.db'}"
    base, _, name = pg_url.rpartition("/")
    name = name.split("?")[0]
    url = f"{base}/{name}_browser"
    _recreate_postgres_database(f"{base}/postgres", f"{name}_browser")
    return url


def _recreate_postgres_database(admin_url: str, name: str) -> None:
    import psycopg

    conninfo = admin_url.replace("postgresql+asyncpg://", "postgresql://")
    with psycopg.connect(conninfo, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


@pytest.fixture(scope="session")
def live_server(request: pytest.FixtureRequest) -> Iterator[str]:
    """Start `uvicorn app.main:create_app --factory` on a migrated database; yield its base URL.

    One server per test run, even when another folder imports these fixtures (a second fixture definition
    would otherwise start a second server on the same `_browser` database)."""
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is not installed")
    running = getattr(request.config, "_ruche_live_server", None)
    if running is not None:
        yield running
        return
    with _serve() as base_url:
        request.config._ruche_live_server = base_url  # type: ignore[attr-defined]
        yield base_url


@contextlib.contextmanager
def _serve() -> Iterator[str]:
    data_dir = Path(tempfile.mkdtemp(prefix="ruche-browser-"))
    database_url = _browser_database(data_dir)
    upgrade(async_url(database_url))
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("RUCHE_")}
    env.update({
        "RUCHE_DATA_DIR": str(data_dir), "RUCHE_DATABASE_URL": database_url,
        "RUCHE_SECRET_KEY": "browser-test-secret-key-0123456789-abcdefghij",
        "RUCHE_ARGON2_MEMORY_KIB": "1024", "RUCHE_ARGON2_TIME_COST": "1", "RUCHE_RATE_LIMITS": "off",
    })
    log = (data_dir / "server.log").open("wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "app.main:create_app", "--factory", "--host", "127.0.0.1",
         "--port", str(port)], cwd=ROOT_DIR, env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    base_url = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(base_url, process, data_dir / "server.log")
        # The first account is the admin: make it a known one, whatever test runs first.
        r = httpx.post(f"{base_url}/api/v1/auth/register", timeout=10,
                       json={"email": ADMIN_EMAIL, "password": PASSWORD, "display_name": "Ada Admin"})
        assert r.status_code == 201, r.text
        yield base_url
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


def _wait_healthy(base_url: str, process: subprocess.Popen[bytes], log_path: Path, timeout: float = 40) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited:\n{log_path.read_text()[-3000:]}")
        try:
            if httpx.get(f"{base_url}/healthz", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"the server did not become healthy:\n{log_path.read_text()[-3000:]}")


@pytest.fixture(scope="session")
async def browser(live_server: str) -> AsyncIterator[Any]:
    from playwright.async_api import async_playwright

    async with async_playwright() as pw:
        chromium = await pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        yield chromium
        await chromium.close()


@pytest.fixture
async def new_page(browser: Any, live_server: str) -> AsyncIterator[Callable[..., Awaitable[Any]]]:
    """await new_page(viewport=DESKTOP, locale="en-GB"): a page in a fresh context (its own cookies).

    Console errors (a CSP violation, a broken script, an uncaught exception) are collected in `page.console_errors`, failed
    sub-resources (a missing stylesheet or script) in `page.failed_resources`; error pages (404, 403) are not
    counted: their status is the point of some tests."""
    contexts: list[Any] = []

    async def make(viewport: dict[str, int] = DESKTOP, locale: str = "en-GB") -> Any:
        context = await browser.new_context(base_url=live_server, viewport=viewport, locale=locale)
        context.set_default_timeout(10_000)
        contexts.append(context)
        page = await context.new_page()
        page.console_errors = []
        page.failed_resources = []
        page.on("console", lambda msg: _console_error(page, msg))
        page.on("pageerror", lambda error: page.console_errors.append(f"uncaught: {error}"))  # not a console event
        page.on("response", lambda r: page.failed_resources.append(r.url)
                if r.status >= 400 and r.request.resource_type != "document" else None)
        return page

    yield make
    for context in contexts:
        await context.close()


def _console_error(page: Any, message: Any) -> None:
    if message.type == "error" and not message.text.startswith("Failed to load resource"):
        page.console_errors.append(message.text)


@pytest.fixture(scope="session")
def screenshot() -> Callable[[Any, str], Awaitable[Path]]:
    """await screenshot(page, "groups-desktop"): a full-page PNG in test-artifacts/."""
    ARTIFACTS.mkdir(exist_ok=True)

    async def take(page: Any, name: str) -> Path:
        path = ARTIFACTS / f"{name}.png"
        await page.screenshot(path=str(path), full_page=True)
        return path

    return take


def unique_email(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}@example.com"


async def sign_up(page: Any, name: str, email: str | None = None) -> str:
    """Create an account through the sign-up form; returns the email. The page ends on the profile form."""
    email = email or unique_email(name.split()[0].lower())
    await page.goto("/signup")
    await page.locator("#f-display_name").fill(name)
    await page.locator("#f-email").fill(email)
    await page.locator("#f-password").fill(PASSWORD)
    await page.locator("form[action='/signup'] button[type=submit]").click()
    await page.wait_for_url("**/people/me/edit")
    return email


async def sign_in(page: Any, email: str = ADMIN_EMAIL) -> None:
    await page.goto("/signin")
    await page.locator("#f-email").fill(email)
    await page.locator("#f-password").fill(PASSWORD)
    await page.locator("form[action='/signin'] button[type=submit]").click()
    await page.wait_for_url(lambda url: "/signin" not in url)
