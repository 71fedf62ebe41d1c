"""The rules that depend on today's date, at the moments where dates go wrong (``MOMENTS`` in
tests/conftest.py: a British Summer Time night, ISO week 53, a Monday morning, a date far ahead).

Each test builds its data relative to the frozen moment, so it says the same thing on any day it runs.
"""

from __future__ import annotations

import io
from datetime import date, timedelta

from server.core import clock
from server.measures.collections import measure_value_id
from tests.measures.boxscore_testkit import Device, add_measure, new_id, rows_by_name, upsert, ward_with_lead


def iso(day: date) -> str:
    return day.isoformat()


def london_monday() -> date:
    today = clock.today()
    return today - timedelta(days=today.weekday())


def test_capacity_entries_may_be_dated_up_to_tomorrow_in_london(app, moment, make_team, make_user, login):
    team, lead = ward_with_lead(make_team, make_user, login)
    device = Device(lead)
    today = clock.today()
    days = [today - timedelta(days=400), today - timedelta(days=1), today, today + timedelta(days=1),
            today + timedelta(days=2)]
    results = device.push(*(upsert("capacity_entries", new_id(), team_id=team.id, kind="time_lost", minutes=15,
                                   occurred_on=iso(day)) for day in days))
    assert [r["status"] for r in results] == ["applied"] * 4 + ["rejected"]
    assert results[-1]["error"]["fields"] == {"occurred_on": ["Must not be more than one day in the future."]}


def test_weekly_values_may_be_entered_up_to_this_london_week(app, moment, make_team, make_user, login):
    team, lead = ward_with_lead(make_team, make_user, login)
    device = Device(lead)
    measure = new_id()
    device.push(upsert("measures", measure, team_id=team.id, name="Patients seen", group="performance"))
    this_week, next_week = london_monday(), london_monday() + timedelta(days=7)
    results = device.push(*(upsert("measure_values", measure_value_id(measure, iso(week)), team_id=team.id,
                                   measure_id=measure, week_start=iso(week), value=40)
                            for week in (this_week - timedelta(days=7), this_week, next_week)))
    assert [r["status"] for r in results] == ["applied", "applied", "rejected"]
    assert results[-1]["error"]["fields"] == {"week_start": ["Cannot be a future week."]}


def test_the_box_score_window_ends_with_this_london_week(app, moment, make_team, make_user, login):
    team, lead = ward_with_lead(make_team, make_user, login)
    device = Device(lead)
    today, monday = clock.today(), london_monday()
    device.push(
        upsert("measures", new_id(), team_id=team.id, name="Time lost", group="capacity", source="derived",
               derived_kind="time_lost", derived_unit="hours"),
        # today (this week), the Sunday before this week's Monday (last week), and tomorrow (not yet)
        *(upsert("capacity_entries", new_id(), team_id=team.id, kind="time_lost", minutes=minutes,
                 occurred_on=iso(day))
          for day, minutes in ((today, 30), (monday - timedelta(days=1), 90), (today + timedelta(days=1), 600))))
    body = lead.get(f"/api/teams/{team.id}/boxscore?weeks=12").json
    weeks = [date.fromisoformat(w) for w in body["weeks"]]
    assert body["this_week"] == iso(monday) and weeks[-1] == monday
    assert weeks == [monday - timedelta(days=7 * (11 - i)) for i in range(12)]
    assert all(w.weekday() == 0 for w in weeks)
    lost = rows_by_name(body)["Time lost"]
    tomorrow_counts = today.weekday() != 6  # on a Sunday, tomorrow is next week's
    assert lost["this_week"] == (10.5 if tomorrow_counts else 0.5)
    assert lost["last_week"] == 1.5


def test_an_import_refuses_next_week_and_takes_this_week(app, moment, make_team, make_user, login):
    team, lead = ward_with_lead(make_team, make_user, login)
    add_measure(team, "Patients seen")
    this_week, next_week = london_monday(), london_monday() + timedelta(days=7)
    content = f"Measure,{iso(this_week)},{iso(next_week)}\r\nPatients seen,40,41\r\n".encode()
    response = lead.post(f"/api/teams/{team.id}/measure-values/import", data={"file": (io.BytesIO(content), "v.csv")},
                         content_type="multipart/form-data")
    rows = {r["week_start"]: r for r in response.json["rows"]}
    assert rows[iso(this_week)]["status"] == "new"
    year, week, _ = next_week.isocalendar()
    assert rows[iso(next_week)]["error"] == f"Week {iso(next_week)} ({year}-W{week:02d}) is in the future."
