import socket

import pytest

from tests.live.conftest import _fresh_relay, group, post, settled, ws  # noqa: F401
from tests.pages.conftest import browser_factory, member_browser  # noqa: F401


@pytest.fixture
def unused_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])
