"""A trivial JSON endpoint: no database, no auth. Load tests use it to measure the framework's ceiling."""

from fastapi import APIRouter

router = APIRouter(prefix="/api/v1", tags=["health"])


@router.get("/ping")
async def ping() -> dict[str, bool]:
    """Answer `{"pong": true}` without touching anything: the cost of FastAPI and the server alone."""
    return {"pong": True}
