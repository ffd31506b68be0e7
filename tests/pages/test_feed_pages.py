"""Feed pages: the home feed with its composer (French and English), topic pages, a group's and a member's posts,
"load more" with the keyset cursor, and a private group's posts never shown to a non-member on any page."""

import re

import pytest

POSTS = "/api/v1/posts"


@pytest.fixture
async def alice(member_browser):
    return await member_browser("Alice Autrice")


async def _post(client, member, body, **extra):
    r = await client.post(POSTS, json={"body": body, **extra}, headers=member.headers)
    assert r.status_code == 201, r.text
    return r.json()


async def _group(client, owner, name, visibility="public", members=()):
    r = await client.post("/api/v1/groups", json={"name": name, "visibility": visibility}, headers=owner.headers)
    assert r.status_code == 201, r.text
    group = r.json()
    for member in members:
        m = await client.put(f"/api/v1/groups/{group['id']}/members/{member.id}", json={"status": "member"},
                             headers=owner.headers)
        assert m.status_code == 200, m.text
    return group


def _card_ids(html):
    return [int(i) for i in re.findall(r'<article class="card post-card[^"]*" id="post-(\d+)"', html)]


class TestHomeFeed:
    async def test_signed_out_goes_to_signin(self, browser_factory):
        r = await browser_factory().get("/")
        assert r.status_code == 303 and r.headers["location"] == "/signin"

    @pytest.mark.parametrize("lang,texts", [
        ("fr-FR,fr;q=0.9", ["Partagez avec vos collègues", "Publier", "Toute l’entreprise", "Derniers messages",
                            "J’aime", "Commentaires"]),
        ("en-GB,en;q=0.9", ["Share with your colleagues", "Publish", "Company-wide", "Latest posts", "Like",
                            "Comments"]),
    ])
    async def test_feed_renders_in_both_languages(self, alice, client, browser_factory, lang, texts):
        member, _ = alice
        post = await _post(client, member, "Bonjour **à tous** #Lancement", title="Premier message")
        r = await browser_factory(lang, member.token).get("/")
        assert r.status_code == 200
        assert f'<html lang="{lang[:2]}">' in r.text
        for text in texts:
            assert text in r.text, text
        assert f'id="post-{post["id"]}" data-post-id="{post["id"]}"' in r.text
        assert 'id="feed" class="feed" data-feed="home"' in r.text
        assert "<strong>à tous</strong>" in r.text
        assert 'href="/topics/lancement"' in r.text
        assert 'data-reaction-count>0<' in r.text and 'data-comment-count>0<' in r.text
        assert 'aria-pressed="false"' in r.text

    async def test_composer_offers_my_groups_and_announcements_only_when_allowed(self, alice, member_browser, client):
        member, b = alice
        await _group(client, member, "Club Lecture")
        _bob, bob_browser = await member_browser("Bob Lecteur")
        page = (await b.get("/")).text  # Alice is admin (first account) and animates Club Lecture
        assert "Club Lecture</option>" in page and 'value="announcement"' in page
        page = (await bob_browser.get("/")).text
        assert "Club Lecture</option>" not in page and 'value="announcement"' not in page
        assert 'name="idempotency_key"' in page

    async def test_body_html_is_sanitized_and_the_rest_escaped(self, alice, client):
        member, b = alice
        await _post(client, member, "<script>alert(1)</script> [x](javascript:alert(1))", title="<b>titre</b>")
        html = (await b.get("/")).text
        assert "<script>alert(1)" not in html and 'href="javascript:' not in html
        assert "&lt;script&gt;alert(1)" in html
        assert "&lt;b&gt;titre&lt;/b&gt;" in html

    async def test_load_more_follows_the_cursor_without_repeats(self, alice, client):
        member, b = alice
        ids = [(await _post(client, member, f"Message numéro {i}"))["id"] for i in range(25)]
        first = await b.get("/")
        shown = _card_ids(first.text)
        assert shown == ids[::-1][:20]
        more = re.search(r'href="(/\?cursor=[^"]+)"', first.text)
        assert more and "data-load-more" in first.text
        await _post(client, member, "Arrivé pendant la lecture")
        second = await b.get(more.group(1).replace("&amp;", "&"))
        assert second.status_code == 200
        assert _card_ids(second.text) == ids[::-1][20:]
        assert "data-load-more" not in second.text and "Newest posts" in second.text

    async def test_bad_cursor_is_422_not_500(self, alice):
        _, b = alice
        assert (await b.get("/?cursor=%%%")).status_code == 422


    async def test_cached_cards_follow_every_change_to_what_they_show(self, alice, member_browser, client):
        """Cards are kept per process (app/posts/cards.py): a like, an edit, a comment or the author's new name
        shows on the next view, and the per-request parts (the form's token, the page path) are this page's.
        (A mentioned member shows only as the @handle link inside the body.)"""
        member, page = alice
        bob, _ = await member_browser("Bob Mentionné")
        post = await _post(client, member, f"Bonjour @{bob.handle}", title="Avant")
        first = (await page.get("/")).text
        assert "Avant" in first and "Alice Autrice" in first and 'data-reaction-count>0<' in first
        assert (await client.put(f"{POSTS}/{post['id']}/reaction", json={"kind": "like"},
                                 headers=bob.headers)).status_code in (200, 201)
        assert (await client.post(f"{POSTS}/{post['id']}/comments", json={"body": "Merci"},
                                  headers=bob.headers)).status_code == 201
        assert (await client.patch(f"{POSTS}/{post['id']}", json={"title": "Après", "body": f"Re @{bob.handle}"},
                                   headers=member.headers)).status_code == 200
        assert (await client.patch("/api/v1/users/me", json={"display_name": "Alicia Renommée"},
                                   headers=member.headers)).status_code == 200
        second = await page.get("/")
        assert "Après" in second.text and "Avant" not in second.text
        assert 'data-reaction-count>1<' in second.text and 'data-comment-count>1<' in second.text
        assert "Alicia Renommée" in second.text and "Alice Autrice" not in second.text
        token = re.search(r'name="csrf_token" value="([^"]+)"', second.text)
        assert token and second.text.count(token.group(1)) >= 2  # the card's form carries this page's token
        assert '<input type="hidden" name="next" value="/">' in second.text
        assert "\x00" not in second.text


