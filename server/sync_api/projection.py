"""A projector for the common case: one typed read-table row per live record, keyed by its id.

Collections whose read table simply mirrors their records (huddles, notes, ideas, PDSA cycles,
actions, …) get their projector from :func:`table_projector` rather than writing one: a tombstone
deletes its row; a live record's row is ``row(record)`` (its fields as columns) plus the record's
``id``, ``team_id``, ``user_id``, ``created_at`` and ``updated_at``, inserted or updated in one
statement per push. Collections with derived tables (capacity's weekly totals) write their own.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Callable, Mapping, Sequence

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from server.sync_api.registry import Projector
from sync import StoredRecord

#: The record's own columns every mirrored table has; ``user_id`` and ``created_at`` never change.
META_COLUMNS = ("id", "team_id", "user_id", "created_at", "updated_at")


def iso_day(value: Any) -> date | None:
    """A synced ISO date (``YYYY-MM-DD`` text) as a DATE column value."""
    return None if value is None else date.fromisoformat(value)


def table_projector(table: sa.Table, row: Callable[[Mapping[str, Any]], dict[str, Any]]) -> Projector:
    """Keep ``table`` (primary key ``id``) equal to the live records of a collection; ``row(fields)``
    gives the other columns from a record's fields."""
    changing = [c.name for c in table.columns if c.name not in ("id", "team_id", "user_id", "created_at")]

    def project(connection: sa.Connection, records: Sequence[StoredRecord]) -> None:
        gone = [r.record_id for r in records if r.deleted]
        rows = [{**row(r.fields), "id": r.record_id, "team_id": r.team_id, "user_id": r.user_id,
                 "created_at": datetime.fromisoformat(r.created_at), "updated_at": datetime.fromisoformat(r.updated_at)}
                for r in records if not r.deleted]
        if gone:
            connection.execute(sa.delete(table).where(table.c.id.in_(gone)))
        if rows:
            insert = (pg_insert if connection.dialect.name == "postgresql" else sqlite_insert)(table)
            connection.execute(insert.on_conflict_do_update(
                index_elements=[table.c.id], set_={name: insert.excluded[name] for name in changing}), rows)

    return project
