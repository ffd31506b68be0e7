from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, StringConstraints
from pydantic.functional_validators import AfterValidator

from app.schemas import Name, Schema
from app.users.schemas import UserSummary

Visibility = Literal["public", "private", "secret"]


def _no_nul(value: str) -> str:
    if "\x00" in value:
        raise ValueError("NUL bytes are not allowed")
    return value


Description = Annotated[str, StringConstraints(max_length=5000), AfterValidator(_no_nul)]


class GroupCreate(BaseModel):
    model_config = ConfigDict(extra="ignore")
    name: Name
    description: Description = ""
    visibility: Visibility = "public"
    guidelines: Description = ""


class GroupUpdate(BaseModel):
    model_config = ConfigDict(extra="ignore")
    name: Name | None = None
    description: Description | None = None
    visibility: Visibility | None = None
    guidelines: Description | None = None
    archived: bool | None = None


class GroupSummary(Schema):
    id: int
    slug: str
    name: str
    visibility: str


class GroupRead(Schema):
    id: int
    slug: str
    name: str
    description: str
    guidelines: str
    visibility: str
    member_count: int
    my_status: Literal["pending", "member", "animator"] | None
    created_at: datetime
    archived: bool = False
    archived_at: datetime | None = None


class JoinResult(BaseModel):
    status: Literal["pending", "member", "animator"]


class MemberSet(BaseModel):
    status: Literal["member", "animator"]


class MemberRead(BaseModel):
    user: UserSummary
    status: Literal["pending", "member", "animator"]
    joined_at: datetime | None
    requested_at: datetime | None = None
