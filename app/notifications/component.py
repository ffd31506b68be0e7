"""Start/stop of the notifier (declared in app/notifications/feature.py); it is `runtime.components["notifier"]`."""

import contextlib
from typing import Any

from app.notifications.notifier import Notifier
from app.runtime import Runtime


async def start(app: Any) -> None:
    runtime: Runtime = app.state.runtime
    notifier = Notifier(app)
    runtime.components["notifier"] = notifier
    runtime.outbox_wakers.append(notifier.wake)
    if runtime.bus is None:
        runtime.after_commit.append(notifier.wake)  # no live component: wake on local commits only
    await notifier.start()


async def stop(app: Any) -> None:
    runtime: Runtime = app.state.runtime
    notifier: Notifier = runtime.components.pop("notifier")
    with contextlib.suppress(ValueError):
        runtime.outbox_wakers.remove(notifier.wake)
    with contextlib.suppress(ValueError):
        runtime.after_commit.remove(notifier.wake)
    await notifier.stop()
