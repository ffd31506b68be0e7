"""Form layout in Chromium: side-by-side fields keep their inputs' natural height and line them up, even when only
one of the two has a hint above its input (the profile form's "Full name" beside "Handle")."""

import pytest

from tests.browser.conftest import DESKTOP, sign_up

pytestmark = pytest.mark.browser


async def test_side_by_side_inputs_share_height_and_baseline(new_page):
    page = await new_page(viewport=DESKTOP, locale="fr-FR")
    await sign_up(page, "Nina Colonnes")  # ends on /people/me/edit
    name = await page.locator("#f-display_name").bounding_box()
    handle = await page.locator("#f-handle").bounding_box()
    title = await page.locator("#f-title").bounding_box()
    assert name and handle and title
    assert abs(name["height"] - title["height"]) < 1  # not stretched to the height of the hinted neighbour
    assert abs(name["height"] - handle["height"]) < 1
    assert abs((name["y"] + name["height"]) - (handle["y"] + handle["height"])) < 1  # bottoms lined up
