"""app/mail.py: messages in two parts, several over one SMTP session, a refused recipient or an absent server."""

import time

from aiosmtpd.controller import Controller

from app import mail
from app.config import Settings
from tests.smtp_server import Mailbox, free_port


class RefusingMailbox(Mailbox):
    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.startswith("refused@"):
            return "550 no such user"
        envelope.rcpt_tos.append(address)
        return "250 OK"


def settings(port: int) -> Settings:
    return Settings(SMTP_HOST="127.0.0.1", SMTP_PORT=port, SMTP_FROM="ruche@example.com")


def test_build_has_text_and_escaped_html_parts() -> None:
    html = mail.paragraphs_html(["<b>Zoé</b> & co"], "https://ruche.example.com/x?a=1&b=2", "Open")
    message = mail.build(settings(25), "zoe@example.com", "Subject", "plain text", html, lang="fr")
    assert message.get_body(("plain",)).get_content() == "plain text\n"
    html_part = message.get_body(("html",)).get_content()
    assert "&lt;b&gt;Zoé&lt;/b&gt; &amp; co" in html_part and 'href="https://ruche.example.com/x?a=1&amp;b=2"' in html_part
    assert '<html lang="fr">' in html_part and message["Content-Language"] == "fr"


def test_a_refused_recipient_does_not_stop_the_others() -> None:
    port = free_port()
    box = RefusingMailbox(port)
    controller = Controller(box, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        s = settings(port)
        messages = [mail.build(s, to, "Hello", "text") for to in
                    ("a@example.com", "refused@example.com", "b@example.com")]
        results = mail.deliver_many(s, messages)
    finally:
        controller.stop()
    assert [r is None for r in results] == [True, False, True]
    assert [m["To"] for m in box.messages] == ["a@example.com", "b@example.com"]


def test_an_absent_server_fails_every_message_after_the_retries(monkeypatch) -> None:
    monkeypatch.setattr(mail, "RETRY_PAUSE_S", 0.01)
    s = settings(free_port())  # nothing listens there
    messages = [mail.build(s, f"m{i}@example.com", "Hello", "text") for i in range(50)]
    started = time.monotonic()
    results = mail.deliver_many(s, messages)
    assert all(isinstance(r, OSError) for r in results) and len(results) == 50
    assert time.monotonic() - started < 5  # retried for the first message only, not fifty times
