"""Groups: public, private (join by request) and secret (invitation only); animators manage them."""

from typing import Any

from sqlalchemy import Select, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from app import permissions
from app.db import utcnow
from app.errors import Conflict, NotFound
from app.groups.cache import GroupCache
from app.groups.models import MEMBER_STATUSES, GrantedStatus, Group, GroupMembership
from app.groups.schemas import GroupCreate, GroupRead, GroupSummary, GroupUpdate, MemberRead
from app.network import service as network_service
from app.outbox.types import GroupAccepted, GroupCreated, GroupRequested, GroupUpdated, MembershipChanged
from app.outbox.write import emit
from app.permissions import Actor
from app.schemas import cursor_int, cursor_str, decode_cursor, encode_cursor
from app.text import slugify
from app.users.models import User
from app.users.schemas import UserSummary

CREATION_REFUSED = {
    "animators": "Only group animators and administrators can create groups on this network",
    "admins": "Only administrators can create groups on this network",
}
ARCHIVED_READ_ONLY = "This group is archived: it is read-only"
ARCHIVED_NO_MEMBERS = "This group is archived: it accepts no new members"


async def create_group(session: AsyncSession, actor: Actor, data: GroupCreate) -> Group:
    policy = (await network_service.current(session)).group_creation
    permissions.require(permissions.can_create_group(actor, policy), CREATION_REFUSED.get(policy, "Not allowed"))
    key = data.name.casefold()
    if await session.scalar(select(Group.id).where(Group.name_key == key)) is not None:
        raise Conflict("A group with this name already exists")
    group = Group(
        name=data.name, name_key=key, slug=await _free_slug(session, slugify(data.name) or "group"),
        description=data.description, guidelines=data.guidelines, visibility=data.visibility,
        created_by_id=actor.user_id,
    )
    session.add(group)
    try:
        async with session.begin_nested():
            await session.flush()
    except IntegrityError as exc:
        raise Conflict("A group with this name already exists") from exc
    now = utcnow()
    session.add(GroupMembership(group_id=group.id, user_id=actor.user_id, status="animator", requested_at=now, joined_at=now))
    emit(session, GroupCreated(actor_id=actor.user_id, group_id=group.id, visibility=group.visibility))
    _membership_event(session, actor.user_id, group, actor.user_id, "animator")
    await session.flush()
    return group


async def _free_slug(session: AsyncSession, base: str) -> str:
    taken = set(await session.scalars(select(Group.slug).where(Group.slug.like(f"{base}%"))))
    if base not in taken:
        return base
    n = 2
    while f"{base}-{n}" in taken:
        n += 1
    return f"{base}-{n}"


async def update_group(session: AsyncSession, actor: Actor, group_id: int, data: GroupUpdate) -> Group:
    group = await access_group(session, actor, group_id)
    permissions.require(permissions.can_manage_group(actor, group), "Only the group's animators can change it")
    changes = data.model_dump(exclude_unset=True, exclude_none=True)
    if "archived" in changes:
        archive = changes.pop("archived")
        if archive != permissions.is_archived(group):
            group.archived_at = utcnow() if archive else None
    if "name" in changes and changes["name"].casefold() != group.name_key:
        if await session.scalar(select(Group.id).where(Group.name_key == changes["name"].casefold())) is not None:
            raise Conflict("A group with this name already exists")
        group.name_key = changes["name"].casefold()
    for field, value in changes.items():
        setattr(group, field, value)
    emit(session, GroupUpdated(actor_id=actor.user_id, group_id=group.id, visibility=group.visibility))
    await session.flush()
    return group


async def access_group(session: AsyncSession, actor: Actor, group_id: int | None) -> Group:
    """Load a group the actor may know exists; secret groups are NotFound to outsiders."""
    group = await session.get(Group, group_id) if group_id is not None else None
    if group is None or not permissions.can_see_group(actor, group):
        raise NotFound()
    return group


