"""The core's own declaration: the activity outbox's tables and the framework's ping (`/healthz` is built by
`app.main.create_app`, which knows the runtime it reports on)."""

from app.feature import Feature

FEATURE = Feature(
    name="core",
    models=("app.outbox.models",),
    routers=("app.ping:router",),
)
