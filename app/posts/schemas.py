from datetime import datetime
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

from app.errors import Invalid
from app.groups.schemas import GroupSummary
from app.schemas import VisibleLine, cursor_int, decode_cursor
from app.users.schemas import UserSummary

MAX_POST_BODY = 20_000
MAX_COMMENT_BODY = 5_000
MAX_TITLE = 200
MAX_ID = 2**63 - 1

PostKind = Literal["discussion", "question", "announcement"]
ReactionKind = Literal["like", "thanks", "insightful", "celebrate", "support"]
BoundedId = Annotated[int, Field(ge=1, le=MAX_ID)]


def cursor_id(cursor: str | None) -> int | None:
    """The post or comment id a keyset cursor points at; out of the id range is a 422, not a database error."""
    value = cursor_int(decode_cursor(cursor), "id")
    if value is not None and not 0 <= value <= MAX_ID:
        raise Invalid("Invalid cursor")
    return value


def _no_nul(value: str) -> str:
    if "\x00" in value:
        raise ValueError("NUL bytes are not allowed")
    return value


def _not_blank(value: str) -> str:
    if not value.strip():
        raise ValueError("The body cannot be empty")
    return value


PostBody = Annotated[str, StringConstraints(max_length=MAX_POST_BODY), AfterValidator(_no_nul), AfterValidator(_not_blank)]
CommentBody = Annotated[
    str, StringConstraints(max_length=MAX_COMMENT_BODY), AfterValidator(_no_nul), AfterValidator(_not_blank)
]
Title = Annotated[
    str, StringConstraints(strip_whitespace=True, max_length=MAX_TITLE), VisibleLine, AfterValidator(_no_nul)]


class PostCreate(BaseModel):
    model_config = ConfigDict(extra="ignore")
    body: PostBody
    group_id: BoundedId | None = None
    kind: PostKind = "discussion"
    title: Title | None = None


class PostUpdate(BaseModel):
    """Only what is sent changes; `title: null` or `""` removes the title."""

    model_config = ConfigDict(extra="ignore")
    body: PostBody | None = None
    title: Title | None = None


class PostRead(BaseModel):
    id: int
    author: UserSummary
    group: GroupSummary | None
    kind: str
    title: str | None
    body: str
    body_html: str
    mentions: list[UserSummary]
    topics: list[str]
    created_at: datetime
    edited_at: datetime | None
    comment_count: int
    reaction_count: int
    my_reaction: str | None


class CommentCreate(BaseModel):
    model_config = ConfigDict(extra="ignore")
    body: CommentBody
    parent_id: BoundedId | None = None


class CommentRead(BaseModel):
    id: int
    post_id: int
    parent_id: int | None
    author: UserSummary
    body: str
    body_html: str
    created_at: datetime
    edited_at: datetime | None
    reaction_count: int
    my_reaction: str | None


class ReactionSet(BaseModel):
    model_config = ConfigDict(extra="ignore")
    kind: ReactionKind = "like"


class ReactionState(BaseModel):
    reaction_count: int
    my_reaction: str | None


class CommentUpdate(BaseModel):
    """A comment's new text: the same limits and Markdown as when it was written."""

    model_config = ConfigDict(extra="ignore")
    body: CommentBody


class ReactorRead(BaseModel):
    """One member's reaction, in the list of who reacted."""

    user: UserSummary
    kind: str


class FollowedTopic(BaseModel):
    topic: str
    followed_at: datetime