async def visible_group(session: AsyncSession, actor: Actor, group_id: int, cache: GroupCache) -> GroupSummary:
    """A group the actor may know exists, as a summary: from the runtime's `cache` (building the actor brought it
    to this request's version) instead of a query; a group the cache does not know yet is read."""
    group = cache.summary(group_id)
    if group is None:
        loaded = await access_group(session, actor, group_id)
        return GroupSummary(id=loaded.id, slug=loaded.slug, name=loaded.name, visibility=loaded.visibility)
    if not permissions.can_see_group(actor, group):
        raise NotFound()
    return group


async def require_writable(session: AsyncSession, group_id: int, cache: GroupCache | None = None) -> None:
    """Archived groups take no new post or comment (403): from the runtime's `cache` when it knows the group."""
    archived = cache.archived(group_id) if cache is not None else None
    if archived is None:
        group = await session.get(Group, group_id)
        archived = group is not None and permissions.is_archived(group)
    permissions.require(not archived, ARCHIVED_READ_ONLY)


async def access_group_by_slug(session: AsyncSession, actor: Actor, slug: str) -> Group:
    group = await session.scalar(select(Group).where(Group.slug == slug))
    if group is None or not permissions.can_see_group(actor, group):
        raise NotFound()
    return group


async def my_status(session: AsyncSession, actor: Actor, group_id: int) -> str | None:
    return await session.scalar(
        select(GroupMembership.status).where(GroupMembership.group_id == group_id, GroupMembership.user_id == actor.user_id)
    )


async def group_views(session: AsyncSession, actor: Actor, groups: list[Group]) -> list[GroupRead]:
    ids = [g.id for g in groups]
    if not ids:
        return []
    counts = dict(
        (await session.execute(
            select(GroupMembership.group_id, func.count())
            .where(GroupMembership.group_id.in_(ids), GroupMembership.status.in_(MEMBER_STATUSES))
            .group_by(GroupMembership.group_id)
        )).all()
    )
    statuses = dict(
        (await session.execute(
            select(GroupMembership.group_id, GroupMembership.status)
            .where(GroupMembership.group_id.in_(ids), GroupMembership.user_id == actor.user_id)
        )).all()
    )
    return [
        GroupRead.model_validate(
            {
                "id": g.id, "slug": g.slug, "name": g.name, "description": g.description, "guidelines": g.guidelines,
                "visibility": g.visibility, "member_count": counts.get(g.id, 0), "my_status": statuses.get(g.id),
                "created_at": g.created_at, "archived": permissions.is_archived(g), "archived_at": g.archived_at,
            }
        )
        for g in groups
    ]


async def group_view(session: AsyncSession, actor: Actor, group: Group) -> GroupRead:
    return (await group_views(session, actor, [group]))[0]


async def list_groups(
    session: AsyncSession, actor: Actor, *, q: str | None = None, mine: bool = False,
    cursor: str | None = None, limit: int = 20,
) -> tuple[list[GroupRead], str | None]:
    stmt = select(Group)
    if mine:
        stmt = stmt.where(Group.id.in_(permissions.member_groups_of(actor.user_id)), permissions.existing_groups())
    else:
        stmt = stmt.where(permissions.listed_groups(actor))
    if q:
        pattern = "%" + q.strip().casefold().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        stmt = stmt.where(or_(Group.name_key.like(pattern, escape="\\"), func.lower(Group.description).like(pattern, escape="\\")))
    position = decode_cursor(cursor)
    if position is not None:
        name, last_id = cursor_str(position, "n"), cursor_int(position, "i")
        stmt = stmt.where(or_(Group.name_key > name, (Group.name_key == name) & (Group.id > last_id)))
    groups = list(await session.scalars(stmt.order_by(Group.name_key, Group.id).limit(limit + 1)))
    next_cursor = None
    if len(groups) > limit:
        groups = groups[:limit]
        next_cursor = encode_cursor({"n": groups[-1].name_key, "i": groups[-1].id})
    return await group_views(session, actor, groups), next_cursor


RANKED = 50  # the most joined listed groups kept for suggestions


def my_groups(actor: Actor, cache: GroupCache, limit: int = 100) -> list[GroupSummary]:
    """The groups I belong to, by name, as summaries (the composer's destinations, the home sidebar), from the
    runtime's `cache`: building the actor brought it up to the version its memberships were read at."""
    return cache.summaries(actor.member_group_ids, limit)


