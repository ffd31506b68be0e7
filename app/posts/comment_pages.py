"""Comment and reaction forms (they work without JavaScript), and the comment fragment for live updates.

Reaction forms answer JSON to `conversations.js` (Accept: application/json) and a 303 to plain forms."""

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from app import permissions
from app.csrf import CsrfProtected
from app.db import SessionDep
from app.deps import Id
from app.errors import Forbidden, Invalid
from app.groups import service as groups_service
from app.permissions import Actor
from app.posts import comments as comments_service
from app.posts import reactions
from app.posts import service as posts_service
from app.posts.cards import labels
from app.posts.models import Comment
from app.posts.pages import TEXT_READ_LIMIT, lines, render_post_page, too_long
from app.posts.schemas import MAX_COMMENT_BODY, CommentCreate, CommentUpdate, ReactionState
from app.posts.views import comment_view
from app.templating import render
from app.web.common import N_, PageActor, field_errors, form_text, redirect, safe_next
from app.web.resume import Draft, path_id, restores

pages = APIRouter(tags=["pages"], include_in_schema=False)


@pages.post("/posts/{post_id}/comments")
async def add_comment(
    request: Request, post_id: Id, _csrf: CsrfProtected, actor: PageActor, session: SessionDep
) -> Response:
    post = await posts_service.access_post(session, actor, post_id)
    form = await request.form()
    values = {"body": lines(form_text(form, "body", TEXT_READ_LIMIT)), "parent_id": form_text(form, "parent_id", 20)}
    try:
        data = CommentCreate.model_validate({"body": values["body"], "parent_id": values["parent_id"] or None})
        comment = await comments_service.create_comment(session, actor, post.id, data)
    except (ValidationError, Invalid) as exc:
        errors = field_errors(exc) if isinstance(exc, ValidationError) else {"body": N_("This value is not valid.")}
        errors = too_long(request, errors, values, {"body": MAX_COMMENT_BODY})
        if not values["body"].strip():
            errors = {"body": N_("Write your comment before sending it.")}
        return await render_post_page(request, session, actor, post, comment_values=values,
                                      comment_errors=errors, status=422)
    except Forbidden:  # an archived group: the comment typed comes back with why
        return await render_post_page(request, session, actor, post, comment_values=values, status=403,
                                      comment_errors={"body": N_("This group is archived: it is read-only.")})
    return redirect(request, f"/posts/{post.id}#comment-{comment.id}", flash=N_("Your comment is published."))


@restores("/posts/{post_id}/comments")
async def _comment_with_draft(
    request: Request, session: AsyncSession, actor: Actor, draft: Draft, path: dict[str, Any],
) -> Response:
    """The post with the comment typed before the session ended in its form."""
    post = await posts_service.access_post(session, actor, path_id(path, "post_id"))
    values = {"body": draft.get("body"), "parent_id": draft.get("parent_id")}
    return await render_post_page(request, session, actor, post, comment_values=values)


# Read past the limit so that a text too long comes back with its message, whole, instead of an error page.
_EDIT_READ_LIMIT = MAX_COMMENT_BODY * 4


async def _editable_comment(session: AsyncSession, actor: Actor, comment_id: int) -> Comment:
    comment, post = await comments_service.access_comment(session, actor, comment_id)
    permissions.require(permissions.can_edit_comment(actor, comment.author_id),
                        N_("Only the author can edit this comment"))
    if post.group_id is not None:  # refused before the member types: an archived group keeps its comments
        await groups_service.require_writable(session, post.group_id)
    return comment


def _edit_page(request: Request, comment: Comment, body: str, errors: dict[str, str], status: int = 200) -> Response:
    return render(request, "posts/comment_edit.html", {
        "comment": comment, "values": {"body": body}, "errors": errors, "max_comment": MAX_COMMENT_BODY,
    }, status_code=status)


