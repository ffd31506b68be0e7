"""`ruche demo`: seed a believable community into an empty database, through the same services as the API.

Members are registered with `users.service.register(by_admin=True)` and completed with `update_me`, roles are
given by the admin through `admin_update`, groups, memberships and follows go through their services, so
handles, skills and the activity outbox are exactly what real use produces. Everything is one transaction:
a failure leaves the database empty.
"""

import random
import time
import zlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from app import permissions
from app.config import Settings
from app.db import make_engine, make_sessionmaker, session_scope, utcnow
from app.demo.content import FOLLOWS_PER_MEMBER, GROUPS, CommentSpec, GroupSpec, PostSpec
from app.demo.people import ADMIN_EMAIL, DEMO_PASSWORD, EMAIL_DOMAIN, MEMBERS, MemberSpec, extra_member
from app.demo.threads import POSTS
from app.groups import service as groups_service
from app.groups.models import Group, GroupMembership
from app.groups.schemas import GroupCreate
from app.outbox.models import Activity
from app.outbox.types import GroupRequested, ReactionChanged
from app.permissions import Actor
from app.posts import comments as comments_service
from app.posts import reactions as reactions_service
from app.posts import service as posts_service
from app.posts.models import Post
from app.posts.schemas import CommentCreate, PostCreate
from app.runtime import Runtime
from app.security import hash_password
from app.text import fold
from app.users import service as users_service
from app.users.models import User
from app.users.schemas import AdminUserUpdate, UserRegister, UserUpdate

# Registration hashes each password; the demo hashes its one password once (with the configured cost) and
# stores that hash on every account, registering with a cheap throwaway cost meanwhile.
_CHEAP_HASH = {"ARGON2_MEMORY_KIB": 1024, "ARGON2_TIME_COST": 1}
_SEED = 2026  # the same community every time


class DatabaseNotEmpty(SystemExit):
    """Raised when members already exist: the CLI exits with code 1 and this message."""


@dataclass
class Community:
    """What has been created so far, by member key and group key."""

    runtime: Runtime
    rng: random.Random
    users: dict[str, User] = field(default_factory=dict)
    order: list[User] = field(default_factory=list)
    groups: dict[str, Group] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)
    actors: dict[int, Actor] = field(default_factory=dict)

    def user(self, key: str) -> User:
        """The member with this key, or a stand-in from those created (`--members` below the cast size)."""
        found = self.users.get(key)
        if found is not None:
            return found
        return self.order[zlib.crc32(key.encode()) % len(self.order)]

    async def actor(self, session: AsyncSession, user: User) -> Actor:
        """Cached Actor, for the phases where memberships are settled (follows, threads)."""
        if user.id not in self.actors:
            self.actors[user.id] = await users_service.build_actor(self.runtime, session, user)
        return self.actors[user.id]


async def seed(settings: Settings, members: int = 60) -> str:
    """Seed `members` members, the demo groups and their threads; returns a summary for the terminal."""
    started = time.monotonic()
    settings = settings.model_copy(
        update={"POST_INTERVAL_S": 0, "RATE_LIMITS": "off", "DUPLICATE_POST_WINDOW_S": 0}
    )
    engine = make_engine(settings)
    try:
        async with session_scope(make_sessionmaker(engine)) as session:
            if await session.scalar(select(User.id).limit(1)) is not None:
                raise DatabaseNotEmpty(
                    "error: this database already has members; `ruche demo` only seeds an empty database "
                    "(point RUCHE_DATA_DIR or RUCHE_DATABASE_URL at a new one)"
                )
            community = Community(Runtime(settings), random.Random(_SEED))
            await create_members(session, community, members)
            await create_groups(session, community)
            await create_follows(session, community)
            await create_threads(session, community)
    finally:
        await engine.dispose()
    return summary(community, time.monotonic() - started)


async def actor_for(community: Community, session: AsyncSession, user: User) -> Actor:
    """A fresh Actor: memberships change while seeding, and Actor is a snapshot."""
    return await users_service.build_actor(community.runtime, session, user)


async def create_members(session: AsyncSession, community: Community, count: int) -> None:
    cheap = Runtime(community.runtime.settings.model_copy(update=_CHEAP_HASH))
    password_hash = await hash_password(community.runtime, DEMO_PASSWORD)
    specs = list(MEMBERS[:count]) + [extra_member(i) for i in range(max(0, count - len(MEMBERS)))]
    emails: set[str] = set()
    for spec in specs:
        email = _email(spec, emails)
        user = await users_service.register(
            session, cheap, UserRegister(email=email, password=DEMO_PASSWORD, display_name=spec.name), by_admin=True
        )
        user.password_hash = password_hash
        await users_service.update_me(
            session, await actor_for(community, session, user),
            UserUpdate(title=spec.title, department=spec.department, location=spec.location, bio=spec.bio,
                       skills=list(spec.skills), language=spec.language),  # type: ignore[arg-type]
        )
        community.users[spec.key or user.handle] = user
        community.order.append(user)
    admin = community.order[0]  # the first account registered is the admin
    admin_actor = await actor_for(community, session, admin)
    for spec, user in zip(specs, community.order, strict=True):
        if spec.role not in ("member", "admin"):
            await users_service.admin_update(session, admin_actor, user.id, AdminUserUpdate(role=spec.role))  # type: ignore[arg-type]
    community.counts["members"] = len(community.order)


