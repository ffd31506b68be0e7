"""Account tasks for the command line."""

from typing import TextIO

from sqlalchemy import select

from app.config import Settings
from app.db import make_engine, make_sessionmaker, session_scope
from app.errors import Invalid
from app.i18n import negotiate
from app.ops.progress import Progress
from app.runtime import Runtime
from app.users import imports, resets, service
from app.users.accounts import build_actor
from app.users.imports import Report
from app.users.models import User
from app.users.schemas import UserRegister


async def create_admin(settings: Settings, email: str, name: str, password: str) -> int:
    engine = make_engine(settings)
    try:
        async with session_scope(make_sessionmaker(engine)) as session:
            user = await service.register(
                session, Runtime(settings), UserRegister(email=email, password=password, display_name=name), by_admin=True
            )
            user.role = "admin"
            await session.flush()
            return user.id
    finally:
        await engine.dispose()


async def import_file(settings: Settings, data: bytes, *, dry_run: bool, lang: str, stream: TextIO) -> Report:
    """`ruche admin import`: the API's import without its line limit, progress lines on `stream`; the invitations
    leave after the commit, as the first active admin's."""
    rows, errors = imports.parse(data, max_lines=None)
    lang = negotiate(lang, None)
    runtime = Runtime(settings)
    engine = make_engine(settings)
    base = resets.link_base(settings)
    try:
        async with session_scope(make_sessionmaker(engine)) as session:
            admin = await session.scalar(
                select(User).where(User.role == "admin", User.is_active.is_(True)).order_by(User.id).limit(1))
            if admin is None:
                raise Invalid("No administrator yet: create one first with `ruche admin create`")
            actor = await build_actor(runtime, session, admin)
            progress = Progress("import", total=len(rows), unit="lines", stream=stream)
            report, mails = await imports.run_import(session, runtime, actor, rows, errors, dry_run=dry_run,
                                                     base=base, lang=lang, progress=progress.update)
            progress.close()
        if mails:  # committed: now the invitations
            sending = Progress("invitations", total=len(mails), unit="e-mails", stream=stream)
            await resets.send_mails(settings, mails, progress=sending.update)
            sending.close()
        return report
    finally:
        await engine.dispose()
