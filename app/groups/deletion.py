"""Deleting a group: its animators or an admin; its posts are soft-deleted with it (SECURITY.md: purged later)."""

from secrets import token_hex

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from app import permissions
from app.db import utcnow
from app.groups import service as groups_service
from app.groups.models import GroupMembership
from app.outbox.types import GroupUpdated, MembershipChanged
from app.outbox.write import emit
from app.permissions import Actor
from app.posts import service as posts_service

DELETED = "deleted"  # the `visibility` of a deleted group's `group.updated` activity


async def delete_group(session: AsyncSession, actor: Actor, group_id: int) -> None:
    """404 for those who may not see the group, 403 for its members; then the group exists for nobody."""
    group = await groups_service.access_group(session, actor, group_id)
    permissions.require(permissions.can_delete_group(actor, group),
                        "Only the group's animators and administrators can delete it")
    await posts_service.delete_group_posts(session, actor, group.id)
    members = list(await session.scalars(select(GroupMembership.user_id).where(GroupMembership.group_id == group.id)))
    await session.execute(delete(GroupMembership).where(GroupMembership.group_id == group.id))
    for user_id in members:  # open sockets drop the group's channel at once, as after a removal
        emit(session, MembershipChanged(actor_id=actor.user_id, group_id=group.id, subject_user_id=user_id, status=None))
    group.deleted_at = utcnow()
    # The name and the address are free again for a new group; the random part keeps them from meeting any name
    # a member could type (names are at most 200 characters, but nobody guesses these).
    tag = f"deleted-{group.id}-{token_hex(8)}"
    group.name_key, group.slug = tag, tag
    # Reloads every process's group cache (the group leaves it) and takes the group out of the search index;
    # "deleted", not its old visibility: open sockets must not count a deleted public group as public again.
    emit(session, GroupUpdated(actor_id=actor.user_id, group_id=group.id, visibility=DELETED))
    await session.flush()
