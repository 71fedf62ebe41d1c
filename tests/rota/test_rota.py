"""The weekly rota (issue 14): turns week by week, what may be put on it, who may see and set it, and
the reminder to whoever is on for an undone task: on the team's day from its time (London), never
before, never for a done task, once per team, week, task and person however often or concurrently the
check runs, and never to someone who left the team. Both databases.

The clock stands at Monday 19 October 2026, 08:59 in London (07:59 UTC: summer time until the 25th);
the team's reminders are set for Mondays at 09:00."""

from __future__ import annotations

import threading
import uuid
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from server.core import clock
from server.extensions import db
from server.notifications.models import Notification, PushDelivery
from server.rota.reminders import remind_all
from tests.fidelity.test_fidelity import entry, huddle
from tests.measures.boxscore_testkit import Device
from tests.notifications.push_service import Subscriber

NOW = "2026-10-19T07:59:00Z"
THIS_MONDAY = date(2026, 10, 19)



@pytest.fixture
def ward(app, frozen, make_board, make_team, make_user, login):
    board = make_board("North")
    team, other = make_team(board=board, name="Ward 7"), make_team(board=board, name="Ward 8")
    people = {"lead": make_user(team=team, team_role="lead", name="Lee Lead"),
              "co_lead": make_user(team=team, team_role="lead", name="Cora Colead"),
              "ann": make_user(team=team, name="Ann Staff"), "bob": make_user(team=team, name="Bob Staff"),
              "coach": make_user("coach", coach_of=[team], name="Cath Coach"),
              "other_lead": make_user(team=other, team_role="lead", name="Olly Other"),
              "admin": make_user("admin", name="Ada Admin")}
    api = {name: login(user) for name, user in people.items()}
    ids = {name: user.id for name, user in people.items()}
    return {"team": team, "other": other, "people": people, "api": api, "ids": ids}


def rota_url(team) -> str:
    return f"/api/teams/{team.id}/rota"


def body(ids, **tasks) -> dict:
    return {"remind_day": "monday", "remind_time": "09:00",
            "tasks": {task: [ids[n] for n in names] for task, names in tasks.items()}}


def on_duty(view) -> list[dict[str, str | None]]:
    """Week by week, task -> the name of who is on."""
    return [{a["task"]: a["person"]["name"] if a["person"] else None for a in w["assignments"]} for w in view["weeks"]]


def reminders(user=None) -> list[tuple[str, str, str]]:
    db.session.commit()  # a new snapshot: other threads' writes are seen (SQLite keeps a transaction's)
    query = sa.select(Notification).where(Notification.type == "rota_reminder")
    if user is not None:
        query = query.where(Notification.user_id == user.id)
    return sorted((n.user_id, n.event_key, n.title) for n in db.session.scalars(query))


