"""The results page (/search), the header search box and GET /api/v1/search/suggest."""

from typing import Any

import httpx
import pytest

from tests.search.conftest import ids


class TestResultsPage:
    async def test_results_with_tabs_filters_and_escaped_snippets(
        self, anna: Any, make_post: Any, make_group: Any, index_now: Any, page_client: Any
    ) -> None:
        group = await make_group(anna, "Apiculture", "public")
        post = await make_post(anna, "<img src=x onerror=alert(1)> Les abeilles butinent", group_id=group["id"],
                               title="Abeilles")
        await index_now()
        r = await page_client(anna).get("/search", params={"q": "abeille"})
        assert r.status_code == 200
        html = r.text
        assert f'href="/posts/{post["id"]}"' in html and "Abeilles" in html
        assert "<mark>abeilles</mark>" in html
        assert "<img src=x" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html
        for tab in ("All", "Posts", "Comments", "People", "Groups"):
            assert f">{tab}</a>" in html
        assert 'aria-current="page">All</a>' in html
        assert f'<option value="{group["id"]}">Apiculture</option>' in html
        assert 'type="date"' in html and 'name="author"' in html
        assert 'id="search-box-input"' in html and 'value="abeille"' in html  # header box keeps the words
        assert "<script>" not in html  # no inline script (CSP): search.js is an external file

    async def test_people_tab_and_author_filter(
        self, anna: Any, olga: Any, make_post: Any, index_now: Any, page_client: Any
    ) -> None:
        await make_post(anna, "Olga écrit sur les olives")
        mine = await make_post(olga, "Mes olives")
        await index_now()
        r = await page_client(anna).get("/search", params={"q": "olga", "type": "user"})
        assert r.status_code == 200 and f'href="/people/{olga.handle}"' in r.text and "/posts/" not in r.text
        r = await page_client(anna).get("/search", params={"q": "olives", "author": olga.handle})
        assert f'href="/posts/{mine["id"]}"' in r.text and r.text.count('class="card search-result') == 1
        r = await page_client(anna).get("/search", params={"q": "olives", "author": "nobody-here"})
        assert r.status_code == 422 and "Nobody has this handle." in r.text

    async def test_french_page_and_errors(self, anna: Any, page_client: Any) -> None:
        client = page_client(anna, "fr")
        r = await client.get("/search", params={"q": "mot " * 20})
        assert r.status_code == 422
        assert "La recherche contient plus de 16 mots." in r.text
        r = await client.get("/search", params={"q": "introuvable"})
        assert r.status_code == 200
        assert "Publications" in r.text and "Personnes" in r.text and "Aucun résultat" in r.text

    async def test_empty_page_has_the_form_only(self, anna: Any, page_client: Any) -> None:
        r = await page_client(anna).get("/search")
        assert r.status_code == 200 and 'name="q"' in r.text and "search-tabs" not in r.text

    async def test_signed_out_visitor_is_sent_to_sign_in(self, app: Any) -> None:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver",
                                     headers={"Accept": "text/html"}) as client:
            r = await client.get("/search", params={"q": "x"})
        assert r.status_code == 303 and r.headers["location"].startswith("/signin")

    @pytest.mark.parametrize("params", [{"q": "a" * 300}, {"q": "x", "since": "not-a-date"}, {"q": "x", "group": "abc"},
                                        {"q": "x", "type": "nonsense"}, {"q": "x", "cursor": "%%%"}])
    async def test_bad_input_is_never_a_500(self, anna: Any, page_client: Any, params: dict[str, str]) -> None:
        r = await page_client(anna).get("/search", params=params)
        assert r.status_code in (200, 422)


class TestSuggest:
    async def test_people_and_groups_by_prefix_without_secret_groups(
        self, client: httpx.AsyncClient, anna: Any, olga: Any, register: Any, make_group: Any, index_now: Any
    ) -> None:
        marie = await register("Marie-Hélène Durand", "mh@example.com")
        public = await make_group(anna, "Marketing digital", "public", "Campagnes")
        await make_group(anna, "Marché secret", "secret")
        await index_now()
        r = await client.get("/api/v1/search/suggest", params={"q": "mar"}, headers=olga.headers)
        assert r.status_code == 200
        found = {(i["type"], i["id"]) for i in r.json()["items"]}
        assert found == {("user", marie.id), ("group", public["id"])}
        r = await client.get("/api/v1/search/suggest", params={"q": "marie-he"}, headers=olga.headers)
        [item] = r.json()["items"]
        assert item == {"type": "user", "id": marie.id, "title": "Marie-Hélène Durand", "subtitle": "",
                        "url": f"/people/{marie.handle}"}
        r = await client.get("/api/v1/search/suggest", params={"q": "marc"}, headers=anna.headers)
        assert {i["type"] for i in r.json()["items"]} == {"group"}  # the secret group, for its animator

    @pytest.mark.parametrize("q", ["", "*", "a" * 257, "x\x00", "(((", "[a TO z]"])
    async def test_odd_input(self, client: httpx.AsyncClient, anna: Any, q: str) -> None:
        r = await client.get("/api/v1/search/suggest", params={"q": q}, headers=anna.headers)
        assert r.status_code in (200, 422)
        if r.status_code == 200:
            assert r.json()["items"] == []


class TestSkillSearch:
    async def test_user_ids_for_skill_folds_stems_and_rechecks_the_database(
        self, app: Any, client: httpx.AsyncClient, register: Any, runtime: Any, index_now: Any
    ) -> None:
        from app.search import service

        zoe = await register("Zoé", "zoe@example.com", skills=["Communautés", "Gestion de projet"])
        await register("Paul", "paul@example.com", skills=["Finance"])
        await index_now()
        async with app.state.runtime.sessionmaker() as session:
            assert await service.user_ids_for_skill(session, runtime, "communaute") == [zoe.id]
            assert await service.user_ids_for_skill(session, runtime, "projets") == [zoe.id]
            assert await service.user_ids_for_skill(session, runtime, "cuisine") == []
            assert await service.user_ids_for_skill(session, None, "communaute") is None
        r = await client.patch("/api/v1/users/me", json={"skills": ["Cuisine"]}, headers=zoe.headers)
        assert r.status_code == 200
        async with app.state.runtime.sessionmaker() as session:  # index not updated yet: the database decides
            assert await service.user_ids_for_skill(session, runtime, "communaute") == []

    async def test_directory_skill_filter_uses_the_index(
        self, client: httpx.AsyncClient, register: Any, runtime: Any, index_now: Any
    ) -> None:
        zoe = await register("Zoé", "zoe@example.com", skills=["Communautés"])
        await index_now()
        r = await client.get("/api/v1/users", params={"skill": "communaute"}, headers=zoe.headers)
        assert r.status_code == 200
        assert [u["id"] for u in r.json()["items"]] == [zoe.id]


def test_ids_helper_refuses_errors() -> None:
    response = httpx.Response(422, json={"detail": "x"})
    with pytest.raises(AssertionError):
        ids(response)
