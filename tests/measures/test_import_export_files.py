"""Box score export (CSV, .xlsx) and the import preview: layouts, row-by-row errors, permissions."""

from __future__ import annotations

import csv
import io

from openpyxl import Workbook, load_workbook

from tests.measures.boxscore_testkit import add_measure, add_totals, add_values, stand_at, ward_with_lead

NOW = "2026-11-26T10:00:00Z"  # this week: 2026-11-23


def _upload(api, team, content: bytes, filename="values.csv", commit=None):
    query = "" if commit is None else f"?commit={'true' if commit else 'false'}"
    return api.post(f"/api/teams/{team.id}/measure-values/import{query}",
                    data={"file": (io.BytesIO(content), filename)}, content_type="multipart/form-data")


def _xlsx(rows) -> bytes:
    wb = Workbook()
    for row in rows:
        wb.active.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()



def test_csv_export_is_one_table(app, make_team, make_user, login, monkeypatch):
    stand_at(monkeypatch, NOW)
    team, lead = ward_with_lead(make_team, make_user, login)
    seen = add_measure(team, "Patients seen", unit="patients", aim="=cmd|' /C calc'!A0", target=45, direction="up")
    add_values(team, seen, {"2026-11-16": 44, "2026-11-23": 47.5})
    add_measure(team, "Time lost", group="capacity", source="derived", derived_kind="time_lost", derived_unit="hours")
    add_totals(team, [("2026-11-16", "time_lost", "", 90)])
    response = lead.get(f"/api/teams/{team.id}/boxscore.csv?weeks=3")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    assert response.headers["Content-Disposition"].endswith('boxscore-ward-7-2026-11-23.csv"')
    rows = list(csv.reader(io.StringIO(response.get_data().decode("utf-8-sig"))))
    assert rows[0] == ["Group", "Measure", "Unit", "Aim", "Target", "2026-11-09", "2026-11-16", "2026-11-23",
                       "This week", "Last week", "Source"]
    assert rows[1] == ["Performance", "Patients seen", "patients", "'=cmd|' /C calc'!A0", "45", "", "44", "47.5",
                       "47.5", "44", "manual"]
    assert rows[2] == ["Capacity", "Time lost", "", "", "", "", "1.5", "0", "0", "1.5", "derived"]


def test_xlsx_export_looks_like_the_excel_box_score(app, make_team, make_user, login, monkeypatch):
    stand_at(monkeypatch, NOW)
    team, lead = ward_with_lead(make_team, make_user, login)
    add_values(team, add_measure(team, "Patients seen", target=45), {"2026-11-23": 47})
    add_measure(team, "Cost per patient", group="cost", unit="£")
    response = lead.get(f"/api/teams/{team.id}/boxscore.xlsx?weeks=4")
    assert response.status_code == 200
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    ws = load_workbook(io.BytesIO(response.get_data())).active
    assert ws["A1"].value.startswith("Box score: Ward 7 (") and ws["A1"].font.bold
    assert [c.value for c in ws[3]][:4] == ["Measure", "Unit", "Aim", "Target"]
    assert ws.cell(3, 5).value.date().isoformat() == "2026-11-02" and ws.cell(3, 5).number_format == "dd mmm yy"
    assert ws["A4"].value == "Performance" and ws["A4"].fill.fgColor.rgb.endswith("1F4E78")
    assert ws["A5"].value == "Patients seen" and ws.cell(5, 8).value == 47 and ws["D5"].value == 45
    assert ws["A6"].value == "Cost" and ws["A7"].value == "Cost per patient"
    assert ws.freeze_panes == "E4" and ws.column_dimensions["A"].width == 36


