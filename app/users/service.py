"""Profiles, follows, the people directory and account administration (accounts.py: sign-up and sessions)."""

from collections.abc import Sequence
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, and_, delete, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from app import markdown, permissions
from app.db import utcnow
from app.errors import Conflict, Invalid, NotFound
from app.outbox.types import UserUpdated
from app.outbox.write import emit
from app.permissions import Actor
from app.posts.models import Post
from app.runtime import Runtime
from app.schemas import cursor_int, cursor_str, decode_cursor, encode_cursor
from app.search import synonyms as synonyms_service
from app.search.analyzers import content_words
from app.search.queries import Synonyms
from app.search.stopwords import ASKING_WORDS
from app.text import HANDLE_RE, fold
from app.timezones import zone_of

# Accounts and sessions live in accounts.py; other domains keep calling them through this module.
from app.users.accounts import (
    build_actor,
    change_password,
    open_session,
    register,
    sign_in,
    sign_out,
)
from app.users.models import AuthSession, Follow, User, UserSkill
from app.users.schemas import AdminUserUpdate, UserMe, UserRead, UserSummary, UserUpdate

__all__ = [
    "access_user", "admin_update", "build_actor", "change_password", "directory", "follow",
    "followed_ids", "get_by_handle", "get_user", "list_users_admin", "open_session", "profile", "register",
    "set_skills", "sign_in", "sign_out", "skills_of", "summaries_with_counts", "unfollow", "update_me",
    "user_columns",
]


# Profiles

async def get_user(session: AsyncSession, user_id: int) -> User | None:
    return await session.get(User, user_id)


async def access_user(session: AsyncSession, user_id: int) -> User:
    user = await session.get(User, user_id)
    if user is None:
        raise NotFound()
    return user


async def get_by_handle(session: AsyncSession, handle: str) -> User | None:
    return await session.scalar(select(User).where(User.handle == handle.lower()))


async def skills_of(session: AsyncSession, user_ids: Sequence[int]) -> dict[int, list[str]]:
    rows = await session.execute(
        select(UserSkill.user_id, UserSkill.skill)
        .where(UserSkill.user_id.in_(list(user_ids)))
        .order_by(UserSkill.user_id, UserSkill.position)
    )
    out: dict[int, list[str]] = {uid: [] for uid in user_ids}
    for uid, skill in rows:
        out[uid].append(skill)
    return out


async def profile(session: AsyncSession, actor: Actor, user: User, *, own: bool = False) -> UserRead:
    """A member's profile as `actor` sees it: counts include only what the actor may see.

    `own` adds the private fields (email, role, language) for the member themself or an admin."""
    followers = await session.scalar(select(func.count()).select_from(Follow).where(Follow.followed_id == user.id))
    following = await session.scalar(select(func.count()).select_from(Follow).where(Follow.follower_id == user.id))
    posts = await session.scalar(
        select(func.count()).select_from(Post).where(Post.author_id == user.id, permissions.visible_posts(actor))
    )
    followed = await session.scalar(
        select(Follow.id).where(Follow.follower_id == actor.user_id, Follow.followed_id == user.id)
    )
    skills = (await skills_of(session, [user.id]))[user.id]
    schema = UserMe if own else UserRead
    return schema.model_validate(
        {
            **user_columns(user),
            "skills": skills,
            "follower_count": followers or 0,
            "following_count": following or 0,
            "post_count": posts or 0,
            "followed_by_me": followed is not None,
        }
    )


def bio_html(bio: str) -> str:
    """A bio's Markdown as posts render it (sanitized); @handles stay text: linking them would cost a lookup per
    member listed."""
    return markdown.render(bio, topics=False) if bio.strip() else ""


async def time_zone_of(session: AsyncSession, user_id: int, default: str) -> ZoneInfo:
    """The zone a member's times are shown in: their choice, else the site's `default`."""
    return zone_of(await session.scalar(select(User.time_zone).where(User.id == user_id)), default)


def user_columns(user: User) -> dict[str, object]:
    return {
        "id": user.id, "handle": user.handle, "display_name": user.display_name, "title": user.title,
        "department": user.department, "location": user.location, "bio": user.bio, "bio_html": bio_html(user.bio),
        "is_active": user.is_active,
        "created_at": user.created_at, "email": user.email, "role": user.role, "language": user.language,
        "time_zone": user.time_zone,
    }


async def update_me(session: AsyncSession, actor: Actor, data: UserUpdate) -> User:
    user = await session.get_one(User, actor.user_id)
    changes = data.model_dump(exclude_unset=True)
    if "handle" in changes and changes["handle"] is not None and changes["handle"] != user.handle:
        if not HANDLE_RE.match(changes["handle"]):
            raise Invalid("Invalid handle")
        if await session.scalar(select(User.id).where(User.handle == changes["handle"])) is not None:
            raise Conflict("This handle is taken")
    for field in ("display_name", "handle", "title", "department", "location", "bio"):
        if changes.get(field) is not None:
            setattr(user, field, changes[field])
    if "language" in changes:
        user.language = changes["language"]
    if "time_zone" in changes:
        user.time_zone = changes["time_zone"] or None
    if changes.get("skills") is not None:
        await set_skills(session, user.id, changes["skills"])
    try:
        async with session.begin_nested():
            await session.flush()
    except IntegrityError as exc:
        raise Conflict("This handle is taken") from exc
    emit(session, UserUpdated(actor_id=user.id, subject_user_id=user.id))
    return user


