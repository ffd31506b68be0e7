"""Search answers questions (issue 19, point 4): stop words of both languages are left out, words are joined with OR
and ranked by how many of them a document holds, and skills meet their translation through the admins' synonyms."""

from typing import Any

import httpx
import pytest

from tests.search.conftest import ids

SYNONYMS = "/api/v1/admin/skill-synonyms"
USERS = "/api/v1/users"
PAIRS = [{"fr": "référencement", "en": "SEO"}, {"fr": "relations presse", "en": "press relations"},
         {"fr": "communication interne", "en": "internal communication"}]



@pytest.fixture
async def synonyms(client: httpx.AsyncClient, ada: Any) -> None:
    r = await client.put(SYNONYMS, json={"synonyms": PAIRS}, headers=ada.headers)
    assert r.status_code == 200, r.text


class TestQuestions:
    @pytest.mark.parametrize("question", ["qui connaît le SEO", "Qui connaît le SEO ?", "who knows about SEO",
                                          "Who knows about SEO?"])
    async def test_a_question_finds_what_answers_part_of_it(self, anna: Any, make_post: Any, index_now: Any,
                                                           search: Any, question: str) -> None:
        post = await make_post(anna, "Notre audit SEO du site carrières est prêt.")
        await make_post(anna, "Rien à voir ici.")
        await index_now()
        assert ids(await search(anna, question), "post") == [post["id"]]

    @pytest.mark.parametrize("query", ["budget de la communication interne 2027", "the internal budget for 2027"])
    async def test_partial_matches_in_both_languages(self, anna: Any, make_post: Any, index_now: Any, search: Any,
                                                     query: str) -> None:
        post = await make_post(anna, "Le budget est validé.")
        other = await make_post(anna, "Nothing here matches.")
        await index_now()
        found = ids(await search(anna, query), "post")
        assert post["id"] in found and other["id"] not in found

    async def test_every_word_comes_before_fewer_words(self, anna: Any, make_post: Any, index_now: Any,
                                                       search: Any) -> None:
        # The one-word post is newer, shorter and repeats its word: BM25 and recency alone would put it first.
        both = await make_post(anna, "Retour d'expérience long et détaillé : " + "notes diverses, " * 30
                               + "la newsletter et le podcast de l'équipe communication.")
        newsletter = await make_post(anna, "Newsletter newsletter newsletter !")
        podcast = await make_post(anna, "Podcast.")
        await index_now()
        found = ids(await search(anna, "qui fait la newsletter et le podcast ?"), "post")
        assert found[0] == both["id"]
        assert set(found) == {both["id"], newsletter["id"], podcast["id"]}
        scores = [i["score"] for i in (await search(anna, "newsletter podcast")).json()["items"]]
        assert scores == sorted(scores, reverse=True) and scores[0] >= 2 > scores[1]  # the score says it too

    async def test_stop_words_alone_search_nothing(self, anna: Any, make_post: Any, index_now: Any,
                                                   search: Any) -> None:
        await make_post(anna, "Qui est là ? The one who was there.")
        await index_now()
        r = await search(anna, "qui the")
        assert r.status_code == 200 and r.json()["items"] == []

    async def test_words_that_are_stop_words_in_one_language_only_stay_searchable(
        self, anna: Any, make_post: Any, index_now: Any, search: Any,
    ) -> None:
        post = await make_post(anna, "Mon fils a rejoint le service IT, son équipe recrute en C.")
        await index_now()
        for word in ("IT", "son", "C"):
            assert ids(await search(anna, word), "post") == [post["id"]], word

    async def test_explicit_and_still_requires_every_word(self, anna: Any, make_post: Any, index_now: Any,
                                                          search: Any) -> None:
        both = await make_post(anna, "Budget et planning du séminaire")
        await make_post(anna, "Budget seul")
        await index_now()
        assert ids(await search(anna, "budget AND planning"), "post") == [both["id"]]

    async def test_a_private_post_never_answers_an_outsider(
        self, anna: Any, olga: Any, make_group: Any, make_post: Any, index_now: Any, search: Any,
    ) -> None:
        group = await make_group(anna, "Marketing secret", "private")
        hidden = await make_post(anna, "Le plan SEO confidentiel", group_id=group["id"])
        await index_now()
        assert ids(await search(olga, "qui connaît le SEO")) == []
        assert ids(await search(anna, "qui connaît le SEO"), "post") == [hidden["id"]]


