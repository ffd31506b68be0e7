"""Accounts created by admins (one by one, or by a CSV import): no password until the member follows the
invitation e-mail's link (`app.users.resets`)."""

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from app import permissions
from app.errors import Conflict
from app.outbox.types import UserCreated
from app.outbox.write import emit
from app.permissions import Actor
from app.runtime import Runtime
from app.text import handle_base
from app.users import resets
from app.users.accounts import _free_handle
from app.users.models import User
from app.users.service import set_skills

# No Argon2 hash ever verifies against it: signing in fails until the invitation's link sets a password. (Hashing
# a random password instead would cost 50 ms per account, minutes for an import.)
NO_PASSWORD = "!invited"
HANDLE_ATTEMPTS = 5


async def new_account(
    session: AsyncSession, actor: Actor, email: str, display_name: str, *, role: str = "member",
    title: str = "", department: str = "", location: str = "", skills: Sequence[str] = (),
) -> User:
    """Insert an active account without a password; `Conflict` when the e-mail is taken."""
    email = email.strip().lower()
    if await session.scalar(select(User.id).where(User.email == email)) is not None:
        raise Conflict("This email is already registered")
    for _ in range(HANDLE_ATTEMPTS):
        user = User(
            email=email, password_hash=NO_PASSWORD, display_name=display_name,
            handle=await _free_handle(session, handle_base(display_name)), role=role, title=title,
            department=department, location=location, bio="", is_active=True,
        )
        try:
            async with session.begin_nested():
                session.add(user)
                await session.flush()
        except IntegrityError as exc:
            if await session.scalar(select(User.id).where(User.email == email)) is not None:
                raise Conflict("This email is already registered") from exc
            continue  # a concurrent creation took the same handle: pick the next free one
        if skills:
            await set_skills(session, user.id, skills)
        emit(session, UserCreated(actor_id=actor.user_id, subject_user_id=user.id))
        return user
    raise Conflict("Account creation is busy; please try again")


async def create_account(
    session: AsyncSession, runtime: Runtime, actor: Actor, email: str, display_name: str, role: str,
    *, base: str, lang: str,
) -> tuple[User, resets.AccountMail]:
    """An admin creates an account: the user, and the invitation to send once committed."""
    permissions.require(actor.is_admin, "Only administrators can create accounts")
    user = await new_account(session, actor, email, display_name, role=role)
    mail = await resets.invite(session, runtime.settings, user, base, lang, actor.display_name)
    return user, mail
