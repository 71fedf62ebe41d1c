"""Property-based convergence: devices with skewed clocks edit offline and sync through a flaky network.

Each device runs the reference client (sync/client.py): a local replica, an outbox with consecutive
mutation ids and an HLC on a skewed wall clock. Steps are random local edits/deletes on a small shared
set of records, single push or pull requests through a transport that may drop the request, drop the
response after the server applied it, duplicate it, or delay it and deliver it later (reordered), and
server clock ticks. After a clean final sync round we check:

* every device's view equals the server's state (values and hlcs), with an empty outbox;
* every mutation was processed exactly once (one applied/rejected result, all others duplicate);
* every rejected mutation is in the server's rejected log and in its device's "needs attention" list;
* every applied value is either still current, replaced by its own device later, or in the conflict log.

Profiles: SYNC_HYPOTHESIS_EXAMPLES=1000 for a long run (default 150 examples, a few seconds).
"""
from __future__ import annotations

import os
from collections import defaultdict
from dataclasses import dataclass, field

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sync import Hlc, SyncClient, SyncError, json_equal
from sync.client import SyncStop
from sync_testkit import HOUR, TEAM_A, TEAM_B, FakeClock, actor, make_engine

COLLECTION = "capacity_entries"
RECORDS = [("r0", TEAM_A), ("r1", TEAM_A), ("r2", TEAM_B), ("r3", TEAM_B)]
TEAM_OF = dict(RECORDS)
TEAMS = [TEAM_A, TEAM_B]
# (user, device, lead?) - u1 has two devices
DEVICES = [("u0", "d0", True), ("u1", "d1", False), ("u1", "d2", False), ("u2", "d3", False)]
SKEWS = [0, 0, 2_000, -2_000, 5 * 60_000, 12 * HOUR, -12 * HOUR]
FATES = ["ok", "ok", "ok", "drop_request", "drop_response", "duplicate", "delay"]
EXAMPLES = int(os.environ.get("SYNC_HYPOTHESIS_EXAMPLES", "150"))

field_values = st.fixed_dictionaries({}, optional={
    "kind": st.sampled_from(["time_lost", "meeting", "admin"]),
    "minutes": st.sampled_from([5, 15, 30, 0]),  # 0 is invalid: a validation rejection
    "note": st.sampled_from(["hoist", "sling", "bed", None]),
}).filter(bool)
device = st.integers(0, len(DEVICES) - 1)
record = st.integers(0, len(RECORDS) - 1)
STEPS = {
    "edit": st.tuples(st.just("edit"), device, record, field_values),
    "delete": st.tuples(st.just("delete"), device, record),
    "push": st.tuples(st.just("push"), device, st.sampled_from(FATES)),
    "pull": st.tuples(st.just("pull"), device, st.sampled_from(FATES)),
    "deliver": st.tuples(st.just("deliver"), st.integers(0, 50)),
    "tick": st.tuples(st.just("tick"), st.sampled_from([1, 500, 60_000, HOUR])),
}
WEIGHTS = ["edit"] * 5 + ["delete"] + ["push"] * 3 + ["pull"] * 3 + ["deliver", "tick"]
step = st.sampled_from(WEIGHTS).flatmap(lambda kind: STEPS[kind])


class Dropped(ConnectionError):
    pass