class TestPeopleAcrossLanguages:
    @pytest.fixture
    async def people(self, register: Any, synonyms: None, index_now: Any) -> dict[str, Any]:
        members = {
            "lea": await register("Léa Martin", "lea@example.com", skills=["Référencement", "Excel"]),
            "tom": await register("Tom Baker", "tom@example.com", skills=["press relations"]),
            "ines": await register("Inès Duval", "ines@example.com", skills=["Communication interne"]),
            "paul": await register("Paul Simon", "paul@example.com", skills=["SEO"]),
        }
        await index_now()
        return members

    @staticmethod
    def _names(response: httpx.Response) -> list[str]:
        assert response.status_code == 200, response.text
        return sorted(u["display_name"] for u in response.json()["items"])

    @pytest.mark.parametrize("question", ["who knows about SEO", "qui connaît le SEO ?", "référencement",
                                          "quelqu'un connaît le référencement ?"])
    async def test_the_directory_answers_in_either_language(self, client: httpx.AsyncClient, anna: Any,
                                                            people: Any, question: str) -> None:
        r = await client.get(USERS, params={"q": question}, headers=anna.headers)
        assert self._names(r) == ["Léa Martin", "Paul Simon"]

    @pytest.mark.parametrize(("query", "name"), [("relations presse", "Tom Baker"),
                                                 ("who knows internal communication?", "Inès Duval"),
                                                 ("communication interne", "Inès Duval")])
    async def test_expressions_meet_their_translation(self, client: httpx.AsyncClient, anna: Any, people: Any,
                                                      query: str, name: str) -> None:
        assert self._names(await client.get(USERS, params={"q": query}, headers=anna.headers)) == [name]

    @pytest.mark.parametrize("skill", ["SEO", "seo", "Référencement", "referencement"])
    async def test_the_skill_filter_meets_the_translation(self, client: httpx.AsyncClient, anna: Any, people: Any,
                                                          skill: str) -> None:
        r = await client.get(USERS, params={"skill": skill}, headers=anna.headers)
        assert self._names(r) == ["Léa Martin", "Paul Simon"]

    async def test_a_name_is_still_found_as_typed(self, client: httpx.AsyncClient, anna: Any, people: Any) -> None:
        assert self._names(await client.get(USERS, params={"q": "Léa Martin"}, headers=anna.headers)) == ["Léa Martin"]
        assert self._names(await client.get(USERS, params={"q": "baker"}, headers=anna.headers)) == ["Tom Baker"]

    async def test_without_the_synonym_the_translation_is_not_found(self, client: httpx.AsyncClient, ada: Any,
                                                                     anna: Any, people: Any) -> None:
        assert (await client.put(SYNONYMS, json={"synonyms": []}, headers=ada.headers)).status_code == 200
        assert self._names(await client.get(USERS, params={"q": "who knows about SEO"},
                                            headers=anna.headers)) == ["Paul Simon"]

    async def test_the_search_finds_people_by_translated_skill(self, anna: Any, people: Any, search: Any) -> None:
        r = await search(anna, "who knows about SEO", type="user")
        assert set(ids(r, "user")) == {people["lea"].id, people["paul"].id}
        r = await search(anna, "qui connaît les relations presse ?", type="user")
        assert ids(r, "user") == [people["tom"].id]

    async def test_the_people_page_answers_the_question(self, page_client: Any, anna: Any, people: Any) -> None:
        r = await page_client(anna, "fr").get("/people", params={"q": "qui connaît le SEO ?"})
        assert r.status_code == 200
        assert "Léa Martin" in r.text and "Paul Simon" in r.text and "Tom Baker" not in r.text
