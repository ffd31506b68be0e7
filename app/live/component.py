"""Start/stop of the live machinery: bus, relay, hub (registered in app/components.py)."""

import asyncio
import contextlib
from collections.abc import Callable
from typing import Any

from app.events import make_bus
from app.live.hub import Hub
from app.live.payloads import EventBuilder
from app.live.relay import Relay


def outbox_wakers(app: Any) -> list[Callable[[], None]]:
    """Consumers to wake when the outbox grew here or in another process (relay, notifier)."""
    if getattr(app.state, "outbox_wakers", None) is None:
        app.state.outbox_wakers = []
    return app.state.outbox_wakers  # type: ignore[no-any-return]


async def start(app: Any) -> None:
    settings = app.state.runtime.settings
    builder = EventBuilder()
    relay: Relay | None = None
    hub = Hub(app.state.runtime, cursor=lambda: relay.cursor.position if relay is not None else 0)
    relay = Relay(app, hub, builder)
    bus = make_bus(settings.REDIS_URL, settings.REDIS_PREFIX)
    wakers = outbox_wakers(app)
    wakers.append(relay.wake)

    def on_wake() -> None:
        for wake in wakers:
            wake()

    app.state.live_hub, app.state.live_relay, app.state.live_builder, app.state.live_bus = hub, relay, builder, bus
    await relay.start()
    await bus.start(on_wake)
    app.state.after_commit.append(bus.wake)
    app.state.live_status = bus.status
    app.state.live_housekeeping = asyncio.create_task(hub.housekeeping(), name="ruche-live-housekeeping")


async def stop(app: Any) -> None:
    app.state.live_housekeeping.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await app.state.live_housekeeping
    await app.state.live_hub.close_all(1012)  # "service restart": clients reconnect with since
    with contextlib.suppress(ValueError):
        app.state.after_commit.remove(app.state.live_bus.wake)
    with contextlib.suppress(ValueError):
        outbox_wakers(app).remove(app.state.live_relay.wake)
    await app.state.live_bus.stop()
    await app.state.live_relay.stop()
