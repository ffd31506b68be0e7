"""Post pages without JavaScript: publishing from the composer (idempotent, errors keep the text), the post page
with comments and replies, reaction forms (303 or JSON), edit, delete, and the fragments used by live updates."""

import asyncio
import re

import pytest

from tests.pages.conftest import csrf_of

POSTS = "/api/v1/posts"
KEY_RE = re.compile(r'name="idempotency_key" value="([^"]+)"')


@pytest.fixture
async def alice(member_browser):
    return await member_browser("Alice Autrice")  # first account: admin


@pytest.fixture
async def bob(alice, member_browser):
    return await member_browser("Bob Bavard")


@pytest.fixture
async def carl(bob, member_browser):
    return await member_browser("Carl Curieux")


async def _feed_ids(client, member):
    r = await client.get("/api/v1/feed", headers=member.headers)
    return [p["id"] for p in r.json()["items"]]


async def _publish(b, **fields):
    page = await b.get("/")
    data = {"title": "", "body": "Bonjour", "group_id": "", "kind": "discussion", "next": "/",
            "idempotency_key": KEY_RE.search(page.text).group(1), "csrf_token": csrf_of(page.text), **fields}
    return await b.client.post("/posts", data=data), data


async def _api_post(client, member, body="Un message", **extra):
    r = await client.post(POSTS, json={"body": body, **extra}, headers=member.headers)
    assert r.status_code == 201, r.text
    return r.json()


