"""What `/healthz` says of search: `degraded`, with the lag, when the index falls behind the outbox or fails.

Read from the index itself (the indexer's position is a document committed with the documents it covers) and the
outbox, so it is true in every web worker even though the writer runs in a process of its own."""

from typing import Any

import anyio
from sqlalchemy import select

from app.db import utcnow
from app.outbox.models import Activity
from app.search.index import IndexState, SearcherPool, SearchUnavailable, read_state

# Commits are coalesced over up to a second and a burst may hold the lag for a few: past this, something is wrong.
SEARCH_LAG_DEGRADED_S = 30.0


def _state(pool: SearcherPool) -> IndexState:
    with pool.searcher() as searcher:
        return read_state(searcher)


async def search_health(runtime: Any) -> dict[str, Any]:
    search = runtime.search
    if search is None:
        return {}
    try:
        state = await anyio.to_thread.run_sync(_state, search.pool)
    except (SearchUnavailable, OSError):
        return {"search": "degraded", "search_lag_s": None}
    async with runtime.sessionmaker() as session:
        # The oldest activity the index has not taken in (ids follow time closely enough for a health figure).
        oldest = await session.scalar(
            select(Activity.created_at).where(Activity.id > state.last_id).order_by(Activity.id).limit(1))
    if oldest is None:
        return {"search": "ok", "search_lag_s": 0.0}
    lag = max(0.0, (utcnow() - oldest).total_seconds())
    return {"search": "ok" if lag < SEARCH_LAG_DEGRADED_S else "degraded", "search_lag_s": round(lag, 1)}
