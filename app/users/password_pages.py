"""Passwords in the pages: change mine (the service of PUT /users/me/password), "forgot your password?" and the
page of the e-mailed link (the services of POST /auth/password-reset and /confirm). Password fields are never
filled back into a page; e-mails leave after the unit of work has committed (background tasks)."""

from typing import Annotated

from fastapi import APIRouter, BackgroundTasks, Query, Request
from fastapi.responses import Response
from pydantic import ValidationError

from app.csrf import CsrfProtected
from app.db import SessionDep
from app.deps import AddressRateLimit, ClientIP, RuntimeDep
from app.errors import Forbidden, Invalid, RateLimited
from app.i18n import current_locale
from app.templating import render
from app.users import resets
from app.users import service as users_service
from app.users.account_schemas import ResetRequest
from app.users.schemas import PasswordChange
from app.web.common import N_, MaybeActor, PageActor, field_errors, form_text, redirect

pages = APIRouter(tags=["pages"], include_in_schema=False)
MISMATCH = N_("The two new passwords differ.")
WEAK = N_("This password is too common or too weak.")


@pages.get("/people/me/password")
async def change_form(request: Request, actor: PageActor) -> Response:
    return render(request, "auth/password_change.html", {"errors": {}})


@pages.post("/people/me/password")
async def change(
    request: Request, _csrf: CsrfProtected, actor: PageActor, session: SessionDep, runtime: RuntimeDep,
) -> Response:
    form = await request.form()
    current, new, again = (form_text(form, name, 1024) for name in ("current_password", "new_password", "confirm"))
    errors = _new_password_errors(new, again)
    if not errors:
        try:
            data = PasswordChange(current_password=current, new_password=new)
            await users_service.change_password(session, runtime, actor, data.current_password, data.new_password)
        except Forbidden:
            errors = {"current_password": N_("The current password is wrong.")}
        except Invalid:
            errors = {"new_password": WEAK}
    if errors:
        status = 403 if "current_password" in errors else 422
        return render(request, "auth/password_change.html", {"errors": errors}, status_code=status)
    return redirect(request, "/people/me/edit",
                    flash=N_("Your password is changed. Your other sessions are signed out."))


def _new_password_errors(new: str, again: str) -> dict[str, str]:
    """The checks of the form itself, before the service: the confirmation, then the policy's length."""
    try:
        PasswordChange(current_password="", new_password=new)
    except ValidationError as exc:
        if any(error["type"] == "string_too_short" for error in exc.errors()):
            return {"new_password": N_("At least 10 characters.")}
        return {"new_password": field_errors(exc).get("new_password", N_("This value is not valid."))}
    if new != again:
        return {"confirm": MISMATCH}
    return {}


@pages.get("/password/forgot")
async def forgot_form(request: Request, _actor: MaybeActor) -> Response:
    return render(request, "auth/password_forgot.html", {"email": "", "errors": {}})


@pages.post("/password/forgot", dependencies=[AddressRateLimit])
async def forgot(
    request: Request, _csrf: CsrfProtected, _actor: MaybeActor, session: SessionDep, runtime: RuntimeDep,
    ip: ClientIP, background: BackgroundTasks,
) -> Response:
    form = await request.form()
    email = form_text(form, "email", 254)
    context = {"email": email}
    try:
        data = ResetRequest(email=email)
        base = resets.link_base(runtime.settings)
        mail = await resets.request_reset(session, runtime, data.email, ip, base, current_locale.get())
    except ValidationError:
        return render(request, "auth/password_forgot.html",
                      {**context, "errors": {"email": N_("Enter a valid email address.")}}, status_code=422)
    except RateLimited as exc:
        errors = {"email": N_("Too many requests for a new password: try again later.")}
        return render(request, "auth/password_forgot.html", {**context, "errors": errors}, status_code=429,
                      headers=exc.headers)
    if mail is not None:
        background.add_task(resets.send_mails, runtime.settings, [mail])
    return redirect(request, "/password/forgot/sent")  # the same page, whether or not the address has an account


@pages.get("/password/forgot/sent")
async def forgot_sent(request: Request, _actor: MaybeActor) -> Response:
    return render(request, "auth/password_sent.html", {})


TokenParam = Annotated[str, Query(max_length=resets.MAX_TOKEN_LENGTH)]


@pages.get("/password/reset")
async def reset_form(request: Request, _actor: MaybeActor, session: SessionDep, token: TokenParam = "") -> Response:
    row = await resets.peek(session, token)
    if row is None:
        return render(request, "auth/password_reset.html", {"invalid": True}, status_code=400)
    return render(request, "auth/password_reset.html",
                  {"invalid": False, "token": token, "invitation": row.purpose == "invitation", "errors": {}},
                  headers={"Referrer-Policy": "no-referrer"})


@pages.post("/password/reset")
async def reset(
    request: Request, _csrf: CsrfProtected, _actor: MaybeActor, session: SessionDep, runtime: RuntimeDep,
) -> Response:
    form = await request.form()
    token = form_text(form, "token", resets.MAX_TOKEN_LENGTH)
    new, again = form_text(form, "new_password", 1024), form_text(form, "confirm", 1024)
    row = await resets.peek(session, token)
    if row is None:
        return render(request, "auth/password_reset.html", {"invalid": True}, status_code=400)
    context = {"invalid": False, "token": token, "invitation": row.purpose == "invitation"}
    errors = _new_password_errors(new, again)
    if not errors:
        try:
            await resets.confirm(session, runtime, token, new)
        except resets.InvalidLink:  # spent meanwhile by another request
            return render(request, "auth/password_reset.html", {"invalid": True}, status_code=400)
        except Invalid:
            errors = {"new_password": WEAK}
    if errors:
        return render(request, "auth/password_reset.html", {**context, "errors": errors}, status_code=422)
    return redirect(request, "/signin", flash=N_("Your password is set: sign in with it."))
