"""Files built to make an import do a great deal of work from a small upload (issue 17's probe), for the
tests and bench/import_bombs.py. Built in memory, streamed into the zip: a bomb costs its compression
time, never its unpacked size in memory."""

from __future__ import annotations

import io
import zipfile

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    "</Types>")
_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'officeDocument" Target="xl/workbook.xml"/></Relationships>')
_WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>')
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'worksheet" Target="worksheets/sheet1.xml"/></Relationships>')
SHEET_HEAD = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
              '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">')


def xlsx(sheet_parts, *, head: str = SHEET_HEAD, dimension: str | None = None) -> bytes:
    """A minimal workbook whose sheet1.xml is ``head``, ``<sheetData>``, each of ``sheet_parts`` (str,
    streamed into the zip one by one) and the closing tags."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("_rels/.rels", _RELS)
        archive.writestr("xl/workbook.xml", _WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write(head.encode())
            if dimension:
                sheet.write(f'<dimension ref="{dimension}"/>'.encode())
            sheet.write(b"<sheetData>")
            for part in sheet_parts:
                sheet.write(part.encode())
            sheet.write(b"</sheetData></worksheet>")
    return out.getvalue()


def wide_row_bomb(unpacked_mb: int, variety: int = 1) -> bytes:
    """One row of value cells unpacking to about ``unpacked_mb`` MB (the probe's kind of file): a chunk of
    ``variety`` different cells, repeated; more variety packs less tightly."""
    cells = "".join(f"<c><v>{i}</v></c>" for i in range(variety))
    chunk = cells * max(1, 256 * 1024 // len(cells))  # few, large writes
    chunks = unpacked_mb * 1024 * 1024 // len(chunk)
    return xlsx(["<row r=\"1\">", *(chunk for _ in range(chunks)), "</row>"])


def rows_xml(rows) -> str:
    """Sheet XML for rows of values (numbers and inline strings), cells numbered like Excel's."""
    from openpyxl.utils import get_column_letter

    out = []
    for r, row in enumerate(rows, 1):
        cells = []
        for c, value in enumerate(row, 1):
            ref = f"{get_column_letter(c)}{r}"
            if value is None:
                continue
            if isinstance(value, str):
                cells.append(f'<c r="{ref}" t="inlineStr"><is><t>{value}</t></is></c>')
            else:
                cells.append(f'<c r="{ref}"><v>{value}</v></c>')
        out.append(f'<row r="{r}">{"".join(cells)}</row>')
    return "".join(out)


def wide_csv(columns: int = 2000, target_bytes: int = 1024 * 1024 - 1024) -> bytes:
    """A CSV of ``columns`` week columns (Mondays from 2000) and rows of small numbers, just under 1 MiB."""
    from datetime import date, timedelta

    weeks = [(date(2000, 1, 3) + timedelta(weeks=i)).isoformat() for i in range(columns)]
    lines = ["Measure," + ",".join(weeks)]
    row = ",".join(str(i % 10) for i in range(columns))
    size = len(lines[0]) + 2
    n = 0
    while size + len(row) + 12 < target_bytes:
        lines.append(f"M{n}," + row)
        size += len(lines[-1]) + 2
        n += 1
    return ("\r\n".join(lines) + "\r\n").encode()