# ------------------------------------------------------------------------------------------------ turns
def test_turns_go_week_by_week_from_the_start_week(ward):
    api, ids, team = ward["api"], ward["ids"], ward["team"]
    empty = api["ann"].get(rota_url(team))
    assert empty.status_code == 200 and empty.json["set_up"] is False and empty.json["can_edit"] is False
    assert on_duty(empty.json) == [{"box_score": None, "board": None, "huddle": None}] * 5

    saved = api["lead"].put(rota_url(team), json=body(ids, huddle=["ann", "bob", "lead"], box_score=["co_lead"],
                                                        board=["bob", "ann"]))
    assert saved.status_code == 200, saved.json
    view = saved.json
    assert (view["set_up"], view["remind_day"], view["remind_time"], view["start_week"], view["can_edit"]) == (
        True, "monday", "09:00", "2026-10-19", True)
    assert [w["week_start"] for w in view["weeks"]] == [(THIS_MONDAY + timedelta(weeks=i)).isoformat() for i in range(5)]
    assert [w["huddle"] for w in on_duty(view)] == ["Ann Staff", "Bob Staff", "Lee Lead", "Ann Staff", "Bob Staff"]
    assert [w["board"] for w in on_duty(view)] == ["Bob Staff", "Ann Staff", "Bob Staff", "Ann Staff", "Bob Staff"]
    assert [w["box_score"] for w in on_duty(view)] == ["Cora Colead"] * 5
    # Done is said for this week only (nothing done yet); later weeks cannot be.
    assert [a["done"] for a in view["weeks"][0]["assignments"]] == [False, False, False]
    assert {a["done"] for w in view["weeks"][1:] for a in w["assignments"]} == {None}
    assert [t["task"] for t in view["tasks"]] == ["box_score", "board", "huddle"]
    assert [p["name"] for p in view["tasks"][2]["people"]] == ["Ann Staff", "Bob Staff", "Lee Lead"]
    assert {m["name"] for m in view["members"]} == {"Lee Lead", "Cora Colead", "Ann Staff", "Bob Staff"}

    # Started four weeks ago: 4 mod 3 = 1, so Bob is on this week; started next week: Lee (counting back).
    four_ago = {**body(ids, huddle=["ann", "bob", "lead"]), "start_week": "2026-09-21"}
    assert [w["huddle"] for w in on_duty(api["lead"].put(rota_url(team), json=four_ago).json)][:2] == ["Bob Staff", "Lee Lead"]
    next_week = {**body(ids, huddle=["ann", "bob", "lead"]), "start_week": "2026-10-26"}
    assert [w["huddle"] for w in on_duty(api["lead"].put(rota_url(team), json=next_week).json)][:2] == ["Lee Lead", "Ann Staff"]

    # Next Monday the turn moves on by itself.
    ward_clock = clock._source
    ward_clock.advance(weeks=1)
    assert on_duty(api["ann"].get(rota_url(team)).json)[0]["huddle"] == "Ann Staff"


def test_a_task_is_done_when_fidelity_counts_its_element_this_week(ward):
    api, ids, team = ward["api"], ward["ids"], ward["team"]
    api["lead"].put(rota_url(team), json=body(ids, huddle=["ann"], box_score=["bob"], board=["lead"]))
    Device(api["ann"]).push(huddle(team, THIS_MONDAY), entry(team, THIS_MONDAY - timedelta(days=1)))  # a Sunday: last week
    this_week = api["ann"].get(rota_url(team)).json["weeks"][0]["assignments"]
    assert {a["task"]: a["done"] for a in this_week} == {"box_score": False, "board": False, "huddle": True}
    assert api["ann"].get("/api/rota/mine").json == {"week_start": "2026-10-19", "tasks": [
        {"team_id": team.id, "team_name": "Ward 7", "task": "huddle", "label": "run the huddle",
         "week_start": "2026-10-19", "done": True}]}
    assert api["bob"].get("/api/rota/mine").json["tasks"][0] | {"team_id": None} == {
        "team_id": None, "team_name": "Ward 7", "task": "box_score", "label": "update the box score",
        "week_start": "2026-10-19", "done": False}
    assert api["coach"].get("/api/rota/mine").json["tasks"] == []


# ------------------------------------------------------------------------------------------------ validation
@pytest.mark.parametrize("change,field", [
    ({"remind_day": "funday"}, "remind_day"),
    ({"remind_day": "Monday "}, "remind_day"),
    ({"remind_time": "25:00"}, "remind_time"),
    ({"remind_time": "9:00"}, "remind_time"),
    ({"remind_time": None}, "remind_time"),
    ({"start_week": "2026-10-21"}, "start_week"),
    ({"tasks": {"coffee": []}}, "tasks"),
    ({"tasks": {"huddle": "ann"}}, "tasks"),
])
def test_a_bad_rota_is_refused_with_the_field_and_nothing_changes(ward, change, field):
    api, ids, team = ward["api"], ward["ids"], ward["team"]
    first = body(ids, huddle=["ann"])
    assert api["lead"].put(rota_url(team), json=first).status_code == 200
    refused = api["lead"].put(rota_url(team), json={**first, **change})
    assert refused.status_code == 422, refused.json
    assert refused.json["error"]["code"] == "validation_error"
    assert [f.split(".")[0] for f in refused.json["error"]["fields"]] == [field]
    assert on_duty(api["lead"].get(rota_url(team)).json)[0]["huddle"] == "Ann Staff"


