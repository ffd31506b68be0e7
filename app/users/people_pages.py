"""The people directory ("who can answer this?"), a member's profile and follow / unfollow."""

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from app.csrf import CsrfProtected
from app.db import SessionDep
from app.deps import Cursor, RuntimeDep
from app.errors import NotFound
from app.feed import sections as feed_pages
from app.templating import render
from app.text import HANDLE_RE
from app.users import service as users_service
from app.users.models import User
from app.web.common import N_, PageActor, query_text, redirect

pages = APIRouter(tags=["pages"], include_in_schema=False)
PAGE_SIZE = 24


@pages.get("/people")
async def directory(
    request: Request, actor: PageActor, session: SessionDep, runtime: RuntimeDep,
    q: Annotated[str | None, Query(max_length=200)] = None,
    skill: Annotated[str | None, Query(max_length=60)] = None,
    department: Annotated[str | None, Query(max_length=200)] = None,
    cursor: Cursor = None,
) -> Response:
    filters = {"q": query_text(q), "skill": query_text(skill), "department": query_text(department)}
    people, next_cursor = await users_service.directory(
        session, runtime, actor, **filters, cursor=query_text(cursor), limit=PAGE_SIZE
    )
    return render(request, "people/directory.html", {
        "people": people, "filters": {k: v or "" for k, v in filters.items()}, "next_cursor": next_cursor,
        "searched": any(filters.values()), "paged": bool(cursor),
    })


async def _member(session: SessionDep, handle: str) -> User:
    user = await users_service.get_by_handle(session, handle) if HANDLE_RE.match(handle.lower()) else None
    if user is None:
        raise NotFound()
    return user


@pages.get("/people/{handle}")
async def member_profile(request: Request, handle: str, actor: PageActor, session: SessionDep) -> Response:
    user = await _member(session, handle)
    own = user.id == actor.user_id
    profile = await users_service.profile(session, actor, user, own=own)
    return render(request, "people/profile.html", {
        "person": profile, "own": own, **await feed_pages.member_section(request, session, actor, user),
    })


@pages.post("/people/{handle}/follow")
async def follow(request: Request, handle: str, _csrf: CsrfProtected, actor: PageActor, session: SessionDep) -> Response:
    user = await _member(session, handle)
    await users_service.follow(session, actor, user.id)
    return redirect(request, f"/people/{user.handle}", flash=N_("You now follow %(name)s."), name=user.display_name)


@pages.post("/people/{handle}/unfollow")
async def unfollow(request: Request, handle: str, _csrf: CsrfProtected, actor: PageActor, session: SessionDep) -> Response:
    user = await _member(session, handle)
    await users_service.unfollow(session, actor, user.id)
    return redirect(request, f"/people/{user.handle}", flash=N_("You no longer follow %(name)s."), name=user.display_name)
