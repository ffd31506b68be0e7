"""GET /readyz: 200 when the database answers at the code's migration head, else 503 saying which."""

from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import text

from app.config import Settings
from app.db import make_engine, make_sessionmaker
from app.main import create_app
from app.observability.readiness import code_heads


class TestReadyz:
    async def test_ready_at_head(self, client: httpx.AsyncClient) -> None:
        r = await client.get("/readyz")
        assert r.status_code == 200
        head = sorted(code_heads())
        assert r.json() == {"status": "ready", "database": "ok", "migrations": "head", "revision": head,
                            "expected": head}

    async def test_another_revision_is_503(self, client: httpx.AsyncClient, app: Any) -> None:
        engine = app.state.runtime.engine
        (head,) = code_heads()
        async with engine.begin() as conn:
            await conn.execute(text("UPDATE alembic_version SET version_num = 'an_older_one'"))
        try:
            r = await client.get("/readyz")
        finally:
            async with engine.begin() as conn:
                await conn.execute(text("UPDATE alembic_version SET version_num = :head"), {"head": head})
        assert r.status_code == 503
        assert r.headers["retry-after"] == "5"
        assert r.json() == {"status": "not ready", "database": "ok", "migrations": "not at head",
                            "revision": ["an_older_one"], "expected": [head]}
        assert (await client.get("/readyz")).status_code == 200

    async def test_a_database_never_migrated_is_503(self, tmp_path: Path, base_settings: Settings) -> None:
        settings = base_settings.model_copy(update={"DATABASE_URL": f"sqlite:///{tmp_path / 'empty.db'}",
                                                    "DATA_DIR": tmp_path})
        application = create_app(settings)
        runtime = application.state.runtime
        runtime.engine = make_engine(settings)
        runtime.sessionmaker = make_sessionmaker(runtime.engine)
        try:
            async with httpx.AsyncClient(transport=httpx.ASGITransport(app=application), base_url="http://t") as c:
                r = await c.get("/readyz")
        finally:
            await runtime.engine.dispose()
        assert r.status_code == 503
        assert r.json()["database"] == "ok" and r.json()["migrations"] == "not at head"
        assert r.json()["revision"] == []

    async def test_an_unreachable_database_is_503(self, tmp_path: Path, base_settings: Settings) -> None:
        settings = base_settings.model_copy(update={
            "DATABASE_URL": f"sqlite:///{tmp_path / 'missing-folder' / 'ruche.db'}", "DATA_DIR": tmp_path})
        application = create_app(settings)
        runtime = application.state.runtime
        runtime.engine = make_engine(settings)
        runtime.sessionmaker = make_sessionmaker(runtime.engine)
        try:
            async with httpx.AsyncClient(transport=httpx.ASGITransport(app=application), base_url="http://t") as c:
                r = await c.get("/readyz")
        finally:
            await runtime.engine.dispose()
        assert r.status_code == 503
        assert r.json()["status"] == "not ready" and r.json()["database"] == "down"
