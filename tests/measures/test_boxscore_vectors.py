"""The shared box score vectors: what the server computes, which the PWA must compute offline too.

Each file in tests/vectors/boxscore/ holds plain records (as a device has them locally) and the box
score they give. The cases are defined here; after a deliberate change, rewrite the files with
`.venv/bin/python tests/measures/test_boxscore_vectors.py` and review the diff. The expectations that
matter are also checked by hand below, so the files cannot drift along with a bug.
"""

from __future__ import annotations

import json
import sys
from datetime import datetime
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from server.measures.boxscore import compute_from_records  # noqa: E402

VECTORS = ROOT / "tests" / "vectors" / "boxscore"

FORMAT = (
    "Format: input = {now: UTC instant (ISO 8601, Z); weeks: how many weeks to show; contracted_hours_per_week: "
    "number|null (the team's); categories: [{id, name, former_names}] (time_lost_categories records); measures: "
    "[measures records: id, name, group, subgroup, unit, direction, target, aim, operational_definition, source, "
    "derived_kind, derived_category_id, derived_unit, on_board, status, rule_set, rebase_weeks, position]; "
    "capacity_entries: [{occurred_on (London calendar day), kind, minutes, category|null}] (live "
    "capacity_entries records); measure_values: [{measure_id, week_start, value}]}. expected = {this_week: the "
    "Monday of the London week holding `now`; weeks: the Mondays shown, oldest first; groups: [{group, label, "
    "measures: [box score rows]}] always performance, capacity, cost, staff_experience}. A row repeats the measure's "
    "attributes and adds series [{week_start, value|null}] (one per shown week), this_week, last_week and analysis "
    "(spc.analyse over the whole history, points trimmed to the shown weeks: see server/measures/boxscore.py). "
    "Rules: weeks are ISO weeks Monday-Sunday; an entry counts in the week of its occurred_on. Derived: sum minutes of "
    "entries of derived_kind (and, with derived_category_id, whose category equals that category's name or one of "
    "its former_names, exactly); hours = round6(minutes / 60); percent_of_contracted = "
    "round6(minutes / 60 / contracted_hours_per_week * 100), null without contracted hours; round6(x) = "
    "Math.floor(x * 1e6 + 0.5) / 1e6. From the team's first week with any entry (any kind) to this week a week "
    "without entries is 0; before it null; entries after this week are ignored; an unknown category gives nulls. "
    "Manual: the value of that week or null (a measure_values record with value null is a cleared week: no value). Retired measures are left out; order within a group: position, "
    "name, id. Compare numbers exactly."
)

MEASURE_DEFAULTS = {
    "subgroup": None, "unit": None, "direction": "neutral", "target": None, "aim": None,
    "operational_definition": None, "source": "manual", "derived_kind": None, "derived_category_id": None,
    "derived_unit": None, "on_board": True, "status": "active", "rule_set": "mdc", "rebase_weeks": [], "position": 0,
}


def measure(id, name, group, **kw):
    return {"id": id, "name": name, "group": group, **MEASURE_DEFAULTS, **kw}


def derived(id, name, kind, unit="hours", category=None, **kw):
    return measure(id, name, "capacity", source="derived", derived_kind=kind, derived_unit=unit,
                   derived_category_id=category, unit="hours" if unit == "hours" else "% of contracted", direction="down", **kw)


def entry(day, kind, minutes, category=None):
    return {"occurred_on": day, "kind": kind, "minutes": minutes, "category": category}


def weekly_values(measure_id, first_monday, values):
    from datetime import date, timedelta

    start = date.fromisoformat(first_monday)
    return [{"measure_id": measure_id, "week_start": (start + timedelta(weeks=i)).isoformat(), "value": v}
            for i, v in enumerate(values) if v is not None]


def _case(name, description, **inputs):
    return {"name": name, "description": description, "input": {"weeks": 12, "contracted_hours_per_week": None,
                                                              "categories": [], "measures": [],
                                                              "capacity_entries": [], "measure_values": [], **inputs}}


