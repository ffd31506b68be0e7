"""The skill synonyms list (issue 19, point 4): GET, PUT /api/v1/admin/skill-synonyms and /admin/skill-synonyms,
admins only; seeded with the demo community's skills by its migration."""

import re
from pathlib import Path
from typing import Any

import httpx
import pytest
import sqlalchemy as sa

from app.config import async_url
from app.demo.people import MEMBERS
from app.migrate import upgrade
from app.search.queries import synonym_key

SYNONYMS = "/api/v1/admin/skill-synonyms"
PAGE = "/admin/skill-synonyms"



async def _csrf(client: httpx.AsyncClient, page: str = PAGE) -> str:
    r = await client.get(page)
    assert r.status_code == 200, r.text
    match = re.search(r'name="csrf_token" value="([^"]+)"', r.text)
    assert match
    return match.group(1)


class TestApi:
    async def test_admins_read_and_replace_the_list(self, client: httpx.AsyncClient, ada: Any) -> None:
        pairs = [{"fr": "référencement", "en": "SEO"}, {"fr": "  relations presse ", "en": "press relations"}]
        r = await client.put(SYNONYMS, json={"synonyms": pairs}, headers=ada.headers)
        assert r.status_code == 200, r.text
        expected = {"synonyms": [{"fr": "référencement", "en": "SEO"}, {"fr": "relations presse", "en": "press relations"}]}
        assert r.json() == expected
        assert (await client.get(SYNONYMS, headers=ada.headers)).json() == expected

    async def test_other_members_get_403(self, client: httpx.AsyncClient, ada: Any, anna: Any) -> None:
        assert (await client.get(SYNONYMS, headers=anna.headers)).status_code == 403
        r = await client.put(SYNONYMS, json={"synonyms": []}, headers=anna.headers)
        assert r.status_code == 403 and "administrators" in r.json()["detail"]
        assert (await client.get(SYNONYMS)).status_code == 401

    @pytest.mark.parametrize("pairs", [
        [{"fr": "", "en": "SEO"}],
        [{"fr": "x" * 61, "en": "SEO"}],
        [{"fr": "réf\x00", "en": "SEO"}],
        [{"fr": "de la", "en": "of the"}],  # only stop words: could never match anything
        [{"fr": "référencement", "en": "SEO"}, {"fr": "Référencement", "en": "seo"}],
        [{"fr": f"a{i}", "en": f"b{i}"} for i in range(501)],
        [{"fr": "référencement"}],
    ])
    async def test_bad_lists_are_422_and_change_nothing(self, client: httpx.AsyncClient, ada: Any,
                                                        pairs: list[dict[str, str]]) -> None:
        keep = {"synonyms": [{"fr": "veille", "en": "market watch"}]}
        assert (await client.put(SYNONYMS, json=keep, headers=ada.headers)).status_code == 200
        r = await client.put(SYNONYMS, json={"synonyms": pairs}, headers=ada.headers)
        assert r.status_code == 422 and r.json()["detail"]
        assert (await client.get(SYNONYMS, headers=ada.headers)).json() == keep


class TestPage:
    async def test_admins_edit_the_list_as_lines(self, ada: Any, page_client: Any) -> None:
        browser = page_client(ada, "fr")
        token = await _csrf(browser)
        r = await browser.post(PAGE, data={"csrf_token": token, "synonyms": "référencement = SEO\n\nRGPD=GDPR\n"})
        assert r.status_code == 303 and r.headers["location"] == PAGE
        page = await browser.get(PAGE)
        assert "Synonymes de compétences" in page.text
        assert "référencement = SEO\nRGPD = GDPR</textarea>" in page.text

    async def test_a_bad_line_keeps_the_text_and_says_which(self, ada: Any, page_client: Any) -> None:
        browser = page_client(ada, "fr")
        token = await _csrf(browser)
        typed = "référencement = SEO\nrelations presse press relations"
        r = await browser.post(PAGE, data={"csrf_token": token, "synonyms": typed})
        assert r.status_code == 422
        assert "Ligne 2" in r.text and f">{typed}</textarea>" in r.text
        assert 'aria-invalid="true"' in r.text

    async def test_other_members_get_403(self, client: httpx.AsyncClient, ada: Any, anna: Any,
                                         page_client: Any) -> None:
        browser = page_client(anna)
        assert (await browser.get(PAGE)).status_code == 403
        token = await _csrf(browser, "/people/me/edit")  # her own valid form token
        r = await browser.post(PAGE, data={"csrf_token": token, "synonyms": "a = b"})
        assert r.status_code == 403
        assert (await client.get(SYNONYMS, headers=ada.headers)).json() == {"synonyms": []}

    async def test_the_accounts_page_links_to_it(self, ada: Any, page_client: Any) -> None:
        assert f'href="{PAGE}"' in (await page_client(ada).get("/admin/users")).text


def test_the_migration_seeds_the_demo_skills(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'seeded.db'}"
    upgrade(async_url(url))
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        rows = conn.execute(sa.text("SELECT french, english FROM skill_synonyms ORDER BY position")).all()
    engine.dispose()
    assert ("référencement", "SEO") in rows and ("relations presse", "press relations") in rows
    assert ("communication interne", "internal communication") in rows
    terms = {synonym_key(term) for row in rows for term in row}
    demo_skills = {synonym_key(skill) for member in MEMBERS for skill in member.skills}
    covered = demo_skills & terms
    assert len(covered) >= 50, sorted(demo_skills - terms)
