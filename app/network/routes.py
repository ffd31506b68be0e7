from fastapi import APIRouter

from app.db import SessionDep
from app.network import service
from app.network.schemas import NetworkSettingsRead, NetworkSettingsUpdate
from app.security import CurrentActor

router = APIRouter(prefix="/api/v1/admin/settings", tags=["admin"])


@router.get("", response_model=NetworkSettingsRead)
async def get_settings(session: SessionDep, actor: CurrentActor) -> NetworkSettingsRead:
    return await service.get_settings(session, actor)


@router.put("", response_model=NetworkSettingsRead)
async def put_settings(data: NetworkSettingsUpdate, session: SessionDep, actor: CurrentActor) -> NetworkSettingsRead:
    return await service.update_settings(session, actor, data)