CATEGORIES = [
    {"id": "cat-search", "name": "Searching for equipment", "former_names": ["Looking for kit", "Searching"]},
    {"id": "cat-it", "name": "IT problems", "former_names": []},
]

# 20 weeks of "patients seen": a stable baseline of 12, then an improvement that shifts the process up.
PATIENTS = [41, 44, 39, 42, 45, 40, 43, 38, 42, 44, 41, 43, 49, 51, 50, 52, 48, 53, 50, 51]
# Falls: one week far beyond the limits.
FALLS = [3, 2, 4, 3, 2, 3, 4, 2, 3, 3, 2, 4, 3, 11, 3, 2, 3, None, 2, 3]
# DNA rate: a steady fall, 7 in a row each lower than the one before.
DNAS = [12.5, 11.8, 13.1, 12.2, 12.9, 12.4, 13.0, 12.1, 12.6, 12.8, 12.3, 12.7, 12.2, 11.6, 11.1, 10.4, 9.9, 9.1, 8.8, 8.2]

CASES = [
    _case(
        "derived_hours_across_week_boundaries",
        "Entries on Sundays and Mondays land in their own ISO weeks; a week with no entries after the team's first "
        "capacity week is 0, before it null; this week counts so far; a future-dated entry is ignored.",
        now="2026-11-26T10:00:00Z", weeks=6, categories=CATEGORIES,
        measures=[
            derived("m-lost", "Time lost", "time_lost", position=1),
            derived("m-meet", "Time in meetings", "meeting", position=2),
            derived("m-admin", "Time on admin", "admin", position=3),
            derived("m-it", "Time lost to IT problems", "time_lost", category="cat-it", position=4),
        ],
        capacity_entries=[
            entry("2026-10-26", "time_lost", 15, "IT problems"), entry("2026-10-26", "meeting", 90),
            entry("2026-11-01", "time_lost", 30, "Waiting"),
            entry("2026-11-02", "time_lost", 45, "IT problems"), entry("2026-11-08", "meeting", 60),
            entry("2026-11-09", "admin", 20), entry("2026-11-15", "admin", 25),
            entry("2026-11-26", "time_lost", 10), entry("2026-11-30", "time_lost", 999),
        ],
    ),
    _case(
        "percent_of_contracted_hours",
        "Derived measures as % of the team's contracted hours (37.5 h a week) next to the same in hours.",
        now="2026-11-26T10:00:00Z", weeks=4, contracted_hours_per_week=37.5,
        measures=[derived("m-pct", "Time lost (% of contracted)", "time_lost", unit="percent_of_contracted"),
                  derived("m-hrs", "Time lost (hours)", "time_lost", position=1)],
        capacity_entries=[entry("2026-11-02", "time_lost", 90), entry("2026-11-10", "time_lost", 100),
                          entry("2026-11-11", "time_lost", 7), entry("2026-11-24", "meeting", 30)],
    ),
    _case(
        "percent_without_contracted_hours",
        "Without contracted hours a % measure has no values (null); the hours measure still does.",
        now="2026-11-26T10:00:00Z", weeks=3, contracted_hours_per_week=None,
        measures=[derived("m-pct", "Time lost (% of contracted)", "time_lost", unit="percent_of_contracted"),
                  derived("m-hrs", "Time lost (hours)", "time_lost", position=1)],
        capacity_entries=[entry("2026-11-10", "time_lost", 90)],
    ),
    _case(
        "category_rename_keeps_history",
        "A category measure counts entries under the category's current name and its former names, compared "
        "exactly ('looking for kit' in lower case is another category); a measure whose category is unknown is null.",
        now="2026-11-26T10:00:00Z", weeks=4, categories=CATEGORIES,
        measures=[derived("m-search", "Time searching for equipment", "time_lost", category="cat-search"),
                  derived("m-gone", "Time lost to a deleted category", "time_lost", category="cat-deleted", position=1)],
        capacity_entries=[entry("2026-11-03", "time_lost", 30, "Looking for kit"),
                          entry("2026-11-04", "time_lost", 15, "Searching"),
                          entry("2026-11-12", "time_lost", 20, "Searching for equipment"),
                          entry("2026-11-12", "time_lost", 12, "looking for kit"),
                          entry("2026-11-13", "time_lost", 40, "IT problems"),
                          entry("2026-11-24", "meeting", 25, "Searching for equipment")],
    ),
    _case(
        "manual_values_and_full_history_analysis",
        "20 weeks of manual values shown as 12: the analysis uses the whole history (limits from the first 12 "
        "points, offset 8); a shift after an improvement, one point beyond the limits, a falling trend; a re-based "
        "measure; a gap; a retired measure left out; a less-frequent one kept; an IHI run chart; a value dated "
        "next week ignored; order by position then name.",
        now="2026-11-26T10:00:00Z", weeks=12,
        measures=[
            measure("m-seen", "Patients seen", "performance", subgroup="access", unit="patients", direction="up",
                    target=45, aim="See 45 patients a week by March", position=0),
            measure("m-falls", "Falls", "performance", subgroup="safety", unit="falls", direction="down", target=2,
                    position=1),
            measure("m-dna", "DNA rate", "performance", subgroup="access", unit="%", direction="down", target=10,
                    rule_set="ihi", position=1),
            measure("m-rebased", "Patients seen (re-based)", "performance", subgroup="access", direction="up",
                    rebase_weeks=["2026-09-07", "2025-01-06"], position=3),
            measure("m-cost", "Bank and agency spend", "cost", unit="£", direction="down", status="less_frequent"),
            measure("m-joy", "Joy in work", "staff_experience", unit="score", direction="up",
                    operational_definition="Mean of the weekly 1-5 check-in"),
            measure("m-old", "Retired measure", "performance", status="retired"),
        ],
        measure_values=[
            *weekly_values("m-seen", "2026-07-13", PATIENTS),
            *weekly_values("m-falls", "2026-07-13", FALLS),
            *weekly_values("m-dna", "2026-07-13", DNAS),
            *weekly_values("m-rebased", "2026-07-13", PATIENTS),
            *weekly_values("m-cost", "2026-10-05", [1200, None, 980, None, 1010, None, 870, None]),
            *weekly_values("m-joy", "2026-11-16", [3.4, 3.9]),
            *weekly_values("m-old", "2026-11-16", [1, 2]),
            {"measure_id": "m-joy", "week_start": "2026-11-30", "value": 5},
            {"measure_id": "m-joy", "week_start": "2026-11-09", "value": None},
        ],
    ),
    _case(
        "dst_summer_sunday_night",
        "23:30 UTC on Sunday 28 June 2026 is 00:30 on Monday in London (BST): this week is 2026-06-29, and the "
        "Sunday's entries are last week's.",
        now="2026-06-28T23:30:00Z", weeks=3,
        measures=[derived("m-lost", "Time lost", "time_lost"),
                  measure("m-seen", "Patients seen", "performance", subgroup="access", direction="up")],
        capacity_entries=[entry("2026-06-28", "time_lost", 30), entry("2026-06-29", "time_lost", 15)],
        measure_values=[{"measure_id": "m-seen", "week_start": "2026-06-29", "value": 7},
                        {"measure_id": "m-seen", "week_start": "2026-06-22", "value": 5}],
    ),
    _case(
        "dst_clock_changes",
        "Entries on the Sundays the clocks change (29 March and 25 October 2026) stay in the week that ends that "
        "Sunday. 23:30 UTC on Sunday 25 October is still Sunday in London (GMT again), so this week is 2026-10-19.",
        now="2026-10-25T23:30:00Z", weeks=32,
        measures=[derived("m-lost", "Time lost", "time_lost")],
        capacity_entries=[entry("2026-03-29", "time_lost", 60), entry("2026-03-30", "time_lost", 30),
                          entry("2026-10-25", "time_lost", 45), entry("2026-10-26", "time_lost", 999)],
    ),
    _case("empty_team", "No measures: the four groups, each empty.", now="2026-11-26T10:00:00Z", weeks=2),
]


