"""HTTP load test of a generated dataset: start `ruche serve`, sign bench viewers in, drive wrk per scenario and
print a markdown table (requests/s, p50, p99, non-2xx, ratio to the framework ceiling `GET /api/v1/ping`):

    python -m bench.load --database-url postgresql://postgres@127.0.0.1:5432/ruche_bench \\
        --workers 2 --connections 32 --duration 20

Then the scenarios with a target in issue 3 (TARGETS) run again at the target's rate, on a fixed schedule
(bench.openloop), with p50/p99 from each request's scheduled time: wrk's closed loop shows the most a server
answers, this pass what latency members see when the target's number of requests arrives each second.

Posts created by the "create post" scenario are deleted afterwards (with their activities) unless --keep-created.
"""

import argparse
import asyncio
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import select, text

from app import csrf
from app.config import Settings, async_url
from app.db import make_engine
from app.outbox.models import Activity
from app.search.index import IndexState, IndexStore, write_state
from app.search.runtime import search_root
from bench.cpu import CpuSplit, cpu_now
from bench.dataset import BENCH_PASSWORD, bench_email
from bench.openloop import RateResult, measure_at_rate
from bench.wrk import Request, Result, run_wrk

COOKIE = "ruche_session"
CSRF_COOKIE = csrf.COOKIE_NAME


def csrf_cookie(user_id: int) -> str:
    """A CSRF cookie as the server makes them (43 URL-safe characters), fixed per bench viewer."""
    return f"bench-csrf-{user_id:032d}"


@dataclass
class Scenario:
    name: str
    shown: str  # the path pattern printed in the table
    requests: list[Request]
    html: bool = False
    result: Result | None = None
    cpu_ms: CpuSplit | None = None  # CPU per request of the closed-loop run, by side (bench.cpu)
    unavailable: str | None = None
    at_rate: RateResult | None = None


# Issue 3's targets on PostgreSQL with 32 connections: requests/s, and p99 in ms at that rate.
TARGETS = {"home feed HTML": (500, 100), "group feed JSON": (600, 80), "create post": (150, 150)}


@dataclass
class Targets:
    """What the viewers read: their groups and recent posts any member may see."""

    viewer_ids: list[int]
    groups_of: dict[int, list[int]]
    post_ids: list[int]
    counts: dict[str, int]
    max_post_id: int
    max_activity_id: int


async def _targets(database_url: str, viewer_ids: list[int]) -> Targets:
    engine = make_engine(Settings(DATABASE_URL=database_url, DATA_DIR=Path(tempfile.gettempdir())))
    try:
        async with engine.connect() as conn:
            groups_of: dict[int, list[int]] = {}
            for user_id in viewer_ids:
                rows = await conn.execute(text(
                    "SELECT group_id FROM group_memberships WHERE user_id = :u AND status IN ('member', 'animator') "
                    "ORDER BY group_id"), {"u": user_id})
                groups_of[user_id] = [r[0] for r in rows]
            posts = await conn.execute(text(
                "SELECT p.id FROM posts p LEFT JOIN groups g ON g.id = p.group_id WHERE p.deleted_at IS NULL "
                "AND p.hidden_at IS NULL AND (p.group_id IS NULL OR g.visibility = 'public') "
                "ORDER BY p.id DESC LIMIT 400"))
            counts = {table: int(await conn.scalar(text(f'SELECT count(*) FROM "{table}"')) or 0)
                      for table in ("users", "groups", "posts", "comments", "reactions")}
            max_post = int(await conn.scalar(text("SELECT coalesce(max(id), 0) FROM posts")) or 0)
            max_activity = int(await conn.scalar(text("SELECT coalesce(max(id), 0) FROM activities")) or 0)
            return Targets(viewer_ids, groups_of, [r[0] for r in posts], counts, max_post, max_activity)
    finally:
        await engine.dispose()


async def _delete_created(database_url: str, max_post_id: int, max_activity_id: int) -> int:
    engine = make_engine(Settings(DATABASE_URL=database_url, DATA_DIR=Path(tempfile.gettempdir())))
    try:
        async with engine.begin() as conn:
            deleted = await conn.execute(text("DELETE FROM posts WHERE id > :m"), {"m": max_post_id})
            await conn.execute(text("DELETE FROM activities WHERE id > :m"), {"m": max_activity_id})
        if engine.dialect.name == "postgresql":
            # The deleted posts were the newest: their dead index entries sit where every feed page starts
            # reading, and autovacuum may be off (it is on these machines). Leave the next run a clean dataset.
            async with engine.connect() as conn:
                conn = await conn.execution_options(isolation_level="AUTOCOMMIT")
                for table in ("posts", "post_topics", "post_mentions", "activities"):
                    await conn.execute(text(f"VACUUM ANALYZE {table}"))
        return int(deleted.rowcount or 0)
    finally:
        await engine.dispose()