async def suggested_groups(session: AsyncSession, actor: Actor, cache: GroupCache, limit: int = 4) -> list[GroupRead]:
    """Listed groups the member has not joined or asked to join, the most populated first: from the `cache`'s
    ranking, or from one query when the member belongs to most ranked groups."""
    ranked = await cache.ranking(session, _most_joined)
    skip = actor.member_group_ids | actor.requested_group_ids
    picks = [group for group in ranked if group.id not in skip][:limit]
    if len(picks) == limit or len(ranked) < RANKED:
        return picks
    mine = select(GroupMembership.group_id).where(GroupMembership.user_id == actor.user_id)
    rows = (await session.execute(_ranked(limit).where(Group.id.not_in(mine)))).all()
    return [_suggestion(g, n) for g, n in rows]


def _ranked(limit: int) -> Select[Group, int]:
    counts = (
        select(GroupMembership.group_id, func.count().label("n"))
        .where(GroupMembership.status.in_(MEMBER_STATUSES))
        .group_by(GroupMembership.group_id)
        .subquery()
    )
    return (
        select(Group, func.coalesce(counts.c.n, 0))
        .outerjoin(counts, counts.c.group_id == Group.id)
        .where(permissions.groups_listed_to_all())
        .order_by(func.coalesce(counts.c.n, 0).desc(), Group.id)
        .limit(limit)
    )


async def _most_joined(session: AsyncSession) -> list[Any]:
    return [_suggestion(g, n) for g, n in await session.execute(_ranked(RANKED))]


def _suggestion(g: Group, n: int) -> GroupRead:
    return GroupRead.model_validate(
        {"id": g.id, "slug": g.slug, "name": g.name, "description": g.description, "guidelines": g.guidelines,
         "visibility": g.visibility, "member_count": n, "my_status": None, "created_at": g.created_at,
         "archived": permissions.is_archived(g), "archived_at": g.archived_at}
    )


async def join(session: AsyncSession, actor: Actor, group_id: int) -> str:
    """Join a public group, or ask to join a private one; secret groups are by invitation only."""
    group = await access_group(session, actor, group_id)
    current = await session.scalar(
        select(GroupMembership).where(GroupMembership.group_id == group.id, GroupMembership.user_id == actor.user_id)
    )
    if current is not None:
        return current.status
    if not permissions.can_join_group(actor, group):
        raise NotFound()
    if permissions.is_archived(group):
        raise Conflict(ARCHIVED_NO_MEMBERS)
    status = "member" if permissions.is_public(group) else "pending"
    now = utcnow()
    membership = GroupMembership(
        group_id=group.id, user_id=actor.user_id, status=status, requested_at=now,
        joined_at=now if status == "member" else None,
    )
    try:
        async with session.begin_nested():
            session.add(membership)
            await session.flush()
    except IntegrityError:
        return await my_status(session, actor, group.id) or status
    if status == "pending":
        emit(session, GroupRequested(actor_id=actor.user_id, group_id=group.id, subject_user_id=actor.user_id))
    else:
        _membership_event(session, actor.user_id, group, actor.user_id, status)
    return status


async def list_members(
    session: AsyncSession, actor: Actor, group_id: int, *, status: str = "member",
    cursor: str | None = None, limit: int = 20,
) -> tuple[list[MemberRead], str | None]:
    group = await access_group(session, actor, group_id)
    if status == "pending":
        permissions.require(permissions.can_manage_group(actor, group), "Only animators see membership requests")
        statuses: tuple[str, ...] = ("pending",)
    else:
        statuses = MEMBER_STATUSES
    stmt = (
        select(GroupMembership, User)
        .join(User, User.id == GroupMembership.user_id)
        .where(GroupMembership.group_id == group.id, GroupMembership.status.in_(statuses))
    )
    last_id = cursor_int(decode_cursor(cursor), "i")
    if last_id is not None:
        stmt = stmt.where(GroupMembership.id > last_id)
    rows = (await session.execute(stmt.order_by(GroupMembership.id).limit(limit + 1))).all()
    next_cursor = encode_cursor({"i": rows[limit - 1][0].id}) if len(rows) > limit else None
    return [
        MemberRead(
            user=UserSummary.model_validate(user), status=m.status, joined_at=m.joined_at, requested_at=m.requested_at
        )
        for m, user in rows[:limit]
    ], next_cursor


