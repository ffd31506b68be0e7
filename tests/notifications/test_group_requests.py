"""Membership requests reach every animator of the group, once per request (issue 19, point 6)."""

from tests.notifications.test_notifications import notes, quiet


class TestGroupRequests:
    async def test_every_animator_is_told_of_every_request(self, app, client, register, group):
        first, second, third, member = await register(), await register(), await register(), await register()
        askers = [await register() for _ in range(3)]
        g = await group(first, "Atelier", "private", members=(member,))
        for animator in (second, third):
            r = await client.put(f"/api/v1/groups/{g['id']}/members/{animator.id}", json={"status": "animator"},
                                 headers=first.headers)
            assert r.status_code == 200
        for asker in askers:
            assert (await client.post(f"/api/v1/groups/{g['id']}/join", headers=asker.headers)).status_code == 200
        # a request cancelled and made again is a new request: told again
        await client.delete(f"/api/v1/groups/{g['id']}/members/{askers[0].id}", headers=askers[0].headers)
        await client.post(f"/api/v1/groups/{g['id']}/join", headers=askers[0].headers)
        await quiet(app)
        for animator in (first, second, third):
            requests = [n for n in await notes(client, animator) if n["kind"] == "group_request"]
            assert sorted(n["actor"]["id"] for n in requests) == sorted([a.id for a in askers] + [askers[0].id])
            assert {n["group_id"] for n in requests} == {g["id"]}
        assert [n for n in await notes(client, member) if n["kind"] == "group_request"] == []
        for asker in askers:
            assert [n for n in await notes(client, asker) if n["kind"] == "group_request"] == []

    async def test_an_animator_promoted_later_is_told_of_later_requests(self, app, client, register, group):
        first, later, asker = await register(), await register(), await register()
        g = await group(first, "Atelier", "private", members=(later,))
        await client.put(f"/api/v1/groups/{g['id']}/members/{later.id}", json={"status": "animator"},
                         headers=first.headers)
        await client.post(f"/api/v1/groups/{g['id']}/join", headers=asker.headers)
        await quiet(app)
        assert [n["actor"]["id"] for n in await notes(client, later) if n["kind"] == "group_request"] == [asker.id]