@pages.get("/comments/{comment_id}/edit")
async def edit_comment_form(request: Request, comment_id: Id, actor: PageActor, session: SessionDep) -> Response:
    comment = await _editable_comment(session, actor, comment_id)
    return _edit_page(request, comment, comment.body, {})


@pages.post("/comments/{comment_id}/edit")
async def edit_comment(
    request: Request, comment_id: Id, _csrf: CsrfProtected, actor: PageActor, session: SessionDep
) -> Response:
    comment = await _editable_comment(session, actor, comment_id)
    body = lines(form_text(await request.form(), "body", _EDIT_READ_LIMIT))
    try:
        await comments_service.update_comment(session, actor, comment.id, CommentUpdate.model_validate({"body": body}))
    except (ValidationError, Invalid) as exc:
        errors = field_errors(exc) if isinstance(exc, ValidationError) else {"body": N_("This value is not valid.")}
        if not body.strip():
            errors = {"body": N_("Write your comment before sending it.")}
        elif len(body) > MAX_COMMENT_BODY:
            errors = {"body": N_("A comment holds at most 5,000 characters: shorten it, your text is kept below.")}
        return _edit_page(request, comment, body, errors, 422)
    return redirect(request, f"/posts/{comment.post_id}#comment-{comment.id}", flash=N_("Your comment is updated."))


@pages.post("/comments/{comment_id}/delete")
async def delete_comment(
    request: Request, comment_id: Id, _csrf: CsrfProtected, actor: PageActor, session: SessionDep
) -> Response:
    comment, post = await comments_service.access_comment(session, actor, comment_id)
    await comments_service.delete_comment(session, actor, comment.id)
    return redirect(request, f"/posts/{post.id}#comments", flash=N_("The comment is deleted."))


@pages.post("/posts/{post_id}/reaction")
async def react_to_post(
    request: Request, post_id: Id, _csrf: CsrfProtected, actor: PageActor, session: SessionDep
) -> Response:
    form = await request.form()
    if form_text(form, "state", 3) == "off":
        state = await reactions.clear_post_reaction(session, actor, post_id)
    else:
        state = await reactions.set_post_reaction(session, actor, post_id, "like")
    return _answer(request, state, safe_next(form_text(form, "next", 500), f"/posts/{post_id}"), f"post-{post_id}")


@pages.post("/comments/{comment_id}/reaction")
async def react_to_comment(
    request: Request, comment_id: Id, _csrf: CsrfProtected, actor: PageActor, session: SessionDep
) -> Response:
    form = await request.form()
    if form_text(form, "state", 3) == "off":
        state = await reactions.clear_comment_reaction(session, actor, comment_id)
    else:
        state = await reactions.set_comment_reaction(session, actor, comment_id, "like")
    _, post = await comments_service.access_comment(session, actor, comment_id)
    return _answer(request, state, f"/posts/{post.id}", f"comment-{comment_id}")


def _answer(request: Request, state: ReactionState, next_path: str, anchor: str) -> Response:
    if "application/json" in request.headers.get("accept", ""):
        return JSONResponse(state.model_dump())
    return redirect(request, f"{next_path.partition('#')[0]}#{anchor}")


@pages.get("/fragments/comments/{comment_id}")
async def comment_fragment(request: Request, comment_id: Id, actor: PageActor, session: SessionDep) -> Response:
    """One comment as the post page shows it, for live updates (404 when the viewer may not see it)."""
    comment, post = await comments_service.access_comment(session, actor, comment_id)
    view = await comment_view(session, actor, comment)
    time_labels = labels(request)
    item: dict[str, Any] = {"comment": view, "at": time_labels.when(view.created_at),
                            "edited": time_labels.when(view.edited_at), "replies": [],
                            "can_edit": permissions.can_edit_comment(actor, comment.author_id),
                            "can_delete": permissions.can_delete_comment(actor, comment.author_id, post)}
    return render(request, "posts/_comment.html", {"item": item, "post_id": post.id, "max_comment": MAX_COMMENT_BODY})
