"""The board and national views and the bi-monthly board report over hand-made weeks, on both
databases: figures equal hand-computed ones and ``GET /api/fidelity``'s for the same dates;
milestones and highlights only inside the period's London weeks; "share in report" set only by
leads and coaches; who may see which board; the CSV and .xlsx; bad dates."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime, timedelta, timezone

import pytest
import sqlalchemy as sa

from server.extensions import db
from server.measures.models import Measure, measure_value_id
from server.milestones.models import TeamMilestone
from tests.fidelity.test_fidelity import push_at
from tests.measures.boxscore_testkit import Device, add_measure, add_values, new_id, upsert

NOW = "2026-11-04T12:00:00Z"  # Wednesday 4 November 2026 (GMT)
PERIOD = {"from": "2026-10-05", "to": "2026-10-25"}  # three ISO weeks: 5, 12 and 19 October
MONDAYS = [date(2026, 10, 5), date(2026, 10, 12), date(2026, 10, 19)]


def vm_entry(team, day: date) -> dict:
    return upsert("capacity_entries", new_id(), team_id=team.id, kind="admin", minutes=30, occurred_on=day.isoformat(),
                  category="Value Management")


def huddle(team, day: date, huddle_id: str | None = None) -> dict:
    return upsert("huddles", huddle_id or new_id(), team_id=team.id, held_on=day.isoformat(), attendee_count=6,
                  manager_present=False, finance_present=False, duration_minutes=15)


def note(team, huddle_id: str, text: str, **fields) -> dict:
    return upsert("huddle_notes", new_id(), team_id=team.id, huddle_id=huddle_id, step="celebrations", text=text, **fields)


def milestone(team, code: str, instant: str) -> None:
    db.session.add(TeamMilestone(team_id=team.id, code=code, evidence={},
                                 reached_at=datetime.fromisoformat(instant.replace("Z", "+00:00"))))
    db.session.commit()


def baseline(team, name: str, last: dict[str, float]) -> None:
    """A measure that should go down: 12 weeks alternating 10 and 11 from July (limits 7.84 to 13.16), then ``last``."""
    falls = add_measure(team, name=name, direction="down")
    weeks = {(date(2026, 7, 13) + timedelta(weeks=i)).isoformat(): 10.0 + i % 2 for i in range(12)}
    add_values(team, falls, {**weeks, **last})


@pytest.fixture
def org(app, frozen, make_board, make_team, make_user, login):
    north, south = make_board("North"), make_board("South")
    keen, patchy, idle = make_team(board=north, name="Keen"), make_team(board=north, name="Patchy"), make_team(board=north, name="Idle")
    far = make_team(board=south, name="Far")
    people = {"keen": make_user(team=keen, team_role="lead"), "keen_staff": make_user(team=keen),
              "patchy": make_user(team=patchy, team_role="lead"), "far": make_user(team=far, team_role="lead"),
              "coach": make_user("coach", coach_of=[keen, patchy]), "admin": make_user("admin"),
              "board_lead": make_user("board_lead"), "south_lead": make_user("board_lead")}
    api = {name: login(user) for name, user in people.items()}
    assert api["admin"].put(f"/api/boards/{north.id}/leads/{people['board_lead'].id}").status_code == 200
    assert api["admin"].put(f"/api/boards/{south.id}/leads/{people['south_lead'].id}").status_code == 200
    devices = {n: Device(a) for n, a in api.items()}

    # On the lead's tablet (a device's clock only moves forward, so its offline work is pushed in
    # order): an idea adopted (and shared) in the period; one shared but still testing; one adopted before it.
    t = Device(login(people["keen"], "Tablet"))
    adopted, testing, earlier = new_id(), new_id(), new_id()
    push_at(t, "2026-09-20T09:00:00Z", upsert("ideas", earlier, team_id=keen.id, title="Adopted in September",
                                               status="adopted", share_in_report=True, raised_on="2026-09-20"))
    push_at(t, "2026-10-07T09:00:00Z", upsert("ideas", adopted, team_id=keen.id, title="Bleep-free hour",
                                               description="No bleeps 2-3 pm", status="testing", raised_on="2026-10-07"))
    push_at(t, "2026-10-08T09:00:00Z", upsert("ideas", testing, team_id=keen.id, title="Still testing",
                                               status="testing", share_in_report=True, raised_on="2026-10-08"))
    push_at(t, "2026-10-14T09:00:00Z", upsert("ideas", adopted, status="adopted", share_in_report=True))
    # Keen: all three elements in each of the three weeks; Value Management time 30 minutes a week.
    k = devices["keen"]
    for monday in MONDAYS:
        push_at(k, f"{monday + timedelta(days=1)}T10:00:00Z", upsert("ideas", new_id(), team_id=keen.id, title="Hoist",
                                                                      raised_on=str(monday)))
    huddles = [new_id() for _ in MONDAYS]
    k.push(*(vm_entry(keen, m + timedelta(days=1)) for m in MONDAYS),
           *(huddle(keen, m + timedelta(days=1), h) for m, h in zip(MONDAYS, huddles)))
    late = new_id()
    k.push(huddle(keen, date(2026, 11, 3), late))
    results = k.push(note(keen, huddles[1], "Falls halved on the ward", share_in_report=True),
                     note(keen, huddles[1], "Printer broken again"),
                     note(keen, late, "Shared, but after the period", share_in_report=True))
    assert [r["status"] for r in results] == ["applied"] * 3
    # An idea adopted (and shared) in the period; one shared but still testing; one adopted before it.
    baseline(keen, "Falls", {"2026-10-05": 10.0, "2026-10-12": 5.0})  # below the lower limit: improvement

    # Patchy: a box score every week, one huddle, no board: "some". Its signal comes after the period.
    p = devices["patchy"]
    p.push(*(vm_entry(patchy, m) for m in MONDAYS), huddle(patchy, MONDAYS[0]))
    baseline(patchy, "Waits", {"2026-11-02": 5.0})
    # Far (South): all three, in another board.
    f = devices["far"]
    for monday in MONDAYS:
        push_at(f, f"{monday}T10:00:00Z", upsert("ideas", new_id(), team_id=far.id, title="Far idea", raised_on=str(monday)))
    f.push(*(vm_entry(far, m) for m in MONDAYS), *(huddle(far, m) for m in MONDAYS))

    # Milestones at the period's London edges (the pushes above reached theirs "now", after it).
    milestone(keen, "vision_agreed", "2026-10-13T09:00:00Z")
    milestone(idle, "vision_agreed", "2026-10-04T22:30:00Z")  # Sunday 23:30 BST: the week before
    milestone(idle, "sustaining", "2026-10-04T23:30:00Z")  # Monday 00:30 BST: the first week
    milestone(idle, "measures_chosen", "2026-10-25T23:30:00Z")  # Sunday 23:30 GMT (clocks went back): the last week
    milestone(idle, "team_started", "2026-10-26T00:30:00Z")  # Monday: the week after
    return {"boards": (north, south), "teams": {"keen": keen, "patchy": patchy, "idle": idle, "far": far},
            "api": api, "devices": devices, "notes": huddles}


def get(api, path, **query):
    response = api.get(path, query_string=query)
    return response.status_code, response.json


def test_the_report_equals_hand_computed_figures_and_the_fidelity_endpoint(org):
    api, (north, _), teams = org["api"], org["boards"], org["teams"]
    status, report = get(api["board_lead"], f"/api/boards/{north.id}/report", **PERIOD)
    assert status == 200, report
    assert report["period"] == {"from": "2026-10-05", "to": "2026-10-25", "first_week": "2026-10-05",
                                "last_week": "2026-10-19", "weeks": 3}
    rows = {r["team_name"]: r for r in report["teams"]}
    assert list(rows) == ["Idle", "Keen", "Patchy"]
    assert {n: (r["box_score_weeks"], r["board_weeks"], r["huddle_weeks"], r["status"]) for n, r in rows.items()} == {
        "Idle": (0, 0, 0, "none"), "Keen": (3, 3, 3, "all_three"), "Patchy": (3, 0, 1, "some")}
    assert rows["Keen"]["protected_minutes"] == {"huddle": 45, "box_score_and_board": 90, "per_week": 45.0}
    assert rows["Patchy"]["protected_minutes"] == {"huddle": 15, "box_score_and_board": 90, "per_week": 35.0}
    assert report["protected_minutes"] == {"huddle": 60, "box_score_and_board": 180}
    assert report["summary"] == {"all_three": 1, "some": 1, "none": 1}

    status, pinned = get(api["admin"], "/api/fidelity", board_id=north.id, **PERIOD)
    assert status == 200
    keys = ("team_id", "board_id", "box_score_weeks", "board_weeks", "huddle_weeks", "status")
    assert [{k: r[k] for k in keys} for r in report["teams"]] == pinned["teams"]
    assert report["summary"] == pinned["summary"]

    assert [(m["team_name"], m["code"]) for m in report["milestones"]] == [
        ("Idle", "sustaining"), ("Keen", "vision_agreed"), ("Idle", "measures_chosen")]
    assert {r["team_name"]: r["milestones_reached"] for r in report["teams"]} == {"Idle": 2, "Keen": 1, "Patchy": 0}

    [signal] = report["signals"]
    assert (signal["team_name"], signal["measure_name"], signal["weeks"]) == ("Keen", "Falls", ["2026-10-12"])
    assert [p["week_start"] for p in signal["points"]] == ["2026-10-05", "2026-10-12", "2026-10-19"]
    assert [p["value"] for p in signal["points"]] == [10.0, 5.0, None]
    assert signal["points"][1]["signal"] == "improvement" and signal["points"][1]["lower"] == pytest.approx(7.84)
    assert {r["team_name"]: r["improvement_signals"] for r in report["teams"]} == {"Idle": 0, "Keen": 1, "Patchy": 0}

    assert [(h["kind"], h["team_name"], h["on"], h["title"], h["text"]) for h in report["highlights"]] == [
        ("huddle_note", "Keen", "2026-10-13", None, "Falls halved on the ward"),
        ("idea", "Keen", "2026-10-14", "Bleep-free hour", "No bleeps 2-3 pm")]


def test_board_and_national_views_drill_down_with_the_same_figures(org):
    api, (north, south), teams = org["api"], org["boards"], org["teams"]
    status, nation = get(api["admin"], "/api/overview", **PERIOD)
    assert status == 200, nation
    assert [(b["board_name"], b["teams"], b["summary"], b["milestones_reached"], b["teams_with_improvement_signals"])
            for b in nation["boards"]] == [
        ("North", 3, {"all_three": 1, "some": 1, "none": 1}, 3, 1),
        ("South", 1, {"all_three": 1, "some": 0, "none": 0}, 0, 0)]
    assert nation["summary"] == {"all_three": 2, "some": 1, "none": 1}
    assert (nation["teams"], nation["milestones_reached"], nation["teams_with_improvement_signals"]) == (4, 3, 1)
    assert get(api["admin"], "/api/fidelity", **PERIOD)[1]["summary"] == nation["summary"]

    status, board = get(api["admin"], f"/api/boards/{north.id}/overview", **PERIOD)
    assert status == 200
    assert board["summary"] == nation["boards"][0]["summary"]
    assert [(r["team_name"], r["status"], r["milestones_reached"], r["improvement_signals"]) for r in board["teams"]] == [
        ("Idle", "none", 2, 0), ("Keen", "all_three", 1, 1), ("Patchy", "some", 0, 0)]
    assert [s["measure_name"] for s in board["signals"]] == ["Falls"] and "points" not in board["signals"][0]
    assert "highlights" not in board

    # A board lead's nation is their own board.
    status, theirs = get(api["board_lead"], "/api/overview", **PERIOD)
    assert [b["board_name"] for b in theirs["boards"]] == ["North"] and theirs["summary"] == board["summary"]


def test_a_value_synced_after_a_view_counts_in_the_next_one(org):
    """The views keep each team's signals until its data changes: a value pushed later is seen."""
    api, devices, patchy = org["api"], org["devices"], org["teams"]["patchy"]

    def north_signals() -> int:
        return get(api["admin"], "/api/overview", **PERIOD)[1]["boards"][0]["teams_with_improvement_signals"]

    assert north_signals() == 1
    waits = db.session.scalar(sa.select(Measure.id).where(Measure.team_id == patchy.id, Measure.name == "Waits"))
    [pushed] = devices["patchy"].push(upsert("measure_values", measure_value_id(waits, "2026-10-19"), team_id=patchy.id,
                                             measure_id=waits, week_start="2026-10-19", value=5.0))
    assert pushed["status"] == "applied", pushed
    assert north_signals() == 2


