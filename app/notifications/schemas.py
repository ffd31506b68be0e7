from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from app.users.schemas import UserSummary

Kind = Literal["mention", "reply", "reaction", "announcement", "group_request", "group_accepted"]
Delivery = Literal["app", "email", "off"]
BoundedId = Annotated[int, Field(ge=1, le=2**63 - 1)]


class NotificationRead(BaseModel):
    id: int
    kind: Kind
    actor: UserSummary | None
    post_id: int | None
    comment_id: int | None
    group_id: int | None
    created_at: datetime
    read: bool
    # Added for readable entries (API.md's fields above are unchanged). An entry stands for similar notifications
    # (same kind and target, unread or read the same day): the fields above are its newest one's.
    subject: str | None = Field(default=None, description="The post's title or first words, or the group's name; "
                                "null when the member can no longer see it")
    group_count: int = Field(default=1, description="How many notifications this entry stands for")
    actor_count: int = Field(default=1, description="How many different members acted (actor is the latest)")
    actors: list[UserSummary] = Field(default_factory=list, description="The latest actors, newest first (at most 3)")
    grouped_ids: list[int] = Field(default_factory=list, description="Ids of the notifications of this entry; "
                                   "marking the entry's id read marks them all")


class MarkRead(BaseModel):
    """`{ids: [...]}` or `{all: true}`."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)
    ids: list[BoundedId] | None = Field(default=None, max_length=500)
    all_: bool = Field(default=False, alias="all", strict=True)

    @model_validator(mode="after")
    def _one_of(self) -> "MarkRead":
        if not self.all_ and self.ids is None:
            raise ValueError("send ids or all: true")
        return self


class NotificationSettings(BaseModel):
    """Delivery per kind: in the app, in the app and by e-mail, or off."""

    model_config = ConfigDict(extra="forbid")
    mention: Delivery = "app"
    reply: Delivery = "app"
    reaction: Delivery = "app"
    announcement: Delivery = "app"
    group_request: Delivery = "app"
    group_accepted: Delivery = "app"


class UnreadCount(BaseModel):
    unread: int
