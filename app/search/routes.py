from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request

from app.db import SessionDep
from app.deps import LimiterDep, SettingsDep
from app.search import service
from app.search.schemas import SearchPage, SuggestPage
from app.security import CurrentActor

router = APIRouter(prefix="/api/v1/search", tags=["search"])
# Longer queries are refused by the service with a clear 422; this bound only keeps huge URLs out.
QueryText = Annotated[str, Query(max_length=2000)]
OptionalId = Annotated[int | None, Query(ge=1, le=2**63 - 1)]
DateText = Annotated[str | None, Query(max_length=40)]


@router.get("", response_model=SearchPage)
async def search(
    request: Request, session: SessionDep, actor: CurrentActor, limiter: LimiterDep, settings: SettingsDep,
    q: QueryText, type: Literal["post", "comment", "user", "group"] | None = None,
    group_id: OptionalId = None, author_id: OptionalId = None, since: DateText = None, until: DateText = None,
    cursor: Annotated[str | None, Query(max_length=500)] = None,
    limit: Annotated[int, Query(ge=1, le=service.MAX_LIMIT)] = 20,
) -> SearchPage:
    params = service.SearchParams(q, type, group_id, author_id, since, until, cursor, limit)
    return await service.search(session, actor, service.runtime_of(request.app.state), limiter, settings, params)


@router.get("/suggest", response_model=SuggestPage)
async def suggest(request: Request, session: SessionDep, actor: CurrentActor, limiter: LimiterDep,
                  settings: SettingsDep, q: QueryText) -> SuggestPage:
    items = await service.suggest(session, actor, service.runtime_of(request.app.state), limiter, settings, q)
    return SuggestPage(items=items)
