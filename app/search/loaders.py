"""From activities to index operations: which objects to refresh, and their current state in the database.

Every operation is derived from the database as it is now, never from the activity's payload, so applying an
activity twice or out of order converges on the same index (replays are harmless)."""

from collections.abc import AsyncIterator, Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app import permissions
from app.groups.models import Group
from app.outbox.models import Activity
from app.outbox.types import (
    CommentDeleted,
    GroupAccepted,
    GroupCreated,
    GroupRequested,
    GroupUpdated,
    MembershipChanged,
    NotificationCreated,
    PostCreated,
    PostUpdated,
    ReactionChanged,
    UserCreated,
    UserUpdated,
)
from app.posts.models import Comment, Post
from app.search.schema import comment_doc, group_doc, post_doc, uid, user_doc
from app.users import service as users_service
from app.users.models import User

# ("update", doc) | ("delete", uid) | ("delete_post", post_id: the post and its comments)
Op = tuple[str, Any]
_IGNORED = (ReactionChanged, MembershipChanged, GroupRequested, GroupAccepted, NotificationCreated)


@dataclass
class Targets:
    posts: set[int] = field(default_factory=set)
    posts_with_comments: set[int] = field(default_factory=set)
    comments: set[int] = field(default_factory=set)
    deleted_comment_posts: set[int] = field(default_factory=set)
    users: set[int] = field(default_factory=set)
    groups: set[int] = field(default_factory=set)

    def add(self, activity: Activity) -> None:
        """Record what one activity may have changed. A type this code does not know (a newer release wrote it)
        refreshes what its ids name, post and comments included: refreshing more than needed is harmless."""
        a = activity.typed
        if isinstance(a, _IGNORED):
            return
        if activity.comment_id is not None:
            self.comments.add(activity.comment_id)
            if isinstance(a, CommentDeleted):
                self.deleted_comment_posts.add(a.post_id)
        elif activity.post_id is not None:
            self.posts.add(activity.post_id)
            if not isinstance(a, PostCreated | PostUpdated):  # deleted, hidden, restored, moved: comments follow
                self.posts_with_comments.add(activity.post_id)
        elif isinstance(a, UserCreated | UserUpdated):
            self.users.add(a.subject_user_id)
        elif isinstance(a, GroupCreated | GroupUpdated):
            self.groups.add(a.group_id)
        elif a is None and activity.subject_user_id is not None:
            self.users.add(activity.subject_user_id)
        elif a is None and activity.group_id is not None:
            self.groups.add(activity.group_id)


async def load_ops(session: AsyncSession, targets: Targets) -> list[Op]:
    ops: list[Op] = []
    post_ids = targets.posts | targets.posts_with_comments
    if post_ids:
        posts = {p.id: p for p in await session.scalars(select(Post).where(Post.id.in_(post_ids)))}
        for pid in sorted(post_ids):
            post = posts.get(pid)
            ops.append(("update", post_doc(post)) if post is not None and permissions.is_indexable_post(post)
                       else ("delete_post", pid))
        live = [pid for pid in targets.posts_with_comments if permissions.is_indexable_post(posts.get(pid))]
        if live:
            comments = await session.scalars(select(Comment).where(Comment.post_id.in_(live)))
            ops.extend(_comment_op(c, posts[c.post_id]) for c in comments)
    if targets.comments:
        rows = (await session.execute(
            select(Comment, Post).join(Post, Post.id == Comment.post_id).where(Comment.id.in_(targets.comments))
        )).all()
        found = {c.id for c, _ in rows}
        ops.extend(_comment_op(c, p) for c, p in rows)
        ops.extend(("delete", uid("comment", cid)) for cid in targets.comments - found)
    if targets.deleted_comment_posts:
        gone = await session.scalars(select(Comment.id).where(
            Comment.post_id.in_(targets.deleted_comment_posts), permissions.deleted_comments()))
        ops.extend(("delete", uid("comment", cid)) for cid in gone)
    if targets.users:
        ops.extend(await _user_ops(session, targets.users))
    if targets.groups:
        groups = {g.id: g for g in await session.scalars(select(Group).where(Group.id.in_(targets.groups)))}
        for gid in sorted(targets.groups):
            # Archived and deleted groups leave the index: search is for discovery (app.permissions.is_discoverable).
            group = groups.get(gid)
            ops.append(("update", group_doc(group)) if group is not None and permissions.is_discoverable(group)
                       else ("delete", uid("group", gid)))
    return ops


def _comment_op(comment: Comment, post: Post) -> Op:
    if not permissions.comment_exists(comment) or not permissions.is_indexable_post(post):
        return ("delete", uid("comment", comment.id))
    return ("update", comment_doc(comment, post.group_id))


async def _user_ops(session: AsyncSession, user_ids: Iterable[int]) -> list[Op]:
    ids = sorted(user_ids)
    users = {u.id: u for u in await session.scalars(select(User).where(User.id.in_(ids)))}
    skills = await users_service.skills_of(session, list(users))
    return [
        ("update", user_doc(users[i], skills[i])) if i in users and users[i].is_active else ("delete", uid("user", i))
        for i in ids
    ]


async def all_docs(session: AsyncSession, chunk: int = 2000) -> AsyncIterator[list[dict[str, Any]]]:
    """Every searchable document in the database, in chunks (keyset pagination, bounded memory)."""
    last = 0
    while True:
        users = list(await session.scalars(
            select(User).where(User.id > last, User.is_active.is_(True)).order_by(User.id).limit(chunk)))
        if not users:
            break
        skills = await users_service.skills_of(session, [u.id for u in users])
        yield [user_doc(u, skills[u.id]) for u in users]
        last = users[-1].id
    groups = await session.scalars(select(Group).where(permissions.discoverable_groups()).order_by(Group.id))
    yield [group_doc(g) for g in groups]
    # Newest first: the query scan visits documents in this order and stops after a budget (queries.py).
    posts, comments = _posts_newest_first(session, chunk), _comments_newest_first(session, chunk)
    post, comment = await anext(posts, None), await anext(comments, None)
    batch: list[dict[str, Any]] = []
    while True:
        if post is not None and (comment is None or post["created"] >= comment["created"]):
            batch.append(post)
            post = await anext(posts, None)
        elif comment is not None:
            batch.append(comment)
            comment = await anext(comments, None)
        else:
            break
        if len(batch) >= chunk:
            yield batch
            batch = []
    if batch:
        yield batch


async def _posts_newest_first(session: AsyncSession, chunk: int) -> AsyncIterator[dict[str, Any]]:
    last: int | None = None
    while True:
        stmt = select(Post).where(permissions.published_posts())
        if last is not None:
            stmt = stmt.where(Post.id < last)
        posts = list(await session.scalars(stmt.order_by(Post.id.desc()).limit(chunk)))
        if not posts:
            return
        for p in posts:
            yield post_doc(p)
        last = posts[-1].id


async def _comments_newest_first(session: AsyncSession, chunk: int) -> AsyncIterator[dict[str, Any]]:
    last: int | None = None
    while True:
        stmt = (select(Comment, Post.group_id).join(Post, Post.id == Comment.post_id)
                .where(permissions.existing_comments(), permissions.published_posts()))
        if last is not None:
            stmt = stmt.where(Comment.id < last)
        rows = (await session.execute(stmt.order_by(Comment.id.desc()).limit(chunk))).all()
        if not rows:
            return
        for c, gid in rows:
            yield comment_doc(c, gid)
        last = rows[-1][0].id
