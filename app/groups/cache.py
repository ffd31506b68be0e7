"""Every group's summary (id, slug, name, visibility), kept per process and reloaded whenever a group is created
or changed.

Every signed-in request needs the public group ids for the Python side of the visibility rule
(`Actor.public_group_ids`), and there are as many as there are public groups: reading them on each request cost
more than the rest of the actor. Pages list the member's groups and the group feed checks its group from the same
summaries, without a query. The
version is read in the same statement as the member and their session (`accounts._actor_statement`): the number
and the newest id of the `group.created` and `group.updated` activities, which `groups.service` writes in the
transaction of any change to a group. A version different from the cached one reloads the ids, so a change
committed before a request started is always seen by it, in every process."""

import time
from collections.abc import Awaitable, Callable
from typing import Any

from sqlalchemy import Label, func, literal_column, select
from sqlalchemy.ext.asyncio import AsyncSession

from app import permissions
from app.groups.models import Group
from app.groups.schemas import GroupSummary
from app.outbox.models import Activity
from app.outbox.types import GroupCreated, GroupUpdated
from app.runtime import CacheSpec

GroupsVersion = tuple[int | None, ...]

_SUMMARIES = select(Group.id, Group.slug, Group.name, Group.visibility, Group.name_key, Group.archived_at).where(
    permissions.existing_groups())
_CHANGES = (GroupCreated.type, GroupUpdated.type)
VERSION_LABELS = tuple(f"v_{aggregate}_{kind.split('.')[1]}" for aggregate in ("count", "max") for kind in _CHANGES)


def version_columns() -> list[Label[Any]]:
    """The number and the newest id of the `group.created` and of the `group.updated` activities: four scalar
    subqueries, each an index-only lookup on `ix_activities_type_id` (one `type = ...` each: an OR of the two made
    PostgreSQL scan the whole index). Read them back with `version_of(row)`.

    The count matters: on PostgreSQL ids are taken at INSERT and committed in any order, so a change committing
    after a newer one leaves the newest id as it was, but always adds one to its count.

    The types are written into the SQL, not bound: the statement runs as a prepared, generic plan, which cannot see
    a bound value and took a `type` to match a share of the whole outbox (a tenth with ten types), so PostgreSQL
    counted by scanning the table on every request. Written in, their rarity is known and the index is used."""
    return [
        select(aggregate).select_from(Activity).where(Activity.type == literal_column(f"'{kind}'"))
        .scalar_subquery().label(label)
        for aggregate, kind, label in zip(
            (func.count(), func.count(), func.max(Activity.id), func.max(Activity.id)), _CHANGES * 2, VERSION_LABELS,
            strict=True)
    ]


def version_of(row: Any) -> GroupsVersion:
    return tuple(getattr(row, label) for label in VERSION_LABELS)


RANKING_TTL_S = 60.0


class GroupCache:
    """One per runtime (`runtime.caches.get(GROUPS)`); tests reset it when they empty the database (their ids, and
    so the versions, start over).

    Also keeps the most joined listed groups (the home page's suggestions): counting every membership on each page
    view cost the database more than the rest of the page. That list is reloaded when the groups' version changes
    (a group made secret leaves it at once) and at least every RANKING_TTL_S seconds (member counts)."""

    def __init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        self._version: GroupsVersion | None = None
        self._ids: frozenset[int] = frozenset()
        self._groups: dict[int, tuple[GroupSummary, str]] = {}  # id -> (summary, name_key)
        self._archived: frozenset[int] = frozenset()
        self._ranking: list[Any] | None = None
        self._ranking_key: tuple[GroupsVersion | None, float] = (None, 0.0)
        self._ranking_loading = False

    async def ids(self, session: AsyncSession, version: GroupsVersion) -> frozenset[int]:
        """The public group ids as of `version` (read by this request's actor statement), or newer."""
        if version != self._version:
            # Read after the version: a change committing in between is newer than `version`, and the next request
            # sees a new version and reloads. The cache can be behind a request only by commits that followed it.
            rows = (await session.execute(_SUMMARIES)).all()
            groups = {
                i: (GroupSummary(id=i, slug=slug, name=name, visibility=visibility), key)
                for i, slug, name, visibility, key, _ in rows
            }
            self._version, self._groups = version, groups
            self._archived = frozenset([row[0] for row in rows if row[5] is not None])
            self._ids = permissions.public_group_ids(g for g, _ in groups.values())
        return self._ids

    def summary(self, group_id: int) -> GroupSummary | None:
        """A group as of this request's version (after `ids()`), None when there is no such group.

        Says nothing of who may see it: callers apply `permissions` as they would to a Group."""
        entry = self._groups.get(group_id)
        return entry[0] if entry else None

    def archived(self, group_id: int) -> bool | None:
        """Whether a group is archived as of this request's version; None when the cache does not know it."""
        if group_id not in self._groups:
            return None
        return group_id in self._archived

    def summaries(self, group_ids: frozenset[int], limit: int) -> list[GroupSummary]:
        """Those groups by name (the order of `groups_service.my_groups`)."""
        entries = sorted((self._groups[i] for i in group_ids if i in self._groups), key=lambda e: (e[1], e[0].id))
        return [summary for summary, _ in entries[:limit]]

    async def ranking(self, session: AsyncSession, load: Callable[[AsyncSession], Awaitable[list[Any]]]) -> list[Any]:
        """`load(session)`, kept until the version read by this request's `ids()` changes or RANKING_TTL_S pass.

        When only the time has passed, one request reloads and the others meanwhile take the counts it replaces: every
        home page then reloading at once (5 ms each) stalled a worker serving 250 pages a second for 100-200 ms."""
        version, loaded_at = self._ranking_key
        current = self._ranking is not None and version == self._version
        if current and (self._ranking_loading or time.monotonic() - loaded_at <= RANKING_TTL_S):
            return self._ranking  # type: ignore[return-value]
        key = (self._version, time.monotonic())
        self._ranking_loading = True
        try:
            self._ranking, self._ranking_key = await load(session), key
        finally:
            self._ranking_loading = False
        return self._ranking



GROUPS = CacheSpec(
    "groups", GroupCache,
    "reloaded when the groups' version read with the actor differs; the ranking also every RANKING_TTL_S seconds")
