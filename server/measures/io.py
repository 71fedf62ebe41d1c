"""Box score export (CSV, .xlsx) and import of weekly values (CSV, .xlsx).

Export
------
Both files hold the same table, one row per measure (retired ones left out), groups in box score order:

``Measure | Unit | Aim | Target | <one column per week, headed by its Monday, oldest first> | This week |
Last week | Source``

* CSV: a ``Group`` column first, then the table; one header row, nothing else (easy for any tool).
* XLSX: laid out like the familiar Excel box score: a title row (team and board), a subtitle (weeks
  shown, when generated), the column header row, then per group a coloured header band followed by its
  measures. Week headers are real dates; panes are frozen below the header and right of Target.

Import
------
Accepted layouts (a CSV or an .xlsx file's first sheet; the header row is the first row with a cell
reading ``Measure``, so title rows above it are skipped):

* **wide** (what the export produces): ``Measure`` plus one column per week, headed by its Monday
  (``2026-11-23``, or a date cell in .xlsx) or an ISO week (``2026-W48``). Other columns (Group, Unit,
  Aim, Target, This week, Last week, Source, anything else) are ignored. Empty cells are skipped (an
  import never deletes a value). Rows whose ``Source`` cell says ``derived`` are skipped as a whole, so
  an exported file round-trips; any other row naming a derived measure is an error.
* **long**: columns ``Measure``, ``Week`` (or ``Week start``) and ``Value``, one value per row.

Each value becomes a row ``{row, column, measure, measure_id, week_start, week_text, value, current, status}``
(``week_text``: the week as the file wrote it) with
``status`` ``new`` (no value yet), ``change`` (replaces ``current``), ``same`` or ``error`` (with
``error``). A header that looks like a date but is not a Monday (or is an impossible week) is an error
too, reported on the header row. Committing writes every ``new``/``change`` row through the sync engine
in one transaction, and only when no row is an error.

Limits (checked as the file is read, before the work they bound; server/core/spreadsheet.py): 5,000
rows, 400 columns, 30,000 cells and 20,000 values (the preview's rows); an .xlsx at most 10 MB
unpacked. Over one is 413 (size) or 422 (shape), ``import_too_large``.
"""

from __future__ import annotations

import csv
import io
import math
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa

from server.core import spreadsheet
from server.core.spreadsheet import csv_cell, unguard, xlsx_cell
from server.extensions import db
from server.measures.models import Measure, MeasureValue
from server.core.weeks import current_week_start, iso_week_label, parse_week
from server.organisations.models import Board, Team

MAX_ROWS, MAX_COLUMNS = 5000, 400
# Each value is a row of the preview: 20,000 keep its reply to a few MB (a commit takes at most 500).
MAX_VALUES = 20_000
_DATE_LIKE = re.compile(r"^\s*(\d{4}-\d{1,2}-\d{1,2}|\d{4}-?W\d{1,2}|\d{1,2}/\d{1,2}/\d{2,4})", re.IGNORECASE)


# ------------------------------------------------------------------------------------------------
# export
# ------------------------------------------------------------------------------------------------
def _table(score: dict) -> tuple[list[str], list[tuple[dict, dict, list]]]:
    weeks = score["weeks"]
    header = ["Measure", "Unit", "Aim", "Target", *weeks, "This week", "Last week", "Source"]
    rows = []
    for group in score["groups"]:
        for m in group["measures"]:
            cells = [m["name"], m["unit"] or "", m["aim"] or "", m["target"],
                     *(point["value"] for point in m["series"]), m["this_week"], m["last_week"], m["source"]]
            rows.append((group, m, cells))
    return header, rows


def export_csv(score: dict) -> bytes:
    header, rows = _table(score)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["Group", *header])
    for group, _m, cells in rows:
        writer.writerow([group["label"], *(csv_cell(c) for c in cells)])
    return ("\ufeff" + out.getvalue()).encode("utf-8")  # BOM: Excel then reads it as UTF-8


