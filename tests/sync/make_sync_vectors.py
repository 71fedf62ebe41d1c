"""Regenerate tests/vectors/sync/{hlc,merge}.json from the case inputs below.

The JSON files are the contract shared with the JavaScript client: regenerate only on purpose
(``.venv/bin/python tests/sync/make_sync_vectors.py``) and review the diff; the Python tests
(test_sync_vectors.py) check the library against the committed files, not against this script.
"""
from __future__ import annotations

import json
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from sync.hlc import Hlc, format_hlc, format_time, parse_hlc, parse_time  # noqa: E402
from sync.merge import merge_delete, merge_upsert  # noqa: E402

OUT = ROOT / "tests" / "vectors" / "sync"

HLC_DESCRIPTION = """Shared HLC test vectors (Python sync/hlc.py and the PWA's JavaScript HLC must agree).
HLC string: YYYY-MM-DDTHH:MM:SS.mmmZ-CCCC-<client_id>; UTC time to the millisecond (years 1970-9999), CCCC a
4-digit lowercase hex counter, client_id 1-64 chars of [A-Za-z0-9_.:-]. Text order == (millis, counter, client_id) order.
Keys:
- format: [{millis, counter, client_id, hlc}]: format(millis, counter, client_id) == hlc and parse(hlc) gives them back.
- invalid: [string]: parse must reject each (non-canonical, bad date, uppercase hex, bad client id, ...).
- sorted: [hlc]: already in ascending order; sorting any shuffle as plain strings must give this list, and comparing
  parsed (millis, counter, client_id) tuples must agree with comparing the strings.
- clocks: [{name, client_id, state: {millis, counter}, offset_ms, steps}]: run the steps in order on one clock.
  A step is {op: "now", wall_ms, expect} (send / local event; wall_ms is the uncorrected physical clock),
  {op: "receive", wall_ms, remote, expect} (merge a remote hlc; returns the new local hlc), or
  {op: "server_time", wall_ms, server_time, expect_offset_ms} (set offset = server_time - wall_ms).
  After each now/receive step the clock's state must equal `state_after` {millis, counter}.
  The physical time used by the clock is wall_ms + offset_ms. Counter overflow (past ffff) rolls the millisecond forward."""

MERGE_DESCRIPTION = """Shared field-level last-writer-wins merge vectors (Python sync/merge.py and the PWA's merge must agree).
A merge state is {fields: {name: value}, hlcs: {name: hlc}, owners: {name: [client_id]}, deleted: bool, deleted_hlc: hlc|null};
null state = unknown record. owners (optional on input, default [client id of the field's hlc]; always present on output)
lists the clients that wrote the field's current value, first writer first; only the server's conflict log needs it.
Each case: {name, state, op: "upsert"|"delete", fields (upsert only), hlc, expect}; expect is
{status: "applied"|"rejected", error_code: null|"record_deleted"|"not_found", state (the resulting state; the input
state unchanged when rejected, an empty state for a rejected unknown record), changed (bool: must a new version be
stored: true when values, hlcs or owners changed), changed_fields ([name] whose value or hlc changed, sorted),
conflicts: [{field, kept_value, kept_hlc, lost_value, lost_hlc, loser, lost_by}]} with conflicts sorted by field;
loser "incoming" = the mutation's value lost (lost_by = its client), "existing" = the stored value was replaced by a
different value (only logged when the field has an owner other than the incoming client; lost_by = the first such owner).
Rules: a field is set when the incoming hlc > its stored hlc (or it has none); equal hlc = same write again, no-op;
an equal value is never a conflict: its client joins the owners and the newer hlc is kept;
deletes are final (an upsert on a tombstone is rejected record_deleted and each field logged as lost with kept_value null
and kept_hlc = deleted_hlc); a delete logs a field owned by another client whose hlc is later than the delete's;
values compare as JSON (true != 1, 1 == 1.0)."""


def H(time: str, counter: int, client: str) -> str:
    return format_hlc(parse_time(time), counter, client)


