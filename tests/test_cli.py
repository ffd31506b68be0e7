"""The `ruche` command line, run as a real process on a throwaway SQLite data folder."""

import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from app.config import Settings
from app.main import create_app

RUCHE = shutil.which("ruche", path=str(Path(sys.executable).parent)) or shutil.which("ruche")
ADMIN_PASSWORD = "a long enough admin passphrase"


def run(data_dir: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("RUCHE_")}
    env.update(RUCHE_DATA_DIR=str(data_dir), RUCHE_ARGON2_MEMORY_KIB="1024", RUCHE_ARGON2_TIME_COST="1")
    assert RUCHE, "the ruche command is not installed (pip install -e .)"
    return subprocess.run([RUCHE, *args], input=stdin, capture_output=True, text=True, env=env, timeout=120,
                          cwd=data_dir, check=False)


def tables(data_dir: Path) -> set[str]:
    with sqlite3.connect(data_dir / "ruche.db") as db:
        return {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}


def test_db_upgrade_then_downgrade_to_base(tmp_path: Path) -> None:
    up = run(tmp_path, "db", "upgrade")
    assert up.returncode == 0, up.stderr
    assert {"users", "groups", "group_memberships", "posts", "comments", "reactions", "activities"} <= tables(tmp_path)
    down = run(tmp_path, "db", "downgrade", "base")
    assert down.returncode == 0, down.stderr
    assert tables(tmp_path) <= {"alembic_version"}
    again = run(tmp_path, "db", "upgrade", "head")
    assert again.returncode == 0, again.stderr
    assert "users" in tables(tmp_path)


async def test_admin_create_reads_the_password_from_stdin_and_can_sign_in(tmp_path: Path) -> None:
    created = run(tmp_path, "admin", "create", "--email", "Boss@Example.com", "--name", "La Patronne",
                  "--password-stdin", stdin=ADMIN_PASSWORD + "\n")
    assert created.returncode == 0, created.stderr
    assert "admin created" in created.stdout
    assert ADMIN_PASSWORD not in created.stdout + created.stderr

    settings = Settings(DATA_DIR=tmp_path, DATABASE_URL=None, REDIS_URL=None, SECRET_KEY=None,
                        ARGON2_MEMORY_KIB=1024, ARGON2_TIME_COST=1)
    app = create_app(settings)
    transport = httpx.ASGITransport(app=app)
    async with app.router.lifespan_context(app), httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        token = await client.post("/api/v1/auth/token", data={"username": "boss@example.com", "password": ADMIN_PASSWORD})
        assert token.status_code == 200, token.text
        me = await client.get("/api/v1/users/me", headers={"Authorization": f"Bearer {token.json()['access_token']}"})
        assert me.json()["role"] == "admin" and me.json()["display_name"] == "La Patronne"


@pytest.mark.parametrize(
    ("password", "reason"), [("short", "password"), ("motdepasse123", "too common")]
)
def test_admin_create_refuses_a_bad_password_with_a_message(tmp_path: Path, password: str, reason: str) -> None:
    result = run(tmp_path, "admin", "create", "--email", "boss@example.com", "--name", "Boss", "--password-stdin",
                 stdin=password + "\n")
    assert result.returncode == 1
    assert result.stderr.startswith("error:") and reason in result.stderr.lower()
    assert "Traceback" not in result.stderr
    with sqlite3.connect(tmp_path / "ruche.db") as db:
        assert db.execute("SELECT count(*) FROM users").fetchone() == (0,)


def test_admin_create_refuses_a_taken_email(tmp_path: Path) -> None:
    args = ("admin", "create", "--email", "boss@example.com", "--name", "Boss", "--password-stdin")
    assert run(tmp_path, *args, stdin=ADMIN_PASSWORD).returncode == 0
    again = run(tmp_path, *args, stdin=ADMIN_PASSWORD)
    assert again.returncode == 1 and "already registered" in again.stderr


def test_demo_seeds_once_then_refuses(tmp_path: Path) -> None:
    first = run(tmp_path, "demo", "--members", "12")
    assert first.returncode == 0, first.stderr
    assert "12 members" in first.stdout and "ruche-demo-2026" in first.stdout
    second = run(tmp_path, "demo")
    assert second.returncode == 1
    assert "already has members" in second.stderr and "Traceback" not in second.stderr
    with sqlite3.connect(tmp_path / "ruche.db") as db:
        assert db.execute("SELECT count(*) FROM users").fetchone() == (12,)


def test_a_keep_me_signed_in_longer_than_tokens_may_live_is_refused_at_start() -> None:
    """Tokens living past 400 days are refused as forged (app.security): a longer setting would sign nobody in."""
    import pydantic

    from app.config import Settings

    with pytest.raises(pydantic.ValidationError):
        Settings(SESSION_REMEMBER_DAYS=500)
    assert Settings(SESSION_REMEMBER_DAYS=365).SESSION_REMEMBER_DAYS == 365
