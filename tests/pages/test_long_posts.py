"""Long texts on pages: never cut in the browser (no maxlength), refused by the server with a message that keeps the
text; long posts folded in feeds ("Read more"), whole on their page."""

import re

import pytest

from app.posts.cards import folds
from app.posts.schemas import MAX_COMMENT_BODY, MAX_POST_BODY, MAX_TITLE
from tests.pages.conftest import csrf_of

KEY_RE = re.compile(r'name="idempotency_key" value="([^"]+)"')
LONG = "\n\n".join(f"Paragraphe {i} : " + "mot " * 30 for i in range(20))  # ~ 40 wrapped lines


@pytest.fixture
async def alice(member_browser):
    return await member_browser("Alice Autrice")


async def _publish(b, **fields):
    page = await b.get("/")
    data = {"title": "", "body": "Bonjour", "group_id": "", "kind": "discussion", "next": "/",
            "idempotency_key": KEY_RE.search(page.text).group(1), "csrf_token": csrf_of(page.text), **fields}
    return await b.client.post("/posts", data=data)


async def _feed(client, member):
    return (await client.get("/api/v1/feed", headers=member.headers)).json()["items"]


class TestNoTruncationInTheBrowser:
    async def test_text_fields_have_a_counter_and_no_maxlength(self, alice, client):
        member, b = alice
        home = (await b.get("/")).text
        body = re.search(r"<textarea id=\"f-body\"[^>]*>", home).group(0)
        title = re.search(r"<input id=\"f-title\"[^>]*>", home).group(0)
        assert "maxlength" not in body and f'data-limit="{MAX_POST_BODY}"' in body
        assert "maxlength" not in title and f'data-limit="{MAX_TITLE}"' in title
        post = (await client.post("/api/v1/posts", json={"body": "Un message"}, headers=member.headers)).json()
        page = (await b.get(f"/posts/{post['id']}")).text
        comment = re.search(r"<textarea id=\"f-comment\"[^>]*>", page).group(0)
        assert "maxlength" not in comment and f'data-limit="{MAX_COMMENT_BODY}"' in comment
        edit = (await b.get(f"/posts/{post['id']}/edit")).text
        assert "maxlength" not in re.search(r"<textarea id=\"f-body\"[^>]*>", edit).group(0)


class TestOverLongTextIsRefusedAndKept:
    async def test_post_body_over_the_limit_keeps_the_text(self, alice, client):
        member, b = alice
        body = "Début du message. " + "x" * MAX_POST_BODY + " FIN-DU-TEXTE"
        r = await _publish(b, body=body, title="Mon titre")
        assert r.status_code == 422
        assert "FIN-DU-TEXTE</textarea>" in r.text and 'value="Mon titre"' in r.text
        assert f"This text has {len(body):,} characters; the limit is 20,000." in r.text
        assert 'id="f-body" name="body"' in r.text and 'aria-invalid="true"' in r.text
        assert await _feed(client, member) == []

    async def test_in_french_the_numbers_are_french(self, member_browser):
        _, b = await member_browser("Amélie Auteure", lang="fr")
        r = await _publish(b, body="y" * (MAX_POST_BODY + 1))
        assert r.status_code == 422
        assert re.search("20[\u00a0\u202f]001", r.text) and re.search("20[\u00a0\u202f]000", r.text)
        assert "Ce texte" in r.text

    async def test_line_ends_count_once(self, alice, client):
        member, b = alice
        body = "\r\n".join(["ligne"] * 3000)  # 20,999 characters with CRLF, 17,999 as typed
        r = await _publish(b, body=body)
        assert r.status_code == 303
        assert (await _feed(client, member))[0]["body"] == body.replace("\r\n", "\n")

    async def test_title_over_the_limit_keeps_the_text(self, alice):
        _, b = alice
        r = await _publish(b, body="Court", title="T" * (MAX_TITLE + 5))
        assert r.status_code == 422
        assert 'value="' + "T" * (MAX_TITLE + 5) + '"' in r.text and "the limit is 200" in r.text

    async def test_edit_over_the_limit_keeps_the_text(self, alice, client):
        member, b = alice
        post = (await client.post("/api/v1/posts", json={"body": "Avant"}, headers=member.headers)).json()
        url = f"/posts/{post['id']}/edit"
        r = await b.post_form(url, url, {"title": "", "body": "z" * MAX_POST_BODY + "END"})
        assert r.status_code == 422 and "zEND</textarea>" in r.text and "the limit is 20,000" in r.text
        assert (await client.get(f"/api/v1/posts/{post['id']}", headers=member.headers)).json()["body"] == "Avant"

    async def test_comment_over_the_limit_keeps_the_text(self, alice, client):
        member, b = alice
        post = (await client.post("/api/v1/posts", json={"body": "Sujet"}, headers=member.headers)).json()
        url = f"/posts/{post['id']}"
        r = await b.post_form(url, f"{url}/comments", {"body": "c" * MAX_COMMENT_BODY + "QUEUE"})
        assert r.status_code == 422 and "cQUEUE</textarea>" in r.text and "the limit is 5,000" in r.text

    async def test_the_api_answers_422_with_a_message(self, alice, client):
        member, _ = alice
        r = await client.post("/api/v1/posts", json={"body": "x" * (MAX_POST_BODY + 1)}, headers=member.headers)
        assert r.status_code == 422 and "20000" in r.text
        post = (await client.post("/api/v1/posts", json={"body": "Sujet"}, headers=member.headers)).json()
        r = await client.post(f"/api/v1/posts/{post['id']}/comments", json={"body": "x" * (MAX_COMMENT_BODY + 1)},
                              headers=member.headers)
        assert r.status_code == 422 and "5000" in r.text


class TestFold:
    def test_folds_by_the_text_alone(self):
        assert folds(LONG)
        assert folds("x" * 2000)  # one long paragraph
        assert not folds("Un message court.\n\nSur deux paragraphes.")
        assert not folds("\n".join(["ligne"] * 14))

    async def test_long_post_is_folded_in_feeds_and_whole_on_its_page(self, alice, client):
        member, b = alice
        long_post = (await client.post("/api/v1/posts", json={"body": LONG + "\n\nDernière phrase.", "title": "Long"},
                                       headers=member.headers)).json()
        short = (await client.post("/api/v1/posts", json={"body": "Court."}, headers=member.headers)).json()
        home = (await b.get("/")).text
        assert f'class="post-body is-folded" id="post-{long_post["id"]}-body"' in home
        assert f'href="/posts/{long_post["id"]}" data-fold="post-{long_post["id"]}-body"' in home
        assert "Read more" in home and "Dernière phrase." in home  # clipped by CSS, not cut
        assert f'class="post-body" id="post-{short["id"]}-body"' in home
        assert home.count("Read more") == 1
        page = (await b.get(f"/posts/{long_post['id']}")).text
        assert "is-folded" not in page and "Read more" not in page and "Dernière phrase." in page
        fragment = (await b.get(f"/fragments/posts/{long_post['id']}")).text
        assert "is-folded" in fragment

    async def test_the_fold_is_the_same_for_every_viewer(self, alice, member_browser, client):
        member, a = alice
        _, bob = await member_browser("Bob Lecteur", lang="fr")
        post = (await client.post("/api/v1/posts", json={"body": LONG}, headers=member.headers)).json()
        for b, label in ((a, "Read more"), (bob, "Lire la suite")):
            html = (await b.get("/")).text
            assert f'class="post-body is-folded" id="post-{post["id"]}-body"' in html and label in html
