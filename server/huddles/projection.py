"""Keep the ``huddles`` and ``huddle_notes`` read tables equal to the live synced records (one row
per record, :func:`server.sync_api.projection.table_projector`), for the board, the huddle history and
fidelity (huddles held per week: ``ix_huddles_team_held_on``)."""

from __future__ import annotations

from server.huddles.models import Huddle, HuddleNote
from server.sync_api.projection import iso_day, table_projector

project_huddles = table_projector(Huddle.__table__, lambda f: {
    "held_on": iso_day(f["held_on"]), "attendee_count": f["attendee_count"], "manager_present": f["manager_present"],
    "finance_present": f["finance_present"], "facilitator_user_id": f.get("facilitator_user_id"),
    "duration_minutes": f.get("duration_minutes")})
project_huddle_notes = table_projector(HuddleNote.__table__, lambda f: {
    "huddle_id": f["huddle_id"], "step": f["step"], "text": f["text"],
    "share_in_report": bool(f.get("share_in_report"))})
