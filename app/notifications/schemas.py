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
