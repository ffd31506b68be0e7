"""Pages of what a member does with others' posts besides writing: who reacted, saving posts for later (the toggle
and the "Saved" page) and following a topic. They work without JavaScript (plain links and forms answered with a
303); `conversations.js` opens who reacted in a dialog and sends the save toggle with fetch (Accept: application/json).
Every handler calls the same services as the API."""

from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response

from app.csrf import CsrfProtected
from app.db import SessionDep
from app.deps import Cursor, Id
from app.posts import comments, reactors, saved, topic_follows
from app.posts.cards import render_cards
from app.posts.reactors import ReactorPage
from app.templating import render
from app.web.common import N_, PageActor, form_text, query_text, redirect, safe_next

pages = APIRouter(tags=["pages"], include_in_schema=False)
PAGE_SIZE = 20
REACTORS_PAGE_SIZE = 50


def _reactors_page(request: Request, page: ReactorPage, back: str) -> Response:
    items, next_cursor = page
    base = request.url.path
    return render(request, "posts/reactions.html", {
        "reactors": items, "back": back, "next_url": f"{base}?cursor={next_cursor}" if next_cursor else None,
    })


@pages.get("/posts/{post_id}/reactions")
async def post_reactions(request: Request, post_id: Id, actor: PageActor, session: SessionDep,
                         cursor: Cursor = None) -> Response:
    """Who reacted to a post (the card's count links here; 404 when the post is not visible)."""
    page = await reactors.post_reactors(session, actor, post_id, cursor=query_text(cursor), limit=REACTORS_PAGE_SIZE)
    return _reactors_page(request, page, f"/posts/{post_id}#post-{post_id}")


@pages.get("/comments/{comment_id}/reactions")
async def comment_reactions(request: Request, comment_id: Id, actor: PageActor, session: SessionDep,
                            cursor: Cursor = None) -> Response:
    comment, post = await comments.access_comment(session, actor, comment_id)
    page = await reactors.comment_reactors(session, actor, comment.id, cursor=query_text(cursor),
                                           limit=REACTORS_PAGE_SIZE)
    return _reactors_page(request, page, f"/posts/{post.id}#comment-{comment.id}")


@pages.post("/posts/{post_id}/saved")
async def toggle_saved(request: Request, post_id: Id, _csrf: CsrfProtected, actor: PageActor,
                       session: SessionDep) -> Response:
    """The card's "Save" toggle: `state=on` saves, `off` removes (both idempotent, as the API)."""
    form = await request.form()
    on = form_text(form, "state", 3) != "off"
    if on:
        await saved.save_post(session, actor, post_id)
    else:
        await saved.unsave_post(session, actor, post_id)
    if "application/json" in request.headers.get("accept", ""):
        return JSONResponse({"saved": on})
    next_path = safe_next(form_text(form, "next", 500), f"/posts/{post_id}").partition("#")[0]
    return redirect(request, f"{next_path}#post-{post_id}",
                    flash=N_("The post is saved.") if on else N_("The post is removed from your saved posts."))


@pages.get("/saved")
async def saved_page(request: Request, actor: PageActor, session: SessionDep, cursor: Cursor = None) -> Response:
    """The posts I saved and may still see, newest saved first, as cards; and the topics I follow."""
    rows, next_cursor = await saved.saved_posts(session, actor, cursor=query_text(cursor), limit=PAGE_SIZE)
    feed = {"cards": render_cards(request, actor, rows), "feed_id": "", "paged": bool(cursor),
            "next_url": f"/saved?cursor={next_cursor}" if next_cursor else None}
    # The topics I follow are listed here, not on the home page: one query fewer on the most requested page.
    topics, _more = await topic_follows.followed_topics(session, actor, limit=topic_follows.MAX_FOLLOWED_TOPICS)
    return render(request, "posts/saved.html", {"feed": feed, "topics": [t.topic for t in topics]})


@pages.post("/topics/{topic}/follow")
async def toggle_topic_follow(request: Request, topic: str, _csrf: CsrfProtected, actor: PageActor,
                              session: SessionDep) -> Response:
    """The topic page's "Follow #topic" button: `state=on` follows, `off` stops (422 page for a bad name)."""
    name = topic_follows.topic_name(topic)
    if form_text(await request.form(), "state", 3) == "off":
        await topic_follows.unfollow_topic(session, actor, name)
        message = N_("You no longer follow this topic.")
    else:
        await topic_follows.follow_topic(session, actor, name)
        message = N_("You follow this topic: its posts join your home feed.")
    return redirect(request, f"/topics/{quote(name)}", flash=message)