def _expected(case):
    return compute_from_records(case["input"])


def write_vectors() -> None:
    VECTORS.mkdir(parents=True, exist_ok=True)
    for case in CASES:
        body = {"name": case["name"], "description": f"{case['description']} {FORMAT}", "input": case["input"],
                "expected": _expected(case)}
        (VECTORS / f"{case['name']}.json").write_text(json.dumps(body, indent=1, ensure_ascii=False) + "\n")


def _load(name):
    return json.loads((VECTORS / f"{name}.json").read_text())


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_vector_file_matches_the_computation(case):
    stored = _load(case["name"])
    assert stored["input"] == case["input"], "vector input changed: regenerate and review"
    assert stored["expected"] == compute_from_records(stored["input"])


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_the_endpoint_reads_the_same_box_score_from_the_database(app, make_team, case, monkeypatch):
    """The vector's records written into the typed tables give the same rows through SQL."""
    from datetime import date

    from server.capacity.models import CapacityWeeklyTotal, TimeLostCategory
    from server.core import clock
    from server.extensions import db
    from server.measures import boxscore
    from server.measures.models import Measure, MeasureValue

    inputs = _load(case["name"])["input"]
    expected = _load(case["name"])["expected"]
    team = make_team(contracted_hours_per_week=inputs["contracted_hours_per_week"])
    now = clock.now()
    for c in inputs["categories"]:
        db.session.add(TimeLostCategory(id=c["id"], team_id=team.id, name=c["name"], former_names=c["former_names"],
                                        position=0, archived=False, created_at=now, updated_at=now))
    for m in inputs["measures"]:
        db.session.add(Measure(**m, team_id=team.id, created_at=now, updated_at=now))
    for v in inputs["measure_values"]:
        if v["value"] is None:
            continue  # a cleared week has no typed row
        db.session.add(MeasureValue(id=f"{v['measure_id']}/{v['week_start']}", team_id=team.id, user_id="u",
                                    measure_id=v["measure_id"], week_start=date.fromisoformat(v["week_start"]),
                                    value=v["value"], created_at=now, updated_at=now))
    for week, kind, category, minutes in boxscore.weekly_minutes_from_entries(inputs["capacity_entries"]):
        db.session.add(CapacityWeeklyTotal(team_id=team.id, week_start=week, kind=kind, category=category,
                                           minutes=minutes, entries=1))
    db.session.commit()
    monkeypatch.setattr(clock, "_source", clock.FrozenClock(inputs["now"]))
    body = boxscore.box_score(team, inputs["weeks"])
    assert {k: body[k] for k in ("this_week", "weeks", "groups")} == expected


