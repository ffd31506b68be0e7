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
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from app import permissions
from app.errors import AppError, Conflict, Invalid
from app.outbox.types import UserUpdated
from app.outbox.write import emit
from app.permissions import Actor
from app.runtime import Runtime
from app.schemas import Name, ShortText
from app.users import resets
from app.users.invitations import NewAccount, new_account, new_accounts
from app.users.models import User
from app.users.schemas import Skill
from app.users.service import set_skills, skills_of

COLUMNS = ("email", "display_name", "department", "title", "location", "skills")
REQUIRED = ("email", "display_name")
PROFILE_FIELDS = ("display_name", "department", "title", "location")
LOOKUP_CHUNK = 500
MAX_SKILLS = 30


def N_(message: str) -> str:
    """Mark a message for extraction: the admin page translates problems, the API states them in English."""
    return message


@dataclass(frozen=True)
class Problem:
    """What is wrong, as a message id and its values (`str()` gives the English sentence)."""

    message: str
    values: dict[str, object] = field(default_factory=dict)

    def __str__(self) -> str:
        return self.message % self.values if self.values else self.message


class BadFile(Invalid):
    """A file that cannot be read at all (422)."""

    def __init__(self, message: str, **values: object) -> None:
        self.problem = Problem(message, values)
        super().__init__(str(self.problem))


class TooLarge(AppError):
    status_code = 413

    def __init__(self, message: str, **values: object) -> None:
        self.problem = Problem(message, values)
        super().__init__(str(self.problem))


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
    errors: list[tuple[int, Problem]] = field(default_factory=list)

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
        raise BadFile(N_('The file is not UTF-8 text (line %(line)d): save it as "CSV UTF-8" and try again.'),
                      line=line) from exc
    if "\x00" in text:
        raise BadFile(N_("The file contains NUL bytes: it is not a CSV text file."))
    return text


def parse(data: bytes, max_lines: int | None) -> tuple[list[Row], list[tuple[int, Problem]]]:
    """The valid lines and the errors `(line, detail)`; a file that cannot be read at all raises `Invalid` (422),
    one longer than `max_lines` `TooLarge` (413)."""
    text = decode(data)
    header_line = text.split("\n", 1)[0]
    delimiter = ";" if header_line.count(";") > header_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(reader, None)
        columns = _columns(header)
        rows: list[Row] = []
        errors: list[tuple[int, Problem]] = []
        seen: dict[str, int] = {}
        count, line = 0, reader.line_num + 1
        for record in reader:
            start, line = line, reader.line_num + 1  # a quoted cell may span lines: report the first
            if not any(cell.strip() for cell in record):
                continue
            count += 1
            if max_lines is not None and count > max_lines:
                raise TooLarge(N_("At most %(count)d lines per import: split the file."), count=max_lines)
            row = _row(start, record, columns, delimiter)
            if isinstance(row, Problem):
                errors.append((start, row))
            elif row.values.email in seen:
                errors.append((start, Problem(N_("%(email)s is already on line %(line)d"),
                                              {"email": row.values.email, "line": seen[row.values.email]})))
            else:
                seen[row.values.email] = start
                rows.append(row)
    except csv.Error as exc:
        raise BadFile(N_("Line %(line)d: the file is not valid CSV (%(error)s)."), line=reader.line_num,
                      error=str(exc)) from exc
    return rows, errors


def _columns(header: list[str] | None) -> list[str]:
    if not header or not any(cell.strip() for cell in header):
        raise BadFile(N_("The file is empty: its first line must name the columns, e.g. %(columns)s."),
                      columns=",".join(COLUMNS))
    columns = [cell.strip().lower() for cell in header]
    unknown = [c for c in columns if c not in COLUMNS]
    if unknown:
        raise BadFile(N_('Unknown column "%(column)s": the columns are %(columns)s.'), column=unknown[0][:60],
                      columns=",".join(COLUMNS))
    missing = [c for c in REQUIRED if c not in columns]
    if missing:
        raise BadFile(N_('Missing column "%(column)s": the first line must name the columns.'), column=missing[0])
    if len(set(columns)) != len(columns):
        raise BadFile(N_("A column is named twice on the first line."))
    return columns


