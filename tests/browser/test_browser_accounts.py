"""Accounts in Chromium: the admin's CSV import (upload, dry run, apply), the invite form, "forgot your password?"
from the sign-in page and the change-password form."""

import pytest

from tests.browser.conftest import DESKTOP, MOBILE, PASSWORD, sign_in, sign_up, unique_email

pytestmark = pytest.mark.browser


async def test_admin_imports_members_with_a_dry_run_first(new_page, screenshot, tmp_path):
    page = await new_page(viewport=DESKTOP)
    await sign_in(page)
    await page.goto("/admin/users")
    await page.get_by_role("link", name="Import members (CSV)").click()
    await page.wait_for_url("**/admin/users/import")
    first, second = unique_email("nina"), unique_email("paul")
    csv = tmp_path / "members.csv"
    csv.write_text("\ufeffemail;display_name;department;title;skills\r\n"
                   f"{first};Nina Nouvelle;Marketing;SEO lead;SEO|Analytics\r\n"
                   f"{second};Paul Durand;Sales;;Negotiation\r\n"
                   "not-an-address;Broken Line;;;\r\n", encoding="utf-8")
    await page.locator("#f-file").set_input_files(str(csv))
    await page.get_by_role("button", name="Check the file (dry run)").click()
    await page.wait_for_selector("h1:has-text('Dry run of the import')")
    assert await page.locator("table").nth(0).locator("tbody tr").count() == 1  # the line with an error
    assert await page.locator("text=To create and invite").count() == 2
    await screenshot(page, "accounts-import-dry-run")
    await page.get_by_role("button", name="Apply: create 2 and update 0 accounts").click()
    await page.wait_for_selector("h1:has-text('Import applied')")
    await screenshot(page, "accounts-import-applied")
    await page.goto("/people?q=Nina")
    assert await page.locator("text=Nina Nouvelle").count() >= 1
    assert page.console_errors == [] and page.failed_resources == []


async def test_admin_invites_a_member(new_page, screenshot):
    page = await new_page(viewport=DESKTOP)
    await sign_in(page)
    await page.goto("/admin/users")
    await page.get_by_role("link", name="Invite a member").click()
    await page.locator("#f-display_name").fill("Zoé Zola")
    email = unique_email("zoe")
    await page.locator("#f-email").fill(email)
    await screenshot(page, "accounts-invite-form")
    await page.get_by_role("button", name="Create the account and invite").click()
    await page.wait_for_url("**/admin/users")
    assert await page.locator(f"text=an invitation to choose a password was sent to {email}").count() == 1


async def test_forgot_password_from_the_sign_in_page_on_a_phone(new_page, screenshot):
    page = await new_page(viewport=MOBILE, locale="fr-FR")
    await page.goto("/signin")
    await page.get_by_role("link", name="Mot de passe oublié ?").click()
    await page.wait_for_url("**/password/forgot")
    await page.locator("#f-email").fill("someone-unknown@example.com")
    await screenshot(page, "accounts-forgot-phone")
    await page.get_by_role("button", name="M’envoyer un lien").click()
    await page.wait_for_url("**/password/forgot/sent")
    assert await page.locator("h1:has-text('Consultez votre boîte de réception')").count() == 1


async def test_change_password_shows_errors_then_succeeds(new_page, screenshot):
    page = await new_page(viewport=DESKTOP)
    email = await sign_up(page, "Marc Motdepasse")
    await page.goto("/people/me/edit")
    await page.get_by_role("link", name="Change my password").click()
    await page.locator("#f-current_password").fill(PASSWORD)
    await page.locator("#f-new_password").fill("a brand new sentence")
    await page.locator("#f-confirm").fill("a different sentence")
    await page.get_by_role("button", name="Change my password").click()
    await page.wait_for_selector("text=The two new passwords differ.")
    assert await page.locator("#f-new_password").input_value() == ""  # nothing sensitive kept
    await screenshot(page, "accounts-change-password-error")
    await page.locator("#f-current_password").fill(PASSWORD)
    await page.locator("#f-new_password").fill("a brand new sentence")
    await page.locator("#f-confirm").fill("a brand new sentence")
    await page.get_by_role("button", name="Change my password").click()
    await page.wait_for_url("**/people/me/edit")
    assert await page.locator("text=Your password is changed").count() == 1
    assert email
