"""Membership requests reach every animator of the group, once per request (issue 19, point 6). The stored
notifications are counted (one per request); the list shows those of one group as one entry."""

from sqlalchemy import select

from app.notifications.models import Notification
from tests.notifications.test_notifications import notes, quiet


async def told(app, member) -> list[int]:
    """Who the member was told asked to join, one per stored notification."""
    async with app.state.runtime.sessionmaker() as session:
        rows = await session.scalars(select(Notification.actor_id).where(
            Notification.user_id == member.id, Notification.kind == "group_request"))
        return sorted(rows)


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
            assert await told(app, animator) == sorted([a.id for a in askers] + [askers[0].id])
            requests = [n for n in await notes(client, animator) if n["kind"] == "group_request"]
            assert len(requests) == 1 and requests[0]["group_id"] == g["id"]  # one entry for the group
            assert requests[0]["group_count"] == 4 and requests[0]["actor_count"] == 3
        assert await told(app, member) == []
        for asker in askers:
            assert await told(app, asker) == []

    async def test_an_animator_promoted_later_is_told_of_later_requests(self, app, client, register, group):
        first, later, asker = await register(), await register(), await register()
        g = await group(first, "Atelier", "private", members=(later,))
        await client.put(f"/api/v1/groups/{g['id']}/members/{later.id}", json={"status": "animator"},
                         headers=first.headers)
        await client.post(f"/api/v1/groups/{g['id']}/join", headers=asker.headers)
        await quiet(app)
        assert await told(app, later) == [asker.id]
