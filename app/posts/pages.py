"""Post pages: publish from the composer (works without JavaScript), a post with its comments, edit, delete,
and the card fragment live updates insert. Every handler calls `app.posts.service`, as the API does."""

from typing import Annotated, Any

from babel.numbers import format_decimal
from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from app import permissions
from app.csrf import CsrfProtected
from app.db import SessionDep
from app.deps import Id, RuntimeDep
from app.errors import Conflict, Forbidden, Invalid, NotFound, RateLimited, Refused
from app.feed import service as feed_service
from app.groups import service as groups_service
from app.groups.cache import GROUPS
from app.groups.schemas import GroupSummary
from app.i18n import current_locale
from app.markdown import normalize_topic
from app.permissions import Actor
from app.posts import comments as comments_service
from app.posts import read
from app.posts import service as posts_service
from app.posts.cards import comment_items, composer, labels, list_my_groups, post_card, render_cards
from app.posts.models import Post
from app.posts.schemas import MAX_COMMENT_BODY, MAX_POST_BODY, MAX_TITLE, PostCreate, PostUpdate
from app.runtime import runtime_of
from app.templating import gettext, render
from app.web.common import N_, PageActor, field_errors, form_text, redirect, safe_next
from app.web.resume import Draft, path_id, restores

pages = APIRouter(tags=["pages"], include_in_schema=False)
MAX_COMMENT_PAGES = 10  # 1,000 comments on one page; beyond that the API pages them
# Texts are read whole (the request body cap bounds them) so an over-long one comes back to its author with a
# message, never cut: the schema's limits judge them (MAX_TITLE, MAX_POST_BODY).
TEXT_READ_LIMIT = 1024 * 1024
COMPOSER_FIELDS = {"title": TEXT_READ_LIMIT, "body": TEXT_READ_LIMIT, "group_id": 20, "kind": 20}
TEXT_LIMITS = {"title": MAX_TITLE, "body": MAX_POST_BODY}
_CONFLICTS = {"You just posted the same message": N_("You just published the same message.")}
# 403 details raised by the posts services on these pages, translated by the error page.
SERVICE_DETAILS = (N_("You cannot delete this post"), N_("You cannot delete this comment"))


@pages.get("/posts/new")
async def new_post(request: Request, actor: PageActor, session: SessionDep) -> Response:
    """The composer alone (also where a refused post comes back with what was typed)."""
    group = request.query_params.get("group", "")
    group_id = int(group) if group.isdigit() and len(group) < 19 else None
    ctx = await composer(session, actor, group_id=group_id, next_path="/", my_groups=_my_groups(request, actor))
    return render(request, "posts/new.html", {"composer": ctx})


@pages.post("/posts")
async def create_post(
    request: Request, _csrf: CsrfProtected, actor: PageActor, session: SessionDep, runtime: RuntimeDep,
) -> Response:
    form = await request.form()
    values = {name: lines(form_text(form, name, limit)) for name, limit in COMPOSER_FIELDS.items()}
    next_path = safe_next(form_text(form, "next", 500))
    key = form_text(form, "idempotency_key", 200).strip() or None
    try:
        data = PostCreate.model_validate({
            "body": values["body"], "title": values["title"].strip() or None,
            "group_id": values["group_id"] or None, "kind": values["kind"] or "discussion",
        })
    except ValidationError as exc:
        errors = too_long(request, field_errors(exc), values, TEXT_LIMITS)
        if "body" in errors and not values["body"].strip():
            errors["body"] = N_("Write your message before publishing.")
        return await _composer_again(request, session, actor, values, next_path, errors=errors, status=422)
    try:
        post, created = await posts_service.create_post(session, runtime, actor, data, idempotency_key=key)
    except (RateLimited, Conflict, Forbidden, NotFound, Invalid) as exc:
        # A refused post leaves nothing behind, not even its Idempotency-Key claim: raised, the composer's page
        # makes the unit of work roll back.
        message, status = _refusal(exc)
        raise Refused(await _composer_again(
            request, session, actor, values, next_path, message=message, status=status,
            headers=exc.headers if isinstance(exc, RateLimited) else None)) from exc
    flash = N_("Your post is published.") if created else N_("This post was already published.")
    return redirect(request, f"{next_path}#post-{post.id}", flash=flash)


