"""POST /api/sync/push through the real app on both databases: once-only, all-or-nothing, refusals."""

from __future__ import annotations

import json
import math
import time
from datetime import timedelta

import pytest
import sqlalchemy as sa

from server.accounts.models import Device
from server.capacity.models import CapacityEntry
from server.extensions import db
from server.sync_api.driver import Bulk
from server.sync_api.models import SyncDevice, SyncRecord, SyncRejection
from sync import format_hlc
from sync.hlc import system_ms


def count(model) -> int:
    """Rows of a table; of ``sync_records``, the capacity entries' (their weekly totals are records too)."""
    db.session.expire_all()
    query = sa.select(sa.func.count()).select_from(model)
    if model is SyncRecord:
        query = query.where(SyncRecord.collection == "capacity_entries")
    n = db.session.scalar(query)
    db.session.commit()
    return n


def last_mutation_id(device_id: str) -> int:
    db.session.expire_all()
    value = db.session.scalar(sa.select(SyncDevice.last_mutation_id).where(SyncDevice.client_id == device_id))
    db.session.commit()
    return value or 0


def test_push_applies_and_answers_in_the_pinned_shape(team_world, phone, helpers):
    ann = phone(team_world.ann)
    rid = helpers.new_id()
    body = ann.push(ann.mutation(rid, helpers.entry(team_world.team.id)))
    assert set(body) == {"last_mutation_id", "server_time", "results"}
    assert body["last_mutation_id"] == 1 and body["results"] == [{"id": 1, "status": "applied"}]
    stored = helpers.server_records(team_world.team.id)[rid]
    assert stored["minutes"] == 15 and stored["user_id"] == team_world.ann.id
    assert db.session.get(CapacityEntry, rid).minutes == 15


def test_the_same_push_twice_is_applied_once(team_world, phone, helpers):
    ann = phone(team_world.ann)
    mutations = [ann.mutation(helpers.new_id(), helpers.entry(team_world.team.id)) for _ in range(3)]
    first = ann.push(*mutations)
    again = ann.push(*mutations)
    assert [r["status"] for r in first["results"]] == ["applied"] * 3
    assert [r["status"] for r in again["results"]] == ["duplicate"] * 3
    assert again["last_mutation_id"] == 3
    assert count(SyncRecord) == 3 and count(CapacityEntry) == 3


@pytest.mark.postgres_only
def test_a_connection_lost_while_a_push_copies_its_records_is_503_and_the_retry_applies_once(
        team_world, phone, helpers, monkeypatch):
    # What a database restart does to a push in flight (bench/faults.py found it answered 500): its new
    # records go to PostgreSQL by COPY, whose driver errors must reach the store as any statement's do
    ann = phone(team_world.ann)
    copy = Bulk.execute
    # Autocommit: inside one transaction pg_stat_activity is a snapshot, so the wait below would never end
    other = sa.create_engine(db.engine.url, poolclass=sa.pool.NullPool, isolation_level="AUTOCOMMIT")
    ended = []

    def lose_the_connection_then_copy(self, conn, rows):
        if self.mode == "insert" and self.table.name == "sync_records" and not ended:
            pid = conn.connection.dbapi_connection.info.backend_pid
            with other.connect() as c:
                ended.append(c.scalar(sa.text("SELECT pg_terminate_backend(:pid)"), {"pid": pid}))
                deadline = time.monotonic() + 30
                while c.scalar(sa.text("SELECT count(*) FROM pg_stat_activity WHERE pid = :pid"), {"pid": pid}):
                    # until the backend is gone, so the COPY surely meets a lost connection
                    assert time.monotonic() < deadline, "the terminated backend never went away"
        return copy(self, conn, rows)

    monkeypatch.setattr(Bulk, "execute", lose_the_connection_then_copy)
    mutation = ann.mutation(helpers.new_id(), helpers.entry(team_world.team.id))
    refused = ann.push(mutation, expect=503)
    other.dispose()
    assert ended == [True] and refused["error"]["code"] == "sync_unavailable"
    assert count(SyncRecord) == 0 and count(CapacityEntry) == 0
    assert ann.push(mutation)["results"] == [{"id": mutation["id"], "status": "applied"}]
    assert count(SyncRecord) == 1 and count(CapacityEntry) == 1