def test_every_vector_file_is_a_case():
    assert sorted(p.stem for p in VECTORS.glob("*.json")) == sorted(c["name"] for c in CASES)


def _rows(name):
    expected = _load(name)["expected"]
    return expected, {m["id"]: m for g in expected["groups"] for m in g["measures"]}


def _values(row):
    return [p["value"] for p in row["series"]]


def test_hand_computed_weekly_sums():
    expected, rows = _rows("derived_hours_across_week_boundaries")
    assert expected["weeks"] == ["2026-10-19", "2026-10-26", "2026-11-02", "2026-11-09", "2026-11-16", "2026-11-23"]
    # 10-26: 15 + 30 (Sunday 1 Nov) = 45 min; 11-02: 45 min; 11-23: 10 min so far; 11-30 is the future.
    assert _values(rows["m-lost"]) == [None, 0.75, 0.75, 0.0, 0.0, 0.166667]
    assert _values(rows["m-meet"]) == [None, 1.5, 1.0, 0.0, 0.0, 0.0]
    assert _values(rows["m-admin"]) == [None, 0.0, 0.0, round(45 / 60, 6), 0.0, 0.0]
    assert _values(rows["m-it"]) == [None, 0.25, 0.75, 0.0, 0.0, 0.0]
    assert rows["m-lost"]["this_week"] == 0.166667 and rows["m-lost"]["last_week"] == 0.0