def _email(spec: MemberSpec, taken: set[str]) -> str:
    if spec.role == "admin":
        email = ADMIN_EMAIL
    else:
        local = ".".join(part for part in fold(spec.name).replace("'", "").split() if part)
        email = f"{local}@{EMAIL_DOMAIN}"
        n = 2
        while email in taken:
            email = f"{local}{n}@{EMAIL_DOMAIN}"
            n += 1
    taken.add(email)
    return email


async def create_groups(session: AsyncSession, community: Community) -> None:
    for spec in GROUPS:
        animators = _unique(community.user(key) for key in spec.animators)
        creator = animators[0]
        group = await groups_service.create_group(
            session, await actor_for(community, session, creator),
            GroupCreate(name=spec.name, description=spec.description, visibility=spec.visibility,  # type: ignore[arg-type]
                        guidelines=spec.guidelines),
        )
        community.groups[spec.key] = group
        manager = await actor_for(community, session, creator)
        for other in animators[1:]:
            await groups_service.set_member(session, manager, group.id, other.id, "animator")
        joined = {u.id for u in animators}
        for user in _group_members(community, spec):
            if user.id not in joined:
                joined.add(user.id)
                await add_member(session, community, spec.key, user)
        for key in spec.pending:
            pending = community.users.get(key)
            if pending is not None and pending.id not in joined:
                joined.add(pending.id)
                await _ask_to_join(session, community, group, pending)
    community.counts["groups"] = len(community.groups)


async def _ask_to_join(session: AsyncSession, community: Community, group: Group, user: User) -> None:
    """A request waiting for the group's animators since a day or two: the notifier tells every animator of it
    (`group.requested`), and the request shows at the top of the group page for them."""
    await groups_service.join(session, await actor_for(community, session, user), group.id)
    when = utcnow() - timedelta(hours=community.rng.randint(20, 60))
    await session.execute(update(GroupMembership).where(GroupMembership.group_id == group.id,
                                                        GroupMembership.user_id == user.id).values(requested_at=when))
    await _backdate(session, when, Activity.type == GroupRequested.type, Activity.group_id == group.id,
                    Activity.subject_user_id == user.id)


def _group_members(community: Community, spec: GroupSpec) -> list[User]:
    chosen = [community.users[key] for key in spec.members if key in community.users]
    chosen += [
        u for key, u in community.users.items()
        if u.department in spec.departments and key not in spec.pending
    ]
    others = [u for key, u in community.users.items() if key not in spec.pending and u not in chosen]
    chosen += community.rng.sample(others, min(spec.random_members, len(others)))
    return _unique(chosen)


async def add_member(session: AsyncSession, community: Community, group_key: str, user: User) -> None:
    """Public groups are joined by the member; private and secret ones are joined by an animator's hand."""
    group = community.groups[group_key]
    if permissions.is_public(group):
        await groups_service.join(session, await actor_for(community, session, user), group.id)
        return
    animator_key = next(s.animators[0] for s in GROUPS if s.key == group_key)
    manager = await actor_for(community, session, community.user(animator_key))
    await groups_service.set_member(session, manager, group.id, user.id, "member")


