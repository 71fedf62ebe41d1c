"""The typed read tables follow the synced records in the same transaction (capacity projections)."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timedelta, timezone

import sqlalchemy as sa

from server.capacity.models import CapacityEntry, CapacityWeeklyTotal, TimeLostCategory
from server.extensions import db
from server.sync_api.models import SyncRecord


def totals() -> dict:
    db.session.expire_all()
    rows = db.session.scalars(sa.select(CapacityWeeklyTotal)).all()
    db.session.commit()
    return {(r.team_id, r.week_start, r.kind, r.category): (r.minutes, r.entries) for r in rows}


def expected_totals(records: dict) -> dict:
    sums: dict = defaultdict(lambda: [0, 0])
    for rec in records.values():
        day = date.fromisoformat(rec["occurred_on"])
        bucket = sums[(rec["team_id"], day - timedelta(days=day.weekday()), rec["kind"], rec.get("category") or "")]
        bucket[0] += rec["minutes"]
        bucket[1] += 1
    return {k: tuple(v) for k, v in sums.items()}


def entries() -> dict:
    db.session.expire_all()
    rows = db.session.scalars(sa.select(CapacityEntry)).all()
    db.session.commit()
    return {r.id: r for r in rows}


def test_entries_and_weekly_totals_follow_creates_edits_and_deletes(team_world, phone, helpers):
    team, other = team_world.team.id, team_world.other_team.id
    ann, lead, outsider = phone(team_world.ann), phone(team_world.lead), phone(team_world.outsider)
    e = {n: helpers.new_id() for n in range(1, 8)}
    ann.push(
        ann.mutation(e[1], helpers.entry(team, kind="time_lost", minutes=30, occurred_on="2026-11-15", category="Waiting")),
        ann.mutation(e[2], helpers.entry(team, kind="time_lost", minutes=20, occurred_on="2026-11-16", category="Waiting")),
        ann.mutation(e[3], helpers.entry(team, kind="meeting", minutes=60, occurred_on="2026-11-16", category=None)),
        ann.mutation(e[4], helpers.entry(team, kind="admin", minutes=15, occurred_on="2026-11-18", category=...)),
        ann.mutation(e[5], helpers.entry(team, kind="time_lost", minutes=10, occurred_on="2026-11-17", category="IT problems")),
        # created and deleted in one push: never counted
        ann.mutation(e[6], helpers.entry(team, minutes=999)),
        ann.mutation(e[6], op="delete"),
    )
    outsider.push(outsider.mutation(e[7], helpers.entry(other, minutes=45, occurred_on="2026-11-16", category="Waiting")))
    monday, previous_monday = date(2026, 11, 16), date(2026, 11, 9)
    assert totals() == {
        (team, previous_monday, "time_lost", "Waiting"): (30, 1),
        (team, monday, "time_lost", "Waiting"): (20, 1),
        (team, monday, "meeting", ""): (60, 1),
        (team, monday, "admin", ""): (15, 1),
        (team, monday, "time_lost", "IT problems"): (10, 1),
        (other, monday, "time_lost", "Waiting"): (45, 1),
    }

    ann.push(
        ann.mutation(e[1], {"occurred_on": "2026-11-16"}),  # Sunday -> Monday: into the next week
        ann.mutation(e[2], {"kind": "meeting", "minutes": 25}),
        ann.mutation(e[5], {"category": None}),
        ann.mutation(e[4], op="delete"),
        ann.mutation(e[3], {"note": "only the note"}),
    )
    lead.push(lead.mutation(e[3], {"category": "Planning", "minutes": 45}))
    assert totals() == {
        (team, monday, "time_lost", "Waiting"): (30, 1),
        (team, monday, "meeting", "Waiting"): (25, 1),
        (team, monday, "meeting", "Planning"): (45, 1),
        (team, monday, "time_lost", ""): (10, 1),
        (other, monday, "time_lost", "Waiting"): (45, 1),
    }
    live = helpers.server_records()
    assert totals() == expected_totals(live)

    rows = entries()
    assert set(rows) == set(live)
    for rid, rec in live.items():
        row = rows[rid]
        assert (row.team_id, row.user_id, row.kind, row.minutes, row.occurred_on.isoformat(), row.category, row.note) == (
            rec["team_id"], rec["user_id"], rec["kind"], rec["minutes"], rec["occurred_on"], rec.get("category"),
            rec.get("note"))
    # the synced record's times, read from the database (its November date may be outside every device's window)
    db.session.expire_all()
    synced = db.session.get(SyncRecord, ("capacity_entries", e[3]))
    db.session.commit()
    row = rows[e[3]]
    assert row.created_at == datetime.fromisoformat(synced.created_at)
    assert row.updated_at == datetime.fromisoformat(synced.updated_at) and row.updated_at.tzinfo == timezone.utc

    # deleting everything empties the buckets (no zero rows left behind)
    ann.push(*[ann.mutation(rid, op="delete") for rid in (e[1], e[2], e[3], e[5])])
    assert totals() == {(other, monday, "time_lost", "Waiting"): (45, 1)}
    assert set(entries()) == {e[7]}


def test_many_entries_in_one_push_sum_like_the_records(team_world, phone, helpers):
    team = team_world.team.id
    ann = phone(team_world.ann)
    mutations = []
    for n in range(120):
        day = date(2026, 11, 20) - timedelta(days=n % 30)
        mutations.append(ann.mutation(helpers.new_id(), helpers.entry(
            team, kind=("time_lost", "meeting", "admin")[n % 3], minutes=n + 1, occurred_on=day.isoformat(),
            category=(None, "Waiting", "Travel")[n % 3 if n % 3 else 0])))
    ann.push(*mutations)
    ann.push(*[ann.mutation(m["record_id"], {"minutes": 7, "occurred_on": "2026-11-02"}) for m in mutations[::4]])
    ann.push(*[ann.mutation(m["record_id"], op="delete") for m in mutations[1::5]])
    assert totals() == expected_totals(helpers.server_records())


def test_time_lost_categories_are_projected(team_world, phone, helpers):
    lead = phone(team_world.lead)
    team = team_world.team.id
    waiting, travel = helpers.new_id(), helpers.new_id()
    lead.push(lead.mutation(waiting, {"team_id": team, "name": "Waiting"}, collection="time_lost_categories"),
              lead.mutation(travel, {"team_id": team, "name": "Travel", "position": 2}, collection="time_lost_categories"))
    lead.push(lead.mutation(waiting, {"name": "Waiting for a porter", "former_names": ["Waiting"], "archived": True},
                            collection="time_lost_categories"),
              lead.mutation(travel, op="delete", collection="time_lost_categories"))
    db.session.expire_all()
    rows = {r.id: r for r in db.session.scalars(sa.select(TimeLostCategory))}
    assert set(rows) == {waiting}
    row = rows[waiting]
    assert (row.team_id, row.name, row.former_names, row.position, row.archived) == (
        team, "Waiting for a porter", ["Waiting"], 0, True)