def export_xlsx(score: dict, team: Team) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter

    board = db.session.get(Board, team.board_id)
    header, rows = _table(score)
    weeks = score["weeks"]
    n_cols = len(header)
    first_week_col = 5
    wb = Workbook()
    ws = wb.active
    ws.title = "Box score"

    ws.cell(1, 1, f"Box score: {team.name}" + (f" ({board.name})" if board else "")).font = Font(bold=True, size=14)
    ws.cell(2, 1, f"{len(weeks)} weeks, {weeks[0]} to {weeks[-1]} (weeks start on Monday); "
                  f"generated {score['generated_at'][:16].replace('T', ' ')} UTC").font = Font(italic=True, color="555555")
    head_row = 3
    thin = Side(style="thin", color="999999")
    for col, title in enumerate(header, start=1):
        cell = ws.cell(head_row, col)
        if first_week_col <= col < first_week_col + len(weeks):
            cell.value = date.fromisoformat(title)
            cell.number_format = "dd mmm yy"
        else:
            cell.value = title
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center" if col >= first_week_col else "left", vertical="center",
                                   wrap_text=True)
        cell.border = Border(bottom=thin)
        cell.fill = PatternFill("solid", fgColor="D9E1F2")

    band_fill = PatternFill("solid", fgColor="1F4E78")
    row_no = head_row
    current_group = None
    for group, m, cells in rows:
        if group["group"] != current_group:
            current_group = group["group"]
            row_no += 1
            for col in range(1, n_cols + 1):
                ws.cell(row_no, col).fill = band_fill
            ws.cell(row_no, 1, group["label"]).font = Font(bold=True, color="FFFFFF")
        row_no += 1
        number_format = "0.0" if m["source"] == "derived" else "General"
        for col, value in enumerate(cells, start=1):
            cell = xlsx_cell(ws, row_no, col, value)
            if col == 3:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
            elif col >= 4 and col < n_cols:
                cell.number_format = number_format
                cell.alignment = Alignment(horizontal="right")
        ws.cell(row_no, 1).alignment = Alignment(wrap_text=True, vertical="top")
        ws.cell(row_no, n_cols - 2).font = Font(bold=True)

    widths = {1: 36, 2: 12, 3: 40, 4: 9}
    for col in range(1, n_cols + 1):
        ws.column_dimensions[get_column_letter(col)].width = widths.get(col, 11)
    ws.freeze_panes = ws.cell(head_row + 1, first_week_col)
    ws.print_title_rows = f"{head_row}:{head_row}"
    ws.page_setup.orientation = "landscape"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


# ------------------------------------------------------------------------------------------------
# import
# ------------------------------------------------------------------------------------------------
class ImportFileError(Exception):
    """The file as a whole cannot be read (wrong type, no header row, too big)."""


@dataclass
class ImportPlan:
    layout: str
    rows: list[dict] = field(default_factory=list)

    @property
    def errors(self) -> list[dict]:
        return [r for r in self.rows if r["status"] == "error"]

    def counts(self) -> dict[str, int]:
        counts = {"new": 0, "change": 0, "same": 0, "error": 0}
        for r in self.rows:
            counts[r["status"]] += 1
        return counts


