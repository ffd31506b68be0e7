"""The load driver's pure parts: the wrk Lua script it generates and the table it prints."""

from bench.load import Scenario, table
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
        lines = table([ceiling, feed, missing], ceiling.result.rate).splitlines()
        assert lines[2] == "| ceiling (ping) | GET /api/v1/ping | 2,000 | 1.0 | 5.0 | 0 | 0 | 100.0% |"
        assert lines[3] == "| home feed JSON | GET /api/v1/feed | 100 | 20.0 | 80.5 | 3 | 1 | 5.0% |"
        assert lines[4] == "| post page HTML | GET /posts/{id} | not available (404) | | | | | |"
