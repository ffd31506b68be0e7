from typing import Annotated

from fastapi import APIRouter, Form, Query, Response

from app.db import SessionDep
from app.deps import AddressRateLimit, ClientIP, Cursor, Id, Limit, RuntimeDep
from app.schemas import Page, SafeStr
from app.security import CurrentActor
from app.users import service
from app.users.schemas import (
    AdminUserUpdate,
    PasswordChange,
    TokenOut,
    UserMe,
    UserRead,
    UserRegister,
    UserUpdate,
)

router = APIRouter(prefix="/api/v1", tags=["accounts"])
FormField = Annotated[SafeStr, Form(max_length=1024)]  # NUL refused: PostgreSQL text cannot hold it


@router.post("/auth/register", status_code=201, response_model=UserMe, dependencies=[AddressRateLimit])
async def register(data: UserRegister, session: SessionDep, runtime: RuntimeDep) -> UserMe:
    user = await service.register(session, runtime, data)
    return UserMe.model_validate(
        {**service.user_columns(user), "skills": [], "follower_count": 0, "following_count": 0, "post_count": 0,
         "followed_by_me": False}
    )


@router.post("/auth/token", response_model=TokenOut, dependencies=[AddressRateLimit])
async def token(
    username: FormField, password: FormField, session: SessionDep, runtime: RuntimeDep, ip: ClientIP,
) -> TokenOut:
    access_token, expires_in = await service.sign_in(session, runtime, username, password, ip)
    return TokenOut(access_token=access_token, expires_in=expires_in)


@router.post("/auth/logout", status_code=204)
async def logout(session: SessionDep, actor: CurrentActor) -> Response:
    await service.sign_out(session, actor)
    return Response(status_code=204)


@router.put("/users/me/password", status_code=204)
async def change_password(data: PasswordChange, session: SessionDep, runtime: RuntimeDep, actor: CurrentActor) -> Response:
    await service.change_password(session, runtime, actor, data.current_password, data.new_password)
    return Response(status_code=204)


@router.get("/users/me", response_model=UserMe)
async def me(session: SessionDep, actor: CurrentActor) -> UserRead:
    return await service.profile(session, actor, await service.access_user(session, actor.user_id), own=True)


@router.patch("/users/me", response_model=UserMe)
async def update_me(data: UserUpdate, session: SessionDep, actor: CurrentActor) -> UserRead:
    user = await service.update_me(session, actor, data)
    return await service.profile(session, actor, user, own=True)


@router.get("/users", response_model=Page[UserRead])
async def directory(
    session: SessionDep, runtime: RuntimeDep, actor: CurrentActor,
    q: Annotated[SafeStr | None, Query(max_length=200)] = None,
    skill: Annotated[SafeStr | None, Query(max_length=60)] = None,
    department: Annotated[SafeStr | None, Query(max_length=200)] = None,
    cursor: Cursor = None, limit: Limit = 20,
) -> Page[UserRead]:
    items, next_cursor = await service.directory(
        session, runtime, actor, q=q, skill=skill, department=department, cursor=cursor, limit=limit
    )
    return Page(items=items, next_cursor=next_cursor)


@router.get("/users/{user_id}", response_model=UserRead)
async def get_user(user_id: Id, session: SessionDep, actor: CurrentActor) -> UserRead:
    return await service.profile(session, actor, await service.access_user(session, user_id))


@router.put("/users/{user_id}/follow", status_code=204)
async def follow(user_id: Id, session: SessionDep, actor: CurrentActor) -> Response:
    await service.follow(session, actor, user_id)
    return Response(status_code=204)


@router.delete("/users/{user_id}/follow", status_code=204)
async def unfollow(user_id: Id, session: SessionDep, actor: CurrentActor) -> Response:
    await service.unfollow(session, actor, user_id)
    return Response(status_code=204)


@router.patch("/admin/users/{user_id}", response_model=UserMe)
async def admin_update(user_id: Id, data: AdminUserUpdate, session: SessionDep, actor: CurrentActor) -> UserRead:
    user = await service.admin_update(session, actor, user_id, data)
    return await service.profile(session, actor, user, own=True)