def hlc_vectors() -> dict:
    fmt = []
    for millis, counter, client in [
        (0, 0, "a"),
        (parse_time("2026-11-26T10:15:30.123Z"), 0, "3f2b8c1e-7d4a-4b6e-9c2d-1a5e8f0b7c3d"),
        (parse_time("2026-11-26T10:15:30.123Z"), 0x2a, "dev_1"),
        (parse_time("2026-12-31T23:59:59.999Z"), 0xFFFF, "Z.z:9-_"),
        (parse_time("2028-02-29T00:00:00.001Z"), 1, "leap"),
        (parse_time("9999-12-31T23:59:59.999Z"), 0xABCD, "x" * 64),
    ]:
        fmt.append({"millis": millis, "counter": counter, "client_id": client, "hlc": format_hlc(millis, counter, client)})
    invalid = [
        "",
        "2026-11-26T10:15:30.123Z-0000-",
        "2026-11-26T10:15:30.123Z-000-abc",
        "2026-11-26T10:15:30.123Z-00000-abc",
        "2026-11-26T10:15:30.123Z-00AF-abc",
        "2026-11-26T10:15:30.12Z-0000-abc",
        "2026-11-26T10:15:30Z-0000-abc",
        "2026-11-26 10:15:30.123Z-0000-abc",
        "2026-11-26T10:15:30.123+00:00-0000-abc",
        "2026-02-30T10:15:30.123Z-0000-abc",
        "2026-13-01T10:15:30.123Z-0000-abc",
        "2026-11-26T24:00:00.000Z-0000-abc",
        "1969-12-31T23:59:59.999Z-0000-abc",
        "2026-11-26T10:15:30.123Z-0000-a b",
        "2026-11-26T10:15:30.123Z-0000-caf\u00e9",
        "2026-11-26T10:15:30.123Z-0000-" + "x" * 65,
        "2026-11-26T10:15:30.123Z-0000-abc\n",
        " 2026-11-26T10:15:30.123Z-0000-abc",
    ]
    s = [
        H("2026-11-26T10:15:30.122Z", 0xFFFF, "zzz"),
        H("2026-11-26T10:15:30.123Z", 0, "A"),
        H("2026-11-26T10:15:30.123Z", 0, "B"),
        H("2026-11-26T10:15:30.123Z", 0, "a"),
        H("2026-11-26T10:15:30.123Z", 0, "a-1"),
        H("2026-11-26T10:15:30.123Z", 0, "a1"),
        H("2026-11-26T10:15:30.123Z", 0, "b"),
        H("2026-11-26T10:15:30.123Z", 9, "a"),
        H("2026-11-26T10:15:30.123Z", 0xA, "a"),
        H("2026-11-26T10:15:30.123Z", 0x10, "a"),
        H("2026-11-26T10:15:30.124Z", 0, "a"),
        H("2027-01-01T00:00:00.000Z", 0, "a"),
    ]
    assert s == sorted(s)
    for a, b in zip(s, s[1:]):
        assert parse_hlc(a) < parse_hlc(b)

    T = parse_time("2026-11-26T10:00:00.000Z")
    clocks = []

    def run(name, client, state, offset, steps):
        clock_wall = {"ms": 0}
        c = Hlc(client, lambda: clock_wall["ms"], millis=state[0], counter=state[1], offset_ms=offset)
        out = []
        for st in steps:
            clock_wall["ms"] = st["wall_ms"]
            if st["op"] == "now":
                st = {**st, "expect": c.now()}
            elif st["op"] == "receive":
                st = {**st, "expect": c.receive(st["remote"])}
            else:
                st = {**st, "expect_offset_ms": c.observe_server_time(st["server_time"])}
                out.append(st)
                continue
            st["state_after"] = {"millis": c.millis, "counter": c.counter}
            out.append(st)
        clocks.append({"name": name, "client_id": client, "state": {"millis": state[0], "counter": state[1]},
                       "offset_ms": offset, "steps": out})

    run("fresh clock follows the wall clock", "dev-a", (0, 0), 0, [
        {"op": "now", "wall_ms": T}, {"op": "now", "wall_ms": T + 5}, {"op": "now", "wall_ms": T + 1000}])
    run("same millisecond increments the counter", "dev-a", (0, 0), 0, [
        {"op": "now", "wall_ms": T}, {"op": "now", "wall_ms": T}, {"op": "now", "wall_ms": T}])
    run("wall clock going backwards never goes backwards", "dev-a", (T, 3), 0, [
        {"op": "now", "wall_ms": T - 5000}, {"op": "now", "wall_ms": T - 4000}, {"op": "now", "wall_ms": T + 1}])
    run("counter overflow rolls the millisecond forward", "dev-a", (T, 0xFFFE), 0, [
        {"op": "now", "wall_ms": T}, {"op": "now", "wall_ms": T}, {"op": "now", "wall_ms": T}])
    run("receive a remote ahead of us", "dev-a", (T, 2), 0, [
        {"op": "receive", "wall_ms": T, "remote": format_hlc(T + 500, 7, "dev-b")},
        {"op": "now", "wall_ms": T + 10}])
    run("receive a remote behind us", "dev-a", (T, 2), 0, [
        {"op": "receive", "wall_ms": T - 100, "remote": format_hlc(T - 500, 7, "dev-b")}])
    run("receive a remote at our millisecond", "dev-a", (T, 2), 0, [
        {"op": "receive", "wall_ms": T - 100, "remote": format_hlc(T, 9, "dev-b")},
        {"op": "receive", "wall_ms": T - 100, "remote": format_hlc(T, 1, "dev-b")}])
    run("receive when the wall clock is ahead of both", "dev-a", (T, 2), 0, [
        {"op": "receive", "wall_ms": T + 60_000, "remote": format_hlc(T + 10, 4, "dev-b")}])
    run("receive with counter overflow", "dev-a", (T, 0xFFFF), 0, [
        {"op": "receive", "wall_ms": T, "remote": format_hlc(T, 0xFFFF, "dev-b")}])
    run("slow device corrects its clock from server_time", "slow", (0, 0), 0, [
        {"op": "now", "wall_ms": T - 12 * 3_600_000},
        {"op": "server_time", "wall_ms": T - 12 * 3_600_000 + 10, "server_time": format_time(T + 10)},
        {"op": "now", "wall_ms": T - 12 * 3_600_000 + 20}])
    run("fast device: offset lowers physical time but the clock never goes back", "fast", (0, 0), 0, [
        {"op": "now", "wall_ms": T + 12 * 3_600_000},
        {"op": "server_time", "wall_ms": T + 12 * 3_600_000, "server_time": format_time(T)},
        {"op": "now", "wall_ms": T + 12 * 3_600_000 + 1}])
    return {"description": HLC_DESCRIPTION, "format": fmt, "invalid": invalid, "sorted": s, "clocks": clocks}


