"""Ruche installed as a user would: build the wheel, install it into a new virtualenv in a temporary folder, and from
an empty working folder outside the repository run `ruche db upgrade`, `ruche demo`, `ruche serve`, sign a demo
member in, read the feed, then `ruche db downgrade base` (issue 18, "What it must show").

Run from the repository root with the project's virtualenv: `.venv/bin/python .ci/wheel_smoke.py`. It needs the
package index (the new virtualenv installs the wheel's dependencies) and `build` (the `test` extra). Nothing of the
checkout is on the installed program's path: the environment is cleared of PYTHONPATH and of RUCHE_* settings, and
every command runs in the empty folder. Exit status 0 when every step passed, 1 with a one-line reason otherwise."""

import os
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parent.parent
# The demo community's accounts (app/demo/people.py: DEMO_PASSWORD and the second member, not an admin).
DEMO_EMAIL = "claire.dubois@ruche.example"
DEMO_PASSWORD = "ruche-demo-2026"
started = time.monotonic()


class Failed(Exception):
    pass


def step(message: str) -> None:
    print(f"-- {message} ({time.monotonic() - started:.0f} s)", flush=True)


def run(args: list[str], cwd: Path, env: dict[str, str], timeout: float = 600) -> str:
    result = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    if result.returncode != 0:
        raise Failed(f"{' '.join(args[-3:])} exited {result.returncode}:\n{result.stdout}\n{result.stderr}")
    return result.stdout


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def check(condition: bool, message: str) -> None:
    if not condition:
        raise Failed(message)


def serve_and_browse(ruche: Path, work: Path, env: dict[str, str]) -> None:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log_path = work / "serve.log"
    with log_path.open("w") as log:
        server = subprocess.Popen([str(ruche), "serve", "--port", str(port)], cwd=work, env=env, stdout=log,
                                  stderr=subprocess.STDOUT, start_new_session=True)
    try:
        with httpx.Client(base_url=base, timeout=10) as client:
            deadline = time.monotonic() + 60
            while True:
                check(server.poll() is None, f"ruche serve exited {server.returncode}:\n{log_path.read_text()}")
                try:
                    if client.get("/healthz").status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                check(time.monotonic() < deadline, f"/healthz did not answer within 60 s:\n{log_path.read_text()}")
                time.sleep(0.3)
            step("/healthz answers")

            page = client.get("/signin", headers={"Accept-Language": "en"})
            check(page.status_code == 200 and "Sign in to Ruche" in page.text, f"GET /signin: {page.status_code}")
            sheets = re.findall(r'<link rel="stylesheet" href="(/static/[^"]+\.css)"', page.text)
            check(bool(sheets), "the sign-in page links no stylesheet")
            for href in sheets:
                css = client.get(href)
                check(css.status_code == 200 and css.headers["content-type"].startswith("text/css")
                      and len(css.content) > 0, f"GET {href}: {css.status_code}")
            french = client.get("/signin", headers={"Accept-Language": "fr"})
            check("Se connecter à Ruche" in french.text, "the French catalog is not served")
            step(f"/signin renders in English and French, its {len(sheets)} stylesheets answer 200")

            token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
            check(token is not None, "no CSRF field in the sign-in form")
            assert token is not None
            signed_in = client.post("/signin", data={"csrf_token": token.group(1), "email": DEMO_EMAIL,
                                                     "password": DEMO_PASSWORD, "next": "/"})
            check(signed_in.status_code == 303, f"POST /signin: {signed_in.status_code}")
            home = client.get("/")
            posts = home.text.count('class="card post-card')
            check(home.status_code == 200 and posts > 0, f"GET / after sign-in: {home.status_code}, {posts} posts")
            step(f"{DEMO_EMAIL} signs in through the form and reads {posts} posts on the home page")

            api = client.post("/api/v1/auth/token", data={"username": DEMO_EMAIL, "password": DEMO_PASSWORD})
            check(api.status_code == 200, f"POST /api/v1/auth/token: {api.status_code}")
            feed = client.get("/api/v1/feed", headers={"Authorization": f"Bearer {api.json()['access_token']}"})
            check(feed.status_code == 200, f"GET /api/v1/feed: {feed.status_code}")
            items = feed.json()["items"]  # a page: {items, next_cursor}
            check(len(items) > 0 and all(item["body"] for item in items), "GET /api/v1/feed: no posts")
            step(f"the API token endpoint and /api/v1/feed ({len(items)} posts)")
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=40)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


def main() -> int:
    tmp = Path(tempfile.mkdtemp(prefix="ruche-wheel-"))
    try:
        dist, venv, work = tmp / "dist", tmp / "venv", tmp / "work"
        # The sdist, then the wheel from the sdist (build's default): what a package index would get, and no stale
        # build/ folder of the checkout can slip old files into the wheel.
        run([sys.executable, "-m", "build", "--outdir", str(dist), str(REPO)], cwd=REPO, env=dict(os.environ))
        wheel = next(dist.glob("ruche-*.whl"))
        step(f"built {wheel.name}")

        run([sys.executable, "-m", "venv", str(venv)], cwd=tmp, env=dict(os.environ))
        run([str(venv / "bin" / "pip"), "install", "--quiet", "--disable-pip-version-check", str(wheel)], cwd=tmp,
            env=dict(os.environ))
        step("installed into a new virtualenv")

        work.mkdir()
        env = {key: value for key, value in os.environ.items()
               if not key.startswith("RUCHE_") and key not in ("PYTHONPATH", "VIRTUAL_ENV")}
        env["RUCHE_DATA_DIR"] = str(work / "data")
        ruche = venv / "bin" / "ruche"
        # The installed program must not see the checkout: its app package comes from the new virtualenv.
        location = run([str(venv / "bin" / "python"), "-c", "import app; print(app.__file__)"], cwd=work, env=env)
        check(location.strip().startswith(str(venv)), f"app imported from {location.strip()}, not the virtualenv")

        run([str(ruche), "db", "upgrade"], cwd=work, env=env)
        step("ruche db upgrade")
        run([str(ruche), "demo", "--members", "20"], cwd=work, env=env)
        step("ruche demo")

        serve_and_browse(ruche, work, env)

        run([str(ruche), "db", "downgrade", "base"], cwd=work, env=env)
        with sqlite3.connect(work / "data" / "ruche.db") as db:
            tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        check(tables <= {"alembic_version"}, f"tables left after downgrade base: {sorted(tables)}")
        step("ruche db downgrade base")
    except Failed as exc:
        print(f"wheel smoke test failed: {exc}", file=sys.stderr)
        return 1
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print(f"wheel smoke test passed in {time.monotonic() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
