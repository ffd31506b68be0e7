"""Samples the gauges read from elsewhere (database pool, outbox lag) every `SAMPLE_S`, when metrics are on:
each worker's values stay current in multiprocess mode, whichever worker answers the scrape."""

import asyncio
import contextlib
import logging
import os
from typing import Any

from app.observability.metrics import SAMPLE_S, Metrics, sample
from app.runtime import Runtime

log = logging.getLogger("ruche.metrics")
TASK = "observability.sampler"


async def _sample_forever(runtime: Runtime, metrics: Metrics) -> None:
    while True:
        try:
            await sample(runtime, metrics)
        except asyncio.CancelledError:
            raise
        except Exception:  # the database restarting: try again next time
            log.warning("sampling metrics failed", exc_info=True)
        await asyncio.sleep(SAMPLE_S)


async def start(app: Any) -> None:
    runtime: Runtime = app.state.runtime
    if runtime.metrics is not None:
        runtime.components[TASK] = asyncio.create_task(_sample_forever(runtime, runtime.metrics), name="ruche-metrics")


async def stop(app: Any) -> None:
    runtime: Runtime = app.state.runtime
    task = runtime.components.pop(TASK, None)
    if task is None:
        return
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task
    if runtime.metrics is not None and runtime.metrics.multiprocess_dir:
        from prometheus_client import multiprocess

        # This worker's gauges leave the sums (its counters stay: they are totals of requests it answered).
        multiprocess.mark_process_dead(os.getpid(), runtime.metrics.multiprocess_dir)