def test_only_members_of_the_team_go_on_its_rota_each_once(ward):
    api, ids, team = ward["api"], ward["ids"], ward["team"]
    outsiders = api["lead"].put(rota_url(team), json=body(ids, huddle=["ann", "other_lead"], board=["coach"]))
    assert outsiders.status_code == 422
    fields = outsiders.json["error"]["fields"]
    assert set(fields) == {"tasks.huddle", "tasks.board"}
    assert ids["other_lead"] in fields["tasks.huddle"][0] and ids["ann"] not in fields["tasks.huddle"][0]
    assert "member of this team" in fields["tasks.board"][0]
    twice = api["lead"].put(rota_url(team), json=body(ids, huddle=["ann", "bob", "ann"]))
    assert twice.status_code == 422 and "once" in str(twice.json["error"]["fields"])
    assert api["lead"].get(rota_url(team)).json["set_up"] is False  # nothing half-written


# ------------------------------------------------------------------------------------------------ permissions
def test_readers_see_the_rota_its_leads_set_it_other_teams_see_nothing(ward):
    api, ids, team = ward["api"], ward["ids"], ward["team"]
    rota = body(ids, huddle=["ann"])
    for setter in ("lead", "co_lead", "admin"):
        assert api[setter].put(rota_url(team), json=rota).status_code == 200, setter
    for reader in ("ann", "coach"):
        seen = api[reader].get(rota_url(team))
        assert seen.status_code == 200 and seen.json["can_edit"] is False
        refused = api[reader].put(rota_url(team), json=rota)
        assert refused.status_code == 403 and refused.json["error"]["message"] == "Only the team's leads can set its rota."
    assert api["other_lead"].get(rota_url(team)).status_code == 404
    assert api["other_lead"].put(rota_url(team), json=rota).status_code == 404
    assert api["lead"].get(rota_url(ward["other"])).status_code == 404


# ------------------------------------------------------------------------------------------------ reminders
def test_the_person_on_is_reminded_on_the_day_from_the_time_and_once(ward, frozen, app, login):
    api, ids, team, people = ward["api"], ward["ids"], ward["team"], ward["people"]
    phone = Subscriber("ann", f"https://fcm.googleapis.com/fcm/send/{uuid.uuid4()}")
    assert api["ann"].post("/api/push/subscriptions", json=phone.json()).status_code == 201
    api["lead"].put(rota_url(team), json=body(ids, huddle=["ann", "bob"], board=["bob"]))

    assert remind_all() == 0  # 08:59 in London: not yet
    assert reminders() == []
    frozen.advance(minutes=1)  # 09:00 London, 08:00 UTC
    assert remind_all() == 2
    key = f"rota:{team.id}:2026-10-19"
    assert reminders() == sorted([(ids["ann"], f"{key}:huddle", "Ward 7: your turn to run the huddle"),
                                  (ids["bob"], f"{key}:board", "Ward 7: your turn to update the board")])
    # Through the inbox and a Web Push to Ann's phone.
    inbox = api["ann"].get("/api/notifications").json["notifications"]
    assert [(n["type"], n["code"], n["url"]) for n in inbox] == [("rota_reminder", "huddle", f"/teams/{team.id}/rota")]
    db.session.expire_all()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(PushDelivery)) == 1

    # Again and again, and by the command: nobody twice.
    frozen.advance(minutes=5)
    assert remind_all() == 0
    result = app.test_cli_runner().invoke(args=["remind-rota"])
    assert result.exit_code == 0 and "Reminded 0 people of their turn on the rota." in result.output
    assert len(reminders()) == 2
    assert db.session.scalar(sa.select(sa.func.count()).select_from(PushDelivery)) == 1

    # Next Monday at 08:05 in London is still too early (the clocks went back on Sunday: 08:05 UTC
    # is 08:05 GMT); at 09:00, Bob is on for the huddle (and still for the board).
    frozen.advance(weeks=1)
    assert remind_all() == 0
    frozen.advance(minutes=55)
    assert remind_all() == 2
    assert reminders(people["bob"])[-2:] == sorted([
        (ids["bob"], f"rota:{team.id}:2026-10-26:board", "Ward 7: your turn to update the board"),
        (ids["bob"], f"rota:{team.id}:2026-10-26:huddle", "Ward 7: your turn to run the huddle")])
    assert len(reminders(people["ann"])) == 1


