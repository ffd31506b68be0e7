from typing import Annotated, Literal

from fastapi import APIRouter, Query, Response

from app.db import SessionDep
from app.deps import Cursor, Id, Limit
from app.groups import deletion, service
from app.groups.schemas import GroupCreate, GroupRead, GroupUpdate, JoinResult, MemberRead, MemberSet
from app.schemas import Page, SafeStr
from app.security import CurrentActor

router = APIRouter(prefix="/api/v1/groups", tags=["groups"])


@router.post("", status_code=201, response_model=GroupRead)
async def create(data: GroupCreate, session: SessionDep, actor: CurrentActor) -> GroupRead:
    group = await service.create_group(session, actor, data)
    return await service.group_view(session, actor, group)


@router.get("", response_model=Page[GroupRead])
async def list_groups(
    session: SessionDep, actor: CurrentActor, q: Annotated[SafeStr | None, Query(max_length=200)] = None,
    mine: bool = False, cursor: Cursor = None, limit: Limit = 20,
) -> Page[GroupRead]:
    items, next_cursor = await service.list_groups(session, actor, q=q, mine=mine, cursor=cursor, limit=limit)
    return Page(items=items, next_cursor=next_cursor)


@router.get("/{group_id}", response_model=GroupRead)
async def get_group(group_id: Id, session: SessionDep, actor: CurrentActor) -> GroupRead:
    return await service.group_view(session, actor, await service.access_group(session, actor, group_id))


@router.patch("/{group_id}", response_model=GroupRead)
async def update_group(group_id: Id, data: GroupUpdate, session: SessionDep, actor: CurrentActor) -> GroupRead:
    group = await service.update_group(session, actor, group_id, data)
    return await service.group_view(session, actor, group)


@router.delete("/{group_id}", status_code=204)
async def delete_group(group_id: Id, session: SessionDep, actor: CurrentActor) -> Response:
    await deletion.delete_group(session, actor, group_id)
    return Response(status_code=204)


@router.post("/{group_id}/join", response_model=JoinResult)
async def join(group_id: Id, session: SessionDep, actor: CurrentActor) -> JoinResult:
    return JoinResult(status=await service.join(session, actor, group_id))  # type: ignore[arg-type]


@router.get("/{group_id}/members", response_model=Page[MemberRead])
async def members(
    group_id: Id, session: SessionDep, actor: CurrentActor,
    status: Literal["member", "pending"] = "member", cursor: Cursor = None, limit: Limit = 20,
) -> Page[MemberRead]:
    items, next_cursor = await service.list_members(session, actor, group_id, status=status, cursor=cursor, limit=limit)
    return Page(items=items, next_cursor=next_cursor)


@router.put("/{group_id}/members/{user_id}", response_model=MemberRead)
async def set_member(group_id: Id, user_id: Id, data: MemberSet, session: SessionDep, actor: CurrentActor) -> MemberRead:
    return await service.set_member(session, actor, group_id, user_id, data.status)


@router.delete("/{group_id}/members/{user_id}", status_code=204)
async def remove_member(group_id: Id, user_id: Id, session: SessionDep, actor: CurrentActor) -> Response:
    await service.remove_member(session, actor, group_id, user_id)
    return Response(status_code=204)
