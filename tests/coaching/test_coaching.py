"""Coaching conversations, the coach's caseload and protected time (issue 14), on both databases.

The clock stands at Thursday 22 October 2026, 00:30 in London: this week began on Monday 19 October,
so the caseload's last 4 complete weeks are those of 21 and 28 September and 5 and 12 October."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from server.measures.models import measure_value_id
from tests.fidelity.test_fidelity import entry, huddle, idea, push_at
from tests.measures.boxscore_testkit import Device, new_id, upsert

NOW = "2026-10-21T23:30:00Z"
THIS_MONDAY = date(2026, 10, 19)
LAST_FOUR = [date(2026, 9, 21), date(2026, 9, 28), date(2026, 10, 5), date(2026, 10, 12)]


@pytest.fixture
def org(app, frozen, make_board, make_team, make_user, login):
    north, south = make_board("North"), make_board("South")
    steady, quiet, worried = (make_team(board=north, name="Steady"), make_team(board=south, name="Quiet"),
                              make_team(board=north, name="Worried"))
    other = make_team(board=north, name="Other")
    people = {"steady": make_user(team=steady, team_role="lead"), "quiet": make_user(team=quiet, team_role="lead"),
              "worried": make_user(team=worried, team_role="lead"), "other_lead": make_user(team=other, team_role="lead"),
              "staff": make_user(team=steady), "coach": make_user("coach", coach_of=[steady, quiet, worried]),
              "other_coach": make_user("coach", coach_of=[other]), "co_coach": make_user("coach", coach_of=[steady]),
              "admin": make_user("admin")}
    api = {name: login(user) for name, user in people.items()}
    return {"teams": {"steady": steady, "quiet": quiet, "worried": worried, "other": other}, "api": api,
            "people": people, "devices": {n: Device(a) for n, a in api.items()}}


NOTE = {"held_on": "2026-10-15", "discussed": "Reviewed the falls chart and the hoist idea.",
        "next_steps": "Test the hoist checklist for two weeks.", "next_on": "2026-11-05"}


def notes_url(team) -> str:
    return f"/api/teams/{team.id}/coaching-notes"


# ------------------------------------------------------------------------------------------------ notes
def test_a_coach_records_a_conversation_that_the_leads_read_and_nobody_else(org):
    api, steady = org["api"], org["teams"]["steady"]
    created = api["coach"].post(notes_url(steady), json=NOTE)
    assert created.status_code == 201, created.json
    note = created.json
    assert {k: note[k] for k in NOTE} == NOTE
    assert (note["team_id"], note["coach_id"], note["coach_name"]) == (steady.id, org["people"]["coach"].id,
                                                                       org["people"]["coach"].name)
    for reader in ("coach", "co_coach", "steady", "admin"):
        listed = api[reader].get(notes_url(steady))
        assert listed.status_code == 200 and [n["id"] for n in listed.json["notes"]] == [note["id"]], reader
    # The team's staff read the team but not its coaching notes; other teams' people do not see the team.
    refused = api["staff"].get(notes_url(steady))
    assert refused.status_code == 403 and refused.json["error"]["code"] == "forbidden"
    for outsider in ("other_lead", "other_coach", "quiet"):
        assert api[outsider].get(notes_url(steady)).status_code == 404, outsider
    # A lead reads them but does not write them (the coach records the conversation).
    assert api["steady"].post(notes_url(steady), json=NOTE).status_code == 403


def test_notes_are_checked_and_only_their_author_changes_them(org):
    api, steady = org["api"], org["teams"]["steady"]
    future = api["coach"].post(notes_url(steady), json={**NOTE, "held_on": "2026-10-23", "next_on": None})
    assert future.status_code == 422 and list(future.json["error"]["fields"]) == ["held_on"]
    assert "before it is held" in future.json["error"]["fields"]["held_on"][0]
    backwards = api["coach"].post(notes_url(steady), json={**NOTE, "next_on": "2026-10-15"})
    assert backwards.status_code == 422 and backwards.json["error"]["fields"] == {"next_on": ["The next conversation must be after this one."]}
    blank = api["coach"].post(notes_url(steady), json={**NOTE, "discussed": "   "})
    assert blank.status_code == 422 and list(blank.json["error"]["fields"]) == ["discussed"]
    assert api["coach"].get(notes_url(steady)).json["notes"] == []  # nothing half-written

    note = api["coach"].post(notes_url(steady), json=NOTE).json
    changed = api["coach"].put(f"{notes_url(steady)}/{note['id']}", json={**NOTE, "next_on": "2026-11-12"})
    assert changed.status_code == 200 and changed.json["next_on"] == "2026-11-12"
    assert api["co_coach"].put(f"{notes_url(steady)}/{note['id']}", json=NOTE).status_code == 403
    assert api["co_coach"].delete(f"{notes_url(steady)}/{note['id']}").status_code == 403
    assert api["coach"].delete(f"{notes_url(org['teams']['quiet'])}/{note['id']}").status_code == 404  # not that team's
    assert api["coach"].delete(f"{notes_url(steady)}/{note['id']}").status_code == 204
    assert api["coach"].get(notes_url(steady)).json["notes"] == []


# ------------------------------------------------------------------------------------------------ caseload
def falls_history(team, last_value: float) -> list[dict]:
    """A falls measure (lower is better) with 12 quiet weeks before the week of 12 October and
    ``last_value`` in that week."""
    falls = upsert("measures", new_id(), team_id=team.id, name="Falls", group="performance", direction="down")
    weeks = [LAST_FOUR[-1] - timedelta(weeks=12 - i) for i in range(13)]
    values = [2, 3] * 6 + [last_value]
    return [falls, *(upsert("measure_values", measure_value_id(falls["record_id"], w), team_id=team.id,
                            measure_id=falls["record_id"], week_start=w.isoformat(), value=v)
                     for w, v in zip(weeks, values))]


def build_caseload(org):
    teams, devices, api = org["teams"], org["devices"], org["api"]
    steady, quiet, worried = teams["steady"], teams["quiet"], teams["worried"]
    # Steady keeps all three going in the last 4 complete weeks (its board in 3 of them, enough) and
    # talked to its coach last week.
    d = devices["steady"]
    for monday in LAST_FOUR[1:]:
        push_at(d, f"{monday + timedelta(days=1)}T10:00:00Z", idea(steady))
    d.push(*(entry(steady, m) for m in LAST_FOUR),
           *(upsert("huddles", new_id(), team_id=steady.id, held_on=(m + timedelta(days=1)).isoformat(), attendee_count=6,
                    manager_present=False, finance_present=False, duration_minutes=15) for m in LAST_FOUR))
    assert api["coach"].post(notes_url(steady), json=NOTE).status_code == 201
    # Quiet logged its time in only 2 of the 4 weeks, last huddled on 29 September and has not touched its board.
    q = devices["quiet"]
    q.push(*(entry(quiet, m) for m in LAST_FOUR[2:]), huddle(quiet, date(2026, 9, 29)))
    # Worried keeps all three going, but its falls jumped last week; its last coaching call was on 1 September
    # with no date agreed for the next (due four weeks on), and an action is overdue.
    w = devices["worried"]
    for monday in LAST_FOUR:
        push_at(w, f"{monday + timedelta(days=2)}T10:00:00Z", idea(worried))
    w.push(*(entry(worried, m) for m in LAST_FOUR), *(huddle(worried, m + timedelta(days=1)) for m in LAST_FOUR),
           huddle(worried, date(2026, 10, 20)), *falls_history(worried, 12),
           upsert("actions", new_id(), team_id=worried.id, title="Order the hoist slings", due_on="2026-10-01"))
    assert api["coach"].post(notes_url(worried), json={**NOTE, "held_on": "2026-09-01", "next_on": None}).status_code == 201


def test_the_caseload_puts_the_teams_needing_help_first_with_their_reasons(org):
    build_caseload(org)
    response = org["api"]["coach"].get("/api/caseload")
    assert response.status_code == 200, response.json
    body = response.json
    assert body["today"] == "2026-10-22"
    assert [t["team_name"] for t in body["teams"]] == ["Quiet", "Worried", "Steady"]
    quiet, worried, steady = body["teams"]
    assert [(r["code"], r["text"], r["needs_help"]) for r in quiet["reasons"]] == [
        ("no_huddle", "No huddle for 3 weeks (last on 29 September)", True),
        ("slipping", "Fidelity slipping: box score updated in 2 of the last 4 weeks; board updated in 0 of the last 4 weeks; "
                     "huddle held in 1 of the last 4 weeks", True),
        ("no_conversation", "No coaching conversation recorded yet", False)]
    assert [(r["code"], r["text"]) for r in worried["reasons"]] == [
        ("concern_signal", "Concern signal on Falls"),
        ("conversation_overdue", "Coaching conversation overdue (due 29 September)"),
        ("actions_overdue", "1 action overdue")]
    assert steady["reasons"] == [] and steady["needs_help"] is False and quiet["needs_help"] is True

    assert worried["signals"] == [{"measure_id": worried["signals"][0]["measure_id"], "measure_name": "Falls",
                                   "signal": "concern", "week_start": "2026-10-12"}]
    assert (worried["overdue_actions"], worried["last_huddle_on"], worried["conversation_overdue"]) == (1, "2026-10-20", True)
    assert worried["this_week"] == {"box_score": False, "board": True, "huddle": True}  # the action is this week's board work
    # The strips: 12 complete weeks, oldest first.
    assert steady["weeks"][0] == "2026-07-27" and steady["weeks"][-1] == "2026-10-12" and len(steady["weeks"]) == 12
    assert steady["strips"]["huddle"] == [False] * 8 + [True] * 4
    assert quiet["strips"]["huddle"] == [False] * 9 + [True] + [False] * 2
    assert steady["fidelity"] == {"4": {"box_score_weeks": 4, "board_weeks": 3, "huddle_weeks": 4, "status": "all_three"},
                                  "12": {"box_score_weeks": 4, "board_weeks": 3, "huddle_weeks": 4, "status": "some"}}
    assert steady["last_note"]["discussed"] == NOTE["discussed"] and steady["next_conversation_on"] == "2026-11-05"
    assert steady["protected_minutes_per_week"] == 5.0  # 4 huddles of 15 minutes over 12 weeks
    codes = [m["code"] for m in steady["milestones"]]
    assert codes[:1] == ["team_started"] and "first_huddle" in codes and steady["milestones_total"] == 13


def test_only_coaches_have_a_caseload_and_it_lists_only_their_teams(org):
    api = org["api"]
    assert [t["team_name"] for t in api["other_coach"].get("/api/caseload").json["teams"]] == ["Other"]
    for name in ("staff", "steady", "admin"):
        refused = api[name].get("/api/caseload")
        assert refused.status_code == 403 and "coaches" in refused.json["error"]["message"], name


# ------------------------------------------------------------------------------------------------ protected time
def test_a_teams_fidelity_week_by_week_shows_what_value_management_took(org):
    steady, d, api = org["teams"]["steady"], org["devices"]["steady"], org["api"]
    d.push(upsert("huddles", new_id(), team_id=steady.id, held_on="2026-10-13", attendee_count=6, manager_present=True,
                  finance_present=False, duration_minutes=15),
           upsert("huddles", new_id(), team_id=steady.id, held_on="2026-10-15", attendee_count=4, manager_present=False,
                  finance_present=False, duration_minutes=20),
           upsert("huddles", new_id(), team_id=steady.id, held_on="2026-10-06", attendee_count=4, manager_present=False,
                  finance_present=False),  # its length was not recorded: it counts nothing
           upsert("capacity_entries", new_id(), team_id=steady.id, kind="admin", minutes=30, occurred_on="2026-10-14",
                  category="Value Management"),
           upsert("capacity_entries", new_id(), team_id=steady.id, kind="admin", minutes=45, occurred_on="2026-10-14"))
    response = api["staff"].get(f"/api/teams/{steady.id}/fidelity", query_string={"from": "2026-10-05", "to": "2026-10-21"})
    assert response.status_code == 200, response.json
    body = response.json
    assert body["by_week"] == [
        {"week_start": "2026-10-05", "box_score": False, "board": False, "huddle": True, "huddle_minutes": 0,
         "box_score_and_board_minutes": 0},
        {"week_start": "2026-10-12", "box_score": True, "board": False, "huddle": True, "huddle_minutes": 35,
         "box_score_and_board_minutes": 30},
        {"week_start": "2026-10-19", "box_score": False, "board": False, "huddle": False, "huddle_minutes": 0,
         "box_score_and_board_minutes": 0}]
    assert body["protected_minutes"] == {"huddle": 35, "box_score_and_board": 30, "per_week": 21.7}
    assert (body["weeks"], body["huddle_weeks"], body["status"], body["board_id"]) == (3, 2, "some", steady.board_id)
    # Without dates: the last 12 weeks up to this one.
    default = api["steady"].get(f"/api/teams/{steady.id}/fidelity").json
    assert (default["weeks"], default["by_week"][0]["week_start"], default["by_week"][-1]["week_start"]) == (12, "2026-08-03", "2026-10-19")
    assert api["other_lead"].get(f"/api/teams/{steady.id}/fidelity").status_code == 404
    half = api["steady"].get(f"/api/teams/{steady.id}/fidelity", query_string={"from": "2026-10-05"})
    assert half.status_code == 422 and list(half.json["error"]["fields"]) == ["to"]
