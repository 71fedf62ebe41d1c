"""The measures and measure_values collections through /api/sync/push: validation, permissions, projection."""

from __future__ import annotations

import pytest

from server.extensions import db
from server.measures.models import Measure, MeasureValue, measure_value_id
from tests.measures.boxscore_testkit import Device, new_id, rows_by_name, series, stand_at, upsert

NOW = "2026-11-26T10:00:00Z"


@pytest.fixture
def team_world(make_team, make_user, login):
    team = make_team(contracted_hours_per_week=100)
    people = {
        "lead": Device(login(make_user(team=team, team_role="lead"))),
        "member": Device(login(make_user(team=team))),
        "coach": Device(login(make_user("coach", coach_of=[team]))),
        "admin": Device(login(make_user("admin"))),
        "outsider": Device(login(make_user(team=make_team()))),
    }
    return team, people


def measure_fields(team, **over):
    return {"team_id": team.id, "name": "Patients seen", "group": "performance", "subgroup": "access",
            "unit": "patients", "direction": "up", "target": 45, "aim": "See 45 a week", **over}


def test_lead_creates_a_measure_with_defaults(app, team_world):
    team, people = team_world
    mid = new_id()
    assert people["lead"].push_one("measures", mid, measure_fields(team))["status"] == "applied"
    row = db.session.get(Measure, mid)
    assert (row.name, row.group, row.direction, row.target, row.status, row.rule_set, row.source, row.on_board,
            row.rebase_weeks, row.position) == ("Patients seen", "performance", "up", 45.0, "active", "mdc",
                                                "manual", True, [], 0)
    assert people["lead"].push_one("measures", mid, {"status": "less_frequent", "rebase_weeks": ["2026-11-02"],
                                                     "rule_set": "ihi"})["status"] == "applied"
    db.session.expire_all()
    row = db.session.get(Measure, mid)
    assert (row.status, row.rebase_weeks, row.rule_set, row.name) == ("less_frequent", ["2026-11-02"], "ihi",
                                                                      "Patients seen")
    pulled = people["member"].api.get("/api/sync/pull").json["changes"]
    assert any(c["record_id"] == mid and c["record"]["status"] == "less_frequent" for c in pulled)


def test_staff_members_cannot_edit_measures(app, team_world):
    team, people = team_world
    result = people["member"].push_one("measures", new_id(), measure_fields(team))
    assert result["status"] == "rejected" and result["error"]["code"] == "forbidden"
    mid = new_id()
    people["lead"].push_one("measures", mid, measure_fields(team))
    for op in ("upsert", "delete"):
        result = people["member"].push_one("measures", mid, {"name": "Mine now"} if op == "upsert" else None, op=op)
        assert result["status"] == "rejected" and result["error"]["code"] == "forbidden"
    assert people["outsider"].push_one("measures", new_id(), measure_fields(team))["status"] == "rejected"
    assert db.session.get(Measure, mid).name == "Patients seen"
    assert people["admin"].push_one("measures", mid, {"name": "Renamed"})["status"] == "applied"
    assert people["lead"].push_one("measures", mid, op="delete")["status"] == "applied"
    db.session.expire_all()
    assert db.session.get(Measure, mid) is None


def test_coaches_of_the_team_edit_measures(app, team_world):
    team, people = team_world
    result = people["coach"].push_one("measures", new_id(), measure_fields(team))
    assert result["status"] == "applied"


def test_coaches_cannot_log_capacity_for_teams_they_follow(app, team_world):
    team, people = team_world
    fields = {"team_id": team.id, "kind": "meeting", "minutes": 30, "occurred_on": "2026-11-02"}
    result = people["coach"].push_one("capacity_entries", new_id(), fields)
    assert result["status"] == "rejected" and result["error"]["code"] == "forbidden"


@pytest.mark.parametrize("fields,bad", [
    ({"group": "vibes"}, "group"),
    ({"name": " "}, "name"),
    ({"target": "45"}, "target"),
    ({"on_board": "yes"}, "on_board"),
    ({"source": "derived"}, "derived_kind"),
    ({"source": "derived", "derived_kind": "meeting", "derived_category_id": "c1"}, "derived_category_id"),
    ({"rebase_weeks": ["2026-11-03"]}, "rebase_weeks.0"),
    ({"status": "archived"}, "status"),
    ({"surprise": 1}, "surprise"),
])
def test_invalid_measures_are_rejected(app, team_world, fields, bad):
    team, people = team_world
    result = people["lead"].push_one("measures", new_id(), measure_fields(team, **fields))
    assert result["status"] == "rejected" and result["error"]["code"] == "validation_error"
    assert bad in result["error"]["fields"], result


def _manual_and_derived(team, people):
    manual, derived = new_id(), new_id()
    people["lead"].push(upsert("measures", manual, **measure_fields(team)),
                        upsert("measures", derived, **measure_fields(team, name="Time lost", group="capacity",
                                                                     subgroup=None, source="derived",
                                                                     derived_kind="time_lost")))
    return manual, derived


