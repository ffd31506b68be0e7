"""The notifier's "is there work?" check runs several times a second in every process, usually to find none."""

from typing import Any

import pytest

from app.notifications.notifier import CURSOR_NAME
from app.outbox.cursors import StoredCursor
from tests.plans import fill_outbox, generic_plan


async def test_finding_no_work_reads_the_outbox_by_index(app: Any) -> None:
    """`EXISTS (id > cursor)` was planned, the cursor unknown, to stop at the first of many matching rows: a scan,
    which read the whole outbox when no row matched (100 ms and more on a network's history, each time)."""
    engine = app.state.runtime.engine
    if engine.dialect.name != "postgresql":
        pytest.skip("plans are PostgreSQL's")
    await fill_outbox(engine, 5000)
    plan = await generic_plan(engine, StoredCursor(CURSOR_NAME).waiting_query)
    assert "Seq Scan on activities" not in plan, plan