class TestPublish:
    async def test_form_publishes_and_redirects_to_the_feed(self, alice, client):
        member, b = alice
        r, _ = await _publish(b, title="Bienvenue", body="Premier message #Accueil", kind="question")
        assert r.status_code == 303
        ids = await _feed_ids(client, member)
        assert len(ids) == 1 and r.headers["location"] == f"/#post-{ids[0]}"
        post = (await client.get(f"{POSTS}/{ids[0]}", headers=member.headers)).json()
        assert (post["title"], post["kind"], post["topics"], post["group"]) == ("Bienvenue", "question", ["accueil"], None)
        page = await b.get("/")
        assert "Your post is published." in page.text and "Premier message" in page.text

    async def test_double_submit_with_the_same_key_creates_one_post(self, alice, client):
        member, b = alice
        first, data = await _publish(b, body="Une seule fois")
        again = await b.client.post("/posts", data=data)
        assert first.status_code == again.status_code == 303
        assert first.headers["location"] == again.headers["location"]
        assert len(await _feed_ids(client, member)) == 1
        assert "This post was already published." in (await b.get("/")).text

    async def test_simultaneous_double_submit_creates_one_post(self, alice, client):
        member, b = alice
        page = await b.get("/")
        data = {"title": "", "body": "Cliqué deux fois", "group_id": "", "kind": "discussion", "next": "/",
                "idempotency_key": KEY_RE.search(page.text).group(1), "csrf_token": csrf_of(page.text)}
        first, second = await asyncio.gather(b.client.post("/posts", data=data), b.client.post("/posts", data=data))
        assert sorted([first.status_code, second.status_code]) in ([303, 303], [303, 409])
        assert len(await _feed_ids(client, member)) == 1

    async def test_each_rendered_form_has_its_own_key(self, alice):
        _, b = alice
        keys = {KEY_RE.search((await b.get("/")).text).group(1) for _ in range(3)}
        assert len(keys) == 3

    async def test_empty_body_422_keeps_the_title(self, alice, client):
        member, b = alice
        r, _ = await _publish(b, title="Mon <titre>", body="   ")
        assert r.status_code == 422
        assert 'value="Mon &lt;titre&gt;"' in r.text
        assert "Write your message before publishing." in r.text and 'aria-invalid="true"' in r.text
        assert await _feed_ids(client, member) == []

    async def test_duplicate_body_409_keeps_the_text(self, alice, client):
        member, b = alice
        await _publish(b, body="Même texte")
        r, _ = await _publish(b, body="Même texte", title="Encore")
        assert r.status_code == 409
        assert "You just published the same message." in r.text
        assert ">Même texte</textarea>" in r.text and 'value="Encore"' in r.text
        assert len(await _feed_ids(client, member)) == 1

    async def test_rate_limit_429_keeps_the_text_and_a_retry_works_later(self, alice, client, settings_override):
        member, b = alice
        settings_override(POST_INTERVAL_S=60)
        await _publish(b, body="Premier")
        r, data = await _publish(b, body="Deuxième trop tôt")
        assert r.status_code == 429 and "Retry-After" in r.headers
        assert "You are posting too fast" in r.text and ">Deuxième trop tôt</textarea>" in r.text
        new_key = KEY_RE.search(r.text).group(1)
        assert new_key != data["idempotency_key"]
        settings_override(POST_INTERVAL_S=0)
        again = await b.client.post("/posts", data={**data, "idempotency_key": new_key, "csrf_token": csrf_of(r.text)})
        assert again.status_code == 303
        assert len(await _feed_ids(client, member)) == 2

    async def test_a_refused_post_leaves_no_claim_of_its_idempotency_key(self, alice, client, settings_override):
        """The page raises its refusal (app.errors.Refused): the unit of work rolls the key's claim back, so the
        same key publishes once the member may post again."""
        member, b = alice
        settings_override(POST_INTERVAL_S=60)
        await _publish(b, body="Premier")
        r, data = await _publish(b, body="Refusé puis publié")
        assert r.status_code == 429
        settings_override(POST_INTERVAL_S=0)
        page = await b.client.get("/posts/new")
        again = await b.client.post("/posts", data={**data, "csrf_token": csrf_of(page.text)})  # the same key
        assert again.status_code == 303, again.text[:300]
        assert len(await _feed_ids(client, member)) == 2

    async def test_announcement_refused_for_a_member_keeps_the_text(self, alice, bob, client):
        bob_member, b = bob
        r, _ = await _publish(b, body="Grande annonce", kind="announcement")
        assert r.status_code == 403
        assert "You cannot publish this kind of post there." in r.text and ">Grande annonce</textarea>" in r.text
        assert await _feed_ids(client, bob_member) == []

    async def test_posting_in_a_group_from_its_page(self, alice, client):
        member, b = alice
        group = (await client.post("/api/v1/groups", json={"name": "Club Photo", "visibility": "private"},
                                   headers=member.headers)).json()
        page = await b.get("/groups/club-photo")
        data = {"body": "Expo vendredi", "group_id": str(group["id"]), "kind": "discussion", "title": "",
                "next": "/groups/club-photo", "idempotency_key": KEY_RE.search(page.text).group(1),
                "csrf_token": csrf_of(page.text)}
        r = await b.client.post("/posts", data=data)
        assert r.status_code == 303 and r.headers["location"].startswith("/groups/club-photo#post-")
        assert "Expo vendredi" in (await b.get("/groups/club-photo")).text

    async def test_without_csrf_403_and_nothing_posted(self, alice, client):
        member, b = alice
        r = await b.client.post("/posts", data={"body": "Forgé"})
        assert r.status_code == 403
        assert await _feed_ids(client, member) == []

    async def test_nul_byte_is_422(self, alice):
        _, b = alice
        r, _ = await _publish(b, body="a\x00b")
        assert r.status_code == 422


