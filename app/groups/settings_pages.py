"""A group's settings page for its animators and admins: name, description, guidelines and visibility (a change
that shows the group or its content to more members asks for a confirmation), archive, and delete (typing the
group's name). The same services as the API (`PATCH` and `DELETE /api/v1/groups/{id}`)."""

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import ValidationError

from app import permissions
from app.csrf import CsrfProtected
from app.db import SessionDep
from app.errors import Conflict
from app.groups import deletion
from app.groups import service as groups_service
from app.groups.models import Group
from app.groups.pages import GROUP_FIELDS, _group
from app.groups.schemas import GroupUpdate
from app.permissions import Actor
from app.templating import render
from app.web.common import N_, PageActor, field_errors, form_text, redirect

pages = APIRouter(tags=["pages"], include_in_schema=False)


async def _managed(session: SessionDep, actor: Actor, slug: str) -> Group:
    group = await _group(session, actor, slug)
    groups_service.require_manager(actor, group)
    return group


def _render(request: Request, group: Group, values: dict[str, str], errors: dict[str, str], *,
            status_code: int = 200, **context: Any) -> Response:
    return render(request, "groups/settings.html", {
        "group": group, "archived": permissions.is_archived(group), "values": values, "errors": errors,
        "confirm_exposure": False, "delete_error": None, **context,
    }, status_code=status_code)


@pages.get("/groups/{slug}/settings")
async def settings_page(request: Request, slug: str, actor: PageActor, session: SessionDep) -> Response:
    group = await _managed(session, actor, slug)
    return _render(request, group, {field: getattr(group, field) for field in GROUP_FIELDS}, {})


@pages.post("/groups/{slug}/settings")
async def save_settings(request: Request, slug: str, _csrf: CsrfProtected, actor: PageActor, session: SessionDep
                        ) -> Response:
    group = await _managed(session, actor, slug)
    form = await request.form()
    values = {field: form_text(form, field) for field in GROUP_FIELDS}
    try:
        data = GroupUpdate.model_validate(values)
    except ValidationError as exc:
        return _render(request, group, values, field_errors(exc), status_code=422)
    exposes = permissions.visibility_exposes(group.visibility, data.visibility or group.visibility)
    if exposes and form_text(form, "confirm_exposure", 5) != "yes":
        # Nothing is saved until the animator confirms: the form comes back as typed, with what would change.
        return _render(request, group, values, {}, status_code=409, confirm_exposure=True)
    try:
        group = await groups_service.update_group(session, actor, group.id, data)
    except Conflict:
        return _render(request, group, values, {"name": N_("A group with this name already exists.")},
                       status_code=409)
    return redirect(request, f"/groups/{group.slug}/settings", flash=N_("The group's settings are saved."))


@pages.post("/groups/{slug}/archive")
async def archive(request: Request, slug: str, _csrf: CsrfProtected, actor: PageActor, session: SessionDep
                  ) -> Response:
    group = await _managed(session, actor, slug)
    archived = form_text(await request.form(), "archived", 5) == "true"
    await groups_service.update_group(session, actor, group.id, GroupUpdate(archived=archived))
    message = N_("The group is archived: it is read-only.") if archived else N_("The group is active again.")
    return redirect(request, f"/groups/{group.slug}", flash=message)


@pages.post("/groups/{slug}/delete")
async def delete(request: Request, slug: str, _csrf: CsrfProtected, actor: PageActor, session: SessionDep
                 ) -> Response:
    group = await _managed(session, actor, slug)
    typed = form_text(await request.form(), "confirm_name", 200)
    if typed.strip().casefold() != group.name.casefold():
        values = {field: getattr(group, field) for field in GROUP_FIELDS}
        return _render(request, group, values, {}, status_code=422, delete_error=N_(
            "Type the group's name exactly to delete it."), typed_name=typed)
    name = group.name
    await deletion.delete_group(session, actor, group.id)
    return redirect(request, "/groups", flash=N_("The group %(name)s is deleted."), name=name)
