"""A restored database counts its activity ids anew (issue 27, point 6): a socket reconnecting with a `since` from
the other history, or beyond the newest activity, is told to reload instead of silently receiving nothing."""

import asyncio
import re
from pathlib import Path
from typing import Any

import httpx
import pytest

from app.main import create_app
from app.migrate import upgrade
from app.outbox.epoch import read_epoch, renew_epoch
from tests.live.wsclient import ASGIWebSocket


class TestReconnectAcrossHistories:
    async def test_a_since_beyond_the_newest_activity_is_told_to_reload_then_gets_new_events(
            self, app: Any, ws: Any, register: Any, post: Any, settled: Any) -> None:
        a, b = await register(), await register()
        await post(a, "Avant")
        await settled()
        async with ws(token=b.token, since=10_000, epoch=app.state.runtime.outbox_epoch) as sock:
            assert await sock.receive() == {"type": "reload", "reason": "history"}
            created = await post(a, "Après la restauration")
            event = await sock.receive()  # live events still flow: nothing is held back below the old `since`
        assert event["type"] == "post.created" and event["post"]["id"] == created["id"]

    async def test_another_epoch_is_told_to_reload_even_below_the_newest_id(
            self, app: Any, ws: Any, register: Any, post: Any, settled: Any) -> None:
        a, b = await register(), await register()
        for n in range(3):
            await post(a, f"Billet {n}")
        await settled()
        async with ws(token=b.token, since=1, epoch="0123456789abcdef") as sock:
            assert (await sock.receive())["type"] == "reload"
            await sock.nothing()  # no replay from a position that means something else here

    async def test_the_same_epoch_replays_as_before(self, app: Any, ws: Any, register: Any, post: Any,
                                                    settled: Any) -> None:
        a, b = await register(), await register()
        first = await post(a, "Un")
        await settled()
        async with ws(token=b.token, since=0, epoch=app.state.runtime.outbox_epoch) as sock:
            event = await sock.receive()
        assert event["type"] == "post.created" and event["post"]["id"] == first["id"]

    @pytest.mark.parametrize("epoch", ["XYZ", "a" * 33, "../"])
    async def test_a_malformed_epoch_is_refused(self, ws: Any, register: Any, epoch: str) -> None:
        from tests.live.wsclient import Refused

        b = await register()
        with pytest.raises(Refused) as refused:
            await ws(token=b.token, since=0, epoch=epoch).connect()
        assert refused.value.code == 4400

    async def test_pages_give_live_js_the_epoch(self, app: Any, client: httpx.AsyncClient, register: Any) -> None:
        b = await register()
        page = await client.get("/", headers={"Accept": "text/html", "Cookie": f"ruche_session={b.token}"})
        found = re.search(r'data-epoch="([0-9a-f]*)"', page.text)
        assert found and found.group(1) == app.state.runtime.outbox_epoch != ""


class TestRestore:
    async def test_restore_renews_the_epoch_and_a_reconnect_is_told_to_reload(
            self, tmp_path: Path, base_settings: Any) -> None:
        """`ruche restore` into a new data folder; a client of the old network reconnects to the restored one."""
        from tests.ops.test_backup import prepare_data_dir, run_cli, settings_for

        source, target = tmp_path / "source", tmp_path / "target"
        source.mkdir()
        source_settings = settings_for(source)
        await asyncio.to_thread(upgrade, source_settings.database_url)
        old = await _epoch_of(source_settings)
        prepare_data_dir(source)
        archive = tmp_path / "ruche.tar.gz"
        assert (await asyncio.to_thread(run_cli, "backup", str(archive), data_dir=source)).exit_code == 0
        result = await asyncio.to_thread(run_cli, "restore", str(archive), data_dir=target)
        assert result.exit_code == 0, result.stderr
        restored = base_settings.model_copy(update={"DATA_DIR": target, "DATABASE_URL": settings_for(target).database_url})
        new = await _epoch_of(restored)
        assert new != old

        application = create_app(restored)
        async with application.router.lifespan_context(application):
            assert application.state.runtime.outbox_epoch == new
            transport = httpx.ASGITransport(app=application)
            async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
                r = await client.post("/api/v1/auth/register", json={"email": "r@example.com",
                                                                     "password": "correct horse battery",
                                                                     "display_name": "Rose Restored"})
                assert r.status_code == 201, r.text
                token = (await client.post("/api/v1/auth/token", data={
                    "username": "r@example.com", "password": "correct horse battery"})).json()["access_token"]
            async with ASGIWebSocket(application, token=token, since=1, epoch=old) as sock:
                assert (await sock.receive())["type"] == "reload"


async def _epoch_of(settings: Any) -> str:
    from sqlalchemy.pool import NullPool

    from app.db import make_engine, make_sessionmaker

    engine = make_engine(settings, poolclass=NullPool)
    try:
        async with make_sessionmaker(engine)() as session:
            return await read_epoch(session)
    finally:
        await engine.dispose()


async def test_renew_epoch_replaces_the_row(app: Any) -> None:
    async with app.state.runtime.sessionmaker() as session:
        before = await read_epoch(session)
        after = await renew_epoch(session)
        assert after != before and await read_epoch(session) == after
        await session.rollback()
