"""The read model of posts (app/posts/read.py): one row type, and kept outputs that never carry one viewer's
reaction or controls to another."""

from typing import Any

import httpx

from app.posts import read
from app.posts.read import PostRow


def card_of(html: str, post_id: int) -> str:
    start = html.index(f'id="post-{post_id}"')
    return html[start:html.index("</article>", start)]


def controls(card: str) -> set[str]:
    """The edit and delete controls a card offers."""
    found = set()
    if '/edit"' in card:
        found.add("edit")
    if "/delete" in card:
        found.add("delete")
    return found


def pressed(card: str) -> bool:
    return 'aria-pressed="true"' in card


def test_the_row_type_declares_the_query_columns() -> None:
    assert list(PostRow._fields) == list(read.post_rows().selected_columns.keys())
    assert PostRow._fields[-len(read.PER_VIEWER):] == read.PER_VIEWER


async def test_cards_show_each_viewer_only_their_own_controls_and_reaction(
    client: httpx.AsyncClient, browser_factory: Any, anna: Any, mia: Any, olga: Any, make_group: Any,
    make_post: Any,
) -> None:
    group = await make_group(anna, "Veille", "public", members=(mia, olga))
    post = await make_post(mia, "Benchmark des intranets", group_id=group["id"])
    r = await client.put(f"/api/v1/posts/{post['id']}/reaction", json={"kind": "like"}, headers=olga.headers)
    assert r.status_code == 200, r.text
    # Expected: the author edits and deletes, the group's animator deletes, another member does neither; only the
    # member who liked it sees the button pressed. Each page after the first takes the card from the cache.
    expected = {mia.id: ({"edit", "delete"}, False), anna.id: ({"delete"}, False), olga.id: (set(), True)}
    for _round in range(2):
        for member in (mia, anna, olga):
            browser = browser_factory("en", member.token)
            for url in ("/", f"/groups/{group['slug']}", f"/posts/{post['id']}"):
                page = await browser.get(url)
                assert page.status_code == 200, (url, page.text[:200])
                card = card_of(page.text, post["id"])
                assert (controls(card), pressed(card)) == expected[member.id], (member.handle, url)
            fragment = await browser.get(f"/fragments/posts/{post['id']}")
            assert (controls(fragment.text), pressed(fragment.text)) == expected[member.id], member.handle


async def test_feed_json_keeps_each_viewers_reaction(
    client: httpx.AsyncClient, anna: Any, mia: Any, make_post: Any
) -> None:
    post = await make_post(anna, "Lancement de la newsletter")
    await client.put(f"/api/v1/posts/{post['id']}/reaction", json={"kind": "thanks"}, headers=mia.headers)
    for _round in range(2):  # the second round reads each post's JSON from the cache
        mine = (await client.get("/api/v1/feed", headers=mia.headers)).json()["items"]
        theirs = (await client.get("/api/v1/feed", headers=anna.headers)).json()["items"]
        assert [(p["id"], p["my_reaction"]) for p in mine] == [(post["id"], "thanks")]
        assert [(p["id"], p["my_reaction"]) for p in theirs] == [(post["id"], None)]
        single = (await client.get(f"/api/v1/posts/{post['id']}", headers=mia.headers)).json()
        assert single == mine[0]


async def test_published_rows_leave_out_deleted_posts_and_carry_no_reaction(
    app: Any, client: httpx.AsyncClient, anna: Any, mia: Any, make_post: Any
) -> None:
    kept = await make_post(anna, "Reste")
    gone = await make_post(anna, "Supprimé")
    await client.put(f"/api/v1/posts/{kept['id']}/reaction", json={"kind": "like"}, headers=mia.headers)
    assert (await client.delete(f"/api/v1/posts/{gone['id']}", headers=anna.headers)).status_code == 204
    async with app.state.runtime.sessionmaker() as session:
        rows = await read.published_rows(session, [kept["id"], gone["id"]])
    assert list(rows) == [kept["id"]]
    live = read.live_object(rows[kept["id"]])
    assert "my_reaction" not in live and live["reaction_count"] == 1


def saved_pressed(card: str) -> bool:
    """The "Save" toggle's state in a card (the Like button has its own aria-pressed)."""
    form = card[card.index('class="save-form"'):]
    return 'class="save-button" aria-pressed="true"' in form and 'name="state" value="off"' in form


async def test_cards_show_each_viewer_only_their_own_saved_state(
    client: httpx.AsyncClient, browser_factory: Any, anna: Any, mia: Any, olga: Any, make_group: Any,
    make_post: Any,
) -> None:
    group = await make_group(anna, "Lectures", "public", members=(mia, olga))
    post = await make_post(mia, "À lire plus tard", group_id=group["id"])
    r = await client.put(f"/api/v1/posts/{post['id']}/saved", headers=olga.headers)
    assert r.status_code == 204, r.text
    # Only Olga saved it: she sees the toggle pressed wherever the card is shown, from the cache or not, and the
    # others never see her state (the card is kept once for all of them).
    expected = {mia.id: False, anna.id: False, olga.id: True}
    for _round in range(2):
        for member in (olga, mia, anna):
            browser = browser_factory("en", member.token)
            for url in ("/", f"/groups/{group['slug']}", f"/posts/{post['id']}"):
                page = await browser.get(url)
                assert page.status_code == 200, (url, page.text[:200])
                assert saved_pressed(card_of(page.text, post["id"])) is expected[member.id], (member.handle, url)
            fragment = await browser.get(f"/fragments/posts/{post['id']}")
            assert saved_pressed(fragment.text) is expected[member.id], member.handle
    assert (await client.delete(f"/api/v1/posts/{post['id']}/saved", headers=olga.headers)).status_code == 204
    page = await browser_factory("en", olga.token).get("/")
    assert saved_pressed(card_of(page.text, post["id"])) is False