class Server:
    """`ruche serve` in its own process group, on its own data folder; stopped by its own id."""

    def __init__(self, database_url: str, port: int, workers: int, redis_url: str | None, log: Path) -> None:
        self.port = port
        self.data_dir = Path(tempfile.mkdtemp(prefix="ruche-bench-data-"))
        seed_search_index(self.data_dir, database_url)
        env = {**os.environ, "RUCHE_DATABASE_URL": database_url, "RUCHE_DATA_DIR": str(self.data_dir),
               "RUCHE_RATE_LIMITS": "off"}
        env.pop("RUCHE_REDIS_URL", None)
        if redis_url:
            env["RUCHE_REDIS_URL"] = redis_url
        ruche = shutil.which("ruche") or str(Path(sys.executable).with_name("ruche"))
        self.log = log.open("w")
        self.process = subprocess.Popen(
            [ruche, "serve", "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers)],
            env=env, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True,
        )

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def wait_ready(self, timeout_s: float = 90) -> None:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"ruche serve exited with {self.process.returncode}; see {self.log.name}")
            try:
                if httpx.get(f"{self.base_url}/healthz", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.5)
        raise RuntimeError(f"ruche serve not ready after {timeout_s} s; see {self.log.name}")

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=40)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self.log.close()
        shutil.rmtree(self.data_dir, ignore_errors=True)


def seed_search_index(data_dir: Path, database_url: str) -> None:
    """Start the server's search index at the outbox's head. The generated outbox holds the whole history (one
    activity per post, comment and reaction); a fresh index would replay all of it during the scenarios, and a run
    measures serving, not that catch-up. The index then holds what the run writes."""

    async def newest() -> Any:
        engine = make_engine(Settings(DATABASE_URL=async_url(database_url), DATA_DIR=data_dir))
        try:
            async with engine.connect() as conn:
                return (await conn.execute(
                    select(Activity.id, Activity.created_at).order_by(Activity.id.desc()).limit(1))).first()
        finally:
            await engine.dispose()

    head = asyncio.run(newest())
    if head is not None:
        store = IndexStore(search_root(Settings(DATA_DIR=data_dir)))
        write_state(store.open(store.ensure()),
                    IndexState(last_id=head.id, check_id=head.id, check_at=head.created_at.isoformat()))


def sign_in(base_url: str, viewer_ids: list[int]) -> dict[int, str]:
    tokens = {}
    with httpx.Client(base_url=base_url, timeout=30) as client:
        for user_id in viewer_ids:
            r = client.post("/api/v1/auth/token", data={"username": bench_email(user_id), "password": BENCH_PASSWORD})
            r.raise_for_status()
            tokens[user_id] = r.json()["access_token"]
    return tokens


GZIP = {"Accept-Encoding": "gzip"}


def scenarios(targets: Targets, tokens: dict[int, str], post_page: str) -> list[Scenario]:
    # Every request asks for gzip, as browsers and their fetch() do: compression is part of a page's cost.
    bearer = {u: {"Authorization": f"Bearer {t}", **GZIP} for u, t in tokens.items()}
    # A browser keeps the CSRF cookie its first page set, and sends it back with the session cookie.
    cookie = {u: {"Cookie": f"{COOKIE}={t}; {CSRF_COOKIE}={csrf_cookie(u)}", "Accept": "text/html", **GZIP}
              for u, t in tokens.items()}
    viewers = targets.viewer_ids
    posts = targets.post_ids or [1]
    group_pairs = [(u, g) for u in viewers for g in targets.groups_of[u]] or [(viewers[0], 1)]
    per_viewer = [(viewers[i % len(viewers)], posts[i]) for i in range(len(posts))]
    create = []
    for u in viewers:
        body = '{"body": "Bench post %d-%d: a load test of the create path #bench"'
        create.append(Request("POST", "/api/v1/posts", {**bearer[u], "Content-Type": "application/json"},
                              body + "}"))
        if targets.groups_of[u]:
            group = targets.groups_of[u][u % len(targets.groups_of[u])]
            create.append(Request("POST", "/api/v1/posts", {**bearer[u], "Content-Type": "application/json"},
                                  body + f', "group_id": {group}}}'))
    return [
        Scenario("ceiling (ping)", "GET /api/v1/ping", [Request("GET", "/api/v1/ping", GZIP)]),
        Scenario("home feed JSON", "GET /api/v1/feed", [Request("GET", "/api/v1/feed", bearer[u]) for u in viewers]),
        Scenario("home feed HTML", "GET / (cookie)", [Request("GET", "/", cookie[u]) for u in viewers], html=True),
        Scenario("group feed JSON", "GET /api/v1/groups/{id}/posts",
                 [Request("GET", f"/api/v1/groups/{g}/posts", bearer[u]) for u, g in group_pairs]),
        Scenario("post JSON", "GET /api/v1/posts/{id}",
                 [Request("GET", f"/api/v1/posts/{p}", bearer[u]) for u, p in per_viewer]),
        Scenario("post page HTML", f"GET {post_page} (cookie)",
                 [Request("GET", post_page.format(id=p), cookie[u]) for u, p in per_viewer], html=True),
        Scenario("create post", "POST /api/v1/posts", create),
    ]


