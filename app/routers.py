"""Every router of the app, API and pages; a domain adds its router here."""

from fastapi import APIRouter


def all_routers() -> list[APIRouter]:
    from app.groups.routes import router as groups_api
    from app.ping import router as ping_api
    from app.users.routes import router as users_api

    return [users_api, groups_api, ping_api]
