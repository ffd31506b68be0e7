"""Server-rendered pages (Jinja2), one module per area; they call the same services as the API."""

from fastapi import APIRouter


def page_routers() -> list[APIRouter]:
    """The pages of accounts, people, groups and administration, in matching order (/people/me first); the home page
    (`/`, alone in its router) comes first: app.routers puts it before every other router."""
    from app.pages import admin, auth, comments, feed, groups, home, people, posts, profile

    return [home.pages, auth.pages, profile.pages, people.pages, groups.pages, admin.pages, posts.pages,
            comments.pages, feed.pages]