def test_the_same_push_on_two_connections_at_once_is_applied_once(team_world, phone, helpers, pausing_store):
    store = pausing_store()
    ann = phone(team_world.ann)
    body = ann.body(*[ann.mutation(helpers.new_id(), helpers.entry(team_world.team.id)) for _ in range(20)])
    first = helpers.Background(lambda: ann.api.post("/api/sync/push", json=body))
    assert store.paused.wait(10)  # the first copy is inside its transaction, records written
    second = helpers.Background(lambda: ann.api.post("/api/sync/push", json=body))
    time.sleep(0.3)
    assert second.is_alive(), "the second copy must wait for the first one's lock"
    store.release.set()
    responses = [first.value(), second.value()]
    statuses = sorted({r["status"] for r in resp.json["results"]} for resp in responses)
    assert all(resp.status_code == 200 for resp in responses)
    assert statuses == [{"applied"}, {"duplicate"}]
    assert count(SyncRecord) == 20 and count(CapacityEntry) == 20
    assert last_mutation_id(ann.id) == 20


def test_a_lost_response_is_confirmed_by_the_retry_and_the_next_pull(team_world, phone, helpers):
    ann = phone(team_world.ann)
    rid = helpers.new_id()
    ann.upsert(rid, helpers.entry(team_world.team.id))
    ann.upsert(rid, {"minutes": 20})
    request = ann.client.push_request()
    ann.send("push", request)  # committed, but the response never reaches the phone
    assert ann.client.acked_id == 0 and len(ann.client.outbox) == 2
    status, retry = ann.send("push", request)
    assert status == 200 and [r["status"] for r in retry["results"]] == ["duplicate", "duplicate"]
    page = ann.pull()
    assert page["last_mutation_id"] == 2
    assert helpers.server_records()[rid]["minutes"] == 20 and count(SyncRecord) == 1
    # the reference client, given only the pull, knows both entries were processed
    ann.client.on_pull_response(200, page)
    assert ann.client.acked_id == 2 and ann.client.pulled_id == 2


def test_a_gap_is_409_with_expected_id_and_applies_nothing(team_world, phone, helpers):
    ann = phone(team_world.ann)
    ann.push(ann.mutation(helpers.new_id(), helpers.entry(team_world.team.id)))
    body = ann.push(ann.mutation(helpers.new_id(), helpers.entry(team_world.team.id), mid=5), expect=409)
    assert body == {"error": {"code": "mutation_gap", "message": body["error"]["message"], "expected_id": 2}}
    not_consecutive = [ann.mutation(helpers.new_id(), helpers.entry(team_world.team.id), mid=i) for i in (2, 4)]
    assert ann.push(*not_consecutive, expect=409)["error"]["expected_id"] == 2
    assert count(SyncRecord) == 1 and last_mutation_id(ann.id) == 1


def test_an_unsupported_schema_version_is_426_and_applies_nothing(team_world, phone, helpers):
    ann = phone(team_world.ann)
    body = ann.body(ann.mutation(helpers.new_id(), helpers.entry(team_world.team.id)), schema_version=2)
    response = ann.api.post("/api/sync/push", json=body)
    assert response.status_code == 426
    assert response.json["error"]["code"] == "schema_version_unsupported"
    # even when the rest of the body is in a shape this server does not know
    odd = {"client_id": ann.id, "schema_version": 99, "mutations": {"a": "map"}}
    assert ann.api.post("/api/sync/push", json=odd).status_code == 426
    assert count(SyncRecord) == 0 and last_mutation_id(ann.id) == 0


