"""Accounts created by admins (one by one, or by a CSV import): no password until the member follows the
invitation e-mail's link (`app.users.resets`)."""

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from app import permissions
from app.errors import Conflict
from app.outbox.types import UserCreated
from app.outbox.write import emit
from app.permissions import Actor
from app.runtime import Runtime
from app.text import fold, handle_base
from app.users import resets
from app.users.accounts import _free_handle
from app.users.models import User, UserSkill
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


@dataclass(frozen=True)
class NewAccount:
    email: str
    display_name: str
    title: str = ""
    department: str = ""
    location: str = ""
    skills: tuple[str, ...] = ()


HANDLE_QUERY_CHUNK = 100  # LIKE terms per statement (SQLite bounds an expression's depth)


async def new_accounts(session: AsyncSession, actor: Actor, accounts: Sequence[NewAccount]) -> list[User]:
    """Insert many accounts in a few statements (an import of thousands): handles chosen together, one INSERT of
    the users, then their skills and activities. A conflict (an address or a handle taken meanwhile) undoes the
    batch and raises `IntegrityError`: the caller then creates them one by one with `new_account`."""
    bases = {handle_base(a.display_name) for a in accounts}
    taken: set[str] = set()
    ordered = sorted(bases)
    for start in range(0, len(ordered), HANDLE_QUERY_CHUNK):
        part = ordered[start:start + HANDLE_QUERY_CHUNK]
        taken.update(await session.scalars(select(User.handle).where(or_(*(User.handle.like(f"{b}%") for b in part)))))
    users = []
    for a in accounts:
        handle = _next_free(handle_base(a.display_name), taken)
        taken.add(handle)
        users.append(User(email=a.email.strip().lower(), password_hash=NO_PASSWORD, display_name=a.display_name,
                          handle=handle, role="member", title=a.title, department=a.department, location=a.location,
                          bio="", is_active=True))
    async with session.begin_nested():
        session.add_all(users)
        await session.flush()
    for user, a in zip(users, accounts, strict=True):
        seen: set[str] = set()
        for position, skill in enumerate(a.skills):
            if (key := fold(skill)[:60]) not in seen:
                seen.add(key)
                session.add(UserSkill(user_id=user.id, skill=skill, skill_key=key, position=position))
        emit(session, UserCreated(actor_id=actor.user_id, subject_user_id=user.id))
    return users


def _next_free(base: str, taken: set[str]) -> str:
    if base not in taken:
        return base
    n = 2
    while f"{base}{n}" in taken:
        n += 1
    return f"{base}{n}"


async def create_account(
    session: AsyncSession, runtime: Runtime, actor: Actor, email: str, display_name: str, role: str,
    *, base: str, lang: str,
) -> tuple[User, resets.AccountMail]:
    """An admin creates an account: the user, and the invitation to send once committed."""
    permissions.require(actor.is_admin, "Only administrators can manage accounts")
    user = await new_account(session, actor, email, display_name, role=role)
    mail = await resets.invite(session, runtime.settings, user, base, lang, actor.display_name)
    return user, mail
