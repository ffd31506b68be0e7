"""The statements every request runs, sent to PostgreSQL through asyncpg itself.

SQLAlchemy's execution of a Core statement (its cache key, the parameters, the result's processing) cost more CPU
than PostgreSQL's run of it: 0.31 ms on top of 0.24 ms for a feed page, 0.20 ms on top of 0.07 ms for the
signed-in member. These statements stay SQLAlchemy statements, written once (the visibility rule among them):
each is compiled and expanded once, then its SQL goes to asyncpg with the request's values, and its rows are
asyncpg's records, the same values SQLAlchemy returns for these columns (tests/test_directsql.py compares them).
Other databases run them through SQLAlchemy."""

import weakref
from collections import namedtuple
from typing import Any

from sqlalchemy import Select
from sqlalchemy.ext.asyncio import AsyncSession


class DirectQuery:
    """A read-only Core select with named parameters; `rows()` returns named tuples of its columns (attribute
    access on a named tuple is a C slot, on SQLAlchemy's Row a Python lookup: callers read many per row)."""

    def __init__(self, statement: Select[Any], row_type: Any = None) -> None:
        """`row_type`: a named tuple class declaring the statement's columns, in order (else one is made)."""
        self.statement = statement
        names = list(statement.selected_columns.keys())
        if row_type is not None and list(row_type._fields) != names:
            raise TypeError(f"{row_type.__name__} does not declare the statement's columns: {names}")
        self.row_type: type[tuple[Any, ...]] = row_type or namedtuple("Row", names)
        self._compiled: tuple[str, tuple[str, ...], dict[str, Any]] | None = None

    async def rows(self, session: AsyncSession, params: dict[str, Any]) -> list[Any]:
        make = self.row_type._make  # type: ignore[attr-defined]
        raw = await _driver_connection(session)
        if raw is None:
            return [make(row) for row in await (await session.connection()).execute(self.statement, params)]
        sql, names, constants = self._compiled or self._compile(session.bind.dialect, params)  # type: ignore[union-attr]
        return [make(record) for record in await raw.fetch(sql, *[
            params[n] if n in params else constants[n] for n in names])]

    def _compile(self, dialect: Any, params: dict[str, Any]) -> tuple[str, tuple[str, ...], dict[str, Any]]:
        # Expanded once: the only expanding parameters of these statements are constant lists (member statuses).
        state = self.statement.compile(dialect=dialect).construct_expanded_state(dict.fromkeys(params, 0))
        constants = {name: value for name, value in state.parameters.items() if name not in params}
        self._compiled = (state.statement, tuple(state.positiontup or ()), constants)
        return self._compiled


_DRIVER = "directsql.driver_connection"


async def _driver_connection(session: AsyncSession) -> Any:
    """The asyncpg connection under the session's current transaction (None on other databases). Kept in the
    session for that transaction's life: asking the session again for each statement cost more than the
    statement's own Python. A new transaction (after a commit or rollback) may hold another connection.

    The transaction is held weakly: it holds the session, so a strong reference from the session's `info` made a
    cycle that only the garbage collector could free, with the session, its connection and some forty other objects
    (a collection pass of 10-30 ms every second and a half per worker under load)."""
    kept, transaction = session.info.get(_DRIVER), session.sync_session.get_transaction()
    # Between transactions there is none (None), and a reference to a transaction that ended reads None too.
    if kept is not None and transaction is not None and kept[0]() is transaction:
        return kept[1]
    conn = await session.connection()
    raw = (await conn.get_raw_connection()).driver_connection if conn.dialect.name == "postgresql" else None
    session.info[_DRIVER] = (weakref.ref(session.sync_session.get_transaction()), raw)
    return raw
