"""Issue 2 in a real browser: sign up, edit the profile, create a private group; a colleague asks to join,
the animator accepts, the colleague sees themself a member."""

import re
import uuid

import pytest

from tests.browser.conftest import MOBILE, sign_up

expect = pytest.importorskip("playwright.async_api").expect

pytestmark = pytest.mark.browser


async def test_private_group_request_and_accept(new_page, screenshot):
    suffix = uuid.uuid4().hex[:6]
    anna = await new_page()
    await sign_up(anna, f"Anna Animatrice {suffix}")
    await expect(anna.locator(".flash-success")).to_be_visible()
    await anna.locator("#f-title").fill("Coach agile")
    await anna.locator("#f-department").fill("Transformation")
    await anna.locator("#f-skills").fill("Scrum, Facilitation, Kanban")
    await anna.locator("#f-bio").fill("J’anime la communauté agile.\nPosez-moi vos questions !")
    await anna.get_by_role("button", name="Save").click()
    await expect(anna.get_by_role("heading", level=1)).to_have_text(f"Anna Animatrice {suffix}")
    await expect(anna.get_by_role("link", name="Kanban")).to_be_visible()
    await screenshot(anna, "profile-desktop")

    group_name = f"Communauté Agile {suffix}"
    await anna.goto("/groups")
    await anna.locator("#f-name").fill(group_name)
    await anna.locator("#f-description").fill("Partager nos pratiques agiles, nos rétrospectives et nos outils.")
    await anna.get_by_label("Private").check()
    await anna.locator("#f-guidelines").fill("Bienveillance, confidentialité, pas de jargon inutile.")
    await anna.get_by_role("button", name="Create the group").click()
    await expect(anna.get_by_role("heading", level=1)).to_have_text(group_name)
    await expect(anna.get_by_text("You animate this group")).to_be_visible()
    group_url = anna.url

    bob = await new_page(locale="fr-FR")
    await sign_up(bob, f"Bob Bernard {suffix}")
    await bob.goto(group_url)
    await bob.get_by_role("button", name="Demander à rejoindre").click()
    await expect(bob.get_by_text("Votre demande est en attente")).to_be_visible()

    await anna.reload()
    requests = anna.locator("section[aria-labelledby=pending-title]")
    await expect(requests.get_by_role("link", name=f"Bob Bernard {suffix}")).to_be_visible()
    await screenshot(anna, "group-desktop")
    await requests.get_by_role("button", name=re.compile("^Accept")).click()
    await expect(anna.locator(".flash-success")).to_contain_text("is now a member")

    await bob.reload()
    await expect(bob.get_by_text("Vous êtes membre")).to_be_visible()
    members = bob.locator("section[aria-labelledby=members-title]")
    await expect(members.get_by_role("link", name=f"Bob Bernard {suffix}")).to_be_visible()
    await bob.set_viewport_size(MOBILE)
    await screenshot(bob, "group-mobile-fr")
    assert anna.console_errors == [] and bob.console_errors == []