class TestPostPage:
    async def test_comments_oldest_first_with_replies_and_forms_without_js(self, alice, bob, client):
        member, a = alice
        _bob_member, b = bob
        post = await _api_post(client, member, "Qui vient à la réunion ?", title="Réunion")
        url = f"/posts/{post['id']}"
        r = await b.post_form(url, f"{url}/comments", {"body": "Moi, avec @alice.autrice"})
        assert r.status_code == 303 and re.fullmatch(rf"{url}#comment-\d+", r.headers["location"])
        first_id = int(r.headers["location"].rsplit("-", 1)[1])
        await a.post_form(url, f"{url}/comments", {"body": "Parfait, merci", "parent_id": str(first_id)})
        await a.post_form(url, f"{url}/comments", {"body": "Deuxième fil"})
        page = (await a.get(url)).text
        assert "<h1 class=\"post-title\">Réunion</h1>" in page
        assert page.index("Moi, avec") < page.index("Parfait, merci") < page.index("Deuxième fil")
        assert f'id="replies-{first_id}"' in page
        assert 'data-comment-count>3<' in page
        assert 'href="/people/alice.autrice" class="mention"' in page

    async def test_empty_comment_keeps_the_page(self, alice, client):
        member, a = alice
        post = await _api_post(client, member)
        r = await a.post_form(f"/posts/{post['id']}", f"/posts/{post['id']}/comments", {"body": "  "})
        assert r.status_code == 422
        assert "Write your comment before sending it." in r.text and "Un message" in r.text

    async def test_reply_error_keeps_the_reply(self, alice, client):
        member, a = alice
        post = await _api_post(client, member)
        r = await a.post_form(f"/posts/{post['id']}", f"/posts/{post['id']}/comments",
                              {"body": "Réponse perdue ?", "parent_id": "999999"})
        assert r.status_code == 422
        assert ">Réponse perdue ?</textarea>" in r.text and "Your reply" in r.text

    async def test_missing_post_is_the_404_page(self, alice):
        _, a = alice
        r = await a.get("/posts/999999")
        assert r.status_code == 404 and "<main" in r.text
        assert (await a.post_form("/", "/posts/999999/comments", {"body": "x"})).status_code == 404

    async def test_edit_and_delete_controls_follow_permissions(self, alice, bob, carl, client):
        _, a = alice
        bob_member, b = bob
        _, c = carl
        post = await _api_post(client, bob_member, "Message de Bob")
        url = f"/posts/{post['id']}"
        bob_page = (await b.get(url)).text
        assert f'href="{url}/edit"' in bob_page and f'action="{url}/delete"' in bob_page
        admin_page = (await a.get(url)).text  # the admin may delete, not edit
        assert f'href="{url}/edit"' not in admin_page and f'action="{url}/delete"' in admin_page
        assert f'action="{url}/delete"' not in (await c.get(url)).text
        assert (await c.post_form(url, f"{url}/delete")).status_code == 403
        assert (await c.get(f"{url}/edit")).status_code == 403
        assert (await c.post_form(url, f"{url}/edit", {"body": "Piraté"})).status_code == 403

    async def test_refused_delete_is_explained_in_french(self, bob, member_browser, client):
        bob_member, _ = bob
        post = await _api_post(client, bob_member, "Message de Bob")
        _, fr = await member_browser("Fanny Française", lang="fr-FR,fr;q=0.9")
        r = await fr.post_form(f"/posts/{post['id']}", f"/posts/{post['id']}/delete")
        assert r.status_code == 403
        assert "Vous ne pouvez pas supprimer ce message" in r.text

    async def test_author_edits_then_deletes(self, bob, client):
        bob_member, b = bob
        post = await _api_post(client, bob_member, "Premier jet")
        url = f"/posts/{post['id']}"
        form = await b.get(f"{url}/edit")
        assert ">Premier jet</textarea>" in form.text
        r = await b.post_form(f"{url}/edit", f"{url}/edit", {"title": "", "body": ""})
        assert r.status_code == 422 and "Write your message before publishing." in r.text
        r = await b.post_form(f"{url}/edit", f"{url}/edit", {"title": "Titre ajouté", "body": "Version finale"})
        assert r.status_code == 303 and r.headers["location"] == url
        page = (await b.get(url)).text
        assert "Version finale" in page and "Titre ajouté" in page and "· edited" in page
        r = await b.post_form(url, f"{url}/delete")
        assert r.status_code == 303 and r.headers["location"] == "/"
        assert (await b.get(url)).status_code == 404
        assert (await client.get(f"{POSTS}/{post['id']}", headers=bob_member.headers)).status_code == 404

    async def test_comment_delete(self, alice, bob, client):
        member, _a = alice
        bob_member, b = bob
        post = await _api_post(client, member)
        comment = (await client.post(f"{POSTS}/{post['id']}/comments", json={"body": "À effacer"},
                                     headers=bob_member.headers)).json()
        url = f"/posts/{post['id']}"
        assert f'action="/comments/{comment["id"]}/delete"' in (await b.get(url)).text
        r = await b.post_form(url, f"/comments/{comment['id']}/delete")
        assert r.status_code == 303
        page = (await b.get(url)).text
        assert "À effacer" not in page and "data-comment-count>0<" in page


