"""My profile: view shortcut and the edit form (same service and validation as PATCH /users/me)."""

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError

from app.csrf import CsrfProtected
from app.db import SessionDep
from app.errors import Conflict, Invalid
from app.templating import render
from app.users import service as users_service
from app.users.schemas import UserUpdate
from app.web.common import LANG_COOKIE, N_, PageActor, field_errors, form_text, redirect, set_lang_cookie

pages = APIRouter(tags=["pages"], include_in_schema=False)
TEXT_FIELDS = ("display_name", "handle", "title", "department", "location", "bio")


@pages.get("/people/me")
async def my_profile(actor: PageActor) -> Response:
    return RedirectResponse(f"/people/{actor.handle}", status_code=303)


@pages.get("/people/me/edit")
async def edit_form(request: Request, actor: PageActor, session: SessionDep) -> Response:
    me = await users_service.profile(session, actor, await users_service.access_user(session, actor.user_id), own=True)
    values = {field: getattr(me, field) for field in TEXT_FIELDS}
    values["skills"] = ", ".join(me.skills)
    values["language"] = me.language or ""  # type: ignore[attr-defined]
    values["time_zone"] = me.time_zone or ""  # type: ignore[attr-defined]
    return render(request, "people/edit.html", {"values": values, "errors": {}})


@pages.post("/people/me/edit")
async def edit(request: Request, _csrf: CsrfProtected, actor: PageActor, session: SessionDep) -> Response:
    form = await request.form()
    values = {field: form_text(form, field) for field in (*TEXT_FIELDS, "skills", "language", "time_zone")}
    data = {field: values[field] for field in TEXT_FIELDS}
    try:
        update = UserUpdate.model_validate({
            **data,
            "skills": [s.strip() for s in values["skills"].split(",") if s.strip()],
            "language": values["language"] or None,
            "time_zone": values["time_zone"] or None,
        })
        user = await users_service.update_me(session, actor, update)
    except ValidationError as exc:
        return render(request, "people/edit.html", {"values": values, "errors": field_errors(exc)}, status_code=422)
    except Conflict:
        errors = {"handle": N_("This handle is taken.")}
        return render(request, "people/edit.html", {"values": values, "errors": errors}, status_code=409)
    except Invalid:
        errors = {"handle": N_("Only lowercase letters, digits, dots, dashes and underscores (2 to 40).")}
        return render(request, "people/edit.html", {"values": values, "errors": errors}, status_code=422)
    response = redirect(request, f"/people/{user.handle}", flash=N_("Your profile is saved."))
    if user.language:
        set_lang_cookie(request, response, user.language)
    else:
        response.delete_cookie(LANG_COOKIE, path="/")
    return response
