"""Shared schema building blocks: bounded strings without NUL bytes, pages, cursors."""

import base64
import json
from typing import Annotated, Any, Generic, TypeVar

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, StringConstraints

from app.errors import Invalid
from app.text import visible_line

T = TypeVar("T")
DEFAULT_LIMIT = 20
MAX_LIMIT = 100
MAX_DB_INT = 2**63 - 1


def _no_nul(value: str) -> str:
    if "\x00" in value:
        raise ValueError("NUL bytes are not allowed")
    return value


def _visible(value: object) -> object:
    return visible_line(value).strip() if isinstance(value, str) else value


# Names, handles and titles: invisible and bidirectional control characters are removed, and the spaces they leave
# at the ends stripped, before the length checks, so a name made only of them is "too short" (app.text.visible_line
# says which characters and why).
VisibleLine = BeforeValidator(_visible)
SafeStr = Annotated[str, AfterValidator(_no_nul)]
Name = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200), VisibleLine, AfterValidator(_no_nul)]
ShortText = Annotated[str, StringConstraints(strip_whitespace=True, max_length=200), VisibleLine, AfterValidator(_no_nul)]
LongText = Annotated[str, StringConstraints(max_length=5000), AfterValidator(_no_nul)]


class Schema(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class Page(BaseModel, Generic[T]):
    items: list[T]
    next_cursor: str | None = None


_CURSOR_JSON = json.JSONEncoder(separators=(",", ":"))  # json.dumps builds an encoder per call with these


def encode_cursor(values: dict[str, Any]) -> str:
    raw = _CURSOR_JSON.encode(values).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str | None) -> dict[str, Any] | None:
    """An opaque keyset cursor; anything we did not issue is a 422, never a 500."""
    if not cursor:
        return None
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        value = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (ValueError, TypeError, UnicodeDecodeError) as exc:
        raise Invalid("Invalid cursor") from exc
    if not isinstance(value, dict):
        raise Invalid("Invalid cursor")
    return value


def cursor_int(cursor: dict[str, Any] | None, key: str) -> int | None:
    if cursor is None:
        return None
    value = cursor.get(key)
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= MAX_DB_INT:
        raise Invalid("Invalid cursor")  # out of BIGINT range: the driver would fail with a 500
    return value


def cursor_str(cursor: dict[str, Any] | None, key: str) -> str | None:
    if cursor is None:
        return None
    value = cursor.get(key)
    if not isinstance(value, str) or "\x00" in value:
        raise Invalid("Invalid cursor")  # PostgreSQL text cannot hold NUL
    return value