class TestReactions:
    async def test_post_reaction_form_without_js(self, alice, bob, client):
        member, _ = alice
        _, b = bob
        post = await _api_post(client, member)
        r = await b.post_form("/", f"/posts/{post['id']}/reaction", {"state": "on", "next": "/"})
        assert r.status_code == 303 and r.headers["location"] == f"/#post-{post['id']}"
        page = (await b.get(f"/posts/{post['id']}")).text
        assert 'aria-pressed="true"' in page and "data-reaction-count>1<" in page
        assert 'name="state" value="off"' in page
        r = await b.post_form("/", f"/posts/{post['id']}/reaction", {"state": "off", "next": "//evil.example"})
        assert r.status_code == 303 and r.headers["location"] == f"/posts/{post['id']}#post-{post['id']}"
        api = (await client.get(f"{POSTS}/{post['id']}", headers=member.headers)).json()
        assert api["reaction_count"] == 0

    async def test_reaction_answers_json_for_the_script(self, alice, bob, client):
        member, _ = alice
        _, b = bob
        post = await _api_post(client, member)
        page = await b.get(f"/posts/{post['id']}")
        r = await b.client.post(f"/posts/{post['id']}/reaction", headers={"Accept": "application/json"},
                                data={"state": "on", "csrf_token": csrf_of(page.text)})
        assert r.status_code == 200 and r.json() == {"reaction_count": 1, "my_reaction": "like"}
        again = await b.client.post(f"/posts/{post['id']}/reaction", headers={"Accept": "application/json"},
                                    data={"state": "on", "csrf_token": csrf_of(page.text)})
        assert again.json() == {"reaction_count": 1, "my_reaction": "like"}

    async def test_reaction_without_csrf_403(self, alice, bob, client):
        member, _ = alice
        _, b = bob
        post = await _api_post(client, member)
        r = await b.client.post(f"/posts/{post['id']}/reaction", data={"state": "on"})
        assert r.status_code == 403
        assert (await client.get(f"{POSTS}/{post['id']}", headers=member.headers)).json()["reaction_count"] == 0

    async def test_comment_reaction_form_without_js(self, alice, bob, client):
        member, a = alice
        _, b = bob
        post = await _api_post(client, member)
        comment = (await client.post(f"{POSTS}/{post['id']}/comments", json={"body": "Bien vu"},
                                     headers=member.headers)).json()
        r = await b.post_form(f"/posts/{post['id']}", f"/comments/{comment['id']}/reaction", {"state": "on"})
        assert r.status_code == 303 and r.headers["location"] == f"/posts/{post['id']}#comment-{comment['id']}"
        assert "data-reaction-count>1<" in (await a.get(f"/posts/{post['id']}")).text


class TestFragments:
    async def test_post_and_comment_fragments(self, alice, client):
        member, a = alice
        post = await _api_post(client, member, "Fragment #live")
        comment = (await client.post(f"{POSTS}/{post['id']}/comments", json={"body": "Commentaire live"},
                                     headers=member.headers)).json()
        card = await a.get(f"/fragments/posts/{post['id']}")
        assert card.status_code == 200 and card.text.lstrip().startswith("<article")
        assert f'id="post-{post["id"]}" data-post-id="{post["id"]}"' in card.text and "<html" not in card.text
        item = await a.get(f"/fragments/comments/{comment['id']}")
        assert item.status_code == 200 and item.text.lstrip().startswith("<li")
        assert f'id="comment-{comment["id"]}"' in item.text and "Commentaire live" in item.text

    async def test_fragments_404_for_what_the_viewer_cannot_see(self, alice, bob, client):
        member, _ = alice
        _, b = bob
        group = (await client.post("/api/v1/groups", json={"name": "Privé", "visibility": "private"},
                                   headers=member.headers)).json()
        post = await _api_post(client, member, "Secret", group_id=group["id"])
        comment = (await client.post(f"{POSTS}/{post['id']}/comments", json={"body": "Chut"},
                                     headers=member.headers)).json()
        assert (await b.get(f"/fragments/posts/{post['id']}")).status_code == 404
        assert (await b.get(f"/fragments/comments/{comment['id']}")).status_code == 404
        assert (await b.post_form("/", f"/posts/{post['id']}/reaction", {"state": "on"})).status_code == 404
        assert (await b.post_form("/", f"/comments/{comment['id']}/reaction", {"state": "on"})).status_code == 404