def read_table(filename: str, content: bytes) -> list[list[Any]]:
    """The file's first sheet as rows of cells (str, number, date or None)."""
    if content[:4] == b"PK\x03\x04" or filename.lower().endswith((".xlsx", ".xlsm")):
        return _read_xlsx(content)
    if filename.lower().endswith(".xls") or content[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise ImportFileError("Old .xls workbooks cannot be read; save it as .xlsx or CSV.")
    return _read_csv(content)


def _read_csv(content: bytes) -> list[list[Any]]:
    if b"\x00" in content:
        raise ImportFileError("This is not a CSV or .xlsx file.")
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = content.decode("cp1252", errors="replace")
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    rows = []
    try:
        for _line, row in spreadsheet.csv_rows(text, max_columns=MAX_COLUMNS, dialect=dialect):
            rows.append(row)
            if len(rows) > MAX_ROWS:
                raise spreadsheet.too_large(f"At most {MAX_ROWS:,} rows can be imported at once.")
    except spreadsheet.Unreadable as exc:
        raise ImportFileError(f"The CSV file cannot be read ({exc}).") from None
    return rows


def _read_xlsx(content: bytes) -> list[list[Any]]:
    try:
        return spreadsheet.xlsx_rows(content, max_rows=MAX_ROWS, max_columns=MAX_COLUMNS)
    except spreadsheet.Unreadable as exc:
        raise ImportFileError(str(exc)) from None


def _text(cell: Any) -> str:
    if cell is None:
        return ""
    if isinstance(cell, datetime):
        return cell.date().isoformat() if cell.time() == datetime.min.time() else cell.isoformat()
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return str(cell).strip()


def _norm(name: str) -> str:
    return " ".join(name.split()).casefold()


def _header_week(cell: Any) -> date | None | str:
    """A week header's Monday, None when the header is not a week, or an error sentence."""
    if isinstance(cell, datetime):
        cell = cell.date()
    if isinstance(cell, date):
        return cell if cell.weekday() == 0 else f"{cell.isoformat()} is a {cell.strftime('%A')}; weeks are named by their Monday."
    text = _text(cell)
    if not _DATE_LIKE.match(text):
        return None
    m = re.match(r"^(\d{1,2})/(\d{1,2})/(\d{2,4})$", text)  # UK day/month/year, as Excel writes it
    if m:
        d, mo, y = (int(x) for x in m.groups())
        y = y + 2000 if y < 100 else y
        try:
            text = date(y, mo, d).isoformat()
        except ValueError:
            return f"{text!r} is not a date."
    try:
        return parse_week(text)
    except ValueError as exc:
        return str(exc)


def _number(cell: Any) -> float | str:
    """A value cell's number, or an error sentence."""
    if isinstance(cell, bool):
        return "Not a number."
    if isinstance(cell, (int, float)):
        value = float(cell)
    else:
        text = _text(cell)
        if text.startswith("'"):
            text = text[1:]
        if "," in text:  # 1,234.5 is a number; 41,5 is ambiguous (a decimal comma?) and refused
            if not re.match(r"^[-+]?\d{1,3}(,\d{3})+(\.\d+)?$", text):
                return f"{_text(cell)!r} is not a number (use a decimal point)."
            text = text.replace(",", "")
        try:
            value = float(text)
        except ValueError:
            return f"{_text(cell)!r} is not a number."
    if not math.isfinite(value):
        return "Not a finite number."
    return value


def plan_import(team: Team, table: list[list[Any]], today_week: date | None = None) -> ImportPlan:
    today_week = today_week or current_week_start()
    header_at = next((i for i, row in enumerate(table) if any(_norm(_text(c)) == "measure" for c in row)), None)
    if header_at is None:
        raise ImportFileError("No header row: one row must have a column headed 'Measure'.")
    header = [_norm(_text(c)) for c in table[header_at]]
    measure_col = header.index("measure")
    week_cols = {}
    header_errors = []
    for col, cell in enumerate(table[header_at]):
        if col == measure_col:
            continue
        week = _header_week(cell)
        if isinstance(week, date):
            week_cols[col] = week
        elif isinstance(week, str):
            header_errors.append({"row": header_at + 1, "column": _text(cell), "week_text": _text(cell),
                                  "measure": None, "measure_id": None,
                                  "week_start": None, "value": None, "current": None, "status": "error",
                                  "error": week})

    long_cols = {name: header.index(name) for name in ("week", "week start", "week_start", "value", "note")
                 if name in header}
    week_col = long_cols.get("week", long_cols.get("week start", long_cols.get("week_start")))
    layout = "long" if week_col is not None and "value" in long_cols and not week_cols else "wide"
    if layout == "wide" and not week_cols and not header_errors:
        raise ImportFileError("No week columns: head them with the Monday (YYYY-MM-DD) or ISO week (YYYY-Www), "
                              "or use the long layout (Measure, Week, Value).")
    source_col = header.index("source") if "source" in header else None

    measures = list(db.session.scalars(sa.select(Measure).where(Measure.team_id == team.id)))
    by_name: dict[str, list[Measure]] = {}
    for m in measures:
        by_name.setdefault(_norm(m.name), []).append(m)

    # (row number, column title, measure name, week cell, the week as written, value)
    cells: list[tuple[int, str, str, Any, str, Any]] = []
    for i in range(header_at + 1, len(table)):
        row = table[i]
        get = lambda c: row[c] if c is not None and c < len(row) else None  # noqa: E731
        name = _text(get(measure_col))
        name = unguard(name)  # our CSV export's guard against formulas
        if layout == "long":
            if not name and _text(get(week_col)) == "" and _text(get(long_cols["value"])) == "":
                continue
            cells.append((i + 1, "Value", name, get(week_col), _text(get(week_col)), get(long_cols["value"])))
        else:
            if source_col is not None and _norm(_text(get(source_col))) == "derived":
                continue
            filled = [(c, row[c]) for c in week_cols if c < len(row) and _text(row[c]) != ""]
            if not filled:
                continue  # a group band, a blank row, or a measure with nothing to import
            for c, value in filled:
                header = _text(table[header_at][c])
                cells.append((i + 1, header, name, week_cols[c], header, value))
        if len(cells) > MAX_VALUES:
            raise spreadsheet.too_large(f"The file holds more than {MAX_VALUES:,} values (at row {i + 1:,}); "
                                        "split it, for example by year.")

    plan = ImportPlan(layout, list(header_errors))
    parsed: list[dict] = []
    for row_no, column, name, week_cell, week_text, raw in cells:
        # week_text is the week as the file gave it, so a preview can show a week that is not one.
        item = {"row": row_no, "column": column, "measure": name or None, "measure_id": None, "week_start": None,
                "week_text": week_text or None, "value": None, "current": None, "status": "error"}
        problems = []
        measure = None
        candidates = by_name.get(_norm(name), []) if name else []
        if len(candidates) > 1:
            candidates = [m for m in candidates if m.status != "retired"] or candidates
        if not name:
            problems.append("No measure name.")
        elif not candidates:
            problems.append(f"No measure of this team is called {name!r}.")
        elif len(candidates) > 1:
            problems.append(f"Several measures are called {name!r}; rename one first.")
        else:
            measure = candidates[0]
            item["measure_id"] = measure.id
            if measure.source != "manual":
                problems.append("This measure is derived from capacity entries; its values are computed, not imported.")
        week = week_cell if isinstance(week_cell, date) and not isinstance(week_cell, datetime) else _header_week(week_cell)
        if isinstance(week, date):
            item["week_start"] = week.isoformat()
            if week > today_week:
                problems.append(f"Week {week.isoformat()} ({iso_week_label(week)}) is in the future.")
            elif week.isoformat() < "2000-01-03":
                problems.append("Weeks before 2000 cannot be imported.")
        else:
            problems.append(week or f"{_text(week_cell)!r} is not a week: use the Monday (YYYY-MM-DD) or ISO week (YYYY-Www).")
        value = _number(raw)
        if isinstance(value, float):
            item["value"] = value
        else:
            problems.append(value)
        if problems:
            item["error"] = " ".join(problems)
        parsed.append(item)

    seen: dict[tuple[str, str], int] = {}
    for item in parsed:
        if "error" in item:
            continue
        key = (item["measure_id"], item["week_start"])
        if key in seen:
            item["error"] = f"The file already gives this measure a value for this week (row {seen[key]})."
        else:
            seen[key] = item["row"]

    ok = [item for item in parsed if "error" not in item]
    current: dict[tuple[str, str], float] = {}
    if ok:
        ids = sorted({item["measure_id"] for item in ok})
        for measure_id, week, value in db.session.execute(
            sa.select(MeasureValue.measure_id, MeasureValue.week_start, MeasureValue.value).where(
                MeasureValue.team_id == team.id, MeasureValue.measure_id.in_(ids)
            )
        ):
            current[(measure_id, week.isoformat())] = value
    for item in parsed:
        if "error" in item:
            continue
        existing = current.get((item["measure_id"], item["week_start"]))
        item["current"] = existing
        item["status"] = "new" if existing is None else ("same" if existing == item["value"] else "change")
    plan.rows.extend(parsed)
    plan.rows.sort(key=lambda r: (r["row"], r["column"] or ""))
    return plan
