"""The activity outbox: every change writes an Activity in its own transaction; consumers read them after commit.

- `models`: the `activities` and `outbox_cursors` tables;
- `types`: one dataclass per activity type (ids, payload, privacy), `parse(row)`;
- `write`: `emit(session, activity)`;
- `read`: reading in id order, holes left by late commits (`GapTracker`);
- `cursors`, `consumer`: the base of every consumer (wake-up, batches, holes, cursor).
"""
