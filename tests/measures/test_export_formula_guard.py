"""No export lets a spreadsheet run a cell as a formula (issue 17): text whose first character other than
whitespace is = + - or @ (or that starts with a tab or carriage return) is written as text, in every CSV
(behind a "'") and every .xlsx (a quoted text cell), and an exported box score still imports back."""

from __future__ import annotations

import csv
import io
import zipfile

import pytest
from openpyxl import load_workbook

from server.core.spreadsheet import csv_cell, looks_like_formula, unguard
from server.extensions import db
from tests.measures.boxscore_testkit import add_measure, add_values, stand_at, ward_with_lead

NOW = "2026-11-26T10:00:00Z"  # this week: 2026-11-23

DANGEROUS = ["=1+1", "+1+1", "-2+3", "@SUM(1)", "\t=1+1", "\r=1+1", "\n=1+1", " =1+1", "\r\n@SUM(1)", " \t-2+3",
             "\u00a0=1+1", "  \n  +cmd|' /C calc'!A0"]
HARMLESS = ["Patients seen", "a=b", "Ward 7 - nights", "", "'quoted"]


@pytest.mark.parametrize("text", DANGEROUS)
def test_dangerous_text_is_guarded_and_the_guard_comes_off(text):
    assert looks_like_formula(text)
    assert csv_cell(text) == "'" + text and unguard(csv_cell(text)) == text


@pytest.mark.parametrize("value, cell", [*((t, t) for t in HARMLESS), (-2.0, "-2"), (-2, "-2"), (1.5, "1.5"),
                                         (None, "")])
def test_numbers_and_plain_text_are_written_as_they_are(value, cell):
    assert csv_cell(value) == cell and unguard(cell) == cell


def _same_text(written: str, original: str) -> bool:
    # XML turns a bare carriage return into a newline; nothing else may change.
    return written.replace("\r\n", "\n").replace("\r", "\n") == original.replace("\r\n", "\n").replace("\r", "\n")


def _xlsx_text_cells(content: bytes, texts: list[str]) -> None:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/"):
                assert b"<f>" not in archive.read(name) and b"<f " not in archive.read(name), name
    book = load_workbook(io.BytesIO(content))
    found = {}
    for ws in book.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                for text in texts:
                    if isinstance(cell.value, str) and _same_text(cell.value, text):
                        found[text] = cell
    assert found.keys() == set(texts)
    for cell in found.values():
        assert cell.data_type == "s" and cell.quotePrefix, (cell.coordinate, cell.value)


@pytest.mark.parametrize("text", DANGEROUS)
def test_box_score_exports_write_dangerous_text_as_text_and_import_back(text, app, make_team, make_user, login,
                                                                        monkeypatch):
    stand_at(monkeypatch, NOW)
    team, lead = ward_with_lead(make_team, make_user, login)
    measure = add_measure(team, name=f"{text} named", aim=text)
    add_values(team, measure, {"2026-11-16": -3})

    exported = lead.get(f"/api/teams/{team.id}/boxscore.csv?weeks=2").get_data()
    rows = list(csv.reader(io.StringIO(exported.decode("utf-8-sig"), newline="")))
    assert rows[1][1:4] == ["'" + text + " named", "", "'" + text] and rows[1][5] == "-3"
    xlsx = lead.get(f"/api/teams/{team.id}/boxscore.xlsx?weeks=2").get_data()
    _xlsx_text_cells(xlsx, [f"{text} named", text])

    for content, name in ((exported, "box.csv"), (xlsx, "box.xlsx")):
        response = lead.post(f"/api/teams/{team.id}/measure-values/import",
                             data={"file": (io.BytesIO(content), name)}, content_type="multipart/form-data")
        assert response.status_code == 200, response.json
        assert response.json["counts"] == {"new": 0, "change": 0, "same": 1, "error": 0}, (name, response.json)


@pytest.mark.parametrize("text", DANGEROUS)
def test_board_report_exports_write_dangerous_text_as_text(text, app, monkeypatch, make_board, make_team, admin):
    stand_at(monkeypatch, NOW)
    board = make_board("North")
    team = make_team(board=board)
    team.name = text  # however it got there, a name is never run
    db.session.commit()
    period = {"from": "2026-10-05", "to": "2026-10-25"}
    response = admin.get(f"/api/boards/{board.id}/report.csv", query_string=period)
    assert response.status_code == 200, response.json
    rows = list(csv.reader(io.StringIO(response.get_data().decode("utf-8-sig"), newline="")))
    assert ["Fidelity", "'" + text] == next(r for r in rows if r[:1] == ["Fidelity"] and r[1] != "Team")[:2]
    assert all(not looks_like_formula(cell) for row in rows for cell in row)
    response = admin.get(f"/api/boards/{board.id}/report.xlsx", query_string=period)
    assert response.status_code == 200
    _xlsx_text_cells(response.get_data(), [text])


def test_the_audit_export_guards_its_cells(app):
    from server.audit import operations

    for text in DANGEROUS:  # ids are the server's, but the guard holds whatever a column ever holds
        operations.record("board.created", target_type="board", target_id=text, actor_id=None, device_id=None)
    db.session.flush()
    rows = list(csv.reader(io.StringIO("".join(operations.events_csv()).lstrip("\ufeff"), newline="")))
    assert sorted(r[6] for r in rows[1:]) == sorted("'" + text for text in DANGEROUS)
    assert not any(looks_like_formula(c) for r in rows for c in r)
    db.session.rollback()
