"""Load: thousands of simulated devices syncing against two gunicorn servers that share one PostgreSQL database.

    .venv/bin/python bench/load.py --db postgresql+psycopg://postgres@127.0.0.1:5432/postgres
    .venv/bin/python bench/load.py --db ... --devices 2000 --rate 300 --duration 60
    .venv/bin/python bench/load.py --db ... --sweep              # step the rate up until p99 >= 200 ms

A harness, not a test: it prints figures. ``--db`` is an admin URL: a fresh database ``valueboard_bench_<pid>``
is created there and dropped at the end (``--keep`` keeps it).

**The organisation** (the app's own operations, in one transaction): ``--devices / 20`` teams of 20 people
(two leads each) over 5 boards, one signed-in device per person (``register_device``: the token a sign-in
would give, without paying argon2 2,000 times).

**The servers**: ``--servers`` gunicorn processes (``gunicorn.conf.py``: gthread workers) of ``--workers``
workers each, on their own ports, on the one database; devices are dealt round-robin between them.

**The devices** live in this one process (asyncio, HTTP/1.1 over plain sockets: no client library to pay
for). Arrivals are **open loop**: sync cycles start at Poisson-distributed moments at a fixed rate, each
at a random device, whether or not earlier requests finished, and a request's latency runs from the moment
it was *due* (a cycle waiting for the same device's previous one counts that wait), so a slow server shows
up as latency and not as fewer requests (no coordinated omission). ``--rate`` is sync requests per second:
a cycle is a push when the device changed something (70 % of cycles) and always a pull. What devices change
before a cycle: log 1-2 capacity entries (most), correct one of their own entries, start a huddle (leads),
add a note to the team's latest huddle, raise an idea, move an idea to another status (the kanban). Think
time is the gap between a device's cycles (``devices / cycle rate``, ~11 s for 2,000 devices at 300 requests/s).

A failed request (network error, 5xx, 429) is retried with exponential back-off and jitter like the PWA
(0.25 s doubling to 8 s), the same body with the same mutation ids; a cycle's latency includes its retries.
Each device keeps the mutations the server acknowledged (``applied`` or ``duplicate`` in a push answer).

**The end check**, after the last cycle, every device having pushed what it holds and pulled to the end:

* every device equals the server: its records, per collection, are exactly the live ``sync_records`` of its
  team it should hold (capacity entries: a lead's device the team's, a member's its own; all dated inside
  the 16-week window), field for field;
* every acknowledged change is present exactly once (devices never delete here): capacity entries, huddles, notes and ideas, each
  by id and content, and the read tables hold as many rows as were acknowledged; each entry's minutes
  are its device's last acknowledged correction; each idea's status is that of its latest acknowledged
  move (by hlc); ``idea_moves`` has no repeated move; the weekly totals add up to the entries; every
  device's ``last_mutation_id`` on the server is its last mutation; no mutation was rejected.

``--sweep`` runs ``--duration`` at each rate from ``--rate`` up (x1.25 a step; down x0.8 if ``--rate`` is already
too much) and reports the highest rate whose p99 (every endpoint) stayed under 200 ms with no errors. ``bench/faults.py`` runs the same load while
it breaks things (it imports :class:`LoadRun`).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import os
import random
import resource
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import sqlalchemy as sa  # noqa: E402

from bench.first_sync import database  # noqa: E402
from bench.sync_throughput import CATEGORIES, KINDS, Server, percentile, uuid7  # noqa: E402
from sync import Hlc  # noqa: E402

TEAM_SIZE, LEADS_PER_TEAM, BOARDS = 20, 2, 5
STATUSES = ("new", "prioritised", "testing", "adopted", "abandoned", "parked")
STEPS = ("data", "tests_of_change", "celebrations", "ideas", "actions", "barriers", "questions")
P99_TARGET_MS = 200
META = ("id", "team_id", "user_id", "created_at", "updated_at")


# ------------------------------------------------------------------------------------------------
# the organisation
# ------------------------------------------------------------------------------------------------
def seed_organisation(url: str, n_devices: int) -> list[dict]:
    """Migrate, then teams of 20 (two leads each) over 5 boards with one signed-in device per person."""
    import logging

    from flask_migrate import upgrade

    from server import create_app
    from server.accounts.operations import create_user, register_device
    from server.extensions import db
    from server.organisations.operations import create_board, create_team, set_membership

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "ARGON2_TIME_COST": 1, "ARGON2_MEMORY_KIB": 64,
                      "SECRET_KEY": "bench"})
    devices = []
    with app.app_context():
        logging.disable(logging.INFO)  # the migrations' names
        upgrade()
        logging.disable(logging.NOTSET)
        boards = [create_board(name=f"Load board {b}") for b in range(BOARDS)]
        teams = [create_team(board_id=boards[t % BOARDS].id, name=f"Load ward {t}")
                 for t in range(math.ceil(n_devices / TEAM_SIZE))]
        for n in range(n_devices):
            team = teams[n // TEAM_SIZE]
            lead = n % TEAM_SIZE < LEADS_PER_TEAM
            user = create_user(email=f"load{n}@example.org", name=f"Load {n}", password=None, role="staff")
            set_membership(team, user.id, "lead" if lead else "member")
            token, device = register_device(user, f"load phone {n}")
            devices.append({"token": token, "device_id": device.id, "user_id": user.id, "team_id": team.id,
                            "lead": lead})
        db.session.commit()
        db.session.remove()
        db.engine.dispose()
    return devices


# ------------------------------------------------------------------------------------------------
# HTTP/1.1 over asyncio streams (also the fault proxy's: bench/faults.py)
# ------------------------------------------------------------------------------------------------
class HttpError(Exception):
    """The connection failed or closed before a whole response arrived."""


async def read_message(reader: asyncio.StreamReader) -> tuple[bytes, dict[str, str], bytes]:
    """One HTTP/1.1 message with a Content-Length body (all the app and this client send): start line,
    lower-cased headers, body."""
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head[:-4].split(b"\r\n")
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(b":")
        headers[name.decode().strip().lower()] = value.decode().strip()
    body = await reader.readexactly(int(headers.get("content-length", "0")))
    return lines[0], headers, body


def request_bytes(method: str, path: str, token: str, body: bytes | None) -> bytes:
    head = f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {token}\r\n"
    if body is not None:
        head += f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n"
    return head.encode() + b"\r\n" + (body or b"")


class Connection:
    """One keep-alive connection of a device to its server, opened on first use, after a failure, and after
    ``IDLE_SECONDS`` unused: gunicorn closes a keep-alive connection idle for 2 s, and a request written into
    one it is closing fails for the client's sake alone (browsers quietly retry those)."""

    IDLE_SECONDS = 1.5
    reconnects = 0

    def __init__(self, port: int) -> None:
        self.port = port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None
        self.used = 0.0

    async def request(self, method: str, path: str, token: str, body: bytes | None, timeout: float) -> tuple[int, bytes]:
        data = request_bytes(method, path, token, body)
        if self.writer is not None and time.monotonic() - self.used <= self.IDLE_SECONDS:
            # A reused connection the server closed before answering (a starved client may read its
            # last answer after the keep-alive ran out): tried once more on a new one, as browsers do.
            try:
                return await asyncio.wait_for(self._request(data), timeout)
            except (ConnectionResetError, BrokenPipeError, asyncio.IncompleteReadError) as e:
                if isinstance(e, asyncio.IncompleteReadError) and e.partial:
                    self.close()
                    raise HttpError(type(e).__name__) from e
                self.close()
                Connection.reconnects += 1
            except (OSError, asyncio.LimitOverrunError, asyncio.TimeoutError, ValueError) as e:
                self.close()
                raise HttpError(type(e).__name__) from e
        try:
            return await asyncio.wait_for(self._request(data), timeout)
        except (OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, asyncio.TimeoutError, ValueError) as e:
            self.close()
            raise HttpError(type(e).__name__) from e

    async def _request(self, data: bytes) -> tuple[int, bytes]:
        if self.writer is not None and time.monotonic() - self.used > self.IDLE_SECONDS:
            self.close()
        if self.writer is None or self.writer.is_closing():
            self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port)
        self.writer.write(data)
        await self.writer.drain()
        start, headers, body = await read_message(self.reader)
        self.used = time.monotonic()
        if headers.get("connection", "").lower() == "close":
            self.close()
        return int(start.split()[1]), body

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None


