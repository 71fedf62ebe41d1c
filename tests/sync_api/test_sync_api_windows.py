"""Sync windows and synced weekly totals (issue 16: "a new device is ready in seconds, whatever the
team's history"), on both databases, through the HTTP API and the reference client.

Devices keep 16 weeks of capacity entries (this London week and the 15 before): a team's leads the
team's, everyone else (staff, coaches) only their own. Older records leave devices (a pull's
``windows``, or a *left* notice when they change) and stay on the server. Weekly totals are the
read-only collection ``capacity_weekly_totals``: the server writes them in the push that changes the
entries they sum, and every reader of the team gets them, whatever their age.

The server's one clock is frozen at :data:`NOW` and moved forward; the phones' hlc clocks read the
same clock (``wall_ms``), so their edits keep their order across the moves.
"""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from server.capacity.models import CapacityWeeklyTotal, weekly_total_id
from server.core import clock
from server.core.weeks import current_week_start, week_start
from server.extensions import db
from server.organisations.operations import set_membership
from server.sync_api.models import SyncRecord, SyncTeam
from server.sync_api.registry import sync_setup
from sync import SyncEngine
from sync.cursor import decode_cursor_state
from tests.conftest import TEST_CONFIG

NOW = "2026-06-10T10:00:00Z"  # a Wednesday; the London week began on Monday 2026-06-08
ENTRIES, TOTALS = "capacity_entries", "capacity_weekly_totals"
WINDOW_WEEKS = 16


