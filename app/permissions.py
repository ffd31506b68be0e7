"""Every access rule and the one visibility filter: the only place that decides who may do what, and the only
place that builds or changes an `Actor` (tests/test_rules_module.py keeps it so)."""

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Any, Protocol

from sqlalchemy import BindParameter, ColumnElement, Select, and_, or_, select

from app.errors import Forbidden
from app.groups.models import MEMBER_STATUSES, Group, GroupMembership
from app.groups.schemas import GroupSummary
from app.posts.models import Comment, Post


@dataclass(frozen=True)
class Actor:
    """The signed-in member, resolved once per request (app.users.accounts.resolve_actor), or a member acted for
    by the system (`build_actor`). Built and changed only by this module's functions."""

    user_id: int
    role: str
    session_id: str
    member_group_ids: frozenset[int] = field(default_factory=frozenset)  # member or animator
    animator_group_ids: frozenset[int] = field(default_factory=frozenset)
    public_group_ids: frozenset[int] = field(default_factory=frozenset)
    requested_group_ids: frozenset[int] = field(default_factory=frozenset)  # asked to join, not yet accepted
    language: str | None = None
    display_name: str = ""
    handle: str = ""
    title: str = ""
    department: str = ""
    # The newest activity when the token was resolved, read before anything else the request reads: a page's
    # live updates replay from there (app.web.common), so nothing committed after it is missed or shown twice.
    newest_activity_id: int = 0

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    @property
    def is_moderator(self) -> bool:
        return self.role in ("moderator", "admin")

    @property
    def readable_group_ids(self) -> frozenset[int]:
        """Groups whose content this member may read: public ones and their own."""
        return self.member_group_ids | self.public_group_ids


class Membership(Protocol):
    """A row of the member's memberships (outer-joined: no group when they have none)."""

    @property
    def group_id(self) -> int | None: ...

    @property
    def status(self) -> str | None: ...


def actor_from_memberships(
    user_id: int, role: str, session_id: str, memberships: Iterable[Membership], public_group_ids: frozenset[int],
    **profile: Any,
) -> Actor:
    """An Actor from the member's membership rows (any status) and the public group ids of the same moment;
    `profile`: language, display_name, handle, title, department, newest_activity_id."""
    rows = memberships if isinstance(memberships, (list, tuple)) else list(memberships)
    return Actor(
        user_id=user_id, role=role, session_id=session_id,
        member_group_ids=frozenset([r.group_id for r in rows if r.status in MEMBER_STATUSES]),  # type: ignore[misc]
        animator_group_ids=frozenset([r.group_id for r in rows if r.status == "animator"]),  # type: ignore[misc]
        public_group_ids=public_group_ids,
        requested_group_ids=frozenset([r.group_id for r in rows if r.status == "pending"]),  # type: ignore[misc]
        **profile,
    )


def member_of(user_id: int, role: str, group_id: int | None) -> Actor:
    """A member acted for by the system, known only by their role and one group they belong to (none: company-wide
    content): enough for `can_view_post` on that group's posts (announcement audiences)."""
    groups = frozenset() if group_id is None else frozenset({group_id})
    return Actor(user_id=user_id, role=role, session_id="", member_group_ids=groups)


def with_membership(actor: Actor, group_id: int, status: str | None) -> Actor:
    """The actor after their membership of a group became `status` (None: left or removed)."""
    members = set(actor.member_group_ids)
    animators = set(actor.animator_group_ids)
    requested = set(actor.requested_group_ids)
    members.discard(group_id)
    animators.discard(group_id)
    requested.discard(group_id)
    if status in MEMBER_STATUSES:
        members.add(group_id)
    if status == "animator":
        animators.add(group_id)
    if status == "pending":
        requested.add(group_id)
    return replace(actor, member_group_ids=frozenset(members), animator_group_ids=frozenset(animators),
                   requested_group_ids=frozenset(requested))


def with_group_visibility(actor: Actor, group_id: int, visibility: str | None) -> Actor:
    """The actor after a group was created or changed to `visibility`."""
    groups = set(actor.public_group_ids)
    if visibility == "public":
        groups.add(group_id)
    else:
        groups.discard(group_id)
    return replace(actor, public_group_ids=frozenset(groups))


def require(allowed: bool, detail: str = "Not allowed") -> None:
    if not allowed:
        raise Forbidden(detail)


# Groups

def is_public(group: Group | GroupSummary) -> bool:
    """Content every member may read, and which members join without asking."""
    return group.visibility == "public"


def is_listed(group: Group | GroupSummary) -> bool:
    """Known to exist by everyone (listed, suggested, searchable by name); a secret group only by its members."""
    return group.visibility != "secret"


def public_group_ids(groups: Iterable[Group | GroupSummary]) -> frozenset[int]:
    return frozenset([group.id for group in groups if is_public(group)])


def is_group_member(actor: Actor, group_id: int) -> bool:
    return group_id in actor.member_group_ids


def is_group_animator(actor: Actor, group_id: int) -> bool:
    return group_id in actor.animator_group_ids


