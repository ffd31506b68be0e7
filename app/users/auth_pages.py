"""Sign in, sign up, sign out and the language switch: the same services and limits as the API."""

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from app.csrf import CsrfProtected
from app.db import SessionDep
from app.deps import AddressRateLimit, ClientIP, RuntimeDep, SettingsDep
from app.errors import AppError, Conflict, Forbidden, Invalid, RateLimited, Unauthorized
from app.i18n import LOCALES
from app.runtime import Runtime
from app.security import COOKIE_NAME
from app.templating import render
from app.users import service as users_service
from app.users.accounts import resolve_actor
from app.users.schemas import UserRegister, UserUpdate
from app.users.sessions import page_lifetime
from app.web import resume
from app.web.common import (
    N_,
    MaybeActor,
    field_errors,
    form_text,
    redirect,
    safe_next,
    set_lang_cookie,
    set_session_cookie,
    use_locale,
)

pages = APIRouter(tags=["pages"], include_in_schema=False)
NextParam = Annotated[str | None, Query(max_length=500)]


@pages.get("/signin")
async def signin_form(request: Request, actor: MaybeActor, runtime: RuntimeDep, next: NextParam = None) -> Response:
    if actor is not None:
        return RedirectResponse(safe_next(next), status_code=303)
    return render(request, "auth/signin.html", {
        "next": safe_next(next), "email": "", "error": None, "remember": False,
        "remember_days": runtime.settings.SESSION_REMEMBER_DAYS})


@pages.post("/signin", dependencies=[AddressRateLimit])  # the API's per-address limit, like /auth/token
async def signin(
    request: Request, _csrf: CsrfProtected, _actor: MaybeActor, session: SessionDep, runtime: RuntimeDep,
    ip: ClientIP,
) -> Response:
    form = await request.form()
    email, password = form_text(form, "email", 254), form_text(form, "password", 1024)
    next_path = safe_next(form_text(form, "next", 500))
    remember = form_text(form, "remember", 10) == "on"
    sealed = form.get(resume.FIELD) or ""  # its size is checked by unseal: an oversized one is ignored, not a 422
    sealed = sealed if isinstance(sealed, str) else ""
    draft = resume.unseal(request, sealed) if sealed else None
    context = {"next": next_path, "email": email, "remember": remember, "expired": draft is not None,
               "resume": sealed if draft else "", "remember_days": runtime.settings.SESSION_REMEMBER_DAYS}
    lifetime = page_lifetime(runtime.settings, remember=remember)
    try:
        token, _ = await users_service.sign_in(session, runtime, email, password, ip, page=lifetime)
    except RateLimited as exc:
        return render(request, "auth/signin.html", {**context, "error": N_("Too many failed attempts: try again later.")},
                      status_code=429, headers=exc.headers)
    except Unauthorized:
        return render(request, "auth/signin.html", {**context, "error": N_("Incorrect email or password.")},
                      status_code=401)
    if draft is None:
        response: Response = redirect(request, next_path)
    else:
        response = await _back_to_the_form(request, session, runtime, token, draft)
    set_session_cookie(request, response, token, lifetime.cookie_max_age)
    return response


async def _back_to_the_form(
    request: Request, session: AsyncSession, runtime: Runtime, token: str, draft: resume.Draft,
) -> Response:
    """The form sent when the session had ended, filled in again for the member now signed in (not sent)."""
    actor = await resolve_actor(runtime, session, token)
    request.state.actor, request.state.stale_session = actor, False  # the old cookie is replaced, not removed
    use_locale(request, actor)
    try:
        return await resume.restore(request, session, actor, draft)
    except AppError:  # the form's page is gone meanwhile (a deleted post): nothing to put the text back into
        return redirect(request, "/", flash=N_("You are signed in, but the page of your form no longer exists."),
                        kind="error")


@pages.get("/signup")
async def signup_form(request: Request, actor: MaybeActor, settings: SettingsDep) -> Response:
    if actor is not None:
        return RedirectResponse("/", status_code=303)
    return render(request, "auth/signup.html", _signup_context(settings, {}, {}))


@pages.post("/signup", dependencies=[AddressRateLimit])
async def signup(
    request: Request, _csrf: CsrfProtected, _actor: MaybeActor, session: SessionDep, runtime: RuntimeDep,
) -> Response:
    settings = runtime.settings
    form = await request.form()
    values = {name: form_text(form, name, 1024) for name in ("display_name", "email", "password")}
    try:
        user = await users_service.register(session, runtime, UserRegister.model_validate(values))
    except ValidationError as exc:
        return render(request, "auth/signup.html", _signup_context(settings, values, field_errors(exc)), status_code=422)
    except Conflict:
        errors = {"email": N_("This email is already registered.")}
        return render(request, "auth/signup.html", _signup_context(settings, values, errors), status_code=409)
    except Forbidden:
        errors = {"email": N_("Registration is limited to the organisation's email domains.")}
        return render(request, "auth/signup.html", _signup_context(settings, values, errors), status_code=403)
    except Invalid:  # the service's common-password check
        errors = {"password": N_("This password is too common or too weak.")}
        return render(request, "auth/signup.html", _signup_context(settings, values, errors), status_code=422)
    lifetime = page_lifetime(settings, remember=False)
    token, _ = await users_service.open_session(session, settings, user, lifetime)
    response = redirect(request, "/people/me/edit", flash=N_("Welcome to Ruche! Tell your colleagues about yourself."))
    set_session_cookie(request, response, token, lifetime.cookie_max_age)
    return response


def _signup_context(settings: SettingsDep, values: dict[str, str], errors: dict[str, str]) -> dict[str, object]:
    return {
        "registration": settings.REGISTRATION, "domains": settings.ALLOWED_EMAIL_DOMAINS,
        "values": {k: v for k, v in values.items() if k != "password"}, "errors": errors,
    }


@pages.post("/signout")
async def signout(request: Request, _csrf: CsrfProtected, actor: MaybeActor, session: SessionDep) -> Response:
    if actor is not None:
        await users_service.sign_out(session, actor)
    response = redirect(request, "/signin", flash=N_("You are signed out."))
    response.delete_cookie(COOKIE_NAME, path="/")
    return response


@pages.post("/language")
async def switch_language(request: Request, _csrf: CsrfProtected, actor: MaybeActor, session: SessionDep) -> Response:
    form = await request.form()
    lang = form_text(form, "lang", 10)
    response = redirect(request, safe_next(form_text(form, "next", 500)))
    if lang not in LOCALES:
        return response
    if actor is not None:
        await users_service.update_me(session, actor, UserUpdate(language=lang))  # type: ignore[arg-type]
    set_lang_cookie(request, response, lang)
    return response
