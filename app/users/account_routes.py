"""The API of password resets and of accounts made by admins (creation with an invitation, CSV imports).

E-mails are handed to FastAPI's background tasks: they run once the response is sent, after the unit of work
(`SessionDep`) has committed, so a rolled-back request sends nothing."""

from typing import Annotated

from fastapi import APIRouter, BackgroundTasks, Query, Request, Response

from app import permissions
from app.db import SessionDep
from app.deps import AddressRateLimit, ClientIP, RuntimeDep
from app.i18n import negotiate
from app.security import CurrentActor
from app.users import imports, invitations, resets
from app.users import service as users_service
from app.users.account_schemas import (
    AccountCreate,
    ImportError_,
    ImportLine,
    ImportResult,
    ResetConfirm,
    ResetRequest,
    ResetRequested,
)
from app.users.schemas import UserMe, UserRead

router = APIRouter(prefix="/api/v1", tags=["accounts"])


def _lang(request: Request) -> str:
    return negotiate(None, request.headers.get("accept-language"))


@router.post("/auth/password-reset", status_code=202, response_model=ResetRequested,
             dependencies=[AddressRateLimit])
async def password_reset(
    data: ResetRequest, request: Request, session: SessionDep, runtime: RuntimeDep, ip: ClientIP,
    background: BackgroundTasks,
) -> ResetRequested:
    base = resets.link_base(runtime.settings)
    mail = await resets.request_reset(session, runtime, data.email, ip, base, _lang(request))
    if mail is not None:
        background.add_task(resets.send_mails, runtime.settings, [mail])
    return ResetRequested(detail=resets.RESET_REQUESTED)


@router.post("/auth/password-reset/confirm", status_code=204, dependencies=[AddressRateLimit])
async def password_reset_confirm(data: ResetConfirm, session: SessionDep, runtime: RuntimeDep) -> Response:
    await resets.confirm(session, runtime, data.token, data.new_password)
    return Response(status_code=204)


@router.post("/admin/users", status_code=201, response_model=UserMe)
async def create_user(
    data: AccountCreate, request: Request, session: SessionDep, runtime: RuntimeDep, actor: CurrentActor,
    background: BackgroundTasks,
) -> UserRead:
    base = resets.link_base(runtime.settings)
    user, mail = await invitations.create_account(session, runtime, actor, data.email, data.display_name, data.role,
                                                  base=base, lang=_lang(request))
    background.add_task(resets.send_mails, runtime.settings, [mail])
    return await users_service.profile(session, actor, user, own=True)


@router.post("/admin/users/import", response_model=ImportResult, openapi_extra={
    "requestBody": {"content": {"text/csv": {"schema": {"type": "string"}}}, "required": True}})
async def import_users(
    request: Request, session: SessionDep, runtime: RuntimeDep, actor: CurrentActor, background: BackgroundTasks,
    dry_run: Annotated[bool, Query()] = False,
) -> ImportResult:
    """The body is the CSV file itself (`Content-Type: text/csv`); see `app.users.imports` for its format."""
    permissions.require(actor.is_admin, "Only administrators can manage accounts")  # before reading the file
    rows, errors = imports.parse(await request.body(), runtime.settings.IMPORT_MAX_LINES)
    base = resets.link_base(runtime.settings)
    report, mails = await imports.run_import(session, runtime, actor, rows, errors, dry_run=dry_run, base=base,
                                             lang=_lang(request))
    if mails:
        background.add_task(resets.send_mails, runtime.settings, mails)
    return import_result(report)


def import_result(report: imports.Report) -> ImportResult:
    return ImportResult(
        dry_run=report.dry_run, created=len(report.created), updated=len(report.updated),
        unchanged=len(report.unchanged),
        errors=[ImportError_(line=line, detail=str(problem)) for line, problem in report.errors],
        lines=[ImportLine(line=line, email=email, display_name=name, action=action)  # type: ignore[arg-type]
               for line, email, name, action in report.lines()],
    )
