"""Single-use links to choose a password: "forgot your password?" (valid `PASSWORD_RESET_MINUTES`) and the
invitations admins send (valid `INVITATION_DAYS`).

The token is 256 random bits, sent only in the e-mail; the database keeps its SHA-256 (`PasswordToken`), so a copy
of the database opens no account. Choosing a password spends every link of the member and revokes every session.
E-mails are built here and sent by `send_mails` once the request's transaction has committed (routes and pages
hand it to FastAPI's background tasks, which run after the unit of work): no mail for a rolled-back change; a mail
that cannot be sent is retried, then logged as an error (the link exists nowhere else: the member asks again, the
admin invites again)."""

import hashlib
import logging
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from email.message import EmailMessage

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from app import mail
from app.config import Settings
from app.db import utcnow
from app.errors import AppError, RateLimited
from app.i18n import translations
from app.runtime import Runtime
from app.security import hash_password
from app.users.models import AuthSession, User
from app.users.password_tokens import PasswordToken
from app.users.passwords import check_password_strength

log = logging.getLogger("ruche.email")
TOKEN_BYTES = 32
MAX_TOKEN_LENGTH = 200
TOKEN_SHAPE = re.compile(rf"[A-Za-z0-9_-]{{1,{MAX_TOKEN_LENGTH}}}")


def N_(message: str) -> str:
    """Mark a message for extraction; it is translated in the recipient's language when the e-mail is built."""
    return message


RESET_REQUESTED = N_("If an account uses this address, we have sent it a link to choose a new password.")


class InvalidLink(AppError):
    status_code = 400
    default_detail = "This link is invalid, has expired or was already used: ask for a new one."


@dataclass(frozen=True)
class AccountMail:
    """An e-mail to send once the transaction is committed; `link` holds the token (never logged by `send_mails`)."""

    purpose: str  # "reset" or "invitation"
    to: str
    display_name: str
    lang: str
    link: str
    valid_for: str  # "1 h", "7 days": in the recipient's language
    inviter: str = ""


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def link_base(settings: Settings) -> str:
    """The site's public origin for links in account e-mails (`Settings.public_origin`)."""
    return settings.public_origin


async def issue(session: AsyncSession, user: User, purpose: str, lifetime: timedelta, *, flush: bool = True) -> str:
    """A new token for `user`; returns the secret (only its hash is stored). Without `flush`, the row waits for the
    session's next flush (an import adds thousands)."""
    token = secrets.token_urlsafe(TOKEN_BYTES)
    session.add(PasswordToken(user_id=user.id, purpose=purpose, token_hash=hash_token(token),
                              expires_at=utcnow() + lifetime))
    if flush:
        await session.flush()
    return token


async def request_reset(
    session: AsyncSession, runtime: Runtime, email: str, client_ip: str, base: str, lang: str,
) -> AccountMail | None:
    """A reset link for the active account of `email`, or None: the caller answers the same either way. Every
    request counts against the typed address and the client's address, whether or not an account exists."""
    settings, limiter = runtime.settings, runtime.limiter
    email = email.strip().lower()
    window = settings.PASSWORD_RESET_WINDOW_S
    wait = await limiter.hit(f"reset:ip:{client_ip}", settings.PASSWORD_RESET_PER_IP, window)
    wait = wait or await limiter.hit(f"reset:addr:{email}", settings.PASSWORD_RESET_PER_ADDRESS, window)
    if wait is not None:
        raise RateLimited(wait, "Too many requests for a new password; try again later")
    user = await session.scalar(select(User).where(User.email == email))
    if user is None or not user.is_active:
        return None  # deactivated accounts get no e-mail
    minutes = settings.PASSWORD_RESET_MINUTES
    token = await issue(session, user, "reset", timedelta(minutes=minutes))
    lang = user.language or lang
    return AccountMail("reset", user.email, user.display_name, lang, f"{base}/password/reset?token={token}",
                       _duration(settings, lang, minutes))


def invitation(settings: Settings, user: User, token: str, base: str, lang: str, inviter: str) -> AccountMail:
    days = settings.INVITATION_DAYS
    return AccountMail("invitation", user.email, user.display_name, lang, f"{base}/password/reset?token={token}",
                       _duration(settings, lang, days * 24 * 60), inviter)


async def invite(session: AsyncSession, settings: Settings, user: User, base: str, lang: str,
                 inviter: str, *, flush: bool = True) -> AccountMail:
    token = await issue(session, user, "invitation", timedelta(days=settings.INVITATION_DAYS), flush=flush)
    return invitation(settings, user, token, base, lang, inviter)


