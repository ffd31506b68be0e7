"""Importing members from a CSV file (API, admin page, `ruche admin import`).

The file: UTF-8 (a BOM is skipped), comma- or semicolon-separated (Excel in French writes `;`: the header line
decides), a header naming the columns among `email,display_name,department,title,location,skills` (`email` and
`display_name` required, any order). Skills are separated by `|`, or by `;` in a comma-separated file.

Each line is judged alone: a bad line is reported with its line number and the others still apply (a dry run
reports exactly what a real run would do, nothing written). A new address creates an account and invites it
(the e-mails leave after commit); a known one updates the profile fields whose cells are not empty (an empty cell
keeps what the member wrote)."""

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass, field

from pydantic import BaseModel, EmailStr, Field, ValidationError
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app import permissions
from app.errors import AppError, Conflict, Invalid
from app.outbox.types import UserUpdated
from app.outbox.write import emit
from app.permissions import Actor
from app.runtime import Runtime
from app.schemas import Name, ShortText
from app.users import resets
from app.users.invitations import new_account
from app.users.models import User
from app.users.schemas import Skill
from app.users.service import set_skills, skills_of

COLUMNS = ("email", "display_name", "department", "title", "location", "skills")
REQUIRED = ("email", "display_name")
PROFILE_FIELDS = ("display_name", "department", "title", "location")
LOOKUP_CHUNK = 500
MAX_SKILLS = 30


class TooLarge(AppError):
    status_code = 413
    default_detail = "The file is too large"


class Line(BaseModel):
    """One line's values as the API would accept them (the profile's own limits)."""

    email: EmailStr = Field(max_length=254)
    display_name: Name
    department: ShortText = ""
    title: ShortText = ""
    location: ShortText = ""
    skills: list[Skill] = Field(default_factory=list, max_length=MAX_SKILLS)


@dataclass(frozen=True)
class Row:
    line: int
    values: Line
    has_skills: bool


@dataclass
class Report:
    dry_run: bool
    created: list[tuple[int, str, str]] = field(default_factory=list)  # (line, email, display name)
    updated: list[tuple[int, str, str]] = field(default_factory=list)
    unchanged: list[tuple[int, str, str]] = field(default_factory=list)
    errors: list[tuple[int, str]] = field(default_factory=list)

    def lines(self) -> list[tuple[int, str, str, str]]:
        """Every valid line with what happens to it, in the file's order."""
        out = [(*row, action) for action, rows in (("create", self.created), ("update", self.updated),
                                                    ("unchanged", self.unchanged)) for row in rows]
        return sorted(out)


def decode(data: bytes) -> str:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        raise Invalid(f"The file is not UTF-8 text (line {line}): save it as \"CSV UTF-8\" and try again") from exc
    if "\x00" in text:
        raise Invalid("The file contains NUL bytes: it is not a CSV text file")
    return text


def parse(data: bytes, max_lines: int | None) -> tuple[list[Row], list[tuple[int, str]]]:
    """The valid lines and the errors `(line, detail)`; a file that cannot be read at all raises `Invalid` (422),
    one longer than `max_lines` `TooLarge` (413)."""
    text = decode(data)
    header_line = text.split("\n", 1)[0]
    delimiter = ";" if header_line.count(";") > header_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(reader, None)
        columns = _columns(header)
        rows, errors = [], []
        seen: dict[str, int] = {}
        count, line = 0, reader.line_num + 1
        for record in reader:
            start, line = line, reader.line_num + 1  # a quoted cell may span lines: report the first
            if not any(cell.strip() for cell in record):
                continue
            count += 1
            if max_lines is not None and count > max_lines:
                raise TooLarge(f"At most {max_lines:,} lines per import: split the file")
            row = _row(start, record, columns, delimiter)
            if isinstance(row, str):
                errors.append((start, row))
            elif row.values.email in seen:
                errors.append((start, f"{row.values.email} is already on line {seen[row.values.email]}"))
            else:
                seen[row.values.email] = start
                rows.append(row)
    except csv.Error as exc:
        raise Invalid(f"Line {reader.line_num}: the file is not valid CSV ({exc})") from exc
    return rows, errors


