"""Administration of accounts: list, change role, deactivate / reactivate (admins only, else 403)."""

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from pydantic import ValidationError

from app.csrf import CsrfProtected
from app.db import SessionDep
from app.deps import Cursor, Id
from app.errors import Conflict, Invalid
from app.templating import render
from app.users import service as users_service
from app.users.models import ROLES
from app.users.schemas import AdminUserUpdate
from app.web.common import N_, PageActor, form_text, query_text, redirect

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