def test_the_trend_counts_each_of_the_last_twelve_months_as_fidelity_does(org):
    api, (north, _), _teams = org["api"], org["boards"], org["teams"]
    status, trend = get(api["board_lead"], "/api/fidelity/trend", board_id=north.id)
    assert status == 200, trend
    months = trend["months"]
    assert [m["month"] for m in months][0] == "2025-11" and months[-1]["month"] == "2026-10" and len(months) == 12
    october = months[-1]
    assert (october["from"], october["to"], october["weeks"]) == ("2026-10-01", "2026-10-31", 5)
    for m in (months[-1], months[-2], months[0]):
        pinned = get(api["admin"], "/api/fidelity", board_id=north.id, **{"from": m["from"], "to": m["to"]})[1]
        assert m["summary"] == pinned["summary"] and m["weeks"] == pinned["weeks"]
    # October's five weeks: Keen's three are short of ⌈3.75⌉ = 4.
    assert october["summary"] == {"all_three": 0, "some": 2, "none": 1}
    assert months[0]["summary"] == {"all_three": 0, "some": 0, "none": 3}
    assert get(api["admin"], "/api/fidelity/trend")[1]["teams"] == 4


def test_without_dates_the_report_covers_the_last_two_complete_months(org):
    api, (north, _), _ = org["api"], org["boards"], org["teams"]
    status, report = get(api["admin"], f"/api/boards/{north.id}/report")
    assert status == 200
    assert (report["period"]["from"], report["period"]["to"], report["period"]["weeks"]) == ("2026-09-01", "2026-10-31", 9)
    pinned = get(api["admin"], "/api/fidelity", board_id=north.id, **{"from": "2026-09-01", "to": "2026-10-31"})[1]
    assert report["summary"] == pinned["summary"]


