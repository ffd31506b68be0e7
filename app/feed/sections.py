"""Feed sections of pages: the home feed, the posts sections of a group's page and a member's profile, a topic's.

Every list comes from `app.feed.service` (the one visibility rule); "load more" is a plain `?cursor=` link."""

from collections.abc import Awaitable, Callable
from typing import Any

from fastapi import Request
from sqlalchemy.ext.asyncio import AsyncSession

from app import permissions
from app.feed import service as feed_service
from app.feed.service import PostPage
from app.groups.cache import GROUPS
from app.groups.models import Group
from app.permissions import Actor
from app.posts.cards import composer, list_my_groups, render_cards
from app.runtime import runtime_of
from app.users.models import User
from app.web.common import query_text

PAGE_SIZE = 20
MAX_CURSOR = 500


def page_cursor(request: Request) -> str | None:
    """The `?cursor=` of a page that shows a feed section (group, profile)."""
    value = query_text(request.query_params.get("cursor"))
    return value if value and len(value) <= MAX_CURSOR else None


async def feed_context(
    request: Request, session: AsyncSession, actor: Actor, load: Callable[..., Awaitable[PostPage]], cursor: str | None,
    feed_id: str, base_url: str,
) -> dict[str, Any]:
    """Cards of one page of a feed, the `data-feed` name live updates use, and the next page's URL."""
    posts, next_cursor = await load(cursor=cursor, limit=PAGE_SIZE)
    sep = "&" if "?" in base_url else "?"
    return {
        "cards": render_cards(request, actor, posts), "feed_id": feed_id, "paged": bool(cursor),
        "next_url": f"{base_url}{sep}cursor={next_cursor}" if next_cursor else None,
    }


async def home_feed(request: Request, session: AsyncSession, actor: Actor, cursor: str | None) -> dict[str, Any]:
    async def load(**page: Any) -> PostPage:
        return await feed_service.home_feed(session, actor, **page)

    return await feed_context(request, session, actor, load, cursor, "home", "/")


async def group_section(request: Request, session: AsyncSession, actor: Actor, group: Group) -> dict[str, Any]:
    """For the group page: its feed (members only for private groups) and a composer preset to the group."""
    if not permissions.can_read_group_content(actor, group.id):
        return {"group_feed": None}

    async def load(**page: Any) -> PostPage:
        return await feed_service.group_feed(session, actor, group.id, runtime_of(request).caches.get(GROUPS),
                                             **page)

    feed = await feed_context(request, session, actor, load, page_cursor(request), f"group:{group.id}", f"/groups/{group.slug}")
    can_post = permissions.can_post_in(actor, group.id) and not permissions.is_archived(group)
    my_groups = list_my_groups(actor, runtime_of(request).caches.get(GROUPS))
    return {"group_feed": feed, "group_composer": await composer(
        session, actor, group_id=group.id, next_path=f"/groups/{group.slug}", my_groups=my_groups)
        if can_post else None}


async def member_section(request: Request, session: AsyncSession, actor: Actor, user: User) -> dict[str, Any]:
    """For a profile: the member's posts that the viewer may see."""

    async def load(**page: Any) -> PostPage:
        return await feed_service.member_feed(session, actor, user.id, **page)

    feed = await feed_context(request, session, actor, load, page_cursor(request), f"member:{user.id}", f"/people/{user.handle}")
    return {"member_feed": feed}