@restores("/posts")
async def _composer_with_draft(
    request: Request, session: AsyncSession, actor: Actor, draft: Draft, _path: dict[str, Any],
) -> Response:
    """The composer with the post typed before the session ended, to publish again."""
    values = {name: draft.get(name) for name in COMPOSER_FIELDS}
    ctx = await composer(session, actor, values=values, next_path=safe_next(draft.get("next")),
                         my_groups=_my_groups(request, actor))
    ctx["notice"] = N_("You are signed in again: your text is back. Check it, then publish.")
    return render(request, "posts/new.html", {"composer": ctx})


def lines(text: str) -> str:
    """Line ends as the page's text field has them: browsers send CRLF, which would count each line end twice
    against the limit that the field's counter shows."""
    return text.replace("\r\n", "\n")


def too_long(request: Request, errors: dict[str, str], values: dict[str, str], limits: dict[str, int]
             ) -> dict[str, str]:
    """`errors` where a refused field is longer than its limit says so with both lengths, in the page's language."""
    locale = current_locale.get()
    return {**errors, **{
        name: gettext(request, N_("This text has %(count)s characters; the limit is %(max)s. Shorten it and "
                                  "try again: your text is kept."),
                      count=format_decimal(len(values[name]), locale=locale), max=format_decimal(limit, locale=locale))
        for name, limit in limits.items() if name in errors and len(values.get(name, "")) > limit
    }}


def _my_groups(request: Request, actor: Actor) -> list[GroupSummary]:
    return list_my_groups(actor, runtime_of(request).caches.get(GROUPS))


def _refusal(exc: Exception) -> tuple[str, int]:
    """The message and status shown when the service refuses a post."""
    if isinstance(exc, RateLimited):
        return N_("You are posting too fast: wait a few seconds, then publish again."), 429
    if isinstance(exc, Conflict):
        return _CONFLICTS.get(str(exc.detail), N_("This post is already being published; check the feed.")), 409
    if isinstance(exc, (Forbidden, NotFound)):
        return N_("You cannot publish this kind of post there. Choose another destination or kind."), 403
    return N_("This post could not be published as written. Check it and publish again."), 422


async def _composer_again(
    request: Request, session: AsyncSession, actor: Actor, values: dict[str, str], next_path: str, *,
    errors: dict[str, str] | None = None, message: str | None = None, status: int,
    headers: dict[str, str] | None = None,
) -> Response:
    """The composer with what was typed, a message, and a fresh Idempotency-Key (nothing was published)."""
    ctx = await composer(session, actor, values=values, errors=errors, message=message, next_path=next_path,
                         my_groups=_my_groups(request, actor))
    return render(request, "posts/new.html", {"composer": ctx}, status_code=status, headers=headers)


@pages.get("/posts/{post_id}")
async def post_page(
    request: Request, post_id: Id, actor: PageActor, session: SessionDep,
    reply: Annotated[str | None, Query(max_length=20)] = None,
) -> Response:
    """`?reply=ID`: the comment form answers that comment (the "Reply" link without JavaScript)."""
    post = await posts_service.access_post(session, actor, post_id)
    values = {"parent_id": reply} if reply and reply.isascii() and reply.isdigit() else None
    return await render_post_page(request, session, actor, post, comment_values=values)


async def render_post_page(
    request: Request, session: AsyncSession, actor: Actor, post: Post, *,
    comment_values: dict[str, str] | None = None, comment_errors: dict[str, str] | None = None, status: int = 200,
) -> Response:
    """The post, its comments (oldest first, replies under their comment) and the comment form."""
    comments: list[Any] = []
    cursor = None
    for _ in range(MAX_COMMENT_PAGES):
        batch, cursor = await comments_service.list_comments(session, actor, post.id, cursor=cursor, limit=100)
        comments += batch
        if cursor is None:
            break
    row = await read.visible_row(session, actor, post.id)
    if row is None:  # deleted or hidden between the two reads
        raise NotFound()
    threads = await comment_items(session, actor, post, comments, labels(request))
    parent_id = (comment_values or {}).get("parent_id")
    answered = [item["comment"] for item in threads if str(item["comment"].id) == parent_id]
    return render(request, "posts/page.html", {
        "card": await post_card(request, actor, row), "threads": threads,
        "reply_to": answered[0].author.display_name if answered else None,
        "comment_values": comment_values or {}, "comment_errors": comment_errors or {},
        "max_comment": MAX_COMMENT_BODY, "post_id": post.id,
    }, status_code=status)


