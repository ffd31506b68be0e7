"""Deleting a group: its members' sockets hear each post go, then lose the group's channel (issue 19, point 6)."""


class TestGroupDeletion:
    async def test_members_get_post_deleted_then_their_membership_ends(self, ws, register, post, group, client,
                                                                       settled):
        animator, member, outsider = await register(), await register(), await register()
        g = await group(animator, "Cercle", "private", members=(member,))
        p = await post(animator, "Réservé au cercle", group_id=g["id"])
        await settled()
        async with ws(token=member.token) as m_sock, ws(token=outsider.token) as o_sock:
            assert (await client.delete(f"/api/v1/groups/{g['id']}", headers=animator.headers)).status_code == 204
            events = await m_sock.events(2)
            await o_sock.nothing()
        assert events[0] == {"id": events[0]["id"], "type": "post.deleted", "post_id": p["id"], "group_id": g["id"]}
        assert events[1]["type"] == "membership.changed" and events[1]["status"] is None

    async def test_an_open_socket_stops_counting_a_deleted_public_group_as_public(self, app, ws, register, group,
                                                                                  client, settled):
        """The deletion's `group.updated` says "deleted": a socket's Actor must not take the group back as public."""
        from app.live.component import live_of

        animator, outsider = await register(), await register()
        g = await group(animator, "Place publique", "public")
        await settled()
        async with ws(token=outsider.token):
            [conn] = live_of(app.state.runtime).hub.by_user[outsider.id]
            assert g["id"] in conn.actor.public_group_ids
            assert (await client.delete(f"/api/v1/groups/{g['id']}", headers=animator.headers)).status_code == 204
            await settled()
            assert g["id"] not in conn.actor.public_group_ids
