"""API shapes of password resets, accounts created by admins and CSV imports."""

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, EmailStr, Field, StringConstraints

from app.schemas import Name, SafeStr
from app.users.schemas import Password, Role


class ResetRequest(BaseModel):
    email: EmailStr = Field(max_length=254)


class ResetRequested(BaseModel):
    detail: str


class ResetConfirm(BaseModel):
    token: Annotated[SafeStr, StringConstraints(min_length=1, max_length=200)]
    new_password: Password


class AccountCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    email: EmailStr = Field(max_length=254)
    display_name: Name
    role: Role = "member"


class ImportError_(BaseModel):
    line: int
    detail: str


class ImportLine(BaseModel):
    line: int
    email: str
    display_name: str
    action: Literal["create", "update", "unchanged"]


class ImportResult(BaseModel):
    """Counts of the accounts created and updated (or that would be, with `dry_run`), the lines refused, and what
    happens to each valid line."""

    dry_run: bool
    created: int
    updated: int
    unchanged: int
    errors: list[ImportError_]
    lines: list[ImportLine]
