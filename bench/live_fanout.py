"""Live fan-out benchmark: websocket clients spread over app processes behind Redis; time from a POST returning
to each client receiving its `post.created`, lost events, idle memory per connection, many sockets on one worker.

    python -m bench.live_fanout --database-url postgresql://postgres@127.0.0.1:5432/ruche_h6b \\
        --redis-url redis://127.0.0.1:6379/6 --ports 8165,8166,8167 --clients 1000 --posts 20 --single 5000

Phase 1: `--clients` sockets over two processes (one port each, so the split is exact), `--posts` company-wide
posts made one after the other (alternating processes): p50/p99 latency and lost events (must be 0), RSS delta
per idle connection. Phase 2: `--single` sockets on one process, one post: all must receive it; RSS per connection.
"""

import argparse
import asyncio
import json
import os
import re
import resource
import time
from typing import Any

import httpx
import websockets

from tests.live.cluster import PASSWORD, Cluster

SOCKETS_PER_MEMBER = 10  # SECURITY.md: at most 10 sockets per member
POST_CREATED = re.compile(r'\{"id":\d+,"type":"post\.created","post":\{"id":(\d+)')


def rss_kib(pid: int) -> int:
    with open(f"/proc/{pid}/status") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


async def members(base: str, count: int, label: str) -> list[str]:
    """Register `count` members and return their tokens (4 at a time; a busy server's 503 is retried)."""
    sem = asyncio.Semaphore(4)

    async def call(client: httpx.AsyncClient, path: str, **kwargs: Any) -> httpx.Response:
        for _ in range(10):
            r = await client.post(path, **kwargs)
            if r.status_code != 503:
                r.raise_for_status()
                return r
            await asyncio.sleep(1)
        r.raise_for_status()
        return r

    async def one(i: int, client: httpx.AsyncClient) -> str:
        email = f"{label}-{i}-{time.time_ns()}@example.com"
        async with sem:
            await call(client, "/api/v1/auth/register",
                       json={"email": email, "password": PASSWORD, "display_name": f"{label} {i}"})
            t = await call(client, "/api/v1/auth/token", data={"username": email, "password": PASSWORD})
            return str(t.json()["access_token"])

    async with httpx.AsyncClient(base_url=base, timeout=60) as client:
        return list(await asyncio.gather(*(one(i, client) for i in range(count))))


class Client:
    def __init__(self, url: str) -> None:
        self.url = url
        self.sock: Any = None
        self.received: dict[int, float] = {}  # post id -> monotonic time of receipt
        self.errors = 0
        self.task: asyncio.Task[None] | None = None

    async def connect(self) -> None:
        self.sock = await websockets.connect(self.url, ping_interval=None, max_size=2**20, open_timeout=60)
        await self.sock.send('{"type":"ping"}')
        while json.loads(await self.sock.recv()).get("type") != "pong":
            pass
        self.task = asyncio.create_task(self.listen())

    async def listen(self) -> None:
        try:
            async for message in self.sock:
                now = time.monotonic()
                # One client process reads every socket: find the post id without parsing the whole object.
                match = POST_CREATED.match(message)
                if match:
                    self.received[int(match.group(1))] = now
        except Exception:  # any failure of a client counts as an error
            self.errors += 1

    async def close(self) -> None:
        if self.task:
            self.task.cancel()
        if self.sock is not None:
            await self.sock.close()


async def connect_all(urls: list[str]) -> list[Client]:
    clients = [Client(u) for u in urls]
    sem = asyncio.Semaphore(100)

    async def one(c: Client) -> None:
        async with sem:
            await c.connect()

    await asyncio.gather(*(one(c) for c in clients))
    return clients


async def post(base: str, token: str, body: str) -> tuple[int, float, float]:
    async with httpx.AsyncClient(base_url=base, timeout=30, headers={"Authorization": f"Bearer {token}"}) as c:
        sent = time.monotonic()
        r = await c.post("/api/v1/posts", json={"body": body})
        returned = time.monotonic()
    assert r.status_code == 201, r.text
    return int(r.json()["id"]), sent, returned