def test_preview_wide_csv_with_every_kind_of_row(app, make_team, make_user, login, monkeypatch):
    stand_at(monkeypatch, NOW)
    team, lead = ward_with_lead(make_team, make_user, login)
    seen = add_measure(team, "Patients seen")
    add_measure(team, "DNAs")
    add_measure(team, "Time lost", group="capacity", source="derived", derived_kind="time_lost", derived_unit="hours")
    add_values(team, seen, {"2026-11-09": 40, "2026-11-16": 41})
    content = (
        "Box score for Ward 7\r\n"
        "\r\n"
        "Measure,Unit,2026-11-09,2026-W47,2026-11-23,2026-11-30,2026-11-24\r\n"
        "Patients seen,n,40,45,,,\r\n"
        "patients  SEEN,n,,,,,\r\n"          # nothing to import: skipped
        "DNAs,n,3,four,5,1,\r\n"
        "Nobody,n,1,,,,\r\n"
        "Time lost,h,2,,,,\r\n"
    ).encode()
    response = _upload(lead, team, content)
    assert response.status_code == 200, response.json
    body = response.json
    assert body["committed"] is False and body["layout"] == "wide"
    rows = [(r["row"], r["measure"], r["week_start"], r["value"], r["status"]) for r in body["rows"]]
    assert (3, None, None, None, "error") in rows  # the Tuesday header
    assert (4, "Patients seen", "2026-11-09", 40.0, "same") in rows
    assert (4, "Patients seen", "2026-11-16", 45.0, "change") in rows
    assert (6, "DNAs", "2026-11-09", 3.0, "new") in rows and (6, "DNAs", "2026-11-23", 5.0, "new") in rows
    errors = {(r["row"], r["column"]): r["error"] for r in body["rows"] if r["status"] == "error"}
    assert "Tuesday" in errors[(3, "2026-11-24")]
    assert {r["week_text"] for r in body["rows"] if r["row"] == 4} == {"2026-11-09", "2026-W47"}
    assert [r["week_text"] for r in body["rows"] if r["row"] == 3] == ["2026-11-24"]
    assert "not a number" in errors[(6, "2026-W47")]
    assert "future" in errors[(6, "2026-11-30")]
    assert "No measure of this team is called 'Nobody'" in errors[(7, "2026-11-09")]
    assert "derived" in errors[(8, "2026-11-09")]
    assert body["counts"] == {"new": 2, "change": 1, "same": 1, "error": 5}
    change = next(r for r in body["rows"] if r["status"] == "change")
    assert change["current"] == 41.0 and change["measure_id"] == seen.id


def test_preview_long_layout_and_xlsx(app, make_team, make_user, login, monkeypatch):
    stand_at(monkeypatch, NOW)
    team, lead = ward_with_lead(make_team, make_user, login)
    add_measure(team, "Patients seen")
    content = _xlsx([["Measure", "Week", "Value"], ["Patients seen", "2026-W46", 40],
                     ["Patients seen", "2026-11-16", "1,041.5"], ["Patients seen", "2026-11-02", "41,5"], ["Patients seen", "2026-11-16", 3],
                     ["Patients seen", "16/11/2026", 2], ["Patients seen", "soon", 1], [None, None, None]])
    body = _upload(lead, team, content, "values.xlsx").json
    assert body["layout"] == "long"
    by_row = {r["row"]: r for r in body["rows"]}
    assert by_row[2]["week_start"] == "2026-11-09" and by_row[2]["status"] == "new"
    assert by_row[3]["value"] == 1041.5  # thousands separators are dropped...
    assert "decimal point" in by_row[4]["error"]  # ...but a decimal comma is not guessed
    assert "already gives this measure a value" in by_row[5]["error"]
    assert "already gives" in by_row[6]["error"]  # 16/11/2026 is the same Monday, written the UK way
    assert by_row[7]["error"] == "'soon' is not a week: use the Monday (YYYY-MM-DD) or ISO week (YYYY-Www)."
    assert 8 not in by_row
    # The week as the file wrote it, for the preview's Week column, a week or not.
    assert [by_row[n]["week_text"] for n in (2, 6, 7)] == ["2026-W46", "16/11/2026", "soon"]


def test_unreadable_files_are_refused_as_a_whole(app, make_team, make_user, login):
    team, lead = ward_with_lead(make_team, make_user, login)
    for content, name in ((b"just,some,columns\r\n1,2,3\r\n", "x.csv"), (b"PK\x03\x04garbage", "x.xlsx"),
                          (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1old", "x.xls"), (b"Measure,Unit\r\nA,b\r\n", "x.csv")):
        response = _upload(lead, team, content, name)
        assert response.status_code == 422 and response.json["error"]["code"] == "invalid_file", content
    response = _upload(lead, team, b"Measure,2026-11-23\r\n" + b"x" * (1024 * 1024), "big.csv")
    assert response.status_code == 413
    response = lead.post(f"/api/teams/{team.id}/measure-values/import", data={}, content_type="multipart/form-data")
    assert response.status_code == 422


def test_only_leads_coaches_and_admins_import(app, make_team, make_user, login, monkeypatch):
    stand_at(monkeypatch, NOW)
    team, lead = ward_with_lead(make_team, make_user, login)
    content = b"Measure,2026-11-23\r\n"
    assert _upload(login(make_user(team=team)), team, content).status_code == 403
    assert _upload(login(make_user(team=make_team())), team, content).status_code == 404
    assert _upload(login(make_user("coach", coach_of=[team])), team, content).status_code == 200
    assert _upload(login(make_user("admin")), team, content).status_code == 200
