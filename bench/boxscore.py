"""Benchmark: GET /api/teams/<id>/boxscore for a team with a year of data, on SQLite and PostgreSQL.

    .venv/bin/python bench/boxscore.py                 # both databases
    .venv/bin/python bench/boxscore.py --db sqlite --requests 50

The team: 50 staff logging 8 capacity entries a day for a year (~146,000 entries), 9 time-lost categories,
20 measures (12 manual with a year of weekly values, 8 derived from capacity). The data is built with
**bulk inserts straight into the typed tables** (``capacity_entries``, ``capacity_weekly_totals``,
``time_lost_categories``, ``measures``, ``measure_values``), not through the sync engine: the box score reads
only those tables, and pushing 146,000 entries through sync would benchmark sync instead. The weekly totals
are computed here exactly as the capacity projector maintains them.

Requests go through the Flask test client with a real bearer token (authentication included), after two
warm-up requests. Targets (issue 5): < 50 ms for 12 weeks, < 150 ms for 52 weeks.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from collections import defaultdict
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402

POSTGRES_ADMIN_URL = os.environ.get("VALUEBOARD_TEST_POSTGRES", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
CONFIG = {"TESTING": True, "ARGON2_TIME_COST": 1, "ARGON2_MEMORY_KIB": 64, "RATE_LIMITS": False,
          "SECRET_KEY": "bench", "PWA_DIST": "/nonexistent"}
PASSWORD = "benchmark password"


def _database(kind: str) -> tuple[str, callable]:
    if kind == "sqlite":
        folder = tempfile.mkdtemp(prefix="vb-bench-")
        path = Path(folder) / "bench.db"
        return f"sqlite:///{path}", lambda: path.unlink(missing_ok=True)
    name = f"valueboard_bench_{os.getpid()}"
    admin = sa.create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))

    def drop():
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + "/" + name, drop


def build(app, *, staff: int, per_day: int, manual: int, derived: int, days: int) -> tuple[str, str, dict]:
    from server.accounts.operations import create_user
    from server.capacity.models import DEFAULT_TIME_LOST_CATEGORIES, CapacityEntry, CapacityWeeklyTotal, TimeLostCategory
    from server.extensions import db
    from server.measures.models import measure_value_id
    from server.measures.models import Measure, MeasureValue
    from server.core.weeks import current_week_start, week_start
    from server.organisations.operations import create_board, create_team, set_membership

    rng = random.Random(5)
    started = time.perf_counter()
    board = create_board(name="Bench board")
    team = create_team(board_id=board.id, name="Bench ward", contracted_hours_per_week=staff * 37.5)
    lead = create_user(email="lead@bench.example", name="Lead", password=PASSWORD, role="staff")
    set_membership(team, lead.id, "lead")
    user_ids = [lead.id]
    for i in range(staff - 1):
        user = create_user(email=f"s{i}@bench.example", name=f"Staff {i}", password=PASSWORD, role="staff")
        set_membership(team, user.id, "member")
        user_ids.append(user.id)
    db.session.commit()

    now = datetime.now(timezone.utc)
    conn = db.session.connection()
    categories = {}
    for i, name in enumerate(DEFAULT_TIME_LOST_CATEGORIES):
        categories[name] = str(uuid.uuid4())
    conn.execute(sa.insert(TimeLostCategory.__table__), [
        {"id": cid, "team_id": team.id, "name": name, "former_names": ["Old " + name] if i == 1 else [],
         "position": i, "archived": False, "created_at": now, "updated_at": now}
        for i, (name, cid) in enumerate(categories.items())])

    today = now.date()
    totals: dict[tuple, list[int]] = defaultdict(lambda: [0, 0])
    rows = []
    names = list(categories)
    n_entries = 0
    for d in range(days):
        day = today - timedelta(days=d)
        monday = week_start(day)
        for uid in user_ids:
            for _ in range(per_day):
                kind = rng.choices(("time_lost", "meeting", "admin"), weights=(6, 2, 2))[0]
                category = rng.choice(names) if kind == "time_lost" else None
                minutes = rng.choice((5, 10, 15, 20, 30, 45, 60))
                rows.append({"id": str(uuid.uuid4()), "team_id": team.id, "user_id": uid, "kind": kind,
                             "minutes": minutes, "occurred_on": day, "category": category, "note": None,
                             "created_at": now, "updated_at": now})
                bucket = totals[(monday, kind, category or "")]
                bucket[0] += minutes
                bucket[1] += 1
        if len(rows) >= 20_000:
            conn.execute(sa.insert(CapacityEntry.__table__), rows)
            n_entries += len(rows)
            rows = []
    if rows:
        conn.execute(sa.insert(CapacityEntry.__table__), rows)
        n_entries += len(rows)
    conn.execute(sa.insert(CapacityWeeklyTotal.__table__), [
        {"team_id": team.id, "week_start": wk, "kind": kind, "category": cat, "minutes": m, "entries": n}
        for (wk, kind, cat), (m, n) in totals.items()])

    measures, values = [], []
    this_week = current_week_start(now)
    weeks = [this_week - timedelta(weeks=i) for i in range(days // 7 + 1)]
    groups = ("performance", "cost", "staff_experience")
    for i in range(manual):
        mid = str(uuid.uuid4())
        measures.append({"id": mid, "name": f"Manual measure {i}", "group": groups[i % 3],
                         "subgroup": "access" if i % 3 == 0 else None, "direction": rng.choice(("up", "down")),
                         "target": 50.0, "rule_set": "ihi" if i % 5 == 4 else "mdc", "source": "manual"})
        level = rng.uniform(20, 80)
        for wk in weeks:
            values.append({"id": measure_value_id(mid, wk), "team_id": team.id, "measure_id": mid, "week_start": wk,
                           "value": round(rng.gauss(level, level * 0.1), 1), "note": None, "user_id": lead.id,
                           "created_at": now, "updated_at": now})
    kinds = [("time_lost", None, "hours"), ("time_lost", None, "percent_of_contracted"), ("meeting", None, "hours"),
             ("admin", None, "hours"), ("time_lost", names[1], "hours"), ("time_lost", names[3], "percent_of_contracted"),
             ("meeting", None, "percent_of_contracted"), ("admin", None, "percent_of_contracted")]
    for i in range(derived):
        kind, category, unit = kinds[i % len(kinds)]
        measures.append({"id": str(uuid.uuid4()), "name": f"Derived measure {i}", "group": "capacity",
                         "subgroup": None, "direction": "down", "target": None, "rule_set": "mdc", "source": "derived",
                         "derived_kind": kind, "derived_unit": unit,
                         "derived_category_id": categories[category] if category else None})
    conn.execute(sa.insert(Measure.__table__), [
        {"team_id": team.id, "unit": None, "aim": "An aim", "operational_definition": None, "on_board": True,
         "status": "active", "rebase_weeks": [], "position": i, "created_at": now, "updated_at": now,
         "derived_kind": None, "derived_unit": None, "derived_category_id": None, **m}
        for i, m in enumerate(measures)])
    conn.execute(sa.insert(MeasureValue.__table__), values)
    db.session.commit()
    if db.engine.dialect.name == "postgresql":
        db.session.execute(sa.text("ANALYZE"))
        db.session.commit()
    else:
        db.session.execute(sa.text("ANALYZE"))
        db.session.commit()
    stats = {"entries": n_entries, "weekly_totals": len(totals), "measures": len(measures), "values": len(values),
             "build_s": round(time.perf_counter() - started, 1)}
    return team.id, lead.email, stats


def run(kind: str, requests: int, **sizes) -> dict:
    from flask_migrate import upgrade

    from server import create_app
    from server.extensions import db

    url, drop = _database(kind)
    try:
        app = create_app({**CONFIG, "SQLALCHEMY_DATABASE_URI": url})
        with app.app_context():
            upgrade()
            team_id, email, stats = build(app, **sizes)
            db.session.remove()
        client = app.test_client()
        login = client.post("/api/auth/login", json={"email": email, "password": PASSWORD, "device_name": "bench"})
        headers = {"Authorization": f"Bearer {login.json['token']}"}
        results = {"db": kind, **stats}
        for weeks in (12, 52):
            path = f"/api/teams/{team_id}/boxscore?weeks={weeks}"
            for _ in range(2):
                assert client.get(path, headers=headers).status_code == 200
            times = []
            for _ in range(requests):
                t0 = time.perf_counter()
                response = client.get(path, headers=headers)
                times.append((time.perf_counter() - t0) * 1000)
                assert response.status_code == 200
            times.sort()
            results[f"weeks={weeks}"] = {"mean_ms": round(statistics.fmean(times), 1),
                                         "p95_ms": round(times[max(0, int(len(times) * 0.95) - 1)], 1),
                                         "bytes": len(response.get_data())}
        with app.app_context():
            db.engine.dispose()
        return results
    finally:
        drop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--staff", type=int, default=50)
    parser.add_argument("--per-day", type=int, default=8)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--manual", type=int, default=12)
    parser.add_argument("--derived", type=int, default=8)
    args = parser.parse_args()
    kinds = ("sqlite", "postgresql") if args.db == "both" else (args.db,)
    for kind in kinds:
        r = run(kind, args.requests, staff=args.staff, per_day=args.per_day, manual=args.manual,
                derived=args.derived, days=args.days)
        print(f"{kind}: {r['entries']} entries, {r['weekly_totals']} weekly totals, {r['measures']} measures, "
              f"{r['values']} values (built in {r['build_s']} s)")
        for weeks, target in ((12, 50), (52, 150)):
            w = r[f"weeks={weeks}"]
            verdict = "ok" if w["p95_ms"] < target else "SLOW"
            print(f"  boxscore?weeks={weeks}: mean {w['mean_ms']} ms, p95 {w['p95_ms']} ms "
                  f"(target < {target} ms: {verdict}; {w['bytes']} bytes)")


if __name__ == "__main__":
    main()
