"""An import's work is bounded before it is done (issue 17): a zip that unpacks a hundredfold, a sheet of
too many rows, columns or cells, a CSV line of thousands of columns, are refused with the error shape
(413 for size, 422 for shape), never parsed and never a worker's crash."""

from __future__ import annotations

import functools
import io
import zipfile
from datetime import date, timedelta

import pytest

from server.core import spreadsheet
from server.measures import io as box_io
from tests.measures import import_bombs as bombs
from tests.measures.boxscore_testkit import add_measure, stand_at, ward_with_lead

NOW = "2026-11-26T10:00:00Z"  # this week: 2026-11-23


@functools.cache
def big_bomb() -> bytes:
    return bombs.wide_row_bomb(120)  # about 240 KB that unpacks to 120 MB (built once per worker)


def _upload(api, team, content: bytes, filename: str):
    return api.post(f"/api/teams/{team.id}/measure-values/import",
                    data={"file": (io.BytesIO(content), filename)}, content_type="multipart/form-data")


@pytest.fixture
def lead_and_team(app, make_team, make_user, login, monkeypatch):
    stand_at(monkeypatch, NOW)
    team, lead = ward_with_lead(make_team, make_user, login)
    add_measure(team, "Patients seen")
    return lead, team


def _refused(response, status: int, words: str) -> dict:
    assert response.status_code == status, response.get_data(as_text=True)[:500]
    error = response.json["error"]
    assert error["code"] == "import_too_large" and words in error["message"], error
    assert len(response.get_data()) < 2000  # a sentence, not a preview
    return error


def test_a_zip_bomb_is_refused_from_its_directory_before_unpacking(lead_and_team, monkeypatch):
    lead, team = lead_and_team
    assert len(big_bomb()) < 1024 * 1024
    monkeypatch.setattr("openpyxl.load_workbook", lambda *a, **k: pytest.fail("openpyxl was reached"))
    opened = []
    real_open = zipfile.ZipFile.open
    monkeypatch.setattr(zipfile.ZipFile, "open", lambda self, name, *a, **k: opened.append(name) or real_open(
        self, name, *a, **k))
    error = _refused(_upload(lead, team, big_bomb(), "bomb.xlsx"), 413, "too large once unpacked")
    assert "120 MB" in error["message"] and "10 MB" in error["message"]
    assert opened == []  # not one part was unpacked


def _sheet(rows=(), *, extra: str = "", dimension: str | None = None) -> bytes:
    return bombs.xlsx([bombs.rows_xml(rows), extra], dimension=dimension)


def test_a_value_beyond_the_column_limit_is_refused_naming_the_row(lead_and_team):
    lead, team = lead_and_team
    wide = [["Measure", "2026-11-23"], ["Patients seen", *range(1, box_io.MAX_COLUMNS + 1)]]
    error = _refused(_upload(lead, team, _sheet(wide), "wide.xlsx"), 422, "Row 2")
    assert f"column {box_io.MAX_COLUMNS + 1}" in error["message"]


def test_a_row_of_more_cells_than_excel_allows_is_refused_even_empty(lead_and_team):
    lead, team = lead_and_team
    row = '<row r="3">' + "<c/>" * (spreadsheet.MAX_ROW_CELLS + 1) + "</row>"
    _refused(_upload(lead, team, _sheet([["Measure", "2026-11-23"]], extra=row), "cells.xlsx"), 422,
             "more cells than Excel allows")


def test_too_many_rows_and_cells_are_refused_before_openpyxl(lead_and_team, monkeypatch):
    lead, team = lead_and_team
    monkeypatch.setattr("openpyxl.load_workbook", lambda *a, **k: pytest.fail("openpyxl was reached"))
    tall = [["Measure", "2026-11-23"], *(["Patients seen", 1] for _ in range(box_io.MAX_ROWS))]
    _refused(_upload(lead, team, _sheet(tall), "tall.xlsx"), 422, f"more than {box_io.MAX_ROWS:,} rows")
    # A row far down with nothing between is as many rows, as the sheet numbers them.
    far = bombs.xlsx([bombs.rows_xml([["Measure", "2026-11-23"]]), '<row r="900000"><c r="A900000"><v>1</v></c></row>'])
    _refused(_upload(lead, team, far, "far.xlsx"), 422, "rows")
    per_row = spreadsheet.MAX_CELLS // 300 + 1
    dense = [["Measure"] + [None] * 299, *([1] * 300 for _ in range(per_row))]
    _refused(_upload(lead, team, _sheet(dense), "dense.xlsx"), 422, f"more than {spreadsheet.MAX_CELLS:,} cells")


