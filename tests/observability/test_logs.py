"""RUCHE_LOG_FORMAT=json: one JSON object per log line, a request's lines carrying its id, echoed in X-Request-ID."""

import io
import json
import logging
import re
from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import pytest

from app.config import Settings
from app.main import create_app
from app.observability.logging import REQUEST_ID, JsonFormatter, logging_config

ID = re.compile(r"[A-Za-z0-9._-]{1,64}")


@pytest.fixture
def json_lines() -> Iterator[io.StringIO]:
    """What the root logger writes, through the JSON formatter (as `ruche serve` sets it up)."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    try:
        yield stream
    finally:
        root.removeHandler(handler)
        root.setLevel(level)


def lines(stream: io.StringIO) -> list[dict[str, Any]]:
    """Each line alone is one JSON object; httpx's own lines (the test client's side) left out."""
    return [entry for entry in map(json.loads, stream.getvalue().splitlines()) if entry["logger"] != "httpx"]


@pytest.fixture
async def json_client(app: Any, base_settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    application = create_app(base_settings.model_copy(update={"LOG_FORMAT": "json"}))
    # No lifespan: the runtime of `app` lends its engine (requests below need the database, not the components).
    application.state.runtime.engine = app.state.runtime.engine
    application.state.runtime.sessionmaker = app.state.runtime.sessionmaker
    transport = httpx.ASGITransport(app=application, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
        yield c


class TestRequestLines:
    async def test_one_json_line_per_request_with_the_echoed_id(self, json_client: httpx.AsyncClient,
                                                                json_lines: io.StringIO) -> None:
        first = await json_client.get("/api/v1/ping")
        second = await json_client.get("/api/v1/posts/987654321")
        ids = [first.headers["x-request-id"], second.headers["x-request-id"]]
        assert all(ID.fullmatch(i) for i in ids) and ids[0] != ids[1]
        access = [line for line in lines(json_lines) if line["logger"] == "ruche.access"]
        assert [line["request_id"] for line in access] == ids
        assert access[0]["level"] == "INFO" and re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", access[0]["time"])
        assert access[0]["message"] == "GET /api/v1/ping 200"
        assert (access[0]["route"], access[0]["status"]) == ("/api/v1/ping", 200)
        assert access[1]["route"] == "/api/v1/posts/{post_id}" and access[1]["status"] == 401
        assert "987654321" not in json.dumps(access[1])  # the template only: paths may carry single-use tokens
        assert REQUEST_ID.get() is None  # the id ends with its request

    async def test_the_clients_short_token_is_kept(self, json_client: httpx.AsyncClient,
                                                   json_lines: io.StringIO) -> None:
        r = await json_client.get("/api/v1/ping", headers={"X-Request-ID": "lb-7f3a.2_x"})
        assert r.headers["x-request-id"] == "lb-7f3a.2_x"
        assert lines(json_lines)[-1]["request_id"] == "lb-7f3a.2_x"

    @pytest.mark.parametrize("bad", ["a" * 65, "two words", "x\u00e9", "inject\"}", ""])
    async def test_anything_else_is_replaced(self, json_client: httpx.AsyncClient, json_lines: io.StringIO,
                                             bad: str) -> None:
        r = await json_client.get("/api/v1/ping", headers={"X-Request-ID": bad.encode("utf-8")})
        echoed = r.headers["x-request-id"]
        assert echoed != bad and ID.fullmatch(echoed)
        assert lines(json_lines)[-1]["request_id"] == echoed

    async def test_lines_logged_during_a_request_carry_its_id(self, json_client: httpx.AsyncClient,
                                                              json_lines: io.StringIO, monkeypatch: Any) -> None:
        from app.ping import router

        route = next(r for r in router.routes if getattr(r, "path", "") == "/api/v1/ping")

        async def failing() -> None:
            logging.getLogger("ruche.test").warning("about to fail")
            raise RuntimeError("boom\nsecond line")

        monkeypatch.setattr(route, "endpoint", failing)
        monkeypatch.setattr(route.dependant, "call", failing)
        r = await json_client.get("/api/v1/ping", headers={"X-Request-ID": "req-500"})
        assert r.status_code == 500
        logged = lines(json_lines)
        assert {line["request_id"] for line in logged} == {"req-500"}
        warning = next(line for line in logged if line["logger"] == "ruche.test")
        assert warning["message"] == "about to fail"
        error = next(line for line in logged if "exception" in line)
        assert error["level"] == "ERROR" and "RuntimeError: boom" in error["exception"]
        access = next(line for line in logged if line["logger"] == "ruche.access")
        assert access["status"] == 500


class TestTextFormat:
    async def test_no_request_id_and_no_access_line_by_default(self, client: httpx.AsyncClient,
                                                               json_lines: io.StringIO) -> None:
        r = await client.get("/api/v1/ping", headers={"X-Request-ID": "abc"})
        assert "x-request-id" not in r.headers
        assert not [line for line in lines(json_lines) if line["logger"] == "ruche.access"]

    def test_text_keeps_the_default_logging(self) -> None:
        assert logging_config("text") is None


class TestFormatter:
    def test_a_line_outside_requests_has_no_request_id_and_extra_fields_are_kept(self) -> None:
        record = logging.LogRecord("ruche.x", logging.WARNING, __file__, 1, "n=%d", (3,), None)
        record.consumer = "notifier"
        line = json.loads(JsonFormatter().format(record))
        assert line["message"] == "n=3" and line["logger"] == "ruche.x" and line["level"] == "WARNING"
        assert line["consumer"] == "notifier" and "request_id" not in line

    def test_uvicorn_loggers_write_json(self) -> None:
        config = logging_config("json")
        assert config is not None
        assert config["formatters"]["json"]["()"].endswith("JsonFormatter")
        assert config["loggers"]["uvicorn.access"]["handlers"] == ["stdout"]
        assert config["root"]["handlers"] == ["stderr"]


def test_a_bad_log_format_is_one_line_and_exit_1(tmp_path: Any) -> None:
    import os
    import subprocess
    import sys

    from app.config import ROOT_DIR

    env = {**os.environ, "PYTHONPATH": str(ROOT_DIR), "RUCHE_LOG_FORMAT": "xml", "RUCHE_DATA_DIR": str(tmp_path)}
    result = subprocess.run([sys.executable, "-c", "from app.cli import main; main()", "db", "upgrade"],
                            cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    assert result.stderr.strip() == "error: RUCHE_LOG_FORMAT: Input should be 'text' or 'json'"
