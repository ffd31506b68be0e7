"""Search benchmark: full rebuild and incremental indexing throughput, commit-to-searchable lag, and search
latency over HTTP, on the deterministic benchmark community (bench/generate.py).

    python -m bench.search_bench --posts 100000 \\
        --database-url postgresql://postgres@127.0.0.1:5432/ruche_h7_bench --port 8170

The database is emptied (its `public` schema dropped), migrated and loaded; the index is built in a temporary
data folder; then `ruche serve` runs on that folder (its in-app indexer follows the outbox) and is measured over
HTTP. Targets on a 2-core machine: rebuild >= 800 documents/s, lag p99 <= 5 s, search p95 <= 50 ms at 100,000
posts (<= 150 ms at 1,000,000).
"""

import argparse
import asyncio
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
from sqlalchemy import func, select, text

from app.config import Settings, async_url
from bench.dataset import BENCH_PASSWORD, Sizes, bench_email
from bench.progress import Progress

SCENARIOS = (
    ("one common word", {"q": "projet"}),
    ("two common words", {"q": "équipe données"}),
    ("one rare word", {"q": "{rare}"}),
    ("two words, one rare", {"q": "{rare} projet"}),
    ("common word, posts only", {"q": "release", "type": "post"}),
    ("common word, one group", {"q": "formation", "group_id": "{group}"}),
    ("people by skill", {"q": "kubernetes", "type": "user"}),
)


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    k = min(len(ordered) - 1, max(0, round(pct / 100 * (len(ordered) - 1))))
    return ordered[k]


def machine() -> str:
    load1, load5, _ = os.getloadavg()
    return f"{os.cpu_count()} cores, load average {load1:.2f} (1 min) {load5:.2f} (5 min)"


async def prepare_database(url: str, sizes: Sizes) -> None:
    from sqlalchemy.ext.asyncio import create_async_engine

    from app.migrate import upgrade
    from bench.generate import load

    engine = create_async_engine(url)
    async with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            await conn.execute(text("DROP SCHEMA public CASCADE"))
            await conn.execute(text("CREATE SCHEMA public"))
    await engine.dispose()
    if url.startswith("sqlite"):
        Path(url.split("///", 1)[1]).unlink(missing_ok=True)
    await asyncio.to_thread(upgrade, url)
    await load(url, sizes)


async def rebuild(settings: Settings, total: int) -> tuple[int, float]:
    from app.db import make_engine, make_sessionmaker
    from app.search.index import IndexStore
    from app.search.indexer import rebuild_into
    from app.search.runtime import search_root

    engine = make_engine(settings)
    bar = Progress("rebuild", total)
    started = time.monotonic()
    try:
        async with make_sessionmaker(engine)() as session:
            count = await rebuild_into(IndexStore(search_root(settings)), session, bar.update)
    finally:
        await engine.dispose()
    bar.close()
    return count, time.monotonic() - started


async def count_documents(settings: Settings) -> int:
    from app.db import make_engine
    from app.groups.models import Group
    from app.posts.models import Comment, Post
    from app.users.models import User

    engine = make_engine(settings)
    async with engine.connect() as conn:
        total = 0
        for model in (User, Group, Post, Comment):
            total += int((await conn.execute(select(func.count()).select_from(model))).scalar() or 0)
    await engine.dispose()
    return total


async def insert_through_outbox(settings: Settings, author_id: int, n: int) -> int:
    """Posts written as the services write them (row + activity), committed in batches; returns the last id."""
    from app.db import make_engine, make_sessionmaker, utcnow
    from app.outbox.models import Activity
    from app.outbox.types import PostCreated
    from app.outbox.write import emit
    from app.posts.models import Post

    engine = make_engine(settings)
    maker = make_sessionmaker(engine)
    bar = Progress("outbox posts", n)
    for start in range(0, n, 500):
        async with maker() as session:
            for i in range(start, min(n, start + 500)):
                post = Post(author_id=author_id, body=f"Incremental post {i} about the projet roadmap",
                            body_html="", created_at=utcnow())
                session.add(post)
                await session.flush()
                emit(session, PostCreated(actor_id=author_id, post_id=post.id, group_id=None, kind="discussion",
                                          mentions=()))
            await session.commit()
        bar.update(min(500, n - start))
    bar.close()
    async with maker() as session:
        newest = int(await session.scalar(select(func.max(Activity.id))) or 0)
    await engine.dispose()
    return newest


