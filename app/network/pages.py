"""The admins' "Network settings" page (beside the accounts page of app/users/admin_pages.py)."""

from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import ValidationError

from app.csrf import CsrfProtected
from app.db import SessionDep
from app.network import service
from app.network.schemas import NetworkSettingsUpdate
from app.templating import render
from app.web.common import N_, PageActor, form_text, redirect

pages = APIRouter(tags=["pages"], include_in_schema=False)


@pages.get("/admin/settings")
async def settings_page(request: Request, actor: PageActor, session: SessionDep) -> Response:
    settings = await service.get_settings(session, actor)
    return render(request, "admin/settings.html", {"settings": settings})


@pages.post("/admin/settings")
async def save_settings(request: Request, _csrf: CsrfProtected, actor: PageActor, session: SessionDep) -> Response:
    form = await request.form()
    try:
        data = NetworkSettingsUpdate(group_creation=form_text(form, "group_creation", 10))  # type: ignore[arg-type]
    except ValidationError:
        return redirect(request, "/admin/settings", kind="error", flash=N_("Choose one of the proposed values."))
    await service.update_settings(session, actor, data)
    return redirect(request, "/admin/settings", flash=N_("The network settings are saved."))
