"""The ``board_settings`` collection: the proof that a synced collection is one package and one
registration (server/board/). One record per team, the aim for each box-score area, written by
leads, coaches and admins, read by members, never deleted, projected into ``board_settings``."""

from __future__ import annotations

import sqlalchemy as sa

from server.board.models import AIM_FIELDS, BoardSettings, board_settings_id
from server.board.schemas import BoardSettingsFieldsSchema
from server.extensions import db
from tests.measures.boxscore_testkit import Device, new_id, upsert


def settings(team, **fields):
    return upsert("board_settings", board_settings_id(team.id), team_id=team.id, **fields)


def typed_row(team) -> dict | None:
    db.session.expire_all()
    row = db.session.get(BoardSettings, team.id)
    return None if row is None else {name: getattr(row, name) for name in AIM_FIELDS}


def test_every_box_score_area_has_an_aim_field():
    from server.measures.models import GROUPS

    assert tuple(BoardSettingsFieldsSchema().fields) == AIM_FIELDS == tuple(f"aim_{g}" for g in GROUPS)


def test_a_lead_sets_aims_members_read_them_and_the_read_table_follows(app, make_team, make_user, login):
    team = make_team()
    lead = Device(login(make_user(team=team, team_role="lead")))
    member_api = login(make_user(team=team))
    [result] = lead.push(settings(team, aim_performance="Every patient seen within 4 hours"))
    assert result["status"] == "applied"
    assert typed_row(team) == {"aim_performance": "Every patient seen within 4 hours", "aim_capacity": None,
                               "aim_cost": None, "aim_staff_experience": None}
    [result] = lead.push(settings(team, aim_capacity="Release 10% of time to care", aim_performance=None))
    assert result["status"] == "applied"
    assert typed_row(team) == {"aim_performance": None, "aim_capacity": "Release 10% of time to care",
                               "aim_cost": None, "aim_staff_experience": None}
    pulled = [c for c in member_api.get("/api/sync/pull").json["changes"] if c["collection"] == "board_settings"]
    assert [c["record"]["aim_capacity"] for c in pulled] == ["Release 10% of time to care"]


def test_coaches_and_admins_set_aims_members_and_other_teams_may_not(app, make_team, make_user, login):
    team, other = make_team(), make_team()
    member = Device(login(make_user(team=team)))
    outsider = Device(login(make_user(team=other, team_role="lead")))
    coach = Device(login(make_user("coach", coach_of=[team])))
    admin = Device(login(make_user("admin")))
    [refused] = member.push(settings(team, aim_cost="Less agency spend"))
    assert refused["status"] == "rejected" and refused["error"]["code"] == "forbidden"
    [refused] = outsider.push(settings(team, aim_cost="Less agency spend"))
    assert refused["status"] == "rejected" and refused["error"]["code"] == "forbidden"
    [created] = coach.push(settings(team, aim_cost="Less agency spend"))
    [edited] = admin.push(settings(team, aim_staff_experience="Joy in work"))
    assert (created["status"], edited["status"]) == ("applied", "applied")
    assert typed_row(team)["aim_staff_experience"] == "Joy in work"


def test_bad_aims_and_stray_ids_are_refused_naming_the_field(app, make_team, make_user, login):
    team = make_team()
    lead = Device(login(make_user(team=team, team_role="lead")))
    results = lead.push(
        settings(team, aim_cost="x" * 501),
        settings(team, aim_cost=""),
        settings(team, aim_cost=7),
        settings(team, aim_everything="Better"),
        upsert("board_settings", new_id(), team_id=team.id, aim_cost="A second record for the same team"),
    )
    assert [r["error"]["fields"] for r in results] == [
        {"aim_cost": ["Must be at most 500 characters."]},
        {"aim_cost": ["Must not be blank or contain control characters."]},
        {"aim_cost": ["Not a valid string."]},
        {"aim_everything": ["Unknown field."]},
        {"record_id": ["Must be the id derived from this record's team and fields."]},
    ]
    assert typed_row(team) is None and db.session.scalar(sa.select(sa.func.count()).select_from(BoardSettings)) == 0


def test_the_settings_are_never_deleted_an_aim_is_cleared_instead(app, make_team, make_user, login):
    team = make_team()
    lead = Device(login(make_user(team=team, team_role="lead")))
    lead.push(settings(team, aim_cost="Less agency spend"))
    refused = lead.push_one("board_settings", board_settings_id(team.id), op="delete")
    assert refused["status"] == "rejected" and refused["error"]["code"] == "forbidden"
    assert typed_row(team)["aim_cost"] == "Less agency spend"


def test_two_leads_setting_different_aims_offline_both_keep_them(app, make_team, make_user, login):
    team = make_team()
    first = Device(login(make_user(team=team, team_role="lead")))
    second = Device(login(make_user(team=team, team_role="lead")))
    first.push(settings(team, aim_performance="Fewer falls"))
    second.push(settings(team, aim_cost="Less agency spend"))  # created offline too: the same record id
    assert typed_row(team) == {"aim_performance": "Fewer falls", "aim_capacity": None,
                               "aim_cost": "Less agency spend", "aim_staff_experience": None}
