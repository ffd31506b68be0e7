"""Posts, comments, reactions and mention completion (API.md "Posts, comments, reactions")."""

from typing import Annotated

from fastapi import APIRouter, Header, Path, Query, Response

from app.db import SessionDep
from app.deps import Cursor, Id, Limit, RuntimeDep
from app.posts import comments, reactions, reactors, saved, service, topic_follows
from app.posts.mentions import MAX_SUGGESTIONS, suggest_mentions
from app.posts.read import api_view, created_view, to_api
from app.posts.schemas import (
    CommentCreate,
    CommentRead,
    CommentUpdate,
    FollowedTopic,
    PostCreate,
    PostRead,
    PostUpdate,
    ReactionSet,
    ReactionState,
    ReactorRead,
)
from app.posts.views import comment_view, comment_views
from app.schemas import Page, SafeStr
from app.security import CurrentActor
from app.users.schemas import UserSummary

router = APIRouter(prefix="/api/v1", tags=["posts"])
IdempotencyKey = Annotated[str | None, Header(alias="Idempotency-Key", max_length=200)]
Topic = Annotated[str, Path(min_length=1, max_length=61)]


@router.post("/posts", status_code=201, response_model=PostRead)
async def create_post(
    data: PostCreate, response: Response, session: SessionDep, actor: CurrentActor, runtime: RuntimeDep,
    idempotency_key: IdempotencyKey = None,
) -> PostRead:
    post, created = await service.create_post(session, runtime, actor, data, idempotency_key=idempotency_key)
    if not created:
        response.status_code = 200  # a replayed Idempotency-Key: the first post, not a new one
        return await api_view(session, actor, post.id)
    return await created_view(session, actor, post)


@router.get("/posts/{post_id}", response_model=PostRead)
async def get_post(post_id: Id, session: SessionDep, actor: CurrentActor) -> PostRead:
    return await api_view(session, actor, post_id)


@router.patch("/posts/{post_id}", response_model=PostRead)
async def update_post(post_id: Id, data: PostUpdate, session: SessionDep, actor: CurrentActor) -> PostRead:
    post = await service.update_post(session, actor, post_id, data)
    return await api_view(session, actor, post.id)


@router.delete("/posts/{post_id}", status_code=204)
async def delete_post(post_id: Id, session: SessionDep, actor: CurrentActor) -> Response:
    await service.delete_post(session, actor, post_id)
    return Response(status_code=204)


@router.post("/posts/{post_id}/comments", status_code=201, response_model=CommentRead)
async def create_comment(
    post_id: Id, data: CommentCreate, response: Response, session: SessionDep, actor: CurrentActor,
    idempotency_key: IdempotencyKey = None,
) -> CommentRead:
    comment, created = await comments.create_comment_once(session, actor, post_id, data, idempotency_key)
    if not created:
        response.status_code = 200  # a replayed Idempotency-Key: the first comment, not a new one
    return await comment_view(session, actor, comment)


@router.get("/posts/{post_id}/comments", response_model=Page[CommentRead])
async def list_comments(
    post_id: Id, session: SessionDep, actor: CurrentActor, cursor: Cursor = None, limit: Limit = 20
) -> Page[CommentRead]:
    items, next_cursor = await comments.list_comments(session, actor, post_id, cursor=cursor, limit=limit)
    return Page(items=await comment_views(session, actor, items), next_cursor=next_cursor)


@router.patch("/comments/{comment_id}", response_model=CommentRead)
async def update_comment(comment_id: Id, data: CommentUpdate, session: SessionDep, actor: CurrentActor) -> CommentRead:
    return await comment_view(session, actor, await comments.update_comment(session, actor, comment_id, data))


@router.delete("/comments/{comment_id}", status_code=204)
async def delete_comment(comment_id: Id, session: SessionDep, actor: CurrentActor) -> Response:
    await comments.delete_comment(session, actor, comment_id)
    return Response(status_code=204)


@router.put("/posts/{post_id}/reaction", response_model=ReactionState)
async def set_post_reaction(post_id: Id, data: ReactionSet, session: SessionDep, actor: CurrentActor) -> ReactionState:
    return await reactions.set_post_reaction(session, actor, post_id, data.kind)


