"""The search results page: tabs per kind, filters, server-rendered (works without JavaScript)."""

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from app.db import SessionDep
from app.deps import LimiterDep, SettingsDep
from app.errors import Invalid
from app.search import service
from app.templating import render
from app.web.common import PageActor, query_text

pages = APIRouter(tags=["pages"], include_in_schema=False)
TABS = ("all", "post", "comment", "user", "group")
Text = Annotated[str | None, Query(max_length=2000)]


@pages.get("/search")
async def results(
    request: Request, actor: PageActor, session: SessionDep, limiter: LimiterDep, settings: SettingsDep,
    q: Text = None, type: Annotated[str | None, Query(max_length=10)] = None,
    group: Annotated[str | None, Query(max_length=20)] = None, author: Annotated[str | None, Query(max_length=40)] = None,
    since: Annotated[str | None, Query(max_length=40)] = None, until: Annotated[str | None, Query(max_length=40)] = None,
    cursor: Annotated[str | None, Query(max_length=500)] = None,
) -> Response:
    form = {"q": query_text(q) or "", "type": type if type in TABS else "all", "group": query_text(group) or "",
            "author": query_text(author) or "", "since": query_text(since) or "", "until": query_text(until) or ""}
    context: dict[str, Any] = {"form": form, "tabs": TABS, "page": None, "error": None, "search_q": form["q"],
                               "groups": await service.filter_groups(session, actor), "cursor": cursor}
    status = 200
    if form["q"]:
        try:
            params = await service.page_params(session, form, query_text(cursor))
            runtime = service.runtime_of(request.app.state)
            context["page"] = await service.search(session, actor, runtime, limiter, settings, params)
        except Invalid as exc:
            context["error"], status = str(exc.detail), 422
    return render(request, "search/results.html", context, status_code=status)
