"""Cards and pages (issue 19, point 7): topics and mentions once per card, a bio in Markdown, "Reply" without a
jump (a link to a reply form), the topic page's columns, the search filters folded behind "Filters"."""

import re

import pytest

from tests.pages.conftest import csrf_of


@pytest.fixture
async def alice(member_browser):
    return await member_browser("Alice Autrice")


@pytest.fixture
async def bob(alice, member_browser):
    return await member_browser("Bob Bavard")


async def _post(client, member, body, **extra):
    r = await client.post("/api/v1/posts", json={"body": body, **extra}, headers=member.headers)
    assert r.status_code == 201, r.text
    return r.json()


class TestTopicsAndMentionsOnce:
    async def test_each_appears_once_in_the_card_and_the_api_is_unchanged(self, alice, bob, client):
        member, a = alice
        bob_member, _ = bob
        post = await _post(client, member, f"Lancement #Produit avec @{bob_member.handle} demain")
        home = (await a.get("/")).text
        card = home[home.index(f'id="post-{post["id"]}"'):]
        card = card[:card.index("</article>")]
        assert card.count('href="/topics/produit"') == 1
        assert card.count(f'href="/people/{bob_member.handle}"') == 1
        assert "Mentioned:" not in card
        api = (await client.get(f"/api/v1/posts/{post['id']}", headers=member.headers)).json()
        assert api["topics"] == ["produit"] and [m["handle"] for m in api["mentions"]] == [bob_member.handle]


class TestBio:
    async def test_profile_shows_the_bio_as_markdown_sanitized(self, alice, bob, client):
        member, _ = alice
        _, b = bob
        bio = "Data **engineer**\n\n- Python\n- SQL\n\n[site](https://example.com) <script>alert(1)</script>"
        r = await client.patch("/api/v1/users/me", json={"bio": bio}, headers=member.headers)
        assert r.status_code == 200
        assert "<strong>engineer</strong>" in r.json()["bio_html"] and r.json()["bio"] == bio
        page = (await b.get(f"/people/{member.handle}")).text
        assert "<strong>engineer</strong>" in page and "<li>Python</li>" in page
        assert 'href="https://example.com"' in page and "<script>alert" not in page
        other = (await client.get(f"/api/v1/users/{member.id}", headers=member.headers)).json()
        assert other["bio_html"] == r.json()["bio_html"]
        listed = (await client.get("/api/v1/users", headers=member.headers)).json()["items"]
        assert {p["handle"]: p["bio_html"] for p in listed}[member.handle] == other["bio_html"]

    async def test_an_empty_bio_is_empty(self, alice, client):
        member, a = alice
        assert (await client.get("/api/v1/users/me", headers=member.headers)).json()["bio_html"] == ""
        assert "No presentation yet." in (await a.get("/people/me", follow_redirects=True)).text


class TestReplyLink:
    async def test_reply_is_a_link_to_a_form_answering_the_comment(self, alice, bob, client):
        member, a = alice
        _, b = bob
        post = await _post(client, member, "Qui vient ?")
        url = f"/posts/{post['id']}"
        r = await b.post_form(url, f"{url}/comments", {"body": "Moi"})
        comment_id = int(r.headers["location"].rsplit("-", 1)[1])
        page = (await a.get(url)).text
        assert f'href="{url}?reply={comment_id}#comment-form"' in page
        assert "<details class=\"reply\"" not in page
        form_page = (await a.get(f"{url}?reply={comment_id}")).text
        form = form_page[form_page.index('id="comment-form"'):]
        form = form[:form.index("</form>")]
        assert f'name="parent_id" value="{comment_id}"' in form and "Your reply to Bob Bavard" in form
        r = await a.client.post(f"{url}/comments", data={"body": "Super", "parent_id": str(comment_id),
                                                          "csrf_token": csrf_of(form_page)})
        assert r.status_code == 303
        comments = (await client.get(f"/api/v1{url}/comments", headers=member.headers)).json()["items"]
        assert [(c["body"], c["parent_id"]) for c in comments] == [("Moi", None), ("Super", comment_id)]

    @pytest.mark.parametrize("reply", ["abc", "999999", "1" * 30])
    async def test_an_odd_reply_parameter_is_harmless(self, alice, client, reply):
        member, a = alice
        post = await _post(client, member, "Sujet")
        r = await a.get(f"/posts/{post['id']}", params={"reply": reply})
        assert r.status_code in (200, 422) and "Your reply to" not in r.text


class TestTopicPage:
    async def test_has_the_columns_of_the_other_feeds(self, alice, client):
        member, a = alice
        await _post(client, member, "Un message #lancement")
        page = (await a.get("/topics/lancement")).text
        assert 'class="columns columns-main' in page and "narrow-column" not in page
        assert 'href="/search?q=lancement"' in page


class TestSearchFilters:
    async def test_filters_fold_behind_a_summary_open_when_used(self, alice):
        _, a = alice
        page = (await a.get("/search", params={"q": "projet"})).text
        assert re.search(r'<details class="search-more">\s*<summary[^>]*>\s*Filters', page)
        used = (await a.get("/search", params={"q": "projet", "author": "bob"})).text
        assert '<details class="search-more" open>' in used