def _row(line: int, record: list[str], columns: list[str], delimiter: str) -> Row | Problem:
    if len(record) > len(columns):
        return Problem(N_("%(cells)d cells for %(columns)d columns"), {"cells": len(record), "columns": len(columns)})
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


def _first_error(exc: ValidationError) -> Problem:
    error = exc.errors()[0]
    column = str(error["loc"][0]) if error.get("loc") else "line"
    kind = error["type"]
    if column == "email":
        return Problem(N_("email: not a valid e-mail address"))
    if kind in ("missing", "string_too_short"):
        return Problem(N_("%(column)s: this cell is required"), {"column": column})
    if kind == "too_long":
        return Problem(N_("%(column)s: at most %(count)d"), {"column": column, "count": MAX_SKILLS})
    if kind == "string_too_long":
        return Problem(N_("%(column)s: too long (at most %(count)d characters)"),
                       {"column": column, "count": error.get("ctx", {}).get("max_length", 0)})
    return Problem(N_("%(column)s: not a valid value"), {"column": column})


async def run_import(
    session: AsyncSession, runtime: Runtime, actor: Actor, rows: list[Row], errors: list[tuple[int, Problem]], *,
    dry_run: bool, base: str, lang: str, progress: Callable[[int], None] = lambda n: None,
) -> tuple[Report, list[resets.AccountMail]]:
    """Apply (or, with `dry_run`, only judge) the parsed lines; returns the report and the invitations to send
    once committed."""
    permissions.require(actor.is_admin, "Only administrators can manage accounts")
    report, mails = Report(dry_run=dry_run, errors=list(errors)), []
    for start in range(0, len(rows), LOOKUP_CHUNK):
        chunk = rows[start:start + LOOKUP_CHUNK]
        users = {u.email: u for u in await session.scalars(
            select(User).where(User.email.in_([r.values.email for r in chunk])))}
        skills = await skills_of(session, [u.id for u in users.values()])
        new_rows = [row for row in chunk if row.values.email not in users]
        for row in chunk:
            if (user := users.get(row.values.email)) is None:
                continue
            entry = (row.line, row.values.email, row.values.display_name)
            changed = await _update(session, actor, user, skills[user.id], row, dry_run=dry_run)
            (report.updated if changed else report.unchanged).append(entry)
        if dry_run:
            report.created += [(row.line, row.values.email, row.values.display_name) for row in new_rows]
        elif new_rows:
            mails += await _create(session, runtime, actor, new_rows, report, base=base, lang=lang)
        progress(len(chunk))
    report.errors.sort(key=lambda error: error[0])
    return report, mails


async def _create(
    session: AsyncSession, runtime: Runtime, actor: Actor, rows: list[Row], report: Report, *, base: str, lang: str,
) -> list[resets.AccountMail]:
    """Create the chunk's new accounts together, or one by one when one of them was created meanwhile."""
    specs = [NewAccount(r.values.email, r.values.display_name, r.values.title, r.values.department,
                        r.values.location, tuple(r.values.skills)) for r in rows]
    try:
        users = await new_accounts(session, actor, specs)
    except IntegrityError:
        users = []
        for row, spec in zip(rows, specs, strict=True):
            try:
                users.append(await new_account(session, actor, spec.email, spec.display_name, title=spec.title,
                                               department=spec.department, location=spec.location,
                                               skills=spec.skills))
            except Conflict:
                report.errors.append((row.line, Problem(N_("%(email)s: this email is already registered"),
                                                        {"email": spec.email})))
    by_email = {u.email: u for u in users}
    mails = []
    for row in rows:
        if (user := by_email.get(row.values.email)) is not None:
            report.created.append((row.line, row.values.email, row.values.display_name))
            mails.append(await resets.invite(session, runtime.settings, user, base, lang, actor.display_name,
                                             flush=False))
    await session.flush()
    return mails


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
