"""Home: the welcome dashboard (my groups, groups to discover, people of my department).

Kept alone in this module so the home feed can replace it by swapping one router."""

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from app.db import SessionDep
from app.groups import service as groups_service
from app.pages.common import MaybeActor
from app.templating import render
from app.users import service as users_service

pages = APIRouter(tags=["pages"], include_in_schema=False)


@pages.get("/")
async def home(request: Request, actor: MaybeActor, session: SessionDep) -> Response:
    if actor is None:
        return RedirectResponse("/signin", status_code=303)
    me = await users_service.access_user(session, actor.user_id)
    my_groups, more_groups = await groups_service.list_groups(session, actor, mine=True, limit=12)
    others, _ = await groups_service.list_groups(session, actor, limit=50)
    suggested = sorted((g for g in others if g.my_status is None), key=lambda g: -g.member_count)[:6]
    colleagues: list[object] = []
    if me.department:
        found, _ = await users_service.directory(session, actor, department=me.department, limit=9)
        colleagues = [p for p in found if p.id != me.id][:8]
    return render(request, "home/dashboard.html", {
        "me": me, "my_groups": my_groups, "more_groups": more_groups is not None,
        "suggested": suggested, "colleagues": colleagues,
    })
