"""Faults: bench/load.py's run while web workers are SIGKILLed, PostgreSQL restarts and a proxy drops, delays and
duplicates requests and responses; the end check must still pass.

    .venv/bin/python bench/faults.py --db postgresql+psycopg://postgres@127.0.0.1:5433/postgres
    .venv/bin/python bench/faults.py --db ... --devices 2000 --rate 100 --duration 90

Everything of bench/load.py (the organisation, the servers, the devices and their retries, the open-loop
arrivals, the end check) is imported from it; this adds the faults, during the measured ``--duration``:

* **a proxy in front of each server** (a child process, asyncio): of the requests, ``--drop-request`` are
  dropped before they reach the server (the client's connection is closed), ``--drop-response`` are served
  and their response dropped (the server applied the push, the device sees an error and sends the same
  mutations again: mutation ids must make that exactly once), ``--delay`` wait 0.2-2 s before going on, and
  ``--duplicate`` are sent to the server twice at once (the device gets the first answer). These go on while
  the devices settle at the end.
* **SIGKILL of a random web worker** of a random server every ``--kill-every`` seconds (gunicorn's master
  starts another); requests in flight on it fail, and a push killed mid-transaction must leave nothing.
* **PostgreSQL restarts once**, halfway (``pg_ctlcluster <version> <cluster> restart`` of the cluster on the
  ``--db`` port; needs root). So ``--db`` has no default: name a cluster nobody else is using (e.g. one made
  with ``pg_createcluster 15 load -p 5433 -- -A trust``), or their connections die too. Where that is not possible, every backend of the bench database is ended with
  ``pg_terminate_backend`` instead; the report says which was done.

Devices retry as the PWA does (back-off with jitter, the same body); a request that needed retries counts
its whole time in the latency table, and every failed attempt is in the errors column by cause (``0`` is no
HTTP answer: a dropped connection, a killed worker; ``500`` would be a server bug, ``503`` the server's
"try again"). Printed: the faults injected, the figures, and the end check (every device equals the server,
every acknowledged change present exactly once): the faults were survived if it passes.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402

from bench.load import LoadRun, parser, raise_file_limit, read_message, run_load  # noqa: E402
from bench.sync_throughput import free_port  # noqa: E402

# the proxies' counters, shared with their process
FAULTS = ("requests", "dropped requests", "dropped responses", "delayed", "duplicated")


# ------------------------------------------------------------------------------------------------
# the proxy
# ------------------------------------------------------------------------------------------------
def serialise(start: bytes, headers: dict[str, str], body: bytes) -> bytes:
    return start + b"\r\n" + "".join(f"{k}: {v}\r\n" for k, v in headers.items()).encode() + b"\r\n" + body


async def forward(port: int, message: bytes) -> bytes:
    """One request on a connection of its own to the server; the whole response."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        writer.write(message)
        await writer.drain()
        start, headers, body = await read_message(reader)
        headers.pop("connection", None)
        return serialise(start, headers, body)
    finally:
        writer.close()


def run_proxies(routes: list[tuple[int, int]], shares: dict[str, float], counters, on, ready) -> None:
    """Serve ``listen port -> server port`` for each route until killed (a child process)."""
    rng = random.Random(17)

    def count(name: str) -> None:
        with counters.get_lock():
            counters[FAULTS.index(name)] += 1

    async def client(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, upstream: int) -> None:
        try:
            while True:
                start, headers, body = await read_message(reader)
                message = serialise(start, headers, body)
                count("requests")
                kind, roll, edge = None, rng.random(), 0.0
                for name in ("drop_request", "delay", "duplicate", "drop_response") if on.value else ():
                    edge += shares[name]
                    if roll < edge:
                        kind = name
                        break
                if kind == "drop_request":
                    count("dropped requests")
                    return
                if kind == "delay":
                    count("delayed")
                    await asyncio.sleep(rng.uniform(0.2, 2.0))
                if kind == "duplicate":
                    count("duplicated")
                    answers = await asyncio.gather(forward(upstream, message), forward(upstream, message),
                                                   return_exceptions=True)
                    answer = next((a for a in answers if isinstance(a, bytes)), None)
                    if answer is None:
                        return
                else:
                    answer = await forward(upstream, message)
                if kind == "drop_response":
                    count("dropped responses")
                    return
                writer.write(answer)
                await writer.drain()
        except (OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, ValueError):
            return
        finally:
            writer.close()

    async def main() -> None:
        servers = [await asyncio.start_server(lambda r, w, up=up: client(r, w, up), "127.0.0.1", listen, backlog=4096)
                   for listen, up in routes]
        ready.set()
        await asyncio.gather(*(s.serve_forever() for s in servers))

    signal.signal(signal.SIGTERM, lambda *_: os._exit(0))
    asyncio.run(main())