async def peek(session: AsyncSession, token: str) -> PasswordToken | None:
    """The token's row if the link still works (for the page that asks for the new password)."""
    if not TOKEN_SHAPE.fullmatch(token):  # ours are URL-safe base64; anything else is forged (and may not encode)
        return None
    row = await session.scalar(select(PasswordToken).where(PasswordToken.token_hash == hash_token(token)))
    if row is None or row.used_at is not None or row.expires_at <= utcnow():
        return None
    user = await session.get(User, row.user_id)
    return row if user is not None and user.is_active else None


async def confirm(session: AsyncSession, runtime: Runtime, token: str, new_password: str) -> User:
    """Set the password of the link's member: the link and every other one of theirs are spent, every session of
    theirs revoked. A forged, used or expired link, or a deactivated member: `InvalidLink` (400)."""
    if await peek(session, token) is None:
        raise InvalidLink()
    check_password_strength(new_password)  # 422, and the link still works for a better password
    now = utcnow()
    # The UPDATE is the claim: of two requests with the same link, only one finds it unused.
    user_id = await session.scalar(
        update(PasswordToken)
        .where(PasswordToken.token_hash == hash_token(token), PasswordToken.used_at.is_(None),
               PasswordToken.expires_at > now)
        .values(used_at=now)
        .returning(PasswordToken.user_id)
    )
    if user_id is None:
        raise InvalidLink()
    user = await session.get_one(User, user_id)
    user.password_hash = await hash_password(runtime, new_password)
    await session.execute(
        update(PasswordToken).where(PasswordToken.user_id == user_id, PasswordToken.used_at.is_(None))
        .values(used_at=now)
    )
    await session.execute(
        update(AuthSession).where(AuthSession.user_id == user_id, AuthSession.revoked_at.is_(None))
        .values(revoked_at=now)
    )
    await session.flush()
    return user


# The e-mails

SUBJECTS = {
    "reset": N_("Choose a new password for Ruche"),
    "invitation": N_("%(inviter)s invites you to Ruche"),
}
BODIES = {
    "reset": (
        N_("Hello %(name)s,"),
        N_("Someone, probably you, asked to choose a new password for your Ruche account. Open this link to do "
           "so; it works once, for %(valid_for)s:"),
        N_("If you did not ask, ignore this e-mail: your password stays as it is."),
    ),
    "invitation": (
        N_("Hello %(name)s,"),
        N_("%(inviter)s has created your account on Ruche, your organisation's social network. Open this link to "
           "choose your password; it works once, for %(valid_for)s:"),
        N_("Your colleagues, communities and experts are waiting for you there."),
    ),
}
LINK_LABELS = {"reset": N_("Choose a new password"), "invitation": N_("Choose my password")}


def _duration(settings: Settings, lang: str, minutes: int) -> str:
    tr = translations(settings.FRONTEND_DIR / "translations", lang)
    if minutes % (24 * 60) == 0:
        days = minutes // (24 * 60)
        return tr.ngettext("%(num)d day", "%(num)d days", days) % {"num": days}
    if minutes % 60 == 0:
        return tr.ngettext("%(num)d hour", "%(num)d hours", minutes // 60) % {"num": minutes // 60}
    return tr.ngettext("%(num)d minute", "%(num)d minutes", minutes) % {"num": minutes}


def compose(settings: Settings, item: AccountMail) -> EmailMessage:
    tr = translations(settings.FRONTEND_DIR / "translations", item.lang)
    values = {"name": item.display_name, "inviter": item.inviter or "Ruche", "valid_for": item.valid_for}
    subject = tr.gettext(SUBJECTS[item.purpose]) % values
    greeting, ask, closing = (tr.gettext(text) % values for text in BODIES[item.purpose])
    label = tr.gettext(LINK_LABELS[item.purpose])
    text = f"{greeting}\n\n{ask}\n{item.link}\n\n{closing}\n"
    html_body = mail.paragraphs_html([greeting, ask], item.link, label) + "\n" + mail.paragraphs_html([closing])
    return mail.build(settings, item.to, subject, text, html_body, lang=item.lang)


SEND_BATCH = 50  # messages per SMTP session


async def send_mails(settings: Settings, items: list[AccountMail],
                     progress: Callable[[int], None] = lambda n: None) -> int:
    """Send committed account e-mails (a background task); returns how many left. Failures (after retries) are
    logged with the address and the purpose, never the link."""
    sent = 0
    for start in range(0, len(items), SEND_BATCH):
        batch = items[start:start + SEND_BATCH]
        results = await mail.send_many(settings, [compose(settings, item) for item in batch])
        for item, error in zip(batch, results, strict=True):
            if error is None:
                sent += 1
            else:
                log.error("%s e-mail to %s could not be sent: %s", item.purpose, item.to, error)
        progress(len(batch))
    return sent
