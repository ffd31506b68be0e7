"""Notification e-mails, sent through `app.mail` (SMTP when `RUCHE_SMTP_HOST` is set, else written to the log).

Rows with `email_status='pending'` are claimed one by one (an UPDATE that only one process can win), sent
from the notifier's background task in a worker thread, then marked `sent` or `failed`. The message names
who did what and links to the page: no excerpt of the content, so nothing private leaves by mail.
"""

import logging
from email.message import EmailMessage
from typing import Any

from sqlalchemy import select, update

from app import mail
from app.config import Settings
from app.db import session_scope
from app.i18n import negotiate
from app.notifications.models import Notification
from app.users.models import User

log = logging.getLogger("ruche.email")
BATCH = 20

SUBJECTS = {
    "en": {
        "mention": "{actor} mentioned you",
        "reply": "{actor} replied to you",
        "reaction": "{actor} reacted to your contribution",
        "announcement": "New announcement from {actor}",
        "group_request": "{actor} asks to join your group",
        "group_accepted": "{actor} accepted you in a group",
    },
    "fr": {
        "mention": "{actor} vous a mentionné",
        "reply": "{actor} vous a répondu",
        "reaction": "{actor} a réagi à votre contribution",
        "announcement": "Nouvelle annonce de {actor}",
        "group_request": "{actor} demande à rejoindre votre groupe",
        "group_accepted": "{actor} vous a accepté dans un groupe",
    },
}
FOOTER = {
    "en": "Open Ruche: {url}\n\nChoose which e-mails you receive: {settings_url}\n",
    "fr": "Ouvrir Ruche : {url}\n\nChoisir les e-mails que vous recevez : {settings_url}\n",
}


LINKS = {
    "en": {"open": "Open Ruche", "settings": "Choose which e-mails you receive"},
    "fr": {"open": "Ouvrir Ruche", "settings": "Choisir les e-mails que vous recevez"},
}


def compose(settings: Settings, n: Notification, recipient: User, actor_name: str) -> EmailMessage:
    lang = negotiate(recipient.language, None)
    base = settings.public_origin
    subject = SUBJECTS[lang][n.kind].format(actor=actor_name)
    url, settings_url = f"{base}/notifications/{n.id}/open", base + "/notifications/settings"
    text = subject + ".\n\n" + FOOTER[lang].format(url=url, settings_url=settings_url)
    footer_html = mail.paragraphs_html([], settings_url, LINKS[lang]["settings"])
    html_body = mail.paragraphs_html([subject + "."], url, LINKS[lang]["open"]) + "\n" + footer_html
    return mail.build(settings, recipient.email, subject, text, html_body, lang=lang)


async def send_pending(app: Any) -> int:
    """Send the e-mails of pending notifications; returns how many were sent."""
    settings: Settings = app.state.runtime.settings
    sent = 0
    async with session_scope(app.state.runtime.sessionmaker) as session:
        ids = list(await session.scalars(
            select(Notification.id).where(Notification.email_status == "pending").order_by(Notification.id).limit(BATCH)
        ))
    for notification_id in ids:
        async with session_scope(app.state.runtime.sessionmaker) as session:
            claimed = await session.execute(
                update(Notification).where(Notification.id == notification_id, Notification.email_status == "pending")
                .values(email_status="sending")
            )
            if claimed.rowcount != 1:  # type: ignore[attr-defined]
                continue  # another process took it
            row = (await session.execute(
                select(Notification, User).join(User, User.id == Notification.user_id)
                .where(Notification.id == notification_id)
            )).one()
            notification, recipient = row
            actor = await session.get(User, notification.actor_id) if notification.actor_id else None
            message = compose(settings, notification, recipient, actor.display_name if actor else "Ruche")
        status = "sent"
        try:
            await mail.send(settings, message)
            sent += 1
        except OSError as exc:  # smtplib's errors included
            log.warning("notification e-mail %s failed: %s", notification_id, exc)
            status = "failed"
        async with session_scope(app.state.runtime.sessionmaker) as session:
            await session.execute(update(Notification).where(Notification.id == notification_id).values(email_status=status))
    return sent
