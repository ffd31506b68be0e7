"""Notifications: who is told of what (never yourself, never what you cannot see), API, settings, e-mail."""

import asyncio

import pytest

from tests.live.conftest import until


async def notes(client, member, **params):
    r = await client.get("/api/v1/notifications", params=params, headers=member.headers)
    assert r.status_code == 200, r.text
    return r.json()["items"]


async def wait_notes(client, member, count, **params):
    """The notifier works in the background: wait until `count` notifications are there."""
    async def ready():
        return len(await notes(client, member, **params)) >= count

    await until(ready)
    return await notes(client, member, **params)


async def quiet(app):
    """Wait until the notifier has consumed the whole outbox."""
    from sqlalchemy import select

    from app.outbox.models import OutboxCursor
    from app.outbox.read import last_activity_id

    async def done():
        async with app.state.runtime.sessionmaker() as session:
            newest = await last_activity_id(session)
            cursor = await session.scalar(select(OutboxCursor.last_id).where(OutboxCursor.name == "notifier"))
        return cursor is not None and cursor >= newest

    app.state.runtime.components["notifier"].wake()
    await until(done)


class TestMentions:
    async def test_mention_notifies_the_member(self, client, register, post):
        a, b = await register("Alice Martin"), await register("Bruno Petit")
        p = await post(a, f"Thanks @{b.handle} for the help")
        [n] = await wait_notes(client, b, 1)
        assert n["kind"] == "mention" and n["post_id"] == p["id"] and n["read"] is False
        assert n["actor"]["id"] == a.id and n["comment_id"] is None
        contract = {"id", "kind", "actor", "post_id", "comment_id", "group_id", "created_at", "read"}
        assert set(n) == contract | {"subject", "group_count", "actor_count", "actors", "grouped_ids"}
        assert n["subject"] == "Thanks @" + b.handle + " for the help" and n["group_count"] == 1

    async def test_mentioning_yourself_notifies_nobody(self, app, client, register, post):
        a = await register("Alice Martin")
        await post(a, f"Note to self @{a.handle}")
        await quiet(app)
        assert await notes(client, a) == []

    async def test_mentioned_outsider_of_a_private_group_is_not_notified(self, app, client, register, post, group):
        a, b = await register("Alice Martin"), await register("Bruno Petit")
        g = await group(a, "Private club", "private")
        await post(a, f"@{b.handle} cannot see this", group_id=g["id"])
        await quiet(app)
        assert await notes(client, b) == []

    async def test_mention_in_a_comment(self, client, register, post):
        a, b, c = await register("Alice Martin"), await register("Bruno Petit"), await register("Chloé Durand")
        p = await post(a, "Question")
        r = await client.post(f"/api/v1/posts/{p['id']}/comments", json={"body": f"ask @{c.handle}"}, headers=b.headers)
        assert r.status_code == 201
        [n] = await wait_notes(client, c, 1)
        assert n["kind"] == "mention" and n["comment_id"] == r.json()["id"]


class TestReplies:
    async def test_reply_to_my_post_and_to_my_comment(self, client, register, post):
        a, b, c = await register(), await register(), await register()
        p = await post(a, "Hello")
        first = await client.post(f"/api/v1/posts/{p['id']}/comments", json={"body": "hi"}, headers=b.headers)
        second = await client.post(f"/api/v1/posts/{p['id']}/comments",
                                   json={"body": "hi b", "parent_id": first.json()["id"]}, headers=c.headers)
        assert second.status_code == 201
        async def both_replies():
            return [n["group_count"] for n in await notes(client, a)] == [2]

        await until(both_replies)  # two replies on one post: one entry, "C and 1 other replied to you on …"
        [entry] = await notes(client, a)
        assert entry["kind"] == "reply" and entry["actor"]["id"] == c.id and entry["actor_count"] == 2
        [b_note] = await wait_notes(client, b, 1)
        assert b_note["kind"] == "reply" and b_note["comment_id"] == second.json()["id"]

    async def test_replying_on_my_own_post_notifies_nobody(self, app, client, register, post):
        a = await register()
        p = await post(a, "Hello")
        await client.post(f"/api/v1/posts/{p['id']}/comments", json={"body": "me again"}, headers=a.headers)
        await quiet(app)
        assert await notes(client, a) == []


