"""The colleagues the home sidebar shows, per department, kept per process for COLLEAGUES_TTL_S seconds.

Every home page view asked the database for the same few names of the viewer's department: one statement of three
on the page. A newcomer or a departure shows in the sidebar within the TTL; the directory (/people) is always
read afresh."""

import time

from sqlalchemy.ext.asyncio import AsyncSession

from app.runtime import CacheSpec
from app.text import fold
from app.users import service as users_service
from app.users.schemas import UserSummary

COLLEAGUES_TTL_S = 60.0
MAX_DEPARTMENTS = 2048  # entries kept before the cache starts over


class ColleagueCache:
    """One per runtime (`runtime.caches.get(COLLEAGUES)`); tests reset it when they empty the database."""

    def __init__(self, ttl_s: float = COLLEAGUES_TTL_S) -> None:
        self.ttl_s = ttl_s
        self._entries: dict[tuple[str, int], tuple[float, list[UserSummary]]] = {}
        self._loading: set[tuple[str, int]] = set()

    def reset(self) -> None:
        self._entries.clear()

    async def colleagues(self, session: AsyncSession, department: str, exclude_user_id: int,
                         limit: int = 6) -> list[UserSummary]:
        """Like `users.service.colleagues`: the first `limit` active members of `department` by name, but me."""

        key, now = (fold(department.strip()), limit), time.monotonic()
        entry = self._entries.get(key)
        # An expired list still serves while one request reloads it, rather than every page of the department
        # reloading at once.
        if entry is None or (entry[0] <= now and key not in self._loading):
            self._loading.add(key)
            try:
                # One more than shown, without excluding anyone: the same list serves every member of the department.
                people = await users_service.colleagues(session, department, None, limit + 1)
            finally:
                self._loading.discard(key)
            if len(self._entries) >= MAX_DEPARTMENTS:
                self._entries.clear()
            entry = self._entries[key] = (now + self.ttl_s, people)
        return [p for p in entry[1] if p.id != exclude_user_id][:limit]


COLLEAGUES = CacheSpec(
    "colleagues", ColleagueCache,
    f"each department's list for COLLEAGUES_TTL_S seconds; all dropped past {MAX_DEPARTMENTS} departments")