def test_too_many_shared_strings_or_parts_are_refused(lead_and_team):
    lead, team = lead_and_team
    out = io.BytesIO(_sheet([["Measure", "2026-11-23"]]))
    with zipfile.ZipFile(out, "a", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/sharedStrings.xml", '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                         + "<si><t>a</t></si>" * (spreadsheet.MAX_SHARED_STRINGS + 1) + "</sst>")
    _refused(_upload(lead, team, out.getvalue(), "strings.xlsx"), 422, "pieces of text")
    out = io.BytesIO(_sheet([["Measure", "2026-11-23"]]))
    with zipfile.ZipFile(out, "a") as archive:
        for i in range(spreadsheet.MAX_PARTS):
            archive.writestr(f"xl/media/p{i}.bin", b"")
    _refused(_upload(lead, team, out.getvalue(), "parts.xlsx"), 413, "parts")


def test_a_workbook_of_too_many_styles_is_refused_before_openpyxl_builds_them(lead_and_team, monkeypatch):
    lead, team = lead_and_team
    monkeypatch.setattr("openpyxl.load_workbook", lambda *a, **k: pytest.fail("openpyxl was reached"))
    out = io.BytesIO(_sheet([["Measure", "2026-11-23"]]))
    xf = '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    with zipfile.ZipFile(out, "a", zipfile.ZIP_DEFLATED) as archive:  # 13 KB: 64,000 styles took 25 s to load
        archive.writestr("xl/styles.xml", '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                         f'<cellXfs count="64000">{xf * 64000}</cellXfs></styleSheet>')
    assert len(out.getvalue()) < 20_000
    _refused(_upload(lead, team, out.getvalue(), "styles.xlsx"), 422, "formatting is too large")


def test_a_dtd_is_refused_as_not_a_workbook(lead_and_team):
    lead, team = lead_and_team
    head = ('<?xml version="1.0"?><!DOCTYPE worksheet [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>'
            '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">')
    response = _upload(lead, team, bombs.xlsx([bombs.rows_xml([["Measure", "2026-11-23"]])], head=head), "dtd.xlsx")
    assert response.status_code == 422 and response.json["error"]["code"] == "invalid_file"


def test_a_lying_dimension_and_formatting_beyond_the_limits_do_not_stop_a_real_file(lead_and_team):
    lead, team = lead_and_team
    styled = '<row r="3"><c r="A3" s="1"/>' + "".join(f'<c r="{_col(c)}3" s="1"/>' for c in range(401, 600)) + "</row>"
    content = _sheet([["Measure", "2026-11-23"], ["Patients seen", 41]], extra=styled, dimension="A1:XFD1048576")
    response = _upload(lead, team, content, "values.xlsx")
    assert response.status_code == 200, response.json
    assert [(r["measure"], r["week_start"], r["value"]) for r in response.json["rows"]] == [
        ("Patients seen", "2026-11-23", 41.0)]


def _col(n: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(n)


def test_a_csv_of_two_thousand_columns_is_refused_at_its_first_line(lead_and_team, monkeypatch):
    lead, team = lead_and_team
    content = bombs.wide_csv(2000)
    assert len(content) < 1024 * 1024
    monkeypatch.setattr(box_io, "plan_import", lambda *a: pytest.fail("the file was planned"))
    error = _refused(_upload(lead, team, content, "wide.csv"), 422, "Line 1 has 2001 columns")
    assert f"at most {box_io.MAX_COLUMNS}" in error["message"]
    # A quoted line is counted by the csv module: the same answer.
    quoted = ('"Measure",' + ",".join(f'"{i}"' for i in range(500)) + "\r\n").encode()
    _refused(_upload(lead, team, quoted, "quoted.csv"), 422, "Line 1 has 501 columns")
    later = b"Measure,2026-11-23\r\nPatients seen,1\r\n" + b"x" + b",1" * 450 + b"\r\n"
    _refused(_upload(lead, team, later, "later.csv"), 422, "Line 3 has 451 columns")


def test_a_file_of_more_values_than_a_preview_holds_is_refused(lead_and_team):
    lead, team = lead_and_team
    weeks = [(date(2000, 1, 3) + timedelta(weeks=i)).isoformat() for i in range(350)]
    rows = box_io.MAX_VALUES // 350 + 1
    content = ("Measure," + ",".join(weeks) + "\r\n" + "".join(
        "Patients seen," + ",".join("1" for _ in weeks) + "\r\n" for _ in range(rows))).encode()
    _refused(_upload(lead, team, content, "values.csv"), 422, f"more than {box_io.MAX_VALUES:,} values")