class TestReactions:
    async def test_reaction_notifies_the_author_once(self, app, client, register, post):
        a, b = await register(), await register()
        p = await post(a, "Hello")
        for method in ("put", "delete", "put"):
            r = await client.request(method.upper(), f"/api/v1/posts/{p['id']}/reaction",
                                     json={"kind": "like"} if method == "put" else None, headers=b.headers)
            assert r.status_code == 200
        await quiet(app)
        assert [n["kind"] for n in await notes(client, a)] == ["reaction"]

    async def test_reacting_to_my_own_post_notifies_nobody(self, app, client, register, post):
        a = await register()
        p = await post(a, "Hello")
        await client.put(f"/api/v1/posts/{p['id']}/reaction", json={"kind": "like"}, headers=a.headers)
        await quiet(app)
        assert await notes(client, a) == []


class TestAnnouncements:
    async def test_company_announcement_reaches_every_active_member(self, app, client, register, post):
        admin, b, c, gone = await register(), await register(), await register(), await register()
        r = await client.patch(f"/api/v1/admin/users/{gone.id}", json={"active": False}, headers=admin.headers)
        assert r.status_code == 200
        p = await post(admin, "Launch day", kind="announcement")
        for member in (b, c):
            [n] = await wait_notes(client, member, 1)
            assert n["kind"] == "announcement" and n["post_id"] == p["id"]
        await quiet(app)
        assert await notes(client, admin) == []
        from sqlalchemy import func, select

        from app.notifications.models import Notification

        async with app.state.runtime.sessionmaker() as session:
            assert await session.scalar(select(func.count()).where(Notification.user_id == gone.id)) == 0

    async def test_group_announcement_reaches_its_members_only(self, app, client, register, post, group):
        a, member, outsider = await register(), await register(), await register()
        g = await group(a, "Engineering", "private", members=(member,))
        await post(a, "Sprint review", kind="announcement", group_id=g["id"])
        [n] = await wait_notes(client, member, 1)
        assert n["kind"] == "announcement" and n["group_id"] == g["id"]
        await quiet(app)
        assert await notes(client, outsider) == []

    async def test_mentioned_in_an_announcement_gets_one_notification(self, app, client, register, post):
        admin, b = await register("Admin One"), await register("Bruno Petit")
        await post(admin, f"Welcome @{b.handle}", kind="announcement")
        await quiet(app)
        assert [n["kind"] for n in await notes(client, b)] == ["mention"]


class TestGroups:
    async def test_request_notifies_animators_and_acceptance_the_requester(self, client, register, group):
        a, b = await register(), await register()
        g = await group(a, "Private garden", "private")
        r = await client.post(f"/api/v1/groups/{g['id']}/join", headers=b.headers)
        assert r.json() == {"status": "pending"}
        [n] = await wait_notes(client, a, 1)
        assert n["kind"] == "group_request" and n["group_id"] == g["id"] and n["actor"]["id"] == b.id
        r = await client.put(f"/api/v1/groups/{g['id']}/members/{b.id}", json={"status": "member"}, headers=a.headers)
        assert r.status_code == 200
        [n] = await wait_notes(client, b, 1)
        assert n["kind"] == "group_accepted" and n["actor"]["id"] == a.id


