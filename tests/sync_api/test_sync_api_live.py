"""Live updates (docs/sync-protocol.md §11): after a push commits, the team's other open streams hear
"team X changed" (team id and change counter, never record data); nobody else hears anything."""

from __future__ import annotations

import json
import uuid

import pytest

from server.sync_api.live import live_setup
from server.sync_api.operations import write_as_server
from tests.conftest import TEST_CONFIG
from tests.sync_api.conftest import entry


@pytest.fixture
def app_config(database_url):
    # Short keep-alives only bound how long a broken test waits; no assertion depends on them.
    return {**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": database_url, "LIVE_KEEPALIVE_SECONDS": 0.2}


class Stream:
    """One device's open event stream, read event by event through the test client."""

    def __init__(self, response) -> None:
        assert response.status_code == 200, response.get_data(as_text=True)
        assert response.mimetype == "text/event-stream"
        self.response = response
        self.chunks = iter(response.response)
        self.raw = b""
        assert self.next_event() == ("ready", {})

    def next_event(self, give_up_after: int = 100) -> tuple[str, dict] | None:
        """The next event (comments skipped); None when the stream ended."""
        for _ in range(give_up_after):
            chunk = next(self.chunks, None)
            if chunk is None:
                return None
            self.raw += chunk
            for block in chunk.decode().split("\n\n"):
                fields = dict(line.split(": ", 1) for line in block.splitlines() if not line.startswith(":")
                              and ": " in line)
                if "event" in fields:
                    return fields["event"], json.loads(fields["data"])
        pytest.fail("no event arrived")

    def close(self) -> None:
        self.response.close()


#: A team's counter after a push of one entry: the entry and the weekly total the server writes with it.
ONE_ENTRY = 2


def open_stream(api, **query) -> Stream:
    return Stream(api.get("/api/sync/events", query_string=query, buffered=False))


def test_a_poke_reaches_only_the_changed_teams_devices_and_carries_no_record_data(team_world, phone, make_user):
    w = team_world
    ann, outsider = phone(w.ann), phone(w.outsider)
    ann_stream, outsider_stream = open_stream(ann.api), open_stream(outsider.api)
    bob = phone(w.bob)
    record_id = str(uuid.uuid4())
    bob.push(bob.mutation(record_id, entry(w.team.id, note="hoist by bed 4")))
    other = phone(make_user(team=w.other_team))
    other.push(other.mutation(str(uuid.uuid4()), entry(w.other_team.id)))

    assert ann_stream.next_event() == ("poke", {"team_id": w.team.id, "version": ONE_ENTRY})
    assert record_id.encode() not in ann_stream.raw and b"hoist" not in ann_stream.raw
    # The outsider's first poke is their own team's: the change to team A never reached them.
    assert outsider_stream.next_event() == ("poke", {"team_id": w.other_team.id, "version": ONE_ENTRY})
    ann_stream.close()
    outsider_stream.close()


def test_the_device_that_pushed_hears_nothing_of_its_own_push(team_world, phone, make_user):
    w = team_world
    from server.organisations.operations import set_membership
    from server.extensions import db

    set_membership(w.other_team, w.ann.id, "member")
    db.session.commit()
    ann = phone(w.ann)
    stream = open_stream(ann.api)
    ann.push(ann.mutation(str(uuid.uuid4()), entry(w.team.id)))
    other = phone(make_user(team=w.other_team))
    other.push(other.mutation(str(uuid.uuid4()), entry(w.other_team.id)))
    assert stream.next_event() == ("poke", {"team_id": w.other_team.id, "version": ONE_ENTRY})
    stream.close()


def test_a_team_the_caller_cannot_read_is_not_found_and_the_stream_needs_a_sign_in(team_world, phone, client):
    w = team_world
    outsider = phone(w.outsider)
    response = outsider.api.get("/api/sync/events", query_string={"team_id": w.team.id}, buffered=False)
    assert response.status_code == 404 and response.json["error"]["code"] == "not_found"
    assert client.get("/api/sync/events").status_code == 401
    assert len(live_setup().hub) == 0


def test_a_stream_for_one_team_hears_only_that_team(team_world, phone, make_user):
    w = team_world
    coach = make_user("coach", coach_of=[w.team, w.other_team])
    stream = open_stream(phone(coach).api, team_id=w.other_team.id)
    bob = phone(w.bob)
    bob.push(bob.mutation(str(uuid.uuid4()), entry(w.team.id)))
    other = phone(make_user(team=w.other_team))
    other.push(other.mutation(str(uuid.uuid4()), entry(w.other_team.id)))
    assert stream.next_event() == ("poke", {"team_id": w.other_team.id, "version": ONE_ENTRY})
    stream.close()


def test_a_push_that_rolls_back_is_never_announced(team_world, phone, monkeypatch):
    w = team_world
    stream = open_stream(phone(w.ann).api)
    bob = phone(w.bob)
    broker = live_setup().broker
    announce = broker.before_commit

    def announce_then_fail(*args):
        announce(*args)  # PostgreSQL: the notification is queued in the transaction that now rolls back
        raise RuntimeError("the push fails after announcing")

    monkeypatch.setattr(broker, "before_commit", announce_then_fail)
    bob.push(bob.mutation(str(uuid.uuid4()), entry(w.team.id, minutes=99)), expect=500)
    monkeypatch.undo()
    lead = phone(w.lead)
    lead.push(lead.mutation(str(uuid.uuid4()), entry(w.team.id, minutes=7)))
    # The counter of one push again: the failed push's was rolled back with it, and only the lead's push is heard.
    assert stream.next_event() == ("poke", {"team_id": w.team.id, "version": ONE_ENTRY})
    status, page = lead.send("pull", {"cursor": ""})
    assert [(c["collection"], c["record"]["minutes"]) for c in page["changes"]] == [
        ("capacity_entries", 7), ("capacity_weekly_totals", 7)]  # the failed push's 99 minutes were never added
    stream.close()


def test_server_side_writes_are_announced(team_world, phone):
    w = team_world
    stream = open_stream(phone(w.ann).api)
    results = write_as_server(w.lead, [{"collection": "capacity_entries", "record_id": str(uuid.uuid4()),
                                        "op": "upsert", "fields": entry(w.team.id)}])
    assert results[0]["status"] == "applied"
    assert stream.next_event() == ("poke", {"team_id": w.team.id, "version": ONE_ENTRY})
    stream.close()


def test_idle_streams_get_keep_alive_comments(team_world, phone):
    stream = open_stream(phone(team_world.ann).api)
    assert next(stream.chunks) == b": keep-alive\n\n"
    stream.close()


def test_shutdown_ends_open_streams_and_refuses_new_ones(team_world, phone):
    ann = phone(team_world.ann)
    stream = open_stream(ann.api)
    live_setup().close()
    assert stream.next_event() is None
    response = ann.api.get("/api/sync/events", buffered=False)
    assert response.status_code == 503 and response.json["error"]["code"] == "live_busy"
    assert response.headers["Retry-After"]


def test_a_full_process_refuses_more_streams_and_closed_streams_free_their_place(team_world, phone):
    ann = phone(team_world.ann)
    live_setup().hub.max_listeners = 1
    first = open_stream(ann.api)
    assert ann.api.get("/api/sync/events", buffered=False).status_code == 503
    first.close()
    open_stream(ann.api).close()
    assert len(live_setup().hub) == 0