class TestTopicPage:
    async def test_topic_lists_tagged_posts(self, alice, client):
        member, b = alice
        tagged = await _post(client, member, "On lance #Innovation demain")
        other = await _post(client, member, "Rien à voir")
        r = await b.get("/topics/innovation")
        assert r.status_code == 200
        assert "#innovation" in r.text and 'data-feed="topic:innovation"' in r.text
        assert _card_ids(r.text) == [tagged["id"]] and other["id"] not in _card_ids(r.text)

    async def test_invalid_topic_is_404(self, alice):
        _, b = alice
        assert (await b.get("/topics/%20%20")).status_code == 404


class TestGroupAndMemberSections:
    async def test_group_page_shows_its_posts_and_a_preset_composer(self, alice, client):
        member, b = alice
        group = await _group(client, member, "Club Vélo")
        post = await _post(client, member, "Sortie samedi", group_id=group["id"])
        await _post(client, member, "Hors groupe")
        r = await b.get(f"/groups/{group['slug']}")
        assert r.status_code == 200
        assert _card_ids(r.text) == [post["id"]]
        assert f'data-feed="group:{group["id"]}"' in r.text
        assert f'<option value="{group["id"]}" data-announce selected>' in r.text
        assert f'name="next" value="/groups/{group["slug"]}"' in r.text

    async def test_group_and_profile_load_more(self, alice, client):
        member, b = alice
        group = await _group(client, member, "Club Bavard")
        ids = [(await _post(client, member, f"Bavardage {i}", group_id=group["id"]))["id"] for i in range(22)]
        for path in (f"/groups/{group['slug']}", f"/people/{member.handle}"):
            first = await b.get(path)
            assert _card_ids(first.text) == ids[::-1][:20], path
            more = re.search(r'href="([^"]+\?cursor=[^"]+)"', first.text)
            assert more and more.group(1).startswith(path)
            second = await b.get(more.group(1).replace("&amp;", "&"))
            assert _card_ids(second.text) == ids[::-1][20:], path
        assert (await b.get(f"/groups/{group['slug']}?cursor=nope")).status_code == 422

    async def test_pending_member_of_a_private_group_sees_no_post(self, alice, member_browser, client):
        member, _ = alice
        group = await _group(client, member, "Cercle fermé", "private")
        await _post(client, member, "Réservé aux membres", group_id=group["id"])
        _, b = await member_browser("Paula Patiente")
        assert (await b.post_form(f"/groups/{group['slug']}", f"/groups/{group['slug']}/join")).status_code == 303
        page = (await b.get(f"/groups/{group['slug']}")).text
        assert "Réservé aux membres" not in page and 'name="idempotency_key"' not in page
        assert "Only members can read the posts of this group." in page

    async def test_profile_lists_the_members_posts(self, alice, member_browser, client):
        member, _ = alice
        post = await _post(client, member, "Mon premier message")
        _, viewer = await member_browser("Victor Visiteur")
        r = await viewer.get(f"/people/{member.handle}")
        assert r.status_code == 200
        assert "Posts by Alice Autrice" in r.text and _card_ids(r.text) == [post["id"]]
        assert f'data-feed="member:{member.id}"' in r.text


class TestPrivateGroupNeverLeaks:
    async def test_private_post_shown_to_members_only_on_every_page(self, alice, member_browser, client):
        member, _b = alice
        mia, mia_browser = await member_browser("Mia Membre")
        _, olga = await member_browser("Olga Outsider")
        group = await _group(client, member, "Comité privé", "private", members=(mia,))
        secret = await _post(client, member, "Budget confidentiel #stratégie @mia.membre", group_id=group["id"],
                             title="Très confidentiel")
        public = await _post(client, member, "Message public #stratégie")
        for path in ("/", "/topics/stratégie", f"/people/{member.handle}", f"/groups/{group['slug']}"):
            r = await olga.get(path)
            assert r.status_code == 200, path
            assert "confidentiel" not in r.text, path
            assert f"post-{secret['id']}" not in r.text, path
        assert "Only members can read the posts of this group." in (await olga.get(f"/groups/{group['slug']}")).text
        assert public["id"] in _card_ids((await olga.get("/topics/stratégie")).text)
        for path in (f"/posts/{secret['id']}", f"/fragments/posts/{secret['id']}", f"/posts/{secret['id']}/edit"):
            r = await olga.get(path)
            assert r.status_code == 404, path
            assert "confidentiel" not in r.text
        for path in ("/", "/topics/stratégie", f"/people/{member.handle}", f"/groups/{group['slug']}"):
            assert secret["id"] in _card_ids((await mia_browser.get(path)).text), path
