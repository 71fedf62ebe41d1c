"""Importing values for real: through the sync engine, all or nothing, and a round trip of our own exports."""

from __future__ import annotations

import csv
import io

from openpyxl import load_workbook

from server.extensions import db
from server.measures.models import measure_value_id
from server.measures.models import MeasureValue
from tests.measures.boxscore_testkit import Device, add_measure, new_id, rows_by_name, series, stand_at, upsert, ward_with_lead

NOW = "2026-11-26T10:00:00Z"


def _upload(api, team, content: bytes, filename="values.csv", commit=False):
    return api.post(f"/api/teams/{team.id}/measure-values/import?commit={'true' if commit else 'false'}",
                    data={"file": (io.BytesIO(content), filename)}, content_type="multipart/form-data")



def test_commit_writes_through_the_engine_and_devices_pull_it(app, make_team, make_user, login, monkeypatch):
    stand_at(monkeypatch, NOW)
    team, lead = ward_with_lead(make_team, make_user, login)
    seen, dnas = add_measure(team, "Patients seen"), add_measure(team, "DNAs")
    content = b"Measure,2026-11-09,2026-11-16\r\nPatients seen,40,41\r\nDNAs,3,\r\n"
    assert db.session.query(MeasureValue).count() == 0
    preview = _upload(lead, team, content).json
    assert preview["counts"] == {"new": 3, "change": 0, "same": 0, "error": 0}
    assert db.session.query(MeasureValue).count() == 0  # a preview writes nothing
    response = _upload(lead, team, content, commit=True)
    assert response.status_code == 200 and response.json["committed"] is True
    db.session.expire_all()
    assert db.session.get(MeasureValue, measure_value_id(seen.id, "2026-11-16")).value == 41.0
    assert db.session.get(MeasureValue, measure_value_id(dnas.id, "2026-11-09")).value == 3.0
    rows = rows_by_name(lead.get(f"/api/teams/{team.id}/boxscore?weeks=3").json)
    assert series(rows["Patients seen"]) == [40.0, 41.0, None]
    member = login(make_user(team=team))
    pulled = member.get("/api/sync/pull").json["changes"]
    assert sorted(c["record"]["value"] for c in pulled if c["collection"] == "measure_values") == [3, 40, 41]
    again = _upload(lead, team, content).json
    assert again["counts"] == {"new": 0, "change": 0, "same": 3, "error": 0}


def test_one_bad_row_refuses_the_whole_import(app, make_team, make_user, login, monkeypatch):
    stand_at(monkeypatch, NOW)
    team, lead = ward_with_lead(make_team, make_user, login)
    add_measure(team, "Patients seen")
    add_measure(team, "Time lost", group="capacity", source="derived", derived_kind="time_lost", derived_unit="hours")
    content = (b"Measure,2026-11-09,2026-11-16,2099-01-05\r\n"
               b"Patients seen,40,41,\r\nTime lost,1,,\r\nNobody,2,,\r\nPatients seen,,x,7\r\n")
    response = _upload(lead, team, content, commit=True)
    assert response.status_code == 422
    error = response.json["error"]
    assert error["code"] == "import_refused" and error["counts"]["error"] == 4
    reasons = [(r["row"], r["column"], r["error"]) for r in error["rows"] if r["status"] == "error"]
    assert [(row, column) for row, column, _ in reasons] == [(3, "2026-11-09"), (4, "2026-11-09"), (5, "2026-11-16"),
                                                           (5, "2099-01-05")]
    assert all(reason for _, _, reason in reasons)
    db.session.expire_all()
    assert db.session.query(MeasureValue).count() == 0


def test_csv_and_xlsx_exports_round_trip_through_import(app, make_team, make_user, login, monkeypatch):
    now = stand_at(monkeypatch, NOW)
    team, lead_api = ward_with_lead(make_team, make_user, login)
    lead = Device(lead_api)
    seen, falls, lost = new_id(), new_id(), new_id()
    lead.push(upsert("measures", seen, team_id=team.id, name="Patients seen", group="performance", direction="up"),
              upsert("measures", falls, team_id=team.id, name="=Falls", group="performance", unit="falls"),
              upsert("measures", lost, team_id=team.id, name="Time lost", group="capacity", source="derived",
                     derived_kind="time_lost"))
    lead.push(upsert("capacity_entries", new_id(), team_id=team.id, kind="time_lost", minutes=30,
                     occurred_on="2026-11-10"))
    for week, a, b in (("2026-11-02", 40, 2), ("2026-11-09", 41.5, None), ("2026-11-16", 39, 0)):
        lead.push(upsert("measure_values", measure_value_id(seen, week), team_id=team.id, measure_id=seen,
                         week_start=week, value=a))
        if b is not None:
            lead.push(upsert("measure_values", measure_value_id(falls, week), team_id=team.id, measure_id=falls,
                             week_start=week, value=b))

    for suffix, name in (("csv", "box.csv"), ("xlsx", "box.xlsx")):
        exported = lead_api.get(f"/api/teams/{team.id}/boxscore.{suffix}?weeks=4").get_data()
        body = _upload(lead_api, team, exported, name).json
        assert body["counts"] == {"new": 0, "change": 0, "same": 5, "error": 0}, (suffix, body)

    # An hour later, edit the exported workbook as a team would: a new week's value and a correction,
    # then import it.
    now.advance(hours=1)
    wb = load_workbook(io.BytesIO(lead_api.get(f"/api/teams/{team.id}/boxscore.xlsx?weeks=4").get_data()))
    ws = wb.active
    row = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == "Patients seen")
    assert ws.cell(row + 0, 1).value == "Patients seen" and ws.cell(3, 8).value.day == 23
    ws.cell(row, 8).value = 44    # week of 23 Nov (new)
    ws.cell(row, 5).value = 38    # week of 2 Nov (was 40)
    out = io.BytesIO()
    wb.save(out)
    body = _upload(lead_api, team, out.getvalue(), "edited.xlsx", commit=True).json
    assert body["committed"] and body["counts"] == {"new": 1, "change": 1, "same": 4, "error": 0}
    rows = rows_by_name(lead_api.get(f"/api/teams/{team.id}/boxscore?weeks=4").json)
    assert series(rows["Patients seen"]) == [38.0, 41.5, 39.0, 44.0]

    exported = lead_api.get(f"/api/teams/{team.id}/boxscore.csv?weeks=4").get_data().decode("utf-8-sig")
    table = list(csv.reader(io.StringIO(exported)))
    # measures sort by name ("=" before "P"); the formula-like name is written so a spreadsheet shows it as text
    assert [row[:3] for row in table[1:3]] == [["Performance", "'=Falls", "falls"], ["Performance", "Patients seen", ""]]