def test_too_many_mutations_or_bytes_is_413(team_world, phone, helpers):
    ann = phone(team_world.ann)
    many = [ann.mutation(helpers.new_id(), helpers.entry(team_world.team.id), mid=i) for i in range(1, 502)]
    body = ann.push(*many, expect=413)
    assert body["error"]["code"] == "too_many_mutations"
    big = ann.body(ann.mutation(helpers.new_id(), helpers.entry(team_world.team.id, note="x" * (1024 * 1024)), mid=1))
    response = ann.api.post("/api/sync/push", json=big)
    assert response.status_code == 413 and response.json["error"]["code"] == "payload_too_large"
    assert count(SyncRecord) == 0


def test_a_forged_client_id_is_403(team_world, phone, helpers):
    ann, bob = phone(team_world.ann), phone(team_world.bob)
    body = ann.body(ann.mutation(helpers.new_id(), helpers.entry(team_world.team.id)))
    response = bob.api.post("/api/sync/push", json=body)
    assert response.status_code == 403 and response.json["error"]["code"] == "client_id_mismatch"
    assert count(SyncRecord) == 0


# Each malformed body, and the field its 422 names (in words a client writer can act on).
MALFORMED_BODIES = [
    ([], {"_body": ["Invalid input type."]}),
    ("a string", {"_body": ["Invalid input type."]}),
    ({}, {name: ["Missing data for required field."] for name in ("client_id", "schema_version", "mutations")}),
    ({"client_id": None, "schema_version": 1, "mutations": []}, {"client_id": ["Field may not be null."]}),
    ({"schema_version": 1, "mutations": []}, {"client_id": ["Missing data for required field."]}),
    ({"client_id": "{device}", "schema_version": "1", "mutations": []}, {"schema_version": ["Not a valid integer."]}),
    ({"client_id": "{device}", "schema_version": True, "mutations": []}, {"schema_version": ["Not a valid integer."]}),
    ({"client_id": "{device}", "schema_version": 1.0, "mutations": []}, {"schema_version": ["Not a valid integer."]}),
    ({"client_id": "{device}", "schema_version": 1}, {"mutations": ["Missing data for required field."]}),
    ({"client_id": "{device}", "schema_version": 1, "mutations": "all of them"}, {"mutations": ["Not a valid list."]}),
    ({"client_id": "{device}", "schema_version": 1, "mutations": [7]}, {"mutations.0": ["Not a valid object."]}),
    *(({"client_id": "{device}", "schema_version": 1, "mutations": [{"id": bad}]},
       {"mutations.0.id": ["Required positive integer."]}) for bad in ("1", 0, 1.5, True)),
    ({"client_id": "{device}", "schema_version": 1, "mutations": [], "extra": 1}, {"extra": ["Unknown field."]}),
]


@pytest.mark.parametrize("body, fields", MALFORMED_BODIES, ids=[json.dumps(b)[:60] for b, _ in MALFORMED_BODIES])
def test_a_malformed_push_is_a_422_naming_the_field_and_applies_nothing(team_world, phone, body, fields):
    ann = phone(team_world.ann)
    payload = json.loads(json.dumps(body).replace("{device}", ann.id))
    response = ann.api.post("/api/sync/push", json=payload)
    assert response.status_code == 422, response.get_data(as_text=True)
    assert response.json["error"]["code"] == "validation_error" and response.json["error"]["fields"] == fields
    assert count(SyncRecord) == 0 and last_mutation_id(ann.id) == 0


@pytest.mark.parametrize("raw, status, code", [
    ('{"client_id": ', 400, "malformed_json"),
    ("not json", 400, "malformed_json"),
    ('{"client_id": "x", "schema_version": NaN}', 422, "validation_error"),  # NaN is no integer
    ("", 422, "validation_error"),  # no body: every field is missing
])
def test_a_body_that_is_not_a_json_push_is_refused_with_its_reason(team_world, phone, raw, status, code):
    ann = phone(team_world.ann)
    response = ann.api.post("/api/sync/push", data=raw, content_type="application/json")
    assert (response.status_code, response.json["error"]["code"]) == (status, code)
    assert set(response.json) == {"error"}