def test_share_in_report_is_set_by_leads_and_coaches_only(org, frozen):
    api, devices, teams, (north, _) = org["api"], org["devices"], org["teams"], org["boards"]
    keen = teams["keen"]
    shared = new_id()
    devices["keen"].push(note(keen, org["notes"][2], "Team thanked by patients"))
    # A member writes notes but does not choose what the board sees.
    [refused] = devices["keen_staff"].push(note(keen, org["notes"][2], "My own highlight", share_in_report=True))
    assert (refused["status"], refused["error"]["fields"]) == ("rejected", {"share_in_report": [
        "Only the team's leads and coaches choose what is shared in the board report."]})
    [ok] = devices["keen_staff"].push(upsert("huddle_notes", shared, team_id=keen.id, huddle_id=org["notes"][2],
                                             step="celebrations", text="Staff wrote this"))
    assert ok["status"] == "applied"
    frozen.advance(seconds=1)  # later than the note's creation, by every device's clock
    [marked] = devices["coach"].push(upsert("huddle_notes", shared, share_in_report=True))
    frozen.advance(seconds=1)
    assert marked["status"] == "applied"
    # The member may still edit the marked note, sending the mark back unchanged, but not unmark it.
    [edited] = devices["keen_staff"].push(upsert("huddle_notes", shared, text="Staff wrote this, edited", share_in_report=True))
    [unmarked] = devices["keen_staff"].push(upsert("huddle_notes", shared, share_in_report=False))
    assert (edited["status"], unmarked["status"]) == ("applied", "rejected"), (edited, unmarked)
    report = get(api["admin"], f"/api/boards/{north.id}/report", **PERIOD)[1]
    assert "Staff wrote this, edited" in [h["text"] for h in report["highlights"]]
    assert "My own highlight" not in [h["text"] for h in report["highlights"]]


