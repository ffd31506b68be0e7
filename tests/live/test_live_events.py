"""What sockets receive: API-shaped objects, only what the member may see, replays with `since`."""

import asyncio
import functools
import json

from app.live.component import live_of
from tests.live.wsclient import Closed


class TestDelivery:
    async def test_post_created_carries_the_api_object_without_per_viewer_fields(self, ws, register, post, client):
        a, b = await register(), await register()
        async with ws(token=b.token) as sock:
            created = await post(a, "Bonjour **tout le monde**")
            event = await sock.receive()
        assert event["type"] == "post.created"
        assert isinstance(event["id"], int)
        shown = (await client.get(f"/api/v1/posts/{created['id']}", headers=b.headers)).json()
        shown.pop("my_reaction")
        assert event["post"] == shown
        assert "my_reaction" not in event["post"]

    async def test_comment_reaction_and_deletion_events(self, ws, register, post, client, settled):
        a, b = await register(), await register()
        p = await post(a, "A question")
        await settled()
        async with ws(token=a.token) as sock:
            c = await client.post(f"/api/v1/posts/{p['id']}/comments", json={"body": "An answer"}, headers=b.headers)
            assert c.status_code == 201
            comment_event = await sock.receive()
            assert comment_event["type"] == "comment.created"
            assert comment_event["comment"]["id"] == c.json()["id"]
            assert comment_event["comment_count"] == 1
            r = await client.put(f"/api/v1/posts/{p['id']}/reaction", json={"kind": "like"}, headers=b.headers)
            assert r.status_code == 200
            # the reaction, plus the author's own notifications of the reply and the reaction (in id order)
            events = await sock.events(3)
            assert [e["id"] for e in events] == sorted(e["id"] for e in events)
            reaction = next(e for e in events if e["type"] == "reaction.changed")
            assert {k: reaction[k] for k in ("post_id", "reaction_count")} == {"post_id": p["id"], "reaction_count": 1}
            notes = [e["notification"]["kind"] for e in events if e["type"] == "notification.created"]
            assert sorted(notes) == ["reaction", "reply"]
            d = await client.delete(f"/api/v1/posts/{p['id']}", headers=a.headers)
            assert d.status_code == 204
            deleted = await sock.receive()
            assert deleted == {"id": deleted["id"], "type": "post.deleted", "post_id": p["id"], "group_id": None}

    async def test_events_arrive_in_id_order(self, ws, register, post):
        a = await register()
        async with ws(token=a.token) as sock:
            for i in range(5):
                await post(a, f"post {i}")
            events = await sock.events(5)
        ids = [e["id"] for e in events]
        assert ids == sorted(ids) and len(set(ids)) == 5
        assert [e["post"]["body"] for e in events] == [f"post {i}" for i in range(5)]


class TestVisibility:
    async def test_non_member_receives_nothing_of_a_private_group(self, ws, register, post, group, settled):
        a, member, outsider = await register(), await register(), await register()
        g = await group(a, "Secret sauce", "private", members=(member,))
        await settled()  # the member's own membership change must not be the first event the socket sees
        async with ws(token=member.token) as m_sock, ws(token=outsider.token) as o_sock:
            created = await post(a, "members only", group_id=g["id"])
            assert (await m_sock.receive())["post"]["id"] == created["id"]
            await post(a, "for everyone")
            event = await o_sock.receive()
            assert event["post"]["body"] == "for everyone"  # the private one never came first

    async def test_secret_group_events_stay_inside(self, ws, register, post, group, settled):
        a, outsider = await register(), await register()
        g = await group(a, "Board", "secret")
        await settled()
        async with ws(token=outsider.token) as sock:
            await post(a, "secret", group_id=g["id"])
            await sock.nothing()

    async def test_public_group_events_reach_everyone(self, ws, register, post, group):
        a, b = await register(), await register()
        g = await group(a, "Open house", "public")
        async with ws(token=b.token) as sock:
            created = await post(a, "open", group_id=g["id"])
            assert (await sock.receive())["post"]["id"] == created["id"]

    async def test_public_group_created_after_connecting(self, ws, register, post, group, settled):
        a, b = await register(), await register()
        await settled()
        async with ws(token=b.token) as sock:
            g = await group(a, "Brand new", "public")
            created = await post(a, "first!", group_id=g["id"])
            assert (await sock.receive())["post"]["id"] == created["id"]

    async def test_removed_member_stops_receiving_at_once(self, ws, register, post, group, client, settled):
        a, b = await register(), await register()
        g = await group(a, "Inner circle", "private", members=(b,))
        await settled()
        async with ws(token=b.token) as sock:
            await post(a, "before", group_id=g["id"])
            assert (await sock.receive())["post"]["body"] == "before"
            r = await client.delete(f"/api/v1/groups/{g['id']}/members/{b.id}", headers=a.headers)
            assert r.status_code == 204
            change = await sock.receive()
            assert change["type"] == "membership.changed" and change["status"] is None
            await post(a, "after", group_id=g["id"])
            await post(a, "company-wide")
            assert (await sock.receive())["post"]["body"] == "company-wide"

    async def test_added_member_starts_receiving_at_once(self, ws, register, post, group, client, settled):
        a, b = await register(), await register()
        g = await group(a, "Newcomers", "private")
        await settled()
        async with ws(token=b.token) as sock:
            r = await client.put(f"/api/v1/groups/{g['id']}/members/{b.id}", json={"status": "member"},
                                 headers=a.headers)
            assert r.status_code == 200
            assert (await sock.receive())["type"] == "membership.changed"
            await post(a, "welcome", group_id=g["id"])
            assert (await sock.receive())["post"]["body"] == "welcome"

    async def test_membership_change_of_someone_else_is_not_sent(self, ws, register, group, settled):
        a, b, c = await register(), await register(), await register()
        g = await group(a, "Quiet", "public")
        await settled()
        async with ws(token=c.token) as sock:
            await group(b, "Other", "private")
            del g
            await sock.nothing()


