"""Every router of the app, API and pages; a domain adds its router here."""

from fastapi import APIRouter


def all_routers() -> list[APIRouter]:
    from app.feed.routes import router as feed_api
    from app.groups.routes import router as groups_api
    from app.live.routes import router as live_api
    from app.notifications.pages import pages as notifications_pages
    from app.notifications.routes import router as notifications_api
    from app.pages import page_routers
    from app.ping import router as ping_api
    from app.posts.routes import router as posts_api
    from app.search.pages import pages as search_pages
    from app.search.routes import router as search_api
    from app.users.routes import router as users_api

    # FastAPI tries the routes one by one in this order: the most requested come first (the home page, the feeds,
    # the posts), and domain pages before the other page routers.
    home, *pages = page_routers()
    return [home, feed_api, posts_api, ping_api, users_api, groups_api, live_api, notifications_api,
            notifications_pages, search_api, search_pages, *pages]
