"""Pages of issue 19's daily interactions, without JavaScript: who reacted (the count is a link), the "Save"
toggle and the "Saved" page, comment editing (marked edited), following a topic from its page."""

import re
from typing import Any

import httpx
import pytest

from tests.pages.conftest import csrf_of
from tests.pages.test_read_model import card_of

POSTS = "/api/v1/posts"


def save_pressed(card: str) -> bool:
    form = card[card.index('class="save-form"'):]
    return re.search(r'class="save-button" aria-pressed="(\w+)"', form).group(1) == "true"  # type: ignore[union-attr]


async def api_post(client: httpx.AsyncClient, member: Any, body: str, **extra: Any) -> dict[str, Any]:
    r = await client.post(POSTS, json={"body": body, **extra}, headers=member.headers)
    assert r.status_code == 201, r.text
    return r.json()  # type: ignore[no-any-return]


class TestWhoReacted:
    async def test_the_count_links_to_the_list_of_who_reacted(
        self, client: httpx.AsyncClient, browser_factory: Any, anna: Any, mia: Any, olga: Any
    ) -> None:
        post = await api_post(client, anna, "Pot de départ vendredi")
        for member, kind in ((mia, "celebrate"), (olga, "like")):
            r = await client.put(f"{POSTS}/{post['id']}/reaction", json={"kind": kind}, headers=member.headers)
            assert r.status_code == 200
        browser = browser_factory("fr", anna.token)
        card = card_of((await browser.get("/")).text, post["id"])
        link = re.search(r'<a class="count reactors-link" href="([^"]+)"[^>]*><span data-reaction-count>(\d+)</span>',
                         card)
        assert link is not None and link.groups() == (f"/posts/{post['id']}/reactions", "2")
        page = await browser.get(link.group(1))
        assert page.status_code == 200
        assert "Qui a réagi" in page.text and "Bravo" in page.text
        assert page.text.index("Olga Outsider") < page.text.index("Mia Membre")  # newest first

    async def test_no_count_link_before_the_first_reaction(
        self, client: httpx.AsyncClient, browser_factory: Any, anna: Any, mia: Any
    ) -> None:
        post = await api_post(client, anna, "Qui vient au pot ?")
        browser = browser_factory("fr", anna.token)
        hidden_link = f'<a class="count reactors-link" href="/posts/{post["id"]}/reactions" hidden'
        assert hidden_link in card_of((await browser.get("/")).text, post["id"])  # not a "0" opening an empty list
        r = await client.put(f"{POSTS}/{post['id']}/reaction", json={"kind": "like"}, headers=mia.headers)
        assert r.status_code == 200
        card = card_of((await browser.get("/")).text, post["id"])
        assert hidden_link not in card and f'href="/posts/{post["id"]}/reactions"' in card

    async def test_a_private_groups_list_is_a_404_page_for_outsiders(
        self, client: httpx.AsyncClient, browser_factory: Any, anna: Any, mia: Any, olga: Any, make_group: Any
    ) -> None:
        group = await make_group(anna, "Comité", "private", members=(mia,))
        post = await api_post(client, anna, "Réservé", group_id=group["id"])
        await client.put(f"{POSTS}/{post['id']}/reaction", json={"kind": "like"}, headers=mia.headers)
        page = await browser_factory("en", olga.token).get(f"/posts/{post['id']}/reactions")
        assert page.status_code == 404 and "Mia Membre" not in page.text
        assert (await browser_factory("en", mia.token).get(f"/posts/{post['id']}/reactions")).status_code == 200

    async def test_comments_have_their_list_too(
        self, client: httpx.AsyncClient, browser_factory: Any, anna: Any, mia: Any
    ) -> None:
        post = await api_post(client, anna, "Idées ?")
        c = (await client.post(f"{POSTS}/{post['id']}/comments", json={"body": "Une"}, headers=anna.headers)).json()
        await client.put(f"/api/v1/comments/{c['id']}/reaction", json={"kind": "like"}, headers=mia.headers)
        browser = browser_factory("en", anna.token)
        assert f'href="/comments/{c["id"]}/reactions"' in (await browser.get(f"/posts/{post['id']}")).text
        page = await browser.get(f"/comments/{c['id']}/reactions")
        assert page.status_code == 200 and "Mia Membre" in page.text
        assert f'href="/posts/{post["id"]}#comment-{c["id"]}"' in page.text


class TestSave:
    async def test_the_toggle_saves_for_its_member_only_and_the_saved_page_lists_it(
        self, client: httpx.AsyncClient, browser_factory: Any, anna: Any, mia: Any
    ) -> None:
        post = await api_post(client, anna, "Guide d'accueil")
        browser = browser_factory("en", mia.token)
        r = await browser.post_form("/", f"/posts/{post['id']}/saved", {"state": "on", "next": "/"})
        assert r.status_code == 303 and r.headers["location"] == f"/#post-{post['id']}"
        home = await browser.get("/")
        assert "The post is saved." in home.text and save_pressed(card_of(home.text, post["id"]))
        assert not save_pressed(card_of((await browser_factory("en", anna.token).get("/")).text, post["id"]))
        saved = await browser.get("/saved")
        assert saved.status_code == 200 and f'id="post-{post["id"]}"' in saved.text
        assert 'href="/saved"' in saved.text  # the member menu links to it
        r = await browser.post_form("/saved", f"/posts/{post['id']}/saved", {"state": "off", "next": "/saved"})
        assert r.status_code == 303
        saved = await browser.get("/saved")
        assert f'id="post-{post["id"]}"' not in saved.text and "You have not saved any post yet." in saved.text

    async def test_script_gets_json_and_an_invisible_post_is_404(
        self, client: httpx.AsyncClient, browser_factory: Any, anna: Any, olga: Any, make_group: Any
    ) -> None:
        group = await make_group(anna, "Secret", "secret")
        hidden = await api_post(client, anna, "Chut", group_id=group["id"])
        public = await api_post(client, anna, "Ouvert")
        browser = browser_factory("en", olga.token)
        token = csrf_of((await browser.get("/")).text)
        r = await browser.client.post(f"/posts/{public['id']}/saved", data={"state": "on", "csrf_token": token},
                                      headers={"Accept": "application/json"})
        assert r.status_code == 200 and r.json() == {"saved": True}
        r = await browser.client.post(f"/posts/{hidden['id']}/saved", data={"state": "on", "csrf_token": token})
        assert r.status_code == 404
        assert (await client.get("/api/v1/users/me/saved", headers=olga.headers)).json()["items"][0]["id"] == public["id"]


