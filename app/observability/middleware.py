"""One pure ASGI middleware for metrics and request ids, installed by `create_app` only when one of them is on
(`RUCHE_METRICS_TOKEN` set, `RUCHE_LOG_FORMAT=json`): otherwise a request pays nothing for either.

It is the outermost of Ruche's middleware, so a request's time includes compression; Starlette's server-error
middleware is outside it, so an unhandled exception is counted here as a 500 (nothing was sent yet)."""

import logging
import time
from typing import Any

from fastapi import FastAPI
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.config import metrics_multiprocess_dir
from app.observability.logging import REQUEST_ID, request_id_from
from app.observability.metrics import UNMATCHED, Metrics
from app.runtime import Runtime

access_log = logging.getLogger("ruche.access")


def install(app: FastAPI) -> None:
    """Give the runtime its metrics (when a token is set) and add the middleware if anything needs it."""

    runtime: Runtime = app.state.runtime
    settings = runtime.settings
    metrics = runtime.metrics = Metrics(metrics_multiprocess_dir()) if settings.METRICS_TOKEN else None
    json_logs = settings.LOG_FORMAT == "json"
    if metrics is not None or json_logs:
        app.add_middleware(Observe, metrics=metrics, request_ids=json_logs)


class Observe:
    """Per HTTP request: the request id (context variable, `X-Request-ID` header, one JSON access line) when
    `request_ids`; the count and latency by route template when `metrics`. Per websocket: the open sockets."""

    def __init__(self, app: ASGIApp, metrics: Metrics | None, request_ids: bool) -> None:
        self.app = app
        self.metrics = metrics
        self.request_ids = request_ids

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            await self._http(scope, receive, send)
        elif scope["type"] == "websocket" and self.metrics is not None:
            await self._websocket(scope, receive, send, self.metrics)
        else:
            await self.app(scope, receive, send)

    async def _http(self, scope: Scope, receive: Receive, send: Send) -> None:
        start = time.perf_counter()
        status = 500  # unless a response starts: an exception reaching us becomes the server-error middleware's 500
        request_id = None
        if self.request_ids:
            header = None
            for name, value in scope["headers"]:
                if name == b"x-request-id":
                    header = value
                    break
            request_id = request_id_from(header)
            echoed = (b"x-request-id", request_id.encode())
            context = REQUEST_ID.set(request_id)

        async def observed_send(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                if request_id is not None:
                    message["headers"] = [*message.get("headers", ()), echoed]
            await send(message)

        failed = False
        try:
            await self.app(scope, receive, observed_send)
        except BaseException:
            failed = True
            raise
        finally:
            seconds = time.perf_counter() - start
            route = scope.get("route")
            template: str = getattr(route, "path", None) or UNMATCHED
            if self.metrics is not None:
                self.metrics.observe(scope["method"], template, status, seconds)
            if request_id is not None:
                _log_access(scope, template, status, seconds)
                # After a failure the server-error middleware (outside this one) still logs the exception: leave the
                # id for its lines. Each request is a task of its own under uvicorn, so the id ends with it.
                if not failed:
                    REQUEST_ID.reset(context)

    async def _websocket(self, scope: Scope, receive: Receive, send: Send, metrics: Metrics) -> None:
        accepted = False

        async def observed_send(message: Message) -> None:
            nonlocal accepted
            if message["type"] == "websocket.accept" and not accepted:
                accepted = True
                metrics.websockets.inc()
            await send(message)

        try:
            await self.app(scope, receive, observed_send)
        finally:
            if accepted:
                metrics.websockets.dec()


def _log_access(scope: Scope, route: str, status: int, seconds: float) -> None:
    """One line per request (JSON logs only): uvicorn's access log is off, this one knows the route and the id.
    The route template, not the path: a path may carry a single-use token (reset links), never to be logged."""
    if access_log.isEnabledFor(logging.INFO):
        client: Any = scope.get("client")
        access_log.info("%s %s %d", scope["method"], route, status, extra={
            "method": scope["method"], "route": route, "status": status,
            "duration_ms": round(seconds * 1000, 3), "client": client[0] if client else None})
