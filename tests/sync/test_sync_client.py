"""The reference client: confirmation from last_mutation_id, rebase, and error handling."""
from __future__ import annotations

import pytest

from sync import Hlc, SyncClient, SyncError
from sync.client import SyncStop
from sync_testkit import TEAM_A, FakeClock, actor, entry, make_engine

ANN = actor("u-ann", "dev-ann")


def make(engine, who=ANN, clock=None):
    clock = clock or FakeClock()
    client = SyncClient(who.client_id, Hlc(who.client_id, clock))
    log = []

    def send(kind, payload):
        log.append(kind)
        try:
            if kind == "push":
                return engine.push(who, payload)
            return 200, engine.pull(who, payload["cursor"], payload["limit"])
        except SyncError as err:
            return err.status, err.to_dict()

    return client, send, log


def test_local_write_is_visible_at_once_and_confirmed_after_sync():
    engine = make_engine()
    client, send, _ = make(engine)
    client.upsert("capacity_entries", "r1", entry())
    assert client.view()[("capacity_entries", "r1")]["minutes"] == 15
    client.sync(send)
    assert client.outbox == [] and client.acked_id == 1 and client.pulled_id == 1
    assert client.view()[("capacity_entries", "r1")]["user_id"] == "u-ann"


def test_lost_push_response_is_confirmed_by_pull_and_never_applied_twice():
    engine = make_engine()
    client, send, _ = make(engine)
    client.upsert("capacity_entries", "r1", entry())
    engine.push(ANN, client.push_request())  # the server applied it; the response was lost
    assert client.on_pull_response(200, engine.pull(ANN, client.cursor)) is False
    assert client.acked_id == 1
    assert len(client.outbox) == 1  # result unknown: sent once more to learn it
    client.sync(send)
    assert client.outbox == [] and engine.store.teams[TEAM_A].version == 1


def test_rejection_learned_from_a_duplicate_goes_to_needs_attention():
    engine = make_engine()
    client, send, _ = make(engine)
    client.upsert("capacity_entries", "r1", entry(minutes=0))
    engine.push(ANN, client.push_request())  # rejected; response lost
    client.sync(send)
    assert [n["error"]["code"] for n in client.needs_attention] == ["validation_error"]
    assert client.outbox == [] and client.view() == {}


def test_pending_edits_are_rebased_over_pulled_state():
    engine = make_engine()
    lead = actor("u-lea", "dev-lea", lead=[TEAM_A])
    ann, ann_send, _ = make(engine)
    lea, lea_send, _ = make(engine, lead)
    ann.upsert("capacity_entries", "r1", entry())
    ann.sync(ann_send)
    lea.sync(lea_send)
    lea.upsert("capacity_entries", "r1", {"note": "lea offline"})  # pending
    ann.upsert("capacity_entries", "r1", {"minutes": 50})
    ann.sync(ann_send)
    lea.on_pull_response(200, engine.pull(lead, lea.cursor))  # pull without pushing
    view = lea.view()[("capacity_entries", "r1")]
    assert view["minutes"] == 50 and view["note"] == "lea offline"


def test_409_gap_rewinds_and_resends_from_expected_id():
    engine = make_engine()
    client, send, _ = make(engine)
    client.upsert("capacity_entries", "r1", entry())
    client.on_push_response(*engine.push(ANN, client.push_request()))  # applied, not pulled yet
    client.upsert("capacity_entries", "r2", entry())
    engine.store.devices["dev-ann"].last_mutation_id = 0  # the server was restored from a backup
    status, body = send("push", client.push_request())
    assert (status, body["error"]["expected_id"]) == (409, 1)
    with pytest.raises(SyncStop) as stop:
        client.on_push_response(status, body)
    assert stop.value.reason == "resend" and stop.value.retry
    assert [m["id"] for m in client.push_request()["mutations"]] == [1, 2]
    client.sync(send)
    assert client.outbox == [] and len(engine.store.records) == 2


def test_409_for_mutations_the_device_no_longer_has_is_fatal():
    engine = make_engine()
    client, send, _ = make(engine)
    client.upsert("capacity_entries", "r1", entry())
    client.sync(send)
    client.upsert("capacity_entries", "r2", entry())
    with pytest.raises(SyncStop) as stop:
        client.on_push_response(409, {"error": {"code": "mutation_gap", "message": "m", "expected_id": 1}})
    assert stop.value.reason == "server_lost_mutations" and not stop.value.retry


def test_error_classes():
    client = SyncClient("dev-x", Hlc("dev-x", FakeClock()))
    client.upsert("capacity_entries", "r1", entry())
    expectations = {401: ("signed_out", False), 403: ("forbidden", False), 426: ("update_required", False),
                    429: ("backoff", True), 503: ("backoff", True), 500: ("backoff", True), 413: ("split", True)}
    for status, (reason, retry) in expectations.items():
        with pytest.raises(SyncStop) as stop:
            client.on_push_response(status, {"error": {"code": "x", "message": "m"}})
        assert (stop.value.reason, stop.value.retry) == (reason, retry)
    assert client.max_batch == 250 and len(client.outbox) == 1  # queue kept


def test_413_splits_the_batch_and_carries_on():
    engine = make_engine(max_mutations=4)
    client, send, log = make(engine)
    client.max_batch = 10
    for i in range(10):
        client.upsert("capacity_entries", f"r{i}", entry())
    client.sync(send)
    assert client.outbox == [] and client.max_batch == 2 and len(engine.store.records) == 10
    assert log.count("push") == 2 + 5


def test_drop_teams_keeps_pending_changes():
    engine = make_engine()
    two = actor("u-ann", "dev-ann", teams=[TEAM_A, "team-b"])
    client, send, _ = make(engine, two)
    client.upsert("capacity_entries", "r1", entry(team="team-b"))
    client.sync(send)
    client.upsert("capacity_entries", "r2", entry(team="team-b"))  # pending
    one = actor("u-ann", "dev-ann", teams=[TEAM_A])
    client.on_pull_response(200, engine.pull(one, client.cursor))
    assert set(client.view()) == {("capacity_entries", "r2")} and len(client.outbox) == 1
