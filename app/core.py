"""The core's own declaration: the activity outbox's tables and epoch, and the framework's ping and `/healthz` (app/health.py)."""

from app.feature import Feature

FEATURE = Feature(
    name="core",
    models=("app.outbox.models",),
    routers=("app.ping:router", "app.health:router"),
    components=("app.outbox.epoch",),
)
