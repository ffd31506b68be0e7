"""Start/stop of the live machinery: bus, relay, hub (declared in app/live/feature.py). What it starts hangs from
the runtime: the bus (`runtime.bus`), and the hub, relay and event builder as `runtime.components["live"]`."""

import asyncio
import contextlib
from dataclasses import dataclass
from typing import Any

from app.events import EventBus, make_bus
from app.live.hub import Hub
from app.live.payloads import EventBuilder
from app.live.relay import Relay
from app.runtime import Runtime


@dataclass
class Live:
    hub: Hub
    relay: Relay
    builder: EventBuilder
    bus: EventBus
    housekeeping: "asyncio.Task[None] | None" = None


def live_of(runtime: Runtime) -> Live:
    """This process's live machinery (started by `start`)."""
    live: Live = runtime.components["live"]
    return live


async def start(app: Any) -> None:
    runtime: Runtime = app.state.runtime
    settings = runtime.settings
    builder = EventBuilder()
    relay: Relay | None = None
    hub = Hub(runtime, cursor=lambda: relay.cursor.position if relay is not None else 0)
    relay = Relay(app, hub, builder)
    bus = make_bus(settings.REDIS_URL, settings.REDIS_PREFIX)
    wakers = runtime.outbox_wakers
    wakers.append(relay.wake)

    def on_wake() -> None:
        for wake in wakers:
            wake()

    live = runtime.components["live"] = Live(hub, relay, builder, bus)
    runtime.bus = bus
    await relay.start()
    await bus.start(on_wake)
    runtime.after_commit.append(bus.wake)
    runtime.live_status = bus.status
    live.housekeeping = asyncio.create_task(hub.housekeeping(), name="ruche-live-housekeeping")


async def stop(app: Any) -> None:
    runtime: Runtime = app.state.runtime
    live = live_of(runtime)
    if live.housekeeping is not None:
        live.housekeeping.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await live.housekeeping
    await live.hub.close_all(1012)  # "service restart": clients reconnect with since
    with contextlib.suppress(ValueError):
        runtime.after_commit.remove(live.bus.wake)
    with contextlib.suppress(ValueError):
        runtime.outbox_wakers.remove(live.relay.wake)
    await live.bus.stop()
    await live.relay.stop()
    runtime.bus, runtime.live_status = None, lambda: "ok"
    del runtime.components["live"]
