"""schemathesis against the running server: every operation of /api/openapi.json fuzzed with thousands of
generated requests through gunicorn on PostgreSQL, counting server errors (any 5xx) and answers that break
the documented schema. The test suite's tests/api/test_openapi_fuzz.py does the same in-process with 20
examples an operation on every run; this is the long run.

    .venv/bin/python bench/fuzz_api.py [--examples 2000] [--db postgresql://postgres@127.0.0.1:5432/postgres]

The script makes its own database (``valueboard_fuzz_<pid>``, dropped at the end), a board, a team and an
admin, and starts gunicorn (2 workers, RATE_LIMITS=off: fuzzing the password change sends wrong
passwords). Fuzzing sign-out or device revocation revokes the admin's token: after any 401 the next case
signs in again. Prints, per operation, the examples sent, the statuses seen, server errors and schema
failures (with the first failing request of each kind to reproduce it), then the totals.
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import requests  # noqa: E402
import sqlalchemy as sa  # noqa: E402
import schemathesis  # noqa: E402
from hypothesis import HealthCheck, given, settings  # noqa: E402
from schemathesis.specs.openapi.checks import positive_data_acceptance  # noqa: E402

from sync_throughput import Server  # noqa: E402

PASSWORD = "fuzzing password"


def prepare(url: str) -> str:
    from flask_migrate import upgrade

    from server import create_app
    from server.accounts.operations import create_user
    from server.extensions import db
    from server.organisations.operations import create_board, create_team, set_membership

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "fuzz"})
    with app.app_context():
        upgrade()
        team = create_team(board_id=create_board(name="Fuzz board").id, name="Fuzz ward")
        admin = create_user(email="fuzz@example.org", name="Fuzz", password=PASSWORD, role="admin")
        set_membership(team, admin.id, "lead")
        db.session.commit()
        db.session.remove()
        db.engine.dispose()
    return "fuzz@example.org"


def run(base: str, email: str, examples: int, only: str | None) -> int:
    session = requests.Session()
    schema = schemathesis.openapi.from_url(f"{base}/api/openapi.json")
    operations = [op for op in (r.ok() for r in schema.get_all_operations())
                  if op.path != "/api/sync/events" and (not only or only in op.path)]
    token = {"value": None}

    def sign_in() -> str:
        response = session.post(f"{base}/api/auth/login",
                                json={"email": email, "password": PASSWORD, "device_name": "fuzz"})
        response.raise_for_status()
        return response.json()["token"]

    totals = collections.Counter()
    started = time.monotonic()
    print(f"{len(operations)} operations, {examples} examples each, against {base}")
    print(f"{'operation':58} {'sent':>6} {'5xx':>5} {'schema':>6}  statuses")
    for operation in operations:
        seen = collections.Counter()
        failures = collections.Counter()
        first: dict[str, str] = {}

        @given(case=operation.as_strategy())
        @settings(max_examples=examples, deadline=None, database=None, suppress_health_check=list(HealthCheck))
        def fuzz(case):
            if token["value"] is None:
                token["value"] = sign_in()
            case.headers = {**(case.headers or {}), "Authorization": f"Bearer {token['value']}"}
            response = case.call(base_url=base, session=session, timeout=30)
            seen[response.status_code] += 1
            if response.status_code == 401:
                token["value"] = None
            if response.status_code >= 500:
                failures["5xx"] += 1
                first.setdefault("5xx", f"{case.method} {response.request.url} → {response.status_code}")
                return
            try:
                case.validate_response(response, excluded_checks=[positive_data_acceptance])
            except Exception as error:  # a schemathesis check failed: count it and go on exploring
                failures["schema"] += 1
                first.setdefault("schema", f"{case.method} {response.request.url} → {response.status_code}: "
                                           f"{str(error).splitlines()[0][:200]}")

        fuzz()
        sent = sum(seen.values())
        totals.update({"sent": sent, "5xx": failures["5xx"], "schema": failures["schema"]})
        statuses = " ".join(f"{code}:{n}" for code, n in sorted(seen.items()))
        print(f"{operation.method.upper() + ' ' + operation.path:58} {sent:>6} {failures['5xx']:>5} "
              f"{failures['schema']:>6}  {statuses}", flush=True)
        for kind, text in first.items():
            print(f"    first {kind}: {text}")
    elapsed = time.monotonic() - started
    print(f"\ntotal: {totals['sent']:,} requests in {elapsed:.0f} s ({totals['sent'] / elapsed:.0f}/s); "
          f"server errors: {totals['5xx']}; schema failures: {totals['schema']}")
    return 1 if totals["5xx"] else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--examples", type=int, default=2000, help="generated requests per operation")
    parser.add_argument("--db", default="postgresql://postgres@127.0.0.1:5432/postgres",
                        help="PostgreSQL server to make the database on")
    parser.add_argument("--only", help="fuzz only operations whose path contains this")
    args = parser.parse_args()
    name = f"valueboard_fuzz_{os.getpid()}"
    admin_url = args.db.replace("postgresql://", "postgresql+psycopg://", 1)
    admin = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    url = admin_url.rsplit("/", 1)[0] + "/" + name
    # Cheap password hashing: fuzzing sign-in is thousands of password checks (the hash's own cost is
    # read from each stored hash, so this changes nothing else).
    os.environ.update({"ARGON2_TIME_COST": "1", "ARGON2_MEMORY_KIB": "64"})
    server = None
    try:
        email = prepare(url)
        server = Server(url, workers=2)
        return run(f"http://127.0.0.1:{server.port}", email, args.examples, args.only)
    finally:
        if server is not None:
            server.stop()
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


if __name__ == "__main__":
    sys.exit(main())