@pytest.fixture
def app_config(database_url):
    # A phone left in a drawer for six months is still signed in (the idle limit is the deployment's choice).
    return {**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": database_url, "TOKEN_IDLE_DAYS": 400}


@pytest.fixture
def device(phone, frozen):
    """device(user, name) -> a phone whose hlc clock is the server's (frozen, moved by the test)."""

    def make(user, name: str = "Phone"):
        return phone(user, name, wall_ms=clock.now_ms)

    return make


def day(weeks_ago: int, weekday: int = 0) -> str:
    """A day ``weeks_ago`` London weeks before this one (by the one clock), ``weekday`` 0 = Monday."""
    return (current_week_start() - timedelta(weeks=weeks_ago) + timedelta(days=weekday)).isoformat()


def window_start() -> str:
    return day(WINDOW_WEEKS - 1)


def entry(team_id: str, occurred_on: str, **over) -> dict:
    fields = {"team_id": team_id, "kind": "time_lost", "minutes": 15, "occurred_on": occurred_on,
              "category": "Waiting", "note": "hoist"}
    fields.update(over)
    return fields


def kept(records: dict, user_id: str | None = None) -> dict:
    """The records a device keeps: inside the window, and the user's own if ``user_id``."""
    start = window_start()
    return {rid: rec for rid, rec in records.items()
            if rec["occurred_on"] >= start and user_id in (None, rec["user_id"])}


def fields_of(view: dict) -> dict:
    """A view (or replica) reduced to what :func:`server_records` holds."""
    return {rid: {k: v for k, v in rec.items() if k not in ("id", "created_at", "updated_at")}
            for rid, rec in view.items()}


def server(helpers, team_id: str, collection: str = ENTRIES) -> dict:
    return {rid: {k: v for k, v in rec.items() if k != "deleted"}
            for rid, rec in helpers.server_records(team_id, collection=collection).items()}


def totals_table(team_id: str) -> dict:
    """The ``capacity_weekly_totals`` table as the records' fields: {record id: fields}."""
    db.session.expire_all()
    rows = db.session.scalars(sa.select(CapacityWeeklyTotal).where(CapacityWeeklyTotal.team_id == team_id)).all()
    db.session.commit()
    return {weekly_total_id(team_id, r.week_start, r.kind, r.category):
            {"week_start": r.week_start.isoformat(), "kind": r.kind, "category": r.category or None,
             "minutes": r.minutes, "entries": r.entries} for r in rows}


def sums_of_entries(records: dict, team_id: str) -> dict:
    """What the totals must be: sums over every live entry of the team, whatever its age."""
    sums: dict = defaultdict(lambda: [0, 0])
    for rec in records.values():
        week = week_start(date.fromisoformat(rec["occurred_on"])).isoformat()
        bucket = sums[(week, rec["kind"], rec.get("category") or None)]
        bucket[0] += rec["minutes"]
        bucket[1] += 1
    return {weekly_total_id(team_id, week, kind, category):
            {"week_start": week, "kind": kind, "category": category, "minutes": m, "entries": n}
            for (week, kind, category), (m, n) in sums.items()}


def non_empty(totals: dict) -> dict:
    """Totals records without the emptied buckets (kept as records with 0 entries; gone from the table)."""
    return {rid: {k: v for k, v in rec.items() if k not in ("team_id", "user_id")}
            for rid, rec in totals.items() if rec["entries"]}


def entry_changes(page: dict) -> dict:
    return {c["record_id"]: c for c in page["changes"] if c["collection"] == ENTRIES}


def pull_all(phone, cursor: str = "", limit: int = 500) -> tuple[list[dict], str]:
    pages = []
    while True:
        page = phone.pull(cursor, limit)
        pages.append(page)
        cursor = page["cursor"]
        if not page["has_more"]:
            return pages, cursor


# ----------------------------------------------------------------------------------------------
# what a device keeps
# ----------------------------------------------------------------------------------------------

def test_records_leaving_the_window_are_dropped_on_devices_and_kept_on_the_server(team_world, device, helpers, frozen):
    team = team_world.team.id
    ann, lead = device(team_world.ann), device(team_world.lead)
    ids = {weeks_ago: helpers.new_id() for weeks_ago in range(WINDOW_WEEKS)}
    for weeks_ago, rid in ids.items():
        ann.upsert(rid, entry(team, day(weeks_ago), minutes=weeks_ago + 1))
    ann.sync()
    lead.sync()
    assert set(ann.view()) == set(lead.view()) == set(ids.values())

    frozen.advance(weeks=1)  # the oldest week leaves every device's window; nothing changed on the server
    page = lead.pull(lead.client.cursor)
    assert page["windows"] == {ENTRIES: {"field": "occurred_on", "from": window_start()}}
    assert entry_changes(page) == {}
    for phone in (ann, lead):
        phone.sync()
        assert set(phone.view()) == set(ids.values()) - {ids[15]}
        assert fields_of(phone.view()) == kept(server(helpers, team))
    assert set(server(helpers, team)) == set(ids.values())  # never lost on the server
    fresh = device(team_world.lead, "fresh")
    fresh.sync()
    assert set(fresh.view()) == set(lead.view())
    # totals are not windowed: the old week is still summed on every device
    for phone in (ann, lead, fresh):
        assert fields_of(phone.view(TOTALS)) == server(helpers, team, TOTALS)
        assert len(phone.view(TOTALS)) == WINDOW_WEEKS


def test_an_entry_created_outside_the_window_stays_on_the_server_and_leaves_the_device(team_world, device, helpers):
    team = team_world.team.id
    ann = device(team_world.ann)
    ann.sync()
    old = helpers.new_id()
    ann.upsert(old, entry(team, day(WINDOW_WEEKS + 4)))
    assert old in ann.view()  # shown while it is pending
    ann.sync()
    assert old not in ann.view() and ann.client.needs_attention == [] and ann.client.outbox == []
    assert server(helpers, team)[old]["occurred_on"] == day(WINDOW_WEEKS + 4)
    assert non_empty(server(helpers, team, TOTALS)) == sums_of_entries(server(helpers, team), team)


def test_staff_keep_their_own_entries_leads_the_teams_and_coaches_none(team_world, device, helpers, make_user):
    team = team_world.team.id
    w = team_world
    ann, bob, lead, coach = device(w.ann), device(w.bob), device(w.lead), device(w.coach)
    admin_member = make_user("admin", team=w.team)  # an admin who works in the team keeps its entries
    admin_elsewhere = make_user("admin")  # one who does not keeps only their own (none)
    for phone in (ann, bob, lead):
        for n in range(3):
            phone.upsert(helpers.new_id(), entry(team, day(n, n), minutes=10 * n + 5))
        phone.sync()
    records = server(helpers, team)
    assert len(records) == 9
    admin_phone, other_admin = device(admin_member, "admin"), device(admin_elsewhere, "admin 2")
    for phone in (ann, bob, lead, coach, admin_phone, other_admin):
        phone.sync()
    assert fields_of(ann.view()) == kept(records, w.ann.id) != {}
    assert fields_of(bob.view()) == kept(records, w.bob.id) != {}
    assert fields_of(lead.view()) == records == fields_of(admin_phone.view())
    assert coach.view() == {} and other_admin.view() == {}
    totals = server(helpers, team, TOTALS)
    assert non_empty(totals) == sums_of_entries(records, team)
    for phone in (ann, bob, lead, coach, admin_phone, other_admin):  # every reader of the team gets its totals
        assert fields_of(phone.view(TOTALS)) == totals

    # a change to bob's entry reaches the lead, not ann (not even as a notice): only the total changes
    bobs = next(rid for rid, rec in records.items() if rec["user_id"] == w.bob.id)
    bob.upsert(bobs, {"minutes": 99})
    bob.sync()
    page = ann.pull(ann.client.cursor)
    assert entry_changes(page) == {} and [c["collection"] for c in page["changes"]] == [TOTALS]
    lead.sync()
    assert lead.view()[bobs]["minutes"] == 99


def test_a_staff_member_promoted_to_lead_gets_the_team_dropped_and_sent_again_whole(team_world, device, helpers):
    w = team_world
    team = w.team
    ann, bob, lead = device(w.ann), device(w.bob), device(w.lead)
    for phone in (ann, bob, lead):
        phone.upsert(helpers.new_id(), entry(team.id, day(1)))
        phone.sync()
    ann.sync()
    assert set(ann.view()) == set(kept(server(helpers, team.id), w.ann.id))
    pending = helpers.new_id()
    ann.upsert(pending, entry(team.id, day(0), note="written before the promotion"))  # still to push

    set_membership(team, w.ann.id, "lead")
    db.session.commit()
    page = ann.pull(ann.client.cursor)
    assert page["drop_teams"] == [team.id]
    assert set(entry_changes(page)) == set(server(helpers, team.id))  # the team's entries, in full
    assert "progress" not in page or page["progress"]["done"] == page["progress"]["total"]
    ann.sync()
    assert fields_of(ann.view()) == server(helpers, team.id) and pending in ann.view()
    assert fields_of(ann.view(TOTALS)) == server(helpers, team.id, TOTALS)
    again = ann.pull(ann.client.cursor)
    assert again["drop_teams"] == [] and again["changes"] == []  # once, not on every pull

    set_membership(team, w.ann.id, "member")  # and back: the team again, her own entries only
    db.session.commit()
    ann.sync()
    assert fields_of(ann.view()) == kept(server(helpers, team.id), w.ann.id)
    assert len(ann.view()) == 2


# ----------------------------------------------------------------------------------------------
# left notices
# ----------------------------------------------------------------------------------------------

def test_an_entry_moved_out_of_the_window_elsewhere_arrives_as_a_left_notice(team_world, device, helpers, frozen):
    team = team_world.team.id
    ann, lead, tablet = device(team_world.ann), device(team_world.lead), device(team_world.lead, "tablet")
    moved, old = helpers.new_id(), helpers.new_id()
    ann.upsert(moved, entry(team, day(2)))
    ann.upsert(old, entry(team, day(WINDOW_WEEKS + 10)))
    ann.sync()
    for phone in (lead, tablet):
        phone.sync()
    assert moved in ann.view() and moved in tablet.view() and old not in tablet.view()

    # the lead moves ann's entry back in time, out of the window, and edits the old entry
    lead.push(lead.mutation(moved, {"occurred_on": day(WINDOW_WEEKS + 2)}), lead.mutation(old, {"minutes": 50}))
    for phone in (ann, tablet):
        changes = entry_changes(phone.pull(phone.client.cursor))
        assert changes[moved]["deleted"] and changes[moved]["left"] is True  # drop it: it still exists
        assert changes[moved]["record"]["id"] == moved and changes[moved]["hlcs"] == {}
        # the old entry never comes as a record (at most as a notice: the device might have had it)
        assert old not in changes or (changes[old]["deleted"] and changes[old]["left"])
    # the database writes the notice itself: it is the engine's tombstone of the record, marked left
    with sync_setup().engine.store.transaction() as tx:
        rec = tx.lock_records([(ENTRIES, moved)])[(ENTRIES, moved)]
    db.session.commit()
    rec.deleted = True
    assert changes[moved] == {**SyncEngine.change_for(rec), "left": True}

    for phone in (ann, tablet):
        phone.sync()
        assert moved not in phone.view() and old not in phone.view()
    stored = server(helpers, team)
    assert stored[moved]["occurred_on"] == day(WINDOW_WEEKS + 2) and stored[old]["minutes"] == 50
    fresh = device(team_world.lead, "fresh")
    assert {moved, old}.isdisjoint(entry_changes(fresh.pull()))  # a new device gets neither, not even a notice
    for phone in (ann, tablet, lead):
        phone.sync()
        assert fields_of(phone.view(TOTALS)) == server(helpers, team, TOTALS)
    assert non_empty(server(helpers, team, TOTALS)) == sums_of_entries(stored, team)


def test_an_old_entry_created_after_the_cursor_sends_nothing_when_it_changes(team_world, device, helpers, frozen):
    team = team_world.team.id
    ann, lead = device(team_world.ann), device(team_world.lead)
    lead.sync()
    cursor = lead.client.cursor
    frozen.advance(minutes=11)  # beyond the margin for clocks of other processes (10 minutes)
    late = helpers.new_id()
    ann.push(ann.mutation(late, entry(team, day(WINDOW_WEEKS + 3))))
    ann.push(ann.mutation(late, {"minutes": 20}))
    assert late not in entry_changes(lead.pull(cursor))  # never sent on that cursor: no notice either
    assert server(helpers, team)[late]["minutes"] == 20


def test_a_pending_edit_to_a_record_leaving_the_window_applies_exactly_once(team_world, device, helpers, frozen):
    team = team_world.team.id
    ann, lead = device(team_world.ann), device(team_world.lead)
    rid, other = helpers.new_id(), helpers.new_id()
    ann.upsert(rid, entry(team, day(WINDOW_WEEKS - 1), minutes=15))  # the window's oldest week
    ann.upsert(other, entry(team, day(WINDOW_WEEKS - 1), minutes=5, category="Travel"))
    ann.sync()
    lead.sync()
    ann.upsert(rid, {"minutes": 40, "note": "corrected offline"})  # queued, not yet pushed
    edit_id = ann.client.outbox[-1].id

    frozen.advance(weeks=1)  # the record leaves the window with the edit still on the device
    assert rid in ann.view() and ann.view()[rid]["minutes"] == 40  # shown until the server has it
    ann.sync()
    pushes = [(status, body) for kind, payload, status, body in ann.sent
              if kind == "push" and any(m["id"] == edit_id for m in payload["mutations"])]
    assert [(s, [r["status"] for r in b["results"] if r["id"] == edit_id]) for s, b in pushes] == [(200, ["applied"])]
    assert ann.client.needs_attention == [] and ann.client.outbox == []
    assert rid not in ann.view() and other not in ann.view()
    stored = server(helpers, team)
    assert (stored[rid]["minutes"], stored[rid]["note"]) == (40, "corrected offline")
    week = weekly_total_id(team, day(WINDOW_WEEKS), "time_lost", "Waiting")
    assert server(helpers, team, TOTALS)[week]["minutes"] == 40  # the edit counted once (not 15 + 40)
    sent = len(ann.sent)
    ann.sync()  # nothing is sent again
    assert {kind for kind, *_ in ann.sent[sent:]} == {"pull"} and ann.client.needs_attention == []
    lead.sync()
    assert rid not in lead.view() and lead.view(TOTALS)[week]["minutes"] == 40
    assert helpers.server_records(team, collection=TOTALS)[week]["entries"] == 1


# ----------------------------------------------------------------------------------------------
# a device offline for months
# ----------------------------------------------------------------------------------------------

def test_a_device_offline_for_six_months_converges_to_what_a_new_device_gets(team_world, device, helpers, frozen):
    w = team_world
    team = w.team.id
    rng = random.Random(16)
    ann, bob, lead = device(w.ann), device(w.bob), device(w.lead)
    ann_drawer, lead_drawer = device(w.ann, "drawer"), device(w.lead, "lead's drawer")
    mine: dict[str, list[str]] = {w.ann.id: [], w.bob.id: [], w.lead.id: []}

    def write(phone, user, count: int) -> None:
        for _ in range(count):
            rid = helpers.new_id()
            mine[user.id].append(rid)
            phone.upsert(rid, entry(team, day(rng.randrange(WINDOW_WEEKS), rng.randrange(5)),
                                    minutes=rng.randint(1, 120), kind=rng.choice(["time_lost", "meeting", "admin"])))
        phone.sync()

    for phone, user in ((ann, w.ann), (bob, w.bob), (lead, w.lead)):
        write(phone, user, 12)
    for phone in (ann_drawer, lead_drawer):
        phone.sync()
    # the drawer devices queue edits, then go quiet for 26 weeks
    for rid in mine[w.ann.id][:4]:
        ann_drawer.upsert(rid, {"note": "edited in the drawer"})
    lead_drawer.upsert(mine[w.bob.id][0], {"minutes": 77})
    ann_drawer.upsert(helpers.new_id(), entry(team, day(0), minutes=33))

    for month in range(6):  # life goes on: new entries, edits, deletes
        frozen.advance(weeks=4 if month < 5 else 6)
        for phone, user in ((ann, w.ann), (bob, w.bob), (lead, w.lead)):
            write(phone, user, 3)
        lead.sync()
        victim = rng.choice(mine[w.bob.id][1:])
        lead.delete(victim)
        mine[w.bob.id].remove(victim)
        lead.upsert(rng.choice(mine[w.ann.id][4:]), {"minutes": rng.randint(1, 60)})
        lead.sync()

    for phone in (ann_drawer, lead_drawer):
        phone.sync()
        assert phone.client.needs_attention == [] and phone.client.outbox == []
    ann_drawer.sync()  # the lead's drawer pushed after it: its next sync brings that total
    fresh_ann, fresh_lead = device(w.ann, "new phone"), device(w.lead, "new tablet")
    for phone in (fresh_ann, fresh_lead):
        phone.sync()
    for old, new in ((ann_drawer, fresh_ann), (lead_drawer, fresh_lead)):
        assert fields_of(old.view()) == fields_of(new.view())
        assert fields_of(old.view(TOTALS)) == fields_of(new.view(TOTALS))
        assert old.client.base.keys() == new.client.base.keys()
    records = server(helpers, team)
    assert fields_of(fresh_lead.view()) == kept(records) and fields_of(fresh_ann.view()) == kept(records, w.ann.id)
    assert fields_of(fresh_lead.view(TOTALS)) == server(helpers, team, TOTALS)
    assert non_empty(server(helpers, team, TOTALS)) == sums_of_entries(records, team)
    # the drawer's edits landed (the entries they touched have long left the window)
    assert [records[rid]["note"] for rid in mine[w.ann.id][:4]] == ["edited in the drawer"] * 4


# ----------------------------------------------------------------------------------------------
# weekly totals
# ----------------------------------------------------------------------------------------------

def test_devices_cannot_write_weekly_totals(team_world, device, helpers, make_user):
    team = team_world.team.id
    ann, lead = device(team_world.ann), device(team_world.lead)
    admin = device(make_user("admin", team=team_world.team), "admin")
    ann.push(ann.mutation(helpers.new_id(), entry(team, day(0))))
    total_id = weekly_total_id(team, day(0), "time_lost", "Waiting")
    before = (server(helpers, team, TOTALS), totals_table(team))
    db.session.expire_all()
    version = db.session.get(SyncTeam, team).version
    db.session.commit()
    for phone in (ann, lead, admin):
        made_up = {"team_id": team, "week_start": day(0), "kind": "time_lost", "category": "Waiting",
                   "minutes": 1, "entries": 1}
        result = phone.push(phone.mutation(total_id, made_up, collection=TOTALS),
                            phone.mutation(helpers.new_id(), made_up, collection=TOTALS),
                            phone.mutation(total_id, op="delete", collection=TOTALS))
        assert [(r["status"], r["error"]["code"]) for r in result["results"]] == [("rejected", "forbidden")] * 3
    assert (server(helpers, team, TOTALS), totals_table(team)) == before
    assert server(helpers, team, TOTALS)[total_id]["minutes"] == 15
    db.session.expire_all()
    assert db.session.get(SyncTeam, team).version == version  # nothing written, not even a version
    assert db.session.scalar(sa.select(sa.func.count()).select_from(SyncRecord)
                             .where(SyncRecord.collection == TOTALS)) == 1
    db.session.commit()


def test_weekly_totals_equal_the_table_and_the_sums_of_all_entries_over_two_years(team_world, device, helpers):
    team, other_team = team_world.team.id, team_world.other_team.id
    rng = random.Random(104)
    ann, lead, tablet = device(team_world.ann), device(team_world.lead), device(team_world.lead, "tablet")
    outsider = device(team_world.outsider)
    kinds, categories = ["time_lost", "meeting", "admin"], ["Waiting", "Travel", None]
    ids: dict[str, str] = {}  # record id -> author ("ann" / "lead")
    for phone, name in ((ann, "ann"), (lead, "lead")):
        mutations = []
        for weeks_ago in range(104):
            for _ in range(2):
                rid = helpers.new_id()
                ids[rid] = name
                mutations.append(phone.mutation(rid, entry(team, day(weeks_ago, rng.randrange(7) if weeks_ago else 0),
                                                           kind=rng.choice(kinds), category=rng.choice(categories),
                                                           minutes=rng.randint(1, 240))))
        phone.push(*mutations)
    outsider.push(outsider.mutation(helpers.new_id(), entry(other_team, day(3), minutes=500)))  # another team's
    for phone in (ann, lead, tablet):
        phone.sync()

    def check() -> None:
        records = server(helpers, team)
        table = totals_table(team)
        assert table == sums_of_entries(records, team)
        assert len({t["week_start"] for t in table.values()}) >= 100
        synced = server(helpers, team, TOTALS)
        assert non_empty(synced) == table
        for phone in (ann, lead, tablet):
            phone.sync()
            assert fields_of(phone.view(TOTALS)) == synced
        assert all(rec["team_id"] == team for rec in synced.values())

    check()
    old = [rid for rid, rec in server(helpers, team).items() if rec["occurred_on"] < window_start()]
    recent = [rid for rid in ids if rid not in old]
    rng.shuffle(old)
    rng.shuffle(recent)
    # the tablet (a lead's) edits recent entries through its view ...
    for rid in recent[:10]:
        tablet.upsert(rid, {"minutes": rng.randint(1, 240)})
    for rid in recent[10:15]:
        tablet.upsert(rid, {"occurred_on": day(rng.randrange(WINDOW_WEEKS), 3)})  # into another week
    for rid in recent[15:20]:
        tablet.upsert(rid, {"category": rng.choice(["Porters", None])})
    for rid in recent[20:25]:
        tablet.delete(rid)
    tablet.sync()
    check()
    # ... and the lead's phone edits and deletes OLD entries (outside every device's window) directly
    lead.push(*[lead.mutation(rid, {"minutes": rng.randint(1, 240)}) for rid in old[:10]],
              *[lead.mutation(rid, {"occurred_on": day(rng.randrange(20, 104), 1)}) for rid in old[10:15]],
              *[lead.mutation(rid, {"category": "Porters", "kind": "admin"}) for rid in old[15:20]],
              *[lead.mutation(rid, op="delete") for rid in old[20:30]],
              # an old entry moved into the window, and a recent one out of it
              lead.mutation(old[30], {"occurred_on": day(1)}), lead.mutation(recent[30], {"occurred_on": day(60)}))
    # ann deletes every entry of one of her old weeks: the bucket empties, stays a record with 0, leaves the table
    her_old = [rid for rid in old[31:] if ids[rid] == "ann"]
    rec = server(helpers, team)[her_old[0]]
    bucket = [rid for rid, r in server(helpers, team).items()
              if week_start(date.fromisoformat(r["occurred_on"])) == week_start(date.fromisoformat(rec["occurred_on"]))
              and (r["kind"], r.get("category")) == (rec["kind"], rec.get("category"))]
    lead.push(*[lead.mutation(rid, op="delete") for rid in bucket])
    emptied = weekly_total_id(team, week_start(date.fromisoformat(rec["occurred_on"])), rec["kind"], rec.get("category"))
    check()
    assert emptied not in totals_table(team)
    assert {k: v for k, v in server(helpers, team, TOTALS)[emptied].items() if k in ("minutes", "entries")} == \
        {"minutes": 0, "entries": 0}
    # the totals' synced records are written by the server, in the entries' team
    db.session.expire_all()
    rows = db.session.scalars(sa.select(SyncRecord).where(SyncRecord.collection == TOTALS)).all()
    db.session.commit()
    assert {r.user_id for r in rows} == {"server"} and {r.team_id for r in rows} == {team, other_team}
    assert all(r.hlc.endswith("-server") for r in rows)


# ----------------------------------------------------------------------------------------------
# first syncs
# ----------------------------------------------------------------------------------------------

def test_a_first_sync_reports_its_progress_page_by_page(team_world, device, helpers):
    team = team_world.team.id
    ann, lead = device(team_world.ann), device(team_world.lead)
    mutations = [ann.mutation(helpers.new_id(), entry(team, day(weeks_ago % 30, weeks_ago % 5), minutes=weeks_ago + 1))
                 for weeks_ago in range(60)]
    ann.push(*mutations)
    lead.push(*[lead.mutation(helpers.new_id(), entry(team, day(n % 20), kind="meeting")) for n in range(20)])
    tablet = device(team_world.lead, "tablet")
    pages, cursor = pull_all(tablet, limit=7)
    sent = sum(len(p["changes"]) for p in pages)
    expected = len(kept(server(helpers, team))) + len(server(helpers, team, TOTALS))
    assert sent == expected and len(pages) == -(-expected // 7)
    progress = [p["progress"] for p in pages]
    assert {p["total"] for p in progress} == {expected}
    assert [p["done"] for p in progress] == [min(7 * (n + 1), expected) for n in range(len(pages))]
    assert progress[-1]["done"] == expected
    assert "progress" not in tablet.pull(cursor)  # an incremental pull has none
    # staff: the same, counting only what they keep
    ann_pages, _ = pull_all(device(team_world.ann, "new phone"), limit=10)
    ann_total = len(kept(server(helpers, team), team_world.ann.id)) + len(server(helpers, team, TOTALS))
    assert ann_pages[-1]["progress"] == {"done": ann_total, "total": ann_total}
    assert sum(len(p["changes"]) for p in ann_pages) == ann_total
    assert decode_cursor_state(ann_pages[-1]["cursor"]).progress is None


def test_pull_pages_of_up_to_5000_records(team_world, device, helpers):
    team = team_world.team.id
    lead = device(team_world.lead)
    lead.push(*[lead.mutation(helpers.new_id(), entry(team, day(n % WINDOW_WEEKS))) for n in range(30)])
    page = lead.pull(limit=5000)
    assert len(page["changes"]) == 30 + WINDOW_WEEKS and not page["has_more"]
    assert lead.api.get("/api/sync/pull", query_string={"limit": 5001}).status_code == 422
