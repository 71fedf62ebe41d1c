"""A change that took its number first but commits last is still pulled (the classic cursor bug).

Writer A takes the team's next change number and stalls inside its transaction; writer B changes the
same team; a reader pulls in between; then both commit. With the real store B cannot take a number
until A commits (the team counter's row lock, or SQLite's write lock), so the reader's cursor never
passes A's change. With a deliberately naive store (numbers from a global sequence, taken without
the team lock) B commits a higher number first, the reader's cursor moves past A's number, and A's
change is never pulled: the same check fails.
"""

from __future__ import annotations

import time
import uuid

import pytest
import sqlalchemy as sa

from server.sync_api.store import SqlTx


def entry_ids(changes) -> set:
    """The capacity entries of a pull page (the weekly totals written with them are records too)."""
    return {c["record_id"] for c in changes if c["collection"] == "capacity_entries"}


def run_scenario(team_world, phone, helpers, pausing_store, store_class) -> tuple[set, set, bool]:
    """Returns (ids the reader pulled, ids that exist, whether B had to wait for A)."""
    team = team_world.team.id
    ann, lead = phone(team_world.ann, "A"), phone(team_world.lead, "B")
    reader = phone(team_world.lead, "reader")  # a lead's device keeps ann's entries too
    store = pausing_store(store_class, pauses=0)
    first = helpers.new_id()
    ann.push(ann.mutation(first, helpers.entry(team)))  # the team's counter row exists from here on
    replica = entry_ids(reader.pull()["changes"])
    cursor = reader.pull()["cursor"]

    store.pauses = 1
    x, y = helpers.new_id(), helpers.new_id()
    a = helpers.Background(lambda: ann.push(ann.mutation(x, helpers.entry(team, note="A, numbered first"))))
    assert store.paused.wait(10), "A never reached its pause"
    b = helpers.Background(lambda: lead.push(lead.mutation(y, helpers.entry(team, kind="meeting", note="B, committed first"))))
    b.join(1.0)  # (a different weekly bucket from A, so only the team lock could hold B back)
    b_waited = b.is_alive()
    page = reader.pull(cursor)  # the device pulls while A is still open
    replica |= entry_ids(page["changes"])
    cursor = page["cursor"]
    store.release.set()
    a.value(), b.value()
    page = reader.pull(cursor)
    replica |= entry_ids(page["changes"])
    return replica, {first, x, y}, b_waited


def test_a_change_numbered_first_and_committed_last_is_still_pulled(team_world, phone, helpers, pausing_store):
    pulled, existing, b_waited = run_scenario(team_world, phone, helpers, pausing_store, helpers.PausingStore)
    assert b_waited, "B must queue behind A's team lock"
    assert pulled == existing


class NaiveTx(SqlTx):
    """Change numbers from a global sequence, taken without the team lock; the counter is their maximum."""

    sequence = "naive_versions"

    def lock_teams(self, team_ids):
        wanted = sorted(set(team_ids))
        self.sql.team_create.run(self.conn, [{"team_id": t} for t in wanted])
        return self.get_teams(wanted)  # read, not locked

    def put_records(self, records):
        for rec in records:
            rec.version = self.conn.execute(sa.text(f"SELECT nextval('{self.sequence}')")).scalar_one()
        self.top = max(rec.version for rec in records)
        return super().put_records(records)  # the weekly totals it derives are numbered the same way

    def save_team(self, state):
        self.conn.execute(sa.text("UPDATE sync_teams SET version = GREATEST(version, :v) WHERE team_id = :t"),
                          {"v": self.top, "t": state.team_id})


@pytest.fixture
def naive_sequence(app):
    from server.extensions import db

    name = f"naive_versions_{uuid.uuid4().hex[:8]}"
    db.session.execute(sa.text(f"CREATE SEQUENCE {name}"))
    db.session.commit()
    yield name
    db.session.rollback()
    db.session.execute(sa.text(f"DROP SEQUENCE {name}"))
    db.session.commit()


# SQLite serialises writers: a second writer cannot commit before the first, so no naive cursor fails there.
@pytest.mark.postgres_only
def test_the_same_check_fails_against_a_naive_cursor(team_world, phone, helpers, pausing_store, naive_sequence):
    class NaiveStore(helpers.PausingStore):
        class tx_class(NaiveTx):
            sequence = naive_sequence

    started = time.monotonic()
    pulled, existing, b_waited = run_scenario(team_world, phone, helpers, pausing_store, NaiveStore)
    assert not b_waited and time.monotonic() - started < 10
    missed = existing - pulled
    assert len(missed) == 1, "the naive cursor skips A's change for ever"
