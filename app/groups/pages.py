"""Group list and creation, a group's page, joining, leaving and the animators' member management."""

import re
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from pydantic import ValidationError

from app import permissions
from app.csrf import CsrfProtected
from app.db import SessionDep
from app.deps import Cursor, Id
from app.errors import Conflict, Forbidden, NotFound
from app.feed import sections as feed_pages
from app.groups import service as groups_service
from app.groups.models import GrantedStatus, Group
from app.groups.schemas import GroupCreate
from app.network import service as network_service
from app.permissions import Actor
from app.templating import render
from app.text import HANDLE_RE
from app.users import service as users_service
from app.web.common import N_, PageActor, field_errors, form_text, query_text, redirect

pages = APIRouter(tags=["pages"], include_in_schema=False)
SLUG_RE = re.compile(r"^[a-z0-9-]{1,80}$")
GROUP_FIELDS = ("name", "description", "visibility", "guidelines")


@pages.get("/groups")
async def group_list(
    request: Request, actor: PageActor, session: SessionDep,
    q: Annotated[str | None, Query(max_length=200)] = None, cursor: Cursor = None,
) -> Response:
    return await _render_list(request, actor, session, query_text(q), query_text(cursor), {}, {})


async def _render_list(
    request: Request, actor: Actor, session: SessionDep, q: str | None, cursor: str | None,
    values: dict[str, str], errors: dict[str, str], status_code: int = 200,
) -> Response:
    groups, next_cursor = await groups_service.list_groups(session, actor, q=q, cursor=cursor, limit=30)
    policy = (await network_service.current(session)).group_creation
    return render(request, "groups/list.html", {
        "groups": groups, "q": q or "", "next_cursor": next_cursor, "paged": bool(cursor),
        "values": {"visibility": "public", **values}, "errors": errors,
        "can_create": permissions.can_create_group(actor, policy), "group_creation": policy,
    }, status_code=status_code)


@pages.post("/groups")
async def create_group(request: Request, _csrf: CsrfProtected, actor: PageActor, session: SessionDep) -> Response:
    form = await request.form()
    values = {field: form_text(form, field) for field in GROUP_FIELDS}
    try:
        group = await groups_service.create_group(session, actor, GroupCreate.model_validate(values))
    except ValidationError as exc:
        return await _render_list(request, actor, session, None, None, values, field_errors(exc), 422)
    except Conflict:
        errors = {"name": N_("A group with this name already exists.")}
        return await _render_list(request, actor, session, None, None, values, errors, 409)
    except Forbidden:  # the list page explains who may create groups
        return await _render_list(request, actor, session, None, None, values, {}, 403)
    return redirect(request, f"/groups/{group.slug}", flash=N_("Your group is created."))


async def _group(session: SessionDep, actor: Actor, slug: str) -> Group:
    if not SLUG_RE.match(slug):
        raise NotFound()
    return await groups_service.access_group_by_slug(session, actor, slug)


@pages.get("/groups/{slug}")
async def group_page(request: Request, slug: str, actor: PageActor, session: SessionDep) -> Response:
    group = await _group(session, actor, slug)
    view = await groups_service.group_view(session, actor, group)
    can_manage = permissions.can_manage_group(actor, group)
    members, _ = await groups_service.list_members(session, actor, group.id, limit=100)
    pending = (await groups_service.list_members(session, actor, group.id, status="pending", limit=100))[0] \
        if can_manage else []
    return render(request, "groups/page.html", {
        "group": view, "members": members, "pending": pending, "can_manage": can_manage,
        "pending_count": await groups_service.pending_count(session, actor, group),
        "can_join": view.my_status is None and permissions.can_join_group(actor, group),
        **await feed_pages.group_section(request, session, actor, group),
    })


@pages.post("/groups/{slug}/join")
async def join(request: Request, slug: str, _csrf: CsrfProtected, actor: PageActor, session: SessionDep) -> Response:
    group = await _group(session, actor, slug)
    try:
        status = await groups_service.join(session, actor, group.id)
    except Conflict:
        return redirect(request, f"/groups/{group.slug}", kind="error",
                        flash=N_("This group is archived: it accepts no new members."))
    message = N_("Your request is sent to the animators.") if status == "pending" else N_("Welcome to the group!")
    return redirect(request, f"/groups/{group.slug}", flash=message)


@pages.post("/groups/{slug}/leave")
async def leave(request: Request, slug: str, _csrf: CsrfProtected, actor: PageActor, session: SessionDep) -> Response:
    group = await _group(session, actor, slug)
    try:
        await groups_service.remove_member(session, actor, group.id, actor.user_id)
    except Conflict:
        return _last_animator(request, group)
    return redirect(request, "/groups", flash=N_("You left %(name)s."), name=group.name)


def _last_animator(request: Request, group: Group, exc: Conflict | None = None) -> Response:
    if exc is not None and exc.detail == groups_service.ARCHIVED_NO_MEMBERS:
        return redirect(request, f"/groups/{group.slug}", kind="error",
                        flash=N_("This group is archived: it accepts no new members."))
    return redirect(request, f"/groups/{group.slug}", kind="error",
                    flash=N_("A group needs at least one animator: promote another member first."))


@pages.post("/groups/{slug}/members")
async def add_member(request: Request, slug: str, _csrf: CsrfProtected, actor: PageActor, session: SessionDep) -> Response:
    group = await _group(session, actor, slug)
    handle = form_text(form := await request.form(), "handle", 41).strip().lstrip("@").lower()
    user = await users_service.get_by_handle(session, handle) if HANDLE_RE.match(handle) else None
    if user is None:
        return redirect(request, f"/groups/{group.slug}", flash=N_("No member has the handle @%(handle)s."),
                        kind="error", handle=handle[:41])
    status: GrantedStatus = "animator" if form_text(form, "status", 10) == "animator" else "member"
    try:
        await groups_service.set_member(session, actor, group.id, user.id, status)
    except Conflict as exc:
        return _last_animator(request, group, exc)
    return redirect(request, f"/groups/{group.slug}", flash=N_("%(name)s is now a member."), name=user.display_name)


@pages.post("/groups/{slug}/members/{user_id}")
async def set_member(
    request: Request, slug: str, user_id: Id, _csrf: CsrfProtected, actor: PageActor, session: SessionDep,
) -> Response:
    """Accept a request (status=member), promote (status=animator), decline or remove (action=remove)."""
    group = await _group(session, actor, slug)
    form = await request.form()
    status: GrantedStatus = "animator" if form_text(form, "status", 10) == "animator" else "member"
    try:
        if form_text(form, "action", 10) == "remove":
            await groups_service.remove_member(session, actor, group.id, user_id)
            return redirect(request, f"/groups/{group.slug}", flash=N_("The membership is removed."))
        member = await groups_service.set_member(session, actor, group.id, user_id, status)
    except Conflict as exc:
        return _last_animator(request, group, exc)
    message = N_("%(name)s is now an animator.") if status == "animator" else N_("%(name)s is now a member.")
    return redirect(request, f"/groups/{group.slug}", flash=message, name=member.user.display_name)
