"""Notifications API (API.md "Notifications", plus unread count and per-kind settings)."""

from typing import Annotated

from fastapi import APIRouter, Query, Response

from app.db import SessionDep
from app.deps import Cursor, Limit, SettingsDep
from app.notifications import service
from app.notifications.schemas import MarkRead, NotificationRead, NotificationSettings, UnreadCount
from app.schemas import Page
from app.security import CurrentActor

router = APIRouter(prefix="/api/v1/notifications", tags=["notifications"])


@router.get("", response_model=Page[NotificationRead])
async def list_notifications(
    session: SessionDep, actor: CurrentActor, settings: SettingsDep, unread: Annotated[bool, Query()] = False,
    cursor: Cursor = None, limit: Limit = 20,
) -> Page[NotificationRead]:
    zone = await service.member_zone(session, settings, actor)
    items, next_cursor = await service.list_notifications(session, actor, zone=zone, unread=unread, cursor=cursor,
                                                          limit=limit)
    return Page(items=items, next_cursor=next_cursor)


@router.post("/read", status_code=204)
async def mark_read(data: MarkRead, session: SessionDep, actor: CurrentActor) -> Response:
    await service.mark_read(session, actor, data.ids, data.all_)
    return Response(status_code=204)


@router.get("/unread_count", response_model=UnreadCount)
async def unread_count(session: SessionDep, actor: CurrentActor) -> UnreadCount:
    return UnreadCount(unread=await service.unread_count(session, actor))


@router.get("/settings", response_model=NotificationSettings)
async def get_settings(session: SessionDep, actor: CurrentActor) -> NotificationSettings:
    return await service.get_settings(session, actor)


@router.put("/settings", response_model=NotificationSettings)
async def put_settings(data: NotificationSettings, session: SessionDep, actor: CurrentActor) -> NotificationSettings:
    return await service.update_settings(session, actor, data)
