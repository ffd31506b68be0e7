"""GET /api/v1/search: stemming and accents, visibility, filters, snippets, paging, limits."""

from typing import Any

import httpx
import pytest

from tests.search.conftest import SEARCH, ids


class TestLanguage:
    @pytest.mark.parametrize("query", ["communauté", "communautés", "communaute", "COMMUNAUTES"])
    async def test_accents_and_plural_find_communaute(self, anna: Any, make_post: Any, index_now: Any,
                                                      search: Any, query: str) -> None:
        post = await make_post(anna, "La communauté des développeurs se réunit jeudi.")
        await make_post(anna, "Rien à voir ici.")
        await index_now()
        assert ids(await search(anna, query), "post") == [post["id"]]

    @pytest.mark.parametrize("query", ["benchmarking", "benchmarks", "benchmark"])
    async def test_english_stems_meet(self, anna: Any, make_post: Any, index_now: Any, search: Any,
                                      query: str) -> None:
        post = await make_post(anna, "We published new benchmarks for the search engine.")
        await index_now()
        assert ids(await search(anna, query), "post") == [post["id"]]

    async def test_french_stems_meet(self, anna: Any, make_post: Any, index_now: Any, search: Any) -> None:
        post = await make_post(anna, "Atelier pour les développeurs")
        await index_now()
        assert ids(await search(anna, "développeur"), "post") == [post["id"]]
        assert ids(await search(anna, "developpeurs"), "post") == [post["id"]]