def bad_mutations(device: str, team: str, new_id):
    ok_hlc = format_hlc(system_ms(), 0, device)
    good = {"team_id": team, "kind": "meeting", "minutes": 30, "occurred_on": "2026-11-20"}
    return [
        ({"collection": "nope", "record_id": new_id(), "op": "upsert", "hlc": ok_hlc, "fields": good}, "unknown_collection"),
        ({"collection": 7, "record_id": new_id(), "op": "upsert", "hlc": ok_hlc, "fields": good}, "unknown_collection"),
        ({"collection": "capacity_entries", "record_id": "", "op": "upsert", "hlc": ok_hlc, "fields": good}, "validation_error"),
        ({"collection": "capacity_entries", "record_id": "x" * 37, "op": "upsert", "hlc": ok_hlc, "fields": good}, "validation_error"),
        ({"collection": "capacity_entries", "record_id": "nul\x00id", "op": "upsert", "hlc": ok_hlc, "fields": good}, "validation_error"),
        ({"collection": "capacity_entries", "record_id": "sur\ud800", "op": "upsert", "hlc": ok_hlc, "fields": good}, "validation_error"),
        ({"collection": "capacity_entries", "record_id": ["a"], "op": "upsert", "hlc": ok_hlc, "fields": good}, "validation_error"),
        ({"collection": "capacity_entries", "record_id": new_id(), "op": "merge", "hlc": ok_hlc, "fields": good}, "validation_error"),
        ({"collection": "capacity_entries", "record_id": new_id(), "op": "upsert", "hlc": "yesterday", "fields": good}, "validation_error"),
        ({"collection": "capacity_entries", "record_id": new_id(), "op": "upsert", "hlc": format_hlc(system_ms(), 0, "someone-else"), "fields": good}, "validation_error"),
        ({"collection": "capacity_entries", "record_id": new_id(), "op": "upsert", "hlc": ok_hlc}, "validation_error"),
        ({"collection": "capacity_entries", "record_id": new_id(), "op": "upsert", "hlc": ok_hlc, "fields": [1]}, "validation_error"),
        ({"collection": "capacity_entries", "record_id": new_id(), "op": "delete", "hlc": ok_hlc, "fields": good}, "validation_error"),
        ({"collection": "capacity_entries", "record_id": new_id(), "op": "delete", "hlc": ok_hlc}, "not_found"),
        ({"collection": "capacity_entries", "record_id": new_id(), "op": "upsert", "hlc": ok_hlc, "fields": {**good, "team_id": None}}, "validation_error"),
        ({"collection": "capacity_entries", "record_id": new_id(), "op": "upsert", "hlc": ok_hlc, "fields": {**good, "user_id": "me"}}, "validation_error"),
        ({"collection": "capacity_entries", "record_id": new_id(), "op": "upsert", "hlc": ok_hlc, "fields": {**good, "minutes": 15.0}}, "validation_error"),
        ({"collection": "capacity_entries", "record_id": new_id(), "op": "upsert", "hlc": ok_hlc, "fields": {**good, "minutes": "15"}}, "validation_error"),
        ({"collection": "capacity_entries", "record_id": new_id(), "op": "upsert", "hlc": ok_hlc, "fields": {**good, "minutes": True}}, "validation_error"),
        ({"collection": "capacity_entries", "record_id": new_id(), "op": "upsert", "hlc": ok_hlc, "fields": {**good, "minutes": 0}}, "validation_error"),
        ({"collection": "capacity_entries", "record_id": new_id(), "op": "upsert", "hlc": ok_hlc, "fields": {**good, "minutes": 1441}}, "validation_error"),
        ({"collection": "capacity_entries", "record_id": new_id(), "op": "upsert", "hlc": ok_hlc, "fields": {**good, "minutes": math.inf}}, "validation_error"),
        ({"collection": "capacity_entries", "record_id": new_id(), "op": "upsert", "hlc": ok_hlc, "fields": {**good, "kind": "nap"}}, "validation_error"),
        ({"collection": "capacity_entries", "record_id": new_id(), "op": "upsert", "hlc": ok_hlc, "fields": {**good, "occurred_on": "2999-01-01"}}, "validation_error"),
        ({"collection": "capacity_entries", "record_id": new_id(), "op": "upsert", "hlc": ok_hlc, "fields": {**good, "occurred_on": "2026-02-30"}}, "validation_error"),
        ({"collection": "capacity_entries", "record_id": new_id(), "op": "upsert", "hlc": ok_hlc, "fields": {**good, "occurred_on": 20261120}}, "validation_error"),
        ({"collection": "capacity_entries", "record_id": new_id(), "op": "upsert", "hlc": ok_hlc, "fields": {**good, "category": "c" * 81}}, "validation_error"),
        ({"collection": "capacity_entries", "record_id": new_id(), "op": "upsert", "hlc": ok_hlc, "fields": {**good, "note": "n" * 501}}, "validation_error"),
        ({"collection": "capacity_entries", "record_id": new_id(), "op": "upsert", "hlc": ok_hlc, "fields": {**good, "note": "bell\x07\x00"}}, "validation_error"),
        ({"collection": "capacity_entries", "record_id": new_id(), "op": "upsert", "hlc": ok_hlc, "fields": {**good, "note": "\ud800"}}, "validation_error"),
        ({"collection": "capacity_entries", "record_id": new_id(), "op": "upsert", "hlc": ok_hlc, "fields": {**good, "colour\x00\ud800": 1}}, "validation_error"),
        ({"collection": "capacity_entries", "record_id": new_id(), "op": "upsert", "hlc": ok_hlc, "fields": {"kind": "admin"}}, "validation_error"),
    ]