async def fanout(cluster: Cluster, n_clients: int, n_posts: int) -> dict[str, Any]:
    processes = len(cluster.ports) - 1  # the last port is phase 2's
    tokens = await members(cluster.urls[0], -(-n_clients // SOCKETS_PER_MEMBER), "viewer")
    [poster] = await members(cluster.urls[0], 1, "poster")
    pids = [p.pid for p in cluster.procs[:processes]]
    before = sum(rss_kib(pid) for pid in pids)
    urls = [cluster.ws_url(i % processes, tokens[i // SOCKETS_PER_MEMBER]) for i in range(n_clients)]
    clients = await connect_all(urls)
    await asyncio.sleep(3)  # let allocations settle before measuring idle memory
    after = sum(rss_kib(pid) for pid in pids)
    made: list[tuple[int, float, float]] = []
    for k in range(n_posts):
        made.append(await post(cluster.urls[k % processes], poster, f"fan-out {k}"))
        await asyncio.sleep(0.3)
    await asyncio.sleep(3)
    from_return, from_send, lost = [], [], 0
    for c in clients:
        for post_id, sent, returned in made:
            got = c.received.get(post_id)
            if got is None:
                lost += 1
                continue
            from_return.append((got - returned) * 1000)
            from_send.append((got - sent) * 1000)
    errors = sum(c.errors for c in clients)
    await asyncio.gather(*(c.close() for c in clients))
    return {
        "clients": n_clients, "processes": processes, "posts": n_posts, "deliveries": len(from_return),
        "lost": lost, "errors": errors,
        "p50_ms": percentile(from_return, 50), "p99_ms": percentile(from_return, 99),
        "max_ms": max(from_return), "p50_from_send_ms": percentile(from_send, 50),
        "p99_from_send_ms": percentile(from_send, 99),
        "idle_kib_per_conn": (after - before) / n_clients,
    }


async def single_worker(cluster: Cluster, n_sockets: int) -> dict[str, Any]:
    index = len(cluster.ports) - 1
    tokens = await members(cluster.urls[index], -(-n_sockets // SOCKETS_PER_MEMBER), "many")
    [poster] = await members(cluster.urls[index], 1, "poster2")
    pid = cluster.procs[index].pid
    before = rss_kib(pid)
    started = time.monotonic()
    clients = await connect_all([cluster.ws_url(index, tokens[i // SOCKETS_PER_MEMBER]) for i in range(n_sockets)])
    connect_s = time.monotonic() - started
    await asyncio.sleep(3)
    after = rss_kib(pid)
    post_id, _, returned = await post(cluster.urls[index], poster, "to five thousand")
    await asyncio.sleep(5)
    got = [c.received.get(post_id) for c in clients]
    delays = [(t - returned) * 1000 for t in got if t is not None]
    errors = sum(c.errors for c in clients)
    await asyncio.gather(*(c.close() for c in clients))
    return {
        "sockets": n_sockets, "connect_s": connect_s, "received": len(delays), "errors": errors,
        "p50_ms": percentile(delays, 50) if delays else None, "p99_ms": percentile(delays, 99) if delays else None,
        "idle_kib_per_conn": (after - before) / n_sockets,
    }


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.live_fanout", description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", default=None, help="PostgreSQL database to recreate (default: SQLite)")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/6")
    parser.add_argument("--ports", default="", help="three ports: two for the fan-out, one for phase 2")
    parser.add_argument("--clients", type=int, default=1000)
    parser.add_argument("--posts", type=int, default=20)
    parser.add_argument("--single", type=int, default=5000, help="sockets on one process (0: skip)")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    if args.ports:
        os.environ["RUCHE_LIVE_TEST_PORTS"] = args.ports
        import tests.live.cluster as cluster_module

        cluster_module._given_ports[:] = [int(p) for p in args.ports.split(",")]
    _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))  # the servers inherit it
    load_before = os.getloadavg()
    cluster = Cluster(processes=3, redis=args.redis_url, database=args.database_url).start()
    try:
        phase1 = asyncio.run(fanout(cluster, args.clients, args.posts))
        phase2 = asyncio.run(single_worker(cluster, args.single)) if args.single else None
    finally:
        cluster.stop()
    print(f"machine: {os.cpu_count()} cores, load average before {load_before[0]:.2f}, "
          f"after {os.getloadavg()[0]:.2f}; nofile limit {hard}")
    print(f"database: {'PostgreSQL' if args.database_url else 'SQLite'}, Redis {args.redis_url}")
    print("| fan-out | clients | processes | posts | deliveries | lost | errors | p50 ms | p99 ms | max ms | "
          "p50 from send | KiB/idle conn |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    p = phase1
    print(f"| over Redis | {p['clients']} | {p['processes']} | {p['posts']} | {p['deliveries']} | {p['lost']} | "
          f"{p['errors']} | {p['p50_ms']:.1f} | {p['p99_ms']:.1f} | {p['max_ms']:.1f} | {p['p50_from_send_ms']:.1f} | "
          f"{p['idle_kib_per_conn']:.1f} |")
    if phase2:
        q = phase2
        print(f"one process: {q['sockets']} sockets connected in {q['connect_s']:.1f} s, {q['received']} received the "
              f"post, {q['errors']} errors, p50 {q['p50_ms']} ms, p99 {q['p99_ms']} ms, "
              f"{q['idle_kib_per_conn']:.1f} KiB per idle connection")


if __name__ == "__main__":
    main()
