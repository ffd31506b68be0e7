"""`GET /metrics` (Prometheus, bearer-protected, absent without `RUCHE_METRICS_TOKEN`) and `GET /readyz`."""

import hmac

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from prometheus_client import CONTENT_TYPE_LATEST
from starlette.exceptions import HTTPException as StarletteHTTPException

from app.observability.metrics import sample
from app.observability.readiness import readiness
from app.runtime import runtime_of

router = APIRouter(include_in_schema=False)


@router.get("/metrics")
async def metrics(request: Request) -> Response:
    """The process's metrics (every worker's in multiprocess mode) for a scraper holding the token."""
    runtime = runtime_of(request)
    token = runtime.settings.METRICS_TOKEN
    if token is None or runtime.metrics is None:
        raise StarletteHTTPException(404)  # the same answer as any path that does not exist
    scheme, _, given = request.headers.get("authorization", "").partition(" ")
    # Compared in constant time: the comparison's duration says nothing about how much of a guess was right.
    if scheme.lower() != "bearer" or not hmac.compare_digest(given.strip().encode(), token.get_secret_value().encode()):
        return JSONResponse({"detail": "A valid bearer token is required"}, status_code=401,
                            headers={"WWW-Authenticate": "Bearer"})
    await sample(runtime, runtime.metrics)  # this process's gauges fresh, not up to SAMPLE_S old
    return Response(runtime.metrics.render(), media_type=CONTENT_TYPE_LATEST)


@router.get("/readyz")
async def readyz(request: Request) -> JSONResponse:
    """200 when the database answers and its schema is the code's (migrations at head), else 503 saying which."""
    body = await readiness(runtime_of(request))
    ready = body["status"] == "ready"
    return JSONResponse(body, status_code=200 if ready else 503, headers=None if ready else {"Retry-After": "5"})