class TestReplay:
    async def test_reconnect_with_since_gets_exactly_the_missed_events_in_order(self, ws, register, post, settled):
        a, b = await register(), await register()
        await settled()
        async with ws(token=b.token) as sock:
            await post(a, "seen")
            last = (await sock.receive())["id"]
        missed = [await post(a, f"missed {i}") for i in range(3)]
        async with ws(token=b.token, since=last) as sock:
            events = await sock.events(3)
            assert [e["post"]["id"] for e in events] == [p["id"] for p in missed]
            live = await post(a, "live again")
            assert (await sock.receive())["post"]["id"] == live["id"]
            await sock.nothing(0.3)

    async def test_with_no_socket_the_relay_builds_nothing_and_a_later_socket_replays(
            self, app, ws, register, post, settled):
        """A process without sockets moves its cursor without building events; one connecting afterwards gets them
        from the table with `since`, then live ones."""
        a, b = await register(), await register()
        await settled()
        before = live_of(app.state.runtime).relay.cursor.position
        missed = [await post(a, f"while nobody listens {i}") for i in range(3)]
        await settled()
        assert live_of(app.state.runtime).relay.cursor.position > before
        assert not live_of(app.state.runtime).builder._cache  # nothing was built for nobody
        async with ws(token=b.token, since=before) as sock:
            events = await sock.events(3)
            assert [e["post"]["id"] for e in events] == [p["id"] for p in missed]
            live = await post(a, "now someone listens")
            assert (await sock.receive())["post"]["id"] == live["id"]
            await sock.nothing(0.3)

    async def test_since_as_first_message(self, ws, register, post):
        a, b = await register(), await register()
        first = await post(a, "one")
        await post(a, "two")
        async with ws(token=b.token) as sock:
            await sock.send_json({"since": 0})
            events = await sock.events(2)
        assert [e["post"]["body"] for e in events] == ["one", "two"]
        assert events[0]["post"]["id"] == first["id"]

    async def test_replay_applies_visibility(self, ws, register, post, group):
        a, b = await register(), await register()
        g = await group(a, "Hidden room", "private")
        await post(a, "private", group_id=g["id"])
        await post(a, "public")
        async with ws(token=b.token, since=0) as sock:
            event = await sock.receive()
            assert event["post"]["body"] == "public"
            await sock.nothing(0.3)

    async def test_since_ahead_of_this_process_sends_no_duplicates(self, app, ws, register, post):
        """The client saw events through another worker whose relay is ahead of this one's."""
        from app.outbox.consumer import OutboxConsumer
        from app.outbox.read import last_activity_id

        a = await register()
        relay = live_of(app.state.runtime).relay
        await relay.stop()  # this process's relay falls behind
        try:
            await post(a, "x")
            async with app.state.runtime.sessionmaker() as session:
                newest = await last_activity_id(session)
            assert newest > relay.cursor.position
            async with ws(token=a.token, since=newest) as sock:
                await OutboxConsumer.start(relay)  # it catches up from where it was: nothing is sent twice
                relay.wake()
                await sock.nothing(0.5)
        finally:
            if relay._task is None or relay._task.done():
                await OutboxConsumer.start(relay)


async def _burst(runtime, author_id, count):
    """`count` posts and their activities committed at once, as a burst of publications would."""
    from app.db import session_scope
    from app.outbox.types import PostCreated
    from app.outbox.write import emit
    from app.posts.models import Post

    async with session_scope(runtime.sessionmaker, runtime) as session:
        made = []
        for n in range(count):
            p = Post(author_id=author_id, body=f"Rafale {n}", body_html=f"<p>Rafale {n}</p>")
            session.add(p)
            await session.flush()
            emit(session, PostCreated(actor_id=author_id, post_id=p.id, group_id=None, kind="discussion",
                                      mentions=()))
            made.append(p.id)
    return made


