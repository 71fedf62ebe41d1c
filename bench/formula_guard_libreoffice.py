"""Check, with LibreOffice (headless), that exported cells guarded by server/core/spreadsheet.py open as
text, never as formulas (issue 17). Not part of the test suite: LibreOffice is not there in CI.

    .venv/bin/python bench/formula_guard_libreoffice.py      # needs soffice on the PATH

Writes a CSV and an .xlsx of dangerous cells (guarded as the exports guard them) and the same cells
unguarded, converts each to CSV with soffice (its default CSV import evaluates formulas), and prints what
LibreOffice read in each cell: a guarded cell must come back as its text (behind the CSV's "'"), an
unguarded one shows what LibreOffice does without the guard (2 where it computed =1+1).
"""

from __future__ import annotations

import csv
import io
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from server.core.spreadsheet import csv_cell, looks_like_formula, xlsx_cell  # noqa: E402

CELLS = ["=1+1", "+1+1", "-2+3", "@SUM(1,1)", "\t=1+1", "\r=1+1", "\n=1+1", " =1+1", "\r\n@SUM(1,1)", " \t-2+3",
         "=HYPERLINK(\"http://example.org\",\"x\")"]


def write(folder: Path, guarded: bool) -> list[Path]:
    from openpyxl import Workbook

    tag = "guarded" if guarded else "raw"
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\r\n")
    wb = Workbook()
    for row, cell in enumerate(CELLS, 1):
        writer.writerow([row, csv_cell(cell) if guarded else cell])
        wb.active.cell(row, 1, row)
        if guarded:
            xlsx_cell(wb.active, row, 2, cell)
        else:
            wb.active.cell(row, 2, cell)  # openpyxl's own rule: a leading "=" is a formula
    (folder / f"{tag}.csv").write_text(text.getvalue(), encoding="utf-8")
    wb.save(folder / f"{tag}.xlsx")
    return [folder / f"{tag}.csv", folder / f"{tag}.xlsx"]


def read_back(path: Path, out: Path) -> list[str]:
    target = out / path.suffix.lstrip(".")
    target.mkdir(exist_ok=True)
    subprocess.run(["soffice", "--headless", "--norestore", f"-env:UserInstallation=file://{out}/profile",
                    "--convert-to", "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false",
                    "--outdir", str(target), str(path)], check=True, capture_output=True, timeout=180)
    rows = list(csv.reader((target / (path.stem + ".csv")).read_text(encoding="utf-8").splitlines()))
    return [row[1] if len(row) > 1 else "" for row in rows]


def main() -> int:
    if shutil.which("soffice") is None:
        print("soffice is not installed: nothing checked")
        return 2
    failures = 0
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        for guarded in (True, False):
            for path in write(folder, guarded):
                seen = read_back(path, folder)
                print(f"\n{path.name}: what LibreOffice shows in each cell")
                for original, shown in zip(CELLS, seen):
                    evaluated = not looks_like_formula(shown.lstrip("'")) and shown.strip() != original.strip()
                    print(f"  {original!r:40} -> {shown!r:40} {'EVALUATED' if evaluated else 'text'}")
                    failures += guarded and evaluated
    print(f"\n{'every guarded cell stayed text' if not failures else f'{failures} guarded cells were evaluated'}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
