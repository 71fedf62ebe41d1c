"""GET /api/teams/<id>/boxscore over the typed tables (written directly here; sync tests go through the engine)."""

from __future__ import annotations

import sqlalchemy as sa

from server.extensions import db
from server.measures.boxscore import box_score
from tests.measures.boxscore_testkit import (add_category, add_measure, add_totals, add_values, rows_by_name,
                                             series, stand_at)

NOW = "2026-11-26T10:00:00Z"  # a Thursday; this week is 2026-11-23


def test_shape_groups_and_default_window(app, make_team, make_user, login, monkeypatch):
    stand_at(monkeypatch, NOW)
    team = make_team(contracted_hours_per_week=400)
    add_measure(team, "Falls", subgroup="safety", direction="down", target=2, aim="Halve falls", position=2)
    add_measure(team, "Cost per patient", group="cost", unit="£")
    add_measure(team, "Old measure", status="retired")
    add_measure(team, "Joy in work", group="staff_experience", status="less_frequent")
    api = login(make_user(team=team))
    response = api.get(f"/api/teams/{team.id}/boxscore")
    assert response.status_code == 200
    body = response.json
    assert set(body) == {"team_id", "generated_at", "this_week", "weeks", "groups"}
    assert body["team_id"] == team.id and body["this_week"] == "2026-11-23"
    assert len(body["weeks"]) == 12 and body["weeks"][-1] == "2026-11-23" and body["weeks"][0] == "2026-09-07"
    assert [g["group"] for g in body["groups"]] == ["performance", "capacity", "cost", "staff_experience"]
    assert [g["label"] for g in body["groups"]][3] == "Staff experience"
    rows = rows_by_name(body)
    assert "Old measure" not in rows and rows["Joy in work"]["status"] == "less_frequent"
    falls = rows["Falls"]
    for key in ("id", "name", "subgroup", "unit", "direction", "target", "aim", "source", "status", "on_board",
                "rule_set", "series", "this_week", "last_week", "analysis"):
        assert key in falls
    assert falls["series"] == [{"week_start": w, "value": None} for w in body["weeks"]]
    assert falls["analysis"]["rule_set"] == "mdc" and falls["analysis"]["rule_set_label"]
    assert api.get(f"/api/teams/{team.id}/boxscore?weeks=52").json["weeks"][0] == "2025-12-01"
    for bad in ("0", "105", "x"):
        assert api.get(f"/api/teams/{team.id}/boxscore?weeks={bad}").status_code == 422


def test_derived_hours_percent_and_categories(app, make_team, make_user, login, monkeypatch):
    stand_at(monkeypatch, NOW)
    team = make_team(contracted_hours_per_week=37.5)
    search = add_category(team, "Searching for equipment", former_names=["Looking for kit"])
    add_measure(team, "Time lost", group="capacity", source="derived", derived_kind="time_lost", derived_unit="hours")
    add_measure(team, "Time lost %", group="capacity", source="derived", derived_kind="time_lost",
                derived_unit="percent_of_contracted")
    add_measure(team, "Searching", group="capacity", source="derived", derived_kind="time_lost",
                derived_category_id=search.id, derived_unit="hours")
    add_measure(team, "Meetings", group="capacity", source="derived", derived_kind="meeting", derived_unit="hours")
    add_totals(team, [
        ("2026-11-02", "time_lost", "Looking for kit", 30), ("2026-11-02", "time_lost", "IT problems", 60),
        ("2026-11-09", "time_lost", "Searching for equipment", 45), ("2026-11-09", "meeting", "", 120),
        ("2026-11-23", "time_lost", "", 15), ("2026-11-30", "time_lost", "", 600),  # next week: ignored
    ])
    body = login(make_user(team=team)).get(f"/api/teams/{team.id}/boxscore?weeks=5").json
    assert body["weeks"] == ["2026-10-26", "2026-11-02", "2026-11-09", "2026-11-16", "2026-11-23"]
    rows = rows_by_name(body)
    assert series(rows["Time lost"]) == [None, 1.5, 0.75, 0.0, 0.25]
    assert series(rows["Time lost %"]) == [None, 4.0, 2.0, 0.0, round(0.25 / 37.5 * 100, 6)]
    assert series(rows["Searching"]) == [None, 0.5, 0.75, 0.0, 0.0]
    assert series(rows["Meetings"]) == [None, 0.0, 2.0, 0.0, 0.0]
    assert rows["Time lost"]["this_week"] == 0.25 and rows["Time lost"]["last_week"] == 0.0

    team.contracted_hours_per_week = None
    db.session.commit()
    rows = rows_by_name(box_score(team, 5))
    assert series(rows["Time lost %"]) == [None] * 5 and series(rows["Time lost"])[1] == 1.5