# ------------------------------------------------------------------------------------------------
# the figures
# ------------------------------------------------------------------------------------------------
@dataclass
class Endpoint:
    latencies: list[float] = field(default_factory=list)  # due -> answered, retries included
    attempts: int = 0
    errors: dict[str, int] = field(default_factory=lambda: defaultdict(int))  # failed attempts, by cause


class Stats:
    def __init__(self) -> None:
        self.endpoints: dict[str, Endpoint] = defaultdict(Endpoint)
        self.started = time.monotonic()

    def reset(self) -> None:
        self.__init__()

    def table(self, seconds: float) -> tuple[str, dict]:
        rows = [f"  {'endpoint':<12} {'count':>7} {'req/s':>7} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} "
                f"{'max ms':>8} {'errors':>7}"]
        summary = {"sync_rps": 0.0, "p99_ms": 0.0, "errors": 0}
        for name in sorted(self.endpoints):
            e = self.endpoints[name]
            lat = [x * 1000 for x in e.latencies] or [float("nan")]
            errors = sum(e.errors.values())
            rows.append(f"  {name:<12} {len(e.latencies):>7} {len(e.latencies) / seconds:>7.1f} "
                        f"{percentile(lat, 50):>8.1f} {percentile(lat, 95):>8.1f} {percentile(lat, 99):>8.1f} "
                        f"{max(lat):>8.1f} {errors:>7}" + (f"  {dict(e.errors)}" if errors else ""))
            summary["sync_rps"] += len(e.latencies) / seconds
            summary["p99_ms"] = max(summary["p99_ms"], percentile(lat, 99))
            summary["errors"] += errors
        rows.append(f"  sync requests/s overall: {summary['sync_rps']:.1f}")
        return "\n".join(rows), summary


