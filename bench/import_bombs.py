"""Benchmark: what the bombs of issue 17's security probe cost an import now, on SQLite.

    .venv/bin/python bench/import_bombs.py

Each file is posted to ``POST /api/teams/<id>/measure-values/import`` (the people CSV also to
``POST /api/people-imports``) through the Flask test client, by an administrator, in a fresh Python
process of its own so its peak memory is its own: the answer's status and code, the request's time
(without tracing), the Python heap's peak during a second, traced request (tracemalloc) and the growth
of the process's peak resident memory (ru_maxrss) over the request. A real box score export (50
measures, 52 weeks) is the yardstick. The probe, before the limits: the 310 KB .xlsx killed a worker
after 41 s, the 103 KB one took 14 s and 1.6 GB, the CSV 7 s and 650 MB for a 93 MB preview.
"""

from __future__ import annotations

import io
import json
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

CONFIG = {"TESTING": True, "ARGON2_TIME_COST": 1, "ARGON2_MEMORY_KIB": 64, "RATE_LIMITS": False,
          "SECRET_KEY": "bench", "PWA_DIST": "/nonexistent"}
PASSWORD = "benchmark password"


def _export_like(kind: str) -> bytes:
    """A box score as the export writes it: 50 measures, 52 weeks of values."""
    weeks = [(date(2025, 11, 24) + timedelta(weeks=i)).isoformat() for i in range(52)]
    rows = [["Measure", *weeks]] + [[f"Measure {m}", *(float(m + w) for w in range(52))] for m in range(50)]
    if kind == "csv":
        return "\r\n".join(",".join(str(c) for c in row) for row in rows).encode()
    from openpyxl import Workbook

    wb = Workbook()
    for row in rows:
        wb.active.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _at_the_limits(rows: int, kind: str, columns: int = 20) -> bytes:
    """Measure plus week columns, ``rows`` rows of ``columns`` cells: 1,498 rows of 20 is about the most work a
    file within the cell limit can ask for (openpyxl reads it all; the preview refuses it at 20,000
    values)."""
    from tests.measures import import_bombs as bombs

    weeks = [(date(2025, 11, 24) - timedelta(weeks=i)).isoformat() for i in range(columns - 1)]
    table = [["Measure", *weeks], *([f"Measure {r % 50}", *range(columns - 1)] for r in range(rows))]
    if kind == "csv":
        return "\r\n".join(",".join(str(c) for c in row) for row in table).encode()
    return bombs.xlsx([bombs.rows_xml(table)])


def files() -> list[tuple[str, str, str, bytes]]:
    from tests.measures import import_bombs as bombs

    return [
        ("the 310 KB .xlsx (one row, 150 MB unpacked)", "measures", "bomb.xlsx", bombs.wide_row_bomb(150)),
        ("the 103 KB .xlsx (one row, 50 MB unpacked)", "measures", "bomb.xlsx", bombs.wide_row_bomb(50)),
        ("the 1 MB CSV of 2,000 columns", "measures", "wide.csv", bombs.wide_csv(2000)),
        ("the 1 MB CSV of 2,000 columns", "people", "wide.csv", bombs.wide_csv(2000)),
        ("an .xlsx of 31,500 cells", "measures", "cells.xlsx", _at_the_limits(1050, "xlsx", 30)),
        ("an .xlsx at the limits: 29,980 cells", "measures", "limits.xlsx", _at_the_limits(1498, "xlsx")),
        ("a CSV at the limits: 29,980 cells", "measures", "limits.csv", _at_the_limits(1498, "csv")),
        ("yardstick: a box score export (.xlsx)", "measures", "box.xlsx", _export_like("xlsx")),
        ("yardstick: a box score export (CSV)", "measures", "box.csv", _export_like("csv")),
    ]


def one(path: str, route: str, filename: str) -> dict:
    """In this (fresh) process: a database, an administrator and a team, then the upload."""
    import openpyxl  # noqa: F401  (loaded in a worker that has imported before: not the request's cost)
    from flask_migrate import upgrade

    from server import create_app
    from server.accounts.operations import create_user
    from server.extensions import db
    from server.organisations.operations import create_board, create_team

    content = Path(path).read_bytes()
    folder = tempfile.mkdtemp(prefix="vb-bench-")
    app = create_app({**CONFIG, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/bench.db"})
    with app.app_context():
        upgrade()
        team_id = create_team(board_id=create_board(name="North").id, name="Ward 7").id
        create_user(email="admin@example.org", name="Admin", password=PASSWORD, role="admin")
        db.session.commit()
    client = app.test_client()
    token = client.post("/api/auth/login", json={"email": "admin@example.org", "password": PASSWORD,
                                                 "device_name": "bench"}).json["token"]
    headers = {"Authorization": f"Bearer {token}"}

    def post():
        if route == "people":
            return client.post("/api/people-imports", data=content, content_type="text/csv", headers=headers)
        return client.post(f"/api/teams/{team_id}/measure-values/import", headers=headers,
                           data={"file": (io.BytesIO(content), filename)}, content_type="multipart/form-data")

    client.get(f"/api/teams/{team_id}/boxscore", headers=headers)  # a warm worker: routes and schemas loaded
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    response = post()
    seconds = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    tracemalloc.start()
    post()
    traced_peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    body = response.get_json(silent=True) or {}
    return {"status": response.status_code, "code": (body.get("error") or {}).get("code", ""),
            "message": (body.get("error") or {}).get("message", ""), "seconds": seconds,
            "heap_peak_mb": traced_peak / 2**20, "rss_growth_mb": (after - before) / 1024,
            "reply_kb": len(response.get_data()) / 1024}


def main() -> None:
    import zipfile

    print(f"{'file':48} {'route':8} {'size':>8} {'unpacked':>9} {'status':>6} {'code':18} {'time':>8} "
          f"{'heap peak':>9} {'rss +':>8} {'reply':>8}")
    with tempfile.TemporaryDirectory() as folder:
        for label, route, filename, content in files():
            path = Path(folder) / filename
            path.write_bytes(content)
            unpacked = (sum(i.file_size for i in zipfile.ZipFile(io.BytesIO(content)).infolist())
                        if filename.endswith(".xlsx") else len(content))
            out = subprocess.run([sys.executable, __file__, "--one", str(path), route, filename], cwd=ROOT,
                                 capture_output=True, text=True, check=True).stdout
            r = json.loads(out.strip().splitlines()[-1])
            print(f"{label:48} {route:8} {len(content) / 1024:6.0f} KB {unpacked / 2**20:6.1f} MB {r['status']:>6} "
                  f"{r['code']:18} {r['seconds'] * 1000:6.0f} ms {r['heap_peak_mb']:6.1f} MB {r['rss_growth_mb']:5.0f} MB "
                  f"{r['reply_kb']:5.0f} KB")
            if r["message"]:
                print(f"{'':48}   {r['message']}")


if __name__ == "__main__":
    if sys.argv[1:2] == ["--one"]:
        import logging

        logging.disable(logging.CRITICAL)
        print(json.dumps(one(*sys.argv[2:5])))
    else:
        main()
