"""Every activity type, once: the id columns it sets, what its payload holds, whether it is private.

A type is a frozen dataclass registered under its name. Fields named like an id column of `activities`
(`COLUMNS`) are stored there; the others, in declaration order, make the JSON payload. A private type
(`private = True`) reaches only `subject_user_id` and stores `"private": true` last in its payload, as
sockets and replays have always read it. The stored JSON is the table of docs/ARCHITECTURE.md: rows already
in the database (and `bench/generate.py`'s) must keep parsing, so a change to a payload is a new field read
leniently, never a rename.

`parse(row)` is lenient as the consumers always were: a payload key missing or of the wrong shape reads as
None, "", 0 or (); a row without an id its type requires, or of a type this code does not know (written by a
newer release), parses as None and consumers skip it.
"""

import dataclasses
import logging
import types
import typing
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar, Protocol, TypeVar

log = logging.getLogger("ruche.outbox")

COLUMNS = ("actor_id", "group_id", "post_id", "comment_id", "subject_user_id")


class Row(Protocol):
    """What `parse` reads: an `Activity` row, or anything shaped like one."""

    type: str
    actor_id: int | None
    group_id: int | None
    post_id: int | None
    comment_id: int | None
    subject_user_id: int | None
    payload: dict[str, Any]


@dataclass(frozen=True)
class _Field:
    name: str
    column: bool
    optional: bool
    fit: Callable[[Any], Any]  # the value, or _BAD when it does not fit
    empty: Any  # what a missing or misshapen payload value reads as, when not optional


@dataclass(frozen=True, kw_only=True)
class TypedActivity:
    """One activity as its type defines it (`emit` writes it, `parse` reads it back)."""

    type: ClassVar[str]
    private: ClassVar[bool] = False  # reaches only subject_user_id
    fields_: ClassVar[tuple[_Field, ...]] = ()

    actor_id: int | None  # None once the acting member's account is deleted (SET NULL)

    def columns(self) -> dict[str, int | None]:
        """The five id columns, None where this type sets nothing."""
        return {name: getattr(self, name, None) for name in COLUMNS}

    def payload(self) -> dict[str, Any]:
        """The JSON stored in `activities.payload`, exactly as it has always been written."""
        out: dict[str, Any] = {}
        for f in self.fields_:
            if not f.column:
                value = getattr(self, f.name)
                out[f.name] = list(value) if isinstance(value, tuple) else value
        if self.private:
            out["private"] = True
        return out

    @property
    def about_post(self) -> int | None:
        """The post this activity concerns, if any."""
        return getattr(self, "post_id", None)


REGISTRY: dict[str, type[TypedActivity]] = {}
_BAD = object()
T = TypeVar("T", bound=type[TypedActivity])


def _int(value: Any) -> Any:
    return value if isinstance(value, int) and not isinstance(value, bool) else _BAD


def _str(value: Any) -> Any:
    return value if isinstance(value, str) else _BAD


def _ints(value: Any) -> Any:
    if not isinstance(value, list | tuple):
        return _BAD
    return tuple(v for v in value if _int(v) is not _BAD)


_SHAPES: dict[Any, tuple[Callable[[Any], Any], Any]] = {int: (_int, 0), str: (_str, ""), tuple[int, ...]: (_ints, ())}


def _field(name: str, hint: Any) -> _Field:
    args = typing.get_args(hint)
    optional = isinstance(hint, types.UnionType) and type(None) in args
    base = next(a for a in args if a is not type(None)) if optional else hint
    fit, empty = _SHAPES[base]
    return _Field(name, name in COLUMNS, optional, fit, empty)


def activity(name: str, *, private: bool = False) -> Callable[[T], T]:
    """Register a type under its stored name (a class decorator, applied above `@dataclass`)."""

    def register(cls: T) -> T:
        assert name not in REGISTRY, name
        hints = typing.get_type_hints(cls)
        cls.type = name
        cls.private = private
        cls.fields_ = tuple(_field(f.name, hints[f.name]) for f in dataclasses.fields(cls))
        REGISTRY[name] = cls
        return cls

    return register


