"""Notifications: the notifier (an outbox consumer), the bell's API and pages, e-mails."""

from app.feature import Feature

FEATURE = Feature(
    name="notifications",
    models=("app.notifications.models",),
    routers=("app.notifications.routes:router", "app.notifications.pages:pages"),
    # After live: the notifier is woken through the outbox wake-ups the live component sets up.
    components=("app.notifications.component",),
)