async def create_follows(session: AsyncSession, community: Community) -> None:
    """Members follow colleagues, mostly from their own department, and the people who run the community."""
    low, high = FOLLOWS_PER_MEMBER
    leaders = community.order[:3]
    total = 0
    for user in community.order:
        actor = await community.actor(session, user)
        colleagues = [u for u in community.order if u.department == user.department and u.id != user.id]
        others = [u for u in community.order if u.id != user.id]
        wanted = community.rng.randint(low, high)
        picks = community.rng.sample(colleagues, min(len(colleagues), wanted // 2))
        picks += community.rng.sample(others, min(len(others), wanted - len(picks)))
        picks += [u for u in leaders if u.id != user.id and community.rng.random() < 0.5]
        for target in _unique(picks):
            await users_service.follow(session, actor, target.id)
            total += 1
    community.counts["follows"] = total


async def create_threads(session: AsyncSession, community: Community) -> None:
    """Posts (oldest first, so ids and dates agree), their comments and reactions, backdated over four weeks.

    The services stamp everything "now"; afterwards the seeder writes `created_at` on the post, its comments
    and their activities, which is the one thing done outside the services."""
    now = utcnow()
    for key in ("posts", "comments", "reactions"):
        community.counts[key] = 0
    for spec in POSTS:
        group = community.groups[spec.group] if spec.group else None
        author = community.user(spec.author)
        if group is not None:
            await ensure_member(session, community, spec.group or "", author)
        actor = await community.actor(session, author)
        kind = spec.kind
        if kind == "announcement" and not permissions.can_announce_in(actor, group.id if group else None):
            kind = "discussion"  # a stand-in author (small --members) may not announce
        post, _ = await posts_service.create_post(
            session, community.runtime, actor, PostCreate(body=spec.body, group_id=group.id if group else None, kind=kind,  # type: ignore[arg-type]
                                       title=spec.title),
        )
        when = now - timedelta(days=spec.days_ago)
        post.created_at = when
        await _backdate(session, when, Activity.post_id == post.id, Activity.comment_id.is_(None))
        community.counts["posts"] += 1
        readers = await _readers(session, community, spec)
        moment = when
        for comment in spec.comments:
            moment = await _comment(session, community, spec, post, comment, None, moment, now)
        await _react_to_post(session, community, spec, post, readers, when, now)


async def ensure_member(session: AsyncSession, community: Community, group_key: str, user: User) -> None:
    group = community.groups[group_key]
    if group.id not in (await community.actor(session, user)).member_group_ids:
        await add_member(session, community, group_key, user)
        community.actors.pop(user.id, None)


async def _readers(session: AsyncSession, community: Community, spec: PostSpec) -> list[User]:
    """Members who may see the post: everyone for company-wide and public groups, else the group's members."""
    group = community.groups.get(spec.group or "")
    if group is None or permissions.is_public(group):
        return list(community.order)
    ids = set(await groups_service.member_user_ids(session, group.id))
    return [u for u in community.order if u.id in ids]


async def _comment(
    session: AsyncSession, community: Community, spec: PostSpec, post: Post, comment: CommentSpec,
    parent_id: int | None, after: datetime, now: datetime,
) -> datetime:
    """Create a comment and its replies, each a little after the previous one; returns the last time used."""
    author = community.user(comment.author)
    group = community.groups.get(spec.group or "")
    if group is not None and not permissions.is_public(group):
        await ensure_member(session, community, spec.group or "", author)
    actor = await community.actor(session, author)
    created = await comments_service.create_comment(
        session, actor, post.id, CommentCreate(body=comment.body, parent_id=parent_id)
    )
    gap = timedelta(minutes=community.rng.randint(20, 300))
    when = min(after + gap, now - timedelta(minutes=2))
    created.created_at = when
    await _backdate(session, when, Activity.comment_id == created.id)
    community.counts["comments"] += 1
    readers = [u for u in await _readers(session, community, spec) if u.id != author.id]
    for reactor in community.rng.sample(readers, min(comment.reactions, len(readers))):
        await reactions_service.set_comment_reaction(session, await community.actor(session, reactor), created.id, "like")
        community.counts["reactions"] += 1
    # Their activities too: the notifications they cause carry their time, not the seeding's.
    liked = min(when + timedelta(minutes=community.rng.randint(5, 600)), now - timedelta(minutes=1))
    await _backdate(session, liked, Activity.comment_id == created.id, Activity.type == ReactionChanged.type)
    for reply in comment.replies:
        when = await _comment(session, community, spec, post, reply, created.id, when, now)
    return when


async def _react_to_post(
    session: AsyncSession, community: Community, spec: PostSpec, post: Post, readers: list[User],
    when: datetime, now: datetime,
) -> None:
    kinds = [kind for kind, count in spec.reactions for _ in range(count)]
    others = [u for u in readers if u.id != post.author_id]
    for reactor, kind in zip(community.rng.sample(others, min(len(kinds), len(others))), kinds, strict=False):
        await reactions_service.set_post_reaction(session, await community.actor(session, reactor), post.id, kind)
        community.counts["reactions"] += 1
    span = max((now - when).total_seconds(), 60.0)
    await _backdate(session, when + timedelta(seconds=community.rng.uniform(0, span)),
                    Activity.post_id == post.id, Activity.type == ReactionChanged.type, Activity.comment_id.is_(None))


async def _backdate(session: AsyncSession, when: datetime, *where: object) -> None:
    # Activities still pending in the session (a reaction's) must be rows before the UPDATE, or they keep "now".
    await session.flush()
    await session.execute(update(Activity).where(*where).values(created_at=when))  # type: ignore[arg-type]


def _unique(users: Iterable[User]) -> list[User]:
    seen: set[int] = set()
    out: list[User] = []
    for user in users:
        if user.id not in seen:
            seen.add(user.id)
            out.append(user)
    return out


def summary(community: Community, seconds: float) -> str:
    counts = community.counts
    parts = [f"{counts.get('members', 0)} members", f"{counts.get('groups', 0)} groups",
             f"{counts.get('follows', 0)} follows"]
    for name in ("posts", "comments", "reactions"):
        if name in counts:
            parts.append(f"{counts[name]} {name}")
    leaders = community.order[:3]
    roles = ", ".join(f"{u.email} ({u.role})" for u in leaders)
    return (
        f"Demo community seeded in {seconds:.1f} s: {', '.join(parts)}.\n"
        f"Sign in with {roles} or any other member (firstname.lastname@{EMAIL_DOMAIN}).\n"
        f"Password of every demo account: {DEMO_PASSWORD}  (demo only: never use these accounts for real)"
    )
