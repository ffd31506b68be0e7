"""`comment.updated`: an edited comment reaches the sockets that may see its post, as the API shows it."""


class TestCommentUpdated:
    async def test_the_edit_reaches_sockets_as_the_api_object(self, ws, register, post, client, settled):
        a, b, reader = await register(), await register(), await register()  # nothing notifies the reader
        p = await post(a, "Ordre du jour")
        c = await client.post(f"/api/v1/posts/{p['id']}/comments", json={"body": "Point 1"}, headers=b.headers)
        assert c.status_code == 201
        await settled()
        async with ws(token=reader.token) as sock:
            r = await client.patch(f"/api/v1/comments/{c.json()['id']}", json={"body": "Point 1 *et* 2"},
                                   headers=b.headers)
            assert r.status_code == 200, r.text
            event = await sock.receive()
        assert event["type"] == "comment.updated"
        shown = r.json()
        shown.pop("my_reaction")
        assert event["comment"] == shown and event["comment"]["edited_at"] is not None

    async def test_a_private_groups_edit_stays_inside(self, ws, register, post, group, client, settled):
        a, member, outsider = await register(), await register(), await register()
        g = await group(a, "Comité", "private", members=(member,))
        p = await post(a, "Interne", group_id=g["id"])
        c = await client.post(f"/api/v1/posts/{p['id']}/comments", json={"body": "Brouillon"}, headers=a.headers)
        await settled()
        async with ws(token=member.token) as m_sock, ws(token=outsider.token) as o_sock:
            r = await client.patch(f"/api/v1/comments/{c.json()['id']}", json={"body": "Version finale"},
                                   headers=a.headers)
            assert r.status_code == 200
            assert (await m_sock.receive())["comment"]["body"] == "Version finale"
            await o_sock.nothing()
