from datetime import datetime
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    EmailStr,
    Field,
    StringConstraints,
)

from app.schemas import Name, SafeStr, Schema, ShortText, VisibleLine
from app.timezones import valid_time_zone

Password = Annotated[str, StringConstraints(min_length=10, max_length=1024), AfterValidator(lambda v: _no_nul(v))]
# Lowered before the pattern runs: "Alice_M" is accepted as "alice_m".
Handle = Annotated[
    str, StringConstraints(pattern=r"^[a-z0-9._-]{2,40}$"),
    BeforeValidator(lambda v: v.strip().lower() if isinstance(v, str) else v), VisibleLine,
]
Skill = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=60), AfterValidator(lambda v: _no_nul(v))]
Bio = Annotated[str, StringConstraints(max_length=5000), AfterValidator(lambda v: _no_nul(v))]
# An IANA name ("Europe/Paris"); "" or null resets to the site's default.
TimeZone = Annotated[str, StringConstraints(max_length=64), AfterValidator(lambda v: valid_time_zone(v) if v else v)]
Role = Literal["member", "communicator", "moderator", "admin"]


def _no_nul(value: str) -> str:
    if "\x00" in value:
        raise ValueError("NUL bytes are not allowed")
    return value


class UserRegister(BaseModel):
    model_config = ConfigDict(extra="ignore")
    email: EmailStr = Field(max_length=254)
    password: Password
    display_name: Name


class PasswordChange(BaseModel):
    current_password: Annotated[SafeStr, StringConstraints(max_length=1024)]
    new_password: Password


class UserUpdate(BaseModel):
    """What a member may change on their own profile; `role`, `email`, `id` are silently ignored."""

    model_config = ConfigDict(extra="ignore")
    display_name: Name | None = None
    handle: Handle | None = None
    title: ShortText | None = None
    department: ShortText | None = None
    location: ShortText | None = None
    bio: Bio | None = None
    skills: list[Skill] | None = Field(default=None, max_length=30)
    language: Literal["fr", "en"] | None = None
    time_zone: TimeZone | None = None


class AdminUserUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    role: Role | None = None
    active: bool | None = None


class UserSummary(Schema):
    id: int
    handle: str
    display_name: str
    title: str = ""


class UserRead(Schema):
    id: int
    handle: str
    display_name: str
    title: str
    department: str
    location: str
    bio: str
    bio_html: str  # the bio's Markdown rendered and sanitized, as posts' `body_html`
    skills: list[str]
    follower_count: int
    following_count: int
    post_count: int
    followed_by_me: bool


class UserMe(UserRead):
    """The member's own account (or an admin's view of it): adds the private fields."""

    email: str
    role: str
    language: str | None
    time_zone: str | None = None  # null: the site's default (RUCHE_DEFAULT_TIME_ZONE)
    is_active: bool
    created_at: datetime


class TokenOut(BaseModel):
    access_token: str
    token_type: str = "bearer"
    expires_in: int
