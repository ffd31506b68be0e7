"""Domain errors raised by services, and their JSON / HTML renderings."""

import logging
import socket
from collections.abc import Callable, Mapping
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from sqlalchemy import exc as sa_exc
from starlette.exceptions import HTTPException as StarletteHTTPException

log = logging.getLogger("ruche")
DATABASE_RETRY_AFTER_S = 5
BODY_PARSE_ERROR = "There was an error parsing the body"  # fastapi/routing.py's message
# SQLSTATEs meaning "the database cannot serve now", not "this request is wrong": connection exceptions (08),
# shutdown or start-up (57P0x), too many connections, missing database, statement/lock timeouts.
_UNAVAILABLE_SQLSTATES = ("08", "57P01", "57P02", "57P03", "53300", "3D000", "57014", "55P03")


class Refused(Exception):
    """A page's own answer to a refused write (the form again, with a 4xx), raised rather than returned: the unit of
    work (`app.db.get_session`) then rolls back whatever the refused service had begun (an Idempotency-Key claim),
    and the handler sends `response` as it is. Pages never commit or roll back themselves."""

    def __init__(self, response: Response) -> None:
        super().__init__(response.status_code)
        self.response = response


class AppError(Exception):
    status_code = 400
    default_detail = "Bad request"

    def __init__(self, detail: Any = None, headers: dict[str, str] | None = None) -> None:
        super().__init__(detail or self.default_detail)
        self.detail = detail or self.default_detail
        self.headers = headers


class Invalid(AppError):
    status_code = 422
    default_detail = "Invalid input"


class Unauthorized(AppError):
    status_code = 401
    default_detail = "Not authenticated"


class Forbidden(AppError):
    status_code = 403
    default_detail = "Not allowed"


class NotFound(AppError):
    status_code = 404
    default_detail = "Not Found"  # identical for absent and not visible


class Conflict(AppError):
    status_code = 409
    default_detail = "Conflict"


class RateLimited(AppError):
    status_code = 429
    default_detail = "Too many requests"

    def __init__(self, retry_after: int, detail: Any = None) -> None:
        super().__init__(detail, headers={"Retry-After": str(max(1, int(retry_after)))})


class Unavailable(AppError):
    status_code = 503
    default_detail = "Service temporarily unavailable"


def database_unavailable(exc: BaseException) -> bool:
    """True when a database error means "down or overloaded, retry later" rather than a bug."""
    if isinstance(exc, (sa_exc.TimeoutError, TimeoutError, ConnectionError, socket.gaierror)):
        return True  # pool exhausted, connect timeout, refused or reset connection, unknown host
    if isinstance(exc, _ASYNCPG_CONNECTION_ERRORS):
        return True  # asyncpg errors that escaped SQLAlchemy's wrapping (raised while connecting)
    if isinstance(exc, _ASYNCPG_ERRORS):
        return _unavailable_sqlstate(getattr(exc, "sqlstate", None))
    if isinstance(exc, (sa_exc.OperationalError, sa_exc.InterfaceError)):
        return True  # SQLite: unable to open, locked past busy_timeout; drivers: connection closed
    if isinstance(exc, sa_exc.DBAPIError):
        if exc.connection_invalidated:
            return True
        sqlstate = getattr(exc.orig, "sqlstate", None) or getattr(getattr(exc.orig, "__cause__", None), "sqlstate", None)
        return _unavailable_sqlstate(sqlstate)
    return False


def _unavailable_sqlstate(sqlstate: object) -> bool:
    return isinstance(sqlstate, str) and sqlstate.startswith(_UNAVAILABLE_SQLSTATES)


def _asyncpg_errors() -> tuple[tuple[type[BaseException], ...], tuple[type[BaseException], ...]]:
    try:
        import asyncpg
    except ImportError:  # SQLite-only installs still work
        return (), ()
    return (asyncpg.PostgresConnectionError, asyncpg.InterfaceError), (asyncpg.PostgresError,)


