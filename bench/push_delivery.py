"""Web Push delivery speed, and what the milestone check costs a sync push. Prints figures; not a test.

    .venv/bin/python bench/push_delivery.py
    .venv/bin/python bench/push_delivery.py --db postgresql://postgres@127.0.0.1:5432/postgres --pairs 30

The URL names the PostgreSQL server: the script creates its own database there
(``valueboard_bench_push_<pid>``) and drops it at the end.

1. **Deliveries per second**: 2,000 subscriptions (one per coach of one team, made straight in the
   database), five events for the team: 10,000 queued pushes. One ``flask push-worker`` process sends
   them to the local push service of the tests (``tests/notifications/push_service.py``: it checks
   each request's VAPID token and TTL and decrypts every body; ``--no-decrypt`` skips the decryption
   so the service takes less of the CPU the worker needs). Timed from the commit that queues them to
   the database saying all 10,000 are delivered, so the worker's idle poll is included. Target ≥ 200/s.
2. **The milestone check's share of a sync push**: a team with a year of data (``bench/boxscore.py``'s
   builder), 500-mutation pushes of new capacity entries through the real ``/api/sync/push`` view (the
   app's test client: the whole Flask stack without the socket), alternately with the milestones push
   observer registered and removed (``sync_setup(app).observers``), in A/B then B/A pairs; prints both
   medians and the difference. Target < 5%.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402

from bench.boxscore import build as build_year  # noqa: E402
from bench.sync_throughput import Device, entry_fields, new_record_id  # noqa: E402
from tests.notifications.push_service import PushService, Subscriber  # noqa: E402

DEFAULT_DB = "postgresql://postgres@127.0.0.1:5432/postgres"
CONFIG = {"ARGON2_TIME_COST": 1, "ARGON2_MEMORY_KIB": 64, "SECRET_KEY": "bench", "RATE_LIMITS": False,
          "PWA_DIST": "/nonexistent", "PUSH_SERVICE_HOSTS": "127.0.0.1"}


def make_database(server_url: str) -> tuple[str, callable]:
    name = f"valueboard_bench_push_{os.getpid()}"
    admin_url = server_url.replace("postgresql://", "postgresql+psycopg://", 1)
    admin = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))

    def drop():
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return admin_url.rsplit("/", 1)[0] + "/" + name, drop


def new_app(url: str):
    from server import create_app

    return create_app({**CONFIG, "SQLALCHEMY_DATABASE_URI": url})


# ------------------------------------------------------------------------------------------------
# 1. deliveries per second
# ------------------------------------------------------------------------------------------------
def deliveries_per_second(url: str, subscriptions: int, events: int, decrypt: bool) -> dict:
    from server.accounts.models import User
    from server.extensions import db
    from server.notifications import operations
    from server.notifications.models import PushDelivery, PushSubscription
    from server.organisations.models import CoachAssignment
    from server.organisations.operations import create_board, create_team

    app = new_app(url)
    with app.app_context():
        team = create_team(board_id=create_board(name="Bench board").id, name="Bench ward")
        db.session.commit()
        key = operations.vapid_public_key()
        db.session.commit()
        team_id = team.id
    service = PushService(now=time.time, vapid_public_key=key, decrypt=decrypt).start()
    try:
        with app.app_context():
            now = datetime.now(timezone.utc)
            users, coaches, subs = [], [], []
            for i in range(subscriptions):
                uid = str(uuid.uuid4())
                users.append({"id": uid, "email": f"c{i}@bench.example", "email_normalised": f"c{i}@bench.example",
                              "name": f"Coach {i}", "password_hash": "-", "role": "coach", "active": True,
                              "created_at": now})
                coaches.append({"team_id": team_id, "coach_id": uid, "created_at": now})
                browser = service.subscriber()
                keys = browser.json()["keys"]
                subs.append({"id": str(uuid.uuid4()), "user_id": uid, "device_id": None, "endpoint": browser.endpoint,
                             "p256dh": keys["p256dh"], "auth": keys["auth"], "created_at": now})
            db.session.execute(sa.insert(User.__table__), users)
            db.session.execute(sa.insert(CoachAssignment.__table__), coaches)
            db.session.execute(sa.insert(PushSubscription.__table__), subs)
            db.session.commit()

        env = {**os.environ, "DATABASE_URL": url, "SECRET_KEY": "bench", "PUSH_SERVICE_HOSTS": "127.0.0.1",
               "PWA_DIST": "/nonexistent", "PYTHONPATH": str(ROOT)}
        worker = subprocess.Popen([str(Path(sys.executable).parent / "flask"), "--app", "server", "push-worker"],
                                  cwd=ROOT, env=env, start_new_session=True)
        try:
            time.sleep(3)  # let the worker start and go idle: the figure is sending, not importing
            cpu_before = cpu_seconds(worker.pid)
            with app.app_context():
                for e in range(events):
                    operations.notify_team(team_id, type="milestone", code="vision_agreed", key=f"bench:{e}",
                                           title="Bench ward: Vision agreed", body="The team agreed its vision.",
                                           url=f"/teams/{team_id}/board", ttl=timedelta(days=7))
                db.session.commit()
                started = time.perf_counter()
                total = db.session.scalar(sa.select(sa.func.count()).select_from(PushDelivery))
                db.session.commit()
                while True:
                    done = db.session.scalar(sa.select(sa.func.count()).select_from(PushDelivery)
                                             .where(PushDelivery.state == "delivered"))
                    db.session.commit()
                    if done >= total:
                        break
                    if time.perf_counter() - started > 600:
                        raise RuntimeError(f"only {done} of {total} delivered after 10 minutes")
                    time.sleep(0.05)
                elapsed = time.perf_counter() - started
                cpu = cpu_seconds(worker.pid) - cpu_before
                attempts = db.session.scalar(sa.select(sa.func.sum(PushDelivery.attempts)))
                db.session.remove()
                db.engine.dispose()
        finally:
            worker.terminate()
            worker.wait(timeout=60)
    finally:
        service.stop()
    if service.problems:
        raise RuntimeError(f"the push service refused requests: {service.problems[:5]}")
    return {"queued": total, "seconds": elapsed, "per_second": total / elapsed, "received": len(service.received),
            "attempts": attempts, "cpu_ms_each": cpu / total * 1000}


def cpu_seconds(pid: int) -> float:
    """CPU time a process used so far (user + system): a figure the machine's other load does not
    inflate the way it does wall-clock time."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


