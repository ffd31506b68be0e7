"""Similar notifications shown as one entry: same kind, same target, and both unread (or read the same day).

Grouped when a page is shown (within the page), not when written: rows stay one per activity, so the notifier's
exactly-once rule, e-mails and live pushes are unchanged, and marking an entry read marks its rows
(`same_target`, no newer than the entry)."""

from collections.abc import Sequence
from datetime import UTC, tzinfo
from typing import Any

from sqlalchemy import ColumnElement, and_, case, literal_column

from app.notifications.models import Notification

Target = tuple[str, int | None, int | None, int | None]

# A reaction's target is the post or the comment reacted to; a reply's or a mention's is the post (each reply is
# its own comment); a group notification's is the group.
_BY_COMMENT = "reaction"


def target(n: Notification) -> Target:
    return (n.kind, n.post_id, n.comment_id if n.kind == _BY_COMMENT else None,
            n.group_id if n.post_id is None else None)


def first_entries(rows: Sequence[Notification], zone: tzinfo, limit: int) -> tuple[list[list[Notification]], int]:
    """The first `limit` entries of rows (newest first), and how many rows they used: the rows before the one that
    would start entry `limit + 1`, so the next page starts right after them and no row shows twice or never."""
    entries: dict[tuple[Any, ...], list[Notification]] = {}
    used = 0
    for n in rows:
        key = _key(n, zone)
        if key not in entries and len(entries) == limit:
            break
        entries.setdefault(key, []).append(n)
        used += 1
    return list(entries.values()), used


def _key(n: Notification, zone: tzinfo) -> tuple[Any, ...]:
    if n.read_at is None:
        return (*target(n), "unread")
    return (*target(n), "read", n.created_at.replace(tzinfo=n.created_at.tzinfo or UTC).astimezone(zone).date())


def _equal(column: Any, value: int | None) -> ColumnElement[bool]:
    return column.is_(None) if value is None else column == value


def same_target(t: Target) -> ColumnElement[bool]:
    kind, post_id, comment_id, group_id = t
    conditions = [Notification.kind == kind, _equal(Notification.post_id, post_id)]
    if kind == _BY_COMMENT:
        conditions.append(_equal(Notification.comment_id, comment_id))
    if post_id is None:
        conditions.append(_equal(Notification.group_id, group_id))
    return and_(*conditions)


def target_columns() -> tuple[Any, ...]:
    """`target()` in SQL (the unread count counts distinct targets). Constants are literal SQL, not parameters, so
    the statement stays one shape on every database."""
    return (
        Notification.kind,
        Notification.post_id,
        case((Notification.kind == literal_column(f"'{_BY_COMMENT}'"), Notification.comment_id)),
        case((Notification.post_id.is_(None), Notification.group_id)),
    )
