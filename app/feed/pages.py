"""Feed pages. Home: the member's feed with the composer, and the former welcome dashboard as a sidebar
(my groups, groups to discover, people of my department). A topic's page: the posts tagged with it."""

from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from markupsafe import Markup
from sqlalchemy.ext.asyncio import AsyncSession

from app.db import SessionDep
from app.deps import Cursor
from app.errors import NotFound
from app.feed import service as feed_service
from app.feed.sections import PostPage, feed_context, home_feed
from app.groups import service as groups_service
from app.groups.cache import GROUPS
from app.groups.schemas import GroupSummary
from app.markdown import normalize_topic
from app.permissions import Actor
from app.posts import topic_follows
from app.posts.cards import composer, list_my_groups
from app.runtime import runtime_of
from app.slots import slot
from app.templating import fragment, render
from app.users.cache import COLLEAGUES
from app.web.common import MaybeActor, PageActor, query_text

pages = APIRouter(tags=["pages"], include_in_schema=False)
SIDEBAR_GROUPS = 8


@pages.get("/")
async def home(request: Request, actor: MaybeActor, session: SessionDep, cursor: Cursor = None) -> Response:
    if actor is None:
        return RedirectResponse("/signin", status_code=303)
    groups = runtime_of(request).caches.get(GROUPS)
    mine = list_my_groups(actor, groups)  # the composer's and the sidebar's
    form = await composer(session, actor, next_path="/", my_groups=mine)
    feed = await home_feed(request, session, actor, query_text(cursor))
    parts = {
        "composer": fragment(request, "posts/_composer.html", {"composer": {**form, "idempotency_key": slot("key")}},
                             slots={"key": form["idempotency_key"]}),
        "sidebar": fragment(request, "feed/_home_sidebar.html", await sidebar(request, session, actor, mine)),
    }
    me = {"display_name": actor.display_name, "department": bool(actor.department), "title": bool(actor.title)}
    if feed["paged"]:  # an older page, without JavaScript: rendered as it is
        return render(request, "feed/home.html", {"me": me, "feed": feed, "composer_html": parts["composer"],
                                                   "sidebar_html": parts["sidebar"]})
    # The first page is kept around its slots (app.templating.render): the member's name, the cards, the next link,
    # the composer and the sidebar. What remains differs only by language and by whether the profile is complete.
    return render(request, "feed/home.html", {
        "me": {**me, "display_name": slot("name")},
        "feed": {**feed, "cards": [Markup(slot("cards"))] if feed["cards"] else [],
                 "next_url": slot("next") if feed["next_url"] else None},
        "composer_html": Markup(slot("composer")), "sidebar_html": Markup(slot("sidebar")),
    }, slots={**parts, "name": actor.display_name, "cards": Markup("".join(feed["cards"])),
              "next": feed["next_url"] or ""})


async def sidebar(request: Request, session: AsyncSession, actor: Actor, mine: list[GroupSummary]) -> dict[str, object]:
    """My groups, popular groups I have not joined, colleagues of my department.

    The sidebar is kept rendered per context (app.templating.fragment): `me` holds only what it shows of me."""
    my_groups, more_groups = mine[:SIDEBAR_GROUPS], len(mine) > SIDEBAR_GROUPS
    caches = runtime_of(request).caches
    suggested = await groups_service.suggested_groups(session, actor, caches.get(GROUPS), limit=4)
    colleagues = (await caches.get(COLLEAGUES).colleagues(session, actor.department, actor.user_id)
                  if actor.department else [])
    return {"me": {"department": actor.department}, "my_groups": my_groups, "more_groups": more_groups,
            "suggested": suggested, "colleagues": colleagues}


@pages.get("/topics/{topic}")
async def topic_page(request: Request, topic: str, actor: PageActor, session: SessionDep, cursor: Cursor = None) -> Response:
    name = normalize_topic(topic) if len(topic) <= 61 else None
    if name is None:
        raise NotFound()

    async def load(**page: Any) -> PostPage:
        return await feed_service.topic_feed(session, actor, name, **page)

    feed = await feed_context(request, session, actor, load, query_text(cursor), f"topic:{name}", f"/topics/{quote(name)}")
    following = await topic_follows.is_following(session, actor, name)
    return render(request, "topics/page.html", {"topic": name, "feed": feed, "following": following})
