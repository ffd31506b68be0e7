"""Home: the member's feed with the composer, and the former welcome dashboard as a sidebar
(my groups, groups to discover, people of my department)."""

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.ext.asyncio import AsyncSession

from app.db import SessionDep
from app.deps import Cursor
from app.groups import service as groups_service
from app.groups.schemas import GroupRead
from app.pages.cards import composer, list_my_groups
from app.pages.common import MaybeActor, query_text
from app.pages.feed import home_feed
from app.security import Actor
from app.templating import render
from app.users import service as users_service

pages = APIRouter(tags=["pages"], include_in_schema=False)
SIDEBAR_GROUPS = 8


@pages.get("/")
async def home(request: Request, actor: MaybeActor, session: SessionDep, cursor: Cursor = None) -> Response:
    if actor is None:
        return RedirectResponse("/signin", status_code=303)
    mine = await list_my_groups(session, actor)  # one query for the composer and the sidebar
    return render(request, "feed/home.html", {
        "feed": await home_feed(session, actor, query_text(cursor)),
        "composer": await composer(session, actor, next_path="/", my_groups=mine),
        **await sidebar(session, actor, mine),
    })


async def sidebar(session: AsyncSession, actor: Actor, mine: list[GroupRead]) -> dict[str, object]:
    """My groups, popular groups I have not joined, colleagues of my department."""
    me = await users_service.access_user(session, actor.user_id)
    my_groups, more_groups = mine[:SIDEBAR_GROUPS], len(mine) > SIDEBAR_GROUPS
    suggested = await groups_service.suggested_groups(session, actor, limit=4)
    colleagues = await users_service.colleagues(session, me.department, me.id) if me.department else []
    return {"me": me, "my_groups": my_groups, "more_groups": more_groups,
            "suggested": suggested, "colleagues": colleagues}