# ------------------------------------------------------------------------------------------------
# a device
# ------------------------------------------------------------------------------------------------
class Device:
    def __init__(self, info: dict, port: int, run: "LoadRun") -> None:
        self.info, self.run = info, run
        self.id, self.token, self.team = info["device_id"], info["token"], info["team_id"]
        self.connection = Connection(port)
        self.clock = Hlc(self.id)
        self.rng = random.Random(self.id)
        self.lock = asyncio.Lock()
        self.next_id = 1
        self.outbox: list[dict] = []
        self.cursor = ""
        self.records: dict[tuple[str, str], dict] = {}
        self.acked: list[dict] = []  # mutations the server acknowledged (applied or duplicate)
        self.rejected: list[dict] = []
        self.my_entries: list[str] = []  # acknowledged entries of this device, to correct later

    # ---- local changes ----
    def _mutation(self, collection: str, record_id: str, fields: dict) -> None:
        self.outbox.append({"id": self.next_id, "collection": collection, "record_id": record_id, "op": "upsert",
                            "hlc": self.clock.now(), "fields": fields})
        self.next_id += 1

    def _known(self, collection: str) -> list[dict]:
        return [r for (c, _), r in self.records.items() if c == collection]

    def change_something(self) -> None:
        rng, today = self.rng, date.today()
        roll = rng.random()
        if roll < 0.6 or not self.records:
            for _ in range(rng.choice((1, 1, 2))):
                fields = {"team_id": self.team, "kind": rng.choice(KINDS), "minutes": rng.randint(1, 240),
                          "occurred_on": (today - timedelta(days=rng.randint(0, 6))).isoformat(),
                          "category": rng.choice(CATEGORIES), "note": f"load {self.id} {self.next_id}"}
                self._mutation("capacity_entries", uuid7(), fields)
        elif roll < 0.68 and self.my_entries:
            self._mutation("capacity_entries", rng.choice(self.my_entries), {"minutes": rng.randint(1, 240)})
        elif roll < 0.73 and self.info["lead"]:
            self._mutation("huddles", uuid7(), {"team_id": self.team, "held_on": today.isoformat(),
                                                "attendee_count": rng.randint(3, 15), "manager_present": True,
                                                "finance_present": rng.random() < 0.3, "duration_minutes": 15})
        elif roll < 0.83 and (huddles := self._known("huddles")):
            huddle = max(huddles, key=lambda r: r["created_at"])
            self._mutation("huddle_notes", uuid7(), {"team_id": self.team, "huddle_id": huddle["id"],
                                                     "step": rng.choice(STEPS),
                                                     "text": f"note {self.id} {self.next_id}"})
        elif roll < 0.88 or not (ideas := self._known("ideas")):
            self._mutation("ideas", uuid7(), {"team_id": self.team, "title": f"idea {self.id} {self.next_id}",
                                              "raised_on": today.isoformat()})
        else:
            idea = rng.choice(ideas)
            self._mutation("ideas", idea["id"], {"status": rng.choice([s for s in STATUSES if s != idea["status"]])})

    # ---- sync ----
    async def call(self, endpoint: str, method: str, path: str, body: bytes | None, due: float) -> dict:
        """The request until it succeeds (back-off with jitter, as the PWA), timed from ``due``."""
        stats = self.run.stats.endpoints[endpoint]
        delay = 0.25
        while True:
            stats.attempts += 1
            try:
                status, raw = await self.connection.request(method, path, self.token, body, self.run.timeout)
            except HttpError as e:
                status, raw, cause = 0, b"", str(e)
            else:
                cause = str(status)
            if status == 200:
                stats.latencies.append(time.monotonic() - due)
                return json.loads(raw)
            if status == 409 and endpoint == "push":
                # mutation_gap: the server wants an earlier id than we sent (cannot happen if nothing
                # is lost: counted, and the outbox is sent again whole)
                stats.errors["409"] += 1
                return {"gap": json.loads(raw)}
            stats.errors[cause] += 1
            if status and status not in (429,) and status < 500:
                raise RuntimeError(f"{endpoint}: {status} {raw[:300]!r}")
            await asyncio.sleep(delay * (0.5 + self.rng.random()))
            delay = min(delay * 2, 8.0)

    async def push(self, due: float) -> None:
        while self.outbox:
            batch = self.outbox[:500]
            body = json.dumps({"client_id": self.id, "schema_version": 1, "mutations": batch}).encode()
            answer = await self.call("push", "POST", "/api/sync/push", body, due)
            if "gap" in answer:
                continue
            results = {r["id"]: r for r in answer["results"]}
            for m in batch:
                r = results[m["id"]]
                if r["status"] == "rejected" or r.get("error"):
                    self.rejected.append({**m, "error": r.get("error")})
                else:
                    self.acked.append(m)
                    if m["collection"] == "capacity_entries" and "team_id" in m["fields"]:
                        self.my_entries.append(m["record_id"])
            self.outbox = self.outbox[len(batch):]
            self.clock.observe_server_time(answer["server_time"])

    async def pull(self, due: float) -> None:
        while True:
            page = await self.call("pull", "GET", f"/api/sync/pull?cursor={self.cursor}", None, due)
            for team in page["drop_teams"]:
                self.records = {k: v for k, v in self.records.items() if v["team_id"] != team}
            newest = None
            for change in page["changes"]:
                key = (change["collection"], change["record_id"])
                if change["deleted"]:
                    self.records.pop(key, None)
                else:
                    self.records[key] = change["record"]
                    if change["hlc"] and (newest is None or change["hlc"] > newest):
                        newest = change["hlc"]
            if newest:
                self.clock.receive(newest)
            self.clock.observe_server_time(page["server_time"])
            self.cursor = page["cursor"]
            if not page["has_more"]:
                return
            due = time.monotonic()

    async def cycle(self, due: float, change: bool) -> None:
        async with self.lock:
            if change:
                self.change_something()
            if self.outbox:
                await self.push(due)
                due = time.monotonic()
            await self.pull(due)


