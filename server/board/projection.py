"""Keep the typed ``board_settings`` table in step with the synced records (called by the sync store
inside the push transaction, on its connection; never commits).

A record whose id is not its team's :func:`board_settings_id` is never projected (the validator
refuses it on create; the table holds one row per team)."""

from __future__ import annotations

from datetime import datetime
from typing import Sequence

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from server.board.models import AIM_FIELDS, BoardSettings, board_settings_id
from sync import StoredRecord

_table = BoardSettings.__table__


def project_board_settings(connection: sa.Connection, records: Sequence[StoredRecord]) -> None:
    rows = [{"team_id": r.team_id, **{name: r.fields.get(name) for name in AIM_FIELDS},
             "updated_at": datetime.fromisoformat(r.updated_at)}
            for r in records if not r.deleted and r.record_id == board_settings_id(r.team_id)]
    if not rows:
        return
    insert = (pg_insert if connection.dialect.name == "postgresql" else sqlite_insert)(_table)
    connection.execute(insert.on_conflict_do_update(
        index_elements=[_table.c.team_id],
        set_={name: insert.excluded[name] for name in (*AIM_FIELDS, "updated_at")}), rows)
