"""A real SMTP server on a loopback port (aiosmtpd) for tests of the e-mails Ruche sends, and the settings that
point Ruche at it. Import the `mailbox` fixture into a test module to use it."""

import asyncio
import re
import socket
from collections.abc import Iterator
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller

LINK_RE = re.compile(r"https?://\S+/password/reset\?token=[A-Za-z0-9_-]+")


class Mailbox:
    """What the server received, as parsed messages."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.messages: list[EmailMessage] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))  # type: ignore[arg-type]
        return "250 OK"

    async def wait(self, count: int = 1, timeout: float = 5.0) -> list[EmailMessage]:
        """At least `count` messages, waiting for them (background tasks send after the response)."""
        for _ in range(int(timeout / 0.02)):
            if len(self.messages) >= count:
                break
            await asyncio.sleep(0.02)
        assert len(self.messages) >= count, f"{len(self.messages)} e-mails received, {count} expected"
        return self.messages

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.messages if m["To"] == address]

    @staticmethod
    def text(message: EmailMessage) -> str:
        part = message.get_body(("plain",))
        assert part is not None
        return str(part.get_content())

    @staticmethod
    def html(message: EmailMessage) -> str:
        part = message.get_body(("html",))
        assert part is not None
        return str(part.get_content())

    def link(self, message: EmailMessage) -> str:
        match = LINK_RE.search(self.text(message))
        assert match, self.text(message)
        return match.group(0)

    @staticmethod
    def token(link: str) -> str:
        return link.rsplit("token=", 1)[1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def mailbox(settings_override: Any) -> Iterator[Mailbox]:
    """A started SMTP server Ruche's settings send to (links then start with the request's origin)."""
    port = free_port()
    box = Mailbox(port)
    controller = Controller(box, hostname="127.0.0.1", port=port)
    controller.start()
    settings_override(SMTP_HOST="127.0.0.1", SMTP_PORT=port)
    try:
        yield box
    finally:
        controller.stop()