def test_manual_series_and_analysis_over_whole_history(app, make_team, make_user, login, monkeypatch):
    stand_at(monkeypatch, NOW)
    team = make_team()
    seen = add_measure(team, "Patients seen", direction="up", target=45)
    weeks = [f"2026-{m:02d}-{d:02d}" for m, d in [(7, 13), (7, 20), (7, 27), (8, 3), (8, 10), (8, 17), (8, 24),
                                                  (8, 31), (9, 7), (9, 14), (9, 21), (9, 28), (10, 5), (10, 12),
                                                  (10, 19), (10, 26), (11, 2), (11, 9), (11, 16), (11, 23)]]
    values = [41, 44, 39, 42, 45, 40, 43, 38, 42, 44, 41, 43, 49, 51, 50, 52, 48, 53, 50, 51]
    add_values(team, seen, dict(zip(weeks, values)))
    row = rows_by_name(login(make_user(team=team)).get(f"/api/teams/{team.id}/boxscore?weeks=4").json)["Patients seen"]
    assert series(row) == [52, 48, 53, 50, 51][-4:] and row["this_week"] == 51 and row["last_week"] == 50
    analysis = row["analysis"]
    assert analysis["offset"] == 16 and analysis["history_start"] == "2026-07-13"
    assert [p["week_start"] for p in analysis["points"]] == weeks[-4:]
    assert analysis["points"][0]["centre"] == round(sum(values[:12]) / 12, 6)  # limits from the first 12 weeks
    assert analysis["phases"][0]["trial"] is False
    assert analysis["variation"] == "improvement" and analysis["special_count"] >= analysis["window_special_count"] > 0


def test_other_teams_see_nothing(app, make_team, make_user, login):
    team, other = make_team(), make_team()
    add_measure(team, "Secret measure")
    outsider = login(make_user(team=other))
    for suffix in ("boxscore", "boxscore.csv", "boxscore.xlsx"):
        response = outsider.get(f"/api/teams/{team.id}/{suffix}")
        assert response.status_code == 404 and b"Secret" not in response.get_data()
    assert login(make_user("coach", coach_of=[team])).get(f"/api/teams/{team.id}/boxscore").status_code == 200
    assert login(make_user("staff", team=team)).get(f"/api/teams/{team.id}/boxscore").status_code == 200


def test_box_score_reads_in_a_handful_of_queries(app, make_team, monkeypatch):
    stand_at(monkeypatch, NOW)
    team = make_team(contracted_hours_per_week=100)
    category = add_category(team, "Waiting")
    for i in range(10):
        m = add_measure(team, f"Manual {i}", position=i)
        add_values(team, m, {"2026-11-16": i, "2026-11-09": i + 1})
    for kind in ("time_lost", "meeting", "admin"):
        add_measure(team, f"Derived {kind}", group="capacity", source="derived", derived_kind=kind, derived_unit="hours")
    add_measure(team, "Waiting", group="capacity", source="derived", derived_kind="time_lost",
                derived_category_id=category.id, derived_unit="percent_of_contracted")
    add_totals(team, [(f"2026-{m:02d}-{d:02d}", "time_lost", "Waiting", 60) for m, d in [(10, 5), (10, 12), (11, 2)]])
    statements = []
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    sa.event.listen(db.engine, "before_cursor_execute", listener)
    try:
        body = box_score(team, 52)
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", listener)
    assert len([s for s in statements if s.lstrip().upper().startswith("SELECT")]) <= 4, statements
    assert len(body["weeks"]) == 52