# ------------------------------------------------------------------------------------------------
# 2. the milestone check's share of a 500-mutation push
# ------------------------------------------------------------------------------------------------
def milestone_overhead(url: str, pairs: int, batch: int) -> dict:
    from server.accounts.operations import register_device
    from server.accounts.models import User
    from server.extensions import db
    from server.milestones.detection import on_push
    from server.sync_api.registry import sync_setup

    app = new_app(url)
    with app.app_context():
        team_id, lead_email, stats = build_year(app, staff=30, per_day=3, manual=12, derived=8, days=365)
        lead = db.session.scalar(sa.select(User).where(User.email == lead_email))
        token, device = register_device(lead, "bench tablet")
        db.session.commit()
        device_id = device.id
        db.session.remove()
    setup = sync_setup(app)
    assert on_push in setup.observers, "the milestones observer is not registered"
    spent: list[float] = []

    def timed_on_push(changed):
        # The check's own time, inside the push: a second figure the machine's other load blurs less.
        started = time.perf_counter()
        try:
            return on_push(changed)
        finally:
            spent.append(time.perf_counter() - started)

    with_check = [timed_on_push if o is on_push else o for o in setup.observers]
    without_check = [o for o in setup.observers if o is not on_push]

    client = app.test_client()
    device = Device(0, token, device_id)
    rng = random.Random(13)
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}

    def push(observers) -> float:
        body = device.body([device.mutation(new_record_id(), entry_fields(team_id, rng)) for _ in range(batch)])
        setup.observers[:] = observers
        started = time.perf_counter()
        response = client.post("/api/sync/push", data=body, headers=headers)
        elapsed = time.perf_counter() - started
        if response.status_code != 200:
            raise RuntimeError(f"push: {response.status_code} {response.get_data(as_text=True)[:300]}")
        return elapsed

    for _ in range(3):  # warm caches and the connection pool; not counted
        push(with_check)
        push(without_check)
    a, b = [], []
    for i in range(pairs):
        if i % 2 == 0:
            a.append(push(with_check))
            b.append(push(without_check))
        else:
            b.append(push(without_check))
            a.append(push(with_check))
    setup.observers[:] = [on_push if o is timed_on_push else o for o in with_check]
    check_s = statistics.median(spent[-pairs:])
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    med_a, med_b = statistics.median(a), statistics.median(b)
    return {"data": stats, "with_ms": med_a * 1000, "without_ms": med_b * 1000,
            "difference_pct": (med_a - med_b) / med_b * 100, "pairs": pairs, "check_ms": check_s * 1000,
            "check_pct": check_s / med_a * 100}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", default=DEFAULT_DB, help="a PostgreSQL server URL (a database is made there)")
    parser.add_argument("--subscriptions", type=int, default=2000)
    parser.add_argument("--events", type=int, default=5)
    parser.add_argument("--pairs", type=int, default=30)
    parser.add_argument("--no-decrypt", action="store_true", help="the push service checks but does not decrypt")
    parser.add_argument("--only", choices=("delivery", "milestones"))
    args = parser.parse_args()

    if args.only != "milestones":
        url, drop = make_database(args.db)
        try:
            from flask_migrate import upgrade

            with new_app(url).app_context():
                upgrade()
            r = deliveries_per_second(url, args.subscriptions, args.events, decrypt=not args.no_decrypt)
        finally:
            drop()
        print(f"push delivery (PostgreSQL, one worker): {r['queued']} pushes to {args.subscriptions} subscriptions "
              f"in {r['seconds']:.1f} s = {r['per_second']:.0f}/s (target ≥ 200/s); "
              f"push service received {r['received']}, attempts recorded {r['attempts']}; "
              f"worker CPU {r['cpu_ms_each']:.2f} ms a push (≈ {1000 / r['cpu_ms_each']:.0f}/s on one free core)")
    if args.only != "delivery":
        url, drop = make_database(args.db)
        try:
            from flask_migrate import upgrade

            with new_app(url).app_context():
                upgrade()
            r = milestone_overhead(url, args.pairs, 500)
        finally:
            drop()
        print(f"500-mutation sync push with a year of data ({r['data']['entries']} entries), median of {r['pairs']}: "
              f"with the milestone check {r['with_ms']:.1f} ms, without {r['without_ms']:.1f} ms, "
              f"difference {r['difference_pct']:+.1f}% (target < 5%); the check itself {r['check_ms']:.2f} ms "
              f"({r['check_pct']:.1f}% of the push)")


if __name__ == "__main__":
    main()
