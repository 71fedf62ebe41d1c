"""Benchmark: the shared learning library on PostgreSQL (issue 14).

    .venv/bin/python bench/library.py                    # 1,000 teams in 14 boards, 5,000 items
    .venv/bin/python bench/library.py --items 1000 --requests 10

Every team shares five items (four consented): adopted changes whose idea has two PDSA cycles and a
measure with a year of weekly values, and case studies. Rows are bulk-inserted into the tables the
library reads (``shared_items``, ``ideas``, ``pdsa_cycles``, ``measures``, ``measure_values``).

Requests go through the Flask test client with a real bearer token (a staff member of one team), after
two warm-up requests each: the library's first page (20 items, each with its before/after chart), a
search by a word, by measure and service, a later page, and one item with its cycles. Prints the median
and p95 of each against a 200 ms target (a page a phone opens).
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import uuid
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import sqlalchemy as sa  # noqa: E402

from boxscore import CONFIG, _database  # noqa: E402
from fidelity import timed  # noqa: E402

TODAY = date(2026, 10, 21)
MONDAY = TODAY - timedelta(days=TODAY.weekday())
WEEKS = [MONDAY - timedelta(weeks=i) for i in range(52)]
SERVICES = ["Older people's care", "Mental health", "Emergency care", "Maternity", "Community nursing", "Theatres"]
MEASURES = ["Falls", "Pressure ulcers", "Waiting time", "Delayed discharges", "Staff sickness", "Agency spend"]
WORDS = ["hoist", "handover", "huddle", "discharge", "rota", "checklist", "whiteboard", "safety brief", "bed board"]


def build(url: str, n_teams: int, n_boards: int, n_items: int) -> dict:
    from flask_migrate import upgrade

    from server import create_app
    from server.accounts.operations import create_user, register_device
    from server.extensions import db
    from server.improvement.models import Idea, PdsaCycle
    from server.learning.models import SharedItem
    from server.measures.models import Measure, MeasureValue
    from server.organisations.models import Board, Membership, Team

    rng = random.Random(14)
    app = create_app({**CONFIG, "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        upgrade()
        now = datetime.now(timezone.utc)
        boards = [{"id": str(uuid.uuid4()), "name": f"Board {i}", "created_at": now} for i in range(n_boards)]
        db.session.execute(sa.insert(Board), boards)
        teams = [{"id": str(uuid.uuid4()), "board_id": boards[i % n_boards]["id"], "name": f"Team {i}",
                  "service": SERVICES[i % len(SERVICES)], "created_at": now} for i in range(n_teams)]
        db.session.execute(sa.insert(Team), teams)
        author = create_user(email="author@bench.org", name="Author", password="bench password", role="staff")
        reader = create_user(email="reader@bench.org", name="Reader", password="bench password", role="staff")
        db.session.flush()
        db.session.add(Membership(team_id=teams[0]["id"], user_id=reader.id, role="member"))
        items, ideas, cycles, measures, values = [], [], [], [], []
        for n in range(n_items):
            team = teams[n % n_teams]
            words = rng.sample(WORDS, 2)
            title = f"{words[0].capitalize()} {words[1]} change {n}"
            text = f"We tried a {words[0]} at the {words[1]} for six weeks; it stuck. " * 4
            at = now - timedelta(minutes=n)
            item = {"id": str(uuid.uuid4()), "kind": "case_study", "team_id": team["id"], "board_id": team["board_id"],
                    "service": team["service"], "title": title, "text": text, "author_id": author.id, "created_at": at,
                    "consented_by": author.id if n % 5 else None, "consented_at": at if n % 5 else None,
                    "idea_id": None, "measure_id": None, "measure_name": None}
            if n % 2 == 0:
                idea_id, measure_id, name = str(uuid.uuid4()), str(uuid.uuid4()), MEASURES[n % len(MEASURES)]
                item.update(kind="adopted_change", idea_id=idea_id, measure_id=measure_id, measure_name=name)
                measures.append({"id": measure_id, "team_id": team["id"], "name": name, "group": "performance",
                                 "direction": "down", "source": "manual", "on_board": True, "status": "active",
                                 "rule_set": "mdc", "rebase_weeks": [], "position": 0, "created_at": now, "updated_at": now})
                values.extend({"id": str(uuid.uuid4()), "team_id": team["id"], "measure_id": measure_id, "week_start": w,
                               "value": float(rng.randint(1, 9)), "user_id": "bench", "created_at": now, "updated_at": now}
                              for w in WEEKS)
                ideas.append({"id": idea_id, "team_id": team["id"], "title": title, "description": text, "status": "adopted",
                              "measure_ids": [measure_id], "raised_on": WEEKS[30], "user_id": "bench",
                              "created_at": now, "updated_at": now})
                cycles.extend({"id": str(uuid.uuid4()), "team_id": team["id"], "idea_id": idea_id,
                               "started_on": WEEKS[26 - 4 * k], "plan": "Try it for a week.", "study": "It helped.",
                               "act": "adopt", "user_id": "bench", "created_at": now, "updated_at": now} for k in range(2))
            items.append(item)
        for model, rows in ((Measure, measures), (MeasureValue, values), (Idea, ideas), (PdsaCycle, cycles),
                            (SharedItem, items)):
            for i in range(0, len(rows), 5000):
                db.session.execute(sa.insert(model), rows[i:i + 5000])
        token = register_device(reader, "bench")[0]
        db.session.commit()
        db.session.execute(sa.text("ANALYZE")) if db.engine.dialect.name == "postgresql" else None
        db.session.commit()
        shown = next(i["id"] for i in items if i["kind"] == "adopted_change" and i["consented_at"])
        counts = {"items": len(items), "consented": sum(1 for i in items if i["consented_at"]), "measure values": len(values),
                  "pdsa cycles": len(cycles)}
        db.session.remove()
    return {"app": app, "token": token, "item": shown, "counts": counts}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--teams", type=int, default=1000)
    parser.add_argument("--boards", type=int, default=14)
    parser.add_argument("--items", type=int, default=5000)
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument("--db", choices=("postgresql", "sqlite"), default="postgresql")
    args = parser.parse_args()
    url, drop = _database(args.db)
    try:
        built = build(url, args.teams, args.boards, args.items)
        app = built["app"]
        with app.app_context():
            _, first = timed(app, built["token"], "/api/library", 0)
        print(f"Library on {args.db}: {args.teams:,} teams in {args.boards} boards, "
              + ", ".join(f"{v:,} {k}" for k, v in built["counts"].items()))
        for label, path in (("first page (20, with charts)", "/api/library"),
                            ("search: a word", "/api/library?q=hoist"),
                            ("search: two words", "/api/library?q=hoist+handover"),
                            ("search: measure and service", "/api/library?measure=falls&service=Older+people%27s+care"),
                            ("the second page", f"/api/library?cursor={first['next_cursor']}"),
                            ("one item with its cycles", f"/api/library/{built['item']}")):
            with app.app_context():
                times, body = timed(app, built["token"], path, args.requests)
            median = statistics.median(times)
            p95 = sorted(times)[max(0, int(len(times) * 0.95) - 1)]
            shown = len(body["items"]) if "items" in body else 1
            print(f"  {label:<30} {shown:>3} shown  median {median:7.1f} ms  p95 {p95:7.1f} ms  "
                  f"(target under 200 ms: {'met' if median < 200 else 'NOT met'})")
    finally:
        drop()


if __name__ == "__main__":
    main()