class TestSlowClients:
    async def test_a_full_queue_is_forgotten_not_dropped(self, app, register):
        """Overflow: the queue is dropped from memory and the sender will catch up from the table (issue 27.7)."""
        from app.live.hub import Connection

        class Quiet:
            async def send_text(self, text):
                return None

        a = await register()
        from app.users.accounts import resolve_actor

        async with app.state.runtime.sessionmaker() as session:
            actor = await resolve_actor(app.state.runtime, session, a.token)
        conn = Connection(Quiet(), actor, a.token, queue_size=100)  # type: ignore[arg-type]
        for i in range(1, 101):
            conn.offer(i, "{}")
        assert not conn.overflowed and len(conn.items) == 100
        conn.offer(101, "{}")
        assert not conn.closed and conn.overflowed and not conn.items
        conn.offer(102, "{}")
        assert not conn.items and conn.last_id == 102

    async def test_send_timeout_closes(self, register, app):
        from app.live.hub import CLOSE_SLOW, Connection
        from app.users.accounts import resolve_actor

        class Stuck:
            async def send_text(self, text):
                await asyncio.sleep(3600)

        a = await register()
        async with app.state.runtime.sessionmaker() as session:
            actor = await resolve_actor(app.state.runtime, session, a.token)
        conn = Connection(Stuck(), actor, a.token, queue_size=100)  # type: ignore[arg-type]
        conn.offer(1, "{}")
        await asyncio.wait_for(conn.pump(0.1), 2)
        assert conn.close_code == CLOSE_SLOW

    async def test_a_paused_client_during_a_burst_stays_connected_and_misses_nothing(self, app, register, settled):
        """A 2-second pause while 300 events pass (three times the queue): the client catches up from the table
        in order, nothing twice; another client is not disturbed; only a truly stuck one would be dropped."""
        from app.live.hub import Connection
        from app.live.replay import catch_up
        from app.users.accounts import resolve_actor

        class Pausable:
            def __init__(self):
                self.flowing = asyncio.Event()
                self.flowing.set()
                self.ids = []

            async def send_text(self, text):
                await self.flowing.wait()
                event = json.loads(text)
                if event.get("type") == "post.created":
                    self.ids.append(event["post"]["id"])

        a, b = await register(), await register()
        runtime = app.state.runtime
        live = live_of(runtime)
        sockets, conns, pumps = [], [], []
        for member in (a, b):
            async with runtime.sessionmaker() as session:
                actor = await resolve_actor(runtime, session, member.token)
            socket = Pausable()
            conn = Connection(socket, actor, member.token, queue_size=100)  # type: ignore[arg-type]
            live.hub.register(conn)
            pumps.append(asyncio.create_task(conn.pump(5, functools.partial(
                catch_up, hub=live.hub, sessionmaker=runtime.sessionmaker, builder=live.builder, timeout=5))))
            sockets.append(socket)
            conns.append(conn)
        try:
            sockets[0].flowing.clear()  # the first client pauses for two seconds
            paused_at = asyncio.get_running_loop().time()
            made = await _burst(runtime, a.id, 300)
            await settled()  # the relay dispatched all 300 while the client was paused
            await asyncio.sleep(max(0.0, 2.0 - (asyncio.get_running_loop().time() - paused_at)))
            sockets[0].flowing.set()
            for _ in range(200):
                if all(s.ids == made for s in sockets):
                    break
                await asyncio.sleep(0.05)
            assert sockets[0].ids == made  # all, in order, once
            assert sockets[1].ids == made
            assert not any(c.closed for c in conns)
        finally:
            for conn in conns:
                conn.kill(1000)
                live.hub.unregister(conn)
            await asyncio.gather(*pumps, return_exceptions=True)

    async def test_a_small_queue_overflowing_through_the_socket_route_catches_up(self, ws, register, post, settled,
                                                                                  settings_override):
        settings_override(LIVE_SEND_QUEUE=3, POST_INTERVAL_S=0)
        a, b = await register(), await register()
        await settled()
        async with ws(token=b.token) as sock:
            made = [(await post(a, f"Billet {n}"))["id"] for n in range(40)]
            events = await sock.events(40)
        assert [e["post"]["id"] for e in events] == made

    async def test_server_shutdown_code_reaches_client(self, app, ws, register):
        a = await register()
        async with ws(token=a.token) as sock:
            for conn in live_of(app.state.runtime).hub.by_user[a.id]:
                conn.kill(1012)
            try:
                await sock.receive()
            except Closed as closed:
                assert closed.code == 1012


class TestSerializeOnce:
    async def test_one_serialization_per_event_whatever_the_number_of_sockets(self, ws, register, post, settled,
                                                                               monkeypatch):
        from app.live import payloads

        calls = []
        real = payloads._text

        def counting(activity, fields):
            calls.append(activity.type)
            return real(activity, fields)

        monkeypatch.setattr(payloads, "_text", counting)
        a, b, c = await register(), await register(), await register()
        await settled()
        calls.clear()
        async with ws(token=a.token) as s1, ws(token=b.token) as s2, ws(token=c.token) as s3:
            await post(a, "to three sockets")
            texts = [await s.receive() for s in (s1, s2, s3)]
        assert texts[0] == texts[1] == texts[2]
        assert calls.count("post.created") == 1
