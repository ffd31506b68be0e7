"""The load driver's pure parts: the wrk Lua script it generates and the table it prints."""

import asyncio
import os
import subprocess
import sys
import time

import pytest

from bench.cpu import CpuSplit, cpu_now
from bench.load import Scenario, machine, rate_table, reference_loop_ms, table
from bench.openloop import RateResult, ResponseParser, encode, percentile, run_at_rate, schedule
from bench.wrk import MARKER, Request, Result, lua_script


class TestLuaScript:
    def test_holds_every_request_with_its_headers_and_body_template(self) -> None:
        script = lua_script([
            Request("GET", "/api/v1/feed", {"Authorization": "Bearer abc"}),
            Request("POST", "/api/v1/posts", {"Content-Type": "application/json"}, '{"body": "post %d-%d"}'),
        ])
        assert 'path = "/api/v1/feed", headers = {["Authorization"] = "Bearer abc"}, body = nil' in script
        assert 'body = "{\\"body\\": \\"post %d-%d\\"}"' in script
        assert MARKER in script and "function response(status" in script

    def test_quotes_are_escaped(self) -> None:
        script = lua_script([Request("GET", '/x"y', {"Cookie": 'a="b"'})])
        assert '"/x\\"y"' in script and '"a=\\"b\\""' in script

    def test_request_renders_its_body_template(self) -> None:
        assert Request("POST", "/p", body="n %d-%d").render_body(2, 7) == "n 2-7"
        assert Request("GET", "/p").render_body() is None


class TestTable:
    def test_rates_latencies_and_share_of_the_ceiling(self) -> None:
        ceiling = Scenario("ceiling (ping)", "GET /api/v1/ping", [])
        ceiling.result = Result(requests=20_000, seconds=10.0, p50_ms=1.0, p99_ms=5.0, non2xx=0, socket_errors=0)
        feed = Scenario("home feed JSON", "GET /api/v1/feed", [])
        feed.result = Result(requests=1_000, seconds=10.0, p50_ms=20.0, p99_ms=80.5, non2xx=3, socket_errors=1)
        missing = Scenario("post page HTML", "GET /posts/{id}", [], unavailable="not available (404)")
        feed.cpu_ms = CpuSplit(app=2.5, database=0.75, client=0.1)
        lines = table([ceiling, feed, missing], ceiling.result.rate).splitlines()
        assert lines[0].endswith("| server CPU ms/req | database CPU ms/req | wrk CPU ms/req |")
        assert lines[2] == "| ceiling (ping) | GET /api/v1/ping | 2,000 | 1.0 | 5.0 | 0 | 0 | 100.0% |  |  |  |"
        assert lines[3] == "| home feed JSON | GET /api/v1/feed | 100 | 20.0 | 80.5 | 3 | 1 | 5.0% | 2.50 | 0.75 | 0.10 |"
        assert lines[4] == "| post page HTML | GET /posts/{id} | not available (404) | | | | | | | | |"
        assert all(line.count("|") == lines[0].count("|") for line in lines)