def test_latest_signals_are_the_box_scores_new_signals(app, make_team, monkeypatch):
    """The caseload's short cut names exactly the signals the full box score shows: improvements and
    concerns, derived measures, a re-based measure, a measure whose latest value is too old, none."""
    stand_at(monkeypatch, NOW)
    team, quiet = make_team(contracted_hours_per_week=100), make_team()
    weeks = [f"2026-{m:02d}-{d:02d}" for m, d in [(7, 13), (7, 20), (7, 27), (8, 3), (8, 10), (8, 17), (8, 24),
                                                  (8, 31), (9, 7), (9, 14), (9, 21), (9, 28), (10, 5), (10, 12),
                                                  (10, 19), (10, 26), (11, 2), (11, 9), (11, 16), (11, 23)]]
    baseline = [41, 44, 39, 42, 45, 40, 43, 38, 42, 44, 41, 43]
    shifted = baseline + [49, 51, 50, 52, 48, 53, 50, 51]
    add_values(team, add_measure(team, "Up and up", direction="up"), dict(zip(weeks, shifted)))
    add_values(team, add_measure(team, "Worse", direction="down"), dict(zip(weeks, shifted)))
    add_values(team, add_measure(team, "Steady", direction="up"), dict(zip(weeks, baseline + baseline[:8])))
    add_values(team, add_measure(team, "Stopped in October", direction="up"), dict(zip(weeks[:16], shifted[:16])))
    add_values(team, add_measure(team, "Re-based", direction="up", rebase_weeks=[weeks[12]]), dict(zip(weeks, shifted)))
    add_values(team, add_measure(team, "Not last week", direction="up"), dict(zip(weeks[:-2] + weeks[-1:], shifted[:-1])))
    add_measure(team, "Time lost", group="capacity", source="derived", derived_kind="time_lost", derived_unit="hours",
                direction="down")
    add_totals(team, [(wk, "time_lost", "Waiting", minutes * 60) for wk, minutes in zip(weeks, shifted)])
    from datetime import date

    from server.measures.boxscore import latest_signals, new_signals

    since = date(2026, 11, 16)
    expected = {t.id: new_signals(box_score(t, 2), since) for t in (team, quiet)}
    assert latest_signals([team, quiet], since) == expected
    assert {s["measure_name"]: s["signal"] for s in expected[team.id]} == {
        "Up and up": "improvement", "Worse": "concern", "Not last week": "improvement", "Time lost": "concern"}
    assert expected[quiet.id] == []

    # The board report's short cut: every week a chart, as it stood in a past week, marks a signal.
    from datetime import datetime, timezone

    from server.measures.boxscore import signals_between

    then = datetime(2026, 10, 29, 10, tzinfo=timezone.utc)  # the week of 2026-10-26
    for signal in ("improvement", "concern"):
        found = signals_between([team, quiet], date(2026, 10, 5), then, signal, chart_weeks=4)
        score = box_score(team, 4, now=then)
        expected_weeks = {row["name"]: [date.fromisoformat(p["week_start"]) for p in row["analysis"]["points"]
                                        if p["value"] is not None and p["signal"] == signal]
                          for group in score["groups"] for row in group["measures"]}
        assert {hit["measure"]["name"]: hit["weeks"] for hit in found[team.id]} == {
            name: weeks for name, weeks in expected_weeks.items() if weeks}
        assert all(hit["row"] == next(row for group in score["groups"] for row in group["measures"]
                                      if row["id"] == hit["measure"]["id"]) for hit in found[team.id])
        assert quiet.id not in found
    improved = signals_between([team], date(2026, 10, 5), then, "improvement")[team.id]
    assert {hit["measure"]["name"] for hit in improved} == {"Up and up", "Stopped in October", "Not last week"}
