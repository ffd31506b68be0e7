from tests.live.conftest import _fresh_relay, group, post, settled, until, ws  # noqa: F401


import socket  # noqa: E402

import pytest  # noqa: E402


@pytest.fixture
def unused_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


from tests.pages.conftest import browser_factory, member_browser  # noqa: E402, F401