@router.delete("/posts/{post_id}/reaction", response_model=ReactionState)
async def clear_post_reaction(post_id: Id, session: SessionDep, actor: CurrentActor) -> ReactionState:
    return await reactions.clear_post_reaction(session, actor, post_id)


@router.put("/comments/{comment_id}/reaction", response_model=ReactionState)
async def set_comment_reaction(
    comment_id: Id, data: ReactionSet, session: SessionDep, actor: CurrentActor
) -> ReactionState:
    return await reactions.set_comment_reaction(session, actor, comment_id, data.kind)


@router.delete("/comments/{comment_id}/reaction", response_model=ReactionState)
async def clear_comment_reaction(comment_id: Id, session: SessionDep, actor: CurrentActor) -> ReactionState:
    return await reactions.clear_comment_reaction(session, actor, comment_id)


@router.get("/posts/{post_id}/reactions", response_model=Page[ReactorRead])
async def list_post_reactions(
    post_id: Id, session: SessionDep, actor: CurrentActor, cursor: Cursor = None, limit: Limit = 20
) -> Page[ReactorRead]:
    """Who reacted to the post, newest first."""
    items, next_cursor = await reactors.post_reactors(session, actor, post_id, cursor=cursor, limit=limit)
    return Page(items=items, next_cursor=next_cursor)


@router.get("/comments/{comment_id}/reactions", response_model=Page[ReactorRead])
async def list_comment_reactions(
    comment_id: Id, session: SessionDep, actor: CurrentActor, cursor: Cursor = None, limit: Limit = 20
) -> Page[ReactorRead]:
    """Who reacted to the comment, newest first."""
    items, next_cursor = await reactors.comment_reactors(session, actor, comment_id, cursor=cursor, limit=limit)
    return Page(items=items, next_cursor=next_cursor)


@router.put("/posts/{post_id}/saved", status_code=204)
async def save_post(post_id: Id, session: SessionDep, actor: CurrentActor) -> Response:
    await saved.save_post(session, actor, post_id)
    return Response(status_code=204)


@router.delete("/posts/{post_id}/saved", status_code=204)
async def unsave_post(post_id: Id, session: SessionDep, actor: CurrentActor) -> Response:
    await saved.unsave_post(session, actor, post_id)
    return Response(status_code=204)


@router.get("/users/me/saved", response_model=Page[PostRead])
async def list_saved_posts(
    session: SessionDep, actor: CurrentActor, cursor: Cursor = None, limit: Limit = 20
) -> Page[PostRead]:
    """The posts I saved and may still see, newest saved first."""
    rows, next_cursor = await saved.saved_posts(session, actor, cursor=cursor, limit=limit)
    return Page(items=[to_api(row) for row in rows], next_cursor=next_cursor)


@router.put("/topics/{topic}/follow", status_code=204)
async def follow_topic(topic: Topic, session: SessionDep, actor: CurrentActor) -> Response:
    await topic_follows.follow_topic(session, actor, topic)
    return Response(status_code=204)


@router.delete("/topics/{topic}/follow", status_code=204)
async def unfollow_topic(topic: Topic, session: SessionDep, actor: CurrentActor) -> Response:
    await topic_follows.unfollow_topic(session, actor, topic)
    return Response(status_code=204)


@router.get("/users/me/topics", response_model=Page[FollowedTopic])
async def list_followed_topics(
    session: SessionDep, actor: CurrentActor, cursor: Cursor = None, limit: Limit = 20
) -> Page[FollowedTopic]:
    """The topics I follow, by name."""
    items, next_cursor = await topic_follows.followed_topics(session, actor, cursor=cursor, limit=limit)
    return Page(items=items, next_cursor=next_cursor)


@router.get("/mentions", response_model=Page[UserSummary])
async def mention_suggestions(
    session: SessionDep, actor: CurrentActor, q: Annotated[SafeStr, Query(min_length=1, max_length=41)],
    limit: Annotated[int, Query(ge=1, le=MAX_SUGGESTIONS)] = MAX_SUGGESTIONS,
) -> Page[UserSummary]:
    """The composer's completion: active members whose handle or name starts with `q`."""
    return Page(items=await suggest_mentions(session, actor, q, limit), next_cursor=None)
