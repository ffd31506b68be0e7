"""Groups: public, private and secret groups, memberships and requests, their API and pages."""

from app.feature import Feature

FEATURE = Feature(
    name="groups",
    models=("app.groups.models",),
    routers=("app.groups.routes:router", "app.groups.pages:pages", "app.groups.settings_pages:pages"),
)
