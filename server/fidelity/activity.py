"""Recording the weeks a team changed its board, from each sync push (a push observer)."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Mapping, Sequence

from sqlalchemy.dialects import postgresql, sqlite

from server.core import clock
from server.core.weeks import week_start
from server.extensions import db
from server.fidelity.models import TeamBoardWeek
from sync import StoredRecord, parse_hlc

BOARD_COLLECTIONS = ("ideas", "pdsa_cycles", "actions")


def change_week(rec: StoredRecord):
    """The London week of the record's latest change, by its hlc (when the device made it)."""
    latest = max([*rec.hlcs.values(), *([rec.deleted_hlc] if rec.deleted_hlc else [])])
    instant = datetime.fromtimestamp(parse_hlc(latest).millis / 1000, timezone.utc)
    return week_start(clock.london_day(instant))


def on_push(changed: Mapping[str, Sequence[StoredRecord]]) -> None:
    weeks = {(rec.team_id, change_week(rec)) for name in BOARD_COLLECTIONS for rec in changed.get(name, ())
             if rec.hlcs or rec.deleted_hlc}
    if not weeks:
        return
    conn = db.session.connection()
    insert = postgresql.insert if conn.dialect.name == "postgresql" else sqlite.insert
    db.session.execute(insert(TeamBoardWeek).values([{"team_id": t, "week_start": w} for t, w in sorted(weeks)])
                       .on_conflict_do_nothing(index_elements=["team_id", "week_start"]))
