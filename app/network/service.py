"""Network settings: read when a rule needs them (one primary-key lookup, only where a group is created or the
group directory is shown), changed by admins."""

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from app import permissions
from app.db import utcnow
from app.network.models import SETTINGS_ROW, NetworkSettings
from app.network.schemas import NetworkSettingsRead, NetworkSettingsUpdate
from app.permissions import Actor


async def current(session: AsyncSession) -> NetworkSettingsRead:
    """The settings in force (their defaults until an admin changes one)."""
    row = await session.scalar(select(NetworkSettings.group_creation).where(NetworkSettings.id == SETTINGS_ROW))
    return NetworkSettingsRead() if row is None else NetworkSettingsRead(group_creation=row)  # type: ignore[arg-type]


async def get_settings(session: AsyncSession, actor: Actor) -> NetworkSettingsRead:
    permissions.require(actor.is_admin, "Only administrators can see the network settings")
    return await current(session)


async def update_settings(session: AsyncSession, actor: Actor, data: NetworkSettingsUpdate) -> NetworkSettingsRead:
    permissions.require(actor.is_admin, "Only administrators can change the network settings")
    row = await session.get(NetworkSettings, SETTINGS_ROW)
    if row is None:
        try:
            async with session.begin_nested():
                session.add(NetworkSettings(id=SETTINGS_ROW, group_creation=data.group_creation,
                                            updated_by_id=actor.user_id))
                await session.flush()
            return NetworkSettingsRead(group_creation=data.group_creation)
        except IntegrityError:  # another admin wrote the row first: change it like any other time
            row = await session.get(NetworkSettings, SETTINGS_ROW, populate_existing=True)
            assert row is not None
    row.group_creation = data.group_creation
    row.updated_at = utcnow()
    row.updated_by_id = actor.user_id
    await session.flush()
    return NetworkSettingsRead(group_creation=data.group_creation)

