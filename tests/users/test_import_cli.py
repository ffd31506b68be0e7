"""`ruche admin import FILE [--dry-run]`, run as a real process on a throwaway SQLite data folder, e-mails to a real
SMTP server."""

import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

from app.config import ROOT_DIR
from tests.smtp_server import Mailbox, free_port

RUCHE = shutil.which("ruche", path=str(Path(sys.executable).parent)) or shutil.which("ruche")
CSV = "email,display_name,department,skills\n" + "".join(
    f"member{i}@example.com,Member {i},Dept {i % 3},Python;SQL\n" for i in range(1, 1201)
) + "not-an-address,Broken,,\n"


def run(data_dir: Path, *args: str, **env_extra: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("RUCHE_")}
    env.update(RUCHE_DATA_DIR=str(data_dir), RUCHE_ARGON2_MEMORY_KIB="1024", RUCHE_ARGON2_TIME_COST="1",
               PYTHONPATH=str(ROOT_DIR), **env_extra)
    assert RUCHE, "the ruche command is not installed (pip install -e .)"
    return subprocess.run([RUCHE, *args], capture_output=True, text=True, env=env, timeout=300, cwd=data_dir,
                          check=False)


def count(data_dir: Path, sql: str) -> int:
    with sqlite3.connect(data_dir / "ruche.db") as db:
        return int(db.execute(sql).fetchone()[0])


def make_admin(data_dir: Path) -> None:
    created = subprocess.run([RUCHE, "admin", "create", "--email", "boss@example.com", "--name", "La Patronne",
                              "--password-stdin"], input="a long enough admin passphrase\n", capture_output=True,
                             text=True, timeout=120, cwd=data_dir, check=False,
                             env={**{k: v for k, v in os.environ.items() if not k.startswith("RUCHE_")},
                                  "RUCHE_DATA_DIR": str(data_dir), "RUCHE_ARGON2_MEMORY_KIB": "1024",
                                  "RUCHE_ARGON2_TIME_COST": "1", "PYTHONPATH": str(ROOT_DIR)})
    assert created.returncode == 0, created.stderr


async def test_dry_run_then_import_with_progress_and_invitations(tmp_path: Path) -> None:
    from aiosmtpd.controller import Controller

    make_admin(tmp_path)
    path = tmp_path / "members.csv"
    path.write_text(CSV, encoding="utf-8")

    dry = run(tmp_path, "admin", "import", str(path), "--dry-run")
    assert dry.returncode == 1, dry.stderr  # a line was refused
    assert "1200 accounts would be created, 0 updated, 0 unchanged, 1 lines refused" in dry.stdout
    assert "line 1202: email: not a valid e-mail address" in dry.stdout
    assert "import" in dry.stderr and "100.0%" in dry.stderr and "1,200 lines" in dry.stderr
    assert count(tmp_path, "SELECT count(*) FROM users") == 1

    port = free_port()
    box = Mailbox(port)
    controller = Controller(box, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        done = run(tmp_path, "admin", "import", str(path), "--language", "fr", RUCHE_SMTP_HOST="127.0.0.1",
                   RUCHE_SMTP_PORT=str(port), RUCHE_BASE_URL="https://ruche.example.com")
    finally:
        controller.stop()
    assert "1200 accounts were created" in done.stdout, done.stderr
    assert "invitations" in done.stderr and "1,200 e-mails" in done.stderr
    assert count(tmp_path, "SELECT count(*) FROM users") == 1201
    assert count(tmp_path, "SELECT count(*) FROM user_skills") == 2400
    assert count(tmp_path, "SELECT count(*) FROM password_tokens WHERE purpose = 'invitation'") == 1200
    assert len(box.messages) == 1200
    first = box.messages[0]
    assert "La Patronne" in first["Subject"] and "vous invite" in first["Subject"]
    assert box.link(first).startswith("https://ruche.example.com/password/reset?token=")


def test_an_unreadable_file_is_refused_with_a_message(tmp_path: Path) -> None:
    make_admin(tmp_path)
    path = tmp_path / "members.csv"
    path.write_bytes("email,display_name\nzoé@example.com,Zoé\n".encode("latin-1"))
    r = run(tmp_path, "admin", "import", str(path))
    assert r.returncode == 1 and "UTF-8" in r.stderr and "Traceback" not in r.stderr


def test_without_an_admin_nothing_is_imported(tmp_path: Path) -> None:
    path = tmp_path / "members.csv"
    path.write_text("email,display_name\nz@example.com,Z\n", encoding="utf-8")
    r = run(tmp_path, "admin", "import", str(path))
    assert r.returncode == 1 and "ruche admin create" in r.stderr
    assert count(tmp_path, "SELECT count(*) FROM users") == 0
