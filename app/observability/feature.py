"""Observability: `/metrics`, `/readyz`, JSON logs with request ids (the middleware is added by create_app)."""

from app.feature import Feature

FEATURE = Feature(
    name="observability",
    routers=("app.observability.routes:router",),
    components=("app.observability.component",),
)