@dataclass
class World:
    skews: list[int]
    clock: FakeClock = field(default_factory=FakeClock)
    delayed: list = field(default_factory=list)
    results: dict = field(default_factory=lambda: defaultdict(list))  # (client, id) -> statuses seen
    made: dict = field(default_factory=dict)  # (client, id) -> every mutation a device created

    def __post_init__(self) -> None:
        self.engine = make_engine(self.clock)
        self.actors, self.clients = [], []
        for (user, dev, lead), skew in zip(DEVICES, self.skews):
            self.actors.append(actor(user, dev, teams=TEAMS, lead=TEAMS if lead else ()))
            wall = (lambda s: (lambda: self.clock.ms + s))(skew)
            self.clients.append(SyncClient(dev, Hlc(dev, wall), pull_limit=2, max_batch=3))

    # --- the server side of the transport ----------------------------------------------------
    def serve(self, i: int, kind: str, payload: dict) -> tuple[int, dict]:
        who = self.actors[i]
        try:
            if kind == "push":
                status, body = self.engine.push(who, payload)
                for r in body["results"]:
                    self.results[(who.client_id, r["id"])].append(r["status"])
                return status, body
            return 200, self.engine.pull(who, payload["cursor"], payload["limit"])
        except SyncError as err:
            return err.status, err.to_dict()

    def send(self, i: int, fate: str):
        def transport(kind: str, payload: dict) -> tuple[int, dict]:
            if fate == "drop_request":
                raise Dropped()
            if fate == "delay":
                self.delayed.append((i, kind, payload))
                raise Dropped()
            response = self.serve(i, kind, payload)
            if fate == "drop_response":
                raise Dropped()
            if fate == "duplicate":
                response = self.serve(i, kind, payload)
            return response
        return transport

    # --- steps ---------------------------------------------------------------------------------
    def edit(self, i: int, r: int, values: dict) -> None:
        client = self.clients[i]
        rid, team = RECORDS[r]
        if (COLLECTION, rid) in client.view():
            if values:
                self.record(client, client.upsert(COLLECTION, rid, values))
        else:  # create (may collide with a record another device created or deleted)
            fields = {"team_id": team, "kind": "admin", "minutes": 10, "occurred_on": "2026-11-26", **values}
            self.record(client, client.upsert(COLLECTION, rid, fields))

    def record(self, client: SyncClient, mutation: dict) -> None:
        self.made[(client.client_id, mutation["id"])] = mutation

    def delete(self, i: int, r: int) -> None:
        rid = RECORDS[r][0]
        if (COLLECTION, rid) in self.clients[i].view():
            self.record(self.clients[i], self.clients[i].delete(COLLECTION, rid))

    def push(self, i: int, fate: str) -> None:
        client = self.clients[i]
        req = client.push_request()
        if req is None:
            return
        try:
            status, body = self.send(i, fate)("push", req)
            client.on_push_response(status, body)
        except (Dropped, SyncStop) as exc:
            assert not isinstance(exc, SyncStop) or exc.retry, exc.reason

    def pull(self, i: int, fate: str) -> None:
        client = self.clients[i]
        try:
            status, body = self.send(i, fate)("pull", client.pull_request())
            client.on_pull_response(status, body)
        except Dropped:
            pass

    def deliver(self, n: int) -> None:
        if self.delayed:
            i, kind, payload = self.delayed.pop(n % len(self.delayed))
            self.serve(i, kind, payload)  # the device gave up on it long ago

    def tick(self, ms: int) -> None:
        self.clock.advance(ms)

    def final_sync(self) -> None:
        for _ in range(2):
            for i, client in enumerate(self.clients):
                client.sync(self.send(i, "ok"))


def server_state(engine) -> dict:
    return {
        (r.collection, r.record_id): ({**r.fields, "id": r.record_id, "team_id": r.team_id, "user_id": r.user_id,
                                       "created_at": r.created_at, "updated_at": r.updated_at}, r.hlcs)
        for r in engine.store.records.values() if not r.deleted
    }


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(skews=st.lists(st.sampled_from(SKEWS), min_size=4, max_size=4), steps=st.lists(step, min_size=20, max_size=120))
def test_devices_converge_through_a_flaky_network(skews, steps):
    world = World(skews)
    for s in steps:
        getattr(world, s[0])(*s[1:])
    world.final_sync()
    engine, store = world.engine, world.engine.store

    # 1. every device equals the server, nothing left to send
    expected = server_state(engine)
    for client in world.clients:
        assert client.outbox == []
        assert client.view() == {k: v[0] for k, v in expected.items()}
        assert {k: b["hlcs"] for k, b in client.base.items()} == {k: v[1] for k, v in expected.items()}

    # 2. every mutation processed exactly once
    made = {(c.client_id, mid) for c in world.clients for mid in range(1, c.next_id)}
    assert set(world.results) >= made
    for key in made:
        firsts = [s for s in world.results[key] if s != "duplicate"]
        assert len(firsts) == 1, (key, world.results[key])
    for c in world.clients:
        state = store.devices.get(c.client_id)  # none for a device that never pushed
        assert (state.last_mutation_id if state else 0) == c.next_id - 1

    # 3. rejections are kept and shown to their device
    rejected = {k for k, v in world.results.items() if "rejected" in v}
    assert {(r.client_id, r.mutation_id) for r in store.rejections} == rejected
    for c in world.clients:
        shown = [n["mutation"]["id"] for n in c.needs_attention]
        assert sorted(shown) == sorted(mid for (cid, mid) in rejected if cid == c.client_id)

    # 4. every applied value is current, replaced by its own device later, or in the conflict log
    applied = {k: m for k, m in world.made.items() if "applied" in world.results[k]}
    logged = defaultdict(list)
    for cf in store.conflicts:
        logged[(cf.record_id, cf.field)].append(cf.lost_value)
    for (cid, mid), m in applied.items():
        if m["op"] == "delete":
            assert store.records[(COLLECTION, m["record_id"])].deleted
            continue
        rec = store.records[(COLLECTION, m["record_id"])]
        for name, value in m["fields"].items():
            if name == "team_id" or json_equal(rec.fields.get(name, object()), value):
                continue
            later_own = any(
                c2 == cid and mid2 > mid and m2["op"] == "upsert" and m2["record_id"] == m["record_id"]
                and name in m2["fields"] for (c2, mid2), m2 in applied.items()
            )
            assert later_own or any(json_equal(v, value) for v in logged[(m["record_id"], name)]), (cid, mid, name)