# ------------------------------------------------------------------------------------------------
# the run
# ------------------------------------------------------------------------------------------------
class LoadRun:
    """Servers on a fresh database, the devices, and the open-loop arrivals; bench/faults.py drives it too."""

    CHANGE_SHARE = 0.7  # cycles with something to push

    def __init__(self, args) -> None:
        self.args = args
        self.timeout = args.timeout
        self.stats = Stats()
        self.servers: list[Server] = []
        self.devices: list[Device] = []
        self.url = ""

    def start(self, admin_url: str) -> None:
        self.url, self.drop_database = database(admin_url)
        started = time.perf_counter()
        self.infos = seed_organisation(self.url, self.args.devices)
        print(f"seeded {len(self.infos)} devices in {len(self.infos) // TEAM_SIZE} teams "
              f"in {time.perf_counter() - started:.1f} s", flush=True)
        # the servers' own time per request (gunicorn's %(D)s: from the request read to the response
        # written), to tell it from the time a request waited for a worker thread
        self.access_log = Path(tempfile.gettempdir()) / f"valueboard-load-{os.getpid()}-access.log"
        self.server_log = Path(tempfile.gettempdir()) / f"valueboard-load-{os.getpid()}-server.log"
        os.environ.update({"RATE_LIMITS": "off", "ARGON2_TIME_COST": "1", "ARGON2_MEMORY_KIB": "64",
                           "GUNICORN_CMD_ARGS": f"--access-logfile {self.access_log} "
                                                f"--access-logformat '%(U)s %(s)s %(D)s'"})
        with open(self.server_log, "ab") as log:  # the servers inherit it as their stderr
            stderr = os.dup(2)
            os.dup2(log.fileno(), 2)
            try:
                self.servers = [Server(self.url, self.args.workers) for _ in range(self.args.servers)]
            finally:
                os.dup2(stderr, 2)
                os.close(stderr)
        self.engine = sa.create_engine(self.url, poolclass=sa.pool.NullPool)
        self.postmaster = postmaster_pid(self.engine)
        try:
            with self.engine.connect() as conn:
                conn.execute(sa.text("CREATE EXTENSION IF NOT EXISTS pg_stat_statements"))
                conn.commit()
        except sa.exc.DBAPIError:
            pass  # not installed: no statement figures
        print(f"{len(self.servers)} gunicorn servers x {self.args.workers} workers on ports "
              f"{[s.port for s in self.servers]}; their log: {self.server_log}", flush=True)

    def ports(self) -> list[int]:
        """Where devices send requests (bench/faults.py puts its proxies here)."""
        return [s.port for s in self.servers]

    def make_devices(self) -> None:
        ports = self.ports()
        self.devices = [Device(info, ports[n % len(ports)], self) for n, info in enumerate(self.infos)]

    async def arrivals(self, rate: float, seconds: float) -> None:
        """Open loop: cycles start at Poisson moments at ``rate`` requests/s, whatever is still running."""
        rng = random.Random(7)
        cycles_per_second = rate / (1 + self.CHANGE_SHARE)
        tasks = set()
        due = time.monotonic()
        end = due + seconds
        while True:
            due += rng.expovariate(cycles_per_second)
            if due >= end:
                break
            wait = due - time.monotonic()
            if wait > 0:
                await asyncio.sleep(wait)
            task = asyncio.create_task(rng.choice(self.devices).cycle(due, rng.random() < self.CHANGE_SHARE))
            tasks.add(task)
            task.add_done_callback(tasks.discard)
        if tasks:
            await asyncio.gather(*tasks)

    async def first_sync(self) -> None:
        """Before the clock starts, each device's first sync (bench/first_sync.py measures those), then its
        first entry: a device's first push and a team's first entry do once-only work (the device's sync
        row, the team's first milestone) that a day of logging would have done already."""
        await self._each(lambda d: d.pull(time.monotonic()))

        async def first_entry(d: Device) -> None:
            async with d.lock:
                d.change_something()
                await d.push(time.monotonic())
                await d.pull(time.monotonic())
        await self._each(first_entry)

    async def settle(self) -> None:
        """Every device pushes what it still holds and pulls to the end."""
        async def one(d: Device) -> None:
            async with d.lock:
                await d.push(time.monotonic())
                await d.pull(time.monotonic())
        await self._each(one)

    async def _each(self, work, concurrency: int = 64) -> None:
        gate = asyncio.Semaphore(concurrency)

        async def one(d: Device) -> None:
            async with gate:
                await work(d)
        await asyncio.gather(*(one(d) for d in self.devices))

    async def measure(self, rate: float, seconds: float) -> dict:
        self.stats.reset()
        statements = self.statements_reset()
        cpu = self.cpu_seconds()
        access_from = self.access_log.stat().st_size if self.access_log.exists() else 0
        started = time.monotonic()
        await self.arrivals(rate, seconds)
        elapsed = time.monotonic() - started
        table, summary = self.stats.table(elapsed)
        table += "\n" + self.server_times(access_from)
        requests = sum(len(e.latencies) for e in self.stats.endpoints.values())
        used = {k: v - cpu[k] for k, v in self.cpu_seconds().items() if k in cpu}
        machine = used.pop("machine")
        table += ("\n  CPU (cores busy / ms per request): " + ", ".join(
            f"{k} {v / elapsed:.2f} / {v * 1000 / max(requests, 1):.1f}" for k, v in used.items())
            + f"; the machine {machine / elapsed:.2f} of {os.cpu_count()} cores busy, load average "
              f"{os.getloadavg()[0]:.1f}"
            + f"; {Connection.reconnects} stale keep-alive connections re-opened")
        if statements:
            table += "\n" + self.statements_report(requests)
        summary.update(rate=rate, seconds=elapsed, table=table)
        return summary

    def server_times(self, offset: int) -> str:
        """The servers' own p50/p95/p99 per endpoint since ``offset`` of their access log, and their 500s."""
        times: dict[str, list[float]] = defaultdict(list)
        failures = 0
        with open(self.access_log, "rb") as f:
            f.seek(offset)
            for line in f.read().decode(errors="replace").splitlines():
                parts = line.split()
                if len(parts) == 3 and parts[0].startswith("/api/sync/"):
                    times[parts[0].rsplit("/", 1)[1]].append(int(parts[2]) / 1000)
                    failures += parts[1] == "500"
        return ("  in the servers (request read -> response written), p50 / p95 / p99 ms: " + "; ".join(
            f"{name} {percentile(t, 50):.1f} / {percentile(t, 95):.1f} / {percentile(t, 99):.1f}"
            for name, t in sorted(times.items())) + f"; {failures} answered 500")

    def cpu_seconds(self) -> dict[str, float]:
        """CPU time so far of this client, the gunicorn servers and PostgreSQL (their processes and reaped children)."""
        usage = resource.getrusage(resource.RUSAGE_SELF)
        # the whole machine's busy time: what is not this run's is other work on the same CPUs
        ticks = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
        out = {"machine": (sum(ticks) - ticks[3] - ticks[4]) / os.sysconf("SC_CLK_TCK"),
               "client": usage.ru_utime + usage.ru_stime,
               "servers": sum(process_tree_cpu(s.proc.pid) for s in self.servers)}
        if self.postmaster and self.postmaster == postmaster_pid(self.engine):  # not across a restart
            out["postgres"] = process_tree_cpu(self.postmaster)
        return out

    def statements_reset(self) -> bool:
        try:
            with self.engine.connect() as conn:
                conn.execute(sa.text("SELECT pg_stat_statements_reset()"))
                conn.commit()
            return True
        except sa.exc.DBAPIError:
            return False

    def statements_report(self, requests: int) -> str:
        try:
            return self._statements_report(requests)
        except sa.exc.DBAPIError as e:  # statistics lost with a restart (bench/faults.py)
            return f"  PostgreSQL statements: not available ({type(e.orig).__name__})"

    def _statements_report(self, requests: int) -> str:
        with self.engine.connect() as conn:
            rows = conn.execute(sa.text(
                "SELECT calls, total_exec_time, query FROM pg_stat_statements "
                "WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database()) "
                "ORDER BY total_exec_time DESC")).all()
        calls, ms = sum(r[0] for r in rows), sum(r[1] for r in rows)
        out = [f"  PostgreSQL (pg_stat_statements): {calls / max(requests, 1):.1f} statements and "
               f"{ms / max(requests, 1):.2f} ms of execution per sync request; the costliest:"]
        for c, t, q in rows[:8]:
            out.append(f"    {c / max(requests, 1):6.2f}/req {t / max(requests, 1):6.3f} ms/req  {' '.join(q.split())[:110]}")
        return "\n".join(out)

    def end_check(self) -> list[str]:
        return end_check(self.url, self.devices)

    def stop(self) -> None:
        if getattr(self, "engine", None) is not None:
            self.engine.dispose()
        for s in self.servers:
            try:
                s.stop()
            except Exception as e:  # a server the fault run broke: report, still drop the database
                print(f"stopping a server: {e!r}")
        if getattr(self, "access_log", None) is not None:
            self.access_log.unlink(missing_ok=True)
        if not self.args.keep:
            try:
                self.drop_database()
            except sa.exc.OperationalError:  # its pooled connection died with a PostgreSQL restart
                self.drop_database()
        else:
            print(f"kept the database: {self.url}")