async def catch_up(settings: Settings, newest: int) -> float:
    """Seconds for the outbox indexer (the code the app runs) to apply every activity up to `newest`."""
    from app.db import make_engine, make_sessionmaker
    from app.outbox.read import gap_wait_for
    from app.search.index import IndexStore
    from app.search.indexer import Indexer
    from app.search.runtime import search_root

    engine = make_engine(settings)
    indexer = Indexer(IndexStore(search_root(settings)), make_sessionmaker(engine), gap_wait_s=gap_wait_for(settings))
    started = time.monotonic()
    try:
        while indexer.state.last_id < newest:
            await indexer.run_once()
    finally:
        await engine.dispose()
    return time.monotonic() - started


class Server:
    """`ruche serve` on the benchmark's data folder, in its own process group, stopped by its own id."""

    def __init__(self, settings: Settings, database_url: str, port: int, log: Path) -> None:
        self.base_url = f"http://127.0.0.1:{port}"
        env = {k: v for k, v in os.environ.items() if not k.startswith("RUCHE_")}
        env.update(RUCHE_DATABASE_URL=database_url, RUCHE_DATA_DIR=str(settings.DATA_DIR), RUCHE_RATE_LIMITS="off")
        ruche = shutil.which("ruche", path=str(Path(sys.executable).parent)) or "ruche"
        self.log = log.open("w")
        self.process = subprocess.Popen([ruche, "serve", "--port", str(port)], env=env, stdout=self.log,
                                        stderr=subprocess.STDOUT, start_new_session=True)

    def wait_ready(self, timeout_s: float = 120) -> None:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"ruche serve exited; see {self.log.name}")
            try:
                if httpx.get(f"{self.base_url}/healthz", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.5)
        raise RuntimeError("ruche serve did not start")

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=40)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self.log.close()


def sign_in(client: httpx.Client, member: int) -> dict[str, str]:
    r = client.post("/api/v1/auth/token", data={"username": bench_email(member), "password": BENCH_PASSWORD})
    r.raise_for_status()
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


def measure_lag(client: httpx.Client, headers: dict[str, str], n: int) -> list[float]:
    """Seconds from a post's 201 (committed) to the first search that returns it."""
    lags = []
    bar = Progress("lag probes", n)
    for i in range(n):
        word = f"lagprobe{i}z{int(time.time() * 1000) % 100000}"
        r = client.post("/api/v1/posts", json={"body": f"Sonde {word} de latence"}, headers=headers)
        r.raise_for_status()
        committed = time.monotonic()
        post_id = r.json()["id"]
        while True:
            found = client.get("/api/v1/search", params={"q": word}, headers=headers).json()["items"]
            if any(item["id"] == post_id for item in found):
                lags.append(time.monotonic() - committed)
                break
            if time.monotonic() - committed > 30:
                lags.append(float("inf"))
                break
            time.sleep(0.01)
        bar.update(1)
    bar.close()
    return lags


