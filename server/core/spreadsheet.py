"""What every spreadsheet file the server writes or reads shares.

Exports: a text cell a spreadsheet could take for a formula is written so it stays text
(:func:`csv_cell`, :func:`xlsx_cell`; :func:`unguard` undoes the CSV guard when a file comes back).

Imports: an uploaded CSV or .xlsx is small (the routes cap the upload at 1 MiB), but a zip of repeated
XML unpacks a hundredfold and a CSV line may hold thousands of columns, so the work of reading one is
bounded before it is done: the .xlsx archive by what its directory says each part unpacks to, the sheet
by a streaming count of its rows, columns and cells before openpyxl builds anything, a CSV line by its
columns before it becomes a list. Over a limit is :func:`too_large` (413 for size, 422 for shape).
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterable, Iterator
from typing import Any
from xml.parsers import expat

from server.core.errors import ApiError

# ------------------------------------------------------------------------------------------------
# exports: formula injection
# ------------------------------------------------------------------------------------------------
# A spreadsheet reads a cell as a formula when its first character is one of these, and Excel and
# LibreOffice skip leading whitespace (a newline included) before deciding.
FORMULA_STARTS = ("=", "+", "-", "@")
# Kept from the first guard: a leading tab or carriage return lets some importers split the cell.
_CONTROL_STARTS = ("\t", "\r")


def looks_like_formula(text: str) -> bool:
    return text[:1] in _CONTROL_STARTS or text.lstrip()[:1] in FORMULA_STARTS


def csv_cell(value: Any) -> str:
    """A value as a CSV cell: numbers as numbers, text that could run as a formula behind a "'"."""
    if value is None:
        return ""
    if isinstance(value, float):
        return repr(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    text = str(value)
    return "'" + text if looks_like_formula(text) else text


def unguard(text: str) -> str:
    """Text as it was before :func:`csv_cell` guarded it (an exported file, imported again)."""
    return text[1:] if text[:1] == "'" and looks_like_formula(text[1:]) else text


def xlsx_cell(ws: Any, row: int, column: int, value: Any) -> Any:
    """Write a value into an openpyxl worksheet; text that could run as a formula is a text cell marked
    as quoted (Excel's own "'" prefix, kept when someone edits the cell), never a formula."""
    cell = ws.cell(row, column, value)
    if isinstance(value, str) and looks_like_formula(value):
        cell.data_type = "s"  # openpyxl would store "=..." as a formula
        cell.quotePrefix = True
    return cell


# ------------------------------------------------------------------------------------------------
# imports: bounds
# ------------------------------------------------------------------------------------------------
MB = 1024 * 1024
# A box score of 30,000 cells is about 1 MB of sheet XML: 10 MB unpacked leaves room for styles and
# text while keeping a bomb's parse to a fraction of a second.
MAX_UNPACKED_BYTES = 10 * MB
MAX_PARTS = 1000  # an Excel workbook has tens; pictures and sheets add a few each
# Cells holding a value in the sheet read (or cells of a CSV): 100 measures of five years' weeks is 26,000;
# openpyxl reads 30,000 in about 1.5 s.
MAX_CELLS = 30_000
MAX_ROW_CELLS = 16_384  # Excel's own widest row: more <c> elements in a row is not a workbook Excel wrote
MAX_SHARED_STRINGS = 200_000
# openpyxl builds an object per style, at about 0.35 ms each: a 13 KB styles.xml of 64,000 styles took 25 s.
# Excel's default has about 100 elements and a busy template a few thousand.
MAX_STYLE_ELEMENTS = 5_000
# The rest openpyxl parses whole (workbook, relationships, properties); pictures, charts and the other
# sheets are never parsed in read-only mode.
MAX_OTHER_ELEMENTS = 20_000
_NOT_PARSED = ("xl/worksheets/", "xl/drawings/", "xl/charts/", "xl/media/")


def too_large(message: str, status: int = 422) -> ApiError:
    return ApiError(status, "import_too_large", message)


class Unreadable(Exception):
    """The file is not a workbook (or CSV) that can be read; the message says so in plain words."""


def _mb(size: int) -> str:
    return f"{size / MB:.0f} MB" if size >= 10 * MB else f"{size / MB:.1f} MB"


# -- CSV ------------------------------------------------------------------------------------------
def csv_rows(text: str, *, max_columns: int, max_cells: int = MAX_CELLS, dialect: Any = csv.excel,
             strict: bool = False) -> Iterator[tuple[int, list[str]]]:
    """(line number, cells) of each row; 422 at the first line with more than ``max_columns`` columns
    or once the file passes ``max_cells`` cells. Callers count rows (what a row is differs)."""
    delimiter = dialect.delimiter
    quote = dialect.quotechar or '"'

    def lines(source: Iterable[str]) -> Iterator[str]:
        for number, line in enumerate(source, 1):
            # Without quotes every delimiter splits: refuse before the csv module builds the list.
            if line.count(delimiter) >= max_columns and quote not in line:
                raise too_large(f"Line {number} has {line.count(delimiter) + 1} columns; at most {max_columns} "
                                "can be read.")
            yield line

    reader = csv.reader(lines(io.StringIO(text, newline="")), dialect, strict=strict)
    cells = 0
    try:
        for row in reader:
            if len(row) > max_columns:
                raise too_large(f"Line {reader.line_num} has {len(row)} columns; at most {max_columns} can be read.")
            cells += len(row)
            if cells > max_cells:
                raise too_large(f"The file has more than {max_cells:,} cells (at line {reader.line_num}); "
                                "split it into smaller files.")
            yield reader.line_num, row
    except csv.Error as error:
        raise Unreadable(f"line {reader.line_num}: {error}") from None


# -- .xlsx ----------------------------------------------------------------------------------------
_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_CELL_REF = re.compile(r"^\$?([A-Za-z]{1,3})\$?(\d+)$")
_NOT_A_WORKBOOK = "The .xlsx file cannot be read; is it an Excel workbook?"


class _Stop(Exception):
    pass


def _column_number(letters: str) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + ord(ch) - 64
    return n


def _scan(archive: zipfile.ZipFile, name: str, start=None, end=None) -> None:
    """Stream one XML part through expat (no tree is built), refusing any DTD: a workbook has none, and
    entities are how an XML bomb expands."""
    parser = expat.ParserCreate(namespace_separator=" ")

    def no_dtd(*_args):
        raise Unreadable(_NOT_A_WORKBOOK)

    parser.StartDoctypeDeclHandler = no_dtd
    parser.EntityDeclHandler = no_dtd
    if start:
        parser.StartElementHandler = start
    if end:
        parser.EndElementHandler = end
    try:
        with archive.open(name) as part:
            while chunk := part.read(64 * 1024):
                parser.Parse(chunk, False)
            parser.Parse(b"", True)
    except _Stop:
        return
    except (expat.ExpatError, zipfile.BadZipFile, EOFError, ValueError):
        raise Unreadable(_NOT_A_WORKBOOK) from None


def _first_sheet(archive: zipfile.ZipFile, names: set[str]) -> str:
    """The path of the workbook's first sheet, as openpyxl finds it (workbook.xml, then its rels)."""
    found: dict[str, str] = {}

    def workbook_part(tag, attrs):
        if tag == f"{_PKG_REL} Relationship" and attrs.get("Type", "").endswith("/officeDocument"):
            found["workbook"] = attrs.get("Target", "").lstrip("/")
            raise _Stop

    if "_rels/.rels" in names:
        _scan(archive, "_rels/.rels", workbook_part)
    workbook = found.get("workbook", "xl/workbook.xml")
    if workbook not in names:
        raise Unreadable(_NOT_A_WORKBOOK)

    def sheet(tag, attrs):
        if tag == f"{_MAIN} sheet":
            found["id"] = attrs.get(f"{_REL} id", "")
            raise _Stop

    _scan(archive, workbook, sheet)
    folder, _, leaf = workbook.rpartition("/")
    rels = f"{folder}/_rels/{leaf}.rels" if folder else f"_rels/{leaf}.rels"
    if "id" not in found or rels not in names:
        raise Unreadable(_NOT_A_WORKBOOK)

    def target(tag, attrs):
        if tag == f"{_PKG_REL} Relationship" and attrs.get("Id") == found["id"]:
            found["sheet"] = attrs.get("Target", "")
            raise _Stop

    _scan(archive, rels, target)
    path = found.get("sheet", "")
    path = path.lstrip("/") if path.startswith("/") else (f"{folder}/{path}" if folder else path)
    if path not in names:
        raise Unreadable(_NOT_A_WORKBOOK)
    return path


def _check_sheet(archive: zipfile.ZipFile, path: str, *, max_rows: int, max_columns: int,
                 max_cells: int) -> tuple[int, int]:
    """Count the sheet's rows, columns and cells as its XML streams past, stopping at the first one over
    a limit. Returns (last row, last column) holding a value. Empty styled cells (formatting dragged
    across a range) do not count against the columns, but a row of more cells than Excel allows does."""
    state = {"row": 0, "col": 0, "row_cells": 0, "cells": 0, "valued": False, "last_row": 0, "last_col": 0}
    row_tag, cell_tag = f"{_MAIN} row", f"{_MAIN} c"
    value_tags = {f"{_MAIN} v", f"{_MAIN} is"}

    def start(tag, attrs):
        if tag == cell_tag:
            state["row_cells"] += 1
            if state["row_cells"] > MAX_ROW_CELLS:
                raise too_large(f"Row {state['row']} of the sheet has more cells than Excel allows in a row.")
            ref = _CELL_REF.match(attrs.get("r", ""))
            state["col"] = _column_number(ref.group(1)) if ref else state["col"] + 1
            state["valued"] = False
        elif tag in value_tags:
            state["valued"] = True
        elif tag == row_tag:
            number = attrs.get("r", "")
            state["row"] = int(number) if number.isdigit() else state["row"] + 1
            state["col"] = state["row_cells"] = 0

    def end(tag):
        if tag != cell_tag or not state["valued"]:
            return
        if state["row"] > max_rows:
            raise too_large(f"The sheet has more than {max_rows:,} rows; at most {max_rows:,} can be imported at once.")
        if state["col"] > max_columns:
            raise too_large(f"Row {state['row']} of the sheet has a value in column {state['col']:,}; at most "
                            f"{max_columns} columns can be read.")
        state["cells"] += 1
        if state["cells"] > max_cells:
            raise too_large(f"The sheet has more than {max_cells:,} cells with a value (at row {state['row']:,}); "
                            "split it into smaller files.")
        state["last_row"] = max(state["last_row"], state["row"])
        state["last_col"] = max(state["last_col"], state["col"])

    _scan(archive, path, start, end)
    return state["last_row"], state["last_col"]


def _element_counter(counts: dict[str, int], name: str):
    def start(tag, _attrs):
        if tag == f"{_MAIN} si":  # openpyxl reads every shared string before any sheet
            counts["strings"] += 1
            if counts["strings"] > MAX_SHARED_STRINGS:
                raise too_large(f"The workbook holds more than {MAX_SHARED_STRINGS:,} pieces of text; keep only "
                                "the box score's sheet, or save it as CSV.")
        elif name.endswith("styles.xml"):
            counts["styles"] += 1
            if counts["styles"] > MAX_STYLE_ELEMENTS:
                raise too_large("The workbook's formatting is too large to read (thousands of cell styles); copy "
                                "the box score into a new workbook, or save it as CSV.")
        elif not name.endswith("sharedStrings.xml"):
            counts["other"] += 1
            if counts["other"] > MAX_OTHER_ELEMENTS:
                raise too_large(f"The workbook's structure is too large to read (more than {MAX_OTHER_ELEMENTS:,} "
                                "entries besides its cells); copy the box score into a new workbook, or save it "
                                "as CSV.")

    return start


def _check_archive(content: bytes, *, max_rows: int, max_columns: int, max_cells: int) -> tuple[int, int]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        infos = archive.infolist()
    except (zipfile.BadZipFile, EOFError, ValueError, NotImplementedError):
        raise Unreadable(_NOT_A_WORKBOOK) from None
    with archive:
        if len(infos) > MAX_PARTS:
            raise too_large(f"The spreadsheet is made of {len(infos):,} parts; a workbook has at most "
                            f"{MAX_PARTS:,}.", 413)
        # zipfile never unpacks a part beyond the size the directory gives (a lie fails its CRC check),
        # so these sizes bound the work before any of it is done.
        unpacked = sum(info.file_size for info in infos)
        if unpacked > MAX_UNPACKED_BYTES:
            raise too_large(f"The spreadsheet is too large once unpacked: {_mb(unpacked)}, and at most "
                            f"{_mb(MAX_UNPACKED_BYTES)} can be read. Keep only the box score's sheet, or save "
                            "it as CSV.", 413)
        names = {info.filename for info in infos}
        sheet = _first_sheet(archive, names)
        counts = {"strings": 0, "styles": 0, "other": 0}
        for info in infos:  # every XML part: no DTD in any, and bounds on those openpyxl parses whole
            name = info.filename
            if not name.endswith((".xml", ".rels")) or name == sheet:
                continue
            if name.startswith(_NOT_PARSED) and "/_rels/" not in name:  # a sheet's relationships are read
                _scan(archive, name)
            else:
                _scan(archive, name, _element_counter(counts, name))
        return _check_sheet(archive, sheet, max_rows=max_rows, max_columns=max_columns, max_cells=max_cells)


def xlsx_rows(content: bytes, *, max_rows: int, max_columns: int, max_cells: int = MAX_CELLS) -> list[list[Any]]:
    """The first sheet's rows of values (str, number, datetime or None), once the archive and the sheet
    are known to be within the limits; :class:`Unreadable` for a file that is not a workbook."""
    last_row, last_col = _check_archive(content, max_rows=max_rows, max_columns=max_columns, max_cells=max_cells)
    if last_row == 0:
        return []
    from openpyxl import load_workbook

    try:
        wb = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a broken file
        raise Unreadable(_NOT_A_WORKBOOK) from None
    try:
        ws = wb.worksheets[0]
        ws.reset_dimensions()  # the sheet's own <dimension> may claim a million rows: the scan's counts rule
        return [list(row) for row in ws.iter_rows(values_only=True, max_row=last_row, max_col=last_col)]
    except Exception:
        raise Unreadable(_NOT_A_WORKBOOK) from None
    finally:
        wb.close()