async def set_member(
    session: AsyncSession, actor: Actor, group_id: int, user_id: int, status: GrantedStatus,
) -> MemberRead:
    """Accept a request, add someone directly (the only way into a secret group), promote or demote."""
    group = await access_group(session, actor, group_id)
    permissions.require(permissions.can_manage_group(actor, group), "Only the group's animators can manage members")
    user = await session.get(User, user_id)
    if user is None or not user.is_active:
        raise NotFound()
    membership = await session.scalar(
        select(GroupMembership).where(GroupMembership.group_id == group.id, GroupMembership.user_id == user.id)
    )
    now = utcnow()
    if permissions.is_archived(group) and (membership is None or membership.status == "pending"):
        raise Conflict(ARCHIVED_NO_MEMBERS)
    if membership is None:
        membership = GroupMembership(group_id=group.id, user_id=user.id, status=status, requested_at=now, joined_at=now)
        session.add(membership)
    else:
        if membership.status == "animator" and status != "animator":
            await _require_other_animator(session, group.id, user.id)
        was_pending = membership.status == "pending"
        membership.status = status
        membership.joined_at = membership.joined_at or now
        if was_pending:
            emit(session, GroupAccepted(actor_id=actor.user_id, group_id=group.id, subject_user_id=user.id))
    _membership_event(session, actor.user_id, group, user.id, status)
    await session.flush()
    return MemberRead(user=UserSummary.model_validate(user), status=membership.status, joined_at=membership.joined_at,
                      requested_at=membership.requested_at)


async def remove_member(session: AsyncSession, actor: Actor, group_id: int, user_id: int) -> None:
    """Leave (your own id) or remove a member / decline a request (animators)."""
    group = await access_group(session, actor, group_id)
    if user_id != actor.user_id:
        permissions.require(permissions.can_manage_group(actor, group), "Only the group's animators can remove members")
    membership = await session.scalar(
        select(GroupMembership).where(GroupMembership.group_id == group.id, GroupMembership.user_id == user_id)
    )
    if membership is None:
        raise NotFound()
    if membership.status == "animator":
        await _require_other_animator(session, group.id, user_id)
    await session.delete(membership)
    _membership_event(session, actor.user_id, group, user_id, None)
    await session.flush()


async def _require_other_animator(session: AsyncSession, group_id: int, user_id: int) -> None:
    other = await session.scalar(
        select(GroupMembership.id).where(
            GroupMembership.group_id == group_id, GroupMembership.status == "animator", GroupMembership.user_id != user_id
        ).limit(1)
    )
    if other is None:
        raise Conflict("A group needs at least one animator: promote another member first")


def _membership_event(session: AsyncSession, actor_id: int, group: Group, user_id: int, status: str | None) -> None:
    """Tell the member's open sockets to gain or lose the group's channel at once."""
    emit(session, MembershipChanged(actor_id=actor_id, group_id=group.id, subject_user_id=user_id, status=status))


def require_manager(actor: Actor, group: Group) -> None:
    """The settings page and its forms: the group's animators and admins (403 for others who see the group)."""
    permissions.require(permissions.can_manage_group(actor, group), "Only the group's animators can change it")


async def pending_count(session: AsyncSession, actor: Actor, group: Group) -> int:
    """How many membership requests wait for the group's animators (0 for anyone else)."""
    if not permissions.can_manage_group(actor, group):
        return 0
    return int(await session.scalar(
        select(func.count()).select_from(GroupMembership)
        .where(GroupMembership.group_id == group.id, GroupMembership.status == "pending")
    ) or 0)


async def member_user_ids(session: AsyncSession, group_id: int, statuses: tuple[str, ...] = MEMBER_STATUSES) -> list[int]:
    return list(
        await session.scalars(
            select(GroupMembership.user_id).where(GroupMembership.group_id == group_id, GroupMembership.status.in_(statuses))
        )
    )


