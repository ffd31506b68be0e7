"""Error pages for browsers (API clients get JSON)."""

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response


def render_error_page(request: Request, status_code: int, detail: str, headers: dict[str, str] | None) -> Response:
    from app.templating import render

    if 300 <= status_code < 400 and headers and "Location" in headers:  # SignInRequired
        return RedirectResponse(headers["Location"], status_code=status_code)
    try:
        return render(request, "error.html", {"status_code": status_code, "detail": detail},
                      status_code=status_code, headers=headers)
    except Exception:  # templates missing or broken: a plain page rather than a 500 on a 404
        return HTMLResponse(f"<h1>{status_code}</h1>", status_code=status_code, headers=headers)


def N_(message: str) -> str:
    return message


# Details of 403 errors raised by services, shown translated on the error page.
FORBIDDEN_DETAILS = (
    N_("Only administrators can manage accounts"),
    N_("Only administrators can change roles and accounts"),
    N_("Only the group's animators can manage members"),
    N_("Only the group's animators can remove members"),
    N_("Only the group's animators can change it"),
    N_("Only animators see membership requests"),
    N_("The form has expired; reload the page and try again"),
)
