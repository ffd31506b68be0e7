"""Load at a fixed rate (open loop): requests leave on a schedule, evenly spaced, whatever the server answers, over
a fixed set of keep-alive connections. Each latency runs from the request's scheduled time to the last byte of its
answer, so waiting for a free connection counts too.

wrk runs a closed loop: each connection sends its next request when the last one is answered, so it measures the
server at saturation, where latency is mostly queueing (32 connections at 200 answers/s wait 160 ms on average,
however fast each request is). A target such as "150 posts/s with p99 at most 150 ms" asks what latency members
see when that many requests arrive each second: this module measures that."""

import asyncio
import math
import time
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from bench.wrk import Request

HEADER_LIMIT = 64 * 1024
SLOWEST = 20
DRAIN_GRACE_S = 1.0


@dataclass(frozen=True)
class RateResult:
    offered: float  # requests/s scheduled
    seconds: float  # span of the schedule
    elapsed: float  # from the start to the last answer: longer than `seconds` when the server fell behind
    scheduled: int
    answered: int  # 2xx answers
    p50_ms: float
    p99_ms: float
    max_ms: float
    non2xx: int
    errors: int  # connection errors and requests unanswered within the timeout
    # The slowest answers: (scheduled time in seconds from the start, latency in ms), in schedule order.
    slowest: list[tuple[float, float]] = field(default_factory=list)

    @property
    def rate(self) -> float:
        """2xx answers per second of schedule; over the time the server took instead when it fell behind (it
        answered the last requests more than DRAIN_GRACE_S after the schedule ended)."""
        span = self.seconds if self.elapsed <= self.seconds + DRAIN_GRACE_S else self.elapsed
        return self.answered / span if span else 0.0


def schedule(rate: float, seconds: float) -> list[float]:
    """Send times, in seconds from the start: `rate` a second, evenly spaced."""
    return [k / rate for k in range(int(rate * seconds))]


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile (p in 0-100) of unsorted values; 0 when there are none."""
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


def encode(request: Request, host: str, counter: int) -> bytes:
    """One HTTP/1.1 request on a keep-alive connection; body templates get (0, counter)."""
    body = request.render_body(0, counter)
    lines = [f"{request.method} {request.path} HTTP/1.1", f"Host: {host}"]
    lines += [f"{k}: {v}" for k, v in request.headers.items()]
    data = body.encode() if body is not None else b""
    if body is not None:
        lines.append(f"Content-Length: {len(data)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + data


class ResponseParser:
    """Reads HTTP/1.1 answers as their bytes arrive (Content-Length or chunked bodies): `feed` returns the statuses
    of the answers it completed. Parsing in place of asyncio's streams halves the client's CPU per request, which
    runs on the server's cores."""

    def __init__(self) -> None:
        self._buffer = bytearray()
        self._status = 0
        self._state = "head"  # head, body, size (of the next chunk)
        self._remaining = 0  # body bytes left: the sized body's, or the chunk's with its CRLF
        self._last_chunk = False

    @property
    def partial(self) -> bool:
        """Whether part of an answer has arrived."""
        return bool(self._buffer) or self._state != "head"

    def feed(self, data: bytes) -> list[int]:
        self._buffer += data
        done: list[int] = []
        while True:
            if self._state == "head":
                end = self._buffer.find(b"\r\n\r\n")
                if end < 0:
                    if len(self._buffer) > HEADER_LIMIT:
                        raise ValueError("answer headers too long")
                    return done
                head = bytes(self._buffer[:end + 2]).lower()  # each header line ends with CRLF
                del self._buffer[:end + 4]
                self._status = int(head.split(b" ", 2)[1])
                length = _header(head, b"content-length")
                if length is not None:
                    self._state, self._remaining, self._last_chunk = "body", int(length), True
                elif _header(head, b"transfer-encoding") == b"chunked":
                    self._state = "size"
                else:
                    done.append(self._status)
            elif self._state == "size":
                end = self._buffer.find(b"\r\n")
                if end < 0:
                    return done
                size = int(bytes(self._buffer[:end]).split(b";")[0], 16)
                del self._buffer[:end + 2]
                self._state, self._remaining, self._last_chunk = "body", size + 2, size == 0
            else:
                if len(self._buffer) < self._remaining:
                    return done
                del self._buffer[:self._remaining]
                if self._last_chunk:
                    self._state = "head"
                    done.append(self._status)
                else:
                    self._state = "size"


def _header(head: bytes, name: bytes) -> bytes | None:
    """A header's value in a lowercased answer head, None when absent."""
    start = head.find(b"\r\n" + name + b":")
    if start < 0:
        return None
    start += len(name) + 3
    return head[start:head.index(b"\r\n", start)].strip()


class _Unanswered(ConnectionError):
    """The server closed the connection before any byte of the answer."""


