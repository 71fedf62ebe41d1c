"""Derived record ids belong to one team (issue 17): a record id anyone can compute in advance (uuid5 of a
team, of a measure and a week, of a default category's name) is accepted for a new record only when it is
the one derived for the record's own team and fields. Another team's lead cannot create it first and lock
the rightful team out, and the refusal is the same whether or not that team has the record, so it tells
nothing about other teams."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
import sqlalchemy as sa

from server.accounts.models import User
from server.board.models import board_settings_id
from server.capacity.models import DEFAULT_TIME_LOST_CATEGORIES, TimeLostCategory, default_category_id
from server.core.weeks import current_week_start
from server.extensions import db
from server.measures.models import MeasureValue, measure_value_id
from server.sync_api.operations import write_as_server

REFUSED_ID = "This record id cannot be used for a new record of this team."
LAST_WEEK = (current_week_start() - timedelta(weeks=1)).isoformat()


@pytest.fixture
def teams(make_team, make_user, phone):
    """Two teams, each with a lead's phone; A is the team whose derived ids B's lead tries to take."""
    a, b = make_team(name="Ward A"), make_team(name="Ward B")
    return a, b, phone(make_user(team=a, team_role="lead")), phone(make_user(team=b, team_role="lead"))


def category(team, name: str, position: int = 0) -> dict:
    return {"team_id": team.id, "name": name, "former_names": [], "position": position, "archived": False}


def refusal(device, *mutations) -> list[dict]:
    """The errors of mutations that must all be refused."""
    results = device.push(*mutations)["results"]
    assert [r["status"] for r in results] == ["rejected"] * len(mutations), results
    return [r["error"] for r in results]


def test_another_teams_default_categories_cannot_be_taken_and_the_team_still_creates_them(app, teams, helpers):
    a, b, lead_a, lead_b = teams
    squatted = [lead_b.mutation(default_category_id(a.id, name), category(b, name), collection="time_lost_categories")
                for name in DEFAULT_TIME_LOST_CATEGORIES]
    before = refusal(lead_b, *squatted)
    assert before[0] == {"code": "validation_error", "message": REFUSED_ID, "fields": {"record_id": [
        "Must be a random uuid, or the id derived from this record's team and fields."]}}
    assert helpers.server_records(collection="time_lost_categories") == {}

    # A's lead starts editing the list: the PWA writes the defaults with their derived ids (ensureCategories)
    for i, name in enumerate(DEFAULT_TIME_LOST_CATEGORIES):
        lead_a.client.upsert("time_lost_categories", default_category_id(a.id, name), category(a, name, i))
    lead_a.sync()
    assert lead_a.client.needs_attention == []
    db.session.expire_all()
    mine = {c.id: c.name for c in db.session.scalars(sa.select(TimeLostCategory).where(TimeLostCategory.team_id == a.id))}
    assert mine == {default_category_id(a.id, n): n for n in DEFAULT_TIME_LOST_CATEGORIES}

    # now that A has them, B's lead gets exactly the same answer: nothing says that A exists
    again = [lead_b.mutation(m["record_id"], m["fields"], collection="time_lost_categories") for m in squatted]
    assert refusal(lead_b, *again) == before
    # ... and changing one of them by id alone is answered as for a record that does not exist
    edit = lead_b.mutation(default_category_id(a.id, "Waiting"), {"name": "Ours now"}, collection="time_lost_categories")
    nothing = lead_b.mutation(default_category_id(b.id, "Waiting"), {"name": "Ours now"}, collection="time_lost_categories")
    [taken, unknown] = refusal(lead_b, edit, nothing)
    assert taken["code"] == unknown["code"] == "validation_error" and taken["fields"] == unknown["fields"]
    assert db.session.get(TimeLostCategory, default_category_id(a.id, "Waiting")).name == "Waiting"


def test_a_team_creates_its_own_default_ids_and_random_ids_with_any_name(app, teams):
    a, b, _, lead_b = teams
    own = lead_b.mutation(default_category_id(b.id, "Waiting"), category(b, "Waiting"), collection="time_lost_categories")
    # a default renamed away, then its name used again for a new category: a random id
    again = lead_b.mutation(str(uuid.uuid4()), category(b, "Waiting", 1), collection="time_lost_categories")
    # a uuid5 id must be the one of its own name too, not of another default's
    wrong_name = lead_b.mutation(default_category_id(b.id, "Travel"), category(b, "Interruptions"),
                                 collection="time_lost_categories")
    results = lead_b.push(own, again, wrong_name)["results"]
    assert [r["status"] for r in results] == ["applied", "applied", "rejected"]
    assert results[2]["error"]["fields"] == {"record_id": [
        "Must be a random uuid, or the id derived from this record's team and fields."]}
    # the lead's later edits of the derived record are edits like any other
    assert lead_b.push(lead_b.mutation(own["record_id"], {"name": "Waiting for porters"},
                                       collection="time_lost_categories"))["results"][0]["status"] == "applied"


def test_another_teams_board_settings_cannot_be_taken(app, teams, helpers):
    a, b, lead_a, lead_b = teams
    squat = lead_b.mutation(board_settings_id(a.id), {"team_id": b.id, "aim_cost": "Ours"}, collection="board_settings")
    [before] = refusal(lead_b, squat)
    assert before == {"code": "validation_error", "message": REFUSED_ID,
                      "fields": {"record_id": ["Must be the id derived from this record's team and fields."]}}
    assert lead_a.push(lead_a.mutation(board_settings_id(a.id), {"team_id": a.id, "aim_cost": "Less waste"},
                                       collection="board_settings"))["results"][0]["status"] == "applied"
    [after] = refusal(lead_b, lead_b.mutation(board_settings_id(a.id), {"team_id": b.id, "aim_cost": "Ours"},
                                              collection="board_settings"))
    assert after == before
    assert {r["team_id"] for r in helpers.server_records(collection="board_settings").values()} == {a.id}


def test_another_teams_weekly_values_cannot_be_taken(app, teams, helpers):
    a, b, lead_a, lead_b = teams
    measure_a, measure_b = str(uuid.uuid4()), str(uuid.uuid4())
    measure = {"name": "Patients seen", "group": "performance"}
    lead_a.push(lead_a.mutation(measure_a, {"team_id": a.id, **measure}, collection="measures"))
    lead_b.push(lead_b.mutation(measure_b, {"team_id": b.id, **measure}, collection="measures"))
    value_id = measure_value_id(measure_a, LAST_WEEK)

    def squats():
        return (
            # A's measure and week, as B's value
            lead_b.mutation(value_id, {"team_id": b.id, "measure_id": measure_a, "week_start": LAST_WEEK, "value": 1},
                            collection="measure_values"),
            # B's own measure under the id of A's week
            lead_b.mutation(value_id, {"team_id": b.id, "measure_id": measure_b, "week_start": LAST_WEEK, "value": 1},
                            collection="measure_values"),
        )

    before = refusal(lead_b, *squats())
    assert [e["fields"] for e in before] == [{"measure_id": ["No measure of this team has this id."]},
                                             {"record_id": ["Must be the id derived from this record's team and fields."]}]
    assert lead_a.push(lead_a.mutation(value_id, {"team_id": a.id, "measure_id": measure_a, "week_start": LAST_WEEK,
                                                  "value": 7}, collection="measure_values"))["results"][0]["status"] == "applied"
    assert refusal(lead_b, *squats()) == before
    db.session.expire_all()
    assert (db.session.get(MeasureValue, value_id).team_id, db.session.get(MeasureValue, value_id).value) == (a.id, 7)


@pytest.mark.parametrize("collection", ["capacity_entries", "ideas"])
def test_collections_with_free_ids_refuse_name_based_ids_from_devices(app, teams, helpers, collection):
    a, b, lead_a, lead_b = teams
    fields = helpers.entry(b.id) if collection == "capacity_entries" else {
        "team_id": b.id, "title": "Try the hoist checklist", "raised_on": helpers.TODAY}
    # e.g. the id of an idea team A would get by adopting a shared change (server/learning)
    for record_id in (str(uuid.uuid5(uuid.NAMESPACE_URL, f"anything/{a.id}")), str(uuid.uuid3(uuid.NAMESPACE_URL, "x"))):
        [error] = refusal(lead_b, lead_b.mutation(record_id, fields, collection=collection))
        assert error["fields"] == {"record_id": ["Must be a random uuid, or the id derived from this record's team "
                                                 "and fields."]}
    assert lead_b.push(lead_b.mutation(str(uuid.uuid4()), fields, collection=collection))["results"][0]["status"] == "applied"


def test_the_server_writes_name_based_ids_it_derived_and_devices_then_edit_them(app, teams, helpers):
    # demo data and adopted ideas: the server derives these ids from the right team itself
    a, _, lead_a, _ = teams
    user = db.session.get(User, lead_a.user_id)
    record_id = str(uuid.uuid5(uuid.NAMESPACE_URL, f"demo/{a.id}/entry"))
    [result] = write_as_server(user, [{"collection": "capacity_entries", "record_id": record_id, "op": "upsert",
                                       "fields": helpers.entry(a.id)}])
    assert result["status"] == "applied"
    edit = lead_a.push(lead_a.mutation(record_id, {"minutes": 30}))["results"]
    assert edit[0]["status"] == "applied" and helpers.server_records(a.id)[record_id]["minutes"] == 30
