"""In Chromium: a post made by A appears on B's open home page without a reload; the bell counts a mention."""

import pytest
from playwright.async_api import expect

from tests.browser.conftest import browser, live_server, new_page, screenshot, sign_up  # noqa: F401

pytestmark = pytest.mark.browser


async def test_new_post_appears_on_another_members_open_home_page(new_page, screenshot):  # noqa: F811
    alice = await new_page()
    await sign_up(alice, "Alice Martin")
    bruno = await new_page(locale="fr-FR")
    await sign_up(bruno, "Bruno Petit")
    await bruno.goto("/")
    await bruno.wait_for_function("document.getElementById('live-config') !== null")
    await bruno.wait_for_timeout(800)  # the socket connects after the page's scripts run

    await alice.goto("/")
    await alice.locator("#f-body").fill("Le lancement est demain, merci à @bruno.petit !")
    await alice.locator("form.composer-form button[type=submit]").click()
    await alice.wait_for_load_state()

    bar = bruno.locator("[data-live-show]")
    await bar.wait_for(state="visible", timeout=5000)
    assert (await bar.text_content()).strip() == "1 nouvelle publication"
    await screenshot(bruno, "live-new-posts-bar")
    await bar.click()
    # The card is fetched after the click: wait for it on top (other tests' posts are already in the feed).
    card = bruno.locator("#feed > .post-card").first
    await expect(card).to_contain_text("Le lancement est demain")
    await expect(card).to_be_focused()
    assert await bar.is_hidden()

    count = bruno.locator("[data-unread-count]")
    await count.wait_for(state="visible", timeout=5000)
    assert (await count.text_content()).strip() == "1"
    bell = bruno.locator("#notif-button")
    await bell.focus()
    await bruno.keyboard.press("Enter")
    assert await bell.get_attribute("aria-expanded") == "true"
    item = bruno.locator("[data-notif-list] a").first
    await expect(item).to_contain_text("Alice Martin vous a mentionné")
    await screenshot(bruno, "live-bell-open")
    await bruno.keyboard.press("Escape")
    assert await bell.get_attribute("aria-expanded") == "false"
    assert await bruno.evaluate("document.activeElement.id") == "notif-button"

    await bruno.goto("/notifications")
    assert "Alice Martin vous a mentionné" in await bruno.locator(".notif-list").text_content()
    await screenshot(bruno, "notifications-list")
    await bruno.goto("/notifications/settings")
    await bruno.locator("input[name=reaction][value=off]").check()
    await bruno.locator("form[action='/notifications/settings'] button[type=submit]").click()
    await bruno.wait_for_url("**/notifications/settings")
    assert await bruno.locator("input[name=reaction][value=off]").is_checked()
    await screenshot(bruno, "notifications-settings")
    assert not bruno.console_errors, bruno.console_errors
    assert not alice.console_errors, alice.console_errors


async def test_new_comment_and_counts_update_in_place_on_the_post_page(new_page, screenshot):  # noqa: F811
    alice = await new_page()
    await sign_up(alice, "Alice Durand")
    await alice.goto("/")
    await alice.locator("#f-body").fill("Qui vient à la réunion de jeudi ?")
    await alice.locator("form.composer-form button[type=submit]").click()
    await alice.wait_for_load_state()
    link = alice.locator("#feed .post-card a.post-time").first
    post_path = await link.get_attribute("href")

    bruno = await new_page()
    await sign_up(bruno, "Bruno Leroy")
    await bruno.goto(post_path)
    await bruno.wait_for_timeout(800)  # the socket connects after the page's scripts run
    assert (await bruno.locator("#comments h2 [data-comment-count]").text_content()).strip() == "0"

    await alice.goto(post_path)
    await alice.locator("#f-comment").fill("Moi, avec deux collègues.")
    await alice.locator("#comment-form button[type=submit]").click()
    await alice.wait_for_load_state()

    comment = bruno.locator("#comments-list .comment-item").first
    await expect(comment).to_contain_text("Moi, avec deux collègues.", timeout=5000)
    await expect(bruno.locator("#comments h2 [data-comment-count]")).to_have_text("1")
    await expect(bruno.locator(".post-card .post-actions [data-comment-count]")).to_have_text("1")
    await screenshot(bruno, "live-comment-in-place")
    assert not bruno.console_errors, bruno.console_errors


async def test_followed_members_post_in_a_group_i_have_not_joined_arrives_live(new_page, screenshot):  # noqa: F811
    """The home feed holds the posts of people I follow wherever they post (app.feed.service): live.js asks the
    server for each new post's card in this feed instead of deciding, so the live page agrees with a reload."""
    amel = await new_page()
    await sign_up(amel, "Amel Suivi")
    basile = await new_page()
    await sign_up(basile, "Basile Suivi")
    chloe = await new_page()
    await sign_up(chloe, "Chloé Inconnue")
    basile_id = (await (await basile.request.get("/api/v1/users/me")).json())["id"]
    assert (await amel.request.put(f"/api/v1/users/{basile_id}/follow")).status == 204
    created = await basile.request.post("/api/v1/groups", data={
        "name": "Veille live", "description": "Public", "visibility": "public"})
    assert created.status == 201, await created.text()
    group_id = (await created.json())["id"]
    assert (await chloe.request.post(f"/api/v1/groups/{group_id}/join")).status in (200, 201, 204)

    await amel.goto("/")
    await amel.wait_for_function("document.getElementById('live-config') !== null")
    await amel.wait_for_timeout(800)  # the socket connects after the page's scripts run
    bar = amel.locator("[data-live-show]")

    # Someone Amel does not follow, in a public group she has not joined: not in her home feed, no bar.
    r = await chloe.request.post("/api/v1/posts", data={"body": "Not for Amel's home", "group_id": group_id})
    assert r.status == 201, await r.text()
    await amel.wait_for_timeout(1500)
    assert await bar.is_hidden()

    r = await basile.request.post("/api/v1/posts", data={"body": "Basile's news in Veille live", "group_id": group_id})
    assert r.status == 201, await r.text()
    await bar.wait_for(state="visible", timeout=5000)
    assert (await bar.text_content()).strip() == "1 new post"
    await screenshot(amel, "live-followed-in-unjoined-group")
    await bar.click()
    card = amel.locator("#feed > .post-card").first
    await expect(card).to_contain_text("Basile's news in Veille live")
    assert await amel.locator("#feed").get_by_text("Not for Amel's home").count() == 0
    await amel.reload()  # the same feed after a reload
    await expect(amel.locator("#feed > .post-card").first).to_contain_text("Basile's news in Veille live")
    assert not amel.console_errors, amel.console_errors