def process_tree_cpu(pid: int) -> float:
    """CPU seconds of a process, its reaped children and its live children (gunicorn workers, PostgreSQL backends)."""
    def of(p: int, children: bool) -> float:
        try:
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
        except (FileNotFoundError, ProcessLookupError):
            return 0.0
        return sum(int(x) for x in fields[11:15 if children else 13]) / os.sysconf("SC_CLK_TCK")
    try:
        kids = [int(k) for k in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except FileNotFoundError:
        kids = []
    return of(pid, True) + sum(of(k, False) for k in kids)


def postmaster_pid(engine) -> int | None:
    """PostgreSQL's postmaster, when it runs on this machine and its data directory is readable."""
    try:
        with engine.connect() as conn:
            folder = conn.execute(sa.text("SHOW data_directory")).scalar()
        return int(Path(folder, "postmaster.pid").read_text().split()[0])
    except (sa.exc.DBAPIError, OSError, ValueError):
        return None


# ------------------------------------------------------------------------------------------------
# the end check
# ------------------------------------------------------------------------------------------------
def end_check(url: str, devices: list[Device]) -> list[str]:
    """What went wrong (an empty list: every device equals the server, every acknowledged change once)."""
    problems: list[str] = []
    engine = sa.create_engine(url)
    teams = sorted({d.team for d in devices})
    with engine.connect() as conn:
        def rows(sql: str) -> list:
            return conn.execute(sa.text(sql), {"teams": teams}).all()

        live: dict[str, dict[tuple[str, str], tuple[str, dict]]] = defaultdict(dict)
        for collection, record_id, team_id, user_id, data in rows(
                "SELECT collection, record_id, team_id, user_id, data FROM sync_records "
                "WHERE team_id = ANY(:teams) AND NOT deleted"):
            live[team_id][(collection, record_id)] = (user_id, data if isinstance(data, dict) else json.loads(data))
        last_ids = dict(rows("SELECT client_id, last_mutation_id FROM sync_devices"))
        entries = {r[0]: r for r in rows("SELECT id, team_id, minutes, note FROM capacity_entries WHERE team_id = ANY(:teams)")}
        notes = rows("SELECT id, text FROM huddle_notes WHERE team_id = ANY(:teams)")
        huddles = rows("SELECT id FROM huddles WHERE team_id = ANY(:teams)")
        ideas = dict(rows("SELECT id, status FROM ideas WHERE team_id = ANY(:teams)"))
        repeated_moves = rows("SELECT idea_id, moved_at, to_status, moved_by, count(*) FROM idea_moves "
                              "WHERE team_id = ANY(:teams) GROUP BY 1, 2, 3, 4 HAVING count(*) > 1")
        moves = rows("SELECT count(*) FROM idea_moves WHERE team_id = ANY(:teams)")[0][0]
        totals = {t: (m, n) for t, m, n in rows(
            "SELECT team_id, sum(minutes), sum(entries) FROM capacity_weekly_totals WHERE team_id = ANY(:teams) GROUP BY 1")}
        entry_sums = {t: (m, n) for t, m, n in rows(
            "SELECT team_id, sum(minutes), count(*) FROM capacity_entries WHERE team_id = ANY(:teams) GROUP BY 1")}
    engine.dispose()

    # every device equals the server
    unequal = 0
    for d in devices:
        expected = {}
        for key, (user_id, data) in live[d.team].items():
            if key[0] == "capacity_entries" and not d.info["lead"] and user_id != d.info["user_id"]:
                continue
            expected[key] = data
        held = {k: {f: v for f, v in r.items() if f not in META} for k, r in d.records.items()}
        if held != expected:
            unequal += 1
            if unequal <= 3:
                missing = set(expected) - set(held)
                extra = set(held) - set(expected)
                differ = [k for k in set(held) & set(expected) if held[k] != expected[k]]
                problems.append(f"device {d.id} differs from the server: {len(missing)} missing, {len(extra)} extra, "
                                f"{len(differ)} different (e.g. {(list(missing) + list(extra) + differ)[:2]})")
    if unequal > 3:
        problems.append(f"... {unequal} devices differ in all")

    # every acknowledged change exactly once
    acked = [m for d in devices for m in d.acked]
    created = defaultdict(dict)
    minutes: dict[str, tuple[str, int]] = {}
    latest_move: dict[str, tuple[str, str]] = {}
    for m in acked:
        f = m["fields"]
        if "team_id" in f:
            if m["record_id"] in created[m["collection"]]:
                problems.append(f"acknowledged twice by the client: {m['collection']} {m['record_id']}")
            created[m["collection"]][m["record_id"]] = f
        if m["collection"] == "capacity_entries" and "minutes" in f:
            if m["record_id"] not in minutes or minutes[m["record_id"]][0] < m["hlc"]:
                minutes[m["record_id"]] = (m["hlc"], f["minutes"])
        if m["collection"] == "ideas":
            status = f.get("status", "new" if "team_id" in f else None)
            if status and (m["record_id"] not in latest_move or latest_move[m["record_id"]][0] < m["hlc"]):
                latest_move[m["record_id"]] = (m["hlc"], status)

    def same_set(name: str, expected: set, found: list) -> None:
        if len(found) != len(set(found)):
            problems.append(f"{name}: {len(found) - len(set(found))} present more than once")
        if set(found) != expected:
            problems.append(f"{name}: {len(expected - set(found))} acknowledged but missing, "
                            f"{len(set(found) - expected)} never acknowledged")

    same_set("capacity entries", set(created["capacity_entries"]), list(entries))
    same_set("capacity entry notes", {f["note"] for f in created["capacity_entries"].values()},
             [e[3] for e in entries.values()])
    wrong_minutes = [rid for rid, (_, value) in minutes.items() if rid in entries and entries[rid][2] != value]
    if wrong_minutes:
        problems.append(f"capacity entries: {len(wrong_minutes)} do not hold their last acknowledged minutes")
    same_set("huddles", set(created["huddles"]), [h[0] for h in huddles])
    same_set("huddle notes", set(created["huddle_notes"]), [n[0] for n in notes])
    same_set("huddle note texts", {f["text"] for f in created["huddle_notes"].values()}, [n[1] for n in notes])
    same_set("ideas", set(created["ideas"]), list(ideas))
    wrong_status = [i for i, (_, status) in latest_move.items() if ideas.get(i) != status]
    if wrong_status:
        problems.append(f"ideas: {len(wrong_status)} not in the status of their latest acknowledged move")
    if repeated_moves:
        problems.append(f"idea_moves: {len(repeated_moves)} moves recorded more than once")
    n_moves = sum(1 for m in acked if m["collection"] == "ideas" and ("status" in m["fields"] or "team_id" in m["fields"]))
    if moves > n_moves:
        problems.append(f"idea_moves: {moves} rows for {n_moves} acknowledged raises and moves")
    if totals != entry_sums:
        problems.append(f"weekly totals differ from the entries in {sum(totals.get(t) != entry_sums.get(t) for t in teams)} teams")
    behind = [d.id for d in devices if last_ids.get(d.id, 0) != d.next_id - 1]
    if behind:
        problems.append(f"{len(behind)} devices' last_mutation_id on the server is not their last mutation")
    rejected = [m for d in devices for m in d.rejected]
    if rejected:
        problems.append(f"{len(rejected)} mutations rejected, e.g. {rejected[0]}")
    print(f"end check over {len(devices)} devices: {len(acked)} acknowledged mutations "
          f"({len(created['capacity_entries'])} entries, {len(created['huddles'])} huddles, "
          f"{len(created['huddle_notes'])} notes, {len(created['ideas'])} ideas, {n_moves - len(created['ideas'])} "
          f"moves; {moves} idea_moves rows)")
    return problems


# ------------------------------------------------------------------------------------------------
def raise_file_limit() -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


async def run_load(run: LoadRun, args) -> bool:
    run.make_devices()
    started = time.perf_counter()
    await run.first_sync()
    print(f"first sync of {len(run.devices)} devices: {time.perf_counter() - started:.1f} s", flush=True)
    best = None
    rate, step = args.rate, 1.25
    while True:
        result = await run.measure(rate, args.duration)
        ok = result["p99_ms"] < P99_TARGET_MS and result["errors"] == 0
        print(f"\nrate {rate} sync requests/s for {result['seconds']:.0f} s "
              f"({'p99 under' if ok else 'p99 NOT under'} {P99_TARGET_MS} ms{'' if not result['errors'] else ', errors'}):"
              f"\n{result['table']}", flush=True)
        if ok:
            best = result
        if not args.sweep:
            break
        if step > 1 and not ok and best is None:
            step = 0.8  # even the first rate is too much: step down instead
        elif (step > 1 and not ok) or (step < 1 and ok) or rate * step < 5:
            break
        rate = round(rate * step)
    if args.sweep:
        print(f"\nhighest arrival rate with p99 < {P99_TARGET_MS} ms and no errors: "
              f"{best['rate'] if best else 'none (not even ' + str(args.rate) + ')'} requests/s"
              + (f" (achieved {best['sync_rps']:.1f}/s)" if best else ""))
    started = time.perf_counter()
    await run.settle()
    problems = run.end_check()
    print(f"end check ({time.perf_counter() - started:.1f} s): " + ("PASSED" if not problems else "FAILED"))
    for p in problems:
        print(f"  {p}")
    return not problems


def parser(doc: str) -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(description=doc, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--db", default="postgresql+psycopg://postgres@127.0.0.1:5432/postgres",
                   help="admin URL of the PostgreSQL server (a bench database is created there)")
    p.add_argument("--devices", type=int, default=2000)
    p.add_argument("--rate", type=float, default=300, help="sync requests per second (open loop)")
    p.add_argument("--duration", type=float, default=60, help="seconds per rate")
    p.add_argument("--servers", type=int, default=2)
    p.add_argument("--workers", type=int, default=2, help="gunicorn workers per server")
    p.add_argument("--timeout", type=float, default=30, help="a request's client timeout (s)")
    p.add_argument("--sweep", action="store_true", help="step the rate up x1.25 until p99 >= 200 ms")
    p.add_argument("--keep", action="store_true", help="keep the bench database")
    return p


def main() -> int:
    args = parser(__doc__).parse_args()
    raise_file_limit()
    run = LoadRun(args)
    try:
        run.start(args.db)
        print(f"{os.cpu_count()} CPUs, shared by this client, the servers and PostgreSQL", flush=True)
        return 0 if asyncio.run(run_load(run, args)) else 1
    finally:
        run.stop()


if __name__ == "__main__":
    sys.exit(main())