# ------------------------------------------------------------------------------------------------
# the run with faults
# ------------------------------------------------------------------------------------------------
class FaultRun(LoadRun):
    def start(self, admin_url: str) -> None:
        super().start(admin_url)
        self.admin_url = admin_url
        self.proxy_ports = [free_port() for _ in self.servers]
        self.counters = multiprocessing.Array("l", len(FAULTS))
        self.faulty = multiprocessing.Value("b", 0)
        ready = multiprocessing.Event()
        shares = {"drop_request": self.args.drop_request, "drop_response": self.args.drop_response,
                  "delay": self.args.delay, "duplicate": self.args.duplicate}
        self.proxy = multiprocessing.Process(target=run_proxies, daemon=True, args=(
            list(zip(self.proxy_ports, [s.port for s in self.servers])), shares, self.counters, self.faulty, ready))
        self.proxy.start()
        ready.wait(30)
        self.kills = 0
        self.database_fault = "none"

    def ports(self) -> list[int]:
        return self.proxy_ports

    async def measure(self, rate: float, seconds: float) -> dict:
        self.faulty.value = 1
        killer = asyncio.create_task(self.kill_workers())
        restart = asyncio.create_task(self.restart_database(seconds / 2))
        try:
            return await super().measure(rate, seconds)
        finally:
            killer.cancel()
            await restart

    async def kill_workers(self) -> None:
        rng = random.Random(23)
        while True:
            await asyncio.sleep(self.args.kill_every * rng.uniform(0.5, 1.5))
            server = rng.choice(self.servers)
            workers = server.workers()
            if workers:
                try:
                    os.kill(rng.choice(workers), signal.SIGKILL)
                    self.kills += 1
                except ProcessLookupError:
                    pass

    async def restart_database(self, after: float) -> None:
        await asyncio.sleep(after)
        port = urlsplit(self.admin_url.replace("+psycopg", "")).port or 5432
        clusters = subprocess.run(["pg_lsclusters", "--no-header"], capture_output=True, text=True)
        for line in clusters.stdout.splitlines() if clusters.returncode == 0 else []:
            version, name, cluster_port = line.split()[:3]
            if int(cluster_port) == port:
                started = time.monotonic()
                done = await asyncio.to_thread(subprocess.run, [
                    "pg_ctlcluster", "--skip-systemctl-redirect", version, name, "restart"], capture_output=True)
                if done.returncode == 0:
                    self.database_fault = (f"PostgreSQL {version}/{name} restarted "
                                           f"({time.monotonic() - started:.1f} s down)")
                    return
                print(f"could not restart PostgreSQL: {done.stderr.decode().strip()}", flush=True)
        # not root, or not a local cluster: end every connection of the bench database instead
        engine = sa.create_engine(self.admin_url, isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            ended = conn.execute(sa.text("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                                         "WHERE datname = :db AND pid <> pg_backend_pid()"),
                                 {"db": self.url.rsplit("/", 1)[1]}).scalar()
        engine.dispose()
        self.database_fault = f"could not restart PostgreSQL: ended its {ended} connections (pg_terminate_backend)"

    def report_faults(self) -> None:
        counts = dict(zip(FAULTS, self.counters[:]))
        print(f"\nfaults injected: {self.kills} web workers SIGKILLed; {self.database_fault}; at the proxies, of "
              f"{counts['requests']} requests: {counts['dropped requests']} dropped before the server, "
              f"{counts['dropped responses']} responses dropped after it, {counts['delayed']} delayed, "
              f"{counts['duplicated']} sent twice", flush=True)

    def stop(self) -> None:
        if getattr(self, "proxy", None) is not None:
            self.proxy.terminate()
        super().stop()


def main() -> int:
    p = parser(__doc__)
    p.set_defaults(rate=150, duration=90)
    for action in p._actions:
        if action.dest == "db":  # it restarts that PostgreSQL: never by default
            action.required, action.default = True, None
    p.add_argument("--drop-request", type=float, default=0.02, help="share of requests dropped before the server")
    p.add_argument("--drop-response", type=float, default=0.02, help="share of responses dropped after it")
    p.add_argument("--delay", type=float, default=0.03, help="share of requests delayed 0.2-2 s")
    p.add_argument("--duplicate", type=float, default=0.02, help="share of requests sent twice at once")
    p.add_argument("--kill-every", type=float, default=10, help="mean seconds between worker SIGKILLs")
    args = p.parse_args()
    args.sweep = False
    raise_file_limit()
    run = FaultRun(args)
    try:
        run.start(args.db)
        print(f"{os.cpu_count()} CPUs, shared by the client, the proxies, the servers and PostgreSQL", flush=True)
        passed = asyncio.run(run_load(run, args))
        run.report_faults()
        print("faults survived: " + ("yes, the end check passed" if passed else "NO, the end check failed"))
        return 0 if passed else 1
    finally:
        run.stop()


if __name__ == "__main__":
    sys.exit(main())
