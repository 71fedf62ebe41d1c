"""Keep the typed ``measures`` / ``measure_values`` tables in step with the synced records.

The sync store calls these projectors inside the push transaction, after writing the records, with every
record of the collection that the push changed (live or tombstone). They use only the given connection
(SQLAlchemy Core) and never commit.

* A ``measures`` tombstone removes the typed row (the values stay in sync, unread by the box score).
* A ``measure_values`` record with ``value: null`` (a cleared week) or a tombstone has no typed row.
* A ``measure_values`` record whose id is not ``measure_value_id(measure_id, week_start)`` is never
  projected: the typed table holds one row per measure and week, and a record id only a buggy or hostile
  client could produce must not collide with the real one and fail the whole push.
"""

from __future__ import annotations

from datetime import date, datetime, timezone
from typing import Any, Sequence

import sqlalchemy as sa

from server.measures.models import Measure, MeasureValue, measure_value_id
from server.measures.schemas import MEASURE_DEFAULTS

MEASURE_COLUMNS = ("name", "group", *MEASURE_DEFAULTS.keys())
_measures = Measure.__table__
_values = MeasureValue.__table__


def parse_time(value: Any) -> datetime:
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=timezone.utc)
    text = str(value)
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    parsed = datetime.fromisoformat(text)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)


def _existing(connection: sa.Connection, table: sa.Table, ids: list[str]) -> set[str]:
    found: set[str] = set()
    for i in range(0, len(ids), 500):
        found.update(connection.scalars(sa.select(table.c.id).where(table.c.id.in_(ids[i:i + 500]))))
    return found


def _delete(connection: sa.Connection, table: sa.Table, ids: list[str]) -> None:
    for i in range(0, len(ids), 500):
        connection.execute(sa.delete(table).where(table.c.id.in_(ids[i:i + 500])))


def project_measures(connection: sa.Connection, records: Sequence[Any]) -> None:
    gone = [r.record_id for r in records if r.deleted]
    live = [r for r in records if not r.deleted]
    if gone:
        _delete(connection, _measures, gone)
    if not live:
        return
    existing = _existing(connection, _measures, [r.record_id for r in live])
    inserts, updates = [], []
    for r in live:
        row = {column: r.fields.get(column, MEASURE_DEFAULTS.get(column)) for column in MEASURE_COLUMNS}
        row["rebase_weeks"] = list(row["rebase_weeks"] or [])
        row["updated_at"] = parse_time(r.updated_at)
        if r.record_id in existing:
            updates.append({"_id": r.record_id, **row})
        else:
            inserts.append({"id": r.record_id, "team_id": r.team_id, "created_at": parse_time(r.created_at), **row})
    if inserts:
        connection.execute(sa.insert(_measures), inserts)
    if updates:
        stmt = sa.update(_measures).where(_measures.c.id == sa.bindparam("_id"))
        connection.execute(stmt, updates)


def project_measure_values(connection: sa.Connection, records: Sequence[Any]) -> None:
    gone, live = [], []
    for r in records:
        f = r.fields
        valid_id = (isinstance(f.get("measure_id"), str) and isinstance(f.get("week_start"), str)
                    and r.record_id == measure_value_id(f["measure_id"], f["week_start"]))
        if not valid_id:
            continue
        (gone if r.deleted or f.get("value") is None else live).append(r)
    if gone:
        _delete(connection, _values, [r.record_id for r in gone])
    if not live:
        return
    existing = _existing(connection, _values, [r.record_id for r in live])
    inserts, updates = [], []
    for r in live:
        row = {"value": float(r.fields["value"]), "note": r.fields.get("note"), "updated_at": parse_time(r.updated_at)}
        if r.record_id in existing:
            updates.append({"_id": r.record_id, **row})
        else:
            inserts.append({"id": r.record_id, "team_id": r.team_id, "user_id": r.user_id,
                            "measure_id": r.fields["measure_id"], "week_start": date.fromisoformat(r.fields["week_start"]),
                            "created_at": parse_time(r.created_at), **row})
    if inserts:
        connection.execute(sa.insert(_values), inserts)
    if updates:
        connection.execute(sa.update(_values).where(_values.c.id == sa.bindparam("_id")), updates)