class TestApi:
    async def test_requires_auth(self, client):
        assert (await client.get("/api/v1/notifications")).status_code == 401
        assert (await client.post("/api/v1/notifications/read", json={"all": True})).status_code == 401

    async def test_mark_read_by_ids_and_all(self, client, register, post):
        a, b, c = await register("Alice Martin"), await register("Bruno Petit"), await register("Chloé Durand")
        for i in range(3):
            await post(a, f"hey @{b.handle} {i}")
        await post(a, f"hey @{c.handle}")
        items = await wait_notes(client, b, 3)
        await wait_notes(client, c, 1)
        r = await client.post("/api/v1/notifications/read", json={"ids": [items[0]["id"]]}, headers=b.headers)
        assert r.status_code == 204 and r.content == b""
        assert len(await notes(client, b, unread="true")) == 2
        assert (await client.get("/api/v1/notifications/unread_count", headers=b.headers)).json() == {"unread": 2}
        c_id = (await notes(client, c))[0]["id"]
        r = await client.post("/api/v1/notifications/read", json={"ids": [c_id]}, headers=b.headers)
        assert r.status_code == 204
        assert (await notes(client, c))[0]["read"] is False  # someone else's id changes nothing
        r = await client.post("/api/v1/notifications/read", json={"all": True}, headers=b.headers)
        assert r.status_code == 204
        assert await notes(client, b, unread="true") == []
        assert [n["read"] for n in await notes(client, b)] == [True, True, True]

    @pytest.mark.parametrize("body", [{}, {"ids": "x"}, {"ids": [0]}, {"ids": [2**70]}, {"all": "yes"}, {"x": 1}])
    async def test_bad_read_body_is_422(self, client, register, body):
        a = await register()
        r = await client.post("/api/v1/notifications/read", json=body, headers=a.headers)
        assert r.status_code == 422

    async def test_pagination_newest_first_without_repeats(self, client, register, post):
        a, b = await register("Alice Martin"), await register("Bruno Petit")
        for i in range(5):
            await post(a, f"@{b.handle} number {i}")
        everything = await wait_notes(client, b, 5)
        r = await client.get("/api/v1/notifications", params={"limit": 2}, headers=b.headers)
        page1 = r.json()
        r = await client.get("/api/v1/notifications", params={"limit": 2, "cursor": page1["next_cursor"]},
                             headers=b.headers)
        page2 = r.json()
        ids = [n["id"] for n in page1["items"] + page2["items"]]
        assert ids == [n["id"] for n in everything[:4]] and ids == sorted(ids, reverse=True)
        bad = await client.get("/api/v1/notifications", params={"cursor": "!!"}, headers=b.headers)
        assert bad.status_code == 422

    async def test_notification_disappears_when_its_post_is_deleted(self, client, register, post):
        a, b = await register("Alice Martin"), await register("Bruno Petit")
        p = await post(a, f"@{b.handle} look")
        await wait_notes(client, b, 1)
        assert (await client.delete(f"/api/v1/posts/{p['id']}", headers=a.headers)).status_code == 204
        assert await notes(client, b) == []


class TestLivePush:
    async def test_notification_created_reaches_the_recipient_only(self, client, register, post, ws, settled):
        a, b, c = await register("Alice Martin"), await register("Bruno Petit"), await register("Chloé Durand")
        await settled()
        async with ws(token=b.token) as b_sock, ws(token=c.token) as c_sock:
            p = await post(a, f"@{b.handle} hello")
            assert (await b_sock.receive())["type"] == "post.created"
            event = await b_sock.receive()
            assert event["type"] == "notification.created"
            assert event["notification"]["kind"] == "mention" and event["notification"]["post_id"] == p["id"]
            assert (await c_sock.receive())["type"] == "post.created"
            await c_sock.nothing(0.5)


