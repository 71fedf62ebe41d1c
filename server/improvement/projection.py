"""Keep the improvement read tables in step with the synced records (inside the push transaction).

``ideas``, ``pdsa_cycles`` and ``actions`` mirror their live records (one row each,
:func:`server.sync_api.projection.table_projector`): the board queries ideas by status and open or
overdue actions from plain indexed columns. ``idea_moves`` gains a row whenever an idea is raised or
its status changes, dated by the device's own clock for that change (the ``status`` field's hlc), so
a move made offline on Monday counts for Monday.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any, Mapping, Sequence

import sqlalchemy as sa

from server.improvement.models import Action, Idea, IdeaMove, PdsaCycle
from server.sync_api.projection import iso_day, table_projector
from sync import StoredRecord
from sync.hlc import parse_hlc

_ideas, _moves = Idea.__table__, IdeaMove.__table__


def _idea_row(f: Mapping[str, Any]) -> dict[str, Any]:
    return {"title": f["title"], "description": f.get("description"), "status": f["status"], "pick": f.get("pick"),
            "measure_ids": list(f.get("measure_ids") or []), "huddle_id": f.get("huddle_id"),
            "raised_on": iso_day(f["raised_on"]), "share_in_report": bool(f.get("share_in_report"))}


_mirror_ideas = table_projector(_ideas, _idea_row)


def project_ideas(connection: sa.Connection, records: Sequence[StoredRecord]) -> None:
    ids = [r.record_id for r in records]
    before = dict(connection.execute(sa.select(_ideas.c.id, _ideas.c.status).where(_ideas.c.id.in_(ids))).all())
    _mirror_ideas(connection, records)
    moves = []
    for r in records:
        status = None if r.deleted else r.fields.get("status")
        if status is None or before.get(r.record_id) == status:
            continue
        hlc = parse_hlc(r.hlcs["status"])  # every live idea has a status (the validator defaults it)
        moves.append({"team_id": r.team_id, "idea_id": r.record_id, "from_status": before.get(r.record_id),
                      "to_status": status, "moved_by": r.writers.get(hlc.client_id),
                      "moved_at": datetime.fromtimestamp(hlc.millis / 1000, timezone.utc)})
    if moves:
        connection.execute(sa.insert(_moves), moves)


project_pdsa_cycles = table_projector(PdsaCycle.__table__, lambda f: {
    "idea_id": f["idea_id"], "started_on": iso_day(f["started_on"]), "plan": f["plan"], "do": f.get("do"),
    "study": f.get("study"), "act": f.get("act")})

project_actions = table_projector(Action.__table__, lambda f: {
    "title": f["title"], "owner_user_id": f.get("owner_user_id"), "due_on": iso_day(f.get("due_on")),
    "status": f["status"], "huddle_id": f.get("huddle_id"), "idea_id": f.get("idea_id")})
