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
* a **coach with 40 teams**: the fidelity endpoint for them (last 12 weeks), and the whole caseload
  (``GET /api/caseload``: fidelity strips, last huddle, each team's box score and its new signals over
  20 measures, milestones, overdue actions, Value Management time, the last coaching note) — target
  under 200 ms; *cold* with no measure's history analysed before (a new process, or every value
  changed), and as a coach reopening it finds it (only histories that changed are analysed again);
* one team's fidelity week by week with its protected time (``GET /api/teams/<id>/fidelity``, 12 weeks);
* the **national overview** (``GET /api/overview``: a row per board with milestones and teams with
  improvement signals), the **12-month trend** (``GET /api/fidelity/trend``) and **one board's bi-monthly
  report** (``GET /api/boards/<id>/report``: fidelity, protected time, milestones, signals with their
  charts, highlights) — the report's target under 500 ms. A tenth of teams reached a milestone in the
  period and marked a huddle note for the report.
Prints the median and p95 of each. The server's clock stands at the dataset's last day.
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
GROUPS = ("performance", "capacity", "cost")
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
        totals, values, huddles, board_weeks, measure_rows, notes, milestones = [], [], [], [], [], [], []
        for team in teams:
            keep = rng.choice([0.0, 0.3, 0.6, 0.85, 0.95])  # the share of weeks each element is kept going
            measures = [str(uuid.uuid4()) for _ in range(20)]
            measure_rows.extend({"id": m, "team_id": team["id"], "name": f"Measure {i}", "group": GROUPS[i % 3],
                                 "direction": ("up", "down", "neutral")[i % 3], "source": "manual", "on_board": i < 4,
                                 "status": "active", "rule_set": "mdc", "rebase_weeks": [], "position": i,
                                 "created_at": now, "updated_at": now} for i, m in enumerate(measures))
            for week in WEEKS:
                if rng.random() < keep:
                    totals.append({"team_id": team["id"], "week_start": week, "kind": "time_lost", "category": "Waiting",
                                   "minutes": 120, "entries": 8})
                    totals.append({"team_id": team["id"], "week_start": week, "kind": "admin", "category": "Value Management",
                                   "minutes": 45, "entries": 1})
                    values.extend({"id": str(uuid.uuid4()), "team_id": team["id"], "measure_id": m, "week_start": week,
                                   "value": round(rng.gauss(20, 4), 1), "user_id": "bench", "created_at": now,
                                   "updated_at": now} for m in measures)
                if rng.random() < keep:
                    board_weeks.append({"team_id": team["id"], "week_start": week})
                if rng.random() < keep:
                    huddles.append({"id": str(uuid.uuid4()), "team_id": team["id"], "held_on": week + timedelta(days=1),
                                    "attendee_count": 8, "manager_present": False, "finance_present": False,
                                    "duration_minutes": 15, "user_id": "bench", "created_at": now, "updated_at": now})
                    notes.append({"id": str(uuid.uuid4()), "team_id": team["id"], "huddle_id": huddles[-1]["id"],
                                  "step": "celebrations", "text": "A good week", "share_in_report": rng.random() < 0.1,
                                  "user_id": "bench", "created_at": now, "updated_at": now})
            if rng.random() < 0.1:
                milestones.append({"team_id": team["id"], "code": "first_huddle", "evidence": {},
                                   "reached_at": datetime.combine(MONDAY - timedelta(weeks=3), datetime.min.time(), timezone.utc)})
        from server.capacity.models import CapacityWeeklyTotal
        from server.fidelity.models import TeamBoardWeek
        from server.huddles.models import Huddle
        from server.huddles.models import HuddleNote
        from server.measures.models import Measure, MeasureValue
        from server.milestones.models import TeamMilestone

        for model, rows in ((CapacityWeeklyTotal, totals), (Measure, measure_rows), (MeasureValue, values), (Huddle, huddles),
                            (HuddleNote, notes), (TeamBoardWeek, board_weeks), (TeamMilestone, milestones)):
            for i in range(0, len(rows), 5000):
                db.session.execute(sa.insert(model), rows[i:i + 5000])
        admin = create_user(email="admin@bench.org", name="Admin", password="bench password", role="admin")
        lead = create_user(email="lead@bench.org", name="Board lead", password="bench password", role="board_lead")
        coach = create_user(email="coach@bench.org", name="Coach", password="bench password", role="coach")
        db.session.flush()
        db.session.add(BoardLead(user_id=lead.id, board_id=boards[0]["id"]))
        coached = rng.sample(teams, 40)
        for team in coached:
            db.session.add(CoachAssignment(team_id=team["id"], coach_id=coach.id))
        tokens = {name: register_device(user, "bench")[0] for name, user in
                  (("admin", admin), ("board_lead", lead), ("coach", coach))}
        db.session.commit()
        counts = {"totals": len(totals), "values": len(values), "huddles": len(huddles), "board_weeks": len(board_weeks)}
        db.session.execute(sa.text("ANALYZE")) if db.engine.dialect.name == "postgresql" else None
        db.session.commit()
        db.session.remove()
    return {"app": app, "tokens": tokens, "board_id": boards[0]["id"], "counts": counts, "a_team": coached[0]["id"]}