def probe(base_url: str, scenario: Scenario) -> str | None:
    """Why the scenario cannot run (its first request is not a 2xx, or not HTML for a page), else None."""
    first = scenario.requests[0]
    r = httpx.request(first.method, base_url + first.path, headers=first.headers, content=first.render_body(),
                      timeout=30, follow_redirects=False)
    if not 200 <= r.status_code < 300:
        return f"not available ({r.status_code})"
    if scenario.html and not r.headers.get("content-type", "").startswith("text/html"):
        return "not available (not HTML)"
    return None


def reference_loop_ms(steps: int = 2_000_000, repeats: int = 3) -> float:
    """Best of `repeats` timings of a fixed pure-Python loop: this machine's speed when the run started and ended.
    A shared host's speed drifts (the same code took a fifth more CPU per request an hour later), so figures from two
    runs compare only beside this."""
    best = float("inf")
    for _ in range(repeats):
        started = time.perf_counter()
        i = 0
        while i < steps:
            i += 1
        best = min(best, time.perf_counter() - started)
    return best * 1000


def machine() -> dict[str, Any]:
    mem_kib = next((int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines()
                    if line.startswith("MemTotal:")), 0)
    return {"nproc": os.cpu_count(), "ram_gib": round(mem_kib / 1024 / 1024, 1),
            "loadavg": " ".join(f"{x:.2f}" for x in os.getloadavg()), "loop_ms": round(reference_loop_ms(), 1)}


