"""Start/stop of the notifier (registered in app/components.py)."""

import contextlib
from typing import Any

from app.live.component import outbox_wakers
from app.notifications.notifier import Notifier


async def start(app: Any) -> None:
    notifier = Notifier(app)
    app.state.notifier = notifier
    outbox_wakers(app).append(notifier.wake)
    if not getattr(app.state, "live_bus", None):
        app.state.after_commit.append(notifier.wake)  # no live component: wake on local commits only
    await notifier.start()


async def stop(app: Any) -> None:
    notifier: Notifier = app.state.notifier
    with contextlib.suppress(ValueError):
        outbox_wakers(app).remove(notifier.wake)
    with contextlib.suppress(ValueError):
        app.state.after_commit.remove(notifier.wake)
    await notifier.stop()