def test_mutations_the_server_can_never_accept_are_rejected_alone_and_kept(app, team_world, phone, helpers):
    ann = phone(team_world.ann)
    cases = bad_mutations(ann.id, team_world.team.id, helpers.new_id)
    good = ann.mutation(helpers.new_id(), helpers.entry(team_world.team.id), mid=len(cases) + 1)
    mutations = [{"id": i, **m} for i, (m, _) in enumerate(cases, start=1)] + [good]
    # send as text: json.dumps writes NaN/Infinity and lone surrogates as the protocol's JSON may carry them
    response = ann.api.post("/api/sync/push", data=json.dumps(ann.body(*mutations)), content_type="application/json")
    assert response.status_code == 200, response.get_data(as_text=True)
    results = response.json["results"]
    assert [r["status"] for r in results] == ["rejected"] * len(cases) + ["applied"]
    assert [r["error"]["code"] for r in results[:-1]] == [code for _, code in cases]
    assert response.json["last_mutation_id"] == len(mutations)
    # kept server-side, as received, with the error the device was given
    db.session.expire_all()
    kept = {r.mutation_id: r for r in db.session.scalars(sa.select(SyncRejection))}
    assert set(kept) == set(range(1, len(cases) + 1))
    assert kept[1].mutation["collection"] == "nope" and kept[1].error["code"] == "unknown_collection"
    assert kept[17].error["fields"] == {"minutes": ["Not a valid integer."]}
    # a duplicate of a rejected mutation tells the device again
    again = ann.api.post("/api/sync/push", data=json.dumps(ann.body(*mutations[:2])), content_type="application/json")
    assert [r["status"] for r in again.json["results"]] == ["duplicate", "duplicate"]
    assert again.json["results"][0]["error"]["code"] == "unknown_collection"
    assert count(SyncRecord) == 1


def test_writes_to_a_team_the_user_is_not_in_are_rejected(team_world, phone, helpers):
    ann, coach, outsider = phone(team_world.ann), phone(team_world.coach), phone(team_world.outsider)
    rid = helpers.new_id()
    ann.push(ann.mutation(rid, helpers.entry(team_world.team.id)))
    for device in (coach, outsider):
        body = device.push(device.mutation(helpers.new_id(), helpers.entry(team_world.team.id)),
                           device.mutation(rid, {"minutes": 99}), device.mutation(rid, op="delete"))
        # the outsider cannot see the team: its record is answered as one that does not exist
        assert [r["error"]["code"] for r in body["results"]] == (
            ["forbidden", "forbidden", "forbidden"] if device is coach else ["forbidden", "validation_error", "not_found"])
    assert helpers.server_records()[rid]["minutes"] == 15 and count(SyncRecord) == 1