class TestEditComment:
    async def test_the_author_edits_from_the_form_and_the_comment_is_marked_edited(
        self, client: httpx.AsyncClient, browser_factory: Any, anna: Any, mia: Any
    ) -> None:
        post = await api_post(client, anna, "Ordre du jour")
        c = (await client.post(f"{POSTS}/{post['id']}/comments", json={"body": "Premier jet"},
                               headers=mia.headers)).json()
        author, other = browser_factory("fr", mia.token), browser_factory("fr", anna.token)
        assert f'href="/comments/{c["id"]}/edit"' in (await author.get(f"/posts/{post['id']}")).text
        assert f'href="/comments/{c["id"]}/edit"' not in (await other.get(f"/posts/{post['id']}")).text
        form = await author.get(f"/comments/{c['id']}/edit")
        assert form.status_code == 200 and "Premier jet" in form.text
        r = await author.post_form(f"/comments/{c['id']}/edit", f"/comments/{c['id']}/edit",
                                   {"body": "Version *revue*"})
        assert r.status_code == 303 and r.headers["location"] == f"/posts/{post['id']}#comment-{c['id']}"
        page = (await other.get(f"/posts/{post['id']}")).text
        assert "<em>revue</em>" in page
        assert re.search(r'<span class="comment-edited" title="Modifié le [^"]+">\(modifié\)</span>', page)

    async def test_others_get_403_and_nothing_changes(
        self, client: httpx.AsyncClient, browser_factory: Any, anna: Any, mia: Any
    ) -> None:
        post = await api_post(client, anna, "Sujet")
        c = (await client.post(f"{POSTS}/{post['id']}/comments", json={"body": "Mien"}, headers=mia.headers)).json()
        other = browser_factory("en", anna.token)
        assert (await other.get(f"/comments/{c['id']}/edit")).status_code == 403
        r = await other.post_form(f"/posts/{post['id']}", f"/comments/{c['id']}/edit", {"body": "Pris"})
        assert r.status_code == 403
        listed = (await client.get(f"{POSTS}/{post['id']}/comments", headers=anna.headers)).json()["items"]
        assert listed[0]["body"] == "Mien" and listed[0]["edited_at"] is None

    @pytest.mark.parametrize("body,message", [
        ("   ", "Write your comment before sending it."),
        ("z" * 5001, "A comment holds at most 5,000 characters"),
    ])
    async def test_a_refused_edit_keeps_the_text(
        self, client: httpx.AsyncClient, browser_factory: Any, anna: Any, mia: Any, body: str, message: str
    ) -> None:
        post = await api_post(client, anna, "Limites")
        c = (await client.post(f"{POSTS}/{post['id']}/comments", json={"body": "Court"}, headers=mia.headers)).json()
        author = browser_factory("en", mia.token)
        r = await author.post_form(f"/comments/{c['id']}/edit", f"/comments/{c['id']}/edit", {"body": body})
        assert r.status_code == 422 and message in r.text
        assert f">{body}</textarea>" in r.text  # nothing typed is lost
        listed = (await client.get(f"{POSTS}/{post['id']}/comments", headers=anna.headers)).json()["items"]
        assert listed[0]["body"] == "Court"


class TestFollowTopic:
    async def test_the_topic_page_follows_and_the_home_shows_its_posts_and_saved_lists_the_topic(
        self, client: httpx.AsyncClient, browser_factory: Any, anna: Any, olga: Any, make_group: Any
    ) -> None:
        group = await make_group(anna, "Produit", "public")
        post = await api_post(client, anna, "Sortie de la v2 #Lancement", group_id=group["id"])
        browser = browser_factory("fr", olga.token)
        assert f'id="post-{post["id"]}"' not in (await browser.get("/")).text
        topic = await browser.get("/topics/lancement")
        assert "Suivre #lancement" in topic.text and 'aria-pressed="false"' in topic.text
        r = await browser.post_form("/topics/lancement", "/topics/Lancement/follow", {"state": "on"})
        assert r.status_code == 303 and r.headers["location"] == "/topics/lancement"
        topic = await browser.get("/topics/lancement")
        assert "Vous suivez #lancement" in topic.text and "Vous suivez ce sujet" in topic.text
        home = await browser.get("/")
        assert f'id="post-{post["id"]}"' in home.text
        saved = await browser.get("/saved")
        followed = saved.text[saved.text.index('id="topics-title"'):]
        assert 'href="/topics/lancement">#lancement</a>' in followed
        r = await browser.post_form("/topics/lancement", "/topics/lancement/follow", {"state": "off"})
        assert r.status_code == 303
        assert f'id="post-{post["id"]}"' not in (await browser.get("/")).text

    async def test_a_bad_topic_name_is_refused(self, browser_factory: Any, olga: Any) -> None:
        browser = browser_factory("en", olga.token)
        r = await browser.post_form("/", "/topics/a.b/follow", {"state": "on"})
        assert r.status_code == 422