class TestCpu:
    def test_splits_the_processes_by_side(self, tmp_path) -> None:
        tick = 1 / os.sysconf("SC_CLK_TCK")

        def proc(pid: int, comm: str, group: int, utime: int, stime: int, waited: int = 0) -> None:
            (tmp_path / str(pid)).mkdir()
            fields = ["S", "1", str(group)] + ["0"] * 8 + [str(utime), str(stime), str(waited), "0"] + ["0"] * 8
            (tmp_path / str(pid) / "stat").write_text(f"{pid} ({comm}) " + " ".join(fields) + "\n")

        proc(10, "ruche", 10, 100, 20)
        proc(11, "python3.11", 10, 300, 30)  # a worker: in the server's group whatever its name
        proc(20, "postgres", 5, 40, 10, waited=7)  # the postmaster, with the backends that exited
        proc(21, "postgres", 5, 4, 1)
        proc(40, "a (b) c", 40, 999, 0)  # any other process, whatever its name holds
        (tmp_path / "self").mkdir()
        split = cpu_now(10, tmp_path)
        assert round(split.app / tick) == 450 and round(split.database / tick) == 62

    def test_per_request_milliseconds_of_a_difference(self) -> None:
        spent = CpuSplit(app=3.0, database=1.5, client=0.2) - CpuSplit(app=1.0, database=0.5, client=0.1)
        per = spent.per_request_ms(1_000)
        assert (round(per.app, 6), round(per.database, 6), round(per.client, 6)) == (2.0, 1.0, 0.1)
        assert CpuSplit(1, 1, 1).per_request_ms(0) == CpuSplit(0, 0, 0)

    def test_reads_this_machine(self) -> None:
        before = cpu_now(os.getpgrp())
        deadline = time.process_time() + 0.2
        while time.process_time() < deadline:
            pass
        assert (cpu_now(os.getpgrp()) - before).app >= 0.1

    def test_the_client_is_the_children_waited_for(self) -> None:
        """wrk has exited when the run's second reading is taken: its time is the children's."""
        before = cpu_now(-1)
        subprocess.run([sys.executable, "-c", ("import time\nt = time.process_time() + 0.2\n"
                        "while time.process_time() < t: pass")], check=True)
        assert (cpu_now(-1) - before).client >= 0.1


class TestMachine:
    def test_reference_loop_times_its_steps(self) -> None:
        assert reference_loop_ms(0, 1) < reference_loop_ms(300_000, 1)

    def test_machine_facts_include_the_reference_loop(self) -> None:
        facts = machine()
        assert facts["nproc"] >= 1 and facts["loop_ms"] > 0


class TestRateTable:
    def test_says_whether_each_target_is_met_at_its_rate(self) -> None:
        home = Scenario("home feed HTML", "GET /", [])
        home.at_rate = RateResult(offered=500, seconds=20, elapsed=20.1, scheduled=10_000, answered=10_000, p50_ms=12.0,
                                  p99_ms=91.5, max_ms=130.0, non2xx=0, errors=0)
        create = Scenario("create post", "POST /api/v1/posts", [])
        create.at_rate = RateResult(offered=150, seconds=20, elapsed=20.1, scheduled=3_000, answered=2_999, p50_ms=20.0,
                                    p99_ms=120.0, max_ms=400.0, non2xx=0, errors=1)
        lines = rate_table([home, Scenario("post JSON", "GET /api/v1/posts/{id}", []), create]).splitlines()
        assert len(lines) == 4
        assert lines[2] == "| home feed HTML | 500 | 500 | 12.0 | 91.5 | 130.0 | 0 | 0 | ≥ 500 req/s, p99 ≤ 100 ms | yes |"
        assert lines[3].endswith("| 0 | 1 | ≥ 150 req/s, p99 ≤ 150 ms | no |")


