"""The live card of a new post for a feed (`/fragments/posts/{id}?feed=...`): the server says whether the post is in
that feed for this viewer, by the feed's own statement (app.feed.service.feed_row); live.js shows only what it accepts.

The case that went wrong when live.js decided: a post by someone I follow, in a public group I have not joined, is in
my home feed (a reload shows it) and must arrive live too."""

from typing import Any

import httpx


class TestFragmentForAFeed:
    async def test_followed_authors_post_in_a_public_group_i_have_not_joined_is_in_my_home_feed(
        self, client: httpx.AsyncClient, anna: Any, mia: Any, make_group: Any, make_post: Any,
        browser_factory: Any,
    ) -> None:
        group = await make_group(anna, "Veille")
        assert (await client.put(f"/api/v1/users/{anna.id}/follow", headers=mia.headers)).status_code == 204
        post = await make_post(anna, "Followed, in a group Mia has not joined", group_id=group["id"])
        home = [p["id"] for p in (await client.get("/api/v1/feed", headers=mia.headers)).json()["items"]]
        assert post["id"] in home  # the feed's rule, which the live card must follow

        mia_browser = browser_factory("en", mia.token)
        r = await mia_browser.get(f"/fragments/posts/{post['id']}", params={"feed": "home"})
        assert r.status_code == 200
        assert f'id="post-{post["id"]}"' in r.text and "Followed, in a group Mia has not joined" in r.text
        r = await mia_browser.get(f"/fragments/posts/{post['id']}", params={"feed": f"group:{group['id']}"})
        assert r.status_code == 200

    async def test_a_public_group_post_by_someone_i_do_not_follow_is_not_in_my_home_feed(
        self, client: httpx.AsyncClient, anna: Any, mia: Any, make_group: Any, make_post: Any,
        browser_factory: Any,
    ) -> None:
        group = await make_group(anna, "Veille")
        post = await make_post(anna, "Not followed, not joined", group_id=group["id"])
        home = [p["id"] for p in (await client.get("/api/v1/feed", headers=mia.headers)).json()["items"]]
        assert post["id"] not in home

        mia_browser = browser_factory("en", mia.token)
        r = await mia_browser.get(f"/fragments/posts/{post['id']}", params={"feed": "home"})
        assert r.status_code == 204 and r.text == ""
        # Visible all the same: the group's feed and the card without a feed show it.
        assert (await mia_browser.get(f"/fragments/posts/{post['id']}",
                                      params={"feed": f"group:{group['id']}"})).status_code == 200
        assert (await mia_browser.get(f"/fragments/posts/{post['id']}")).status_code == 200

    async def test_a_post_i_may_not_see_answers_as_one_not_in_the_feed(
        self, anna: Any, mia: Any, olga: Any, make_group: Any, make_post: Any, browser_factory: Any,
    ) -> None:
        secret = await make_group(anna, "Horizon", visibility="secret", members=(mia,))
        post = await make_post(anna, "Secret plans", group_id=secret["id"])
        olga_browser = browser_factory("en", olga.token)
        for feed in ("home", f"group:{secret['id']}", f"member:{anna.id}"):
            r = await olga_browser.get(f"/fragments/posts/{post['id']}", params={"feed": feed})
            assert r.status_code == 204 and r.text == "", feed
        mia_browser = browser_factory("en", mia.token)
        assert (await mia_browser.get(f"/fragments/posts/{post['id']}", params={"feed": "home"})).status_code == 200

    async def test_member_and_topic_feeds(self, mia: Any, anna: Any, make_post: Any, browser_factory: Any) -> None:
        post = await make_post(anna, "About #Lancement")
        mia_browser = browser_factory("en", mia.token)
        url = f"/fragments/posts/{post['id']}"
        assert (await mia_browser.get(url, params={"feed": f"member:{anna.id}"})).status_code == 200
        assert (await mia_browser.get(url, params={"feed": f"member:{mia.id}"})).status_code == 204
        assert (await mia_browser.get(url, params={"feed": "topic:lancement"})).status_code == 200
        assert (await mia_browser.get(url, params={"feed": "topic:autre"})).status_code == 204

    async def test_an_unknown_feed_is_a_404(self, mia: Any, make_post: Any, browser_factory: Any) -> None:
        post = await make_post(mia, "Hello")
        mia_browser = browser_factory("en", mia.token)
        for feed in ("everything", "group:abc", "home:1", "topic:", "member:-1"):
            r = await mia_browser.get(f"/fragments/posts/{post['id']}", params={"feed": feed})
            assert r.status_code == 404, feed
