"""The client address used by rate limits: the socket peer, forwarded headers only from trusted proxies."""

from types import SimpleNamespace

import pytest
from starlette.requests import Request

from app.deps import client_ip


def _request(peer: str, headers: dict[str, str], trusted: list[str]) -> Request:
    scope = {
        "type": "http", "method": "GET", "path": "/", "query_string": b"",
        "headers": [(k.lower().encode(), v.encode()) for k, v in headers.items()],
        "client": (peer, 5000),
        "app": SimpleNamespace(state=SimpleNamespace(runtime=SimpleNamespace(
            settings=SimpleNamespace(TRUSTED_PROXIES=trusted)))),
    }
    return Request(scope)


CASES = [
    # peer, headers, trusted proxies, expected client address
    ("198.51.100.1", {}, [], "198.51.100.1"),
    ("198.51.100.1", {"X-Forwarded-For": "203.0.113.9"}, [], "198.51.100.1"),
    ("198.51.100.1", {"X-Forwarded-For": "203.0.113.9"}, ["10.0.0.0/8"], "198.51.100.1"),
    ("10.0.0.2", {"X-Forwarded-For": "203.0.113.9"}, ["10.0.0.0/8"], "203.0.113.9"),
    ("10.0.0.2", {"X-Forwarded-For": "1.2.3.4, 203.0.113.9"}, ["10.0.0.0/8"], "203.0.113.9"),
    ("10.0.0.2", {"X-Forwarded-For": "1.2.3.4, 203.0.113.9, 10.0.0.7"}, ["10.0.0.0/8"], "203.0.113.9"),
    ("10.0.0.2", {"X-Forwarded-For": "10.0.0.5, 10.0.0.7"}, ["10.0.0.0/8"], "10.0.0.2"),
    ("10.0.0.2", {}, ["10.0.0.0/8"], "10.0.0.2"),
    ("10.0.0.2", {"Forwarded": 'for=192.0.2.60;proto=https;by=203.0.113.43'}, ["10.0.0.0/8"], "192.0.2.60"),
    ("10.0.0.2", {"Forwarded": 'for="[2001:db8:cafe::17]:4711"'}, ["10.0.0.0/8"], "2001:db8:cafe::17"),
    ("10.0.0.2", {"Forwarded": "for=1.1.1.1, for=192.0.2.43:47011"}, ["10.0.0.0/8"], "192.0.2.43"),
    ("10.0.0.2", {"Forwarded": "for=192.0.2.43"}, ["not-a-network", "10.0.0.2"], "192.0.2.43"),
    ("::1", {"X-Forwarded-For": "203.0.113.9"}, ["::1"], "203.0.113.9"),
]


class TestClientIp:
    @pytest.mark.parametrize("peer,headers,trusted,expected", CASES)
    def test_address(self, peer: str, headers: dict[str, str], trusted: list[str], expected: str) -> None:
        assert client_ip(_request(peer, headers, trusted)) == expected