def merge_vectors() -> dict:
    A, B = "dev-a", "dev-b"
    t = "2026-11-26T10:00:0{}.000Z"

    def h(sec, client, counter=0):
        return H(t.format(sec), counter, client)

    shared = {"fields": {"note": "hoist"}, "hlcs": {"note": h(3, A)}, "owners": {"note": ["dev-c", A]},
              "deleted": False, "deleted_hlc": None}
    base = {"fields": {"kind": "time_lost", "minutes": 15, "note": "hoist"},
            "hlcs": {"kind": h(1, A), "minutes": h(1, A), "note": h(3, B)}, "deleted": False, "deleted_hlc": None}
    tomb = {**base, "deleted": True, "deleted_hlc": h(4, B)}
    cases = [
        ("create a new record", None, "upsert", {"kind": "meeting", "minutes": 30}, h(1, A)),
        ("newer hlc wins; overwriting another client's different value is logged", base, "upsert", {"note": "sling"}, h(5, A)),
        ("newer hlc wins; overwriting your own value is not a conflict", base, "upsert", {"minutes": 20}, h(5, A)),
        ("older hlc loses and is logged", base, "upsert", {"note": "sling"}, h(2, A)),
        ("older hlc with the same value: no conflict", base, "upsert", {"note": "hoist"}, h(2, A)),
        ("newer hlc with the same value from another client: hlc moves, no conflict", base, "upsert", {"minutes": 15}, h(5, B)),
        ("equal hlc is the same write seen again", base, "upsert", {"note": "hoist"}, h(3, B)),
        ("older hlc with the same value from another client joins the owners", base, "upsert", {"note": "hoist"}, h(2, A)),
        ("a value owned by two clients: a change by one is logged for the other", shared, "upsert", {"note": "sling"}, h(5, A)),
        ("a value owned by two clients: a third client's change names the first owner", shared, "upsert", {"note": "sling"}, h(5, B)),
        ("counter breaks a millisecond tie", base, "upsert", {"note": "sling"}, h(3, B, 1)),
        ("client id breaks a full tie", base, "upsert", {"note": "sling"}, h(3, "dev-c")),
        ("client id orders as text: dev-A < dev-b", base, "upsert", {"note": "sling"}, h(3, "dev-A")),
        ("different fields, mixed outcome", base, "upsert", {"minutes": 45, "note": "sling", "category": "stores"}, h(2, B)),
        ("a field never written takes any hlc", base, "upsert", {"category": "stores"}, h(0, B)),
        ("set a field to null", base, "upsert", {"note": None}, h(5, A)),
        ("JSON equality: true is not 1", {**base, "fields": {**base["fields"], "minutes": 1}}, "upsert", {"minutes": True}, h(5, B)),
        ("JSON equality: 15 equals 15.0", base, "upsert", {"minutes": 15.0}, h(0, B)),
        ("empty upsert changes nothing", base, "upsert", {}, h(5, A)),
        ("upsert on a tombstone is rejected and each field logged", tomb, "upsert", {"note": "late", "minutes": 5}, h(9, A)),
        ("upsert on a tombstone with an older hlc is rejected too", tomb, "upsert", {"note": "early"}, h(0, A)),
        ("delete a record", base, "delete", None, h(5, A)),
        ("delete with an older hlc still wins; later values of other clients are logged", base, "delete", None, h(2, A)),
        ("delete with an older hlc: the deleter's own later values are not logged", base, "delete", None, h(2, B)),
        ("delete a tombstone again: nothing changes", tomb, "delete", None, h(9, A)),
        ("delete an unknown record", None, "delete", None, h(5, A)),
    ]
    out = []
    for name, state, op, fields, hlc in cases:
        if op == "upsert":
            r = merge_upsert(state, fields, hlc)
        else:
            r = merge_delete(state, hlc)
        case = {"name": name, "state": state, "op": op}
        if op == "upsert":
            case["fields"] = fields
        case["hlc"] = hlc
        case["expect"] = {
            "status": r.status, "error_code": r.error_code, "state": r.state, "changed": r.changed,
            "changed_fields": sorted(r.changed_fields), "conflicts": [c.to_dict() for c in sorted(r.conflicts, key=lambda c: c.field)],
        }
        out.append(case)
    return {"description": MERGE_DESCRIPTION, "cases": out}


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for name, data in (("hlc.json", hlc_vectors()), ("merge.json", merge_vectors())):
        (OUT / name).write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
        print("wrote", OUT / name)


if __name__ == "__main__":
    random.seed(0)
    main()
