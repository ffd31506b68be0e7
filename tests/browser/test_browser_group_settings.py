"""Issue 19, point 6 in a real browser: the animator finds the request at the top of the group page, opens the
group's settings, confirms a visibility change that shows the content to everyone, archives, then deletes the group
by typing its name. Everything works without JavaScript; the screenshot is the settings page."""

import re
import uuid
from pathlib import Path

import pytest

from tests.browser.conftest import sign_up

expect = pytest.importorskip("playwright.async_api").expect

pytestmark = pytest.mark.browser
SHOTS = Path("/tmp/shots")


async def test_animator_runs_the_group_from_its_settings_page(new_page, screenshot):
    suffix = uuid.uuid4().hex[:6]
    name = f"Atelier Vélo {suffix}"
    anna = await new_page()
    await sign_up(anna, f"Anna Animatrice {suffix}")
    await anna.goto("/groups")
    await anna.locator("#f-name").fill(name)
    await anna.locator("#f-description").fill("Réparer, entretenir et partager nos trajets à vélo.")
    await anna.get_by_label("Private").check()
    await anna.get_by_role("button", name="Create the group").click()
    group_url = anna.url

    bob = await new_page(locale="fr-FR")
    await sign_up(bob, f"Bob Bernard {suffix}")
    await bob.goto(group_url)
    await bob.get_by_role("button", name="Demander à rejoindre").click()

    await anna.reload()
    requests = anna.locator("section[aria-labelledby=pending-title]")
    await expect(requests.get_by_role("heading", level=2)).to_contain_text("1")
    await expect(requests.get_by_role("link", name=f"Bob Bernard {suffix}")).to_be_visible()
    await expect(requests.get_by_role("button", name=re.compile("^Accept"))).to_be_visible()
    SHOTS.mkdir(exist_ok=True)
    await anna.screenshot(path=str(SHOTS / "group-pending-requests.png"))

    await anna.get_by_role("link", name="Group settings").click()
    await expect(anna.get_by_role("heading", level=1)).to_have_text("Group settings")
    await anna.locator("#f-guidelines").fill("Bienveillance et entraide.")
    await anna.get_by_label("Public").check()
    await anna.get_by_role("button", name="Save the settings").click()
    await expect(anna.get_by_role("alert")).to_contain_text("Please confirm")
    await expect(anna.locator("#f-guidelines")).to_have_value("Bienveillance et entraide.")
    await screenshot(anna, "group-settings")
    await anna.screenshot(path=str(SHOTS / "group-settings.png"), full_page=True)
    await anna.get_by_label("I understand, change the visibility").check()
    await anna.get_by_role("button", name="Save the settings").click()
    await expect(anna.locator(".flash-success")).to_contain_text("settings are saved")

    await anna.get_by_role("button", name="Archive the group").click()
    await expect(anna.locator(".archived-banner")).to_contain_text("Archived")
    await bob.reload()
    await expect(bob.locator(".archived-banner")).to_contain_text("Archivé")
    await expect(bob.get_by_role("button", name="Demander à rejoindre")).to_have_count(0)

    await anna.get_by_role("link", name="Group settings").click()
    await anna.get_by_label(re.compile("^Type the group's name")).fill("Atelier")
    await anna.get_by_role("button", name="Delete the group for good").click()
    await expect(anna.locator("#confirm-name-error")).to_be_visible()
    await anna.get_by_label(re.compile("^Type the group's name")).fill(name)
    await anna.get_by_role("button", name="Delete the group for good").click()
    await expect(anna.locator(".flash-success")).to_contain_text("is deleted")
    response = await bob.goto(group_url)
    assert response is not None and response.status == 404
    assert anna.console_errors == [] and bob.console_errors == []
