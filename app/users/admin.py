"""Account tasks for the command line."""

from app.config import Settings
from app.db import make_engine, make_sessionmaker, session_scope
from app.runtime import Runtime
from app.users import service
from app.users.schemas import UserRegister


async def create_admin(settings: Settings, email: str, name: str, password: str) -> int:
    engine = make_engine(settings)
    try:
        async with session_scope(make_sessionmaker(engine)) as session:
            user = await service.register(
                session, Runtime(settings), UserRegister(email=email, password=password, display_name=name), by_admin=True
            )
            user.role = "admin"
            await session.flush()
            return user.id
    finally:
        await engine.dispose()