def _columns(header: list[str] | None) -> list[str]:
    if not header or not any(cell.strip() for cell in header):
        raise Invalid("The file is empty: its first line must name the columns, e.g. " + ",".join(COLUMNS))
    columns = [cell.strip().lower() for cell in header]
    unknown = [c for c in columns if c not in COLUMNS]
    if unknown:
        raise Invalid(f"Unknown column {unknown[0]!r}: the columns are " + ",".join(COLUMNS))
    missing = [c for c in REQUIRED if c not in columns]
    if missing:
        raise Invalid(f"Missing column {missing[0]!r}: the first line must name the columns")
    if len(set(columns)) != len(columns):
        raise Invalid("A column is named twice on the first line")
    return columns


def _row(line: int, record: list[str], columns: list[str], delimiter: str) -> Row | str:
    if len(record) > len(columns):
        return f"{len(record)} cells for {len(columns)} columns"
    cells = dict(zip(columns, (cell.strip() for cell in record), strict=False))
    separators = "|" if delimiter == ";" else "|;"
    raw_skills = cells.pop("skills", "")
    for sep in separators[1:]:
        raw_skills = raw_skills.replace(sep, separators[0])
    skills = [s.strip() for s in raw_skills.split("|") if s.strip()]
    try:
        values = Line.model_validate({**cells, "email": cells.get("email", "").lower(), "skills": skills})
    except ValidationError as exc:
        return _first_error(exc)
    return Row(line, values, bool(skills))


def _first_error(exc: ValidationError) -> str:
    error = exc.errors()[0]
    name = str(error["loc"][0]) if error.get("loc") else "line"
    if name == "email":
        return "email: not a valid e-mail address"
    return f"{name}: {error['msg']}"


async def run_import(
    session: AsyncSession, runtime: Runtime, actor: Actor, rows: list[Row], errors: list[tuple[int, str]], *,
    dry_run: bool, base: str, lang: str, progress: Callable[[int], None] = lambda n: None,
) -> tuple[Report, list[resets.AccountMail]]:
    """Apply (or, with `dry_run`, only judge) the parsed lines; returns the report and the invitations to send
    once committed."""
    permissions.require(actor.is_admin, "Only administrators can import members")
    report, mails = Report(dry_run=dry_run, errors=list(errors)), []
    for start in range(0, len(rows), LOOKUP_CHUNK):
        chunk = rows[start:start + LOOKUP_CHUNK]
        users = {u.email: u for u in await session.scalars(
            select(User).where(User.email.in_([r.values.email for r in chunk])))}
        skills = await skills_of(session, [u.id for u in users.values()])
        for row in chunk:
            user = users.get(row.values.email)
            entry = (row.line, row.values.email, row.values.display_name)
            if user is None:
                mail = await _create(session, runtime, actor, row, dry_run=dry_run, base=base, lang=lang)
                if isinstance(mail, str):
                    report.errors.append((row.line, mail))
                else:
                    report.created.append(entry)
                    mails += [mail] if mail is not None else []
            elif await _update(session, actor, user, skills[user.id], row, dry_run=dry_run):
                report.updated.append(entry)
            else:
                report.unchanged.append(entry)
        progress(len(chunk))
    report.errors.sort()
    return report, mails


async def _create(
    session: AsyncSession, runtime: Runtime, actor: Actor, row: Row, *, dry_run: bool, base: str, lang: str,
) -> resets.AccountMail | str | None:
    if dry_run:
        return None
    v = row.values
    try:
        user = await new_account(session, actor, v.email, v.display_name, title=v.title, department=v.department,
                                 location=v.location, skills=v.skills)
    except Conflict as exc:  # created meanwhile by someone else
        return str(exc.detail)
    return await resets.invite(session, runtime.settings, user, base, lang, actor.display_name)


async def _update(session: AsyncSession, actor: Actor, user: User, current_skills: list[str], row: Row, *,
                  dry_run: bool) -> bool:
    """Fill the profile fields the line gives; True when something changes."""
    changes = {name: value for name in PROFILE_FIELDS
               if (value := getattr(row.values, name)) and value != getattr(user, name)}
    new_skills = row.has_skills and row.values.skills != current_skills
    if not changes and not new_skills:
        return False
    if not dry_run:
        for name, value in changes.items():
            setattr(user, name, value)
        if new_skills:
            await set_skills(session, user.id, row.values.skills)
        await session.flush()
        emit(session, UserUpdated(actor_id=actor.user_id, subject_user_id=user.id))
    return True
