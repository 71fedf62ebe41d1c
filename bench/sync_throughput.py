"""Sync throughput through the real server: gunicorn (2 workers) on SQLite, or PostgreSQL with --db.

    .venv/bin/python bench/sync_throughput.py                       # a temporary SQLite file
    .venv/bin/python bench/sync_throughput.py --db postgresql://postgres@127.0.0.1:5432/postgres

With ``--db postgresql://...`` the URL names the server to use: the script creates its own database
there (``valueboard_bench_<pid>``) and drops it at the end. It migrates the database, creates a team,
a member and their devices directly with the app's operations, starts gunicorn (RATE_LIMITS=off), and
measures over HTTP with a plain ``http.client`` client:

1. push of 10,000 capacity entries in batches of 500 from one device, one request after another
   (record ids are time-ordered version 7 uuids, as the PWA makes them; ``--ids uuid4`` for random ones);
2. fresh pull of them in pages of 500 into a client that stores them (a dict, like IndexedDB);
3. incremental pull of 100 changed records (another device changed them), median of 5 rounds;
4. 32 concurrent clients (threads, each its own device) pushing 10-record batches: p50/p99 latency,
   and errors (must be zero);
5. peak worker memory (VmHWM, reset before each phase) while a fresh device pulls 10,000 records,
   then 20,000: it must not grow with the number of records pulled.

Targets on the 2-core development box with SQLite: push ≥ 25,000 records/s, fresh pull ≥ 60,000
records/s, incremental pull < 10 ms, p99 < 50 ms with zero errors.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402

from sync import Hlc  # noqa: E402

KINDS = ("time_lost", "meeting", "admin")
CATEGORIES = ("Waiting", "Searching for equipment", "IT problems", "Interruptions", "Travel", None)


# ------------------------------------------------------------------------------------------------
# setup
# ------------------------------------------------------------------------------------------------
def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def prepare_database(url: str, n_devices: int) -> dict:
    """Migrate, then create a team, one member and ``n_devices`` signed-in devices (tokens)."""
    from flask_migrate import upgrade

    from server import create_app
    from server.accounts.operations import create_user, register_device
    from server.extensions import db
    from server.organisations.operations import create_board, create_team, set_membership

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "ARGON2_TIME_COST": 1, "ARGON2_MEMORY_KIB": 64,
                      "SECRET_KEY": "bench"})
    with app.app_context():
        upgrade()
        board = create_board(name="Bench board")
        team = create_team(board_id=board.id, name="Bench ward")
        user = create_user(email="bench@example.org", name="Bench", password="bench password", role="staff")
        set_membership(team, user.id, "member")
        devices = [register_device(user, f"bench {i}") for i in range(n_devices)]
        db.session.commit()
        out = {"team_id": team.id, "devices": [(token, device.id) for token, device in devices]}
        db.session.remove()
        db.engine.dispose()
    return out


class Server:
    def __init__(self, url: str, workers: int) -> None:
        self.port = free_port()
        env = {**os.environ, "DATABASE_URL": url, "RATE_LIMITS": "off", "SECRET_KEY": "bench",
               "PYTHONPATH": str(ROOT)}
        self.proc = subprocess.Popen(
            [str(Path(sys.executable).parent / "gunicorn"), "--workers", str(workers), "--bind",
             f"127.0.0.1:{self.port}", "--log-level", "warning", "server:create_app()"],
            cwd=ROOT, env=env, start_new_session=True)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                status, _ = request(self.port, "GET", "/api/health")
                if status == 200 and len(self.workers()) == workers:
                    return
            except OSError:
                pass
            time.sleep(0.1)
        raise RuntimeError("gunicorn did not start")

    def workers(self) -> list[int]:
        try:
            children = Path(f"/proc/{self.proc.pid}/task/{self.proc.pid}/children").read_text().split()
        except FileNotFoundError:
            return []
        return [int(pid) for pid in children]

    def reset_peak_memory(self) -> None:
        for pid in self.workers():
            try:
                Path(f"/proc/{pid}/clear_refs").write_text("5")  # resets VmHWM to the current RSS
            except OSError:
                pass

    def peak_memory_mib(self) -> float:
        peaks = []
        for pid in self.workers():
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    peaks.append(int(line.split()[1]) / 1024)
        return max(peaks)

    def stop(self) -> None:
        os.killpg(self.proc.pid, signal.SIGTERM)
        self.proc.wait(timeout=30)


def request(port: int, method: str, path: str, body: bytes | None = None, token: str | None = None,
            timeout: float = 60) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    headers = {"Content-Type": "application/json"} if body is not None else {}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    try:
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


# ------------------------------------------------------------------------------------------------
# the client side
# ------------------------------------------------------------------------------------------------
class Device:
    def __init__(self, port: int, token: str, device_id: str) -> None:
        self.port, self.token, self.id = port, token, device_id
        self.clock = Hlc(device_id)
        self.next_id = 1
        self.cursor = ""
        self.records: dict[tuple[str, str], dict] = {}

    def mutation(self, record_id: str, fields: dict) -> dict:
        m = {"id": self.next_id, "collection": "capacity_entries", "record_id": record_id, "op": "upsert",
             "hlc": self.clock.now(), "fields": fields}
        self.next_id += 1
        return m

    def body(self, mutations: list[dict]) -> bytes:
        return json.dumps({"client_id": self.id, "schema_version": 1, "mutations": mutations}).encode()

    def push(self, body: bytes) -> dict:
        status, raw = request(self.port, "POST", "/api/sync/push", body, self.token)
        if status != 200:
            raise RuntimeError(f"push: {status} {raw[:300]!r}")
        return json.loads(raw)

    def pull_page(self, limit: int = 500) -> dict:
        status, raw = request(self.port, "GET", f"/api/sync/pull?limit={limit}&cursor={self.cursor}",
                              token=self.token)
        if status != 200:
            raise RuntimeError(f"pull: {status} {raw[:300]!r}")
        page = json.loads(raw)
        for team in page["drop_teams"]:
            self.records = {k: v for k, v in self.records.items() if v["team_id"] != team}
        for change in page["changes"]:
            key = (change["collection"], change["record_id"])
            if change["deleted"]:
                self.records.pop(key, None)
            else:
                self.records[key] = change["record"]
        self.cursor = page["cursor"]
        return page

    def pull_all(self, limit: int = 500) -> int:
        pages = 0
        while True:
            pages += 1
            if not self.pull_page(limit)["has_more"]:
                return pages


RECORD_IDS = "uuid7"  # --ids


def uuid7() -> str:
    """A version 7 uuid (RFC 9562: the Unix time in milliseconds, then random bits), as the PWA makes."""
    value = (time.time_ns() // 1_000_000) << 80 | int.from_bytes(os.urandom(10), "big")
    value = value & ~(0xF << 76) | 0x7 << 76  # version 7
    value = value & ~(0x3 << 62) | 0x2 << 62  # RFC 4122 variant
    return str(uuid.UUID(int=value))


def new_record_id() -> str:
    return uuid7() if RECORD_IDS == "uuid7" else str(uuid.uuid4())


def entry_fields(team_id: str, rng: random.Random) -> dict:
    fields = {"team_id": team_id, "kind": rng.choice(KINDS), "minutes": rng.randint(1, 240),
              "occurred_on": (date.today() - timedelta(days=rng.randint(0, 55))).isoformat()}
    category = rng.choice(CATEGORIES)
    if category:
        fields["category"] = category
    if rng.random() < 0.3:
        fields["note"] = "hoist broken again on bay 2"
    return fields


# ------------------------------------------------------------------------------------------------
# the phases
# ------------------------------------------------------------------------------------------------
def push_records(device: Device, team_id: str, count: int, batch: int, rng: random.Random) -> tuple[float, list[str]]:
    ids = [new_record_id() for _ in range(count)]
    bodies = [device.body([device.mutation(rid, entry_fields(team_id, rng)) for rid in ids[i:i + batch]])
              for i in range(0, count, batch)]
    started = time.perf_counter()
    for body in bodies:
        result = device.push(body)
        assert all(r["status"] == "applied" for r in result["results"]), result["results"][:3]
    return time.perf_counter() - started, ids


def concurrent_pushes(port: int, devices: list[tuple[str, str]], team_id: str, rounds: int) -> tuple[list[float], int]:
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()
    barrier = threading.Barrier(len(devices))

    def run(token: str, device_id: str, seed: int) -> None:
        nonlocal errors
        rng = random.Random(seed)
        device = Device(port, token, device_id)
        bodies = [device.body([device.mutation(new_record_id(), entry_fields(team_id, rng)) for _ in range(10)])
                  for _ in range(rounds)]
        mine, failed = [], 0
        barrier.wait()
        for body in bodies:
            started = time.perf_counter()
            try:
                status, _ = request(port, "POST", "/api/sync/push", body, token)
            except OSError:
                status = 0
            mine.append(time.perf_counter() - started)
            failed += status != 200
        with lock:
            latencies.extend(mine)
            errors += failed

    threads = [threading.Thread(target=run, args=(token, device_id, n)) for n, (token, device_id) in enumerate(devices)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return latencies, errors


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def run(url: str, workers: int, records: int) -> dict:
    rng = random.Random(1)
    n_clients = 32
    setup = prepare_database(url, n_devices=n_clients + 5)
    team_id = setup["team_id"]
    tokens = setup["devices"]
    server = Server(url, workers)
    results: dict = {}
    try:
        writer = Device(server.port, *tokens[0])
        reader = Device(server.port, *tokens[1])
        editor = Device(server.port, *tokens[2])

        seconds, ids = push_records(writer, team_id, records, 500, rng)
        results["push records/s"] = records / seconds

        server.reset_peak_memory()
        started = time.perf_counter()
        pages = reader.pull_all(500)
        seconds = time.perf_counter() - started
        assert len(reader.records) == records, len(reader.records)
        results["fresh pull records/s"] = records / seconds
        results["fresh pull pages"] = pages
        results["peak worker RSS, pulling 10k (MiB)"] = server.peak_memory_mib()

        timings = []
        for round_ in range(5):
            changed = rng.sample(ids, 100)
            editor.push(editor.body([editor.mutation(rid, {"minutes": 300 + round_}) for rid in changed]))
            started = time.perf_counter()
            page = reader.pull_page(500)
            timings.append(time.perf_counter() - started)
            assert len(page["changes"]) == 100 and not page["has_more"], len(page["changes"])
            assert all(reader.records[("capacity_entries", rid)]["minutes"] == 300 + round_ for rid in changed)
        results["incremental pull of 100 (ms, median of 5)"] = statistics.median(timings) * 1000
        results["incremental pull of 100 (ms, worst of 5)"] = max(timings) * 1000

        latencies, errors = concurrent_pushes(server.port, tokens[5:5 + n_clients], team_id, rounds=25)
        results["32 clients x 10-record pushes: p50 (ms)"] = percentile(latencies, 50) * 1000
        results["32 clients x 10-record pushes: p99 (ms)"] = percentile(latencies, 99) * 1000
        results["32 clients x 10-record pushes: requests"] = len(latencies)
        results["32 clients x 10-record pushes: errors"] = errors

        push_records(writer, team_id, 20_000 - len(reader.records) - len(latencies) * 10, 500, rng)
        fresh = Device(server.port, *tokens[3])
        server.reset_peak_memory()
        fresh.pull_all(500)
        results["peak worker RSS, pulling 20k (MiB)"] = server.peak_memory_mib()
        results["records in the 20k pull"] = len(fresh.records)
    finally:
        server.stop()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", help="postgresql://user@host:port/any-db (a bench database is created there)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--records", type=int, default=10_000)
    parser.add_argument("--ids", choices=("uuid7", "uuid4"), default="uuid7",
                        help="record ids: time-ordered like the PWA's (default), or random")
    args = parser.parse_args()
    global RECORD_IDS
    RECORD_IDS = args.ids

    folder = Path(tempfile.mkdtemp(prefix="valueboard-bench-"))
    admin = None
    try:
        if args.db:
            server_url = args.db.replace("postgresql://", "postgresql+psycopg://", 1).replace(
                "postgres://", "postgresql+psycopg://", 1)
            name = f"valueboard_bench_{os.getpid()}"
            admin = sa.create_engine(server_url, isolation_level="AUTOCOMMIT")
            with admin.connect() as conn:
                conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}"'))
                conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
            url = server_url.rsplit("/", 1)[0] + "/" + name
            label = "PostgreSQL"
        else:
            url = f"sqlite:///{folder / 'bench.db'}"
            label = "SQLite"
        results = run(url, args.workers, args.records)
        print(f"\nValueboard sync throughput: {label}, gunicorn {args.workers} workers, {os.cpu_count()} CPUs")
        for key, value in results.items():
            print(f"  {key:<45} {value:>12,.1f}" if isinstance(value, float) else f"  {key:<45} {value:>12,}")
    finally:
        if admin is not None:
            with admin.connect() as conn:
                conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin.dispose()
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