async def set_skills(session: AsyncSession, user_id: int, skills: Sequence[str]) -> None:
    await session.execute(delete(UserSkill).where(UserSkill.user_id == user_id))
    seen: set[str] = set()
    for position, skill in enumerate(skills):
        key = fold(skill)[:60]
        if key in seen:
            continue
        seen.add(key)
        session.add(UserSkill(user_id=user_id, skill=skill, skill_key=key, position=position))


# Follows

async def follow(session: AsyncSession, actor: Actor, user_id: int) -> None:
    target = await access_user(session, user_id)
    if target.id == actor.user_id:
        raise Invalid("You cannot follow yourself")
    exists = await session.scalar(
        select(Follow.id).where(Follow.follower_id == actor.user_id, Follow.followed_id == target.id)
    )
    if exists is None:
        try:
            async with session.begin_nested():
                session.add(Follow(follower_id=actor.user_id, followed_id=target.id))
                await session.flush()
        except IntegrityError:
            pass  # a concurrent identical follow won: the result is the same


async def unfollow(session: AsyncSession, actor: Actor, user_id: int) -> None:
    await access_user(session, user_id)
    await session.execute(delete(Follow).where(Follow.follower_id == actor.user_id, Follow.followed_id == user_id))


async def followed_ids(session: AsyncSession, user_id: int) -> list[int]:
    return list(await session.scalars(select(Follow.followed_id).where(Follow.follower_id == user_id)))


# Directory

async def colleagues(
    session: AsyncSession, department: str, exclude_user_id: int | None, limit: int = 6
) -> list[UserSummary]:
    """Active members of a department, by name: the home sidebar needs no counts, so one light query (the sidebar
    reads it through `app.users.cache.ColleagueCache`)."""
    stmt = (
        select(User.id, User.handle, User.display_name, User.title)
        .where(User.is_active.is_(True), User.department_key == fold(department.strip()))
        .order_by(User.name_key, User.id)
        .limit(limit)
    )
    if exclude_user_id is not None:
        stmt = stmt.where(User.id != exclude_user_id)
    return [UserSummary(id=i, handle=h, display_name=d, title=t) for i, h, d, t in await session.execute(stmt)]


async def directory(
    session: AsyncSession,
    runtime: Runtime,
    actor: Actor,
    *,
    q: str | None = None,
    skill: str | None = None,
    department: str | None = None,
    cursor: str | None = None,
    limit: int = 20,
) -> tuple[list[UserRead], str | None]:
    """Active members by name, skill and department, ordered by name ("who knows about X?").

    `q` matches as typed (a name, a handle), or as a question: each of its words other than stop words and asking
    words ("who knows about SEO") must match a name, title or skill, an expression with skill synonyms also matching
    its translation ("SEO" finds "Référencement"). `skill` matches a skill or its translation."""
    synonyms = await synonyms_service.synonym_map(session)
    stmt = select(User).where(User.is_active.is_(True))
    if q and q.strip():
        stmt = stmt.where(_question_filter(q.strip(), synonyms))
    if skill and skill.strip():
        matches = []
        for expression in synonyms_service.equivalents(synonyms, skill.strip()):
            matches.append(User.id.in_(select(UserSkill.user_id).where(UserSkill.skill_key == fold(expression)[:60])))
            stemmed = await _indexed_skill_matches(session, runtime, expression)
            if stemmed is not None:
                matches.append(User.id.in_(stemmed))
        stmt = stmt.where(or_(*matches))
    if department and department.strip():
        stmt = stmt.where(User.department_key.like(f"%{_escape_like(fold(department.strip()))}%", escape="\\"))
    position = decode_cursor(cursor)
    if position is not None:
        name, last_id = cursor_str(position, "n"), cursor_int(position, "i")
        stmt = stmt.where(or_(User.name_key > name, (User.name_key == name) & (User.id > last_id)))
    users = list(await session.scalars(stmt.order_by(User.name_key, User.id).limit(limit + 1)))
    next_cursor = None
    if len(users) > limit:
        users = users[:limit]
        next_cursor = encode_cursor({"n": users[-1].name_key, "i": users[-1].id})
    return await summaries_with_counts(session, actor, users), next_cursor