def parse(row: Row) -> TypedActivity | None:
    """The row as its type's dataclass; None for an unknown type or a row missing an id its type requires."""
    cls = REGISTRY.get(row.type)
    if cls is None:
        return None
    payload = row.payload if isinstance(row.payload, dict) else {}
    values: dict[str, Any] = {}
    for f in cls.fields_:
        raw = getattr(row, f.name) if f.column else payload.get(f.name)
        value = _BAD if raw is None else f.fit(raw)
        if value is _BAD:
            if f.optional:
                value = None
            elif f.column:
                log.warning("activity %s (%s) has no %s: skipped", getattr(row, "id", "?"), row.type, f.name)
                return None
            else:
                value = f.empty
        values[f.name] = value
    return cls(**values)


# Members


@activity("user.created")
@dataclass(frozen=True, kw_only=True)
class UserCreated(TypedActivity):
    subject_user_id: int


@activity("user.updated")
@dataclass(frozen=True, kw_only=True)
class UserUpdated(TypedActivity):
    """The profile, role or active flag changed (sockets re-resolve the member's token)."""

    subject_user_id: int


# Groups


@activity("group.created")
@dataclass(frozen=True, kw_only=True)
class GroupCreated(TypedActivity):
    group_id: int
    visibility: str


@activity("group.updated")
@dataclass(frozen=True, kw_only=True)
class GroupUpdated(TypedActivity):
    group_id: int
    visibility: str


@activity("membership.changed", private=True)
@dataclass(frozen=True, kw_only=True)
class MembershipChanged(TypedActivity):
    """The member's sockets gain or lose the group's channel."""

    group_id: int
    subject_user_id: int
    status: str | None  # None: left or removed


@activity("group.requested")
@dataclass(frozen=True, kw_only=True)
class GroupRequested(TypedActivity):
    """`actor_id` asks to join (`subject_user_id` is the same member)."""

    group_id: int
    subject_user_id: int


@activity("group.accepted")
@dataclass(frozen=True, kw_only=True)
class GroupAccepted(TypedActivity):
    """An animator (`actor_id`) accepted the request of `subject_user_id`."""

    group_id: int
    subject_user_id: int


# Conversations: `group_id` is the post's group (None = company-wide), to which the visibility rule applies.


@activity("post.created")
@dataclass(frozen=True, kw_only=True)
class PostCreated(TypedActivity):
    post_id: int
    group_id: int | None
    kind: str
    mentions: tuple[int, ...]  # the mentioned active members, at most 10


@activity("post.updated")
@dataclass(frozen=True, kw_only=True)
class PostUpdated(TypedActivity):
    post_id: int
    group_id: int | None
    kind: str
    mentions: tuple[int, ...]  # all, after the edit
    new_mentions: tuple[int, ...]  # added by the edit


@activity("post.deleted")
@dataclass(frozen=True, kw_only=True)
class PostDeleted(TypedActivity):
    post_id: int
    group_id: int | None
    kind: str
    author_id: int | None


@activity("comment.created")
@dataclass(frozen=True, kw_only=True)
class CommentCreated(TypedActivity):
    post_id: int
    comment_id: int
    group_id: int | None
    parent_id: int | None
    post_author_id: int | None
    parent_author_id: int | None
    mentions: tuple[int, ...]


@activity("comment.updated")
@dataclass(frozen=True, kw_only=True)
class CommentUpdated(TypedActivity):
    post_id: int
    comment_id: int
    group_id: int | None
    parent_id: int | None
    post_author_id: int | None
    mentions: tuple[int, ...]  # all, after the edit
    new_mentions: tuple[int, ...]  # added by the edit


@activity("comment.deleted")
@dataclass(frozen=True, kw_only=True)
class CommentDeleted(TypedActivity):
    post_id: int
    comment_id: int
    group_id: int | None
    parent_id: int | None
    post_author_id: int | None
    reply_ids: tuple[int, ...]  # replies removed with it


@activity("reaction.changed")
@dataclass(frozen=True, kw_only=True)
class ReactionChanged(TypedActivity):
    """On a post (`post_id`) or on a comment (`comment_id`, its post in `target_post_id`)."""

    post_id: int | None
    comment_id: int | None
    group_id: int | None
    reaction_count: int
    kind: str | None  # None: withdrawn
    target_author_id: int | None
    target_post_id: int | None

    @property
    def about_post(self) -> int | None:
        return self.post_id if self.post_id is not None else self.target_post_id


# Written by the notifier


@activity("notification.created", private=True)
@dataclass(frozen=True, kw_only=True)
class NotificationCreated(TypedActivity):
    subject_user_id: int  # the recipient
    notification_id: int
    kind: str