def timed(app, token: str, path: str, requests: int, forget: bool = False) -> tuple[list[float], dict]:
    from server.measures.boxscore import _ANALYSED, _KEPT_PER_TEAM

    client = app.test_client()
    headers = {"Authorization": f"Bearer {token}"}
    body = None
    times = []
    for i in range(requests + 2):
        if forget:  # as if no history had been analysed before: a new process, or every value changed
            _ANALYSED.clear()
            _KEPT_PER_TEAM.clear()
        started = time.perf_counter()
        response = client.get(path, headers=headers)
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
    from server.core import clock

    clock.freeze(f"{TODAY.isoformat()}T12:00:00+00:00")
    try:
        built = build(url, args.teams, args.boards)
        app = built["app"]
        year = f"from={(MONDAY - timedelta(weeks=51)).isoformat()}&to={TODAY.isoformat()}"
        two_months = f"from={(MONDAY - timedelta(weeks=8)).isoformat()}&to={TODAY.isoformat()}"
        twelve_weeks = f"from={(MONDAY - timedelta(weeks=11)).isoformat()}&to={TODAY.isoformat()}"
        print(f"Fidelity on {args.db}: {args.teams:,} teams in {args.boards} boards, "
              + ", ".join(f"{v:,} {k}" for k, v in built["counts"].items()))
        for label, who, path, target, forget in (
                ("national, 52 weeks (admin)", "admin", f"/api/fidelity?{year}", 1000, False),
                ("one board, 9 weeks (board lead)", "board_lead", f"/api/fidelity?{two_months}", 500, False),
                ("a coach's 40 teams, 12 weeks", "coach", f"/api/fidelity?{twelve_weeks}", 200, False),
                ("the caseload of a coach, 40 teams, cold", "coach", "/api/caseload", 200, True),
                ("the caseload of a coach, 40 teams", "coach", "/api/caseload", 200, False),
                ("one team's fidelity and protected time", "coach", f"/api/teams/{built['a_team']}/fidelity", 200, False)):
            with app.app_context():
                times, body = timed(app, built["tokens"][who], path, args.requests, forget)
            median = statistics.median(times)
            p95 = sorted(times)[max(0, int(len(times) * 0.95) - 1)]
            what = (f"summary {body['summary']}" if "summary" in body else
                    f"{sum(t['needs_help'] for t in body['teams'])} need help" if "teams" in body else f"status {body['status']}")
            print(f"  {label:<40} {len(body.get('teams', [body])):>5} teams  median {median:7.1f} ms  p95 {p95:7.1f} ms  "
                  f"(target under {target} ms: {'met' if median < target else 'NOT met'}); {what}")
        board = built["board_id"]
        for label, who, path, target in (
                ("national overview, 9 weeks (admin)", "admin", f"/api/overview?{two_months}", 1000),
                ("trend, 12 months (admin, national)", "admin", "/api/fidelity/trend", 1000),
                ("one board's report, 9 weeks (lead)", "board_lead", f"/api/boards/{board}/report?{two_months}", 500)):
            with app.app_context():
                times, body = timed(app, built["tokens"][who], path, args.requests)
            median = statistics.median(times)
            p95 = sorted(times)[max(0, int(len(times) * 0.95) - 1)]
            size = (f"{len(body['teams']):>5} teams" if isinstance(body.get("teams"), list)
                    else f"{len(body.get('boards', body.get('months', []))):>5} rows")
            print(f"  {label:<40} {size}  median {median:7.1f} ms  p95 {p95:7.1f} ms  "
                  f"(target under {target} ms: {'met' if median < target else 'NOT met'})")
    finally:
        drop()


if __name__ == "__main__":
    main()
