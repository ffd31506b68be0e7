"""Every access rule and the one visibility filter: the only place that decides who may do what."""

from typing import Any, Protocol

from sqlalchemy import BindParameter, ColumnElement, Select, and_, or_, select

from app.errors import Forbidden
from app.groups.models import MEMBER_STATUSES, Group, GroupMembership
from app.groups.schemas import GroupSummary
from app.posts.models import Post
from app.security import Actor


def require(allowed: bool, detail: str = "Not allowed") -> None:
    if not allowed:
        raise Forbidden(detail)


# Groups

def is_group_member(actor: Actor, group_id: int) -> bool:
    return group_id in actor.member_group_ids


def is_group_animator(actor: Actor, group_id: int) -> bool:
    return group_id in actor.animator_group_ids


def can_see_group(actor: Actor, group: Group | GroupSummary) -> bool:
    """Secret groups exist only for their members: API.md makes them a 404 for everyone else, admins included."""
    if group.visibility != "secret":
        return True
    return is_group_member(actor, group.id)


def can_read_group_content(actor: Actor, group_id: int | None) -> bool:
    if group_id is None:
        return True
    return group_id in actor.readable_group_ids


def can_manage_group(actor: Actor, group: Group) -> bool:
    if is_group_animator(actor, group.id):
        return True
    return actor.is_admin


def can_join_group(actor: Actor, group: Group) -> bool:
    return group.visibility in ("public", "private")


def can_post_in(actor: Actor, group_id: int | None) -> bool:
    if group_id is None:
        return True
    return is_group_member(actor, group_id)


def can_announce_in(actor: Actor, group_id: int | None) -> bool:
    if group_id is None:
        return actor.role in ("communicator", "admin")
    return is_group_animator(actor, group_id)


# Posts and comments

def can_view_post(actor: Actor, post: Post) -> bool:
    if post.deleted_at is not None:
        return False
    if post.hidden_at is not None and not actor.is_moderator:
        return False
    return can_read_group_content(actor, post.group_id)


class PostFacts(Protocol):
    """What the rules read of a post: a `Post`, or a row of the read model (app.posts.read.PostRow)."""

    @property
    def author_id(self) -> int: ...

    @property
    def group_id(self) -> int | None: ...


def can_edit_post(actor: Actor, post: PostFacts) -> bool:
    return post.author_id == actor.user_id


def can_delete_post(actor: Actor, post: PostFacts) -> bool:
    if post.author_id == actor.user_id:
        return True
    if post.group_id is not None and is_group_animator(actor, post.group_id):
        return True
    return actor.is_moderator


def can_delete_comment(actor: Actor, comment_author_id: int, post: Post) -> bool:
    if comment_author_id == actor.user_id:
        return True
    if post.group_id is not None and is_group_animator(actor, post.group_id):
        return True
    return actor.is_moderator


def can_see_activity(actor: Actor, group_id: int | None, subject_user_id: int | None, private: bool) -> bool:
    """Live events and replays: private events reach their subject only; group events follow the group rule."""
    if private:
        return subject_user_id == actor.user_id
    return can_read_group_content(actor, group_id)


_MEMBERSHIPS = GroupMembership.__table__.c
_GROUPS = Group.__table__.c
_PUBLIC_GROUPS = select(_GROUPS.id).where(_GROUPS.visibility == "public")


def member_groups_of(user_id: int | BindParameter[int]) -> Select[tuple[int]]:
    """The groups a member belongs to (member or animator), as a subquery."""
    return select(_MEMBERSHIPS.group_id).where(
        _MEMBERSHIPS.user_id == user_id,
        or_(*[_MEMBERSHIPS.status == status for status in MEMBER_STATUSES]),
    )


def visible_posts(actor: Actor, model: Any = Post) -> ColumnElement[bool]:
    """The single SQL visibility filter for posts: feeds, profiles, topics, counts and search use it."""
    return visible_posts_rule(actor.user_id, moderator=actor.is_moderator, model=model)


def visible_posts_rule(viewer: int | BindParameter[int], *, moderator: bool, model: Any = Post) -> ColumnElement[bool]:
    """`visible_posts` for a viewer id that may be a bound parameter (statements built once, app.feed.service).

    The readable groups are subqueries, not the actor's id lists: the statement keeps one shape for everyone
    and sends one parameter instead of one per public group. They read the same rows the actor was built from,
    in the same request. Columns are the tables' (not the ORM's): a Core statement costs less to run."""
    group_rule = or_(
        model.group_id.is_(None),
        model.group_id.in_(_PUBLIC_GROUPS),
        model.group_id.in_(member_groups_of(viewer)),
    )
    if moderator:
        return and_(model.deleted_at.is_(None), group_rule)
    return and_(published_posts(model), group_rule)


def published_posts(model: Any = Post) -> ColumnElement[bool]:
    """Posts neither deleted nor hidden by a moderator: what may be shown to anyone at all (live events, before
    each socket's group rule)."""
    return and_(model.deleted_at.is_(None), model.hidden_at.is_(None))
