"""The outbox's epoch: which history its activity ids count in (`OutboxEpoch`).

Activity ids only grow, except when a database is restored from a backup: they start again below the ids that
clients already saw. A client's `since` is only meaningful with the epoch it was counted in. The epoch is read
once per process at start (it changes only through `ruche restore`, done before serving the restored database) and
kept in `runtime.outbox_epoch`; pages give it to live.js beside `since`, and the socket tells a client from another
epoch, or one whose `since` is beyond the newest activity, to reload instead of replaying (app/live/routes.py)."""

import logging
import secrets
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.db import session_scope
from app.outbox.models import Activity, OutboxEpoch

log = logging.getLogger("ruche.outbox")
EPOCH_ID = 1


def new_epoch() -> str:
    return secrets.token_hex(8)


async def read_epoch(session: AsyncSession) -> str:
    """The stored epoch; one is created if the row is missing (an emptied database)."""
    epoch = await session.scalar(select(OutboxEpoch.epoch).where(OutboxEpoch.id == EPOCH_ID))
    if epoch is None:
        epoch = new_epoch()
        session.add(OutboxEpoch(id=EPOCH_ID, epoch=epoch))
        await session.flush()
    return epoch


async def renew_epoch(session: AsyncSession) -> str:
    """A new history: what clients counted before no longer applies (`ruche restore`)."""
    await session.execute(delete(OutboxEpoch))
    epoch = new_epoch()
    session.add(OutboxEpoch(id=EPOCH_ID, epoch=epoch))
    await session.flush()
    return epoch


async def newest_activity_id(session: AsyncSession) -> int:
    return int(await session.scalar(select(func.max(Activity.id))) or 0)


async def start(app: Any) -> None:
    runtime = app.state.runtime
    try:
        async with session_scope(runtime.sessionmaker, runtime) as session:
            runtime.outbox_epoch = await read_epoch(session)
    except Exception as exc:  # the database is down at start: serve anyway (503s); sockets skip the epoch check
        log.warning("outbox epoch unknown (%s): reconnecting sockets are checked against the newest id only",
                    type(exc).__name__)


async def stop(app: Any) -> None:
    """Nothing to stop: the epoch is only read."""