def test_who_sees_which_board(org):
    api, (north, south) = org["api"], org["boards"]
    for path in ("overview", "report", "report.csv", "report.xlsx"):
        assert api["admin"].get(f"/api/boards/{south.id}/{path}", query_string=PERIOD).status_code == 200
        assert api["board_lead"].get(f"/api/boards/{north.id}/{path}", query_string=PERIOD).status_code == 200
        assert api["board_lead"].get(f"/api/boards/{south.id}/{path}", query_string=PERIOD).status_code == 403
        for who in ("coach", "keen", "keen_staff"):
            assert api[who].get(f"/api/boards/{north.id}/{path}", query_string=PERIOD).status_code == 403
    assert get(api["board_lead"], "/api/fidelity/trend", board_id=south.id)[0] == 403
    assert get(api["south_lead"], "/api/fidelity/trend")[1]["teams"] == 1
    for who in ("coach", "keen"):
        assert get(api[who], "/api/overview")[0] == 403 and get(api[who], "/api/fidelity/trend")[0] == 403
    assert get(api["admin"], "/api/boards/no-such-board/report")[0] == 404


def test_the_csv_and_xlsx_hold_the_reports_figures(org):
    from openpyxl import load_workbook

    api, (north, _) = org["api"], org["boards"]
    response = api["board_lead"].get(f"/api/boards/{north.id}/report.csv", query_string=PERIOD)
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert 'filename="board-report-north-2026-10-05-to-2026-10-25.csv"' in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.get_data().decode("utf-8-sig"))))
    assert rows[0][0] == "Board report: North"
    assert ["Fidelity", "Keen", "3", "3", "3", "3", "All three", "45", "90", "45"] in rows
    assert ["Fidelity", "Patchy", "3", "0", "1", "3", "Some", "15", "90", "35"] in rows
    assert ["Fidelity in total", "All three", "1"] in rows and ["Fidelity in total", "None", "1"] in rows
    assert ["Milestones reached", "Idle", "Measures chosen", "2026-10-25"] in rows
    assert ["Improvement signals", "Keen", "Falls", "", "2026-10-12", "Making Data Count (XmR)"] in rows or any(
        r[:5] == ["Improvement signals", "Keen", "Falls", "", "2026-10-12"] for r in rows)
    assert ["Highlights", "Keen", "2026-10-13", "Huddle note (Celebrations)", "", "Falls halved on the ward"] in rows
    assert ["Highlights", "Keen", "2026-10-14", "Adopted idea", "Bleep-free hour", "No bleeps 2-3 pm"] in rows

    response = api["board_lead"].get(f"/api/boards/{north.id}/report.xlsx", query_string=PERIOD)
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.get_data()))
    assert book.sheetnames == ["Fidelity", "Fidelity in total", "Milestones reached", "Improvement signals", "Highlights"]
    fidelity = [list(r) for r in book["Fidelity"].iter_rows(min_row=4, values_only=True)]
    assert ["Keen", 3, 3, 3, 3, "All three", 45, 90, 45.0] in fidelity
    highlights = [list(r) for r in book["Highlights"].iter_rows(min_row=4, values_only=True)]
    assert [h[4] for h in highlights] == ["Falls halved on the ward", "No bleeps 2-3 pm"]


@pytest.mark.parametrize("query, field", [
    ({"from": "2026-10-21"}, "to"), ({"to": "2026-10-21"}, "from"), ({"from": "2026-10-21", "to": "2026-10-01"}, "to"),
    ({"from": "21/10/2026", "to": "2026-10-22"}, "from"), ({"from": "1990-01-01", "to": "2026-10-22"}, "to"),
])
def test_bad_dates_are_refused_naming_the_field(org, query, field):
    api, (north, _) = org["api"], org["boards"]
    for path in (f"/api/boards/{north.id}/report", f"/api/boards/{north.id}/report.csv", f"/api/boards/{north.id}/overview",
                 "/api/overview"):
        status, body = get(api["admin"], path, **query)
        assert status == 422 and field in body["error"]["fields"], (path, body)
