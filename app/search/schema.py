"""The search index's fields and the documents built from posts, comments, members and groups.

Every document has a unique `uid` ("post:12") so that replaying an activity replaces it instead of adding a
second copy. `scope` carries what visibility needs: "0" (anyone), "g<id>" (content of group <id>: readable
only by those the group rule lets in) or "s<id>" (the card of secret group <id>)."""

from datetime import datetime
from typing import Any

from whoosh.fields import ID, NUMERIC, STORED, TEXT, Schema

from app import permissions
from app.search.analyzers import name_analyzer, text_analyzer

KINDS = ("post", "comment", "user", "group")
STATE_UID = "_state"
SCHEMA_VERSION = 5  # an index written with another version is rebuilt by the indexer (5: stop words left out)
TEXT_FIELD = "text"


def _text(title: str, *parts: str) -> str:
    """One searchable field: the title twice (it weighs double), then the rest. A single field keeps each
    query word one posting list, which is what makes a search over 100,000 posts cheap in Python."""
    return "\n".join(p for p in (title, title, *parts) if p)


def build_schema() -> Schema:
    text = text_analyzer()
    return Schema(
        uid=ID(unique=True, stored=True),
        kind=ID(stored=True, sortable=True),  # a column: posts/comments are told apart per candidate
        scope=ID(sortable=True),  # a column: read per candidate by the visibility check
        group=ID(),
        author=ID(),
        post=ID(),
        # signed: unsigned 64-bit ranges misbehave; sortable: a column read per candidate for the recency boost
        created=NUMERIC(int, bits=64, stored=True, sortable=True),
        text=TEXT(analyzer=text, multitoken_query="or", phrase=False),
        skills=TEXT(analyzer=text, multitoken_query="or", phrase=False),
        names=TEXT(analyzer=name_analyzer(), phrase=False),
        state=STORED(),
    )


def uid(kind: str, object_id: int) -> str:
    return f"{kind}:{object_id}"


def parse_uid(value: str) -> tuple[str, int]:
    kind, _, raw = value.partition(":")
    return kind, int(raw)


def content_scope(group_id: int | None) -> str:
    return "0" if group_id is None else f"g{group_id}"


def _ts(moment: datetime) -> int:
    return max(0, int(moment.timestamp()))


def post_doc(post: Any) -> dict[str, Any]:
    return {
        "uid": uid("post", post.id), "kind": "post", "scope": content_scope(post.group_id),
        "group": str(post.group_id or 0), "author": str(post.author_id), "post": str(post.id),
        "created": _ts(post.created_at), "text": _text(post.title or "", post.body),
    }


def comment_doc(comment: Any, group_id: int | None) -> dict[str, Any]:
    return {
        "uid": uid("comment", comment.id), "kind": "comment", "scope": content_scope(group_id),
        "group": str(group_id or 0), "author": str(comment.author_id), "post": str(comment.post_id),
        "created": _ts(comment.created_at), "text": comment.body,
    }


def user_doc(user: Any, skills: list[str]) -> dict[str, Any]:
    profile = " \n".join(part for part in (user.title, user.department, user.location, user.bio) if part)
    return {
        "uid": uid("user", user.id), "kind": "user", "scope": "0", "created": _ts(user.created_at),
        "text": _text(f"{user.display_name} {user.handle}", profile, " ; ".join(skills)),
        "skills": " ; ".join(skills),
        "names": f"{user.display_name} {user.handle}",
    }


def group_doc(group: Any) -> dict[str, Any]:
    return {
        "uid": uid("group", group.id), "kind": "group",
        "scope": "0" if permissions.is_listed(group) else f"s{group.id}",
        "created": _ts(group.created_at), "text": _text(group.name, group.description or ""),
        "names": group.name,
    }
