"""Notification pages: the list, following a notification, marking read, and the delivery settings form."""

from datetime import UTC, datetime, tzinfo
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError

from app.csrf import CsrfProtected
from app.db import SessionDep
from app.deps import Cursor, Id, SettingsDep
from app.errors import Invalid
from app.i18n import current_locale
from app.notifications import service, times
from app.notifications.models import KINDS
from app.notifications.schemas import NotificationRead, NotificationSettings
from app.posts.cards import labels as time_labels
from app.templating import render
from app.web.common import N_, PageActor, form_text, redirect

pages = APIRouter(tags=["pages"], include_in_schema=False)
PAGE_SIZE = 30
BELL_SIZE = 10


@pages.get("/notifications")
async def list_page(
    request: Request, actor: PageActor, session: SessionDep, settings: SettingsDep, cursor: Cursor = None,
    unread: Annotated[bool, Query()] = False,
) -> Response:
    zone = await service.member_zone(session, settings, actor)
    items, next_cursor = await service.list_notifications(session, actor, zone=zone, unread=unread, cursor=cursor,
                                                          limit=PAGE_SIZE)
    next_url = f"/notifications?cursor={next_cursor}" + ("&unread=true" if unread else "") if next_cursor else None
    unread_entries = await service.unread_count(session, actor)
    return render(request, "notifications/list.html", {
        "items": _with_times(request, items, zone), "next_url": next_url, "unread": unread,
        "unread_count": unread_entries,
    })


@pages.get("/notifications/latest")
async def latest(request: Request, actor: PageActor, session: SessionDep, settings: SettingsDep) -> Response:
    """The bell's dropdown: the latest unread entries as list items, the same sentences as the page."""
    zone = await service.member_zone(session, settings, actor)
    items, _ = await service.list_notifications(session, actor, zone=zone, unread=True, limit=BELL_SIZE)
    return render(request, "notifications/_items.html", {"items": _with_times(request, items, zone)})


def _with_times(request: Request, items: list[NotificationRead], zone: tzinfo) -> list[dict[str, Any]]:
    labels, locale, now = time_labels(request), current_locale.get(), datetime.now(UTC)
    return [{"n": n, "at": times.when(labels, n.created_at, now, zone, locale)} for n in items]


@pages.get("/notifications/settings")
async def settings_page(request: Request, actor: PageActor, session: SessionDep) -> Response:
    current = await service.get_settings(session, actor)
    return render(request, "notifications/settings.html", {"values": current.model_dump(), "kinds": KINDS})


@pages.post("/notifications/settings")
async def save_settings(request: Request, _csrf: CsrfProtected, actor: PageActor, session: SessionDep) -> Response:
    form = await request.form()
    try:
        data = NotificationSettings.model_validate({kind: form_text(form, kind, 10) or "app" for kind in KINDS})
    except ValidationError as exc:
        raise Invalid("Invalid notification setting") from exc
    await service.update_settings(session, actor, data)
    return redirect(request, "/notifications/settings", flash=N_("Your notification settings are saved."))


@pages.post("/notifications/read")
async def mark_read(request: Request, _csrf: CsrfProtected, actor: PageActor, session: SessionDep) -> Response:
    """Form of the list page (`all`) and of the bell (`ids`, comma-separated; JSON callers get 204)."""
    form = await request.form()
    raw = form_text(form, "ids", 2000)
    try:
        ids = [int(part) for part in raw.split(",") if part.strip()][:500]
    except ValueError as exc:
        raise Invalid("Invalid notification ids") from exc
    if any(i < 1 or i > 2**63 - 1 for i in ids):
        raise Invalid("Invalid notification ids")
    await service.mark_read(session, actor, ids, everything=form_text(form, "all", 10) == "true")
    if "application/json" in request.headers.get("accept", ""):
        return Response(status_code=204)
    return redirect(request, "/notifications", flash=N_("Notifications marked as read."))


@pages.get("/notifications/{notification_id}/open")
async def open_notification(notification_id: Id, actor: PageActor, session: SessionDep) -> Response:
    return RedirectResponse(await service.open_notification(session, actor, notification_id), status_code=303)
