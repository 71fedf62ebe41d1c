"""Live updates through the real server (gunicorn.conf.py: gthread workers): change on one device -> seen on
another, and how many idle live connections one web process holds while pushes keep their usual latency.

    .venv/bin/python bench/live.py [--db postgresql://postgres@127.0.0.1:5432/postgres]

* **change -> visible**: a watcher device holds the event stream; a writer pushes one new entry at a time
  (50 changes); the time from the push's start until the watcher, woken by its poke, has pulled that
  entry. p50 and p95 (target: p95 under 2 s). Two workers; on SQLite pokes stay in a process, so the
  SQLite figure uses one worker (run PostgreSQL for the two-process path).
* **idle connections**: one worker holding 0..N idle streams (N = the most it accepts, gunicorn threads
  minus the 16 kept for requests); p50/p95 of 30 one-record pushes at each step, and what the next
  stream gets once the process is full.

:func:`measure_live` returns the figures, for other benchmarks (bench/board.py) to fold in.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402

from bench.sync_throughput import Device, Server, new_record_id, percentile, prepare_database  # noqa: E402

ENTRY = {"kind": "admin", "minutes": 5, "occurred_on": "2026-11-20"}


class EventStream:
    def __init__(self, port: int, token: str) -> None:
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.conn.request("GET", "/api/sync/events", headers={"Authorization": f"Bearer {token}"})
        self.response = self.conn.getresponse()
        self.status = self.response.status
        if self.status == 200:
            self.next_event()  # ready

    def next_event(self) -> str:
        event = ""
        while True:
            line = self.response.readline().decode()
            if not line:
                raise RuntimeError("the stream ended")
            if line.startswith("event: "):
                event = line[7:].strip()
            elif line == "\n" and event:
                return event

    def close(self) -> None:
        self.conn.close()


def change_to_visible(port: int, team_id: str, writer: Device, watcher: Device, changes: int) -> list[float]:
    watcher.pull_all()
    stream = EventStream(port, watcher.token)
    latencies = []
    try:
        for _ in range(changes):
            record_id = new_record_id()
            started = time.perf_counter()
            writer.push(writer.body([writer.mutation(record_id, {"team_id": team_id, **ENTRY})]))
            while ("capacity_entries", record_id) not in watcher.records:
                if stream.next_event() == "poke":
                    watcher.pull_all()
            latencies.append(time.perf_counter() - started)
    finally:
        stream.close()
    return latencies


def push_latencies(writer: Device, team_id: str, count: int = 30) -> list[float]:
    out = []
    for _ in range(count):
        started = time.perf_counter()
        writer.push(writer.body([writer.mutation(new_record_id(), {"team_id": team_id, **ENTRY})]))
        out.append(time.perf_counter() - started)
    return out


def measure_live(url: str, *, changes: int = 50, workers: int = 2) -> dict:
    """The figures above for a fresh database at ``url`` (SQLite file or PostgreSQL database, migrated here)."""
    setup = prepare_database(url, n_devices=4)
    team_id, tokens = setup["team_id"], setup["devices"]
    results: dict = {}
    server = Server(url, workers)
    try:
        writer, watcher = Device(server.port, *tokens[0]), Device(server.port, *tokens[1])
        seen = change_to_visible(server.port, team_id, writer, watcher, changes)
        results[f"change -> visible, {workers} worker(s): p50 (ms)"] = percentile(seen, 50) * 1000
        results[f"change -> visible, {workers} worker(s): p95 (ms)"] = percentile(seen, 95) * 1000
    finally:
        server.stop()

    server = Server(url, 1)
    streams: list[EventStream] = []
    try:
        writer = Device(server.port, *tokens[2])
        writer.next_id = 1
        push_latencies(writer, team_id, 10)  # warm up
        step = 0
        while True:
            pushes = push_latencies(writer, team_id)
            results[f"1 worker, {len(streams):>3} idle streams: push p50 / p95 (ms)"] = (
                f"{percentile(pushes, 50) * 1000:.1f} / {percentile(pushes, 95) * 1000:.1f}")
            step += 1
            opened = [EventStream(server.port, tokens[3][0]) for _ in range(12)]
            refused = [s for s in opened if s.status != 200]
            streams += [s for s in opened if s.status == 200]
            if refused:
                results["idle streams one worker holds"] = len(streams)
                results["the next stream gets"] = refused[0].status
                for s in refused:
                    s.close()
                pushes = push_latencies(writer, team_id)
                results[f"1 worker, {len(streams):>3} idle streams (full): push p50 / p95 (ms)"] = (
                    f"{percentile(pushes, 50) * 1000:.1f} / {percentile(pushes, 95) * 1000:.1f}")
                break
    finally:
        for s in streams:
            s.close()
        server.stop()
    return results


def report(db: str | None, changes: int) -> None:
    """Measure on a fresh database (created in PostgreSQL at ``db``, or a temporary SQLite file) and print."""
    folder = Path(tempfile.mkdtemp(prefix="valueboard-live-"))
    admin = name = None
    try:
        if db:
            server_url = db.replace("postgresql://", "postgresql+psycopg://", 1)
            name = f"valueboard_bench_live_{os.getpid()}"
            admin = sa.create_engine(server_url, isolation_level="AUTOCOMMIT")
            with admin.connect() as conn:
                conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}"'))
                conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
            url, label, workers = server_url.rsplit("/", 1)[0] + "/" + name, "PostgreSQL (NOTIFY)", 2
        else:
            url, label, workers = f"sqlite:///{folder / 'bench.db'}", "SQLite (in-process)", 1
        results = measure_live(url, changes=changes, workers=workers)
        print(f"\nValueboard live updates: {label}, {os.cpu_count()} CPUs")
        for key, value in results.items():
            print(f"  {key:<58} {value:>14,.1f}" if isinstance(value, float) else f"  {key:<58} {value:>14}")
    finally:
        if admin is not None:
            with admin.connect() as conn:
                conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin.dispose()
        shutil.rmtree(folder, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", help="postgresql://user@host:port/any-db (a bench database is created there)")
    parser.add_argument("--changes", type=int, default=50)
    args = parser.parse_args()
    report(args.db, args.changes)


if __name__ == "__main__":
    main()