def test_only_the_author_or_a_lead_edits_or_deletes_an_entry(team_world, phone, helpers, make_user):
    ann, bob, lead = phone(team_world.ann), phone(team_world.bob), phone(team_world.lead)
    admin = phone(make_user("admin"))
    rid, other = helpers.new_id(), helpers.new_id()
    ann.push(ann.mutation(rid, helpers.entry(team_world.team.id)), ann.mutation(other, helpers.entry(team_world.team.id)))
    refused = bob.push(bob.mutation(rid, {"minutes": 1}), bob.mutation(rid, op="delete"))
    assert [r["error"]["code"] for r in refused["results"]] == ["forbidden", "forbidden"]
    assert [r["status"] for r in ann.push(ann.mutation(rid, {"minutes": 2}))["results"]] == ["applied"]
    assert [r["status"] for r in lead.push(lead.mutation(rid, {"minutes": 3}))["results"]] == ["applied"]
    assert [r["status"] for r in admin.push(admin.mutation(rid, {"note": "checked"}))["results"]] == ["applied"]
    assert [r["status"] for r in lead.push(lead.mutation(other, op="delete"))["results"]] == ["applied"]
    records = helpers.server_records()
    assert records[rid]["minutes"] == 3 and records[rid]["note"] == "checked" and other not in records
    assert db.session.get(CapacityEntry, other) is None


def test_time_lost_categories_are_written_by_leads_and_read_by_members(team_world, phone, helpers):
    ann, lead = phone(team_world.ann), phone(team_world.lead)
    category = {"team_id": team_world.team.id, "name": "Waiting", "position": 1, "archived": False,
                "former_names": ["Queueing"]}
    refused = ann.push(ann.mutation(helpers.new_id(), category, collection="time_lost_categories"))
    assert refused["results"][0]["error"]["code"] == "forbidden"
    cid = helpers.new_id()
    assert lead.push(lead.mutation(cid, category, collection="time_lost_categories"))["results"][0]["status"] == "applied"
    bad = lead.push(lead.mutation(cid, {"archived": 1, "position": -1, "former_names": [""]},
                                  collection="time_lost_categories"))
    assert set(bad["results"][0]["error"]["fields"]) == {"archived", "position", "former_names.0"}
    records = {c["record_id"]: c["record"] for c in ann.pull()["changes"]}
    assert records[cid]["name"] == "Waiting" and records[cid]["former_names"] == ["Queueing"]


def test_write_as_server_follows_the_rules_of_a_device(app, team_world, phone, helpers):
    from server.capacity.models import CapacityEntry
    from server.sync_api.operations import server_client_id, write_as_server

    team = team_world.team.id
    ids = [helpers.new_id() for _ in range(3)]
    mutations = [{"collection": "capacity_entries", "record_id": rid, "op": "upsert", "fields": helpers.entry(team)}
                 for rid in ids]
    mutations.append({"collection": "capacity_entries", "record_id": ids[0], "op": "upsert", "fields": {"minutes": 0}})
    mutations.append({"collection": "capacity_entries", "record_id": ids[1], "op": "delete"})
    results = write_as_server(team_world.ann, mutations, batch_size=2)
    assert [r["status"] for r in results] == ["applied", "applied", "applied", "rejected", "applied"]
    assert [r["id"] for r in results] == [1, 2, 3, 4, 5]
    again = write_as_server(team_world.ann, mutations[:1])
    assert again[0]["id"] == 6 and again[0]["status"] == "applied"
    device = db.session.get(Device, server_client_id(team_world.ann))
    assert device.revoked_at is not None and device.user_id == team_world.ann.id
    outsider = write_as_server(team_world.outsider, mutations[:1])
    assert outsider[0]["error"]["code"] == "forbidden"
    seen = {c["record_id"] for c in phone(team_world.lead).pull()["changes"] if c["collection"] == "capacity_entries"}
    assert seen == {ids[0], ids[2]}  # a lead's device keeps ann's entries
    assert {e.id for e in db.session.scalars(sa.select(CapacityEntry))} == {ids[0], ids[2]}


