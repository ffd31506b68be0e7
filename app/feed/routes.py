"""Feeds (API.md "Feeds"): lists of Post, newest first, only what the viewer may see (app.feed.render writes the
JSON of `Page[PostRead]`, the documented response)."""

from typing import Annotated

from fastapi import APIRouter, Path, Request
from fastapi.responses import Response

from app.db import SessionDep
from app.deps import Cursor, Id, Limit, RuntimeDep
from app.feed import service
from app.feed.render import page_response
from app.groups.cache import GROUPS
from app.posts.schemas import PostRead
from app.schemas import Page
from app.security import CurrentActor

router = APIRouter(prefix="/api/v1", tags=["feeds"])
Topic = Annotated[str, Path(min_length=1, max_length=61)]


@router.get("/feed", response_model=Page[PostRead])
async def home(request: Request, session: SessionDep, actor: CurrentActor, cursor: Cursor = None, limit: Limit = 20) -> Response:
    posts, next_cursor = await service.home_feed(session, actor, cursor=cursor, limit=limit)
    return page_response(request, posts, next_cursor)


@router.get("/groups/{group_id}/posts", response_model=Page[PostRead])
async def group_posts(
    request: Request, runtime: RuntimeDep, group_id: Id, session: SessionDep, actor: CurrentActor, cursor: Cursor = None,
    limit: Limit = 20,
) -> Response:
    posts, next_cursor = await service.group_feed(session, actor, group_id, runtime.caches.get(GROUPS),
                                                  cursor=cursor, limit=limit)
    return page_response(request, posts, next_cursor)


@router.get("/users/{user_id}/posts", response_model=Page[PostRead])
async def member_posts(
    request: Request, user_id: Id, session: SessionDep, actor: CurrentActor, cursor: Cursor = None, limit: Limit = 20
) -> Response:
    posts, next_cursor = await service.member_feed(session, actor, user_id, cursor=cursor, limit=limit)
    return page_response(request, posts, next_cursor)


@router.get("/topics/{topic}/posts", response_model=Page[PostRead])
async def topic_posts(
    request: Request, topic: Topic, session: SessionDep, actor: CurrentActor, cursor: Cursor = None, limit: Limit = 20
) -> Response:
    posts, next_cursor = await service.topic_feed(session, actor, topic, cursor=cursor, limit=limit)
    return page_response(request, posts, next_cursor)
