"""Administration of accounts: list, change role, deactivate / reactivate, create one with an invitation, import a
CSV of members (a dry run first, then the same file applied); admins only, else 403. The services are the API's;
invitations leave after the unit of work has committed (background tasks)."""

from typing import Annotated

from fastapi import APIRouter, BackgroundTasks, Query, Request
from fastapi.responses import Response
from pydantic import ValidationError
from starlette.datastructures import UploadFile

from app import permissions
from app.csrf import CsrfProtected
from app.db import SessionDep
from app.deps import Cursor, Id, RuntimeDep
from app.errors import Conflict, Invalid
from app.i18n import current_locale
from app.templating import render
from app.users import imports, invitations, resets
from app.users import service as users_service
from app.users.account_schemas import AccountCreate
from app.users.models import ROLES
from app.users.schemas import AdminUserUpdate
from app.web.common import N_, PageActor, field_errors, form_text, query_text, redirect

pages = APIRouter(tags=["pages"], include_in_schema=False)


@pages.get("/admin/users")
async def users_page(
    request: Request, actor: PageActor, session: SessionDep,
    q: Annotated[str | None, Query(max_length=200)] = None, cursor: Cursor = None,
) -> Response:
    users, next_cursor = await users_service.list_users_admin(session, actor, q=query_text(q), cursor=query_text(cursor))
    return render(request, "admin/users.html", {
        "users": users, "q": q or "", "next_cursor": next_cursor, "roles": ROLES, "paged": bool(cursor),
    })


# Before `/admin/users/{user_id}`, which would take "new" and "import" for an id.

@pages.get("/admin/users/new")
async def new_user_form(request: Request, actor: PageActor, runtime: RuntimeDep) -> Response:
    permissions.require(actor.is_admin, "Only administrators can manage accounts")
    return render(request, "admin/user_new.html", {"values": {"role": "member"}, "errors": {}, "roles": ROLES,
                                                   "invitation_days": runtime.settings.INVITATION_DAYS})


@pages.post("/admin/users/new")
async def create_user(
    request: Request, _csrf: CsrfProtected, actor: PageActor, session: SessionDep, runtime: RuntimeDep,
    background: BackgroundTasks,
) -> Response:
    permissions.require(actor.is_admin, "Only administrators can manage accounts")
    form = await request.form()
    values = {name: form_text(form, name, 254) for name in ("email", "display_name", "role")}
    context = {"values": values, "roles": ROLES, "invitation_days": runtime.settings.INVITATION_DAYS}
    try:
        data = AccountCreate.model_validate(values)
        base = resets.link_base(runtime.settings)
        user, mail = await invitations.create_account(session, runtime, actor, data.email, data.display_name,
                                                      data.role, base=base, lang=current_locale.get())
    except ValidationError as exc:
        return render(request, "admin/user_new.html", {**context, "errors": field_errors(exc)}, status_code=422)
    except Conflict:
        errors = {"email": N_("This email is already registered.")}
        return render(request, "admin/user_new.html", {**context, "errors": errors}, status_code=409)
    background.add_task(resets.send_mails, runtime.settings, [mail])
    return redirect(request, "/admin/users", flash=N_("The account of %(name)s is created: an invitation to choose a "
                                                      "password was sent to %(email)s."),
                    name=user.display_name, email=user.email)


IMPORT_SHOWN_LINES = 500  # the report's table; the counts cover every line


@pages.get("/admin/users/import")
async def import_form(request: Request, actor: PageActor, runtime: RuntimeDep) -> Response:
    permissions.require(actor.is_admin, "Only administrators can manage accounts")
    return render(request, "admin/import.html", _import_context(runtime, None))


def _import_context(runtime: RuntimeDep, problem: imports.Problem | None) -> dict[str, object]:
    # The request's body is capped too (MAX_JSON_BYTES): the page says both, so a file is not refused unannounced.
    return {"problem": problem, "columns": imports.COLUMNS, "max_lines": runtime.settings.IMPORT_MAX_LINES,
            "max_mb": runtime.settings.MAX_JSON_BYTES // (1024 * 1024)}


@pages.post("/admin/users/import")
async def import_users(
    request: Request, _csrf: CsrfProtected, actor: PageActor, session: SessionDep, runtime: RuntimeDep,
    background: BackgroundTasks,
) -> Response:
    """A file uploaded: its dry run. The dry run's page posts the same text back (`csv`, `apply`): applied."""
    permissions.require(actor.is_admin, "Only administrators can manage accounts")
    form = await request.form()
    upload = form.get("file")
    apply = form_text(form, "apply", 5) == "yes"
    data = await upload.read() if isinstance(upload, UploadFile) else form_text(form, "csv", 2**24).encode()
    try:
        if not data.strip():
            raise imports.BadFile(N_("Choose a CSV file to import."))
        rows, errors = imports.parse(data, runtime.settings.IMPORT_MAX_LINES)
    except (imports.BadFile, imports.TooLarge) as exc:
        return render(request, "admin/import.html", _import_context(runtime, exc.problem),
                      status_code=exc.status_code)
    base = resets.link_base(runtime.settings)
    report, mails = await imports.run_import(session, runtime, actor, rows, errors, dry_run=not apply, base=base,
                                             lang=current_locale.get())
    if mails:
        background.add_task(resets.send_mails, runtime.settings, mails)
    lines = report.lines()
    return render(request, "admin/import_report.html", {
        "report": report, "lines": lines[:IMPORT_SHOWN_LINES], "hidden_lines": max(0, len(lines) - IMPORT_SHOWN_LINES),
        "csv": data.decode("utf-8-sig") if not apply else "",
    })


@pages.post("/admin/users/{user_id}")
async def update_user(
    request: Request, user_id: Id, _csrf: CsrfProtected, actor: PageActor, session: SessionDep,
) -> Response:
    form = await request.form()
    changes: dict[str, object] = {}
    if role := form_text(form, "role", 20):
        changes["role"] = role
    if (active := form_text(form, "active", 5)) in ("true", "false"):
        changes["active"] = active == "true"
    back = "/admin/users"
    try:
        user = await users_service.admin_update(session, actor, user_id, AdminUserUpdate.model_validate(changes))
    except ValidationError:
        return redirect(request, back, kind="error", flash=N_("Choose one of the proposed values."))
    except Conflict:
        return redirect(request, back, kind="error", flash=N_("The network needs at least one administrator."))
    except Invalid:
        return redirect(request, back, kind="error", flash=N_("You cannot deactivate your own account."))
    return redirect(request, back, flash=N_("The account of %(name)s is updated."), name=user.display_name)