@pages.get("/posts/{post_id}/edit")
async def edit_form(request: Request, post_id: Id, actor: PageActor, session: SessionDep) -> Response:
    post = await _editable(session, actor, post_id)
    return _edit_page(request, post, {"title": post.title or "", "body": post.body})


def _edit_page(request: Request, post: Post, values: dict[str, str | None], errors: dict[str, str] | None = None,
               status: int = 200) -> Response:
    return render(request, "posts/edit.html", {"post": post, "values": values, "errors": errors or {},
                                               "max_body": MAX_POST_BODY, "max_title": MAX_TITLE}, status_code=status)


@pages.post("/posts/{post_id}/edit")
async def edit(request: Request, post_id: Id, _csrf: CsrfProtected, actor: PageActor, session: SessionDep) -> Response:
    post = await _editable(session, actor, post_id)
    form = await request.form()
    values = {name: lines(form_text(form, name, TEXT_READ_LIMIT)) for name in ("title", "body")}
    try:
        data = PostUpdate.model_validate({"title": values["title"].strip() or None, "body": values["body"]})
        await posts_service.update_post(session, actor, post.id, data)
    except (ValidationError, Invalid) as exc:
        errors = field_errors(exc) if isinstance(exc, ValidationError) else {"body": N_("This value is not valid.")}
        errors = too_long(request, errors, values, TEXT_LIMITS)
        if not values["body"].strip():
            errors["body"] = N_("Write your message before publishing.")
        return _edit_page(request, post, dict(values), errors, 422)
    return redirect(request, f"/posts/{post.id}", flash=N_("Your post is updated."))


@restores("/posts/{post_id}/edit")
async def _edit_with_draft(
    request: Request, session: AsyncSession, actor: Actor, draft: Draft, path: dict[str, Any],
) -> Response:
    post = await _editable(session, actor, path_id(path, "post_id"))
    return _edit_page(request, post, {"title": draft.get("title"), "body": draft.get("body")})


def _feed_key(feed: str) -> tuple[str, int | str | None]:
    """`home`, `group:ID`, `member:ID` or `topic:NAME` as (kind, key); 404 for anything else."""
    kind, _, key = feed.partition(":")
    if kind == "home" and not key:
        return kind, None
    if kind in ("group", "member") and key.isascii() and key.isdigit() and len(key) < 19:
        return kind, int(key)
    topic = normalize_topic(key) if kind == "topic" else None
    if topic is not None:
        return kind, topic
    raise NotFound()


async def _editable(session: AsyncSession, actor: Actor, post_id: int) -> Post:
    post = await posts_service.access_post(session, actor, post_id)
    permissions.require(permissions.can_edit_post(actor, post), N_("Only the author can edit this post"))
    if post.group_id is not None:  # refused before the member types: an archived group keeps its posts as they are
        await groups_service.require_writable(session, post.group_id)
    return post


@pages.post("/posts/{post_id}/delete")
async def delete(request: Request, post_id: Id, _csrf: CsrfProtected, actor: PageActor, session: SessionDep) -> Response:
    await posts_service.delete_post(session, actor, post_id)
    next_path = safe_next(form_text(await request.form(), "next", 500))
    if next_path.startswith(f"/posts/{post_id}"):
        next_path = "/"
    return redirect(request, next_path, flash=N_("The post is deleted."))


@pages.get("/fragments/posts/{post_id}")
async def post_fragment(
    request: Request, post_id: Id, actor: PageActor, session: SessionDep,
    feed: Annotated[str | None, Query(max_length=80)] = None,
) -> Response:
    """One card as the feed shows it, for live updates (404 when the viewer may not see the post).

    With `feed` (`home`, `group:ID`, `member:ID`, `topic:NAME`: the page's `data-feed`), only when the post is in
    that feed for this viewer, by the feed's own rule (app.feed.service.feed_row); 204 otherwise, whether or not the
    viewer may see the post. live.js asks before announcing a new post: the page never decides it."""
    if feed is None:
        row = await read.visible_row(session, actor, post_id)
        if row is None:
            raise NotFound()
    else:
        row = await feed_service.feed_row(session, actor, *_feed_key(feed), post_id)
        if row is None:
            return Response(status_code=204)
    return render(request, "posts/_card.html", {"card_html": render_cards(request, actor, [row])[0]})

