"""Network settings chosen by admins (who may create groups), their API and admin page."""

from app.feature import Feature

FEATURE = Feature(
    name="network",
    models=("app.network.models",),
    routers=("app.network.routes:router", "app.network.pages:pages"),
)