def table(rows: list[Scenario], ceiling: float) -> str:
    """One row per scenario; the last three columns are CPU milliseconds per request spent by the server's processes,
    PostgreSQL's (0 on SQLite: it runs in the server) and wrk's, over the run (bench.cpu)."""
    lines = [("| scenario | request | req/s | p50 ms | p99 ms | non-2xx | socket errors | ratio to ceiling "
              "| server CPU ms/req | database CPU ms/req | wrk CPU ms/req |"),
             "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for s in rows:
        if s.result is None:
            lines.append(f"| {s.name} | {s.shown} | {s.unavailable or 'not run'} | | | | | | | | |")
            continue
        r, cpu = s.result, s.cpu_ms
        ratio = f"{r.rate / ceiling:.1%}" if ceiling else "n/a"
        costs = f"{cpu.app:.2f} | {cpu.database:.2f} | {cpu.client:.2f}" if cpu else " |  | "
        lines.append(f"| {s.name} | {s.shown} | {r.rate:,.0f} | {r.p50_ms:.1f} | {r.p99_ms:.1f} | {r.non2xx} | "
                     f"{r.socket_errors} | {ratio} | {costs} |")
    return "\n".join(lines)


def rate_table(rows: list[Scenario]) -> str:
    """The scenarios run at their target's rate: what was sent, what was answered, latencies from the send time."""
    lines = ["| scenario | sent req/s | answered req/s | p50 ms | p99 ms | max ms | non-2xx | errors | target | met |",
             "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- |"]
    for s in rows:
        if s.at_rate is None:
            continue
        r, (rate, p99) = s.at_rate, TARGETS[s.name]
        met = r.rate >= rate and r.p99_ms <= p99 and not r.non2xx and not r.errors
        lines.append(f"| {s.name} | {r.offered:,.0f} | {r.rate:,.0f} | {r.p50_ms:.1f} | {r.p99_ms:.1f} | "
                     f"{r.max_ms:.1f} | {r.non2xx} | {r.errors} | ≥ {rate} req/s, p99 ≤ {p99} ms | "
                     f"{'yes' if met else 'no'} |")
    return "\n".join(lines)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.load", description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--duration", type=int, default=20, help="seconds per scenario")
    parser.add_argument("--warmup", type=int, default=3, help="seconds of unmeasured load before each scenario")
    parser.add_argument("--viewers", type=int, default=16, help="bench accounts rotated (bench2 ... benchN+1)")
    parser.add_argument("--port", type=int, default=8150)
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/5", help="'' for the in-process bus")
    parser.add_argument("--post-page", default="/posts/{id}", help="path of the HTML post page")
    parser.add_argument("--only", default="", help="comma-separated scenario names to run (the ceiling always runs)")
    parser.add_argument("--keep-created", action="store_true", help="keep the posts made by the create scenario")
    parser.add_argument("--no-target-rates", action="store_true",
                        help="skip the second pass at each target's rate (open loop, bench.openloop)")
    parser.add_argument("--json", type=Path, default=None, help="also write the results to this file")
    parser.add_argument("--log", type=Path, default=Path(tempfile.gettempdir()) / "ruche-bench-server.log")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    url = async_url(args.database_url)
    viewer_ids = list(range(2, args.viewers + 2))
    targets = asyncio.run(_targets(url, viewer_ids))
    before = machine()
    started_at = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    server = Server(args.database_url, args.port, args.workers, args.redis_url or None, args.log)
    try:
        server.wait_ready()
        tokens = sign_in(server.base_url, viewer_ids)
        runs = scenarios(targets, tokens, args.post_page)
        wanted = {name.strip() for name in args.only.split(",") if name.strip()}
        for scenario in runs:
            if wanted and scenario.name != "ceiling (ping)" and not any(w in scenario.name for w in wanted):
                scenario.unavailable = "skipped"
                continue
            scenario.unavailable = probe(server.base_url, scenario)
            if scenario.unavailable:
                print(f"{scenario.name}: {scenario.unavailable}", file=sys.stderr)
                continue
            if args.warmup:
                run_wrk(server.base_url, scenario.requests, threads=args.threads, connections=args.connections,
                        duration=args.warmup)
            cpu_before = cpu_now(server.process.pid)
            scenario.result = run_wrk(server.base_url, scenario.requests, threads=args.threads,
                                      connections=args.connections, duration=args.duration)
            r = scenario.result
            scenario.cpu_ms = (cpu_now(server.process.pid) - cpu_before).per_request_ms(r.requests)
            print(f"{scenario.name}: {r.rate:,.0f} req/s, p50 {r.p50_ms:.1f} ms, p99 {r.p99_ms:.1f} ms, "
                  f"non-2xx {r.non2xx}", file=sys.stderr)
        for scenario in runs:
            if args.no_target_rates or scenario.result is None or scenario.name not in TARGETS:
                continue
            rate = TARGETS[scenario.name][0]
            scenario.at_rate = a = measure_at_rate(server.base_url, scenario.requests, rate=rate,
                                                   seconds=args.duration, connections=args.connections,
                                                   warmup=args.warmup)
            print(f"{scenario.name} at {rate} req/s: answered {a.rate:,.0f} req/s, p50 {a.p50_ms:.1f} ms, "
                  f"p99 {a.p99_ms:.1f} ms, non-2xx {a.non2xx}, errors {a.errors}", file=sys.stderr)
    finally:
        server.stop()
    after = machine()
    if not args.keep_created:
        removed = asyncio.run(_delete_created(url, targets.max_post_id, targets.max_activity_id))
        print(f"removed {removed} posts created by the run", file=sys.stderr)
    ceiling = runs[0].result.rate if runs[0].result else 0.0
    backend = "PostgreSQL" if url.startswith("postgresql") else "SQLite"
    print(f"\n{backend}, {args.workers} workers, wrk -t{args.threads} -c{args.connections} -d{args.duration}s, "
          f"{started_at}; dataset: " + ", ".join(f"{n:,} {t}" for t, n in targets.counts.items()))
    print(f"machine: nproc {before['nproc']}, RAM {before['ram_gib']} GiB, load average before {before['loadavg']}, "
          f"after {after['loadavg']}; reference loop (2M steps) {before['loop_ms']} ms before, {after['loop_ms']} ms "
          "after\n")
    print(table(runs, ceiling))
    if any(s.at_rate for s in runs):
        print(f"\nAt each target's rate: {args.connections} connections, requests sent on a fixed schedule whatever "
              "the answers (bench.openloop), latency from each request's scheduled time.\n")
        print(rate_table(runs))
    if args.json:
        args.json.write_text(json.dumps({
            "backend": backend, "started_at": started_at, "workers": args.workers, "connections": args.connections,
            "duration": args.duration, "machine_before": before, "machine_after": after, "dataset": targets.counts,
            "results": {s.name: (s.result.__dict__ | {"rate": s.result.rate, "ratio": s.result.rate / ceiling
                                                      if ceiling else None,
                                                      "cpu_ms_per_request": s.cpu_ms.__dict__ if s.cpu_ms else None})
                        if s.result else s.unavailable for s in runs},
            "at_target_rate": {s.name: s.at_rate.__dict__ | {"rate": s.at_rate.rate} for s in runs if s.at_rate},
        }, indent=2))


if __name__ == "__main__":
    main()
