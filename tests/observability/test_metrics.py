"""GET /metrics: absent without RUCHE_METRICS_TOKEN, bearer-protected with it, and what a scrape shows."""

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families
from pydantic import SecretStr

from app.config import Settings
from app.main import create_app
from app.observability.middleware import Observe

TOKEN = "scrape-token-0123456789"
BEARER = {"Authorization": f"Bearer {TOKEN}"}


@pytest.fixture
async def metrics_app(app: Any, base_settings: Settings) -> AsyncIterator[Any]:
    """A second application on the test database, with metrics on (`app` keeps the database emptied after)."""
    application = create_app(base_settings.model_copy(update={"METRICS_TOKEN": SecretStr(TOKEN), "SEARCH_INDEXER": "off"}))
    async with application.router.lifespan_context(application):
        yield application


@pytest.fixture
async def metrics_client(metrics_app: Any) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=metrics_app), base_url="http://testserver") as c:
        yield c


def families(text: str) -> dict[str, Any]:
    return {family.name: family for family in text_string_to_metric_families(text)}


def samples(family: Any, name: str, **labels: str) -> list[Any]:
    return [s for s in family.samples if s.name == name and all(s.labels.get(k) == v for k, v in labels.items())]


class TestAccess:
    async def test_404_without_the_setting_and_no_middleware(self, client: httpx.AsyncClient, app: Any) -> None:
        r = await client.get("/metrics", headers=BEARER)
        assert r.status_code == 404
        assert app.state.runtime.metrics is None
        assert not any(m.cls is Observe for m in app.user_middleware)  # no per-request work at all

    async def test_401_without_a_token(self, metrics_client: httpx.AsyncClient) -> None:
        r = await metrics_client.get("/metrics")
        assert r.status_code == 401
        assert r.headers["www-authenticate"] == "Bearer"
        assert r.json() == {"detail": "A valid bearer token is required"}

    @pytest.mark.parametrize("header", [f"Bearer {TOKEN}x", "Bearer ", f"Basic {TOKEN}", TOKEN, f"Bearer {TOKEN[:-1]}"])
    async def test_401_with_a_wrong_token(self, metrics_client: httpx.AsyncClient, header: str) -> None:
        r = await metrics_client.get("/metrics", headers={"Authorization": header})
        assert r.status_code == 401

    async def test_200_with_the_token(self, metrics_client: httpx.AsyncClient) -> None:
        r = await metrics_client.get("/metrics", headers=BEARER)
        assert r.status_code == 200
        assert r.headers["content-type"].startswith("text/plain")


class TestScrape:
    async def test_requests_by_route_template_and_status(self, metrics_client: httpx.AsyncClient) -> None:
        for _ in range(3):
            assert (await metrics_client.get("/api/v1/ping")).status_code == 200
        assert (await metrics_client.get("/api/v1/posts/12345")).status_code == 401
        assert (await metrics_client.get("/no/such/page/987")).status_code == 404
        scraped = families((await metrics_client.get("/metrics", headers=BEARER)).text)

        requests = scraped["ruche_http_requests"]
        ping = samples(requests, "ruche_http_requests_total", method="GET", route="/api/v1/ping", status="200")
        assert [s.value for s in ping] == [3.0]
        assert samples(requests, "ruche_http_requests_total", route="/api/v1/posts/{post_id}", status="401")
        assert samples(requests, "ruche_http_requests_total", route="unmatched", status="404")
        routes = {s.labels["route"] for s in requests.samples}
        assert not any("12345" in route or "987" in route for route in routes)  # never the raw path

        latency = scraped["ruche_http_request_duration_seconds"]
        buckets = samples(latency, "ruche_http_request_duration_seconds_bucket", route="/api/v1/ping")
        assert len(buckets) >= 10 and buckets[-1].labels["le"] == "+Inf" and buckets[-1].value == 3.0
        assert samples(latency, "ruche_http_request_duration_seconds_count", route="/api/v1/ping")[0].value == 3.0

    async def test_unknown_methods_are_one_label_value(self, metrics_client: httpx.AsyncClient,
                                                       metrics_app: Any) -> None:
        for n in range(20):
            await metrics_client.request(f"BREW{n}", "/api/v1/ping")
        scraped = families((await metrics_client.get("/metrics", headers=BEARER)).text)
        methods = {s.labels["method"] for s in scraped["ruche_http_requests"].samples}
        assert "BREW1" not in methods and "other" in methods
        assert len(metrics_app.state.runtime.metrics._children) <= 3  # nothing kept per made-up method either

    async def test_gauges_websockets_pool_and_each_consumers_lag(self, metrics_client: httpx.AsyncClient,
                                                                 register: Any, make_post: Any, app: Any) -> None:
        member = await register()
        await make_post(member, "Un message pour faire avancer la boîte d'envoi")
        await app.state.runtime.components["notifier"].drain()  # the notifier's cursor row exists
        scraped = families((await metrics_client.get("/metrics", headers=BEARER)).text)

        assert [s.value for s in scraped["ruche_websockets_open"].samples] == [0.0]
        lags = {s.labels["consumer"]: s.value for s in scraped["ruche_outbox_lag_activities"].samples}
        assert {"relay", "notifier", "indexer"} <= set(lags), lags
        assert all(lag >= 0 for lag in lags.values())
        assert scraped["ruche_db_pool_size"].samples[0].value >= 1
        assert scraped["ruche_db_pool_checked_out"].samples[0].value >= 0
        assert "ruche_db_pool_idle" in scraped

    async def test_lag_is_newest_activity_minus_position(self, metrics_app: Any) -> None:
        from app.observability.metrics import outbox_lags

        runtime = metrics_app.state.runtime
        relay = runtime.components["live"].relay
        saved = relay.cursor.position
        relay.cursor.position = -7  # seven activities behind an empty outbox
        try:
            lags = await outbox_lags(runtime)
        finally:
            relay.cursor.position = saved
        assert lags["relay"] == 7 + saved

    async def test_open_websockets_are_counted(self, metrics_app: Any, metrics_client: httpx.AsyncClient,
                                               register: Any) -> None:
        from tests.live.wsclient import ASGIWebSocket, Refused

        def open_sockets(text: str) -> float:
            return float(families(text)["ruche_websockets_open"].samples[0].value)

        member = await register()
        async with ASGIWebSocket(metrics_app, token=member.token):
            assert open_sockets((await metrics_client.get("/metrics", headers=BEARER)).text) == 1.0
        with pytest.raises(Refused):  # refused at the handshake: never open, never counted
            await ASGIWebSocket(metrics_app, token="not.a.jwt").connect()
        for _ in range(50):  # the handler ends once the close reached it
            if open_sockets((await metrics_client.get("/metrics", headers=BEARER)).text) == 0.0:
                break
            await asyncio.sleep(0.02)
        assert open_sockets((await metrics_client.get("/metrics", headers=BEARER)).text) == 0.0