class TestSettings:
    async def test_defaults_and_update(self, client, register):
        a = await register()
        r = await client.get("/api/v1/notifications/settings", headers=a.headers)
        assert r.json() == {k: "app" for k in
                            ("mention", "reply", "reaction", "announcement", "group_request", "group_accepted")}
        r = await client.put("/api/v1/notifications/settings", json={**r.json(), "reaction": "off", "mention": "email"},
                             headers=a.headers)
        assert r.status_code == 200 and r.json()["reaction"] == "off"
        assert (await client.get("/api/v1/notifications/settings", headers=a.headers)).json()["mention"] == "email"

    @pytest.mark.parametrize("body", [{"mention": "sms"}, {"unknown": "app"}, {"mention": None}])
    async def test_bad_settings_are_422(self, client, register, body):
        a = await register()
        r = await client.put("/api/v1/notifications/settings", json=body, headers=a.headers)
        assert r.status_code == 422

    async def test_off_means_no_notification(self, app, client, register, post):
        a, b = await register(), await register()
        await client.put("/api/v1/notifications/settings", json={"reaction": "off"}, headers=a.headers)
        p = await post(a, "Hello")
        await client.put(f"/api/v1/posts/{p['id']}/reaction", json={"kind": "like"}, headers=b.headers)
        await quiet(app)
        assert await notes(client, a) == []


class TestEmail:
    async def test_email_setting_sends_through_smtp(self, app, client, register, post, settings_override, unused_port):
        from aiosmtpd.controller import Controller

        received = []

        class Handler:
            async def handle_DATA(self, server, session, envelope):
                received.append(envelope)
                return "250 OK"

        controller = Controller(Handler(), hostname="127.0.0.1", port=unused_port)
        controller.start()
        try:
            a, b = await register("Alice Martin"), await register("Bruno Petit", "bruno@example.com")
            await client.patch("/api/v1/users/me", json={"language": "fr"}, headers=b.headers)
            await client.put("/api/v1/notifications/settings", json={"mention": "email"}, headers=b.headers)
            settings_override(SMTP_HOST="127.0.0.1", SMTP_PORT=unused_port, BASE_URL="https://ruche.example.com")
            await post(a, f"Merci @{b.handle} pour le secret du projet")

            async def arrived():
                return len(received) >= 1

            await until(arrived, timeout=5)
            await asyncio.sleep(0.2)
            assert len(received) == 1
            message = received[0].content.decode()
            assert received[0].rcpt_tos == ["bruno@example.com"]
            assert "Alice Martin vous a mentionn" in message
            assert "https://ruche.example.com/notifications/" in message
            assert "secret du projet" not in message  # no excerpt leaves by mail
        finally:
            controller.stop()

    async def test_without_smtp_host_the_email_is_logged(self, app, client, register, post, caplog):
        import logging

        caplog.set_level(logging.INFO, logger="ruche.email")
        a, b = await register("Alice Martin"), await register("Bruno Petit", "bruno@example.com")
        await client.put("/api/v1/notifications/settings", json={"mention": "email"}, headers=b.headers)
        await post(a, f"hi @{b.handle}")

        async def logged():
            return any("bruno@example.com" in r.getMessage() for r in caplog.records)

        await until(logged)


class TestExactlyOnce:
    async def test_restarting_the_notifier_adds_no_duplicate(self, app, client, register, post):
        from app.outbox.models import OutboxCursor

        a, b = await register("Alice Martin"), await register("Bruno Petit")
        await post(a, f"@{b.handle} once")
        await wait_notes(client, b, 1)
        await quiet(app)
        async with app.state.runtime.sessionmaker() as session:  # as if a crash lost the cursor's last move
            cursor = await session.get(OutboxCursor, "notifier")
            cursor.last_id = 0
            await session.commit()
        await quiet(app)
        assert len(await notes(client, b)) == 1


class TestCommentReactions:
    async def test_reaction_on_my_comment_notifies_me(self, client, register, post):
        a, b = await register(), await register()
        p = await post(a, "Hello")
        c = await client.post(f"/api/v1/posts/{p['id']}/comments", json={"body": "mine"}, headers=b.headers)
        r = await client.put(f"/api/v1/comments/{c.json()['id']}/reaction", json={"kind": "like"}, headers=a.headers)
        assert r.status_code == 200
        [n] = await wait_notes(client, b, 1)
        assert n["kind"] == "reaction" and n["comment_id"] == c.json()["id"] and n["actor"]["id"] == a.id
        assert n["post_id"] == p["id"]  # so it disappears with the post, and opens on it