class TestOpenLoop:
    def test_schedule_is_evenly_spaced(self) -> None:
        assert schedule(100, 0.05) == [0.0, 0.01, 0.02, 0.03, 0.04]

    def test_percentile_is_nearest_rank(self) -> None:
        values = [float(v) for v in range(100, 0, -1)]
        assert (percentile(values, 50), percentile(values, 99), percentile(values, 100)) == (50.0, 99.0, 100.0)
        assert percentile([], 99) == 0.0

    def test_encodes_keep_alive_requests_with_their_body(self) -> None:
        get = encode(Request("GET", "/api/v1/feed", {"Authorization": "Bearer t"}), "h:1", 0)
        assert get == b"GET /api/v1/feed HTTP/1.1\r\nHost: h:1\r\nAuthorization: Bearer t\r\n\r\n"
        post = encode(Request("POST", "/p", {"Content-Type": "application/json"}, '{"n": "%d-%d"}'), "h:1", 7)
        assert post.endswith(b'Content-Length: 12\r\n\r\n{"n": "0-7"}')

    ANSWERS = (b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello"
               b"HTTP/1.1 404 Not Found\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n10\r\n0123456789abcdef\r\n"
               b"0\r\n\r\n"
               b"HTTP/1.1 204 No Content\r\n\r\n")

    def test_reads_sized_and_chunked_answers(self) -> None:
        parser = ResponseParser()
        assert parser.feed(self.ANSWERS) == [200, 404, 204]
        assert not parser.partial

    def test_reads_answers_arriving_a_byte_at_a_time(self) -> None:
        parser = ResponseParser()
        statuses = []
        for k in range(len(self.ANSWERS)):
            statuses += parser.feed(self.ANSWERS[k:k + 1])
            if k == 50:  # in the second answer
                assert parser.partial and statuses == [200]
        assert statuses == [200, 404, 204]

    def test_headers_are_read_whatever_their_case_and_spacing(self) -> None:
        parser = ResponseParser()
        answer = (b"HTTP/1.1 201 Created\r\nX-Content-Length: 99\r\ncontent-LENGTH:   2 \r\n\r\nok"
                  b"HTTP/1.1 200 OK\r\nTRANSFER-ENCODING: Chunked\r\n\r\n0\r\n\r\n")
        assert parser.feed(answer) == [201, 200] and not parser.partial

    def test_refuses_endless_headers(self) -> None:
        with pytest.raises(ValueError):
            ResponseParser().feed(b"HTTP/1.1 200 OK\r\n" + b"X: y\r\n" * 20_000)

    async def test_waiting_for_a_connection_counts_in_the_latency(self) -> None:
        """A server that takes 80 ms per request on one connection, sent 50 a second: requests queue up, and their
        latency grows from the schedule, as members would see it (a closed loop would slow its sending instead)."""
        served: list[str] = []

        async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            while True:
                try:
                    head = await reader.readuntil(b"\r\n\r\n")
                except asyncio.IncompleteReadError:
                    break
                path = head.split(b" ")[1].decode()
                served.append(path)
                await asyncio.sleep(0.08)
                status = b"200 OK" if path == "/ok" else b"503 Service Unavailable"
                writer.write(b"HTTP/1.1 " + status + b"\r\nContent-Length: 2\r\n\r\nok")
                if len(served) == 3:  # the server closes an idle connection: the next request opens another
                    await writer.drain()
                    writer.close()
                    break
            writer.close()

        server = await asyncio.start_server(handle, "127.0.0.1", 0)
        port = server.sockets[0].getsockname()[1]
        async with server:
            result = await run_at_rate(f"http://127.0.0.1:{port}", [Request("GET", "/ok")] * 9 + [Request("GET", "/no")],
                                       rate=50, seconds=0.4, connections=1)
        assert (result.scheduled, result.answered, result.non2xx, result.errors) == (20, 18, 2, 0)
        # 20 requests of 80 ms each take 1.6 s; the last was due at 0.38 s, so it waited about 1.2 s beyond its 80 ms;
        # the answers came at the server's pace, not the schedule's.
        assert 1000 < result.max_ms < 3000 and result.p50_ms < result.p99_ms
        assert result.elapsed > 1.5 and result.rate == 18 / result.elapsed < 12
        assert len(result.slowest) == 18 and result.slowest == sorted(result.slowest)


class TestPageScenarios:
    async def test_pages_are_asked_with_a_session_and_a_csrf_cookie_the_server_keeps(self, client, anna) -> None:
        from bench.load import Targets, scenarios

        targets = Targets(viewer_ids=[anna.id], groups_of={anna.id: [1]}, post_ids=[1], counts={},
                          max_post_id=1, max_activity_id=1)
        home = next(s for s in scenarios(targets, {anna.id: anna.token}, "/posts/{id}") if s.name == "home feed HTML")
        headers = home.requests[0].headers
        assert "ruche_csrf=" in headers["Cookie"]
        client.cookies.clear()
        r = await client.get("/", headers=headers)
        assert r.status_code == 200 and "Anna" in r.text
        assert "ruche_csrf" not in r.headers.get("set-cookie", "")  # a browser's cookie, not a new one each time