def test_hand_computed_percent_of_contracted():
    _, rows = _rows("percent_of_contracted_hours")
    assert _values(rows["m-pct"]) == [4.0, round(107 / 60 / 37.5 * 100, 6), 0.0, 0.0]
    assert _values(rows["m-hrs"]) == [1.5, round(107 / 60, 6), 0.0, 0.0]
    _, rows = _rows("percent_without_contracted_hours")
    assert _values(rows["m-pct"]) == [None, None, None] and _values(rows["m-hrs"]) == [1.5, 0.0, 0.0]


def test_renamed_category_keeps_its_history():
    _, rows = _rows("category_rename_keeps_history")
    assert _values(rows["m-search"]) == [0.75, round(20 / 60, 6), 0.0, 0.0]
    assert _values(rows["m-gone"]) == [None] * 4


def test_manual_series_and_full_history_analysis():
    expected, rows = _rows("manual_values_and_full_history_analysis")
    performance = expected["groups"][0]
    assert [g["group"] for g in expected["groups"]] == ["performance", "capacity", "cost", "staff_experience"]
    assert [m["id"] for m in performance["measures"]] == ["m-seen", "m-dna", "m-falls", "m-rebased"]
    assert "m-old" not in rows and rows["m-cost"]["status"] == "less_frequent"
    seen = rows["m-seen"]
    assert _values(seen) == PATIENTS[-12:] and seen["this_week"] == 51 and seen["last_week"] == 50
    analysis = seen["analysis"]
    assert analysis["offset"] == 8 and analysis["history_start"] == "2026-07-13"
    assert [p["index"] for p in analysis["points"]] == list(range(12))
    assert analysis["points"][0]["week_start"] == expected["weeks"][0]
    # limits from the first 12 weeks (8 of them before the window), not from the 12 shown
    baseline = PATIENTS[:12]
    mean = sum(baseline) / 12
    assert analysis["points"][0]["centre"] == pytest.approx(mean, abs=1e-6)
    assert analysis["variation"] == "improvement"
    # the one week of 11 falls is beyond the limits, a concern (fewer falls is better); no other week signals
    specials = [(p["week_start"], p["rules"], p["signal"]) for p in rows["m-falls"]["analysis"]["points"] if p["special"]]
    assert specials == [("2026-10-12", ["outside_limits"], "concern")]
    assert rows["m-dna"]["analysis"]["rule_set"] == "ihi"
    rebased = rows["m-rebased"]["analysis"]
    assert len(rebased["phases"]) == 2 and rebased["phases"][1]["start_week"] == "2026-09-07"
    assert _values(rows["m-joy"])[-3:] == [None, 3.4, 3.9] and rows["m-joy"]["this_week"] == 3.9


def test_london_weeks_at_dst():
    expected, rows = _rows("dst_summer_sunday_night")
    assert expected["this_week"] == "2026-06-29"
    assert rows["m-lost"]["this_week"] == 0.25 and rows["m-lost"]["last_week"] == 0.5
    assert rows["m-seen"]["this_week"] == 7 and rows["m-seen"]["last_week"] == 5
    expected, rows = _rows("dst_clock_changes")
    assert expected["this_week"] == "2026-10-19"
    series = {p["week_start"]: p["value"] for p in rows["m-lost"]["series"]}
    assert series["2026-03-23"] == 1.0 and series["2026-03-30"] == 0.5 and series["2026-10-19"] == 0.75


def test_empty_team_has_four_empty_groups():
    expected, rows = _rows("empty_team")
    assert rows == {} and [g["label"] for g in expected["groups"]] == ["Performance", "Capacity", "Cost", "Staff experience"]


if __name__ == "__main__":
    write_vectors()
    print(f"wrote {len(CASES)} vectors to {VECTORS}")