_ASYNCPG_CONNECTION_ERRORS, _ASYNCPG_ERRORS = _asyncpg_errors()


def _wants_html(request: Request) -> bool:
    return not request.url.path.startswith("/api/") and "text/html" in request.headers.get("accept", "")


ErrorPage = Callable[[Request, int, str, Mapping[str, str] | None], Response]


def install_error_handlers(app: FastAPI, render_error_page: ErrorPage) -> None:
    """JSON errors for the API, `render_error_page(request, status, detail, headers)` for browsers."""

    async def app_error(request: Request, exc: AppError) -> Response:
        if _wants_html(request):
            return render_error_page(request, exc.status_code, str(exc.detail), exc.headers)
        return JSONResponse({"detail": exc.detail}, status_code=exc.status_code, headers=exc.headers)

    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        if exc.status_code == 400 and exc.detail == BODY_PARSE_ERROR:
            # FastAPI answers 400 when parsing fails other than by a JSONDecodeError (deep nesting raises
            # RecursionError): that is malformed input like any other, so 422.
            detail = [{"loc": ["body"], "msg": "Malformed request body", "type": "body_parse_error"}]
            return JSONResponse({"detail": detail}, status_code=422)
        if _wants_html(request):
            return render_error_page(request, exc.status_code, str(exc.detail), exc.headers)
        return JSONResponse({"detail": exc.detail}, status_code=exc.status_code, headers=exc.headers)

    async def validation_error(request: Request, exc: RequestValidationError) -> Response:
        errors = [_clean_error(e) for e in exc.errors()]
        if _wants_html(request) and any(e["loc"][:1] == ["path"] for e in errors):
            # A page's path with a malformed id (/posts/abc) names no page: the same 404 page as a missing one.
            return render_error_page(request, 404, NotFound.default_detail, None)
        if _wants_html(request):  # a hand-edited page query (?cursor=...): a page, not JSON
            return render_error_page(request, 422, "; ".join(str(e["msg"]) for e in errors), None)
        return JSONResponse({"detail": errors}, status_code=422)

    async def unexpected_error(request: Request, exc: Exception) -> Response:
        """Last resort (Starlette's server-error middleware has logged nothing yet): log, answer 500."""
        log.error("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
        if _wants_html(request):
            return render_error_page(request, 500, "Internal Server Error", None)
        return JSONResponse({"detail": "Internal Server Error"}, status_code=500)

    async def database_error(request: Request, exc: Exception) -> Response:
        if not database_unavailable(exc):
            raise exc  # a real bug: let the server error middleware log it as a 500
        log.warning("database unavailable: %s", type(exc).__name__)
        unavailable = Unavailable(headers={"Retry-After": str(DATABASE_RETRY_AFTER_S)})
        return await app_error(request, unavailable)

    async def refused(request: Request, exc: Refused) -> Response:
        return exc.response

    app.add_exception_handler(Refused, refused)  # type: ignore[arg-type]
    app.add_exception_handler(AppError, app_error)  # type: ignore[arg-type]
    database_errors = (sa_exc.DBAPIError, sa_exc.TimeoutError, TimeoutError, ConnectionError, socket.gaierror,
                       *_ASYNCPG_CONNECTION_ERRORS, *_ASYNCPG_ERRORS)
    for error_class in database_errors:
        app.add_exception_handler(error_class, database_error)
    app.add_exception_handler(StarletteHTTPException, http_error)  # type: ignore[arg-type]
    app.add_exception_handler(RequestValidationError, validation_error)  # type: ignore[arg-type]
    app.add_exception_handler(Exception, unexpected_error)


def _clean_error(error: Any) -> dict[str, Any]:
    """Validation errors without echoing huge inputs or non-JSON contexts back."""
    out = {"loc": list(error.get("loc", [])), "msg": error.get("msg", ""), "type": error.get("type", "")}
    return out
