"""Domain errors raised by services, and their JSON / HTML renderings."""

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException


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


class TooLarge(AppError):
    status_code = 413
    default_detail = "Request body too large"


class RateLimited(AppError):
    status_code = 429
    default_detail = "Too many requests"

    def __init__(self, retry_after: int, detail: Any = None) -> None:
        super().__init__(detail, headers={"Retry-After": str(max(1, int(retry_after)))})


class Unavailable(AppError):
    status_code = 503
    default_detail = "Service temporarily unavailable"


def _wants_html(request: Request) -> bool:
    return not request.url.path.startswith("/api/") and "text/html" in request.headers.get("accept", "")


def install_error_handlers(app: FastAPI) -> None:
    from app.pages.errors import render_error_page  # late: templates need the app configured

    async def app_error(request: Request, exc: AppError) -> Response:
        if _wants_html(request):
            return render_error_page(request, exc.status_code, str(exc.detail), exc.headers)
        return JSONResponse({"detail": exc.detail}, status_code=exc.status_code, headers=exc.headers)

    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        if _wants_html(request):
            return render_error_page(request, exc.status_code, str(exc.detail), exc.headers)
        return JSONResponse({"detail": exc.detail}, status_code=exc.status_code, headers=exc.headers)

    async def validation_error(request: Request, exc: RequestValidationError) -> Response:
        errors = [_clean_error(e) for e in exc.errors()]
        return JSONResponse({"detail": errors}, status_code=422)

    app.add_exception_handler(AppError, app_error)  # type: ignore[arg-type]
    app.add_exception_handler(StarletteHTTPException, http_error)  # type: ignore[arg-type]
    app.add_exception_handler(RequestValidationError, validation_error)  # type: ignore[arg-type]


def _clean_error(error: Any) -> dict[str, Any]:
    """Validation errors without echoing huge inputs or non-JSON contexts back."""
    out = {"loc": list(error.get("loc", [])), "msg": error.get("msg", ""), "type": error.get("type", "")}
    return out
