"""`app/permissions.py` is the only module that decides visibility and the only one that builds an Actor.

Every `.py` file under `app/` other than `app/permissions.py` is read, comments left out (strings and docstrings are
kept), and no line may match any of these patterns unless an entry of ALLOWED below names the file, the line and why:

- `hidden_at` or `deleted_at` anywhere (the columns of "deleted" and "hidden by a moderator"): reading them is a
  visibility decision;
- `Actor(`: building an Actor (changes go through `permissions.with_*`, which use `dataclasses.replace`);
- a condition on a group's visibility: `visibility` followed by `==`, `!=`, `.in_(`, `.not_in(`, or by `in` /
  `not in` when it is an attribute (`group.visibility in ...`) or tested against a literal (`visibility in (...)`);
  or one of the words `"public"`, `"private"`, `"secret"` (either quote) compared with `==` / `!=` on either side
  or tested for membership in a literal (`in ("public", ...)`). The words alone (schemas' `Literal[...]`, the
  demo's group specs, a form's default value) are declarations, not conditions, and do not match.

ALLOWED holds what may stay outside the rules module: the read model's one query module (`app/posts/read.py`),
declarations (model columns, an index's predicate) and writes that set these columns. Each entry is a file, a
regular expression its line must match, and the reason; an entry that matches nothing fails too, so the list
shrinks with the code. A new feature that writes its own "is this private?" fails here: ask `app.permissions`."""

import io
import re
import tokenize
from pathlib import Path

from app.config import ROOT_DIR

APP = ROOT_DIR / "app"
RULES_MODULE = "app/permissions.py"
VISIBILITY_WORD = r"[\"'](?:public|private|secret)[\"']"
PATTERNS = {
    "hidden/deleted column": re.compile(r"\b(?:hidden_at|deleted_at)\b"),
    "Actor construction": re.compile(r"\bActor\("),
    "group visibility condition": re.compile(
        r"\bvisibility\s*(?:==|!=|\.in_\(|\.not_in\()"
        r"|\.visibility\s+(?:not\s+)?in\b"
        r"|\bvisibility\s+(?:not\s+)?in\s*[(\[{]"
        rf"|(?:==|!=)\s*{VISIBILITY_WORD}|{VISIBILITY_WORD}\s*(?:==|!=)"
        rf"|\bin\s*[(\[{{]\s*{VISIBILITY_WORD}"
    ),
}

# (file, the line's regular expression, why it may stay outside app/permissions.py, whether the file must exist)
ALLOWED: list[tuple[str, str, str, bool]] = [
    ("app/posts/read.py", r"^\s*(?:deleted_at|hidden_at): datetime \| None$",
     "the read model's row declares every column of a post (its conditions come from app.permissions)", True),
    ("app/posts/models.py", r"^\s*(?:deleted_at|hidden_at): Mapped\[", "column declarations", True),
    ("app/posts/models.py", r'^VISIBLE_POST = "deleted_at IS NULL AND hidden_at IS NULL"$',
     "the predicate of the partial indexes of visible posts (a declaration)", True),
    ("app/posts/service.py", r'"deleted_at": None, "hidden_at": None', "a new post's row (a write)", True),
    ("app/posts/service.py", r"^\s*post\.deleted_at = utcnow\(\)$", "deleting a post (a write)", True),
    ("app/posts/comments.py", r"^\s*\.values\(deleted_at=now\)$", "deleting comments (a write)", True),
    ("app/posts/comments.py", r'set_committed_value\(comment, "deleted_at", now\)',
     "the deleted comment's loaded state after the write above", True),
    ("app/posts/service.py", r"^\s*\.values\(deleted_at=now\)\.returning\(",
     "soft-deleting the posts of a deleted group (a write)", True),
    ("app/groups/models.py", r"^\s*deleted_at: Mapped\[", "column declaration", True),
    ("app/groups/deletion.py", r"^\s*group\.deleted_at = utcnow\(\)$", "deleting a group (a write)", True),
]


def _code_lines(path: Path) -> list[tuple[int, str]]:
    """The file's lines with comments blanked out (strings kept)."""
    source = path.read_text()
    lines = source.splitlines()
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type == tokenize.COMMENT:
            row, col = token.start
            lines[row - 1] = lines[row - 1][:col]
    return list(enumerate(lines, start=1))


def _violations() -> tuple[list[str], set[int]]:
    found, used = [], set()
    for path in sorted(APP.rglob("*.py")):
        name = path.relative_to(ROOT_DIR).as_posix()
        if name == RULES_MODULE:
            continue
        for number, line in _code_lines(path):
            for kind, pattern in PATTERNS.items():
                if not pattern.search(line):
                    continue
                allowed = [i for i, (file, regex, _, _) in enumerate(ALLOWED)
                           if file == name and re.search(regex, line)]
                if allowed:
                    used.update(allowed)
                else:
                    found.append(f"{name}:{number}: {kind}: {line.strip()}")
    return found, used


def test_visibility_and_actors_are_decided_only_by_the_rules_module() -> None:
    found, _ = _violations()
    assert not found, "ask app.permissions instead (or justify an entry of ALLOWED):\n" + "\n".join(found)


def test_every_allowed_entry_is_still_needed() -> None:
    _, used = _violations()
    stale = [f"{file}: {reason}" for i, (file, _, reason, must_exist) in enumerate(ALLOWED)
             if i not in used and (must_exist or (ROOT_DIR / file).exists())]
    assert not stale, "remove these entries of ALLOWED:\n" + "\n".join(stale)


def test_the_patterns_catch_what_they_are_meant_to() -> None:
    def kinds(line: str) -> set[str]:
        return {kind for kind, pattern in PATTERNS.items() if pattern.search(line)}

    caught = [
        'stmt.where(Group.visibility != "secret")', 'public = data.get("visibility") == "public"',
        "if group.visibility in PUBLIC_KINDS:", 'status = "member" if "public" == group.visibility else "x"',
        'ok = visibility in ("public", "private")', "Group.visibility.in_(kinds)",
        "post.hidden_at is None", "Comment.deleted_at.is_(None)", "Actor(user_id=1, role='member', session_id='')",
    ]
    assert all(kinds(line) for line in caught), [line for line in caught if not kinds(line)]
    ignored = [
        'Visibility = Literal["public", "private", "secret"]', '"values": {"visibility": "public", **values}',
        'payload={"visibility": group.visibility}', "for i, slug, name, visibility in groups",
        'KNOWN_BAD_SECRETS = {"changethis", "secret", "changeme"}', "actor: Actor | None = None",
    ]
    assert not [line for line in ignored if kinds(line)]
