"""The per-process cache of public group ids (app/groups/public.py) never outlives a change to a group."""

from typing import Any

import httpx
import pytest
from sqlalchemy import func, select, update

from app.groups.models import Group
from app.outbox.models import Activity
from tests.plans import fill_outbox, generic_plan


async def _add_change(app: Any, activity_id: int, group_id: int, *, make_private: bool = False) -> None:
    """A `group.updated` activity with a chosen id, committed (with the visibility change, when asked)."""
    async with app.state.runtime.sessionmaker() as session:
        if make_private:
            await session.execute(update(Group).where(Group.id == group_id).values(visibility="private"))
        session.add(Activity(id=activity_id, type="group.updated", group_id=group_id, payload={}))
        await session.commit()


async def test_a_group_made_private_is_closed_at_once(
    client: httpx.AsyncClient, app: Any, anna: Any, mia: Any, make_group: Any
) -> None:
    group = await make_group(anna, "Veille ouverte")
    assert (await client.get(f"/api/v1/groups/{group['id']}/posts", headers=mia.headers)).status_code == 200
    await client.patch(f"/api/v1/groups/{group['id']}", json={"visibility": "private"}, headers=anna.headers)
    assert (await client.get(f"/api/v1/groups/{group['id']}/posts", headers=mia.headers)).status_code == 404


async def test_a_change_committed_after_a_newer_one_is_still_seen(
    client: httpx.AsyncClient, app: Any, anna: Any, mia: Any, make_group: Any
) -> None:
    """On PostgreSQL activity ids are taken at INSERT and may commit out of order: a change whose id is below the
    newest one already seen must still reload the cache (the version counts the changes, not only the newest id)."""
    group = await make_group(anna, "Veille ouverte")
    async with app.state.runtime.sessionmaker() as session:
        newest = int(await session.scalar(select(func.max(Activity.id))) or 0)
    await _add_change(app, newest + 100, group["id"])  # the newer change commits first
    assert (await client.get(f"/api/v1/groups/{group['id']}/posts", headers=mia.headers)).status_code == 200
    await _add_change(app, newest + 50, group["id"], make_private=True)  # the older one commits later
    assert (await client.get(f"/api/v1/groups/{group['id']}/posts", headers=mia.headers)).status_code == 404


async def test_the_version_is_read_by_index_from_a_large_outbox(app: Any) -> None:
    """The version runs on every signed-in request as a prepared (generic) plan: with the activity types bound as
    parameters, PostgreSQL planned a count over the whole outbox and scanned the table each time."""
    from app.groups.cache import version_columns

    engine = app.state.runtime.engine
    if engine.dialect.name != "postgresql":
        pytest.skip("plans are PostgreSQL's")
    await fill_outbox(engine, 5000)
    plan = await generic_plan(engine, select(*version_columns()))
    assert "Seq Scan on activities" not in plan, plan