def measure_searches(client: httpx.Client, viewers: list[dict[str, str]], params: dict[str, str],
                     n: int) -> list[float]:
    times = []
    for i in range(n):
        started = time.perf_counter()
        r = client.get("/api/v1/search", params={**params, "limit": "20"}, headers=viewers[i % len(viewers)])
        times.append(time.perf_counter() - started)
        if r.status_code != 200:
            raise RuntimeError(f"search {params} answered {r.status_code}: {r.text[:200]}")
    return times


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.search_bench", description=__doc__.split("\n")[0])
    parser.add_argument("--posts", type=int, default=100_000)
    parser.add_argument("--comments", type=int, default=None, help="default: a quarter of the posts")
    parser.add_argument("--members", type=int, default=1000)
    parser.add_argument("--groups", type=int, default=100)
    parser.add_argument("--database-url", default="postgresql://postgres@127.0.0.1:5432/ruche_h7_bench")
    parser.add_argument("--port", type=int, default=8170)
    parser.add_argument("--lag-probes", type=int, default=50)
    parser.add_argument("--incremental", type=int, default=5000, help="posts pushed through the outbox")
    parser.add_argument("--searches", type=int, default=200, help="requests per scenario")
    parser.add_argument("--skip-load", action="store_true", help="reuse the database as it is")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    url = async_url(args.database_url)
    data_dir = Path(tempfile.mkdtemp(prefix="ruche-search-bench-"))
    settings = Settings(DATA_DIR=data_dir, DATABASE_URL=url, RATE_LIMITS="off")
    comments = args.posts // 4 if args.comments is None else args.comments
    sizes = Sizes(members=args.members, groups=args.groups, posts=args.posts, comments=comments,
                  reactions=args.posts, follows=20, group_joins=5)
    print(f"machine: {machine()}")
    if not args.skip_load:
        started = time.monotonic()
        asyncio.run(prepare_database(url, sizes))
        print(f"dataset loaded in {time.monotonic() - started:.1f} s")
    total = asyncio.run(count_documents(settings))
    count, seconds = asyncio.run(rebuild(settings, total))
    print(f"full rebuild: {count:,} documents in {seconds:.1f} s = {count / seconds:,.0f} documents/s "
          f"({machine()})")
    newest = asyncio.run(insert_through_outbox(settings, 2, args.incremental))
    seconds = asyncio.run(catch_up(settings, newest))
    print(f"incremental through the outbox: {args.incremental:,} posts indexed in {seconds:.1f} s = "
          f"{args.incremental / seconds:,.0f} documents/s, batches of 500 ({machine()})")
    server = Server(settings, args.database_url, args.port, data_dir / "serve.log")
    try:
        server.wait_ready()
        with httpx.Client(base_url=server.base_url, timeout=60) as client:
            viewers = [sign_in(client, member) for member in (2, 3, 5, 8, 13)]
            lags = measure_lag(client, viewers[0], args.lag_probes)
            print(f"commit-to-searchable lag over {len(lags)} posts: p50 {percentile(lags, 50) * 1000:.0f} ms, "
                  f"p99 {percentile(lags, 99) * 1000:.0f} ms, max {max(lags) * 1000:.0f} ms")
            rare, group = _rare_word(client, viewers[0]), "1"
            rows = []
            for label, raw in SCENARIOS:
                params = {k: v.replace("{rare}", rare).replace("{group}", group) for k, v in raw.items()}
                measure_searches(client, viewers, params, 10)  # warm-up
                times = measure_searches(client, viewers, params, args.searches)
                rows.append((label, percentile(times, 50) * 1000, percentile(times, 95) * 1000))
            print(f"search latency over HTTP, top 20, {args.searches} requests each, visibility-filtered "
                  f"for 5 members ({machine()}):")
            for label, p50, p95 in rows:
                print(f"  {label:<28} p50 {p50:6.1f} ms   p95 {p95:6.1f} ms")
    finally:
        server.stop()
        shutil.rmtree(data_dir, ignore_errors=True)


def _rare_word(client: httpx.Client, headers: dict[str, str]) -> str:
    """A word of exactly one post: the first lag probe's token."""
    items = client.get("/api/v1/search", params={"q": "sonde latence", "limit": "1"}, headers=headers).json()["items"]
    if not items:
        return "zzzzunknown"
    snippet = items[0]["snippet"]
    for word in snippet.replace("<mark>", " ").replace("</mark>", " ").split():
        if word.startswith("lagprobe"):
            return word
    return "zzzzunknown"


if __name__ == "__main__":
    main()
