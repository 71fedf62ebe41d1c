"""The board report's figures as a CSV and an .xlsx (one sheet per section in the workbook; one
table with a section column in the CSV), with the cells a spreadsheet must not read as formulas
made plain (server/core/spreadsheet.py, as in every export)."""

from __future__ import annotations

import csv
import io
from typing import Any

from server.core.spreadsheet import csv_cell, xlsx_cell

STATUS_WORDS = {"all_three": "All three", "some": "Some", "none": "None"}
STEP_WORDS = {"data": "The box score's new signals", "tests_of_change": "Tests of change", "celebrations": "Celebrations",
              "ideas": "New ideas", "actions": "Actions and next steps", "barriers": "Barriers and escalations",
              "questions": "Questions"}


def sections(report: dict[str, Any]) -> list[tuple[str, list[str], list[list[Any]]]]:
    """(title, header, rows) of each section, in the report's order."""
    weeks = report["period"]["weeks"]
    fidelity_rows = [[t["team_name"], t["box_score_weeks"], t["board_weeks"], t["huddle_weeks"], weeks,
                      STATUS_WORDS[t["status"]], t["protected_minutes"]["huddle"],
                      t["protected_minutes"]["box_score_and_board"], t["protected_minutes"]["per_week"]]
                     for t in report["teams"]]
    s = report["summary"]
    totals = [["All three", s["all_three"]], ["Some", s["some"]], ["None", s["none"]],
              ["Teams", len(report["teams"])], ["Weeks", weeks]]
    milestones = [[m["team_name"], m["label"], m["reached_at"].date().isoformat()] for m in report["milestones"]]
    signals = [[x["team_name"], x["measure_name"], x["unit"] or "", ", ".join(w.isoformat() for w in x["weeks"]),
                x["rule_set_label"]] for x in report["signals"]]
    highlights = [[h["team_name"], h["on"].isoformat(),
                   "Adopted idea" if h["kind"] == "idea" else f"Huddle note ({STEP_WORDS.get(h['step'], h['step'])})",
                   h["title"] or "", h["text"] or ""] for h in report["highlights"]]
    return [
        ("Fidelity", ["Team", "Box score weeks", "Board weeks", "Huddle weeks", "Weeks in period", "Status",
                      "Huddle minutes", "Box score and board minutes", "Value Management minutes per week"], fidelity_rows),
        ("Fidelity in total", ["Status", "Teams"], totals),
        ("Milestones reached", ["Team", "Milestone", "Reached on"], milestones),
        ("Improvement signals", ["Team", "Measure", "Unit", "Weeks with an improvement signal", "Rules"], signals),
        ("Highlights", ["Team", "On", "From", "Title", "Text"], highlights),
    ]


def export_csv(report: dict[str, Any]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    p = report["period"]
    writer.writerow([csv_cell(f"Board report: {report['board']['name']}"),
                     f"{p['from_'].isoformat()} to {p['to'].isoformat()}",
                     f"{p['weeks']} weeks from {p['first_week'].isoformat()}"])
    for title, header, rows in sections(report):
        writer.writerow([])
        writer.writerow(["Section", *header])
        for row in rows:
            writer.writerow([title, *(csv_cell(c) for c in row)])
    return ("\ufeff" + out.getvalue()).encode("utf-8")  # BOM: Excel then reads it as UTF-8


def export_xlsx(report: dict[str, Any]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill

    wb = Workbook()
    wb.remove(wb.active)
    p = report["period"]
    for title, header, rows in sections(report):
        ws = wb.create_sheet(title[:31])
        ws.cell(1, 1, f"{title}: {report['board']['name']}").font = Font(bold=True, size=14)
        ws.cell(2, 1, f"{p['from_'].isoformat()} to {p['to'].isoformat()} ({p['weeks']} ISO weeks from "
                      f"{p['first_week'].isoformat()})").font = Font(italic=True, color="555555")
        for col, name in enumerate(header, start=1):
            cell = ws.cell(3, col, name)
            cell.font = Font(bold=True)
            cell.fill = PatternFill("solid", fgColor="D9E1F2")
            cell.alignment = Alignment(wrap_text=True, vertical="center")
            ws.column_dimensions[cell.column_letter].width = 40 if name in ("Text", "Team", "Measure", "Milestone") else 16
        for r, row in enumerate(rows, start=4):
            for col, value in enumerate(row, start=1):
                xlsx_cell(ws, r, col, value)
        ws.freeze_panes = "A4"
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