def test_a_reminder_day_later_in_the_week_waits_for_it_in_london_time(ward, frozen):
    api, ids, team = ward["api"], ward["ids"], ward["team"]
    api["lead"].put(rota_url(team), json={**body(ids, huddle=["ann"]), "remind_day": "sunday", "remind_time": "23:30"})
    frozen.set("2026-10-25T22:29:00Z")  # Sunday 25 October, 22:29 in London (clocks went back at 02:00)
    assert remind_all() == 0
    frozen.set("2026-10-25T23:30:00Z")  # 23:30 GMT: the reminder is due
    assert remind_all() == 1
    frozen.set("2026-10-26T00:30:00Z")  # Monday: a new week, its Sunday not yet come
    assert remind_all() == 0


def test_no_reminder_for_a_task_already_done_this_week(ward, frozen):
    api, ids, team = ward["api"], ward["ids"], ward["team"]
    api["lead"].put(rota_url(team), json=body(ids, huddle=["ann"], box_score=["bob"], board=["co_lead"]))
    Device(api["lead"]).push(huddle(team, THIS_MONDAY), entry(team, THIS_MONDAY))
    frozen.advance(hours=2)
    assert remind_all() == 1
    assert reminders() == [(ids["co_lead"], f"rota:{team.id}:2026-10-19:board", "Ward 7: your turn to update the board")]


def test_someone_who_left_the_team_is_not_reminded(ward, frozen):
    api, ids, team = ward["api"], ward["ids"], ward["team"]
    api["lead"].put(rota_url(team), json=body(ids, huddle=["ann", "bob"]))
    assert api["lead"].delete(f"/api/teams/{team.id}/members/{ids['ann']}").status_code == 204
    frozen.advance(hours=1)
    assert remind_all() == 0
    assert reminders() == []
    view = api["lead"].get(rota_url(team)).json
    assert view["weeks"][0]["assignments"][2]["person"] == {"user_id": ids["ann"], "name": "Ann Staff", "member": False}
    assert "Ann Staff" not in {m["name"] for m in view["members"]}
    # Bob keeps his weeks; Ann sees nothing of the team's rota on her home screen now.
    assert on_duty(view)[1]["huddle"] == "Bob Staff"
    assert api["ann"].get("/api/rota/mine").json["tasks"] == []


def test_checks_running_at_once_remind_each_person_once(ward, frozen, app, database_url):
    api, ids, team = ward["api"], ward["ids"], ward["team"]
    api["lead"].put(rota_url(team), json=body(ids, huddle=["ann"], board=["bob"], box_score=["co_lead"]))
    frozen.advance(hours=3)
    barrier, told, errors = threading.Barrier(4), [], []

    def check():
        with app.app_context():
            try:
                barrier.wait()
                told.append(remind_all())
            except Exception as error:  # reported below: a thread's exception would be lost
                errors.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=check) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert sum(told) == 3
    assert sorted(r[0] for r in reminders()) == sorted([ids["ann"], ids["bob"], ids["co_lead"]])


def test_two_leads_saving_at_once_both_succeed_and_one_rota_stands(ward, app):
    ids, team = ward["ids"], ward["team"]
    bodies = {"lead": body(ids, huddle=["ann", "bob"], board=["lead"]), "co_lead": body(ids, huddle=["bob"], board=["ann", "bob"])}
    clients = {name: ward["api"][name] for name in bodies}
    barrier, statuses = threading.Barrier(2), []

    def save(name):
        api = clients[name]
        with app.app_context():
            barrier.wait()
            statuses.append(app.test_client().put(rota_url(team), json=bodies[name],
                                                  headers={"Authorization": f"Bearer {api.token}"}).status_code)
            db.session.remove()

    threads = [threading.Thread(target=save, args=(n,)) for n in bodies]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert statuses == [200, 200]
    db.session.commit()
    tasks = {t["task"]: [p["user_id"] for p in t["people"]] for t in ward["api"]["ann"].get(rota_url(team)).json["tasks"]}
    assert tasks in [{**{"box_score": []}, **{k: v for k, v in b["tasks"].items()}} for b in bodies.values()]