def is_deleted_group(group: Group | GroupSummary) -> bool:
    """Deleted groups are kept as rows (their posts soft-deleted with them) but exist for nobody; summaries come
    from the group cache, which holds only existing groups."""
    return isinstance(group, Group) and group.deleted_at is not None


def is_archived(group: Group) -> bool:
    """Read-only: no new post, comment or member; out of the directory, suggestions and search."""
    return group.archived_at is not None


def can_see_group(actor: Actor, group: Group | GroupSummary) -> bool:
    """Secret groups exist only for their members: API.md makes them a 404 for everyone else, admins included."""
    if is_deleted_group(group):
        return False
    if is_listed(group):
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


def can_delete_group(actor: Actor, group: Group) -> bool:
    """Its animators and admins (who must still be able to see it: a secret group is a 404 to an admin outside)."""
    return can_manage_group(actor, group)


GROUP_CREATION = ("everyone", "animators", "admins")
_VISIBILITY_REACH = {"secret": 0, "private": 1, "public": 2}


def can_create_group(actor: Actor, policy: str) -> bool:
    """`policy` is the network setting `group_creation`; admins always may."""
    if actor.is_admin:
        return True
    if policy == "everyone":
        return True
    if policy == "animators":
        return bool(actor.animator_group_ids)
    return False


def visibility_exposes(before: str, after: str) -> bool:
    """Whether changing a group's visibility shows it, or its content, to members who could not see it before
    (secret → private or public, private → public): the settings page asks for a confirmation."""
    return _VISIBILITY_REACH.get(after, 0) > _VISIBILITY_REACH.get(before, 0)


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


def is_indexable_post(post: Post | None) -> bool:
    """A post search may hold: neither deleted nor hidden (search serves moderators and members alike)."""
    return post is not None and post.deleted_at is None and post.hidden_at is None


def comment_exists(comment: Comment | None) -> bool:
    """A comment not deleted (who may read it is its post's rule)."""
    return comment is not None and comment.deleted_at is None


def can_edit_post(actor: Actor, post: PostFacts) -> bool:
    return post.author_id == actor.user_id


def can_delete_post(actor: Actor, post: PostFacts) -> bool:
    if post.author_id == actor.user_id:
        return True
    if post.group_id is not None and is_group_animator(actor, post.group_id):
        return True
    return actor.is_moderator


def can_edit_comment(actor: Actor, comment_author_id: int) -> bool:
    """Only its author rewrites a comment (moderators hide instead, as for posts)."""
    return comment_author_id == actor.user_id


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
# A deleted group is public for nobody, as in the group cache the Python rule reads.
_PUBLIC_GROUPS = select(_GROUPS.id).where(_GROUPS.visibility == "public", _GROUPS.deleted_at.is_(None))


def listed_groups(actor: Actor, model: Any = Group) -> ColumnElement[bool]:
    """Groups the actor may discover (the directory): every existing, unarchived group but the secret ones they do
    not belong to."""
    return and_(discoverable_groups(model),
                or_(model.visibility != "secret", model.id.in_(member_groups_of(actor.user_id))))


def groups_listed_to_all(model: Any = Group) -> ColumnElement[bool]:
    """Groups every member may discover (suggestions, the same list for everyone)."""
    return and_(discoverable_groups(model), model.visibility != "secret")


def existing_groups(model: Any = Group) -> ColumnElement[bool]:
    """Groups not deleted (a member's own groups, the group cache)."""
    return model.deleted_at.is_(None)  # type: ignore[no-any-return]


def discoverable_groups(model: Any = Group) -> ColumnElement[bool]:
    """SQL of `is_discoverable`: neither deleted nor archived."""
    return and_(model.deleted_at.is_(None), model.archived_at.is_(None))


def is_discoverable(group: Group) -> bool:
    """Offered to members who are not looking for it by name (directory, suggestions, search)."""
    return group.deleted_at is None and group.archived_at is None


def restricted_groups(model: Any = Group) -> ColumnElement[bool]:
    """Groups whose content not every member may read (search masks them group by group)."""
    return model.visibility != "public"  # type: ignore[no-any-return]


def existing_posts(model: Any = Post) -> ColumnElement[bool]:
    """Posts not deleted, hidden ones included (an author's duplicate check)."""
    return model.deleted_at.is_(None)  # type: ignore[no-any-return]


def existing_comments(model: Any = Comment) -> ColumnElement[bool]:
    """SQL of `comment_exists`."""
    return model.deleted_at.is_(None)  # type: ignore[no-any-return]


def deleted_comments(model: Any = Comment) -> ColumnElement[bool]:
    return model.deleted_at.is_not(None)  # type: ignore[no-any-return]


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
        return and_(existing_posts(model), group_rule)
    return and_(published_posts(model), group_rule)


def published_posts(model: Any = Post) -> ColumnElement[bool]:
    """Posts neither deleted nor hidden by a moderator: what may be shown to anyone at all (live events, before
    each socket's group rule) and what search indexes. SQL of `is_indexable_post`."""
    return and_(model.deleted_at.is_(None), model.hidden_at.is_(None))
