"""Derived box score values from capacity entries pushed through sync: sums, week boundaries, DST, edits."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest

from server.core.weeks import current_week_start, last_weeks, parse_week, week_start, weeks_between
from tests.measures.boxscore_testkit import Device, new_id, rows_by_name, series, stand_at, upsert


# ---- weeks ------------------------------------------------------------------------------------------
def utc(text):
    return datetime.fromisoformat(text).replace(tzinfo=timezone.utc)


@pytest.mark.parametrize("instant,monday", [
    ("2026-06-28T22:59:59", "2026-06-22"),  # 23:59:59 BST on Sunday
    ("2026-06-28T23:00:00", "2026-06-29"),  # 00:00 BST on Monday, still Sunday in UTC
    ("2026-06-28T23:30:00", "2026-06-29"),
    ("2026-12-27T23:30:00", "2026-12-21"),  # GMT: 23:30 on Sunday is Sunday
    ("2026-12-28T00:00:00", "2026-12-28"),
    ("2026-03-29T00:59:59", "2026-03-23"),  # last Sunday of March, just before the clocks go forward
    ("2026-03-29T01:00:00", "2026-03-23"),  # 02:00 BST, still that Sunday
    ("2026-03-29T22:59:59", "2026-03-23"),  # 23:59:59 BST on the Sunday
    ("2026-03-29T23:00:00", "2026-03-30"),
    ("2026-10-25T00:30:00", "2026-10-19"),  # 01:30 BST, the first of two
    ("2026-10-25T01:30:00", "2026-10-19"),  # 01:30 GMT, the second
    ("2026-10-25T23:59:59", "2026-10-19"),  # 23:59:59 GMT on the Sunday
    ("2026-10-26T00:00:00", "2026-10-26"),
    ("2027-01-03T23:59:59", "2026-12-28"),  # ISO week 53 of 2026 ends on Sunday 3 January 2027
])
def test_current_week_is_the_london_week(instant, monday):
    assert current_week_start(utc(instant)).isoformat() == monday


def test_week_helpers():
    assert week_start(date(2026, 11, 29)) == date(2026, 11, 23) and week_start(date(2026, 11, 23)) == date(2026, 11, 23)
    assert last_weeks(3, date(2026, 11, 26)) == [date(2026, 11, 9), date(2026, 11, 16), date(2026, 11, 23)]
    assert weeks_between(date(2026, 12, 31), date(2027, 1, 4)) == [date(2026, 12, 28), date(2027, 1, 4)]
    assert parse_week("2026-W53") == date(2026, 12, 28) and parse_week("2026w01") == date(2025, 12, 29)
    for bad in ("2025-W53", "2026-11-24", "23/11/2026", "soon", "2026-02-30"):
        with pytest.raises(ValueError):
            parse_week(bad)
    with pytest.raises(ValueError):
        current_week_start(datetime(2026, 1, 1))


# ---- derived values through sync ---------------------------------------------------------------------
@pytest.fixture
def ward(make_team, make_user, login):
    team = make_team(contracted_hours_per_week=75)
    lead = Device(login(make_user(team=team, team_role="lead")))
    staff = [Device(login(make_user(team=team))) for _ in range(2)]
    return team, lead, staff


def derived_measure(team, name, kind, unit="hours", category=None):
    return upsert("measures", new_id(), team_id=team.id, name=name, group="capacity", source="derived",
                  derived_kind=kind, derived_unit=unit, derived_category_id=category, direction="down")


def entry(team, day, kind, minutes, category=None, record_id=None):
    return upsert("capacity_entries", record_id or new_id(), team_id=team.id, kind=kind, minutes=minutes,
                  occurred_on=day, category=category)


def box(device, team, weeks=6):
    return rows_by_name(device.api.get(f"/api/teams/{team.id}/boxscore?weeks={weeks}").json)


def test_entries_across_week_boundaries_sum_by_hand(app, ward, monkeypatch):
    stand_at(monkeypatch, "2026-11-26T10:00:00Z")
    team, lead, (ann, bob) = ward
    lead.push(derived_measure(team, "Time lost", "time_lost"), derived_measure(team, "Meetings", "meeting"),
              derived_measure(team, "Admin", "admin"), derived_measure(team, "Time lost %", "time_lost",
                                                                       "percent_of_contracted"))
    ann.push(entry(team, "2026-10-25", "time_lost", 20),   # Sunday: week of 19 Oct
             entry(team, "2026-10-26", "time_lost", 15),   # Monday: week of 26 Oct
             entry(team, "2026-11-01", "meeting", 45),     # Sunday: still week of 26 Oct
             entry(team, "2026-11-08", "time_lost", 30, "IT problems"))
    bob.push(entry(team, "2026-11-02", "time_lost", 60, "Waiting"), entry(team, "2026-11-02", "admin", 10),
             entry(team, "2026-11-25", "time_lost", 5))
    rows = box(ann, team)
    # weeks: 19 Oct, 26 Oct, 2 Nov, 9 Nov, 16 Nov, 23 Nov
    assert series(rows["Time lost"]) == [round(20 / 60, 6), 0.25, 1.5, 0.0, 0.0, round(5 / 60, 6)]
    assert series(rows["Meetings"]) == [0.0, 0.75, 0.0, 0.0, 0.0, 0.0]
    assert series(rows["Admin"]) == [0.0, 0.0, round(10 / 60, 6), 0.0, 0.0, 0.0]
    assert series(rows["Time lost %"])[2] == 2.0  # 90 minutes of 75 contracted hours
    assert rows["Time lost"]["this_week"] == round(5 / 60, 6) and rows["Time lost"]["last_week"] == 0.0
    # before the team's first capacity week the derived series is empty, not zero
    assert series(box(ann, team, 8)["Time lost"])[:2] == [None, None]


def test_edits_and_deletes_change_the_box_score(app, ward, monkeypatch):
    stand_at(monkeypatch, "2026-11-26T10:00:00Z")
    team, lead, (ann, bob) = ward
    lead.push(derived_measure(team, "Time lost", "time_lost"), derived_measure(team, "Meetings", "meeting"))
    moved, gone = new_id(), new_id()
    ann.push(entry(team, "2026-11-16", "time_lost", 30, record_id=moved), entry(team, "2026-11-17", "time_lost", 60,
                                                                                record_id=gone))
    assert series(box(ann, team, 2)["Time lost"]) == [1.5, 0.0]
    assert ann.push_one("capacity_entries", moved, {"minutes": 45})["status"] == "applied"
    assert series(box(ann, team, 2)["Time lost"]) == [1.75, 0.0]
    assert ann.push_one("capacity_entries", moved, {"occurred_on": "2026-11-23"})["status"] == "applied"
    assert series(box(ann, team, 2)["Time lost"]) == [1.0, 0.75]
    assert ann.push_one("capacity_entries", moved, {"kind": "meeting"})["status"] == "applied"
    rows = box(ann, team, 2)
    assert series(rows["Time lost"]) == [1.0, 0.0] and series(rows["Meetings"]) == [0.0, 0.75]
    assert lead.push_one("capacity_entries", gone, op="delete")["status"] == "applied"
    # the team's only entry left is the meeting of 23 Nov: its capacity history now starts there
    assert series(box(ann, team, 2)["Time lost"]) == [None, 0.0]


def test_entries_on_the_sundays_the_clocks_change(app, ward, monkeypatch):
    team, lead, (ann, _) = ward
    lead.push(derived_measure(team, "Time lost", "time_lost"))
    ann.push(entry(team, "2026-03-29", "time_lost", 60), entry(team, "2026-03-30", "time_lost", 30),
             entry(team, "2026-10-25", "time_lost", 45), entry(team, "2026-10-26", "time_lost", 15))
    stand_at(monkeypatch, "2026-03-29T23:30:00Z")  # 00:30 BST on Monday 30 March
    rows = box(ann, team, 2)
    assert rows["Time lost"]["this_week"] == 0.5 and rows["Time lost"]["last_week"] == 1.0
    stand_at(monkeypatch, "2026-10-25T23:30:00Z")  # 23:30 GMT, still Sunday 25 October
    rows = box(ann, team, 2)
    assert rows["Time lost"]["this_week"] == 0.75 and rows["Time lost"]["last_week"] == 0.0
    stand_at(monkeypatch, "2026-10-26T00:00:00Z")
    assert box(ann, team, 2)["Time lost"]["this_week"] == 0.25


def test_a_renamed_category_keeps_its_history(app, ward, monkeypatch):
    stand_at(monkeypatch, "2026-11-26T10:00:00Z")
    team, lead, (ann, _) = ward
    category = new_id()
    lead.push(upsert("time_lost_categories", category, team_id=team.id, name="Looking for kit"))
    lead.push(derived_measure(team, "Searching", "time_lost", category=category),
              derived_measure(team, "Searching %", "time_lost", "percent_of_contracted", category=category))
    ann.push(entry(team, "2026-11-16", "time_lost", 30, "Looking for kit"), entry(team, "2026-11-16", "time_lost", 40,
                                                                                  "IT problems"))
    assert series(box(ann, team, 2)["Searching"]) == [0.5, 0.0]
    assert lead.push_one("time_lost_categories", category, {"name": "Searching for equipment",
                                                            "former_names": ["Looking for kit"]})["status"] == "applied"
    ann.push(entry(team, "2026-11-23", "time_lost", 15, "Searching for equipment"))
    rows = box(ann, team, 2)
    assert series(rows["Searching"]) == [0.5, 0.25]
    assert series(rows["Searching %"]) == [round(0.5 / 75 * 100, 6), round(0.25 / 75 * 100, 6)]


def test_measure_of_a_category_of_another_team_is_refused(app, ward, make_team, make_user, login):
    team, lead, _ = ward
    other = make_team()
    other_lead = Device(login(make_user(team=other, team_role="lead")))
    foreign = new_id()
    other_lead.push(upsert("time_lost_categories", foreign, team_id=other.id, name="Theirs"))
    result = lead.push(derived_measure(team, "Theirs", "time_lost", category=foreign))[0]
    assert result["status"] == "rejected" and "derived_category_id" in result["error"]["fields"]


def test_analysis_spans_the_whole_derived_history(app, ward, monkeypatch):
    stand_at(monkeypatch, "2026-11-26T10:00:00Z")
    team, lead, (ann, _) = ward
    lead.push(derived_measure(team, "Time lost", "time_lost"))
    first = date(2026, 6, 1)
    ann.push(*[entry(team, (first + timedelta(weeks=i)).isoformat(), "time_lost", 60 + (i % 3) * 6) for i in range(26)])
    row = box(ann, team, 4)["Time lost"]
    analysis = row["analysis"]
    assert analysis["history_start"] == "2026-06-01" and analysis["offset"] == 26 - 4
    assert analysis["phases"][0]["trial"] is False and len(analysis["points"]) == 4
