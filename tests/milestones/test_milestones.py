"""Milestones detected from synced data through the real sync endpoint, on both databases: each one,
exactly once under retried and concurrent pushes, never taken back by a deletion; told once to the
team's coaches and leads (inbox and queued pushes); confirming a manual one; the endpoints' answers."""

from __future__ import annotations

import threading
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from server.core import clock
from server.extensions import db
from server.milestones.models import TeamMilestone
from server.notifications.models import Notification, PushDelivery, PushSubscription
from tests.measures.boxscore_testkit import Device, new_id, upsert

NOW = "2026-10-21T23:30:00Z"  # a Thursday, 00:30 in London



@pytest.fixture
def ward(app, frozen, make_team, make_user, login):
    team = make_team(name="Ward 7")
    people = {"lead": make_user(team=team, team_role="lead"), "ann": make_user(team=team),
              "coach": make_user("coach", coach_of=[team]), "admin": make_user("admin")}
    devices = {name: Device(login(user)) for name, user in people.items()}
    return team, people, devices


# The ward's coach was assigned as it was set up, which started the team (tested on its own below);
# the other tests look at what came after.
SET_UP = "team_started"


def reached(team, *, all: bool = False) -> dict[str, dict]:
    db.session.expire_all()
    return {m.code: m.evidence for m in db.session.scalars(sa.select(TeamMilestone).where(TeamMilestone.team_id == team.id))
            if all or m.code != SET_UP}


def inbox_of(user, *, all: bool = False) -> list[tuple[str, str]]:
    db.session.expire_all()
    return [(n.type, n.code) for n in db.session.scalars(
        sa.select(Notification).where(Notification.user_id == user.id).order_by(Notification.created_at))
        if all or n.code != SET_UP]


def london_today() -> date:
    return clock.today()


def entry(team, **over) -> dict:
    return upsert("capacity_entries", new_id(), **{"team_id": team.id, "kind": "admin", "minutes": 15,
                                                   "occurred_on": london_today().isoformat(), **over})


def huddle(team, held_on: date, manager_present: bool = False) -> dict:
    return upsert("huddles", new_id(), team_id=team.id, held_on=held_on.isoformat(), attendee_count=8,
                  manager_present=manager_present, finance_present=False)


def test_the_first_capacity_entry_reaches_first_capacity_sample_once_and_tells_the_coach_and_leads(ward):
    team, people, devices = ward
    first = entry(team)
    assert devices["ann"].push(first)[0]["status"] == "applied"
    assert reached(team) == {"first_capacity_sample": {"collection": "capacity_entries", "record_id": first["record_id"]}}
    devices["ann"].push(entry(team))  # a second entry: nothing new
    devices["ann"].push_one("capacity_entries", first["record_id"], op="delete")  # the evidence goes: it stays
    assert set(reached(team)) == {"first_capacity_sample"}
    for who in ("coach", "lead"):
        assert inbox_of(people[who]) == [("milestone", "first_capacity_sample")]
    assert inbox_of(people["ann"]) == [] and inbox_of(people["admin"]) == []
    body = [n for n in devices["coach"].api.get("/api/notifications").json["notifications"] if n["code"] != SET_UP]
    assert [(n["type"], n["code"], n["team_id"], n["url"], n["read_at"]) for n in body] == [
        ("milestone", "first_capacity_sample", team.id, f"/teams/{team.id}/board", None)]
    assert body[0]["title"] == "Ward 7: First capacity sample"


def test_a_retried_push_does_not_reach_a_milestone_twice(ward):
    team, people, devices = ward
    device = devices["ann"]
    mutation = {"id": device.next_id, "hlc": device.hlc(), **entry(team)}
    body = {"client_id": device.api.device_id, "schema_version": 1, "mutations": [mutation]}
    for _ in range(3):  # the response was lost: the device sends the same mutation again
        response = device.api.post("/api/sync/push", json=body)
        assert response.status_code == 200, response.json
    assert set(reached(team)) == {"first_capacity_sample"}
    assert inbox_of(people["coach"]) == [("milestone", "first_capacity_sample")]


