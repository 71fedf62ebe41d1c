"""Fidelity over hand-made weeks on both databases (the pinned rule of issue 14): each element's
weeks, offline board work counted for the week it was done, the ⌈0.75 N⌉ boundary, weeks with no
data, London week edges in summer time, and who may see which teams."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest

from sync import format_hlc
from tests.measures.boxscore_testkit import Device, new_id, upsert

NOW = "2026-10-21T23:30:00Z"  # Thursday 22 October 2026, 00:30 in London (BST until the 25th)
MONDAYS = [date(2026, 9, 28), date(2026, 10, 5), date(2026, 10, 12), date(2026, 10, 19)]  # N = 4


def at(instant: str, device: Device) -> str:
    """An hlc made by ``device`` at ``instant`` (as an offline device stamps its change)."""
    device.counter += 1
    millis = int(datetime.fromisoformat(instant.replace("Z", "+00:00")).timestamp() * 1000)
    return format_hlc(millis, device.counter, device.api.device_id)


def push_at(device: Device, instant: str, *mutations: dict) -> None:
    body = [{"id": device.next_id + i, "hlc": at(instant, device), **m} for i, m in enumerate(mutations)]
    device.next_id += len(mutations)
    response = device.api.post("/api/sync/push", json={"client_id": device.api.device_id, "schema_version": 1,
                                                        "mutations": body})
    assert response.status_code == 200 and all(r["status"] == "applied" for r in response.json["results"]), response.json


def entry(team, day: date) -> dict:
    return upsert("capacity_entries", new_id(), team_id=team.id, kind="admin", minutes=10, occurred_on=day.isoformat())


def huddle(team, day: date) -> dict:
    return upsert("huddles", new_id(), team_id=team.id, held_on=day.isoformat(), attendee_count=5,
                  manager_present=False, finance_present=False)


def idea(team, title="Hoist") -> dict:
    return upsert("ideas", new_id(), team_id=team.id, title=title, raised_on="2026-09-28")


@pytest.fixture
def org(app, frozen, make_board, make_team, make_user, login):
    north, south = make_board("North"), make_board("South")
    keen, patchy, idle = make_team(board=north, name="Keen"), make_team(board=north, name="Patchy"), make_team(board=north, name="Idle")
    far = make_team(board=south, name="Far")
    people = {"keen": make_user(team=keen, team_role="lead"), "patchy": make_user(team=patchy, team_role="lead"),
              "far": make_user(team=far, team_role="lead"), "coach": make_user("coach", coach_of=[patchy, far]),
              "admin": make_user("admin"), "board_lead": make_user("board_lead")}
    api = {name: login(user) for name, user in people.items()}
    assert api["admin"].put(f"/api/boards/{north.id}/leads/{people['board_lead'].id}").status_code == 200
    return {"boards": (north, south), "teams": {"keen": keen, "patchy": patchy, "idle": idle, "far": far},
            "api": api, "devices": {n: Device(a) for n, a in api.items()}}


def get(api, **query):
    response = api.get("/api/fidelity", query_string=query)
    return response.status_code, response.json


def test_each_element_counts_its_weeks_and_the_three_quarter_boundary_decides(org):
    teams, devices = org["teams"], org["devices"]
    keen, patchy = teams["keen"], teams["patchy"]
    # Keen: box score (an entry or a measure value) in 3 of 4 weeks, board in 3, huddle in 3: ⌈0.75×4⌉ = 3.
    d = devices["keen"]
    # A device's clock only moves forward: its board work through the weeks first, then today's pushes.
    for monday in (MONDAYS[0], MONDAYS[2], MONDAYS[3]):
        push_at(d, f"{monday + timedelta(days=1)}T10:00:00Z", idea(keen))
    d.push(entry(keen, MONDAYS[0] + timedelta(days=2)), entry(keen, MONDAYS[1]), entry(keen, MONDAYS[1] + timedelta(days=4)))
    from server.measures.models import measure_value_id

    falls = upsert("measures", new_id(), team_id=keen.id, name="Falls", group="performance", direction="down")
    d.push(falls, upsert("measure_values", measure_value_id(falls["record_id"], MONDAYS[3]), team_id=keen.id,
                         measure_id=falls["record_id"], week_start=MONDAYS[3].isoformat(), value=3))
    d.push(*(huddle(keen, m + timedelta(days=1)) for m in (MONDAYS[0], MONDAYS[1], MONDAYS[3])),
           huddle(keen, MONDAYS[3] + timedelta(days=2)))  # two in one week count once
    # Patchy: huddles in only 2 weeks, so "some" whatever else it does.
    p = devices["patchy"]
    for monday in MONDAYS:
        push_at(p, f"{monday}T09:00:00Z", idea(patchy))
    p.push(*(entry(patchy, m) for m in MONDAYS), *(huddle(patchy, m) for m in MONDAYS[:2]))

    status, body = get(org["api"]["admin"], board_id=org["boards"][0].id, **{"from": "2026-09-30", "to": "2026-10-21"})
    assert status == 200, body
    assert body["weeks"] == 4
    by_name = {t["team_id"]: t for t in body["teams"]}
    assert by_name[keen.id] == {"team_id": keen.id, "board_id": keen.board_id, "box_score_weeks": 3,
                                "board_weeks": 3, "huddle_weeks": 3, "status": "all_three"}
    assert (by_name[patchy.id]["huddle_weeks"], by_name[patchy.id]["status"]) == (2, "some")
    idle = by_name[teams["idle"].id]
    assert (idle["box_score_weeks"], idle["board_weeks"], idle["huddle_weeks"], idle["status"]) == (0, 0, 0, "none")
    assert body["summary"] == {"all_three": 1, "some": 1, "none": 1}
    assert teams["far"].id not in by_name  # another board

    # Five weeks: ⌈0.75×5⌉ = 4, which Keen's three weeks do not reach.
    status, body = get(org["api"]["admin"], board_id=org["boards"][0].id, **{"from": "2026-09-21", "to": "2026-10-25"})
    assert body["weeks"] == 5 and {t["team_id"]: t["status"] for t in body["teams"]}[keen.id] == "some"


def test_offline_board_work_counts_for_the_week_it_was_done_and_london_weeks_in_summer_time(org, frozen):
    team, d = org["teams"]["patchy"], org["devices"]["patchy"]
    # Made offline on Tuesday of the first week, synced a week and a half later.
    push_at(d, "2026-09-29T11:00:00Z", idea(team))
    # Monday 12 October 00:30 BST is Sunday 23:30 UTC: London says the week of the 12th.
    push_at(d, "2026-10-11T23:30:00Z", idea(team, "After midnight"))
    # A capacity entry logged at Sunday 23:30 BST carries Sunday's London date: the week of the 5th.
    d.push(entry(team, date(2026, 10, 11)))
    status, body = get(org["api"]["coach"], **{"from": "2026-09-28", "to": "2026-10-18"})
    assert status == 200, body
    [row] = [t for t in body["teams"] if t["team_id"] == team.id]
    assert (row["board_weeks"], row["box_score_weeks"]) == (2, 1)
    from server.fidelity.models import TeamBoardWeek
    from server.extensions import db
    import sqlalchemy as sa

    weeks = sorted(db.session.scalars(sa.select(TeamBoardWeek.week_start).where(TeamBoardWeek.team_id == team.id)))
    assert weeks == [date(2026, 9, 28), date(2026, 10, 12)]


def test_who_sees_which_teams(org):
    api, (north, south), teams = org["api"], org["boards"], org["teams"]
    period = {"from": "2026-10-01", "to": "2026-10-21"}

    def team_ids(who, **query):
        status, body = get(api[who], **period, **query)
        return status, sorted(t["team_id"] for t in body["teams"]) if status == 200 else body["error"]["code"]

    assert team_ids("admin") == (200, sorted(t.id for t in teams.values()))
    assert team_ids("board_lead") == (200, sorted(t.id for n, t in teams.items() if n != "far"))
    assert team_ids("board_lead", board_id=south.id) == (403, "forbidden")
    assert team_ids("coach") == (200, sorted([teams["patchy"].id, teams["far"].id]))
    assert team_ids("coach", board_id=south.id) == (200, [teams["far"].id])
    assert team_ids("keen") == (403, "forbidden")
    assert team_ids("admin", board_id="no-such-board") == (404, "not_found")


@pytest.mark.parametrize("query, field", [
    ({"from": "2026-10-21"}, "to"), ({"from": "2026-10-21", "to": "2026-10-01"}, "to"),
    ({"from": "21/10/2026", "to": "2026-10-22"}, "from"), ({"from": "1990-01-01", "to": "2026-10-22"}, "to"),
])
def test_bad_periods_are_refused_naming_the_field(org, query, field):
    status, body = get(org["api"]["admin"], **query)
    assert status == 422 and field in body["error"]["fields"], body
