"""The handshake: token or cookie, Origin for cookies, refusal before accept, revoked tokens closed."""

import pytest

from app.live.component import live_of
from tests.live.wsclient import Closed, Refused


class TestHandshake:
    async def test_no_token_is_refused_before_accept(self, ws):
        with pytest.raises(Refused) as refused:
            await ws().connect()
        assert refused.value.code == 4401

    async def test_bad_token_is_refused(self, ws):
        with pytest.raises(Refused) as refused:
            await ws(token="not.a.jwt").connect()
        assert refused.value.code == 4401

    async def test_token_accepted(self, ws, register):
        a = await register()
        async with ws(token=a.token):
            pass

    async def test_cookie_without_origin_is_refused(self, ws, register):
        a = await register()
        with pytest.raises(Refused) as refused:
            await ws(cookie=a.token).connect()
        assert refused.value.code == 4403

    async def test_cookie_from_another_site_is_refused(self, ws, register):
        a = await register()
        with pytest.raises(Refused) as refused:
            await ws(cookie=a.token, headers={"Origin": "http://evil.example"}).connect()
        assert refused.value.code == 4403

    async def test_cookie_from_own_origin_is_accepted(self, ws, register, post):
        a = await register()
        async with ws(cookie=a.token, headers={"Origin": "http://testserver"}) as sock:
            created = await post(a, "from the cookie socket")
            event = await sock.receive()
            assert event["post"]["id"] == created["id"]

    async def test_base_url_origin_is_the_one_checked(self, ws, register, settings_override):
        a = await register()
        settings_override(BASE_URL="https://ruche.example.com")
        with pytest.raises(Refused):
            await ws(cookie=a.token, headers={"Origin": "http://testserver"}).connect()
        async with ws(cookie=a.token, headers={"Origin": "https://ruche.example.com"}):
            pass

    async def test_token_from_any_origin_is_accepted(self, ws, register):
        a = await register()
        async with ws(token=a.token, headers={"Origin": "http://elsewhere.example"}):
            pass

    async def test_malformed_since_is_refused_not_a_500(self, ws, register):
        a = await register()
        with pytest.raises(Refused):
            await ws(token=a.token, since="abc").connect()

    async def test_eleventh_socket_of_a_member_is_refused(self, ws, register):
        a = await register()
        socks = [ws(token=a.token) for _ in range(10)]
        for s in socks:
            await s.connect()
        try:
            with pytest.raises(Refused) as refused:
                await ws(token=a.token).connect()
            assert refused.value.code == 4429
        finally:
            for s in socks:
                await s.close()


class TestRevocation:
    async def test_logout_closes_the_socket(self, app, ws, register, client):
        a = await register()
        async with ws(token=a.token) as sock:
            r = await client.post("/api/v1/auth/logout", headers=a.headers)
            assert r.status_code == 204
            await live_of(app.state.runtime).hub.check_sessions()  # runs every LIVE_AUTH_CHECK_S in the background
            with pytest.raises(Closed) as closed:
                await sock.receive()
            assert closed.value.code == 4401

    async def test_deactivation_closes_the_socket_at_once(self, ws, register, client):
        admin = await register()
        b = await register()
        async with ws(token=b.token) as sock:
            r = await client.patch(f"/api/v1/admin/users/{b.id}", json={"active": False}, headers=admin.headers)
            assert r.status_code == 200, r.text
            with pytest.raises(Closed) as closed:
                await sock.receive(timeout=3)
            assert closed.value.code == 4401


class TestInbound:
    async def test_message_over_64_kib_closes(self, ws, register):
        a = await register()
        async with ws(token=a.token) as sock:
            await sock.send_text("x" * (64 * 1024 + 1))
            with pytest.raises(Closed) as closed:
                await sock.receive()
            assert closed.value.code == 1009

    async def test_more_than_100_messages_a_minute_closes(self, ws, register):
        a = await register()
        async with ws(token=a.token) as sock:
            for _ in range(101):
                await sock.send_json({"type": "noop"})
            with pytest.raises(Closed) as closed:
                await sock.receive()
            assert closed.value.code == 1008

    async def test_ping_is_answered(self, ws, register):
        a = await register()
        async with ws(token=a.token) as sock:
            await sock.send_json({"type": "ping"})
            assert await sock.receive() == {"type": "pong"}


class TestHeartbeat:
    async def test_hub_pings_every_socket(self, app, ws, register):
        import asyncio
        import json

        a = await register()
        async with ws(token=a.token) as sock:
            await asyncio.sleep(0.6)  # past the first-message grace: the socket is streaming
            live_of(app.state.runtime).hub.ping_all()  # the housekeeping task does this every LIVE_PING_S (20 s)
            message = await asyncio.wait_for(sock._from_app.get(), 3)
            assert json.loads(message["text"]) == {"type": "ping"}
