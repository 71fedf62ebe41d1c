"""Huddles, huddle notes, ideas, PDSA cycles and actions through the real sync API, on both databases:
each collection's validation, who may write and delete, links that stay inside the team, and the
read tables the board and the fidelity reports query."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from server.core import clock
from server.extensions import db
from server.huddles.models import Huddle, HuddleNote
from server.improvement.models import Action, Idea, IdeaMove, PdsaCycle
from server.sync_api.models import SyncConflict
from tests.measures.boxscore_testkit import Device, new_id, upsert


@pytest.fixture
def ward(make_team, make_user, login):
    """A team with a lead, two members and a coach, and another team with its own lead."""
    team, other = make_team(), make_team()
    people = {
        "lead": make_user(team=team, team_role="lead"), "ann": make_user(team=team), "bob": make_user(team=team),
        "coach": make_user("coach", coach_of=[team]), "outsider": make_user(team=other, team_role="lead"),
        "admin": make_user("admin"),
    }
    devices = {name: Device(login(user)) for name, user in people.items()}
    return team, other, devices


def today(days: int = 0) -> str:
    return (clock.today() + timedelta(days=days)).isoformat()


def huddle(team, record_id=None, **over):
    fields = {"team_id": team.id, "held_on": today(), "attendee_count": 9, "manager_present": True,
              "finance_present": False, **over}
    return upsert("huddles", record_id or new_id(), **fields)


def idea(team, record_id=None, **over):
    return upsert("ideas", record_id or new_id(), **{"team_id": team.id, "title": "Hoist by bay 4",
                                                     "raised_on": today(), **over})


def rows(model, **where) -> list:
    db.session.expire_all()
    return list(db.session.scalars(sa.select(model).filter_by(**where)))


def statuses(results) -> list:
    return [r["status"] if r["status"] != "rejected" else r["error"]["code"] for r in results]


# ---- validation ------------------------------------------------------------------------------------
@pytest.mark.parametrize("collection, fields, errors", [
    ("huddles", {"held_on": "tomorrow"}, {"held_on": ["Not a valid date."]}),
    ("huddles", {"attendee_count": 501}, {"attendee_count": ["Must be greater than or equal to 0 and less than or equal to 500."]}),
    ("huddles", {"attendee_count": 9.0}, {"attendee_count": ["Not a valid integer."]}),
    ("huddles", {"manager_present": "yes"}, {"manager_present": ["Not a valid boolean."]}),
    ("huddles", {"duration_minutes": 121}, {"duration_minutes": ["Must be greater than or equal to 1 and less than or equal to 120."]}),
    ("huddle_notes", {"step": "gossip"}, {"step": ["Must be one of: data, tests_of_change, celebrations, ideas, actions, barriers, questions."]}),
    ("huddle_notes", {"text": "x" * 2001}, {"text": ["Must be at most 2000 characters."]}),
    ("ideas", {"title": ""}, {"title": ["Must not be blank or contain control characters."]}),
    ("ideas", {"status": "done"}, {"status": ["Must be one of: new, prioritised, testing, adopted, abandoned, parked."]}),
    ("ideas", {"pick": "maybe"}, {"pick": ["Must be one of: possible, implement, challenge, kill."]}),
    ("ideas", {"measure_ids": "m1"}, {"measure_ids": ["Not a valid list."]}),
    ("pdsa_cycles", {"act": "adopted"}, {"act": ["Must be one of: adopt, adapt, abandon."]}),
    ("pdsa_cycles", {"plan": "p" * 4001}, {"plan": ["Must be at most 4000 characters."]}),
    ("actions", {"status": "closed"}, {"status": ["Must be one of: open, done, dropped."]}),
    ("actions", {"due_on": "2026-02-30"}, {"due_on": ["Not a valid date."]}),
])
def test_bad_values_are_rejected_naming_the_field(app, ward, collection, fields, errors):
    team, _, devices = ward
    base = {
        "huddles": huddle(team)["fields"],
        "huddle_notes": {"team_id": team.id, "huddle_id": new_id(), "step": "data", "text": "Falls down"},
        "ideas": idea(team)["fields"],
        "pdsa_cycles": {"team_id": team.id, "idea_id": new_id(), "started_on": today(), "plan": "Try it on nights"},
        "actions": {"team_id": team.id, "title": "Order a second hoist"},
    }[collection]
    [result] = devices["ann"].push(upsert(collection, new_id(), **{**base, **fields}))
    assert (result["status"], result["error"]["code"], result["error"]["fields"]) == ("rejected", "validation_error", errors)
    good = devices["ann"].push(upsert(collection, new_id(), **base))
    assert statuses(good) == ["applied"]


@pytest.mark.parametrize("collection, field", [("huddles", "held_on"), ("ideas", "raised_on"), ("pdsa_cycles", "started_on")])
def test_dates_may_be_up_to_tomorrow_in_london(app, moment, ward, collection, field):
    team, _, devices = ward
    base = {"huddles": huddle(team)["fields"], "ideas": idea(team)["fields"],
            "pdsa_cycles": {"team_id": team.id, "idea_id": new_id(), "plan": "Try it"}}[collection]
    results = devices["ann"].push(*(upsert(collection, new_id(), **{**base, field: today(days)}) for days in (-3, 0, 1, 2)))
    assert statuses(results) == ["applied", "applied", "applied", "validation_error"]
    assert results[-1]["error"]["fields"] == {field: ["Must not be more than one day in the future."]}


# ---- who may write and delete ----------------------------------------------------------------------
def test_members_and_coaches_create_and_edit_other_teams_may_not(app, ward):
    team, _, devices = ward
    hid, iid = new_id(), new_id()
    assert statuses(devices["ann"].push(huddle(team, hid))) == ["applied"]
    assert statuses(devices["coach"].push(upsert("huddles", hid, attendee_count=11), idea(team, iid))) == ["applied", "applied"]
    assert statuses(devices["bob"].push(upsert("ideas", iid, status="testing"))) == ["applied"]
    # another team's record is answered as one that does not exist (no team_id to create it)
    assert statuses(devices["outsider"].push(idea(team), upsert("ideas", iid, status="parked"))) == [
        "forbidden", "validation_error"]
    assert [(i.status, i.user_id) for i in rows(Idea, id=iid)] == [("testing", devices["coach"].api.user["id"])]


def test_deletes_are_for_the_author_the_leads_and_admins(app, ward):
    team, _, devices = ward
    by_ann, by_coach, another = new_id(), new_id(), new_id()
    devices["ann"].push(idea(team, by_ann), idea(team, another))
    devices["coach"].push(idea(team, by_coach))
    assert statuses([devices["bob"].push_one("ideas", by_ann, op="delete")]) == ["forbidden"]
    assert statuses([devices["ann"].push_one("ideas", by_ann, op="delete")]) == ["applied"]
    assert statuses([devices["coach"].push_one("ideas", by_coach, op="delete")]) == ["applied"]
    assert statuses([devices["lead"].push_one("ideas", another, op="delete")]) == ["applied"]
    assert rows(Idea, team_id=team.id) == []
    action = new_id()
    devices["bob"].push(upsert("actions", action, team_id=team.id, title="Label the hoist"))
    assert statuses([devices["admin"].push_one("actions", action, op="delete")]) == ["applied"]


# ---- links stay inside the team --------------------------------------------------------------------
def test_links_into_another_team_are_refused(app, ward, make_user):
    team, other, devices = ward
    theirs_huddle, theirs_idea, theirs_measure = new_id(), new_id(), new_id()
    devices["outsider"].push(huddle(other, theirs_huddle), idea(other, theirs_idea),
                             upsert("measures", theirs_measure, team_id=other.id, name="Falls", group="performance"))
    results = devices["ann"].push(
        upsert("huddle_notes", new_id(), team_id=team.id, huddle_id=theirs_huddle, step="data", text="Ours"),
        idea(team, huddle_id=theirs_huddle),
        idea(team, measure_ids=[theirs_measure]),
        upsert("pdsa_cycles", new_id(), team_id=team.id, idea_id=theirs_idea, started_on=today(), plan="Theirs"),
        upsert("actions", new_id(), team_id=team.id, title="Theirs", idea_id=theirs_idea, huddle_id=theirs_huddle),
    )
    assert [r["error"]["fields"] for r in results] == [
        {"huddle_id": ["No huddle of this team has this id."]},
        {"huddle_id": ["No huddle of this team has this id."]},
        {"measure_ids": [f"No measure of this team has the id {theirs_measure}."]},
        {"idea_id": ["No idea of this team has this id."]},
        {"huddle_id": ["No huddle of this team has this id."], "idea_id": ["No idea of this team has this id."]},
    ]


def test_a_huddle_and_its_notes_in_one_push_and_links_that_never_move(app, ward):
    team, _, devices = ward
    hid, iid, note = new_id(), new_id(), new_id()
    results = devices["ann"].push(
        huddle(team, hid),
        upsert("huddle_notes", note, team_id=team.id, huddle_id=hid, step="celebrations", text="Falls down to 1"),
        idea(team, iid, huddle_id=hid),
        upsert("pdsa_cycles", new_id(), team_id=team.id, idea_id=iid, started_on=today(), plan="Hoist in bay 4 for a week"),
    )
    assert statuses(results) == ["applied"] * 4
    [moved] = devices["ann"].push(upsert("huddle_notes", note, huddle_id=new_id()))
    assert (moved["error"]["code"], moved["error"]["fields"]) == ("immutable_field", {"huddle_id": ["Cannot change."]})
    assert [(n.huddle_id, n.step, n.text) for n in rows(HuddleNote, team_id=team.id)] == [(hid, "celebrations", "Falls down to 1")]


# ---- the read tables --------------------------------------------------------------------------------
def test_huddles_per_week_and_notes_from_two_devices_on_one_step(app, ward):
    team, _, devices = ward
    hid = new_id()
    devices["lead"].push(huddle(team, hid, held_on=today(-7)), huddle(team, held_on=today()))
    # Two people typing into the same step offline: two records, both kept.
    devices["ann"].push(upsert("huddle_notes", new_id(), team_id=team.id, huddle_id=hid, step="ideas", text="Hoist in bay 4"))
    devices["bob"].push(upsert("huddle_notes", new_id(), team_id=team.id, huddle_id=hid, step="ideas", text="Spare slings"))
    assert sorted(n.text for n in rows(HuddleNote, huddle_id=hid)) == ["Hoist in bay 4", "Spare slings"]
    held = sorted(h.held_on for h in rows(Huddle, team_id=team.id))
    assert held == [clock.today() - timedelta(days=7), clock.today()]
    assert [h.manager_present for h in rows(Huddle, team_id=team.id)] == [True, True]


def test_ideas_by_status_with_every_move_and_an_overwritten_move_in_the_conflict_log(app, ward):
    team, _, devices = ward
    iid = new_id()
    devices["ann"].push(idea(team, iid))
    devices["ann"].push(upsert("ideas", iid, status="testing"))
    # Bob, offline, had moved the card back to "prioritised"; his move arrives later and wins (later hlc).
    devices["bob"].push(upsert("ideas", iid, status="prioritised"))
    [current] = rows(Idea, id=iid)
    assert current.status == "prioritised"
    moves = [(m.from_status, m.to_status, m.moved_by) for m in
             db.session.scalars(sa.select(IdeaMove).where(IdeaMove.idea_id == iid).order_by(IdeaMove.id))]
    ann, bob = devices["ann"].api.user["id"], devices["bob"].api.user["id"]
    assert moves == [(None, "new", ann), ("new", "testing", ann), ("testing", "prioritised", bob)]
    logged = db.session.scalars(sa.select(SyncConflict).where(SyncConflict.record_id == iid)).all()
    assert [(c.field, c.lost_value, c.kept_value) for c in logged] == [("status", "testing", "prioritised")]
    assert [i.id for i in rows(Idea, team_id=team.id, status="prioritised")] == [iid]


def test_open_and_overdue_actions_come_from_indexed_columns(app, ward):
    team, _, devices = ward
    late, later, done = new_id(), new_id(), new_id()
    devices["lead"].push(
        upsert("actions", late, team_id=team.id, title="Order slings", due_on=today(-2)),
        upsert("actions", later, team_id=team.id, title="Ask estates", due_on=today(5)),
        upsert("actions", done, team_id=team.id, title="Move the hoist", due_on=today(-9), status="done"),
    )
    query = sa.select(Action.id).where(Action.team_id == team.id, Action.status == "open",
                                       Action.due_on < clock.today())
    assert db.session.scalars(query).all() == [late]
    assert sorted(a.id for a in rows(Action, team_id=team.id, status="open")) == sorted([late, later])
    devices["ann"].push(upsert("actions", late, status="done"))
    assert db.session.scalars(query).all() == []


def test_a_pdsa_cycle_records_prediction_learning_and_decision(app, ward):
    team, _, devices = ward
    iid, cycle = new_id(), new_id()
    devices["ann"].push(idea(team, iid, status="testing"),
                        upsert("pdsa_cycles", cycle, team_id=team.id, idea_id=iid, started_on=today(-7),
                               plan="A hoist in bay 4 saves 20 minutes a shift"))
    devices["coach"].push(upsert("pdsa_cycles", cycle, do="Tried on 5 shifts", study="Saved 15 minutes a shift", act="adapt"))
    [row] = rows(PdsaCycle, id=cycle)
    assert (row.idea_id, row.started_on, row.study, row.act) == (iid, date.fromisoformat(today(-7)),
                                                                  "Saved 15 minutes a shift", "adapt")