def test_two_devices_completing_a_milestone_at_once_reach_it_once(app, ward, database_url):
    team, people, devices = ward
    if database_url.startswith("sqlite") and ":memory:" in database_url:
        pytest.skip("needs a shared database")
    clients = [app.test_client() for _ in range(2)]
    bodies = []
    for name in ("ann", "lead"):
        device = devices[name]
        bodies.append((device.api.token, {"client_id": device.api.device_id, "schema_version": 1, "mutations": [
            {"id": 1, "hlc": device.hlc(), **huddle(team, london_today())}]}))
    barrier, statuses = threading.Barrier(2), []

    def push(client, token, body):
        with app.app_context():
            barrier.wait()
            statuses.append(client.post("/api/sync/push", json=body, headers={"Authorization": f"Bearer {token}"}).status_code)
            db.session.remove()

    threads = [threading.Thread(target=push, args=(c, t, b)) for c, (t, b) in zip(clients, bodies)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert statuses == [200, 200]
    assert set(reached(team)) == {"first_huddle"}
    assert inbox_of(people["coach"]) == [("milestone", "first_huddle")]


def test_huddles_in_four_consecutive_weeks_reach_four_weekly_huddles(ward):
    team, _, devices = ward
    monday = london_today() - timedelta(days=london_today().weekday())
    # Weeks 5, 3, 2 and 1 back: a gap, so three in a row only.
    devices["lead"].push(*(huddle(team, monday - timedelta(weeks=w, days=-1)) for w in (5, 3, 2, 1)))
    assert "four_weekly_huddles" not in reached(team)
    devices["lead"].push(huddle(team, monday + timedelta(days=1)))  # this week's, a Tuesday: four in a row
    assert reached(team)["four_weekly_huddles"] == {
        "weeks": [(monday - timedelta(weeks=w)).isoformat() for w in (3, 2, 1, 0)]}


def test_a_manager_at_huddles_in_three_consecutive_months_reaches_manager_attendance(ward):
    team, _, devices = ward
    devices["lead"].push(huddle(team, date(2026, 8, 4), True), huddle(team, date(2026, 9, 8), False),
                         huddle(team, date(2026, 10, 6), True))
    assert "manager_attendance" not in reached(team)
    devices["lead"].push(huddle(team, date(2026, 9, 15), True))
    assert reached(team)["manager_attendance"] == {"months": ["2026-08", "2026-09", "2026-10"]}


def test_a_pdsa_cycle_or_an_idea_moved_to_testing_is_the_first_test_of_change(ward, make_team, make_user, login):
    team, _, devices = ward
    idea = upsert("ideas", new_id(), team_id=team.id, title="Hoist by bay 4", raised_on=london_today().isoformat())
    devices["ann"].push(idea)
    assert "first_test_of_change" not in reached(team)
    devices["ann"].push_one("ideas", idea["record_id"], {"status": "testing"})
    assert reached(team)["first_test_of_change"] == {"collection": "ideas", "record_id": idea["record_id"]}

    other = make_team()
    lead = Device(login(make_user(team=other, team_role="lead")))
    parked = upsert("ideas", new_id(), team_id=other.id, title="Hoist", raised_on=london_today().isoformat())
    cycle = upsert("pdsa_cycles", new_id(), team_id=other.id, idea_id=parked["record_id"],
                   plan="Park the hoist by bay 4", started_on=london_today().isoformat())
    assert [r["status"] for r in lead.push(parked, cycle)] == ["applied", "applied"]
    assert reached(other)["first_test_of_change"] == {"collection": "pdsa_cycles", "record_id": cycle["record_id"]}


def measure(team, group: str, **over) -> dict:
    return upsert("measures", new_id(), **{"team_id": team.id, "name": f"A {group} measure", "group": group,
                                           "direction": "up", **over})


def weekly_values(team, measure_id: str, values: list[float]) -> list[dict]:
    from server.measures.models import measure_value_id

    monday = london_today() - timedelta(days=london_today().weekday())
    weeks = [monday - timedelta(weeks=len(values) - 1 - i) for i in range(len(values))]
    return [upsert("measure_values", measure_value_id(measure_id, wk), team_id=team.id, measure_id=measure_id,
                   week_start=wk.isoformat(), value=v) for wk, v in zip(weeks, values)]


def test_measures_aims_baseline_box_score_board_and_improvement_signal(ward):
    team, _, devices = ward
    lead = devices["lead"]
    falls, hours, spend = measure(team, "performance"), measure(team, "capacity"), measure(team, "cost")
    lead.push(falls, hours, spend)
    assert "measures_chosen" not in reached(team)  # no aims yet
    from server.board.models import board_settings_id

    lead.push(upsert("board_settings", board_settings_id(team.id), team_id=team.id, aim_performance="Fewer falls",
                     aim_capacity="An hour a day back", aim_cost="No agency"))
    assert "measures_chosen" in reached(team)

    lead.push(*weekly_values(team, falls["record_id"], [10.0] * 11))
    assert "baseline_collected" not in reached(team) and "first_box_score" not in reached(team)
    lead.push(*weekly_values(team, falls["record_id"], [10.0] * 12))
    assert reached(team)["baseline_collected"] == {"measure_id": falls["record_id"]}
    assert "first_box_score" not in reached(team)  # capacity and cost have no values yet
    lead.push(*weekly_values(team, hours["record_id"], [3.0]), *weekly_values(team, spend["record_id"], [900.0]))
    monday = london_today() - timedelta(days=london_today().weekday())
    assert reached(team)["first_box_score"] == {"week_start": monday.isoformat()}

    assert "first_improvement_signal" not in reached(team)
    # Twelve steady weeks then a jump far above them on a measure where up is better.
    lead.push(*weekly_values(team, falls["record_id"], [10.0, 11.0] * 6 + [40.0]))
    assert reached(team)["first_improvement_signal"]["measure_id"] == falls["record_id"]

    assert "board_in_use" not in reached(team)
    lead.push(upsert("ideas", new_id(), team_id=team.id, title="Hoist", raised_on=london_today().isoformat()))
    assert "board_in_use" not in reached(team)
    lead.push(upsert("actions", new_id(), team_id=team.id, title="Book estates", status="open"))
    assert "board_in_use" in reached(team)


def test_assigning_a_coach_starts_the_team(app, make_team, make_user, admin, frozen):
    team, coach = make_team(), make_user("coach")
    assert admin.put(f"/api/teams/{team.id}/coaches/{coach.id}").status_code == 200
    assert reached(team, all=True) == {"team_started": {"coach_assigned": True}}
    assert inbox_of(coach, all=True) == [("milestone", "team_started")]
    other = make_user("coach")
    assert admin.put(f"/api/teams/{team.id}/coaches/{other.id}").status_code == 200  # a second coach: no news
    assert inbox_of(coach, all=True) == [("milestone", "team_started")] and inbox_of(other, all=True) == []


def test_the_coach_confirms_a_manual_milestone_once(ward):
    team, people, devices = ward
    coach = devices["coach"].api
    first = coach.post(f"/api/teams/{team.id}/milestones/vision_agreed")
    assert first.status_code == 201, first.json
    assert first.json == {"code": "vision_agreed", "reached_at": "2026-10-21T23:30:00+00:00",
                          "evidence": {"confirmed": True}, "confirmed_by_user_id": people["coach"].id}
    again = devices["admin"].api.post(f"/api/teams/{team.id}/milestones/vision_agreed")
    assert again.status_code == 200 and again.json == first.json
    assert inbox_of(people["coach"]) == [("milestone", "vision_agreed")]
    unknown = coach.post(f"/api/teams/{team.id}/milestones/world_peace")
    assert unknown.status_code == 404 and unknown.json["error"]["code"] == "not_found"
    detected = coach.post(f"/api/teams/{team.id}/milestones/first_huddle")
    assert detected.status_code == 409 and detected.json["error"]["code"] == "detected_milestone"
    staff = devices["ann"].api.post(f"/api/teams/{team.id}/milestones/sustaining")
    assert staff.status_code == 403 and staff.json["error"]["code"] == "forbidden"


def test_the_list_is_in_ladder_order_with_reached_ones_only(ward):
    team, people, devices = ward
    devices["ann"].push(huddle(team, london_today()), entry(team))
    devices["coach"].api.post(f"/api/teams/{team.id}/milestones/vision_agreed")
    body = devices["ann"].api.get(f"/api/teams/{team.id}/milestones").json
    assert [m["code"] for m in body["milestones"]] == [SET_UP, "vision_agreed", "first_huddle", "first_capacity_sample"]
    assert set(body["milestones"][2]) == {"code", "reached_at", "evidence", "confirmed_by_user_id"}
    assert body["milestones"][2]["confirmed_by_user_id"] is None


def test_a_subscribed_coach_gets_a_queued_push_and_a_muted_type_gets_none(ward):
    team, people, devices = ward
    from tests.api.test_permissions import push_subscription_body

    coach, lead = devices["coach"].api, devices["lead"].api
    assert coach.post("/api/push/subscriptions", json=push_subscription_body()).status_code == 201
    assert lead.post("/api/push/subscriptions", json=push_subscription_body()).status_code == 201
    muted = lead.put("/api/notification-settings", json={"quiet_hours_start": None, "quiet_hours_end": None,
                                                          "off": [{"team_id": team.id, "type": "milestone"}]})
    assert muted.status_code == 200, muted.json
    devices["ann"].push(entry(team))
    db.session.expire_all()
    queued = db.session.execute(sa.select(PushSubscription.user_id, PushDelivery.state, PushDelivery.expires_at)
                                .join(PushDelivery, PushDelivery.subscription_id == PushSubscription.id)).all()
    assert [(u, s) for u, s, _ in queued] == [(people["coach"].id, "pending")]
    assert queued[0][2] == clock.now() + timedelta(days=7)
    assert inbox_of(people["lead"]) == [("milestone", "first_capacity_sample")]  # the inbox keeps everything


def test_a_revoked_devices_subscription_is_not_sent_to(ward, login):
    team, people, devices = ward
    from tests.api.test_permissions import push_subscription_body

    lost_phone = login(people["coach"], "Lost phone")
    assert lost_phone.post("/api/push/subscriptions", json=push_subscription_body()).status_code == 201
    assert devices["coach"].api.delete(f"/api/devices/{lost_phone.device_id}").status_code == 204
    devices["ann"].push(entry(team))
    db.session.expire_all()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(PushDelivery)) == 0
    assert inbox_of(people["coach"]) == [("milestone", "first_capacity_sample")]