class _Link(asyncio.Protocol):
    def __init__(self) -> None:
        self.transport: asyncio.Transport | None = None
        self.parser = ResponseParser()
        self.waiter: asyncio.Future[int] | None = None
        self.closed = False

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]

    def data_received(self, data: bytes) -> None:
        try:
            statuses = self.parser.feed(data)
        except ValueError as exc:
            self._settle(exc)
            return
        for status in statuses:
            self._settle(status)

    def connection_lost(self, exc: Exception | None) -> None:
        self.closed = True
        self._settle(ConnectionError("closed mid-answer") if self.parser.partial else _Unanswered("closed"))

    def _settle(self, outcome: int | BaseException) -> None:
        waiter, self.waiter = self.waiter, None
        if waiter is None or waiter.done():
            return
        if isinstance(outcome, BaseException):
            waiter.set_exception(outcome)
        else:
            waiter.set_result(outcome)


class _Connection:
    """A keep-alive connection that reopens itself. The server closes a connection idle for a few seconds; a request
    written to it meanwhile gets no answer at all, and is sent again once on a new connection (as browsers do: the
    server closed before reading it)."""

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.link: _Link | None = None

    async def exchange(self, data: bytes, timeout_s: float) -> int:
        loop = asyncio.get_running_loop()
        for attempt in range(2):
            reused = self.link is not None and not self.link.closed
            if not reused:
                self.close()
                _, self.link = await asyncio.wait_for(
                    loop.create_connection(_Link, self.host, self.port), timeout_s)
            link = self.link
            assert link is not None and link.transport is not None
            answer: asyncio.Future[int] = loop.create_future()
            link.waiter = answer
            link.transport.write(data)
            expiry = loop.call_later(timeout_s, _expire, answer)
            try:
                return await answer
            except _Unanswered:
                self.close()
                if not reused or attempt:
                    raise
            finally:
                expiry.cancel()
        raise AssertionError("unreachable")

    def close(self) -> None:
        if self.link is not None and self.link.transport is not None:
            self.link.transport.close()
        self.link = None


def _expire(answer: "asyncio.Future[int]") -> None:
    if not answer.done():
        answer.set_exception(TimeoutError())


async def run_at_rate(base_url: str, requests: list[Request], *, rate: float, seconds: float, connections: int,
                      timeout_s: float = 5.0) -> RateResult:
    """Send `rate` requests a second for `seconds`, rotating through `requests`, over `connections` connections."""
    url = urlsplit(base_url)
    host, port = url.hostname or "127.0.0.1", url.port or 80
    queue: asyncio.Queue[tuple[float, bytes] | None] = asyncio.Queue()
    latencies: list[float] = []
    timeline: list[tuple[float, float]] = []
    counts = {"non2xx": 0, "errors": 0}

    async def connection() -> None:
        link = _Connection(host, port)
        while (item := await queue.get()) is not None:
            due, data = item
            try:
                status = await link.exchange(data, timeout_s)
            except (TimeoutError, OSError, ValueError):
                counts["errors"] += 1
                link.close()
                continue
            if 200 <= status < 300:
                latency = time.perf_counter() - due
                latencies.append(latency)
                timeline.append((due - start, latency * 1000))
            else:
                counts["non2xx"] += 1
        link.close()

    workers = [asyncio.create_task(connection()) for _ in range(connections)]
    times = schedule(rate, seconds)
    encoded = [encode(requests[k % len(requests)], f"{host}:{port}", k) for k in range(len(times))]
    # perf_counter, not the loop's clock: uvloop's is in whole milliseconds and read once per loop iteration.
    start = time.perf_counter() + 0.05
    for offset, data in zip(times, encoded, strict=True):
        due = start + offset
        delay = due - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        queue.put_nowait((due, data))
    for _ in workers:
        queue.put_nowait(None)
    await asyncio.gather(*workers)
    return RateResult(
        offered=rate, seconds=seconds, elapsed=time.perf_counter() - start, scheduled=len(times), answered=len(latencies),
        p50_ms=percentile(latencies, 50) * 1000, p99_ms=percentile(latencies, 99) * 1000,
        max_ms=max(latencies, default=0.0) * 1000, non2xx=counts["non2xx"], errors=counts["errors"],
        slowest=sorted(sorted(timeline, key=lambda t: -t[1])[:SLOWEST]),
    )


def measure_at_rate(base_url: str, requests: list[Request], *, rate: float, seconds: float, connections: int,
                    warmup: float = 0.0) -> RateResult:
    """`run_at_rate` in its own event loop (uvloop when installed, as the server uses), after an unmeasured warmup."""
    try:
        import uvloop

        runner = asyncio.Runner(loop_factory=uvloop.new_event_loop)
    except ImportError:
        runner = asyncio.Runner()
    with runner:
        if warmup:
            runner.run(run_at_rate(base_url, requests, rate=rate, seconds=warmup, connections=connections))
        return runner.run(run_at_rate(base_url, requests, rate=rate, seconds=seconds, connections=connections))