def test_members_enter_weekly_values_with_the_derived_record_id(app, team_world, monkeypatch):
    stand_at(monkeypatch, NOW)
    team, people = team_world
    manual, derived = _manual_and_derived(team, people)
    vid = measure_value_id(manual, "2026-11-16")
    fields = {"team_id": team.id, "measure_id": manual, "week_start": "2026-11-16", "value": 42, "note": "huddle"}
    assert people["member"].push_one("measure_values", vid, fields)["status"] == "applied"
    row = db.session.get(MeasureValue, vid)
    assert (row.value, row.week_start.isoformat(), row.note, row.team_id) == (42.0, "2026-11-16", "huddle", team.id)
    assert row.user_id == people["member"].api.user["id"]
    rows = rows_by_name(people["member"].api.get(f"/api/teams/{team.id}/boxscore?weeks=2").json)
    assert series(rows["Patients seen"]) == [42.0, None] and rows["Patients seen"]["last_week"] == 42.0

    def rejected(device, record_id, **over):
        result = device.push_one("measure_values", record_id, {**fields, **over})
        assert result["status"] == "rejected", result
        return result["error"]

    assert "week_start" in rejected(people["member"], measure_value_id(manual, "2026-11-17"), week_start="2026-11-17")["fields"]
    assert "week_start" in rejected(people["member"], measure_value_id(manual, "2099-11-16"), week_start="2099-11-16")["fields"]
    assert "value" in rejected(people["member"], measure_value_id(manual, "2026-11-09"), week_start="2026-11-09",
                               value="12")["fields"]
    assert "measure_id" in rejected(people["member"], measure_value_id(derived, "2026-11-16"), measure_id=derived)["fields"]
    assert rejected(people["outsider"], vid)["code"] == "forbidden"
    assert rejected(people["member"], vid, measure_id=derived)["code"] == "immutable_field"


def test_a_value_record_id_must_be_derived_from_measure_and_week(app, team_world):
    team, people = team_world
    manual, _ = _manual_and_derived(team, people)
    fields = {"team_id": team.id, "measure_id": manual, "week_start": "2026-11-16", "value": 42}
    result = people["member"].push_one("measure_values", new_id(), fields)
    assert result["status"] == "rejected" and "record_id" in result["error"]["fields"]
    assert db.session.query(MeasureValue).count() == 0


def test_two_devices_entering_one_week_edit_one_record(app, team_world, make_user, login, monkeypatch):
    stand_at(monkeypatch, NOW)
    team, people = team_world
    manual, _ = _manual_and_derived(team, people)
    vid = measure_value_id(manual, "2026-11-16")
    base = {"team_id": team.id, "measure_id": manual, "week_start": "2026-11-16"}
    first, second = people["member"], people["lead"]
    hlc_first = first.hlc()  # entered offline first...
    second.push_one("measure_values", vid, {**base, "value": 40})  # ...but the second device syncs first
    response = first.api.post("/api/sync/push", json={"client_id": first.api.device_id, "schema_version": 1,
                                                       "mutations": [{"id": first.next_id, "hlc": hlc_first,
                                                                      "collection": "measure_values", "record_id": vid,
                                                                      "op": "upsert", "fields": {**base, "value": 38}}]})
    assert response.json["results"][0]["status"] == "applied"
    assert db.session.query(MeasureValue).count() == 1 and db.session.get(MeasureValue, vid).value == 40.0
    conflicts = second.api.get(f"/api/sync/conflicts?team_id={team.id}").json["conflicts"]
    assert [(c["field"], c["kept_value"], c["lost_value"]) for c in conflicts] == [("value", 40, 38)]


def test_clearing_a_value_and_why_values_are_never_deleted(app, team_world, monkeypatch):
    stand_at(monkeypatch, NOW)
    team, people = team_world
    manual, _ = _manual_and_derived(team, people)
    vid = measure_value_id(manual, "2026-11-23")
    fields = {"team_id": team.id, "measure_id": manual, "week_start": "2026-11-23", "value": 3}
    people["member"].push_one("measure_values", vid, fields)
    api = people["member"].api
    assert rows_by_name(api.get(f"/api/teams/{team.id}/boxscore").json)["Patients seen"]["this_week"] == 3
    assert people["member"].push_one("measure_values", vid, {"value": None})["status"] == "applied"
    assert db.session.get(MeasureValue, vid) is None
    assert rows_by_name(api.get(f"/api/teams/{team.id}/boxscore").json)["Patients seen"]["this_week"] is None
    assert people["member"].push_one("measure_values", vid, {"value": 5})["status"] == "applied"
    assert rows_by_name(api.get(f"/api/teams/{team.id}/boxscore").json)["Patients seen"]["this_week"] == 5
    result = people["lead"].push_one("measure_values", vid, op="delete")
    assert result["status"] == "rejected" and result["error"]["code"] == "forbidden"
    assert "clear it" in result["error"]["message"]


def test_the_projector_never_lets_a_stray_value_id_reach_the_typed_table(app, make_team):
    from sync import StoredRecord

    from server.measures.projection import project_measure_values

    team = make_team()
    good = measure_value_id("m1", "2026-11-16")
    fields = {"measure_id": "m1", "week_start": "2026-11-16", "value": 4}
    t = "2026-11-26T10:00:00.000Z"
    records = [StoredRecord("measure_values", "stray", team.id, "u", t, t, 1, dict(fields)),
               StoredRecord("measure_values", good, team.id, "u", t, t, 2, dict(fields))]
    project_measure_values(db.session.connection(), records)
    assert [row.id for row in db.session.query(MeasureValue)] == [good]
    project_measure_values(db.session.connection(), [StoredRecord("measure_values", good, team.id, "u", t, t, 3,
                                                                  {**fields, "value": None})])
    assert db.session.query(MeasureValue).count() == 0
