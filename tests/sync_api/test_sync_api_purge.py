"""Retention: ``flask sync-purge`` / ``engine.purge()`` drop old tombstones and logs; old cursors get a full copy."""

from __future__ import annotations

import sqlalchemy as sa

from server.extensions import db
from server.sync_api.models import SyncConflict, SyncRecord, SyncRejection, SyncTeam
from server.sync_api.registry import sync_setup
from sync.hlc import system_ms

DAY = 86_400_000


def test_purge_drops_old_tombstones_and_logs_and_resends_the_team_to_old_cursors(app, team_world, phone, helpers):
    team = team_world.team.id
    ann, lead = phone(team_world.ann), phone(team_world.lead)
    reader = phone(team_world.lead, "reader")  # a lead's device keeps ann's entries
    ids = [helpers.new_id() for _ in range(4)]
    ann.push(*[ann.mutation(rid, helpers.entry(team)) for rid in ids])
    old_cursor = reader.pull()["cursor"]
    ann.push(ann.mutation(ids[0], op="delete"), ann.mutation(helpers.new_id(), {"kind": "nap"}))
    lead.push(lead.mutation(ids[1], {"note": "sling"}))  # overwrites ann's note: a conflict
    db.session.expire_all()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(SyncConflict)) == 1
    assert db.session.scalar(sa.select(sa.func.count()).select_from(SyncRejection)) == 1

    assert sync_setup(app).engine.purge(now_ms=system_ms() + 10 * DAY)["log_rows"] == 0  # too recent
    result = sync_setup(app).engine.purge(now_ms=system_ms() + 181 * DAY)
    assert result["log_rows"] == 2 and team in result["horizons"]
    db.session.expire_all()
    assert db.session.get(SyncRecord, ("capacity_entries", ids[0])) is None
    assert db.session.get(SyncTeam, team).horizon == result["horizons"][team]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(SyncConflict)) == 0
    db.session.commit()

    page = reader.pull(old_cursor)  # it might have missed the purged delete: drop the team, send it whole
    assert page["drop_teams"] == [team]
    assert {c["record_id"] for c in page["changes"] if c["collection"] == "capacity_entries"} == set(ids[1:])
    assert {c["record_id"] for c in page["changes"] if c["collection"] == "capacity_weekly_totals"} == \
        set(helpers.server_records(team, collection="capacity_weekly_totals"))


def test_the_purge_command_runs(app):
    result = app.test_cli_runner().invoke(args=["sync-purge"])
    assert result.exit_code == 0, result.output
    assert "Purged sync history before" in result.output