class Transactions:
    """The app's database transactions and Core statements, in order, while it is ``with``-ed."""

    def __init__(self) -> None:
        self.events: list = []

    def _begin(self, conn):
        self.events.append(("begin", conn.get_execution_options().get("sqlite_immediate", False)))

    def _commit(self, conn):
        self.events.append(("commit",))

    def _statement(self, conn, cursor, statement, *args):
        if not statement.startswith("BEGIN"):  # SQLite's BEGIN is the "begin" event's own statement
            self.events.append(("sql", " ".join(statement.split())))

    def __enter__(self):
        for name, fn in (("begin", self._begin), ("commit", self._commit), ("before_cursor_execute", self._statement)):
            sa.event.listen(db.engine, name, fn)
        return self

    def __exit__(self, *exc):
        for name, fn in (("begin", self._begin), ("commit", self._commit), ("before_cursor_execute", self._statement)):
            sa.event.remove(db.engine, name, fn)

    def transactions(self) -> list:
        return [e for e in self.events if e[0] != "sql"]

    def first_statement_touching(self, table: str) -> int:
        return next(n for n, e in enumerate(self.events) if e[0] == "sql" and f"FROM {table}" in e[1])


@pytest.mark.parametrize("stale_device", [False, True])
def test_a_push_reads_the_caller_first_then_writes_in_one_transaction(team_world, phone, helpers, stale_device):
    """The token and the caller's access are read before the write transaction, so on SQLite the
    write lock is held for the push alone (what 32 devices pushing at once wait on)."""
    ann = phone(team_world.ann)
    ann.push(ann.mutation(helpers.new_id(), helpers.entry(team_world.team.id)))
    if stale_device:  # last seen two hours ago: authentication also records that it is seen now
        db.session.execute(sa.update(Device).where(Device.id == ann.id).values(
            last_seen_at=db.session.get(Device, ann.id).last_seen_at - timedelta(hours=2)))
        db.session.commit()
    sqlite = db.engine.dialect.name == "sqlite"
    with Transactions() as seen:
        ann.push(ann.mutation(helpers.new_id(), helpers.entry(team_world.team.id)))
    read, write = [("begin", False), ("commit",)], [("begin", sqlite), ("commit",)]
    # SQLite: the reads end before the push takes the write lock; PostgreSQL: the push continues the reads.
    push = read + write if sqlite else read
    # Seen two hours ago: the device is marked seen first (SQLite: in a short write of its own;
    # PostgreSQL: committed with the reads).
    touch = ([*read, *write] if sqlite else read) if stale_device else []
    assert seen.transactions() == [*touch, *push]
    reads = seen.first_statement_touching("devices JOIN users")
    lock = next((n for n, e in enumerate(seen.events) if e == ("begin", True)), len(seen.events))
    assert reads < lock  # the token is read before any write lock is taken
    touched = [e for e in seen.events if e[0] == "sql" and e[1].startswith("UPDATE devices SET last_seen_at")]
    assert len(touched) == (1 if stale_device else 0)


def test_a_pull_reads_in_one_transaction_that_never_takes_the_write_lock(team_world, phone, helpers):
    ann = phone(team_world.ann)
    ann.push(ann.mutation(helpers.new_id(), helpers.entry(team_world.team.id)))
    with Transactions() as seen:
        changes = ann.pull()["changes"]
    assert [c["collection"] for c in changes] == ["capacity_entries", "capacity_weekly_totals"]
    assert seen.transactions() == [("begin", False), ("commit",)]
