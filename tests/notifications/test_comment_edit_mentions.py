"""An edited comment tells the members its edit mentions, once, and only those who may see it."""

from tests.notifications.test_notifications import notes, quiet, wait_notes


class TestCommentEditMentions:
    async def test_only_members_added_by_the_edit_are_told(self, app, client, register, post):
        a, b, c = await register("Alice Martin"), await register("Bruno Petit"), await register("Chloé Durand")
        p = await post(a, "Qui peut aider ?")
        r = await client.post(f"/api/v1/posts/{p['id']}/comments", json={"body": f"@{b.handle} peut-être"},
                              headers=a.headers)
        comment_id = r.json()["id"]
        [first] = await wait_notes(client, b, 1)
        assert first["kind"] == "mention"
        e = await client.patch(f"/api/v1/comments/{comment_id}", json={"body": f"@{b.handle} ou @{c.handle}"},
                               headers=a.headers)
        assert e.status_code == 200, e.text
        [n] = await wait_notes(client, c, 1)
        assert (n["kind"], n["comment_id"], n["post_id"], n["actor"]["id"]) == ("mention", comment_id, p["id"], a.id)
        await quiet(app)
        assert len(await notes(client, b)) == 1  # already mentioned: not told twice

    async def test_an_outsider_mentioned_by_an_edit_in_a_private_group_is_not_told(
        self, app, client, register, post, group
    ):
        a, b = await register("Alice Martin"), await register("Bruno Petit")
        g = await group(a, "Cercle", "private")
        p = await post(a, "Entre nous", group_id=g["id"])
        r = await client.post(f"/api/v1/posts/{p['id']}/comments", json={"body": "Brouillon"}, headers=a.headers)
        e = await client.patch(f"/api/v1/comments/{r.json()['id']}", json={"body": f"@{b.handle} ?"},
                               headers=a.headers)
        assert e.status_code == 200
        await quiet(app)
        assert await notes(client, b) == []