def _question_filter(q: str, synonyms: Synonyms) -> ColumnElement[bool]:
    """Members whose name, handle, title or a skill holds `q` as typed, or who match each word of the question."""
    as_typed = _contains(fold(q))
    # Bounded like a search (16 words): each word is a condition of the statement.
    words = [fold(w) for w in content_words(q) if fold(w) not in ASKING_WORDS][:16]
    if not words:
        return as_typed
    units: list[ColumnElement[bool]] = []
    position = 0
    while position < len(words):
        expression, translations = _synonym_at(words, position, synonyms)
        plain = and_(*(_contains(w) for w in words[position:position + expression]))
        if translations:
            translated = [UserSkill.skill_key.like(f"%{_escape_like(fold(t)[:60])}%", escape="\\") for t in translations]
            plain = or_(plain, User.id.in_(select(UserSkill.user_id).where(or_(*translated))))
        units.append(plain)
        position += expression
    return or_(as_typed, and_(*units))


def _synonym_at(words: list[str], start: int, synonyms: Synonyms) -> tuple[int, Sequence[str]]:
    """(how many words, translations) of the longest expression with synonyms starting at `start`, else (1, ())."""
    for end in range(len(words), start, -1):
        translations = synonyms.get(" ".join(words[start:end]))
        if translations:
            return end - start, translations
    return 1, ()


def _contains(folded: str) -> ColumnElement[bool]:
    pattern = f"%{_escape_like(folded)}%"
    return or_(
        User.search_key.like(pattern, escape="\\"),
        User.id.in_(select(UserSkill.user_id).where(UserSkill.skill_key.like(pattern, escape="\\"))),
    )


async def _indexed_skill_matches(session: AsyncSession, runtime: Runtime, skill: str) -> list[int] | None:
    """Members the search index matches on `skill` (accents folded, French/English stems; re-checked against
    their current skills); None when the index is unavailable: the exact SQL match then works alone."""
    from app.search import service as search_service  # late: search imports users

    return await search_service.user_ids_for_skill(session, runtime.search, skill)


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


async def summaries_with_counts(session: AsyncSession, actor: Actor, users: Sequence[User]) -> list[UserRead]:
    """Directory cards, batched: one query per count, not per member."""
    ids = [u.id for u in users]
    if not ids:
        return []
    skills = await skills_of(session, ids)
    followers = dict(
        (await session.execute(
            select(Follow.followed_id, func.count()).where(Follow.followed_id.in_(ids)).group_by(Follow.followed_id)
        )).all()
    )
    following = dict(
        (await session.execute(
            select(Follow.follower_id, func.count()).where(Follow.follower_id.in_(ids)).group_by(Follow.follower_id)
        )).all()
    )
    posts = dict(
        (await session.execute(
            select(Post.author_id, func.count())
            .where(Post.author_id.in_(ids), permissions.visible_posts(actor))
            .group_by(Post.author_id)
        )).all()
    )
    mine = set(
        await session.scalars(select(Follow.followed_id).where(Follow.follower_id == actor.user_id, Follow.followed_id.in_(ids)))
    )
    return [
        UserRead.model_validate(
            {
                **user_columns(u), "skills": skills[u.id], "follower_count": followers.get(u.id, 0),
                "following_count": following.get(u.id, 0), "post_count": posts.get(u.id, 0),
                "followed_by_me": u.id in mine,
            }
        )
        for u in users
    ]


# Administration

async def admin_update(session: AsyncSession, actor: Actor, user_id: int, data: AdminUserUpdate) -> User:
    permissions.require(actor.is_admin, "Only administrators can change roles and accounts")
    user = await access_user(session, user_id)
    if data.role is not None:
        if user.id == actor.user_id and data.role != "admin":
            await _require_another_admin(session, user.id)
        user.role = data.role
    if data.active is not None:
        if user.id == actor.user_id and not data.active:
            raise Invalid("You cannot deactivate your own account")
        user.is_active = data.active
        emit(session, UserUpdated(actor_id=actor.user_id, subject_user_id=user.id))
        if not data.active:
            await session.execute(
                update(AuthSession).where(AuthSession.user_id == user.id, AuthSession.revoked_at.is_(None)).values(revoked_at=utcnow())
            )
    await session.flush()
    return user


async def _require_another_admin(session: AsyncSession, user_id: int) -> None:
    other = await session.scalar(select(User.id).where(User.role == "admin", User.id != user_id, User.is_active.is_(True)).limit(1))
    if other is None:
        raise Conflict("The network needs at least one administrator")


async def list_users_admin(
    session: AsyncSession, actor: Actor, *, q: str | None = None, cursor: str | None = None, limit: int = 50
) -> tuple[list[User], str | None]:
    permissions.require(actor.is_admin, "Only administrators can manage accounts")
    stmt = select(User)
    if q:
        pattern = f"%{_escape_like(q.strip().lower())}%"
        stmt = stmt.where(or_(func.lower(User.display_name).like(pattern, escape="\\"), User.email.like(pattern, escape="\\")))
    last_id = cursor_int(decode_cursor(cursor), "i")
    if last_id is not None:
        stmt = stmt.where(User.id > last_id)
    users = list(await session.scalars(stmt.order_by(User.id).limit(limit + 1)))
    next_cursor = encode_cursor({"i": users[limit - 1].id}) if len(users) > limit else None
    return users[:limit], next_cursor
