"""Sending e-mail, for every feature: a message with plain-text and HTML parts, sent over SMTP (`RUCHE_SMTP_*`) in a
worker thread, off the event loop; with no `RUCHE_SMTP_HOST`, written to the log instead (the embedded default:
the log is then the mail server, so a reset or invitation link is readable there and nowhere else).

Callers send only what is committed: notification e-mails from pending rows the notifier claims, account e-mails
once the request's transaction has committed (`app.users.resets`)."""

import html
import logging
import smtplib
import time
from email.message import EmailMessage
from email.utils import make_msgid

import anyio

from app.config import Settings

log = logging.getLogger("ruche.email")
SEND_ATTEMPTS = 3
RETRY_PAUSE_S = 1.0
SMTP_TIMEOUT_S = 10


def build(settings: Settings, to: str, subject: str, text: str, html_body: str | None = None,
          lang: str = "en") -> EmailMessage:
    """A message with a plain-text part and, from `html_body` (already escaped), an HTML alternative."""
    message = EmailMessage()
    message["From"] = settings.SMTP_FROM
    message["To"] = to
    message["Subject"] = subject
    message["Message-ID"] = make_msgid(domain=settings.SMTP_FROM.rpartition("@")[2] or "localhost")
    message.set_content(text)
    if html_body is not None:
        message.add_alternative(
            f'<!doctype html><html lang="{html.escape(lang)}"><head><meta charset="utf-8">'
            f"<title>{html.escape(subject)}</title></head><body>{html_body}</body></html>",
            subtype="html",
        )
    message["Content-Language"] = lang  # after the parts: setting the content clears the Content-* headers
    return message


def paragraphs_html(paragraphs: list[str], link: str | None = None, link_label: str = "") -> str:
    """Plain paragraphs (escaped here) and an optional link button, for `build`'s HTML part."""
    parts = [f"<p>{html.escape(p)}</p>" for p in paragraphs]
    if link:
        parts.append(f'<p><a href="{html.escape(link, quote=True)}">{html.escape(link_label or link)}</a></p>')
    return "\n".join(parts)


def deliver(settings: Settings, message: EmailMessage) -> None:
    """Blocking: one SMTP session (run it in a thread), or one log line when no SMTP host is set."""
    if not settings.SMTP_HOST:
        body = message.get_body(("plain",))
        text = body.get_content() if body is not None else ""
        log.info("email to %s: %s\n%s", message["To"], message["Subject"], text)
        return
    with _connect(settings) as smtp:
        smtp.send_message(message)


def _connect(settings: Settings) -> smtplib.SMTP:
    assert settings.SMTP_HOST
    smtp = smtplib.SMTP(settings.SMTP_HOST, settings.SMTP_PORT, timeout=SMTP_TIMEOUT_S)
    try:
        if settings.SMTP_STARTTLS:
            smtp.starttls()
        if settings.SMTP_USER and settings.SMTP_PASSWORD:
            smtp.login(settings.SMTP_USER, settings.SMTP_PASSWORD.get_secret_value())
    except BaseException:
        smtp.close()
        raise
    return smtp


def deliver_many(settings: Settings, messages: list[EmailMessage],
                 attempts: int = SEND_ATTEMPTS) -> list[OSError | None]:
    """Blocking: several messages over one SMTP session (an import's invitations), reconnecting after a failure;
    returns each message's error, or None when it left."""
    if not settings.SMTP_HOST:
        for message in messages:
            deliver(settings, message)
        return [None] * len(messages)
    results: list[OSError | None] = []
    smtp: smtplib.SMTP | None = None
    try:
        for message in messages:
            for attempt in range(1, attempts + 1):
                try:
                    smtp = smtp or _connect(settings)
                    smtp.send_message(message)
                    results.append(None)
                    break
                except OSError as exc:  # smtplib's errors are OSErrors too
                    _close(smtp)
                    smtp = None
                    if attempt == attempts or not _transient(exc):
                        results.append(exc)
                        break
                    time.sleep(RETRY_PAUSE_S * attempt)
            error = results[-1]
            if error is not None and not isinstance(error, smtplib.SMTPResponseException | smtplib.SMTPRecipientsRefused):
                # The server stayed out of reach: the other messages would only wait as long to fail the same way.
                results += [error] * (len(messages) - len(results))
                break
    finally:
        _close(smtp)
    return results


def _close(smtp: smtplib.SMTP | None) -> None:
    if smtp is not None:
        try:
            smtp.quit()
        except OSError:
            smtp.close()


def deliver_with_retries(settings: Settings, message: EmailMessage, attempts: int = SEND_ATTEMPTS) -> None:
    """`deliver`, tried again after a pause when the server was out of reach; the last error is raised."""
    for attempt in range(1, attempts + 1):
        try:
            deliver(settings, message)
            return
        except OSError as exc:  # smtplib's errors are OSErrors too
            if attempt == attempts or not _transient(exc):
                raise
            time.sleep(RETRY_PAUSE_S * attempt)


def _transient(exc: OSError) -> bool:
    """A refused or dropped connection, or a 4xx answer, may pass; a 5xx answer (a refused recipient) will not."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return all(code < 500 for code, _ in exc.recipients.values())
    if isinstance(exc, smtplib.SMTPResponseException):
        return exc.smtp_code < 500
    return True


async def send(settings: Settings, message: EmailMessage, attempts: int = 1) -> None:
    """Send off the event loop; raises `OSError` or `smtplib.SMTPException` when it could not."""
    await anyio.to_thread.run_sync(deliver_with_retries, settings, message, attempts)


async def send_many(settings: Settings, messages: list[EmailMessage]) -> list[OSError | None]:
    """`deliver_many` off the event loop."""
    return await anyio.to_thread.run_sync(deliver_many, settings, messages)
