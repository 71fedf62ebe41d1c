"""Benchmark: fidelity for a national dataset on PostgreSQL (issue 14).

    .venv/bin/python bench/fidelity.py                   # 1,000 teams in 14 boards, a year of data
    .venv/bin/python bench/fidelity.py --teams 200 --requests 10

The data is built with bulk inserts straight into the tables fidelity reads (``capacity_weekly_totals``,
``measure_values``, ``huddles``, ``team_board_weeks``), as the projectors and the push observer would
have left them: each team keeps each element going in a share of the weeks that differs by team (some
nearly every week, some never), over 52 weeks, with 20 measures' weekly values.

Requests go through the Flask test client with real bearer tokens, after two warm-up requests each:
* the **national** view (an admin, every team, the last 12 months) — target under 1 s;
* **one board** over a bi-monthly period (its board lead; the figures the board report prints) — target
  under 500 ms;
* a **coach with 40 teams** (the fidelity behind the caseload, last 12 weeks) — target under 200 ms.
Prints the median and p95 of each.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
import uuid
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import sqlalchemy as sa  # noqa: E402

from boxscore import CONFIG, _database  # noqa: E402

TODAY = date(2026, 10, 21)
MONDAY = TODAY - timedelta(days=TODAY.weekday())
WEEKS = [MONDAY - timedelta(weeks=i) for i in range(52)]


def build(url: str, n_teams: int, n_boards: int) -> dict:
    from flask_migrate import upgrade

    from server import create_app
    from server.accounts.operations import create_user, register_device
    from server.extensions import db
    from server.organisations.models import Board, BoardLead, CoachAssignment, Team

    rng = random.Random(14)
    app = create_app({**CONFIG, "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        upgrade()
        now = datetime.now(timezone.utc)
        boards = [{"id": str(uuid.uuid4()), "name": f"Board {i}", "created_at": now} for i in range(n_boards)]
        db.session.execute(sa.insert(Board), boards)
        teams = [{"id": str(uuid.uuid4()), "board_id": boards[i % n_boards]["id"], "name": f"Team {i}",
                  "created_at": now} for i in range(n_teams)]
        db.session.execute(sa.insert(Team), teams)
        totals, values, huddles, board_weeks = [], [], [], []
        for team in teams:
            keep = rng.choice([0.0, 0.3, 0.6, 0.85, 0.95])  # the share of weeks each element is kept going
            measures = [str(uuid.uuid4()) for _ in range(20)]
            for week in WEEKS:
                if rng.random() < keep:
                    totals.append({"team_id": team["id"], "week_start": week, "kind": "time_lost", "category": "Waiting",
                                   "minutes": 120, "entries": 8})
                    values.extend({"id": str(uuid.uuid4()), "team_id": team["id"], "measure_id": m, "week_start": week,
                                   "value": 1.0, "user_id": "bench", "created_at": now, "updated_at": now}
                                  for m in measures[:12])
                if rng.random() < keep:
                    board_weeks.append({"team_id": team["id"], "week_start": week})
                if rng.random() < keep:
                    huddles.append({"id": str(uuid.uuid4()), "team_id": team["id"], "held_on": week + timedelta(days=1),
                                    "attendee_count": 8, "manager_present": False, "finance_present": False,
                                    "user_id": "bench", "created_at": now, "updated_at": now})
        from server.capacity.models import CapacityWeeklyTotal
        from server.fidelity.models import TeamBoardWeek
        from server.huddles.models import Huddle
        from server.measures.models import MeasureValue

        for model, rows in ((CapacityWeeklyTotal, totals), (MeasureValue, values), (Huddle, huddles),
                            (TeamBoardWeek, board_weeks)):
            for i in range(0, len(rows), 5000):
                db.session.execute(sa.insert(model), rows[i:i + 5000])
        admin = create_user(email="admin@bench.org", name="Admin", password="bench password", role="admin")
        lead = create_user(email="lead@bench.org", name="Board lead", password="bench password", role="board_lead")
        coach = create_user(email="coach@bench.org", name="Coach", password="bench password", role="coach")
        db.session.flush()
        db.session.add(BoardLead(user_id=lead.id, board_id=boards[0]["id"]))
        for team in rng.sample(teams, 40):
            db.session.add(CoachAssignment(team_id=team["id"], coach_id=coach.id))
        tokens = {name: register_device(user, "bench")[0] for name, user in
                  (("admin", admin), ("board_lead", lead), ("coach", coach))}
        db.session.commit()
        counts = {"totals": len(totals), "values": len(values), "huddles": len(huddles), "board_weeks": len(board_weeks)}
        db.session.execute(sa.text("ANALYZE")) if db.engine.dialect.name == "postgresql" else None
        db.session.commit()
        db.session.remove()
    return {"app": app, "tokens": tokens, "board_id": boards[0]["id"], "counts": counts}


def timed(app, token: str, query: str, requests: int) -> tuple[list[float], dict]:
    client = app.test_client()
    headers = {"Authorization": f"Bearer {token}"}
    body = None
    times = []
    for i in range(requests + 2):
        started = time.perf_counter()
        response = client.get(f"/api/fidelity?{query}", headers=headers)
        elapsed = (time.perf_counter() - started) * 1000
        assert response.status_code == 200, response.get_data(as_text=True)
        body = response.json
        if i >= 2:
            times.append(elapsed)
    return times, body


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--teams", type=int, default=1000)
    parser.add_argument("--boards", type=int, default=14)
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument("--db", choices=("postgresql", "sqlite"), default="postgresql")
    args = parser.parse_args()
    url, drop = _database(args.db)
    try:
        built = build(url, args.teams, args.boards)
        app = built["app"]
        year = f"from={(MONDAY - timedelta(weeks=51)).isoformat()}&to={TODAY.isoformat()}"
        two_months = f"from={(MONDAY - timedelta(weeks=8)).isoformat()}&to={TODAY.isoformat()}"
        twelve_weeks = f"from={(MONDAY - timedelta(weeks=11)).isoformat()}&to={TODAY.isoformat()}"
        print(f"Fidelity on {args.db}: {args.teams:,} teams in {args.boards} boards, "
              + ", ".join(f"{v:,} {k}" for k, v in built["counts"].items()))
        for label, who, query, target in (
                ("national, 52 weeks (admin)", "admin", year, 1000),
                ("one board, 9 weeks (board lead)", "board_lead", two_months, 500),
                ("a coach's 40 teams, 12 weeks", "coach", twelve_weeks, 200)):
            with app.app_context():
                times, body = timed(app, built["tokens"][who], query, args.requests)
            median = statistics.median(times)
            p95 = sorted(times)[max(0, int(len(times) * 0.95) - 1)]
            print(f"  {label:<34} {len(body['teams']):>5} teams  median {median:7.1f} ms  p95 {p95:7.1f} ms  "
                  f"(target under {target} ms: {'met' if median < target else 'NOT met'}); summary {body['summary']}")
    finally:
        drop()


if __name__ == "__main__":
    main()
